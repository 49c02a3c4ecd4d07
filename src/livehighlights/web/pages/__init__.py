"""Seller Center pages (server-rendered HTML, Jinja2): ``router`` collects every page route; ``web.app``
includes it.

Pages: ``/lives``, ``/lives/{id}``, ``/lives/{id}/live``, ``/highlights/{id}`` (player, breakdown, compliance,
transcript, trim), ``/highlights/{id}/post`` (the posting dialog), ``/highlights/{id}/remix`` (quick post edit),
``/tasks/{id}``, ``/plans``, ``/auto``, ``/upload`` and the public ``/feed/{seller}``. Every state-changing form
carries the session's CSRF token; every element a test looks for has a stable ``data-testid``.
"""

from __future__ import annotations

from fastapi import APIRouter

from . import auto, feed, highlight, lives, liveview, plans, posting, quickedit, static, upload

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
for _module in (static, lives, liveview, highlight, posting, quickedit, plans, auto, upload, feed):
    router.include_router(_module.router)
