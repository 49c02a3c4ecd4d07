"""Priors for the detector's baselines: what a LIVE of this seller usually does before it has shown us.

A three-minute LIVE, or the first minutes of a long one, has too little history for a baseline of
its own: two orders after a pitch may be a moment or the usual trickle. The detector then blends
the stream's own rates with a prior, weighted as :data:`~livehighlights.rules.PRIOR_STRENGTH_ORDERS`
orders' worth of evidence. The prior comes from the seller's previous LIVEs (a priors file, below) or,
without one, from the population defaults in :mod:`livehighlights.rules`.

Priors file (JSON)::

    {"lives": [
      {"duration_s": 3600, "viewer_seconds": 2.9e6, "orders": 41, "product_clicks": 5200,
       "comments": 2100, "baseline_orders": 18}
    ]}

Per past LIVE: ``duration_s`` and either ``viewer_seconds`` (the sum of concurrent viewers over its
seconds) or ``mean_viewers``; the count of ``orders`` (and, kept for the record, ``product_clicks``
and ``comments``; each optional). ``baseline_orders`` (optional) is the orders outside the pitches that sold; without it
:data:`~livehighlights.rules.PRIOR_BASELINE_SHARE` of ``orders`` is used. :func:`summarise` makes
such an entry from a timeline, :func:`remember` appends it to a file.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import InputError, Where
from ..rules import (
    PRIOR_BASELINE_SHARE,
    PRIOR_ORDERS_PER_VIEWER_S,
    PRIOR_STRENGTH_ORDERS,
)
from ..signals.timeline import Timeline

__all__ = ["PastLive", "Priors", "load_priors", "past_live", "priors_from", "remember", "summarise"]


@dataclass(frozen=True)
class Priors:
    """Baseline rates per concurrent viewer per second, and how much they weigh."""

    orders_per_viewer_s: float = PRIOR_ORDERS_PER_VIEWER_S
    """Baseline orders per concurrent viewer per second (all products, outside pitches that sold)."""
    strength_orders: float = PRIOR_STRENGTH_ORDERS
    source: str = "population defaults"
    """Where the rates come from (written into each moment's evidence)."""


@dataclass(frozen=True)
class PastLive:
    """One past LIVE, as a priors file lists it."""

    duration_s: float
    viewer_seconds: float
    orders: float = 0.0
    product_clicks: float = 0.0
    comments: float = 0.0
    baseline_orders: float | None = None


def _number(rec: dict[str, Any], key: str, where: Where, required: bool = False) -> float | None:
    val = rec.get(key)
    if val is None:
        if required:
            raise InputError(f"missing '{key}'", where)
        return None
    if isinstance(val, bool) or not isinstance(val, (int, float)) or not math.isfinite(val) or val < 0:
        raise InputError(f"'{key}' must be a number >= 0, got {val!r}", where)
    return float(val)


def _past_live(rec: Any, path: Path, i: int) -> PastLive:
    where = Where(path, field=f"lives[{i}]")
    if not isinstance(rec, dict):
        raise InputError("each past LIVE must be an object", where)
    duration = _number(rec, "duration_s", where, required=True) or 0.0
    vs = _number(rec, "viewer_seconds", where)
    if vs is None:
        mean = _number(rec, "mean_viewers", where)
        if mean is None:
            raise InputError("give 'viewer_seconds' or 'mean_viewers'", where)
        vs = mean * duration
    if duration <= 0 or vs <= 0:
        raise InputError("'duration_s' and the viewers must be above 0", where)
    return PastLive(duration_s=duration, viewer_seconds=vs, orders=_number(rec, "orders", where) or 0.0,
                    product_clicks=_number(rec, "product_clicks", where) or 0.0,
                    comments=_number(rec, "comments", where) or 0.0,
                    baseline_orders=_number(rec, "baseline_orders", where))


def read_past_lives(path: Path) -> list[PastLive]:
    """The past LIVEs of a priors file (an empty list when the file does not exist yet)."""
    path = Path(path)
    if not path.exists():
        return []
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise InputError(f"not a readable JSON priors file ({err})", Where(path)) from None
    lives = data.get("lives") if isinstance(data, dict) else None
    if not isinstance(lives, list):
        raise InputError("a priors file is an object with a 'lives' list", Where(path, field="lives"))
    return [_past_live(rec, path, i) for i, rec in enumerate(lives)]


def load_priors(path: Path | None) -> Priors:
    """Priors from the seller's past LIVEs in ``path``; the population defaults without a file (or with
    an empty one). Raises :class:`~livehighlights.errors.InputError` naming the bad entry."""
    if path is None:
        return Priors()
    path = Path(path)
    if not path.exists():
        raise InputError("priors file not found", Where(path))
    lives = read_past_lives(path)
    if not lives:
        return Priors(source=f"population defaults ({path} lists no LIVE)")
    return priors_from(lives, f"{path} ({len(lives)} past LIVE{'s' if len(lives) != 1 else ''})")


def priors_from(lives: list[PastLive], source: str) -> Priors:
    """Priors from past LIVEs (a file's, or the store's), their record shrunk toward the population defaults as
    if it held one more LIVE of an hour at those defaults; ``source`` says where they come from."""
    if not lives:
        return Priors()
    exposure = sum(lv.viewer_seconds for lv in lives)
    base_orders = sum(lv.baseline_orders if lv.baseline_orders is not None else PRIOR_BASELINE_SHARE * lv.orders
                      for lv in lives)
    defaults = Priors()

    def rate(total: float, default: float) -> float:
        # shrink a thin record toward the population default (as if it had one default LIVE of an hour)
        return (total + default * 3600 * 100) / (exposure + 3600 * 100)

    return Priors(orders_per_viewer_s=rate(base_orders, defaults.orders_per_viewer_s), source=source)


def past_live(doc: dict[str, Any]) -> PastLive | None:
    """A stored summary (:func:`summarise` as a dict) as a :class:`PastLive`; ``None`` when it is not one."""
    try:
        lv = PastLive(**doc)
    except TypeError:
        return None
    return lv if lv.duration_s > 0 and lv.viewer_seconds > 0 else None


def summarise(timeline: Timeline) -> PastLive:
    """One LIVE as a priors-file entry. Baseline orders: the median 60-second order count, per second,
    times the duration (pitches that sold hardly move a median); a LIVE under ten minutes:
    :data:`~livehighlights.rules.PRIOR_BASELINE_SHARE` of its orders."""
    n = timeline.duration_s
    viewers = timeline.metrics["viewers"]
    orders = timeline.metrics["orders"]
    if n >= 600:
        base = min(float(orders.sum()), float(np.median(np.convolve(orders, np.ones(60), mode="valid"))) / 60.0 * n)
    else:  # too short for a median to skip the pitches
        base = PRIOR_BASELINE_SHARE * float(orders.sum())
    return PastLive(duration_s=float(n), viewer_seconds=float(viewers.sum()), orders=float(orders.sum()),
                    product_clicks=float(timeline.metrics["product_clicks"].sum()),
                    comments=float(timeline.metrics["comments"].sum()), baseline_orders=base)


def remember(path: Path, live: PastLive) -> int:
    """Append ``live`` to the priors file at ``path`` (created if missing); returns how many it lists."""
    lives = read_past_lives(Path(path))
    lives.append(live)
    Path(path).write_text(json.dumps({"lives": [asdict(lv) for lv in lives]}, indent=1) + "\n", encoding="utf-8")
    return len(lives)
