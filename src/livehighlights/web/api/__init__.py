"""The REST API under ``/api`` (JSON, documented at ``/docs``): every route answers only for the principal's
seller; an unknown id and another seller's id are the same 404.

``routers`` lists the routers :func:`livehighlights.web.app.create_app` mounts under ``/api`` (a module adds its
router with one line here).
"""

from __future__ import annotations

from fastapi import APIRouter

from . import events, feed, highlights, lives, plans, posts, remixes, settings, stream, tasks, tokens, uploads

__all__ = ["routers"]

routers: list[APIRouter] = [
    lives.router,
    highlights.router,
    posts.router,
    plans.router,
    settings.router,
    events.router,
    tokens.router,
    feed.router,
    uploads.router,
    stream.router,
    tasks.router,
    remixes.router,
]
