"""Background work a seller started (a quick post edit, an uploaded LIVE to process, a trim), with progress.

Each task is a row of the ``tasks`` table: ``queued`` -> ``running`` (leased by one runner, the lease renewed at
every progress report) -> ``done`` (with its ``result``) or ``failed`` (with an ``error`` a seller can read).
:class:`TaskRunner` runs them in a thread pool of the server process; a task whose runner died (its lease ran
out) is taken again by the next runner that starts (:meth:`TaskRunner.resume`). What a task does is a handler
registered by kind; it gets a :class:`TaskContext` to report progress through and returns its result as a dict.

    runner = TaskRunner(store, {"remix": run_remix})
    task = runner.submit(seller_id, "remix", {"highlight_id": "h_..."})
    get_task(store, seller_id, task.id).progress      # 0.0 .. 1.0
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import exc as sa_exc
from sqlalchemy import or_, select, update

from ..errors import LiveHighlightsError
from ..store import Store
from ..store.schema import utcnow
from ..store.schema_app import TaskRow

__all__ = ["TASK_STATES", "TaskContext", "TaskFailed", "TaskHandler", "TaskRecord", "TaskRunner", "get_task",
           "recent_tasks"]

log = logging.getLogger(__name__)

TASK_STATES: tuple[str, ...] = ("queued", "running", "done", "failed", "cancelled")
LEASE_S = 600.0
"""A running task's lease: renewed at every progress report; a task silent this long is taken again."""


class TaskFailed(LiveHighlightsError):
    """A task that cannot be done, with a message for the seller (raised by a handler)."""


@dataclass(frozen=True, slots=True)
class TaskRecord:
    """A task as the pages and the API show it."""

    id: str
    seller_id: str
    kind: str
    state: str
    progress: float
    message: str | None
    params: dict[str, Any]
    result: dict[str, Any] | None
    error: str | None
    attempts: int
    created_at: datetime
    updated_at: datetime

    @property
    def settled(self) -> bool:
        return self.state in ("done", "failed", "cancelled")

    @property
    def seconds(self) -> float:
        """Seconds from creation to the last update (how long it took, once settled)."""
        return max(0.0, (self.updated_at - self.created_at).total_seconds())

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "kind": self.kind, "state": self.state, "progress": round(self.progress, 4),
                "message": self.message, "result": self.result, "error": self.error, "attempts": self.attempts,
                "created_at": self.created_at.isoformat(), "updated_at": self.updated_at.isoformat(),
                "seconds": round(self.seconds, 2)}


def _record(row: TaskRow) -> TaskRecord:
    return TaskRecord(row.id, row.seller_id, row.kind, row.state, float(row.progress or 0.0), row.message,
                      dict(row.params or {}), dict(row.result) if row.result is not None else None, row.error,
                      int(row.attempts or 0), row.created_at, row.updated_at)


@dataclass
class TaskContext:
    """What a handler gets: the store, its task, and :meth:`report` for its progress."""

    store: Store
    task: TaskRecord
    runner: TaskRunner
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def params(self) -> dict[str, Any]:
        return self.task.params

    @property
    def seller_id(self) -> str:
        return self.task.seller_id

    def report(self, progress: float, message: str | None = None) -> None:
        """Record how far the task is (0..1) and what it does now; renews the lease."""
        self.runner._progress(self.task.id, progress, message)


TaskHandler = Callable[[TaskContext], dict[str, Any]]


def get_task(store: Store, seller_id: str, task_id: str) -> TaskRecord | None:
    """The seller's task, or ``None`` (also when it is another seller's)."""
    try:
        with store.session() as s:
            row = s.get(TaskRow, task_id)
            return None if row is None or row.seller_id != seller_id else _record(row)
    except sa_exc.SQLAlchemyError as e:
        raise store.fail(e) from None


def recent_tasks(store: Store, seller_id: str, kind: str | None = None, limit: int = 20) -> list[TaskRecord]:
    """The seller's latest tasks (of one kind when given), newest first."""
    q = select(TaskRow).where(TaskRow.seller_id == seller_id)
    if kind is not None:
        q = q.where(TaskRow.kind == kind)
    try:
        with store.session() as s:
            return [_record(r) for r in s.scalars(q.order_by(TaskRow.created_at.desc(), TaskRow.id).limit(limit))]
    except sa_exc.SQLAlchemyError as e:
        raise store.fail(e) from None


