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
"""

from __future__ import annotations

import math
import os

from ..models import Moment
from .history import SeriesStore

__all__ = ["PeriodRuns"]

MAX_RUN = int(os.environ.get("MAXRUN", "0"))
SPLIT_MINIMA = os.environ.get("MINIMA", "0") == "1"
RANK = os.environ.get("RANK", "")
DROPNEG = os.environ.get("DROPNEG", "0") == "1"
QUIET_TROUGH = os.environ.get("QT", "0") == "1"
DROP_TROUGH = os.environ.get("DROP", "0") == "1"


class PeriodRuns:
    """Joins consecutive period moments that sold (kind ``sales``, or ``product`` of one product) into one moment
    per run, online."""

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
        pieces = self._split(run)
        if DROPNEG and self.store is not None and len(pieces) > 1:
            kept = [p for p in pieces if self._excess(p) > 0]
            pieces = kept or [max(pieces, key=self._excess)]
        return [self._join(piece) for piece in pieces]

    def _rate(self, m: Moment) -> float:
        st = self.store
        a, b = m.start_ms // 1000, m.end_ms // 1000
        v = st.total("viewers", a, b)
        return st.total("orders", a, b) / v if v > 0 else st.total("orders", a, b)

    def _split(self, run: list[Moment]) -> list[list[Moment]]:
        if self.store is None or len(run) < 3:
            return [run]
        rates = [self._rate(m) for m in run]
        cut = None
        if SPLIT_MINIMA:
            base = self._base(run) if QUIET_TROUGH else float("inf")
            interior = [i for i in range(1, len(run) - 1) if rates[i] < rates[i - 1] and rates[i] < rates[i + 1]
                        and rates[i] <= base]
            if interior:
                cut = min(interior, key=lambda i: (rates[i], abs(2 * i - len(run))))
        if cut is None and MAX_RUN and len(run) > MAX_RUN:
            cut = min(range(1, len(run) - 1), key=lambda i: (rates[i], abs(2 * i - len(run))))
        if cut is None:
            return [run]
        left, right = run[:cut], run[cut + 1:] if DROP_TROUGH else run[cut:]
        if not DROP_TROUGH and rates[cut - 1] < rates[cut + 1] if cut + 1 < len(run) else False:
            pass
        return self._split(left) + self._split(right)

    def _base(self, run: list[Moment]) -> float:
        st = self.store
        rates = []
        for m in run:
            e = m.evidence.get("orders", {})
            x, y = e.get("pitch_s") or m.evidence["window_s"]
            v = st.total("viewers", x, y)
            rates.append(e.get("expected", 0.0) / v if v > 0 else 0.0)
        rates.sort()
        return rates[len(rates) // 2]

    def _excess(self, run: list[Moment]) -> float:
        st = self.store
        rates = []
        for m in run:
            e = m.evidence.get("orders", {})
            x, y = e.get("pitch_s") or m.evidence["window_s"]
            v = st.total("viewers", x, y)
            rates.append(e.get("expected", 0.0) / v if v > 0 else 0.0)
        rates.sort()
        rate = rates[len(rates) // 2]
        a, b = run[0].start_ms // 1000, run[-1].end_ms // 1000
        lag = b - run[-1].start_ms // 1000
        o = st.total("orders", a, b + lag)
        exc = o - rate * st.total("viewers", a, b + lag)
        per_min = 60.0 * st.total("orders", 0, st.now) / max(60, st.now)
        return exc / max(per_min, 0.5)

    def _join(self, run: list[Moment]) -> Moment:
        best = max(run, key=lambda m: m.score)
        if self.store is not None and RANK:
            x = self._excess(run)
            best.evidence["excess_per_live_minute"] = round(x, 3)
            if RANK == "excess":
                best.score = x
            elif RANK == "log":
                best.score += 2.0 * max(0.0, math.log2(max(x, 1e-9)))
            elif RANK == "sum":
                best.score = sum(m.score for m in run)
        if len(run) > 1:
            best.start_ms, best.end_ms = run[0].start_ms, run[-1].end_ms
            best.evidence["periods"] = [{"start_s": m.start_ms // 1000, "orders": m.evidence.get("orders")}
                                        for m in run]
        return best
