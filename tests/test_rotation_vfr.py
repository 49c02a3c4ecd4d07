"""Phone video as it comes: stored on its side with a display rotation, and with a variable frame rate. Probe,
decode, cut, thumbnail, remix and the quality checks see the picture as displayed and judge time from the frames'
own timestamps."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import pytest
from conftest import media_ffmpeg

from livehighlights.media import probe
from livehighlights.render import cut_clip, write_thumbnail
from livehighlights.vision.frames import iter_frames, scan_window
from livehighlights.vision.quality import measure_video


def _sideways(src: Path, out: Path) -> Path:
    """``src`` stored on its side: pixels turned a quarter clockwise (landscape), with a display matrix saying
    to turn them back (a portrait phone video as phones store it)."""
    coded = out.with_name(out.stem + ".coded.mp4")
    media_ffmpeg("-i", str(src), "-vf", "transpose=clock", "-c:v", "libx264", "-preset", "veryfast", "-g", "60",
                 "-keyint_min", "60", "-sc_threshold", "0", "-c:a", "copy", str(coded))
    media_ffmpeg("-display_rotation", "90", "-i", str(coded), "-c", "copy", str(out))
    return out


@pytest.fixture(scope="module")
def sideways(media_src: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _sideways(media_src, tmp_path_factory.mktemp("rot") / "sideways.mp4")


def _frames(path: Path, start: int, end: int) -> list[np.ndarray]:
    return [f.image.astype(np.int16) for f in iter_frames(path, start, end, fps=2, color=True, short_side=None)]


def _close(a: list[np.ndarray], b: list[np.ndarray]) -> bool:
    return len(a) == len(b) and all(x.shape == y.shape and np.abs(x - y).mean() < 6 for x, y in zip(a, b, strict=True))


def test_probe_and_decode_see_the_picture_as_displayed(media_src: Path, sideways: Path) -> None:
    with av.open(str(sideways)) as c:
        assert (c.streams.video[0].codec_context.width, c.streams.video[0].codec_context.height) == (1280, 720)
    info, want = probe(sideways), probe(media_src)
    assert (want.width, want.height, want.rotation) == (720, 1280, 0)
    assert (info.width, info.height, info.rotation) == (720, 1280, 90)
    assert _close(_frames(sideways, 0, 3000), _frames(media_src, 0, 3000))
    scan = scan_window(sideways, 0, 2000)
    assert (scan.width, scan.height) == (720, 1280) and scan.samples[0].image.shape[0] > scan.samples[0].image.shape[1]


@pytest.mark.parametrize("method", ["smart", "reencode"])
def test_cut_keeps_the_clip_upright(media_src: Path, sideways: Path, tmp_path: Path, method: str) -> None:
    clip = cut_clip(sideways, 2100, 7900, tmp_path / "clip.mp4", method=method).path
    info = probe(clip)
    assert (info.width, info.height) == (720, 1280)
    assert _close(_frames(clip, 0, 5000), _frames(media_src, 2100, 7100))


def test_thumbnail_is_upright(media_src: Path, sideways: Path, tmp_path: Path) -> None:
    from PIL import Image

    a = Image.open(write_thumbnail(sideways, 4000, tmp_path / "a.jpg"))
    b = Image.open(write_thumbnail(media_src, 4000, tmp_path / "b.jpg"))
    assert a.size == b.size and a.size[0] < a.size[1]
    assert np.abs(np.asarray(a, dtype=np.int16) - np.asarray(b, dtype=np.int16)).mean() < 6


def test_remix_of_a_sideways_clip_is_framed_as_portrait(short_live, tmp_path: Path) -> None:
    from livehighlights.remix import RemixOptions, remix
    from livehighlights.remix.source import resolve as resolve_source

    plain = cut_clip(short_live.recording, 10_000, 16_000, tmp_path / "plain.mp4").path
    turned = _sideways(plain, tmp_path / "turned.mp4")
    res = remix(resolve_source(str(turned)), tmp_path / "remix.mp4", RemixOptions(size="720x1280", no_music=True))
    framing = res.data["framing"]
    assert framing["source_size"] == [720, 1280] and framing["crop_width"] is None, framing
    out = probe(tmp_path / "remix.mp4")
    assert (out.width, out.height, out.rotation) == (720, 1280, 0)


# -- variable frame rate ---------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def vfr(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """12 s 720x1280: 30 fps for 6 s, then 20 fps (a phone slowing down in low light), timestamps kept."""
    out = tmp_path_factory.mktemp("vfr") / "vfr.mp4"
    media_ffmpeg("-f", "lavfi", "-i", "testsrc2=size=720x1280:rate=30:duration=6", "-f", "lavfi", "-i",
                 "testsrc2=size=720x1280:rate=20:duration=6", "-f", "lavfi", "-i", "sine=d=12:sample_rate=48000",
                 "-filter_complex", "[0:v][1:v]concat=n=2:v=1[v]", "-map", "[v]", "-map", "2:a", "-fps_mode",
                 "passthrough", "-c:v", "libx264", "-preset", "veryfast", "-g", "40", "-c:a", "aac", str(out))
    return out


@pytest.mark.parametrize("method", ["smart", "reencode"])
def test_variable_frame_rate_is_cut(vfr: Path, tmp_path: Path, method: str) -> None:
    res = cut_clip(vfr, 3000, 11_000, tmp_path / "clip.mp4", method=method)
    with av.open(str(res.path)) as c:
        pts = sorted(float(f.pts * f.time_base) for f in c.decode(video=0))
    assert abs(pts[-1] - pts[0] - 8.0) < 0.1
    assert 3 * 30 + 5 * 20 - 3 <= len(pts) <= 3 * 30 + 5 * 20 + 3  # every frame of the window, at its own time
    assert not [b - a for a, b in zip(pts, pts[1:], strict=False) if b - a > 0.06]


def test_a_frame_rate_change_is_no_lag_but_a_dropped_frame_is(vfr: Path, tmp_path: Path) -> None:
    q = measure_video(vfr, 0, 12_000)
    assert q.dropped_frames == 0 and q.lag == [], (q.dropped, q.lag)
    holed = tmp_path / "holed.mp4"  # the same video with two frames missing at 3 s
    media_ffmpeg("-i", str(vfr), "-vf", "select='not(between(n\\,90\\,91))'", "-fps_mode", "passthrough",
                 "-c:v", "libx264", "-preset", "veryfast", "-an", str(holed))
    q = measure_video(holed, 0, 12_000)
    assert q.dropped_frames == 2 and len(q.lag) == 1 and 2900 <= q.lag[0][0] <= 3100, (q.dropped, q.lag)


def test_process_accepts_variable_frame_rate(short_live, tmp_path: Path) -> None:
    from livehighlights.pipeline import ProcessOptions, process

    src = tmp_path / "vfr_live.mp4"  # the LIVE with its frame rate dropping to 20 fps from 10 s to 25 s
    media_ffmpeg("-i", str(short_live.recording), "-vf",
                 "select='not(between(t\\,10\\,25)*eq(mod(n\\,3)\\,2))'", "-fps_mode", "passthrough",
                 "-c:v", "libx264", "-preset", "veryfast", "-g", "60", "-c:a", "copy", str(src))
    res = process(src, short_live.events, tmp_path / "out", options=ProcessOptions(understand=None))
    assert res.highlights and all(h.clip is not None and h.clip.exists() for h in res.highlights)