class TaskRunner:
    """Runs the store's tasks in a thread pool of this process (see the module's note)."""

    def __init__(self, store: Store, handlers: dict[str, TaskHandler], *, workers: int = 2,
                 owner: str | None = None, lease_s: float = LEASE_S) -> None:
        self.store = store
        self.handlers = dict(handlers)
        self.owner = owner or f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"
        self.lease_s = lease_s
        self._pool = ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="lh-task")
        self._closed = False
        self._lock = threading.Lock()
        self.futures: dict[str, Future[None]] = {}

    # ---- submitting -------------------------------------------------------------------------------------------
    def submit(self, seller_id: str, kind: str, params: dict[str, Any], *, message: str | None = None) -> TaskRecord:
        """Queue a task of ``kind`` for the seller and start it in the pool; the task as queued."""
        if kind not in self.handlers:
            raise TaskFailed(f"no task of kind '{kind}' (known: {', '.join(sorted(self.handlers))})")
        now = utcnow()
        row = TaskRow(id="task_" + secrets.token_hex(8), seller_id=seller_id, kind=kind, state="queued",
                      progress=0.0, message=message or "waiting for its turn", params=dict(params), result=None,
                      error=None, attempts=0, created_at=now, updated_at=now)
        try:
            with self.store.session(write=True) as s, s.begin():
                s.add(row)
                s.flush()
                rec = _record(row)
        except sa_exc.SQLAlchemyError as e:
            raise self.store.fail(e) from None
        self._start(rec.id)
        return rec

    def _start(self, task_id: str) -> None:
        with self._lock:
            if self._closed:
                return
            self.futures[task_id] = self._pool.submit(self._run, task_id)

    def resume(self) -> int:
        """Start the tasks left queued, or running under a lease that ran out (a runner died); how many."""
        now = utcnow()
        try:
            with self.store.session() as s:
                ids = list(s.scalars(select(TaskRow.id).where(or_(
                    TaskRow.state == "queued",
                    (TaskRow.state == "running") & (TaskRow.lease_until < now)))))
        except sa_exc.SQLAlchemyError as e:
            raise self.store.fail(e) from None
        for tid in ids:
            self._start(tid)
        return len(ids)

    def wait(self, task_id: str, timeout: float | None = None) -> None:
        """Wait until this runner is done with the task (tests, the CLI)."""
        fut = self.futures.get(task_id)
        if fut is not None:
            fut.result(timeout)

    def close(self, wait: bool = False) -> None:
        """Stop taking tasks (running ones finish unless the process ends; their leases let another runner
        take them)."""
        with self._lock:
            self._closed = True
        self._pool.shutdown(wait=wait, cancel_futures=True)

    # ---- running ----------------------------------------------------------------------------------------------
    def _claim(self, task_id: str) -> TaskRecord | None:
        now = utcnow()
        with self.store.session(write=True) as s, s.begin():
            n = s.execute(update(TaskRow).where(
                TaskRow.id == task_id,
                or_(TaskRow.state == "queued", (TaskRow.state == "running") & (TaskRow.lease_until < now)))
                .values(state="running", lease_owner=self.owner, lease_until=now + timedelta(seconds=self.lease_s),
                        attempts=TaskRow.attempts + 1, message="started", updated_at=now)).rowcount
            if not n:
                return None
            row = s.get(TaskRow, task_id)
            assert row is not None
            return _record(row)

    def _progress(self, task_id: str, progress: float, message: str | None) -> None:
        now = utcnow()
        vals: dict[str, Any] = {"progress": min(1.0, max(0.0, float(progress))), "updated_at": now,
                                "lease_until": now + timedelta(seconds=self.lease_s)}
        if message is not None:
            vals["message"] = message
        try:
            with self.store.session(write=True) as s, s.begin():
                s.execute(update(TaskRow).where(TaskRow.id == task_id, TaskRow.lease_owner == self.owner,
                                                TaskRow.state == "running").values(**vals))
        except sa_exc.SQLAlchemyError as e:  # progress is best effort: the work goes on
            log.warning("task %s: progress not recorded: %s", task_id, self.store.fail(e))

    def _finish(self, task_id: str, *, result: dict[str, Any] | None = None, error: str | None = None) -> None:
        now = utcnow()
        vals: dict[str, Any] = {"updated_at": now, "lease_owner": None, "lease_until": None}
        if error is None:
            vals |= {"state": "done", "progress": 1.0, "result": result or {}, "message": "done", "error": None}
        else:
            vals |= {"state": "failed", "error": error, "message": "failed"}
        with self.store.session(write=True) as s, s.begin():
            s.execute(update(TaskRow).where(TaskRow.id == task_id, TaskRow.lease_owner == self.owner)
                      .values(**vals))

    def _run(self, task_id: str) -> None:
        try:
            task = self._claim(task_id)
        except sa_exc.SQLAlchemyError as e:
            log.error("task %s: cannot claim it: %s", task_id, self.store.fail(e))
            return
        if task is None:
            return  # another runner has it, or it is settled
        handler = self.handlers.get(task.kind)
        try:
            if handler is None:
                raise TaskFailed(f"this server cannot run tasks of kind '{task.kind}'")
            result = handler(TaskContext(self.store, task, self))
        except LiveHighlightsError as e:
            self._finish(task_id, error=str(e))
        except Exception as e:  # a bug or an OS error: said in one line, logged in full
            log.exception("task %s (%s) failed", task_id, task.kind)
            self._finish(task_id, error=f"internal error: {type(e).__name__}: {e}")
        else:
            self._finish(task_id, result=result)
