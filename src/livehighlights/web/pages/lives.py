"""The LIVEs list and one LIVE: its metrics chart with its moments marked, its highlights as ranked 9:16 cards."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from ...publish.caption import load_product
from ..charts import ChartMark, live_series, metrics_svg
from ..templates import render
from .common import Seller, StoreDep, media_href, not_found_page, notice
from .explain import reasons
from .queries import LiveTotals, live_totals

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


@router.get("/")
def home(request: Request) -> Response:
    """The Seller Center starts at the LIVEs."""
    return RedirectResponse("/lives", status_code=303)


@router.get("/lives")
def lives_page(request: Request, principal: Seller, store: StoreDep) -> Response:
    """Every LIVE of the seller, newest first: date, length, GMV, highlights found and posted, status."""
    lives = store.lives(principal.seller_id)
    totals = live_totals(store, principal.seller_id)
    rows = [(lv, totals.get(lv.id, LiveTotals())) for lv in lives]
    return render(request, "lives.html", principal, rows=rows, notice=notice(request))


@router.get("/lives/{live_id}")
def live_page(request: Request, live_id: str, principal: Seller, store: StoreDep) -> Response:
    """One LIVE: its figures, its metrics over time with the moments marked, its ranked highlights."""
    live = store.get_live(principal.seller_id, live_id)
    if live is None:
        return not_found_page(request, principal, "LIVE")
    highlights = store.highlights(principal.seller_id, live.id)
    moments = store.moments(live.id)
    totals = live_totals(store, principal.seller_id, [live.id]).get(live.id, LiveTotals())
    series = live_series(store.events(live.id), live.duration_ms)
    by_moment = {h.moment_id: h for h in highlights}
    marks = []
    for n, m in enumerate(moments, 1):
        h = by_moment.get(m.id)
        label = str(h.rank) if h is not None and h.rank is not None else str(n)
        what = f"{m.moment.kind} moment at {m.moment.start_ms // 1000 // 60}:{m.moment.start_ms // 1000 % 60:02d}"
        if m.moment.product_id:
            what += f", product {m.moment.product_id}"
        what += f", score {m.moment.score:.2f}" + (f" ({m.state}: {m.reason})" if m.reason else f" ({m.state})")
        marks.append(ChartMark(m.moment.start_ms, label, what, f"/highlights/{h.id}" if h else None))
    cards = []
    for h in highlights:
        product = load_product(live, h.product_id)
        cards.append({"h": h, "clip": media_href(h.clip), "thumb": media_href(h.thumbnail), "product": product,
                      "reasons": reasons(h)})
    return render(request, "live.html", principal, live=live, totals=totals, chart=metrics_svg(series, marks),
                  chart_phone=metrics_svg(series, marks, compact=True),
                  series=series, cards=cards, moments=moments, notice=notice(request))
