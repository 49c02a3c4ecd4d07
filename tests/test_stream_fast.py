"""The fast path of a streamed log (orjson, plain records straight to events: sources/fastrec.py) changes nothing
a user sees: every record it takes becomes the event the general path makes of it, a messy simulated log gives
the moments of the whole-log loader, and each bad line is still named with its line and field."""

from __future__ import annotations

import json
import random
from pathlib import Path

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from livehighlights.detect.baseline import _median
from livehighlights.engine import detect, detect_stream
from livehighlights.models import EVENT_TYPES
from livehighlights.sim import SimConfig, simulate
from livehighlights.sources import load_catalog, load_events
from livehighlights.sources.eventlog import _Collector
from livehighlights.sources.fastrec import fast_event
from livehighlights.sources.stream import _event, stream_events


def _general(text: str):
    """What the general path (json + parse_ts + to_event) makes of one line, and what it said of it."""
    col = _Collector(Path("f.jsonl"), False)
    return _event(text, 1, "f.jsonl", col), col.warnings


def _fast(data: bytes):
    try:
        return fast_event(orjson.loads(data), "f.jsonl:1")
    except ValueError:
        return None


_value = st.one_of(
    st.none(), st.booleans(), st.integers(-3, 10), st.integers(-(2**70), 2**70),
    st.floats(allow_nan=True, allow_infinity=True), st.floats(0, 90_000), st.floats(-1, 1e20),
    st.text(max_size=4), st.sampled_from(["", " 3", "2.5", "$4.99", "1e3", "abc", "LIKE"]),
    st.lists(st.integers(), max_size=2),
)
_ts = st.one_of(st.integers(-2, 100_000), st.floats(-1, 90_000), st.floats(allow_nan=True),
                st.sampled_from([0.0005, 1.0005, 2.5e-05, 86400, 86400.0004, 86400.001, 1.7e9, "3", "00:01"]),
                st.integers(0, 86_400_000).map(lambda k: (k + 0.5) / 1000), st.none())
_type = st.one_of(st.sampled_from([*EVENT_TYPES, "Like", " order", "odd", ""]), st.integers(0, 2), st.none())
_keys = st.sampled_from(["id", "count", "text", "user", "product_id", "quantity", "amount", "currency",
                         "gross_profit", "value", "extra", "TS"])


@settings(max_examples=1500, deadline=None)
@given(ts=_ts, typ=_type, fields=st.dictionaries(_keys, _value, max_size=6), plain=st.booleans())
def test_a_record_the_fast_path_takes_is_the_event_the_general_path_makes(ts, typ, fields, plain):
    rec = {"ts": ts, "type": typ, **fields}
    if plain:  # the shapes of a real log, so that many examples are taken by the fast path
        rec = {k: v for k, v in rec.items() if isinstance(v, str | int | float) and not isinstance(v, bool)}
    text = json.dumps(rec, ensure_ascii=False)
    fast = _fast(text.encode("utf-8"))
    general, said = _general(text)
    if fast is not None:
        assert general is not None and not said
        assert fast == general  # every field: time, type, values, source, raw


def test_the_fast_path_takes_the_plain_records_of_a_simulated_log(tmp_path):
    simulate(SimConfig(minutes=2, seed=3), tmp_path, media=False)
    lines = (tmp_path / "events.jsonl").read_bytes().splitlines()
    taken = 0
    for data in lines:
        fast = _fast(data)
        general, _ = _general(data.decode("utf-8"))
        if fast is not None:
            taken += 1
            fast.source = general.source = None  # the line number told apart in _general
            assert fast == general
    assert taken >= 0.9 * len(lines)  # the simulator writes plain records: nearly all take the fast path


_BAD = [  # (line, what the warning about it must say)
    ('{"ts": 5, "type": "order", "quantity": 0}', "quantity"),
    ('{"ts": 6, "type": "like", "count": -2}', "count"),
    ('{"ts": 7, "type": "viewers"}', "count"),
    ('{"ts": NaN, "type": "like"}', "finite"),
    ('{"ts": -3, "type": "like"}', "negative"),
    ('{"ts": 8, "type": "order", "amount": -1}', "amount"),
    ('{"ts": 9, "type": 3}', "type"),
    ('{"ts": 10, "type": "product_pin"}', "product_id"),
    ('{"ts": 11, "type": "like", "count": "many"}', "count"),
    ('{"ts": 1e9, "type": "like"}', "ts"),
    ("{not json", "not valid JSON"),
    ("[1, 2]", "JSON object"),
]
_ODD_BUT_FINE = [  # the general path's leniency: kept, with their values coerced as before
    '{"ts": "12.5", "type": "LIKE", "count": "3"}',
    '{"ts": 13, "type": "order", "amount": "$4.99", "product_id": 7, "quantity": 2.0}',
    '{"ts": 14, "type": "comment", "text": "hi \\ud83d", "user": "u1"}',
    '{"ts": 15, "type": "gift", "value": 123456789012345678901234567890, "id": 123456789012345678901234567890}',
    '{"ts": 16, "type": "comment", "text": "wow", "user": "u2", "room": "main"}',
    '{"ts": 1.7e1, "type": "share"}',
    '{"ts": 18, "type": "sticker", "count": 1}',
]


