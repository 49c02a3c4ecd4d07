"""Turning one record (a dict in our schema's field names) into an :class:`~livehighlights.models.Event`.

Adapters produce records; this module validates and coerces their fields, the same way for every
format. A problem is raised as :class:`BadField` naming the field; the loader turns it into a
:class:`~livehighlights.errors.Warning_` (or an :class:`~livehighlights.errors.InputError` in strict
mode) with the file and line.

Lenient where a real export is messy: numbers may come as numeric strings (CSV always does), ids
as numbers, ``null`` means absent, and ``type`` is matched case-insensitively. Strict where a value
would silently mean something else: ``count: "many"``, a negative count, ``quantity <= 0``, a
negative ``amount``.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime, timedelta
from typing import Any

from ..models import Event
from ..timebase import Ms, s_to_ms

SCHEMA_KEYS: frozenset[str] = frozenset(
    ("ts", "type", "id", "count", "text", "user", "product_id", "quantity", "amount", "currency",
     "gross_profit", "value")
)
"""Field names of the event schema (DESIGN.md); other keys of a record are kept in ``Event.raw``."""

DEFAULT_COUNT_1: frozenset[str] = frozenset(("like", "join", "share", "follow", "product_click", "gift"))
"""Types whose ``count`` defaults to 1."""

_INT_FIELDS = ("count", "quantity")
_FLOAT_FIELDS = ("amount", "gross_profit", "value")
_STR_FIELDS = ("id", "text", "user", "product_id", "currency")
_DECIMAL = re.compile(r"^\s*([+-]?)(\d*)(?:\.(\d*))?\s*$")


class BadField(ValueError):
    """A field of a record is missing or has a value we cannot use."""

    def __init__(self, field: str | None, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def _decimal_to_ms(text: str) -> Ms | None:
    """Exact seconds -> ms for a plain decimal string (``"12.3456"``); ``None`` if it is not one.

    Rounds half away from zero, like :func:`~livehighlights.timebase.s_to_ms` (which is the slow,
    general path used for exponent forms).
    """
    m = _DECIMAL.match(text)
    if m is None:
        if re.fullmatch(r"\s*[+-]?(\d+\.?\d*|\.\d+)[eE][+-]?\d+\s*", text):
            return s_to_ms(text.strip())
        return None
    sign, whole, frac = m.group(1), m.group(2), m.group(3) or ""
    if not whole and not frac:
        return None
    ms = int(whole or "0") * 1000 + int((frac + "000")[:3])
    if len(frac) > 3 and frac[3] >= "5":
        ms += 1
    return -ms if sign == "-" else ms


EPOCH_MIN_S = 946_684_800
"""2000-01-01T00:00:00Z in seconds since 1970. A numeric ``ts`` at least this large is no time inside a LIVE
(that would be 30 years in) but a Unix time: seconds, or milliseconds, microseconds or nanoseconds when it is
a thousand, a million or a billion times larger."""
_EPOCH_SCALES: tuple[int, ...] = (1, 1000, 1_000_000, 1_000_000_000)
"""Seconds, milliseconds, microseconds, nanoseconds."""
_EPOCH_MAX_S = 100 * 365 * 86_400 + EPOCH_MIN_S
"""Unix times are read up to about 2100 in each unit."""
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _epoch(value: Any, ms: Ms) -> datetime | None:
    """The Unix time a numeric ``ts`` stands for (``ms`` is the value times 1000), ``None`` when it is small enough
    to be seconds from the LIVE's start. Raises :class:`BadField` for a number that is neither."""
    if ms < EPOCH_MIN_S * 1000:
        return None
    for scale in _EPOCH_SCALES:
        if EPOCH_MIN_S * scale <= ms / 1000 < _EPOCH_MAX_S * scale:
            q, r = divmod(ms, scale)  # ms of the value in its own unit -> ms since 1970
            return _EPOCH + timedelta(milliseconds=q + (2 * r >= scale))
    raise BadField("ts", f"'ts' {value!r} is neither seconds from the LIVE's start nor a Unix time in seconds, "
                         "milliseconds, microseconds or nanoseconds (years 2000-2100)")


