"""The :class:`Store`: typed records in a database (SQLite by default, PostgreSQL by URL) and a media root.

Every read of a seller's data takes the seller's id and is scoped by it (another seller's LIVE is simply not
found). Writes by a LIVE's jobs (events, moments, highlights, ranks, remixes) take the LIVE's id, which the
caller got from a scoped read or from :meth:`Store.upsert_live`.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, delete, func, select, update
from sqlalchemy import exc as sa_exc
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ..models import Event, Moment
from .engine import WRITE, StoreError, translate
from .ids import event_key_raw, highlight_id, live_id_for, moment_id, plan_id, seller_id_for
from .media import MediaRoot
from .records import (
    LIVE_STATUSES,
    MOMENT_STATES,
    EventIngest,
    HighlightRecord,
    LivePlanRecord,
    LiveRecord,
    MomentRecord,
    RemixRecord,
    SellerRecord,
)
from .schema import EventRow, HighlightRow, LivePlanRow, LiveRow, MomentRow, RemixRow, SellerRow, utcnow

__all__ = ["DEFAULT_SELLER", "Store"]

DEFAULT_SELLER = "default"
"""The seller a single-shop installation uses."""

_EVENT_FIELDS = ("count", "text", "user", "product_id", "quantity", "amount", "currency", "gross_profit", "value",
                 "source", "raw")


# Columns of a raw event, in the order of the batch insert's tuples (``raw`` is canonical JSON text).
_EVENT_COLS = (("live_id", "text"), ("key", "text"), ("ts_ms", "bigint"), ("type", "text"), ("event_id", "text"),
               ("count", "bigint"), ("text", "text"), ("user", "text"), ("product_id", "text"),
               ("quantity", "bigint"), ("amount", "float8"), ("currency", "text"), ("gross_profit", "float8"),
               ("value", "float8"), ("source", "text"), ("raw", "text"))
_COLS = ", ".join(f'"{c}"' for c, _ in _EVENT_COLS)
_SQLITE_EVENT_SQL = (f"INSERT INTO events ({_COLS}) VALUES ({', '.join('?' for _ in _EVENT_COLS)}) "
                     "ON CONFLICT (live_id, key) DO NOTHING")
# PostgreSQL: one statement per batch, a column per array, so its row count is what was newly stored.
_PG_EVENT_SQL = (
    f"INSERT INTO events ({_COLS}) SELECT "
    + ", ".join(f'"{c}"::json' if c == "raw" else f'"{c}"' for c, _ in _EVENT_COLS)
    + " FROM unnest(" + ", ".join(f"%s::{t}[]" for _, t in _EVENT_COLS) + f") AS t({_COLS}) "
    "ON CONFLICT (live_id, key) DO NOTHING"
)


def _event_row(live_id: str, key: str, raw: str | None, ev: Event) -> tuple[Any, ...]:
    def i(v: Any) -> int | None:
        return None if v is None else int(v)

    def f(v: Any) -> float | None:
        return None if v is None else float(v)

    def t(v: Any) -> str | None:  # PostgreSQL's text cannot hold NUL; the raw record keeps the original
        return None if v is None else str(v).replace("\x00", "\ufffd")

    return (live_id, key, int(ev.ts_ms), str(ev.type), t(ev.id), i(ev.count), t(ev.text), t(ev.user),
            t(ev.product_id), i(ev.quantity), f(ev.amount), t(ev.currency), f(ev.gross_profit), f(ev.value),
            t(ev.source), raw)


def _insert_events(conn: Connection, dialect: str, rows: list[tuple[Any, ...]]) -> int:
    """Insert a batch of event rows, skipping those already stored; how many were new."""
    if dialect == "postgresql":
        return conn.exec_driver_sql(_PG_EVENT_SQL, tuple(list(col) for col in zip(*rows, strict=True))).rowcount
    return conn.exec_driver_sql(_SQLITE_EVENT_SQL, rows).rowcount  # SQLite counts what executemany inserted

def _json_doc(what: str, value: Any) -> Any:
    """``value`` if it can be stored as JSON on every backend, else :class:`StoreError` naming the field."""
    try:
        json.dumps(value, allow_nan=False)
    except (TypeError, ValueError) as e:
        raise StoreError(f"{what} cannot be stored as JSON ({e})") from None
    return value


def _aware(value: datetime | None, what: str) -> datetime | None:
    if value is None:
        return None
    if value.tzinfo is None:
        raise StoreError(f"{what} {value.isoformat()} has no time zone (give an aware datetime, e.g. in UTC)")
    return value.astimezone(UTC)


def _moment(row: MomentRow) -> Moment:
    return Moment(start_ms=row.start_ms, end_ms=row.end_ms, peak_ms=row.peak_ms, score=row.score,
                  detector=row.detector, product_id=row.product_id, kind=row.kind, breakdown=dict(row.breakdown),
                  evidence=dict(row.evidence), confirmed_at_ms=row.confirmed_at_ms)


def _moment_record(row: MomentRow) -> MomentRecord:
    return MomentRecord(id=row.id, live_id=row.live_id, moment=_moment(row), state=row.state, reason=row.reason)


def _highlight_record(row: HighlightRow, m: MomentRow) -> HighlightRecord:
    return HighlightRecord(
        id=row.id, live_id=row.live_id, moment_id=row.moment_id, rank=row.rank, start_ms=row.start_ms,
        end_ms=row.end_ms, product_id=row.product_id, product_title=row.product_title, kind=row.kind,
        score=row.score, rank_score=row.rank_score, why=list(row.why), content=dict(row.content), moment=_moment(m),
        transcript=row.transcript, compliance=row.compliance, tier=row.tier, postable=row.postable,
        blocked_by=list(row.blocked_by), clip=row.clip, thumbnail=row.thumbnail, cut=row.cut,
        created_at=row.created_at, updated_at=row.updated_at)


def _remix_record(row: RemixRow) -> RemixRecord:
    return RemixRecord(id=row.id, highlight_id=row.highlight_id, style=row.style, path=row.path,
                       sidecar=dict(row.sidecar), created_at=row.created_at)


def _plan_record(row: LivePlanRow) -> LivePlanRecord:
    return LivePlanRecord(id=row.id, seller_id=row.seller_id, title=row.title, start=row.start,
                          created_at=row.created_at)


def _moment_values(live_id: str, m: Moment) -> dict[str, Any]:
    return {"id": moment_id(live_id, m.detector, m.start_ms, m.product_id), "live_id": live_id,
            "detector": m.detector, "start_ms": int(m.start_ms), "end_ms": int(m.end_ms), "peak_ms": int(m.peak_ms),
            "score": float(m.score), "product_id": m.product_id, "kind": m.kind,
            "breakdown": _json_doc(f"moment at {m.start_ms} ms: breakdown", dict(m.breakdown)),
            "evidence": _json_doc(f"moment at {m.start_ms} ms: evidence", dict(m.evidence)),
            "confirmed_at_ms": m.confirmed_at_ms}


class Store:
    """Durable records of sellers, LIVEs, events, moments, highlights, remixes and LIVE plans.

    Open it with :func:`~livehighlights.store.open_store`; use it as a context manager or call :meth:`close`.
    """

    def __init__(self, engine: Engine, url: str, media: MediaRoot) -> None:
        self.engine = engine
        self.url = url
        self.media = media
        self._writer = engine.execution_options(**{WRITE: True})
        self._dialect = engine.dialect.name

    # ---- plumbing ---------------------------------------------------------------------------------------------
    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Store({self.url!r}, media={str(self.media.root)!r})"

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()

    def _insert(self, table: Any) -> Any:
        return (postgresql.insert if self._dialect == "postgresql" else sqlite.insert)(table)

    def _read(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    def _write(self) -> Session:
        return Session(self._writer, expire_on_commit=False)

    def session(self, *, write: bool = False) -> Session:
        """A SQLAlchemy 2 ORM session on the store's database, for modules that keep their own tables here.

        ``write=True`` for a session that writes: on SQLite it takes the write lock when its transaction begins, so
        concurrent writers wait their turn (busy timeout) instead of failing on a lock upgrade. Scope every query
        by seller; translate ``SQLAlchemyError`` with :meth:`fail`.
        """
        return self._write() if write else self._read()

    def fail(self, err: BaseException) -> StoreError:
        """The one-line :class:`StoreError` for a database error (naming the database, never its password)."""
        return translate(err, self.url)

    def _fail(self, err: BaseException) -> StoreError:
        return translate(err, self.url)

    def _need_live(self, s: Session, live_id: str) -> LiveRow:
        row = s.get(LiveRow, live_id)
        if row is None:
            raise StoreError(f"database {self.url}: no LIVE with id '{live_id}'")
        return row

    # ---- sellers ----------------------------------------------------------------------------------------------
    def seller(self, name: str = DEFAULT_SELLER) -> SellerRecord:
        """The seller called ``name``, created on first use."""
        sid = seller_id_for(name)
        try:
            with self._write() as s, s.begin():
                s.execute(self._insert(SellerRow).values(id=sid, name=name, created_at=utcnow())
                          .on_conflict_do_nothing())
                row = s.get(SellerRow, sid)
                assert row is not None
                return SellerRecord(id=row.id, name=row.name, created_at=row.created_at)
        except sa_exc.SQLAlchemyError as e:
            raise self._fail(e) from None

    # ---- LIVEs ------------------------------------------------------------------------------------------------
    def upsert_live(self, seller_id: str, key: str, *, title: str | None = None, started_at: datetime | None = None,
                    status: str = "ended", duration_ms: int | None = None, recording: str | Path | None = None,
                    events: str | Path | None = None, catalog: str | Path | None = None) -> LiveRecord:
        """Create the seller's LIVE with this ``key`` (id :func:`live_id_for`), or update it: the fields given
        (not ``None``) replace the stored ones, the others are kept."""
        if status not in LIVE_STATUSES:
            raise StoreError(f"LIVE status '{status}' is not one of {', '.join(LIVE_STATUSES)}")
        lid = live_id_for(seller_id, key)
        now = utcnow()
        given = {"title": title, "started_at": _aware(started_at, "started_at"), "duration_ms": duration_ms,
                 "recording": None if recording is None else str(recording),
                 "events": None if events is None else str(events),
                 "catalog": None if catalog is None else str(catalog)}
        given = {k: v for k, v in given.items() if v is not None}
        try:
            with self._write() as s, s.begin():
                if s.get(SellerRow, seller_id) is None:
                    raise StoreError(f"database {self.url}: no seller with id '{seller_id}'")
                stmt = self._insert(LiveRow).values(id=lid, seller_id=seller_id, key=key, status=status, n_events=0,
                                                    created_at=now, updated_at=now, **given)
                s.execute(stmt.on_conflict_do_update(index_elements=[LiveRow.id],
                                                     set_={"status": status, "updated_at": now, **given}))
            return self._live(seller_id, lid)
        except sa_exc.SQLAlchemyError as e:
            raise self._fail(e) from None

    def _live(self, seller_id: str, live_id: str) -> LiveRecord:
        rec = self.get_live(seller_id, live_id)
        assert rec is not None
        return rec

    def _lives_query(self, seller_id: str) -> Any:
        n_m = select(func.count()).where(MomentRow.live_id == LiveRow.id).scalar_subquery()
        n_h = select(func.count()).where(HighlightRow.live_id == LiveRow.id).scalar_subquery()
        return select(LiveRow, n_m, n_h).where(LiveRow.seller_id == seller_id)

    @staticmethod
    def _live_record(row: LiveRow, n_m: int, n_h: int) -> LiveRecord:
        return LiveRecord(id=row.id, seller_id=row.seller_id, key=row.key, title=row.title,
                          started_at=row.started_at, status=row.status, duration_ms=row.duration_ms,
                          recording=row.recording, events=row.events, catalog=row.catalog, created_at=row.created_at,
                          updated_at=row.updated_at, n_events=row.n_events, n_moments=n_m, n_highlights=n_h,
                          summary=row.summary)

    def get_live(self, seller_id: str, live_id: str) -> LiveRecord | None:
        """The seller's LIVE, or ``None`` (also when the LIVE belongs to another seller)."""
        try:
            with self._read() as s:
                got = s.execute(self._lives_query(seller_id).where(LiveRow.id == live_id)).first()
                return None if got is None else self._live_record(*got)
        except sa_exc.SQLAlchemyError as e:
            raise self._fail(e) from None

    def lives(self, seller_id: str) -> list[LiveRecord]:
        """The seller's LIVEs, newest first (by start time, else by when they were stored), with counts."""
        newest = func.coalesce(LiveRow.started_at, LiveRow.created_at)
        try:
            with self._read() as s:
                rows = s.execute(self._lives_query(seller_id).order_by(newest.desc(), LiveRow.id)).all()
                return [self._live_record(*r) for r in rows]
        except sa_exc.SQLAlchemyError as e:
            raise self._fail(e) from None

    def set_live_summary(self, seller_id: str, live_id: str, summary: dict[str, Any]) -> None:
        """Keep what the seller's LIVE amounted to (its totals, see :attr:`LiveRecord.summary`)."""
        try:
            with self._write() as s, s.begin():
                n = s.execute(update(LiveRow).where(LiveRow.id == live_id, LiveRow.seller_id == seller_id)
                              .values(summary=_json_doc(f"LIVE {live_id}: summary", dict(summary)),
                                      updated_at=utcnow())).rowcount
            if not n:
                raise StoreError(f"database {self.url}: no LIVE with id '{live_id}'")
        except sa_exc.SQLAlchemyError as e:
            raise self._fail(e) from None

    def set_live_status(self, seller_id: str, live_id: str, status: str) -> None:
        """Mark the seller's LIVE ``live`` or ``ended``."""
        if status not in LIVE_STATUSES:
            raise StoreError(f"LIVE status '{status}' is not one of {', '.join(LIVE_STATUSES)}")
        try:
            with self._write() as s, s.begin():
                n = s.execute(update(LiveRow).where(LiveRow.id == live_id, LiveRow.seller_id == seller_id)
                              .values(status=status, updated_at=utcnow())).rowcount
            if not n:
                raise StoreError(f"database {self.url}: no LIVE with id '{live_id}'")
        except sa_exc.SQLAlchemyError as e:
            raise self._fail(e) from None

    # ---- events -----------------------------------------------------------------------------------------------
    def ingest_events(self, live_id: str, events: Iterable[Event], *, batch: int = 5000) -> EventIngest:
        """Store raw events of a LIVE, ``batch`` at a time (one transaction each, memory bounded by the batch).

        Idempotent: an event already stored (same :func:`event_key`) is counted as a duplicate, not stored again.
        """
        if batch < 1:
            raise StoreError(f"ingest batch size must be at least 1, not {batch}")
        stored = dupes = 0
        it = iter(events)
        try:
            with self._writer.connect() as conn:
                with conn.begin():
                    if conn.execute(select(LiveRow.id).where(LiveRow.id == live_id)).first() is None:
                        raise StoreError(f"database {self.url}: no LIVE with id '{live_id}'")
                while chunk := list(islice(it, batch)):
                    rows: dict[str, tuple[Any, ...]] = {}
                    for ev in chunk:
                        k, raw = event_key_raw(ev)
                        if k not in rows:
                            rows[k] = _event_row(live_id, k, raw, ev)
                    with conn.begin():
                        n = _insert_events(conn, self._dialect, list(rows.values()))
                        if n:
                            conn.execute(update(LiveRow).where(LiveRow.id == live_id)
                                         .values(n_events=LiveRow.n_events + n))
                    stored += n
                    dupes += len(chunk) - n
        except sa_exc.SQLAlchemyError as e:
            raise self._fail(e) from None
        return EventIngest(stored=stored, duplicates=dupes)

    def events(self, live_id: str, *, chunk: int = 5000) -> Iterator[Event]:
        """The LIVE's stored events in time order (ties in the order they were stored), streamed."""
        cols = [EventRow.ts_ms, EventRow.type, EventRow.event_id, *(getattr(EventRow, f) for f in _EVENT_FIELDS)]
        stmt = select(*cols).where(EventRow.live_id == live_id).order_by(EventRow.ts_ms, EventRow.seq)
        try:
            with self.engine.connect() as conn:
                result = conn.execution_options(stream_results=True, yield_per=chunk).execute(stmt)
                for r in result:
                    yield Event(r[0], r[1], r[2], *r[3:])
        except sa_exc.SQLAlchemyError as e:
            raise self._fail(e) from None

    # ---- moments ----------------------------------------------------------------------------------------------
    def upsert_moment(self, live_id: str, m: Moment) -> MomentRecord:
        """Store a moment under its :func:`moment_id`; a moment already stored is updated and keeps its state."""
        try:
            with self._write() as s, s.begin():
                self._need_live(s, live_id)
                row = self._upsert_moment(s, live_id, m)
                return _moment_record(row)
        except sa_exc.SQLAlchemyError as e:
            raise self._fail(e) from None

    def _upsert_moment(self, s: Session, live_id: str, m: Moment, state: str | None = None) -> MomentRow:
        vals = _moment_values(live_id, m)
        now = utcnow()
        upd = {k: v for k, v in vals.items() if k not in ("id", "live_id")} | {"updated_at": now}
        if state is not None:
            upd |= {"state": state, "reason": None}
        stmt = self._insert(MomentRow).values(**vals, state=state or "pending", created_at=now, updated_at=now)
        s.execute(stmt.on_conflict_do_update(index_elements=[MomentRow.id], set_=upd))
        row = s.get(MomentRow, vals["id"], populate_existing=True)
        assert row is not None
        return row

    def moments(self, live_id: str) -> list[MomentRecord]:
        """The LIVE's moments in time order."""
        try:
            with self._read() as s:
                rows = s.scalars(select(MomentRow).where(MomentRow.live_id == live_id)
                                 .order_by(MomentRow.start_ms, MomentRow.id)).all()
                return [_moment_record(r) for r in rows]
        except sa_exc.SQLAlchemyError as e:
            raise self._fail(e) from None

    def set_moment_state(self, moment_id: str, state: str, reason: str | None = None) -> None:
        """Record where a moment's job stands (``pending``, ``done``, ``rejected``, ``failed``) and why."""
        if state not in MOMENT_STATES:
            raise StoreError(f"moment state '{state}' is not one of {', '.join(MOMENT_STATES)}")
        try:
            with self._write() as s, s.begin():
                n = s.execute(update(MomentRow).where(MomentRow.id == moment_id)
                              .values(state=state, reason=reason, updated_at=utcnow())).rowcount
            if not n:
                raise StoreError(f"database {self.url}: no moment with id '{moment_id}'")
        except sa_exc.SQLAlchemyError as e:
            raise self._fail(e) from None

    # ---- highlights -------------------------------------------------------------------------------------------
    def save_highlight(self, h: HighlightRecord) -> HighlightRecord:
        """Store a highlight (update it if its id is there) and, in the same transaction, store its moment and
        mark it ``done``. ``h.id`` must be :func:`highlight_id` of ``h.moment_id``, which must be the moment's id."""
        mid = moment_id(h.live_id, h.moment.detector, h.moment.start_ms, h.moment.product_id)
        if h.moment_id != mid:
            raise StoreError(f"highlight {h.id}: moment_id '{h.moment_id}' is not the id of its moment ('{mid}')")
        if h.id != highlight_id(mid):
            raise StoreError(f"highlight id '{h.id}' is not highlight_id('{mid}') ('{highlight_id(mid)}')")
        now = utcnow()
        vals = {f.name: getattr(h, f.name) for f in dataclasses.fields(h)
                if f.name not in ("moment", "created_at", "updated_at")}
        vals.update(why=list(h.why), blocked_by=list(h.blocked_by), content=dict(h.content), postable=bool(h.postable))
        for name in ("why", "blocked_by", "content", "transcript", "compliance", "cut"):
            _json_doc(f"highlight {h.id}: {name}", vals[name])
        try:
            with self._write() as s, s.begin():
                self._need_live(s, h.live_id)
                mrow = self._upsert_moment(s, h.live_id, h.moment, state="done")
                upd = {k: v for k, v in vals.items() if k not in ("id", "live_id", "moment_id")} | {"updated_at": now}
                stmt = self._insert(HighlightRow).values(**vals, created_at=now, updated_at=now)
                s.execute(stmt.on_conflict_do_update(index_elements=[HighlightRow.id], set_=upd))
                row = s.get(HighlightRow, h.id, populate_existing=True)
                assert row is not None
                return _highlight_record(row, mrow)
        except sa_exc.SQLAlchemyError as e:
            raise self._fail(e) from None

    def _highlights_query(self, seller_id: str) -> Any:
        return (select(HighlightRow, MomentRow).join(MomentRow, MomentRow.id == HighlightRow.moment_id)
                .join(LiveRow, LiveRow.id == HighlightRow.live_id).where(LiveRow.seller_id == seller_id))

    def highlights(self, seller_id: str, live_id: str) -> list[HighlightRecord]:
        """The seller's LIVE's highlights in rank order (unranked last), then by start."""
        q = (self._highlights_query(seller_id).where(HighlightRow.live_id == live_id)
             .order_by(HighlightRow.rank.is_(None), HighlightRow.rank, HighlightRow.start_ms, HighlightRow.id))
        try:
            with self._read() as s:
                return [_highlight_record(h, m) for h, m in s.execute(q).all()]
        except sa_exc.SQLAlchemyError as e:
            raise self._fail(e) from None

    def get_highlight(self, seller_id: str, highlight_id: str) -> HighlightRecord | None:
        """The seller's highlight, or ``None`` (also when it belongs to another seller)."""
        try:
            with self._read() as s:
                got = s.execute(self._highlights_query(seller_id).where(HighlightRow.id == highlight_id)).first()
                return None if got is None else _highlight_record(*got)
        except sa_exc.SQLAlchemyError as e:
            raise self._fail(e) from None

    def set_ranks(self, live_id: str, ranked_ids: Sequence[str]) -> None:
        """Rank the LIVE's highlights: ``ranked_ids[0]`` gets rank 1 …; the others get no rank."""
        if len(set(ranked_ids)) != len(ranked_ids):
            raise StoreError(f"LIVE {live_id}: a highlight id is ranked twice")
        try:
            with self._write() as s, s.begin():
                have = set(s.scalars(select(HighlightRow.id).where(HighlightRow.live_id == live_id)))
                unknown = [h for h in ranked_ids if h not in have]
                if unknown:
                    raise StoreError(f"LIVE {live_id}: no highlight with id '{unknown[0]}'")
                s.execute(update(HighlightRow).where(HighlightRow.live_id == live_id).values(rank=None))
                for i, hid in enumerate(ranked_ids, 1):
                    s.execute(update(HighlightRow).where(HighlightRow.id == hid).values(rank=i))
        except sa_exc.SQLAlchemyError as e:
            raise self._fail(e) from None

    def delete_highlights_except(self, live_id: str, keep_ids: Iterable[str]) -> int:
        """Delete the LIVE's highlights (and their remixes) whose ids are not in ``keep_ids``; how many went.
        Their moments stay. Media files stay too (they are shared by content)."""
        keep = list(keep_ids)
        try:
            with self._write() as s, s.begin():
                gone = select(HighlightRow.id).where(HighlightRow.live_id == live_id, HighlightRow.id.not_in(keep))
                s.execute(delete(RemixRow).where(RemixRow.highlight_id.in_(gone)))
                return s.execute(delete(HighlightRow).where(HighlightRow.live_id == live_id,
                                                            HighlightRow.id.not_in(keep))).rowcount
        except sa_exc.SQLAlchemyError as e:
            raise self._fail(e) from None

    # ---- remixes ----------------------------------------------------------------------------------------------
    def save_remix(self, r: RemixRecord) -> RemixRecord:
        """Store a remix (update it if its id is there; see :func:`~livehighlights.store.ids.remix_id`)."""
        now = utcnow()
        try:
            with self._write() as s, s.begin():
                if s.get(HighlightRow, r.highlight_id) is None:
                    raise StoreError(f"database {self.url}: no highlight with id '{r.highlight_id}'")
                vals = {"id": r.id, "highlight_id": r.highlight_id, "style": r.style, "path": r.path,
                        "sidecar": _json_doc(f"remix {r.id}: sidecar", dict(r.sidecar))}
                stmt = self._insert(RemixRow).values(**vals, created_at=now)
                s.execute(stmt.on_conflict_do_update(
                    index_elements=[RemixRow.id], set_={"style": r.style, "path": r.path, "sidecar": dict(r.sidecar)}))
                row = s.get(RemixRow, r.id, populate_existing=True)
                assert row is not None
                return _remix_record(row)
        except sa_exc.SQLAlchemyError as e:
            raise self._fail(e) from None

    def remixes(self, seller_id: str, highlight_id: str) -> list[RemixRecord]:
        """The remixes of the seller's highlight, oldest first."""
        q = (select(RemixRow).join(HighlightRow, HighlightRow.id == RemixRow.highlight_id)
             .join(LiveRow, LiveRow.id == HighlightRow.live_id)
             .where(LiveRow.seller_id == seller_id, RemixRow.highlight_id == highlight_id)
             .order_by(RemixRow.created_at, RemixRow.id))
        try:
            with self._read() as s:
                return [_remix_record(r) for r in s.scalars(q).all()]
        except sa_exc.SQLAlchemyError as e:
            raise self._fail(e) from None

    # ---- LIVE plans -------------------------------------------------------------------------------------------
    def add_plan(self, seller_id: str, title: str, start: datetime) -> LivePlanRecord:
        """Plan a LIVE (the same seller, title and start is the same plan: adding it again changes nothing)."""
        start_utc = _aware(start, "plan start")
        assert start_utc is not None
        pid = plan_id(seller_id, title, start_utc)
        try:
            with self._write() as s, s.begin():
                if s.get(SellerRow, seller_id) is None:
                    raise StoreError(f"database {self.url}: no seller with id '{seller_id}'")
                s.execute(self._insert(LivePlanRow).values(id=pid, seller_id=seller_id, title=title, start=start_utc,
                                                           created_at=utcnow()).on_conflict_do_nothing())
                row = s.get(LivePlanRow, pid)
                assert row is not None
                return _plan_record(row)
        except sa_exc.SQLAlchemyError as e:
            raise self._fail(e) from None

    def plans(self, seller_id: str) -> list[LivePlanRecord]:
        """The seller's LIVE plans by start time."""
        try:
            with self._read() as s:
                rows = s.scalars(select(LivePlanRow).where(LivePlanRow.seller_id == seller_id)
                                 .order_by(LivePlanRow.start, LivePlanRow.id)).all()
                return [_plan_record(r) for r in rows]
        except sa_exc.SQLAlchemyError as e:
            raise self._fail(e) from None
