"""A LIVE's events as a shop's per-minute analytics export (the documented shape read by
:class:`~livehighlights.sources.PerMinuteAdapter`): what a seller has after the LIVE when the shop gives no event
stream. Used by the benchmark (``sim-perminute``, ``gen2-perminute``) and the tests of coarse input."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ..models import Event

__all__ = ["write_minutes"]


def write_minutes(events: Iterable[Event], end_ms: int, path: Path, cumulative: bool = False,
                  reset_at: int | None = None) -> int:
    """Write a LIVE's events as a shop's per-minute export (GMV, orders, viewers, clicks, likes, comments; no
    product ids). ``cumulative``: GMV and orders as counters polled each minute (``*_total``), reset to zero at
    minute ``reset_at`` (a dashboard restarted). Returns the number of minutes."""
    n = max(1, -(-end_ms // 60_000))  # the minutes the LIVE lasts (its last one may be partial)
    rows = [dict.fromkeys(("gmv", "orders", "product_clicks", "likes", "comments"), 0.0) for _ in range(n)]
    viewers = [0] * n
    for e in events:
        row = rows[min(n - 1, e.ts_ms // 60_000)]
        if e.type == "order":
            row["orders"] += 1
            row["gmv"] += e.amount or 0.0
        elif e.type == "viewers":
            viewers[min(n - 1, e.ts_ms // 60_000)] = e.count or 0
        elif e.type in ("product_click", "like", "comment"):
            row[{"product_click": "product_clicks", "like": "likes", "comment": "comments"}[e.type]] += (
                e.count or 1)
    for m in range(1, n):  # a dashboard carries the last viewer count into a minute without a report
        viewers[m] = viewers[m] or viewers[m - 1]
    with path.open("w", encoding="utf-8") as fh:
        money = "gmv_total,orders_total" if cumulative else "gmv,orders"
        fh.write(f"minute,{money},viewers,product_clicks,likes,comments\n")
        gmv_t = orders_t = 0.0
        for m, (row, v) in enumerate(zip(rows, viewers, strict=True)):
            if m == reset_at:
                gmv_t = orders_t = 0.0
            gmv_t += row["gmv"]
            orders_t += row["orders"]
            g, o = (gmv_t, orders_t) if cumulative else (row["gmv"], row["orders"])
            fh.write(f"{m},{g:.2f},{o:g},{v},{row['product_clicks']:g},{row['likes']:g},{row['comments']:g}\n")
    return n
