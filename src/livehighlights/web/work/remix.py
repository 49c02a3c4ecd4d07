"""The ``remix`` task: a quick post edit. The highlight's clip remixed in a style (music, arrows, stickers,
subtitles, the CLICK NOW end), optionally bound to one of the seller's LIVE plans (the end card then announces
that LIVE), kept in the store with its contact sheet (:func:`~livehighlights.remix.batch.keep_remix`).

The renderer reports no progress of its own: the bar follows the elapsed time against what a clip of this
length usually takes (:data:`SECONDS_PER_CLIP_SECOND`), and is full only when the remix is kept.
"""

from __future__ import annotations

import json
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from ...remix import RemixOptions
from ...remix.batch import keep_remix
from ...remix.render import remix
from ...remix.reuse import StoredWindow, attach_stored
from ...remix.source import resolve
from ..tasks import TaskContext, TaskFailed

__all__ = ["SECONDS_PER_CLIP_SECOND", "run_remix"]

SECONDS_PER_CLIP_SECOND = 0.8
"""About how long a remix takes per second of clip on a small machine (for the progress bar only)."""


def _ticker(ctx: TaskContext, expected_s: float, stop: threading.Event) -> None:
    t0 = time.monotonic()
    while not stop.wait(0.5):
        done = (time.monotonic() - t0) / max(expected_s, 1.0)
        ctx.report(0.1 + 0.8 * min(done, 1.0) * 0.98, "rendering the remix")


def run_remix(ctx: TaskContext) -> dict[str, Any]:
    from ...store.schema import LivePlanRow

    store, seller = ctx.store, ctx.seller_id
    hid, style = str(ctx.params.get("highlight_id") or ""), str(ctx.params.get("style") or "classic")
    plan_id = ctx.params.get("plan_id") or None
    h = store.get_highlight(seller, hid)
    if h is None:
        raise TaskFailed(f"no highlight with id '{hid}' for this seller")
    if not h.clip:
        raise TaskFailed(f"highlight {hid} has no clip file to remix")
    live = store.get_live(seller, h.live_id)
    assert live is not None
    ctx.report(0.05, "reading the clip")
    with tempfile.TemporaryDirectory(dir=store.media.tmp()) as tmp:
        work = Path(tmp)
        plan_path = None
        plan_doc = None
        if plan_id:
            with store.session() as s:
                row = s.get(LivePlanRow, plan_id)
                if row is None or row.seller_id != seller:
                    raise TaskFailed(f"no LIVE plan with id '{plan_id}' for this seller")
                plan_doc = {"title": row.title, "start": row.start.isoformat()}
            plan_path = work / "plan.json"
            plan_path.write_text(json.dumps(plan_doc), encoding="utf-8")
        src = resolve(str(store.media.path(h.clip)), catalog=Path(live.catalog) if live.catalog else None,
                      product_id=h.product_id)
        attach_stored(src, StoredWindow(h.start_ms, h.end_ms, h.transcript))  # its words reused, not heard again
        opts = RemixOptions(style=style, plan=plan_path, live_on=live.status == "live",
                            contact_sheet=work / "sheet.jpg")
        stop = threading.Event()
        clip_s = (h.end_ms - h.start_ms) / 1000
        ticker = threading.Thread(target=_ticker, args=(ctx, clip_s * SECONDS_PER_CLIP_SECOND + 4, stop),
                                  daemon=True)
        t0 = time.monotonic()
        ticker.start()
        try:
            result = remix(src, work / f"{hid}.{style}.remix.mp4", opts)
        finally:
            stop.set()
            ticker.join()
        seconds = round(time.monotonic() - t0, 2)
        ctx.report(0.95, "keeping the remix")
        sheet = store.media.put(result.contact_sheet, kind="sheets") \
            if result.contact_sheet is not None and result.contact_sheet.is_file() else None
        result.data["web"] = {"contact_sheet": sheet, "plan": plan_doc, "plan_id": plan_id, "seconds": seconds,
                              "task_id": ctx.task.id}
        rec = keep_remix(store, hid, result)
    return {"remix_id": rec.id, "highlight_id": hid, "style": rec.style, "path": rec.path, "contact_sheet": sheet,
            "plan_id": plan_id, "seconds": seconds, "warnings": list(result.warnings)}
