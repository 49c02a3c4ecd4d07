"""Planning options: clip lengths and the seed's quotas, in one dataclass (defaults: :mod:`livehighlights.rules`)."""

from __future__ import annotations

from dataclasses import dataclass

from ..rules import BEST_UNDER_S, MAX_CLIP_S, MAX_CLIPS_PER_LIVE, MAX_CLIPS_PER_PRODUCT, MIN_CLIP_S, TARGET_MIN_S


@dataclass
class PlanOptions:
    """How clip windows are placed, ranked and capped. Lengths in seconds."""

    min_len_s: float = MIN_CLIP_S
    """Seed rule: a highlight is 5 to 60 s long."""
    max_len_s: float = MAX_CLIP_S
    target_min_s: float = TARGET_MIN_S
    """Aim: 15 to 40 s (the seed: under 40 s works best)."""
    target_max_s: float = BEST_UNDER_S
    lead_s: float = 1.0
    """Start this much before the segment (the pitch) begins."""
    after_peak_s: float = 8.0
    """Keep this much after the strongest product interest (price, call to action)."""
    snap_s: float = 3.0
    """How far a boundary may move to land on a speech pause."""
    max_per_live: int = MAX_CLIPS_PER_LIVE
    """Seed: at most 20 auto-posts per LIVE."""
    max_per_product: int = MAX_CLIPS_PER_PRODUCT
    """Seed: at most 3 per pinned product."""
    kinds: tuple[str, ...] = ("product",)
    """Moment kinds that become clips (a shoppable clip needs a product that sold)."""
