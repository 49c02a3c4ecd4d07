"""After-the-LIVE processing: recording + event log (+ catalog) -> ranked highlights and clip files.

Stages run in order and are timed: load (probe, events, catalog) -> detect (replay through the
online engine) -> plan (windows on speech pauses, ranking, quotas) -> render (cut, thumbnail) ->
write ``highlights.json``. Problems we can go on with become warnings in the result.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .detect import DetectOptions
from .engine import detect
from .errors import MediaError, Warning_, Where
from .models import Moment
from .plan import ClipWindow, PlanOptions, Rejected, place_window, select
from .timebase import Ms, ms_to_s
from .timing import timed as _timed
from .understand import (
    Understanding,
    UnderstandOptions,
    rank_score,
    refine_and_score,
    settle_on_silence,
    start_listening,
    understand,
    understanding_range,
)

Progress = Callable[[str, int, int], None]
"""``progress(stage, done, total)``: called as work advances (the CLI draws bars with it)."""


@dataclass
class ProcessOptions:
    """Everything ``process`` can be told, in one place."""

    detect: DetectOptions = field(default_factory=DetectOptions)
    plan: PlanOptions = field(default_factory=PlanOptions)
    strict: bool = False
    """Malformed event lines are fatal instead of reported and skipped."""
    render: bool = True
    """Cut clip files (off: plan only)."""
    understand: UnderstandOptions | None = field(default_factory=UnderstandOptions)
    """Speech and vision on candidate windows (boundaries, ranking, compliance); ``None``: metrics only."""
    extra_candidates: int = 5
    """Candidates understood beyond the per-LIVE quota, so that content can change the ranking."""
    cut_method: str = "smart"
    snap_to_pauses: bool = True
    offset_s: float | None = None
    """The recording starts this many seconds into the event log's clock (``None``: detected when obvious)."""
    live_start: str | None = None
    """The recording's start as a clock time, for a log of clock times (``None``: detected when obvious)."""


@dataclass
class Highlight:
    """A planned, ranked clip and what it is made of."""

    rank: int
    window: ClipWindow
    clip: Path | None = None
    thumbnail: Path | None = None
    cut: dict[str, Any] | None = None
    understanding: Understanding | None = None
    compliance: Any = None
    """The :class:`~livehighlights.check.ComplianceReport` of the clip, when understood."""

    @property
    def postable(self) -> bool | None:
        """Whether the clip may be offered for automatic posting (at least the Basic tier)."""
        return None if self.compliance is None else self.compliance.meets("basic")


@dataclass
class ProcessResult:
    """What ``process`` produced and measured."""

    out_dir: Path
    highlights: list[Highlight]
    rejected: list[Rejected]
    moments: list[Moment]
    warnings: list[Warning_]
    timings: dict[str, float]
    duration_ms: Ms
    report_path: Path
    analysis_timings: dict[str, float] = field(default_factory=dict)
    """Seconds per analysis over all candidate windows (``understand.speech``, ``check.audio``...)."""
    analysis_coverage: dict[str, float] = field(default_factory=dict)
    """What was analysed: ``candidates``, ``understood_s`` (seconds of the LIVE understood around them) and
    ``checked_s`` (seconds of refined windows judged at the full frame rate)."""


def detect_moments(events: list, end_ms: Ms, options: DetectOptions | None = None,
                   catalog: Any = None) -> list[Moment]:
    """Replay an event log through the online engine with the shopping detector; moments by time."""
    return detect(events, end_ms, options, catalog).moments


