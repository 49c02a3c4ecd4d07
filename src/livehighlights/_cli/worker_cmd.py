"""``livehighlights worker``: deliver posts from the queue (embedded SQLite queue, or Redis by URL)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated

import typer

from .output import console, esc

__all__ = ["worker"]


def worker(
    until_idle: Annotated[bool, typer.Option("--until-idle", help="Exit when nothing is queued (for scripts).")]
    = False,
    config: Annotated[Path | None, typer.Option("--config", help="Configuration file (TOML).")] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log each delivery.")] = False,
) -> None:
    """Run a worker: take posts from the queue and deliver them (run several, on several machines, with a Redis
    queue: LIVEHIGHLIGHTS_QUEUE=redis://HOST:6379/0 and a shared PostgreSQL database)."""
    from ..publish import Worker, load_config, make_queue
    from ..store import open_store
    from ..store.engine import mask

    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    cfg = load_config(config)
    q = make_queue(cfg.queue)
    with open_store(cfg.db, media_root=Path(cfg.media) if cfg.media else None) as store:
        w = Worker(store, cfg, q)
        console.print(f"worker {esc(w.name)} on {esc(store.url)}, queue {esc(mask(cfg.queue or 'embedded'))}")
        info = w.run(until_idle=until_idle)
    console.print(f"worker {esc(w.name)} stopped after {info.deliveries} deliveries")
