"""``/api/lives``: the seller's LIVEs (date, length, GMV, highlights found and posted, status), one LIVE with its
per-minute metrics and its moments, and ``POST /api/lives`` to open a LIVE for a follower to push events into."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Response
from pydantic import AwareDatetime, BaseModel, Field, HttpUrl
from sqlalchemy import func, select, update

from ...store import LiveRecord, Store, live_id_for
from ...store.schema import EventRow, LiveRow, utcnow
from ..deps import Principal, api_principal, csrf_checked, get_store
from ..errors import not_found
from ..pages.queries import LiveTotals, live_totals

__all__ = ["LiveCreate", "LiveDetail", "LiveOut", "MinuteOut", "MomentOut", "minute_metrics", "router"]

router = APIRouter(tags=["lives"], dependencies=[Depends(csrf_checked)])


class LiveOut(BaseModel):
    """A LIVE as the list shows it."""

    id: str
    key: str
    title: str | None
    status: Literal["live", "ended"]
    started_at: datetime | None
    length_ms: int | None = Field(description="The recording's length, else the time of the last event so far.")
    gmv: float
    currency: str | None
    orders: int
    events: int
    moments: int
    highlights: int
    highlights_posted: int = Field(description="Highlights with at least one published post.")
    room_url: str | None
    created_at: datetime


class MinuteOut(BaseModel):
    """One minute of a LIVE (minute 0 is its first)."""

    minute: int
    start_ms: int
    gmv: float
    orders: int
    viewers: int | None = Field(description="Peak concurrent viewers in the minute (the last known when none came).")
    comments: int
    likes: int


class MomentOut(BaseModel):
    """A moment the detectors found, with where its job stands."""

    id: str
    start_ms: int
    end_ms: int
    peak_ms: int
    score: float
    kind: str
    detector: str
    product_id: str | None
    state: str
    reason: str | None
    confirmed_at_ms: int | None
    breakdown: dict[str, float | int | str | None]


class LiveDetail(LiveOut):
    """A LIVE with its metrics per minute and its moments."""

    minutes: list[MinuteOut]
    moments_found: list[MomentOut]


class LiveCreate(BaseModel):
    """A LIVE a follower is about to push events into (the same ``key`` again returns the same LIVE)."""

    key: str = Field(min_length=1, max_length=200, pattern=r"^[A-Za-z0-9][A-Za-z0-9._:-]*$")
    title: str | None = Field(default=None, max_length=500)
    room_url: HttpUrl | None = None
    started_at: AwareDatetime | None = Field(default=None, description="Default: now.")


@dataclass(frozen=True, slots=True)
class _Extra:
    room_url: str | None
    last_ms: int | None


def _extras(store: Store, live_ids: list[str]) -> dict[str, _Extra]:
    if not live_ids:
        return {}
    with store.session() as s:
        rooms = dict(s.execute(select(LiveRow.id, LiveRow.room_url).where(LiveRow.id.in_(live_ids))).all())
        last = dict(s.execute(select(EventRow.live_id, func.max(EventRow.ts_ms)).where(EventRow.live_id.in_(live_ids))
                              .group_by(EventRow.live_id)).all())
    return {lid: _Extra(rooms.get(lid), last.get(lid)) for lid in live_ids}


def _out(live: LiveRecord, t: LiveTotals, x: _Extra) -> dict[str, object]:
    return dict(id=live.id, key=live.key, title=live.title, status=live.status, started_at=live.started_at,
                length_ms=live.duration_ms if live.duration_ms is not None else x.last_ms, gmv=t.gmv,
                currency=t.currency, orders=t.orders, events=live.n_events, moments=live.n_moments,
                highlights=live.n_highlights, highlights_posted=t.posted, room_url=x.room_url,
                created_at=live.created_at)


def minute_metrics(store: Store, live_id: str) -> list[MinuteOut]:
    """GMV, orders, peak viewers, comments and likes of each minute of a LIVE, from its stored events (the caller
    has checked the LIVE is the seller's)."""
    minute = (EventRow.ts_ms // 60000).label("minute")
    q = (select(minute, EventRow.type, func.count(), func.coalesce(func.sum(EventRow.amount), 0.0),
                func.max(EventRow.count), func.coalesce(func.sum(EventRow.count), 0))
         .where(EventRow.live_id == live_id, EventRow.type.in_(("order", "viewers", "comment", "like")))
         .group_by(minute, EventRow.type))
    with store.session() as s:
        rows = s.execute(q).all()
    if not rows:
        return []
    by: dict[int, dict[str, tuple[int, float, int | None, int]]] = {}
    for m, typ, n, amount, peak, total in rows:
        by.setdefault(int(m), {})[typ] = (int(n), float(amount), None if peak is None else int(peak), int(total))
    out: list[MinuteOut] = []
    viewers: int | None = None
    for m in range(0, max(by) + 1):
        got = by.get(m, {})
        if "viewers" in got:
            viewers = got["viewers"][2]
        orders = got.get("order", (0, 0.0, None, 0))
        out.append(MinuteOut(minute=m, start_ms=m * 60000, gmv=round(orders[1], 2), orders=orders[0],
                             viewers=viewers, comments=got.get("comment", (0, 0.0, None, 0))[0],
                             likes=got.get("like", (0, 0.0, None, 0))[3]))
    return out


@router.get("/lives", response_model=list[LiveOut], summary="The seller's LIVEs, newest first")
def list_lives(p: Annotated[Principal, Depends(api_principal)],
               store: Annotated[Store, Depends(get_store)]) -> list[dict[str, object]]:
    lives = store.lives(p.seller_id)
    ids = [lv.id for lv in lives]
    totals = live_totals(store, p.seller_id, ids)
    extras = _extras(store, ids)
    return [_out(lv, totals.get(lv.id, LiveTotals()), extras[lv.id]) for lv in lives]


@router.get("/lives/{live_id}", response_model=LiveDetail, summary="A LIVE with its metrics per minute and moments")
def get_live(live_id: str, p: Annotated[Principal, Depends(api_principal)],
             store: Annotated[Store, Depends(get_store)]) -> dict[str, object]:
    live = store.get_live(p.seller_id, live_id)
    if live is None:
        raise not_found("LIVE", live_id)
    t = live_totals(store, p.seller_id, [live.id]).get(live.id, LiveTotals())
    doc = _out(live, t, _extras(store, [live.id])[live.id])
    doc["minutes"] = minute_metrics(store, live.id)
    doc["moments_found"] = [
        MomentOut(id=m.id, start_ms=m.moment.start_ms, end_ms=m.moment.end_ms, peak_ms=m.moment.peak_ms,
                  score=m.moment.score, kind=m.moment.kind, detector=m.moment.detector,
                  product_id=m.moment.product_id, state=m.state, reason=m.reason,
                  confirmed_at_ms=m.moment.confirmed_at_ms,
                  breakdown={k: v for k, v in m.moment.breakdown.items() if isinstance(v, int | float | str)})
        for m in store.moments(live.id)]
    return doc


@router.post("/lives", response_model=LiveOut, status_code=201,
             summary="Open a LIVE (status live) for a follower to push events into",
             responses={200: {"description": "The LIVE with this key already exists (returned as it is)."}})
def create_live(body: LiveCreate, response: Response, p: Annotated[Principal, Depends(api_principal)],
                store: Annotated[Store, Depends(get_store)]) -> dict[str, object]:
    existing = store.get_live(p.seller_id, live_id_for(p.seller_id, body.key))
    if existing is not None:
        response.status_code = 200
        live = existing
    else:
        started = (body.started_at or datetime.now(UTC)).astimezone(UTC)
        live = store.upsert_live(p.seller_id, body.key, title=body.title or body.key, started_at=started,
                                 status="live")
        if body.room_url is not None:
            with store.session(write=True) as s, s.begin():
                s.execute(update(LiveRow).where(LiveRow.id == live.id, LiveRow.seller_id == p.seller_id)
                          .values(room_url=str(body.room_url), updated_at=utcnow()))
    t = live_totals(store, p.seller_id, [live.id]).get(live.id, LiveTotals())
    return _out(live, t, _extras(store, [live.id])[live.id])
