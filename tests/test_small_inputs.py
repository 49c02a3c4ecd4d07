"""Small kinds of bad input, each said precisely: a folder given as a file, one line that is not UTF-8, FFmpeg's
own error output (said in our words, without its internal prefixes)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import run_cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from livehighlights.errors import InputError, ToolError
from livehighlights.media.ffmpeg import run_ffmpeg
from livehighlights.sources import load_events


def test_a_folder_given_as_a_file_is_named_as_a_folder(short_live, tmp_path: Path) -> None:
    folder = tmp_path / "events.jsonl"  # a folder whose name looks like a file's
    folder.mkdir()
    live = short_live
    cases = [
        ("moments", folder),
        ("moments", tmp_path),
        ("moments", live.events, "--catalog", folder),
        ("process", folder, "--events", live.events, "--out", tmp_path / "o1"),
        ("process", live.recording, "--events", folder, "--out", tmp_path / "o2", "--no-analysis"),
        ("check", folder),
        ("remix", folder, "--out", tmp_path / "r.mp4"),
        ("remix", live.recording, "--out", tmp_path / "r.mp4", "--style", folder),
        ("remix", live.recording, "--out", tmp_path / "r.mp4", "--music", folder),
        ("remix", live.recording, "--out", tmp_path / "r.mp4", "--plan", folder),
    ]
    for args in cases:
        res = run_cli(*args)
        assert res.returncode == 2, (args, res.stdout, res.stderr)
        assert "folder" in res.stderr or "directory" in res.stderr, (args, res.stderr)
        assert "not found" not in res.stderr and "cannot tell" not in res.stderr, (args, res.stderr)
        assert "Traceback" not in res.stderr and len(res.stderr.strip().splitlines()) == 1, (args, res.stderr)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(n=st.integers(min_value=2, max_value=30), bad=st.data(),
       junk=st.binary(min_size=1, max_size=8).filter(lambda b: _not_utf8(b)), csv=st.booleans())
def test_a_line_that_is_not_utf8_is_skipped_with_a_warning(tmp_path: Path, n: int, bad: st.DataObject,
                                                           junk: bytes, csv: bool) -> None:
    at = bad.draw(st.integers(min_value=0, max_value=n - 1))
    if csv:
        rows = [b"ts,type,text"] + [f"{i},comment,hi {i}".encode() for i in range(n)]
        rows[at + 1] = f"{at},comment,".encode() + junk
        path, line = tmp_path / "ev.csv", at + 2
    else:
        rows = [json.dumps({"ts": i, "type": "comment", "text": f"hi {i}"}).encode() for i in range(n)]
        rows[at] = b'{"ts": %d, "type": "comment", "text": "' % at + junk + b'"}'
        path, line = tmp_path / "ev.jsonl", at + 1
    path.write_bytes(b"\n".join(rows) + b"\n")
    log = load_events(path)
    assert len(log.events) == n - 1 and at * 1000 not in [e.ts_ms for e in log.events]
    (w,) = log.warnings
    assert w.where is not None and w.where.line == line and "not valid UTF-8" in w.message
    with pytest.raises(InputError, match=f"line {line}.*not valid UTF-8"):
        load_events(path, strict=True)


def _not_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return b"\n" not in data
    return False


@pytest.mark.parametrize("args, reason", [
    (["-f", "lavfi", "-i", "sine=d=1", "-af", "loudnorm=I=50", "-f", "null", "-"], "out of the range"),
    (["-f", "lavfi", "-i", "sine=d=1", "-af", "volume=abc", "-f", "null", "-"], "not one FFmpeg accepts"),
])
def test_ffmpeg_errors_are_said_in_our_words(args: list[str], reason: str) -> None:
    with pytest.raises(ToolError) as caught:
        run_ffmpeg(args, what="mixing the sound")
    text = str(caught.value)
    assert text.startswith("mixing the sound: ") and reason in text, text
    assert "@ 0x" not in text and "[Parsed_" not in text and "\n" not in text, text
    assert caught.value.detail  # FFmpeg's own lines are kept for a bug report


def test_emoji_are_left_out_of_remix_text_and_said() -> None:
    import numpy as np

    from livehighlights.remix.fonts import DROPPED_EMOJI, fonts_dir
    from livehighlights.remix.stickers import end_card, pill

    font = fonts_dir() / "DejaVuSans-Bold.ttf"
    dropped: list[str] = []
    DROPPED_EMOJI.set(dropped)
    with_emoji = pill([("\U0001F525 Hot deal \u2728\ufe0f", 40, "#ffffff")], font, "#fe2c55", 0.5)
    plain = pill([("Hot deal", 40, "#ffffff")], font, "#fe2c55", 0.5)
    assert with_emoji.size == plain.size and np.array_equal(np.asarray(with_emoji), np.asarray(plain))
    card = end_card([("Follow \U0001F44D\U0001F3FD", 60, "#ffffff")], font, 720, 400)
    assert np.array_equal(np.asarray(card), np.asarray(end_card([("Follow", 60, "#ffffff")], font, 720, 400)))
    assert dropped == ["\U0001F525", "\u2728", "\U0001F44D", "\U0001F3FD"]
    kept = pill([("\u2605 Promo \u25cf", 40, "#ffffff")], font, "#fe2c55", 0.5)  # symbols the font has stay
    assert kept.size != pill([("Promo", 40, "#ffffff")], font, "#fe2c55", 0.5).size
