"""Rank, de-duplicate and cap clip windows (the seed's quotas: 20 per LIVE, 3 per product)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from .options import PlanOptions
from .windows import ClipWindow


@dataclass
class Rejected:
    """A window left out, and why (kept in reports so nothing silently disappears)."""

    window: ClipWindow
    reason: str


T = TypeVar("T")


def select(windows: Sequence[ClipWindow], opts: PlanOptions) -> tuple[list[ClipWindow], list[Rejected]]:
    """Keep the best windows: by rank score (content-weighted once understood), no two overlapping,
    quotas per LIVE and per product.

    Returns the kept windows in rank order and the rejected ones with their reasons.
    """
    return select_items(windows, opts, lambda w: w)


def select_items(items: Sequence[T], opts: PlanOptions, window: Callable[[T], ClipWindow]) -> tuple[list[T],
                                                                                                     list[Rejected]]:
    """:func:`select` over things that carry a window (a moment's job result, say): the kept items in rank
    order, and the rejected windows with their reasons."""
    kept: list[ClipWindow] = []
    kept_items: list[T] = []
    rejected: list[Rejected] = []
    per_product: Counter[str] = Counter()
    for item in sorted(items, key=lambda x: (-window(x).rank_score, window(x).start_ms)):
        win = window(item)
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
        kept_items.append(item)
        if win.product_id is not None:
            per_product[win.product_id] += 1
    return kept_items, rejected
