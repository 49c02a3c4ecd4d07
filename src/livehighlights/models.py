"""The data every stage shares: events, products, moments and highlights.

Plain dataclasses, no behaviour beyond (de)serialisation. Times are :data:`~livehighlights.timebase.Ms`.
Money is a ``float`` in the currency's major unit (e.g. 12.99 USD), as in the event log.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from .timebase import Ms, ms_to_s

EVENT_TYPES: tuple[str, ...] = (
    "viewers",  # concurrent viewer count: ``count``
    "join",  # viewers joining: ``count`` (default 1)
    "like",  # ``count`` likes (default 1)
    "comment",  # ``text``, ``user``
    "share",  # ``count`` (default 1)
    "follow",  # ``count`` (default 1)
    "gift",  # ``count``, ``value`` (in the platform's coin or currency)
    "product_pin",  # ``product_id``
    "product_unpin",  # ``product_id`` (optional)
    "product_click",  # ``product_id``, ``count`` (default 1)
    "add_to_cart",  # ``product_id``, ``quantity`` (default 1)
    "order",  # ``product_id``, ``quantity``, ``amount`` (total paid), ``currency``, ``gross_profit``
)
"""Known event types (DESIGN.md). Other types are kept as they are and reported, never fatal."""


@dataclass(slots=True)
class Event:
    """One event of a LIVE, already aligned to the LIVE's start.

    ``raw`` keeps the original record (so nothing the user gave is lost); ``source`` says where it
    came from (``file:line``) for messages.
    """

    ts_ms: Ms
    type: str
    id: str | None = None
    count: int | None = None
    text: str | None = None
    user: str | None = None
    product_id: str | None = None
    quantity: int | None = None
    amount: float | None = None
    currency: str | None = None
    gross_profit: float | None = None
    value: float | None = None
    source: str | None = None
    raw: dict[str, Any] | None = None

    @property
    def known(self) -> bool:
        """Whether ``type`` is one of :data:`EVENT_TYPES`."""
        return self.type in EVENT_TYPES

    def to_json(self) -> dict[str, Any]:
        """The event as a JSON Lines record (``ts`` in seconds), without ``None`` fields."""
        out: dict[str, Any] = {"ts": ms_to_s(self.ts_ms), "type": self.type}
        for key in ("id", "count", "text", "user", "product_id", "quantity", "amount", "currency",
                    "gross_profit", "value"):
            val = getattr(self, key)
            if val is not None:
                out[key] = val
        return out


@dataclass(slots=True)
class Product:
    """A catalog product."""

    id: str
    title: str
    brand: str | None = None
    price: float | None = None
    currency: str | None = None
    discount: float | None = None
    """Fraction off (0.2 = 20% off)."""
    selling_points: list[str] = field(default_factory=list)
    images: list[str] = field(default_factory=list)
    """Paths (resolved against the catalog's folder) or URLs of reference pictures."""
    cost: float | None = None
    """Unit cost, when known: gross profit of an order = amount - cost * quantity."""

    def to_json(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None}


@dataclass(slots=True)
class Moment:
    """A confirmed moment found by a detector, placed where its cause is (the pitch), not the payoff.

    ``breakdown`` maps signal name -> contribution to ``score`` (and ``evidence`` keeps the raw
    movement: e.g. ``{"orders": {"value": 14, "baseline": 1.2, "z": 6.3}}``).
    """

    start_ms: Ms
    end_ms: Ms
    peak_ms: Ms
    score: float
    detector: str
    product_id: str | None = None
    kind: str = "product"
    """``product`` (a pitch that sold), ``engagement`` (the audience reacting: chat, reactions, likes,
    gifts), ``interest`` (a pitch that drew product clicks but did not sell), ``traffic`` (viewers, a raid),
    ``sales`` (orders stood out but no product is known, e.g. per-minute totals without product ids)."""
    breakdown: dict[str, float] = field(default_factory=dict)
    evidence: dict[str, Any] = field(default_factory=dict)
    confirmed_at_ms: Ms | None = None
    """Stream time at which the detector emitted it (its delay behind the live edge shows here)."""

    def to_json(self) -> dict[str, Any]:
        return {
            "start_s": ms_to_s(self.start_ms),
            "end_s": ms_to_s(self.end_ms),
            "peak_s": ms_to_s(self.peak_ms),
            "score": round(self.score, 4),
            "product_id": self.product_id,
            "kind": self.kind,
            "detector": self.detector,
            "breakdown": {k: round(v, 4) for k, v in self.breakdown.items()},
            "evidence": self.evidence,
            "confirmed_at_s": None if self.confirmed_at_ms is None else ms_to_s(self.confirmed_at_ms),
        }
