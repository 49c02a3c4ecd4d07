"""Detection quality against a simulator's ``truth.json``: recall, precision and IoU of windows.

A found window counts for a planted moment when the two overlap. Recall is the share of planted
moments overlapped by at least one found window; precision the share of found windows that overlap a
planted moment; IoU is measured between each matched found window and the planted moment it
overlaps most. Under that rule one long found window that overlaps three planted moments counts for all
three: :func:`match_one_to_one` pairs found and planted windows one to one instead (each found window
stands for at most one planted moment and each planted moment is credited to at most one found window).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .timebase import Ms, s_to_ms

__all__ = ["Quality", "Span", "iou", "load_truth_spans", "match_one_to_one", "overlap", "score_windows"]

Span = tuple[Ms, Ms]


@dataclass
class Quality:
    """Scores of a set of found windows against the planted ones."""

    recall: float
    precision: float
    mean_iou: float
    found: int
    planted: int
    matched_planted: int
    matched_found: int

    def as_dict(self) -> dict[str, Any]:
        return {k: round(v, 3) if isinstance(v, float) else v for k, v in self.__dict__.items()}


def load_truth_spans(path: Path) -> list[Span]:
    """The planted moments of a ``truth.json`` as ms spans."""
    data = json.loads(Path(path).read_text())
    return [(s_to_ms(m["start_s"]), s_to_ms(m["end_s"])) for m in data["moments"]]


def overlap(a: Span, b: Span) -> Ms:
    """How long spans ``a`` and ``b`` overlap (0 when they do not)."""
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def iou(a: Span, b: Span) -> float:
    """Intersection over union of spans ``a`` and ``b``."""
    inter = overlap(a, b)
    union = (a[1] - a[0]) + (b[1] - b[0]) - inter
    return inter / union if union > 0 else 0.0


def score_windows(found: list[Span], planted: list[Span]) -> Quality:
    """Recall, precision and mean IoU of ``found`` windows against ``planted`` moments."""
    matched_planted = sum(1 for p in planted if any(overlap(f, p) > 0 for f in found))
    ious = []
    for f in found:
        best = max((iou(f, p) for p in planted if overlap(f, p) > 0), default=None)
        if best is not None:
            ious.append(best)
    return Quality(
        recall=matched_planted / len(planted) if planted else 1.0,
        precision=len(ious) / len(found) if found else 0.0,
        mean_iou=sum(ious) / len(ious) if ious else 0.0,
        found=len(found), planted=len(planted),
        matched_planted=matched_planted, matched_found=len(ious),
    )


def match_one_to_one(found: list[Span], planted: list[Span]) -> list[tuple[int, int]]:
    """A maximum one-to-one matching of ``found`` windows to ``planted`` moments that they overlap.

    Returns ``(found index, planted index)`` pairs, each found window and each planted moment in at most one
    pair, as many pairs as any such matching has (augmenting paths, Kuhn's algorithm; each found window tries
    the planted moments it overlaps by descending IoU, so among equally large matchings the closer pairs are
    preferred, though the matching is not guaranteed to maximise total IoU). Recall one to one is
    ``len(pairs) / len(planted)``, precision ``len(pairs) / len(found)``.
    """
    options = [sorted((j for j, p in enumerate(planted) if overlap(f, p) > 0), key=lambda j: -iou(f, planted[j]))
               for f in found]
    owner: dict[int, int] = {}  # planted index -> found index matched to it

    def augment(i: int, seen: set[int]) -> bool:
        for j in options[i]:
            if j in seen:
                continue
            seen.add(j)
            if j not in owner or augment(owner[j], seen):
                owner[j] = i
                return True
        return False

    for i in range(len(found)):
        augment(i, set())
    return sorted((i, j) for j, i in owner.items())
