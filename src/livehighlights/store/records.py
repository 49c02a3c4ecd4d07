"""Typed records the store hands out and takes in (frozen dataclasses; change one with ``dataclasses.replace``).

Times are integer milliseconds from the LIVE's start; wall-clock times (``created_at`` …) are timezone-aware
UTC datetimes. File paths of media (``clip``, ``thumbnail``, a remix's ``path``) are relative to the store's
media root (:class:`~livehighlights.store.media.MediaRoot`); paths of a LIVE's inputs (``recording``,
``events``, ``catalog``) are as the user gave them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from ..models import Moment

__all__ = [
    "LIVE_STATUSES", "MOMENT_STATES", "EventIngest", "HighlightRecord", "LivePlanRecord", "LiveRecord",
    "LiveStatus", "MomentRecord", "MomentState", "RemixRecord", "SellerRecord",
]

LiveStatus = Literal["live", "ended"]
MomentState = Literal["pending", "done", "rejected", "failed"]
LIVE_STATUSES: tuple[str, ...] = ("live", "ended")
MOMENT_STATES: tuple[str, ...] = ("pending", "done", "rejected", "failed")


@dataclass(frozen=True, slots=True)
class SellerRecord:
    """A seller (a shop). Every LIVE belongs to one; every read of a LIVE's data is scoped by it."""

    id: str
    name: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class LiveRecord:
    """A LIVE: its inputs, status and the counts of what the store holds for it."""

    id: str
    seller_id: str
    key: str
    title: str | None
    started_at: datetime | None
    status: str
    duration_ms: int | None
    recording: str | None
    events: str | None
    catalog: str | None
    created_at: datetime
    updated_at: datetime
    n_events: int = 0
    n_moments: int = 0
    n_highlights: int = 0
    summary: dict[str, Any] | None = None
    """What the LIVE amounted to once processed (a :class:`~livehighlights.detect.priors.PastLive` as a dict):
    the seller's past LIVEs become the detector's priors for the next one."""


@dataclass(frozen=True, slots=True)
class MomentRecord:
    """A moment and where its job stands: ``pending`` (not done yet), ``done`` (its highlight is stored),
    ``rejected`` (the policy said no; ``reason`` says why) or ``failed`` (``reason`` says what went wrong)."""

    id: str
    live_id: str
    moment: Moment
    state: str = "pending"
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class HighlightRecord:
    """A highlight: the clip window of a moment, its evidence, compliance report and files.

    ``id`` is :func:`~livehighlights.store.ids.highlight_id` of ``moment_id``. ``rank`` is 1-based in the review
    list, ``None`` while not ranked. ``compliance`` is the report's ``to_json()``. ``created_at`` and
    ``updated_at`` are set by the store (leave them ``None`` when saving).
    """

    id: str
    live_id: str
    moment_id: str
    rank: int | None
    start_ms: int
    end_ms: int
    product_id: str | None
    product_title: str | None
    kind: str
    score: float
    rank_score: float
    why: list[str]
    content: dict[str, Any]
    moment: Moment
    transcript: dict[str, Any] | None = None
    compliance: dict[str, Any] | None = None
    tier: str | None = None
    postable: bool = False
    blocked_by: list[str] = field(default_factory=list)
    clip: str | None = None
    thumbnail: str | None = None
    cut: dict[str, Any] | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class RemixRecord:
    """A remix of a highlight in a style; ``path`` is relative to the media root, ``sidecar`` its JSON."""

    id: str
    highlight_id: str
    style: str
    path: str
    sidecar: dict[str, Any] = field(default_factory=dict)
    created_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class LivePlanRecord:
    """An upcoming LIVE a seller has planned (a remix can be a teaser for it)."""

    id: str
    seller_id: str
    title: str
    start: datetime
    created_at: datetime


@dataclass(frozen=True, slots=True)
class EventIngest:
    """What an ingest did: events newly stored, and events that were already there (or repeated in the input)."""

    stored: int
    duplicates: int
