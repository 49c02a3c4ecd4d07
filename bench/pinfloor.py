"""Experiment (issue 13, gen3 diagnosis): judge the product on screen against this LIVE's *usual pitch*.

In eventgen3 (and, less, in eventgen) the pinned product takes a large share of a LIVE's routine orders whether or
not its pitch sold, while the detector expects a product's orders from its share of the orders outside moments,
smoothed to an even split over the catalogue (``detect/expect.py``): a flop pitch's routine orders read as a sale.
This script measures floors under that expectation, built from the LIVE's past pin periods (one pin period = one
pitch), WITHOUT changing the detector: it patches the running detector in this process only, then runs
``bench/detect.py``'s settings. None of the designs paid (see ``docs/gen3-pitch-floor.md``); the script stays so
that the result can be re-measured after other changes.

Estimators (each needs :data:`MIN_PITCHES` past pin periods of :data:`MIN_PIN_S` or more; each period's orders are
counted over its pin and :data:`PITCH_LAG_S` after):

- ``rate``: the quantile of the pin periods' orders of their product per viewer-second, times the viewer-seconds of
  the stretch judged;
- ``share``: the quantile of the pin periods' share of the stream's orders taken by their product (periods with
  ``--min-orders`` orders or more), times the stream's expected orders in the stretch;
- ``displaced``: one minus the other products' orders per viewer-second over pinned seconds against the stream's
  rate (sales add orders to the pinned product and take none from the others), with a prior of ``--prior`` orders
  of no displacement, times the stream's expected orders.

Modes: ``expect`` (the floor enters the expectation: it decides whether a pitch sold, and ranks it), ``rank`` (the
floor only ranks: the ``sale`` component is the z against the floored expectation, where lower). ``--all-segments``
applies the floor to every product segment, not only where the product was pinned :data:`MIN_PIN_S` of the stretch.

    nice -n 19 env PYTHONPATH=$PWD/src python bench/pinfloor.py --estimator share --quantile 0.25 --mode rank \\
        --all-segments -- --only gen2-sales gen3-sales
"""

from __future__ import annotations

import argparse
import sys
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))

from livehighlights.detect import expect, shopping  # noqa: E402
from livehighlights.detect.baseline import poisson_z  # noqa: E402
from livehighlights.detect.history import SeriesStore  # noqa: E402
from livehighlights.detect.options import DetectOptions  # noqa: E402
from livehighlights.detect.segments import Segment  # noqa: E402
from livehighlights.models import Moment  # noqa: E402

MIN_PITCHES = 3
MIN_PIN_S = 20
PITCH_LAG_S = DetectOptions.order_lag_s


@dataclass(frozen=True)
class PinRun:
    """``product`` pinned over seconds ``[start_s, end_s)``."""

    product: str
    start_s: int
    end_s: int


@dataclass
class _Scan:
    scanned: int = 0
    open_pid: str | None = None
    open_start: int = 0
    runs: list[PinRun] = field(default_factory=list)
    pinned_exposure: list[float] = field(default_factory=lambda: [0.0])
    others: list[float] = field(default_factory=lambda: [0.0])


_SCANS: weakref.WeakKeyDictionary[SeriesStore, _Scan] = weakref.WeakKeyDictionary()


def scan(store: SeriesStore) -> _Scan:
    """Closed pin periods, cumulative pinned viewer-seconds and other products' orders in them (incremental)."""
    s = _SCANS.get(store)
    if s is None or s.scanned > store.now:
        s = _SCANS[store] = _Scan()
    viewers = store.array("viewers", s.scanned, store.now)
    orders = store.array("orders", s.scanned, store.now)
    for t in range(s.scanned, store.now):
        pid = store.pinned[t]
        v = o = 0.0
        if pid is not None:
            v = float(viewers[t - s.scanned])
            mine = store.by_product.get(pid, {}).get(t)
            o = float(orders[t - s.scanned]) - (mine.get("orders", 0.0) if mine else 0.0)
        s.pinned_exposure.append(s.pinned_exposure[-1] + v)
        s.others.append(s.others[-1] + o)
        if pid != s.open_pid:
            if s.open_pid is not None:
                s.runs.append(PinRun(s.open_pid, s.open_start, t))
            s.open_pid, s.open_start = pid, t
    s.scanned = store.now
    return s


def _past(store: SeriesStore, before_s: int) -> list[tuple[PinRun, int]]:
    return [(r, min(r.end_s + PITCH_LAG_S, before_s, store.now)) for r in scan(store).runs
            if r.end_s <= before_s and r.end_s - r.start_s >= MIN_PIN_S]


