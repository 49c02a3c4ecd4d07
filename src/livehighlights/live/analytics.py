"""A shop's LIVE analytics, polled: cumulative counters turned into the events of each interval.

Shop platforms report a running LIVE as totals so far (GMV, orders, visitors, product clicks), overall and per
product. The poller asks every ``interval_s`` (``GET URL``, ``Authorization: Bearer TOKEN`` when a token is set)
and stores what changed since the last answer as events at the answer's time: an ``order`` per product with the
new orders as its quantity and the new GMV as its amount, a ``product_click`` per product with the new clicks, a
``join`` with the new visitors. A counter that goes down was reset by the platform: its new value is what came
since the reset (counted, and reported once). After a restart the last totals are taken from the events already
stored, so nothing is counted twice.

The answer, in the Partner API's envelope (``{"code": 0, "data": {...}}``) or bare::

    {"update_time": 1767000000,                      # epoch s or ms, or ISO-8601 (default: when it arrived)
     "overview": {"gmv": {"amount": "1234.50", "currency": "USD"}, "sku_orders": 31, "visitors": 5120,
                  "product_clicks": 402},
     "products": [{"product_id": "p01", "gmv": {"amount": "800.00", "currency": "USD"}, "sku_orders": 20,
                   "product_clicks": 260}, ...]}

``gmv`` may be a plain number (then ``currency`` beside it); ``orders`` and ``clicks`` are accepted for
``sku_orders`` and ``product_clicks``, ``viewers`` for ``visitors``. Overall orders and GMV not held by any
product become an order without a product.
"""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from ..models import Event
from .events import EventSink, EventSource

__all__ = ["AnalyticsPoller", "Counters", "Snapshot", "parse_snapshot", "snapshot_events"]

log = logging.getLogger(__name__)

TOKEN_ENV = "LIVEHIGHLIGHTS_ANALYTICS_TOKEN"
_SOURCE = "analytics"


@dataclass
class Counters:
    """Cumulative counters of one scope (the LIVE overall, or one product)."""

    gmv: float = 0.0
    orders: int = 0
    clicks: int = 0
    visitors: int = 0


@dataclass
class Snapshot:
    """One answer of the analytics endpoint."""

    at: datetime
    currency: str | None
    overall: Counters
    products: dict[str, Counters] = field(default_factory=dict)


def _num(value: Any, name: str) -> float:
    if isinstance(value, dict):
        value = value.get("amount", value.get("value"))
    if value is None:
        return 0.0
    try:
        out = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"'{name}' is not a number: {value!r}") from None
    if out < 0:
        raise ValueError(f"'{name}' is negative: {value!r}")
    return out


def _counters(doc: dict[str, Any]) -> Counters:
    return Counters(gmv=_num(doc.get("gmv"), "gmv"),
                    orders=int(_num(doc.get("sku_orders", doc.get("orders")), "sku_orders")),
                    clicks=int(_num(doc.get("product_clicks", doc.get("clicks")), "product_clicks")),
                    visitors=int(_num(doc.get("visitors", doc.get("viewers")), "visitors")))


def _time(value: Any, now: datetime) -> datetime:
    if value is None or value == "":
        return now
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return datetime.fromtimestamp(value / 1000 if value >= 1e11 else value, UTC)
    try:
        t = datetime.fromisoformat(str(value).strip())
    except ValueError:
        raise ValueError(f"'update_time' is neither a Unix time nor ISO-8601: {value!r}") from None
    return t if t.tzinfo else t.replace(tzinfo=UTC)


def parse_snapshot(doc: Any, now: datetime | None = None) -> Snapshot:
    """An answer of the endpoint (see the module's note); raises :class:`ValueError` naming the field."""
    now = now or datetime.now(UTC)
    if isinstance(doc, dict) and "data" in doc and isinstance(doc["data"], dict):
        if doc.get("code") not in (None, 0):
            raise ValueError(f"the endpoint answered code {doc.get('code')}: {doc.get('message', '')}")
        doc = doc["data"]
    if not isinstance(doc, dict):
        raise ValueError("the answer is not a JSON object")
    overview = doc.get("overview", doc)
    if not isinstance(overview, dict):
        raise ValueError("'overview' is not an object")
    gmv = overview.get("gmv")
    currency = gmv.get("currency") if isinstance(gmv, dict) else overview.get("currency")
    products: dict[str, Counters] = {}
    for n, p in enumerate(doc.get("products") or []):
        if not isinstance(p, dict) or not p.get("product_id"):
            raise ValueError(f"products[{n}] has no 'product_id'")
        products[str(p["product_id"])] = _counters(p)
    return Snapshot(_time(doc.get("update_time"), now), currency, _counters(overview), products)


def _delta(new: float, old: float, resets: list[str], what: str) -> float:
    if new >= old:
        return new - old
    resets.append(what)
    return new  # the platform started counting again: all of the new value came since


