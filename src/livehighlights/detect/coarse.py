"""Moments from coarse data: a shop's per-minute analytics (or counters polled each minute).

At a minute's resolution there are no pins or bursts of seconds to segment by: every period is a candidate of
its own (:class:`~livehighlights.detect.segments.Segmenter` yields one ``period`` segment per period). A pitch's
orders land in its own period or the next one (orders come 15-60 s after the pitch, some later), so a period is
judged on the orders of itself and the next period; where the data has product clicks, a period of a pitch (the
periods whose clicks stand out) on the orders of the whole pitch and the period after it, against the quiet periods
on both sides of it (:mod:`~livehighlights.detect.hindsight`); without clicks, against the stream's own rate per
viewer before it, outside moments (:func:`~livehighlights.detect.expect.expected_orders`). Consecutive periods that
sold are one pitch: they are held until the run ends and emitted as one moment spanning the run, scored and
described by its strongest period (the others listed in its evidence). Periods that did not sell pass through as
they are.

A run is also judged as a whole (:func:`run_orders`): its orders over the stretches its periods were judged on,
against the rate those periods were judged against. Its periods' orders overlap (each counts the period after it)
and each period holds only part of a pitch's orders, so the run's own total is the evidence that it sold, and how
much it sold (see :meth:`~livehighlights.detect.shopping.ShoppingMomentDetector.rank_run`).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..models import Moment
from .baseline import poisson_z
from .history import SeriesStore

__all__ = ["PeriodRuns", "RunOrders", "run_orders"]


@dataclass(frozen=True)
class RunOrders:
    """A run's orders over seconds ``[start_s, end_s)`` (the stretches its periods were judged on, joined), the
    orders expected there at the rate its periods were judged against (their median rate per viewer-second), the
    over-dispersion they were judged with (their median) and the quasi-Poisson z of the orders against it."""

    start_s: int
    end_s: int
    orders: float
    expected: float
    dispersion: float
    z: float


def run_orders(store: SeriesStore, run: list[Moment]) -> RunOrders | None:
    """The orders of a run of period moments judged as one (``None`` when its moments carry no order evidence)."""
    judged = []  # per period: its order evidence and the stretch it was judged on (a pitch's, else its own window)
    for m in run:
        evidence = m.evidence.get("orders")
        stretch = (evidence.get("pitch_s") or m.evidence.get("window_s")) if evidence else None
        if stretch:
            judged.append((evidence, stretch))
    if not judged:
        return None
    has_viewers = store.total("viewers", 0, store.now) > 0

    def exposure(x: int, y: int) -> float:
        return store.total("viewers", x, y) if has_viewers else float(max(0, min(y, store.now) - max(0, x)))

    rates = sorted(o["expected"] / e for o, (x, y) in judged if (e := exposure(x, y)) > 0)
    dispersions = sorted(float(o.get("dispersion", 1.0)) for o, _ in judged)
    a, b = min(x for _, (x, _) in judged), max(y for _, (_, y) in judged)
    orders = store.total("orders", a, b)
    expected = (rates[len(rates) // 2] if rates else 0.0) * exposure(a, b)
    dispersion = max(1.0, dispersions[len(dispersions) // 2])
    return RunOrders(a, b, orders, expected, dispersion, poisson_z(orders / dispersion, expected / dispersion))


class PeriodRuns:
    """Joins consecutive period moments that sold (kind ``sales``, or ``product`` of one product) into one moment
    per run, online. With a ``store``, the run's orders judged as one (:func:`run_orders`) are its evidence
    ``run_orders``."""

    def __init__(self, store: SeriesStore | None = None) -> None:
        self._run: list[Moment] = []
        self.store = store

    def push(self, moment: Moment) -> list[Moment]:
        """Take the next period's moment (in time order); return the moments complete now."""
        if moment.kind not in ("sales", "product"):
            return [*self.flush(), moment]
        if self._run and (moment.start_ms > self._run[-1].end_ms or moment.product_id != self._run[-1].product_id):
            out = self.flush()
            self._run = [moment]
            return out
        self._run.append(moment)
        return []

    def flush(self) -> list[Moment]:
        """The run held so far as one moment (nothing when none is held)."""
        run, self._run = self._run, []
        if not run:
            return []
        best = max(run, key=lambda m: m.score)
        whole = run_orders(self.store, run) if self.store is not None else None
        if len(run) > 1:
            best.start_ms, best.end_ms = run[0].start_ms, run[-1].end_ms
            best.evidence["periods"] = [{"start_s": m.start_ms // 1000, "orders": m.evidence.get("orders")}
                                        for m in run]
        if whole is not None:
            best.evidence["run_orders"] = {"window_s": [whole.start_s, whole.end_s], "value": whole.orders,
                                           "expected": round(whole.expected, 3),
                                           "dispersion": round(whole.dispersion, 2), "z": round(whole.z, 2)}
        return [best]
