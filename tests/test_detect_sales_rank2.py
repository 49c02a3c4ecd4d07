"""Ranking of sales moments (issue 13): a moment's sale evidence counts where the moment shows its product, the pieces
of one long pin are one candidate, and an unpinned pitch is found from its product's run of clicks."""

from __future__ import annotations

from order_rooms import pitch as _pitch
from order_rooms import room

from livehighlights.detect import DetectOptions
from livehighlights.engine import detect
from livehighlights.models import Event

MINUTES = 20


def _room(seed: int = 0) -> list[Event]:
    return room(MINUTES, seed)


def _orders(pid: str, times: tuple[int, ...] | range) -> list[Event]:
    return [Event(t * 1000, "order", product_id=pid, quantity=1, amount=39.0) for t in times]


def _found(events: list[Event], **opts):
    return detect(sorted(events, key=lambda e: e.ts_ms), MINUTES * 60_000, DetectOptions(**opts)).moments


def test_orders_after_a_burst_that_never_showed_their_product_rank_below_a_pitch_that_sold():
    """A like storm with no product in sight, followed by a product's orders: they stand out, but the clip would not
    show why the product sold. A ``sales`` moment (orders stood out, no pitch of theirs seen), not a product moment,
    and its sale evidence does not rank it."""
    storm = [Event(s * 1000 + k * 100, "like", count=40) for s in range(600, 612) for k in range(10)]
    blind = _orders("lamp", (640, 650, 660, 668, 675))
    pitched = _pitch("vase", 900, 960) + _orders("vase", (975, 990, 1004))
    earlier = _pitch("cup", 300, 360) + [Event(t * 1000, "product_click", product_id="cup") for t in range(300, 360, 5)]
    found = _found(_room() + earlier + storm + blind + pitched)
    lamp = [m for m in found if m.product_id == "lamp"]
    vase = next(m for m in found if m.product_id == "vase" and m.kind == "product")
    assert lamp, [(m.kind, m.product_id, m.start_ms) for m in found]
    for m in lamp:
        assert m.kind == "sales"
        assert m.evidence["shown"] is False and "sale" not in m.breakdown
        assert m.evidence["orders"]["z"] > vase.evidence["orders"]["z"]  # more orders, yet ranked below
        assert m.score < vase.score, (m.breakdown, vase.breakdown)
    assert "shown" not in vase.evidence and vase.breakdown["sale"] > 0
    # orders that stood out are no baseline, shown or not: a later pitch of that product is judged as if they had
    # not come
    lamp_pitch = _pitch("lamp", 1000, 1060) + _orders("lamp", (1075, 1090))
    later = [m for m in _found(_room() + earlier + storm + blind + lamp_pitch)
             if m.product_id == "lamp" and m.start_ms == 1_000_000]
    alone = next(m for m in _found(_room() + earlier + storm + lamp_pitch)
                 if m.product_id == "lamp" and m.start_ms == 1_000_000)
    assert alone.kind == "product" and later and later[0].kind == "product", [m.kind for m in later]
    exp_later, exp_alone = later[0].evidence["orders"]["expected"], alone.evidence["orders"]["expected"]
    assert abs(exp_later - exp_alone) < 0.1 * exp_alone, (exp_later, exp_alone)


