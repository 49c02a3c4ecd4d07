"""Auto LIVE Highlights: the toggle, the caps, the destinations and the standing consent for automatic posts.

The settings are the store's (:mod:`livehighlights.store.settings`); the consent is the outbox's (an auto-post to
a destination with content-sharing rules needs it, with the seller's own privacy choice).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from ...errors import InputError
from ...publish import PRIVACY_LEVELS, PostChoices
from ...remix.style import builtin_styles
from ...rules import MAX_CLIPS_PER_LIVE, MAX_CLIPS_PER_PRODUCT
from ...store.settings import auto_settings, set_auto_settings
from ..deps import Principal, get_outbox
from ..templates import render
from .common import Checked, Seller, StoreDep, back, notice
from .posting import PRIVACY_LABELS, destinations

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


def _page(request: Request, principal: Principal, *, error: str | None = None, status: int = 200) -> Response:
    store = request.app.state.store
    outbox = get_outbox(request)
    settings = auto_settings(store, principal.seller_id)
    dests = destinations(request, principal)
    consents = {d.name: outbox.consent(principal.seller_id, d.name) for d in dests}
    needing = [d for d in dests if d.needs_choices and d.name in settings.destinations and consents[d.name] is None]
    return render(request, "auto.html", principal, status_code=status, error=error, notice=notice(request),
                  s=settings, destinations=dests, consents=consents, needing=needing,
                  privacy=[(p, PRIVACY_LABELS[p]) for p in PRIVACY_LEVELS], styles=sorted(builtin_styles()),
                  cap_live=MAX_CLIPS_PER_LIVE, cap_product=MAX_CLIPS_PER_PRODUCT)


@router.get("/auto")
def auto_page(request: Request, principal: Seller, store: StoreDep) -> Response:
    return _page(request, principal)


@router.post("/auto/toggle", dependencies=Checked)
async def auto_toggle(request: Request, principal: Seller, store: StoreDep) -> Response:
    form = await request.form()
    on = form.get("auto_post") == "on"
    from starlette.concurrency import run_in_threadpool

    await run_in_threadpool(set_auto_settings, store, principal.seller_id, auto_post=on)
    return back("/auto", "auto-on" if on else "auto-off")


def _whole(form: dict, name: str) -> int | None:
    raw = str(form.get(name) or "").strip()
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError:
        raise InputError(f"'{raw[:20]}' is not a whole number of posts") from None


@router.post("/auto/settings", dependencies=Checked)
async def auto_save(request: Request, principal: Seller, store: StoreDep) -> Response:
    raw = await request.form()
    form = {k: v for k, v in raw.items() if isinstance(v, str)}
    dests = [v for v in raw.getlist("destination") if isinstance(v, str)]
    from starlette.concurrency import run_in_threadpool

    def save() -> str | None:
        try:
            if not dests:
                raise InputError("choose at least one destination for auto-posts (the local feed is always there)")
            style = form.get("style") or None
            if style is not None and style not in builtin_styles():
                raise InputError(f"'{style[:40]}' is not a style")
            set_auto_settings(store, principal.seller_id, destinations=dests,
                              max_per_live=_whole(form, "max_per_live"),
                              max_per_product=_whole(form, "max_per_product"), style=style)
        except InputError as e:
            return str(e)
        return None

    err = await run_in_threadpool(save)
    if err is not None:
        return await run_in_threadpool(lambda: _page(request, principal, error=err, status=422))
    return back("/auto", "saved")


@router.post("/auto/consent", dependencies=Checked)
async def auto_consent(request: Request, principal: Seller, store: StoreDep) -> Response:
    raw = await request.form()
    form = {k: v for k, v in raw.items() if isinstance(v, str)}
    from starlette.concurrency import run_in_threadpool

    def give() -> str | None:
        dest = form.get("destination", "")
        privacy = form.get("privacy_level") or None
        if privacy not in PRIVACY_LEVELS:
            return "Choose who can see the automatic posts (there is no default)."
        if form.get("commercial") == "on" and not (form.get("brand_organic") or form.get("brand_content")):
            return "Say whose brand the automatic posts promote (your brand, or branded content)."
        if form.get("confirm") != "on":
            return "Tick the box to give your standing consent."
        commercial = form.get("commercial") == "on"
        choices = PostChoices(privacy, disable_comment=form.get("allow_comment") != "on",
                              disable_duet=form.get("allow_duet") != "on",
                              disable_stitch=form.get("allow_stitch") != "on",
                              brand_content=commercial and form.get("brand_content") == "on",
                              brand_organic=commercial and form.get("brand_organic") == "on")
        try:
            get_outbox(request).give_consent(principal.seller_id, dest, choices)
        except InputError as e:
            return str(e)
        return None

    err = await run_in_threadpool(give)
    if err is not None:
        return await run_in_threadpool(lambda: _page(request, principal, error=err, status=422))
    return back("/auto", "consent")


@router.post("/auto/consent/revoke", dependencies=Checked)
async def auto_revoke(request: Request, principal: Seller, store: StoreDep) -> Response:
    form = await request.form()
    dest = str(form.get("destination") or "")
    from starlette.concurrency import run_in_threadpool

    await run_in_threadpool(get_outbox(request).revoke_consent, principal.seller_id, dest)
    return back("/auto", "revoked")
