"""Render a remix: analyse the clip (speech, product, subject), lay out the elements, encode once, write the sidecar.

:func:`remix` is the whole job; :class:`RemixOptions` holds every setting. The output is a 9:16 MP4
(H.264 yuv420p 30 fps + AAC 48 kHz, faststart) and ``OUT.remix.json`` beside it (see :mod:`.sidecar`).
"""

from __future__ import annotations

import os
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..errors import InputError, MediaError, Where, need_file
from ..scratch import Scratch
from ..timebase import Ms
from ..timing import Attempts, timed
from . import elements as els
from . import graph, reframe
from .audio import measure_output, mix
from .fonts import DROPPED_EMOJI, drawable, font_family, missing_glyphs, resolve_font
from .job import Composition, RemixJob
from .layout import (
    Box,
    SafeArea,
    auto_subtitle_band,
    clip_box,
    inflate,
    merge_touching,
    overlap,
    subtitle_band,
    union,
)
from .music import resolve_track
from .plan import LivePlan, format_start, load_plan
from .source import RemixSource
from .style import Style, load_style
from .subtitles import make_cards, write_ass

SIZES: dict[str, tuple[int, int]] = {"1080x1920": (1080, 1920), "720x1280": (720, 1280)}
"""Output sizes (9:16, never below 720p)."""
PRODUCT_MARGIN = 0.015
"""The product's box is inflated by this fraction of the width before stickers avoid it..."""
MAX_AREA_RATIO = 0.33
MIN_MARK_FRAMES = 12
"""Pictures needed to tell the LIVE's own still marks from scenery (fewer keyframes: sample the clip)."""
PRODUCT_PAD = (0.15, 0.35)
"""... and by these fractions of its own width and height: the matcher outlines the reference picture (a
label, a box face), while the product itself reaches further (a candle's flame, a bottle's cap)."""


@dataclass
class RemixOptions:
    """Everything a remix can be told. ``style``: a built-in name or a style file."""

    style: str | Path = "classic"
    size: str = "1080x1920"
    live_on: bool = False
    plan: Path | None = None
    music: Path | None = None
    """The user's own track (overrides the style's)."""
    no_music: bool = False
    language: str | None = None
    """Force the speech language (ISO 639-1); also the language of the cards' texts."""
    contact_sheet: Path | None = None
    sheet_grid: tuple[int, int] = (3, 4)
    encoder: graph.Encoder = field(default_factory=graph.Encoder)
    vision_fps: float = 1.0
    """Product tracking rate (landscape sources use at least 2/s: the crop follows it)."""
    speech_model: str | None = None


@dataclass
class RemixResult:
    """What was written and how long it took."""

    output: Path
    sidecar: Path
    contact_sheet: Path | None
    data: dict[str, Any]
    warnings: list[str]
    timings: dict[str, float]


END_CARD_MAX_SHARE = 0.5
"""An end card covers at most this share of the clip (a longer one is shortened, and the remix says so)."""


def parse_size(text: str) -> tuple[int, int]:
    if text not in SIZES:
        raise InputError(f"unsupported size '{text}' (choose {', '.join(SIZES)})", Where(field="--size"))
    return SIZES[text]


def remix(source: RemixSource, out: Path, options: RemixOptions | None = None) -> RemixResult:
    """Render ``source`` as a remix into ``out`` (MP4). Raises :class:`InputError` for bad input."""
    from ..media import probe

    o = options or RemixOptions()
    t0 = time.perf_counter()
    size = parse_size(o.size)
    style = load_style(o.style)
    plan = load_plan(o.plan) if o.plan else None
    need_file(source.clip, "a clip")
    info = probe(source.clip)
    if not info.has_audio:
        raise MediaError("the clip has no audio track (a remix keeps the LIVE's own audio)", Where(source.clip))
    if not info.width or not info.height:
        raise MediaError("the clip has no video track", Where(source.clip))
    font = resolve_font(style.stickers.font, field="stickers.font", style_file=style.source)
    sub_font = resolve_font(style.subtitles.font, field="subtitles.font", style_file=style.source)
    track = None
    if not o.no_music and (o.music is not None or style.music.enabled):
        track = resolve_track(str(o.music) if o.music is not None else style.music.track)
    language = o.language or source.language
    out = Path(out)
    if out.suffix.lower() != ".mp4":
        raise InputError("the remix is an MP4: give an output name ending in .mp4", Where(out, field="--out"))
    out.parent.mkdir(parents=True, exist_ok=True)
    timings = {"prepare": time.perf_counter() - t0}

    # the scratch folder and the output under its hidden name go however we end (even killed); ffmpeg dies with us
    with Scratch("lhremix_", partials=[_partial(out)]) as work:
        job = RemixJob(source=source, out=out, options=o, style=style, plan=plan, info=info, size=size, font=font,
                       sub_font=sub_font, track=track, language=language, work=work.path, started=t0,
                       timings=timings)
        return _render(job)


