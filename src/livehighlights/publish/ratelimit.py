"""Rate limits shared by every worker: a token bucket per key (destination, account, endpoint) in the database.

A bucket holds at most one token and refills at ``per_minute`` x :data:`MARGIN` a minute, so requests are spaced
evenly and a minute never holds more than the destination allows, whichever worker sends them.
"""

from __future__ import annotations

import time
from datetime import timedelta

from ..store import Store
from ..store.schema import utcnow
from .base import Deferred
from .db import Db
from .schema import RateBucketRow

__all__ = ["MARGIN", "MAX_WAIT_S", "RateLimiter"]

MARGIN = 0.9
"""Stay 10% under the destination's published rate."""
MAX_WAIT_S = 15.0
"""A worker waits this long at most for a token; beyond, the post is put back for later (:class:`Deferred`)."""


class RateLimiter:
    """Token buckets on the store's database."""

    def __init__(self, store: Store, max_wait_s: float = MAX_WAIT_S) -> None:
        self.db = Db(store)
        self.max_wait_s = max_wait_s

    def try_take(self, key: str, per_minute: float) -> float:
        """Take a token now (0.0), or how many seconds until one is there (nothing taken)."""
        rate = per_minute * MARGIN / 60.0
        now = utcnow()
        with self.db.write() as s:  # a new bucket starts full; two workers creating it at once make one row
            s.execute(self.db.insert(RateBucketRow).values(key=key, tokens=1.0, updated_at=now)
                      .on_conflict_do_nothing())
            row = s.get(RateBucketRow, key, with_for_update=True, populate_existing=True)
            assert row is not None
            tokens = min(1.0, row.tokens + max(0.0, (now - row.updated_at).total_seconds()) * rate)
            if tokens >= 1.0 - 1e-9:
                row.tokens, row.updated_at = tokens - 1.0, now
                return 0.0
            row.tokens, row.updated_at = tokens, now
            return (1.0 - tokens) / rate

    def acquire(self, key: str, per_minute: float) -> None:
        """Wait for a token (up to :attr:`max_wait_s`), else raise :class:`Deferred` with the wait."""
        deadline = time.monotonic() + self.max_wait_s
        while True:
            wait = self.try_take(key, per_minute)
            if wait <= 0:
                return
            if time.monotonic() + wait > deadline:
                raise Deferred(f"rate limit of {key} ({per_minute:g}/min): next slot in {wait:.0f} s", wait)
            time.sleep(wait)

    def next_slot(self, key: str) -> timedelta:
        """Time until the bucket has a token again (zero when it has one)."""
        with self.db.read() as s:
            row = s.get(RateBucketRow, key)
            return timedelta(0) if row is None or row.tokens >= 1.0 else timedelta(seconds=1)
