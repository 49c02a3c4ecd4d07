"""Sign-in rate limits: token buckets per client address and per username, in the store's database.

The buckets live in publishing's ``rate_buckets`` table (one row per key), so every process serving the app
shares them. A bucket holds up to ``burst`` tries and refills at ``per_min`` a minute; a try with the bucket empty
is refused with the seconds until the next one (the app answers 429 with ``Retry-After``).
"""

from __future__ import annotations

import hashlib

from sqlalchemy import exc as sa_exc

from ..publish.db import Db
from ..publish.schema import RateBucketRow
from ..store import Store
from ..store.schema import utcnow

__all__ = ["signin_wait", "take"]


def take(store: Store, key: str, burst: int, per_min: float) -> float:
    """Take one try from the bucket ``key``: 0.0 when taken, else the seconds until one is there (none taken)."""
    rate = per_min / 60.0
    db = Db(store)
    now = utcnow()
    try:
        with db.write() as s:
            s.execute(db.insert(RateBucketRow).values(key=key, tokens=float(burst), updated_at=now)
                      .on_conflict_do_nothing())
            row = s.get(RateBucketRow, key, with_for_update=True, populate_existing=True)
            assert row is not None
            tokens = min(float(burst), row.tokens + max(0.0, (now - row.updated_at).total_seconds()) * rate)
            if tokens >= 1.0 - 1e-9:
                row.tokens, row.updated_at = tokens - 1.0, now
                return 0.0
            row.tokens, row.updated_at = tokens, now
            return (1.0 - tokens) / rate
    except sa_exc.SQLAlchemyError as e:
        raise store.fail(e) from None


def signin_wait(store: Store, client: str, username: str, burst: int, per_min: float) -> float:
    """Take a sign-in try for the client address and for the username; the seconds to wait when either is out."""
    wait = take(store, f"signin:ip:{client}", burst, per_min)
    if wait > 0:
        return wait
    user_key = hashlib.sha256(username.strip().lower().encode()).hexdigest()[:40]
    return take(store, f"signin:user:{user_key}", burst, per_min)
