"""The local publisher: the project's own shoppable feed (store + media root).

A post to ``local`` is published into the seller's feed: ``feed/<seller id>/feed.json`` under the media root,
rewritten atomically at every post, newest first: the clip and thumbnail (paths in the media root, and URLs
under ``media_url`` when set), the product card (title, price, buy link) and, while the LIVE runs, "LIVE now"
with the room link. :func:`feed` gives the same items from the database with the LIVE's status as it is now
(what the web app's public feed page shows).
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import select

from ..store import Store
from ..store.schema import LiveRow
from .base import PUBLISHERS, Job, Publisher
from .db import Db
from .records import Outcome
from .schema import PostRow

__all__ = ["FeedItem", "LocalPublisher", "feed", "write_feed"]


@dataclass(frozen=True, slots=True)
class FeedItem:
    """One clip of a seller's shoppable feed."""

    post_id: str
    highlight_id: str
    live_id: str
    clip: str
    clip_url: str | None
    thumbnail: str | None
    caption: str
    product_id: str | None
    product_title: str | None
    price: float | None
    currency: str | None
    buy_url: str | None
    live_now: bool
    room_url: str | None
    published_at: str | None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _item(row: PostRow, live_status: str, media_url: str | None) -> FeedItem:
    prod = (row.payload.get("highlight") or {}).get("product") or {}
    live = row.payload.get("live") or {}
    return FeedItem(
        post_id=row.id, highlight_id=row.highlight_id, live_id=row.live_id, clip=row.media,
        clip_url=f"{media_url}/{row.media}" if media_url else None, thumbnail=row.payload.get("thumbnail"),
        caption=row.caption, product_id=row.product_id, product_title=prod.get("title"), price=prod.get("price"),
        currency=prod.get("currency"), buy_url=prod.get("link"), live_now=live_status == "live",
        room_url=live.get("room_url") if live_status == "live" else None,
        published_at=row.published_at.isoformat() if row.published_at else None)


def feed(store: Store, seller_id: str, *, media_url: str | None = None, include: str | None = None) -> list[FeedItem]:
    """The seller's feed, newest first, with each LIVE's status as it is now (``include``: a post id to show
    although it is not recorded as published yet: the one being published)."""
    db = Db(store)
    q = (select(PostRow, LiveRow.status).join(LiveRow, LiveRow.id == PostRow.live_id)
         .where(PostRow.seller_id == seller_id, PostRow.destination == "local")
         .order_by(PostRow.published_at.desc(), PostRow.created_at.desc()))
    with db.read() as s:
        rows = s.execute(q).all()
    return [_item(r, status, media_url) for r, status in rows if r.state == "published" or r.id == include]


def write_feed(store: Store, seller_id: str, *, media_url: str | None = None, include: str | None = None) -> str:
    """Rewrite the seller's ``feed.json`` (atomically); its path relative to the media root."""
    rel = f"feed/{seller_id}/feed.json"
    dest = store.media.path(rel)
    dest.parent.mkdir(parents=True, exist_ok=True)
    items = [i.to_json() for i in feed(store, seller_id, media_url=media_url, include=include)]
    fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=".feed-", suffix=".json")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump({"seller_id": seller_id, "items": items}, f, indent=2, ensure_ascii=False)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, dest)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return rel


@PUBLISHERS.register
class LocalPublisher(Publisher):
    """Publishes into the seller's own feed (needs nothing configured)."""

    name = "local"
    title = "the local feed"

    def send(self, job: Job) -> Outcome:
        assert self.store is not None, "the local publisher needs the store"
        write_feed(self.store, job.post.seller_id, media_url=self.config.media_url, include=job.post.id)
        url = f"{self.config.media_url}/feed/{job.post.seller_id}/feed.json#{job.post.id}" \
            if self.config.media_url else f"feed/{job.post.seller_id}/feed.json#{job.post.id}"
        return Outcome("published", remote_id=job.post.id, url=url)

    def check(self, job: Job) -> Outcome:
        return self.send(job)  # our own feed: writing it again is idempotent
