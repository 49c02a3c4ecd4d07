"""Clip windows around moments: length rules, speech-pause boundaries, leaning before the peak."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..models import Moment
from ..timebase import Ms, s_to_ms
from .options import PlanOptions

PauseFinder = Callable[[Ms, Ms], list[tuple[Ms, Ms]]]
"""Returns speech pauses ``(start_ms, end_ms)`` found in a stretch of the recording."""


@dataclass
class ClipWindow:
    """A planned clip: where it starts and ends, and why."""

    start_ms: Ms
    end_ms: Ms
    moment: Moment
    product_id: str | None
    notes: list[str] = field(default_factory=list)
    content: dict[str, Any] | None = None
    """What the window shows and says (selling points, product visibility, cues), once understood."""
    rank: float | None = None
    """Ranking score (the moment's score weighted by content); the moment's score until understood."""

    @property
    def duration_ms(self) -> Ms:
        return self.end_ms - self.start_ms

    @property
    def rank_score(self) -> float:
        return self.moment.score if self.rank is None else self.rank


def place_window(moment: Moment, duration_ms: Ms, opts: PlanOptions,
                 pauses: PauseFinder | None = None) -> ClipWindow:
    """Choose ``[start, end)`` for one moment.

    The clip covers the pitch up to a little after its strongest product interest (price and call to
    action usually come last, and conversions follow them), aiming at 15 to 40 s and never outside
    5 to 60 s; then each boundary moves to the nearest speech pause within ``snap_s``.
    """
    lead, after = s_to_ms(opts.lead_s), s_to_ms(opts.after_peak_s)
    tmin, tmax = s_to_ms(opts.target_min_s), s_to_ms(opts.target_max_s)
    notes: list[str] = []
    start = max(0, moment.start_ms - lead)
    end = min(moment.end_ms, moment.peak_ms + after) if moment.peak_ms + after > start + tmin \
        else moment.end_ms
    if end - start > tmax:
        start = end - tmax
        notes.append("trimmed to the last part of the pitch before the peak")
    if end - start < tmin:
        end = min(duration_ms, start + tmin)
        if end - start < tmin:
            start = max(0, end - tmin)
    start, end = _snap(start, end, duration_ms, opts, pauses, notes)
    start, end = _enforce_limits(start, end, duration_ms, opts, notes)
    return ClipWindow(start, end, moment, moment.product_id, notes)


def _snap(start: Ms, end: Ms, duration_ms: Ms, opts: PlanOptions, pauses: PauseFinder | None,
          notes: list[str]) -> tuple[Ms, Ms]:
    if pauses is None:
        return start, end
    snap = s_to_ms(opts.snap_s)
    found = pauses(max(0, start - snap), min(duration_ms, start + snap))
    if found:
        # start just before speech resumes: the end of the pause nearest to the planned start
        best = min(found, key=lambda p: abs(p[1] - start))
        start = max(p for p in (best[0], best[1] - 150) if p >= 0)
        notes.append("start on a speech pause")
    found = pauses(max(0, end - snap), min(duration_ms, end + snap))
    if found:
        best = min(found, key=lambda p: abs(p[0] - end))
        end = min(best[1], best[0] + 200)
        notes.append("end on a speech pause")
    return start, end


def _enforce_limits(start: Ms, end: Ms, duration_ms: Ms, opts: PlanOptions,
                    notes: list[str]) -> tuple[Ms, Ms]:
    lo, hi = s_to_ms(opts.min_len_s), s_to_ms(opts.max_len_s)
    start, end = max(0, start), min(duration_ms, end)
    if end - start > hi:
        end = start + hi
    if end - start < lo:
        end = min(duration_ms, start + lo)
        start = max(0, end - lo)
        notes.append(f"extended to the {opts.min_len_s:g} s minimum")
    return start, end
