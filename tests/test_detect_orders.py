"""A pitch nobody pinned and few clicked still shows in its orders: the moment is placed before them."""

from __future__ import annotations

import numpy as np

from livehighlights.engine import detect
from livehighlights.models import Event


def _room(minutes: int = 20, seed: int = 0) -> list[Event]:
    rng = np.random.default_rng(seed)
    n = minutes * 60
    events = [Event(k * 1000, "viewers", count=800) for k in range(0, n, 10)]
    for s in range(n):
        if rng.random() < 0.01:  # about one order a minute and a half, any of five products
            events.append(Event(s * 1000 + 300, "order", product_id=f"sku{int(rng.integers(5))}", quantity=1,
                                amount=20.0))
        if rng.random() < 0.3:
            events.append(Event(s * 1000 + 500, "like", count=int(rng.integers(1, 5))))
    return sorted(events, key=lambda e: e.ts_ms)


def test_orders_with_no_pin_and_no_clicks_make_a_product_moment_before_them():
    orders = [Event(t * 1000, "order", product_id="kettle", quantity=1, amount=35.0)
              for t in (631, 640, 648, 655, 667, 680)]
    found = detect(sorted(_room() + orders, key=lambda e: e.ts_ms), 20 * 60_000).moments
    product = [m for m in found if m.kind == "product"]
    assert len(product) == 1, [(m.kind, m.start_ms, m.product_id, m.evidence.get("segment")) for m in found]
    m = product[0]
    assert m.product_id == "kettle" and m.evidence["segment"] == "orders"
    assert m.start_ms < 631_000 and m.end_ms <= 631_000  # on the pitch, before the first order
    assert m.evidence["orders"]["value"] == 6


def test_the_usual_trickle_of_orders_is_no_moment():
    found = detect(_room(seed=1), 20 * 60_000).moments
    assert not [m for m in found if m.kind == "product"]


def test_orders_that_come_minutes_after_a_pinned_pitch_are_placed_on_that_pitch():
    pitch = [Event(600_000, "product_pin", product_id="lamp"), Event(660_000, "product_unpin", product_id="lamp")]
    # nothing in the usual window after the pitch (up to 90 s), then a burst 3-4 minutes later
    orders = [Event(t * 1000, "order", product_id="lamp", quantity=1, amount=49.0)
              for t in (850, 858, 866, 871, 880, 889)]
    found = detect(sorted(_room(seed=2) + pitch + orders, key=lambda e: e.ts_ms), 20 * 60_000).moments
    product = [m for m in found if m.kind == "product"]
    assert len(product) == 1, [(m.kind, m.start_ms, m.product_id, m.evidence.get("segment")) for m in found]
    m = product[0]
    assert m.product_id == "lamp" and m.evidence["segment"] == "orders"
    assert 590_000 <= m.start_ms and m.end_ms <= 661_000  # on the pitch, not in the minute before the orders
    assert m.evidence["orders"]["value"] == 6
