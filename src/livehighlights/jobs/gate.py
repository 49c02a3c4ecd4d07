"""One process's heavy work, done a few at a time, oldest moment first.

A worker that follows many LIVEs at once gets bursts of confirmed moments. Were each moment's analysis, cut and
remix all run at once, every one of them would crawl (ten remixes on two cores take ten times as long each) and
the first post would come as late as the last. The gate lets at most :attr:`HeavyGate.slots` heavy steps run at
once in the process (by default one per core this process may use) and hands a free slot to the step of the
moment that was seen first, whichever LIVE it belongs to: at every stage (understand, cut, remix) an older moment
goes before a newer one, so the moments are posted in the order they were confirmed and the time from a
confirmation to its post stays short for all.

    with heavy_gate().slot(moment_id):
        ...  # the step's work

Slots are the worker's configuration: ``LIVEHIGHLIGHTS_HEAVY_SLOTS`` (an integer of at least 1).
"""

from __future__ import annotations

import heapq
import itertools
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from ..errors import InputError, Where

__all__ = ["SLOTS_ENV", "GateStats", "HeavyGate", "heavy_gate"]

SLOTS_ENV = "LIVEHIGHLIGHTS_HEAVY_SLOTS"
"""Environment variable: heavy steps run at once in one process (default: the cores it may use)."""
_REMEMBERED = 10_000
"""First-seen times kept (the oldest forgotten first)."""


@dataclass
class GateStats:
    """What the gate did: steps run and the seconds they waited for a slot (the longest)."""

    steps: int = 0
    waited_s: float = 0.0
    longest_wait_s: float = 0.0


@dataclass
class HeavyGate:
    """At most ``slots`` heavy steps at once; a freed slot goes to the step of the moment seen first."""

    slots: int
    stats: GateStats = field(default_factory=GateStats)
    _busy: int = 0
    _waiting: list[tuple[float, int]] = field(default_factory=list)
    _seen: OrderedDict[str, float] = field(default_factory=OrderedDict)
    _tickets: itertools.count = field(default_factory=itertools.count)
    _cond: threading.Condition = field(default_factory=threading.Condition)
    _local: threading.local = field(default_factory=threading.local)

    def __post_init__(self) -> None:
        if self.slots < 1:
            raise ValueError(f"a gate needs at least one slot, got {self.slots}")

    def seen(self, key: str) -> float:
        """When the moment ``key`` was first seen by the gate (its place in the line at every stage)."""
        with self._cond:
            return self._seen_locked(key)

    def _seen_locked(self, key: str) -> float:
        t = self._seen.get(key)
        if t is None:
            t = self._seen[key] = time.monotonic()
            while len(self._seen) > _REMEMBERED:
                self._seen.popitem(last=False)
        return t

    @contextmanager
    def slot(self, key: str) -> Iterator[None]:
        """Run the block when a slot is free and no step of an older moment is waiting for one."""
        with self._cond:
            self._take_locked(key)
            self.stats.steps += 1
        held = self._held()
        held.append(key)
        try:
            yield
        finally:
            held.pop()
            with self._cond:
                self._busy -= 1
                self._cond.notify_all()

    @contextmanager
    def idle(self) -> Iterator[None]:
        """Inside :meth:`slot`: give the slot up while the block waits for something that is not this process's
        heavy work (today: a moment's speech recognition queued behind other LIVEs', see
        :func:`~livehighlights.understand.understand`), then take it back in the moment's turn. Elsewhere: just
        run the block. A step that waits must not hold a core's slot: the others would queue behind an idle core."""
        held = self._held()
        if not held:
            yield
            return
        key = held.pop()
        with self._cond:
            self._busy -= 1
            self._cond.notify_all()
        try:
            yield
        finally:
            with self._cond:
                self._take_locked(key)
            held.append(key)

    def _take_locked(self, key: str) -> None:
        entry = (self._seen_locked(key), next(self._tickets))
        heapq.heappush(self._waiting, entry)
        t0 = time.monotonic()
        while self._busy >= self.slots or self._waiting[0] != entry:
            self._cond.wait()
        heapq.heappop(self._waiting)
        self._busy += 1
        waited = time.monotonic() - t0
        self.stats.waited_s += waited
        self.stats.longest_wait_s = max(self.stats.longest_wait_s, waited)
        self._cond.notify_all()  # the next in line may take another free slot

    def _held(self) -> list[str]:
        """The keys of the slots the calling thread holds (innermost last)."""
        held = getattr(self._local, "held", None)
        if held is None:
            held = self._local.held = []
        return held


_gate: HeavyGate | None = None
_gate_lock = threading.Lock()


def _slots_from_env() -> int:
    text = os.environ.get(SLOTS_ENV, "").strip()
    if not text:
        return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)
    try:
        n = int(text)
    except ValueError:
        n = 0
    if n < 1:
        raise InputError(f"must be an integer of at least 1, got {text!r}", Where(field=SLOTS_ENV))
    return n


def heavy_gate() -> HeavyGate:
    """The process's gate (made on first use, sized from :data:`SLOTS_ENV` or the cores)."""
    global _gate
    with _gate_lock:
        if _gate is None:
            _gate = HeavyGate(_slots_from_env())
        return _gate
