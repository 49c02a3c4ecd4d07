"""Loading an event log: dispatch to an adapter, validate, align times, sort, de-duplicate, report.

Everything a messy export can do wrong ends up either in :attr:`EventLog.warnings` (the line is
skipped or the event kept, and counted in :attr:`EventLog.stats`) or, with ``strict=True`` or when
nothing usable is left, in an :class:`~livehighlights.errors.InputError` naming file, line and field.
"""

from __future__ import annotations

import bisect
import json
import math
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from ..errors import InputError, Warning_, Where, need_file
from ..models import EVENT_TYPES, Event
from ..rules import MAX_LIVE_S
from ..timebase import Ms, ms_to_s, s_to_ms
from .adapters import EVENT_ADAPTERS, EventAdapter, Problem, ReadContext, Record, adapter_for, sniff_format
from .catalog import Catalog
from .parse import BadField, delta_ms, parse_live_start, parse_ts, to_event
from .sanity import check_against_catalog, line_of

MAX_LINE_WARNINGS = 50
"""Malformed lines listed one by one; beyond this they are counted in one summary warning."""


@dataclass
class EventLog:
    """The events of one LIVE, aligned to its start (``ts_ms``), sorted and de-duplicated."""

    path: Path
    events: list[Event]
    warnings: list[Warning_] = field(default_factory=list)
    stats: dict[str, Any] = field(default_factory=dict)
    """``lines``, ``events``, ``duplicates``, ``unsorted``, ``malformed``, ``unknown_types`` ({type: n}),
    ``format``, and any adapter notes."""
    live_start_utc: datetime | None = None
    """Wall-clock time of ``ts_ms == 0`` when known (given, or the earliest absolute time)."""
    span_ms: tuple[Ms, Ms] = (0, 0)
    """First and last event time."""
    aligned_by: str | None = None
    """How the log's clock was lined up with the recording's when the user said so (``"--offset"`` or
    ``"--live-start"``); ``None`` when nothing was given (then :func:`check_overlap` may detect an offset)."""


class _Collector:
    """Problems of one load: raise at the first in strict mode, else warn (capped) and count."""

    def __init__(self, path: Path, strict: bool) -> None:
        self.path, self.strict = path, strict
        self.warnings: list[Warning_] = []
        self.malformed = 0
        self.first: str | None = None

    def problem(self, line: int | None, fld: str | None, message: str, item: str | None = None) -> None:
        if item is not None:
            message = f"{item}: {message}"
        where = Where(self.path, line, fld)
        if self.strict:
            raise InputError(message, where)
        self.malformed += 1
        if self.first is None:
            self.first = str(Warning_(message, Where(None, line, fld)))
        if self.malformed <= MAX_LINE_WARNINGS:
            self.warnings.append(Warning_(f"{message}; line skipped", where))

    def summary(self) -> None:
        extra = self.malformed - MAX_LINE_WARNINGS
        if extra > 0:
            self.warnings.append(Warning_(f"{extra} more malformed lines skipped (not listed)", Where(self.path)))


def _sniffed(adapter: EventAdapter, path: Path) -> EventAdapter:
    """Switch a generic JSON or CSV adapter to a specific one when the file's first bytes (a chat downloader's
    output) or its first record (a TikTokLive dump) look like its format."""
    if adapter.name not in ("json", "jsonl", "csv"):
        return adapter
    others = tuple(cls for cls in EVENT_ADAPTERS.values() if not isinstance(adapter, cls))
    found = sniff_format(path, others)
    if found is not None:
        return found()
    if adapter.name != "jsonl":
        return adapter
    try:
        with path.open("rb") as fh:
            head = fh.read(65536)
    except OSError:
        return adapter
    for raw_line in head.split(b"\n"):
        line = raw_line.strip().lstrip(b"[").strip()
        if not line:
            continue
        try:
            sample = json.loads(line.rstrip(b","))
        except (json.JSONDecodeError, UnicodeDecodeError):
            return adapter
        if isinstance(sample, dict):
            for cls in EVENT_ADAPTERS.values():
                if not isinstance(adapter, cls) and cls.sniff(sample):
                    return cls()
        return adapter
    return adapter


def _where_label(path: Path, rec: Record) -> str:
    return f"{path.name}:{rec.line}" if rec.line is not None else f"{path.name}:{rec.item}"


