"""The publisher interface, its registry, and the faults a publisher raises.

A publisher is a class registered in :data:`PUBLISHERS` (one registry style for every plugin family)::

    @PUBLISHERS.register
    class MyPublisher(Publisher):
        name = "mine"
        def send(self, job): ...      # post it (the outbox already says "sending")
        def check(self, job): ...     # ask the destination what became of it (processing / unknown)

A fault is an exception that says what the outbox may do next: :class:`Retryable` (send again later: nothing
can have been posted, or the destination de-duplicates), :class:`AnswerLost` (it may have been posted: never
resend blindly, ask the destination), :class:`Final` (give up with a reason a seller can read),
:class:`AccountBlocked` (give up and stop auto-posting for the account), :class:`Deferred` (a rate limit of ours:
nothing was sent, try after a while).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from ..errors import LiveHighlightsError
from ..registry import Registry
from .config import PublishConfig
from .records import Outcome, PostRecord
from .tokens import Tokens

__all__ = ["PUBLISHERS", "AccountBlocked", "AnswerLost", "Deferred", "Final", "Job", "PublishFault", "Publisher",
           "Retryable"]


class PublishFault(LiveHighlightsError):
    """A fault of one attempt. ``code``: the destination's error code (or an HTTP status); ``reason``: one line."""

    def __init__(self, reason: str, code: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = code


class Retryable(PublishFault):
    """Try again after a backoff (or ``retry_after_s``): a timeout before anything was accepted, 429, 5xx."""

    def __init__(self, reason: str, code: str | None = None, retry_after_s: float | None = None) -> None:
        super().__init__(reason, code)
        self.retry_after_s = retry_after_s


class AnswerLost(PublishFault):
    """The request may have been acted on but its answer is lost: the post becomes ``unknown``."""


class Final(PublishFault):
    """Nothing more to try: the post fails with this reason."""


class AccountBlocked(Final):
    """The account cannot post now (``spam_risk_*``, a revoked token): the post fails and auto-posting to the
    account stops until the seller resumes it."""


class Deferred(PublishFault):
    """Our own rate limit: nothing was sent; try again in ``wait_s`` seconds."""

    def __init__(self, reason: str, wait_s: float) -> None:
        super().__init__(reason, "rate_limited_locally")
        self.wait_s = wait_s


@dataclass
class Job:
    """One attempt at a post, as a publisher sees it.

    ``file``: the media file; :meth:`checkpoint` records what the destination has given so far (a publish id,
    an upload URL, chunks sent) durably, before the next step, and renews the lease; ``acquire(key, per_minute)``
    waits for a rate-limit token shared by all workers (raises :class:`Deferred` when the wait would be long);
    ``report(done, total)`` shows upload progress; ``tokens``: the account's tokens (destinations that use them).
    """

    post: PostRecord
    file: Path
    save: Callable[..., PostRecord]
    acquire: Callable[[str, float], None]
    report: Callable[[int, int], None]
    tokens: Tokens | None = None
    """The tokens of the post's destination account (``None``: the destination uses none)."""

    def checkpoint(self, **values: Any) -> PostRecord:
        """Record ``remote_id``, ``url``, ``progress`` (merged) or ``state`` now; the post as it then is."""
        self.post = self.save(self.post.id, **values)
        return self.post

    @property
    def progress(self) -> dict[str, Any]:
        return self.post.progress


class Publisher(ABC):
    """Delivers posts to one destination. Made with the configuration (and the store, in a worker); one instance
    per worker."""

    name: ClassVar[str] = ""
    title: ClassVar[str] = ""
    caption_limit: ClassVar[int | None] = None
    """Longest caption the destination takes (in its own units, see :meth:`caption_length`)."""
    file_limit: ClassVar[int | None] = None
    """Largest media file, in bytes."""
    needs_consent: ClassVar[bool] = False
    """Auto-posting needs the seller's standing consent (platforms with content-sharing rules)."""

    def __init__(self, config: PublishConfig, store: Any = None) -> None:
        self.config = config
        self.store = store
        """The :class:`~livehighlights.store.Store` (given to workers' publishers; ``None`` when only validating)."""

    def missing(self) -> str | None:
        """``None`` when configured, else what is missing (one line, naming the setting)."""
        return None

    def caption_length(self, caption: str) -> int:
        return len(caption)

    def validate(self, caption: str, size: int, product_id: str | None) -> list[str]:
        """Problems that make a post impossible before anything is queued (caption, file size, product)."""
        out = []
        if self.caption_limit is not None and self.caption_length(caption) > self.caption_limit:
            out.append(f"the caption is {self.caption_length(caption)} long, over {self.title}'s limit of "
                       f"{self.caption_limit}")
        if self.file_limit is not None and size > self.file_limit:
            mb = 1024 * 1024
            out.append(f"the file is {size / mb:.1f} MB, over {self.title}'s limit of {self.file_limit / mb:.0f} MB")
        return out

    @abstractmethod
    def send(self, job: Job) -> Outcome:
        """Post it. Called with the post already recorded as ``sending``."""

    @abstractmethod
    def check(self, job: Job) -> Outcome:
        """What became of a post that is ``processing`` or ``unknown``; never a blind resend (return ``resend``
        only when the destination surely has nothing)."""

    def tokens(self, account: str) -> Tokens | None:
        """The account's tokens (``None``: the destination uses none)."""
        return None

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release connections."""


PUBLISHERS: Registry[type[Publisher]] = Registry("publisher", builtins=(
    "livehighlights.publish.local", "livehighlights.publish.webhook", "livehighlights.publish.tiktok",
    "livehighlights.publish.tiktok_shop"))
"""The registered publishers, by name (``local``, ``webhook``, ``tiktok``, ``tiktok-shop``)."""
