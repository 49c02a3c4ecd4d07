"""Checks of an event log against the catalog: wrong units, wrong currency, unknown products.

All are warnings (the events are kept): a seller's export in cents instead of units, or in another
currency, would silently inflate or distort GMV, so we say where it happens.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ..errors import Warning_, Where
from ..models import Event
from .catalog import Catalog

MAX_PER_KIND = 20
"""Order warnings listed one by one per kind (units, currency); the rest are summarised."""

CENTS_RATIO = (60.0, 160.0)
"""``amount / (price * quantity)`` in this range reads as cents (about 100x) rather than units."""


def line_of(source: str | None) -> int | None:
    """The line number in an event's ``source`` (``file:line``), if it has one."""
    tail = (source or "").rsplit(":", 1)[-1]
    return int(tail) if tail.isdigit() else None


def _line_of(ev: Event, path: Path) -> tuple[int | None, str]:
    """The event's line number and a label for messages."""
    line = line_of(ev.source)
    return (line, f"line {line}") if line is not None else (None, ev.source or str(path))


def _expected(catalog: Catalog, ev: Event) -> list[float]:
    """Plausible totals of an order from the catalog: list price and discounted price times quantity."""
    prod = catalog.get(ev.product_id)
    if prod is None or not prod.price:
        return []
    qty = ev.quantity or 1
    out = [prod.price * qty]
    if prod.discount:
        out.append(prod.price * (1 - prod.discount) * qty)
    return out


def check_against_catalog(path: Path, events: Iterable[Event], catalog: Catalog) -> list[Warning_]:
    """Warnings for orders in cents or another currency, and one per product id absent from the catalog."""
    out: list[Warning_] = []
    unknown: dict[str, Event] = {}
    counts = {"units": 0, "currency": 0}
    default_currency = catalog.currency

    def add(kind: str, ev: Event, fld: str, message: str) -> None:
        counts[kind] += 1
        if counts[kind] <= MAX_PER_KIND:
            line, _ = _line_of(ev, path)
            out.append(Warning_(message, Where(path, line, fld)))

    for ev in events:
        pid = ev.product_id
        if pid is not None and pid not in catalog.products:
            unknown.setdefault(pid, ev)
            continue
        if ev.type != "order":
            continue
        if ev.amount is not None:
            for expected in _expected(catalog, ev):
                ratio = ev.amount / expected
                if CENTS_RATIO[0] <= ratio <= CENTS_RATIO[1]:
                    add("units", ev, "amount",
                        f"order amount {ev.amount:g} is ~{ratio:.0f}x the catalog price for {ev.quantity or 1} x "
                        f"{pid!r} ({expected:g}): cents instead of units?")
                    break
        prod = catalog.get(pid)
        want = (prod.currency if prod is not None and prod.currency else None) or default_currency
        if ev.currency and want and ev.currency.strip().upper() != want:
            add("currency", ev, "currency",
                f"order currency {ev.currency!r} differs from the catalog's {want!r} for {pid!r}")
    for kind, label in (("units", "orders look like cents"), ("currency", "orders in another currency")):
        extra = counts[kind] - MAX_PER_KIND
        if extra > 0:
            out.append(Warning_(f"{extra} more {label} (not listed)", Where(path)))
    for pid, ev in unknown.items():
        line, label = _line_of(ev, path)
        out.append(Warning_(f"product id {pid!r} is not in the catalog ({catalog.path}); first on {label}",
                            Where(path, line, "product_id")))
    return out
