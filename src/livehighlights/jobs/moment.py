"""The per-moment job: place the window -> understand -> refine -> check -> cut (-> remix when asked).

Each stage is a function of the :class:`~livehighlights.jobs.context.LiveContext` and what the stage before
it produced; the replay of a recording (after the LIVE) and the live follower (during it) run these very
functions, only on another clock.
"""

from __future__ import annotations

from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..models import Moment
from ..plan import ClipWindow, place_window
from ..timebase import Ms, ms_to_s
from ..understand import (
    Heard,
    Understanding,
    rank_score,
    refine_and_score,
    settle_on_silence,
    understand,
)
from .context import LiveContext
from .gate import heavy_gate

if TYPE_CHECKING:
    from ..check.report import ComplianceReport

__all__ = ["Candidate", "CutOutcome", "check_window", "cut_candidate", "place", "understand_window"]


@dataclass
class Candidate:
    """A moment's window after its job: refined, scored for ranking, judged."""

    moment_id: str
    window: ClipWindow
    understanding: Understanding | None = None
    report: ComplianceReport | None = None
    """The compliance report of the refined window (``None`` when not analysed)."""
    transcript: dict[str, object] | None = None
    """The window's words as stored (set when the candidate comes back from the store)."""

    @property
    def postable(self) -> bool | None:
        """At least Basic (only such a clip may be auto-posted); ``None`` when not judged."""
        return None if self.report is None else self.report.meets("basic")


@dataclass
class CutOutcome:
    """The clip files of a candidate."""

    clip: Path
    thumbnail: Path | None
    method: str
    reencoded_s: float
    copied_s: float
    seconds: float
    extra: dict[str, float] = field(default_factory=dict)


def place(ctx: LiveContext, moment: Moment) -> ClipWindow:
    """Stage 1: the clip window around a moment, on speech pauses, within what has been recorded."""
    from ..media import audio_levels, find_pauses

    length = ctx.length_ms()
    rec = ctx.recording

    def pauses(start: Ms, end: Ms) -> list[tuple[Ms, Ms]]:
        hop = 20
        levels = audio_levels(rec, start, end, hop_ms=hop)
        return [(start + a, start + b) for a, b in find_pauses(levels, hop)]

    return place_window(moment, length, ctx.options.plan, pauses if ctx.options.snap_to_pauses else None)


def understand_window(ctx: LiveContext, moment_id: str, win: ClipWindow, heard: Future[Heard] | None) -> Candidate:
    """Stages 2-4: understand the window and its margins, refine it onto sentences and the product, judge it."""
    opts = ctx.options
    assert opts.understand is not None
    length = ctx.length_ms()
    u = understand(ctx.recording, win, length, ctx.catalog, opts.understand, heard, waiting=heavy_gate().idle)
    refined, summary = refine_and_score(win, u, length, ctx.catalog, opts.plan, opts.understand)
    settled = settle_on_silence(ctx.recording, refined, length)
    if settled is not refined and summary["product_visible_s"] is not None:
        shift = (refined.start_ms - settled.start_ms) / 1000
        summary["product_visible_s"] = round(summary["product_visible_s"] + shift, 3)
    refined = settled
    refined.content = summary
    refined.rank = rank_score(win.moment.score, summary["content"])
    report = check_window(ctx, refined, u)
    seen = report.get("product_within_1s")
    if seen.status != "unknown":  # the check looked at the final window at the full rate: its time stands
        summary["product_visible_s"] = seen.evidence.get("first_visible_s")
    u.report = report
    u.scan = None  # frames are let go: memory stays bounded by one window per job
    ctx.analysis.add(u.timings, "understand.")
    return Candidate(moment_id, refined, u, report)


def check_window(ctx: LiveContext, w: ClipWindow, u: Understanding) -> ComplianceReport:
    """Stage 4: the compliance report of a window of the LIVE (what its clip will hold: the cut is
    frame-exact and keeps the source's picture and sound). The transcript and the product's track are
    reused; the picture is decoded once more, at the full rate, over the final window."""
    from ..check.analyze import analyze
    from ..check.evidence import CheckOptions, Provenance
    from ..check.judge import judge

    opts = ctx.options.understand
    assert opts is not None
    catalog, rec = ctx.catalog, ctx.recording
    product = catalog.get(w.product_id) if catalog is not None and w.product_id else None
    prov = Provenance(str(rec), w.start_ms, w.end_ms,
                      product_in_live=w.product_id in ctx.in_live if w.product_id else None)
    check_opts = CheckOptions(language=opts.language, speech_model=opts.speech_model, vision_fps=opts.check_fps,
                              qr_fps=opts.qr_fps, swap_samples=opts.swap_samples, embeddings=opts.embeddings,
                              decode_threads=opts.decode_threads)
    ev = analyze(rec, w.start_ms, w.end_ms, product=product, catalog=catalog, provenance=prov,
                 transcript=u.transcript, visibility=u.track, options=check_opts)
    if u.track is not None and ev.visibility is not None and product is not None and catalog is not None:
        from ..vision import VisibilityOptions
        from ..vision.product import reuse_track

        others = {pid: p.images for pid, p in catalog.products.items() if pid != product.id and p.images}
        frames = [*u.scan.samples, *u.scan.hires] if u.scan is not None else []
        sliced = ev.visibility
        ev.visibility = ev.attempt("visibility", lambda: reuse_track(
            sliced, rec, product.images, frames, other_products=others,
            options=VisibilityOptions(swap_samples=opts.swap_samples)))
    ctx.analysis.add(ev.timings, "check.")
    return judge(ev)


def cut_candidate(ctx: LiveContext, cand: Candidate, out: Path, keyframes: list[Ms]) -> CutOutcome:
    """Stage 5: the frame-accurate clip ``out`` (with its provenance sidecar) and a thumbnail beside it."""
    from ..check.evidence import Provenance
    from ..check.sidecar import write_provenance
    from ..render import cut_clip, write_thumbnail

    w = cand.window
    rec = ctx.recording
    res = cut_clip(rec, w.start_ms, w.end_ms, out, info=ctx.source.info, keyframes=keyframes,
                   method=ctx.options.cut_method)
    if cand.report is not None:
        cand.report.subject = str(res.path)
    in_events = (w.product_id in ctx.in_live) if w.product_id else None
    write_provenance(res.path, Provenance(str(rec.resolve()), w.start_ms, w.end_ms, product_in_live=in_events),
                     product_id=w.product_id,
                     catalog=str(ctx.catalog_path.resolve()) if ctx.catalog_path else None)
    peak = w.moment.peak_ms
    at = peak if w.start_ms <= peak < w.end_ms else w.start_ms
    thumb = write_thumbnail(rec, at, out.with_suffix(".jpg"))
    return CutOutcome(res.path, thumb, res.method, ms_to_s(res.reencoded_ms), ms_to_s(res.copied_ms),
                      round(res.seconds, 3))
