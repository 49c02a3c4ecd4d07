"""How many orders a stretch of the LIVE should have had, with no moment in it: the baseline orders judge against.

Orders are sparse: a product sells a handful of times an hour outside its pitch, so the median of its windowed
order counts is 0 and two orders would look like a spike. And the audience moves (a raid, an opening crowd that
drains away), so a count per window is no baseline either. The expectation here is instead a *rate per concurrent
viewer-second*, counted over the trailing :data:`HISTORY_S` seconds outside the moments that already sold (they
are not the baseline), blended with the priors (the seller's past LIVEs, else population defaults) in proportion
to how much history there is, times the viewer-seconds of the stretch judged. A product gets its share of that
rate (its own orders outside moments, smoothed towards an even split over the products seen, see
:data:`SHARE_PRIOR_ORDERS`). Orders also come in clusters (a
buyer takes two, a group buys together), so the counts are over-dispersed against Poisson: the stream's own
dispersion (robust Pearson residuals per 60-second window against the expectation, outside moments) scales
the significance of the stream's total (quasi-Poisson), so a cluster of the usual size is not a moment.

This depends only on the stream's own units of orders (never on GMV, which may come in cents or units) and
on the concurrent viewer counts (seconds without a known count weigh as one viewer-second each when the log has
none at all).
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass

import numpy as np

from .baseline import poisson_z
from .history import SeriesStore
from .priors import Priors

__all__ = ["HISTORY_S", "MAX_DISPERSION", "NO_VIEWERS_PRIOR_S", "RECHECK_ROUNDS", "RECHECK_Z", "SHARE_PRIOR_ORDERS",
           "OrderExpectation", "expected_orders", "product_share"]

HISTORY_S = 1800
"""Trailing history the order rate is counted over (long enough for sparse orders, short enough for drift)."""
DISPERSION_WINDOW_S = 60
MAX_DISPERSION = 6.0
SHARE_PRIOR_ORDERS = 3.0
"""A product's share of the stream's orders starts from an even split weighing as this many orders per product
(a Dirichlet prior): orders are sparse, and a product that happened to sell once in the last half hour is not
thereby a product that never sells, whose every pair of orders would stand out."""
RECHECK_Z = 1.0
"""In coarse data (a shop's per-minute totals), a stretch that sold stays out of the baseline only while its orders
still stand out by this z against the rate of the rest of the history (re-judged each time). A period flagged
against too low a rate (the first minutes judged against priors far below the stream's real rate) is then ordinary
again: left out for good, such periods would leave only the quietest minutes as the baseline, which would fall until
every minute "sold". At a second's resolution moments are pitches found from pins and clicks, and all stay out."""
RECHECK_ROUNDS = 2
"""How often the rate is re-estimated without the stretches that still stand out (first from all the history)."""
NO_VIEWERS_PRIOR_S = 600
"""Without viewer counts, the order rate's prior is one order per this many seconds (weighing as one order)."""


@dataclass(frozen=True)
class OrderExpectation:
    """Orders expected in a stretch, how over-dispersed the stream's orders are, and the resulting z."""

    expected: float
    dispersion: float
    z: float
    history_s: int
    """Seconds of the stream's own history the rate was counted over (outside moments)."""
    basis: str = "orders per viewer-second outside moments"
    """What the rate was counted over (written into the moment's evidence)."""


def expected_orders(store: SeriesStore, observed: float, product: str | None, a: int, b: int,
                    moments: list[tuple[int, int]], priors: Priors, recheck: bool = False,
                    until: int | None = None) -> OrderExpectation:
    """The expectation of orders (of ``product``; the stream's for ``None``) over seconds ``[a, b)``, and the
    quasi-Poisson z of ``observed`` against it. ``moments``: stretches that sold already (left out of the
    baseline, as is ``[a, b)``); with ``recheck`` only those that still stand out against the rest (coarse data,
    see :data:`RECHECK_Z`). ``until``: the history ends there, not at the newest second stored (a stretch judged
    later than it could have been, with what was known then)."""
    now = store.now if until is None else max(0, min(store.now, until))
    lo = max(0, min(a, now) - HISTORY_S)
    has_viewers = store.total("viewers", 0, now) > 0  # O(1): running totals
    viewers = store.array("viewers", 0, now) if has_viewers else np.ones(now)
    orders = store.array("orders", lo, now)
    exp_hist = viewers[lo:now]
    if has_viewers:
        p_rate, p_weight = priors.orders_per_viewer_s, priors.strength_orders / max(priors.orders_per_viewer_s, 1e-12)
    else:
        p_rate, p_weight = 1.0 / NO_VIEWERS_PRIOR_S, float(NO_VIEWERS_PRIOR_S)
    outside = _outside(orders, exp_hist, lo, now, moments, (a, b), p_rate, p_weight, recheck)
    exposure_hist = float(exp_hist[outside].sum())
    own = float(orders[outside].sum())
    if has_viewers:  # the priors, per viewer-second, weigh as PRIOR_STRENGTH_ORDERS orders of evidence
        rate = (p_rate * p_weight + own) / (p_weight + exposure_hist)
    else:  # no viewer counts: nothing to scale the priors by; one order per NO_VIEWERS_PRIOR_S as the prior
        rate = (own + 1.0) / (exposure_hist + NO_VIEWERS_PRIOR_S)
    expected = rate * float(viewers[max(0, a):max(0, min(b, now))].sum())
    if product is not None:
        ts, counts = store.product_orders.get(product, ([], []))
        first = bisect.bisect_left(ts, lo)
        mine = sum(c for t, c in zip(ts[first:], counts[first:], strict=True) if outside[t - lo])
        expected *= product_share(store, mine, own)
    # clusters of orders (a group buying together, one buyer's several products) widen the stream's counts; a
    # product's own orders are hardly clustered: Poisson for a product, quasi-Poisson for the stream's total
    dispersion = 1.0 if product is not None else _dispersion(orders[outside], exp_hist[outside] * rate)
    z = poisson_z(observed / dispersion, expected / dispersion)
    return OrderExpectation(expected, dispersion, z, int(outside.sum()))


def product_share(store: SeriesStore, mine: float, own: float) -> float:
    """A product's share of the stream's orders: its ``mine`` of the ``own`` orders counted, smoothed towards an even
    split over the products seen (pinned or sold), each weighing as :data:`SHARE_PRIOR_ORDERS` orders."""
    n_products = max(2, len(store.by_product) + len(store.pinned_ids - store.by_product.keys()))
    return (mine + SHARE_PRIOR_ORDERS) / (own + SHARE_PRIOR_ORDERS * n_products)


def _outside(orders: np.ndarray, exposure: np.ndarray, lo: int, now: int, moments: list[tuple[int, int]],
             judged: tuple[int, int], prior_rate: float, prior_weight: float, recheck: bool) -> np.ndarray:
    """Which seconds of ``[lo, now)`` are baseline: all but the stretch ``judged`` and the ``moments`` that sold;
    with ``recheck`` only those of them that still stand out (a z of :data:`RECHECK_Z`) against the rate of the
    rest, re-estimated :data:`RECHECK_ROUNDS` times from the rate of all of it (``prior_rate`` weighing as
    ``prior_weight`` viewer-seconds, as in :func:`expected_orders`)."""
    outside = np.ones(now - lo, dtype=bool)
    x, y = max(judged[0], lo), min(judged[1], now)
    if y > x:
        outside[x - lo:y - lo] = False
    spans = [(max(x, lo), min(y, now)) for x, y in moments if min(y, now) > max(x, lo)]
    if not spans:
        return outside
    if not recheck:
        for x, y in spans:
            outside[x - lo:y - lo] = False
        return outside
    sums = [(float(orders[x - lo:y - lo].sum()), float(exposure[x - lo:y - lo].sum()), x, y) for x, y in spans]
    mask = outside
    for _ in range(RECHECK_ROUNDS):
        rate = (float(orders[mask].sum()) + prior_rate * prior_weight) / max(
            float(exposure[mask].sum()) + prior_weight, 1e-12)
        mask = outside.copy()
        for k, e, x, y in sums:
            if poisson_z(k, rate * e) >= RECHECK_Z:
                mask[x - lo:y - lo] = False
    return mask


def _dispersion(counts: np.ndarray, expected: np.ndarray) -> float:
    """How over-dispersed the stream's orders are against Poisson: the median Pearson residual squared per
    :data:`DISPERSION_WINDOW_S` window over its median under Poisson (0.455, the median of chi-square with one
    degree of freedom), so the pitches that sold but were not (yet) found do not inflate it; in
    [1, :data:`MAX_DISPERSION`] (1 with fewer than 5 windows or no orders)."""
    w = DISPERSION_WINDOW_S
    k = len(counts) // w
    if k < 5:
        return 1.0
    c = counts[:k * w].reshape(k, w).sum(axis=1)
    e = expected[:k * w].reshape(k, w).sum(axis=1)
    keep = e > 0
    if keep.sum() < 5 or c.sum() <= 0:
        return 1.0
    ratio = float(np.median((c[keep] - e[keep]) ** 2 / e[keep])) / 0.455
    return float(min(MAX_DISPERSION, max(1.0, ratio))) if math.isfinite(ratio) else 1.0
