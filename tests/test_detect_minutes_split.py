"""A run of minutes that sold for longer than a pitch is cut at its pitches: one sales moment per pitch where the
per-minute export's clicks tell the pitches apart (:func:`livehighlights.detect.coarse.split_run`).

Built from the simulator's LIVEs written as per-minute exports (as ``bench/detect.py``'s ``sim-perminute`` does): a
busy shop pitching one product after another sells in every minute, and before the cut its pitches ran together
(seed 2: one moment over minutes 11-24, five pitches)."""

from __future__ import annotations

import pytest

from livehighlights.detect.coarse import MAX_RUN_S, split_run
from livehighlights.detect.history import SeriesStore
from livehighlights.evaluate import match_one_to_one
from livehighlights.models import Moment
from livehighlights.signals.timeline import METRICS, Second

SEEDS = (1, 2, 3)
MINUTES = 30


@pytest.fixture(scope="module")
def lives(minute_exports: dict) -> dict:
    """Per seed (1-3, 30 minutes): the per-minute export's sales moments and planted pitches, ms (``conftest``)."""
    return {seed: (moments, planted) for seed, (moments, _, planted) in minute_exports.items()}


def test_a_sales_moment_longer_than_the_cap_is_one_pitch(lives: dict) -> None:
    """Longer than :data:`MAX_RUN_S`, a moment's minutes (but for one at either end, too short a piece to stand
    alone) were all judged on one pitch: a run over several pitches was cut."""
    for seed, (moments, _) in lives.items():
        assert moments, seed
        for m in moments:
            if m.end_ms - m.start_ms <= MAX_RUN_S * 1000:
                continue
            starts = [p["start_s"] for p in m.evidence["periods"]]
            assert starts == list(range(m.start_ms // 1000, m.end_ms // 1000, 60)), (seed, starts)  # as judged
            inner = m.evidence["periods"][1:-1]
            pitches = {tuple((p["orders"] or {}).get("pitch_s") or ()) for p in inner}
            assert len(pitches) == 1 and () not in pitches, (seed, m.start_ms // 60_000, m.end_ms // 60_000, pitches)


def test_the_pitches_of_a_busy_shop_are_moments_of_their_own(lives: dict) -> None:
    """Matched one to one (one moment stands for one pitch), the sales moments find two thirds of the pitches of
    each LIVE at least; joined into runs of ten minutes and more they found 6, 4 and 5 of 9, 10 and 9."""
    for seed, (moments, planted) in lives.items():
        pairs = match_one_to_one([(m.start_ms, m.end_ms) for m in moments], planted)
        assert 3 * len(pairs) >= 2 * len(planted), (seed, len(pairs), len(planted),
                                                    [(m.start_ms // 60_000, m.end_ms // 60_000) for m in moments])


def _store(orders_per_minute: list[int]) -> SeriesStore:
    """100 viewers every second, each minute's orders in its first second."""
    store = SeriesStore()
    for t in range(60 * len(orders_per_minute)):
        values = dict.fromkeys(METRICS, 0.0)
        values["viewers"] = 100.0
        values["orders"] = float(orders_per_minute[t // 60]) if t % 60 == 0 else 0.0
        store.push(Second(t, values, None))
    return store


def _run(pitches: list[tuple[int, int] | None]) -> list[Moment]:
    """One sold minute per entry, judged on that pitch (seconds), or on its own minute (``None``)."""
    return [Moment(k * 60_000, (k + 1) * 60_000, k * 60_000, 1.0, "t", kind="sales",
                   evidence={"window_s": [k * 60, (k + 2) * 60],
                             "orders": {"expected": 1.0, **({"pitch_s": list(p)} if p else {})}})
            for k, p in enumerate(pitches)]


def _minutes(pieces: list[list[Moment]]) -> list[list[int]]:
    return [[m.start_ms // 60_000 for m in piece] for piece in pieces]


def test_split_run_cuts_at_pitches_only_and_keeps_two_minutes_a_side() -> None:
    store = _store([5] * 8)
    a, b, c = (0, 240), (240, 480), (480, 540)
    # two pitches of four minutes: cut between them, each left whole (its minutes share its orders)
    assert _minutes(split_run(_run([a] * 4 + [b] * 4), store)) == [[0, 1, 2, 3], [4, 5, 6, 7]]
    # a lone minute after a pitch is its orders' lag: not a piece of its own
    assert _minutes(split_run(_run([a] * 4 + [b] * 3 + [c]), store)) == [[0, 1, 2, 3], [4, 5, 6, 7]]
    # without pitches (no clicks) the minutes alone do not tell pitches apart: not cut
    assert _minutes(split_run(_run([None] * 8), store)) == [list(range(8))]
    # no longer than the cap: not cut
    assert _minutes(split_run(_run([a, a, b]), store)) == [[0, 1, 2]]


def test_split_run_cuts_before_the_minute_of_fewest_orders_per_viewer() -> None:
    pitches = [(0, 120), (0, 120), (120, 180), (180, 360), (180, 360), (180, 360)]
    assert _minutes(split_run(_run(pitches), _store([5, 5, 5, 1, 5, 5]))) == [[0, 1, 2], [3, 4, 5]]
    assert _minutes(split_run(_run(pitches), _store([5, 5, 1, 5, 5, 5]))) == [[0, 1], [2, 3, 4, 5]]
