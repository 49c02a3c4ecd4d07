"""How errors become HTTP answers: one line a person can act on, never a traceback.

- :class:`~.deps.SignInNeeded` → 303 to ``/signin?next=<path>``;
- :class:`~livehighlights.errors.InputError` (bad input, a refused post) → 422 ``{"detail": ...}``;
- :class:`~livehighlights.store.StoreError` (the database cannot answer now) → 503 with ``Retry-After``;
- a database error not translated on the way (``SQLAlchemyError``) → 503 with ``Retry-After``, one line;
- any other :class:`~livehighlights.errors.LiveHighlightsError` → 500 with its one-line message.

:func:`not_found` is the one 404 of a seller's records: an unknown id and another seller's id answer the same.
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy.exc import SQLAlchemyError

from ..errors import InputError, LiveHighlightsError
from ..store import StoreError
from .deps import SignInNeeded

__all__ = ["RETRY_AFTER_S", "install_handlers", "not_found", "safe_next"]

RETRY_AFTER_S = 2
"""What ``Retry-After`` says when the store is busy."""


def not_found(kind: str, ident: str) -> HTTPException:
    """The 404 for a record the principal's seller does not have (unknown, or another seller's)."""
    return HTTPException(404, f"no {kind} with id '{ident[:80]}'")


def safe_next(target: str | None, default: str = "/lives") -> str:
    """``target`` when it is a path on this site (``/...``, not ``//host`` or ``/\\host``), else ``default``."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return default
    if any(c in target for c in "\r\n\t\\") or ":" in target.split("?", 1)[0].split("/", 2)[1]:
        return default
    return target


async def _signin(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, SignInNeeded)
    return RedirectResponse("/signin?next=" + quote(safe_next(exc.next_path), safe="/"), status_code=303)


async def _input(request: Request, exc: Exception) -> Response:
    return JSONResponse({"detail": str(exc)}, status_code=422)


async def _store(request: Request, exc: Exception) -> Response:
    return JSONResponse({"detail": f"the store cannot answer now: {exc}"}, status_code=503,
                        headers={"Retry-After": str(RETRY_AFTER_S)})


async def _database(request: Request, exc: Exception) -> Response:
    store = getattr(request.app.state, "store", None)
    msg = str(store.fail(exc)) if store is not None else "the database cannot answer now"
    return JSONResponse({"detail": f"the store cannot answer now: {msg}"}, status_code=503,
                        headers={"Retry-After": str(RETRY_AFTER_S)})


async def _other(request: Request, exc: Exception) -> Response:
    return JSONResponse({"detail": str(exc)}, status_code=500)


def install_handlers(app: FastAPI) -> None:
    """Install the handlers above on the app."""
    app.add_exception_handler(SignInNeeded, _signin)
    app.add_exception_handler(InputError, _input)
    app.add_exception_handler(StoreError, _store)
    app.add_exception_handler(LiveHighlightsError, _other)
    app.add_exception_handler(SQLAlchemyError, _database)
