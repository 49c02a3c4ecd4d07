"""``POST /api/lives/{id}/events``: a follower (or any machine with an API token) pushes a LIVE's events.

The body is a batch in the event-log format of DESIGN.md: JSON Lines (one event a line) or a JSON array. ``ts`` is
seconds from the LIVE's start, or an ISO-8601 / Unix time (then the LIVE needs its start time). The batch is
checked whole before anything is stored: a line that cannot be used is a 422 naming the line and the field, and
nothing of that batch is stored. A good batch is stored durably (:meth:`Store.ingest_events`) before the answer;
the live follower reads it from the store. Sending the same batch again stores nothing twice: events with an
``id`` are known by it (and their content), others by the batch's content and their line.

Limits: a batch over ``max_events_bytes`` is 413; when ``events_in_flight`` batches are already being stored the
answer is 503 with ``Retry-After`` (back-pressure: the sender keeps the batch and sends it again; nothing is
dropped).
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from ...errors import InputError
from ...models import EVENT_TYPES, Event
from ...sources.parse import BadField, delta_ms, parse_ts, to_event
from ..deps import Principal, api_principal, csrf_checked, get_settings, get_store
from ..errors import not_found

__all__ = ["RETRY_AFTER_S", "EventPushOut", "ParsedBatch", "parse_batch", "router"]

router = APIRouter(tags=["events"], dependencies=[Depends(csrf_checked)])
RETRY_AFTER_S = 1


class EventPushOut(BaseModel):
    """What a push stored."""

    received: int
    stored: int = Field(description="Events newly stored.")
    duplicates: int = Field(description="Events already stored (a batch sent again), not stored twice.")
    unknown_types: dict[str, int] = Field(description="Event types not in the schema: kept, and counted here.")
    first_ms: int | None
    last_ms: int | None


@dataclass(frozen=True, slots=True)
class ParsedBatch:
    """A checked batch: its events, and the count of each unknown type."""

    events: list[Event]
    unknown: dict[str, int]


def _records(text: str) -> list[tuple[str, int, Any]]:
    """(label, number, value) of each record of the body: ``item N`` of a JSON array, else ``line N``."""
    if text.lstrip().startswith("["):
        try:
            doc = json.loads(text)
        except json.JSONDecodeError as e:
            raise InputError(f"the body is not a JSON array ({e.msg} at line {e.lineno}, column {e.colno})") from None
        return [("item", i, v) for i, v in enumerate(doc, 1)]
    out: list[tuple[str, int, Any]] = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            out.append(("line", n, json.loads(line)))
        except json.JSONDecodeError as e:
            raise InputError(f"line {n}: not JSON ({e.msg} at column {e.colno})") from None
    return out


def parse_batch(body: bytes, started_at: datetime | None) -> ParsedBatch:
    """Check a pushed batch whole; :class:`InputError` naming the line (or array item) and field of the first
    record that cannot be used."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as e:
        raise InputError(f"the body is not UTF-8 text (byte {e.start})") from None
    records = _records(text)
    if not records:
        raise InputError("the batch holds no events (send JSON Lines or a JSON array of events)")
    digest = hashlib.sha256(body).hexdigest()[:16]
    events: list[Event] = []
    unknown: Counter[str] = Counter()
    for label, n, rec in records:
        try:
            if not isinstance(rec, dict):
                raise BadField(None, f"an event is a JSON object, not {type(rec).__name__}")
            if rec.get("ts") is None:
                raise BadField("ts", "missing 'ts' (seconds from the LIVE's start, or an ISO-8601 time)")
            ts = parse_ts(rec["ts"])
            if isinstance(ts, datetime):
                if started_at is None:
                    raise BadField("ts", "a clock time, but the LIVE has no start time: send seconds from its start")
                ts = delta_ms(ts, started_at)
                if ts < 0:
                    raise BadField("ts", f"'{rec['ts']}' is before the LIVE's start ({started_at.isoformat()})")
            source = "push" if rec.get("id") is not None else f"push:{digest}:{n}"
            ev = to_event(rec, ts, source=source, raw=None)
        except BadField as e:
            where = f"{label} {n}" + (f", field '{e.field}'" if e.field else "")
            raise InputError(f"{where}: {e.message}") from None  # the message names the line (or item) and field
        if ev.type not in EVENT_TYPES:
            unknown[ev.type] += 1
        events.append(ev)
    return ParsedBatch(events, dict(unknown))


async def _body(request: Request, limit: int) -> bytes:
    length = request.headers.get("content-length")
    if length is not None and length.isdigit() and int(length) > limit:
        raise HTTPException(413, f"the batch is {int(length)} bytes, over the limit of {limit}: send smaller batches")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise HTTPException(413, f"the batch is over the limit of {limit} bytes: send smaller batches")
        chunks.append(chunk)
    return b"".join(chunks)


@router.post("/lives/{live_id}/events", response_model=EventPushOut,
             summary="Push a batch of a LIVE's events (JSON Lines or a JSON array)",
             openapi_extra={"requestBody": {"required": True, "content": {
                 "application/x-ndjson": {"schema": {"type": "string"}},
                 "application/json": {"schema": {"type": "array", "items": {"type": "object"}}}}}},
             responses={413: {"description": "The batch is over the size limit"},
                        422: {"description": "A record cannot be used (line and field named); nothing stored"},
                        503: {"description": "Too many batches being stored: send it again after Retry-After"}})
async def push_events(live_id: str, request: Request,
                      p: Annotated[Principal, Depends(api_principal)]) -> EventPushOut:
    state = request.app.state
    settings, store = get_settings(request), get_store(request)
    if state.events_in_flight >= settings.events_in_flight:
        raise HTTPException(503, f"{state.events_in_flight} event batches are being stored: send this one again "
                                 f"in {RETRY_AFTER_S} s", headers={"Retry-After": str(RETRY_AFTER_S)})
    state.events_in_flight += 1
    try:
        live = await run_in_threadpool(store.get_live, p.seller_id, live_id)
        if live is None:
            raise not_found("LIVE", live_id)
        body = await _body(request, settings.max_events_bytes)
        batch = await run_in_threadpool(parse_batch, body, live.started_at)
        got = await run_in_threadpool(store.ingest_events, live.id, batch.events)
    finally:
        state.events_in_flight -= 1
    times = [e.ts_ms for e in batch.events]
    return EventPushOut(received=len(batch.events), stored=got.stored, duplicates=got.duplicates,
                        unknown_types=batch.unknown, first_ms=min(times), last_ms=max(times))
