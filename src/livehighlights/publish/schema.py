"""The publishing tables, on the store's metadata (created by migration ``0002``).

- ``posts``: the outbox. One row per (highlight, destination, rendition): ``idem_key`` is unique, so the same
  highlight cannot be queued twice to the same place. A worker leases a row (``lease_owner``/``lease_until``)
  and writes ``sending`` before it sends anything.
- ``post_caps``: one counter per LIVE and per (LIVE, product) of the auto-posts taken; a conditional increment
  in the transaction that creates the post makes the caps hold under concurrency.
- ``publish_consents``: a seller's standing consent to auto-post to a destination account, with its choices.
- ``publish_accounts``: per destination account: refreshed tokens and a pause (``spam_risk_*``, re-authorisation).
- ``rate_buckets``: token buckets shared by all workers (per destination, account and endpoint).
- ``inbound_events``: callbacks received from destinations (TikTok's webhooks), de-duplicated by event id.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Boolean, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..store.schema import Base, utcnow

__all__ = ["AccountRow", "ConsentRow", "InboundEventRow", "PostCapRow", "PostRow", "RateBucketRow"]


class PostRow(Base):
    __tablename__ = "posts"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    idem_key: Mapped[str] = mapped_column(String(64), unique=True)
    seller_id: Mapped[str] = mapped_column(ForeignKey("sellers.id", ondelete="CASCADE"), index=True)
    live_id: Mapped[str] = mapped_column(ForeignKey("lives.id", ondelete="CASCADE"), index=True)
    # No foreign key: a post outlives a re-ranked highlight (its record of what was sent must stay).
    highlight_id: Mapped[str] = mapped_column(String(64), index=True)
    product_id: Mapped[str | None] = mapped_column(Text)
    destination: Mapped[str] = mapped_column(String(32))
    account: Mapped[str] = mapped_column(String(64))
    rendition: Mapped[str] = mapped_column(String(64))
    media: Mapped[str] = mapped_column(Text)
    caption: Mapped[str] = mapped_column(Text)
    options: Mapped[dict[str, Any]]
    payload: Mapped[dict[str, Any]]
    auto: Mapped[bool] = mapped_column(Boolean, default=False)
    forced: Mapped[bool] = mapped_column(Boolean, default=False)
    consent_id: Mapped[str | None] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(16), index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    not_before: Mapped[datetime]
    enqueued_at: Mapped[datetime | None]
    lease_owner: Mapped[str | None] = mapped_column(Text)
    lease_until: Mapped[datetime | None]
    remote_id: Mapped[str | None] = mapped_column(Text)
    remote_url: Mapped[str | None] = mapped_column(Text)
    progress: Mapped[dict[str, Any]]
    error_code: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
    published_at: Mapped[datetime | None]

    __table_args__ = (Index("ix_posts_state_not_before", "state", "not_before"),)


class PostCapRow(Base):
    __tablename__ = "post_caps"

    live_id: Mapped[str] = mapped_column(ForeignKey("lives.id", ondelete="CASCADE"), primary_key=True)
    scope: Mapped[str] = mapped_column(Text, primary_key=True)
    taken: Mapped[int] = mapped_column(Integer, default=0)


class ConsentRow(Base):
    __tablename__ = "publish_consents"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    seller_id: Mapped[str] = mapped_column(ForeignKey("sellers.id", ondelete="CASCADE"), index=True)
    destination: Mapped[str] = mapped_column(String(32))
    account: Mapped[str] = mapped_column(String(64))
    choices: Mapped[dict[str, Any]]
    given_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class AccountRow(Base):
    __tablename__ = "publish_accounts"

    destination: Mapped[str] = mapped_column(String(32), primary_key=True)
    account: Mapped[str] = mapped_column(String(64), primary_key=True)
    access_token: Mapped[str | None] = mapped_column(Text)
    refresh_token: Mapped[str | None] = mapped_column(Text)
    expires_at: Mapped[datetime | None]
    paused_reason: Mapped[str | None] = mapped_column(Text)
    paused_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class RateBucketRow(Base):
    __tablename__ = "rate_buckets"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    tokens: Mapped[float] = mapped_column(Float)
    updated_at: Mapped[datetime]


class InboundEventRow(Base):
    __tablename__ = "inbound_events"

    source: Mapped[str] = mapped_column(String(32), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    kind: Mapped[str] = mapped_column(Text)
    remote_id: Mapped[str | None] = mapped_column(Text, index=True)
    body: Mapped[dict[str, Any]]
    received_at: Mapped[datetime]
    applied: Mapped[bool] = mapped_column(Boolean, default=False)
    n_seen: Mapped[int] = mapped_column(BigInteger, default=1)
