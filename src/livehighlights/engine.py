"""The online engine: events in, confirmed moments out. One engine, two clocks.

Live, events are fed as they arrive and :meth:`Engine.advance` is called with the wall clock (the
watermark) so quiet seconds close too. After the LIVE, :func:`replay` feeds a recorded event log
through the very same engine as fast as the machine allows.
"""

from __future__ import annotations

import gc
import math
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .detect.base import DEFAULT_DETECTORS, Detector, make_detectors
from .detect.coverage import coverage_warnings
from .detect.engagement import is_reaction_burst
from .errors import InputError, Warning_, Where
from .models import Event, Moment
from .rules import MAX_LIVE_S
from .signals import Second, Timeline, TimelineBuilder

if TYPE_CHECKING:
    from .detect.options import DetectOptions
    from .sources import Catalog

__all__ = ["Detection", "Engine", "check_live_length", "detect", "detect_stream", "merge_moments", "replay"]


class Engine:
    """Builds the per-second timeline online and runs every detector on each closed second."""

    def __init__(self, detectors: list[Detector], catalog: Catalog | None = None) -> None:
        if not detectors:
            raise ValueError("the engine needs at least one detector")
        self.detectors = detectors
        self.builder = TimelineBuilder(catalog=catalog)
        self.closed_s = 0

    @classmethod
    def from_names(cls, names: Sequence[str] = DEFAULT_DETECTORS, options: DetectOptions | None = None,
                   catalog: Catalog | None = None) -> Engine:
        """An engine running the registered detectors ``names`` (see :data:`~livehighlights.detect.DETECTORS`).
        Raises :class:`~livehighlights.errors.InputError` for an unknown name."""
        return cls(make_detectors(list(names), options), catalog=catalog)

    @property
    def delay_s(self) -> int:
        """How far behind the live edge the engine's slowest detector works."""
        return max(d.delay_s for d in self.detectors)

    def feed(self, event: Event) -> list[Moment]:
        """Add one event (in time order); return the moments confirmed by the seconds it closed."""
        seconds = self.builder.add(event)
        return self._run(seconds) if seconds else []

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
        """What the engine went on with but should be told: late events, events after the end, orders
        without a price (each with its count; empty when there was none)."""
        return self.builder.warnings()

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


@contextmanager
def _few_collections(young: int = 50_000) -> Iterator[None]:
    """The cyclic garbage collector runs after ``young`` surviving allocations instead of 700, while a log is
    replayed: each event leaves a few objects that reference counting frees at once (nothing of it forms cycles),
    and the full collections that the default threshold sets off walk the detectors' whole history again and
    again (about a tenth of the time of a 10-hour log). Memory stays bounded: the collector still runs."""
    old = gc.get_threshold()
    gc.set_threshold(max(young, old[0]), *old[1:])
    try:
        yield
    finally:
        gc.set_threshold(*old)


def check_live_length(end_ms: float, where: Where | None = None) -> None:
    """Refuse a LIVE length that is not positive or longer than :data:`~livehighlights.rules.MAX_LIVE_S`."""
    if not end_ms > 0 or end_ms > MAX_LIVE_S * 1000:
        raise InputError(f"a LIVE of {end_ms / 1000:g} s: the length must be more than 0 and at most "
                         f"{MAX_LIVE_S} s ({MAX_LIVE_S // 3600} h)", where)


@dataclass
class Detection:
    """The moments of a replayed event log (by start time) and the engine's warnings."""

    moments: list[Moment]
    warnings: list[Warning_] = field(default_factory=list)


def _covered(m: Moment, by: Moment) -> bool:
    """Whether ``by`` covers at least half of ``m``."""
    inter = min(m.end_ms, by.end_ms) - max(m.start_ms, by.start_ms)
    return inter > 0 and inter >= 0.5 * max(1, m.end_ms - m.start_ms)


