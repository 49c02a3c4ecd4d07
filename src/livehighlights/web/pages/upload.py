"""Upload a LIVE's recording and event log (and catalog) to process after the LIVE, with progress."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from ..api.uploads import UploadRejected, limit_body, receive
from ..deps import Principal, csrf_checked, get_settings
from ..tasks import recent_tasks
from ..templates import render
from ..work import task_runner
from .common import Seller, StoreDep, back

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


def _page(request: Request, principal: Principal, *, error: str | None = None, status: int = 200) -> Response:
    settings = get_settings(request)
    tasks = recent_tasks(request.app.state.store, principal.seller_id, "process", limit=10)
    return render(request, "upload.html", principal, status_code=status, error=error, tasks=tasks,
                  max_video_mb=settings.max_video_bytes // 1024**2, max_events_mb=settings.max_events_bytes // 1024**2)


@router.get("/upload")
def upload_page(request: Request, principal: Seller, store: StoreDep) -> Response:
    return _page(request, principal)


@router.post("/upload")
async def upload_submit(request: Request, principal: Seller, store: StoreDep) -> Response:
    """Check the size (before reading the body), the CSRF token, then the files; process them as a task."""
    from starlette.concurrency import run_in_threadpool

    settings = get_settings(request)
    refused: tuple[str, int] | None = None
    try:
        request = limit_body(request, settings)
        await csrf_checked(request)
        up = await receive(request, store, settings)
    except UploadRejected as e:
        refused = (str(e), e.status)
    except HTTPException as e:
        refused = (str(e.detail), e.status_code)
    if refused is not None:
        msg, code = refused
        return await run_in_threadpool(lambda: _page(request, principal, error=msg, status=code))
    task = await run_in_threadpool(task_runner(request.app.state, store).submit, principal.seller_id, "process",
                                   up.params(), message="waiting to process")
    return back(f"/tasks/{task.id}")
