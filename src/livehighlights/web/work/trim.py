"""The ``trim`` task: a highlight's new start and end, snapped to sentence boundaries, re-cut and re-checked.

It runs the per-moment job's own stages (:mod:`livehighlights.jobs.moment`) on the new window: the window and
its margins are understood again (speech, product), the start moves to the nearest sentence start and the end to
the nearest sentence end (within :data:`SNAP_MS`), the compliance report is made for the final window, the clip
and thumbnail are cut, and the highlight is stored with all of it. The page checks the times are inside the LIVE
before a task is made; nothing is changed unless the whole job succeeds.
"""

from __future__ import annotations

import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Any

from ...jobs import LiveContext
from ...jobs.context import PRODUCT_EVENTS
from ...jobs.moment import Candidate, check_window, cut_candidate
from ...jobs.records import transcript_json
from ...plan import ClipWindow
from ...store import HighlightRecord, Store
from ..tasks import TaskContext, TaskFailed

__all__ = ["MIN_CLIP_MS", "SNAP_MS", "TrimError", "check_trim", "run_trim", "snap"]

SNAP_MS = 3000
"""How far a boundary moves to meet a sentence's start or end."""
MIN_CLIP_MS = 1000


class TrimError(TaskFailed):
    """A trim that cannot be made (outside the LIVE, empty); nothing was changed."""


def _fmt(ms: int) -> str:
    s = ms / 1000
    return f"{int(s // 60)}:{s % 60:04.1f}"


def check_trim(h: HighlightRecord, length_ms: int | None, start_ms: int, end_ms: int) -> None:
    """Refuse a trim outside the LIVE ``[0, length_ms]`` or shorter than :data:`MIN_CLIP_MS`, in one line."""
    if length_ms is not None and (start_ms < 0 or end_ms > length_ms):
        raise TrimError(f"the trim {_fmt(start_ms)}-{_fmt(end_ms)} is outside the LIVE, which runs "
                        f"0:00.0-{_fmt(length_ms)}: nothing was changed")
    if start_ms < 0:
        raise TrimError(f"the start {_fmt(start_ms)} is before the LIVE began: nothing was changed")
    if end_ms - start_ms < MIN_CLIP_MS:
        raise TrimError(f"the end ({_fmt(end_ms)}) must come at least {MIN_CLIP_MS // 1000} s after the start "
                        f"({_fmt(start_ms)}): nothing was changed")


def snap(start_ms: int, end_ms: int, sentences: list[Any], length_ms: int) -> tuple[int, int, bool]:
    """``(start, end, snapped)``: the start moved to the nearest sentence start and the end to the nearest sentence
    end, each when one is within :data:`SNAP_MS` (and the clip stays at least :data:`MIN_CLIP_MS`)."""
    starts = [s.start_ms for s in sentences]
    ends = [s.end_ms for s in sentences]
    new_s = min(starts, key=lambda t: abs(t - start_ms), default=start_ms)
    new_e = min(ends, key=lambda t: abs(t - end_ms), default=end_ms)
    s2 = new_s if abs(new_s - start_ms) <= SNAP_MS else start_ms
    e2 = new_e if abs(new_e - end_ms) <= SNAP_MS else end_ms
    s2, e2 = max(0, s2), min(length_ms, e2)
    if e2 - s2 < MIN_CLIP_MS:
        return start_ms, end_ms, False
    return s2, e2, (s2, e2) != (start_ms, end_ms)


def _in_live(store: Store, live_id: str) -> set[str]:
    return {e.product_id for e in store.events(live_id) if e.type in PRODUCT_EVENTS and e.product_id}


def run_trim(ctx: TaskContext) -> dict[str, Any]:
    from ...media.source import FileSource
    from ...pipeline import ProcessOptions
    from ...sources import load_catalog
    from ...understand import understand

    store, seller = ctx.store, ctx.seller_id
    hid = str(ctx.params.get("highlight_id") or "")
    start, end = int(ctx.params["start_ms"]), int(ctx.params["end_ms"])
    h = store.get_highlight(seller, hid)
    if h is None:
        raise TaskFailed(f"no highlight with id '{hid}' for this seller")
    live = store.get_live(seller, h.live_id)
    assert live is not None
    if not live.recording or not Path(live.recording).is_file():
        raise TaskFailed(f"the LIVE's recording {live.recording} is not there any more: the clip cannot be re-cut")
    check_trim(h, live.duration_ms, start, end)
    ctx.report(0.05, "opening the recording")
    catalog_path = Path(live.catalog) if live.catalog and Path(live.catalog).is_file() else None
    catalog = load_catalog(catalog_path) if catalog_path else None
    source = FileSource(Path(live.recording))
    try:
        opts = ProcessOptions()
        lc = LiveContext(live.id, seller, source, opts, catalog, catalog_path, in_live=_in_live(store, live.id))
        length = lc.length_ms()
        check_trim(h, length, start, end)
        win = ClipWindow(start, end, h.moment, h.product_id, [*h.why], dict(h.content or {}), h.rank_score)
        ctx.report(0.15, "listening to the new window")
        assert opts.understand is not None
        u = understand(lc.recording, win, length, catalog, opts.understand)
        sentences = list(u.transcript.sentences) if u.transcript is not None else []
        s2, e2, snapped = snap(start, end, sentences, length)
        note = "trimmed by the seller" + (", snapped to sentences" if snapped else "")
        w = ClipWindow(s2, e2, h.moment, h.product_id, [n for n in h.why if not n.startswith("trimmed by")] + [note],
                       dict(h.content or {}), h.rank_score)
        ctx.report(0.45, "checking the rules on the new clip")
        report = check_window(lc, w, u)
        cand = Candidate(h.moment_id, w, u, report)
        ctx.report(0.7, "cutting the clip")
        with tempfile.TemporaryDirectory(dir=store.media.tmp()) as tmp:
            done = cut_candidate(lc, cand, Path(tmp) / f"{hid}.mp4", source.keyframes_ms())
            clip = store.media.put(done.clip, kind="clips")
            thumb = store.media.put(done.thumbnail, kind="thumbnails") if done.thumbnail else None
        blocked = [r.id for r in report.failures if r.rule.tier == "basic" and not r.rule.advisory]
        saved = store.save_highlight(replace(
            h, start_ms=s2, end_ms=e2, why=list(w.notes), clip=clip, thumbnail=thumb, compliance=report.to_json(),
            tier=report.tier, postable=report.meets("basic"), blocked_by=blocked,
            transcript=transcript_json(cand) or h.transcript,
            cut={"method": done.method, "reencoded_s": done.reencoded_s, "copied_s": done.copied_s,
                 "seconds": done.seconds}, created_at=None, updated_at=None))
    finally:
        source.close()
    return {"highlight_id": saved.id, "asked": [start, end], "start_ms": s2, "end_ms": e2, "snapped": snapped,
            "tier": saved.tier}
