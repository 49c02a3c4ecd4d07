"""The ``process`` task: a LIVE uploaded after the fact (recording, event log, maybe a catalog) replayed through
the same path as ``livehighlights process`` (:func:`livehighlights.pipeline.process`) into the store.

The files were checked and saved under the media root by the upload (``uploads/<task>/``); the export folder is
beside them. Progress follows the pipeline's stages: understanding the moments, then cutting the clips.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..tasks import TaskContext, TaskFailed

__all__ = ["STAGES", "run_process"]

STAGES: dict[str, tuple[float, float, str]] = {
    "understand": (0.1, 0.75, "understanding the moments"),
    "render": (0.75, 0.97, "cutting the clips"),
}
"""Where each stage of ``process`` sits on the progress bar, and what it says."""


def run_process(ctx: TaskContext) -> dict[str, Any]:
    from ...jobs.priority import run_as_batch
    from ...pipeline import ProcessOptions, process
    from ...store.schema import SellerRow

    store = ctx.store
    folder = store.media.path(str(ctx.params.get("folder") or ""))
    rec = folder / str(ctx.params.get("recording") or "")
    events = folder / str(ctx.params.get("events") or "")
    catalog = folder / str(ctx.params["catalog"]) if ctx.params.get("catalog") else None
    for p in (rec, events, *([catalog] if catalog else [])):
        if not p.is_file() or folder not in p.parents:
            raise TaskFailed(f"the uploaded file {p.name} is not there any more: upload it again")
    with store.session() as s:
        seller = s.get(SellerRow, ctx.seller_id)
        if seller is None:
            raise TaskFailed("this seller is gone")
        seller_name = seller.name

    def progress(stage: str, done: int, total: int) -> None:
        lo, hi, what = STAGES.get(stage, (0.05, 0.1, stage))
        frac = done / total if total else 1.0
        ctx.report(lo + (hi - lo) * frac, f"{what} ({done}/{total})" if total else what)

    ctx.report(0.03, "reading the event log and the recording")
    title = str(ctx.params.get("title") or "") or None
    opts = ProcessOptions(seller=seller_name, title=title or Path(str(ctx.params.get("name") or rec.name)).stem)
    # batch work, in a thread of its own at a lower priority: the server's pages and remixes keep the cores
    result = run_as_batch(lambda: process(rec, events, folder / "out", catalog_path=catalog, options=opts,
                                          progress=progress, store=store), name=f"upload-{ctx.task.id}")
    return {"live_id": result.live_id, "highlights": len(result.highlights), "moments": len(result.moments),
            "warnings": [str(w) for w in result.warnings][:20], "seconds": round(sum(result.timings.values()), 1)}
