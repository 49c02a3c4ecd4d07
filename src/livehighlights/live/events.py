"""Where a followed LIVE's events come from, and how each is stored before anything acts on it.

Sources run in their own threads and only store events (:class:`EventSink`); the follower reads what was
stored, in the order it arrived, by the events table's ``seq`` (:class:`StoredEvents`). So every event is stored
before it is acted on, events pushed to the web API's endpoint (which land in the same table) need no source
here at all, and a follower started again after a crash finds everything that came while it was gone.

- :class:`JsonLinesTail`: JSON Lines from a file that grows (followed like ``tail -f``; a line is read once it is
  complete). Read again from the top after a restart: lines already stored are recognised by their key.
- :class:`StreamLines`: JSON Lines from a stream (standard input).
- the TikTokLive client's events (:mod:`.tiktoklive`) and a shop's analytics (:mod:`.analytics`) put their events
  into an :class:`EventSink` the same way.

Times: seconds from the LIVE's start, or absolute times (ISO-8601, Unix seconds or milliseconds), which are
aligned once, here at the source, against the LIVE's start (the video buffer's ``started_at``). A line that
cannot be read is reported (its source and line, the first few in full) and counted, never fatal.
"""

from __future__ import annotations

import json
import logging
import threading
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from sqlalchemy import select

from ..errors import InputError, Where
from ..models import Event
from ..store import Store
from ..store.schema import EventRow

__all__ = ["END_TYPES", "EventSink", "EventSource", "IngestStats", "JsonLinesTail", "StoredEvents", "StreamLines",
           "open_event_source", "parse_record"]

log = logging.getLogger(__name__)

END_TYPES = frozenset(("live_end", "end"))
"""Event types that say the LIVE ended (TikTokLive's ``LiveEndEvent`` maps to ``live_end``)."""

_SHOWN_PROBLEMS = 5
_FIELDS = ("count", "text", "user", "product_id", "quantity", "amount", "currency", "gross_profit", "value", "source",
           "raw")


@dataclass
class IngestStats:
    """What a source brought in so far."""

    stored: int = 0
    duplicates: int = 0
    """Events already stored (a repeat, or a file read again after a restart)."""
    bad: int = 0
    """Records that could not be read (see :attr:`problems`)."""
    before_start: int = 0
    """Events timed before the LIVE began (stored at its start)."""
    problems: list[str] = field(default_factory=list)
    """The first few unreadable records, each with its source and line."""


def parse_record(value: object, origin: datetime, source: str) -> Event:
    """One JSON record as an :class:`Event` in LIVE time (absolute times aligned against ``origin``, the LIVE's
    start). A TikTokLive client event (``{"event": "CommentEvent", ...}``) is mapped first. Raises
    :class:`ValueError` with a message naming the field."""
    from ..sources.parse import BadField, delta_ms, parse_ts, to_event
    from ..sources.tiktoklive import map_record

    if not isinstance(value, dict):
        raise ValueError(f"expected a JSON object, got {type(value).__name__}")
    raw: dict[str, Any] | None = None
    rec: dict[str, Any] = value
    name = value.get("event")
    if "type" not in value and isinstance(name, str) and name.endswith("Event"):
        rec, raw = map_record(value), value
    if "ts" not in rec:
        raise ValueError("missing 'ts' (seconds from the LIVE's start, or an ISO-8601 time)")
    try:
        ts = parse_ts(rec["ts"])
        ts_ms = delta_ms(ts, origin) if isinstance(ts, datetime) else ts
        return to_event(rec, ts_ms, source=source, raw=raw)
    except BadField as e:
        raise ValueError(str(e)) from None


