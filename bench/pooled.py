"""Scores that rank across streams (issue 13): the best moments of many LIVEs of every size, pooled.

"Top K per hour" must mean the K best moments of any stream, whatever its audience. Each setting pools the
moments of many generated LIVEs (audiences from tens to thousands of viewers), keeps the K best by score over
the whole pool (K = every LIVE's planted moments together), and scores them against what was planted: overall,
and per third of the LIVEs by audience (small, medium, large). Beside it: each LIVE's own top-K (the ceiling
for a pooled ranking of these moments) and the naive ranking by raw counts (order or comment peaks), which a
big audience wins whatever happened in a small one.

    python bench/detect.py --only pooled
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from livehighlights.evaluate import score_windows
from livehighlights.models import Event

__all__ = ["Pooled", "audience", "evaluate_pooled"]

Span = tuple[int, int]


@dataclass
class Pooled:
    """One ranked candidate of the pool: the LIVE it belongs to, its span (ms) and its score."""

    case: int
    span: Span
    score: float


def audience(events: Sequence[Event]) -> float:
    """A LIVE's usual audience: the median of its concurrent-viewer readings (0 when it has none)."""
    counts = [e.count for e in events if e.type == "viewers" and e.count is not None]
    return float(np.median(counts)) if counts else 0.0


def _tally(chosen: list[Pooled], planted: list[list[Span]], cases: Sequence[int]) -> tuple[int, int, int, int]:
    """(matched planted, planted, matched found, found) over ``cases``."""
    mp = p = mf = f = 0
    for c in cases:
        spans = [x.span for x in chosen if x.case == c]
        q = score_windows(spans, planted[c])
        mp, p, mf, f = mp + q.matched_planted, p + q.planted, mf + q.matched_found, f + q.found
    return mp, p, mf, f


def evaluate_pooled(title: str, planted: list[list[Span]], viewers: list[float],
                    methods: dict[str, Callable[[int], list[Pooled]]]) -> None:
    """Print, per method, the pooled top-K's recall and precision overall and per audience third, and each
    LIVE's own top-K beside it. ``methods`` map a name to a function giving a LIVE's ranked candidates."""
    n = len(planted)
    k_total = sum(len(p) for p in planted)
    order = sorted(range(n), key=lambda c: viewers[c])
    thirds = [order[: n // 3], order[n // 3: 2 * n // 3], order[2 * n // 3:]]
    bounds = [f"{viewers[t[0]]:.0f}-{viewers[t[-1]]:.0f}" for t in thirds if t]
    print(f"\n{title}")
    print(f"  {n} LIVEs, {k_total} planted; audience thirds (median viewers): {', '.join(bounds)}")
    print(f"  {'method':<28} {'recall':>6} {'precision':>9}   recall small / medium / large")
    for name, candidates in methods.items():
        per_case = [candidates(c) for c in range(n)]
        pooled = sorted((x for xs in per_case for x in xs), key=lambda x: -x.score)[:k_total]
        own = [x for c, xs in enumerate(per_case) for x in sorted(xs, key=lambda x: -x.score)[:len(planted[c])]]
        for label, chosen in ((f"{name} pooled top-K", pooled), (f"{name} per-LIVE top-K", own)):
            mp, p, mf, f = _tally(chosen, planted, range(n))
            parts = []
            for t in thirds:
                tp, tpl, _mf, _f = _tally(chosen, planted, t)
                parts.append(f"{tp / tpl:.2f}" if tpl else "-")
            print(f"  {label:<28} {mp / max(1, p):>6.3f} {mf / max(1, f):>9.3f}   {' / '.join(parts)}")