def test_a_long_pin_split_into_clips_is_one_candidate_unless_its_later_piece_sells_again():
    """A pin of six minutes is cut into clip-sized pieces. Its first piece sold: a later piece whose own new orders
    pass only the relaxed rules (which ask whether a *pitch* sold) is that same pitch, a product moment whose sale was
    told already: it does not rank by the sale again and fill a second place of the top K. Orders that stand out on
    their own still make it rank as a sale."""
    pin = _pitch("lamp", 600, 960) + [Event(t * 1000 + 200, "product_click", product_id="lamp", count=2)
                                      for t in range(600, 960, 2)]
    first = _orders("lamp", (640, 655, 670, 685, 700))
    again = _orders("lamp", (850, 870, 890))  # three orders in the second piece's own window: z of about 2.9
    other = _pitch("vase", 1080, 1140) + _orders("vase", (1150, 1165, 1180))  # another pitch that sold as much
    found = [m for m in _found(_room() + pin + first + again + other) if m.kind == "product"]
    pieces = sorted((m for m in found if m.product_id == "lamp"), key=lambda m: m.start_ms)
    assert [m.start_ms // 1000 for m in pieces][:2] == [600, 750], [(m.start_ms, m.kind) for m in found]
    assert "continues" not in pieces[0].evidence and pieces[0].breakdown["sale"] > 0
    second = pieces[1]
    assert second.evidence["continues"]["sold_before"] is True
    assert 2.0 <= second.evidence["orders"]["z"] < 3.0
    assert second.evidence["continues"]["sale_told_before"] is True and "sale" not in second.breakdown
    vase = next(m for m in found if m.product_id == "vase")
    assert vase.evidence["orders"]["z"] <= second.evidence["orders"]["z"] + 0.5  # no stronger evidence ...
    top2 = sorted(found, key=lambda m: -m.score)[:2]
    assert {m.product_id for m in top2} == {"lamp", "vase"}, [(m.product_id, m.score) for m in top2]  # ... yet ranked
    # its own orders standing out (z >= 3) make the later piece rank as a sale of its own
    more = _orders("lamp", (845, 855, 865, 875, 885, 895))
    again2 = [m for m in _found(_room() + pin + first + more) if m.product_id == "lamp"
              and m.evidence.get("continues")]
    assert again2 and again2[0].kind == "product" and again2[0].evidence["orders"]["z"] >= 3.0
    assert again2[0].breakdown["sale"] > 0
    # a later piece of a pin whose first piece did not sell is judged, and ranked, as a pitch
    late = [m for m in _found(_room() + pin + again) if m.product_id == "lamp" and m.evidence.get("continues")]
    assert late and late[0].evidence["continues"]["sold_before"] is False and late[0].kind == "product"
    assert late[0].breakdown["sale"] > 0


def test_a_log_with_no_pin_click_or_cart_at_all_still_ranks_sales_by_their_evidence():
    """Orders alone (an export with no product interest): nothing tells what was shown, so nothing is held against
    a moment for not showing it."""
    storm = [Event(s * 1000 + k * 100, "like", count=40) for s in range(600, 612) for k in range(10)]
    found = _found(_room() + storm + _orders("lamp", (640, 650, 660, 668, 675)))
    lamp = [m for m in found if m.product_id == "lamp" and m.kind == "product"]
    assert lamp and all("shown" not in m.evidence and m.breakdown["sale"] > 0 for m in lamp)


def _sparse_clicks(pid: str, a: int, b: int, every: int = 8) -> list[Event]:
    return [Event(t * 1000 + 400, "product_click", product_id=pid) for t in range(a, b, every)]


def test_an_unpinned_pitch_seen_only_in_its_sparse_clicks_is_a_candidate():
    """Nothing pinned, a click every eight seconds on one product (too few for a burst of the stream's interest),
    then three orders of it: the product's run of clicks is the pitch, judged like any other once its orders are in."""
    earlier = _pitch("cup", 300, 360) + _sparse_clicks("cup", 300, 360)
    pitch = _sparse_clicks("lamp", 700, 790) + _orders("lamp", (800, 845, 875))  # too few a minute for the scan
    found = _found(_room() + earlier + pitch)
    lamp = [m for m in found if m.product_id == "lamp" and m.kind == "product"]
    assert len(lamp) == 1, [(m.kind, m.product_id, m.start_ms, m.evidence.get("segment")) for m in found]
    m = lamp[0]
    assert m.evidence["segment"] == "clicks" and 700_000 <= m.start_ms and m.end_ms <= 792_000
    assert m.breakdown["sale"] > 0
    # the same clicks with no orders after them are no moment at all (the bursts tell what drew clicks alone)
    unsold = _found(_room() + earlier + _sparse_clicks("lamp", 700, 790))
    assert not [m for m in unsold if m.evidence.get("segment") == "clicks"]
    # a product clicked at that rate all LIVE long makes no run of its own: its orders are judged by the scan only
    steady = _found(_room() + earlier + _sparse_clicks("lamp", 0, MINUTES * 60) + _orders("lamp", (800, 845, 875)))
    assert not [m for m in steady if m.evidence.get("segment") == "clicks"]


def test_a_pitch_under_another_product_left_pinned_is_found_from_its_clicks():
    """The seller left the cup pinned and pitches the lamp: the lamp's clicks, not the stale pin, tell the pitch."""
    stale = [Event(600_000, "product_pin", product_id="cup")] + _sparse_clicks("cup", 600, 640)
    pitch = _sparse_clicks("lamp", 700, 790) + _orders("lamp", (800, 845, 875))
    found = _found(_room() + stale + pitch)
    lamp = [m for m in found if m.product_id == "lamp" and m.kind == "product"]
    assert len(lamp) == 1 and lamp[0].evidence["segment"] == "clicks", [
        (m.kind, m.product_id, m.start_ms, m.evidence.get("segment")) for m in found]
    assert not [m for m in found if m.product_id == "cup" and m.kind == "product"]
