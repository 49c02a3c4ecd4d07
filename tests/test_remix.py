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
    assert {"subtitles", "stickers", "brand", "live_badge", "arrow", "end_card", "music"} <= el
    # the LIVE's own sticker shows the price and the discount: ours would repeat it, and the sidecar says so
    dropped = {d["kind"]: d["reason"] for d in data["enhancements"]["dropped"]}
    assert not {"price", "discount"} & el
    assert "already shows" in dropped["price"] and "already shows" in dropped["discount"]
    # every sticker the style turns on is shown or left out with a reason
    assert {"title", "promo", "point", "cta"} <= el | set(dropped)
    assert data["encoder"]["pix_fmt"] == "yuv420p" and data["encoder"]["fps"] == 30
    # a constant quantiser (no rate factor: x264's look-ahead analysis is not needed), as x264 itself records
    assert data["encoder"]["qp"] == 20 and "crf" not in data["encoder"]
    assert b"rc=cqp" in out.read_bytes() and b" qp=20" in out.read_bytes()


def test_stickers_avoid_product_and_stay_safe(rendered, clip):
    _out, data = rendered
    area = SafeArea(W, H)
    held = clip[1]["pitch"]["visible"][0]
    x, y, w, h = held.get("drawn_box", held["box"])  # source 720x1280 pixels = output pixels here
    truth_box = (x - 12, y - 11, w + 24, h + 22)  # the product's pixels, with the host's sway and its bob
    product = [o["box"] for o in data["layout"]["obstacles"] if o["kind"] == "product"]
    assert product, data["layout"]["obstacles"]
    placed = data["enhancements"]["stickers"] + [data["enhancements"]["live_badge"], data["enhancements"]["arrow"]]
    for s in placed:
        assert overlap(tuple(s["box"]), tuple(product[0])) == 0, s
        assert overlap(tuple(s["box"]), truth_box) == 0, s
        assert area.contains(tuple(s["box"])), s
        for t in placed:  # the spoken selling points take turns in one place
            assert t is s or s["kind"] == t["kind"] == "point" or overlap(tuple(s["box"]), tuple(t["box"])) == 0


def test_the_lives_own_sticker_stays_readable(rendered, clip):
    """The LIVE's own price sticker (drawn by the seller's studio, not by us) is found as a still mark
    and our stickers and subtitles keep off it: a remix must not hide the seller's own promotion."""
    _out, data = rendered
    live_sticker = clip[1]["pitch"]["sticker_box"]
    assert live_sticker, "the simulated pitch shows a price sticker"
    ours = [s["box"] for s in data["enhancements"]["stickers"]] + [data["enhancements"]["subtitles"]["band"]]
    covered = sum(overlap(tuple(b), tuple(live_sticker)) for b in ours)
    assert covered == 0, (ours, live_sticker)


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
    res = remix(src, tmp_path / "land_remix.mp4", RemixOptions(size="720x1280", no_music=True, framing="follow"))
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


# -- layout: nothing of ours over the host's face, the product or the LIVE's own marks (issue 14) ----------


def _clip_of(live, tmp: Path, length_ms: int = 9000) -> tuple[Path, dict, dict]:
    """A clip of the LIVE's first pitch from 0.5 s after the product enters, with the truth."""
    from livehighlights.render import cut_clip

    truth = json.loads(Path(live.truth).read_text())
    pitch = truth["pitches"][0]
    start = int(pitch["visible"][0]["enter_s"] * 1000) + 500
    out = tmp / "clip.mp4"
    cut_clip(live.recording, start, start + length_ms, out)
    return out, truth, {"pitch": pitch, "start_ms": start}


@pytest.fixture(scope="module")
def layouts(rendered, clip, short_live, tmp_path_factory) -> dict[str, tuple[Path, Path, dict, dict, dict]]:
    """Remixes (LIVE on) of three simulated LIVEs: portrait with the LIVE's own price sticker (the module's
    clip), portrait without one, landscape with one. name -> (remix, clip, sidecar, truth, meta)."""
    from livehighlights.sim import SimConfig, simulate

    out = {"portrait": (rendered[0], clip[0], rendered[1], json.loads(Path(short_live.truth).read_text()), clip[1])}
    for name, cfg in (("plain", SimConfig(minutes=1.0, seed=9, resolution="720p")),
                      ("landscape", SimConfig(minutes=0.5, seed=5, resolution="720p", orientation="landscape"))):
        tmp = tmp_path_factory.mktemp(name)
        live = simulate(cfg, tmp / "live")
        path, truth, meta = _clip_of(live, tmp)
        src = resolve_source(str(path), catalog=live.catalog, product_id=meta["pitch"]["product_id"])
        res = remix(src, tmp / "remix.mp4", RemixOptions(size="720x1280", live_on=True, no_music=True,
                                                           contact_sheet=tmp / "sheet.png", debug_boxes=True))
        out[name] = (res.output, path, res.data, truth, meta)
    return out