def parse_ts(value: Any) -> Ms | datetime:
    """A ``ts`` value: relative seconds -> ms (int), or an absolute time -> aware UTC ``datetime``.

    Absolute times are ISO-8601 strings or Unix times (numbers of seconds, milliseconds, microseconds or
    nanoseconds since 1970, told apart by their size: see :data:`EPOCH_MIN_S`). Raises :class:`BadField` for
    anything else, and for negative relative times.
    """
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, bool) or value is None:
        raise BadField("ts", f"'ts' must be seconds from the LIVE's start or an ISO-8601 time, got {value!r}")
    ms: Ms | None
    if isinstance(value, int):
        ms = value * 1000
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise BadField("ts", f"'ts' must be a finite number, got {value!r}")
        text = repr(value)
        whole, dot, frac = text.partition(".")
        if dot and "e" not in text and whole.isdigit():
            ms = int(whole) * 1000 + int((frac + "000")[:3]) + (len(frac) > 3 and frac[3] >= "5")
        else:
            ms = _decimal_to_ms(text)
    elif isinstance(value, str):
        ms = _decimal_to_ms(value)
        if ms is None:
            return _parse_iso(value)
    else:
        raise BadField("ts", f"'ts' must be a number or an ISO-8601 time, got {type(value).__name__}")
    if ms is None:  # pragma: no cover - repr(float) is always decimal or exponent form
        raise BadField("ts", f"'ts' is not a number: {value!r}")
    if ms < 0:
        raise BadField("ts", f"negative 'ts' ({value}): times are seconds from the LIVE's start")
    return _epoch(value, ms) or ms


def _parse_iso(text: str) -> datetime:
    s = text.strip()
    if len(s) < 10 or not s[:4].isdigit():
        raise BadField("ts", f"'ts' {text!r} is neither seconds nor an ISO-8601 time")
    try:
        dt = datetime.fromisoformat(s)
    except ValueError:
        raise BadField("ts", f"'ts' {text!r} is neither seconds nor an ISO-8601 time") from None
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def parse_live_start(value: datetime | str) -> datetime:
    """The ``live_start`` option as an aware UTC datetime (naive values are taken as UTC)."""
    if isinstance(value, datetime):
        dt = value
    else:
        try:
            dt = datetime.fromisoformat(value.strip())
        except ValueError:
            raise BadField("live_start", f"live_start {value!r} is not an ISO-8601 time") from None
    return (dt if dt.tzinfo else dt.replace(tzinfo=UTC)).astimezone(UTC)


def delta_ms(t: datetime, origin: datetime) -> Ms:
    """Exact ``t - origin`` in ms (microseconds rounded half away from zero)."""
    d = t - origin
    us = (d.days * 86_400 + d.seconds) * 1_000_000 + d.microseconds
    q, r = divmod(abs(us), 1000)
    q += r >= 500
    return q if us >= 0 else -q


def _as_int(field: str, value: Any) -> int:
    if isinstance(value, bool):
        raise BadField(field, f"'{field}' must be a whole number, got {value!r}")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        s = value.strip()
        try:
            return int(s)
        except ValueError:
            try:
                f = float(s)
            except ValueError:
                f = math.nan
            if math.isfinite(f) and f.is_integer():
                return int(f)
    raise BadField(field, f"'{field}' must be a whole number, got {value!r}")


_MONEY = re.compile(r"^\s*(?:[A-Z]{3}|Rp\.?|[A-Z]{0,2}[$€£¥₹₫₱₩])?\s*(-?\d[\d.,\s'\u00a0]*)\s*"
                    r"(?:[A-Z]{3}|[$€£¥₹₫₱₩])?\s*$", re.IGNORECASE)


