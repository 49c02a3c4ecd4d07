"""A JSON Lines log streamed line by line gives the moments the whole-log path gives, and says the same of bad
lines; what it cannot stream (clock times, other formats) is left to the loader."""

from __future__ import annotations

import gzip
import json
import random
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from livehighlights.engine import detect, detect_stream
from livehighlights.errors import InputError
from livehighlights.sim import SimConfig, simulate
from livehighlights.sources import load_catalog, load_events
from livehighlights.sources.stream import REORDER_S, stream_events


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    out = tmp_path_factory.mktemp("live12")
    simulate(SimConfig(minutes=12, seed=4), out, media=False)
    return out


def _moments(detection) -> list[dict]:
    return [m.to_json() for m in detection.moments]


def test_a_streamed_log_gives_the_moments_of_the_loaded_log(live):
    catalog = load_catalog(live / "catalog.json")
    log = load_events(live / "events.jsonl", catalog=catalog)
    whole = detect(log.events, log.span_ms[1] + 1000, catalog=catalog)
    stream = stream_events(live / "events.jsonl", catalog=catalog)
    assert stream is not None
    streamed = detect_stream(stream, catalog=catalog)
    assert _moments(streamed) == _moments(whole) and whole.moments
    assert stream.stats["events"] == len(log.events) and stream.last_ms == log.span_ms[1]


def test_lines_out_of_order_are_put_back_and_bad_lines_named(live, tmp_path):
    lines = (live / "events.jsonl").read_text().splitlines()
    rng = random.Random(1)
    for i in range(10, len(lines) - 1, 97):  # swap neighbours: out of order by well under REORDER_S
        lines[i], lines[i + 1] = lines[i + 1], lines[i]
    lines.insert(5, "{not json")
    lines.insert(9, json.dumps({"ts": 3, "type": "order", "quantity": 0}))
    rng.shuffle(lines[-3:])
    path = tmp_path / "messy.jsonl.gz"
    path.write_bytes(gzip.compress(("\n".join(lines) + "\n").encode()))
    stream = stream_events(path)
    assert stream is not None
    events = list(stream)
    assert [e.ts_ms for e in events] == sorted(e.ts_ms for e in events)  # put back in order
    said = " | ".join(str(w) for w in stream.warnings)
    assert "line 6" in said and "not valid JSON" in said
    assert "line 10" in said and "quantity" in said
    assert "out of time order" in said and stream.stats["late"] == 0
    loaded = load_events(path)
    assert len(events) == len(loaded.events)


def test_an_event_later_than_the_reorder_window_is_counted_where_it_comes(tmp_path):
    recs = [{"ts": t, "type": "comment", "text": "hi", "user": f"u{t}"} for t in range(0, 60)]
    recs.append({"ts": 60 - REORDER_S - 5, "type": "like"})
    path = tmp_path / "late.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in recs))
    stream = stream_events(path)
    assert stream is not None
    detection = detect_stream(stream)
    said = " | ".join(str(w) for w in stream.warnings + detection.warnings)
    assert stream.stats["late"] == 1 and "counted when they came" in said
    assert "arrived for a second already closed" in said


def test_clock_times_and_other_formats_are_left_to_the_loader(live, tmp_path):
    clock = tmp_path / "clock.jsonl"
    clock.write_text('{"ts": "2026-01-05T10:00:00Z", "type": "like"}\n{"ts": "2026-01-05T10:00:02Z", "type": "like"}\n')
    assert stream_events(clock) is None
    csv = tmp_path / "events.csv"
    csv.write_text("ts,type\n1,like\n")
    assert stream_events(csv) is None
    with pytest.raises(InputError, match="folder"):
        stream_events(tmp_path)


def test_a_log_with_no_event_is_refused_naming_the_first_problem(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"ts": 1}\n{"ts": 2, "type": "order", "amount": -3}\n')
    stream = stream_events(path)
    assert stream is not None
    with pytest.raises(InputError, match="no events.*missing 'type'"):
        detect_stream(stream)


def test_moments_streams_a_long_log_through_the_cli(live):
    proc = subprocess.run([sys.executable, "-m", "livehighlights._cli.main", "moments", str(live / "events.jsonl"),
                           "--catalog", str(live / "catalog.json"), "--json"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    catalog = load_catalog(live / "catalog.json")
    log = load_events(live / "events.jsonl", catalog=catalog)
    expected = _moments(detect(log.events, log.span_ms[1] + 1000, catalog=catalog))
    assert json.loads(proc.stdout) == json.loads(json.dumps(expected))


line = st.one_of(
    st.text(max_size=30),
    st.fixed_dictionaries({"ts": st.one_of(st.integers(-5, 400), st.floats(allow_nan=True), st.text(max_size=5)),
                           "type": st.sampled_from(["like", "comment", "order", "viewers", "odd", 3])},
                          optional={"count": st.one_of(st.integers(-2, 50), st.text(max_size=3)),
                                    "amount": st.floats(-5, 100), "id": st.sampled_from(["a", "b", "c"])})
    .map(json.dumps),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(line, min_size=1, max_size=25))
def test_any_lines_stream_into_events_or_one_clear_refusal(tmp_path, lines):
    path = tmp_path / "any.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    stream = stream_events(path)
    if stream is None:  # clock times first, or nothing readable in the first lines: the loader's business
        return
    try:
        events = list(stream)
    except InputError as err:
        assert "no events" in str(err)
        return
    assert events and all(0 <= e.ts_ms for e in events)
    assert [e.ts_ms for e in events] == sorted(e.ts_ms for e in events) or stream.stats["late"]
