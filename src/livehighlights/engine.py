"""The online engine: events in, confirmed moments out. One engine, two clocks.

Live, events are fed as they arrive and :meth:`Engine.advance` is called with the wall clock (the
watermark) so quiet seconds close too. After the LIVE, :func:`replay` feeds a recorded event log
through the very same engine as fast as the machine allows.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from .detect.base import Detector
from .errors import Warning_
from .models import Event, Moment
from .signals import Second, Timeline, TimelineBuilder

if TYPE_CHECKING:
    from .sources import Catalog


class Engine:
    """Builds the per-second timeline online and runs every detector on each closed second."""

    def __init__(self, detectors: list[Detector], catalog: Catalog | None = None) -> None:
        if not detectors:
            raise ValueError("the engine needs at least one detector")
        self.detectors = detectors
        self.builder = TimelineBuilder(catalog=catalog)
        self.closed_s = 0

    @property
    def delay_s(self) -> int:
        """How far behind the live edge the engine's slowest detector works."""
        return max(d.delay_s for d in self.detectors)

    def feed(self, event: Event) -> list[Moment]:
        """Add one event (in time order); return the moments confirmed by the seconds it closed."""
        return self._run(self.builder.add(event))

    def advance(self, until_ms: int) -> list[Moment]:
        """Move the watermark: every second ending at or before ``until_ms`` is closed."""
        return self._run(self.builder.advance(until_ms))

    def finish(self, end_ms: int) -> list[Moment]:
        """The LIVE ended at ``end_ms``: close the rest and flush every detector."""
        out = self._run(self.builder.finish(end_ms))
        for det in self.detectors:
            out += det.post_process(self.closed_s)
        return out

    def timeline(self) -> Timeline:
        return self.builder.timeline()

    def warnings(self) -> list[Warning_]:
        """What the timeline counted but could not use as given: late events, events past the end, orders
        with no amount and no catalog price (their GMV is 0)."""
        b = self.builder
        out: list[Warning_] = []
        if b.unpriced_orders:
            out.append(Warning_(f"{b.unpriced_orders} orders have no 'amount' and their product no catalog price: "
                                "their GMV is counted as 0 (give amounts or --catalog with prices)"))
        if b.late_events:
            out.append(Warning_(f"{b.late_events} events arrived after their second had closed "
                                "(counted into the next open second)"))
        if b.dropped_events:
            out.append(Warning_(f"{b.dropped_events} events fell after the LIVE's end and were not counted"))
        return out

    def _run(self, seconds: list[Second]) -> list[Moment]:
        out: list[Moment] = []
        for sec in seconds:
            self.closed_s = sec.t + 1
            for det in self.detectors:
                out += det.process_second(sec)
        return out


def replay(events: Iterable[Event], end_ms: int, engine: Engine) -> Iterator[Moment]:
    """Feed a recorded, time-sorted event log through ``engine``; yield moments as they are confirmed.

    Events after ``end_ms`` are ignored (the caller reports them); a lazy generator, so work starts
    only when iterated.
    """
    for event in events:
        if event.ts_ms >= end_ms:
            break
        yield from engine.feed(event)
    yield from engine.finish(end_ms)
