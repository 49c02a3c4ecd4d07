"""What a detector remembers of the LIVE so far: per-second series, stream-wide and per product.

Only closed seconds are stored; a detector reads windows of it. A 10-hour LIVE is 36,000 rows,
so plain growable lists are enough.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from ..signals.timeline import METRICS, Second


class SeriesStore:
    """Append-only per-second store of every metric, the pinned product and per-product metrics.

    Metrics live in one growable numpy array (amortised O(1) appends) with running totals, so a
    window's total is O(1) and a window's values a view, not a copy.
    """

    def __init__(self) -> None:
        self._index = {m: i for i, m in enumerate(METRICS)}
        self._data = np.zeros((1024, len(METRICS)))
        self._cum = np.zeros((1025, len(METRICS)))
        self.pinned: list[str | None] = []
        self.by_product: dict[str, dict[int, dict[str, float]]] = defaultdict(dict)
        self.pinned_ids: set[str] = set()
        """Every product pinned so far."""
        self.product_orders: dict[str, tuple[list[int], list[float]]] = {}
        """Per product, the seconds with orders and their order counts (sparse, in time order)."""
        self.order_values: list[float] = []
        """GMV per order, seconds with orders only (for the compound-Poisson variance)."""

    @property
    def now(self) -> int:
        """Number of seconds stored (the next second's index)."""
        return len(self.pinned)

    def push(self, sec: Second) -> None:
        if sec.t != self.now:
            raise ValueError(f"second {sec.t} out of order (expected {self.now})")
        n = self.now
        if n == len(self._data):
            self._data = np.concatenate([self._data, np.zeros_like(self._data)])
            self._cum = np.concatenate([self._cum, np.zeros((len(self._data) + 1 - len(self._cum), len(METRICS)))])
        values = sec.values
        self._data[n] = [values.get(m, 0.0) for m in METRICS]
        self._cum[n + 1] = self._cum[n] + self._data[n]
        self.pinned.append(sec.pinned)
        if sec.pinned is not None:
            self.pinned_ids.add(sec.pinned)
        for pid, vals in sec.by_product.items():
            self.by_product[pid][sec.t] = vals
            if vals.get("orders", 0.0) > 0:
                ts, counts = self.product_orders.setdefault(pid, ([], []))
                ts.append(sec.t)
                counts.append(vals["orders"])
        orders = values.get("orders", 0.0)
        if orders > 0:
            self.order_values.append(values.get("gmv", 0.0) / orders)

    def total(self, metric: str, start: int, end: int) -> float:
        """Sum of ``metric`` over seconds ``[start, end)`` (clipped to what is stored)."""
        start, end = max(0, start), min(self.now, end)
        if end <= start:
            return 0.0
        i = self._index[metric]
        return float(self._cum[end, i] - self._cum[start, i])

    def array(self, metric: str, start: int, end: int) -> np.ndarray:
        """Values of ``metric`` over ``[start, end)`` (clipped; a read-only view)."""
        start, end = max(0, start), min(self.now, end)
        view = self._data[start:max(start, end), self._index[metric]]
        view.flags.writeable = False
        return view

    def product_total(self, pid: str, metric: str, start: int, end: int) -> float:
        rows = self.by_product.get(pid)
        if not rows:
            return 0.0
        start, end = max(0, start), min(self.now, end)
        if end - start < len(rows):
            return float(sum(rows[t].get(metric, 0.0) for t in range(start, end) if t in rows))
        return float(sum(v.get(metric, 0.0) for t, v in rows.items() if start <= t < end))

    def products_ranked(self, metric: str, start: int, end: int) -> list[tuple[str, float]]:
        """Products by their total of ``metric`` over ``[start, end)``, largest first, zeros left out."""
        totals = [(pid, self.product_total(pid, metric, start, end)) for pid in self.by_product]
        return sorted([(p, v) for p, v in totals if v > 0], key=lambda pv: -pv[1])

    def order_value_moments(self) -> tuple[float, float]:
        """Mean order value and mean squared order value seen so far (1, 1 before any order)."""
        if not self.order_values:
            return 1.0, 1.0
        v = np.asarray(self.order_values)
        return float(v.mean()), float((v**2).mean())
