"""``/api/plans``: the seller's upcoming LIVEs (title, start), to bind teasers to. A plan in the past is refused."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import AwareDatetime, BaseModel, Field

from ...errors import InputError, Where
from ...store import LivePlanRecord, Store
from ..deps import Principal, api_principal, csrf_checked, get_store

__all__ = ["PlanCreate", "PlanOut", "add_plan", "router"]

router = APIRouter(tags=["plans"], dependencies=[Depends(csrf_checked)])


class PlanOut(BaseModel):
    """A planned LIVE."""

    id: str
    title: str
    start: datetime
    upcoming: bool
    created_at: datetime


class PlanCreate(BaseModel):
    """A LIVE to plan: its title and start (with a time zone), in the future."""

    title: str = Field(min_length=1, max_length=200)
    start: AwareDatetime


def _out(r: LivePlanRecord, now: datetime) -> PlanOut:
    return PlanOut(id=r.id, title=r.title, start=r.start, upcoming=r.start > now, created_at=r.created_at)


def add_plan(store: Store, seller_id: str, title: str, start: datetime) -> LivePlanRecord:
    """Plan a LIVE; :class:`InputError` naming the field for an empty title or a start that is not in the future."""
    title = title.strip()
    if not title:
        raise InputError("a LIVE plan needs a title", Where(field="title"))
    if start.tzinfo is None:
        raise InputError("the start needs a time zone (e.g. 2026-12-24T18:00+01:00)", Where(field="start"))
    if start <= datetime.now(UTC):
        raise InputError(f"{start.isoformat()} is in the past: a LIVE plan is for an upcoming LIVE",
                         Where(field="start"))
    return store.add_plan(seller_id, title, start)


@router.get("/plans", response_model=list[PlanOut], summary="The seller's LIVE plans by start (past ones too)")
def list_plans(p: Annotated[Principal, Depends(api_principal)],
               store: Annotated[Store, Depends(get_store)]) -> list[PlanOut]:
    now = datetime.now(UTC)
    return [_out(r, now) for r in store.plans(p.seller_id)]


@router.post("/plans", response_model=PlanOut, status_code=201,
             summary="Plan an upcoming LIVE (the same title and start again is the same plan)",
             responses={422: {"description": "A start in the past, or an empty title"}})
def create_plan(body: PlanCreate, p: Annotated[Principal, Depends(api_principal)],
                store: Annotated[Store, Depends(get_store)]) -> PlanOut:
    return _out(add_plan(store, p.seller_id, body.title, body.start), datetime.now(UTC))
