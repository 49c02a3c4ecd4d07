"""Naive baseline for comparison: the top-K peaks of one raw count (comments or orders).

This is what a tool without a model of the stream does: take the busiest stretches of chat or
sales. It waits for the end of the LIVE (it ranks globally), so it is not usable live; it exists
so the benchmark can show what our detector gains over it.
"""

from __future__ import annotations

import numpy as np

from ..models import Moment
from ..signals.timeline import Second
from .base import Detector, register


@register
class PeakCountDetector(Detector):
    """Top-``k`` non-overlapping ``window_s`` windows by the raw total of ``metric``."""

    name = "peaks"

    def __init__(self, metric: str = "comments", k: int = 20, window_s: int = 30) -> None:
        self.metric = metric
        self.k = k
        self.window_s = window_s
        self._values: list[float] = []

    @property
    def delay_s(self) -> int:
        return 10**9  # ranks over the whole LIVE: only at the end

    def process_second(self, sec: Second) -> list[Moment]:
        self._values.append(sec.values.get(self.metric, 0.0))
        return []

    def post_process(self, end_s: int) -> list[Moment]:
        v = np.asarray(self._values, dtype=float)
        w = min(self.window_s, len(v))
        if w == 0:
            return []
        sums = np.convolve(v, np.ones(w), mode="valid")
        taken = np.zeros(len(sums), dtype=bool)
        out: list[Moment] = []
        for start in np.argsort(-sums, kind="stable"):
            if len(out) >= self.k or sums[start] <= 0:
                break
            if taken[max(0, start - w + 1):start + w].any():
                continue
            taken[start] = True
            s = int(start)
            out.append(Moment(start_ms=s * 1000, end_ms=(s + w) * 1000,
                              peak_ms=(s + w // 2) * 1000, score=float(sums[start]),
                              detector=f"{self.name}:{self.metric}", kind="product",
                              breakdown={self.metric: float(sums[start])}))
        return out
