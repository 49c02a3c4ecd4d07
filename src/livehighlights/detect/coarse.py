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

A run longer than :data:`MAX_RUN_S` is several pitches (a shop pitching one product after another sells every
minute): where its periods were judged on pitches (data with clicks) it is cut at the pitches' boundaries into pieces
of at most that length where the boundaries allow (:func:`split_run`), each a moment of its own, judged and ranked
as a run.

A run is also judged as a whole (:func:`run_orders`): its orders over the stretches its periods were judged on,
against the rate those periods were judged against. Its periods' orders overlap (each counts the period after it)
and each period holds only part of a pitch's orders, so the run's own total is the evidence that it sold, and how
much it sold (see :meth:`~livehighlights.detect.shopping.ShoppingMomentDetector.rank_run`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..models import Moment
from .baseline import poisson_z
from .history import SeriesStore

__all__ = ["MAX_RUN_S", "PeriodRuns", "RunOrders", "run_orders", "split_run"]

MAX_RUN_S = 180
"""The longest run of periods that sold told as one moment where it can be cut at pitches (:func:`split_run`), in
seconds (three periods of a minute). A pitch lasts one to three minutes and its orders land in its periods and the
one after (see above); a shop that pitches one product after another sells in every minute for ten or more, and
told as one moment those pitches are one highlight where the seller wants one per pitch. ``bench/detect.py``,
top-K one-to-one recall (``ours top-K 1:1``): sim-perminute 0.500 -> 0.796, gen2-perminute 0.615 -> 0.631; cutting
at any lull into pieces of at most 240 s or 300 s, sim-perminute reached 0.722 and 0.648 only."""


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


def split_run(run: list[Moment], store: SeriesStore, max_s: int = MAX_RUN_S) -> list[list[Moment]]:
    """``run`` (consecutive period moments that sold, in time order) cut into pieces, one per pitch where that
    can be told, each a moment of its own.

    A run longer than ``max_s`` whose periods were judged on pitches (data with product clicks: a pitch is the
    periods whose clicks stand out, :mod:`.hindsight`) is cut where the stretch its periods were judged on changes
    (one pitch ends, another or a period outside pitches begins): at the one of those boundaries before the period
    of fewest orders per viewer (orders per second without viewer counts), the lull between two pitches, nearest
    the middle among equals, leaving two periods at least on either side (a lone period after a pitch is its
    orders' lag, which the pitch's moment counts already); then each part again, until each piece is at most
    ``max_s`` long or has no such boundary left. Periods judged on one pitch are never parted (they share that
    pitch's orders: parted, each piece would carry the same evidence). A run without pitches (no clicks: each
    period judged on its own) is not cut: its minutes alone do not tell a pitch's lagging orders from the next
    pitch, and cut at its lulls, its pieces crowded the top moments (``bench/detect.py`` perminute-noclicks,
    eventgen2: top-K one-to-one recall 0.569 -> 0.492 with pieces of 3 minutes)."""
    period_ms = max(1, run[0].end_ms - run[0].start_ms) if run else 1
    if len(run) * period_ms <= max_s * 1000 or not any(_pitch(m) for m in run):
        return [run] if run else []
    cuts = [i for i in range(2, len(run) - 1) if _judged_on(run[i]) != _judged_on(run[i - 1])]
    if not cuts:
        return [run]
    has_viewers = store.total("viewers", 0, store.now) > 0

    def rate(m: Moment) -> float:
        a, b = m.start_ms // 1000, m.end_ms // 1000
        exposure = store.total("viewers", a, b) if has_viewers else float(b - a)
        return store.total("orders", a, b) / exposure if exposure > 0 else 0.0

    cut = min(cuts, key=lambda i: (rate(run[i]), abs(2 * i - len(run))))
    return split_run(run[:cut], store, max_s) + split_run(run[cut:], store, max_s)


def _judged_on(m: Moment) -> tuple[int, int]:
    """The stretch a period moment's orders were judged on: its pitch (:func:`_pitch`), else its own period."""
    return _pitch(m) or (m.start_ms // 1000, m.end_ms // 1000)


def _pitch(m: Moment) -> tuple[int, int] | None:
    """The pitch a period moment's orders were judged on (its clicks stood out, :mod:`.hindsight`), if any."""
    stretch = (m.evidence.get("orders") or {}).get("pitch_s")
    return (int(stretch[0]), int(stretch[1])) if stretch else None


class PeriodRuns:
    """Joins consecutive period moments that sold (kind ``sales``, or ``product`` of one product) into one moment
    per run, online. With a ``store``, a run longer than :data:`MAX_RUN_S` is one moment per piece
    (:func:`split_run`), and each one's orders judged as one (:func:`run_orders`) are its evidence ``run_orders``,
    handed with the moment to ``on_run`` (which may rank the moment by them) as each is told."""

    def __init__(self, store: SeriesStore | None = None,
                 on_run: Callable[[Moment, RunOrders], None] | None = None) -> None:
        self._run: list[Moment] = []
        self.store = store
        self.on_run = on_run

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
        """The run held so far as moments, one per piece (:func:`split_run`; nothing when none is held)."""
        run, self._run = self._run, []
        if not run:
            return []
        return [self._join(piece) for piece in (split_run(run, self.store) if self.store is not None else [run])]

    def _join(self, run: list[Moment]) -> Moment:
        best = max(run, key=lambda m: m.score)
        whole = run_orders(self.store, run) if self.store is not None else None
        if len(run) > 1:  # each period as it was judged, before the best one takes the run's bounds
            best.evidence["periods"] = [{"start_s": m.start_ms // 1000, "orders": m.evidence.get("orders")}
                                        for m in run]
            best.start_ms, best.end_ms = run[0].start_ms, run[-1].end_ms
        if whole is not None:
            best.evidence["run_orders"] = {"window_s": [whole.start_s, whole.end_s], "value": whole.orders,
                                           "expected": round(whole.expected, 3),
                                           "dispersion": round(whole.dispersion, 2), "z": round(whole.z, 2)}
            if self.on_run is not None:
                self.on_run(best, whole)
        return best
