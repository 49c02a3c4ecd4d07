"""Per-second timeline: sums, carry-forward, GPM window, pinned product, online emission."""

from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np
import pytest

from livehighlights.models import Event
from livehighlights.signals import METRICS, PRODUCT_METRICS, TimelineBuilder, build_timeline
from livehighlights.sources import load_catalog


def ev(ts_ms: int, type: str, **kw) -> Event:
    return Event(ts_ms=ts_ms, type=type, **kw)


@pytest.fixture
def catalog(tmp_path: Path):
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps([
        {"id": "p1", "title": "Serum", "price": 20.0, "discount": 0.25, "cost": 5.0},
        {"id": "p2", "title": "Brush", "price": 10.0},
    ]), "utf-8")
    return load_catalog(path)


def test_sums_per_second_exact() -> None:
    events = [
        ev(0, "like", count=3), ev(999, "like", count=2), ev(1000, "like", count=1),
        ev(100, "comment"), ev(200, "comment"), ev(1500, "share", count=2), ev(1600, "follow", count=1),
        ev(2000, "gift", count=5, value=50.0), ev(2100, "join", count=4), ev(2200, "join", count=1),
        ev(2300, "order", product_id="p9", quantity=2, amount=30.0, gross_profit=12.0),
        ev(2400, "order", product_id="p9", quantity=1, amount=15.5, gross_profit=6.0),
        ev(2500, "product_click", product_id="p9", count=3), ev(2600, "add_to_cart", product_id="p9", quantity=4),
        ev(2700, "mystery"),
    ]
    tl = build_timeline(sorted(events, key=lambda e: e.ts_ms), 4000)
    m = tl.metrics
    assert tl.duration_s == 4 and set(m) == set(METRICS)
    assert m["likes"].tolist() == [5, 1, 0, 0]
    assert m["comments"].tolist() == [2, 0, 0, 0]
    assert m["shares"].tolist() == [0, 2, 0, 0] and m["follows"].tolist() == [0, 1, 0, 0]
    assert m["gifts"].tolist() == [0, 0, 5, 0] and m["gift_value"].tolist() == [0, 0, 50, 0]
    assert m["views"].tolist() == [0, 0, 5, 0]
    assert m["orders"].tolist() == [0, 0, 2, 0] and m["items"].tolist() == [0, 0, 3, 0]
    assert m["gmv"].tolist() == [0, 0, 45.5, 0] and m["gross_profit"].tolist() == [0, 0, 18, 0]
    assert m["product_clicks"].tolist() == [0, 0, 3, 0] and m["add_to_carts"].tolist() == [0, 0, 1, 0]
    assert tl.profit_known is True
    assert all(arr.dtype == np.float64 for arr in m.values())


def test_partial_last_second_and_events_after_end() -> None:
    tl = build_timeline([ev(2500, "like"), ev(2600, "like"), ev(9000, "like")], 2700)
    assert tl.duration_s == 3 and tl.metrics["likes"].tolist() == [0, 0, 2]


def test_viewers_carry_forward() -> None:
    events = [ev(1200, "viewers", count=100), ev(1800, "viewers", count=120), ev(4100, "viewers", count=90)]
    tl = build_timeline(events, 6000)
    assert tl.metrics["viewers"].tolist() == [0, 120, 120, 120, 90, 90]


def test_gpm_trailing_window_hand_example() -> None:
    # window 3 s: second t covers seconds t-2..t
    events = [ev(0, "join", count=10), ev(500, "order", amount=5.0), ev(1000, "join", count=10),
              ev(2000, "order", amount=3.0), ev(3000, "join", count=20), ev(5000, "order", amount=2.0)]
    builder = TimelineBuilder(gpm_window_s=3)
    for e in events:
        builder.add(e)
    builder.finish(7000)
    gpm = builder.timeline().metrics["gpm"].tolist()
    # t0: 5/10  t1: 5/20  t2: 8/20  t3: 3/30  t4: 3/20  t5: 2/20  t6: 2/0 -> 0
    assert gpm == [500.0, 250.0, 400.0, 100.0, 150.0, 100.0, 0.0]


def test_pinned_product_per_second() -> None:
    events = [ev(1100, "product_pin", product_id="a"), ev(2100, "product_pin", product_id="b"),
              ev(2200, "product_unpin", product_id="a"),  # not the pinned one: ignored
              ev(3500, "product_unpin", product_id="b"), ev(4000, "product_pin", product_id="c"),
              ev(4100, "product_unpin"), ev(4200, "product_pin", product_id="a")]
    tl = build_timeline(events, 6000)
    assert tl.pinned == [None, "a", "b", None, "a", "a"]


