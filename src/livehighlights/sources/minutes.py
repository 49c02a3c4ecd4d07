"""Per-minute analytics: what a shop's LIVE dashboard exports after the LIVE, or counters polled during it.

A seller often has no event stream, only a table with one row per minute. This adapter reads it and
turns each row into events spread over its minute, so the same detectors run (at a minute's
resolution: a moment is placed within a minute at best; speech and vision place the clip when a
recording is given).

CSV (``*.minutes.csv``, or ``load_events(path, fmt="minutes")``), a header row, one row per minute::

    minute,gmv,orders,viewers,product_clicks,likes,comments,joins,product_id
    0,0,0,120,3,40,12,30,
    1,25.00,1,140,9,52,15,22,sku-1

``minute`` (required): minutes from the LIVE's start (0, 1, 2...). Counts per minute: ``gmv``,
``orders``, ``product_clicks``, ``add_to_carts``, ``likes``, ``comments``, ``shares``, ``joins``;
``viewers`` (concurrent, at that minute); ``product_id`` (optional: several rows of one minute, one
per product). A column named with a ``_total`` suffix (``gmv_total``, ``orders_total``...) is a
cumulative counter polled each minute: its per-minute value is the difference from the previous row;
a counter that drops below half its last value was reset (the new value counts from zero), a smaller
drop is a counter going backwards (a warning; that minute counts 0).

Missing minutes (a gap) count as no activity, a repeated minute keeps its first row: both are
warnings naming the line, as are counters going backwards or reset.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..errors import Warning_, Where
from .adapters import EventAdapter, Problem, ReadContext, Record, read_text, register_adapter

__all__ = ["COUNT_TYPES", "PerMinuteAdapter"]

COUNT_TYPES: dict[str, str] = {"product_clicks": "product_click", "add_to_carts": "add_to_cart", "likes": "like",
                               "comments": "comment", "shares": "share", "joins": "join"}
"""Per-minute count column -> event type (each spread as :data:`SLICES` events over the minute)."""
SLICES = 6
"""A minute's counts are spread over this many events, ten seconds apart."""
RESET_BELOW = 0.5
"""A cumulative counter that falls below this share of its last value was reset."""
_KNOWN = {"minute", "gmv", "orders", "viewers", "product_id", *COUNT_TYPES}


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


@register_adapter
class PerMinuteAdapter(EventAdapter):
    """One row per minute of a LIVE's analytics (see the module docstring)."""

    name = "minutes"
    extensions = (".minutes.csv", ".perminute.csv")

    def read(self, path: Path, ctx: ReadContext) -> Iterator[Record | Problem]:
        reader = csv.reader(io.StringIO(read_text(path), newline=""))
        try:
            header = [h.strip().lower() for h in next(reader)]
        except StopIteration:
            return
        if "minute" not in header:
            yield Problem(1, "a per-minute file needs a 'minute' column", "minute")
            return
        cumulative = {h: h.removesuffix("_total") for h in header if h.endswith("_total")}
        unknown = [h for h in header if h not in _KNOWN and h not in cumulative]
        if unknown:
            ctx.warnings.append(Warning_(f"columns not used: {', '.join(unknown)}", Where(path, 1)))
        last_total: dict[tuple[str, str | None], float] = {}
        seen: set[tuple[int, str | None]] = set()
        last_minute: int | None = None
        prev = reader.line_num
        for row in reader:
            line, prev = prev + 1, reader.line_num
            if not row or all(not c.strip() for c in row):
                continue
            cells = {k: v.strip() for k, v in zip(header, row, strict=False) if v.strip() != ""}
            minute_val = _number(cells.get("minute", ""))
            if minute_val is None or minute_val < 0 or minute_val != int(minute_val):
                yield Problem(line, f"minute must be a whole number >= 0, got {cells.get('minute')!r}", "minute")
                continue
            minute = int(minute_val)
            pid = cells.get("product_id")
            if (minute, pid) in seen:
                ctx.warnings.append(Warning_(f"minute {minute} repeated: the first row is kept", Where(path, line)))
                continue
            seen.add((minute, pid))
            if last_minute is not None and minute > last_minute + 1:
                ctx.warnings.append(Warning_(f"minutes {last_minute + 1}-{minute - 1} missing: taken as no activity",
                                             Where(path, line)))
            elif last_minute is not None and minute < last_minute:
                ctx.warnings.append(Warning_(f"minute {minute} comes after minute {last_minute} (rows out of order)",
                                             Where(path, line)))
            last_minute = max(minute, last_minute if last_minute is not None else minute)
            values: dict[str, float] = {}
            bad = False
            for col, text in cells.items():
                if col in ("minute", "product_id") or (col not in _KNOWN and col not in cumulative):
                    continue
                value = _number(text)
                if value is None or value < 0:
                    yield Problem(line, f"must be a number >= 0, got {text!r}", col)
                    bad = True
                    break
                if col in cumulative:
                    name, key = cumulative[col], (cumulative[col], pid)
                    before = last_total.get(key, 0.0)
                    if value >= before:
                        values[name] = value - before
                        last_total[key] = value
                    elif value < RESET_BELOW * before:
                        ctx.warnings.append(Warning_(f"counter reset at minute {minute} ({before:g} -> {value:g}): "
                                                     "counted from zero", Where(path, line, col)))
                        values[name] = value
                        last_total[key] = value
                    else:
                        ctx.warnings.append(Warning_(f"counter goes backwards at minute {minute} ({before:g} -> "
                                                     f"{value:g}): that minute counts 0", Where(path, line, col)))
                        values[name] = 0.0
                else:
                    values[col] = value
            if not bad:
                yield from sorted(self._events(line, minute, pid, values, cells), key=lambda r: r.fields["ts"])

    @staticmethod
    def _events(line: int, minute: int, pid: str | None, values: dict[str, float],
                raw: dict[str, Any]) -> Iterator[Record]:
        t0 = minute * 60.0
        base: dict[str, Any] = {"product_id": pid} if pid else {}
        if "viewers" in values:
            yield Record(line, {"ts": t0, "type": "viewers", "count": round(values["viewers"])}, raw=raw)
        orders = round(values.get("orders", 0.0))
        gmv = values.get("gmv", 0.0)
        if orders == 0 and gmv > 0:
            orders = 1
        for i in range(orders):
            yield Record(line, {"ts": t0 + (i + 0.5) * 60.0 / orders, "type": "order", "quantity": 1,
                                "amount": gmv / orders, **base}, raw=raw)
        for col, typ in COUNT_TYPES.items():
            total = round(values.get(col, 0.0))
            if total <= 0:
                continue
            per, extra = divmod(total, SLICES)
            for k in range(SLICES):
                n = per + (1 if k < extra else 0)
                if n:
                    fields: dict[str, Any] = {"ts": t0 + k * 60.0 / SLICES, "type": typ, "count": n}
                    if typ in ("product_click", "add_to_cart"):
                        fields.update(base)
                    yield Record(line, fields, raw=raw)
