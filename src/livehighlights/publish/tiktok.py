"""The TikTok publisher: Content Posting API, Direct Post with FILE_UPLOAD.

``creator_info/query`` (nickname, privacy options, interaction switches, maximum duration) → ``video/init``
(``post_info`` with the seller's choices, ``source_info`` FILE_UPLOAD with the chunking rules) → ``PUT`` of
each chunk to the upload URL with ``Content-Range`` → ``status/fetch`` until PUBLISH_COMPLETE or FAILED.

Exactly once: TikTok takes no idempotency key. The publish id is recorded the moment ``init`` answers, and
every chunk sent after it, so a worker that dies is followed by one that asks ``status/fetch`` and resumes
the upload or waits for the result. An ``init`` whose answer is lost is ``unknown``; it is settled by
reasoning about FILE_UPLOAD: TikTok cannot publish a video whose bytes it never received (we had no upload URL
to send them to, and the orphan upload expires), so it is sent again. TikTok's webhook events
(:mod:`.tiktok_events`) settle a publish id as soon as they arrive.
"""

from __future__ import annotations

import time
from typing import Any

from ..rules import (
    TIKTOK_CHUNK_MAX,
    TIKTOK_CHUNK_MIN,
    TIKTOK_LAST_CHUNK_MAX,
    TIKTOK_MAX_CHUNKS,
    TIKTOK_TITLE_MAX_UTF16,
)
from .base import PUBLISHERS, AccountBlocked, AnswerLost, Final, Job, Retryable
from .caption import utf16_len
from .http import HttpPublisher, call, retry_after
from .records import Outcome
from .tokens import Refreshed, Tokens

__all__ = ["CREATOR_INFO", "INIT", "STATUS", "TikTokPublisher", "plan_chunks"]

CREATOR_INFO = "/v2/post/publish/creator_info/query/"
INIT = "/v2/post/publish/video/init/"
STATUS = "/v2/post/publish/status/fetch/"
UPLOAD_VALID_S = 3600
"""An upload URL is valid for one hour."""
MAX_FILE = 4 * 1024**3
"""TikTok takes videos up to 4 GB."""
_INLINE_POLLS = 4
_CHUNK_TRIES = 3


def plan_chunks(size: int, chunk_size: int | None = None) -> tuple[int, int]:
    """``(chunk_size, total_chunk_count)`` for a file of ``size`` bytes by TikTok's rules: under 5 MB one chunk;
    else chunks of ``chunk_size`` (5-64 MB), the last taking the remainder (up to 128 MB); at most 1000."""
    if size <= 0:
        raise Final("the video file is empty", "invalid_file")
    if size < TIKTOK_CHUNK_MIN:
        return size, 1
    cs = min(max(chunk_size or TIKTOK_CHUNK_MAX, TIKTOK_CHUNK_MIN), TIKTOK_CHUNK_MAX, size)
    count = size // cs
    if size - cs * (count - 1) > TIKTOK_LAST_CHUNK_MAX or count > TIKTOK_MAX_CHUNKS:
        raise Final(f"the video ({size / 1e6:.0f} MB) cannot be cut into TikTok's chunks", "invalid_file")
    return cs, count


def chunk_range(i: int, cs: int, count: int, size: int) -> tuple[int, int]:
    """First and last byte of chunk ``i``."""
    first = i * cs
    return first, (size - 1 if i == count - 1 else first + cs - 1)


def _fault(status: int, code: str, message: str, log_id: str | None, retry_s: float | None) -> None:
    """Raise what TikTok's error means for the post (nothing when it is ``ok``)."""
    if code == "ok" and status < 400:
        return
    ref = f" (log id {log_id})" if log_id else ""
    said = f"{code}: {message}".rstrip(": ") + ref
    if code == "rate_limit_exceeded" or status == 429:
        raise Retryable(f"TikTok's rate limit ({said})", code or "429", retry_s)
    if code == "access_token_invalid":
        raise AccountBlocked("TikTok says the access token is invalid or expired and it could not be refreshed: "
                             f"the seller must authorise livehighlights on TikTok again ({said})", code)
    if code == "scope_not_authorized":
        raise AccountBlocked(f"the seller has not granted the video.publish scope: authorise again with it ({said})",
                             code)
    if code.startswith("spam_risk"):
        raise AccountBlocked(f"TikTok refused to post ({said}): auto-posting to this account is paused until the "
                             "seller resumes it", code)
    if code == "unaudited_client_can_only_post_to_private_accounts":
        raise Final(f"this TikTok app is not audited yet: it can only post with privacy SELF_ONLY ({said})", code)
    if status >= 500 or code == "internal_error":
        raise Retryable(f"TikTok failed (HTTP {status}; {said})", code or str(status), retry_s)
    raise Final(f"TikTok refused the post ({said})", code or str(status))


