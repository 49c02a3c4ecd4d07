"""The timeline data structure: one row per second of the LIVE.

Second ``i`` aggregates the events with ``i*1000 <= ts_ms < (i+1)*1000``. Counts are sums over the
second; ``viewers`` is the last concurrent-viewer count known at the end of the second (carried
forward); ``gpm`` is GMV per 1000 views over a trailing window (see the builder).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np

METRICS: tuple[str, ...] = (
    "gmv",  # sum of order amounts (currency major units)
    "orders",  # number of order events
    "items",  # sum of order quantities
    "gross_profit",  # sum of order profits (from the order, else catalog cost); see profit_known
    "views",  # viewers entering the room (join counts)
    "viewers",  # concurrent viewers (carried forward)
    "gpm",  # GMV per 1000 views, trailing window
    "likes",
    "comments",  # every comment
    "chat",  # comments that count: one per viewer per 10 s, no commands, copy-pastes or floods (signals.chat)
    "reactions",  # counted comments that react (laughter, emoji, "omg", "clip it", "!!!")
    "chat_spam",  # comments that do not count
    "greetings",  # "hi", "hello", "welcome"...
    "farewells",  # counted comments that say goodbye: "bye", "gn", "see you tomorrow"...
    "shares",
    "follows",
    "gifts",
    "gift_value",
    "product_clicks",
    "add_to_carts",
)
"""Metric names, in a fixed order, as used by detectors and the score breakdown."""

PRODUCT_METRICS: tuple[str, ...] = ("gmv", "gross_profit", "orders", "items", "product_clicks", "add_to_carts")
"""Metrics also kept per product (for attribution and the product's own GMV and gross profit)."""


@dataclass(slots=True)
class Second:
    """One closed second of the timeline, as an online detector sees it."""

    t: int
    """Second index from the LIVE's start."""
    values: dict[str, float]
    """Metric name -> value for this second (all of :data:`METRICS`)."""
    pinned: str | None
    """Product pinned at the end of this second, if any."""
    by_product: dict[str, dict[str, float]] = field(default_factory=dict)
    """Product id -> {metric: value} for :data:`PRODUCT_METRICS`, only products with activity."""


@dataclass
class Timeline:
    """The whole per-second timeline (what the after-the-LIVE path and reports read)."""

    metrics: dict[str, np.ndarray]
    """Metric name -> float64 array of length ``duration_s``."""
    pinned: list[str | None]
    """Pinned product per second."""
    by_product: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)
    """Product id -> metric -> float64 array of length ``duration_s``."""
    profit_known: bool = True
    """False when some orders had neither ``gross_profit`` nor a catalog cost (profit is a lower bound)."""

    @property
    def duration_s(self) -> int:
        return len(self.pinned)

    def second(self, t: int) -> Second:
        """Row ``t`` as a :class:`Second`."""
        by_product = {
            pid: {m: float(arr[t]) for m, arr in metrics.items()}
            for pid, metrics in self.by_product.items()
            if any(arr[t] for arr in metrics.values())
        }
        return Second(
            t=t,
            values={m: float(self.metrics[m][t]) for m in METRICS},
            pinned=self.pinned[t],
            by_product=by_product,
        )

    def __iter__(self) -> Iterator[Second]:
        for t in range(self.duration_s):
            yield self.second(t)

    def window(self, metric: str, start_s: int, end_s: int) -> np.ndarray:
        """Values of ``metric`` for seconds ``[start_s, end_s)`` clipped to the timeline."""
        start_s = max(0, start_s)
        return self.metrics[metric][start_s:max(start_s, end_s)]
