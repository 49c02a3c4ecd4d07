"""Seller Center accounts: a person who signs in, belonging to one seller, with an argon2id password hash.

    user = create_user(store, seller.id, "ana@shop.example", "a long passphrase")
    user = authenticate(store, "ana@shop.example", password)     # None when the name or password is wrong

Passwords are hashed with argon2id (argon2-cffi's defaults: memory-hard, salted); only the hash is stored. A sign-in
for an unknown name still verifies against a dummy hash, so the answer takes as long as for a wrong password.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import exc as sa_exc
from sqlalchemy import select

from ..errors import InputError, Where
from ..store import Store, StoreError
from ..store.schema import SellerRow, utcnow
from ..store.schema_app import UserRow

__all__ = ["MIN_PASSWORD", "UserRecord", "authenticate", "check_password", "create_user", "get_user",
           "normal_username", "users"]

MIN_PASSWORD = 10
"""The shortest password accepted (characters)."""
_NAME = re.compile(r"^[a-z0-9][a-z0-9._@+-]{0,199}$")


@dataclass(frozen=True, slots=True)
class UserRecord:
    """A person who signs in to Seller Center."""

    id: str
    seller_id: str
    username: str
    created_at: datetime
    last_signin_at: datetime | None = None


@lru_cache(maxsize=1)
def _hasher() -> PasswordHasher:
    return PasswordHasher()  # argon2id, argon2-cffi's recommended parameters


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return _hasher().hash(secrets.token_urlsafe(16))


def _record(row: UserRow) -> UserRecord:
    return UserRecord(row.id, row.seller_id, row.username, row.created_at, row.last_signin_at)


def normal_username(name: str) -> str:
    """The username as stored (trimmed, lower case); :class:`InputError` naming ``username`` if it cannot be one."""
    n = (name or "").strip().lower()
    if not _NAME.match(n):
        raise InputError("a username is 1-200 letters, digits or . _ @ + - (starting with a letter or digit), "
                         f"not {name!r}", Where(field="username"))
    return n


def check_password(password: str) -> None:
    """:class:`InputError` naming ``password`` when it is too short to be accepted."""
    if len(password) < MIN_PASSWORD:
        raise InputError(f"a password needs at least {MIN_PASSWORD} characters (got {len(password)})",
                         Where(field="password"))


def create_user(store: Store, seller_id: str, username: str, password: str) -> UserRecord:
    """Create a user of the seller; :class:`InputError` for a bad or taken username or a short password."""
    name = normal_username(username)
    check_password(password)
    pw_hash = _hasher().hash(password)
    try:
        with store.session(write=True) as s, s.begin():
            if s.get(SellerRow, seller_id) is None:
                raise StoreError(f"database {store.url}: no seller with id '{seller_id}'")
            if s.scalars(select(UserRow.id).where(UserRow.username == name)).first() is not None:
                raise InputError(f"the username '{name}' is taken", Where(field="username"))
            row = UserRow(id="u_" + secrets.token_hex(8), seller_id=seller_id, username=name,
                          password_hash=pw_hash, created_at=utcnow())
            s.add(row)
            s.flush()
            return _record(row)
    except sa_exc.SQLAlchemyError as e:
        raise store.fail(e) from None


def get_user(store: Store, user_id: str) -> UserRecord | None:
    """The user with this id, or ``None``."""
    try:
        with store.session() as s:
            row = s.get(UserRow, user_id)
            return None if row is None else _record(row)
    except sa_exc.SQLAlchemyError as e:
        raise store.fail(e) from None


def users(store: Store, seller_id: str) -> list[UserRecord]:
    """The seller's users by name."""
    try:
        with store.session() as s:
            rows = s.scalars(select(UserRow).where(UserRow.seller_id == seller_id).order_by(UserRow.username))
            return [_record(r) for r in rows]
    except sa_exc.SQLAlchemyError as e:
        raise store.fail(e) from None


def authenticate(store: Store, username: str, password: str) -> UserRecord | None:
    """The user when ``password`` is theirs (their sign-in time is recorded), else ``None``."""
    try:
        name = normal_username(username)
    except InputError:
        name = None
    try:
        with store.session() as s:
            row = s.scalars(select(UserRow).where(UserRow.username == name)).first() if name else None
            stored = row.password_hash if row is not None else _dummy_hash()
        try:
            _hasher().verify(stored, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return None
        if row is None:
            return None
        with store.session(write=True) as s, s.begin():
            w = s.get(UserRow, row.id)
            if w is None:
                return None
            w.last_signin_at = utcnow()
            if _hasher().check_needs_rehash(w.password_hash):
                w.password_hash = _hasher().hash(password)
            s.flush()
            return _record(w)
    except sa_exc.SQLAlchemyError as e:
        raise store.fail(e) from None
