"""Understanding candidate windows (cheap first, expensive last): speech and product visibility are
computed only for the windows the metrics picked, never for the whole LIVE.

For each candidate, over the window and its margins: one transcription (cached on disk) and the product's
visibility track on the keyframes alone (a keyframe every 2 s in a LIVE recording; decoding only them
costs a tenth of a full pass), its first sighting refined at the full frame rate. The window's boundaries
are then refined onto sentences and the product's appearance, and its content is scored for ranking.
The full-rate pass every quality check needs runs afterwards, once, on the refined window only (see
:func:`livehighlights.pipeline.process`). A recording whose keyframes are sparse is sampled at
``vision_fps`` by a full decode instead.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Executor, Future, ThreadPoolExecutor, wait
from contextlib import AbstractContextManager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .plan import ClipWindow, PlanOptions, refine_window
from .rules import DEFAULT_SPEECH_MODEL
from .text.cues import BUYING_CUES
from .timebase import Ms
from .timing import Attempts

MARGIN_BEFORE_MS = 4000
MARGIN_AFTER_MS = 3000
MAX_RANGE_MS = 57_000
"""At most this much of the LIVE is understood per candidate."""


@dataclass
class UnderstandOptions:
    """What is computed for each candidate window."""

    speech_model: str = DEFAULT_SPEECH_MODEL
    language: str | None = None
    vision_fps: float = 2.0
    """Sampled frames per second for product visibility (first times are refined at the full rate)."""
    workers: int = 2
    """Candidates analysed at once (threads; speech recognition runs ahead in one more)."""
    check_fps: float = 1.0
    """Sampled frames per second kept by the check's full-rate pass over the refined window (for still
    overlays; the product's visibility is the candidate's track, sliced and refined)."""
    qr_fps: float = 0.25
    """Sharper frames per second searched for QR codes (an overlaid code stays up for many seconds)."""
    swap_samples: int = 4
    """Frames on which the product is compared with every other catalog product (the swap check)."""
    embeddings: bool = True
    decode_threads: str = "NONE"
    """FFmpeg decoder threading: candidates are analysed side by side, so each decoder gets one thread
    (40% less CPU for the same frames than frame threading)."""
    max_keyframe_gap_ms: Ms = 2500
    """Follow the product on keyframes when no two lie further apart than this in the window; otherwise
    sample ``vision_fps`` frames per second from a full decode."""


@dataclass
class Understanding:
    """What was learnt about one candidate window (times in the recording's ms)."""

    start_ms: Ms
    end_ms: Ms
    scan: Any = None
    transcript: Any = None
    track: Any = None
    points: list[Any] = field(default_factory=list)
    cues: list[Any] = field(default_factory=list)
    problems: dict[str, str] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    """Seconds per analysis (decode, speech, visibility)."""
    report: Any = None
    """The compliance report of the refined window (a :class:`~livehighlights.check.ComplianceReport`)."""

    def sentences_in(self, start: Ms, end: Ms) -> list[Any]:
        if self.transcript is None:
            return []
        return [s for s in self.transcript.sentences if s.start_ms >= start - 50 and s.end_ms <= end + 50]

    def visible_spans(self) -> list[tuple[Ms, Ms]]:
        """Spans over which the product was seen: runs of visible samples, the first run starting at the
        full-rate first-visible time (samples may be 2 s apart when they are the keyframes)."""
        if self.track is None:
            return []
        spans: list[tuple[Ms, Ms]] = []
        prev_visible = False
        for s in self.track.sightings:
            if s.visible and prev_visible:
                spans[-1] = (spans[-1][0], s.t_ms)
            elif s.visible:
                spans.append((s.t_ms, s.t_ms))
            prev_visible = s.visible
        fv = self.track.first_visible_ms
        if spans and fv is not None and fv < spans[0][0]:
            spans[0] = (fv, spans[0][1])
        return spans

    def first_visible_from(self, start: Ms) -> Ms | None:
        """When the product is first seen from ``start`` on: the start of the first span of sightings that
        reaches ``start`` (less a second's tolerance), earlier than ``start`` when it is already on screen."""
        return next((s0 for s0, s1 in self.visible_spans() if s1 >= start - 1000), None)


def understanding_range(win: ClipWindow, duration_ms: Ms) -> tuple[Ms, Ms]:
    """The part of the LIVE understood for a candidate: from the start of its pitch (where the selling
    points usually are) to a little after the window, at most :data:`MAX_RANGE_MS`."""
    end = min(duration_ms, win.end_ms + MARGIN_AFTER_MS)
    start = max(0, min(win.start_ms - MARGIN_BEFORE_MS, win.moment.start_ms - 2000), end - MAX_RANGE_MS)
    return start, end


Heard = tuple[Any, dict[str, str], dict[str, float]]
"""A transcription's outcome: the transcript (or ``None``), the problems met, the seconds it took."""


def start_listening(pool: Executor, recording: Path, start: Ms, end: Ms, options: UnderstandOptions) -> Future[Heard]:
    """Transcribe ``[start, end)`` of the recording on ``pool`` (speech recognition runs in native code
    that releases the GIL, so it overlaps the decoding and matching done meanwhile)."""
    from .media.speech import speech_options, transcribe

    speech = speech_options(options.speech_model, options.language)

    def job() -> Heard:
        guard = Attempts()
        transcript = guard.attempt("speech", lambda: transcribe(recording, start, end, speech))
        return transcript, dict(guard.unknown), dict(guard.timings)

    return pool.submit(job)


def understand(recording: Path, win: ClipWindow, duration_ms: Ms, catalog: Any,
               options: UnderstandOptions, heard: Future[Heard] | None = None,
               waiting: Callable[[], AbstractContextManager[None]] | None = None) -> Understanding:
    """Analyse a candidate window and its margins (:func:`understanding_range`); failures become
    ``problems`` (never an exception for what the media or the catalog lack). ``heard``: the range's
    transcription, already started by the caller (see :func:`start_listening`); ``waiting``: entered while
    the vision work is done and the transcription is not (e.g. :meth:`~.jobs.gate.HeavyGate.idle`)."""
    from .vision import VisibilityOptions, visibility_track

    start, end = understanding_range(win, duration_ms)
    u = Understanding(start, end)
    guard = Attempts()
    with ThreadPoolExecutor(max_workers=1) as pool:
        if heard is None:
            heard = start_listening(pool, recording, start, end, options)
        product = catalog.get(win.product_id) if catalog is not None and win.product_id else None
        if product is not None and product.images:
            u.scan = guard.attempt("decode", lambda: sparse_scan(recording, start, end, options))
        if product is not None and u.scan is not None:
            vis = VisibilityOptions(fps=options.vision_fps)
            u.track = guard.attempt("visibility", lambda: visibility_track(
                recording, start, end, product.images, scan=u.scan, options=vis))
        if waiting is not None and not heard.done():
            with waiting():  # the recognition is queued behind others: the caller's slot is not held idle
                wait([heard])
        u.transcript, problems, timings = heard.result()
        if product is not None and product.selling_points and u.transcript is not None and start > 0:
            guard.attempt("speech_before", lambda: _look_back(recording, u, product.selling_points, options))
    u.problems = {**problems, **guard.unknown}
    u.timings = {**timings, **guard.timings}
    return u


LOOK_BACK_MS = 30_000
"""When none of the product's selling points is stated in the understood range, this much of the LIVE before
it is transcribed too: a pitch often states them before the moment the metrics found (the clip must keep one)."""


def _look_back(recording: Path, u: Understanding, selling_points: list[str], options: UnderstandOptions) -> None:
    """Prepend the speech of the :data:`LOOK_BACK_MS` before ``u``'s range when no selling point is stated in it
    (and one is there): ``u.start_ms`` and ``u.transcript`` then start earlier."""
    from .media.speech import Transcript, speech_options, transcribe
    from .text import match_selling_points
    from .text.selling_points import MatchOptions

    match = MatchOptions() if options.embeddings else MatchOptions(embedder=None)
    if any(p.stated for p in match_selling_points(u.transcript.sentences, selling_points, options=match)):
        return
    lo = max(0, u.start_ms - LOOK_BACK_MS)
    before = transcribe(recording, lo, u.start_ms, speech_options(options.speech_model, options.language))
    if not any(p.stated for p in match_selling_points(before.sentences, selling_points, options=match)):
        return
    t = u.transcript
    u.transcript = Transcript(t.language, t.language_probability, [*before.sentences, *t.sentences], t.model,
                              t.duration_ms + before.duration_ms, lo)
    u.start_ms = lo


def sparse_scan(recording: Path, start: Ms, end: Ms, options: UnderstandOptions) -> Any:
    """Frames to follow the product by: the keyframes of ``[start, end)`` when they are close enough
    together, else frames sampled at ``options.vision_fps`` (a full decode, no per-frame statistics)."""
    from .vision.frames import keyframe_scan, scan_window

    scan = keyframe_scan(recording, start, end, hires_short_side=720, threads=options.decode_threads)
    times = [start] + [f.t_ms for f in scan.samples] + [end]
    if max(b - a for a, b in zip(times, times[1:], strict=False)) <= options.max_keyframe_gap_ms:
        return scan
    return scan_window(recording, start, end, sample_fps=options.vision_fps, stats=False,
                       hires_fps=options.qr_fps, hires_short_side=720, threads=options.decode_threads)


def refine_and_score(win: ClipWindow, u: Understanding, duration_ms: Ms, catalog: Any,
                     plan: PlanOptions, options: UnderstandOptions) -> tuple[ClipWindow, dict[str, Any]]:
    """The refined window and its content summary (``content`` in [0, 1] and what it rests on)."""
    from .text import find_action_cues, match_selling_points
    from .text.selling_points import MatchOptions

    sentences = u.transcript.sentences if u.transcript is not None else []
    product = catalog.get(win.product_id) if catalog is not None and win.product_id else None
    all_points = []
    if product is not None and product.selling_points and sentences:
        match = MatchOptions() if options.embeddings else MatchOptions(embedder=None)
        all_points = match_selling_points(sentences, product.selling_points, options=match)
    all_cues = find_action_cues(sentences) if sentences else []
    spans = u.visible_spans()

    def value(a: Ms, b: Ms) -> float:
        stated = sum(1 for p in all_points if p.stated and p.start_ms is not None and a <= p.start_ms < b)
        buying = any(c.start_ms is not None and a <= c.start_ms < b and c.kind in BUYING_CUES for c in all_cues)
        at_once = any(s0 <= a + 1000 and s1 >= a - 250 for s0, s1 in spans)
        return 2.0 * stated + 1.0 * buying + 1.5 * at_once

    stated_at = sorted(p.start_ms for p in all_points if p.stated and p.start_ms is not None)
    keep = (lambda a, b: any(a - 50 <= t < b for t in stated_at)) if stated_at else None
    about = product_sentences(sentences, product, stated_at, all_cues)
    refined = refine_window(win, sentences, u.first_visible_from(win.start_ms), duration_ms, plan, value=value,
                            keep=keep, on_product=(lambda s: id(s) in about) if about else None)
    fv = u.first_visible_from(refined.start_ms)
    a, b = refined.start_ms, refined.end_ms
    points = [p if p.stated and p.start_ms is not None and a - 50 <= p.start_ms < b else replace(p, stated=False)
              for p in all_points]
    cues = [c for c in all_cues if c.start_ms is not None and a - 50 <= c.start_ms < b]
    u.points, u.cues = points, cues
    stated = sum(p.stated for p in points)
    sp_ratio = stated / len(points) if points else 0.0
    visible_1s = fv is not None and fv <= refined.start_ms + 1000
    content = 0.5 * sp_ratio + 0.3 * visible_1s + 0.2 * bool(cues)
    summary = {
        "content": round(content, 3),
        "selling_points_stated": [p.point for p in points if p.stated],
        "selling_points_missing": [p.point for p in points if not p.stated],
        "product_visible_s": None if fv is None else round(max(0, fv - refined.start_ms) / 1000, 3),
        "action_cues": sorted({c.kind for c in cues}),
        "problems": u.problems,
    }
    return refined, summary


def product_sentences(sentences: list[Any], product: Any, stated_at: list[Ms], cues: list[Any]) -> set[int]:
    """Ids of the sentences about the product: those stating one of its selling points, calling to buy, or
    naming it (a word of its title). A clip ends on one of these, not on the next topic ("Okay, I'm picking the
    winner now"). Empty without a product (nothing to tell the topic by)."""
    if product is None:
        return set()
    names = {w for w in "".join(c.lower() if c.isalnum() else " " for c in product.title or "").split() if len(w) >= 4}
    out: set[int] = set()
    for s in sentences:
        lo, hi = s.start_ms - 50, s.end_ms
        text = " ".join("".join(c.lower() if c.isalnum() else " " for c in s.text).split())
        if any(lo <= t < hi for t in stated_at) or any(
                c.start_ms is not None and lo <= c.start_ms < hi and c.kind in BUYING_CUES for c in cues) or \
                any(n in text.split() for n in names):
            out.add(id(s))
    return out


def rank_score(metric_score: float, content: float) -> float:
    """Ranking: the metric score weighted by content, from half (nothing shown or said) to one and a half
    (selling points stated, product visible at once, a call to action): a clip that sells ranks above
    one that only coincides with a sales spike."""
    return metric_score * (0.5 + content)


SETTLE_MS = 1200
"""How far a boundary may move to leave the voice whole."""


def settle_on_silence(recording: Path, win: ClipWindow, duration_ms: Ms) -> ClipWindow:
    """Move the boundaries, if the voice is sounding there, to the nearest quiet moment before the
    start and after the end: word timestamps from speech recognition can be a few hundred ms late, and a
    clip must never begin or end inside a word."""
    from .media import audio_levels, find_pauses

    hop = 10
    start, end = win.start_ms, win.end_ms
    lo = max(0, start - SETTLE_MS)
    before = find_pauses(audio_levels(recording, lo, min(duration_ms, start + 300), hop_ms=hop), hop,
                         min_pause_ms=80, offset_ms=lo)
    quiet_at_start = any(a <= start <= b for a, b in before)
    if not quiet_at_start:
        earlier = [p for p in before if p[1] <= start]
        if earlier:
            a, b = earlier[-1]
            start = max(a, b - 60)
    hi = min(duration_ms, end + SETTLE_MS)
    after = find_pauses(audio_levels(recording, max(0, end - 300), hi, hop_ms=hop), hop, min_pause_ms=80,
                        offset_ms=max(0, end - 300))
    if not any(a <= end <= b for a, b in after):
        later = [p for p in after if p[0] >= end]
        if later:
            a, b = later[0]
            end = min(b, a + 60)
    if (start, end) == (win.start_ms, win.end_ms):
        return win
    return replace(win, start_ms=start, end_ms=end, notes=[*win.notes, "boundaries moved off the voice"])
