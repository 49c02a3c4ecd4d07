"""The process's heavy-work gate: never more than its slots at once, and a freed slot goes to the moment seen
first (whichever LIVE it is of), not to the step that asked first."""

from __future__ import annotations

import threading
import time

import pytest

from livehighlights.errors import InputError
from livehighlights.jobs import gate as gate_mod
from livehighlights.jobs.gate import SLOTS_ENV, HeavyGate


def _wait(cond, timeout: float = 30.0) -> None:
    end = time.monotonic() + timeout
    while not cond():
        assert time.monotonic() < end, "condition not reached in time"
        time.sleep(0.01)


def test_a_freed_slot_goes_to_the_oldest_moment() -> None:
    g = HeavyGate(1)
    order: list[str] = []
    release = threading.Event()

    def hold() -> None:
        with g.slot("first"):
            release.wait(30)

    def step(key: str) -> None:
        with g.slot(key):
            order.append(key)

    holder = threading.Thread(target=hold)
    holder.start()
    _wait(lambda: g._busy == 1)
    g.seen("older")
    time.sleep(0.01)
    g.seen("newer")
    newer = threading.Thread(target=step, args=("newer",))
    newer.start()  # asks first...
    _wait(lambda: len(g._waiting) == 1)
    older = threading.Thread(target=step, args=("older",))
    older.start()  # ...but its moment was seen later than this one
    _wait(lambda: len(g._waiting) == 2)
    release.set()
    for t in (holder, newer, older):
        t.join(30)
    assert order == ["older", "newer"]
    assert g.stats.steps == 3 and g.stats.longest_wait_s > 0


def test_never_more_than_its_slots_at_once() -> None:
    g = HeavyGate(2)
    running, most = [0], [0]
    lock = threading.Lock()

    def step(i: int) -> None:
        with g.slot(f"m{i % 3}"):
            with lock:
                running[0] += 1
                most[0] = max(most[0], running[0])
            time.sleep(0.02)
            with lock:
                running[0] -= 1

    threads = [threading.Thread(target=step, args=(i,)) for i in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert most[0] == 2 and g.stats.steps == 12 and g._busy == 0


def test_slots_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(gate_mod, "_gate", None)
    monkeypatch.setenv(SLOTS_ENV, "3")
    assert gate_mod.heavy_gate().slots == 3
    monkeypatch.setattr(gate_mod, "_gate", None)
    monkeypatch.setenv(SLOTS_ENV, "none")
    with pytest.raises(InputError, match=SLOTS_ENV):
        gate_mod.heavy_gate()
    with pytest.raises(ValueError):
        HeavyGate(0)


def test_a_step_waiting_on_something_else_lends_its_slot_and_gets_it_back_in_its_turn() -> None:
    g = HeavyGate(1)
    order: list[str] = []
    heard = threading.Event()
    inside = threading.Event()

    def waiting_step() -> None:
        with g.slot("waiting"):
            order.append("waiting: vision")
            inside.set()
            with g.idle():  # e.g. its recognition is queued behind other LIVEs' speech
                heard.wait(30)
            order.append("waiting: check")

    def other(key: str) -> None:
        with g.slot(key):
            order.append(key)

    g.seen("waiting")
    g.seen("newer")
    t1 = threading.Thread(target=waiting_step)
    t1.start()
    inside.wait(30)
    t2 = threading.Thread(target=other, args=("newer",))
    t2.start()
    t2.join(30)  # runs on the lent slot while the first waits: the core is not left idle
    assert order == ["waiting: vision", "newer"] and g._busy == 0 and not t2.is_alive()
    holder_done = threading.Event()

    def newest_holds() -> None:
        with g.slot("newest"):
            order.append("newest")
            holder_done.wait(30)

    g.seen("newest")
    t3 = threading.Thread(target=newest_holds)
    t3.start()
    _wait(lambda: "newest" in order)
    heard.set()  # the first wants its slot back: it waits for the holder, then goes before any newer step
    _wait(lambda: len(g._waiting) == 1)
    t4 = threading.Thread(target=other, args=("later",))
    g.seen("later")
    t4.start()
    _wait(lambda: len(g._waiting) == 2)
    holder_done.set()
    for t in (t1, t3, t4):
        t.join(30)
    assert order == ["waiting: vision", "newer", "newest", "waiting: check", "later"]
    assert g._busy == 0


def test_idle_outside_a_slot_just_runs_the_block() -> None:
    g = HeavyGate(1)
    ran = []
    with g.idle():
        ran.append(1)
    assert ran == [1] and g._busy == 0