@dataclass(frozen=True)
class Floor:
    """One design: estimator, quantile, least orders for a share sample, prior (displaced), segments floored."""

    estimator: str
    quantile: float
    min_orders: float
    prior: float
    all_segments: bool

    def orders(self, store: SeriesStore, product: str, a: int, b: int, stream_expected: float) -> float:
        """The usual pitch's orders of ``product`` over ``[a, b)``; 0 where no floor applies."""
        pinned = sum(1 for p in store.pinned[max(0, a):max(0, min(b, store.now))] if p == product)
        if not self.all_segments and pinned < MIN_PIN_S:
            return 0.0
        past = _past(store, a)
        if len(past) < MIN_PITCHES:
            return 0.0
        exposure = store.total("viewers", a, b)
        if self.estimator == "rate":
            rates = [store.product_total(r.product, "orders", r.start_s, hi) / v for r, hi in past
                     if (v := store.total("viewers", r.start_s, hi)) > 0]
            return float(np.quantile(rates, self.quantile)) * exposure if len(rates) >= MIN_PITCHES else 0.0
        if self.estimator == "share":
            shares = [store.product_total(r.product, "orders", r.start_s, hi) / n for r, hi in past
                      if (n := store.total("orders", r.start_s, hi)) >= self.min_orders]
            return float(np.quantile(shares, self.quantile)) * stream_expected if len(shares) >= MIN_PITCHES else 0.0
        s = scan(store)
        t = max(0, min(a, store.now))
        rate = stream_expected / exposure if exposure > 0 else 0.0
        usual = rate * s.pinned_exposure[t]
        if usual <= 0:
            return 0.0
        share = min(1.0, max(0.0, 1.0 - (s.others[t] + self.prior) / (usual + self.prior)))
        return share * stream_expected


def patch_expectation(floor: Floor) -> None:
    """The floor enters the expectation every product's orders are judged by (in this process)."""
    original = expect.expected_orders

    def floored(store, observed, product, a, b, moments, priors, recheck=False):  # type: ignore[no-untyped-def]
        exp = original(store, observed, product, a, b, moments, priors, recheck)
        if product is None:
            return exp
        stream = original(store, store.total("orders", a, b), None, a, b, moments, priors, recheck)
        low = floor.orders(store, product, a, b, stream.expected)
        if low <= exp.expected:
            return exp
        return expect.OrderExpectation(low, exp.dispersion, poisson_z(observed, low), exp.history_s)

    shopping.expected_orders = floored


def patch_ranking(floor: Floor) -> None:
    """The floor only ranks: a product moment's ``sale`` component is its z against the floored expectation."""
    original: Callable[..., Moment] = shopping.ShoppingMomentDetector.score

    def score(self, seg: Segment, counted_from: int | None = None, sold_before: bool = False) -> Moment:  # type: ignore[no-untyped-def]
        m = original(self, seg, counted_from, sold_before)
        if "sale" not in m.breakdown or m.product_id is None:
            return m
        o_a, w_end = m.evidence["window_s"]
        o_a = max(o_a, counted_from or o_a)
        st = self.store
        stream = expect.expected_orders(st, st.total("orders", o_a, w_end), None, o_a, w_end, self._sold,
                                        self.opts.priors)
        low = floor.orders(st, m.product_id, o_a, w_end, stream.expected)
        ev = m.evidence["sale"]
        if low <= ev["expected"]:
            return m
        z = min(m.evidence["orders"]["z"], poisson_z(ev["orders"], low))
        sale = self.opts.sale_weight * min(self.opts.z_cap, max(0.0, z))
        m.score += sale - m.breakdown["sale"]
        m.breakdown["sale"] = sale
        ev["pitch_floor"] = round(low, 3)
        return m

    shopping.ShoppingMomentDetector.score = score  # type: ignore[method-assign]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--estimator", choices=("rate", "share", "displaced"), default="share")
    ap.add_argument("--quantile", type=float, default=0.25)
    ap.add_argument("--min-orders", type=float, default=1.0, help="share: least orders of a pin period sampled")
    ap.add_argument("--prior", type=float, default=10.0, help="displaced: orders of no displacement, as a prior")
    ap.add_argument("--mode", choices=("expect", "rank"), default="expect")
    ap.add_argument("--all-segments", action="store_true")
    ap.add_argument("rest", nargs=argparse.REMAINDER, help="-- then bench/detect.py's arguments")
    args = ap.parse_args()
    floor = Floor(args.estimator, args.quantile, args.min_orders, args.prior, args.all_segments)
    (patch_expectation if args.mode == "expect" else patch_ranking)(floor)
    import detect  # bench/detect.py, after the patch

    sys.argv = [sys.argv[0], *[a for a in args.rest if a != "--"]]
    detect.main()


if __name__ == "__main__":
    main()
