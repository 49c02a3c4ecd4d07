"""Coarse data judged in hindsight keeps its store's periods (:class:`~livehighlights.detect.hindsight.PeriodCache`)
instead of rebuilding them for every period judged, and judges a window's periods in one numpy pass
(:func:`~livehighlights.detect.baseline.poisson_z_array`): a pure speed-up, so every result is the same, bit for bit,
as computed afresh, one period at a time."""

from __future__ import annotations

import numpy as np

from livehighlights.detect.baseline import poisson_z, poisson_z_array
from livehighlights.detect.hindsight import LOOKAHEAD_S, PeriodCache, period_expectation, pitch_stretch
from livehighlights.detect.history import SeriesStore
from livehighlights.detect.priors import Priors
from livehighlights.models import Event
from livehighlights.signals import build_timeline

RES = 60


def test_poisson_z_array_is_poisson_z_bit_for_bit() -> None:
    rng = np.random.default_rng(3)
    n = 20_000
    observed = np.concatenate([rng.poisson(rng.exponential(5.0, n)).astype(float), rng.exponential(3.0, n),
                               [0.0, 1.0, 2.0, 1e-10, 1.0 - 1e-9, 50.0, 1e6, 3.0]])
    expected = np.concatenate([rng.exponential(5.0, n), rng.exponential(0.3, n),
                               [0.0, 0.0, 1e-12, 0.0, 1e-9, 1e-3, 1.0, 1e9]])
    got = poisson_z_array(observed, expected)
    want = np.array([poisson_z(o, e) for o, e in zip(observed, expected, strict=True)])
    assert np.array_equal(got.view(np.int64), want.view(np.int64))  # the same bits (signed zeros too)


def _shop(minutes: int, seed: int) -> list[Event]:
    """Two products; 300 viewers; an order every 20 s or so, a pitch (clicks, then more orders of its product) every
    seven minutes."""
    rng = np.random.default_rng(seed)
    events = [Event(m * 60_000, "viewers", count=300 + 10 * (m % 13)) for m in range(minutes)]
    for m in range(minutes):
        pitch = m % 7 in (2, 3)
        product = "a" if (m // 7) % 2 else "b"
        for _ in range(int(rng.poisson(8.0 if pitch else 3.0))):
            pid = product if pitch or rng.random() < 0.5 else ("b" if product == "a" else "a")
            events.append(Event(m * 60_000 + int(rng.integers(60_000)), "order", product_id=pid, quantity=1,
                                amount=20.0))
        clicks = int(rng.poisson(30.0 if pitch else 1.0))
        if clicks:
            events.append(Event(m * 60_000 + 20_000, "product_click", product_id=product, count=clicks))
    return sorted(events, key=lambda e: e.ts_ms)


def test_a_period_cache_kept_over_a_live_gives_what_each_period_computes_afresh() -> None:
    """Each minute, as the detector does, the periods an hour back (and, near the end, the last ones) are judged
    with the cache kept since the start and without any: the same stretches and expectations, for the stream and
    for each product."""
    minutes = 150
    timeline = build_timeline(_shop(minutes, 1), minutes * 60_000)
    store = SeriesStore()
    cache = PeriodCache(store, RES)
    priors = Priors()
    checked = 0
    for t in range(timeline.duration_s):
        store.push(timeline.second(t))
        now = store.now
        if now % RES and now != timeline.duration_s:
            continue
        judged = [now - LOOKAHEAD_S - 2 * RES] if now != timeline.duration_s else range(
            now // RES * RES - LOOKAHEAD_S, now - RES, RES)
        for a in judged:
            if a < 0:
                continue
            b, w_end = a + RES, min(now, a + 2 * RES)
            fresh, kept = pitch_stretch(store, a, b, w_end, RES), pitch_stretch(store, a, b, w_end, RES, cache)
            assert fresh == kept, (now, a)
            assert fresh is not None
            for product in (None, "a", "b"):
                observed = store.total("orders", fresh.start_s, fresh.end_s)
                assert period_expectation(store, observed, product, fresh.start_s, fresh.end_s, RES, priors) == (
                    period_expectation(store, observed, product, fresh.start_s, fresh.end_s, RES, priors, cache))
            checked += 1
    assert checked > 100
    assert cache.around(600, 660) is cache.around(600, 660)  # a window once built is reused
    late = PeriodCache(store, RES)  # asked about the LIVE's end first, then about earlier periods
    for a in (store.now - 2 * RES, 0, 600, 3000):
        observed = store.total("orders", a, a + RES)
        assert pitch_stretch(store, a, a + RES, a + 2 * RES, RES, late) == pitch_stretch(store, a, a + RES,
                                                                                          a + 2 * RES, RES)
        assert period_expectation(store, observed, "a", a, a + 2 * RES, RES, priors, late) == period_expectation(
            store, observed, "a", a, a + 2 * RES, RES, priors)
