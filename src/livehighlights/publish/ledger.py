"""The worker's side of the outbox: claim a post (and record "sending" before anything is sent), checkpoint what
the destination gave, record the outcome or the fault, and find the posts that are due.

A claim is a lease (``lease_owner``, ``lease_until``) taken in a write transaction; a worker that dies leaves
its lease to expire (at once when the worker was on this machine and its process is gone). A post found
``sending`` with an expired lease may or may not have reached the destination: it becomes ``unknown`` and is
settled by asking the destination, never by sending it again blindly.
"""

from __future__ import annotations

import logging
import os
import random
import socket
import uuid
from datetime import datetime, timedelta
from typing import Any, Literal

from sqlalchemy import or_, select, update

from ..errors import LiveHighlightsError
from ..store import Store
from ..store.schema import utcnow
from .base import AccountBlocked, AnswerLost, Deferred, Final, PublishFault, Retryable
from .config import PublishConfig
from .db import Db, post_record
from .outbox import release_caps
from .records import ACTIVE_STATES, Outcome, PostRecord
from .schema import AccountRow, PostRow

__all__ = ["REQUEUE_S", "LeaseLost", "Ledger", "Mode", "worker_name"]

log = logging.getLogger(__name__)

REQUEUE_S = 60.0
"""A due post whose queue message was sent this long ago without being claimed is sent again (a lost message)."""
Mode = Literal["send", "check"]
_HOST = socket.gethostname()


class LeaseLost(LiveHighlightsError):
    """Another worker took the post over (this worker's lease expired): stop working on it."""


