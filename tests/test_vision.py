"""Visual checks on real media made here with FFmpeg and on a simulated LIVE (no mocks)."""

from __future__ import annotations

import json
import subprocess
from fractions import Fraction
from pathlib import Path

import pytest

pytest.importorskip("cv2")

from livehighlights.errors import MediaError  # noqa: E402
from livehighlights.vision import (  # noqa: E402
    find_qr_codes,
    find_static_overlays,
    measure_video,
    scan_window,
    visibility_track,
)


def ff(*args: str) -> None:
    import imageio_ffmpeg

    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-nostdin", "-y", *args],
                   check=True)


X264 = ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"]


@pytest.fixture(scope="module")
def vdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("vision")


@pytest.fixture(scope="module")
def black_clip(vdir: Path) -> Path:
    out = vdir / "black.mp4"
    ff("-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=30:duration=6",
       "-vf", "drawbox=color=black:t=fill:enable='between(t,2,3.5)'", *X264, str(out))
    return out


@pytest.fixture(scope="module")
def frozen_clip(vdir: Path) -> Path:
    """Moving 0-3 s, the 3 s picture held for 2 s (3-5 s), moving again 5-8 s."""
    out = vdir / "frozen.mp4"
    ff("-f", "lavfi", "-i", "testsrc2=size=640x360:rate=30:duration=8", "-filter_complex",
       "[0]split[x][y];[x]trim=0:3,tpad=stop_mode=clone:stop_duration=2[a];"
       "[y]trim=5:8,setpts=PTS-STARTPTS[b];[a][b]concat=n=2:v=1[v]", "-map", "[v]", *X264, str(out))
    return out


@pytest.fixture(scope="module")
def still_clip(vdir: Path) -> Path:
    """A still picture with a voice-like tone: static, not frozen."""
    pic = vdir / "still.png"
    ff("-f", "lavfi", "-i", "testsrc2=size=1280x720", "-frames:v", "1", str(pic))
    out = vdir / "still.mp4"
    ff("-loop", "1", "-i", str(pic), "-f", "lavfi", "-i", "sine=frequency=220:duration=5", "-t", "5", *X264,
       "-r", "30", "-c:a", "aac", "-shortest", str(out))
    return out


@pytest.fixture(scope="module")
def dup_clip(vdir: Path) -> Path:
    """30 fps 0-3 s, then 15 fps content up-converted to 30 fps (every other frame repeated) 3-6 s."""
    out = vdir / "dup.mp4"
    ff("-f", "lavfi", "-i", "testsrc2=size=640x360:rate=30:duration=3", "-f", "lavfi", "-i",
       "testsrc2=size=640x360:rate=15:duration=3", "-filter_complex",
       "[1]fps=30,setpts=PTS-STARTPTS[b];[0][b]concat=n=2:v=1[v]", "-map", "[v]", "-r", "30", *X264, str(out))
    return out


def test_resolution_fps_and_black(black_clip: Path) -> None:
    q = measure_video(black_clip, 0, 6000)
    assert (q.width, q.height) == (1280, 720) and q.fps == Fraction(30)
    assert abs(q.real_fps - 30) < 0.1 and q.n_frames == 180
    assert len(q.black) == 1
    a, b = q.black[0]
    assert abs(a - 2000) <= 70 and abs(b - 3533) <= 70
    assert not q.frozen and q.duplicated == 0 and not q.dropped


def test_window_only(black_clip: Path) -> None:
    q = measure_video(black_clip, 4000, 5000)
    assert q.n_frames == 30 and not q.black
    scan = scan_window(black_clip, 1000, 2000, sample_fps=4)
    assert scan.pts_ms[0] == 1000 and scan.pts_ms[-1] < 2000
    assert [f.t_ms for f in scan.samples] == [1000, 1266, 1500, 1766]
    assert min(scan.samples[0].image.shape) == 360


def test_freeze_found(frozen_clip: Path) -> None:
    q = measure_video(frozen_clip)
    assert not q.static
    assert len(q.frozen) == 1
    a, b = q.frozen[0]
    assert abs(a - 3000) <= 100 and abs(b - 5000) <= 100


def test_still_picture_is_static_not_frozen(still_clip: Path) -> None:
    q = measure_video(still_clip)
    assert q.static and not q.frozen and q.duplicated == 0


def test_duplicated_frames(dup_clip: Path) -> None:
    q = measure_video(dup_clip)
    assert not q.frozen
    assert 0.15 < q.duplicated_ratio < 0.35
    assert q.lag and q.lag[0][0] >= 2900 and q.lag[-1][1] <= 6100