class EventSink:
    """Stores the events of one LIVE as they come (thread-safe; one transaction per batch)."""

    def __init__(self, store: Store, live_id: str, origin: datetime) -> None:
        self.store = store
        self.live_id = live_id
        self.origin = origin
        self.stats = IngestStats()
        self._lock = threading.Lock()

    def put(self, events: Iterable[Event]) -> int:
        """Store ``events`` (an event before the LIVE's start is stored at 0, and counted); how many were new."""
        batch = []
        before = 0
        for ev in events:
            if ev.ts_ms < 0:
                ev.ts_ms, before = 0, before + 1
            batch.append(ev)
        if not batch:
            return 0
        got = self.store.ingest_events(self.live_id, batch)
        with self._lock:
            self.stats.stored += got.stored
            self.stats.duplicates += got.duplicates
            self.stats.before_start += before
        return got.stored

    def put_lines(self, lines: Iterable[tuple[int, str]], label: str) -> int:
        """Parse and store JSON Lines (``(line number, text)``); unreadable lines are reported and counted."""
        events = []
        for n, text in lines:
            if not text.strip():
                continue
            where = f"{label}:{n}"
            try:
                events.append(parse_record(json.loads(text), self.origin, where))
            except ValueError as e:  # json.JSONDecodeError is a ValueError
                self.problem(f"{where}: {e}")
        return self.put(events)

    def problem(self, message: str) -> None:
        """Count an unreadable record (the first few are kept and logged in full)."""
        with self._lock:
            self.stats.bad += 1
            if len(self.stats.problems) < _SHOWN_PROBLEMS:
                self.stats.problems.append(message)
                log.warning("event skipped: %s", message)


class EventSource(ABC):
    """A source of a LIVE's events, run in its own thread until stopped or exhausted."""

    kind: str = ""
    has_backlog = False
    """Whether the source may hold events from before the follower started (a file written while no follower
    ran): a resumed follower waits for :attr:`caught_up` before it replays what is stored."""

    @property
    def caught_up(self) -> threading.Event:
        """Set once the source has stored what it held when it started (at once for a source with no backlog)."""
        ev = self.__dict__.get("_caught_up")
        if ev is None:
            ev = self.__dict__["_caught_up"] = threading.Event()
        return ev

    @abstractmethod
    def run(self, sink: EventSink, stop: threading.Event) -> None:
        """Store events into ``sink`` until ``stop`` is set (or the source has no more)."""

    @abstractmethod
    def spec(self) -> dict[str, Any]:
        """How to open this source again (kept in ``lives.follow`` for a resumed follower)."""

    def start(self, sink: EventSink, stop: threading.Event) -> threading.Thread:
        """Run the source in a daemon thread."""
        if not self.has_backlog:
            self.caught_up.set()
        t = threading.Thread(target=self._guarded, args=(sink, stop), name=f"events-{self.kind}", daemon=True)
        t.start()
        return t

    def _guarded(self, sink: EventSink, stop: threading.Event) -> None:
        try:
            self.run(sink, stop)
        except Exception as e:  # noqa: BLE001 - a source that fails is reported; the follower goes on
            sink.problem(f"{self.kind} source stopped: {type(e).__name__}: {e}")
        finally:
            self.caught_up.set()


@dataclass
class JsonLinesTail(EventSource):
    """JSON Lines from a growing file, followed like ``tail -f`` (see the module's note)."""

    path: Path
    poll_s: float = 0.2
    kind: str = "file"
    has_backlog = True

    def spec(self) -> dict[str, Any]:
        return {"kind": self.kind, "path": str(self.path.resolve())}

    def run(self, sink: EventSink, stop: threading.Event) -> None:
        label = self.path.name
        waited = False
        while not self.path.exists():
            if not waited:
                log.warning("%s does not exist yet: waiting for it", self.path)
                waited = True
            if stop.wait(self.poll_s):
                return
        with self.path.open("rb") as f:
            n, rest = 0, b""
            while True:
                chunk = f.read(1 << 20)
                if chunk:
                    data = rest + chunk
                    *whole, rest = data.split(b"\n")
                    lines = []
                    for raw in whole:
                        n += 1
                        try:
                            lines.append((n, raw.decode("utf-8")))
                        except UnicodeDecodeError:
                            sink.problem(f"{label}:{n}: not UTF-8 text")
                    sink.put_lines(lines, label)
                    continue
                self.caught_up.set()  # the end of what the file held: a resumed follower may replay now
                if stop.wait(self.poll_s):
                    break
            if rest.strip():  # a last line without its newline, complete by the time we stop
                sink.put_lines([(n + 1, rest.decode("utf-8", "replace"))], label)


