"""Captions and the payload snapshot of a post: what the highlight was when the decision to post was made.

The caption is the product's title and its first selling point, the LIVE room link while the LIVE is on (no
public API posts TikTok's own "LIVE in progress" badge, so the link goes in the caption), and hashtags.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ..models import Product
from ..store import HighlightRecord, LiveRecord, SellerRecord
from .config import PublishConfig

__all__ = ["HASHTAGS", "Links", "build_caption", "build_payload", "links_for", "load_product", "plain_anchor",
           "utf16_len"]

HASHTAGS: tuple[str, ...] = ("#LIVEshopping", "#LIVEhighlights")
_NOT_PLAIN = re.compile(r"[^\w ]+", re.UNICODE)


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units (how TikTok counts a title: an emoji counts 2)."""
    return len(text.encode("utf-16-le")) // 2


def plain_anchor(title: str, limit: int) -> str:
    """A product anchor title as TikTok Shop wants it: letters, digits and spaces only, under ``limit``
    characters (cut at a word boundary where one is near)."""
    text = " ".join(_NOT_PLAIN.sub(" ", title).replace("_", " ").split())
    if len(text) < limit:
        return text
    cut = text[:limit]  # one past the longest allowed: a space there means the words before it fit whole
    space = cut.rfind(" ")
    return (cut[:space] if space >= limit // 2 else cut[: limit - 1]).strip()


@dataclass(frozen=True, slots=True)
class Links:
    """The buy link of the highlight's product and the LIVE room link (``None`` when not configured)."""

    product: str | None
    room: str | None


def links_for(config: PublishConfig, seller: SellerRecord, live: LiveRecord, product_id: str | None) -> Links:
    fill = {"product_id": product_id or "", "live_id": live.id, "live_key": live.key, "seller": seller.name}
    product = config.product_url.format(**fill) if config.product_url and product_id else None
    room = config.room_url.format(**fill) if config.room_url else None
    return Links(product=product, room=room)


@lru_cache(maxsize=32)
def _catalog_products(path: str, _mtime_ns: int, _size: int) -> dict[str, Product] | None:
    """A catalog's products, read once per version of the file (the key carries its time and size)."""
    from ..errors import LiveHighlightsError
    from ..sources import load_catalog

    try:
        return dict(load_catalog(path).products)
    except (LiveHighlightsError, OSError):
        return None


def load_product(live: LiveRecord, product_id: str | None) -> Product | None:
    """The product from the LIVE's catalog file, when both are known and readable (else ``None``).

    The catalog is read and checked once per version of its file (a page of 20 cards, or a follower posting
    each moment, does not read it 20 times); a changed file is read again."""
    if not product_id or not live.catalog:
        return None
    try:
        st = os.stat(live.catalog)
    except OSError:
        return None
    products = _catalog_products(str(live.catalog), st.st_mtime_ns, st.st_size)
    return products.get(product_id) if products is not None else None


def build_caption(h: HighlightRecord, product: Product | None, live: LiveRecord, links: Links) -> str:
    """The default caption of a highlight's post."""
    title = (product.title if product else None) or h.product_title or (live.title or "LIVE highlight")
    parts = [title]
    points = (product.selling_points if product else None) or list(h.content.get("selling_points") or [])
    if points:
        parts.append(str(points[0]))
    if product is not None and product.discount:
        parts.append(f"{round(product.discount * 100):d}% off")
    line = " - ".join(parts)
    if live.status == "live":
        line += f"\nWe're LIVE now: {links.room}" if links.room else "\nWe're LIVE now!"
    tags = list(HASHTAGS)
    if product is not None and product.brand:
        tags.append("#" + re.sub(r"\W+", "", product.brand))
    return f"{line}\n{' '.join(tags)}"


def build_payload(post_id: str, seller: SellerRecord, live: LiveRecord, h: HighlightRecord, product: Product | None,
                  links: Links, rendition: str, media: str) -> dict[str, Any]:
    """The snapshot stored with the post and sent by the webhook publisher."""
    prod: dict[str, Any] | None = None
    if h.product_id:
        prod = {"id": h.product_id, "title": (product.title if product else None) or h.product_title,
                "price": product.price if product else None, "currency": product.currency if product else None,
                "link": links.product}
    return {
        "post_id": post_id,
        "seller": {"id": seller.id, "name": seller.name},
        "live": {"id": live.id, "key": live.key, "title": live.title, "status": live.status, "room_url": links.room},
        "highlight": {"id": h.id, "start_ms": h.start_ms, "end_ms": h.end_ms, "kind": h.kind, "score": h.score,
                      "why": list(h.why), "tier": h.tier, "postable": h.postable, "blocked_by": list(h.blocked_by),
                      "product": prod},
        "rendition": rendition,
        "clip": media,
        "thumbnail": h.thumbnail,
    }