def _partial(out: Path) -> Path:
    """Where the remix is rendered before it is renamed into place (so a killed render leaves no half file)."""
    return out.with_name(f".{out.stem}.{os.getpid()}.part.mp4")


def _analyse(job: RemixJob) -> tuple[Any, Any, list[Box], list[tuple[Ms, float | None]]]:
    """Transcript, product visibility track, the LIVE's own still marks and (landscape) motion centroids,
    computed side by side; an analysis that fails becomes a warning and the remix goes on without it."""
    source, o, info, duration, language = job.source, job.options, job.info, job.duration, job.language
    guard = Attempts(ndigits=3)

    def speech() -> Any:
        from ..media.speech import speech_options, transcribe

        return transcribe(source.clip, 0, duration, speech_options(o.speech_model, language))

    def vision() -> tuple[Any, list[Box]]:
        """The product's visibility track and the LIVE's own still marks (its stickers, price cards,
        titles: boxes in source pixels), both from one scan of the clip."""
        from ..vision import scan_window
        from ..vision.frames import keyframe_scan
        from ..vision.product import visibility_track

        images = source.product.images if source.product is not None else []
        if info.width > info.height:
            # reframing needs the product found in most frames: a landscape frame holds it small, so
            # look at full height (up to 720 px) rather than the usual 360
            fps = max(o.vision_fps, 2.0)
            scan = scan_window(source.clip, 0, duration, sample_fps=fps, short_side=min(720, info.height),
                               stats=False)
            track = visibility_track(source.clip, 0, duration, images, fps=fps, scan=scan) if images else None
            return track, _live_marks(source.clip, duration, scan)
        # stickers only need to know where the product is: its keyframes (every 2 s in a LIVE) are enough,
        # and decoding only them is ~10x cheaper; a clip with sparse keyframes gets the sampled full pass
        from ..vision import VisibilityOptions

        keys = keyframe_scan(source.clip, 0, duration)
        if len(keys.samples) < max(MIN_MARK_FRAMES, duration // 3000):
            # a short clip (or sparse keyframes): too few pictures to tell the LIVE's marks from scenery
            keys = scan_window(source.clip, 0, duration, sample_fps=max(2.0, o.vision_fps), stats=False)
        track = visibility_track(source.clip, 0, duration, images, scan=keys,
                                 options=VisibilityOptions(refine=False)) if images else None
        return track, _live_marks(source.clip, duration, keys)

    landscape = info.width > info.height
    with ThreadPoolExecutor(max_workers=2) as pool:
        f_speech = pool.submit(guard.attempt, "transcribe", speech) if job.style.subtitles.enabled else None
        f_vis = pool.submit(guard.attempt, "product_track", vision)
        f_motion = pool.submit(guard.attempt, "motion", lambda: reframe.motion_centroids(source.clip, duration)) \
            if landscape else None
        track, marks = f_vis.result() or (None, [])
        found = (f_speech.result() if f_speech else None, track, marks,
                 (f_motion.result() or []) if f_motion else [])
    job.timings.update(guard.timings)
    job.warnings += [f"{name}: {why}" for name, why in guard.unknown.items()]
    return found


def _live_marks(clip: Path, duration: Ms, scan: Any) -> list[Box]:
    """Boxes (source pixels) of the marks burned on the LIVE's picture: its own stickers, price cards and
    titles, seen to stay while the picture moved under them (confidence >= 0.5; still scenery is not one).
    The remix keeps them readable where it can (a seller's own promotion is worth showing)."""
    from ..vision import find_static_overlays

    found = find_static_overlays(clip, 0, duration, scan=scan)
    if found.status != "ok":
        return []
    margin = max(4, min(scan.width, scan.height) // 50)
    strong = [inflate(ov.box, margin) for ov in found.overlays if ov.confidence >= 0.5]
    # weaker pieces touching a mark are part of it (the rest of a sticker's text, its frame)
    near = [inflate(ov.box, margin) for ov in found.overlays if 0.2 <= ov.confidence < 0.5
            and any(overlap(inflate(ov.box, margin), b) for b in strong)]
    return merge_touching(strong + near)


def _sighting_boxes(track: Any, src_size: tuple[int, int]) -> list[tuple[Ms, Box]]:
    """Visible sightings as (time, box in source pixels)."""
    if track is None or track.status != "ok" or not track.frame_size[0]:
        return []
    sx = src_size[0] / track.frame_size[0]
    sy = src_size[1] / track.frame_size[1]
    out = []
    for s in track.sightings:
        if not s.visible or not s.corners or s.area_ratio > MAX_AREA_RATIO:
            continue  # a projected outline over a third of the frame is a false match
        xs = [c[0] * sx for c in s.corners]
        ys = [c[1] * sy for c in s.corners]
        b = clip_box((int(min(xs)), int(min(ys)), int(max(xs) - min(xs)) + 1, int(max(ys) - min(ys)) + 1), *src_size)
        if b is not None:
            out.append((s.t_ms, b))
    return out


def _framing(info: Any, size: tuple[int, int], duration: Ms, boxes: list[tuple[Ms, Box]],
             motion: list[tuple[Ms, float | None]]) -> reframe.Framing:
    src = (info.width, info.height)
    if info.width <= info.height:
        return reframe.fit(src, size)
    by_t = {t: b[0] + b[2] / 2 for t, b in boxes}
    subject: list[tuple[Ms, float | None]] = []
    for t, x in motion:
        # the product, where it was seen within 1.5 s (it moves with the host's hands); else the motion
        near = sorted(((abs(bt - t), v) for bt, v in by_t.items() if abs(bt - t) <= 1500))
        subject.append((t, near[0][1] if near else x))
    if not motion:
        subject = list(by_t.items())
    return reframe.follow(src, size, duration, sorted(subject))


def _render(job: RemixJob) -> RemixResult:
    from ..media.ffmpeg import run_ffmpeg
    from . import sidecar

    o, style, info, size, duration, warnings = job.options, job.style, job.info, job.size, job.duration, job.warnings
    W, H = size
    area = SafeArea(W, H)
    dropped: list[str] = []
    DROPPED_EMOJI.set(dropped)  # the text drawn below notes the emoji its font cannot show
    transcript, vis, marks, motion = _analyse(job)
    with timed(job.timings, "layout", ndigits=3):
        src_boxes = _sighting_boxes(vis, (info.width, info.height))
        framing = _framing(info, size, duration, src_boxes, motion)
        out_boxes = [(tm, b2) for tm, b in src_boxes if (b2 := clip_box(framing.map_box(b, tm), W, H))]
        product_box = union(b for _, b in out_boxes)
        avoid = [_pad(product_box, W)] if product_box else []
        # the LIVE's own marks where they show in the output (a moving crop sweeps them: all its positions)
        times = sorted({0, duration // 2, max(0, duration - 1)} | {tm for tm, _ in framing.knots})
        clear = [b2 for b in marks for tm in times if (b2 := clip_box(framing.map_box(b, tm), W, H))]
        clear = list(dict.fromkeys(clear))
        if job.source.product is None:
            warnings.append("no product given (--catalog/--product or a highlight): no catalog stickers")
        elif product_box is None:
            warnings.append("the product was not located in the clip: stickers placed without its box")

        end_card = _end_card_lines(style, job.plan, o.live_on, job.language)
        card_ms = int(style.end_card.duration * 1000) if end_card else 0
        if card_ms > duration * END_CARD_MAX_SHARE:
            shorter = int(duration * END_CARD_MAX_SHARE)
            warnings.append(f"end card shortened from {card_ms / 1000:g} s to {shorter / 1000:g} s: it may cover at "
                            f"most {END_CARD_MAX_SHARE:.0%} of the {duration / 1000:g} s clip")
            card_ms = shorter
        card_start = max(0, duration - card_ms)
        lang = getattr(transcript, "language", None) or job.language
        taken: list[Box] = []
        subs, ass = _subtitles(job, transcript, lang, avoid, clear, card_start, taken)
        placed = els.place_all(job.source.product, style, job.language, area, job.font, job.source.logo, avoid,
                               taken, o.live_on, card_start, job.work, keep_clear=clear)
        warnings += [f"left out {s}" for s in placed.skipped]
        card = None
        if end_card:
            img, box = els.end_card_image(end_card, job.font, size, job.work)
            card = graph.EndCard(card_start, style.end_card.darken, img, box, [x[0] for x in end_card])

    if dropped:
        warnings.append(f"emoji left out of the remix's text ({''.join(dropped[:10])}): its font has no emoji "
                        "(set the style's stickers.font / subtitles.font to a font with them)")
    with timed(job.timings, "audio", ndigits=3):
        sound, sound_report = mix(job.source.clip, duration, job.track, style.music, style.audio, job.work)

    comp = Composition(framing, product_box, out_boxes, subs, ass, placed, card,
                       _card_kind(job.plan, o.live_on) if card else None, sound, sound_report, lang)
    with timed(job.timings, "encode", ndigits=3):
        if o.contact_sheet is not None:
            o.contact_sheet.parent.mkdir(parents=True, exist_ok=True)
        partial = _partial(job.out)
        run_ffmpeg(graph.build(replace(job, out=partial), comp), what=f"rendering the remix {job.out.name}")
        os.replace(partial, job.out)
    with timed(job.timings, "measure", ndigits=3):  # what was written, not what the settings promised
        warnings += measure_output(job.out, sound_report, style.audio)
    job.timings["total"] = round(time.perf_counter() - job.started, 3)
    data = sidecar.build(job, comp)
    path = sidecar.write(job.out, data)
    return RemixResult(job.out, path, o.contact_sheet, data, warnings, job.timings)


def _subtitles(job: RemixJob, transcript: Any, lang: str | None, avoid: list[Box], clear: list[Box],
               card_start: Ms, taken: list[Box]) -> tuple[dict[str, Any], Path | None]:
    """The subtitle report and the burned ``.ass`` file (band with least product overlap, cards from the
    words); the band joins ``taken``."""
    sub_style, sub_font = job.style.subtitles, job.sub_font
    area = SafeArea(*job.size)
    px = int(sub_style.size * job.size[1])
    subs: dict[str, Any] = {"enabled": sub_style.enabled, "status": "off", "language": lang}
    words = [(w.start_ms, w.end_ms, t) for w in transcript.words if (t := drawable(w.text, sub_font))] \
        if transcript else []
    if not sub_style.enabled:
        return subs, None
    if transcript is None:
        subs["status"] = "no transcript (speech recognition failed): rendered without subtitles"
        return subs, None
    if not words:
        subs["status"] = "no speech found: rendered without subtitles"
        return subs, None
    where = sub_style.position
    if where == "auto":
        band, where = auto_subtitle_band(area, px, avoid, clear)
    else:
        band = subtitle_band(area, px, 2, where)
    cards = make_cards(words, sub_style, card_start)
    family = font_family(sub_font)
    (job.work / "fonts").symlink_to(sub_font.parent.absolute())
    ass = write_ass(cards, sub_style, family, job.size, band, where, job.work / "subs.ass")
    missing = missing_glyphs(sub_font, " ".join(c.text for c in cards))
    if missing:
        job.warnings.append(f"the subtitle font {sub_font.name} has no glyph for {''.join(missing[:10])} "
                            f"(language {lang}): set the style's subtitles.font to a font that covers it")
    subs.update(status="burned", position=where, band=list(band), cards=len(cards), font=family,
                timing=[[c.start_ms, c.end_ms, c.text] for c in cards], words=len(words), missing_glyphs=missing)
    taken.append(band)
    return subs, ass


def _pad(box: Box, width: int) -> Box:
    x, y, w, h = box
    mx = int(w * PRODUCT_PAD[0] + width * PRODUCT_MARGIN)
    my = int(h * PRODUCT_PAD[1] + width * PRODUCT_MARGIN)
    return (x - mx, y - my, w + 2 * mx, h + 2 * my)


def _card_kind(plan: LivePlan | None, live_on: bool) -> str:
    return "click_now" if live_on else "plan_teaser" if plan else "follow"


def _end_card_lines(style: Style, plan: LivePlan | None, live_on: bool,
                    language: str | None) -> list[tuple[str, float, str]] | None:
    """The end card's lines ``(text, px fraction, colour)``: CLICK NOW while the LIVE is on, the plan's
    teaser when bound to one, else a follow cue (``end_card.when_off``)."""
    e = style.end_card
    if not e.enabled or (not live_on and not plan and not e.when_off):
        return None
    big, small = e.size, e.size * 0.45
    if live_on:
        return [(style.text("click_now", language), big, e.accent), (style.text("click_sub", language), small, e.color)]
    if plan is not None:
        when = format_start(plan.start, style.text("date", language), language)
        return [(style.text("next_live", language), big * 0.8, e.accent), (plan.title, small * 1.2, e.color),
                (when, small * 1.3, e.color)]
    return [(style.text("follow", language), big, e.accent), (style.text("follow_sub", language), small, e.color)]
