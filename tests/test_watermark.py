"""Burned-in watermarks and logos (:func:`find_static_overlays`) on footage made here with real FFmpeg.

Notes on the footage:

* ``testsrc2`` is mostly still: its colour bars never change; a thin diagonal line pattern, a translucent
  rectangle and a checkerboard move over them. It also carries its own burned-in timecode box (top-left,
  about 110x40 px at 720x1280) whose leading digits stay while the last ones count: that *is* a text
  overlay over changing content and is reported as a strong candidate; no other part of the clean
  pattern may be.
* In the simulated LIVE only the host (sway, mouth), the product and the price sticker (top-right, it
  comes and goes) change; the corners are still scenery. A mark over still scenery cannot be told from
  the scenery (it stays a weak candidate), so the doctored LIVE has its mark top-right, where the sticker
  passes under it.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

pytest.importorskip("cv2")

from livehighlights.vision import scan_window  # noqa: E402
from livehighlights.vision.overlays import Overlay, find_static_overlays  # noqa: E402

FONT = Path(__file__).resolve().parents[1] / "src/livehighlights/assets/fonts/DejaVuSans-Bold.ttf"
X264 = ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"]
W, H = 720, 1280
STRONG = 0.5


def ff(*args: str) -> None:
    import imageio_ffmpeg

    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-nostdin", "-y", *args],
                   check=True)


def drawtext(textfile: Path, x: str, y: str, size: int) -> str:
    """A semi-transparent white text mark (alpha 0.5)."""
    return (f"drawtext=textfile={textfile}:expansion=none:fontfile={FONT}:fontsize={size}:fontcolor=white:"
            f"alpha=0.5:x={x}:y={y}")


def overlap(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> float:
    """Share of box ``a`` (x, y, w, h) that lies inside box ``b``."""
    ix = max(0, min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0]))
    iy = max(0, min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1]))
    return ix * iy / max(1, a[2] * a[3])


def best(overlays: list[Overlay], area: tuple[int, int, int, int]) -> Overlay | None:
    """The most confident candidate lying mostly inside ``area``."""
    inside = [o for o in overlays if overlap(o.box, area) >= 0.5]
    return max(inside, key=lambda o: o.confidence, default=None)


def text_size(size: int) -> tuple[int, int]:
    from PIL import ImageFont

    x0, y0, x1, y1 = ImageFont.truetype(str(FONT), size).getbbox("@shopclips")
    return x1 - x0, y1 - y0


@pytest.fixture(scope="module")
def wdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("watermark")
    (d / "mark.txt").write_text("@shopclips")
    return d


@pytest.fixture(scope="module")
def clean(wdir: Path) -> Path:
    out = wdir / "clean.mp4"
    ff("-f", "lavfi", "-i", f"testsrc2=size={W}x{H}:rate=30:duration=10", *X264, str(out))
    return out


@pytest.fixture(scope="module")
def text_marked(wdir: Path, clean: Path) -> Path:
    out = wdir / "text.mp4"
    ff("-i", str(clean), "-vf", drawtext(wdir / "mark.txt", "w-tw-30", "h-th-60", 40), *X264, str(out))
    return out


@pytest.fixture(scope="module")
def logo_marked(wdir: Path, clean: Path) -> Path:
    """A 120 px logo (red disc, white ``SC``) at 60 % opacity, top-left just under testsrc2's timecode."""
    from PIL import Image, ImageDraw, ImageFont

    logo = Image.new("RGBA", (120, 120), (0, 0, 0, 0))
    draw = ImageDraw.Draw(logo)
    draw.ellipse((4, 4, 116, 116), fill=(230, 40, 80, 255))
    draw.text((60, 60), "SC", font=ImageFont.truetype(str(FONT), 44), fill=(255, 255, 255, 255), anchor="mm")
    png = wdir / "logo.png"
    logo.save(png)
    out = wdir / "logo.mp4"
    ff("-i", str(clean), "-i", str(png), "-filter_complex",
       "[1]format=rgba,colorchannelmixer=aa=0.6[l];[0][l]overlay=x=30:y=70", *X264, str(out))
    return out


@pytest.fixture(scope="module")
def sim_live(wdir: Path) -> Path:
    from livehighlights.sim import SimConfig, simulate

    return simulate(SimConfig(minutes=0.5, seed=3, resolution="720p"), wdir / "sim").recording


