"""Tasks a seller started (quick post edits, uploads to process, trims, deliveries): ``GET /api/tasks`` and
``GET /api/tasks/{id}`` (state, progress 0..1, message, result or error)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, HTTPException
from starlette.concurrency import run_in_threadpool

from ...store import Store
from ..deps import Principal, api_principal, get_store
from ..tasks import get_task, recent_tasks

__all__ = ["router"]

router = APIRouter(tags=["tasks"])


@router.get("/tasks")
async def list_tasks(kind: str | None = None, principal: Principal = Depends(api_principal),  # noqa: B008
                     store: Store = Depends(get_store)) -> list[dict[str, Any]]:  # noqa: B008
    """The seller's latest tasks (of one ``kind`` when given), newest first."""
    return [t.to_json() for t in await run_in_threadpool(recent_tasks, store, principal.seller_id, kind)]


@router.get("/tasks/{task_id}")
async def one_task(task_id: str, principal: Principal = Depends(api_principal),  # noqa: B008
                   store: Store = Depends(get_store)) -> dict[str, Any]:  # noqa: B008
    """One task of the seller's; 404 for an unknown id or another seller's."""
    t = await run_in_threadpool(get_task, store, principal.seller_id, task_id)
    if t is None:
        raise HTTPException(404, f"no task with id '{task_id[:80]}'")
    return t.to_json()
