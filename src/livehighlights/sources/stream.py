"""Streaming a JSON Lines event log, one line at a time, in bounded memory.

:func:`~livehighlights.sources.load_events` holds every event of a log (to align clock times to the earliest,
sort and de-duplicate): a 10-hour LIVE of a million events is then most of a gigabyte. A log whose times are
seconds from the LIVE's start (DESIGN.md's event log) needs none of that: :func:`stream_events` reads it line by
line and yields its events as the engine eats them. The same checks apply as in the loader (each line
validated by :func:`~livehighlights.sources.parse.to_event`, malformed lines warned of and skipped, duplicate
ids dropped, unknown types reported, orders checked against the catalog); events out of time order by up to
:data:`REORDER_S` are put back in order, later ones are counted where they come (as on the live path: the
engine counts them into the second still open, and says so).

Each line is first tried by :mod:`~livehighlights.sources.fastrec` (orjson from the line's bytes, a plain record
straight to its event); a line it does not take goes through the general path above, which words every problem.

What it cannot stream (clock times, which align to the earliest; another format; a file whose first record is
not an event) makes :func:`stream_events` return ``None``: load the whole log instead.
"""

from __future__ import annotations

import bisect
import gzip
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from ..errors import InputError, Warning_, Where, need_file
from ..models import EVENT_TYPES, Event
from ..rules import MAX_LIVE_S
from ..timebase import Ms
from .adapters import GZIP_MAGIC, MAX_UNPACKED_BYTES, adapter_for
from .catalog import Catalog
from .eventlog import _Collector, _sniffed, _stray
from .fastrec import fast_event, loads
from .parse import BadField, parse_ts, to_event
from .sanity import check_against_catalog

__all__ = ["REORDER_S", "EventStream", "stream_events"]

REORDER_S = 10
"""Events out of time order by up to this many seconds are yielded in order."""
_SAMPLE_LINES = 50
_KNOWN = frozenset(EVENT_TYPES)


@dataclass
class EventStream:
    """The events of a JSON Lines log, read as they are iterated (once). :attr:`warnings` and :attr:`stats` are
    complete when the iteration is (like :class:`~livehighlights.sources.EventLog`'s)."""

    path: Path
    strict: bool = False
    catalog: Catalog | None = None
    warnings: list[Warning_] = field(default_factory=list)
    stats: dict[str, Any] = field(default_factory=dict)
    last_ms: Ms = -1
    """Time of the latest event (``-1`` until the iteration is complete)."""
    _used: bool = False

    def __iter__(self) -> Iterator[Event]:
        if self._used:
            raise RuntimeError("an EventStream is read once")
        self._used = True
        col = _Collector(self.path, self.strict)
        seen_ids: set[str] = set()
        unknown: dict[str, int] = {}
        shop_events: list[Event] = []  # orders and product events, for the catalog's checks (a small share)
        buf: list[Event] = []  # events not yet yielded, in time order, from buf[head] on
        head = 0
        counts = {"lines": 0, "events": 0, "duplicates": 0, "unsorted": 0, "late": 0}
        lines = events = 0  # counted in locals in the loop (a million lines), into ``counts`` after it
        latest = -1
        released = -1
        name = self.path.name
        window = REORDER_S * 1000
        known = _KNOWN
        shop = self.catalog is not None
        for n, data in _raw_lines(self.path):
            try:  # a plain line, parsed from its bytes (fastrec); anything else by the general path below
                ev = fast_event(loads(data), f"{name}:{n}")
            except ValueError:  # not JSON to orjson: the general path reads it or says why
                ev = None
            if ev is None:
                line = _text(n, data, col)
                if line is None:
                    continue
                lines += 1
                ev = _event(line, n, name, col)
                if ev is None:
                    continue
            else:
                lines += 1
            if ev.id is not None:
                if ev.id in seen_ids:
                    counts["duplicates"] += 1
                    continue
                seen_ids.add(ev.id)
            if ev.type not in known:
                unknown[ev.type] = unknown.get(ev.type, 0) + 1
            elif shop and (ev.type == "order" or ev.product_id is not None):
                shop_events.append(ev)
            events += 1
            ts = ev.ts_ms
            if ts >= latest:
                buf.append(ev)
                latest = ts
            else:  # out of order: into its place among those not yet yielded (stable), or late
                counts["unsorted"] += 1
                if ts < released:
                    counts["late"] += 1
                bisect.insort_right(buf, ev, lo=head, key=_ts)
            edge = latest - window
            while buf[head].ts_ms <= edge:
                out = buf[head]
                head += 1
                if out.ts_ms > released:
                    released = out.ts_ms
                yield out
            if head > 4096:
                del buf[:head]
                head = 0
        counts["lines"] = lines
        counts["events"] = events
        for out in buf[head:]:
            released = max(released, out.ts_ms)
            yield out
        self.last_ms = max(latest, released)
        col.summary()
        if not counts["events"]:
            raise InputError("no events: the file is empty" if not counts["lines"] else
                             f"no events: none of its {counts['lines']} records is a valid event "
                             f"(first problem: {col.first})", Where(self.path))
        self.warnings = col.warnings + _summary(self.path, counts, unknown)
        if self.catalog is not None:
            self.warnings += check_against_catalog(self.path, shop_events, self.catalog)
        self.stats = {"format": "jsonl", "malformed": col.malformed, "unknown_types": unknown, **counts}