def test_text_watermark_on_moving_footage(text_marked: Path) -> None:
    tw, th = text_size(40)
    drawn = (W - tw - 30 - 20, H - th - 60 - 20, tw + 40, th + 40)
    res = find_static_overlays(text_marked)
    assert res.status == "ok"
    hit = best(res.overlays, drawn)
    assert hit is not None and hit.confidence >= 0.6, res.overlays
    assert overlap(drawn, hit.box) >= 0.5  # the box covers most of the drawn text
    # the same from a shared 4 fps scan (the way the clip checks call it)
    scan = scan_window(text_marked, 0, None, sample_fps=4)
    hit = best(find_static_overlays(text_marked, scan=scan).overlays, drawn)
    assert hit is not None and hit.confidence >= STRONG


def test_logo_watermark_on_moving_footage(logo_marked: Path) -> None:
    res = find_static_overlays(logo_marked)
    hit = best(res.overlays, (20, 60, 140, 140))
    assert res.status == "ok" and hit is not None and hit.confidence >= 0.6, res.overlays


def test_clean_testsrc2_has_no_strong_candidate_but_its_timecode(clean: Path) -> None:
    res = find_static_overlays(clean)
    assert res.status == "ok"
    strong = [o for o in res.overlays if o.confidence >= STRONG]
    timecode = (0, 0, 160, 80)
    assert all(overlap(o.box, timecode) >= 0.9 for o in strong), strong


def test_text_watermark_on_simulated_live(wdir: Path, sim_live: Path) -> None:
    out = wdir / "sim_marked.mp4"
    y = round(H * 0.12)
    ff("-i", str(sim_live), "-vf", drawtext(wdir / "mark.txt", "w-tw-30", str(y), 36), *X264, str(out))
    tw, th = text_size(36)
    drawn = (W - tw - 30 - 20, y - 20, tw + 40, th + 40)
    res = find_static_overlays(out)
    hit = best(res.overlays, drawn)
    assert res.status == "ok" and hit is not None and hit.confidence >= 0.6, res.overlays
    assert all(o.confidence < STRONG for o in res.overlays if o is not hit)


def test_mark_over_still_scenery_stays_weak(wdir: Path, sim_live: Path) -> None:
    """Bottom-right of the simulated studio is a still table: a mark there is seen but cannot be verified."""
    out = wdir / "sim_corner.mp4"
    ff("-i", str(sim_live), "-vf", drawtext(wdir / "mark.txt", "w-tw-30", "h-th-60", 36), *X264, str(out))
    tw, th = text_size(36)
    res = find_static_overlays(out)
    hit = best(res.overlays, (W - tw - 50, H - th - 80, tw + 40, th + 40))
    assert res.status == "ok" and hit is not None and 0 < hit.confidence < STRONG


def test_clean_simulated_live_has_no_strong_candidate(sim_live: Path) -> None:
    res = find_static_overlays(sim_live)
    assert res.status == "ok"  # the host moves: a partly moving scene is judged, not unknown
    assert res.overlays, "the studio's own still graphics are seen as weak candidates"
    assert all(o.confidence < STRONG for o in res.overlays), res.overlays


def test_fully_still_video_is_unknown(wdir: Path) -> None:
    grey = wdir / "grey.mp4"
    ff("-f", "lavfi", "-i", f"color=c=gray:size={W}x{H}:rate=30:duration=4", *X264, str(grey))
    res = find_static_overlays(grey)
    assert res.status == "unknown" and "barely moves" in (res.reason or "")
    # a still picture carrying a mark: the mark is there, but nothing shows it is not the picture itself
    png, still = wdir / "still.png", wdir / "still_marked.mp4"
    ff("-f", "lavfi", "-i", f"testsrc2=size={W}x{H}", "-frames:v", "1", str(png))
    ff("-loop", "1", "-framerate", "30", "-t", "4", "-i", str(png), "-vf",
       drawtext(wdir / "mark.txt", "w-tw-30", "h-th-60", 40), *X264, str(still))
    res = find_static_overlays(still)
    assert res.status == "unknown" and "barely moves" in (res.reason or ""), res