def test_per_product_metrics_and_catalog_values(catalog) -> None:
    events = [
        ev(100, "product_click", product_id="p1", count=2), ev(200, "add_to_cart", product_id="p1", quantity=3),
        ev(300, "order", product_id="p1", quantity=2),  # gmv from catalog: 20 * 0.75 * 2 = 30, profit 30 - 10
        ev(1300, "order", product_id="p1", quantity=1, amount=16.0),  # profit 16 - 5
        ev(1400, "order", product_id="p2", quantity=1),  # gmv 10, no cost -> profit unknown
        ev(1500, "product_click", product_id="p2"),
    ]
    tl = build_timeline(events, 3000, catalog=catalog)
    assert tl.metrics["gmv"].tolist() == [30.0, 26.0, 0.0]
    assert tl.metrics["gross_profit"].tolist() == [20.0, 11.0, 0.0]
    assert tl.profit_known is False
    p1, p2 = tl.by_product["p1"], tl.by_product["p2"]
    assert set(p1) == set(PRODUCT_METRICS)
    assert p1["gmv"].tolist() == [30.0, 16.0, 0.0] and p1["orders"].tolist() == [1, 1, 0]
    assert p1["items"].tolist() == [2, 1, 0] and p1["product_clicks"].tolist() == [2, 0, 0]
    assert p1["add_to_carts"].tolist() == [1, 0, 0]
    assert p2["gmv"].tolist() == [0.0, 10.0, 0.0] and p2["product_clicks"].tolist() == [0, 1, 0]
    # gross profit per product: p1's own (catalog cost, then the order's amount less cost); p2's unknown
    assert p1["gross_profit"].tolist() == [20.0, 11.0, 0.0] and p2["gross_profit"].tolist() == [0.0, 0.0, 0.0]
    sec1 = tl.second(1)
    assert set(sec1.by_product) == {"p1", "p2"} and sec1.by_product["p2"]["orders"] == 1.0


def test_profit_unknown_without_catalog() -> None:
    tl = build_timeline([ev(0, "order", amount=10.0)], 1000)
    assert tl.metrics["gmv"].tolist() == [10.0] and tl.profit_known is False


def test_online_emission() -> None:
    b = TimelineBuilder()
    assert b.add(ev(200, "like")) == []  # second 0 still open
    assert b.add(ev(900, "like")) == []
    out = b.add(ev(3100, "comment"))  # closes 0, 1, 2
    assert [s.t for s in out] == [0, 1, 2]
    assert out[0].values["likes"] == 2 and out[1].values["likes"] == 0 and set(out[0].values) == set(METRICS)
    assert b.advance(3999) == []  # second 3 ends at 4000
    quiet = b.advance(6000)
    assert [s.t for s in quiet] == [3, 4, 5] and quiet[0].values["comments"] == 1
    assert b.timeline().duration_s == 6
    # a late event (second 2, already closed) counts into the open second 6
    assert b.add(ev(2500, "like")) == [] and b.late_events == 1
    rest = b.finish(7500)
    assert [s.t for s in rest] == [6, 7] and rest[0].values["likes"] == 1
    assert b.finish(9000) == [] and b.timeline().duration_s == 8


def test_online_matches_build_timeline(catalog) -> None:
    rng = random.Random(7)
    types = ["like", "comment", "join", "viewers", "share", "follow", "gift", "product_pin", "product_unpin",
             "product_click", "add_to_cart", "order", "other"]
    events = []
    for ts in sorted(rng.randrange(120_000) for _ in range(3000)):
        t = rng.choice(types)
        e = ev(ts, t, count=rng.randint(1, 50) if t in ("like", "viewers", "gift") else None)
        if t in ("product_pin", "product_click", "add_to_cart", "order"):
            e.product_id = rng.choice(["p1", "p2", "p3"])
        if t == "order":
            e.quantity = rng.randint(1, 3)
            e.amount = rng.choice([None, 12.5])
        events.append(e)
    whole = build_timeline(events, 125_000, catalog=catalog)
    b = TimelineBuilder(catalog=catalog)
    emitted = []
    clock = 0
    for e in events:
        if e.ts_ms >= clock + 1700:  # a live wall clock moving on between events
            clock = e.ts_ms - 300
            emitted += b.advance(clock)
        emitted += b.add(e)
    emitted += b.finish(125_000)
    online = b.timeline()
    assert [s.t for s in emitted] == list(range(125))
    for m in METRICS:
        np.testing.assert_array_equal(online.metrics[m], whole.metrics[m])
        np.testing.assert_array_equal([s.values[m] for s in emitted], whole.metrics[m])
    assert online.pinned == whole.pinned == [s.pinned for s in emitted]
    assert online.by_product.keys() == whole.by_product.keys()
    for pid, metrics in whole.by_product.items():
        for m, arr in metrics.items():
            np.testing.assert_array_equal(online.by_product[pid][m], arr)
    assert [whole.second(s.t).by_product for s in emitted] == [s.by_product for s in emitted]
    assert b.late_events == 0


def test_build_timeline_sorts_unsorted_input() -> None:
    a = build_timeline([ev(1500, "like"), ev(200, "like", count=2)], 2000)
    assert a.metrics["likes"].tolist() == [2, 1]


def test_engine_reports_unpriced_late_and_dropped_events():
    from livehighlights.detect.shopping import ShoppingMomentDetector
    from livehighlights.engine import Engine
    from livehighlights.models import Event

    engine = Engine([ShoppingMomentDetector()])
    engine.feed(Event(5000, "order", product_id="p1", quantity=1))  # no amount, no catalog
    engine.feed(Event(9000, "like", count=2))
    engine.feed(Event(2000, "like", count=1))  # its second closed already
    engine.feed(Event(9500, "like", count=1))
    engine.finish(9000)  # the open second 9 lies past the end
    text = " | ".join(str(w) for w in engine.warnings())
    assert "1 order(s) have no amount and no catalog price" in text
    assert "1 event(s) arrived for a second already closed" in text
    assert "event(s) after the end of the LIVE were not counted" in text
