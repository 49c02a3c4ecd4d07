"""What every per-moment job of one LIVE shares: the LIVE, its media, its catalog, the options, the timings."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..timebase import Ms

if TYPE_CHECKING:
    from ..media.source import MediaSource
    from ..pipeline import ProcessOptions
    from ..sources import Catalog

__all__ = ["Analysis", "LiveContext", "Progress", "PRODUCT_EVENTS"]

Progress = Callable[[str, int, int], None]
"""``progress(stage, done, total)``: called as work advances (the CLI draws bars with it)."""

PRODUCT_EVENTS = ("product_pin", "product_click", "add_to_cart", "order")
"""Events that show a product appeared in the LIVE (the seed: the product must have been in the LIVE)."""


class Analysis:
    """Seconds per analysis over all jobs (``understand.speech``, ``check.audio``...), safe across threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.seconds: dict[str, float] = {}

    def add(self, timings: dict[str, float], prefix: str = "") -> None:
        with self._lock:
            for name, sec in timings.items():
                key = f"{prefix}{name}"
                self.seconds[key] = self.seconds.get(key, 0.0) + sec


@dataclass
class LiveContext:
    """One LIVE as the per-moment jobs see it (the same object on both clocks)."""

    live_id: str
    seller_id: str
    source: MediaSource
    options: ProcessOptions
    catalog: Catalog | None = None
    catalog_path: Path | None = None
    in_live: set[str] = field(default_factory=set)
    """Products seen in the LIVE's events so far (pinned, clicked, carted, ordered)."""
    analysis: Analysis = field(default_factory=Analysis)
    progress: Progress | None = None

    @property
    def recording(self) -> Path:
        return self.source.path

    def length_ms(self) -> Ms:
        """How much of the LIVE there is to place windows in (its duration, or what is recorded so far)."""
        return self.source.length_ms()
