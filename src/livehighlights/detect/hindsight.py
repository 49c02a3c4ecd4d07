"""Coarse data (a shop's per-minute totals) judged in hindsight: each period against the periods on both sides.

A shop's per-minute export is read after the LIVE: the whole series is known. Judged only against the minutes
before it (:func:`~livehighlights.detect.expect.expected_orders`), the first minutes of a LIVE lean on priors that
may be far off this shop (a busy shop selling 16 times the population rate runs its first twenty minutes together
into one "sale"), and a baseline of the past alone lags every drift of the rate. Here, where the export has product
clicks or add-to-carts:

- **Pitches from product interest.** A period whose clicks and add-to-carts per viewer are :data:`HOT_LIFT` times
  the usual level of the periods around it (their :data:`USUAL_QUANTILE`), and stand out by a z of :data:`HOT_Z`
  against it, is part of a pitch; consecutive such
  periods, up to :data:`MAX_PITCH_PERIODS`, are one pitch. Each of its periods is judged on the orders of the whole
  pitch and one period after it (a pitch's orders spread over its minutes and after them), so its periods share one
  verdict (and make one moment, :mod:`.coarse`); a longer run is pitches back to back, each of its periods judged
  as a pitch of its own.
- **The usual rate from the quiet periods on both sides.** The expectation is the stream's orders per concurrent
  viewer-second over the periods within :data:`WINDOW_S` seconds before and after the stretch judged that are no
  pitch nor the period after one (the orders of pitches, sold or not, are no baseline), robustly: periods whose
  orders still stand out by a z of :data:`TRIM_Z` (quasi-Poisson) are left out and the rate re-estimated,
  :data:`ROUNDS` times. Its over-dispersion (clusters: a group buying together) is the mean Pearson residual squared
  of the periods kept (quasi-Poisson), in [1, :data:`~livehighlights.detect.expect.MAX_DISPERSION`]. Nothing depends
  on the order periods are judged in, nor on the priors but as one order's worth of evidence.
- **Whether a pitch sold.** The pitch is known from its clicks; only whether it sold is asked. It did when its
  orders came to two or more and at least :data:`PITCH_SOLD_RATIO` times the expectation (:func:`pitch_sold`).

Without any product click or add-to-cart around a period nothing tells a pitch from the usual minutes, and a shop
whose pitches fill most of its LIVE cannot be told by its order counts alone from one whose orders come in
clusters: such data keeps the causal path (:func:`~livehighlights.detect.expect.expected_orders` with its re-check of
the periods that sold, see :data:`~livehighlights.detect.expect.RECHECK_Z`); :func:`pitch_stretch` says which.

During a LIVE (counters polled each minute) the same holds with a delay: a period is judged :data:`LOOKAHEAD_S`
seconds after its orders are in (the periods of a LIVE's last minutes at its end, from what there is after them).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .baseline import poisson_z
from .expect import MAX_DISPERSION, NO_VIEWERS_PRIOR_S, OrderExpectation, product_share
from .history import SeriesStore
from .priors import Priors

__all__ = ["HOT_LIFT", "HOT_Z", "LOOKAHEAD_S", "MAX_PITCH_PERIODS", "MIN_PERIODS", "PITCH_SOLD_RATIO", "ROUNDS",
           "TRIM_Z", "USUAL_QUANTILE", "WINDOW_S", "PitchStretch", "period_expectation", "pitch_sold", "pitch_stretch"]

WINDOW_S = 3600
"""Seconds on each side of the stretch judged whose quiet periods form its baseline (an hour: enough quiet periods
in a LIVE whose pitches fill most of it, yet following the drift of a long LIVE's rate per viewer)."""
LOOKAHEAD_S = WINDOW_S
"""How long after a period's orders are in it is judged (the seconds after it that its baseline looks at)."""
TRIM_Z = 2.0
"""A quiet period whose orders stand out by this z against the rate of the others is left out of the baseline."""
ROUNDS = 3
"""Rounds of re-estimating the rate without the periods that stood out (the first from all quiet periods)."""
HOT_LIFT = 2.0
"""A period is part of a pitch when its product clicks and add-to-carts per viewer are above this many times the
usual level (:data:`USUAL_QUANTILE`) of the periods around it."""
HOT_Z = 3.0
"""... and stand out by this z (Poisson) against it: a few clicks more than usual by chance are no pitch."""
USUAL_QUANTILE = 0.25
"""The usual level of product interest: this quantile of the periods around (most minutes of a shopping LIVE may be
pitches; a quarter of them are not)."""
MAX_PITCH_PERIODS = 5
"""A run of periods with product interest longer than this is several pitches back to back: each of its periods is
judged as a pitch of its own (its orders and the period after it)."""
MIN_PERIODS = 5
"""Fewer periods kept than this: the dispersion is taken as 1 (Poisson)."""
PITCH_SOLD_RATIO = 1.25
"""A pitch sold when its orders came to at least this many times the expectation: closer to a sale of the smallest
lift a pitch that sells brings (1.5 times the usual orders) than to no sale."""


@dataclass(frozen=True)
class PitchStretch:
    """The seconds ``[start_s, end_s)`` whose orders judge a period; ``pitch``: the period is part of a pitch (a run
    of periods that drew product interest) and the stretch is that pitch and one period after it."""

    start_s: int
    end_s: int
    pitch: bool


@dataclass(frozen=True)
class _Periods:
    """The periods of ``[lo, lo + res * len(orders))``: orders, exposure (viewer-seconds, or seconds without viewer
    counts) and which drew product interest (``None`` without any click or add-to-cart)."""

    lo: int
    res: int
    orders: np.ndarray
    exposure: np.ndarray
    hot: np.ndarray | None
    has_viewers: bool


def _periods(store: SeriesStore, a: int, b: int, res: int) -> _Periods:
    """The periods within :data:`WINDOW_S` seconds of ``[a, b)`` (as far as the store holds)."""
    now = store.now
    lo = max(0, (a - WINDOW_S) // res * res)
    hi = min(now, -(-(b + WINDOW_S) // res) * res)
    has_viewers = store.total("viewers", 0, now) > 0
    orders = _per_period(store.array("orders", lo, hi), res)
    exposure = _per_period(store.array("viewers", lo, hi) if has_viewers else np.ones(max(0, hi - lo)), res)
    interest = _per_period(store.array("product_clicks", lo, hi) + store.array("add_to_carts", lo, hi), res)
    hot = None
    if interest.sum() > 0:
        rate = np.where(exposure > 0, interest / np.maximum(exposure, 1e-12), 0.0)
        usual = float(np.quantile(rate, USUAL_QUANTILE)) * exposure  # the interest a period has without a pitch
        hot = (interest > 0) & (interest > HOT_LIFT * usual) & np.array(
            [poisson_z(k, u) >= HOT_Z for k, u in zip(interest, usual, strict=True)], dtype=bool)
    return _Periods(lo, res, orders, exposure, hot, has_viewers)


def pitch_stretch(store: SeriesStore, a: int, b: int, w_end: int, period_s: int) -> PitchStretch | None:
    """The stretch whose orders judge the period ``[a, b)`` (its own orders counted up to ``w_end``): the pitch that
    holds it and the same lag after the pitch, else ``[a, w_end)``. ``None`` where no period around it has a product
    click or add-to-cart: nothing tells a pitch, and the period is judged causally (see the module docstring)."""
    p = _periods(store, a, b, max(1, period_s))
    if p.hot is None:
        return None
    k = (a - p.lo) // p.res
    if k >= len(p.hot) or not p.hot[k]:
        return PitchStretch(a, w_end, False)
    first, last = k, k
    while first > 0 and p.hot[first - 1] and last - first < MAX_PITCH_PERIODS:
        first -= 1
    while last + 1 < len(p.hot) and p.hot[last + 1] and last - first < MAX_PITCH_PERIODS:
        last += 1
    if last - first + 1 > MAX_PITCH_PERIODS:  # pitches back to back: this period of one of them, alone
        return PitchStretch(a, w_end, True)
    return PitchStretch(p.lo + first * p.res, max(w_end, p.lo + (last + 1) * p.res + (w_end - b)), True)


def pitch_sold(orders: float, expected: float) -> bool:
    """Whether a pitch whose stretch had ``orders`` where ``expected`` were expected sold (:data:`PITCH_SOLD_RATIO`,
    two orders or more)."""
    return orders >= 2 and orders >= PITCH_SOLD_RATIO * expected


def period_expectation(store: SeriesStore, observed: float, product: str | None, a: int, b: int, period_s: int,
                       priors: Priors) -> OrderExpectation:
    """The expectation of orders (of ``product``; the stream's for ``None``) over seconds ``[a, b)`` of data in
    periods of ``period_s`` seconds, from the quiet periods within :data:`WINDOW_S` seconds before ``a`` and after
    ``b``, and the quasi-Poisson z of ``observed`` against it."""
    res = max(1, period_s)
    p = _periods(store, a, b, res)
    orders, exposure = p.orders, p.exposure
    starts = p.lo + res * np.arange(len(orders))
    kept = ~((starts < b) & (starts + res > a)) & (exposure > 0)  # the periods judged are no baseline
    if p.hot is not None:  # nor are pitches and the period after each (their orders' lag), sold or not; with
        # hardly a quiet period left (a short LIVE of pitches), the priors weigh in as at a LIVE's start
        kept &= ~(p.hot | np.concatenate(([False], p.hot[:-1])))
    if p.has_viewers:  # the priors, per viewer-second, weigh as their strength in orders
        p_rate = priors.orders_per_viewer_s
        p_weight = priors.strength_orders / max(p_rate, 1e-12)
    else:
        p_rate, p_weight = 1.0 / NO_VIEWERS_PRIOR_S, float(NO_VIEWERS_PRIOR_S)
    quiet = kept.copy()
    rate, dispersion = p_rate, 1.0
    for _ in range(ROUNDS):
        rate = (float(orders[kept].sum()) + p_rate * p_weight) / (float(exposure[kept].sum()) + p_weight)
        dispersion = _dispersion(orders[kept], exposure[kept] * rate)
        z = np.array([poisson_z(o / dispersion, e * rate / dispersion) for o, e in zip(orders, exposure, strict=True)])
        kept = quiet & (z < TRIM_Z)
    now = store.now
    span = store.array("viewers", a, b) if p.has_viewers else np.ones(max(0, min(b, now) - max(0, a)))
    expected = rate * float(span.sum())
    if product is not None:  # the product's share of the stream's orders in the periods kept
        ts, counts = store.product_orders.get(product, ([], []))
        hi = p.lo + res * len(orders)
        mine = sum(c for t, c in zip(ts, counts, strict=True) if p.lo <= t < hi and kept[(t - p.lo) // res])
        expected *= product_share(store, mine, float(orders[kept].sum()))
        dispersion = 1.0  # a product's own orders are hardly clustered (as in .expect)
    z_obs = poisson_z(observed / dispersion, expected / dispersion)
    return OrderExpectation(expected, dispersion, z_obs, int(kept.sum()) * res,
                            basis=f"orders per viewer-second in the quiet periods of {WINDOW_S // 60} minutes on "
                                  "both sides (no pitch, nor one's lag; those standing out left out)")


def _per_period(values: np.ndarray, res: int) -> np.ndarray:
    """Per-second ``values`` summed per period of ``res`` seconds (a last partial period summed as it is)."""
    k = -(-len(values) // res)
    padded = np.zeros(k * res)
    padded[:len(values)] = values
    return padded.reshape(k, res).sum(axis=1)


def _dispersion(counts: np.ndarray, expected: np.ndarray) -> float:
    """Mean Pearson residual squared of the periods (over-dispersion against Poisson), in [1,
    :data:`~livehighlights.detect.expect.MAX_DISPERSION`]; 1 with fewer than :data:`MIN_PERIODS` periods or no
    orders."""
    keep = expected > 0
    if keep.sum() < MIN_PERIODS or counts.sum() <= 0:
        return 1.0
    ratio = float(np.mean((counts[keep] - expected[keep]) ** 2 / expected[keep]))
    return float(min(MAX_DISPERSION, max(1.0, ratio))) if math.isfinite(ratio) else 1.0
