"""Try-and-time, written once: time a stage, or run an analysis that may fail and go on without it.

:func:`timed` adds the seconds a block takes to a ``timings`` dict; :class:`Attempts` runs analyses
that may fail (:meth:`Attempts.attempt`), timing each, and keeps why one failed in ``unknown``, so a
report can say *unknown, because ...* instead of crashing. The pipeline, the understanding of a
candidate, the compliance checker and the remix all time and guard their work through these.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TypeVar

from .errors import LiveHighlightsError

__all__ = ["EXPECTED_FAILURES", "Attempts", "timed"]

T = TypeVar("T")

EXPECTED_FAILURES: tuple[type[BaseException], ...] = (LiveHighlightsError, OSError, ValueError, RuntimeError)
"""What an analysis may raise on odd input and still be gone on without: our own errors, and a library
choking on a file (anything else is a bug and propagates)."""

_lock = threading.Lock()


def _add(timings: dict[str, float], name: str, seconds: float, ndigits: int | None) -> None:
    with _lock:  # analyses run side by side in threads
        total = timings.get(name, 0.0) + seconds
        timings[name] = round(total, ndigits) if ndigits is not None else total


@contextmanager
def timed(timings: dict[str, float], name: str, *, ndigits: int | None = None) -> Iterator[None]:
    """Add the wall seconds the block takes to ``timings[name]`` (also when it raises); ``ndigits``:
    keep the sum rounded (for a report)."""
    t0 = time.perf_counter()
    try:
        yield
    finally:
        _add(timings, name, time.perf_counter() - t0, ndigits)


@dataclass
class Attempts:
    """Analyses run with :meth:`attempt`: seconds per name in ``timings``, why one failed in ``unknown``."""

    unknown: dict[str, str] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    ndigits: int | None = None
    """Keep the timings rounded to this many digits (``None``: as measured)."""

    def attempt(self, name: str, fn: Callable[[], T]) -> T | None:
        """Run ``fn``, timing it; on an expected failure (:data:`EXPECTED_FAILURES`) record why under
        ``name`` and return ``None``."""
        with timed(self.timings, name, ndigits=self.ndigits):
            try:
                return fn()
            except LiveHighlightsError as err:
                self.unknown[name] = err.message
            except EXPECTED_FAILURES as err:
                self.unknown[name] = f"{type(err).__name__}: {err}"
        return None
