"""The remix renderer, end to end on simulated LIVEs: real FFmpeg, real speech, real vision."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import numpy as np
import pytest
from conftest import run_cli

from livehighlights.errors import InputError
from livehighlights.remix import Encoder, RemixOptions, load_style, remix, resolve_source
from livehighlights.remix.layout import SafeArea, overlap

W, H = 720, 1280


def _frame(path: Path, t_s: float) -> np.ndarray:
    import av

    with av.open(str(path)) as c:
        s = c.streams.video[0]
        c.seek(int(max(0.0, t_s - 1) / s.time_base), stream=s)
        best = None
        for f in c.decode(s):
            best = f
            if f.time >= t_s:
                break
        return best.to_ndarray(format="rgb24").astype(np.float32)


def _pitch(live) -> dict:
    truth = json.loads(Path(live.truth).read_text())
    return truth["pitches"][0]


@pytest.fixture(scope="module")
def clip(short_live, tmp_path_factory) -> tuple[Path, dict]:
    from livehighlights.render import cut_clip

    pitch = _pitch(short_live)
    start = int(pitch["visible"][0]["enter_s"] * 1000) + 100
    out = tmp_path_factory.mktemp("remix") / "clip.mp4"
    cut_clip(short_live.recording, start, start + 9000, out)
    return out, {"pitch": pitch, "start_ms": start}


@pytest.fixture(scope="module")
def rendered(clip, short_live) -> tuple[Path, dict]:
    path, meta = clip
    src = resolve_source(str(path), catalog=short_live.catalog, product_id=meta["pitch"]["product_id"])
    out = path.parent / "remix.mp4"
    res = remix(src, out, RemixOptions(size="720x1280", live_on=True, contact_sheet=path.parent / "sheet.png"))
    return out, res.data


def test_output_format_and_sidecar(rendered):
    from livehighlights.check.sidecar import read_sidecars
    from livehighlights.media import probe

    out, data = rendered
    info = probe(out)
    assert (info.width, info.height) == (W, H) and info.has_audio
    assert abs(info.duration_ms - 9000) < 200
    _prov, product_id, catalog, remix_side = read_sidecars(out)
    assert product_id and catalog and remix_side["enhancements"]["elements"]
    el = set(data["enhancements"]["elements"])
    assert {"subtitles", "stickers", "price", "discount", "brand", "live_badge", "arrow", "end_card", "music"} <= el
    # a sticker that finds no free place beside the product is left out, and the sidecar says so
    assert all(k in el for k in ("title", "promo")) or data["enhancements"]["skipped"]
    assert data["encoder"]["pix_fmt"] == "yuv420p" and data["encoder"]["fps"] == 30


def test_stickers_avoid_product_and_stay_safe(rendered, clip):
    _out, data = rendered
    area = SafeArea(W, H)
    truth_box = tuple(clip[1]["pitch"]["visible"][0]["box"])  # source 720x1280 pixels = output pixels here
    product_box = data["product_box"]
    assert product_box is not None
    placed = data["enhancements"]["stickers"] + [data["enhancements"]["live_badge"], data["enhancements"]["arrow"]]
    for s in placed:
        assert overlap(tuple(s["box"]), tuple(product_box)) == 0, s
        assert overlap(tuple(s["box"]), truth_box) == 0, s
        assert area.contains(tuple(s["box"])), s
        for t in placed:
            assert t is s or overlap(tuple(s["box"]), tuple(t["box"])) == 0


def test_the_lives_own_sticker_stays_readable(rendered, clip):
    """The LIVE's own price sticker (drawn by the seller's studio, not by us) is found as a still mark
    and our stickers and subtitles keep off it: a remix must not hide the seller's own promotion."""
    _out, data = rendered
    live_sticker = clip[1]["pitch"]["sticker_box"]
    assert live_sticker, "the simulated pitch shows a price sticker"
    ours = [s["box"] for s in data["enhancements"]["stickers"]] + [data["enhancements"]["subtitles"]["band"]]
    covered = sum(overlap(tuple(b), tuple(live_sticker)) for b in ours)
    assert covered <= 0.08 * live_sticker[2] * live_sticker[3], (ours, live_sticker)


def test_subtitles_burned_in_safe_band(rendered, clip):
    out, data = rendered
    subs = data["enhancements"]["subtitles"]
    assert subs["status"] == "burned"
    bx, by, bw, bh = subs["band"]
    assert SafeArea(W, H).contains((bx, by, bw, bh))
    s, e, _text = max(subs["timing"], key=lambda c: c[1] - c[0])
    t = (s + e) / 2000
    remixed, source = _frame(out, t), _frame(clip[0], t)
    band = np.abs(remixed[by:by + bh, bx:bx + bw] - source[by:by + bh, bx:bx + bw]).mean()
    white = ((remixed[by:by + bh, bx:bx + bw] > 200).all(axis=2)).sum()
    assert band > 8 and white > 300
    bottom = np.abs(remixed[int(H * 0.82):] - source[int(H * 0.82):]).mean()  # caption zone: untouched
    assert bottom < 4


def test_end_card_darkens_with_big_text(rendered, clip):
    out, data = rendered
    card = data["enhancements"]["end_card"]
    assert card["kind"] == "click_now" and card["lines"][0] == "CLICK NOW"
    t = 8.7
    remixed, source = _frame(out, t), _frame(clip[0], t)
    assert remixed.mean() < source.mean() * 0.7
    x, y, w, h = card["box"]
    assert w > W * 0.5 and h > H * 0.05
    assert ((remixed[y:y + h, x:x + w] > 200).any(axis=2)).sum() > 1000


