"""``livehighlights worker``: deliver posts from the queue (embedded SQLite queue, or Redis by URL)."""

from __future__ import annotations

import logging
import signal
import threading
from pathlib import Path
from typing import Annotated, Any

import typer

from .output import console, esc

__all__ = ["worker"]


def worker(
    until_idle: Annotated[bool, typer.Option("--until-idle", help="Exit when nothing is queued (for scripts).")]
    = False,
    config: Annotated[Path | None, typer.Option("--config", help="Configuration file (TOML).")] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log each delivery.")] = False,
    follow: Annotated[bool, typer.Option("--follow", help="Also follow LIVEs: take up every LIVE that needs a "
                                         "follower (registered with live --detach, or whose follower died).")]
    = False,
    max_lives: Annotated[int, typer.Option("--max-lives", help="--follow: LIVEs followed at once.")] = 4,
) -> None:
    """Run a worker: take posts from the queue and deliver them (run several, on several machines, with a Redis
    queue: LIVEHIGHLIGHTS_QUEUE=redis://HOST:6379/0 and a shared PostgreSQL database); with --follow it also
    follows LIVEs, each leased to one worker and taken over by another within 30 s when its worker dies."""
    from ..errors import InputError, Where
    from ..publish import Worker, load_config, make_queue

    if follow and until_idle:
        raise InputError("a follower worker runs until stopped: leave out --until-idle", Where(field="--follow"))
    if max_lives < 1:
        raise InputError(f"must be at least 1, got {max_lives}", Where(field="--max-lives"))
    from ..store import open_store
    from ..store.engine import mask

    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    cfg = load_config(config)
    q = make_queue(cfg.queue)
    with open_store(cfg.db, media_root=Path(cfg.media) if cfg.media else None) as store:
        w = Worker(store, cfg, q)
        console.print(f"worker {esc(w.name)} on {esc(store.url)}, queue {esc(mask(cfg.queue or 'embedded'))}")
        if not follow:
            info = w.run(until_idle=until_idle)
        else:
            info = _work_and_follow(w, store, cfg, max_lives, until_idle)
    console.print(f"worker {esc(w.name)} stopped after {info.deliveries} deliveries")


def _work_and_follow(w: Any, store: Any, cfg: Any, max_lives: int, until_idle: bool) -> Any:
    """Deliver posts (this thread) and follow LIVEs (a pool in its own thread) until SIGTERM or Ctrl-C; then
    the followers stop cleanly (their LIVEs can be taken up again) and the delivery in hand is finished."""
    from ..live.workers import FollowerPool

    pool = FollowerPool(store, cfg, capacity=max_lives, on_event=lambda text: console.print(esc(text)))

    def stop(*_: object) -> None:
        pool.request_stop()
        w.stop()

    before = signal.signal(signal.SIGINT, stop), signal.signal(signal.SIGTERM, stop)
    follower = threading.Thread(target=pool.run, name="follower-pool", daemon=True)
    console.print(f"following LIVEs as {esc(pool.owner)} (at most {max_lives} at once)")
    follower.start()
    try:
        return w.run(until_idle=until_idle, handle_signals=False)
    finally:
        stop()
        follower.join(timeout=150)
        signal.signal(signal.SIGINT, before[0])
        signal.signal(signal.SIGTERM, before[1])
