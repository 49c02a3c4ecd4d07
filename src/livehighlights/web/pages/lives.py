"""The LIVEs list and one LIVE: its metrics chart with its moments marked, its highlights as ranked 9:16 cards."""

from __future__ import annotations

import threading
from collections import OrderedDict

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from ...publish.caption import load_product
from ...store import LiveRecord, Store
from ..charts import ChartMark, MetricSeries, live_series, metrics_svg
from ..templates import render
from .common import Seller, StoreDep, media_href, not_found_page, notice
from .explain import reasons
from .queries import LiveTotals, live_totals

__all__ = ["cached_series", "router"]

router = APIRouter(include_in_schema=False)

_SERIES: OrderedDict[tuple[object, ...], MetricSeries] = OrderedDict()
_SERIES_LOCK = threading.Lock()
SERIES_CACHE = 64
"""LIVEs whose series are kept in memory (a series changes only when the LIVE's events or length do)."""


def cached_series(store: Store, live: LiveRecord) -> MetricSeries:
    """The LIVE's per-bucket series, computed once per state of its events (a long LIVE has many)."""
    key = (id(store), live.id, live.n_events, live.duration_ms, live.updated_at)
    with _SERIES_LOCK:
        got = _SERIES.get(key)
        if got is not None:
            _SERIES.move_to_end(key)
            return got
    series = live_series(store.events(live.id), live.duration_ms)
    with _SERIES_LOCK:
        _SERIES[key] = series
        while len(_SERIES) > SERIES_CACHE:
            _SERIES.popitem(last=False)
    return series


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
    series = cached_series(store, live)
    by_moment = {h.moment_id: h for h in highlights}
    marks = []
    for m in moments:
        h = by_moment.get(m.id)
        ranked = h is not None and h.rank is not None
        at = m.moment.start_ms // 1000
        what = f"{m.moment.kind} moment at {at // 60}:{at % 60:02d}"
        if m.moment.product_id:
            what += f", product {m.moment.product_id}"
        what += f", score {m.moment.score:.2f}"
        what += f": highlight #{h.rank}" if ranked else (f" ({m.state}: {m.reason})" if m.reason else " (not kept)")
        marks.append(ChartMark(m.moment.start_ms, str(h.rank) if ranked else "", what,
                               f"/highlights/{h.id}" if h else None, muted=not ranked))
    cards = []
    for h in highlights:
        product = load_product(live, h.product_id)
        cards.append({"h": h, "clip": media_href(h.clip), "thumb": media_href(h.thumbnail), "product": product,
                      "reasons": reasons(h)})
    return render(request, "live.html", principal, live=live, totals=totals, chart=metrics_svg(series, marks),
                  chart_phone=metrics_svg(series, marks, compact=True),
                  series=series, cards=cards, moments=moments, notice=notice(request))
