"""After the LIVE: a recording + its event log (+ catalog) replayed through the online path, into the store,
ranked, cut, and exported as ``highlights.json``.

``process`` is the live path on a faster clock: the events are stored, then fed to the engine as fast as the
machine allows; each confirmed moment goes through the online policy and its job (:mod:`livehighlights.jobs`),
and, once the whole LIVE has been followed, the review list is ranked over everything that was kept, its clips
cut into the media root, and the export written. Problems we can go on with become warnings in the result.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .detect import DetectOptions
from .detect.priors import summarise
from .engine import Engine, detect
from .errors import MediaError, Warning_, Where
from .jobs import Candidate, Progress
from .jobs.priors import with_store_priors
from .models import Moment
from .plan import ClipWindow, PlanOptions, Rejected
from .timebase import Ms, ms_to_s
from .timing import timed as _timed
from .understand import UnderstandOptions

if TYPE_CHECKING:
    from .check.report import ComplianceReport
    from .store import Store

__all__ = ["Highlight", "OnlineCost", "ProcessOptions", "ProcessResult", "detect_moments", "process"]


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
    seller: str = "default"
    """The seller the LIVE belongs to in the store."""
    title: str | None = None
    """The LIVE's title in the store (default: the recording's file name)."""
    offset_s: float | None = None
    """The recording starts this many seconds into the event log's clock (``None``: detected when obvious)."""
    live_start: str | None = None
    """The recording's start as a clock time, for a log of clock times (``None``: detected when obvious)."""


@dataclass
class Highlight:
    """A ranked clip of the review list and what it is made of."""

    rank: int
    window: ClipWindow
    id: str = ""
    """The highlight's id in the store (``h_...``)."""
    clip: Path | None = None
    thumbnail: Path | None = None
    cut: dict[str, Any] | None = None
    compliance: ComplianceReport | None = None
    transcript: dict[str, Any] | None = None

    @property
    def postable(self) -> bool | None:
        """Whether the clip may be offered for automatic posting (at least the Basic tier)."""
        return None if self.compliance is None else self.compliance.meets("basic")


@dataclass
class OnlineCost:
    """What deciding moment by moment costs against ranking the whole LIVE at its end."""

    taken: int
    """Windows the online policy took as they came (what auto-posting would post)."""
    final: int
    """Highlights of the review list ranked over the whole LIVE."""
    agreed: int
    """Taken windows that are also in the review list."""
    score_ratio: float
    """Sum of the taken windows' rank scores over that of the review list (1.0: nothing lost)."""


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
    live_id: str = ""
    reused_jobs: int = 0
    """Moment jobs found done in the store (a re-run does not redo them)."""
    online: OnlineCost | None = None


def detect_moments(events: list, end_ms: Ms, options: DetectOptions | None = None,
                   catalog: Any = None) -> list[Moment]:
    """Replay an event log through the online engine with the default detectors; moments by time."""
    return detect(events, end_ms, options, catalog).moments


def process(recording: Path, events_path: Path, out_dir: Path, *, catalog_path: Path | None = None,
            options: ProcessOptions | None = None, progress: Progress | None = None,
            store: Store | None = None) -> ProcessResult:
    """Process one LIVE recording with its event log into ``store`` (default: :func:`~livehighlights.store.
    open_store`) and ``out_dir``. Raises :class:`~livehighlights.errors.InputError`."""
    from .store import open_store

    if store is None:
        with open_store() as st:
            return process(recording, events_path, out_dir, catalog_path=catalog_path, options=options,
                           progress=progress, store=st)
    from .outputs import folder_lock

    with folder_lock(out_dir):  # one run at a time writes a folder
        return _process(recording, events_path, out_dir, catalog_path, options or ProcessOptions(), progress, store)


