"""Auto LIVE Highlights settings of a seller: the toggle, the caps, the destinations and the style of auto-posts.

One row per seller (``seller_settings``); a seller who never changed anything gets the defaults: auto-posting off,
the seed's caps (:data:`~livehighlights.rules.MAX_CLIPS_PER_LIVE` per LIVE,
:data:`~livehighlights.rules.MAX_CLIPS_PER_PRODUCT` per product), the local publisher. The live follower reads the
settings before each post, so switching off in the middle of a LIVE stops the next post (moments are still found and
kept for review). The standing consent to auto-post is the publishing outbox's (``publish_consents``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import exc as sa_exc

from ..errors import InputError, Where
from ..rules import MAX_CLIPS_PER_LIVE, MAX_CLIPS_PER_PRODUCT
from .engine import StoreError
from .schema import SellerRow, utcnow
from .schema_app import SellerSettingsRow
from .store import Store

__all__ = ["AutoSettings", "auto_settings", "set_auto_settings"]


@dataclass(frozen=True, slots=True)
class AutoSettings:
    """A seller's Auto LIVE Highlights settings."""

    seller_id: str
    auto_post: bool = False
    """Post each good moment while the LIVE runs (off: moments are found and kept for review, nothing posted)."""
    destinations: list[str] = field(default_factory=lambda: ["local"])
    """Where auto-posts go (publisher names: ``local``, ``webhook``, ``tiktok``, ``tiktok-shop``)."""
    max_per_live: int = MAX_CLIPS_PER_LIVE
    max_per_product: int = MAX_CLIPS_PER_PRODUCT
    style: str | None = None
    """The remix style of auto-posts (``None``: the default style)."""
    updated_at: datetime | None = None


def _record(seller_id: str, row: SellerSettingsRow | None) -> AutoSettings:
    if row is None:
        return AutoSettings(seller_id)
    return AutoSettings(seller_id, bool(row.auto_post), list(row.destinations or []), int(row.max_per_live),
                        int(row.max_per_product), row.style, row.updated_at)


def auto_settings(store: Store, seller_id: str) -> AutoSettings:
    """The seller's settings (the defaults when none were saved)."""
    try:
        with store.session() as s:
            return _record(seller_id, s.get(SellerSettingsRow, seller_id))
    except sa_exc.SQLAlchemyError as e:
        raise store.fail(e) from None


def _check(changes: dict[str, object]) -> None:
    from ..publish.base import PUBLISHERS

    for name in ("max_per_live", "max_per_product"):
        v = changes.get(name)
        if v is not None and (not isinstance(v, int) or isinstance(v, bool) or v < 0):
            raise InputError(f"must be a whole number of posts, 0 or more (got {v!r})", Where(field=name))
    hard = {"max_per_live": MAX_CLIPS_PER_LIVE, "max_per_product": MAX_CLIPS_PER_PRODUCT}
    for name, most in hard.items():
        v = changes.get(name)
        if isinstance(v, int) and v > most:
            raise InputError(f"at most {most} (the platform's cap), got {v}", Where(field=name))
    dests = changes.get("destinations")
    if dests is not None:
        if not isinstance(dests, list) or not all(isinstance(d, str) for d in dests):
            raise InputError("must be a list of publisher names", Where(field="destinations"))
        for d in dests:
            if d not in PUBLISHERS.names():
                raise InputError(f"unknown publisher '{d}' (known: {', '.join(PUBLISHERS.names())})",
                                 Where(field="destinations"))


def set_auto_settings(store: Store, seller_id: str, *, auto_post: bool | None = None,
                      destinations: list[str] | None = None, max_per_live: int | None = None,
                      max_per_product: int | None = None, style: str | None = None) -> AutoSettings:
    """Change some of the seller's settings (``None`` leaves a setting as it is); the settings after the change.

    Raises :class:`~livehighlights.errors.InputError` naming the field for a cap that is not a whole number or is
    over the platform's, or an unknown destination; :class:`~livehighlights.store.StoreError` for an unknown seller.
    """
    changes: dict[str, object] = {"auto_post": auto_post, "destinations": destinations,
                                  "max_per_live": max_per_live, "max_per_product": max_per_product, "style": style}
    _check(changes)
    try:
        with store.session(write=True) as s, s.begin():
            if s.get(SellerRow, seller_id) is None:
                raise StoreError(f"database {store.url}: no seller with id '{seller_id}'")
            row = s.get(SellerSettingsRow, seller_id)
            if row is None:
                d = AutoSettings(seller_id)
                row = SellerSettingsRow(seller_id=seller_id, auto_post=d.auto_post, destinations=d.destinations,
                                        max_per_live=d.max_per_live, max_per_product=d.max_per_product,
                                        style=d.style)
                s.add(row)
            for name, value in changes.items():
                if value is not None:
                    setattr(row, name, list(value) if isinstance(value, list) else value)
            row.updated_at = utcnow()
            s.flush()
            return _record(seller_id, row)
    except sa_exc.SQLAlchemyError as e:
        raise store.fail(e) from None