def worker_name() -> str:
    """A unique name of this worker process: ``host:pid:random``."""
    return f"{_HOST}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _owner_gone(owner: str | None) -> bool:
    """True when the lease's owner is a process of this machine that no longer runs."""
    if not owner:
        return True
    host, _, rest = owner.partition(":")
    pid_s = rest.partition(":")[0]
    if host != _HOST or not pid_s.isdigit():
        return False
    try:
        os.kill(int(pid_s), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def _free(row: PostRow, now: datetime) -> bool:
    return row.lease_until is None or row.lease_until <= now or _owner_gone(row.lease_owner)


class Ledger:
    """Claims and outcomes of one worker (``owner``)."""

    def __init__(self, store: Store, config: PublishConfig, owner: str | None = None) -> None:
        self.store = store
        self.config = config
        self.db = Db(store)
        self.owner = owner or worker_name()

    def _lease(self, now: datetime) -> datetime:
        return now + timedelta(seconds=self.config.lease_s)

    # ---- claiming ---------------------------------------------------------------------------------------------
    def claim(self, post_id: str) -> tuple[PostRecord, Mode] | None:
        """Take the post if it is due and free: ``queued`` becomes ``sending`` (committed before anything is sent:
        mode ``send``); ``processing``/``unknown`` stay (mode ``check``); ``sending`` left by a dead worker becomes
        ``unknown`` (mode ``check``). ``None`` when it is not due, settled or leased by a live worker."""
        now = utcnow()
        with self.db.write() as s:
            row = s.get(PostRow, post_id, with_for_update=True)
            if row is None or row.state not in ACTIVE_STATES or row.not_before > now or not _free(row, now):
                return None
            mode: Mode = "check"
            if row.state == "queued":
                row.state, row.sent_at, row.reason, mode = "sending", now, None, "send"
                row.attempts += 1
            elif row.state == "sending":
                row.state = "unknown"
                row.reason = f"a worker stopped while sending; asking {row.destination} whether it has the post"
            row.lease_owner, row.lease_until, row.enqueued_at, row.updated_at = self.owner, self._lease(now), None, now
            return post_record(row), mode

    def checkpoint(self, post_id: str, *, remote_id: str | None = None, url: str | None = None,
                   progress: dict[str, Any] | None = None, state: str | None = None) -> PostRecord:
        """Record durably what the destination gave so far and renew the lease; :class:`LeaseLost` if another
        worker has the post now."""
        now = utcnow()
        with self.db.write() as s:
            row = s.get(PostRow, post_id, with_for_update=True)
            if row is None or row.lease_owner != self.owner:
                raise LeaseLost(f"post {post_id}: another worker took it over")
            if remote_id is not None:
                row.remote_id = remote_id
            if url is not None:
                row.remote_url = url
            if progress is not None:
                row.progress = {**(row.progress or {}), **progress}
            if state is not None:
                row.state = state
            row.lease_until, row.updated_at = self._lease(now), now
            return post_record(row)

    # ---- outcomes ---------------------------------------------------------------------------------------------
    def _finish(self, post_id: str, **values: Any) -> PostRecord | None:
        now = utcnow()
        with self.db.write() as s:
            row = s.get(PostRow, post_id, with_for_update=True)
            if row is None or row.lease_owner != self.owner:
                log.warning("post %s: lease lost before its outcome was recorded", post_id)
                return None
            for k, v in values.items():
                setattr(row, k, v)
            row.lease_owner, row.lease_until, row.enqueued_at, row.updated_at = None, None, None, now
            if row.state == "failed" and row.auto:
                release_caps(s, row)
            if row.state == "published" and row.published_at is None:
                row.published_at = now
            return post_record(row)

    def settle(self, post: PostRecord, outcome: Outcome) -> PostRecord | None:
        """Record a publisher's outcome."""
        later = utcnow() + timedelta(seconds=outcome.check_after_s)
        vals: dict[str, Any] = {}
        if outcome.remote_id is not None:
            vals["remote_id"] = outcome.remote_id
        if outcome.url is not None:
            vals["remote_url"] = outcome.url
        if outcome.progress:
            vals["progress"] = {**post.progress, **outcome.progress}
        if outcome.kind == "published":
            vals.update(state="published", reason=None, error_code=None)
        elif outcome.kind == "processing":
            vals.update(state="processing", not_before=later, reason=outcome.reason)
        elif outcome.kind == "unknown":
            vals.update(state="unknown", not_before=later, reason=outcome.reason, error_code=outcome.code)
        elif outcome.kind == "failed":
            vals.update(state="failed", reason=outcome.reason or "failed", error_code=outcome.code)
        else:  # resend: the destination surely has nothing
            vals.update(state="queued", not_before=utcnow(), reason=outcome.reason, remote_id=None,
                        progress=dict(outcome.progress))
        return self._finish(post.id, **vals)

    def backoff_s(self, attempts: int) -> float:
        """Exponential backoff with jitter: base * 2^(attempts-1), capped, times a random 0.5-1.5."""
        base = min(self.config.backoff_max_s, self.config.backoff_s * 2 ** max(0, attempts - 1))
        return base * random.uniform(0.5, 1.5)

    def fault(self, post: PostRecord, f: PublishFault, mode: Mode) -> PostRecord | None:
        """Record a publisher's fault (see :mod:`.base` for what each kind means)."""
        now = utcnow()
        if isinstance(f, Deferred):
            if mode == "send" and post.state == "sending" and not post.remote_id:
                return self._finish(post.id, state="queued", attempts=max(0, post.attempts - 1),
                                    not_before=now + timedelta(seconds=f.wait_s), reason=f.reason)
            return self._finish(post.id, not_before=now + timedelta(seconds=f.wait_s), reason=f.reason)
        if isinstance(f, AccountBlocked):
            self._pause(post.destination, post.account, f.reason)
            return self._finish(post.id, state="failed", reason=f.reason, error_code=f.code)
        if isinstance(f, Final):
            return self._finish(post.id, state="failed", reason=f.reason, error_code=f.code)
        if isinstance(f, AnswerLost):
            return self._finish(post.id, state="unknown", reason=f.reason, error_code=f.code,
                                not_before=now + timedelta(seconds=self.backoff_s(1)))
        assert isinstance(f, Retryable)
        wait = f.retry_after_s if f.retry_after_s is not None else self.backoff_s(post.attempts)
        if mode == "check" or post.remote_id:  # the destination has accepted something: ask it, never resend
            state = "processing" if post.state == "sending" else post.state
            return self._finish(post.id, state=state, reason=f"will ask again: {f.reason}", error_code=f.code,
                                not_before=now + timedelta(seconds=wait))
        if post.attempts >= self.config.max_attempts:
            return self._finish(post.id, state="failed", error_code=f.code,
                                reason=f"gave up after {post.attempts} attempts: {f.reason}")
        return self._finish(post.id, state="queued", reason=f"will retry: {f.reason}", error_code=f.code,
                            not_before=now + timedelta(seconds=wait))

    def _pause(self, destination: str, account: str, reason: str) -> None:
        now = utcnow()
        with self.db.write() as s:
            s.execute(self.db.insert(AccountRow).values(destination=destination, account=account, paused_reason=reason,
                                                        paused_at=now, updated_at=now)
                      .on_conflict_do_update(index_elements=["destination", "account"],
                                             set_={"paused_reason": reason, "paused_at": now, "updated_at": now}))

    # ---- what is due ------------------------------------------------------------------------------------------
    def due(self, limit: int = 200) -> list[str]:
        """Ids of posts due now, free, and not sent to the queue recently; each is marked as sent to the queue (so
        that one worker's sweep sends it, not every worker's)."""
        now = utcnow()
        stale = now - timedelta(seconds=REQUEUE_S)
        q = (select(PostRow.id, PostRow.lease_until, PostRow.lease_owner)
             .where(PostRow.state.in_(ACTIVE_STATES), PostRow.not_before <= now,
                    or_(PostRow.enqueued_at.is_(None), PostRow.enqueued_at < stale))
             .order_by(PostRow.not_before).limit(limit))
        with self.db.read() as s:
            cand = [pid for pid, until, owner in s.execute(q)
                    if until is None or until <= now or _owner_gone(owner)]
        taken: list[str] = []
        for pid in cand:
            with self.db.write() as s:
                n = s.execute(update(PostRow).where(
                    PostRow.id == pid, or_(PostRow.enqueued_at.is_(None), PostRow.enqueued_at < stale))
                    .values(enqueued_at=now)).rowcount
            if n:
                taken.append(pid)
        return taken

    def mark_enqueued(self, post_id: str) -> None:
        with self.db.write() as s:
            s.execute(update(PostRow).where(PostRow.id == post_id).values(enqueued_at=utcnow()))

    def active(self) -> int:
        """How many posts are not settled yet."""
        from sqlalchemy import func

        with self.db.read() as s:
            return int(s.scalar(select(func.count()).where(PostRow.state.in_(ACTIVE_STATES))) or 0)

    def get(self, post_id: str) -> PostRecord | None:
        with self.db.read() as s:
            row = s.get(PostRow, post_id)
            return None if row is None else post_record(row)
