"""Posts of a highlight: ``GET``/``POST /api/highlights/{id}/posts``, ``GET /api/posts/{id}``,
``POST /api/posts/{id}/retry``.

A post is made through the publishing outbox (once per highlight, destination, account and rendition; a worker
delivers it). The request carries what TikTok's rules ask the seller to choose: the privacy level (required, no
default), the comment/duet/stitch switches, the commercial-content disclosure, and the seller's consent
(``consent: true``). A destination not configured, a highlight below Basic (unless ``force``), a missing remix: 422
naming what blocks it, nothing queued.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from pydantic import AwareDatetime, BaseModel, Field

from ...errors import InputError, Where
from ...publish import Outbox, PostChoices, PostRecord, PostRequest, make_queue, submit
from ...publish.db import post_record
from ...publish.outbox import PostRefused
from ...publish.records import PRIVACY_LEVELS
from ...publish.schema import PostRow
from ...store import Store
from ...store.schema import utcnow
from ..deps import Principal, api_principal, csrf_checked, get_outbox, get_settings, get_store
from ..errors import not_found

__all__ = ["PostCreate", "PostOut", "post_out", "retry_post", "router"]

router = APIRouter(tags=["posts"], dependencies=[Depends(csrf_checked)])
Privacy = Literal["PUBLIC_TO_EVERYONE", "MUTUAL_FOLLOW_FRIENDS", "FOLLOWER_OF_CREATOR", "SELF_ONLY"]
assert set(PRIVACY_LEVELS) == set(Privacy.__args__)  # type: ignore[attr-defined]
RETRYABLE = frozenset({"failed", "queued"})


class ChoicesOut(BaseModel):
    privacy_level: str | None
    disable_comment: bool
    disable_duet: bool
    disable_stitch: bool
    brand_content: bool
    brand_organic: bool


class PostOut(BaseModel):
    """A post and where it stands (queued, sending, processing, published, failed, unknown, cancelled)."""

    id: str
    highlight_id: str
    live_id: str
    product_id: str | None
    destination: str
    account: str
    rendition: str
    caption: str
    choices: ChoicesOut
    auto: bool
    forced: bool
    state: str
    attempts: int
    reason: str | None
    error_code: str | None
    remote_url: str | None
    progress: dict[str, Any]
    not_before: datetime
    created_at: datetime
    updated_at: datetime
    published_at: datetime | None


class PostCreate(BaseModel):
    """What the seller chose in the posting dialog."""

    destination: str = Field(description="A publisher: local, webhook, tiktok, tiktok-shop.")
    account: str = Field(default="default", max_length=64)
    privacy_level: Privacy = Field(description="The seller's own choice; there is no default.")
    disable_comment: bool = False
    disable_duet: bool = False
    disable_stitch: bool = False
    brand_content: bool = Field(default=False, description="Paid partnership: promoting another brand.")
    brand_organic: bool = Field(default=False, description="Promoting your own business.")
    consent: bool = Field(description="The seller agrees to post this clip now (must be true).")
    remix: str | None = Field(default=None, description="Post the stored remix of this style instead of the clip.")
    caption: str | None = Field(default=None, max_length=4000)
    at: AwareDatetime | None = Field(default=None, description="Post no sooner than this.")
    force: bool = Field(default=False, description="Post a clip below Basic anyway (you take responsibility).")


def post_out(p: PostRecord) -> dict[str, Any]:
    """The fields of :class:`PostOut` of a post."""
    return dict(id=p.id, highlight_id=p.highlight_id, live_id=p.live_id, product_id=p.product_id,
                destination=p.destination, account=p.account, rendition=p.rendition, caption=p.caption,
                choices=p.choices.to_json(), auto=p.auto, forced=p.forced, state=p.state, attempts=p.attempts,
                reason=p.reason, error_code=p.error_code, remote_url=p.remote_url, progress=dict(p.progress),
                not_before=p.not_before, created_at=p.created_at, updated_at=p.updated_at,
                published_at=p.published_at)


def _queue(request: Request) -> Any:
    q = getattr(request.app.state, "queue", None)
    if q is None:
        q = make_queue(get_settings(request).publish.queue)
        request.app.state.queue = q
    return q


def retry_post(outbox: Outbox, seller_id: str, post_id: str) -> PostRecord:
    """Send the seller's failed post again (or a queued one waiting on a backoff: now); :class:`PostRefused` for a
    post in any other state, naming it. An auto-post takes its caps again (refused when they are used up)."""
    now = utcnow()
    with outbox.db.write() as s:
        row = s.get(PostRow, post_id)
        if row is None or row.seller_id != seller_id:
            raise PostRefused(f"no post with id '{post_id}' for this seller")
        leased = row.lease_until is not None and row.lease_until > now
        if row.state not in RETRYABLE or leased:
            raise PostRefused(f"post {post_id} is {row.state}{' and being sent now' if leased else ''}: only a "
                              "failed post (or one waiting to be retried) is sent again", Where(field="state"))
        if row.state == "failed" and row.auto:
            outbox._take_caps(s, row.live_id, row.product_id)  # noqa: SLF001 - the same caps, in this transaction
        row.state, row.not_before, row.enqueued_at, row.updated_at = "queued", now, None, now
        row.reason, row.error_code, row.remote_id, row.progress = "sent again by the seller", None, None, {}
        s.flush()
        return post_record(row)


@router.get("/highlights/{highlight_id}/posts", response_model=list[PostOut], summary="A highlight's posts")
def highlight_posts(highlight_id: str, p: Annotated[Principal, Depends(api_principal)],
                    store: Annotated[Store, Depends(get_store)],
                    outbox: Annotated[Outbox, Depends(get_outbox)]) -> list[dict[str, Any]]:
    h = store.get_highlight(p.seller_id, highlight_id)
    if h is None:
        raise not_found("highlight", highlight_id)
    return [post_out(x) for x in outbox.posts(p.seller_id, h.live_id) if x.highlight_id == h.id]


@router.post("/highlights/{highlight_id}/posts", response_model=PostOut, status_code=201,
             summary="Post a highlight (queued in the outbox; a worker delivers it)",
             responses={200: {"description": "The same post was already in the outbox (returned, not queued again)"},
                        422: {"description": "Not posted: the message names what blocks it"}})
def create_post(highlight_id: str, body: PostCreate, request: Request, response: Response,
                p: Annotated[Principal, Depends(api_principal)], store: Annotated[Store, Depends(get_store)],
                outbox: Annotated[Outbox, Depends(get_outbox)]) -> dict[str, Any]:
    if store.get_highlight(p.seller_id, highlight_id) is None:
        raise not_found("highlight", highlight_id)
    if body.consent is not True:
        raise InputError("the seller's consent is needed to post (consent: true)", Where(field="consent"))
    choices = PostChoices(body.privacy_level, body.disable_comment, body.disable_duet, body.disable_stitch,
                          body.brand_content, body.brand_organic)
    req = PostRequest(highlight_id, body.destination, account=body.account, remix=body.remix, at=body.at,
                      force=body.force, caption=body.caption, choices=choices)
    queued = submit(outbox, _queue(request), p.seller_id, req)
    if not queued.new:
        response.status_code = 200
    return post_out(queued.post)


@router.get("/posts/{post_id}", response_model=PostOut, summary="A post and where it stands")
def get_post(post_id: str, p: Annotated[Principal, Depends(api_principal)],
             outbox: Annotated[Outbox, Depends(get_outbox)]) -> dict[str, Any]:
    post = outbox.get(p.seller_id, post_id)
    if post is None:
        raise not_found("post", post_id)
    return post_out(post)


@router.post("/posts/{post_id}/retry", response_model=PostOut, summary="Send a failed post again",
             responses={409: {"description": "The post is not failed (its state is named)"}})
def retry(post_id: str, p: Annotated[Principal, Depends(api_principal)],
          outbox: Annotated[Outbox, Depends(get_outbox)]) -> dict[str, Any]:
    if outbox.get(p.seller_id, post_id) is None:
        raise not_found("post", post_id)
    try:
        return post_out(retry_post(outbox, p.seller_id, post_id))
    except PostRefused as e:
        raise HTTPException(409, str(e)) from None

