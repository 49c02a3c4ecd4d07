"""The online policy (one decision per moment as it is confirmed) and the media source interface."""

from __future__ import annotations

from livehighlights.models import Moment
from livehighlights.plan import ClipWindow, OnlinePolicy, PlanOptions


def _win(start_s: int, product: str | None, score: float, kind: str = "product") -> ClipWindow:
    m = Moment(start_s * 1000, start_s * 1000 + 30_000, start_s * 1000 + 20_000, score, "shopping", product, kind)
    return ClipWindow(m.start_ms, m.end_ms, m, product)


def test_caps_hold_when_moments_arrive_one_by_one() -> None:
    policy = OnlinePolicy(PlanOptions(max_per_live=4, max_per_product=2))
    actions = [policy.decide(_win(60 * i, f"p{i % 3}", 1.0 + i)).action for i in range(8)]
    assert actions.count("take") == 4
    taken = policy.taken
    assert len(taken) == 4
    per_product = {p: sum(w.product_id == p for w in taken) for p in {w.product_id for w in taken}}
    assert max(per_product.values()) <= 2
    assert actions[4:] == ["hold"] * 4


def test_reject_reasons() -> None:
    policy = OnlinePolicy(PlanOptions())
    assert policy.decide(_win(0, None, 5.0, kind="engagement")).action == "reject"
    assert policy.decide(_win(100, "p1", 5.0)).action == "take"
    late = policy.decide(_win(110, "p2", 2.0))  # overlaps a better, earlier moment
    assert late.action == "reject" and "overlaps" in late.reason


def test_budget_keeps_the_best() -> None:
    policy = OnlinePolicy(PlanOptions(), budget=2)
    assert policy.decide(_win(0, "a", 3.0)).kept
    assert policy.decide(_win(100, "b", 2.0)).kept
    weak = policy.decide(_win(200, "c", 1.0))
    assert weak.action == "reject" and "weaker" in weak.reason
    assert policy.decide(_win(300, "d", 4.0)).kept


def test_release_gives_the_place_back() -> None:
    policy = OnlinePolicy(PlanOptions(max_per_live=1))
    first = _win(0, "a", 3.0)
    assert policy.decide(first).action == "take"
    assert policy.decide(_win(100, "b", 2.0)).action == "hold"
    policy.release(first)
    assert policy.decide(_win(200, "c", 1.0)).action == "take"


def test_file_source_keyframes_match_probe(media_src) -> None:
    from livehighlights.media import keyframes_ms
    from livehighlights.media.source import open_source

    with open_source(media_src) as src:
        assert src.duration_ms() == src.available_until_ms() > 0
        assert src.keyframes_ms() == keyframes_ms(media_src)
        assert src.keyframes_ms() == keyframes_ms(media_src)  # kept, not re-read
