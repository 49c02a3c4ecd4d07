"""``GET /api/feed``: the public shoppable feed (no sign-in): the clips published to the local feed, each with its
product card and, while its LIVE is on, "LIVE now" with the room link. Newest first."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel
from sqlalchemy import select

from ...publish.local import FeedItem, feed
from ...store import Store
from ...store.schema import SellerRow
from ..deps import get_store

__all__ = ["FeedItemOut", "public_feed", "router"]

router = APIRouter(tags=["feed"])


class FeedItemOut(BaseModel):
    """One clip of the public feed."""

    post_id: str
    seller: str
    highlight_id: str
    live_id: str
    clip_url: str
    thumbnail_url: str | None
    caption: str
    product_id: str | None
    product_title: str | None
    price: float | None
    currency: str | None
    buy_url: str | None
    live_now: bool
    room_url: str | None
    published_at: str | None


def public_feed(store: Store, seller: str | None = None, limit: int = 100) -> list[tuple[str, FeedItem]]:
    """(seller name, item) of the public feed, newest first (of one seller, by name, when given)."""
    q = select(SellerRow.id, SellerRow.name).order_by(SellerRow.name)
    if seller is not None:
        q = q.where(SellerRow.name == seller)
    with store.session() as s:
        sellers = s.execute(q).all()
    items = [(name, it) for sid, name in sellers for it in feed(store, sid)]
    items.sort(key=lambda x: x[1].published_at or "", reverse=True)
    return items[:limit]


@router.get("/feed", response_model=list[FeedItemOut], summary="The public shoppable feed (no sign-in)")
def get_feed(store: Annotated[Store, Depends(get_store)],
             seller: Annotated[str | None, Query(max_length=200, description="Only this shop's clips.")] = None,
             limit: Annotated[int, Query(ge=1, le=500)] = 100) -> list[FeedItemOut]:
    return [FeedItemOut(post_id=it.post_id, seller=name, highlight_id=it.highlight_id, live_id=it.live_id,
                        clip_url=f"/feed/media/{it.post_id}/clip",
                        thumbnail_url=f"/feed/media/{it.post_id}/thumbnail" if it.thumbnail else None,
                        caption=it.caption, product_id=it.product_id, product_title=it.product_title, price=it.price,
                        currency=it.currency, buy_url=it.buy_url, live_now=it.live_now, room_url=it.room_url,
                        published_at=it.published_at)
            for name, it in public_feed(store, seller, limit)]
