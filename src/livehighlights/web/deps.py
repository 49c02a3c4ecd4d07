"""FastAPI dependencies of the app: the store, the settings, who is asking, and the CSRF check.

- :func:`api_principal`: a session cookie or ``Authorization: Bearer <token>``; else 401 ``{"detail": ...}``.
- :func:`page_principal`: a session cookie only; else :class:`SignInNeeded` (a 303 to ``/signin?next=...``).
- :func:`csrf_checked`: unsafe methods (POST, PUT, PATCH, DELETE) of a cookie session need the session's CSRF
  token (form field ``csrf_token`` or header ``X-CSRF-Token``); else 403. A call authenticated by an API token needs
  none (a browser never sends one by itself).

Add the check to a router with ``dependencies=[Depends(csrf_checked)]``; it lets safe methods through.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal

from fastapi import Depends, HTTPException, Request
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from ..publish import Outbox
from ..store import Store
from .auth import CSRF_FIELD, CSRF_HEADER, SESSION_COOKIE, csrf_matches, session_for
from .settings import WebSettings
from .tokens import token_for

__all__ = ["SAFE_METHODS", "Principal", "SignInNeeded", "api_principal", "csrf_checked", "get_outbox",
           "get_settings", "get_store", "page_principal", "resolve_principal"]

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
_FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")


@dataclass(frozen=True)
class Principal:
    """Who is asking: a signed-in user of a seller (``via="session"``, with the session's CSRF token) or a
    seller's API token (``via="token"``; ``user_id`` and ``username`` are ``None``, ``csrf`` too)."""

    seller_id: str
    user_id: str | None
    username: str | None
    via: Literal["session", "token"]
    csrf: str | None


class SignInNeeded(Exception):
    """A page asked for without a valid session: the app answers 303 to ``/signin?next=<path>``."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


def get_store(request: Request) -> Store:
    """The app's store."""
    return request.app.state.store  # type: ignore[no-any-return]


def get_settings(request: Request) -> WebSettings:
    """The app's settings."""
    return request.app.state.settings  # type: ignore[no-any-return]


def get_outbox(request: Request) -> Outbox:
    """The publishing outbox over the app's store (made once per app)."""
    box = getattr(request.app.state, "outbox", None)
    if box is None:
        box = Outbox(get_store(request), get_settings(request).publish)
        request.app.state.outbox = box
    return box  # type: ignore[no-any-return]


def _bearer(request: Request) -> str | None:
    auth = request.headers.get("authorization")
    if auth is None:
        return None
    scheme, _, value = auth.partition(" ")
    return value.strip() if scheme.lower() == "bearer" else ""


async def resolve_principal(request: Request, *, tokens: bool) -> Principal | None:
    """Who is asking (cached on the request): the bearer token when one is sent and ``tokens`` allowed, else the
    session cookie; ``None`` when neither is valid. A bearer token sent but not valid is ``None`` too (no falling
    back to the cookie)."""
    cache_key = "lh_principal_tok" if tokens else "lh_principal_page"
    if cache_key in request.scope:
        return request.scope[cache_key]  # type: ignore[no-any-return]
    store = get_store(request)
    principal: Principal | None = None
    bearer = _bearer(request) if tokens else None
    if bearer is not None:
        tok = await run_in_threadpool(token_for, store, bearer)
        if tok is not None:
            principal = Principal(tok.seller_id, None, None, "token", None)
    else:
        cookie = request.cookies.get(SESSION_COOKIE)
        if cookie:
            sess = await run_in_threadpool(session_for, store, cookie)
            if sess is not None:
                principal = Principal(sess.seller_id, sess.user_id, sess.username, "session", sess.csrf)
    request.scope[cache_key] = principal
    return principal


_BEARER_DOC = HTTPBearer(auto_error=False, scheme_name="api token",
                         description="An API token (livehighlights token add, or POST /api/tokens): lh_...")
_COOKIE_DOC = APIKeyCookie(name=SESSION_COOKIE, auto_error=False, scheme_name="session",
                           description="A signed-in browser's session; changes also need the X-CSRF-Token header.")


async def api_principal(request: Request,
                        _bearer_doc: Annotated[HTTPAuthorizationCredentials | None, Depends(_BEARER_DOC)] = None,
                        _cookie_doc: Annotated[str | None, Depends(_COOKIE_DOC)] = None) -> Principal:
    """The principal of an API call; 401 when there is none. (The two security schemes only document, in the
    OpenAPI, how to authenticate; the checks are :func:`resolve_principal`'s.)"""
    p = await resolve_principal(request, tokens=True)
    if p is None:
        sent = _bearer(request)
        why = ("sign in, or send an API token as 'Authorization: Bearer <token>'" if sent is None
               else "the Authorization header is not 'Bearer <token>'" if sent == ""
               else "the API token is not valid (unknown or revoked)")
        raise HTTPException(401, why, headers={"WWW-Authenticate": "Bearer"})
    return p


async def page_principal(request: Request) -> Principal:
    """The signed-in user of a page; :class:`SignInNeeded` when there is none (or the session expired)."""
    p = await resolve_principal(request, tokens=False)
    if p is None:
        path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise SignInNeeded(path)
    return p


async def csrf_checked(request: Request) -> None:
    """403 for an unsafe request of a cookie session without its CSRF token (see the module's note)."""
    if request.method in SAFE_METHODS:
        return
    p = await resolve_principal(request, tokens=_bearer(request) is not None)
    if p is None or p.via == "token":
        return  # no principal: the route's own principal dependency answers 401 or the sign-in redirect
    given = request.headers.get(CSRF_HEADER)
    if given is None and request.headers.get("content-type", "").startswith(_FORMS):
        form = await request.form()
        value = form.get(CSRF_FIELD)
        given = value if isinstance(value, str) else None
    if not csrf_matches(p.csrf, given):
        raise HTTPException(403, "the form was sent without its CSRF token (or with a stale one): reload the page "
                                 "and try again; scripts send the header X-CSRF-Token")
