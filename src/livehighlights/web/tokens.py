"""API tokens for machines (the live follower's event push, scripts): ``Authorization: Bearer lh_...``.

A token is ``lh_`` and 256 random bits; it is shown once when made and only its SHA-256 is stored, with a short
``prefix`` to tell tokens apart in a list. A revoked token is refused; ``last_used_at`` says when one was last used.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import exc as sa_exc
from sqlalchemy import select, update

from ..errors import InputError, Where
from ..store import Store, StoreError
from ..store.schema import SellerRow, utcnow
from ..store.schema_app import ApiTokenRow
from .auth import hash_secret

__all__ = ["TOKEN_PREFIX", "ApiTokenRecord", "NewToken", "create_token", "revoke_token", "token_for", "tokens"]

TOKEN_PREFIX = "lh_"
_USED_EVERY = timedelta(seconds=30)
"""``last_used_at`` is written at most this often per token (an event push may come many times a second)."""


@dataclass(frozen=True, slots=True)
class ApiTokenRecord:
    """An API token of a seller (never the token itself)."""

    id: str
    seller_id: str
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


@dataclass(frozen=True, slots=True)
class NewToken:
    """A token just made: ``token`` is shown to the seller once and stored nowhere."""

    record: ApiTokenRecord
    token: str


def _record(r: ApiTokenRow) -> ApiTokenRecord:
    return ApiTokenRecord(r.id, r.seller_id, r.name, r.prefix, r.created_at, r.last_used_at, r.revoked_at)


def create_token(store: Store, seller_id: str, name: str) -> NewToken:
    """Make an API token for the seller, named ``name`` (what it is for)."""
    name = (name or "").strip()
    if not name or len(name) > 200:
        raise InputError("a token needs a name of 1-200 characters (what it is for)", Where(field="name"))
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiTokenRow(id="tok_" + secrets.token_hex(8), seller_id=seller_id, name=name,
                      token_hash=hash_secret(token), prefix=token[:10], created_at=utcnow())
    try:
        with store.session(write=True) as s, s.begin():
            if s.get(SellerRow, seller_id) is None:
                raise StoreError(f"database {store.url}: no seller with id '{seller_id}'")
            s.add(row)
            s.flush()
            return NewToken(_record(row), token)
    except sa_exc.SQLAlchemyError as e:
        raise store.fail(e) from None


def tokens(store: Store, seller_id: str) -> list[ApiTokenRecord]:
    """The seller's tokens, newest first (revoked ones too)."""
    try:
        with store.session() as s:
            rows = s.scalars(select(ApiTokenRow).where(ApiTokenRow.seller_id == seller_id)
                             .order_by(ApiTokenRow.created_at.desc(), ApiTokenRow.id))
            return [_record(r) for r in rows]
    except sa_exc.SQLAlchemyError as e:
        raise store.fail(e) from None


def revoke_token(store: Store, seller_id: str, token_id: str) -> ApiTokenRecord | None:
    """Revoke the seller's token (it is refused from now on); the token, or ``None`` if the seller has none such."""
    try:
        with store.session(write=True) as s, s.begin():
            row = s.get(ApiTokenRow, token_id)
            if row is None or row.seller_id != seller_id:
                return None
            if row.revoked_at is None:
                row.revoked_at = utcnow()
            s.flush()
            return _record(row)
    except sa_exc.SQLAlchemyError as e:
        raise store.fail(e) from None


def token_for(store: Store, token: str | None) -> ApiTokenRecord | None:
    """The active token record of a bearer token, or ``None``; marks it used."""
    if not token or not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    key = hash_secret(token)
    now = utcnow()
    try:
        with store.session() as s:
            row = s.scalars(select(ApiTokenRow).where(ApiTokenRow.token_hash == key)).first()
            rec = None if row is None else _record(row)
        if rec is None or rec.revoked_at is not None:
            return None
        if rec.last_used_at is None or now - rec.last_used_at > _USED_EVERY:
            with store.session(write=True) as s, s.begin():
                s.execute(update(ApiTokenRow).where(ApiTokenRow.id == rec.id).values(last_used_at=now))
        return rec
    except sa_exc.SQLAlchemyError as e:
        raise store.fail(e) from None
