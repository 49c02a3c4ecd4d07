"""media: probing, truncation, keyframes, audio levels and pauses (real ffmpeg, no mocks)."""

from __future__ import annotations

import os
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from livehighlights.errors import MediaError, ToolError
from livehighlights.media import audio_levels, ffmpeg_exe, find_pauses, keyframes_ms, probe, run_ffmpeg


def test_probe_fields(media_src: Path) -> None:
    info = probe(media_src)
    assert (info.width, info.height) == (720, 1280)
    assert info.fps == Fraction(30)
    assert abs(info.duration_ms - 20_000) <= 50
    assert info.video_codec == "h264" and info.pix_fmt == "yuv420p"
    assert info.has_audio and info.audio_codec == "aac"
    assert info.sample_rate == 48_000 and info.channels == 1
    assert info.bit_rate and info.bit_rate > 0
    assert info.truncated_at_ms is None


def test_probe_no_audio(media_noaudio: Path) -> None:
    info = probe(media_noaudio)
    assert not info.has_audio and info.audio_codec is None and info.sample_rate is None


def test_missing_file_names_it(tmp_path: Path) -> None:
    missing = tmp_path / "nope.mp4"
    with pytest.raises(MediaError, match="nope.mp4: file not found"):
        probe(missing)


def test_corrupt_file_names_it(tmp_path: Path) -> None:
    bad = tmp_path / "random.mp4"
    bad.write_bytes(np.random.default_rng(1).integers(0, 256, 200_000, dtype=np.uint8).tobytes())
    with pytest.raises(MediaError, match=r"random\.mp4: cannot be read: .*corrupt or not a video"):
        probe(bad)


def test_not_media_has_no_video(tmp_path: Path, media_dir: Path) -> None:
    wav = tmp_path / "tone.wav"
    run_ffmpeg(["-f", "lavfi", "-i", "sine=duration=1", str(wav)], what="making a wav")
    with pytest.raises(MediaError, match="tone.wav: has no video stream"):
        probe(wav)


@pytest.mark.parametrize("fixture", ["media_src", "media_src_faststart"])
def test_truncated_file_detected(fixture: str, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    src: Path = request.getfixturevalue(fixture)
    cut = tmp_path / f"cut_{src.name}"
    data = src.read_bytes()
    cut.write_bytes(data[: int(len(data) * 0.6)])
    with pytest.raises(MediaError, match=f"{cut.name}: truncated"):
        probe(cut)


def test_truncated_faststart_can_be_salvaged(media_src_faststart: Path, tmp_path: Path) -> None:
    cut = tmp_path / "cut.mp4"
    data = media_src_faststart.read_bytes()
    cut.write_bytes(data[: int(len(data) * 0.6)])
    with pytest.raises(MediaError, match=r"container says 20\.0 s but data ends at 1\d\.\d s"):
        probe(cut)
    info = probe(cut, allow_truncated=True)
    assert info.truncated_at_ms is not None and 8_000 < info.truncated_at_ms < 16_000
    assert info.duration_ms == info.truncated_at_ms


def test_keyframes_every_two_seconds(media_src: Path) -> None:
    assert keyframes_ms(media_src) == list(range(0, 20_000, 2_000))


def test_audio_levels_tone_vs_silence(media_src: Path) -> None:
    levels = audio_levels(media_src, 4_000, 10_000, hop_ms=20)
    assert len(levels) == 300
    tone = levels[5:45]  # 4.1-4.9 s
    silence = levels[55:95]  # 5.1-5.9 s
    assert np.all(tone > -15) and np.all(silence < -60)


def test_find_pauses_within_50ms(media_src: Path) -> None:
    start = 4_000
    levels = audio_levels(media_src, start, 10_000, hop_ms=20)
    pauses = find_pauses(levels, 20, offset_ms=start)
    expected = [(5_000, 6_000), (7_000, 8_000), (9_000, 10_000)]
    assert len(pauses) == len(expected)
    for (a, b), (ea, eb) in zip(pauses, expected, strict=True):
        assert abs(a - ea) <= 50 and abs(b - eb) <= 50
    relative = find_pauses(levels, 20)
    assert relative[0][0] == pauses[0][0] - start


def test_find_pauses_edge_cases() -> None:
    assert find_pauses(np.zeros(0), 20) == []
    assert find_pauses(np.full(50, -20.0), 20) == []  # steady speech: no pause
    assert find_pauses(np.full(50, -90.0), 20) == [(0, 1000)]  # all silent
    short = np.full(100, -20.0)
    short[40:45] = -80  # 100 ms dip: too short
    assert find_pauses(short, 20, min_pause_ms=250) == []


def test_audio_levels_without_audio(media_noaudio: Path) -> None:
    with pytest.raises(MediaError, match="noaudio.mp4: has no audio track"):
        audio_levels(media_noaudio, 0, 1000)


def test_run_ffmpeg_error_names_what(tmp_path: Path) -> None:
    with pytest.raises(ToolError, match="converting missing.mp4: a file it needed is missing"):
        run_ffmpeg(["-i", str(tmp_path / "missing.mp4"), str(tmp_path / "x.mp4")], what="converting missing.mp4")


def test_ffmpeg_env_override(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("LIVEHIGHLIGHTS_FFMPEG", str(tmp_path / "no-such-ffmpeg"))
    with pytest.raises(ToolError, match="LIVEHIGHLIGHTS_FFMPEG"):
        ffmpeg_exe()
    monkeypatch.delenv("LIVEHIGHLIGHTS_FFMPEG")
    assert os.path.isfile(ffmpeg_exe())
