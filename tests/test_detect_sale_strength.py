"""How much a sale sold ranks it (issue 13): in a big room a sale's z saturates (its Poisson tail floors at a z of
7.94), so two sales past it would rank by their other components; the ``sale`` component also counts the sale's orders
over the LIVE's own orders per minute (scale-free), so the bigger sale ranks first, and a small room's sale keeps its
place against a big room's."""

from __future__ import annotations

import numpy as np

from livehighlights.detect import DetectOptions
from livehighlights.engine import detect
from livehighlights.models import Event, Moment

MINUTES = 30


def _room(viewers: int, orders_per_min: float, seed: int) -> list[Event]:
    """``viewers`` watching, background orders of five products at ``orders_per_min``, likes."""
    rng = np.random.default_rng(seed)
    n = MINUTES * 60
    events = [Event(k * 1000, "viewers", count=viewers) for k in range(0, n, 10)]
    for s in range(n):
        for _ in range(int(rng.poisson(orders_per_min / 60))):
            events.append(Event(s * 1000 + 300, "order", product_id=f"sku{int(rng.integers(5))}", quantity=1,
                                amount=20.0))
        if rng.random() < 0.5:
            events.append(Event(s * 1000 + 500, "like", count=int(rng.integers(1, 5))))
    return events


def _sale(pid: str, a: int, n_orders: int, clicks: int = 0) -> list[Event]:
    """``pid`` pinned over ``[a, a + 60)`` (``clicks`` on it every other second), then ``n_orders`` of it over the
    minute from ``a + 15``."""
    events = [Event(a * 1000, "product_pin", product_id=pid), Event((a + 60) * 1000, "product_unpin", product_id=pid)]
    if clicks:
        events += [Event(t * 1000 + 200, "product_click", product_id=pid, count=clicks) for t in range(a, a + 60, 2)]
    return events + [Event((a + 15) * 1000 + k * 60_000 // n_orders, "order", product_id=pid, quantity=1, amount=20.0)
                     for k in range(n_orders)]


def _sales(events: list[Event]) -> dict[str, Moment]:
    found = detect(sorted(events, key=lambda e: e.ts_ms), MINUTES * 60_000, DetectOptions()).moments
    return {m.product_id: m for m in found if m.kind == "product" and m.product_id is not None}


def _big_room() -> dict[str, Moment]:
    """8,000 viewers buying 6 orders a minute: a pitch that drew clicks sold 40, a later one with none sold 100."""
    return _sales(_room(8000, 6.0, 1) + _sale("lamp", 900, 40, clicks=20) + _sale("vase", 1300, 100))


def test_the_bigger_of_two_saturated_sales_in_a_big_room_ranks_first():
    sales = _big_room()
    lamp, vase = sales["lamp"], sales["vase"]
    for m in (lamp, vase):  # both past the point where the z tells counts apart
        assert m.evidence["orders"]["z"] >= 7.9, m.evidence["orders"]
    assert lamp.breakdown["engagement"] > vase.breakdown["engagement"]  # the smaller sale drew more clicks ...
    assert vase.score > lamp.score, (lamp.breakdown, vase.breakdown)  # ... the bigger sale ranks first
    assert vase.evidence["sale"]["log2_over_live_minute"] > lamp.evidence["sale"]["log2_over_live_minute"] + 0.5


def test_a_small_rooms_sale_keeps_its_place_against_a_big_rooms():
    """100 viewers buying about 0.3 orders a minute: a pitch that sold 6 (about ten minutes of the room's orders,
    as the big room's 100) and one that sold 3. Counted in the LIVE's own orders per minute, the 6 weigh as much
    as the big room's 100; ranked as one pool, both small sales keep the places the rest of the evidence gave them."""
    big = _big_room()
    small = _sales(_room(100, 0.3, 2) + _sale("cup", 900, 3) + _sale("mug", 1300, 6, clicks=2))
    strength = {pid: m.evidence["sale"].get("log2_over_live_minute", 0.0) for pid, m in {**big, **small}.items()}
    assert abs(strength["mug"] - strength["vase"]) < 0.25, strength  # scale-free: the same multiple of its room
    pool = {**big, **small}
    ranked = sorted(pool, key=lambda pid: -pool[pid].score)
    # the score without the strength term (sale_weight 2 x weight 2 x strength): the ranking the z and the other
    # components give
    before = sorted(pool, key=lambda pid: -(pool[pid].score - 4.0 * strength[pid]))
    for pid in ("mug", "cup"):
        for other in ("lamp", "vase"):
            assert (ranked.index(pid) < ranked.index(other)) == (before.index(pid) < before.index(other)), (
                ranked, before)
    assert ranked.index("cup") > ranked.index("mug")