def _process(recording: Path, events_path: Path, out_dir: Path, catalog_path: Path | None, opts: ProcessOptions,
             progress: Progress | None, store: Store) -> ProcessResult:
    from .jobs import LiveContext, follow, options_key, recording_key
    from .media.source import FileSource
    from .sources import check_overlap, load_catalog, load_events

    timings: dict[str, float] = {}
    warnings: list[Warning_] = []
    store.media.check_writable()
    with _timed(timings, "load"):
        source = FileSource(recording)
        info = source.info
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
        if log.stats.get("format") == "minutes" and opts.detect.resolution_s < 60:
            # per-minute totals: detected at a minute's resolution, like ``moments`` does; each minute's product
            # is then taken from the recording (:mod:`livehighlights.jobs.attach`)
            opts = replace(opts, detect=replace(opts.detect, resolution_s=60))
    with _timed(timings, "store"):
        seller = store.seller(opts.seller)
        live = store.upsert_live(seller.id, recording_key(recording), title=opts.title or recording.stem,
                                 started_at=log.live_start_utc, status="ended", duration_ms=info.duration_ms,
                                 recording=str(recording.resolve()), events=str(events_path.resolve()),
                                 catalog=str(catalog_path.resolve()) if catalog_path else None)
        store.ingest_events(live.id, log.events)  # stored before they are acted on
        opts = with_store_priors(opts, store, seller.id, live.id)
    ctx = LiveContext(live.id, seller.id, source, opts, catalog, catalog_path, progress=progress)
    job_key = options_key(opts)
    engine = Engine.from_names(options=opts.detect, catalog=catalog)
    try:
        with _timed(timings, "follow"):
            outcome = follow(ctx, log.events, info.duration_ms, engine, store, job_key)
        warnings += engine.warnings() + outcome.warnings
        store.set_live_summary(seller.id, live.id, asdict(summarise(engine.timeline())))  # priors for the next
        with _timed(timings, "plan"):
            from .plan import select_items

            ranked, rejected = select_items(outcome.candidates, opts.plan, lambda c: c.window)
        highlights = [Highlight(rank=i + 1, window=c.window, compliance=c.report,
                                transcript=c.transcript if c.transcript is not None else _transcript(c))
                      for i, c in enumerate(ranked)]
        from .jobs.export import finish_live

        with _timed(timings, "render"):
            finish_live(ctx, store, ranked, highlights, out_dir, job_key)
    finally:
        source.close()
    understood = [c for c in outcome.candidates if c.understanding is not None]
    coverage = {"candidates": len(understood),
                "understood_s": ms_to_s(sum(c.understanding.end_ms - c.understanding.start_ms for c in understood)),
                "checked_s": ms_to_s(sum(c.window.duration_ms for c in understood))} if understood else {}
    result = ProcessResult(out_dir, highlights, outcome.rejected + rejected, outcome.moments, warnings, timings,
                           info.duration_ms, out_dir / "highlights.json", dict(ctx.analysis.seconds), coverage,
                           live.id, outcome.reused, _online_cost(outcome.taken, ranked, outcome.candidates))
    from .jobs.export import write_report

    with _timed(timings, "write"):
        write_report(result, recording=recording, events=events_path, catalog=catalog, catalog_path=catalog_path)
    return result


def _transcript(c: Candidate) -> dict[str, Any] | None:
    from .jobs.records import transcript_json

    return transcript_json(c)


def _online_cost(taken: list[str], ranked: list[Candidate], candidates: list[Candidate]) -> OnlineCost:
    """The moments taken online against the review list, each valued at its understood rank score (a taken
    moment whose job was dropped later counts nothing)."""
    final = {c.moment_id for c in ranked}
    score = {c.moment_id: c.window.rank_score for c in candidates}
    agreed = sum(1 for m in taken if m in final)
    total = sum(c.window.rank_score for c in ranked)
    got = sum(score.get(m, 0.0) for m in taken[: len(ranked)])
    return OnlineCost(len(taken), len(ranked), agreed, round(got / total, 3) if total else 1.0)
