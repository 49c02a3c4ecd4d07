"""The held-out generator ``bench/eventgen3.py`` is deterministic per seed, plants what it says, and writes logs the
loaders read back whole (JSON Lines, and per-minute totals for ``gen3-perminute``)."""

from __future__ import annotations

import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent / "bench"
sys.path.insert(0, str(BENCH))

from eventgen3 import Gen3Config, generate3, write_jsonl  # noqa: E402
from gen3cases import gen3_cases, gen3_minute_cases  # noqa: E402

from livehighlights.models import EVENT_TYPES  # noqa: E402
from livehighlights.sources import load_events  # noqa: E402


def _key(g) -> list[tuple]:
    return [(e.ts_ms, e.type, e.user, e.text, e.product_id, e.amount, e.count) for e in g.events]


def test_a_seed_makes_the_same_live_and_another_seed_another():
    a, b, c = generate3(Gen3Config(seed=4, minutes=25)), generate3(Gen3Config(seed=4, minutes=25)), \
        generate3(Gen3Config(seed=5, minutes=25))
    assert _key(a) == _key(b) and a.pitches == b.pitches and a.interactions == b.interactions
    assert _key(a) != _key(c)


def test_what_is_planted_lies_in_the_live_and_is_what_the_log_shows(tmp_path):
    g = generate3(Gen3Config(seed=2, minutes=40))
    assert g.duration_s == 2400 and 50 <= g.viewers0 <= 20_000 and 5 <= len(g.catalog) <= 30
    assert g.sales and g.engagement
    assert all(0 <= a < b <= g.duration_s for a, b in g.sales + g.engagement)
    for p in g.pitches:
        if p.sells:  # a pitch that sold caused at least two orders, after its lag, with a lift in the range
            assert p.caused_orders >= 2 and 1.3 <= p.lift <= 3.0 and 5 <= p.lag_s
    fun = [i for i in g.interactions if i.kind == "fun"]
    assert all(not (p.start_s < i.end_s and i.start_s < p.end_s) for p in g.pitches if p.sells for i in fun)
    assert [e.ts_ms for e in g.events] == sorted(e.ts_ms for e in g.events)
    assert {e.type for e in g.events} <= set(EVENT_TYPES)
    path = tmp_path / "g.jsonl"
    write_jsonl(g.events, path)
    log = load_events(path)
    assert not log.warnings and len(log.events) == len(g.events)
    orders = [e for e in log.events if e.type == "order"]
    assert orders and all(e.amount and e.amount > 0 and e.currency == g.currency for e in orders)
    texts = {e.text for e in log.events if e.type == "comment"}
    assert any("😂" in t or "🤣" in t for t in texts if t)  # chat with emoji, in several languages


def test_the_benchmark_cases_short_lives_sell_once_and_minutes_read_back(tmp_path):
    short = gen3_cases([1, 2, 3], "product", minutes=3)
    assert all(c.end_ms == 180_000 and len(c.planted) >= 1 for c in short)
    (coarse,) = gen3_minute_cases([6], tmp_path)
    (fine,) = gen3_cases([6], "product")
    assert coarse.kind == "sales" and coarse.planted == fine.planted
    assert coarse.options is not None and coarse.options.resolution_s == 60
    assert sum(e.amount or 0 for e in coarse.events if e.type == "order") > 0
