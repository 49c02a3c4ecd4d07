"""Event logs of a quiet shopping room for the detectors' sale-ranking tests: background orders, likes, pins."""

from __future__ import annotations

import numpy as np

from livehighlights.models import Event

__all__ = ["pitch", "room"]


def room(minutes: int = 20, seed: int = 0) -> list[Event]:
    """800 viewers, about one order a minute and a half of any of five products, likes."""
    rng = np.random.default_rng(seed)
    n = minutes * 60
    events = [Event(k * 1000, "viewers", count=800) for k in range(0, n, 10)]
    for s in range(n):
        if rng.random() < 0.01:
            events.append(Event(s * 1000 + 300, "order", product_id=f"sku{int(rng.integers(5))}", quantity=1,
                                amount=20.0))
        if rng.random() < 0.3:
            events.append(Event(s * 1000 + 500, "like", count=int(rng.integers(1, 5))))
    return events


def pitch(pid: str, a: int, b: int) -> list[Event]:
    """``pid`` pinned over seconds ``[a, b)``."""
    return [Event(a * 1000, "product_pin", product_id=pid), Event(b * 1000, "product_unpin", product_id=pid)]
