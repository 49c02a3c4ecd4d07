"""The webhook publisher: a signed ``POST`` of JSON to a URL the seller sets.

Headers: ``Idempotency-Key`` (the same for every attempt of a post: a receiver keeps the first and answers
the others as done), ``X-LiveHighlights-Timestamp`` (Unix seconds) and ``X-LiveHighlights-Signature``
(``sha256=`` + hex HMAC-SHA256 with the shared secret over ``TIMESTAMP + "." + BODY``; with ``multipart`` the
BODY is the ``payload`` part's bytes and the clip comes as the ``clip`` part). A receiver checks the signature
in constant time and refuses a timestamp older than its replay window (:func:`verify`).

2xx: published (a JSON answer's ``id`` and ``url`` are kept); 408, 429 and 5xx, timeouts: retried with backoff
(safe: the key makes a repeat harmless); any other 4xx: failed, with the receiver's answer as the reason.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any

import httpx

from .base import PUBLISHERS, Final, Job, Retryable
from .http import HttpPublisher, call, retry_after
from .records import Outcome

__all__ = ["SIGNATURE_HEADER", "TIMESTAMP_HEADER", "WebhookPublisher", "sign", "verify"]

SIGNATURE_HEADER = "X-LiveHighlights-Signature"
TIMESTAMP_HEADER = "X-LiveHighlights-Timestamp"


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The signature header's value: ``sha256=`` + hex HMAC-SHA256 over ``TIMESTAMP.BODY``."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify(secret: str, timestamp: str, body: bytes, signature: str, *, window_s: float = 300,
           now: float | None = None) -> bool:
    """A receiver's check: the signature matches and the timestamp is within ``window_s`` of now."""
    try:
        ts = int(timestamp)
    except (TypeError, ValueError):
        return False
    if abs((time.time() if now is None else now) - ts) > window_s:
        return False
    return hmac.compare_digest(sign(secret, ts, body), signature or "")


@PUBLISHERS.register
class WebhookPublisher(HttpPublisher):
    """Signed JSON to ``webhook.url`` (see the module's note)."""

    name = "webhook"
    title = "the webhook"

    def __init__(self, config: Any, store: Any = None) -> None:
        super().__init__(config, store)

    def missing(self) -> str | None:
        if not self.config.webhook.url:
            return "no URL (set webhook.url or LIVEHIGHLIGHTS_WEBHOOK_URL)"
        if not self.config.webhook.secret:
            return "no shared secret (set webhook.secret or LIVEHIGHLIGHTS_WEBHOOK_SECRET)"
        return None

    @property
    def timeout_s(self) -> float:
        return float(self.config.webhook.timeout_s)

    def body(self, job: Job) -> dict[str, Any]:
        p = job.post
        base = self.config.media_url
        doc = dict(p.payload)
        doc.update(post_id=p.id, idempotency_key=p.idem_key, caption=p.caption, auto=p.auto, consent_id=p.consent_id,
                   attempt=p.attempts, clip_url=f"{base}/{p.media}" if base else None,
                   thumbnail_url=f"{base}/{p.payload.get('thumbnail')}" if base and p.payload.get("thumbnail")
                   else None)
        return doc

    def send(self, job: Job) -> Outcome:
        cfg = self.config.webhook
        if not cfg.url or not cfg.secret:
            raise Final(f"the webhook is not configured: {self.missing()}", "not_configured")
        body = json.dumps(self.body(job), sort_keys=True, ensure_ascii=False).encode()
        ts = int(time.time())
        headers = {"Idempotency-Key": job.post.idem_key, TIMESTAMP_HEADER: str(ts),
                   SIGNATURE_HEADER: sign(cfg.secret, ts, body), "User-Agent": "livehighlights"}
        if cfg.multipart:
            with job.file.open("rb") as f:
                resp = call(self.http, "POST", cfg.url, what="webhook", resend_safe=True, headers=headers,
                            files={"payload": ("payload.json", body, "application/json"),
                                   "clip": (job.file.name, f, "video/mp4")})
        else:
            headers["Content-Type"] = "application/json"
            resp = call(self.http, "POST", cfg.url, what="webhook", resend_safe=True, headers=headers, content=body)
        return self._answer(resp)

    def _answer(self, resp: httpx.Response) -> Outcome:
        code = resp.status_code
        if 200 <= code < 300:
            remote_id = url = None
            try:
                doc = resp.json()
                if isinstance(doc, dict):
                    remote_id = str(doc["id"]) if doc.get("id") is not None else None
                    url = str(doc["url"]) if doc.get("url") else None
            except ValueError:
                pass
            return Outcome("published", remote_id=remote_id, url=url)
        short = " ".join(resp.text.split())[:200]
        if code in (408, 429) or code >= 500:
            raise Retryable(f"the webhook answered HTTP {code}" + (f": {short}" if short else ""), str(code),
                            retry_after(resp))
        raise Final(f"the webhook refused the post: HTTP {code}" + (f": {short}" if short else ""), str(code))

    def check(self, job: Job) -> Outcome:
        return self.send(job)  # the Idempotency-Key makes the repeat harmless: the receiver keeps the first