@dataclass
class StreamLines(EventSource):
    """JSON Lines from a stream (standard input); ends at the end of the stream."""

    stream: IO[str]
    label: str = "stdin"
    batch: int = 200
    kind: str = "stdin"

    def spec(self) -> dict[str, Any]:
        return {"kind": self.kind}

    def run(self, sink: EventSink, stop: threading.Event) -> None:
        lines: list[tuple[int, str]] = []
        for n, text in enumerate(self.stream, 1):
            lines.append((n, text))
            if len(lines) >= self.batch or not _has_more(self.stream):
                sink.put_lines(lines, self.label)
                lines = []
            if stop.is_set():
                break
        sink.put_lines(lines, self.label)


def _has_more(stream: IO[str]) -> bool:
    """Whether more input is waiting (a pipe that has nothing now: store what we have at once)."""
    import select as sel

    try:
        ready, _, _ = sel.select([stream], [], [], 0)
        return bool(ready)
    except (OSError, ValueError, TypeError):
        return False


@dataclass
class StoredEvents:
    """The LIVE's stored events in the order they arrived, read by ``seq`` (what the follower feeds the engine)."""

    store: Store
    live_id: str
    after_seq: int = 0
    chunk: int = 5000

    def poll(self) -> list[Event]:
        """The events stored since the last poll, in order of arrival."""
        cols = [EventRow.seq, EventRow.ts_ms, EventRow.type, EventRow.event_id,
                *(getattr(EventRow, f) for f in _FIELDS)]
        stmt = (select(*cols).where(EventRow.live_id == self.live_id, EventRow.seq > self.after_seq)
                .order_by(EventRow.seq).limit(self.chunk))
        with self.store.engine.connect() as conn:
            rows = conn.execute(stmt).all()
        if rows:
            self.after_seq = rows[-1][0]
        return [Event(r[1], r[2], r[3], *r[4:]) for r in rows]

    def upto(self, last_seq: int) -> Iterator[Event]:
        """The events stored up to ``last_seq``, in time order (ties in order of arrival), streamed."""
        cols = [EventRow.ts_ms, EventRow.type, EventRow.event_id, *(getattr(EventRow, f) for f in _FIELDS)]
        stmt = (select(*cols).where(EventRow.live_id == self.live_id, EventRow.seq <= last_seq)
                .order_by(EventRow.ts_ms, EventRow.seq))
        with self.store.engine.connect() as conn:
            for r in conn.execution_options(stream_results=True, yield_per=self.chunk).execute(stmt):
                yield Event(r[0], r[1], r[2], *r[3:])

    def last_seq(self) -> int:
        """The newest ``seq`` stored for the LIVE (0 when none)."""
        from sqlalchemy import func

        with self.store.engine.connect() as conn:
            return int(conn.execute(select(func.max(EventRow.seq)).where(EventRow.live_id == self.live_id))
                       .scalar() or 0)


def open_event_source(spec: str | dict[str, Any], stdin: IO[str] | None = None) -> EventSource | None:
    """The source named by ``--events`` (a path, ``-`` for standard input, ``store`` for events pushed over HTTP,
    ``tiktok:@USER`` for the TikTokLive client, ``analytics:URL`` for a shop's analytics), or by a stored spec.
    ``None`` for ``store``: the follower reads the store anyway."""
    if isinstance(spec, dict):
        kind = spec.get("kind")
        if kind == "file":
            return JsonLinesTail(Path(spec["path"]))
        if kind == "stdin":
            raise InputError("the LIVE's events came from standard input: give them again with --events",
                             Where(field="--events"))
        if kind == "store":
            return None
        if kind == "tiktok":
            from .tiktoklive import TikTokLiveSource

            return TikTokLiveSource(str(spec["unique_id"]))
        if kind == "analytics":
            from .analytics import AnalyticsPoller

            return AnalyticsPoller(str(spec["url"]), interval_s=float(spec.get("interval_s", 5.0)))
        raise InputError(f"unknown event source kind {kind!r}", Where(field="lives.follow"))
    text = spec.strip()
    if text == "-":
        import sys

        return StreamLines(stdin or sys.stdin)
    if text == "store":
        return None
    if text.startswith("tiktok:"):
        from .tiktoklive import TikTokLiveSource

        return TikTokLiveSource(text[len("tiktok:"):].lstrip("@"))
    if text.startswith("analytics:"):
        from .analytics import AnalyticsPoller

        return AnalyticsPoller(text[len("analytics:"):])
    if not text:
        raise InputError("no event source given", Where(field="--events"))
    return JsonLinesTail(Path(text))
