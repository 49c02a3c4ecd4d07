"""Detection quality against a simulator's ``truth.json``: recall, precision and IoU of windows.

A found window counts for a planted moment when the two overlap. Recall is the share of planted
moments overlapped by at least one found window; precision the share of found windows that overlap a
planted moment; IoU is measured between each matched found window and the planted moment it
overlaps most.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .timebase import Ms, s_to_ms

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
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def iou(a: Span, b: Span) -> float:
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
