"""Media files over HTTP: a seller's clips, thumbnails and remixes to that seller only; the files of posts on
the public feed to anyone.

- ``GET /media/clip/{highlight_id}``, ``GET /media/thumbnail/{highlight_id}``, ``GET /media/remix/{remix_id}``:
  the signed-in seller's (or API token's) own files; anyone else gets the same 404 as for an unknown id.
- ``GET /feed/media/{post_id}/clip`` and ``.../thumbnail``: a post published to the local feed, no sign-in.
- ``GET /media/{path}`` (a media-root path like ``clip/3f/3fa9….mp4``, as the records hold it): served when one of
  the asker's records names it (a highlight's clip or thumbnail, a remix, a finished task's result), or to anyone
  when it is the clip or thumbnail of a post on the public feed; else the same 404.

Files are found through the store's records and resolved inside the media root (never a path from the request);
answers support HTTP range requests (seeking in a player).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse
from sqlalchemy import exists, or_, select
from starlette.concurrency import run_in_threadpool

from ...store import Store, StoreError
from ...store.schema import HighlightRow, LiveRow, RemixRow
from ...store.schema_app import TaskRow
from ..deps import Principal, api_principal, get_store, resolve_principal
from ..errors import not_found

__all__ = ["clip_url", "feed_media_path", "may_see", "remix_path", "router", "thumbnail_url"]

router = APIRouter(tags=["media"])
_TYPES = {".mp4": "video/mp4", ".m4v": "video/mp4", ".webm": "video/webm", ".mov": "video/quicktime",
          ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".webp": "image/webp"}


def clip_url(highlight_id: str) -> str:
    """The URL of a highlight's clip (its owner only)."""
    return f"/media/clip/{highlight_id}"


def thumbnail_url(highlight_id: str) -> str:
    """The URL of a highlight's thumbnail (its owner only)."""
    return f"/media/thumbnail/{highlight_id}"


def _file(store: Store, rel: str | None, kind: str, ident: str) -> FileResponse:
    if not rel:
        raise not_found(kind, ident)
    try:
        path: Path = store.media.path(rel)
    except StoreError:
        raise not_found(kind, ident) from None
    if not path.is_file():
        raise not_found(kind, ident)
    return FileResponse(path, media_type=_TYPES.get(path.suffix.lower(), "application/octet-stream"),
                        headers={"Cache-Control": "private, max-age=3600"})


def remix_path(store: Store, seller_id: str, remix_id: str) -> str | None:
    """The media path of the seller's remix, or ``None``."""
    q = (select(RemixRow.path).join(HighlightRow, HighlightRow.id == RemixRow.highlight_id)
         .join(LiveRow, LiveRow.id == HighlightRow.live_id)
         .where(RemixRow.id == remix_id, LiveRow.seller_id == seller_id))
    with store.session() as s:
        return s.scalars(q).first()


def feed_media_path(store: Store, post_id: str, what: Literal["clip", "thumbnail"]) -> str | None:
    """The media path of a post's clip or thumbnail when the post is published on the local (public) feed."""
    from ...publish.schema import PostRow

    with store.session() as s:
        row = s.get(PostRow, post_id)
        if row is None or row.destination != "local" or row.state != "published":
            return None
        if what == "clip":
            return row.media
        thumb = row.payload.get("thumbnail") if isinstance(row.payload, dict) else None
        return thumb if isinstance(thumb, str) else None


@router.get("/media/clip/{highlight_id}", response_class=FileResponse, summary="A highlight's clip (MP4)")
async def clip(highlight_id: str, p: Annotated[Principal, Depends(api_principal)],
               store: Annotated[Store, Depends(get_store)]) -> FileResponse:
    h = await run_in_threadpool(store.get_highlight, p.seller_id, highlight_id)
    return _file(store, h.clip if h else None, "clip", highlight_id)


@router.get("/media/thumbnail/{highlight_id}", response_class=FileResponse, summary="A highlight's thumbnail")
async def thumbnail(highlight_id: str, p: Annotated[Principal, Depends(api_principal)],
                    store: Annotated[Store, Depends(get_store)]) -> FileResponse:
    h = await run_in_threadpool(store.get_highlight, p.seller_id, highlight_id)
    return _file(store, h.thumbnail if h else None, "thumbnail", highlight_id)


@router.get("/media/remix/{remix_id}", response_class=FileResponse, summary="A remix (MP4)")
async def remix(remix_id: str, p: Annotated[Principal, Depends(api_principal)],
                store: Annotated[Store, Depends(get_store)]) -> FileResponse:
    rel = await run_in_threadpool(remix_path, store, p.seller_id, remix_id)
    return _file(store, rel, "remix", remix_id)


@router.get("/feed/media/{post_id}/{what}", response_class=FileResponse,
            summary="The clip or thumbnail of a post on the public feed (no sign-in)")
async def feed_media(post_id: str, what: Literal["clip", "thumbnail"], request: Request) -> FileResponse:
    store = get_store(request)
    rel = await run_in_threadpool(feed_media_path, store, post_id, what)
    resp = _file(store, rel, "post", post_id)
    resp.headers["Cache-Control"] = "public, max-age=300"
    return resp


def _mentions(doc: object, rel: str) -> bool:
    if isinstance(doc, str):
        return doc == rel
    if isinstance(doc, dict):
        return any(_mentions(v, rel) for v in doc.values())
    if isinstance(doc, list):
        return any(_mentions(v, rel) for v in doc)
    return False


def may_see(store: Store, seller_id: str | None, rel: str) -> bool:
    """Whether the media-root path ``rel`` may be served to the seller (``None``: to anyone)."""
    from ...publish.schema import PostRow

    with store.session() as s:
        if seller_id is not None:
            owned = (select(HighlightRow.id).join(LiveRow, LiveRow.id == HighlightRow.live_id)
                     .where(LiveRow.seller_id == seller_id,
                            or_(HighlightRow.clip == rel, HighlightRow.thumbnail == rel)))
            remix = (select(RemixRow.id).join(HighlightRow, HighlightRow.id == RemixRow.highlight_id)
                     .join(LiveRow, LiveRow.id == HighlightRow.live_id)
                     .where(LiveRow.seller_id == seller_id, RemixRow.path == rel))
            if s.scalar(select(or_(exists(owned), exists(remix)))):
                return True
            done = s.scalars(select(TaskRow.result).where(TaskRow.seller_id == seller_id, TaskRow.state == "done")
                             .order_by(TaskRow.updated_at.desc()).limit(500))
            if any(_mentions(r, rel) for r in done):
                return True
        public = select(PostRow.id).where(PostRow.destination == "local", PostRow.state == "published")
        if s.scalar(select(exists(public.where(PostRow.media == rel)))):
            return True
        thumbs = (select(HighlightRow.id).where(HighlightRow.thumbnail == rel)
                  .where(exists(public.where(PostRow.highlight_id == HighlightRow.id))))
        return bool(s.scalar(select(exists(thumbs))))


@router.get("/media/{rel:path}", response_class=FileResponse,
            summary="A file of the media root by its path, to its owner (or to anyone when on the public feed)")
async def by_path(rel: str, request: Request) -> FileResponse:
    store = get_store(request)
    parts = rel.split("/")
    if len(rel) > 300 or "\\" in rel or any(x in ("", ".", "..") for x in parts) or parts[0].startswith(".tmp"):
        raise not_found("file", rel)
    p = await resolve_principal(request, tokens=True)
    if not await run_in_threadpool(may_see, store, p.seller_id if p else None, rel):
        raise not_found("file", rel)
    return _file(store, rel, "file", rel)
