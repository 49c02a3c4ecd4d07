"""Per-minute totals are judged in hindsight: each minute against the quiet minutes on both sides of it, a pitch (the
minutes its product clicks stand out) on its own orders. A shop selling far above the population priors is then
judged against its own rate from its first minute on: its early pitch is found on its own, its first minutes do not
run together into one "sale", and a pitch that drew clicks but sold nothing is no sale."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from livehighlights.detect import DetectOptions
from livehighlights.detect.hindsight import LOOKAHEAD_S
from livehighlights.detect.shopping import ShoppingMomentDetector
from livehighlights.engine import detect
from livehighlights.models import Event, Moment
from livehighlights.sim.minutes import write_minutes
from livehighlights.sources import load_events

MINUTES = 60
SOLD = (3, 14, 27, 44)
"""Minutes of the pitches that sold: 40 product clicks, then twice the usual orders over that minute and the next."""
UNSOLD = (35,)
"""A pitch that drew as many clicks and sold nothing more than usual."""


def _busy_shop(seed: int) -> list[Event]:
    """800 viewers buying about 8 orders a minute (about 17 times the population priors' rate per viewer), a few
    product clicks most minutes, the pitches above."""
    rng = np.random.default_rng(100 + seed)
    events = [Event(m * 60_000, "viewers", count=800) for m in range(MINUTES)]
    for m in range(MINUTES):
        rate = 16.0 if any(p <= m < p + 2 for p in SOLD) else 8.0
        for _ in range(int(rng.poisson(rate))):
            events.append(Event(m * 60_000 + int(rng.integers(60_000)), "order", quantity=1, amount=25.0))
        clicks = 40 if m in SOLD or m in UNSOLD else int(rng.poisson(2.0))
        if clicks:
            events.append(Event(m * 60_000 + 30_000, "product_click", count=clicks))
    return sorted(events, key=lambda e: e.ts_ms)


def _sales(path: Path, n: int) -> list[Moment]:
    return [m for m in detect(load_events(path).events, n * 60_000, DetectOptions(resolution_s=60)).moments
            if m.kind == "sales"]


def test_a_busy_shop_is_judged_against_its_own_rate_from_its_first_minute(tmp_path: Path) -> None:
    """Judged causally, the first ten to twenty minutes of such a shop ran together into one moment (the priors are
    far below its rate). In hindsight every pitch that sold is a moment of its own, a few minutes long, and the
    sales cover little more of the LIVE than the pitches that sold and their orders' minute after them."""
    for seed in (1, 2, 3):
        path = tmp_path / f"shop{seed}.minutes.csv"
        n = write_minutes(_busy_shop(seed), MINUTES * 60_000, path)
        spans = [(m.start_ms // 60_000, m.end_ms // 60_000) for m in _sales(path, n)]
        assert all(b - a <= 4 for a, b in spans), (seed, spans)
        for p in SOLD:
            assert any(a <= p + 1 and b > p for a, b in spans), (seed, p, spans)
        covered = sum(b - a for a, b in spans)
        assert covered <= 2 * len(SOLD) + 4, (seed, covered, spans)


def test_a_pitch_that_drew_clicks_but_sold_nothing_is_no_sale_and_evidence_says_why(tmp_path: Path) -> None:
    path = tmp_path / "shop.minutes.csv"
    n = write_minutes(_busy_shop(1), MINUTES * 60_000, path)
    sales = _sales(path, n)
    assert not [m for m in sales if m.start_ms < (UNSOLD[0] + 2) * 60_000 and m.end_ms > UNSOLD[0] * 60_000]
    first = next(m for m in sales if m.start_ms <= SOLD[0] * 60_000 < m.end_ms)
    orders = first.evidence["orders"]
    assert "both sides" in orders["baseline"]
    a, b = orders["pitch_s"]  # judged on the pitch's orders and its lag after it
    assert a <= SOLD[0] * 60 and b >= (SOLD[0] + 2) * 60
    assert orders["value"] >= 1.25 * orders["expected"]
    # the usual rate is the shop's own (about 8 orders a minute), not the priors' (about half an order a minute)
    assert 5.0 <= orders["expected"] / ((b - a) / 60) <= 12.0


def test_cumulative_counters_that_reset_find_the_same_sales_as_per_minute_totals(tmp_path: Path) -> None:
    events = _busy_shop(2)
    plain, cum = tmp_path / "plain.minutes.csv", tmp_path / "cum.minutes.csv"
    n = write_minutes(events, MINUTES * 60_000, plain)
    assert write_minutes(events, MINUTES * 60_000, cum, cumulative=True, reset_at=30) == n
    log = load_events(cum)
    assert any("reset" in w.message for w in log.warnings)
    assert [(m.start_ms, m.end_ms) for m in _sales(plain, n)] == [(m.start_ms, m.end_ms) for m in _sales(cum, n)]


def test_a_minute_is_judged_once_the_minutes_after_it_are_in() -> None:
    """Polled live, per-minute counters give their moments with a delay: the minutes after a minute are part of its
    baseline."""
    assert ShoppingMomentDetector(DetectOptions(resolution_s=60)).delay_s >= LOOKAHEAD_S + 60
    assert ShoppingMomentDetector(DetectOptions()).delay_s < LOOKAHEAD_S


def test_without_product_clicks_the_minutes_are_judged_causally_and_later_pitches_still_found(tmp_path: Path) -> None:
    """Without a click nothing tells a pitch from the usual minutes, and a LIVE whose pitches fill most of it cannot
    be told by its order counts alone from one whose orders come in clusters: the minutes are judged against the
    shop's rate before them (the re-check keeps the first minutes, judged against the priors, from dragging the
    baseline down). Its first minutes may still run together; the later pitches are found apart."""
    for seed in (1, 2, 3):
        path = tmp_path / f"noclicks{seed}.minutes.csv"
        n = write_minutes([e for e in _busy_shop(seed) if e.type != "product_click"], MINUTES * 60_000, path)
        sales = _sales(path, n)
        assert sales and all("both sides" not in m.evidence["orders"]["baseline"] for m in sales)
        spans = [(m.start_ms // 60_000, m.end_ms // 60_000) for m in sales]
        assert all(b - a <= 25 for a, b in spans), (seed, spans)
        for p in SOLD[2:]:
            assert any(a <= p + 1 and b > p and b - a <= 5 for a, b in spans), (seed, p, spans)