def _to_output(box: list[int] | tuple[int, ...], data: dict, sway: tuple[float, float] = (0, 0)) -> tuple:
    """A source box in output pixels: every place the framing puts it (a moving crop: the union)."""
    x, y, w, h = box
    x, y, w, h = x - sway[0], y - sway[1], w + 2 * sway[0], h + 2 * sway[1]
    fr = data["framing"]
    sw, sh = fr["source_size"]
    W_, H_ = data["output"]["width"], data["output"]["height"]
    if fr["mode"] != "follow":
        k = min(W_ / sw, H_ / sh)
        ox, oy = (W_ - sw * k) / 2, (H_ - sh * k) / 2
        return (int(x * k + ox), int(y * k + oy), int(w * k) + 1, int(h * k) + 1)
    k = H_ / sh
    lefts = [left for _t, left in fr["path"]]
    x0, x1 = min((x - left) * k for left in lefts), max((x + w - left) * k for left in lefts)
    return (int(x0), int(y * k), int(x1 - x0) + 1, int(h * k) + 1)


def _ours(data: dict) -> list[tuple[str, tuple]]:
    e = data["enhancements"]
    out = [(s["kind"], tuple(s.get("travel") or s["box"])) for s in e["stickers"]]
    out += [(k, tuple(e[k].get("travel") or e[k]["box"])) for k in ("live_badge", "arrow") if e[k]]
    if e["subtitles"].get("band"):
        out.append(("subtitles", tuple(e["subtitles"]["band"])))
    return out


@pytest.mark.parametrize("name", ["portrait", "plain", "landscape"])
def test_layout_keeps_off_face_product_and_marks(layouts, name):
    """On portrait and landscape LIVEs, with and without the LIVE's own sticker: none of our elements
    (stickers, badge, arrow with its bounce, subtitle band) covers the host's face, the product where it is
    held or the LIVE's sticker, all as the simulator drew them, and none covers another."""
    _out, _clip, data, truth, meta = layouts[name]
    pitch = meta["pitch"]
    host = truth["host"]
    face = _to_output(host["face_box"], data, tuple(host["sway_px"]))
    held = pitch["visible"][0]
    # the product's own pixels where it is held, with the host's sway and its bob (the simulator's motions)
    sway = (host["sway_px"][0] * 1.35, host["sway_px"][1] + 0.006 * data["framing"]["source_size"][1])
    product = _to_output(held.get("drawn_box", held["box"]), data, sway)
    marks = [_to_output(pitch["sticker_box"], data)] if pitch["sticker"] else []
    ours = _ours(data)
    assert "subtitles" in {k for k, _ in ours}, ours
    dropped = {d["kind"]: d["reason"] for d in data["enhancements"]["dropped"]}
    assert "arrow" in {k for k, _ in ours} or "no room" in dropped.get("arrow", ""), (ours, dropped)
    for kind, box in ours:
        assert overlap(box, face) == 0, (kind, box, face)
        assert overlap(box, product) == 0, (kind, box, product)
        for m in marks:
            assert overlap(box, m) == 0, (kind, box, m)
        assert SafeArea(W, H).contains(box), (kind, box)
        for other, b2 in ours:
            if (other, b2) != (kind, box) and not (other == kind == "point"):
                assert overlap(box, b2) == 0, (kind, box, other, b2)
    # the face was found by the detector itself (not taken from the truth)
    found = data["layout"]["faces"]["faces"]
    assert found and overlap(tuple(found[0]["box"]), tuple(host["face_box"])) > 0.5 * host["face_box"][2] * \
        host["face_box"][3], found


