"""Each followed LIVE belongs to exactly one follower at a time: a lease on its row (``lives.lease_owner``,
``lives.lease_until``), taken atomically, renewed while the follower runs, given back when it stops.

A follower that dies stops renewing; once its lease has run out (:data:`LEASE_S`, renewed every
:data:`RENEW_S`) another follower or worker takes the LIVE over (:func:`orphans` finds such LIVEs), so a dead
worker's LIVEs are followed again within 30 s. The LIVE's follow state is kept on the same row: how to open its
sources again (``follow``), how far the engine got (``watermark_ms``), its room link and its end.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy import exc as sa_exc

from ..store import Store
from ..store.schema import LiveRow, utcnow

__all__ = ["LEASE_S", "RENEW_S", "FollowState", "LeaseKeeper", "LeaseLost", "acquire", "follow_state", "new_owner",
           "orphans", "release", "renew", "save_follow"]

log = logging.getLogger(__name__)

LEASE_S = 20.0
"""How long a lease lasts without renewal (a dead follower's LIVE is free again after at most this)."""
RENEW_S = 5.0
"""How often a running follower renews its lease (and saves its watermark)."""


class LeaseLost(RuntimeError):
    """Another follower holds the LIVE now (this one was too slow to renew, or was thought dead)."""


def new_owner() -> str:
    """A follower's name: host, process and a random part (unique among followers)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


@dataclass(frozen=True, slots=True)
class FollowState:
    """What the store keeps of a LIVE being followed."""

    live_id: str
    seller_id: str
    status: str
    follow: dict[str, Any] | None
    """How to open the LIVE's video and event sources again, and the follower's options."""
    watermark_ms: int | None
    room_url: str | None
    lease_owner: str | None
    lease_until: datetime | None
    started_at: datetime | None
    ended_at: datetime | None


def _state(row: LiveRow) -> FollowState:
    return FollowState(row.id, row.seller_id, row.status, row.follow, row.watermark_ms, row.room_url,
                       row.lease_owner, row.lease_until, row.started_at, row.ended_at)


def follow_state(store: Store, seller_id: str, live_id: str) -> FollowState | None:
    """The seller's LIVE's follow state (``None``: no such LIVE for this seller)."""
    try:
        with store.session() as s:
            row = s.get(LiveRow, live_id)
            return None if row is None or row.seller_id != seller_id else _state(row)
    except sa_exc.SQLAlchemyError as e:
        raise store.fail(e) from None


def save_follow(store: Store, live_id: str, **values: Any) -> None:
    """Set follow columns of the LIVE (``follow``, ``watermark_ms``, ``room_url``, ``ended_at``...)."""
    allowed = {"follow", "watermark_ms", "room_url", "ended_at", "status", "duration_ms", "started_at",
               "recording"}
    unknown = set(values) - allowed
    if unknown:
        raise ValueError(f"not follow columns: {', '.join(sorted(unknown))}")
    try:
        with store.session(write=True) as s, s.begin():
            s.execute(update(LiveRow).where(LiveRow.id == live_id).values(updated_at=utcnow(), **values))
    except sa_exc.SQLAlchemyError as e:
        raise store.fail(e) from None


def _dead_here(owner: str | None) -> bool:
    """Whether ``owner`` is a follower process of this machine that is no longer running."""
    if not owner:
        return False
    host, _, rest = owner.partition(":")
    pid_text = rest.partition(":")[0]
    if host != socket.gethostname() or not pid_text.isdigit():
        return False
    pid = int(pid_text)
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return _zombie(pid)


def _zombie(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as f:
            return f.read().rsplit(")", 1)[1].split()[0] == "Z"
    except (OSError, IndexError):
        return False


def acquire(store: Store, live_id: str, owner: str, lease_s: float = LEASE_S) -> bool:
    """Take the LIVE's lease for ``owner`` when it is free, expired or already ``owner``'s, or held by a follower
    process of this machine that has died (a restart after a crash need not wait for the lease to run out);
    whether it was taken."""
    now = utcnow()
    free = or_(LiveRow.lease_owner.is_(None), LiveRow.lease_owner == owner, LiveRow.lease_until.is_(None),
               LiveRow.lease_until < now)
    try:
        with store.session() as s:
            holder = s.scalar(select(LiveRow.lease_owner).where(LiveRow.id == live_id))
    except sa_exc.SQLAlchemyError as e:
        raise store.fail(e) from None
    if _dead_here(holder):
        log.warning("LIVE %s: its follower %s is gone: taking the LIVE over", live_id, holder)
        free = or_(free, LiveRow.lease_owner == holder)
    try:
        with store.session(write=True) as s, s.begin():
            n = s.execute(update(LiveRow).where(LiveRow.id == live_id, free)
                          .values(lease_owner=owner, lease_until=now + timedelta(seconds=lease_s))).rowcount
    except sa_exc.SQLAlchemyError as e:
        raise store.fail(e) from None
    return bool(n)


def renew(store: Store, live_id: str, owner: str, lease_s: float = LEASE_S, **values: Any) -> None:
    """Extend ``owner``'s lease (saving ``values`` such as ``watermark_ms`` in the same write); raises
    :class:`LeaseLost` when another follower holds the LIVE now."""
    now = utcnow()
    try:
        with store.session(write=True) as s, s.begin():
            n = s.execute(update(LiveRow).where(LiveRow.id == live_id, LiveRow.lease_owner == owner)
                          .values(lease_until=now + timedelta(seconds=lease_s), updated_at=now, **values)).rowcount
    except sa_exc.SQLAlchemyError as e:
        raise store.fail(e) from None
    if not n:
        raise LeaseLost(f"LIVE {live_id} is followed by another follower now")


def release(store: Store, live_id: str, owner: str) -> None:
    """Give the lease back (nothing happens when ``owner`` does not hold it)."""
    try:
        with store.session(write=True) as s, s.begin():
            s.execute(update(LiveRow).where(LiveRow.id == live_id, LiveRow.lease_owner == owner)
                      .values(lease_owner=None, lease_until=None))
    except sa_exc.SQLAlchemyError as e:
        raise store.fail(e) from None


def orphans(store: Store) -> list[tuple[str, str]]:
    """``(seller id, LIVE id)`` of LIVEs still on, with a follow spec, that nobody holds (their lease ran out)."""
    now = utcnow()
    q = select(LiveRow.seller_id, LiveRow.id).where(
        LiveRow.status == "live", LiveRow.follow.is_not(None), LiveRow.ended_at.is_(None),
        or_(LiveRow.lease_owner.is_(None), and_(LiveRow.lease_until.is_not(None), LiveRow.lease_until < now)))
    try:
        with store.session() as s:
            return [(a, b) for a, b in s.execute(q.order_by(LiveRow.created_at, LiveRow.id)).all()]
    except sa_exc.SQLAlchemyError as e:
        raise store.fail(e) from None


class LeaseKeeper:
    """Renews a lease every :data:`RENEW_S` in a thread, saving the value ``extra()`` gives each time; sets
    :attr:`lost` when another follower took the LIVE (the follower stops then)."""

    def __init__(self, store: Store, live_id: str, owner: str, extra: Any = None, *, lease_s: float = LEASE_S,
                 every_s: float = RENEW_S) -> None:
        self.store, self.live_id, self.owner = store, live_id, owner
        self.extra = extra
        self.lease_s, self.every_s = lease_s, every_s
        self.lost = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"lease-{live_id}", daemon=True)

    def start(self) -> LeaseKeeper:
        self._thread.start()
        return self

    def renew_now(self) -> None:
        values = self.extra() if self.extra is not None else {}
        renew(self.store, self.live_id, self.owner, self.lease_s, **values)

    def _run(self) -> None:
        while not self._stop.wait(self.every_s):
            try:
                self.renew_now()
            except LeaseLost as e:
                log.warning("%s", e)
                self.lost.set()
                return
            except Exception as e:  # noqa: BLE001 - the database is down for a moment: try again next time
                log.warning("LIVE %s: lease not renewed (%s)", self.live_id, e)

    def stop(self, give_back: bool = True) -> None:
        """Stop renewing (and give the lease back)."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=10)
        if give_back:
            release(self.store, self.live_id, self.owner)