def process(recording: Path, events_path: Path, out_dir: Path, *, catalog_path: Path | None = None,
            options: ProcessOptions | None = None, progress: Progress | None = None) -> ProcessResult:
    """Process one LIVE recording with its event log. Raises :class:`~livehighlights.errors.InputError`."""
    from .media import audio_levels, find_pauses, probe
    from .sources import check_overlap, load_catalog, load_events

    opts = options or ProcessOptions()
    timings: dict[str, float] = {}
    warnings: list[Warning_] = []
    with _timed(timings, "load"):
        info = probe(recording)
        if not info.has_audio:
            raise MediaError("has no audio track: a highlight must keep the original LIVE audio",
                             Where(recording))
        catalog = load_catalog(catalog_path) if catalog_path else None
        if catalog is not None:
            warnings += catalog.warnings
        log = load_events(events_path, strict=opts.strict, catalog=catalog, live_start=opts.live_start,
                          offset_s=opts.offset_s)
        warnings += log.warnings
        warnings += check_overlap(log, info.duration_ms, info.creation_time)

    with _timed(timings, "detect"):
        detection = detect(log.events, info.duration_ms, opts.detect, catalog)
        moments = detection.moments
        warnings += detection.warnings
        in_live = {e.product_id for e in log.events if e.product_id and e.type in _PRODUCT_EVENTS}

    with _timed(timings, "plan"):
        def pauses(start: Ms, end: Ms) -> list[tuple[Ms, Ms]]:
            hop = 20
            levels = audio_levels(recording, start, end, hop_ms=hop)
            return [(start + a, start + b) for a, b in find_pauses(levels, hop)]

        finder = pauses if opts.snap_to_pauses else None
        windows = [place_window(m, info.duration_ms, opts.plan, finder) for m in moments]

    understood: dict[int, Understanding] = {}
    analysis: dict[str, float] = {}
    if opts.understand is not None and windows:
        with _timed(timings, "understand"):
            windows, understood = _understand(recording, windows, info.duration_ms, catalog, in_live, opts,
                                              progress, analysis)
    with _timed(timings, "plan"):
        kept, rejected = select(windows, opts.plan)

    out_dir.mkdir(parents=True, exist_ok=True)
    highlights = [Highlight(rank=i + 1, window=w, understanding=understood.get(id(w)))
                  for i, w in enumerate(kept)]
    for hl in highlights:
        hl.compliance = hl.understanding.report if hl.understanding is not None else None
    if opts.render and highlights:
        with _timed(timings, "render"):
            _render(recording, info, highlights, out_dir, catalog_path, in_live, opts, progress)

    report = out_dir / "highlights.json"
    coverage = {"candidates": len(understood),
                "understood_s": ms_to_s(sum(u.end_ms - u.start_ms for u in understood.values())),
                "checked_s": ms_to_s(sum(w.end_ms - w.start_ms for w in windows if id(w) in understood))}
    result = ProcessResult(out_dir, highlights, rejected, moments, warnings, timings, info.duration_ms, report,
                           analysis, coverage if understood else {})
    with _timed(timings, "write"):
        report.write_text(json.dumps(to_report(result, recording=recording, events=events_path,
                                               catalog=catalog, catalog_path=catalog_path), indent=2))
    return result


_PRODUCT_EVENTS = ("product_pin", "product_click", "add_to_cart", "order")


def _understand(recording: Path, windows: list[ClipWindow], duration_ms: Ms, catalog: Any, in_live: set[str],
                opts: ProcessOptions, progress: Progress | None, analysis: dict[str, float],
                ) -> tuple[list[ClipWindow], dict[int, Understanding]]:
    """Understand the best candidates (a few more than the quota, so content can reorder them) and judge
    each refined window at once (the full-rate decoding pass of the quality checks runs on the refined
    window only); frames are let go after each candidate, so memory stays bounded by one window whatever
    the number of candidates."""
    assert opts.understand is not None
    candidates = sorted((w for w in windows if w.moment.kind in opts.plan.kinds), key=lambda w: -w.moment.score)
    candidates = candidates[: opts.plan.max_per_live + opts.extra_candidates]
    chosen = {id(w) for w in candidates}
    out: list[ClipWindow] = [w for w in windows if id(w) not in chosen]
    understood: dict[int, Understanding] = {}
    # speech recognition runs ahead, candidate after candidate, beside the vision work and the checks
    listener = ThreadPoolExecutor(max_workers=1)
    heard = [start_listening(listener, recording, *understanding_range(w, duration_ms), opts.understand)
             for w in candidates]
    lock = threading.Lock()
    done = 0

    def one(n: int) -> tuple[ClipWindow, Understanding]:
        nonlocal done
        timings: dict[str, float] = {}
        result = _understand_one(recording, candidates[n], heard[n], duration_ms, catalog, in_live, opts, timings)
        with lock:
            for name, sec in timings.items():
                analysis[name] = analysis.get(name, 0.0) + sec
            done += 1
            if progress:
                progress("understand", done, len(candidates))
        return result

    if progress:
        progress("understand", 0, len(candidates))
    # vision and the checks of two candidates at once: most of that work (matching, OCR, QR) is
    # single-threaded native code, so one candidate alone leaves a core idle once speech is done
    workers = ThreadPoolExecutor(max_workers=max(1, opts.understand.workers))
    cv_threads = _one_thread_per_task(opts.understand.workers)
    try:
        for refined, u in workers.map(one, range(len(candidates))):
            understood[id(refined)] = u
            out.append(refined)
    finally:
        workers.shutdown(wait=True, cancel_futures=True)
        listener.shutdown(wait=True, cancel_futures=True)
        if cv_threads is not None:
            import cv2

            cv2.setNumThreads(cv_threads)
    return out, understood