def test_bad_input(tmp_path: Path) -> None:
    bad = tmp_path / "x.mp4"
    bad.write_bytes(b"not a video")
    with pytest.raises(MediaError, match="x.mp4"):
        measure_video(bad)
    with pytest.raises(MediaError):
        measure_video(tmp_path / "missing.mp4")


@pytest.fixture(scope="module")
def live(short_live):  # noqa: ANN001 - the session fixture of conftest
    truth = json.loads(Path(short_live.truth).read_text())
    catalog = json.loads(Path(short_live.catalog).read_text())
    images = {p["id"]: [str(Path(short_live.catalog).parent / i) for i in p["images"]] for p in catalog}
    return short_live, truth, images


def test_product_visibility_on_sim(live) -> None:  # noqa: ANN001
    sim, truth, images = live
    pitch = truth["pitches"][0]
    seen = pitch["visible"][-1]
    pid = pitch["product_id"]
    others = {k: v for k, v in images.items() if k != pid}
    start = max(0, round(seen["enter_s"] * 1000) - 2000)
    end = round(seen["exit_s"] * 1000)
    tr = visibility_track(sim.recording, start, end, images[pid], other_products=others)
    assert tr.status == "ok"
    assert abs(tr.first_visible_ms / 1000 - seen["enter_s"]) <= 0.5
    assert abs(tr.first_full_ms / 1000 - seen["full_s"]) <= 0.5
    assert tr.frontal_ratio >= 0.6
    assert tr.matches_catalog is True and tr.best_other is None
    wrong = next(iter(others))
    rest = {k: v for k, v in images.items() if k != wrong}
    bad = visibility_track(sim.recording, start, end, images[wrong], other_products=rest)
    assert bad.matches_catalog is False and bad.best_other == pid


def test_small_product_found_on_sharper_frames(live, vdir: Path) -> None:  # noqa: ANN001
    """A product a third of the frame wide on a 1080x1920 picture is too few pixels at the 360-pixel
    analysis size; the sharper (720) frames of the scan find it."""
    _, _, images = live
    img = images[sorted(images)[0]][0]
    out = vdir / "small_product.mp4"
    ff("-f", "lavfi", "-i", "testsrc2=size=1080x1920:rate=30:duration=5", "-i", img, "-filter_complex",
       "[1]scale=320:-2[p];[0][p]overlay=x=400:y=800:enable='between(t,1.5,4)'", *X264, str(out))
    plain = visibility_track(out, 0, 5000, [img], scan=scan_window(out, 0, 5000, sample_fps=2))
    assert plain.first_visible_ms is None
    tr = visibility_track(out, 0, 5000, [img], scan=scan_window(out, 0, 5000, sample_fps=2, hires_fps=1))
    assert tr.first_visible_ms is not None and abs(tr.first_visible_ms - 1500) <= 100
    assert tr.frame_size == (720, 1280) and "sharper" in tr.warnings[-1]
    assert all(not s.visible for s in tr.sightings if s.t_ms < 1500 or s.t_ms > 4000)


def test_product_without_picture(live, tmp_path: Path) -> None:  # noqa: ANN001
    sim, _, _ = live
    tr = visibility_track(sim.recording, 0, 2000, [])
    assert tr.status == "unknown" and "no reference picture" in tr.reason
    tr = visibility_track(sim.recording, 0, 2000, [tmp_path / "nope.png"])
    assert tr.status == "unknown" and "nope.png" in tr.reason


@pytest.fixture(scope="module")
def qr_clip(vdir: Path) -> Path:
    import cv2

    code = cv2.QRCodeEncoder.create().encode("https://other.example/buy")
    code = cv2.copyMakeBorder(cv2.resize(code, None, fx=6, fy=6, interpolation=cv2.INTER_NEAREST),
                              24, 24, 24, 24, cv2.BORDER_CONSTANT, value=255)
    png = vdir / "qr.png"
    cv2.imwrite(str(png), code)
    out = vdir / "qr.mp4"
    ff("-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=30:duration=5", "-i", str(png), "-filter_complex",
       "[0][1]overlay=x=60:y=300:enable='between(t,1.5,3.5)'", *X264, str(out))
    return out


def test_qr_found_on_doctored_and_not_on_clean(qr_clip: Path, live) -> None:  # noqa: ANN001
    hits = find_qr_codes(qr_clip)
    assert {h.t_ms for h in hits} == {2000, 3000}
    assert all(h.text == "https://other.example/buy" for h in hits)
    xs = [x for x, _ in hits[0].corners]
    assert 60 <= min(xs) and max(xs) <= 60 + 300
    sim, _, _ = live
    assert find_qr_codes(sim.recording, 0, 20000) == []


def test_static_overlays_unknown_when_nothing_moves(still_clip: Path) -> None:
    res = find_static_overlays(still_clip)
    assert res.status == "unknown" and "barely moves" in res.reason
