"""Quick post edits over the API: ``POST /api/highlights/{id}/remixes`` starts one (a remix of the highlight in a
style, optionally a teaser for one of the seller's upcoming LIVE plans) and answers 202 with its task (follow it at
``GET /api/tasks/{id}``; its result names the remix, its file and its contact sheet); ``GET`` lists the remixes.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from ...remix.style import builtin_styles
from ...store import Store
from ...store.schema import utcnow
from ..deps import Principal, api_principal, csrf_checked, get_store
from ..errors import not_found

__all__ = ["RemixCreate", "router"]

router = APIRouter(tags=["remixes"], dependencies=[Depends(csrf_checked)])


class RemixCreate(BaseModel):
    """A quick post edit to make."""

    style: str = Field("classic", description="A built-in style: classic, bold or minimal.")
    plan_id: str | None = Field(None, description="One of the seller's upcoming LIVE plans (the remix ends on a "
                                                  "teaser for it); none: it ends on CLICK NOW.")


@router.get("/highlights/{highlight_id}/remixes", summary="A highlight's remixes")
def list_remixes(highlight_id: str, p: Annotated[Principal, Depends(api_principal)],
                 store: Annotated[Store, Depends(get_store)]) -> list[dict[str, Any]]:
    if store.get_highlight(p.seller_id, highlight_id) is None:
        raise not_found("highlight", highlight_id)
    return [{"id": r.id, "style": r.style, "url": f"/media/remix/{r.id}", "plan": (r.sidecar.get("web") or {})
             .get("plan"), "created_at": r.created_at.isoformat() if r.created_at else None}
            for r in store.remixes(p.seller_id, highlight_id)]


@router.post("/highlights/{highlight_id}/remixes", status_code=202, summary="Start a quick post edit (a task)",
             responses={422: {"description": "unknown style, a plan not upcoming, or no clip"}})
async def create_remix(highlight_id: str, body: RemixCreate, request: Request,
                       p: Annotated[Principal, Depends(api_principal)],
                       store: Annotated[Store, Depends(get_store)]) -> JSONResponse:
    from ..work import task_runner

    def start() -> dict[str, Any]:
        h = store.get_highlight(p.seller_id, highlight_id)
        if h is None:
            raise not_found("highlight", highlight_id)
        if body.style not in builtin_styles():
            raise HTTPException(422, f"style: '{body.style[:40]}' is not one of {', '.join(sorted(builtin_styles()))}")
        if not h.clip:
            raise HTTPException(422, f"highlight {h.id} has no clip file to remix")
        if body.plan_id:
            plan = next((x for x in store.plans(p.seller_id) if x.id == body.plan_id), None)
            if plan is None:
                raise HTTPException(422, f"plan_id: no LIVE plan with id '{body.plan_id[:80]}'")
            if plan.start <= utcnow():
                raise HTTPException(422, f"plan_id: the LIVE plan '{plan.title}' has already started")
        task = task_runner(request.app.state, store).submit(
            p.seller_id, "remix", {"highlight_id": h.id, "style": body.style, "plan_id": body.plan_id},
            message="waiting to render")
        return task.to_json()

    doc = await run_in_threadpool(start)
    return JSONResponse(doc, status_code=202, headers={"Location": f"/api/tasks/{doc['id']}"})