def _one_thread_per_task(workers: int) -> int | None:
    """With candidates analysed side by side, OpenCV's own threads only add overhead (its matching costs a
    third more CPU on two threads than on one): run it on one. Returns the setting to restore."""
    if workers < 2:
        return None
    import cv2

    before = cv2.getNumThreads()
    cv2.setNumThreads(1)
    return before


def _understand_one(recording: Path, win: ClipWindow, heard: Any, duration_ms: Ms, catalog: Any, in_live: set[str],
                    opts: ProcessOptions, analysis: dict[str, float]) -> tuple[ClipWindow, Understanding]:
    """One candidate: understood, refined, scored for ranking and judged."""
    assert opts.understand is not None
    u = understand(recording, win, duration_ms, catalog, opts.understand, heard)
    refined, summary = refine_and_score(win, u, duration_ms, catalog, opts.plan, opts.understand)
    settled = settle_on_silence(recording, refined, duration_ms)
    if settled is not refined and summary["product_visible_s"] is not None:
        shift = (refined.start_ms - settled.start_ms) / 1000
        summary["product_visible_s"] = round(summary["product_visible_s"] + shift, 3)
    refined = settled
    refined.content = summary
    refined.rank = rank_score(win.moment.score, summary["content"])
    u.report = _check(recording, refined, u, catalog, in_live, opts, analysis)
    seen = u.report.get("product_within_1s")
    if seen.status != "unknown":  # the check looked at the final window at the full rate: its time stands
        summary["product_visible_s"] = seen.evidence.get("first_visible_s")
    u.scan = None
    for name, sec in u.timings.items():
        analysis[f"understand.{name}"] = analysis.get(f"understand.{name}", 0.0) + sec
    return refined, u


def _render(recording: Path, info: Any, highlights: list[Highlight], out_dir: Path, catalog_path: Path | None,
            in_live: set[str], opts: ProcessOptions, progress: Progress | None) -> None:
    from .check.evidence import Provenance
    from .check.sidecar import write_provenance
    from .media import keyframes_ms
    from .render import cut_clip, write_thumbnail

    clips_dir = out_dir / "clips"
    clips_dir.mkdir(exist_ok=True)
    keyframes = keyframes_ms(recording)
    for n, hl in enumerate(highlights):
        if progress:
            progress("render", n, len(highlights))
        w = hl.window
        stem = f"{hl.rank:02d}_{_slug(w.product_id)}_{w.start_ms // 1000:05d}s"
        res = cut_clip(recording, w.start_ms, w.end_ms, clips_dir / f"{stem}.mp4", info=info,
                       keyframes=keyframes, method=opts.cut_method)
        hl.clip = res.path
        if hl.compliance is not None:
            hl.compliance.subject = str(res.path)
        hl.cut = {"method": res.method, "reencoded_s": ms_to_s(res.reencoded_ms),
                  "copied_s": ms_to_s(res.copied_ms), "seconds": round(res.seconds, 3)}
        in_events = (w.product_id in in_live) if w.product_id else None
        write_provenance(res.path, Provenance(str(recording.resolve()), w.start_ms, w.end_ms,
                                              product_in_live=in_events),
                         product_id=w.product_id, catalog=str(catalog_path.resolve()) if catalog_path else None)
        peak = w.moment.peak_ms
        at = peak if w.start_ms <= peak < w.end_ms else w.start_ms
        hl.thumbnail = write_thumbnail(recording, at, clips_dir / f"{stem}.jpg")
    if progress:
        progress("render", len(highlights), len(highlights))


