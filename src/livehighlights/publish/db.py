"""Sessions on the store's database for the publishing tables, and rows to records."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import exc as sa_exc
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ..store import Store
from ..store.engine import WRITE, translate
from .records import ConsentRecord, PostChoices, PostRecord
from .schema import ConsentRow, PostRow

__all__ = ["Db", "consent_record", "post_record", "short_hash"]


def short_hash(*parts: object, n: int = 16) -> str:
    return hashlib.sha256("\x1f".join("" if p is None else str(p) for p in parts).encode()).hexdigest()[:n]


def post_record(r: PostRow) -> PostRecord:
    return PostRecord(
        id=r.id, idem_key=r.idem_key, seller_id=r.seller_id, live_id=r.live_id, highlight_id=r.highlight_id,
        product_id=r.product_id, destination=r.destination, account=r.account, rendition=r.rendition, media=r.media,
        caption=r.caption, choices=PostChoices.from_json(r.options), payload=dict(r.payload), auto=r.auto,
        forced=r.forced, consent_id=r.consent_id, state=r.state, attempts=r.attempts, not_before=r.not_before,
        remote_id=r.remote_id, remote_url=r.remote_url, progress=dict(r.progress or {}), error_code=r.error_code,
        reason=r.reason, created_at=r.created_at, updated_at=r.updated_at, sent_at=r.sent_at,
        published_at=r.published_at)


def consent_record(r: ConsentRow) -> ConsentRecord:
    return ConsentRecord(id=r.id, seller_id=r.seller_id, destination=r.destination, account=r.account,
                         choices=PostChoices.from_json(r.choices), given_at=r.given_at, revoked_at=r.revoked_at)


class Db:
    """Read and write transactions on the store's engine (SQLite writes take the lock at ``BEGIN``), with
    database errors turned into one-line :class:`~livehighlights.store.StoreError`."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.dialect = store.engine.dialect.name
        self._writer = store.engine.execution_options(**{WRITE: True})

    def insert(self, table: Any) -> Any:
        return (postgresql.insert if self.dialect == "postgresql" else sqlite.insert)(table)

    def insert_new(self, s: Session, table: Any, values: dict[str, Any], key: Any) -> bool:
        """Insert a row unless its unique key is taken (``ON CONFLICT DO NOTHING``); True when it was inserted.
        (Decided by ``RETURNING``: a driver's row count for such an insert is not reliable.)"""
        stmt = self.insert(table).values(**values).on_conflict_do_nothing().returning(key)
        return s.execute(stmt).first() is not None

    @contextmanager
    def write(self) -> Iterator[Session]:
        try:
            with Session(self._writer, expire_on_commit=False) as s, s.begin():
                yield s
        except sa_exc.SQLAlchemyError as e:
            raise translate(e, self.store.url) from None

    @contextmanager
    def read(self) -> Iterator[Session]:
        try:
            with Session(self.store.engine, expire_on_commit=False) as s:
                yield s
        except sa_exc.SQLAlchemyError as e:
            raise translate(e, self.store.url) from None
