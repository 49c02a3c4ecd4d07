"""The public shoppable feed (no sign-in): the clips published to the local feed, newest first, each with its
product card (title, price, discount, buy link) and, while its LIVE is on, "LIVE now" with the room link."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from sqlalchemy import select

from ...models import Product
from ...publish.local import FeedItem
from ...sources import load_catalog
from ...store import Store
from ...store.schema import LiveRow
from ..api.feed import public_feed
from ..deps import get_store, resolve_principal
from ..templates import render

__all__ = ["FeedCard", "router"]

router = APIRouter(include_in_schema=False)


@dataclass(frozen=True, slots=True)
class FeedCard:
    """A feed item with what its card shows."""

    seller: str
    item: FeedItem
    product: Product | None
    clip_url: str
    thumbnail_url: str | None
    live_now: bool
    room_url: str | None
    price: float | None
    """What the product costs now (its discount taken off)."""
    was_price: float | None
    """The price before the discount (``None`` without a discount)."""


def _cards(store: Store, seller: str | None) -> list[FeedCard]:
    items = public_feed(store, seller, 60)
    live_ids = {it.live_id for _, it in items}
    with store.session() as s:
        lives = {r.id: r for r in s.scalars(select(LiveRow).where(LiveRow.id.in_(live_ids)))} if live_ids else {}
    catalogs: dict[str, dict[str, Product]] = {}
    out = []
    for name, it in items:
        live = lives.get(it.live_id)
        product = None
        if live is not None and live.catalog and it.product_id:
            if live.catalog not in catalogs:
                try:
                    catalogs[live.catalog] = load_catalog(live.catalog).products
                except Exception:  # noqa: BLE001 - a catalog moved away: the card shows what the post kept
                    catalogs[live.catalog] = {}
            product = catalogs[live.catalog].get(it.product_id)
        live_now = live is not None and live.status == "live"
        room = (getattr(live, "room_url", None) or it.room_url) if live_now else None
        price = it.price if it.price is not None else (product.price if product else None)
        was = None
        if product is not None and product.discount and price is not None and 0 < product.discount < 1:
            was, price = price, round(price * (1 - product.discount), 2)
        out.append(FeedCard(name, it, product, f"/feed/media/{it.post_id}/clip",
                            f"/feed/media/{it.post_id}/thumbnail" if it.thumbnail else None, live_now, room,
                            price, was))
    return out


@router.get("/feed")
async def feed_page(request: Request, seller: str | None = Query(None, max_length=200)) -> Response:
    """The public feed (of one shop when ``seller`` names it)."""
    from starlette.concurrency import run_in_threadpool

    principal = await resolve_principal(request, tokens=False)
    cards = await run_in_threadpool(_cards, get_store(request), seller)
    return render(request, "feed.html", principal, cards=cards, seller=seller)
