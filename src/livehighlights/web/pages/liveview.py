"""The live view of a LIVE: moments, clips and posts appear as they happen (server-sent events from
:mod:`livehighlights.web.api.stream`), with the time each took."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from ..api.stream import live_items
from ..templates import render
from .common import Seller, StoreDep, not_found_page

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


@router.get("/lives/{live_id}/live")
def live_view(request: Request, live_id: str, principal: Seller, store: StoreDep) -> Response:
    got = live_items(store, principal.seller_id, live_id)
    live = store.get_live(principal.seller_id, live_id)
    if got is None or live is None:
        return not_found_page(request, principal, "LIVE")
    status, items = got
    return render(request, "liveview.html", principal, live=live, status=status, items=list(reversed(items)))