def _ts(ev: Event) -> Ms:
    return ev.ts_ms


def _summary(path: Path, counts: dict[str, int], unknown: dict[str, int]) -> list[Warning_]:
    out = []
    if counts["duplicates"]:
        out.append(Warning_(f"{counts['duplicates']} duplicate events (same id) dropped; the first of each was kept",
                            Where(path, None, "id")))
    if counts["unsorted"]:
        late = counts["late"]
        out.append(Warning_(f"{counts['unsorted']} events were out of time order; put back in order"
                            + (f" ({late} more than {REORDER_S} s late, counted when they came)" if late else ""),
                            Where(path)))
    for typ, k in sorted(unknown.items()):
        out.append(Warning_(f"unknown event type {typ!r}: {k} events kept but not used in metrics", Where(path)))
    return out


def _event(line: str, n: int, name: str, col: _Collector) -> Event | None:
    """The event of one line, or ``None`` (a blank line, or a problem told to ``col``)."""
    if not line or line.isspace():
        return None
    try:
        rec = json.loads(line)
    except json.JSONDecodeError as err:
        col.problem(n, None, f"not valid JSON ({err.msg} at column {err.colno})")
        return None
    if not isinstance(rec, dict):
        col.problem(n, None, f"expected a JSON object, got {type(rec).__name__}")
        return None
    try:
        ts_val = rec.get("ts")
        if ts_val is None or ts_val == "":
            raise BadField("ts", "missing 'ts'")
        ts = parse_ts(ts_val)
        if not isinstance(ts, int):
            raise BadField("ts", f"absolute time {ts_val!r} in a file of times from the LIVE's start: "
                                 "use one kind of 'ts' per file")
        if ts > MAX_LIVE_S * 1000:
            raise BadField("ts", _stray(f"{ts / 1000:g} s", ts))
        return to_event(rec, ts, source=f"{name}:{n}", raw=None)
    except BadField as err:
        col.problem(n, err.field, err.message)
        return None


def _raw_lines(path: Path) -> Iterator[tuple[int, bytes]]:
    """``(line number, bytes)`` of each line, read one at a time (a gzip'd log unpacked as it is read); a UTF-8
    byte order mark before the first line is dropped."""
    with path.open("rb") as raw:
        packed = raw.read(2) == GZIP_MAGIC
    try:
        fh: IO[bytes] = gzip.open(path, "rb") if packed else path.open("rb")
    except OSError as err:
        raise InputError(f"cannot read: {err.strerror or err}", Where(path)) from None
    read = 0
    with fh:
        try:
            for n, data in enumerate(fh, start=1):
                read += len(data)
                if read > MAX_UNPACKED_BYTES:
                    raise InputError(f"unpacks to more than {MAX_UNPACKED_BYTES >> 30} GiB: refused", Where(path))
                yield n, data.removeprefix(b"\xef\xbb\xbf") if n == 1 else data
        except (EOFError, gzip.BadGzipFile, OSError) as err:
            raise InputError(f"is not a valid or complete gzip file ({err})", Where(path)) from None


def _text(n: int, data: bytes, col: _Collector) -> str | None:
    """Line ``n`` decoded, or ``None`` when it is not UTF-8 (told to ``col``)."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        col.problem(n, None, f"not valid UTF-8 (byte 0x{data[err.start]:02x} at column {err.start + 1});"
                             " save the file as UTF-8")
        return None


def _lines(path: Path, col: _Collector) -> Iterator[tuple[int, str]]:
    """``(line number, text)`` of each line that is UTF-8 (the others told to ``col``)."""
    for n, data in _raw_lines(path):
        line = _text(n, data, col)
        if line is not None:
            yield n, line


def stream_events(path: str | Path, *, strict: bool = False, catalog: Catalog | None = None) -> EventStream | None:
    """An :class:`EventStream` over a JSON Lines log of relative times; ``None`` when the log is of another format
    or its first records give clock times (then :func:`~livehighlights.sources.load_events` aligns them).
    Raises :class:`InputError` for a missing file or a folder."""
    p = need_file(path, "an event log")
    adapter = adapter_for(p, None)
    if adapter.name != "jsonl" or _sniffed(adapter, p).name != "jsonl":
        return None
    probe = _Collector(p, False)
    for n, line in _lines(p, probe):
        if n > _SAMPLE_LINES:
            break
        try:
            rec = json.loads(line) if line.strip() else None
        except json.JSONDecodeError:
            continue
        if isinstance(rec, dict) and rec.get("ts") not in (None, ""):
            try:
                ts = parse_ts(rec["ts"])
            except BadField:
                continue
            return EventStream(p, strict, catalog) if isinstance(ts, int) else None
    return None
