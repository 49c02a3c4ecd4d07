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

from ..models import Moment

__all__ = ["PeriodRuns"]


class PeriodRuns:
    """Joins consecutive period moments that sold (kind ``sales``, or ``product`` of one product) into one moment
    per run, online."""

    def __init__(self) -> None:
        self._run: list[Moment] = []

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
        if len(run) > 1:
            best.start_ms, best.end_ms = run[0].start_ms, run[-1].end_ms
            best.evidence["periods"] = [{"start_s": m.start_ms // 1000, "orders": m.evidence.get("orders")}
                                        for m in run]
        return [best]
