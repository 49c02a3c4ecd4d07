"""The posting dialog and a post's retry.

TikTok's content-sharing rules shape the dialog: the account's nickname is shown; the privacy choice has no
default (the seller picks one); comments, duets and stitches are switches, off until the seller turns them on; a
commercial-content disclosure (the seller's own brand or a paid partnership); a preview of what is posted; and
the seller's explicit consent. A destination that is not configured is refused in one line naming what is
missing, before anything is queued. A queued post is delivered by this server (a ``deliver`` task).
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import select

from ...errors import InputError
from ...publish import PRIVACY_LEVELS, PUBLISHERS, PostChoices, PostRequest
from ...publish.caption import build_caption, links_for, load_product
from ...publish.db import Db
from ...publish.schema import PostRow
from ...store import HighlightRecord, LiveRecord, SellerRecord
from ...store.schema import SellerRow
from ..deps import Principal, get_outbox, get_settings
from ..templates import render
from ..work import task_runner
from .common import Checked, Seller, StoreDep, back, media_href, not_found_page
from .creator import CreatorInfo, creator_info
from .highlight import highlight_context

__all__ = ["Destination", "destinations", "retry_post", "router"]

router = APIRouter(include_in_schema=False)

DESTINATION_TITLES = {"local": "Local shoppable feed", "tiktok": "TikTok", "tiktok-shop": "TikTok Shop",
                      "webhook": "Webhook"}
PRIVACY_LABELS = {"PUBLIC_TO_EVERYONE": "Everyone", "MUTUAL_FOLLOW_FRIENDS": "Friends (followers you follow back)",
                  "FOLLOWER_OF_CREATOR": "Followers", "SELF_ONLY": "Only me"}


@dataclass(frozen=True, slots=True)
class Destination:
    """A publisher as the dialog offers it."""

    name: str
    title: str
    missing: str | None
    """What its configuration lacks (``None``: ready)."""
    nickname: str | None
    """The account's nickname, as the destination last told it (TikTok's creator info)."""
    needs_choices: bool


def _nickname(request: Request, principal: Principal, destination: str) -> str | None:
    db = Db(request.app.state.store)
    with db.read() as s:
        rows = s.scalars(select(PostRow).where(PostRow.seller_id == principal.seller_id,
                                               PostRow.destination == destination)
                         .order_by(PostRow.updated_at.desc()).limit(20))
        for r in rows:
            creator = (r.progress or {}).get("creator")
            if creator:
                return str(creator)
    return None


def destinations(request: Request, principal: Principal, creator: CreatorInfo | None = None) -> list[Destination]:
    """Every publisher, ready or not, with the account's nickname (TikTok's own word for it when ``creator`` is
    given, else what the destination said at the last post)."""
    config = get_settings(request).publish
    out = []
    for name in PUBLISHERS.names():
        cls = PUBLISHERS.get(name)
        nick = creator.nickname if name == "tiktok" and creator is not None and creator.nickname else None
        out.append(Destination(name, DESTINATION_TITLES.get(name, cls.title or name), cls(config).missing(),
                               nick or _nickname(request, principal, name), bool(cls.needs_consent)))
    return out


def _dialog(request: Request, principal: Principal, h: HighlightRecord, live: LiveRecord, remix: str | None,
            *, error: str | None = None, form: dict | None = None, status: int = 200) -> Response:
    store = request.app.state.store
    remixes = {r.style: r for r in store.remixes(principal.seller_id, h.id)}
    rendition = remixes.get(remix) if remix else None
    preview = media_href(rendition.path) if rendition else media_href(h.clip)
    product = load_product(live, h.product_id)
    caption = (product.title if product else h.product_title) or ""
    with store.session() as s:
        row = s.get(SellerRow, principal.seller_id)
        if row is not None:
            seller = SellerRecord(row.id, row.name, row.created_at)
            caption = build_caption(h, product, live, links_for(get_settings(request).publish, seller, live,
                                                                h.product_id))
    creator = creator_info(get_settings(request).publish, store)
    too_long = (creator is not None and creator.max_duration_s is not None
                and (h.end_ms - h.start_ms) / 1000 > creator.max_duration_s)
    return render(request, "post.html", principal, status_code=status, error=error, h=h, live=live,
                  creator=creator, too_long=too_long,
                  product=product, preview=preview, thumb=media_href(h.thumbnail),
                  remix=rendition.style if rendition else None, remixes=sorted(remixes),
                  destinations=destinations(request, principal, creator), privacy=[(p, PRIVACY_LABELS[p])
                                                                         for p in PRIVACY_LEVELS],
                  default_caption=caption, form=form or {})


def _load(request: Request, principal: Principal, hid: str) -> tuple[HighlightRecord, LiveRecord] | None:
    store = request.app.state.store
    h = store.get_highlight(principal.seller_id, hid)
    live = store.get_live(principal.seller_id, h.live_id) if h else None
    return (h, live) if h and live else None


@router.get("/highlights/{highlight_id}/post")
def post_dialog(request: Request, highlight_id: str, principal: Seller, store: StoreDep,
                remix: str | None = None) -> Response:
    got = _load(request, principal, highlight_id)
    if got is None:
        return not_found_page(request, principal, "highlight")
    return _dialog(request, principal, *got, remix)


class _Refused(Exception):
    pass


def _choices(form: dict, chosen: list[Destination]) -> PostChoices:
    privacy = str(form.get("privacy_level") or "") or None
    if privacy is not None and privacy not in PRIVACY_LEVELS:
        raise _Refused(f"'{privacy[:40]}' is not a privacy choice")
    needs = [d.title for d in chosen if d.needs_choices]
    if needs and privacy is None:
        raise _Refused(f"Choose who can see this post: {', '.join(needs)} asks for your own choice (there is "
                       "no default).")
    commercial = form.get("commercial") == "on"
    brand_organic, brand_content = form.get("brand_organic") == "on", form.get("brand_content") == "on"
    if commercial and not (brand_organic or brand_content):
        raise _Refused("You said this post promotes a brand, product or service: say whose (your brand, or "
                       "branded content for a third party).")
    return PostChoices(privacy_level=privacy, disable_comment=form.get("allow_comment") != "on",
                       disable_duet=form.get("allow_duet") != "on", disable_stitch=form.get("allow_stitch") != "on",
                       brand_content=commercial and brand_content, brand_organic=commercial and brand_organic)


@router.post("/highlights/{highlight_id}/post", dependencies=Checked)
async def post_submit(request: Request, highlight_id: str, principal: Seller, store: StoreDep) -> Response:
    from starlette.concurrency import run_in_threadpool

    raw = await request.form()
    form = {k: v for k, v in raw.items() if isinstance(v, str)}
    names = [v for v in raw.getlist("destination") if isinstance(v, str)]
    return await run_in_threadpool(_post, request, principal, highlight_id, form, names)


def _check_creator(request: Request, h: HighlightRecord, choices: PostChoices) -> None:
    """What the TikTok account allows (its ``creator_info``): the privacy level, the interactions, the length."""
    info = creator_info(get_settings(request).publish, request.app.state.store)
    if info is None or info.problem is not None:
        return  # not asked now: the worker asks again before it sends
    who = f"@{info.nickname}" if info.nickname else "your TikTok account"
    if info.privacy_options and choices.privacy_level not in info.privacy_options:
        offered = ", ".join(PRIVACY_LABELS.get(p, p) for p in info.privacy_options)
        raise _Refused(f"{who} does not offer '{PRIVACY_LABELS.get(choices.privacy_level or '', '?')}': choose one "
                       f"of {offered}.")
    for on, off, what in ((not choices.disable_comment, info.comment_disabled, "comments"),
                          (not choices.disable_duet, info.duet_disabled, "duets"),
                          (not choices.disable_stitch, info.stitch_disabled, "stitches")):
        if on and off:
            raise _Refused(f"{who} has {what} turned off in its TikTok settings: untick it.")
    if info.max_duration_s is not None and (h.end_ms - h.start_ms) / 1000 > info.max_duration_s:
        raise _Refused(f"The clip is {(h.end_ms - h.start_ms) / 1000:.0f} s, longer than {who}'s maximum of "
                       f"{info.max_duration_s} s: trim it first.")


def _post(request: Request, principal: Principal, highlight_id: str, form: dict, names: list[str]) -> Response:
    got = _load(request, principal, highlight_id)
    if got is None:
        return not_found_page(request, principal, "highlight")
    h, live = got
    remix = form.get("remix") or None
    by_name = {d.name: d for d in destinations(request, principal)}
    try:
        if not names:
            raise _Refused("Choose at least one destination.")
        unknown = [n for n in names if n not in by_name]
        if unknown:
            raise _Refused(f"'{unknown[0][:40]}' is not a destination (known: {', '.join(by_name)}).")
        chosen = [by_name[n] for n in names]
        missing = [d for d in chosen if d.missing]
        if missing:
            d = missing[0]
            raise _Refused(f"{d.title} is not set up on this server: {d.missing}. Nothing was posted.")
        choices = _choices(form, chosen)
        if "tiktok" in names:
            _check_creator(request, h, choices)
        if form.get("consent") != "on":
            raise _Refused("Tick the box to confirm you want this clip posted (your consent is needed).")
        caption = form.get("caption", "").strip()
        caption_given = caption if caption and caption != form.get("default_caption", "").strip() else None
        outbox = get_outbox(request)
        runner = task_runner(request.app.state, request.app.state.store)
        made = []
        for d in chosen:
            q = outbox.create(principal.seller_id, PostRequest(
                h.id, d.name, remix=remix, caption=caption_given, choices=choices, force=form.get("force") == "on"))
            made.append(q)
        for q in made:
            if q.new:
                runner.submit(principal.seller_id, "deliver", {"post_id": q.post.id}, message="sending")
    except (_Refused, InputError) as e:
        return _dialog(request, principal, h, live, remix, error=str(e), form={**form, "destination_list": names},
                       status=422)
    return back(f"/highlights/{h.id}", "posted")


def retry_post(request: Request, principal: Principal, post_id: str) -> str | None:
    """Send a failed post again (the API's :func:`~livehighlights.web.api.posts.retry_post`: an auto-post takes
    its caps again), or ask the destination again about an unknown one; an error message, or ``None``."""
    from ..api.posts import retry_post as api_retry

    outbox = get_outbox(request)
    post = outbox.get(principal.seller_id, post_id)
    if post is None:
        return "not found"
    if post.state != "unknown":
        try:
            api_retry(outbox, principal.seller_id, post_id)
        except InputError as e:
            return str(e)
    task_runner(request.app.state, request.app.state.store).submit(
        principal.seller_id, "deliver", {"post_id": post_id}, message="sending again")
    return None


@router.post("/posts/{post_id}/retry", dependencies=Checked)
def retry(request: Request, post_id: str, principal: Seller, store: StoreDep) -> Response:
    outbox = get_outbox(request)
    post = outbox.get(principal.seller_id, post_id)
    if post is None:
        return not_found_page(request, principal, "post")
    err = retry_post(request, principal, post_id)
    if err is not None:
        h = store.get_highlight(principal.seller_id, post.highlight_id)
        live = store.get_live(principal.seller_id, post.live_id)
        if h is None or live is None:
            return not_found_page(request, principal, "highlight")
        return render(request, "highlight.html", principal, status_code=409, error=err,
                      **highlight_context(request, principal, h, live))
    return back(f"/highlights/{post.highlight_id}", "retried")
