"""Planning options: clip lengths and the seed's quotas, in one dataclass."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class PlanOptions:
    """How clip windows are placed, ranked and capped. Lengths in seconds."""

    min_len_s: float = 5.0
    """Seed rule: a highlight is 5 to 60 s long."""
    max_len_s: float = 60.0
    target_min_s: float = 15.0
    """Aim: 15 to 40 s (the seed: under 40 s works best)."""
    target_max_s: float = 40.0
    lead_s: float = 1.0
    """Start this much before the segment (the pitch) begins."""
    after_peak_s: float = 8.0
    """Keep this much after the strongest product interest (price, call to action)."""
    snap_s: float = 3.0
    """How far a boundary may move to land on a speech pause."""
    max_per_live: int = 20
    """Seed: at most 20 auto-posts per LIVE."""
    max_per_product: int = 3
    """Seed: at most 3 per pinned product."""
    kinds: tuple[str, ...] = ("product",)
    """Moment kinds that become clips (a shoppable clip needs a product that sold)."""
