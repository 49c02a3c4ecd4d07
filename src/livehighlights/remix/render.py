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

import numpy as np

from ..errors import InputError, MediaError, Where, need_file
from ..scratch import Scratch
from ..timebase import Ms
from ..timing import Attempts, timed
from . import elements as els
from . import graph, reframe
from .audio import measure_output, mix
from .content import repeated, spoken_points
from .fonts import DROPPED_EMOJI, drawable, font_family, missing_glyphs, resolve_font
from .job import Composition, RemixJob
from .layout import Box, SafeArea, clip_box, inflate, merge_touching, union
from .marks import LiveMarks, live_marks
from .music import resolve_track
from .plan import LivePlan, format_start, load_plan
from .reuse import RECOGNISED, REUSED
from .reuse import corrected as reused
from .solve import Obstacle, clear_of
from .source import RemixSource
from .style import Style, load_style
from .subtitles import fit_cards, make_cards, subtitle_pad, write_ass

SIZES: dict[str, tuple[int, int]] = {"1080x1920": (1080, 1920), "720x1280": (720, 1280)}
"""Output sizes (9:16, never below 720p)."""
PRODUCT_MARGIN = 0.015
"""The product's box is inflated by this fraction of the width before stickers avoid it..."""
MAX_AREA_RATIO = 0.33
MIN_MARK_FRAMES = 12
"""Pictures needed to tell the LIVE's own still marks from scenery (fewer keyframes: sample the clip)."""
FACE_PAD = (0.2, 0.25, 0.12)
"""The face's box is inflated by these fractions of its width (each side), and of its height above (hair) and
below (chin): the detector's box runs from the brows to the chin; the host sways within it."""
PRODUCT_PAD = (0.15, 0.2)
"""... and by these fractions of its usual width and height: the matcher outlines the reference picture (a
label, a box face), while the product itself reaches further (a candle's flame, a bottle's cap)."""
FRAMING_CHOICES = ("auto", "follow", "fit")
FOLLOW_BONUS = 100.0
"""A landscape LIVE follows its subject (product and host seen bigger) unless showing it whole lets the layout
place more than this much more (:data:`~.solve.VALUES`: the subtitles, the arrow or the LIVE badge, which a
tight crop can leave no room for; not a sticker more)."""
REST_SHARE = 0.6
"""Share of the product's sightings that must agree on a resting place (see :func:`resting_box`)."""


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
    framing: str = "auto"
    """A landscape source: ``follow`` its subject, ``fit`` it whole over a blurred fill, or ``auto`` (follow,
    unless showing it whole lets the layout place much more: :data:`FOLLOW_BONUS`)."""
    debug_boxes: bool = False
    """Mark on the contact sheet the boxes of the face, the product, the LIVE's marks and our elements."""


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
    if o.framing not in FRAMING_CHOICES:
        raise InputError(f"unknown framing '{o.framing}' (choose {', '.join(FRAMING_CHOICES)})",
                         Where(field="--framing"))
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


@dataclass
class Analysis:
    """What the remix learned about its clip (each part ``None``/empty when its analysis failed)."""

    transcript: Any
    track: Any
    """The product's visibility track."""
    marks: list[Box]
    """The LIVE's own still marks (source pixels)."""
    faces: Any
    """The :class:`~livehighlights.vision.faces.FaceResult`."""
    screen: Any
    """The LIVE's on-screen text (:class:`~livehighlights.vision.screen_text.ScreenTextResult`)."""
    motion: list[tuple[Ms, float | None]]
    transcript_from: str = RECOGNISED
    """Where the transcript came from: ``reused`` (the highlight's job) or ``recognised`` (by the remix)."""


