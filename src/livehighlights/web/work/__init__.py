"""What the Seller Center's background tasks do, by kind, and the app's one task runner.

- ``deliver``: send a queued post now (:mod:`.deliver`);
- ``remix``: a quick post edit, a remix of a highlight in a style, maybe a teaser for a LIVE plan (:mod:`.remix`);
- ``trim``: a highlight's new start and end, snapped to sentences, re-cut and re-checked (:mod:`.trim`);
- ``process``: an uploaded LIVE processed after the fact (:mod:`.upload`).
"""

from __future__ import annotations

import threading
from typing import Any

from ...store import Store
from ..tasks import TaskHandler, TaskRunner

__all__ = ["handlers", "task_runner"]

_lock = threading.Lock()


def handlers() -> dict[str, TaskHandler]:
    """Every task kind the app runs, with its handler."""
    from .deliver import run_deliver
    from .remix import run_remix
    from .trim import run_trim
    from .upload import run_process

    return {"deliver": run_deliver, "remix": run_remix, "trim": run_trim, "process": run_process}


def task_runner(state: Any, store: Store) -> TaskRunner:
    """The app's task runner (``app.state.tasks``), started on first use; it takes up the tasks a stopped server
    left behind. Its publishing configuration is the app's (``state.settings.publish``)."""
    with _lock:
        runner = getattr(state, "tasks", None)
        if runner is None or runner.store is not store:
            runner = TaskRunner(store, handlers(), workers=2)
            runner.publish_config = state.settings.publish  # type: ignore[attr-defined]
            state.tasks = runner
            runner.resume()
        return runner  # type: ignore[no-any-return]
