"""Runs the per-moment jobs of one LIVE as moments are confirmed: speech recognition ahead in its own
thread, the vision work and the checks of a few candidates at once (each through the process's
:func:`~.gate.heavy_gate`, so that many LIVEs followed in one process take turns, oldest moment first).

Thread settings are worker configuration (:class:`WorkerConfig`), applied when the runner starts and
restored when it closes, never changed in the middle of a job.
"""

from __future__ import annotations

import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

from ..plan import ClipWindow
from ..understand import start_listening, understanding_range
from .context import LiveContext
from .gate import heavy_gate
from .moment import Candidate, understand_window

__all__ = ["JobRunner", "WorkerConfig"]


@dataclass(frozen=True)
class WorkerConfig:
    """How the jobs of one process use the machine."""

    workers: int = 2
    """Candidates analysed at once (threads; speech recognition runs ahead in one more)."""
    cv_threads: int | None = 1
    """OpenCV threads while jobs run side by side (its matching costs a third more CPU on two threads than on
    one); ``None`` leaves OpenCV's setting alone."""


class JobRunner:
    """Submit windows as they are decided; each future gives the moment's :class:`Candidate`."""

    def __init__(self, ctx: LiveContext, config: WorkerConfig | None = None) -> None:
        self.ctx = ctx
        self.config = config or WorkerConfig(workers=max(1, ctx.options.understand.workers)
                                             if ctx.options.understand else 1)
        self._listener = ThreadPoolExecutor(max_workers=1, thread_name_prefix="speech")
        self._workers = ThreadPoolExecutor(max_workers=self.config.workers, thread_name_prefix="job")
        self._lock = threading.Lock()
        self.submitted = 0
        self.done = 0
        self._cv_before: int | None = None
        if self.config.cv_threads is not None and self.config.workers > 1:
            import cv2

            self._cv_before = cv2.getNumThreads()
            cv2.setNumThreads(self.config.cv_threads)

    def submit(self, moment_id: str, win: ClipWindow) -> Future[Candidate]:
        """Start the job of one window: its speech is recognised at once, the rest when a worker is free."""
        opts = self.ctx.options.understand
        assert opts is not None
        start, end = understanding_range(win, self.ctx.length_ms())
        heard = start_listening(self._listener, self.ctx.recording, start, end, opts)
        with self._lock:
            self.submitted += 1
            self._report()
        gate = heavy_gate()
        gate.seen(moment_id)  # its place in the line: when it was confirmed, whatever waits before it

        def job() -> Candidate:
            with gate.slot(moment_id):
                return understand_window(self.ctx, moment_id, win, heard)

        fut = self._workers.submit(job)
        fut.add_done_callback(self._finished)
        return fut

    def _finished(self, _fut: Future[Candidate]) -> None:
        with self._lock:
            self.done += 1
            self._report()

    def _report(self) -> None:
        if self.ctx.progress:
            self.ctx.progress("understand", self.done, self.submitted)

    def close(self, cancel: bool = False) -> None:
        """Wait for the jobs (or cancel those not started) and restore the thread settings."""
        self._workers.shutdown(wait=True, cancel_futures=cancel)
        self._listener.shutdown(wait=True, cancel_futures=cancel)
        if self._cv_before is not None:
            import cv2

            cv2.setNumThreads(self._cv_before)
            self._cv_before = None

    def __enter__(self) -> JobRunner:
        return self

    def __exit__(self, exc_type: object, *_: object) -> None:
        self.close(cancel=exc_type is not None)
