"""One delivery attempt: claim the post (recorded ``sending`` before anything is sent), run its publisher, record
the outcome or the fault. The worker's queue task calls :meth:`Deliverer.deliver`."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

from ..errors import LiveHighlightsError
from ..store import Store
from ..store.schema import utcnow
from .base import PUBLISHERS, AnswerLost, Final, Job, Publisher, PublishFault
from .config import PublishConfig
from .ledger import LeaseLost, Ledger
from .ratelimit import RateLimiter
from .records import PostRecord

__all__ = ["Deliverer", "Progress"]

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]
"""``progress(post_id, bytes_done, bytes_total)`` during uploads."""
_RESENDS = 3


class Deliverer:
    """Delivers posts for one worker process (publishers made once, reused)."""

    def __init__(self, store: Store, config: PublishConfig, *, owner: str | None = None,
                 progress: Progress | None = None) -> None:
        self.store = store
        self.config = config
        self.ledger = Ledger(store, config, owner)
        self.limiter = RateLimiter(store)
        self.progress = progress
        self._publishers: dict[str, Publisher] = {}

    @property
    def owner(self) -> str:
        return self.ledger.owner

    def publisher(self, name: str) -> Publisher:
        if name not in self._publishers:
            self._publishers[name] = PUBLISHERS.get(name)(self.config, self.store)
        return self._publishers[name]

    def close(self) -> None:
        for p in self._publishers.values():
            p.close()
        self._publishers.clear()

    def _report(self, post_id: str) -> Callable[[int, int], None]:
        def report(done: int, total: int) -> None:
            if self.progress is not None:
                self.progress(post_id, done, total)

        return report

    def deliver(self, post_id: str) -> PostRecord | None:
        """Work on the post if it is due and free (else do nothing); the post as it then is (``None`` when another
        worker has it)."""
        result: PostRecord | None = None
        for _ in range(_RESENDS):
            claimed = self.ledger.claim(post_id)
            if claimed is None:
                return self.ledger.get(post_id) if result is None else result
            post, mode = claimed
            try:
                publisher = self.publisher(post.destination)
                job = Job(post=post, file=self.store.media.path(post.media), save=self.ledger.checkpoint,
                          acquire=self.limiter.acquire, report=self._report(post.id),
                          tokens=publisher.tokens(post.account))
            except LiveHighlightsError as e:
                result = self.ledger.fault(post, Final(str(e), "cannot_deliver"), mode)
                return result
            try:
                if mode == "send" and not job.file.is_file():
                    raise Final(f"the clip file {job.file} is missing from the media root", "missing_file")
                outcome = publisher.send(job) if mode == "send" else publisher.check(job)
                result = self.ledger.settle(job.post, outcome)
            except LeaseLost as e:
                log.warning("%s", e)
                return None
            except PublishFault as f:
                result = self.ledger.fault(job.post, f, mode)
            except Exception as e:  # a bug or an OS error: what was sent is not known, so ask, never resend blindly
                log.exception("post %s: unexpected error", post_id)
                result = self.ledger.fault(job.post, AnswerLost(f"internal error: {type(e).__name__}: {e}",
                                                                "internal_error"), mode)
            if result is None or result.settled or result.not_before > utcnow() + timedelta(seconds=0.5):
                return result
        return result