def test_face_and_sticker_unchanged_on_rendered_frames(layouts):
    """Measured on the pictures: where the host's face and the LIVE's sticker are, the remix's frame is the
    clip's frame (nothing drawn there)."""
    out, clip_path, data, truth, meta = layouts["portrait"]
    t = 4.0
    remixed, source = _frame(out, t), _frame(clip_path, t)
    for x, y, w, h in (truth["host"]["face_box"], meta["pitch"]["sticker_box"]):
        diff = np.abs(remixed[y:y + h, x:x + w] - source[y:y + h, x:x + w]).mean()
        assert diff < 6, (x, y, w, h, diff)


def test_no_sticker_repeats_the_lives_text(layouts):
    """With the LIVE's price card on screen (20% OFF / NOW $x / tap the cart below), our price, discount,
    promotion and call-to-action stickers are left out and say why; no sticker we show repeats a line the
    LIVE shows. Without a card, our price and discount are shown."""
    from rapidfuzz import fuzz

    from livehighlights.text import normalise

    for name in ("portrait", "landscape"):
        data = layouts[name][2]
        e = data["enhancements"]
        dropped = {d["kind"]: d["reason"] for d in e["dropped"]}
        for kind in ("price", "discount", "promo", "cta"):
            assert "already shows" in dropped.get(kind, ""), (name, kind, dropped)
        sticker = tuple(layouts[name][4]["pitch"]["sticker_box"])
        lines = [normalise(ln["text"]) for ln in data["layout"]["screen_text"]["lines"]
                 if overlap(tuple(ln["box"]), sticker)]  # the text of the LIVE's own card
        assert any("off" in ln for ln in lines), (name, lines)
        for s in e["stickers"]:
            assert all(fuzz.partial_ratio(normalise(s["text"]), ln) < 90 for ln in lines if len(ln) > 3), (s, lines)
    plain = layouts["plain"][2]["enhancements"]
    assert {"price", "discount"} <= set(plain["elements"]) | {d["kind"] for d in plain["dropped"]
                                                               if "already" not in d["reason"]}
    assert not any("already shows" in d["reason"] for d in plain["dropped"]), plain["dropped"]


def test_arrow_points_at_the_lives_entry_point(layouts):
    """The arrow points at where the app shows the way into the LIVE on a short video (the creator's
    avatar with its LIVE ring on the right-hand rail), from inside the safe area."""
    from livehighlights.rules import LIVE_ENTRY_POINTS

    fx, fy = LIVE_ENTRY_POINTS["feed"]
    for name in ("portrait", "plain", "landscape"):
        data = layouts[name][2]
        arrow = data["enhancements"]["arrow"]
        if arrow is None and name == "landscape":  # the LIVE's own sticker and the product flank the rail there
            assert "no room" in {d["kind"]: d["reason"] for d in data["enhancements"]["dropped"]}["arrow"]
            continue
        assert arrow is not None and data["layout"]["arrow_layout"] == "feed", name
        tx, ty = arrow["target"]
        assert abs(tx - fx * W) <= 1 and abs(ty - fy * H) <= 1
        _assert_points(arrow, (tx, ty))


def _assert_points(arrow: dict, target: tuple[float, float]) -> None:
    """The arrow's direction (its ``angle``) runs from its centre to ``target``, which is near."""
    import math

    x, y, w, h = arrow["box"]
    cx, cy = x + w / 2, y + h / 2
    toward = math.degrees(math.atan2(-(target[1] - cy), target[0] - cx))
    assert abs((arrow["angle"] - toward + 180) % 360 - 180) < 8, (arrow, target, toward)
    assert math.hypot(target[0] - cx, target[1] - cy) < 0.25 * H, (arrow, target)


