"""Batch work yields the CPU to work someone waits for.

The after-the-LIVE analysis of a whole recording (``livehighlights process``, a Seller Center upload) is
throughput work: nobody watches each second of it. A remix a seller is waiting to preview, or the live
follower's path from a confirmed moment to its post, is latency work. On a small machine both share the same
cores, and an analysis runs many threads at once (speech, decoding, matching, FFmpeg), so under the kernel's
fair share a single remix beside it got a fraction of a core and took three times as long.

Batch work therefore runs at a lower CPU priority: its threads' nice value is raised by :data:`BATCH_NICE_ENV`
(default :data:`DEFAULT_BATCH_NICE`). Alone on the machine it runs exactly as fast as before (a nice value only
matters when something else wants the CPU); beside latency work it takes what that work leaves. On Linux the nice
value belongs to a thread and is inherited by the threads and processes it starts, so :func:`run_as_batch`
runs a function in a new thread lowered before it starts anything; :func:`lower_this_thread` lowers the calling
thread (the CLI's main thread, before it starts others). Raising a nice value needs no privilege; it is never
lowered again (that would), so a lowered thread is one made for the batch job and ended with it.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from typing import TypeVar

from ..errors import InputError, Where

__all__ = ["BATCH_NICE_ENV", "DEFAULT_BATCH_NICE", "batch_nice", "lower_this_thread", "run_as_batch"]

BATCH_NICE_ENV = "LIVEHIGHLIGHTS_BATCH_NICE"
"""Environment variable: how much batch work's nice value is raised (0 to 19; 0 turns the lowering off)."""
DEFAULT_BATCH_NICE = 10
"""Beside a thread at nice 0, a thread at nice 10 gets about a tenth of the share (the kernel's weights)."""

T = TypeVar("T")


def batch_nice() -> int:
    """The configured raise of batch work's nice value (:data:`BATCH_NICE_ENV`); a bad value names it."""
    text = os.environ.get(BATCH_NICE_ENV, "").strip()
    if not text:
        return DEFAULT_BATCH_NICE
    try:
        n = int(text)
    except ValueError:
        n = -1
    if not 0 <= n <= 19:
        raise InputError(f"must be an integer from 0 to 19, got {text!r}", Where(field=BATCH_NICE_ENV))
    return n


def lower_this_thread(by: int | None = None) -> int | None:
    """Raise the calling thread's nice value by ``by`` (default :func:`batch_nice`), at most to 19; the new
    value, or ``None`` where the platform has no per-thread priorities (nothing is changed there)."""
    step = batch_nice() if by is None else by
    if not hasattr(os, "setpriority") or not hasattr(threading, "get_native_id"):
        return None
    tid = threading.get_native_id()
    try:
        now = os.getpriority(os.PRIO_PROCESS, tid)
        if step > 0:
            os.setpriority(os.PRIO_PROCESS, tid, min(19, now + step))
        return os.getpriority(os.PRIO_PROCESS, tid)
    except OSError:  # a sandbox that forbids it: the work still runs, at the priority it has
        return None


def run_as_batch(fn: Callable[[], T], *, name: str = "batch") -> T:
    """``fn()`` in a new thread whose priority is lowered first (:func:`lower_this_thread`), waited for here:
    its result, or its exception raised in the caller. The caller's own priority is left as it was."""
    step = batch_nice()  # read here: a bad setting is the caller's error, before any work starts
    box: dict[str, object] = {}

    def target() -> None:
        lower_this_thread(step)
        try:
            box["result"] = fn()
        except BaseException as e:  # noqa: BLE001 - handed to the caller as it is
            box["error"] = e

    worker = threading.Thread(target=target, name=name, daemon=True)
    worker.start()
    worker.join()
    if "error" in box:
        raise box["error"]  # type: ignore[misc]
    return box["result"]  # type: ignore[return-value]
