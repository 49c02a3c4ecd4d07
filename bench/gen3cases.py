"""``bench/detect.py``'s cases of the held-out generator ``eventgen3`` (written without reading the detector).

Settings: ``gen3-sales`` and ``gen3-engagement`` (LIVEs of 20-180 minutes drawn per seed, audiences of 50 to
20,000), ``gen3-3min`` (three-minute LIVEs, one pitch that sold or more) and ``gen3-perminute`` (the long LIVEs as
a shop's per-minute totals through :func:`livehighlights.sim.minutes.write_minutes`, kind ``sales``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from eventgen3 import Gen3Config, Gen3Live, generate3

from livehighlights.detect import DetectOptions
from livehighlights.models import Event
from livehighlights.sim.minutes import write_minutes
from livehighlights.sources import load_events

__all__ = ["Gen3Case", "gen3_cases", "gen3_minute_cases"]


@dataclass
class Gen3Case:
    """One generated LIVE to score: events, length (ms), planted spans (ms), the kind of moment planted."""

    events: list[Event]
    end_ms: int
    planted: list[tuple[int, int]]
    kind: str
    options: DetectOptions | None = None


def _spans(spans: list[tuple[float, float]]) -> list[tuple[int, int]]:
    return [(int(a * 1000), int(b * 1000)) for a, b in spans]


def gen3_cases(seeds: list[int], kind: str, minutes: float | None = None) -> list[Gen3Case]:
    """``kind`` ``product`` (the pitches that sold) or ``engagement`` (fun interactions)."""
    out = []
    for seed in seeds:
        g: Gen3Live = generate3(Gen3Config(seed=seed, minutes=minutes))
        out.append(Gen3Case(g.events, int(g.duration_s * 1000), _spans(g.sales if kind == "product" else
                                                                        g.engagement), kind))
    return out


def gen3_minute_cases(seeds: list[int], cache: Path) -> list[Gen3Case]:
    """The long LIVEs as per-minute totals (no product ids), read back through the per-minute adapter."""
    cache.mkdir(parents=True, exist_ok=True)
    out = []
    for seed in seeds:
        g = generate3(Gen3Config(seed=seed))
        path = cache / f"gen3-s{seed}.minutes.csv"
        n = write_minutes(g.events, int(g.duration_s * 1000), path)
        out.append(Gen3Case(load_events(path).events, n * 60_000, _spans(g.sales), "sales",
                            DetectOptions(resolution_s=60)))
    return out
