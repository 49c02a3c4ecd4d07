"""SQLAlchemy 2 ORM models: the tables of the store.

The migrations in ``migrations/versions`` create exactly these tables (a test compares them). Change a
model only together with a new migration.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

__all__ = ["Base", "EventRow", "HighlightRow", "LivePlanRow", "LiveRow", "MomentRow", "RemixRow", "SellerRow",
           "UTCDateTime", "utcnow"]

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# An autoincrementing 64-bit key; SQLite needs INTEGER for its rowid alias.
BigId = BigInteger().with_variant(Integer, "sqlite")


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on every backend (SQLite keeps no zone: it is stored as UTC and put back)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store (a timezone is needed)")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime, dict[str, Any]: JSON, list[str]: JSON}


class SellerRow(Base):
    __tablename__ = "sellers"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(Text, unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class LiveRow(Base):
    __tablename__ = "lives"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    seller_id: Mapped[str] = mapped_column(ForeignKey("sellers.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(Text)
    title: Mapped[str | None] = mapped_column(Text)
    started_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(16), default="ended")
    duration_ms: Mapped[int | None] = mapped_column(BigInteger)
    recording: Mapped[str | None] = mapped_column(Text)
    events: Mapped[str | None] = mapped_column(Text)
    catalog: Mapped[str | None] = mapped_column(Text)
    n_events: Mapped[int] = mapped_column(BigInteger, default=0)
    summary: Mapped[dict[str, Any] | None]
    """What the LIVE amounted to (viewer-seconds, orders, baseline orders...): the seller's priors for the next."""
    room_url: Mapped[str | None] = mapped_column(Text)
    """The LIVE room's link, carried by captions of posts made while the LIVE is on."""
    follow: Mapped[dict[str, Any] | None]
    """How the live follower reads this LIVE (video and event sources, options): what ``live --resume`` needs."""
    lease_owner: Mapped[str | None] = mapped_column(Text)
    """The worker following this LIVE now (one at a time); another takes over once ``lease_until`` passes."""
    lease_until: Mapped[datetime | None]
    watermark_ms: Mapped[int | None] = mapped_column(BigInteger)
    """How far (ms from the LIVE's start) the follower's engine has closed its seconds."""
    ended_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (UniqueConstraint("seller_id", "key", name="uq_lives_seller_id_key"),)


class EventRow(Base):
    """A raw event, stored before anything acts on it. ``seq`` keeps the order of arrival."""

    __tablename__ = "events"

    seq: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    live_id: Mapped[str] = mapped_column(ForeignKey("lives.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(32))
    ts_ms: Mapped[int] = mapped_column(BigInteger)
    type: Mapped[str] = mapped_column(Text)
    event_id: Mapped[str | None] = mapped_column(Text)
    count: Mapped[int | None] = mapped_column(BigInteger)
    text: Mapped[str | None] = mapped_column(Text)
    user: Mapped[str | None] = mapped_column(Text)
    product_id: Mapped[str | None] = mapped_column(Text)
    quantity: Mapped[int | None] = mapped_column(BigInteger)
    amount: Mapped[float | None] = mapped_column(Float)
    currency: Mapped[str | None] = mapped_column(Text)
    gross_profit: Mapped[float | None] = mapped_column(Float)
    value: Mapped[float | None] = mapped_column(Float)
    source: Mapped[str | None] = mapped_column(Text)
    raw: Mapped[dict[str, Any] | None]

    __table_args__ = (
        UniqueConstraint("live_id", "key", name="uq_events_live_id_key"),
        Index("ix_events_live_id_ts_ms_seq", "live_id", "ts_ms", "seq"),
    )


class MomentRow(Base):
    __tablename__ = "moments"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    live_id: Mapped[str] = mapped_column(ForeignKey("lives.id", ondelete="CASCADE"), index=True)
    detector: Mapped[str] = mapped_column(Text)
    start_ms: Mapped[int] = mapped_column(BigInteger)
    end_ms: Mapped[int] = mapped_column(BigInteger)
    peak_ms: Mapped[int] = mapped_column(BigInteger)
    score: Mapped[float] = mapped_column(Float)
    product_id: Mapped[str | None] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(Text)
    breakdown: Mapped[dict[str, Any]]
    evidence: Mapped[dict[str, Any]]
    confirmed_at_ms: Mapped[int | None] = mapped_column(BigInteger)
    state: Mapped[str] = mapped_column(String(16), default="pending")
    reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class HighlightRow(Base):
    __tablename__ = "highlights"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    live_id: Mapped[str] = mapped_column(ForeignKey("lives.id", ondelete="CASCADE"), index=True)
    moment_id: Mapped[str] = mapped_column(ForeignKey("moments.id", ondelete="CASCADE"), unique=True)
    rank: Mapped[int | None] = mapped_column(Integer)
    start_ms: Mapped[int] = mapped_column(BigInteger)
    end_ms: Mapped[int] = mapped_column(BigInteger)
    product_id: Mapped[str | None] = mapped_column(Text)
    product_title: Mapped[str | None] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(Text)
    score: Mapped[float] = mapped_column(Float)
    rank_score: Mapped[float] = mapped_column(Float)
    why: Mapped[list[str]]
    content: Mapped[dict[str, Any]]
    transcript: Mapped[dict[str, Any] | None]
    compliance: Mapped[dict[str, Any] | None]
    tier: Mapped[str | None] = mapped_column(Text)
    postable: Mapped[bool] = mapped_column(Boolean, default=False)
    blocked_by: Mapped[list[str]]
    clip: Mapped[str | None] = mapped_column(Text)
    thumbnail: Mapped[str | None] = mapped_column(Text)
    cut: Mapped[dict[str, Any] | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class RemixRow(Base):
    __tablename__ = "remixes"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    highlight_id: Mapped[str] = mapped_column(ForeignKey("highlights.id", ondelete="CASCADE"), index=True)
    style: Mapped[str] = mapped_column(Text)
    path: Mapped[str] = mapped_column(Text)
    sidecar: Mapped[dict[str, Any]]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class LivePlanRow(Base):
    __tablename__ = "live_plans"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    seller_id: Mapped[str] = mapped_column(ForeignKey("sellers.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(Text)
    start: Mapped[datetime]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
