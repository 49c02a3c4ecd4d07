"""Uploading a LIVE to process after the fact: a recording, its event log and (optionally) its catalog.

``POST /api/uploads`` (multipart: ``recording``, ``events``, ``catalog``, ``title``) answers 202 with the task that
processes it (follow it at ``GET /api/tasks/{id}``); the ``/upload`` page uses the same :func:`receive`.

The files are checked before anything is processed: the request's size first (413 over the limits of
:class:`~livehighlights.web.settings.WebSettings`), then each file as it is copied; the recording by its content
(probed as a video with sound by the project's media probe, whatever its name says), the event log by parsing it
(at least one event), the catalog by loading it. The files get fixed names in a fresh folder under the media
root's ``uploads/``, so a name sent by the client never reaches the file system. A refused upload leaves nothing.
"""

from __future__ import annotations

import re
import secrets
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.types import Message

from ...errors import LiveHighlightsError
from ...store import Store
from ..deps import Principal, api_principal, csrf_checked, get_settings, get_store
from ..settings import WebSettings

__all__ = ["EVENT_SUFFIXES", "UploadRejected", "UploadedLive", "check_upload", "limit_body", "receive",
           "router"]

router = APIRouter(tags=["uploads"])

EVENT_SUFFIXES = (".jsonl", ".ndjson", ".json", ".csv", ".txt", ".log")
"""What an event log may be named (our schema, or a chat log of the public chat downloaders, told by its content)."""
CATALOG_MAX_BYTES = 50 * 1024**2
CHUNK = 1 << 20


