"""On-screen text and cues (OCR with the real tesseract) on a simulated LIVE with a price sticker."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from livehighlights.errors import ToolError
from livehighlights.vision.screen_text import classify_screen_text, find_screen_text

pytestmark = pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract-ocr is not installed")


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from livehighlights.sim import SimConfig, simulate

    out = tmp_path_factory.mktemp("live")
    simulate(SimConfig(minutes=0.5, seed=3, resolution="720p"), out)
    return out


def _sticker_pitch(live: Path) -> tuple[dict, dict]:
    truth = json.loads((live / "truth.json").read_text())
    catalog = {p["id"]: p for p in json.loads((live / "catalog.json").read_text())}
    pitch = next(p for p in truth["pitches"] if p["sticker"])
    return pitch, catalog[pitch["product_id"]]


def test_sticker_during_pitch_gives_price_and_tap_cues(live: Path) -> None:
    pitch, product = _sticker_pitch(live)
    shown = pitch["visible"][-1]  # the sticker rides on the last hold
    start, end = round(shown["full_s"] * 1000), round(shown["out_s"] * 1000)
    res = find_screen_text(live / "recording.mp4", start, end, frames=3)
    assert res.status == "ok" and len(res.frame_times) == 3
    kinds = {c.kind for c in res.cues}
    assert {"price_offer", "tap_cart"} <= kinds, res.cues
    pct = round(product["discount"] * 100)
    assert pct in res.discounts
    offer = next(c for c in res.cues if c.unit == "%")
    assert f"{pct}%" in offer.text.replace(" ", "")
    x, y, w, h = offer.box  # full-resolution box, in the top right where the simulator puts the sticker
    assert x > 720 * 0.4 and y < 1280 * 0.4 and w > 0 and h > 0
    assert all(start <= c.t_ms < end for c in res.cues)
    assert any("cart" in i.text.lower() for i in res.items)


def test_scan_frames_are_used(live: Path) -> None:
    from livehighlights.vision.frames import scan_window

    pitch, product = _sticker_pitch(live)
    shown = pitch["visible"][-1]
    start, end = round(shown["full_s"] * 1000), round(shown["out_s"] * 1000)
    scan = scan_window(live / "recording.mp4", start, end, hires_fps=0.5, hires_short_side=720)
    res = find_screen_text(live / "recording.mp4", start, end, frames=2, scan=scan, threshold=False)
    assert set(res.frame_times) <= {f.t_ms for f in scan.hires}
    assert round(product["discount"] * 100) in res.discounts


def test_no_sticker_no_price_cue(live: Path) -> None:
    truth = json.loads((live / "truth.json").read_text())
    first = min(p["start_s"] for p in truth["pitches"])
    assert first >= 1.0
    res = find_screen_text(live / "recording.mp4", 0, round(first * 1000), frames=2)
    assert res.status == "ok"
    assert not [c for c in res.cues if c.kind == "price_offer"], res.cues
    assert any("live" in i.text.lower() for i in res.items)  # the shop's badge is read, and is no cue


def test_plain_video_has_no_text(tmp_path: Path) -> None:
    from livehighlights.media.ffmpeg import ffmpeg_exe

    path = tmp_path / "plain.mp4"
    subprocess.run([ffmpeg_exe(), "-v", "error", "-f", "lavfi", "-i", "color=c=0x3060a0:s=640x360:d=2:r=10",
                    "-pix_fmt", "yuv420p", str(path)], check=True)
    res = find_screen_text(path, 0, 2000, frames=2)
    assert res.status == "ok" and res.cues == [] and res.items == []


@pytest.mark.parametrize(("text", "kind", "value", "unit"), [
    ("30% OFF", "price_offer", 30.0, "%"), ("-20%", "price_offer", 20.0, "%"),
    ("NOW $62.99", "price_offer", 62.99, "$"), ("Rp 99.000", "price_offer", 99000.0, "Rp"),
    ("BUY 1 GET 1", "price_offer", None, None), ("FREE SHIPPING", "price_offer", None, None),
    ("BIG SALE", "price_offer", None, None), ("TODAY ONLY", "limited_time", None, None),
    ("LAST CHANCE", "limited_time", None, None), ("ENDS IN 05:00", "limited_time", 300.0, "countdown"),
    ("TAP THE CART", "tap_cart", None, None), ("SHOP NOW", "tap_cart", None, None),
    ("LINK BELOW", "tap_cart", None, None), ("ADD TO CART", "tap_cart", None, None),
    ("BUY NOW", "tap_cart", None, None),
])
def test_classify(text: str, kind: str, value: float | None, unit: str | None) -> None:
    found = [(k, v, u) for k, _, _, v, u in classify_screen_text(text)]
    assert (kind, value, unit) in found or (value is None and kind in {k for k, _, _ in found}), found


def test_plain_words_are_no_cues() -> None:
    assert classify_screen_text("LIVE Daily Deals Studio") == []
    assert classify_screen_text("ORVIO Cloud Runner Sneakers") == []


def test_missing_tesseract_is_a_tool_error(tmp_path: Path) -> None:
    with pytest.raises(ToolError, match="apt-get install tesseract-ocr"):
        find_screen_text(tmp_path / "none.mp4", 0, 1000, tesseract=str(tmp_path / "no-tesseract"))
    code = ("from livehighlights.vision.screen_text import find_screen_text\n"
            "from livehighlights.errors import ToolError\n"
            "try:\n    find_screen_text('x.mp4', 0, 1000)\nexcept ToolError as e:\n    print('TOOL', e)\n")
    env = {**os.environ, "PATH": str(tmp_path)}
    env.pop("LIVEHIGHLIGHTS_TESSERACT", None)
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.startswith("TOOL") and "tesseract-ocr" in out.stdout


def test_missing_language_is_a_tool_error(live: Path) -> None:
    with pytest.raises(ToolError, match="tesseract-ocr-xqz"):
        find_screen_text(live / "recording.mp4", 0, 1000, frames=1, languages=("xqz",), threshold=False)


def test_auto_threshold_reads_the_binarised_copies_only_when_the_grey_ones_show_no_cue(live: Path) -> None:
    """``threshold="auto"``: where the grey pictures show a cue, their reading is the answer (the binarised
    copies are never read); where they show none, the answer is exactly that of ``threshold=True``."""
    from dataclasses import asdict

    from livehighlights.vision.frames import scan_window

    def same(a: object, b: object) -> bool:
        return {k: v for k, v in asdict(a).items() if k != "ocr_s"} == {k: v for k, v in asdict(b).items()
                                                                          if k != "ocr_s"}

    pitch, _product = _sticker_pitch(live)
    shown = pitch["visible"][-1]
    start, end = round(shown["full_s"] * 1000), round(shown["out_s"] * 1000)
    scan = scan_window(live / "recording.mp4", start, end, hires_fps=0.5, hires_short_side=720)
    grey = find_screen_text(live / "recording.mp4", start, end, frames=2, scan=scan, threshold=False)
    assert grey.cues  # the sticker's price is read on the grey pictures
    assert same(find_screen_text(live / "recording.mp4", start, end, frames=2, scan=scan, threshold="auto"), grey)

    truth = json.loads((live / "truth.json").read_text())
    first = round(min(p["start_s"] for p in truth["pitches"]) * 1000)
    whole = find_screen_text(live / "recording.mp4", 0, first, frames=2, threshold=True, workers=1)
    assert not find_screen_text(live / "recording.mp4", 0, first, frames=2, threshold=False).cues
    auto = find_screen_text(live / "recording.mp4", 0, first, frames=2, threshold="auto", workers=1)
    assert whole.items and same(auto, whole)
    with pytest.raises(ValueError, match="threshold"):
        find_screen_text(live / "recording.mp4", 0, first, threshold="sometimes")
