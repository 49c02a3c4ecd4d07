"""The tables of the running product (created by migration ``0004``), on the store's metadata.

- ``users``: a person who signs in to Seller Center, belonging to one seller; the password is kept as an
  argon2 hash only.
- ``web_sessions``: a signed-in browser. The cookie carries a random token; only its SHA-256 is kept here, with
  the session's CSRF token and its expiry, so signing out (or expiry) ends it on the server.
- ``api_tokens``: tokens for machines (``Authorization: Bearer ...``), hashed at rest (SHA-256), shown once.
- ``seller_settings``: Auto LIVE Highlights per seller: the toggle, the caps, the destinations and the style
  of automatic posts (the standing consent itself is ``publish_consents``).
- ``tasks``: long work a seller started (a quick post edit, an uploaded LIVE to process, a LIVE to follow):
  its state, progress and result, leased by the worker that runs it.

The live follower's own columns are on ``lives`` (room link, follow source, lease, watermark, end).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Boolean, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .schema import Base, utcnow

__all__ = ["ApiTokenRow", "SellerSettingsRow", "TaskRow", "UserRow", "WebSessionRow"]


class UserRow(Base):
    __tablename__ = "users"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    seller_id: Mapped[str] = mapped_column(ForeignKey("sellers.id", ondelete="CASCADE"), index=True)
    username: Mapped[str] = mapped_column(String(200), unique=True)
    password_hash: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_signin_at: Mapped[datetime | None]


class WebSessionRow(Base):
    __tablename__ = "web_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    seller_id: Mapped[str] = mapped_column(ForeignKey("sellers.id", ondelete="CASCADE"), index=True)
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)


class ApiTokenRow(Base):
    __tablename__ = "api_tokens"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    seller_id: Mapped[str] = mapped_column(ForeignKey("sellers.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(Text)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]


class SellerSettingsRow(Base):
    __tablename__ = "seller_settings"

    seller_id: Mapped[str] = mapped_column(ForeignKey("sellers.id", ondelete="CASCADE"), primary_key=True)
    auto_post: Mapped[bool] = mapped_column(Boolean, default=False)
    destinations: Mapped[list[str]]
    max_per_live: Mapped[int] = mapped_column(Integer, default=20)
    max_per_product: Mapped[int] = mapped_column(Integer, default=3)
    style: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class TaskRow(Base):
    __tablename__ = "tasks"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    seller_id: Mapped[str] = mapped_column(ForeignKey("sellers.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    state: Mapped[str] = mapped_column(String(16), index=True)
    """queued, running, done, failed, cancelled."""
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    message: Mapped[str | None] = mapped_column(Text)
    params: Mapped[dict[str, Any]]
    result: Mapped[dict[str, Any] | None]
    error: Mapped[str | None] = mapped_column(Text)
    lease_owner: Mapped[str | None] = mapped_column(Text)
    lease_until: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(BigInteger, default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