def load_events(path: str | Path, *, strict: bool = False, live_start: datetime | str | None = None,
                fmt: str | None = None, catalog: Catalog | None = None, offset_s: float | None = None) -> EventLog:
    """Read an event log (JSON Lines, JSON list, CSV or an adapter's format) into an :class:`EventLog`.

    ``fmt`` names an adapter of :data:`~livehighlights.sources.EVENT_ADAPTERS` (default: by the file's
    extension; a JSON Lines file of TikTokLive events is recognised). Absolute times are aligned to
    ``live_start`` if given, else to the earliest absolute time in the file. ``offset_s``: the recording starts
    this many seconds into the log's clock (after that alignment; negative: the log starts after the recording);
    events before it are left out with one warning. With ``catalog``, orders are checked for wrong units/currency
    and product ids against it (warnings).

    Raises :class:`InputError` for a missing/unreadable file, an empty file or one without any valid
    event, and (``strict=True``) at the first malformed line.
    """
    path = need_file(path, "an event log")
    adapter = adapter_for(path, fmt)
    if fmt is None:
        adapter = _sniffed(adapter, path)
    origin: datetime | None = None
    if live_start is not None:
        try:
            origin = parse_live_start(live_start)
        except BadField as err:
            raise InputError(err.message, Where(path, None, "live_start")) from None
    if offset_s is not None and not (math.isfinite(offset_s) and abs(offset_s) <= MAX_LIVE_S):
        raise InputError(f"offset {offset_s:g} s: must be a number of seconds within {MAX_LIVE_S} s",
                         Where(path, None, "offset"))

    ctx = ReadContext(path=path, strict=strict)
    col = _Collector(path, strict)
    events: list[Event] = []
    absolute: list[tuple[Event, datetime, Record]] = []
    mode: str | None = None
    mode_line: int | None = None
    lines = 0
    for item in adapter.read(path, ctx):
        lines += 1
        if isinstance(item, Problem):
            col.problem(item.line, item.field, item.message)
            continue
        rec = item
        fields = rec.fields
        try:
            ts_val = fields.get("ts")
            if ts_val is None or ts_val == "":
                raise BadField("ts", "missing 'ts'")
            ts = parse_ts(ts_val)
            kind = "absolute" if isinstance(ts, datetime) else "relative"
            if mode is None:
                mode, mode_line = kind, rec.line
            elif kind != mode:
                first = f" (line {mode_line})" if mode_line is not None else ""
                raise BadField("ts", f"{kind} time {ts_val!r} in a file of {mode} times{first}: "
                                     "use one kind of 'ts' per file")
            ev = to_event(fields, 0 if isinstance(ts, datetime) else ts,
                          source=_where_label(path, rec), raw=rec.raw)
        except BadField as err:
            col.problem(rec.line, err.field, err.message, rec.item)
            continue
        if isinstance(ts, datetime):
            absolute.append((ev, ts, rec))
        else:
            events.append(ev)

    if absolute:
        earliest = min(dt for _, dt, _ in absolute)
        rel = [delta_ms(dt, earliest) for _, dt, _ in absolute]
        if origin is None:
            origin = earliest + timedelta(milliseconds=_main_start(rel))
        for ev, dt, rec in absolute:
            ms = delta_ms(dt, origin)
            if ms < 0 and live_start is not None:
                col.problem(rec.line, "ts", f"{dt.isoformat()} is before the LIVE's start ({origin.isoformat()})",
                            rec.item)
                continue
            if ms < 0 or ms > MAX_LIVE_S * 1000:
                col.problem(rec.line, "ts", _stray(dt.isoformat(), ms), rec.item)
                continue
            ev.ts_ms = ms
            events.append(ev)
    elif events:
        kept = []
        for ev in events:
            if ev.ts_ms > MAX_LIVE_S * 1000:
                col.problem(line_of(ev.source), "ts", _stray(f"{ms_to_s(ev.ts_ms):g} s", ev.ts_ms))
            else:
                kept.append(ev)
        events = kept
    col.summary()

    for line, why in sorted(ctx.bad_lines.items()):
        lines += 1
        col.problem(line, None, f"{why}; save the file as UTF-8")
    if origin is not None and not absolute and events:
        raise InputError("--live-start is given but the log's times are seconds from its own start, not clock "
                         "times: say how they line up with --offset SECONDS instead", Where(path, None, "live_start"))
    if not events:
        if lines == 0:
            raise InputError("no events: the file is empty", Where(path))
        raise InputError(f"no events: none of its {lines} records is a valid event (first problem: {col.first})",
                         Where(path))
    log = _finish(path, adapter, ctx, col, events, lines, origin, catalog)
    if live_start is not None:
        log.aligned_by = "--live-start"
    if offset_s is not None:
        log.aligned_by = "--offset"
        n, first = shift_log(log, s_to_ms(offset_s), f"the recording starts {offset_s:g} s into the log (--offset)")
        if n:
            log.warnings.append(Warning_(f"{_dropped(n, first)}: the recording starts {offset_s:g} s into the log "
                                         "(--offset)", Where(path)))
    return log


