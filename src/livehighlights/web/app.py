"""The Seller Center app: :func:`create_app` builds the FastAPI application over a store.

    from livehighlights.web.app import create_app
    app = create_app()                                   # settings from the environment, store opened at start-up
    uvicorn.run(app, host="127.0.0.1", port=8000)        # or: livehighlights serve

The REST API is under ``/api`` (OpenAPI at ``/openapi.json``, documented at ``/docs``), sign-in at ``/signin``,
the pages at ``/``. Every answer says how long the server took to produce it (``Server-Timing: app;dur=MS``, until
its headers). Nothing is opened or read when this module is imported.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import Response

from ..store import Store
from .settings import WebSettings

__all__ = ["create_app"]

_HEADERS = {"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Referrer-Policy": "same-origin"}


def create_app(settings: WebSettings | None = None, store: Store | None = None) -> FastAPI:
    """The app over ``store`` (kept open; the caller closes it) or, when ``None``, over the store the settings name
    (opened at start-up, closed at shutdown). ``settings``: :meth:`WebSettings.from_env` when ``None``."""
    from .api import routers
    from .api.media import router as media_router
    from .auth_routes import router as auth_router
    from .errors import install_handlers
    from .pages import router as pages_router

    cfg = settings if settings is not None else WebSettings.from_env()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        own = store is None
        if own:
            from ..store import open_store

            app.state.store = open_store(cfg.db, media_root=cfg.media_root)
        try:
            yield
        finally:
            runner = getattr(app.state, "tasks", None)
            if runner is not None:  # stop taking tasks; a running one keeps its lease and is taken up again later
                runner.close(wait=False)
            if own:
                app.state.store.close()

    app = FastAPI(title="livehighlights Seller Center", version="1", lifespan=lifespan,
                  description="Review, post and auto-post the highlights of your LIVEs. Every call answers only "
                              "for your own shop: sign in (cookie session, with the X-CSRF-Token header on changes) "
                              "or send an API token as 'Authorization: Bearer lh_...'.")
    app.state.settings = cfg
    app.state.events_in_flight = 0
    if store is not None:
        app.state.store = store
    install_handlers(app)

    @app.middleware("http")
    async def _headers(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        t0 = time.perf_counter()
        resp = await call_next(request)
        for k, v in _HEADERS.items():
            resp.headers.setdefault(k, v)
        resp.headers["Server-Timing"] = f"app;dur={(time.perf_counter() - t0) * 1000:.1f}"  # until the headers
        return resp

    for r in routers:
        app.include_router(r, prefix="/api")
    app.include_router(auth_router)
    app.include_router(media_router)
    app.include_router(pages_router)
    return app
