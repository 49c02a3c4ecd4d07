"""Unpinned pitches found from one product's clicks: candidates the burst segmentation misses.

A seller who pins nothing (or leaves another product pinned) still shows the product, and the audience clicks it.
In a small LIVE those clicks are too sparse to make a burst of the stream's interest within seconds (a click every
ten seconds), yet they cluster on that one product for the length of the pitch. :class:`ClickPitches` follows
each product's clicks: a run of them with no gap over :data:`QUIET_S` seconds, clearly above the
product's own click rate of the trailing history, and not pinned meanwhile, is a candidate segment of that product
(source ``clicks``). It is judged like any other once its orders are in.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .baseline import poisson_z
from .history import SeriesStore
from .segments import Segment

if TYPE_CHECKING:
    from ..signals.timeline import Second

__all__ = ["MIN_CLICKS", "QUIET_S", "ClickPitches"]

QUIET_S = 20
"""A product's run of clicks ends when it has had none for this long."""
MIN_CLICKS = 3
"""Fewer clicks than this in a run make no candidate (one viewer browsing)."""
MIN_Z = 3.0
"""The run's clicks must exceed the product's own rate over the trailing :data:`HISTORY_S` by this Poisson z."""
HISTORY_S = 600
_INTEREST = ("product_clicks",)
"""Clicks only: add-to-carts lead the orders (a buyer adds to cart first), so they go on through the order lag."""


@dataclass
class _Run:
    start_s: int
    last_s: int
    clicks: float
    pinned: bool = False


class ClickPitches:
    """Feeds on closed seconds (through the shared store); returns product runs of clicks as they end."""

    def __init__(self, store: SeriesStore, max_segment_s: int, min_segment_s: int) -> None:
        self.store = store
        self.max_segment_s = max_segment_s
        self.min_segment_s = min_segment_s
        self._runs: dict[str, _Run] = {}
        self._rank: dict[str, int] = {}
        """Products in the order the store first saw them (runs open in that order whatever a second holds)."""

    def step(self, sec: Second) -> list[Segment]:
        """Look at ``sec``, the newest stored second; return the candidates that ended with it. Only the products
        ``sec`` holds are looked at (not the whole catalogue every second)."""
        st = self.store
        t = st.now - 1
        pinned = st.pinned[t]
        rank = self._rank
        for pid in sec.by_product:
            rank.setdefault(pid, len(rank))
        for pid in sorted(sec.by_product, key=rank.__getitem__):
            vals = sec.by_product[pid]
            n = sum(vals.get(m, 0.0) for m in _INTEREST) if vals else 0.0
            if n <= 0:
                continue
            run = self._runs.get(pid)
            if run is None:
                run = self._runs[pid] = _Run(t, t, 0.0)
            run.last_s, run.clicks = t, run.clicks + n
        out = []
        for pid, run in list(self._runs.items()):
            run.pinned = run.pinned or pinned == pid
            if t - run.last_s >= QUIET_S or t + 1 - run.start_s >= self.max_segment_s:
                del self._runs[pid]
                seg = self._candidate(pid, run)
                if seg is not None:
                    out.append(seg)
        return out

    def running(self, pid: str) -> int | None:
        """Where ``pid``'s run of clicks still going began (``None`` when none is)."""
        run = self._runs.get(pid)
        return run.start_s if run is not None else None

    def flush(self) -> list[Segment]:
        """The LIVE ended: the runs still going, as candidates."""
        runs, self._runs = self._runs, {}
        return [seg for pid, run in runs.items() if (seg := self._candidate(pid, run)) is not None]

    def _candidate(self, pid: str, run: _Run) -> Segment | None:
        a, b = run.start_s, run.last_s + 1
        if run.pinned or run.clicks < MIN_CLICKS or b - a < self.min_segment_s:
            return None
        if any(p == pid for p in self.store.pinned[a:b]):
            return None
        lo = max(0, a - HISTORY_S)
        rows = self.store.by_product.get(pid, {})
        before = sum(sum(v.get(m, 0.0) for m in _INTEREST) for t in range(lo, a) if (v := rows.get(t)))
        expected = (before + 1.0) / max(a - lo, 60) * (b - a)  # the product's own rate, one click as its prior
        if poisson_z(run.clicks, expected) < MIN_Z:
            return None
        return Segment(a, b, pid, "clicks")
