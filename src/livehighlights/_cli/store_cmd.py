"""``livehighlights lives`` and ``livehighlights highlights``: what the store holds; the store options shared by
every command that reads or writes it, and highlight ids as arguments of ``remix`` and ``check``."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from ..errors import InputError, Where
from ..timebase import fmt_clock, ms_to_s
from .output import console, esc

if TYPE_CHECKING:
    from ..store import HighlightRecord, LiveRecord, Store

__all__ = ["DbOpt", "HIGHLIGHT_ID", "MediaOpt", "SellerOpt", "StoredHighlight", "cli_store", "highlights",
           "lives", "stored_highlight"]

DbOpt = Annotated[str | None, typer.Option(
    "--db", envvar="LIVEHIGHLIGHTS_DB", show_envvar=True,
    help="Database URL: sqlite:///PATH (default: a file in your data folder) or postgresql://USER:PW@HOST/DB.")]
MediaOpt = Annotated[Path | None, typer.Option(
    "--media-root", envvar="LIVEHIGHLIGHTS_MEDIA", show_envvar=True,
    help="Folder the store keeps clips, thumbnails and remixes in (default: in your data folder).")]
SellerOpt = Annotated[str, typer.Option("--seller", help="The seller (shop) the LIVEs belong to.")]

HIGHLIGHT_ID = re.compile(r"^h_[0-9a-f]{16}$")
"""What a highlight id looks like (``h_`` and 16 hex digits; see :func:`livehighlights.store.highlight_id`)."""


@contextmanager
def cli_store(db: str | None, media_root: Path | None) -> Iterator[Store]:
    """The store named by ``--db``/``--media-root`` (or their environment variables, or the defaults)."""
    from ..store import open_store

    store = open_store(db, media_root=media_root)
    try:
        yield store
    finally:
        store.close()


@dataclass(frozen=True)
class StoredHighlight:
    """A highlight found by its id: its record, its LIVE and its clip file (in the media root)."""

    record: HighlightRecord
    live: LiveRecord
    clip: Path


def stored_highlight(ref: str, db: str | None, media_root: Path | None, seller: str) -> StoredHighlight | None:
    """The highlight ``ref`` names when it is a highlight id (not a file that exists), else ``None``.
    Raises :class:`InputError` when the id is not the seller's, or its clip is not in the media root."""
    if not HIGHLIGHT_ID.match(ref) or Path(ref).exists():
        return None
    with cli_store(db, media_root) as store:
        sid = store.seller(seller).id
        rec = store.get_highlight(sid, ref)
        if rec is None:
            raise InputError(f"no highlight with id '{ref}' for seller '{seller}' in {store.url}",
                             Where(field="highlight"))
        live = store.get_live(sid, rec.live_id)
        assert live is not None  # a highlight's LIVE is the same seller's
        if not rec.clip:
            raise InputError(f"highlight '{ref}' has no clip file (processed with --no-clips?)",
                             Where(field="highlight"))
        clip = store.media.path(rec.clip)
        if not clip.is_file():
            raise InputError(f"the clip of highlight '{ref}' is missing from the media root", Where(clip))
        return StoredHighlight(rec, live, clip)


def _live_json(live: LiveRecord) -> dict[str, Any]:
    return {"id": live.id, "title": live.title, "status": live.status,
            "started_at": live.started_at.isoformat() if live.started_at else None,
            "duration_s": ms_to_s(live.duration_ms) if live.duration_ms is not None else None,
            "events": live.n_events, "moments": live.n_moments, "highlights": live.n_highlights,
            "recording": live.recording, "events_file": live.events, "catalog": live.catalog,
            "created_at": live.created_at.isoformat(), "updated_at": live.updated_at.isoformat()}


def _highlight_json(h: HighlightRecord, store: Store) -> dict[str, Any]:
    return {"id": h.id, "live_id": h.live_id, "moment_id": h.moment_id, "rank": h.rank,
            "start_s": ms_to_s(h.start_ms), "end_s": ms_to_s(h.end_ms), "duration_s": ms_to_s(h.end_ms - h.start_ms),
            "product_id": h.product_id, "product_title": h.product_title, "kind": h.kind, "score": round(h.score, 4),
            "rank_score": round(h.rank_score, 4), "why": h.why, "tier": h.tier, "postable": h.postable,
            "blocked_by": h.blocked_by, "moment": h.moment.to_json(), "transcript": h.transcript,
            "compliance": h.compliance, "cut": h.cut,
            "clip": str(store.media.path(h.clip)) if h.clip else None,
            "thumbnail": str(store.media.path(h.thumbnail)) if h.thumbnail else None}


def lives(
    db: DbOpt = None,
    media_root: MediaOpt = None,
    seller: SellerOpt = "default",
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON list to stdout.")] = False,
) -> None:
    """List the seller's LIVEs in the store, newest first."""
    with cli_store(db, media_root) as store:
        found = store.lives(store.seller(seller).id)
    if as_json:
        sys.stdout.write(json.dumps([_live_json(x) for x in found], indent=2) + "\n")
        return
    if not found:
        console.print(f"no LIVE stored for seller '{esc(seller)}' yet (run `livehighlights process`)")
        return
    table = Table(title=f"{len(found)} LIVEs of {esc(seller)}", title_justify="left")
    for col in ("id", "title", "started", "length", "status", "events", "moments", "highlights"):
        table.add_column(col)
    for x in found:
        started = x.started_at.strftime("%Y-%m-%d %H:%M UTC") if x.started_at else "-"
        length = fmt_clock(x.duration_ms) if x.duration_ms is not None else "-"
        table.add_row(x.id, esc(x.title or "-"), started, length, x.status, str(x.n_events), str(x.n_moments),
                      str(x.n_highlights))
    console.print(table)


def highlights(
    live_id: Annotated[str, typer.Argument(help="The LIVE's id (see `livehighlights lives`).")],
    db: DbOpt = None,
    media_root: MediaOpt = None,
    seller: SellerOpt = "default",
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON list to stdout.")] = False,
) -> None:
    """List a LIVE's highlights from the store, ranked (candidates that were not ranked come last)."""
    with cli_store(db, media_root) as store:
        sid = store.seller(seller).id
        if store.get_live(sid, live_id) is None:
            raise InputError(f"no LIVE with id '{live_id}' for seller '{seller}' in {store.url}",
                             Where(field="LIVE_ID"))
        found = store.highlights(sid, live_id)
        if as_json:
            sys.stdout.write(json.dumps([_highlight_json(h, store) for h in found], indent=2) + "\n")
            return
    table = Table(title=f"{len(found)} highlights of {esc(live_id)}", title_justify="left")
    for col in ("#", "id", "time", "length", "product", "kind", "score", "tier", "postable"):
        table.add_column(col)
    for h in found:
        product = " ".join(esc(x) for x in (h.product_id, h.product_title) if x) or "-"
        table.add_row(str(h.rank) if h.rank is not None else "-", h.id,
                      f"{fmt_clock(h.start_ms)}–{fmt_clock(h.end_ms)}", f"{(h.end_ms - h.start_ms) / 1000:.1f} s",
                      product, h.kind, f"{h.rank_score:.2f}", h.tier or "-", "yes" if h.postable else "no")
    console.print(table)
