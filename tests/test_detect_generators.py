"""The benchmark's independent generators write logs the loaders read back whole: JSON Lines (loaded and
streamed alike), per-minute totals, and cumulative counters polled each minute that reset mid-LIVE."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"
sys.path.insert(0, str(BENCH))

from detect import write_minutes  # noqa: E402
from eventgen import write_jsonl  # noqa: E402
from eventgen2 import SHAPES, Gen2Config, generate2  # noqa: E402

from livehighlights.detect import DetectOptions  # noqa: E402
from livehighlights.engine import detect  # noqa: E402
from livehighlights.sources import load_events  # noqa: E402
from livehighlights.sources.stream import stream_events  # noqa: E402


@pytest.mark.parametrize("shape", SHAPES)
def test_eventgen2_logs_load_and_stream_to_the_same_events(tmp_path, shape):
    g = generate2(Gen2Config(minutes=12, seed=3, shape=shape, cents=shape == "raids"))
    path = tmp_path / "g.jsonl"
    write_jsonl(g.events, path)
    log = load_events(path)
    assert not log.warnings and len(log.events) == len(g.events)
    stream = stream_events(path)
    assert stream is not None
    streamed = list(stream)
    assert [(e.ts_ms, e.type, e.product_id, e.amount) for e in streamed] == \
        [(e.ts_ms, e.type, e.product_id, e.amount) for e in log.events]
    viewers = [e.ts_ms for e in log.events if e.type == "viewers"]
    gaps = [b - a for a, b in zip(viewers, viewers[1:], strict=False)]
    assert viewers and min(gaps) >= 7_000 and max(gaps) <= 150_000  # polled every 10-60 s, a report missed now and then
    assert g.shape == shape and all(a < b for a, b in g.sales)


def test_cumulative_counters_that_reset_read_as_the_per_minute_totals(tmp_path):
    g = generate2(Gen2Config(minutes=20, seed=5))
    end = int(g.duration_s * 1000)
    totals, counters = tmp_path / "t.minutes.csv", tmp_path / "c.minutes.csv"
    write_minutes(g.events, end, totals)
    write_minutes(g.events, end, counters, cumulative=True, reset_at=10)
    assert "gmv_total" in counters.read_text().splitlines()[0]
    a, b = load_events(totals), load_events(counters)
    said = " | ".join(str(w) for w in b.warnings)
    assert "counter reset at minute 10" in said and "c.minutes.csv, line 12, field 'gmv_total'" in said

    def key(log):
        return sorted((e.ts_ms, e.type, None if e.amount is None else round(e.amount, 6)) for e in log.events)

    assert key(a) == key(b)

    found_a = detect(a.events, 21 * 60_000, DetectOptions(resolution_s=60)).moments
    found_b = detect(b.events, 21 * 60_000, DetectOptions(resolution_s=60)).moments
    assert [(m.start_ms, m.end_ms, m.kind) for m in found_a] == [(m.start_ms, m.end_ms, m.kind) for m in found_b]
    assert all(m.start_ms % 60_000 == 0 and m.end_ms % 60_000 == 0 for m in found_a)
