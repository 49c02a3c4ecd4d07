"""Publishing: an outbox that posts each highlight exactly once, workers on a task queue, and publishers.

    from livehighlights.publish import Outbox, PostRequest, PostChoices, load_config, make_queue, submit, Worker
    config = load_config()
    outbox = Outbox(store, config)
    q = make_queue(config.queue)                     # SqliteHuey by default, RedisHuey for redis:// URLs
    submit(outbox, q, seller.id, PostRequest(h.id, "tiktok", choices=PostChoices("SELF_ONLY")))
    Worker(store, config, q).run(until_idle=True)    # or: livehighlights worker

A post is written in the same transaction as the decision to post (with the caps of auto-posts); a worker
records "sending" before it sends; a post whose fate is unknown is settled by asking the destination. The
publishers (``local``, ``webhook``, ``tiktok``, ``tiktok-shop``) register in :data:`PUBLISHERS`.
"""

from __future__ import annotations

from .base import PUBLISHERS, AccountBlocked, AnswerLost, Deferred, Final, Job, Publisher, PublishFault, Retryable
from .config import PublishConfig, ShopConfig, TikTokConfig, WebhookConfig, load_config
from .deliver import Deliverer
from .ledger import Ledger
from .local import FeedItem, feed
from .outbox import CapReached, Outbox, PostRefused, Queued, idempotency_key
from .queue import Worker, make_queue, submit
from .records import (
    POST_STATES,
    PRIVACY_LEVELS,
    ConsentRecord,
    Outcome,
    PostChoices,
    PostRecord,
    PostRequest,
)

__all__ = [
    "POST_STATES", "PRIVACY_LEVELS", "PUBLISHERS", "AccountBlocked", "AnswerLost", "CapReached", "ConsentRecord",
    "Deferred", "Deliverer", "FeedItem", "Final", "Job", "Ledger", "Outbox", "Outcome", "PostChoices", "PostRecord",
    "PostRefused", "PostRequest", "PublishConfig", "PublishFault", "Publisher", "Queued", "Retryable", "ShopConfig",
    "TikTokConfig", "WebhookConfig", "Worker", "feed", "idempotency_key", "load_config", "make_queue", "submit",
]
