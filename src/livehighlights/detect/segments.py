"""Online segmentation of a LIVE into candidate moments.

A pitch usually starts with the product being pinned; when the seller pins nothing, a burst of
product clicks, add-to-carts, chat or joins opens a segment instead. Segments close when the pin
changes or the activity falls quiet, and are split when they outgrow a clip.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .baseline import window_stats
from .history import SeriesStore
from .options import DetectOptions

ACTIVITY_GROUPS: dict[str, tuple[str, ...]] = {
    "interest": ("product_clicks", "add_to_carts"),
    "social": ("likes", "comments", "shares"),
    "traffic": ("views",),
}
"""Signal groups whose bursts open an activity segment when nothing is pinned."""

_ACTIVITY_WINDOW_S = 5
_STATS_EVERY_S = 10
"""The baseline of the activity groups is recomputed every this many seconds (it moves slowly)."""


@dataclass
class Segment:
    """A stretch ``[start_s, end_s)`` of the LIVE that may hold a moment."""

    start_s: int
    end_s: int
    product_id: str | None
    source: str
    """``pin``, ``activity``, ``orders`` (a product's orders stood out with no segment holding its pitch),
    ``clicks`` (one product's run of clicks with nothing of it pinned, see :mod:`.clickpitch`) or ``period`` (one
    period of coarse data, see :attr:`DetectOptions.resolution_s`)."""
    orders_until: int | None = None
    """For a pitch found from its late orders: its orders are counted up to here (beyond the usual lag)."""


class Segmenter:
    """Feeds on closed seconds (through the shared store) and returns segments as they close."""

    def __init__(self, store: SeriesStore, options: DetectOptions) -> None:
        self.store = store
        self.opts = options
        self._open: Segment | None = None
        self._hot = 0
        self._quiet = 0
        self._stats: dict[str, tuple[float, float]] = {}
        self._stats_at = -_STATS_EVERY_S

    def step(self) -> list[Segment]:
        """Look at the newest stored second; return the segments that closed with it."""
        t = self.store.now - 1
        res = self.opts.resolution_s
        if res > 1:  # coarse data (per-minute totals): every period is a candidate of its own
            if (t + 1) % res:
                return []
            pins = [p for p in self.store.pinned[t + 1 - res:t + 1] if p is not None]
            # the product pinned longest in the period; of equals, the one pinned first (the same in every run)
            return [Segment(t + 1 - res, t + 1, max(dict.fromkeys(pins), key=pins.count) if pins else None,
                            "period")]
        pinned = self.store.pinned[t]
        before = self.store.pinned[t - 1] if t > 0 else None
        closed: list[Segment] = []
        seg = self._open
        if pinned != before:
            if seg is not None:
                closed += self._close(t)
            if pinned is not None:
                self._open = Segment(t, t + 1, pinned, "pin")
            return closed
        if seg is not None and t + 1 - seg.start_s > self.opts.max_segment_s:
            closed += self._close(t)
            if seg.source == "pin":
                self._open = Segment(t, t + 1, seg.product_id, "pin")
            return closed
        if seg is not None and seg.source == "pin":
            seg.end_s = t + 1
            return closed
        z = self.activity_z(t)
        if seg is None:
            self._hot = self._hot + 1 if z >= self.opts.activity_open_z else 0
            if self._hot >= 3:
                self._open = Segment(max(0, t + 1 - _ACTIVITY_WINDOW_S - 2), t + 1, None, "activity")
                self._quiet = 0
        else:
            seg.end_s = t + 1
            self._quiet = self._quiet + 1 if z < self.opts.activity_close_z else 0
            if self._quiet >= self.opts.activity_quiet_s:
                closed += self._close(t + 1 - self._quiet)
        return closed

    @property
    def open_segment(self) -> Segment | None:
        """The segment still open (growing), if any."""
        return self._open

    def flush(self, end_s: int) -> list[Segment]:
        """The LIVE ended: close what is open."""
        return self._close(end_s) if self._open is not None else []

    def activity_z(self, t: int) -> float:
        """Largest burst z of the activity groups over the last few seconds, against history."""
        lo = t + 1 - _ACTIVITY_WINDOW_S
        hist_lo = max(0, lo - self.opts.baseline_span_s)
        if lo - hist_lo < 30:
            return 0.0
        if t - self._stats_at >= _STATS_EVERY_S:  # the baseline moves slowly: refresh it now and then
            self._stats_at = t
            self._stats = {}
            for group, metrics in ACTIVITY_GROUPS.items():
                hist = sum(self.store.array(m, hist_lo, lo) for m in metrics)
                assert isinstance(hist, np.ndarray)
                self._stats[group] = window_stats(hist, _ACTIVITY_WINDOW_S)
        best = -np.inf
        for group, metrics in ACTIVITY_GROUPS.items():
            med, spread = self._stats[group]
            obs = sum(self.store.total(m, lo, t + 1) for m in metrics)
            best = max(best, (obs - med) / spread)
        return float(best)

    def _close(self, end_s: int) -> list[Segment]:
        seg, self._open, self._hot = self._open, None, 0
        if seg is None:
            return []
        seg.end_s = max(seg.start_s, end_s)
        return [seg] if seg.end_s - seg.start_s >= self.opts.min_segment_s else []
