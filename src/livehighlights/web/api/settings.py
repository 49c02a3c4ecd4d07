"""``/api/settings/auto``: Auto LIVE Highlights of the seller: the toggle, the caps, the destinations, the style,
and the standing consent per destination (given with the seller's own post choices, or withdrawn)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from ...errors import InputError, Where
from ...publish import PUBLISHERS, Outbox, PostChoices
from ...store import Store
from ...store.settings import auto_settings, set_auto_settings
from ..deps import Principal, api_principal, csrf_checked, get_outbox, get_store
from .posts import ChoicesOut, Privacy

__all__ = ["AutoSettingsIn", "AutoSettingsOut", "ConsentChange", "auto_state", "router"]

router = APIRouter(tags=["settings"], dependencies=[Depends(csrf_checked)])


class ConsentOut(BaseModel):
    """A standing consent in force: automatic posts to this destination account use these choices."""

    destination: str
    account: str
    choices: ChoicesOut
    given_at: datetime


class AutoSettingsOut(BaseModel):
    auto_post: bool
    destinations: list[str]
    max_per_live: int
    max_per_product: int
    style: str | None
    updated_at: datetime | None
    consents: list[ConsentOut]
    missing_consent: list[str] = Field(description="Destinations auto-posts go to that have no standing consent: "
                                                   "nothing is auto-posted there until it is given.")


class ConsentChange(BaseModel):
    """Give (with the choices automatic posts will carry) or withdraw the standing consent for a destination."""

    destination: str
    account: str = Field(default="default", max_length=64)
    give: bool
    privacy_level: Privacy | None = Field(default=None, description="Required when giving.")
    disable_comment: bool = False
    disable_duet: bool = False
    disable_stitch: bool = False
    brand_content: bool = False
    brand_organic: bool = False


class AutoSettingsIn(BaseModel):
    """The settings to change (a field left out stays as it is)."""

    auto_post: bool | None = None
    destinations: list[str] | None = None
    max_per_live: int | None = None
    max_per_product: int | None = None
    style: str | None = None
    consents: list[ConsentChange] = Field(default_factory=list)


def auto_state(store: Store, outbox: Outbox, seller_id: str) -> dict[str, Any]:
    """The seller's settings with the consents in force."""
    st = auto_settings(store, seller_id)
    consents = []
    for dest in PUBLISHERS.names():
        c = outbox.consent(seller_id, dest)
        if c is not None:
            consents.append(dict(destination=c.destination, account=c.account, choices=c.choices.to_json(),
                                 given_at=c.given_at))
    have = {c["destination"] for c in consents}
    return dict(auto_post=st.auto_post, destinations=list(st.destinations), max_per_live=st.max_per_live,
                max_per_product=st.max_per_product, style=st.style, updated_at=st.updated_at, consents=consents,
                missing_consent=[d for d in st.destinations if d not in have])


def _check_style(style: str | None) -> None:
    if style is None:
        return
    from ...remix.style import builtin_styles

    names = sorted(builtin_styles())
    if style not in names:
        raise InputError(f"unknown style '{style}' (known: {', '.join(names)})", Where(field="style"))


@router.get("/settings/auto", response_model=AutoSettingsOut, summary="Auto LIVE Highlights settings")
def get_auto(p: Annotated[Principal, Depends(api_principal)], store: Annotated[Store, Depends(get_store)],
             outbox: Annotated[Outbox, Depends(get_outbox)]) -> dict[str, Any]:
    return auto_state(store, outbox, p.seller_id)


@router.put("/settings/auto", response_model=AutoSettingsOut, summary="Change Auto LIVE Highlights settings",
            responses={422: {"description": "A value that cannot be used (the field is named); nothing changed"}})
def put_auto(body: AutoSettingsIn, p: Annotated[Principal, Depends(api_principal)],
             store: Annotated[Store, Depends(get_store)],
             outbox: Annotated[Outbox, Depends(get_outbox)]) -> dict[str, Any]:
    _check_style(body.style)
    for i, c in enumerate(body.consents):  # every change is checked before any is made
        PUBLISHERS.get(c.destination, Where(field=f"consents[{i}].destination"))
        if c.give and c.privacy_level is None:
            raise InputError("a standing consent needs the seller's privacy choice", Where(
                field=f"consents[{i}].privacy_level"))
    set_auto_settings(store, p.seller_id, auto_post=body.auto_post, destinations=body.destinations,
                      max_per_live=body.max_per_live, max_per_product=body.max_per_product, style=body.style)
    for c in body.consents:
        if c.give:
            outbox.give_consent(p.seller_id, c.destination, PostChoices(
                c.privacy_level, c.disable_comment, c.disable_duet, c.disable_stitch, c.brand_content,
                c.brand_organic), c.account)
        else:
            outbox.revoke_consent(p.seller_id, c.destination, c.account)
    return auto_state(store, outbox, p.seller_id)
