"""Rank, de-duplicate and cap clip windows (the seed's quotas: 20 per LIVE, 3 per product)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from .options import PlanOptions
from .windows import ClipWindow


@dataclass
class Rejected:
    """A window left out, and why (kept in reports so nothing silently disappears)."""

    window: ClipWindow
    reason: str


def select(windows: list[ClipWindow], opts: PlanOptions) -> tuple[list[ClipWindow], list[Rejected]]:
    """Keep the best windows: by rank score (content-weighted once understood), no two overlapping,
    quotas per LIVE and per product.

    Returns the kept windows in rank order and the rejected ones with their reasons.
    """
    kept: list[ClipWindow] = []
    rejected: list[Rejected] = []
    per_product: Counter[str] = Counter()
    for win in sorted(windows, key=lambda w: (-w.rank_score, w.start_ms)):
        if win.moment.kind not in opts.kinds:
            rejected.append(Rejected(win, f"{win.moment.kind} moment (clips need kinds: {', '.join(opts.kinds)})"))
            continue
        clash = next((k for k in kept if k.start_ms < win.end_ms and win.start_ms < k.end_ms), None)
        if clash is not None:
            rejected.append(Rejected(win, f"overlaps a better clip at {clash.start_ms / 1000:.1f} s"))
            continue
        if win.product_id is not None and per_product[win.product_id] >= opts.max_per_product:
            rejected.append(Rejected(win, f"product {win.product_id} already has {opts.max_per_product} clips"))
            continue
        if len(kept) >= opts.max_per_live:
            rejected.append(Rejected(win, f"LIVE already has {opts.max_per_live} clips"))
            continue
        kept.append(win)
        if win.product_id is not None:
            per_product[win.product_id] += 1
    return kept, rejected
