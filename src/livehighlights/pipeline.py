"""After-the-LIVE processing: recording + event log (+ catalog) -> ranked highlights and clip files.

Stages run in order and are timed: load (probe, events, catalog) -> detect (replay through the
online engine) -> plan (windows on speech pauses, ranking, quotas) -> render (cut, thumbnail) ->
write ``highlights.json``. Problems we can go on with become warnings in the result.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .detect import DetectOptions
from .detect.shopping import ShoppingMomentDetector
from .engine import Engine, replay
from .errors import MediaError, Warning_, Where
from .models import Moment
from .plan import ClipWindow, PlanOptions, Rejected, place_window, select
from .timebase import Ms, ms_to_s

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
    cut_method: str = "smart"
    snap_to_pauses: bool = True


@dataclass
class Highlight:
    """A planned, ranked clip and what it is made of."""

    rank: int
    window: ClipWindow
    clip: Path | None = None
    thumbnail: Path | None = None
    cut: dict[str, Any] | None = None


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


@contextmanager
def _timed(timings: dict[str, float], stage: str) -> Iterator[None]:
    t0 = time.perf_counter()
    try:
        yield
    finally:
        timings[stage] = timings.get(stage, 0.0) + time.perf_counter() - t0


def detect_moments(events: list, end_ms: Ms, options: DetectOptions | None = None,
                   catalog: Any = None) -> list[Moment]:
    """Replay an event log through the online engine with the shopping detector; moments by time."""
    engine = Engine([ShoppingMomentDetector(options)], catalog=catalog)
    return sorted(replay(events, end_ms, engine), key=lambda m: m.start_ms)


def process(recording: Path, events_path: Path, out_dir: Path, *, catalog_path: Path | None = None,
            options: ProcessOptions | None = None, progress: Progress | None = None) -> ProcessResult:
    """Process one LIVE recording with its event log. Raises :class:`~livehighlights.errors.InputError`."""
    from .media import audio_levels, find_pauses, keyframes_ms, probe
    from .render import cut_clip, write_thumbnail
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
        log = load_events(events_path, strict=opts.strict, catalog=catalog)
        warnings += log.warnings
        warnings += check_overlap(log, info.duration_ms)

    with _timed(timings, "detect"):
        moments = detect_moments(log.events, info.duration_ms, opts.detect, catalog)

    with _timed(timings, "plan"):
        def pauses(start: Ms, end: Ms) -> list[tuple[Ms, Ms]]:
            hop = 20
            levels = audio_levels(recording, start, end, hop_ms=hop)
            return [(start + a, start + b) for a, b in find_pauses(levels, hop)]

        finder = pauses if opts.snap_to_pauses else None
        windows = [place_window(m, info.duration_ms, opts.plan, finder) for m in moments]
        kept, rejected = select(windows, opts.plan)

    out_dir.mkdir(parents=True, exist_ok=True)
    highlights = [Highlight(rank=i + 1, window=w) for i, w in enumerate(kept)]
    if opts.render and highlights:
        with _timed(timings, "render"):
            clips_dir = out_dir / "clips"
            clips_dir.mkdir(exist_ok=True)
            keyframes = keyframes_ms(recording)
            for n, hl in enumerate(highlights):
                if progress:
                    progress("render", n, len(highlights))
                stem = f"{hl.rank:02d}_{_slug(hl.window.product_id)}_{hl.window.start_ms // 1000:05d}s"
                res = cut_clip(recording, hl.window.start_ms, hl.window.end_ms, clips_dir / f"{stem}.mp4",
                               info=info, keyframes=keyframes, method=opts.cut_method)
                hl.clip = res.path
                hl.cut = {"method": res.method, "reencoded_s": ms_to_s(res.reencoded_ms),
                          "copied_s": ms_to_s(res.copied_ms), "seconds": round(res.seconds, 3)}
                peak = hl.window.moment.peak_ms
                at = peak if hl.window.start_ms <= peak < hl.window.end_ms else hl.window.start_ms
                hl.thumbnail = write_thumbnail(recording, at, clips_dir / f"{stem}.jpg")
            if progress:
                progress("render", len(highlights), len(highlights))

    report = out_dir / "highlights.json"
    result = ProcessResult(out_dir, highlights, rejected, moments, warnings, timings, info.duration_ms, report)
    with _timed(timings, "write"):
        report.write_text(json.dumps(to_report(result, recording=recording, events=events_path,
                                               catalog=catalog, catalog_path=catalog_path), indent=2))
    return result


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
        "kind": win.moment.kind,
        "why": win.notes,
        "moment": win.moment.to_json(),
    }


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
        "live": {
            "recording": str(recording),
            "events": str(events),
            "catalog": str(catalog_path) if catalog_path else None,
            "duration_s": ms_to_s(result.duration_ms),
        },
        "highlights": [
            {"rank": h.rank, **window_json(h.window, catalog), "clip": rel(h.clip),
             "thumbnail": rel(h.thumbnail), "cut": h.cut}
            for h in result.highlights
        ],
        "rejected": [{**window_json(r.window, catalog), "reason": r.reason} for r in result.rejected],
        "warnings": [str(w) for w in result.warnings],
        "timings_s": {k: round(v, 3) for k, v in result.timings.items()},
    }
