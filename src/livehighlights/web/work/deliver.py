"""The ``deliver`` task: send a post the seller just queued, in this server (no separate worker needed).

A post is delivered through the publishing package's :class:`~livehighlights.publish.Deliverer`, the same code
as ``livehighlights worker``: a claim makes sure no two deliver it at once, so a worker running beside the app
does no harm. A destination that asks us to wait (rate limit, processing) is asked again until the post is
settled or :data:`WAIT_S` has passed (a worker or the next retry takes it from there).
"""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

from ...publish import Deliverer
from ...store.schema import utcnow
from ..tasks import TaskContext, TaskFailed

__all__ = ["WAIT_S", "run_deliver"]

WAIT_S = 120.0


def run_deliver(ctx: TaskContext) -> dict[str, Any]:
    post_id = str(ctx.params.get("post_id") or "")
    config = getattr(ctx.runner, "publish_config", None)
    if config is None:
        raise TaskFailed("this server has no publishing configuration")
    d = Deliverer(ctx.store, config, owner=f"web:{ctx.runner.owner}")
    end = time.monotonic() + WAIT_S
    try:
        ctx.report(0.1, "sending")
        while True:
            post = d.deliver(post_id)
            if post is None:
                post = d.ledger.get(post_id)
            if post is None:
                raise TaskFailed(f"post {post_id} is gone")
            if post.seller_id != ctx.seller_id:
                raise TaskFailed(f"no post with id '{post_id}' for this seller")
            ctx.report(0.5 if not post.settled else 1.0, post.state)
            if post.settled or time.monotonic() >= end:
                return {"post_id": post.id, "state": post.state, "reason": post.reason, "url": post.remote_url}
            wait = (post.not_before - utcnow()).total_seconds() if post.not_before else 1.0
            time.sleep(min(max(wait, 0.5), 5.0, max(0.0, end - time.monotonic())))
            if post.not_before and post.not_before > utcnow() + timedelta(seconds=WAIT_S):
                return {"post_id": post.id, "state": post.state, "reason": post.reason, "url": post.remote_url}
    finally:
        d.close()