def test_style_moves_the_arrow_and_layout_drops_least_useful(tmp_path):
    """A style's arrow.target moves what the arrow points at; with room for little, the layout keeps the
    most useful element (subtitles) in the room left and leaves out what does not fit, saying so."""
    from livehighlights.models import Product
    from livehighlights.remix import elements as els
    from livehighlights.remix.content import SpokenPoint
    from livehighlights.remix.fonts import resolve_font
    from livehighlights.remix.solve import Obstacle
    from livehighlights.remix.subtitles import make_cards

    style_file = tmp_path / "s.toml"
    style_file.write_text('extends = "classic"\n[arrow]\ntarget = [0.5, 0.2]\n')
    style = load_style(style_file)
    font = resolve_font(style.stickers.font, field="f")
    product = Product("p1", "Belvo Daily Sun Cream SPF 50", brand="Belvo", price=23.99, currency="USD",
                      discount=0.2, selling_points=["Water resistant for 80 minutes"])
    words = [(i * 400, i * 400 + 350, w) for i, w in enumerate("Look at this Belvo sun cream today".split())]
    cards = make_cards(words, style.subtitles, 8000)
    area = SafeArea(W, H)

    def scene(obstacles: list[Obstacle], st=style) -> els.Placed:
        return els.lay_out(els.Scene(area, obstacles, st, "en", font, font, None, product, True, 8000, cards,
                                     [SpokenPoint(product.selling_points[0], 1200)], {}, tmp_path))

    free = scene([])
    arrow = next(e for e in free.elements if e.kind == "arrow")
    assert free.entry == (360, 256) and arrow.target == (360, 256)
    _assert_points(els.Element.to_json(arrow), (360, 256))
    # the face and the product fill most of the safe area: only a strip at the bottom is left
    crowded = scene([Obstacle("face", (0, 0, W, 700)), Obstacle("product", (0, 700, W, 200))],
                    load_style("classic"))
    kinds = {e.kind for e in crowded.elements}
    assert crowded.band is not None and crowded.band[1] >= 900  # subtitles, the most useful, keep a place
    assert crowded.dropped and not kinds & set(crowded.dropped) and "subtitles" not in crowded.dropped
    assert all("no room" in why for why in crowded.dropped.values())
    for e in crowded.elements:
        assert (e.travel or e.box)[1] >= 900, e


# -- words right: the catalog's terms given to the recogniser and near misses corrected ----------------------


def test_catalog_words_fix_the_product_name_on_simulated_speech(short_live):
    """On the simulator's real synthetic speech: tiny.en alone mishears the invented brand; given the
    catalog's terms (hot words + prompt) the brand and title come out right and the word error rate
    against the script drops; the correction pass alone fixes the title too."""
    from livehighlights.media.speech import speech_options, transcribe
    from livehighlights.remix.render import catalog_vocabulary
    from livehighlights.sources import load_catalog
    from livehighlights.text.vocabulary import correct_words, word_error_rate

    truth = json.loads(Path(short_live.truth).read_text())
    cat = load_catalog(short_live.catalog)
    pitch = truth["pitches"][0]
    product = cat.get(pitch["product_id"])
    s0, s1 = pitch["start_s"], pitch["end_s"]
    ref = " ".join(x["text"] for x in truth["speech"] if s0 - 0.01 <= x["start_s"] and x["end_s"] <= s1 + 0.5)
    vocab = catalog_vocabulary(product, list(cat.products.values()), "en")
    plain = speech_options(None, "en")
    plain.cache = False
    hinted = speech_options(None, "en")
    hinted.cache, hinted.vocabulary, hinted.brands = False, tuple(vocab), (product.brand,)
    window = (int(s0 * 1000), int(s1 * 1000) + 500)
    before = transcribe(short_live.recording, *window, plain)
    after = transcribe(short_live.recording, *window, hinted)
    assert product.brand not in before.text
    assert product.title in after.text
    assert word_error_rate(ref, after.text) < word_error_rate(ref, before.text)
    fixed, fixes = correct_words(before.words, vocab, [product.brand])
    assert fixes and product.title in "".join(w.text for w in fixed)
    assert word_error_rate(ref, "".join(w.text for w in fixed)) < word_error_rate(ref, before.text)


def test_correct_words_keeps_what_is_right():
    from livehighlights.media.speech import Word
    from livehighlights.text.vocabulary import correct_words

    def words(text: str) -> list[Word]:
        return [Word(i * 300, i * 300 + 250, (" " if i else "") + t, 0.9) for i, t in enumerate(text.split())]

    vocab = ["Belvo", "Reef-friendly filters", "Water resistant for 80 minutes", "Sun Cream"]
    fixed, fixes = correct_words(words("Refriendly filters. I had a dream about the bell vo."), vocab, ["Belvo"])
    text = "".join(w.text for w in fixed)
    assert text.startswith("Reef-friendly filters.") and "dream" in text and fixes[0].heard == "Refriendly filters."
    assert fixed[0].start_ms == 0 and fixed[1].end_ms == 550  # the words' times are kept
    same, none = correct_words(words("Sun Cream, water resistant for 80 minutes."), vocab, ["Belvo"])
    assert not none and "".join(w.text for w in same) == "Sun Cream, water resistant for 80 minutes."