@pytest.fixture(scope="module")
def messy(tmp_path_factory):
    """A simulated LIVE's log with bad lines, lenient lines, a BOM, blank lines, bytes that are not UTF-8,
    duplicates and lines out of order among its real records."""
    out = tmp_path_factory.mktemp("messy")
    simulate(SimConfig(minutes=8, seed=6), out, media=False)
    lines = (out / "events.jsonl").read_bytes().splitlines()
    rng = random.Random(3)
    for i in range(20, len(lines) - 1, 53):
        lines[i], lines[i + 1] = lines[i + 1], lines[i]
    extra = [b.encode() for b, _ in _BAD] + [s.encode() for s in _ODD_BUT_FINE] + [b"", b"  ",
                                                                                   b'{"ts": 19, "text": "\xff"}']
    times = [json.loads(b)["ts"] for b in lines]
    for data in reversed(extra):  # each where its time falls (among records of the same seconds), else anywhere
        try:
            ts = float(json.loads(data)["ts"])
        except (ValueError, KeyError, TypeError):
            ts = rng.uniform(0, 400)
        pos = next((i for i, t in enumerate(times) if t >= ts), len(times))
        lines.insert(pos, data)
        times.insert(pos, times[pos - 1] if pos else 0)
    lines.insert(40, lines[41])  # a duplicate line (no id: counted twice, as the loader does)
    path = out / "messy.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + b"\n".join(lines) + b"\n")
    return out, path, lines


def test_a_messy_log_streams_into_the_loaders_events_and_moments(messy):
    out, path, _ = messy
    catalog = load_catalog(out / "catalog.json")
    loaded = load_events(path, catalog=catalog)  # the whole-log loader: json.loads and to_event for every line
    stream = stream_events(path, catalog=catalog)
    assert stream is not None
    events = list(stream)

    def key(e):
        return (e.ts_ms, e.source)

    assert sorted(events, key=key) == sorted(loaded.events, key=key)  # every field of every event
    streamed = detect_stream(iter(events), catalog=catalog)
    whole = detect(loaded.events, loaded.span_ms[1] + 1000, catalog=catalog)
    assert whole.moments and [m.to_json() for m in streamed.moments] == [m.to_json() for m in whole.moments]


def test_each_bad_line_of_a_messy_log_is_named_with_its_line_and_field(messy):
    _, path, lines = messy
    stream = stream_events(path)
    assert stream is not None
    list(stream)
    said = [str(w) for w in stream.warnings]
    for bad, words in _BAD:
        n = lines.index(bad.encode()) + 1
        hit = [w for w in said if f"line {n}" in w or f"line {n}:" in w or f":{n}" in w]
        assert hit and any(words in w for w in hit), (bad, said)
    n = lines.index(b'{"ts": 19, "text": "\xff"}') + 1
    assert any(f"line {n}" in w and "not valid UTF-8" in w for w in said), said
    assert any("unknown event type 'sticker'" in w for w in said)
    loaded = load_events(path)
    assert stream.stats["malformed"] == loaded.stats["malformed"] == len(_BAD) + 1


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.integers(0, 20).map(float), st.floats(-1e6, 1e6)), min_size=1, max_size=300))
def test_the_window_median_is_numpys_bit_for_bit(values):
    import numpy as np

    a = np.asarray(values)
    assert _median(a) == float(np.median(a))


def test_the_garbage_collector_is_set_back_after_a_replay_even_a_refused_one(messy, tmp_path):
    import gc

    from livehighlights.errors import InputError

    before = gc.get_threshold()
    _, path, _ = messy
    stream = stream_events(path)
    assert stream is not None and detect_stream(stream).moments
    assert gc.get_threshold() == before
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"ts": 1}\n')
    stream = stream_events(bad)
    assert stream is not None
    with pytest.raises(InputError, match="no events"):
        detect_stream(stream)
    assert gc.get_threshold() == before
