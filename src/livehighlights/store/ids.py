"""Deterministic ids: the same LIVE, moment or event always gets the same id, so a re-run updates records
instead of duplicating them.

- ``live_id_for(seller_id, key)``: ``live_`` + 12 hex of SHA-256 over the seller and the LIVE's key (the caller
  chooses the key: e.g. the recording's name, or the platform's room id).
- ``moment_id(live_id, detector, start_ms, product_id)``: ``m_`` + 16 hex.
- ``highlight_id(moment_id)``: ``h_`` + 16 hex (one highlight per moment).
- ``remix_id(highlight_id, style)``: ``r_`` + 16 hex (one remix per highlight and style).
- ``event_key(ev)``: 32 hex over the event's source, time, type and canonical raw JSON.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

from ..models import Event

__all__ = ["canonical_json", "event_key", "event_key_raw", "highlight_id", "live_id_for", "moment_id",
           "plan_id", "remix_id", "seller_id_for"]

_SEP = "\x1f"  # unit separator: cannot be confused with text inside a part


def _hex(*parts: object, n: int) -> str:
    text = _SEP.join("" if p is None else str(p) for p in parts)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:n]


def seller_id_for(name: str) -> str:
    """The id of the seller called ``name``: ``s_`` + 12 hex."""
    return "s_" + _hex("seller", name, n=12)


def live_id_for(seller_id: str, key: str) -> str:
    """The id of a seller's LIVE with the caller's ``key``: ``live_`` + 12 hex."""
    return "live_" + _hex("live", seller_id, key, n=12)


def moment_id(live_id: str, detector: str, start_ms: int, product_id: str | None) -> str:
    """The id of a moment: ``m_`` + 16 hex over the LIVE, the detector, the start and the product."""
    return "m_" + _hex("moment", live_id, detector, int(start_ms), product_id, n=16)


def highlight_id(moment_id: str) -> str:
    """The id of the highlight cut from a moment: ``h_`` + 16 hex."""
    return "h_" + _hex("highlight", moment_id, n=16)


def remix_id(highlight_id: str, style: str) -> str:
    """The id of a highlight's remix in a style: ``r_`` + 16 hex."""
    return "r_" + _hex("remix", highlight_id, style, n=16)


def plan_id(seller_id: str, title: str, start: datetime) -> str:
    """The id of a LIVE plan: ``plan_`` + 12 hex over the seller, the title and the start (UTC)."""
    return "plan_" + _hex("plan", seller_id, title, start.isoformat(), n=12)


def _finite(obj: Any) -> Any:
    """A JSON document with NaN and infinities written as strings (strict JSON, as PostgreSQL keeps it, has none)."""
    if isinstance(obj, float) and (obj != obj or obj in (float("inf"), float("-inf"))):
        return str(obj)
    if isinstance(obj, dict):
        return {k: _finite(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_finite(v) for v in obj]
    return obj


def canonical_json(obj: Any) -> str:
    """``obj`` as canonical JSON text: sorted keys, no spaces, UTF-8 as is, strict (NaN written as a string)."""
    try:
        return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str,
                          allow_nan=False)
    except ValueError:
        return json.dumps(_finite(obj), sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def event_key_raw(ev: Event) -> tuple[str, str | None]:
    """:func:`event_key` and the event's raw record as canonical JSON text (``None`` without one), computed once."""
    raw = None if ev.raw is None else canonical_json(ev.raw)
    ident = raw if raw is not None else canonical_json(ev.to_json())
    return _hex("event", ev.source, int(ev.ts_ms), ev.type, ident, n=32), raw


def event_key(ev: Event) -> str:
    """The identity of an event within its LIVE: 32 hex over source, ``ts_ms``, type and the raw record.

    Without a raw record, the event's own JSON form stands in for it. Two identical lines of an event log
    differ by their source (``file:line``), so both are kept; the same file ingested twice gives the same keys.
    """
    return event_key_raw(ev)[0]