class UploadRejected(Exception):
    """An upload refused, with its HTTP status and a one-line message naming the file."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True, slots=True)
class UploadedLive:
    """An accepted upload: its folder (relative to the media root) and the files in it."""

    folder: str
    recording: str
    events: str
    catalog: str | None
    name: str
    title: str | None

    def params(self) -> dict[str, Any]:
        return {"folder": self.folder, "recording": self.recording, "events": self.events, "catalog": self.catalog,
                "name": self.name, "title": self.title}


def _plain_name(name: str | None) -> str:
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = re.sub(r"[^\w .()+-]", "_", base).strip(" .")
    return base[:120] or "upload"


async def _copy(upload: UploadFile, dest: Path, limit: int, what: str) -> int:
    size = 0
    with dest.open("wb") as f:
        while chunk := await upload.read(CHUNK):
            size += len(chunk)
            if size > limit:
                raise UploadRejected(413, f"{what} '{_plain_name(upload.filename)}' is over the limit of "
                                          f"{limit / 1024**2:,.0f} MB")
            f.write(chunk)
    if size == 0:
        raise UploadRejected(422, f"{what} '{_plain_name(upload.filename)}' is empty")
    return size


def check_upload(folder: Path, names: dict[str, str], rec: str, events: str, catalog: str | None) -> None:
    """Check the saved files by their content (see the module's note); :class:`UploadRejected` names the file."""
    from ...media import probe
    from ...sources import load_catalog, load_events

    def said(e: Exception, key: str) -> str:
        text = str(e)
        for saved, shown in names.items():
            text = text.replace(str(folder / saved), shown).replace(saved, shown)
        return text if names[key] in text else f"{names[key]}: {text}"

    try:
        info = probe(folder / rec)
    except LiveHighlightsError as e:
        raise UploadRejected(422, f"the recording is not a video we can read ({said(e, rec)})") from None
    if not info.has_audio:
        raise UploadRejected(422, f"the recording {names[rec]} has no sound: a highlight keeps the LIVE's own "
                                  "audio")
    cat = None
    if catalog:
        try:
            cat = load_catalog(folder / catalog)
        except LiveHighlightsError as e:
            raise UploadRejected(422, f"the catalog is not usable ({said(e, catalog)})") from None
    try:
        log = load_events(folder / events, catalog=cat)
    except LiveHighlightsError as e:
        raise UploadRejected(422, f"the event log is not usable ({said(e, events)})") from None
    if not log.events:
        raise UploadRejected(422, f"the event log {names[events]} holds no events")


def _total_limit(settings: WebSettings) -> int:
    """The most an upload's body may hold: every file at its limit, plus room for the form's own parts."""
    return settings.max_video_bytes + settings.max_events_bytes + CATALOG_MAX_BYTES + 1024**2


def _bounded(request: Request, limit: int) -> Request:
    """``request`` whose body stops with a 413 once more than ``limit`` bytes came in: a body sent without a
    Content-Length (chunked) or with a false one is never spooled to disk past the limit."""
    received = 0

    async def receive() -> Message:
        nonlocal received
        message = await request.receive()
        if message["type"] == "http.request":
            received += len(message.get("body", b""))
            if received > limit:
                raise UploadRejected(413, f"the upload is over the limit of {limit / 1024**2:,.0f} MB")
        return message

    return Request(request.scope, receive)


def limit_body(request: Request, settings: WebSettings) -> Request:
    """413 before anything is read when the request says it is over the limits of all the files together; else
    the request to read the body from (through the CSRF check and :func:`receive`): it stops with a 413 once
    more than the limit came in, so a body without a Content-Length is never spooled to disk past the limit."""
    limit = _total_limit(settings)
    length = request.headers.get("content-length")
    if length is not None and length.isdigit() and int(length) > limit:
        raise UploadRejected(413, f"the upload is {int(length) / 1024**2:,.0f} MB, over the limit of "
                                  f"{limit / 1024**2:,.0f} MB")
    return _bounded(request, limit)


async def receive(request: Request, store: Store, settings: WebSettings) -> UploadedLive:
    """Receive, save and check an upload (see the module's note) from the request :func:`limit_body` gave; call
    the CSRF check on that request first."""
    try:
        form = await request.form(max_files=3, max_fields=10)
    except UploadRejected:
        raise
    except Exception as e:  # noqa: BLE001 - a malformed body: say so in one line
        raise UploadRejected(400, f"the upload is not a readable form ({type(e).__name__})") from None
    rec_up, ev_up, cat_up = form.get("recording"), form.get("events"), form.get("catalog")
    if not isinstance(rec_up, UploadFile) or not rec_up.filename:
        raise UploadRejected(422, "choose the LIVE's recording (a video file)")
    if not isinstance(ev_up, UploadFile) or not ev_up.filename:
        raise UploadRejected(422, "choose the LIVE's event log (JSON Lines, JSON or CSV) or chat log")
    if isinstance(cat_up, UploadFile) and not cat_up.filename:
        cat_up = None
    title = str(form.get("title") or "").strip()[:200] or None
    folder_rel = f"uploads/{secrets.token_hex(8)}"
    folder = store.media.path(folder_rel)
    folder.mkdir(parents=True, exist_ok=False)
    ev_suffix = Path(_plain_name(ev_up.filename)).suffix.lower()
    ev_name = "events" + (ev_suffix if ev_suffix in EVENT_SUFFIXES else ".jsonl")
    names = {"recording.video": f"'{_plain_name(rec_up.filename)}'", ev_name: f"'{_plain_name(ev_up.filename)}'"}
    try:
        await _copy(rec_up, folder / "recording.video", settings.max_video_bytes, "the recording")
        await _copy(ev_up, folder / ev_name, settings.max_events_bytes, "the event log")
        cat_name = None
        if isinstance(cat_up, UploadFile):
            cat_name = "catalog.json"
            names[cat_name] = f"'{_plain_name(cat_up.filename)}'"
            await _copy(cat_up, folder / cat_name, CATALOG_MAX_BYTES, "the catalog")
        await run_in_threadpool(check_upload, folder, names, "recording.video", ev_name, cat_name)
        ext = Path(_plain_name(rec_up.filename)).suffix.lower()
        rec_name = "recording" + (ext if re.fullmatch(r"\.[a-z0-9]{2,5}", ext) else ".mp4")
        (folder / "recording.video").rename(folder / rec_name)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    finally:
        for up in (rec_up, ev_up, cat_up):
            if isinstance(up, UploadFile):
                await up.close()
    return UploadedLive(folder_rel, rec_name, ev_name, cat_name, _plain_name(rec_up.filename), title)


@router.post("/uploads", status_code=202,
             responses={413: {"description": "over the size limit"}, 422: {"description": "not a video, bad log"}})
async def upload_live(request: Request, principal: Principal = Depends(api_principal),  # noqa: B008
                      store: Store = Depends(get_store)) -> JSONResponse:  # noqa: B008
    """Upload a LIVE (multipart ``recording``, ``events``, optional ``catalog`` and ``title``) to process; 202
    with the task (``GET /api/tasks/{id}`` follows it). A browser session sends the header X-CSRF-Token."""
    from ..work import task_runner

    try:
        request = limit_body(request, get_settings(request))  # before the CSRF check reads the body
        await csrf_checked(request)
        up = await receive(request, store, get_settings(request))
    except UploadRejected as e:
        raise HTTPException(e.status, str(e)) from None
    task = await run_in_threadpool(task_runner(request.app.state, store).submit, principal.seller_id, "process",
                                   up.params(), message="waiting to process")
    return JSONResponse(task.to_json(), status_code=202, headers={"Location": f"/api/tasks/{task.id}"})
