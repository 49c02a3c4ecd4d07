"""``/api/tokens``: the seller's API tokens (for the live follower and scripts). Made and revoked by a signed-in
user only (a token cannot make more tokens); a new token is shown once, in the answer that makes it."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel, Field

from ...store import Store
from ..deps import Principal, api_principal, csrf_checked, get_store
from ..errors import not_found
from ..tokens import ApiTokenRecord, create_token, revoke_token, tokens

__all__ = ["MeOut", "NewTokenOut", "TokenCreate", "TokenOut", "router"]

router = APIRouter(tags=["tokens"], dependencies=[Depends(csrf_checked)])


class MeOut(BaseModel):
    """Who is asking: the seller, the user (a signed-in browser) and the session's CSRF token for scripts that
    change things with the session cookie (send it as the header X-CSRF-Token)."""

    seller_id: str
    seller: str
    username: str | None
    via: str
    csrf_token: str | None


class TokenOut(BaseModel):
    """An API token (never the token itself)."""

    id: str
    name: str
    prefix: str = Field(description="The token's first characters, to tell tokens apart.")
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class NewTokenOut(TokenOut):
    token: str = Field(description="The token: shown this once, stored nowhere (only its hash is kept).")


class TokenCreate(BaseModel):
    name: str = Field(min_length=1, max_length=200, description="What the token is for.")


def _out(r: ApiTokenRecord) -> dict[str, object]:
    return dict(id=r.id, name=r.name, prefix=r.prefix, created_at=r.created_at, last_used_at=r.last_used_at,
                revoked_at=r.revoked_at)


def _user(p: Principal) -> None:
    if p.via != "session":
        raise HTTPException(403, "API tokens are managed by a signed-in user, not with an API token")


@router.get("/me", response_model=MeOut, summary="Who is asking (and the session's CSRF token)")
def me(p: Annotated[Principal, Depends(api_principal)], store: Annotated[Store, Depends(get_store)]) -> MeOut:
    from ...store.schema import SellerRow

    with store.session() as s:
        row = s.get(SellerRow, p.seller_id)
        name = row.name if row is not None else p.seller_id
    return MeOut(seller_id=p.seller_id, seller=name, username=p.username, via=p.via, csrf_token=p.csrf)


@router.get("/tokens", response_model=list[TokenOut], summary="The seller's API tokens")
def list_tokens(p: Annotated[Principal, Depends(api_principal)],
                store: Annotated[Store, Depends(get_store)]) -> list[dict[str, object]]:
    return [_out(t) for t in tokens(store, p.seller_id)]


@router.post("/tokens", response_model=NewTokenOut, status_code=201, summary="Make an API token (shown once)")
def make_token(body: TokenCreate, p: Annotated[Principal, Depends(api_principal)],
               store: Annotated[Store, Depends(get_store)]) -> dict[str, object]:
    _user(p)
    new = create_token(store, p.seller_id, body.name)
    return _out(new.record) | {"token": new.token}


@router.delete("/tokens/{token_id}", response_model=TokenOut, summary="Revoke an API token")
def delete_token(token_id: str, p: Annotated[Principal, Depends(api_principal)],
                 store: Annotated[Store, Depends(get_store)]) -> dict[str, object]:
    if not any(t.id == token_id for t in tokens(store, p.seller_id)):
        raise not_found("token", token_id)  # another seller's token: not found, whoever asks
    _user(p)
    r = revoke_token(store, p.seller_id, token_id)
    if r is None:
        raise not_found("token", token_id)
    return _out(r)