@PUBLISHERS.register
class TikTokPublisher(HttpPublisher):
    """Direct Post to the seller's TikTok account (see the module's note)."""

    name = "tiktok"
    title = "TikTok"
    caption_limit = TIKTOK_TITLE_MAX_UTF16
    file_limit = MAX_FILE
    needs_consent = True

    def __init__(self, config: Any, store: Any = None) -> None:
        super().__init__(config, store)
        self.cfg = config.tiktok

    @property
    def timeout_s(self) -> float:
        return float(self.cfg.timeout_s)

    def missing(self) -> str | None:
        if self.cfg.access_token or (self.cfg.refresh_token and self.cfg.client_key and self.cfg.client_secret):
            return None
        return ("no access token (set tiktok.access_token or LIVEHIGHLIGHTS_TIKTOK_ACCESS_TOKEN, or a refresh token "
                "with the client key and secret)")

    def caption_length(self, caption: str) -> int:
        return utf16_len(caption)

    def tokens(self, account: str) -> Tokens:
        return Tokens(self.store, self.name, account, self.cfg.access_token, self.cfg.refresh_token, self._refresh)

    def _refresh(self, refresh_token: str) -> Refreshed:
        if not (self.cfg.client_key and self.cfg.client_secret):
            raise AccountBlocked("TikTok's access token expired and no client key/secret is configured to refresh it",
                                 "access_token_invalid")
        resp = call(self.http, "POST", self.cfg.auth_url, what="TikTok token refresh", resend_safe=True,
                    data={"client_key": self.cfg.client_key, "client_secret": self.cfg.client_secret,
                          "grant_type": "refresh_token", "refresh_token": refresh_token})
        try:
            doc = resp.json()
        except ValueError:
            doc = {}
        if resp.status_code != 200 or not doc.get("access_token"):
            raise AccountBlocked(f"TikTok refused to refresh the access token (HTTP {resp.status_code}, "
                                 f"{doc.get('error', 'no token')}): the seller must authorise livehighlights again",
                                 "access_token_invalid")
        return Refreshed(doc["access_token"], doc.get("refresh_token"), doc.get("expires_in"))

    # ---- the API ----------------------------------------------------------------------------------------------
    def _api(self, job: Job, endpoint: str, path: str, body: dict[str, Any], per_min: float, *,
             resend_safe: bool) -> dict[str, Any]:
        job.acquire(f"tiktok:{job.post.account}:{endpoint}", per_min)
        for first in (True, False):
            token = job.tokens.access() if job.tokens is not None else None
            if not token:
                raise AccountBlocked("no TikTok access token for this account: the seller must authorise "
                                     "livehighlights on TikTok", "access_token_invalid")
            resp = call(self.http, "POST", self.cfg.base_url + path, what=f"TikTok {endpoint}",
                        resend_safe=resend_safe, json=body,
                        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json; charset=UTF-8"})
            try:
                doc = resp.json()
                err = doc.get("error") or {}
                code, msg, log_id = str(err.get("code", "")), str(err.get("message", "")), err.get("log_id")
            except (ValueError, AttributeError):
                doc, code, msg, log_id = {}, "", " ".join(resp.text.split())[:120], None
            if code == "access_token_invalid" and first and job.tokens is not None and job.tokens.refresh():
                continue
            if not code and resp.status_code < 400:
                code = "ok"
            _fault(resp.status_code, code, msg, log_id, retry_after(resp))
            return dict(doc.get("data") or {})
        raise AssertionError("unreachable")

    def send(self, job: Job) -> Outcome:
        p, ch = job.post, job.post.choices
        info = self._api(job, "creator_info", CREATOR_INFO, {}, self.cfg.query_per_min, resend_safe=True)
        nickname = info.get("creator_nickname") or info.get("creator_username")
        options = list(info.get("privacy_level_options") or [])
        if ch.privacy_level not in options:
            raise Final(f"privacy '{ch.privacy_level}' is not offered by TikTok account @{nickname} "
                        f"(it offers {', '.join(options) or 'none'})", "privacy_level_option_mismatch")
        h = p.payload.get("highlight") or {}
        dur_s = (int(h.get("end_ms", 0)) - int(h.get("start_ms", 0))) / 1000
        max_s = info.get("max_video_post_duration_sec")
        if max_s and dur_s > float(max_s):
            raise Final(f"the clip is {dur_s:.0f} s, over @{nickname}'s maximum of {max_s} s", "duration_over_max")
        size = job.file.stat().st_size
        cs, count = plan_chunks(size, self.cfg.chunk_size)
        post_info = {
            "title": p.caption, "privacy_level": ch.privacy_level,
            "disable_comment": bool(ch.disable_comment or info.get("comment_disabled")),
            "disable_duet": bool(ch.disable_duet or info.get("duet_disabled")),
            "disable_stitch": bool(ch.disable_stitch or info.get("stitch_disabled")),
            "brand_content_toggle": ch.brand_content, "brand_organic_toggle": ch.brand_organic,
            "is_aigc": p.rendition.startswith("remix:"), "video_cover_timestamp_ms": 1000,
        }
        source = {"source": "FILE_UPLOAD", "video_size": size, "chunk_size": cs, "total_chunk_count": count}
        job.checkpoint(progress={"creator": nickname, "init_sent_at": time.time()})
        data = self._api(job, "init", INIT, {"post_info": post_info, "source_info": source}, self.cfg.init_per_min,
                         resend_safe=False)
        publish_id, upload_url = data.get("publish_id"), data.get("upload_url")
        if not publish_id or not upload_url:
            raise AnswerLost("TikTok's answer to init had no publish id or upload URL", "bad_answer")
        job.checkpoint(remote_id=str(publish_id), progress={
            "upload_url": upload_url, "upload_expires": time.time() + UPLOAD_VALID_S, "chunk_size": cs,
            "chunks": count, "chunks_done": 0, "size": size})
        return self._upload_and_poll(job)

    def _upload_and_poll(self, job: Job) -> Outcome:
        try:
            self._upload(job)
        except (Retryable, AnswerLost) as e:  # resume from the last recorded chunk later
            return Outcome("processing", reason=f"upload interrupted, resuming: {e.reason}", check_after_s=5.0)
        return self._poll(job)

    def _upload(self, job: Job) -> None:
        prog = job.progress
        url, cs, count, size = prog["upload_url"], int(prog["chunk_size"]), int(prog["chunks"]), int(prog["size"])
        with job.file.open("rb") as f:
            for i in range(int(prog.get("chunks_done", 0)), count):
                first, last = chunk_range(i, cs, count, size)
                f.seek(first)
                self._put(url, f.read(last - first + 1), first, last, size)
                job.checkpoint(progress={"chunks_done": i + 1})
                job.report(last + 1, size)

    def _put(self, url: str, data: bytes, first: int, last: int, size: int) -> None:
        headers = {"Content-Type": "video/mp4", "Content-Length": str(len(data)),
                   "Content-Range": f"bytes {first}-{last}/{size}"}
        for attempt in range(_CHUNK_TRIES):
            try:
                resp = call(self.http, "PUT", url, what="TikTok upload", resend_safe=True, content=data,
                            headers=headers)
            except Retryable:
                if attempt == _CHUNK_TRIES - 1:
                    raise
                time.sleep(0.5 * 2**attempt)
                continue
            if resp.status_code in (200, 201, 206):
                return
            if resp.status_code == 429 or resp.status_code >= 500:
                if attempt == _CHUNK_TRIES - 1:
                    raise Retryable(f"TikTok's upload answered HTTP {resp.status_code}", str(resp.status_code))
                time.sleep(0.5 * 2**attempt)
                continue
            raise Final(f"TikTok refused the upload of bytes {first}-{last} (HTTP {resp.status_code})",
                        str(resp.status_code))

    def _status(self, job: Job) -> dict[str, Any]:
        return self._api(job, "status", STATUS, {"publish_id": job.post.remote_id}, self.cfg.status_per_min,
                         resend_safe=True)

    def _published(self, job: Job, data: dict[str, Any]) -> Outcome:
        ids = [str(x) for x in (data.get("publicaly_available_post_id") or data.get("publicly_available_post_id")
                                or [])]
        nick = job.progress.get("creator")
        url = f"https://www.tiktok.com/@{nick}/video/{ids[0]}" if ids and nick else None
        return Outcome("published", remote_id=job.post.remote_id, url=url, progress={"post_ids": ids})

    def _poll(self, job: Job) -> Outcome:
        for k in range(_INLINE_POLLS):
            data = self._status(job)
            st = str(data.get("status", ""))
            if st == "PUBLISH_COMPLETE":
                return self._published(job, data)
            if st == "FAILED":
                reason = str(data.get("fail_reason") or "unknown reason")
                if reason.startswith("spam_risk"):
                    raise AccountBlocked(f"TikTok could not publish it ({reason}): auto-posting to this account "
                                         "is paused until the seller resumes it", reason)
                raise Final(f"TikTok could not publish it: {reason}", reason)
            if st == "PROCESSING_UPLOAD" and int(job.progress.get("chunks_done", 0)) < int(job.progress["chunks"]):
                return Outcome("processing", reason="upload incomplete, resuming", check_after_s=0.0)
            if k < _INLINE_POLLS - 1:
                time.sleep(self.cfg.poll_s)
        return Outcome("processing", reason="TikTok is processing the video", check_after_s=self.cfg.poll_s)

    def check(self, job: Job) -> Outcome:
        if not job.post.remote_id:
            return Outcome("resend", reason="TikTok's answer to init was lost before any upload: TikTok cannot "
                           "publish a video it never received (the unused upload expires), so it is sent again")
        from .tiktok_events import settled_by_event

        got = settled_by_event(self.store, job.post.remote_id) if self.store is not None else None
        if got is not None:
            return got
        prog = job.progress
        if int(prog.get("chunks_done", 0)) < int(prog.get("chunks", 0)):
            data = self._status(job)
            st = str(data.get("status", ""))
            if st == "PUBLISH_COMPLETE":
                return self._published(job, data)
            if st == "FAILED" or (st == "PROCESSING_UPLOAD" and time.time() > float(prog.get("upload_expires", 0))):
                return Outcome("resend", reason="the earlier upload did not finish and TikTok dropped it: sending "
                               "again", progress={})
            if st == "PROCESSING_UPLOAD":
                return self._upload_and_poll(job)
        return self._poll(job)
