"""A LIVE as it happens: ``GET /api/lives/{id}/stream`` (server-sent events) and what the live view shows.

The stream polls the store (every :data:`POLL_S`) for the LIVE's moments, clips (highlights) and posts, and sends
each once, as it appears (``event: moment`` / ``clip`` / ``post``, its data a :class:`LiveItem` as JSON), and the
LIVE's status when it changes (``event: status``). Each item says how long it took: a moment, how long after its
peak the detector confirmed it (stream time); a clip, from the moment being found to the clip being stored; a post,
from the clip to the post being published (or how long it has been waiting). Sending everything again on a
reconnect is harmless: the page keeps one element per item id.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import asdict, dataclass
from datetime import datetime

from fastapi import APIRouter, Depends, Request
from fastapi.responses import StreamingResponse
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool

from ...publish.schema import PostRow
from ...store import Store
from ...store.schema import HighlightRow, LiveRow, MomentRow, utcnow
from ..deps import Principal, api_principal, get_store
from ..errors import not_found

__all__ = ["POLL_S", "LiveItem", "live_items", "router"]

router = APIRouter(tags=["lives"])

POLL_S = 1.0
KEEPALIVE_S = 15.0


@dataclass(frozen=True, slots=True)
class LiveItem:
    """One thing that happened in a LIVE, as the live view lists it."""

    kind: str
    """``moment``, ``clip`` or ``post``."""
    id: str
    at_ms: int
    """Where in the LIVE (stream time)."""
    at: str
    label: str
    badge: str
    title: str
    took: str
    href: str | None
    state: str

    def to_json(self) -> dict[str, object]:
        return asdict(self)


def _clock(ms: int) -> str:
    s = max(0, ms) // 1000
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}" if s >= 3600 else f"{s // 60}:{s % 60:02d}"


def _secs(a: datetime | None, b: datetime | None) -> float | None:
    if a is None or b is None:
        return None
    return max(0.0, (b - a).total_seconds())


def _took(sec: float | None, what: str) -> str:
    return "" if sec is None else f"{what} {sec:.1f} s"


def live_items(store: Store, seller_id: str, live_id: str) -> tuple[str, list[LiveItem]] | None:
    """The LIVE's status and its items in the order they happened, or ``None`` when it is not the seller's."""
    with store.session() as s:
        live = s.get(LiveRow, live_id)
        if live is None or live.seller_id != seller_id:
            return None
        moments = s.scalars(select(MomentRow).where(MomentRow.live_id == live_id)).all()
        highlights = s.scalars(select(HighlightRow).where(HighlightRow.live_id == live_id)).all()
        posts = s.scalars(select(PostRow).where(PostRow.live_id == live_id, PostRow.seller_id == seller_id)).all()
    found_at = {m.id: m.created_at for m in moments}
    titles = {h.product_id: h.product_title for h in highlights if h.product_id and h.product_title}
    clip_at = {h.id: h.created_at for h in highlights}
    start_of = {h.id: h.start_ms for h in highlights}
    items: list[LiveItem] = []
    for m in moments:
        delay = None if m.confirmed_at_ms is None else (m.confirmed_at_ms - m.peak_ms) / 1000
        product = titles.get(m.product_id, m.product_id) if m.product_id else None
        what = f"{m.kind} moment" + (f" · {product}" if product else "") + f" · score {m.score:.2f}"
        if m.state in ("rejected", "failed") and m.reason:
            what += f" ({m.state}: {m.reason})"
        items.append(LiveItem("moment", m.id, m.start_ms, _clock(m.start_ms), "Moment", "st-unknown", what,
                              _took(delay, "found") + (" after its peak" if delay is not None else ""), None,
                              m.state))
    for h in highlights:
        took = _secs(found_at.get(h.moment_id), h.created_at)
        title = (h.product_title or f"{h.kind} clip") + f" · {(h.end_ms - h.start_ms) / 1000:.0f} s"
        items.append(LiveItem("clip", h.id, h.start_ms, _clock(h.start_ms), f"Clip · {h.tier or 'unchecked'}",
                              f"tier-{h.tier or 'none'}", title, _took(took, "clipped in"),
                              f"/highlights/{h.id}", "done" if h.clip else "planned"))
    now = utcnow()
    for p in posts:
        done = p.published_at
        took = _secs(clip_at.get(p.highlight_id), done) if done else _secs(p.created_at, now)
        items.append(LiveItem("post", p.id, start_of.get(p.highlight_id, 0), _clock(start_of.get(p.highlight_id, 0)),
                              f"Post · {p.state}", f"st-{p.state}",
                              f"{p.destination}{' (auto)' if p.auto else ''}" + (f": {p.reason}" if p.reason else ""),
                              _took(took, "posted in" if done else "waiting"), f"/highlights/{p.highlight_id}",
                              p.state))
    order = {"moment": 0, "clip": 1, "post": 2}
    items.sort(key=lambda i: (i.at_ms, order[i.kind], i.id))
    return live.status, items


def _sse(event: str, data: dict[str, object]) -> str:
    return f"event: {event}\ndata: {json.dumps(data, separators=(',', ':'))}\n\n"


@router.get("/lives/{live_id}/stream", response_class=StreamingResponse,
            summary="Moments, clips and posts of a LIVE as they happen (server-sent events)")
async def live_stream(live_id: str, request: Request, principal: Principal = Depends(api_principal),  # noqa: B008
                      store: Store = Depends(get_store)) -> StreamingResponse:  # noqa: B008
    first = await run_in_threadpool(live_items, store, principal.seller_id, live_id)
    if first is None:
        raise not_found("LIVE", live_id)

    async def events() -> AsyncIterator[str]:
        sent: dict[str, str] = {}
        status = None
        got: tuple[str, list[LiveItem]] | None = first
        idle = 0.0
        yield "retry: 2000\n\n"
        while got is not None:
            st, items = got
            if st != status:
                status = st
                yield _sse("status", {"status": st, "label": "LIVE now" if st == "live" else "Ended"})
            for it in items:
                key = f"{it.kind}:{it.id}"
                if sent.get(key) != it.state:
                    sent[key] = it.state
                    idle = 0.0
                    yield _sse(it.kind, it.to_json())
            await asyncio.sleep(POLL_S)
            idle += POLL_S
            if await request.is_disconnected():
                return
            if idle >= KEEPALIVE_S:
                idle = 0.0
                yield ": keep-alive\n\n"
            got = await run_in_threadpool(live_items, store, principal.seller_id, live_id)

    return StreamingResponse(events(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
