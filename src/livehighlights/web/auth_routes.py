"""Sign in and out: ``GET /signin`` (the form), ``POST /signin``, ``POST /signout``.

A sign-in is rate limited per client address and per username (429 with ``Retry-After``); a wrong name or
password says so without telling which; after signing in the browser goes to ``next`` when it is a path on this
site, else to ``/lives``. Sign-in forms from another site are refused (their ``Origin`` is not ours).
"""

from __future__ import annotations

import math
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from .accounts import authenticate
from .auth import SESSION_COOKIE, end_session, start_session
from .deps import csrf_checked, get_settings, get_store, page_principal, resolve_principal
from .errors import safe_next
from .throttle import signin_wait

__all__ = ["router"]

router = APIRouter(tags=["sign-in"])


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _same_origin(request: Request) -> bool:
    origin = request.headers.get("origin")
    if not origin or origin == "null":
        return origin is None
    return urlsplit(origin).netloc == request.headers.get("host", request.url.netloc)


def _form(request: Request, *, error: str | None, next_path: str, username: str, status: int) -> Response:
    from .templates import render

    return render(request, "signin.html", None, status_code=status, error=error, next=next_path, username=username)


@router.get("/signin", include_in_schema=False)
async def signin_form(request: Request, next: str = "/lives") -> Response:  # noqa: A002 - the query's name
    """The sign-in form (a signed-in browser goes straight on)."""
    if await resolve_principal(request, tokens=False) is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return _form(request, error=None, next_path=safe_next(next), username="", status=200)


@router.post("/signin", include_in_schema=False)
async def signin(request: Request, username: Annotated[str, Form()] = "", password: Annotated[str, Form()] = "",
                 next: Annotated[str, Form()] = "/lives") -> Response:  # noqa: A002
    """Check the name and password; on success start a session (cookie) and go to ``next``."""
    store, settings = get_store(request), get_settings(request)
    target = safe_next(next)
    if not _same_origin(request):
        return _form(request, error="This sign-in form was sent from another site; open the sign-in page here.",
                     next_path=target, username=username, status=403)
    if not username or not password:
        return _form(request, error="Enter your username and password.", next_path=target, username=username,
                     status=422)
    wait = await run_in_threadpool(signin_wait, store, _client(request), username, settings.signin_burst,
                                   settings.signin_per_min)
    if wait > 0:
        resp = _form(request, error=f"Too many sign-in attempts: try again in {math.ceil(wait)} s.",
                     next_path=target, username=username, status=429)
        resp.headers["Retry-After"] = str(math.ceil(wait))
        return resp
    user = await run_in_threadpool(authenticate, store, username, password)
    if user is None:
        return _form(request, error="Wrong username or password.", next_path=target, username=username, status=401)
    new = await run_in_threadpool(start_session, store, user, settings.session_ttl_s)
    resp = RedirectResponse(target, status_code=303)
    resp.set_cookie(SESSION_COOKIE, new.token, max_age=settings.session_ttl_s, httponly=True, samesite="lax",
                    secure=settings.secure_cookies, path="/")
    return resp


@router.post("/signout", include_in_schema=False, dependencies=[Depends(page_principal), Depends(csrf_checked)])
async def signout(request: Request) -> Response:
    """End the session (on the server too) and go to the sign-in page."""
    await run_in_threadpool(end_session, get_store(request), request.cookies.get(SESSION_COOKIE))
    resp = RedirectResponse("/signin", status_code=303)
    resp.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax",
                       secure=get_settings(request).secure_cookies)
    return resp
