"""Quick post edit: choose a style, bind one of the seller's upcoming LIVE plans (or skip), render as a task with
a progress bar, then preview the remix and its contact sheet and post it. Also the task page every task shows
its progress on."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from ...remix.style import builtin_styles
from ...store import HighlightRecord
from ...store.schema import utcnow
from ..deps import Principal
from ..tasks import get_task
from ..templates import render
from ..work import task_runner
from .common import Checked, Seller, StoreDep, back, media_href, not_found_page

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

STYLE_NOTES = {"classic": "subtitles, product sticker, arrow to the LIVE button, CLICK NOW end, music",
               "bold": "big type and colour, stickers and price burst, louder music",
               "minimal": "clean subtitles and a small product card, soft music"}


def _form(request: Request, principal: Principal, h: HighlightRecord, *, error: str | None = None, status: int = 200,
          style: str | None = None, plan_id: str | None = None) -> Response:
    store = request.app.state.store
    now = utcnow()
    plans = [p for p in store.plans(principal.seller_id) if p.start > now]
    styles = [(name, STYLE_NOTES.get(name, "")) for name in sorted(builtin_styles())]
    return render(request, "quickedit.html", principal, status_code=status, error=error, h=h,
                  thumb=media_href(h.thumbnail), styles=styles, plans=plans, style=style or "classic",
                  plan_id=plan_id)


@router.get("/highlights/{highlight_id}/remix")
def quick_edit(request: Request, highlight_id: str, principal: Seller, store: StoreDep) -> Response:
    h = store.get_highlight(principal.seller_id, highlight_id)
    if h is None:
        return not_found_page(request, principal, "highlight")
    return _form(request, principal, h)


@router.post("/highlights/{highlight_id}/remix", dependencies=Checked)
def quick_edit_submit(request: Request, highlight_id: str, principal: Seller, store: StoreDep,
                      style: Annotated[str, Form()] = "classic", plan_id: Annotated[str, Form()] = "") -> Response:
    h = store.get_highlight(principal.seller_id, highlight_id)
    if h is None:
        return not_found_page(request, principal, "highlight")
    if style not in builtin_styles():
        return _form(request, principal, h, status=422, error=f"'{style[:40]}' is not a style "
                     f"(choose {', '.join(sorted(builtin_styles()))})", plan_id=plan_id)
    if not h.clip:
        return _form(request, principal, h, status=422, error="This highlight has no clip file to remix.")
    if plan_id:
        plan = next((p for p in store.plans(principal.seller_id) if p.id == plan_id), None)
        if plan is None:
            return _form(request, principal, h, status=422, style=style, error="That LIVE plan is not one of yours.")
        if plan.start <= utcnow():
            return _form(request, principal, h, status=422, style=style,
                         error=f"The LIVE plan '{plan.title}' has already started: choose an upcoming one, or skip.")
    task = task_runner(request.app.state, store).submit(
        principal.seller_id, "remix", {"highlight_id": h.id, "style": style, "plan_id": plan_id or None},
        message="waiting to render")
    return back(f"/tasks/{task.id}")


@router.get("/tasks/{task_id}")
def task_page(request: Request, task_id: str, principal: Seller, store: StoreDep) -> Response:
    """A task's progress; once done, what it made (the remix to preview and post, the LIVE, the highlight)."""
    task = get_task(store, principal.seller_id, task_id)
    if task is None:
        return not_found_page(request, principal, "task")
    ctx: dict = {"task": task}
    res = task.result or {}
    hid = task.params.get("highlight_id")
    if hid:
        ctx["h"] = store.get_highlight(principal.seller_id, str(hid))
    if task.kind == "remix" and task.state == "done":
        ctx["remix_href"] = media_href(res.get("path"))
        ctx["sheet_href"] = media_href(res.get("contact_sheet"))
    if task.kind == "trim" and task.state == "done" and ctx.get("h") is not None:
        return back(f"/highlights/{hid}", "trimmed")
    return render(request, "task.html", principal, **ctx)