def _analyse(job: RemixJob) -> Analysis:
    """Transcript (with the catalog's words as hot words, near misses corrected), product visibility track,
    the LIVE's own still marks and on-screen text, the host's face and (landscape) motion centroids, computed
    side by side; an analysis that fails becomes a warning and the remix goes on without it."""
    source, o, info, duration, language = job.source, job.options, job.info, job.duration, job.language
    guard = Attempts(ndigits=3)
    vocabulary = catalog_vocabulary(source.product, source.catalog_products, language)

    brands = tuple({p.brand for p in [source.product, *source.catalog_products] if p and p.brand})

    def speech() -> Any:
        from ..media.speech import speech_options, transcribe

        opts = speech_options(o.speech_model, language)
        opts.vocabulary, opts.brands = tuple(vocabulary), brands
        return transcribe(source.clip, 0, duration, opts)

    def scanned() -> Any:
        """One decoding pass for the product, the marks, the face and the text readers: the keyframes (every
        2 s in a LIVE, ~10x cheaper than every frame), or sampled frames where the picture needs more."""
        from ..vision import scan_window
        from ..vision.faces import FACE_SHORT_SIDE
        from ..vision.frames import keyframe_scan
        from ..vision.screen_text import OCR_SHORT_SIDE

        if info.width > info.height:
            # reframing needs the product found in most frames: a landscape frame holds it small, so
            # look at full height (up to 720 px) rather than the usual 360
            scan = scan_window(source.clip, 0, duration, sample_fps=max(o.vision_fps, 2.0),
                               short_side=min(720, info.height), stats=False, hires_fps=0.5,
                               hires_short_side=OCR_SHORT_SIDE)
            return scan
        keys = keyframe_scan(source.clip, 0, duration, hires_short_side=OCR_SHORT_SIDE,
                             color_short_side=FACE_SHORT_SIDE)
        if len(keys.samples) < max(MIN_MARK_FRAMES, duration // 3000):
            # a short clip (or sparse keyframes): too few pictures to tell the LIVE's marks from scenery
            sampled = scan_window(source.clip, 0, duration, sample_fps=max(2.0, o.vision_fps), stats=False)
            sampled.hires, sampled.color = keys.hires, keys.color
            keys = sampled
        return keys

    def product(scan: Any) -> Any:
        from ..vision import VisibilityOptions
        from ..vision.product import visibility_track

        images = source.product.images if source.product is not None else []
        if not images:
            return None
        if landscape:
            fps = max(o.vision_fps, 2.0)
            return visibility_track(source.clip, 0, duration, images, fps=fps, scan=scan)
        return visibility_track(source.clip, 0, duration, images, scan=scan, options=VisibilityOptions(refine=False))

    def faces(scan: Any) -> Any:
        from ..vision.faces import find_faces

        return find_faces(source.clip, 0, duration, scan=scan)

    def marks(scan: Any) -> LiveMarks:
        return live_marks(source.clip, duration, scan, read_text=job.style.stickers.enabled)

    landscape = info.width > info.height
    reuse = source.transcript is not None and job.style.subtitles.enabled and o.speech_model is None \
        and o.language in (None, source.transcript.language)  # a model or language forced: recognised again
    with ThreadPoolExecutor(max_workers=4) as pool:
        if reuse:  # the highlight's job recognised it already: its words, the catalog's spelling
            f_speech = pool.submit(guard.attempt, "transcript_reused",
                                   lambda: reused(source.transcript, vocabulary, brands))
        else:
            f_speech = pool.submit(guard.attempt, "transcribe", speech) if job.style.subtitles.enabled else None
        f_motion = pool.submit(guard.attempt, "motion", lambda: reframe.motion_centroids(source.clip, duration)) \
            if landscape else None
        scan = guard.attempt("scan", scanned)
        f_track = pool.submit(guard.attempt, "product_track", lambda: product(scan)) if scan else None
        f_marks = pool.submit(guard.attempt, "marks", lambda: marks(scan)) if scan else None
        f_faces = pool.submit(guard.attempt, "faces", lambda: faces(scan)) if scan else None
        m = (f_marks.result() if f_marks else None) or LiveMarks()
        found = Analysis(f_speech.result() if f_speech else None, f_track.result() if f_track else None, m.boxes,
                         f_faces.result() if f_faces else None, m.screen,
                         (f_motion.result() or []) if f_motion else [], REUSED if reuse else RECOGNISED)
    job.timings.update(guard.timings)
    job.warnings += [f"{name}: {why}" for name, why in guard.unknown.items()]
    if found.faces is not None and found.faces.status != "ok":
        job.warnings.append(f"faces: {found.faces.reason}: the layout cannot keep off the host's face")
    return found


def catalog_vocabulary(product: Any, products: list[Any] | None, language: str | None = None) -> list[str]:
    """The words the host is likely to say that a speech model does not know: the product's brand, title
    and selling points first, then the other catalog products' brands and titles, then the language's usual
    call to action (:data:`~livehighlights.text.vocabulary.SHOPPING_PHRASES`)."""
    from ..text.vocabulary import SHOPPING_PHRASES

    out: list[str] = []
    for p in [product, *(products or [])]:
        if p is None:
            continue
        for term in [p.brand, p.title, *(p.selling_points if p is product else [])]:
            if term and term not in out:
                out.append(term)
    return out + [p for p in SHOPPING_PHRASES.get(language or "en", ()) if p not in out]


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


def _framings(info: Any, size: tuple[int, int], duration: Ms, boxes: list[tuple[Ms, Box]],
              motion: list[tuple[Ms, float | None]], choice: str = "auto") -> list[reframe.Framing]:
    """The framings the layout chooses from: a portrait source as it is; a landscape one following its
    subject, and also whole over a blurred fill (room above and below it when the crop leaves none)."""
    src = (info.width, info.height)
    if info.width <= info.height or choice == "fit":
        return [reframe.fit(src, size)]
    follow = _framing(info, size, duration, boxes, motion)
    return [follow] if follow.mode != "follow" or choice == "follow" else [follow, reframe.fit(src, size)]


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


def resting_box(boxes: list[Box]) -> tuple[Box, tuple[float, float]] | None:
    """Where the product stays, and its usual size: the union of its sightings near the median one, when at
    least :data:`REST_SHARE` of them are (a product slid in from the frame's edge is not covered by our
    elements once it rests; one that moves about all the time keeps the union of all its sightings)."""
    if not boxes:
        return None
    med = np.median(np.array(boxes, dtype=float), axis=0)
    cx, cy = med[0] + med[2] / 2, med[1] + med[3] / 2
    near = [b for b in boxes if abs(b[0] + b[2] / 2 - cx) <= 0.5 * med[2] and abs(b[1] + b[3] / 2 - cy) <= 0.5 * med[3]]
    keep = near if len(near) >= REST_SHARE * len(boxes) else boxes
    box = union(keep)
    return (box, (float(med[2]), float(med[3]))) if box else None


def _obstacles(found: Analysis, framing: reframe.Framing, product_boxes: list[Box], size: tuple[int, int],
               duration: Ms) -> list[Obstacle]:
    """What nothing of ours may cover, in output pixels: the product where it rests (padded), the host's
    face (padded), the LIVE's own marks and the text it shows (everywhere a moving crop sweeps them)."""
    W, H = size
    rest = resting_box(product_boxes)
    out = [Obstacle("product", _pad(*rest, W))] if rest else []
    times = sorted({0, duration // 2, max(0, duration - 1)} | {tm for tm, _ in framing.knots})

    def mapped(kind: str, boxes: list[Box]) -> None:
        seen: set[Box] = set()
        for b in boxes:
            for tm in times:
                b2 = clip_box(framing.map_box(b, tm), W, H)
                if b2 is not None and b2 not in seen:
                    seen.add(b2)
                    out.append(Obstacle(kind, b2))

    faces = found.faces.boxes if found.faces is not None and found.faces.status == "ok" else []
    mapped("face", [_pad_face(b) for b in faces])
    texts: list[Box] = []
    if found.screen is not None and found.screen.status == "ok":
        texts = [tuple(c.box) for c in found.screen.cues]
    margin = max(4, min(W, H) // 60)
    mapped("mark", merge_touching([*found.marks, *(inflate(b, margin) for b in texts)]))
    return out


def _pad_face(box: Box) -> Box:
    x, y, w, h = box
    mx, top, bottom = int(w * FACE_PAD[0]), int(h * FACE_PAD[1]), int(h * FACE_PAD[2])
    return (x - mx, y - top, w + 2 * mx, h + top + bottom)


def _render(job: RemixJob) -> RemixResult:
    from ..media.ffmpeg import run_ffmpeg
    from . import sidecar

    o, style, info, size, duration, warnings = job.options, job.style, job.info, job.size, job.duration, job.warnings
    W, H = size
    area = SafeArea(W, H)
    dropped: list[str] = []
    DROPPED_EMOJI.set(dropped)  # the text drawn below notes the emoji its font cannot show
    with ThreadPoolExecutor(max_workers=1) as side:
        # the soundtrack needs nothing from the analysis: mixed beside it
        f_sound = side.submit(_timed_mix, job)
        found = _analyse(job)
        with timed(job.timings, "layout", ndigits=3):
            src_boxes = _sighting_boxes(found.track, (info.width, info.height))
            end_card = _end_card_lines(style, job.plan, o.live_on, job.language)
            card_ms = int(style.end_card.duration * 1000) if end_card else 0
            if card_ms > duration * END_CARD_MAX_SHARE:
                shorter = int(duration * END_CARD_MAX_SHARE)
                warnings.append(f"end card shortened from {card_ms / 1000:g} s to {shorter / 1000:g} s: it may cover "
                                f"at most {END_CARD_MAX_SHARE:.0%} of the {duration / 1000:g} s clip")
                card_ms = shorter
            card_start = max(0, duration - card_ms)
            lang = getattr(found.transcript, "language", None) or job.language
            cards, subs = _cards(job, found.transcript, lang, card_start)
            subs["transcript"] = found.transcript_from
            points = spoken_points(job.source.product, found.transcript)
            repeats = repeated(found.screen, job.source.product, found.marks)
            options = []
            for framing in _framings(info, size, duration, src_boxes, found.motion, o.framing):
                out_boxes = [(tm, b2) for tm, b in src_boxes if (b2 := clip_box(framing.map_box(b, tm), W, H))]
                obstacles = _obstacles(found, framing, [b for _, b in out_boxes], size, duration)
                folder = job.work / framing.mode
                folder.mkdir(exist_ok=True)
                scene = els.Scene(area, obstacles, style, job.language, job.font, job.sub_font, job.source.logo,
                                  job.source.product, o.live_on, card_start, cards, points, repeats, folder)
                placed = els.lay_out(scene)
                bonus = FOLLOW_BONUS if framing.mode == "follow" else 0.0
                options.append((placed.search["score"] + bonus, framing, out_boxes, obstacles, placed))
            _score, framing, out_boxes, obstacles, placed = max(options, key=lambda x: x[0])
            product_box = union(b for _, b in out_boxes)
            if job.source.product is None:
                warnings.append("no product given (--catalog/--product or a highlight): no catalog stickers")
            elif product_box is None:
                warnings.append("the product was not located in the clip: stickers placed without its box")
            if placed.band is not None:
                cards = fit_cards(cards, job.sub_font, int(round(style.subtitles.size * H * placed.band_scale)),
                                  placed.band[2], subtitle_pad(style.subtitles, H), placed.band_lines)
            ass = _subtitle_file(job, cards, placed.band, subs, lang, placed.band_scale)
            warnings += [f"left out {s}" for s in placed.skipped]
            card = None
            if end_card:
                img, box = els.end_card_image(end_card, job.font, size, job.work)
                box = _end_card_place(box, obstacles, H)
                card = graph.EndCard(card_start, style.end_card.darken, img, box, [x[0] for x in end_card])
        sound, sound_report = f_sound.result()
    if dropped:
        warnings.append(f"emoji left out of the remix's text ({''.join(dropped[:10])}): its font has no emoji "
                        "(set the style's stickers.font / subtitles.font to a font with them)")

    comp = Composition(framing, product_box, out_boxes, subs, ass, placed, card,
                       _card_kind(job.plan, o.live_on) if card else None, sound, sound_report, lang, obstacles,
                       found.faces, found.screen)
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


def _timed_mix(job: RemixJob) -> tuple[Path, Any]:
    t = time.perf_counter()
    out = mix(job.source.clip, job.duration, job.track, job.style.music, job.style.audio, job.work)
    job.timings["audio"] = round(time.perf_counter() - t, 3)
    return out


def _cards(job: RemixJob, transcript: Any, lang: str | None, card_start: Ms) -> tuple[list[Any], dict[str, Any]]:
    """The subtitle cards and the subtitle report (status so far)."""
    sub_style = job.style.subtitles
    subs: dict[str, Any] = {"enabled": sub_style.enabled, "status": "off", "language": lang}
    if not sub_style.enabled:
        return [], subs
    if transcript is None:
        subs["status"] = "no transcript (speech recognition failed): rendered without subtitles"
        return [], subs
    words = [(w.start_ms, w.end_ms, t) for w in transcript.words if (t := drawable(w.text, job.sub_font))]
    if not words:
        subs["status"] = "no speech found: rendered without subtitles"
        return [], subs
    subs["corrections"] = [c.to_json() for c in getattr(transcript, "corrections", [])]
    return make_cards(words, sub_style, card_start), subs


def _subtitle_file(job: RemixJob, cards: list[Any], band: Box | None, subs: dict[str, Any],
                   lang: str | None, scale: float = 1.0) -> Path | None:
    """The burned ``.ass`` file of the cards in the band the layout gave them; the report is completed."""
    if not cards:
        return None
    if band is None:
        subs["status"] = "left out: no band clear of the face, the product and the LIVE's marks"
        return None
    sub_font = job.sub_font
    family = font_family(sub_font)
    (job.work / "fonts").symlink_to(sub_font.parent.absolute())
    ass = write_ass(cards, job.style.subtitles, family, job.size, band, sub_font, job.work / "subs.ass", scale)
    missing = missing_glyphs(sub_font, " ".join(c.text for c in cards))
    if missing:
        job.warnings.append(f"the subtitle font {sub_font.name} has no glyph for {''.join(missing[:10])} "
                            f"(language {lang}): set the style's subtitles.font to a font that covers it")
    subs.update(status="burned", band=list(band), cards=len(cards), font=family, text_scale=scale,
                timing=[[c.start_ms, c.end_ms, c.text] for c in cards],
                words=sum(len(c.words) for c in cards), missing_glyphs=missing)
    return ass


def _end_card_place(box: Box, obstacles: list[Obstacle], height: int) -> Box:
    """The end card's box moved up or down (least) to keep off the face and the LIVE's marks where it can;
    it shows over the darkened frame once every other element is gone, so the product may lie under it."""
    x, y, w, h = box
    keep = [o for o in obstacles if o.kind in ("face", "mark")]
    step = max(4, height // 100)
    for dy in sorted(range(-y, height - h - y + 1, step), key=abs):
        cand = (x, y + dy, w, h)
        if clear_of(cand, keep):
            return cand
    return box


def _pad(box: Box, size: tuple[float, float], width: int) -> Box:
    x, y, w, h = box
    mx = int(size[0] * PRODUCT_PAD[0] + width * PRODUCT_MARGIN)
    my = int(size[1] * PRODUCT_PAD[1] + width * PRODUCT_MARGIN)
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
