"""render: frame-accurate smart / re-encode cuts and thumbnails (real ffmpeg and PyAV, no mocks)."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest
from PIL import Image

from livehighlights.errors import InputError
from livehighlights.media import keyframes_ms, probe
from livehighlights.render import CUT_METHODS, cut_clip, write_thumbnail


def decode_all(path: Path) -> tuple[list[np.ndarray], int]:
    """Every video frame (grey) with decoder error detection on, and the number of audio samples."""
    with av.open(str(path)) as clip:
        video = clip.streams.video[0]
        video.codec_context.options = {"err_detect": "crccheck+bitstream+buffer+explode"}
        frames = [f.to_ndarray(format="gray").astype(np.float32) for f in clip.decode(video)]
        clip.seek(0)
        samples = sum(f.samples for f in clip.decode(clip.streams.audio[0])) if clip.streams.audio else 0
    return frames, samples


def source_frame(path: Path, index: int) -> np.ndarray:
    """Grey picture of frame ``index`` of a 30 fps source, decoded from the start."""
    with av.open(str(path)) as src:
        for i, frame in enumerate(src.decode(src.streams.video[0])):
            if i == index:
                return frame.to_ndarray(format="gray").astype(np.float32)
    raise AssertionError(f"no frame {index}")


def mad(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.mean(np.abs(a - b)))


def test_registry() -> None:
    assert {"smart", "reencode"} <= set(CUT_METHODS)


def test_smart_cut_mid_gop(media_src: Path, tmp_path: Path) -> None:
    info = probe(media_src)
    res = cut_clip(media_src, 3_100, 11_000, tmp_path / "clip.mp4", info=info, keyframes=keyframes_ms(media_src))
    assert res.method == "smart" and res.fallback is None
    assert (res.start_ms, res.end_ms, res.duration_ms) == (3_100, 11_000, 7_900)
    assert 0 < res.reencoded_ms < 2_000 and res.reencoded_ms == 900  # 3.1 s -> keyframe at 4.0 s
    assert res.copied_ms == 7_000
    frames, samples = decode_all(res.path)
    assert abs(len(frames) - 237) <= 1
    start = source_frame(media_src, 93)  # 3.1 s * 30 fps
    assert mad(frames[0], start) < 3.0
    assert mad(frames[0], start) < mad(frames[0], source_frame(media_src, 94)) / 2  # exactly that frame
    assert abs(samples / 48_000 - 7.9) < 0.05
    out = probe(res.path)
    assert (out.width, out.height, out.video_codec, out.audio_codec) == (720, 1280, "h264", "aac")
    assert abs(out.duration_ms - 7_900) <= 50


def test_smart_cut_end_inside_b_group(media_src: Path, tmp_path: Path) -> None:
    res = cut_clip(media_src, 3_100, 9_050, tmp_path / "clip.mp4")
    assert res.method == "smart" and res.fallback is None
    frames, _ = decode_all(res.path)
    expected = res.duration_ms * 30 // 1000
    assert abs(len(frames) - expected) <= 1
    assert res.reencoded_ms + res.copied_ms == res.duration_ms
    last = source_frame(media_src, 93 + len(frames) - 1)
    assert mad(frames[-1], last) < 3.0


def test_smart_cut_on_keyframe_copies_everything(media_src: Path, tmp_path: Path) -> None:
    res = cut_clip(media_src, 4_000, 12_000, tmp_path / "clip.mp4")
    assert res.method == "smart" and res.reencoded_ms == 0 and res.copied_ms == 8_000
    frames, samples = decode_all(res.path)
    assert len(frames) == 240
    assert mad(frames[0], source_frame(media_src, 120)) < 1.0
    assert abs(samples / 48_000 - 8.0) < 0.05


def test_snaps_to_frame_boundaries(media_src: Path, tmp_path: Path) -> None:
    res = cut_clip(media_src, 3_110, 5_020, tmp_path / "clip.mp4")
    fps = Fraction(30)
    assert res.start_ms == 3_100 and res.end_ms == 5_000
    assert Fraction(res.duration_ms, 1000) * fps == 57


def test_reencode_vp8(media_vp8: Path, tmp_path: Path) -> None:
    res = cut_clip(media_vp8, 1_000, 4_000, tmp_path / "clip.mp4")
    assert res.method == "reencode" and "vp8" in (res.fallback or "")
    assert res.reencoded_ms == 3_000 and res.copied_ms == 0
    info = probe(res.path)
    assert (info.video_codec, info.audio_codec, info.width, info.height) == ("h264", "aac", 320, 240)
    frames, samples = decode_all(res.path)
    assert abs(len(frames) - 90) <= 1
    assert abs(samples / 48_000 - 3.0) < 0.05
    assert mad(frames[0], source_frame(media_vp8, 30)) < 4.0


def test_reencode_method_explicit(media_src: Path, tmp_path: Path) -> None:
    res = cut_clip(media_src, 3_100, 5_000, tmp_path / "clip.mp4", method="reencode")
    assert res.method == "reencode" and res.fallback is None and res.reencoded_ms == 1_900
    frames, _ = decode_all(res.path)
    assert abs(len(frames) - 57) <= 1
    assert mad(frames[0], source_frame(media_src, 93)) < 3.0


def test_faststart(media_src: Path, tmp_path: Path) -> None:
    res = cut_clip(media_src, 4_000, 6_000, tmp_path / "clip.mp4")
    head = res.path.read_bytes()[:200_000]
    assert 0 <= head.find(b"moov") < head.find(b"mdat")


def test_bad_windows(media_src: Path, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="empty clip window"):
        cut_clip(media_src, 5_000, 5_000, tmp_path / "a.mp4")
    with pytest.raises(InputError, match="empty clip window"):
        cut_clip(media_src, 25_000, 30_000, tmp_path / "b.mp4")
    with pytest.raises(InputError, match="unknown cut method"):
        cut_clip(media_src, 0, 1_000, tmp_path / "c.mp4", method="magic")
    assert not list(tmp_path.iterdir())


def test_thumbnail(media_src: Path, tmp_path: Path) -> None:
    out = write_thumbnail(media_src, 5_000, tmp_path / "thumb.jpg")
    with Image.open(out) as img:
        assert img.format == "JPEG" and img.size == (405, 720)
        grey = np.asarray(img.convert("L").resize((720, 1280)), dtype=np.float32)
    assert mad(grey, source_frame(media_src, 150)) < 12.0
    small = write_thumbnail(media_src, 99_000, tmp_path / "last.jpg", max_side=128)
    with Image.open(small) as img:
        assert img.size == (72, 128)
