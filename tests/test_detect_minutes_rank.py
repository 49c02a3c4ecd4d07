"""Sales moments of a shop's per-minute export rank by the evidence that they sold, as product moments do.

A run of minutes that sold is one moment (:mod:`livehighlights.detect.coarse`); each of its minutes holds only part
of a pitch's orders and was scored on its own. The run is judged as a whole: its orders over the stretches its
minutes were judged on, against the rate they were judged against (evidence ``run_orders``), and where they stand
out it carries the ``sale`` component a product moment carries (the z, plus how far its orders came above the
expectation in units of the LIVE's own orders per minute). Built from the simulator's LIVEs written as per-minute
exports (as ``bench/detect.py``'s ``sim-perminute`` does). Without it, a run ranked by its best minute's score, mostly
clicks and chat: in seed 2's LIVE a run of the first minutes with 13 orders ranked above one with 37."""

from __future__ import annotations

import math

import pytest

from livehighlights.detect import DetectOptions
from livehighlights.models import Event, Moment

SEEDS = (1, 2, 3)
MINUTES = 30


@pytest.fixture(scope="module")
def sales(minute_exports: dict) -> dict:
    """Per seed (1-3, 30 minutes): the per-minute export's sales moments and events (``conftest.minute_exports``)."""
    return {seed: (moments, events) for seed, (moments, events, _) in minute_exports.items()}


def test_a_run_of_minutes_that_sold_is_judged_as_a_whole_and_ranks_by_it(sales: dict) -> None:
    opts = DetectOptions()
    for seed, (moments, events) in sales.items():
        assert moments, seed
        per_min = max(0.5, sum(1 for e in events if e.type == "order") / MINUTES)
        for m in moments:
            run = m.evidence["run_orders"]
            a, b = run["window_s"]
            assert a <= m.start_ms // 1000 and b >= min(m.end_ms // 1000 + 60, MINUTES * 60), (seed, run)  # and the lag
            if run["z"] < opts.product_min_z * 2 / 3:
                assert "sale" not in m.breakdown
                continue
            strength = max(0.0, math.log2(max(run["value"] - run["expected"], 1e-9) / per_min))
            expected = opts.sale_weight * (min(opts.z_cap, run["z"]) + 2.0 * strength)
            assert m.breakdown["sale"] == pytest.approx(expected, abs=0.01), (seed, m.breakdown, run)


def _excess(m: Moment, moments: list[Moment], events: list[Event]) -> float:
    """Orders over the moment's minutes and the minute after, beyond the LIVE's orders per viewer outside every sales
    moment (counted from the export here, not taken from the detector)."""
    per_minute: dict[int, list[float]] = {}
    for e in events:
        row = per_minute.setdefault(e.ts_ms // 60_000, [0.0, 0.0])
        if e.type == "order":
            row[0] += 1
        elif e.type == "viewers":
            row[1] = float(e.count or 0)
    sold = {k for s in moments for k in range(s.start_ms // 60_000, s.end_ms // 60_000 + 1)}
    quiet = [row for k, row in per_minute.items() if k not in sold]
    rate = sum(o for o, _ in quiet) / max(1.0, sum(v for _, v in quiet))
    window = [per_minute.get(k, [0.0, 0.0]) for k in range(m.start_ms // 60_000, m.end_ms // 60_000 + 1)]
    return sum(o for o, _ in window) - rate * sum(v for _, v in window)


def test_the_sale_that_sold_most_beyond_the_usual_ranks_first(sales: dict) -> None:
    for seed, (moments, events) in sales.items():
        top = max(moments, key=lambda m: m.score)
        most = max(moments, key=lambda m: _excess(m, moments, events))
        assert top is most, (seed, [(m.start_ms // 60_000, m.end_ms // 60_000, round(m.score, 2),
                                     round(_excess(m, moments, events), 2)) for m in moments])
