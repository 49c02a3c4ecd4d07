"""LIVE plans: create and list the seller's upcoming LIVEs (title, start time) to bind teasers to."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from ...store.schema import utcnow
from ..deps import Principal
from ..templates import render
from .common import Checked, Seller, StoreDep, back, notice

__all__ = ["parse_start", "router"]

router = APIRouter(include_in_schema=False)


class PlanError(ValueError):
    pass


def parse_start(text: str, tz: str) -> datetime:
    """The start a form gives (``2026-12-05T19:00`` from a ``datetime-local`` field, in the time zone ``tz``, or an
    ISO time with its offset) as an aware UTC time; :class:`PlanError` in one line otherwise."""
    text = text.strip()
    if not text:
        raise PlanError("Give the LIVE's start time.")
    try:
        dt = datetime.fromisoformat(text)
    except ValueError:
        raise PlanError(f"'{text[:40]}' is not a date and time (like 2026-12-05 19:00).") from None
    if dt.tzinfo is None:
        try:
            dt = dt.replace(tzinfo=ZoneInfo(tz or "UTC"))
        except (ZoneInfoNotFoundError, ValueError):
            raise PlanError(f"'{tz[:40]}' is not a time zone (like Europe/Paris or UTC).") from None
    return dt.astimezone(UTC)


def _page(request: Request, principal: Principal, *, error: str | None = None, status: int = 200,
          form: dict | None = None) -> Response:
    store = request.app.state.store
    now = utcnow()
    plans = store.plans(principal.seller_id)
    return render(request, "plans.html", principal, status_code=status, error=error, notice=notice(request),
                  upcoming=[p for p in plans if p.start > now], past=[p for p in plans if p.start <= now][-5:],
                  form=form or {})


@router.get("/plans")
def plans_page(request: Request, principal: Seller, store: StoreDep) -> Response:
    return _page(request, principal)


@router.post("/plans", dependencies=Checked)
def plans_add(request: Request, principal: Seller, store: StoreDep, title: Annotated[str, Form()] = "",
              start: Annotated[str, Form()] = "", tz: Annotated[str, Form()] = "UTC") -> Response:
    form = {"title": title, "start": start, "tz": tz}
    title = " ".join(title.split())
    try:
        if not title:
            raise PlanError("Give the LIVE a title.")
        if len(title) > 200:
            raise PlanError(f"The title is {len(title)} characters long: at most 200.")
        when = parse_start(start, tz)
        if when <= utcnow():
            raise PlanError(f"The start {when:%Y-%m-%d %H:%M} UTC is in the past: plan an upcoming LIVE.")
    except PlanError as e:
        return _page(request, principal, error=str(e), status=422, form=form)
    store.add_plan(principal.seller_id, title, when)
    return back("/plans", "plan")