def shift_log(log: EventLog, shift_ms: Ms, why: str) -> tuple[int, str | None]:
    """Move ``log`` onto a clock that starts ``shift_ms`` later (the recording's): events before the new 0 are
    dropped. Returns how many were, and where the first was. Raises :class:`InputError` when no event is left."""
    kept = [ev for ev in log.events if ev.ts_ms >= shift_ms]
    dropped = len(log.events) - len(kept)
    if not kept:
        raise InputError(f"{why}, but every event of the log comes before that (events span "
                         f"{ms_to_s(log.span_ms[0]):.1f}-{ms_to_s(log.span_ms[1]):.1f} s)", Where(log.path))
    for ev in kept:
        ev.ts_ms -= shift_ms
    first = log.events[0].source if dropped else None
    log.events = kept
    log.span_ms = (kept[0].ts_ms, kept[-1].ts_ms)
    if log.live_start_utc is not None:
        log.live_start_utc += timedelta(milliseconds=shift_ms)
    return dropped, first


def _dropped(n: int, first: str | None) -> str:
    return f"{n} events before the recording's start ignored (first at {first})" if n else ""


def _main_start(times: list[Ms]) -> Ms:
    """Where the bulk of ``times`` starts: the earliest time within a LIVE's length (:data:`MAX_LIVE_S`) of their
    median, so a few stray times far before or after the rest do not move the LIVE's start."""
    ordered = sorted(times)
    median = ordered[len(ordered) // 2]
    return ordered[bisect.bisect_left(ordered, median - MAX_LIVE_S * 1000)]


def _stray(when: str, ms: Ms) -> str:
    side = "before" if ms < 0 else "after"
    return (f"'ts' {when} is {abs(ms) / 3_600_000:.1f} h {side} the LIVE's start, and no LIVE lasts more than "
            f"{MAX_LIVE_S // 3600} h: a stray time")


def _finish(path: Path, adapter: EventAdapter, ctx: ReadContext, col: _Collector, events: list[Event],
            lines: int, origin: datetime | None, catalog: Catalog | None) -> EventLog:
    """De-duplicate (keep the first), sort (stable), report unknown types, check against the catalog."""
    warnings = col.warnings + ctx.warnings
    seen: set[str] = set()
    kept: list[Event] = []
    duplicates = 0
    first_dup: str | None = None
    for ev in events:
        if ev.id is not None:
            if ev.id in seen:
                duplicates += 1
                first_dup = first_dup or ev.source
                continue
            seen.add(ev.id)
        kept.append(ev)
    if duplicates:
        warnings.append(Warning_(f"{duplicates} duplicate events (same id) dropped, first at {first_dup}; "
                                 "the first of each was kept", Where(path, line_of(first_dup), "id")))

    unsorted = 0
    latest = -1
    for ev in kept:
        if ev.ts_ms < latest:
            unsorted += 1
        else:
            latest = ev.ts_ms
    if unsorted:
        kept.sort(key=lambda e: e.ts_ms)
        warnings.append(Warning_(f"{unsorted} events were out of time order; sorted", Where(path)))

    known = set(EVENT_TYPES) | adapter.passthrough_types
    unknown: dict[str, int] = {}
    first_line: dict[str, str | None] = {}
    for ev in kept:
        if ev.type not in known:
            unknown[ev.type] = unknown.get(ev.type, 0) + 1
            first_line.setdefault(ev.type, ev.source)
    for typ, n in sorted(unknown.items()):
        warnings.append(Warning_(f"unknown event type {typ!r}: {n} events kept but not used in metrics "
                                 f"(first at {first_line[typ]})", Where(path, line_of(first_line[typ]), "type")))

    if catalog is not None:
        warnings.extend(check_against_catalog(path, kept, catalog))

    stats: dict[str, Any] = {
        "format": adapter.name,
        "lines": lines,
        "events": len(kept),
        "duplicates": duplicates,
        "unsorted": unsorted,
        "malformed": col.malformed,
        "unknown_types": unknown,
        **ctx.notes,
    }
    return EventLog(path=path, events=kept, warnings=warnings, stats=stats, live_start_utc=origin,
                    span_ms=(kept[0].ts_ms, kept[-1].ts_ms))


ALIGN_HINT = "say how they line up with --offset SECONDS (the recording starts that far into the log) or " \
             "--live-start TIME (the recording's start, for a log of clock times)"
"""What the messages about the log's alignment suggest (options of ``process`` and ``moments``)."""


def spill_tolerance_ms(duration_ms: Ms) -> Ms:
    """Events may run this far past the recording's end before the log counts as misaligned."""
    return max(5000, duration_ms // 50)


ASSUMED_OFFSET_MAX_MS = 600_000
"""A log whose first activity comes later than this and than the recording's length after its 0 is not taken
to be merely offset (more likely another LIVE's log): it is refused, naming --offset."""


def obvious_offset(log: EventLog, duration_ms: Ms, recording_start: datetime | None = None) -> tuple[Ms, str] | None:
    """An offset between the log's clock and the recording's that the data make obvious, with what it was read
    from; ``None`` when there is none. Two signals, in this order: the recording's own creation time against the
    log's clock times (when the recording's window then lies inside the log's activity), and a log whose
    activity starts well after its 0 and runs past the recording's end but fits it once its first event is put
    at the recording's start (the log's clock started before the LIVE)."""
    first, last = log.span_ms
    tol = spill_tolerance_ms(duration_ms)
    if recording_start is not None and log.live_start_utc is not None:
        start = recording_start if recording_start.tzinfo else recording_start.replace(tzinfo=UTC)
        shift = delta_ms(start, log.live_start_utc)
        if abs(shift) > 2000 and first - tol <= shift < last and shift + duration_ms <= last + tol:
            return shift, f"the recording's creation time ({start.isoformat()}) is {ms_to_s(shift):g} s into the log"
    if last - duration_ms > tol and tol < first <= max(duration_ms, ASSUMED_OFFSET_MAX_MS) and \
            last - first < duration_ms:
        return first, (f"events span {ms_to_s(first):.1f}-{ms_to_s(last):.1f} s but the recording is "
                       f"{ms_to_s(duration_ms):.1f} s long: the log's first event is taken as the recording's start")
    return None


def check_overlap(log: EventLog, duration_ms: Ms, recording_start: datetime | None = None) -> list[Warning_]:
    """Check the event log against a recording of ``duration_ms`` (created at ``recording_start`` when known).

    When the user said nothing of how the two line up (:attr:`EventLog.aligned_by`) and an offset is obvious
    (:func:`obvious_offset`), the log is moved onto the recording's clock and a warning says what was assumed.
    Raises :class:`InputError` when no event falls inside the recording; returns a warning saying how many events
    fall after its end when only some do.
    """
    if duration_ms <= 0:
        raise InputError(f"recording has no duration ({ms_to_s(duration_ms)} s)", Where(log.path))
    out: list[Warning_] = []
    if log.aligned_by is None and log.events:
        found = obvious_offset(log, duration_ms, recording_start)
        if found is not None:
            shift, why = found
            n, first_at = shift_log(log, shift, why)
            dropped = f"{_dropped(n, first_at)}; " if n else ""
            out.append(Warning_(f"assumed the recording starts {ms_to_s(shift):g} s into the event log ({why}); "
                                f"{dropped}if that is wrong, {ALIGN_HINT}", Where(log.path)))
    first, last = log.span_ms
    rec = f"recording is 0-{ms_to_s(duration_ms):.1f} s"
    if not log.events or first >= duration_ms:
        raise InputError(f"events span {ms_to_s(first):.1f}-{ms_to_s(last):.1f} s, {rec}: no overlap "
                         f"(wrong file? or {ALIGN_HINT})", Where(log.path))
    if last < duration_ms:
        return out
    inside = bisect.bisect_left(log.events, duration_ms, key=lambda e: e.ts_ms)
    outside = len(log.events) - inside
    hint = f"; if the log started before the recording, {ALIGN_HINT}" if log.aligned_by is None else ""
    return [*out, Warning_(f"{outside} of {len(log.events)} events fall after the recording's end "
                           f"(events span {ms_to_s(first):.1f}-{ms_to_s(last):.1f} s, {rec}); they are ignored{hint}",
                           Where(log.path))]
