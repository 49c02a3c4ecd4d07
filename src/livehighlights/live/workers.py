"""Followers as long jobs of a worker: a worker follows the LIVEs that nobody holds (new ones registered for
following, e.g. by the web app, and those of a worker that died), each in its own thread, at most ``capacity`` at
once. Every LIVE is leased to exactly one follower (:mod:`.leases`); a dead worker's lease runs out after
:data:`~.leases.LEASE_S` and the next look (every :data:`LOOK_S`) takes the LIVE over, so within 30 s.

    livehighlights live --worker            # follow LIVEs as they need a follower, until stopped
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..errors import LiveHighlightsError
from ..publish.config import PublishConfig
from ..store import Store
from .follower import FollowResult
from .leases import new_owner, orphans

__all__ = ["LOOK_S", "FollowerPool"]

log = logging.getLogger(__name__)

LOOK_S = 5.0
"""How often a worker looks for LIVEs that need a follower."""


@dataclass
class FollowerPool:
    """Takes up LIVEs that need a follower (see the module's note)."""

    store: Store
    config: PublishConfig
    capacity: int = 4
    owner: str = field(default_factory=new_owner)
    look_s: float = LOOK_S
    on_event: Callable[[str], None] | None = None
    results: dict[str, FollowResult] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    _running: dict[str, tuple[threading.Thread, Any]] = field(default_factory=dict)
    _stop: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _say(self, text: str) -> None:
        log.info("%s", text)
        if self.on_event is not None:
            self.on_event(text)

    def look(self) -> list[str]:
        """Take up the LIVEs that need a follower now (as many as there is room for); their ids."""
        from .session import resume_follow

        with self._lock:
            for lid in [k for k, (t, _) in self._running.items() if not t.is_alive()]:
                del self._running[lid]
            room = self.capacity - len(self._running)
        taken: list[str] = []
        for seller_id, live_id in orphans(self.store):
            if room <= 0 or self._stop.is_set():
                break
            if live_id in self._running:
                continue
            seller = self._seller_name(seller_id)
            try:
                follower = resume_follow(self.store, self.config, live_id, seller=seller, owner=self.owner)
            except LiveHighlightsError as e:
                self.errors[live_id] = str(e)
                continue
            t = threading.Thread(target=self._follow, args=(live_id, follower), name=f"follow-{live_id}",
                                 daemon=True)
            with self._lock:
                self._running[live_id] = (t, follower)
            t.start()
            taken.append(live_id)
            room -= 1
            self._say(f"following LIVE {live_id} (from {(follower.resumed_from_ms or 0) / 1000:.1f} s)")
        return taken

    def _seller_name(self, seller_id: str) -> str:
        from ..store.schema import SellerRow

        with self.store.session() as s:
            row = s.get(SellerRow, seller_id)
            return row.name if row is not None else "default"

    def _follow(self, live_id: str, follower: Any) -> None:
        try:
            res = follower.run()
        except LiveHighlightsError as e:  # another worker got there first, a source that cannot be opened...
            self.errors[live_id] = str(e)
            self._say(f"LIVE {live_id}: {e}")
            return
        except Exception as e:  # noqa: BLE001 - one LIVE's failure never stops the worker
            log.exception("LIVE %s", live_id)
            self.errors[live_id] = f"{type(e).__name__}: {e}"
            return
        self.results[live_id] = res
        self._say(f"LIVE {live_id}: " + ("ended" if res.end is not None else "stopped") +
                  f", {len(res.moments)} moment(s)")

    def run(self, until: Callable[[], bool] | None = None) -> None:
        """Look for LIVEs every :attr:`look_s` until :meth:`stop` (or ``until()``); then stop the followers
        cleanly (their LIVEs can be taken up again)."""
        while not self._stop.is_set():
            try:
                self.look()
            except LiveHighlightsError as e:  # the database is away for a moment: look again later
                log.warning("looking for LIVEs: %s", e)
            if until is not None and until():
                break
            self._stop.wait(self.look_s)
        self.stop()

    def request_stop(self, *_: object) -> None:
        """Stop looking and tell every follower to stop (returns at once: safe from a signal handler)."""
        self._stop.set()
        with self._lock:
            running = list(self._running.values())
        for _t, follower in running:
            follower.stop()

    def stop(self, *_: object) -> None:
        """Stop looking; stop every follower and wait for them."""
        self.request_stop()
        with self._lock:
            running = list(self._running.values())
        for t, _f in running:
            if t is not threading.current_thread():
                t.join(timeout=120)

    def busy(self) -> int:
        """LIVEs being followed now."""
        with self._lock:
            return sum(1 for t, _ in self._running.values() if t.is_alive())
