"""A highlight's evidence in words a seller reads: why it was chosen, which signals moved and by how much."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ...store import HighlightRecord

__all__ = ["SIGNAL_LABELS", "Signal", "reasons", "signals"]

SIGNAL_LABELS: dict[str, str] = {
    "gmv": "GMV", "gpm": "GPM (GMV per 1000 views)", "profit": "Gross profit", "orders": "Orders",
    "engagement": "Engagement", "traffic": "Traffic", "interest": "Product interest",
}


@dataclass(frozen=True, slots=True)
class Signal:
    """One signal of the moment: its share of the score and what moved (a line of measured values)."""

    name: str
    label: str
    contribution: float
    share: float
    """Of the largest contribution (0..1), for the bar's length."""
    moved: str


def _num(v: Any, digits: int = 1) -> str:
    if isinstance(v, bool) or not isinstance(v, int | float):
        return str(v)
    return f"{v:,.0f}" if abs(v) >= 100 or float(v).is_integer() else f"{v:,.{digits}f}"


def _moved(name: str, ev: dict[str, Any]) -> str:
    doc = ev.get(name)
    if name == "gmv" and isinstance(ev.get("orders"), dict):
        o = ev["orders"]
        g = doc if isinstance(doc, dict) else {}
        parts = [f"{_num(o.get('value'))} orders"]
        if "value" in g:
            parts.append(f"GMV {_num(g['value'], 2)}")
        if "z" in o:
            parts.append(f"{_num(o['z'])}σ above the expected {_num(o.get('expected'), 2)}")
        return ", ".join(parts)
    if not isinstance(doc, dict):
        return ""
    if name == "engagement":
        zs = [(k[:-2], doc[k]) for k in ("likes_z", "comments_z", "shares_z", "follows_z")
              if isinstance(doc.get(k), int | float) and doc[k] > 0.5]
        return ", ".join(f"{k} {_num(z)}σ above usual" for k, z in zs) or "no sharp rise"
    if name == "traffic":
        peak, base = doc.get("viewers_peak"), doc.get("viewers_baseline")
        bits = []
        if isinstance(peak, int | float) and isinstance(base, int | float) and base:
            bits.append(f"viewers {_num(base)} → {_num(peak)} ({(peak / base - 1) * 100:+.0f}%)")
        if isinstance(doc.get("joins_z"), int | float):
            bits.append(f"joins {_num(doc['joins_z'])}σ")
        return ", ".join(bits)
    if name == "gpm" and "value" in doc:
        return f"{_num(doc['value'])} per 1000 views"
    return ", ".join(f"{k.replace('_', ' ')} {_num(v)}" for k, v in doc.items()
                     if isinstance(v, int | float) and not isinstance(v, bool))


def signals(h: HighlightRecord) -> list[Signal]:
    """The moment's signals, largest contribution first."""
    bd = {k: float(v) for k, v in (h.moment.breakdown or {}).items() if isinstance(v, int | float)}
    top = max((abs(v) for v in bd.values()), default=0.0) or 1.0
    ev = h.moment.evidence or {}
    return [Signal(k, SIGNAL_LABELS.get(k, k.replace("_", " ").capitalize()), round(v, 3), min(1.0, abs(v) / top),
                   _moved(k, ev)) for k, v in sorted(bd.items(), key=lambda kv: -abs(kv[1]))]


def reasons(h: HighlightRecord, limit: int = 3) -> list[str]:
    """Short reasons for a card: what sold, what the audience did, what the clip says and shows."""
    out: list[str] = []
    ev = h.moment.evidence or {}
    orders = ev.get("orders") if isinstance(ev.get("orders"), dict) else None
    if orders and orders.get("value"):
        gmv = (ev.get("gmv") or {}).get("value") if isinstance(ev.get("gmv"), dict) else None
        out.append(f"{_num(orders['value'])} orders" + (f" · GMV {_num(gmv, 2)}" if gmv else ""))
    eng = ev.get("engagement") if isinstance(ev.get("engagement"), dict) else {}
    if isinstance(eng.get("likes_z"), int | float) and eng["likes_z"] >= 2:
        out.append(f"likes {_num(eng['likes_z'])}σ above usual")
    content = h.content or {}
    stated = content.get("selling_points_stated") or []
    missing = content.get("selling_points_missing") or []
    if stated or missing:
        out.append(f"states {len(stated)} of {len(stated) + len(missing)} selling points")
    seen = content.get("product_visible_s")
    if isinstance(seen, int | float):
        out.append(f"product seen at {seen:.1f} s")
    if not out:
        out = list(h.why)
    return out[:limit]
