"""The TikTok Shop publisher: a shoppable video through the Partner API's creator video endpoints.

Upload the file (``POST /affiliate_creator/{version}/videos/video_files``, multipart, at most 100 MB) → post it
(``POST /affiliate_creator/{version}/videos`` with ``video_info`` and ``product_link_info``: the product id and
an anchor title, short and plain, made to fit before sending) → its status (``GET .../videos/{video_id}``:
PROCESSING, SUCCESS, FAIL). The path version drifts (``tiktok_shop.version``). Every request is signed the
Partner API's way (:func:`signature`) and carries the token in ``x-tts-access-token``.

Exactly once: an upload alone posts nothing, so a lost upload answer is retried; a lost answer to the post itself
makes the post ``unknown``: the Partner API has no idempotency key, so it is never sent again by itself (the
seller checks the account and settles it with ``livehighlights post resolve``). Quota errors: "posting too often"
is retried after a pause, a daily quota puts the post back until the next UTC day.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from ..rules import TIKTOK_SHOP_ANCHOR_MAX, TIKTOK_SHOP_FILE_MAX
from .base import PUBLISHERS, AccountBlocked, Deferred, Final, Job, Retryable
from .caption import plain_anchor
from .http import HttpPublisher, call, retry_after
from .records import Outcome

__all__ = ["TikTokShopPublisher", "signature"]

_INLINE_POLLS = 4


def signature(app_secret: str, path: str, params: dict[str, str], body: bytes | None) -> str:
    """The Partner API's ``sign``: HMAC-SHA256 (key: the app secret) over the secret, the path, the query
    parameters sorted by name (``key`` + ``value``, without ``sign`` and ``access_token``), the body (not for
    multipart) and the secret again; lower-case hex."""
    joined = "".join(f"{k}{params[k]}" for k in sorted(params) if k not in ("sign", "access_token"))
    msg = app_secret.encode() + path.encode() + joined.encode() + (body or b"") + app_secret.encode()
    return hmac.new(app_secret.encode(), msg, hashlib.sha256).hexdigest()


def _until_next_utc_day() -> float:
    now = datetime.now(UTC)
    nxt = (now + timedelta(days=1)).replace(hour=0, minute=5, second=0, microsecond=0)
    return (nxt - now).total_seconds()


@PUBLISHERS.register
class TikTokShopPublisher(HttpPublisher):
    """A shoppable video on the seller's TikTok Shop creator account (see the module's note)."""

    name = "tiktok-shop"
    title = "TikTok Shop"
    file_limit = TIKTOK_SHOP_FILE_MAX
    needs_consent = True

    def __init__(self, config: Any, store: Any = None) -> None:
        super().__init__(config, store)
        self.cfg = config.tiktok_shop

    @property
    def timeout_s(self) -> float:
        return float(self.cfg.timeout_s)

    def missing(self) -> str | None:
        need = [n for n in ("app_key", "app_secret", "access_token") if not getattr(self.cfg, n)]
        if need:
            return "no " + ", ".join(need) + " (set tiktok_shop." + need[0] + " or LIVEHIGHLIGHTS_TIKTOK_SHOP_" + \
                need[0].upper() + ")"
        return None

    def validate(self, caption: str, size: int, product_id: str | None) -> list[str]:
        out = super().validate(caption, size, product_id)
        if not product_id:
            out.append("a shoppable video needs the highlight's product (this highlight has none)")
        return out

    def _path(self, tail: str) -> str:
        return f"/affiliate_creator/{self.cfg.version}/videos{tail}"

    def _api(self, method: str, tail: str, *, what: str, resend_safe: bool, json_body: dict[str, Any] | None = None,
             files: Any = None) -> dict[str, Any]:
        if not (self.cfg.app_key and self.cfg.app_secret and self.cfg.access_token):
            raise AccountBlocked(f"TikTok Shop is not configured: {self.missing()}", "not_configured")
        path = self._path(tail)
        params = {"app_key": self.cfg.app_key, "timestamp": str(int(time.time()))}
        if self.cfg.shop_cipher:
            params["shop_cipher"] = self.cfg.shop_cipher
        body = json.dumps(json_body, separators=(",", ":")).encode() if json_body is not None else None
        params["sign"] = signature(self.cfg.app_secret, path, params, body)
        headers = {"x-tts-access-token": self.cfg.access_token}
        kw: dict[str, Any] = {"params": params, "headers": headers}
        if body is not None:
            headers["Content-Type"] = "application/json"
            kw["content"] = body
        if files is not None:
            kw["files"] = files
        resp = call(self.http, method, self.cfg.base_url + path, what=what, resend_safe=resend_safe, **kw)
        try:
            doc = resp.json()
        except ValueError:
            doc = {"code": resp.status_code, "message": " ".join(resp.text.split())[:120]}
        code, msg = doc.get("code", resp.status_code), str(doc.get("message", ""))
        if resp.status_code < 400 and code == 0:
            return dict(doc.get("data") or {})
        self._fault(resp, code, msg, doc.get("request_id"), what)
        raise AssertionError("unreachable")

    def _fault(self, resp: httpx.Response, code: Any, msg: str, request_id: Any, what: str) -> None:
        said = f"{what}: code {code}: {msg}" + (f" (request id {request_id})" if request_id else "")
        low = msg.lower()
        if "daily" in low and "quota" in low:
            raise Deferred(f"TikTok Shop's daily posting quota is used up ({said}); posting tomorrow",
                           _until_next_utc_day())
        if resp.status_code == 429 or "too often" in low or "too frequent" in low or "rate limit" in low:
            raise Retryable(f"TikTok Shop says posting too often ({said})", str(code), retry_after(resp) or 60.0)
        if resp.status_code == 401 or "access token" in low or "credential" in low or "authoriz" in low:
            raise AccountBlocked(f"TikTok Shop refused the access token: the seller must authorise livehighlights "
                                 f"again ({said})", str(code))
        if resp.status_code >= 500:
            raise Retryable(f"TikTok Shop failed (HTTP {resp.status_code}; {said})", str(code), retry_after(resp))
        raise Final(f"TikTok Shop refused the video ({said})", str(code))

    def send(self, job: Job) -> Outcome:
        p = job.post
        if not p.product_id:
            raise Final("a shoppable video needs the highlight's product", "no_product")
        file_id = job.progress.get("file_id")
        if not file_id:
            with job.file.open("rb") as f:
                data = self._api("POST", "/video_files", what="TikTok Shop upload", resend_safe=True,
                                 files={"data": (job.file.name, f, "video/mp4")})
            file_id = data.get("file_id") or data.get("video_file_id")
            if not file_id:
                raise Retryable("TikTok Shop's upload answer had no file id", "bad_answer")
            job.checkpoint(progress={"file_id": str(file_id)})
            job.report(job.file.stat().st_size, job.file.stat().st_size)
        prod = (p.payload.get("highlight") or {}).get("product") or {}
        anchor = plain_anchor(str(prod.get("title") or p.product_id), TIKTOK_SHOP_ANCHOR_MAX)
        body = {"video_info": {"file_id": str(file_id), "title": p.caption,
                               "is_ai_generated": p.rendition.startswith("remix:")},
                "product_link_info": {"product_id": p.product_id, "title": anchor}}
        job.acquire(f"tiktok-shop:{p.account}:post", self.cfg.per_min)
        job.checkpoint(progress={"create_sent_at": time.time()})
        data = self._api("POST", "", what="TikTok Shop post", resend_safe=False, json_body=body)
        video_id = data.get("video_id") or data.get("id")
        if not video_id:
            raise Final("TikTok Shop's answer to the post had no video id", "bad_answer")
        job.checkpoint(remote_id=str(video_id))
        return self._poll(job)

    def _poll(self, job: Job) -> Outcome:
        for k in range(_INLINE_POLLS):
            data = self._api("GET", f"/{job.post.remote_id}", what="TikTok Shop status", resend_safe=True)
            st = str(data.get("status", "")).upper()
            if st == "SUCCESS":
                return Outcome("published", remote_id=job.post.remote_id, url=data.get("share_url") or data.get("url"))
            if st in ("FAIL", "FAILED"):
                raise Final(f"TikTok Shop could not publish it: {data.get('fail_reason') or 'no reason given'}",
                            "FAIL")
            if k < _INLINE_POLLS - 1:
                time.sleep(self.cfg.poll_s)
        return Outcome("processing", reason="TikTok Shop is processing the video", check_after_s=self.cfg.poll_s)

    def check(self, job: Job) -> Outcome:
        if job.post.remote_id:
            return self._poll(job)
        if "create_sent_at" not in job.progress:  # the post itself was never sent: nothing can be there
            return Outcome("resend", reason="the video was not posted yet: sending again",
                           progress={"file_id": job.progress.get("file_id")} if job.progress.get("file_id") else {})
        return Outcome("unknown", reason="TikTok Shop's answer to the post was lost: it may have the video. Check "
                       "the account, then settle it with `livehighlights post resolve`", check_after_s=3600.0,
                       code="answer_lost")
