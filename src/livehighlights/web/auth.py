"""Signed-in browsers: server-side sessions with a CSRF token each.

The cookie ``lh_session`` carries a random token (256 bits); the database keeps only its SHA-256, the user, the
seller, the session's CSRF token and its expiry. Signing out deletes the row, so a copied cookie stops working at
once; an expired session is refused (and removed). Forms send the CSRF token as the field ``csrf_token``, scripts
as the header ``X-CSRF-Token``; it is compared in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy import exc as sa_exc

from ..store import Store
from ..store.schema import utcnow
from ..store.schema_app import UserRow, WebSessionRow
from .accounts import UserRecord

__all__ = ["CSRF_FIELD", "CSRF_HEADER", "SESSION_COOKIE", "NewSession", "SessionRecord", "csrf_matches",
           "end_session", "hash_secret", "session_for", "start_session"]

SESSION_COOKIE = "lh_session"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
_SEEN_EVERY = timedelta(minutes=5)
"""``last_seen_at`` is written at most this often per session (not on every request)."""


@dataclass(frozen=True, slots=True)
class SessionRecord:
    """A signed-in browser's session."""

    user_id: str
    seller_id: str
    username: str
    csrf: str
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class NewSession:
    """A session just started: ``token`` goes into the cookie (it is not stored anywhere)."""

    token: str
    session: SessionRecord


def hash_secret(secret: str) -> str:
    """The SHA-256 (hex) kept in place of a session cookie or an API token."""
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def csrf_matches(expected: str | None, given: str | None) -> bool:
    """Whether ``given`` is the session's CSRF token (constant-time)."""
    if not expected or not given:
        return False
    return hmac.compare_digest(expected.encode(), given.encode("utf-8", "surrogatepass"))


def start_session(store: Store, user: UserRecord, ttl_s: int) -> NewSession:
    """Start a session for the user (and drop the user's expired ones)."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    rec = SessionRecord(user.id, user.seller_id, user.username, secrets.token_urlsafe(32),
                        now + timedelta(seconds=ttl_s))
    try:
        with store.session(write=True) as s, s.begin():
            s.execute(delete(WebSessionRow).where(WebSessionRow.user_id == user.id, WebSessionRow.expires_at <= now))
            s.add(WebSessionRow(token_hash=hash_secret(token), user_id=user.id, seller_id=user.seller_id,
                                csrf=rec.csrf, created_at=now, expires_at=rec.expires_at, last_seen_at=now))
    except sa_exc.SQLAlchemyError as e:
        raise store.fail(e) from None
    return NewSession(token, rec)


def session_for(store: Store, token: str | None) -> SessionRecord | None:
    """The live session of a cookie's token, or ``None`` (no such session, or it expired: then it is removed)."""
    if not token or len(token) > 200:
        return None
    key = hash_secret(token)
    now = utcnow()
    try:
        with store.session() as s:
            got = s.execute(select(WebSessionRow, UserRow.username).join(UserRow, UserRow.id == WebSessionRow.user_id)
                            .where(WebSessionRow.token_hash == key)).first()
        if got is None:
            return None
        row, username = got
        if row.expires_at <= now:
            with store.session(write=True) as s, s.begin():
                s.execute(delete(WebSessionRow).where(WebSessionRow.token_hash == key))
            return None
        if now - row.last_seen_at > _SEEN_EVERY:
            with store.session(write=True) as s, s.begin():
                w = s.get(WebSessionRow, key)
                if w is not None:
                    w.last_seen_at = now
        return SessionRecord(row.user_id, row.seller_id, username, row.csrf, row.expires_at)
    except sa_exc.SQLAlchemyError as e:
        raise store.fail(e) from None


def end_session(store: Store, token: str | None) -> bool:
    """Sign out: delete the cookie's session; whether there was one."""
    if not token:
        return False
    try:
        with store.session(write=True) as s, s.begin():
            return bool(s.execute(delete(WebSessionRow).where(WebSessionRow.token_hash == hash_secret(token)))
                        .rowcount)
    except sa_exc.SQLAlchemyError as e:
        raise store.fail(e) from None
