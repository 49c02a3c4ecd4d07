"""The converter of labelled Twitch chat (Lightor's layout, bench/lightor.py) into what ``bench/detect.py --real``
reads, on a small log written here in that layout (the real data are not in the repository)."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"
sys.path.insert(0, str(BENCH))

from detect import load_real  # noqa: E402
from lightor import convert, read_labels  # noqa: E402

from livehighlights.engine import detect  # noqa: E402
from livehighlights.evaluate import overlap  # noqa: E402

START_MS = 1_499_127_476_823


def _write_dataset(root: Path) -> Path:
    """A 20-minute stream: steady chat from a crowd, one burst of many people laughing at 10:00."""
    rng = random.Random(7)
    chat = root / "Dota2" / "test" / "chat"
    labels = root / "Dota2" / "test" / "labels"
    chat.mkdir(parents=True)
    labels.mkdir(parents=True)
    lines = []
    for i in range(1200):
        for _ in range(rng.choice([0, 0, 1, 1, 2])):
            lines.append((i, f"viewer{rng.randrange(400)}", rng.choice(["nice", "what hero", "gg", "ok", "lol ok"])))
    for k in range(90):
        lines.append((600 + k // 6, f"fan{k}", rng.choice(["LUL", "LUL LUL", "KEKW", "OMEGALUL", "hahaha", "LMAO"])))
    lines.sort()
    rows = [f"{81000 + n}\t#stream\t{user}\t{text}\t{1000 + t // 60}\t{START_MS + t * 1000 + n % 1000}"
            for n, (t, user, text) in enumerate(lines)]
    rows.insert(10, "a broken line")
    (chat / f"stream-2017-07-03 {START_MS}.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    (labels / "stream-2017-07-03.csv").write_text("009-58 009-55 010-10\n000-00 015-00 015-20\n026-08 000-00 000-00\n"
                                                  "010-03 009-55 010-10\n")
    return root


def test_lightor_chat_converts_and_its_burst_is_found(tmp_path):
    dataset = _write_dataset(tmp_path / "dataset")
    done = convert(dataset, tmp_path / "real")
    # the label line 000-00 000-00 (a chat window with no highlight in the video) is no highlight, and the same
    # highlight found from a second chat window is one highlight
    assert [(c.game, c.name, c.labels, c.no_highlight, c.skipped) for c in done] == [
        ("Dota2", "stream-2017-07-03", 2, 2, 1)]
    assert (tmp_path / "real" / "Dota2" / "stream-2017-07-03.chat.csv").exists()
    (case,) = load_real(tmp_path / "real")
    assert (case.name, case.group) == ("stream-2017-07-03", "Dota2")
    assert case.planted == [(595_000, 610_000), (900_000, 920_000)]
    assert any(e.type == "viewers" for e in case.events) and case.end_ms > 1_190_000
    found = detect(case.events, case.end_ms).moments
    assert any(m.kind == "engagement" and overlap((m.start_ms, m.end_ms), case.planted[0]) > 0 for m in found)


def test_vod_relative_times_and_the_scored_report(tmp_path, capsys):
    """A numbered tournament VOD gives times in ms into the VOD and START_MS where the labelled part begins: a
    message 3 s before it is dropped; the report scores the stream overall, per game and per split."""
    chat = tmp_path / "dataset" / "Dota2" / "test" / "chat"
    labels = tmp_path / "dataset" / "Dota2" / "test" / "labels"
    chat.mkdir(parents=True)
    labels.mkdir(parents=True)
    rows = [f"{n}\t319709841\tu{n % 50}\t{'LUL' if 300 <= n < 340 else 'ok'}\t0\t{957_000 + n * 3_000}"
            for n in range(600)]
    (chat / "319709841 960000.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    (labels / "319709841.csv").write_text("015-00 014-55 015-10\n")
    (done,) = convert(tmp_path / "dataset", tmp_path / "real")
    assert (done.messages, done.skipped, done.labels) == (599, 1, 1)
    (case,) = load_real(tmp_path / "real")
    assert case.events[0].ts_ms == 0 and case.planted == [(895_000, 910_000)]
    assert not any(e.type == "viewers" for e in case.events)  # 0 viewers in the log: not recorded
    from detect import evaluate_real, real_split
    assert real_split("319709841") in ("dev", "held-out") and real_split("x") == real_split("x")
    evaluate_real(tmp_path / "real")
    out = capsys.readouterr().out
    assert "1 streams" in out and "game Dota2: 319709841" in out and f"split {real_split('319709841')}" in out
    assert "ours top-L" in out and "naive chat top-1/h" in out


def test_a_bad_label_line_is_named(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("009-58 009-55 010-10\n009-58 010-75 011-00\n")
    with pytest.raises(ValueError, match=r"x.csv:2: '010-75' is not MMM-SS"):
        read_labels(path)
    path.write_text("009-58 010-10 009-55\n")
    with pytest.raises(ValueError, match=r"x.csv:1: the highlight ends"):
        read_labels(path)


def test_the_converter_says_when_there_is_nothing_to_convert(tmp_path):
    proc = subprocess.run([sys.executable, str(BENCH / "lightor.py"), str(tmp_path), str(tmp_path / "out")],
                          capture_output=True, text=True)
    assert proc.returncode != 0 and "no labelled chat" in proc.stderr and "Traceback" not in proc.stderr