def parse_money(text: str) -> float | None:
    """A money amount as shops write it: ``$56.38``, ``12,50``, ``1.234,56 €``, ``Rp 15.000,00``, ``USD 9.99``,
    ``1,299.00``. The last of ``.``/``,`` is the decimal mark when both appear; a lone ``,`` followed by exactly
    three digits groups thousands, otherwise it is the decimal mark. ``None`` when it is no amount."""
    m = _MONEY.match(text)
    if m is None:
        return None
    digits = re.sub(r"[\s'\u00a0]", "", m.group(1))
    dot, comma = digits.rfind("."), digits.rfind(",")
    if dot >= 0 and comma >= 0:
        mark = max(dot, comma)
        whole, frac = digits[:mark], digits[mark + 1:]
        digits = re.sub(r"[.,]", "", whole) + "." + frac
    elif comma >= 0:
        parts = digits.split(",")
        digits = "".join(parts) if len(parts) > 2 or len(parts[1]) == 3 else parts[0] + "." + parts[1]
    elif digits.count(".") > 1:
        digits = digits.replace(".", "")
    try:
        return float(digits)
    except ValueError:
        return None


def _as_float(field: str, value: Any) -> float:
    out: float | None = None
    if isinstance(value, bool):
        out = None
    elif isinstance(value, (int, float)):
        out = float(value)
    elif isinstance(value, str):
        try:
            out = float(value.strip())
        except ValueError:
            out = parse_money(value)
    if out is None or not math.isfinite(out):
        raise BadField(field, f"'{field}' must be a number, got {value!r}")
    return out


def _as_str(field: str, value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise BadField(field, f"'{field}' must be a string, got {type(value).__name__} {value!r}")


_COERCE = {**{k: _as_str for k in _STR_FIELDS}, **{k: _as_int for k in _INT_FIELDS},
           **{k: _as_float for k in _FLOAT_FIELDS}}


def to_event(rec: dict[str, Any], ts_ms: Ms, *, source: str | None, raw: dict[str, Any] | None) -> Event:
    """Validate ``rec`` (its ``ts`` already parsed to ``ts_ms``) and build the :class:`Event`.

    ``raw`` is stored as is; when ``None`` and ``rec`` has keys beyond :data:`SCHEMA_KEYS`, ``rec``
    itself is kept as ``raw`` so nothing the user gave is lost.
    """
    typ = rec.get("type")
    if typ is None or (isinstance(typ, str) and not typ.strip()):
        raise BadField("type", "missing 'type'")
    if not isinstance(typ, str):
        raise BadField("type", f"'type' must be a string, got {typ!r}")
    typ = typ.strip().lower()
    ev = Event(ts_ms=ts_ms, type=typ, source=source)
    for key, val in rec.items():
        conv = _COERCE.get(key)
        if conv is None or val is None:
            continue
        tv = type(val)
        if tv is str:
            if key in _STR_FIELDS:
                setattr(ev, key, val)
                continue
            if val == "":
                continue
        elif tv is int and key in _INT_FIELDS:
            setattr(ev, key, val)
            continue
        setattr(ev, key, conv(key, val))
    if ev.count is not None and ev.count < 0:
        raise BadField("count", f"negative 'count' ({ev.count})")
    if ev.quantity is not None and ev.quantity <= 0:
        raise BadField("quantity", f"'quantity' must be at least 1, got {ev.quantity}")
    if ev.amount is not None and ev.amount < 0:
        raise BadField("amount", f"negative 'amount' ({ev.amount:g})")
    if ev.value is not None and ev.value < 0:
        raise BadField("value", f"negative 'value' ({ev.value:g})")
    if typ == "viewers" and ev.count is None:
        raise BadField("count", "a 'viewers' event needs 'count' (the concurrent viewer count)")
    if typ == "product_pin" and not ev.product_id:
        raise BadField("product_id", "a 'product_pin' event needs 'product_id'")
    if ev.count is None and typ in DEFAULT_COUNT_1:
        ev.count = 1
    if ev.quantity is None and typ in ("order", "add_to_cart"):
        ev.quantity = 1
    if raw is None and not SCHEMA_KEYS.issuperset(rec):
        raw = rec
    ev.raw = raw
    return ev
