"""The task queue (huey) and the worker loop: one code path, embedded or distributed.

``$LIVEHIGHLIGHTS_QUEUE`` (or ``queue`` in the configuration) chooses the queue: ``redis://HOST:PORT/DB``,
``rediss://...`` or ``unix:///path/redis.sock`` is a :class:`huey.RedisHuey` shared by workers on several machines;
``sqlite:///PATH`` (the default: ``queue.db`` in the user's data directory) is a :class:`huey.SqliteHuey` for one
machine, no server. A queue message only says "deliver post X": the outbox in the database is the truth, so a
lost or repeated message does no harm (a claim is atomic; a sweep re-sends what is due and was not taken).
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from huey import Huey, RedisHuey, SqliteHuey

from ..errors import InputError, Where
from ..store import Store
from ..store.schema import utcnow
from .config import PublishConfig
from .deliver import Deliverer, Progress
from .outbox import Outbox, Queued
from .records import PostRequest

__all__ = ["QUEUE_NAME", "TASK", "IdleInfo", "Worker", "default_queue_url", "hand_over", "make_queue", "submit"]

log = logging.getLogger(__name__)

QUEUE_NAME = "livehighlights"
TASK = "livehighlights.deliver"
SWEEP_S = 1.0
"""How often a worker looks in the outbox for due posts whose queue message went missing or is for later."""
IDLE_HORIZON_S = 60.0
"""``--until-idle`` ignores posts scheduled further ahead than this."""

_current: dict[int, Deliverer] = {}  # the deliverer of the worker running in this process (by thread)
_lock = threading.Lock()


def default_queue_url() -> str:
    import platformdirs

    return f"sqlite:///{Path(platformdirs.user_data_dir('livehighlights')) / 'queue.db'}"


def _deliver(post_id: str) -> None:
    with _lock:
        d = _current.get(threading.get_ident()) or next(iter(_current.values()), None)
    if d is None:
        raise RuntimeError("a delivery task ran outside a livehighlights worker")
    d.deliver(post_id)


def make_queue(url: str | None) -> Huey:
    """The queue at ``url`` (see the module's note), with the delivery task registered."""
    url = url or default_queue_url()
    if url.startswith(("redis://", "rediss://", "unix://")):
        q: Huey = RedisHuey(QUEUE_NAME, url=url, results=False, read_timeout=1)
    elif url.startswith("sqlite:///"):
        path = Path(url[len("sqlite:///"):]).expanduser()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise InputError(f"cannot create the queue's folder {path.parent} ({e.strerror})",
                             Where(field="LIVEHIGHLIGHTS_QUEUE")) from None
        q = SqliteHuey(QUEUE_NAME, filename=str(path), results=False, timeout=30)
    else:
        raise InputError(f"'{url}' is not a queue URL (use redis://HOST:PORT/DB, unix:///PATH.sock or "
                         "sqlite:///PATH)", Where(field="LIVEHIGHLIGHTS_QUEUE"))
    _tasks[id(q)] = q.task(name=TASK)(_deliver)
    return q


_tasks: dict[int, Any] = {}


def _enqueue(q: Huey, post_id: str) -> None:
    """Send "deliver ``post_id``" to the queue."""
    _tasks[id(q)](post_id)


def hand_over(q: Huey, outbox: Outbox, post_id: str) -> bool:
    """Send "deliver ``post_id``" (a post already in the outbox) to the workers' queue and note it in the ledger.
    ``False`` when the queue is down: the post stays in the outbox and a worker's sweep finds it later."""
    from .ledger import Ledger

    try:
        _enqueue(q, post_id)
        Ledger(outbox.store, outbox.config).mark_enqueued(post_id)
    except Exception as e:  # noqa: BLE001 - the queue is down: a worker's sweep finds the post in the outbox later
        log.warning("post %s is in the outbox but its queue message failed (%s); a worker will find it",
                    post_id, type(e).__name__)
        return False
    return True


def submit(outbox: Outbox, q: Huey, seller_id: str, req: PostRequest) -> Queued:
    """Queue a post in the outbox and, when it is due now, send its message to the queue (a scheduled post's
    message is sent by a worker's sweep when its time comes)."""
    queued = outbox.create(seller_id, req)
    post = queued.post
    if queued.new and post.not_before <= utcnow() + timedelta(seconds=1):
        hand_over(q, outbox, post.id)
    return queued


@dataclass(frozen=True, slots=True)
class IdleInfo:
    """What a worker did: deliveries attempted."""

    deliveries: int


class Worker:
    """Takes delivery messages from the queue and runs them; sweeps the outbox for due posts."""

    def __init__(self, store: Store, config: PublishConfig, q: Huey, *, progress: Progress | None = None,
                 sweep_s: float = SWEEP_S, idle_sleep_s: float = 0.1) -> None:
        self.store = store
        self.queue = q
        self.deliverer = Deliverer(store, config, progress=progress)
        self.sweep_s = sweep_s
        self.idle_sleep_s = idle_sleep_s
        self._stop = threading.Event()

    @property
    def name(self) -> str:
        return self.deliverer.owner

    def stop(self, *_: object) -> None:
        """Finish the current delivery, then return from :meth:`run`."""
        self._stop.set()

    def sweep(self) -> int:
        """Send a queue message for each due post not sent recently; how many."""
        ids = self.deliverer.ledger.due()
        for pid in ids:
            _enqueue(self.queue, pid)
        return len(ids)

    def idle(self) -> bool:
        """Nothing to do soon: no post due within :data:`IDLE_HORIZON_S` and no message waiting."""
        from sqlalchemy import func, select

        from .db import Db
        from .records import ACTIVE_STATES
        from .schema import PostRow

        horizon = utcnow() + timedelta(seconds=IDLE_HORIZON_S)
        with Db(self.store).read() as s:
            n = s.scalar(select(func.count()).where(PostRow.state.in_(ACTIVE_STATES), PostRow.not_before <= horizon))
        return not n and self.queue.pending_count() == 0

    def run(self, *, until_idle: bool = False, until: Callable[[], bool] | None = None,
            handle_signals: bool = True) -> IdleInfo:
        """Work until stopped (SIGTERM/SIGINT finish the current delivery first), until nothing is left
        (``until_idle``) or until ``until()`` is true."""
        if handle_signals and threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGTERM, self.stop)
        logging.getLogger("httpx").setLevel(logging.WARNING)  # its request lines can hold signed upload URLs
        with _lock:
            _current[threading.get_ident()] = self.deliverer
        done, last_sweep = 0, 0.0
        try:
            while not self._stop.is_set():
                if time.monotonic() - last_sweep >= self.sweep_s:
                    self.sweep()
                    last_sweep = time.monotonic()
                task = self.queue.dequeue()
                if task is not None:
                    self.queue.execute(task)
                    done += 1
                    continue
                if until is not None and until():
                    break
                if until_idle and self.idle():
                    break
                time.sleep(self.idle_sleep_s)
        finally:
            with _lock:
                _current.pop(threading.get_ident(), None)
            self.deliverer.close()
        return IdleInfo(done)