def test_loudness_and_original_voice(rendered, clip):
    from livehighlights.media.audio import read_mono
    from livehighlights.media.loudness import ebur128

    out, data = rendered
    loud = ebur128(out)
    assert abs(loud["integrated_lufs"] - (-14.0)) <= 1.5
    assert loud["true_peak_dbtp"] < -1.0
    s, e, _ = data["enhancements"]["subtitles"]["timing"][0]
    def envelope(x: np.ndarray) -> np.ndarray:  # 10 ms RMS frames (16 kHz)
        n = len(x) // 160
        return np.sqrt((x[: n * 160].reshape(n, 160) ** 2).mean(axis=1))

    a, b = envelope(read_mono(out, s, e)), envelope(read_mono(clip[0], s, e))
    n = min(len(a), len(b)) - 10
    corr = max(float(np.corrcoef(a[lag:lag + n], b[:n])[0, 1]) for lag in range(0, 10))
    assert corr > 0.8, corr  # the host's own voice, in time, under the music


def test_contact_sheet_grid(rendered):
    from PIL import Image

    out, _ = rendered
    sheet = out.parent / "sheet.png"
    assert Image.open(sheet).size == (3 * (W // 4), 4 * (H // 4))


def test_plan_teaser_at_1080(clip, short_live, tmp_path):
    path, meta = clip
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps({"title": "Winter candles", "start": "2099-12-01T19:00:00+07:00"}))
    src = resolve_source(str(path), catalog=short_live.catalog, product_id=meta["pitch"]["product_id"])
    res = remix(src, tmp_path / "teaser.mp4",
                RemixOptions(style="minimal", plan=plan, no_music=True, encoder=Encoder(preset="ultrafast")))
    from livehighlights.media import probe

    info = probe(res.output)
    assert (info.width, info.height) == (1080, 1920)
    card = res.data["enhancements"]["end_card"]
    assert card["kind"] == "plan_teaser" and card["lines"][1] == "Winter candles"
    assert card["lines"][2] == "Tue 1 Dec, 19:00"
    assert "music" not in res.data["enhancements"]["elements"]


def test_landscape_becomes_vertical_around_subject(tmp_path):
    from livehighlights.media import probe
    from livehighlights.render import cut_clip
    from livehighlights.sim import SimConfig, simulate

    live = simulate(SimConfig(minutes=0.5, seed=5, resolution="720p", orientation="landscape"), tmp_path / "live")
    pitch = _pitch(live)
    vis = pitch["visible"][0]
    start = int(vis["enter_s"] * 1000) + 500
    clip = tmp_path / "land.mp4"
    cut_clip(live.recording, start, start + 6000, clip)
    src = resolve_source(str(clip), catalog=live.catalog, product_id=pitch["product_id"])
    res = remix(src, tmp_path / "land_remix.mp4", RemixOptions(size="720x1280", no_music=True))
    info = probe(res.output)
    assert (info.width, info.height) == (720, 1280)
    fr = res.data["framing"]
    assert fr["mode"] == "follow"
    steps = [abs(b[1] - a[1]) for a, b in zip(fr["path"], fr["path"][1:], strict=False)]
    assert max(steps, default=0) <= 0.36 * fr["crop_width"]  # glides, never jumps
    assert _subject_inside(fr, vis["box"]), fr


def _subject_inside(fr: dict, box: list[int]) -> bool:
    x, _y, w, _h = box
    cx = x + w / 2
    return all(left <= cx <= left + fr["crop_width"] for _t, left in fr["path"])


def test_style_validation(tmp_path):
    with pytest.raises(InputError, match="known: bold, classic, minimal"):
        load_style("nope")
    bad = tmp_path / "bad.toml"
    bad.write_text('[subtitles]\nsize = "big"\n')
    with pytest.raises(InputError, match=r"bad.toml.*subtitles.size.*must be a number"):
        load_style(bad)
    bad.write_text("[stickers]\nsparkles = true\n")
    with pytest.raises(InputError, match=r"stickers.sparkles.*unknown field"):
        load_style(bad)
    bad.write_text('[subtitles]\ncolor = "white"\n')
    with pytest.raises(InputError, match="colour"):
        load_style(bad)
    good = tmp_path / "mine.toml"
    good.write_text('extends = "bold"\n[end_card]\nduration = 1.5\n[texts.en]\nclick_now = "GO GO GO"\n')
    s = load_style(good)
    assert s.name == "mine" and s.end_card.duration == 1.5 and s.subtitles.box is True
    assert s.text("click_now", "en") == "GO GO GO"


def _cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return run_cli("remix", *args)


def test_cli_errors(tmp_path, clip):
    path, _ = clip
    report = tmp_path / "highlights.json"
    report.write_text(json.dumps({"live": {}, "highlights": [{"rank": 1, "clip": str(path), "product_id": None}]}))
    past = tmp_path / "plan.json"
    past.write_text(json.dumps({"title": "x", "start": "2020-01-01T10:00:00+07:00"}))
    bad = tmp_path / "bad.toml"
    bad.write_text("[arrow]\nenabled = 3\n")
    cases = [
        ((f"{report}#4", "--out", tmp_path / "o.mp4"), "no highlight of rank 4"),
        ((tmp_path / "missing.mp4", "--out", tmp_path / "o.mp4"), "no such file"),
        ((path, "--style", "nope", "--out", tmp_path / "o.mp4"), "unknown style 'nope'"),
        ((path, "--style", bad, "--out", tmp_path / "o.mp4"), "arrow.enabled"),
        ((path, "--plan", past, "--out", tmp_path / "o.mp4"), "in the past"),
        ((path, "--music", tmp_path / "nope.ogg", "--out", tmp_path / "o.mp4"), "no such file (expected a music file)"),
    ]
    for args, message in cases:
        proc = _cli(*args)
        assert proc.returncode != 0, args
        assert message in proc.stderr and "Traceback" not in proc.stderr, proc.stderr
