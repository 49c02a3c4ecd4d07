"""One highlight: the player, the moment's breakdown, the compliance report, the transcript, the trim, its remixes
and its posts (status per destination, with retry)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from ...publish.caption import load_product
from ...store import HighlightRecord, LiveRecord
from ..deps import Principal, get_outbox
from ..templates import render
from ..work import task_runner
from ..work.trim import TrimError, check_trim
from .common import Checked, Seller, StoreDep, back, media_href, not_found_page, notice
from .explain import reasons, signals

__all__ = ["highlight_context", "router"]

router = APIRouter(include_in_schema=False)


def highlight_context(request: Request, principal: Principal, h: HighlightRecord, live: LiveRecord) -> dict:
    """What the highlight page (and the pages that return to it with a message) shows."""
    store = request.app.state.store
    outbox = get_outbox(request)
    compliance = h.compliance or {}
    rules = compliance.get("rules") or []
    counts = {k: sum(1 for r in rules if r.get("status") == k) for k in ("pass", "fail", "unknown")}
    remixes = []
    for r in store.remixes(principal.seller_id, h.id):
        web = (r.sidecar or {}).get("web") or {}
        remixes.append({"r": r, "href": media_href(r.path), "sheet": media_href(web.get("contact_sheet")),
                        "plan": web.get("plan"), "seconds": web.get("seconds")})
    posts = [p for p in outbox.posts(principal.seller_id, live.id) if p.highlight_id == h.id]
    return {"h": h, "live": live, "clip": media_href(h.clip), "thumb": media_href(h.thumbnail),
            "product": load_product(live, h.product_id), "signals": signals(h), "reasons": reasons(h, 5),
            "rules": rules, "counts": counts, "unverified": compliance.get("unverified") or [],
            "sentences": (h.transcript or {}).get("sentences") or [], "remixes": remixes, "posts": posts}


def _load(request: Request, principal: Principal, highlight_id: str) -> tuple[HighlightRecord, LiveRecord] | None:
    store = request.app.state.store
    h = store.get_highlight(principal.seller_id, highlight_id)
    if h is None:
        return None
    live = store.get_live(principal.seller_id, h.live_id)
    return None if live is None else (h, live)


@router.get("/highlights/{highlight_id}")
def highlight_page(request: Request, highlight_id: str, principal: Seller, store: StoreDep) -> Response:
    got = _load(request, principal, highlight_id)
    if got is None:
        return not_found_page(request, principal, "highlight")
    return render(request, "highlight.html", principal, notice=notice(request),
                  **highlight_context(request, principal, *got))


def _seconds(text: str, name: str) -> int:
    t = text.strip().replace(",", ".")
    try:
        if ":" in t:
            m, _, s = t.partition(":")
            value = int(m) * 60 + float(s)
        else:
            value = float(t)
    except ValueError:
        raise TrimError(f"the {name} '{text[:20]}' is not a time in seconds (like 12.5) or minutes (like 1:05)") \
            from None
    if value != value or value in (float("inf"), float("-inf")):
        raise TrimError(f"the {name} '{text[:20]}' is not a time")
    return int(round(value * 1000))


@router.post("/highlights/{highlight_id}/trim", dependencies=Checked)
def trim(request: Request, highlight_id: str, principal: Seller, store: StoreDep,
         start: Annotated[str, Form()] = "", end: Annotated[str, Form()] = "") -> Response:
    """Check the new start and end (inside the LIVE), then re-cut and re-check as a task."""
    got = _load(request, principal, highlight_id)
    if got is None:
        return not_found_page(request, principal, "highlight")
    h, live = got
    try:
        start_ms, end_ms = _seconds(start, "start"), _seconds(end, "end")
        check_trim(h, live.duration_ms, start_ms, end_ms)
    except TrimError as e:
        return render(request, "highlight.html", principal, status_code=422, error=str(e),
                      trim_start=start, trim_end=end, **highlight_context(request, principal, h, live))
    task = task_runner(request.app.state, store).submit(
        principal.seller_id, "trim", {"highlight_id": h.id, "start_ms": start_ms, "end_ms": end_ms},
        message="waiting to re-cut")
    return back(f"/tasks/{task.id}")
