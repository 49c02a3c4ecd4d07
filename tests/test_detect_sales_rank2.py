"""Ranking of sales moments (issue 13): a moment's sale evidence counts where the moment shows its product, and the
pieces of one long pitch are one candidate."""

from __future__ import annotations

import numpy as np

from livehighlights.detect import DetectOptions
from livehighlights.engine import detect
from livehighlights.models import Event

MINUTES = 20


def _room(seed: int = 0) -> list[Event]:
    """800 viewers, about one order a minute and a half of any of five products, likes."""
    rng = np.random.default_rng(seed)
    n = MINUTES * 60
    events = [Event(k * 1000, "viewers", count=800) for k in range(0, n, 10)]
    for s in range(n):
        if rng.random() < 0.01:
            events.append(Event(s * 1000 + 300, "order", product_id=f"sku{int(rng.integers(5))}", quantity=1,
                                amount=20.0))
        if rng.random() < 0.3:
            events.append(Event(s * 1000 + 500, "like", count=int(rng.integers(1, 5))))
    return events


def _pitch(pid: str, a: int, b: int) -> list[Event]:
    return [Event(a * 1000, "product_pin", product_id=pid), Event(b * 1000, "product_unpin", product_id=pid)]


def _orders(pid: str, times: tuple[int, ...] | range) -> list[Event]:
    return [Event(t * 1000, "order", product_id=pid, quantity=1, amount=39.0) for t in times]


def _found(events: list[Event], **opts):
    return detect(sorted(events, key=lambda e: e.ts_ms), MINUTES * 60_000, DetectOptions(**opts)).moments


def test_orders_after_a_burst_that_never_showed_their_product_rank_below_a_pitch_that_sold():
    """A like storm with no product in sight, followed by a product's orders: they are attributed to the burst (a
    product moment), but the clip would not show why the product sold: its sale evidence does not rank it."""
    storm = [Event(s * 1000 + k * 100, "like", count=40) for s in range(600, 612) for k in range(10)]
    blind = _orders("lamp", (640, 650, 660, 668, 675))
    pitched = _pitch("vase", 900, 960) + _orders("vase", (975, 990, 1004))
    found = _found(_room() + storm + blind + pitched)
    lamp = [m for m in found if m.product_id == "lamp" and m.kind == "product"]
    vase = next(m for m in found if m.product_id == "vase" and m.kind == "product")
    assert lamp, [(m.kind, m.product_id, m.start_ms) for m in found]
    for m in lamp:
        assert m.evidence["shown"] is False and "sale" not in m.breakdown
        assert m.evidence["orders"]["z"] > vase.evidence["orders"]["z"]  # more orders, yet ranked below
        assert m.score < vase.score, (m.breakdown, vase.breakdown)
    assert "shown" not in vase.evidence and vase.breakdown["sale"] > 0