def snapshot_events(snap: Snapshot, last: dict[str, Counters], origin: datetime) -> tuple[list[Event], list[str]]:
    """The events of what changed since ``last`` (updated in place), and the counters found reset."""
    from ..sources.parse import delta_ms

    ts = delta_ms(snap.at, origin)
    out: list[Event] = []
    resets: list[str] = []
    scopes = {**{f"product:{pid}": c for pid, c in snap.products.items()}, "overall": snap.overall}
    held = Counters()
    for scope, now in scopes.items():
        before = last.get(scope, Counters())
        pid = scope.partition(":")[2] or None
        d_gmv = _delta(now.gmv, before.gmv, resets, f"{scope} gmv")
        d_orders = int(_delta(now.orders, before.orders, resets, f"{scope} orders"))
        d_clicks = int(_delta(now.clicks, before.clicks, resets, f"{scope} clicks"))
        d_visitors = int(_delta(now.visitors, before.visitors, resets, f"{scope} visitors"))
        last[scope] = now
        if pid is not None:
            held.gmv += d_gmv
            held.orders += d_orders
        else:  # overall: only what no product holds, and the visitors
            d_gmv, d_orders, d_clicks = max(0.0, d_gmv - held.gmv), max(0, d_orders - held.orders), 0
            if d_visitors:
                out.append(Event(ts, "join", id=f"{_SOURCE}:{ts}:visitors", count=d_visitors, source=_SOURCE))
        if d_orders or d_gmv > 0:
            out.append(Event(ts, "order", id=f"{_SOURCE}:{ts}:{scope}:orders", product_id=pid,
                             quantity=max(1, d_orders), amount=round(d_gmv, 2), currency=snap.currency,
                             source=_SOURCE))
        if d_clicks:
            out.append(Event(ts, "product_click", id=f"{_SOURCE}:{ts}:{scope}:clicks", product_id=pid,
                             count=d_clicks, source=_SOURCE))
    return out, resets


def _stored_totals(sink: EventSink) -> dict[str, Counters]:
    """The totals the events already stored from the analytics add up to (a restarted poller goes on from them)."""
    from sqlalchemy import func, select

    from ..store.schema import EventRow

    q = (select(EventRow.type, EventRow.product_id, func.sum(EventRow.quantity), func.sum(EventRow.amount),
                func.sum(EventRow.count))
         .where(EventRow.live_id == sink.live_id, EventRow.source == _SOURCE)
         .group_by(EventRow.type, EventRow.product_id))
    out: dict[str, Counters] = {}
    with sink.store.engine.connect() as conn:
        rows = conn.execute(q).all()
    overall = out.setdefault("overall", Counters())
    for typ, pid, qty, amount, count in rows:
        scope = out.setdefault(f"product:{pid}", Counters()) if pid else overall
        if typ == "order":
            scope.orders += int(qty or 0)
            scope.gmv += float(amount or 0)
            if pid:
                overall.orders += int(qty or 0)
                overall.gmv += float(amount or 0)
        elif typ == "product_click":
            scope.clicks += int(count or 0)
        elif typ == "join":
            overall.visitors += int(count or 0)
    return out


@dataclass
class AnalyticsPoller(EventSource):
    """Polls a shop's LIVE analytics (see the module's note)."""

    url: str
    interval_s: float = 5.0
    token: str | None = field(default=None, repr=False)
    timeout_s: float = 10.0
    kind: str = "analytics"

    def spec(self) -> dict[str, Any]:
        return {"kind": self.kind, "url": self.url, "interval_s": self.interval_s}  # the token is never stored

    def poll_once(self, sink: EventSink, last: dict[str, Counters], client: Any) -> int:
        """One request; how many events were stored (problems are reported to ``sink``)."""
        import httpx

        token = self.token or os.environ.get(TOKEN_ENV)
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        try:
            resp = client.get(self.url, headers=headers, timeout=self.timeout_s)
        except httpx.HTTPError as e:
            sink.problem(f"analytics {self.url}: no answer ({type(e).__name__})")
            return 0
        if resp.status_code != 200:
            sink.problem(f"analytics {self.url}: HTTP {resp.status_code}")
            return 0
        try:
            snap = parse_snapshot(resp.json())
        except ValueError as e:
            sink.problem(f"analytics {self.url}: {e}")
            return 0
        events, resets = snapshot_events(snap, last, sink.origin)
        for what in resets:
            sink.problem(f"analytics {self.url}: counter {what} went down (reset by the platform): counting on "
                         "from its new value")
        return sink.put(events)

    def run(self, sink: EventSink, stop: threading.Event) -> None:
        import httpx

        last = _stored_totals(sink)
        with httpx.Client() as client:
            while True:
                self.poll_once(sink, last, client)
                if stop.wait(self.interval_s):
                    self.poll_once(sink, last, client)  # the totals at the end
                    return
