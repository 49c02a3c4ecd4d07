"""TikTok's webhook events about posts: verified, de-duplicated, applied to the outbox.

TikTok sends ``post.publish.complete``, ``post.publish.failed``, ``post.publish.inbox_delivered`` and
``post.publish.publicly_available`` at least once (retried up to 72 h), signed in the ``TikTok-Signature`` header
(``t=TIMESTAMP,s=HEX``: HMAC-SHA256 with the app's client secret over ``TIMESTAMP.BODY``). :func:`receive`
checks the signature and its age, stores the event once (a repeat is counted, not applied again) and settles
the post with that publish id; a post a worker is busy with is left to the worker, asked to check at once.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update

from ..errors import InputError
from ..store import Store
from ..store.schema import utcnow
from .db import Db
from .outbox import release_caps
from .records import ACTIVE_STATES, Outcome
from .schema import InboundEventRow, PostRow

__all__ = ["SIGNATURE_HEADER", "EventResult", "receive", "settled_by_event", "sign", "verify"]

SIGNATURE_HEADER = "TikTok-Signature"
SOURCE = "tiktok"


def sign(client_secret: str, timestamp: int, body: bytes) -> str:
    """The ``TikTok-Signature`` header for ``body`` (what TikTok sends; for tests and tools)."""
    mac = hmac.new(client_secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},s={mac}"


def verify(client_secret: str, header: str | None, body: bytes, *, window_s: float = 300,
           now: float | None = None) -> bool:
    """True when ``header`` signs ``body`` with the client secret and its time is within ``window_s``."""
    parts = dict(p.split("=", 1) for p in (header or "").split(",") if "=" in p)
    try:
        ts = int(parts.get("t", ""))
    except ValueError:
        return False
    if abs((time.time() if now is None else now) - ts) > window_s:
        return False
    return hmac.compare_digest(sign(client_secret, ts, body), f"t={ts},s={parts.get('s', '')}")


@dataclass(frozen=True, slots=True)
class EventResult:
    """What :func:`receive` did: ``duplicate`` (seen before, not applied again), the post it concerned and the
    post's state after it."""

    event: str
    duplicate: bool
    post_id: str | None
    state: str | None


def _content(doc: dict[str, Any]) -> dict[str, Any]:
    raw = doc.get("content")
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            raise InputError("TikTok event: 'content' is not JSON") from None
    return raw if isinstance(raw, dict) else {}


def receive(store: Store, client_secret: str, body: bytes, signature: str | None, *,
            window_s: float = 300) -> EventResult:
    """Verify, store once and apply a TikTok post event. :class:`InputError` for a bad signature or body."""
    if not verify(client_secret, signature, body, window_s=window_s):
        raise InputError("TikTok event: the signature does not match (or is too old)")
    try:
        doc = json.loads(body)
    except ValueError:
        raise InputError("TikTok event: the body is not JSON") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("event"), str):
        raise InputError("TikTok event: no 'event' field")
    kind, content = doc["event"], _content(doc)
    publish_id = str(content.get("publish_id")) if content.get("publish_id") else None
    event_id = hashlib.sha256(body).hexdigest()[:40]
    db, now = Db(store), utcnow()
    with db.write() as s:  # the first of two concurrent deliveries inserts; the other counts a repeat
        new = db.insert_new(s, InboundEventRow, dict(
            source=SOURCE, event_id=event_id, kind=kind, remote_id=publish_id, body=doc, received_at=now,
            applied=False, n_seen=1), InboundEventRow.event_id)
        if not new:
            s.execute(update(InboundEventRow).where(InboundEventRow.source == SOURCE,
                                                    InboundEventRow.event_id == event_id)
                      .values(n_seen=InboundEventRow.n_seen + 1))
            post = s.scalars(select(PostRow).where(PostRow.remote_id == publish_id)).first() if publish_id else None
            return EventResult(kind, True, post.id if post else None, post.state if post else None)
        if publish_id is None:
            return EventResult(kind, False, None, None)
        post = s.scalars(select(PostRow).where(PostRow.destination == "tiktok", PostRow.remote_id == publish_id)
                         .with_for_update()).first()
        if post is None:
            return EventResult(kind, False, None, None)
        busy = post.lease_until is not None and post.lease_until > now
        outcome = _outcome(kind, content)
        if post.state in ACTIVE_STATES and not busy and outcome is not None:
            if outcome.kind == "published":
                post.state, post.published_at, post.reason = "published", now, None
            else:
                post.state, post.reason, post.error_code = "failed", outcome.reason, outcome.code
                if post.auto:
                    release_caps(s, post)
            s.execute(update(InboundEventRow).where(InboundEventRow.source == SOURCE,
                                                    InboundEventRow.event_id == event_id).values(applied=True))
        elif post.state in ACTIVE_STATES:  # a worker has it (or nothing to settle): ask TikTok now
            post.not_before, post.enqueued_at = now, None
        ids = content.get("post_id") or content.get("publicaly_available_post_id")
        if kind.endswith("publicly_available") and ids:
            post.remote_url = post.remote_url or _url(post, ids)
        post.updated_at = now
        return EventResult(kind, False, post.id, post.state)


def _url(post: PostRow, ids: Any) -> str | None:
    first = ids[0] if isinstance(ids, list) and ids else ids
    nick = (post.progress or {}).get("creator")
    return f"https://www.tiktok.com/@{nick}/video/{first}" if nick and first else None


def _outcome(kind: str, content: dict[str, Any]) -> Outcome | None:
    if kind in ("post.publish.complete", "post.publish.publicly_available"):
        return Outcome("published")
    if kind == "post.publish.failed":
        reason = str(content.get("reason") or content.get("fail_reason") or "unknown reason")
        return Outcome("failed", reason=f"TikTok could not publish it: {reason}", code=reason)
    return None


def settled_by_event(store: Store, publish_id: str) -> Outcome | None:
    """What TikTok's events already said about a publish id (published or failed), or ``None``."""
    with Db(store).read() as s:
        rows = s.scalars(select(InboundEventRow).where(InboundEventRow.source == SOURCE,
                                                       InboundEventRow.remote_id == publish_id)
                         .order_by(InboundEventRow.received_at)).all()
    for row in rows:
        out = _outcome(row.kind, _content(row.body))
        if out is not None:
            return out
    return None