def _check(recording: Path, w: ClipWindow, u: Understanding, catalog: Any, in_live: set[str],
           opts: ProcessOptions, analysis: dict[str, float]) -> Any:
    """The compliance report of a window of the LIVE (what its clip will hold: the cut is frame-exact and
    keeps the source's picture and sound)."""
    from .check.analyze import analyze
    from .check.evidence import CheckOptions, Provenance
    from .check.judge import judge

    assert opts.understand is not None
    product = catalog.get(w.product_id) if catalog is not None and w.product_id else None
    prov = Provenance(str(recording), w.start_ms, w.end_ms, product_in_live=w.product_id in in_live
                      if w.product_id else None)
    check_opts = CheckOptions(language=opts.understand.language, speech_model=opts.understand.speech_model,
                              vision_fps=opts.understand.check_fps, qr_fps=opts.understand.qr_fps,
                              swap_samples=opts.understand.swap_samples,
                              embeddings=opts.understand.embeddings,
                              decode_threads=opts.understand.decode_threads)
    # the transcript and the product's track are reused; the picture is decoded once more, at the full rate,
    # over the final window for the quality checks
    ev = analyze(recording, w.start_ms, w.end_ms, product=product, catalog=catalog, provenance=prov,
                 transcript=u.transcript, visibility=u.track, options=check_opts)
    if u.track is not None and ev.visibility is not None and product is not None:
        from .vision import VisibilityOptions
        from .vision.product import reuse_track

        others = {pid: p.images for pid, p in catalog.products.items() if pid != product.id and p.images}
        frames = [*u.scan.samples, *u.scan.hires] if u.scan is not None else []
        sliced = ev.visibility
        ev.visibility = ev.attempt("visibility", lambda: reuse_track(
            sliced, recording, product.images, frames, other_products=others,
            options=VisibilityOptions(swap_samples=opts.understand.swap_samples)))
    for name, sec in ev.timings.items():
        analysis[f"check.{name}"] = analysis.get(f"check.{name}", 0.0) + sec
    return judge(ev)


def _slug(text: str | None) -> str:
    if not text:
        return "live"
    return "".join(c if c.isalnum() or c in "-_" else "-" for c in text)[:40]


def window_json(win: ClipWindow, catalog: Any = None) -> dict[str, Any]:
    """One planned window as JSON (times in seconds), with its product's title where known."""
    product = catalog.products.get(win.product_id) if catalog and win.product_id else None
    return {
        "start_s": ms_to_s(win.start_ms),
        "end_s": ms_to_s(win.end_ms),
        "duration_s": ms_to_s(win.duration_ms),
        "product_id": win.product_id,
        "product_title": product.title if product else None,
        "score": round(win.moment.score, 4),
        "rank_score": round(win.rank_score, 4),
        "kind": win.moment.kind,
        "content": win.content,
        "why": win.notes,
        "moment": win.moment.to_json(),
    }


def _understood_json(h: Highlight) -> dict[str, Any]:
    """Transcript, compliance report and postability of a highlight (empty when not understood)."""
    if h.compliance is None and h.understanding is None:
        return {}
    out: dict[str, Any] = {}
    if h.compliance is not None:
        out["tier"] = h.compliance.tier
        out["postable"] = h.postable
        out["blocked_by"] = [r.id for r in h.compliance.failures if r.rule.tier == "basic" and not r.rule.advisory]
        out["compliance"] = h.compliance.to_json()
    u = h.understanding
    if u is not None and u.transcript is not None:
        sentences = u.sentences_in(h.window.start_ms, h.window.end_ms)
        out["transcript"] = {
            "language": u.transcript.language,
            "model": u.transcript.model,
            "text": " ".join(s.text.strip() for s in sentences),
            "sentences": [{"start_s": ms_to_s(s.start_ms), "end_s": ms_to_s(s.end_ms), "text": s.text.strip()}
                          for s in sentences],
        }
    return out


def to_report(result: ProcessResult, *, recording: Path, events: Path, catalog: Any,
              catalog_path: Path | None) -> dict[str, Any]:
    """The ``highlights.json`` document."""
    def rel(p: Path | None) -> str | None:
        if p is None:
            return None
        try:
            return str(p.relative_to(result.out_dir))
        except ValueError:
            return str(p)

    return {
        "version": 1,
        "live": {  # absolute: the report is read from other folders (remix, check, a review tool)
            "recording": str(recording.resolve()),
            "events": str(events.resolve()),
            "catalog": str(catalog_path.resolve()) if catalog_path else None,
            "duration_s": ms_to_s(result.duration_ms),
        },
        "highlights": [
            {"rank": h.rank, **window_json(h.window, catalog), "clip": rel(h.clip),
             "thumbnail": rel(h.thumbnail), "cut": h.cut, **_understood_json(h)}
            for h in result.highlights
        ],
        "rejected": [{**window_json(r.window, catalog), "reason": r.reason} for r in result.rejected],
        "warnings": [str(w) for w in result.warnings],
        "timings_s": {k: round(v, 3) for k, v in result.timings.items()},
        "analysis_timings_s": {k: round(v, 3) for k, v in sorted(result.analysis_timings.items())},
        "analysis_coverage": result.analysis_coverage,
    }