def merge_moments(moments: list[Moment]) -> list[Moment]:
    """One moment per stretch where the shopping and the engagement detectors both fired.

    An audience burst whose peak (placed on its cause) lies within a product moment becomes that moment's
    ``audience`` evidence (the sale stands; the burst's lead-in reaching into a pitch that just ended does not make
    it the pitch's audience); where the burst is people reacting to something (:func:`~livehighlights.detect.engagement.
    is_reaction_burst`: a fun moment inside the pitch) it is also kept as its own engagement moment. A
    shopping moment of kind ``engagement`` within an audience burst gives way to the burst,
    which judges the audience from chat, reactions, likes and gifts (its product kept when the burst
    has none). Everything else is kept as it is.
    """
    bursts = [m for m in moments if m.detector == "engagement"]
    others = [m for m in moments if m.detector != "engagement"]
    kept_bursts = []
    for burst in bursts:
        host = next((m for m in others if m.kind == "product" and m.start_ms <= burst.peak_ms < m.end_ms), None)
        if host is not None:
            host.evidence.setdefault("audience", {"score": round(burst.score, 2), **burst.evidence})
            if not is_reaction_burst(burst):
                continue
        kept_bursts.append(burst)
    kept_others = []
    for m in others:
        burst = next((b for b in kept_bursts if m.kind == "engagement" and _covered(m, b)), None)
        if burst is not None:
            if burst.product_id is None:
                burst.product_id = m.product_id
            continue
        kept_others.append(m)
    return sorted(kept_others + kept_bursts, key=lambda m: m.start_ms)


def detect(events: Iterable[Event], end_ms: int, options: DetectOptions | None = None,
           catalog: Catalog | None = None, detectors: Sequence[str] = DEFAULT_DETECTORS) -> Detection:
    """Replay a recorded event log through an engine running ``detectors``; moments sorted by start,
    the shopping and the engagement detectors' moments of one stretch merged (:func:`merge_moments`);
    warnings of the timeline builder and of what the data cannot show (:func:`coverage_warnings`).

    Raises :class:`~livehighlights.errors.InputError` for a LIVE length that is not a positive time of at most
    :data:`~livehighlights.rules.MAX_LIVE_S` (the timeline has a row per second: work and memory follow it)."""
    check_live_length(end_ms)
    engine = Engine.from_names(detectors, options, catalog)
    with _few_collections():
        moments = merge_moments(list(replay(events, end_ms, engine)))
    return Detection(moments, engine.warnings() + coverage_warnings(engine.timeline(), moments))


def detect_stream(events: Iterable[Event], end_ms: int | None = None, options: DetectOptions | None = None,
                  catalog: Catalog | None = None, detectors: Sequence[str] = DEFAULT_DETECTORS) -> Detection:
    """:func:`detect` over events read as they come (a streamed log: see
    :func:`~livehighlights.sources.stream.stream_events`), in memory bounded by the LIVE's length, not its
    events. ``end_ms``: the LIVE's length; ``None``: one second after the last event. Events at or after
    ``end_ms`` are not counted (and said so). Raises :class:`~livehighlights.errors.InputError` as :func:`detect`
    does, and when there is no event at all."""
    if end_ms is not None:
        check_live_length(end_ms)
    engine = Engine.from_names(detectors, options, catalog)
    found: list[Moment] = []
    last = -1
    after = 0
    stop = end_ms if end_ms is not None else math.inf
    add, run = engine.builder.add, engine._run  # the per-event loop of a million events: no call it can spare
    with _few_collections():
        for event in events:
            ts = event.ts_ms
            if ts >= stop:
                after += 1
                continue
            if ts > last:
                last = ts
            seconds = add(event)
            if seconds:
                found += run(seconds)
    end = end_ms if end_ms is not None else last + 1000
    check_live_length(end)
    found += engine.finish(end)
    moments = merge_moments(found)
    warnings = engine.warnings()
    if after:
        warnings.append(Warning_(f"{after} event(s) at or after the LIVE's end ({end / 1000:g} s) were not counted"))
    return Detection(moments, warnings + coverage_warnings(engine.timeline(), moments))
