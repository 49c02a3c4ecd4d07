"""The durable store: sellers, LIVEs, raw events, moments, highlights, remixes and LIVE plans in a database
(SQLite by default, PostgreSQL by URL), and media files under a content-addressed media root.

    from livehighlights.store import open_store, live_id_for
    with open_store() as store:                      # $LIVEHIGHLIGHTS_DB, else SQLite in the user data dir
        seller = store.seller()
        live = store.upsert_live(seller.id, "2024-06-01-evening", title="Summer drop")
        store.ingest_events(live.id, events)

Ids are deterministic (:mod:`.ids`), so running the same LIVE again updates the same records. Opening a store
migrates its database to the newest schema (Alembic, shipped in ``migrations/``).
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import exc as sa_exc

from . import schema_app  # noqa: F401 - registers the app's tables (migration 0004) on the metadata
from .engine import StoreError, default_url, make_engine, migrate, translate
from .ids import event_key, highlight_id, live_id_for, moment_id, plan_id, remix_id, seller_id_for
from .media import MediaRoot
from .records import (
    EventIngest,
    HighlightRecord,
    LivePlanRecord,
    LiveRecord,
    MomentRecord,
    RemixRecord,
    SellerRecord,
)
from .store import DEFAULT_SELLER, Store

__all__ = [
    "DEFAULT_SELLER", "EventIngest", "HighlightRecord", "LivePlanRecord", "LiveRecord", "MediaRoot", "MomentRecord",
    "RemixRecord", "SellerRecord", "Store", "StoreError", "default_media_root", "default_url", "event_key",
    "highlight_id", "live_id_for", "moment_id", "open_store", "plan_id", "remix_id", "seller_id_for",
]


def default_media_root() -> Path:
    """``$LIVEHIGHLIGHTS_MEDIA``, else ``media`` in the user's data directory."""
    env = os.environ.get("LIVEHIGHLIGHTS_MEDIA")
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_data_dir("livehighlights")) / "media"


def open_store(url: str | None = None, *, media_root: Path | None = None) -> Store:
    """Open (and create or migrate) the store at ``url`` with its media root.

    ``url``: ``sqlite:///PATH`` or ``postgresql://USER:PASSWORD@HOST/DB`` (default :func:`default_url`);
    ``media_root``: a folder, created if missing (default :func:`default_media_root`).
    Raises :class:`StoreError` (one line naming the URL or folder) when either cannot be used.
    """
    media = MediaRoot(media_root if media_root is not None else default_media_root())
    engine, shown = make_engine(url if url is not None else default_url())
    try:
        migrate(engine, shown)
        media.check_writable()
    except StoreError:
        engine.dispose()
        raise
    except sa_exc.SQLAlchemyError as e:
        engine.dispose()
        raise translate(e, shown) from None
    return Store(engine, shown, media)
