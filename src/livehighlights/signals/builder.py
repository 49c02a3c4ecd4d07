"""Building the per-second timeline online: events in (time order), closed seconds out.

The same builder serves the live path (events as they arrive, :meth:`TimelineBuilder.advance` with
the wall clock as watermark) and the replay of a recorded log (:func:`build_timeline`), so both
give identical arrays.

Per event type (counts default to 1 where the loader has not set them):

- ``order``: ``orders`` += 1, ``items`` += quantity, ``gmv`` += amount (else catalog
  price * (1 - discount) * quantity), ``gross_profit`` += the order's ``gross_profit`` (else gmv -
  catalog cost * quantity; else unknown: adds 0 and the timeline's ``profit_known`` is False).
- ``join``: ``views`` += count; ``viewers``: the concurrent count, carried forward to later seconds.
- ``like``/``share``/``follow``: += count; ``comment``: += count (1), and ``chat``, ``reactions``,
  ``chat_spam``, ``greetings`` as :class:`~livehighlights.signals.chat.ChatFilter` weighs its text and
  author (a comment with a ``count`` above 1 and no text: ``chat`` += count); ``gift``: ``gifts`` += count,
  ``gift_value`` += value.
- ``product_click``: += count; ``add_to_cart``: ``add_to_carts`` += count (1 per event, not quantity).
- ``product_pin``/``product_unpin``: the pinned product at the end of each second.
- ``gpm`` = 1000 * GMV / views over the trailing ``gpm_window_s`` seconds ending with this one (0
  without views).

Other types are ignored here (the loader reports them).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import numpy as np

from ..errors import Warning_
from ..models import Event
from ..rules import MAX_LIVE_S
from ..timebase import MS_PER_S, Ms
from .chat import ChatFilter
from .timeline import METRICS, PRODUCT_METRICS, Second, Timeline

if TYPE_CHECKING:
    from ..sources.catalog import Catalog

_SIMPLE = {"like": "likes", "share": "shares", "follow": "follows", "product_click": "product_clicks",
           "add_to_cart": "add_to_carts", "join": "views", "comment": "comments"}
_PRODUCT_SIMPLE = frozenset(("product_click", "add_to_cart"))
_MAX_MS = MAX_LIVE_S * MS_PER_S


class TimelineBuilder:
    """Accumulates events into seconds and closes seconds as time moves on.

    Second ``t`` (``[t*1000, (t+1)*1000)`` ms) is *open* until an event of a later second arrives,
    :meth:`advance` passes its end, or :meth:`finish`. A late event (for a second already closed)
    is counted into the open second and in :attr:`late_events`.
    """

    def __init__(self, catalog: Catalog | None = None, gpm_window_s: int = 60) -> None:
        """``catalog`` gives order values and costs when the events do not (anything with ``get(id)``)."""
        if gpm_window_s < 1:
            raise ValueError("gpm_window_s must be at least 1")
        self.catalog = catalog
        self.gpm_window_s = gpm_window_s
        self.late_events = 0
        """Events that arrived for an already-closed second (counted into the open one)."""
        self.dropped_events = 0
        """Events after the end given to :meth:`finish` (not counted)."""
        self.unpriced_orders = 0
        """Orders with neither ``amount`` nor a catalog price (counted with GMV 0)."""
        self.stray_events = 0
        """Events timed beyond the longest LIVE (:data:`~livehighlights.rules.MAX_LIVE_S`): not counted, so that
        one absurd time cannot make the timeline (a row per second) grow without bound."""
        self.profit_known = True
        self._open = 0
        self._acc: dict[str, float] = {}
        self._prod: dict[str, dict[str, float]] = {}
        self._n_open = 0
        self._viewers = 0.0
        self._pinned: str | None = None
        self._finished = False
        self._cols: dict[str, list[float]] = {m: [] for m in METRICS}
        self._pins: list[str | None] = []
        self._by_product: dict[str, dict[str, dict[int, float]]] = {}
        self._price_cache: dict[str, tuple[float | None, float | None]] = {}
        self._chat = ChatFilter()

    @property
    def closed_s(self) -> int:
        """Number of seconds closed so far (the next second to close)."""
        return self._open

    def add(self, event: Event) -> list[Second]:
        """Count ``event``; return the seconds its arrival closed (all seconds before its own)."""
        if self._finished:
            raise RuntimeError("TimelineBuilder.add() after finish()")
        ts = event.ts_ms
        if not 0 <= ts <= _MAX_MS:
            self.stray_events += 1
            return []
        s = ts // MS_PER_S
        opened = self._open
        if s > opened:
            out = self._close_until(s)
        else:
            out = []
            if s < opened:
                self.late_events += 1
        self._n_open += 1
        typ = event.type
        acc = self._acc
        if typ == "comment":  # most events of a LIVE: first, and on their own
            n = event.count if event.count is not None else 1
            acc["comments"] = acc.get("comments", 0.0) + n
            if n > 1 and not event.text:
                acc["chat"] = acc.get("chat", 0.0) + n
                return out
            w = self._chat.weigh(ts / MS_PER_S, event.text, event.user)
            if w.chat:
                acc["chat"] = acc.get("chat", 0.0) + w.chat
            if w.reactions:
                acc["reactions"] = acc.get("reactions", 0.0) + w.reactions
            if w.chat_spam:
                acc["chat_spam"] = acc.get("chat_spam", 0.0) + w.chat_spam
            if w.greetings:
                acc["greetings"] = acc.get("greetings", 0.0) + w.greetings
            if w.farewells:
                acc["farewells"] = acc.get("farewells", 0.0) + w.farewells
            return out
        metric = _SIMPLE.get(typ)
        if metric is not None:
            n = event.count if event.count is not None else 1
            acc[metric] = acc.get(metric, 0.0) + n
            if typ in _PRODUCT_SIMPLE and event.product_id is not None:
                row = self._prod_row(event.product_id)
                row[metric] = row.get(metric, 0.0) + n
        elif typ == "order":
            self._order(event)
        elif typ == "viewers":
            if event.count is not None:
                self._viewers = float(event.count)
        elif typ == "gift":
            acc["gifts"] = acc.get("gifts", 0.0) + (event.count if event.count is not None else 1)
            if event.value is not None:
                acc["gift_value"] = acc.get("gift_value", 0.0) + event.value
        elif typ == "product_pin":
            self._pinned = event.product_id
        elif typ == "product_unpin":
            if event.product_id is None or event.product_id == self._pinned:
                self._pinned = None
        return out

    def advance(self, until_ms: Ms) -> list[Second]:
        """Watermark: close every second ending at or before ``until_ms`` (quiet seconds too)."""
        if self._finished:
            return []
        return self._close_until(min(until_ms, MAX_LIVE_S * MS_PER_S) // MS_PER_S)

    def finish(self, end_ms: Ms) -> list[Second]:
        """The LIVE ended at ``end_ms``: close every second up to it (a last partial second included).

        Counts in the open second beyond the end are dropped (see :attr:`dropped_events`).
        """
        if self._finished:
            return []
        end_s = -(-min(end_ms, MAX_LIVE_S * MS_PER_S) // MS_PER_S)
        out = self._close_until(end_s)
        self._finished = True
        if self._n_open:
            self.dropped_events += self._n_open
            self._reset_open()
        return out

    def warnings(self) -> list[Warning_]:
        """The counters above that are not zero, as warnings naming the count (empty when all went well)."""
        out = []
        if self.late_events:
            out.append(Warning_(f"{self.late_events} event(s) arrived for a second already closed "
                                "(counted into the open one)"))
        if self.dropped_events:
            out.append(Warning_(f"{self.dropped_events} event(s) after the end of the LIVE were not counted"))
        if self.stray_events:
            out.append(Warning_(f"{self.stray_events} event(s) timed beyond {MAX_LIVE_S // 3600} h from the LIVE's "
                                "start were not counted"))
        if self.unpriced_orders:
            out.append(Warning_(f"{self.unpriced_orders} order(s) have no amount and no catalog price "
                                "(counted with GMV 0: give amounts, or --catalog with prices)"))
        return out

    def timeline(self) -> Timeline:
        """Every second closed so far as a :class:`Timeline` (numpy arrays)."""
        n = len(self._pins)
        metrics = {m: np.asarray(col, dtype=np.float64) for m, col in self._cols.items()}
        by_product: dict[str, dict[str, np.ndarray]] = {}
        for pid, cols in self._by_product.items():
            arrays: dict[str, np.ndarray] = {}
            for m in PRODUCT_METRICS:
                arr = np.zeros(n, dtype=np.float64)
                sparse = cols.get(m)
                if sparse:
                    idx = np.fromiter(sparse.keys(), dtype=np.int64, count=len(sparse))
                    arr[idx] = np.fromiter(sparse.values(), dtype=np.float64, count=len(sparse))
                arrays[m] = arr
            by_product[pid] = arrays
        return Timeline(metrics=metrics, pinned=list(self._pins), by_product=by_product,
                        profit_known=self.profit_known)

    # -- internals ---------------------------------------------------------------------------

    def _prod_row(self, pid: str) -> dict[str, float]:
        row = self._prod.get(pid)
        if row is None:
            row = self._prod[pid] = {}
        return row

    def _catalog_terms(self, pid: str | None) -> tuple[float | None, float | None]:
        """(unit price after discount, unit cost) from the catalog, cached per product."""
        if pid is None or self.catalog is None:
            return None, None
        cached = self._price_cache.get(pid)
        if cached is None:
            prod = self.catalog.get(pid)
            if prod is None:
                cached = (None, None)
            else:
                price = None if prod.price is None else prod.price * (1 - (prod.discount or 0.0))
                cached = (price, prod.cost)
            self._price_cache[pid] = cached
        return cached

    def _order(self, ev: Event) -> None:
        acc = self._acc
        qty = ev.quantity if ev.quantity is not None else 1
        unit_price, unit_cost = self._catalog_terms(ev.product_id)
        if ev.amount is not None:
            gmv = ev.amount
        elif unit_price is not None:
            gmv = unit_price * qty
        else:
            gmv = 0.0
            self.unpriced_orders += 1
        profit: float | None = None
        if ev.gross_profit is not None:
            profit = ev.gross_profit
        elif unit_cost is not None:
            profit = gmv - unit_cost * qty
        else:
            self.profit_known = False
        if profit is not None:
            acc["gross_profit"] = acc.get("gross_profit", 0.0) + profit
        acc["gmv"] = acc.get("gmv", 0.0) + gmv
        acc["orders"] = acc.get("orders", 0.0) + 1
        acc["items"] = acc.get("items", 0.0) + qty
        if ev.product_id is not None:
            row = self._prod_row(ev.product_id)
            row["gmv"] = row.get("gmv", 0.0) + gmv
            row["orders"] = row.get("orders", 0.0) + 1
            row["items"] = row.get("items", 0.0) + qty
            if profit is not None:
                row["gross_profit"] = row.get("gross_profit", 0.0) + profit

    def _reset_open(self) -> None:
        self._acc = {}
        self._prod = {}
        self._n_open = 0

    def _close_until(self, end_s: int) -> list[Second]:
        """Close seconds ``[open, end_s)``; the first carries the open accumulators, the rest are quiet."""
        out: list[Second] = []
        while self._open < end_s:
            out.append(self._close_one())
        return out

    def _close_one(self) -> Second:
        t = self._open
        acc = self._acc
        cols = self._cols
        acc["viewers"] = self._viewers
        for m in METRICS:
            if m != "gpm":
                cols[m].append(acc.get(m, 0.0))
        w = self.gpm_window_s
        views = sum(cols["views"][-w:])
        gpm = 1000.0 * sum(cols["gmv"][-w:]) / views if views else 0.0
        cols["gpm"].append(gpm)
        acc["gpm"] = gpm
        values = {m: acc.get(m, 0.0) for m in METRICS}
        by_product: dict[str, dict[str, float]] = {}
        for pid, row in self._prod.items():
            full = {m: row.get(m, 0.0) for m in PRODUCT_METRICS}
            by_product[pid] = full
            store = self._by_product.get(pid)
            if store is None:
                store = self._by_product[pid] = {m: {} for m in PRODUCT_METRICS}
            for m, v in row.items():
                store[m][t] = v
        self._pins.append(self._pinned)
        self._open = t + 1
        self._reset_open()
        return Second(t=t, values=values, pinned=self._pinned, by_product=by_product)


def build_timeline(events: Iterable[Event], duration_ms: Ms, catalog: Catalog | None = None,
                   gpm_window_s: int = 60) -> Timeline:
    """The whole timeline of a recorded LIVE of ``duration_ms`` (events at or after it are ignored).

    Feeds ``events`` (sorted by time first if they are not) through a :class:`TimelineBuilder`, so the
    result is identical to what the online path builds.
    """
    evs = events if isinstance(events, list) else list(events)
    if any(evs[i].ts_ms > evs[i + 1].ts_ms for i in range(len(evs) - 1)):
        evs = sorted(evs, key=lambda e: e.ts_ms)
    builder = TimelineBuilder(catalog=catalog, gpm_window_s=gpm_window_s)
    add = builder.add
    for ev in evs:
        if ev.ts_ms >= duration_ms:
            break
        add(ev)
    builder.finish(duration_ms)
    return builder.timeline()
