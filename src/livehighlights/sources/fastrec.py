"""The fast path of a streamed event log: one JSON line in bytes -> an :class:`~livehighlights.models.Event`, for
the plain records that make up nearly every real log, with the result :func:`~livehighlights.sources.parse.to_event`
gives them.

A 10-hour LIVE is a million lines; the general path (``json.loads`` of the decoded text, then
:func:`~livehighlights.sources.parse.parse_ts` and :func:`~livehighlights.sources.parse.to_event`, which accept
numeric strings, money text, ISO times and extra keys) costs most of the time ``moments`` takes. Here a line is
parsed by ``orjson`` straight from its bytes and taken as it is when every field already has its final type:
``ts`` a number of seconds within :data:`~livehighlights.rules.MAX_LIVE_S`, ``type`` a known type in lower case,
strings (or whole numbers, for ids) where strings go, whole numbers for ``count``/``quantity``, numbers for
``amount``/``gross_profit``/``value``, no key outside the schema, nothing negative or missing that the checks
would refuse. Anything else
(:func:`fast_event` returns ``None``) goes through the general path, which also words every problem: what a
user sees of a bad line does not depend on this module.

Where orjson reads a line differently from the standard library, the line is never taken here: orjson refuses
``NaN``, lone surrogates and invalid UTF-8 (the general path then reads or names them), and reads a whole number
beyond 64 bits as a float (a float that large is never taken here).
"""

from __future__ import annotations

import math
from typing import Any

import orjson

from ..models import EVENT_TYPES, Event
from ..rules import MAX_LIVE_S
from .parse import DEFAULT_COUNT_1

__all__ = ["fast_event", "loads"]

loads = orjson.loads
"""``orjson.loads``: bytes of one JSON document -> Python objects; raises a ``json.JSONDecodeError`` subclass."""

_MAX_MS = MAX_LIVE_S * 1000
_BIG = float(2**63)
"""orjson reads an integer beyond 64 bits as a float: floats this large are left to the general path."""
_KNOWN = frozenset(EVENT_TYPES)
_COUNT_1 = frozenset(DEFAULT_COUNT_1)
_QTY_1 = frozenset(("order", "add_to_cart"))
# per key: 1 a string field, 2 a whole-number field, 3 a number field (``ts`` and ``type`` are read first)
_KIND = {"id": 1, "text": 1, "user": 1, "product_id": 1, "currency": 1, "count": 2, "quantity": 2,
         "amount": 3, "gross_profit": 3, "value": 3, "ts": 0, "type": 0}


def _ms(ts: Any) -> int | None:
    """``ts`` (seconds from the LIVE's start) in ms as :func:`~livehighlights.sources.parse.parse_ts` reads it,
    when it is a plain number within the longest LIVE; else ``None``.

    parse_ts rounds the float's shortest decimal form (its ``repr``) half up at the millisecond. Within a LIVE's
    range (at most :data:`~livehighlights.rules.MAX_LIVE_S`, where a float's spacing is under 2e-11 s) ``ts * 1000``
    differs from that decimal times 1000 by less than 1e-7, so rounding it half up gives the same millisecond
    unless it lies within 1e-6 of a half: those few are read from the ``repr`` as parse_ts does."""
    t = type(ts)
    if t is int:
        ms = ts * 1000
        return ms if 0 <= ms <= _MAX_MS else None
    if t is not float or not 0.0 <= ts <= MAX_LIVE_S:  # also NaN
        return None
    x = ts * 1000.0
    ms = int(x)
    frac = x - ms
    if 0.499999 < frac < 0.500001:
        text = repr(ts)
        whole, dot, digits = text.partition(".")
        if not dot or "e" in text or not whole.isdigit():
            return None
        ms = int(whole) * 1000 + int((digits + "000")[:3]) + (len(digits) > 3 and digits[3] >= "5")
    elif frac >= 0.5:
        ms += 1
    return ms if ms <= _MAX_MS else None


def fast_event(rec: Any, source: str) -> Event | None:
    """The :class:`~livehighlights.models.Event` of the parsed record ``rec`` when it is plain (see the module
    docstring), equal to what :func:`~livehighlights.sources.parse.to_event` makes of it; ``None`` otherwise."""
    if type(rec) is not dict:
        return None
    ms = _ms(rec.get("ts"))
    typ = rec.get("type")
    if ms is None or type(typ) is not str or typ not in _KNOWN:
        return None
    if typ == "comment" and len(rec) == 4:  # most lines of a LIVE: {"ts", "type", "text", "user"}
        text = rec.get("text")
        user = rec.get("user")
        if type(text) is str and type(user) is str:
            return Event(ms, typ, None, None, text, user, None, None, None, None, None, None, source, None)
    id_ = count = text = user = pid = quantity = amount = currency = profit = value = None
    for key, val in rec.items():
        kind = _KIND.get(key)
        if kind is None:
            return None  # a key outside the schema: the general path keeps the record as ``raw``
        if kind == 0 or val is None:
            continue
        tv = type(val)
        if kind == 1:
            if tv is int:  # ids as numbers (shop exports): their text, as the general path keeps them
                val = str(val)
            elif tv is not str:
                return None
            if key == "text":
                text = val
            elif key == "user":
                user = val
            elif key == "id":
                id_ = val
            elif key == "product_id":
                pid = val
            else:
                currency = val
        elif kind == 2:
            if tv is not int or val < (1 if key == "quantity" else 0):
                return None
            if key == "count":
                count = val
            else:
                quantity = val
        else:
            if tv is int:
                val = float(val)
            elif tv is not float or not (0.0 <= val < _BIG) or not math.isfinite(val):
                return None
            if val < 0.0:
                return None
            if key == "amount":
                amount = val
            elif key == "value":
                value = val
            else:
                profit = val
    if count is None:
        if typ in _COUNT_1:
            count = 1
        elif typ == "viewers":
            return None
    if quantity is None and typ in _QTY_1:
        quantity = 1
    if typ == "product_pin" and not pid:
        return None
    return Event(ms, typ, id_, count, text, user, pid, quantity, amount, currency, profit, value, source, None)
