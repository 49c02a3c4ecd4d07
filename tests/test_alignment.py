"""How the event log's clock lines up with the recording's: told (--offset, --live-start) or, when obvious,
detected and said; the messages name options that exist."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import run_cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from livehighlights.errors import InputError
from livehighlights.sources import check_overlap, load_events
from livehighlights.sources.eventlog import spill_tolerance_ms

_SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _write(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), "utf-8")
    return path


def _shifted(src: Path, dst: Path, by_s: float) -> Path:
    """``src``'s events with every time ``by_s`` later (a logger started that long before the recording)."""
    rows = [json.loads(line) for line in src.read_text("utf-8").splitlines() if line.strip()]
    return _write(dst, [{**r, "ts": round(r["ts"] + by_s, 3)} for r in rows])


@_SETTINGS
@given(times=st.lists(st.integers(min_value=0, max_value=3_600_000), min_size=2, max_size=40),
       extra_s=st.integers(min_value=0, max_value=500))
def test_a_log_whose_clock_started_early_is_moved_onto_the_recording(tmp_path: Path, times: list[int],
                                                                     extra_s: int) -> None:
    times = sorted({0, *times})
    duration = times[-1] + 1000
    offset = spill_tolerance_ms(duration) + 2000 + extra_s * 1000
    path = _write(tmp_path / "ev.jsonl", [{"ts": (t + offset) / 1000, "type": "like"} for t in times])
    log = load_events(path)
    before = len(log.events)
    warnings = check_overlap(log, duration)
    assert [e.ts_ms for e in log.events] == times and len(log.events) == before
    (w,) = warnings
    assert f"assumed the recording starts {offset / 1000:g} s into the event log" in str(w)
    assert "--offset" in str(w) and "--live-start" in str(w)
    told = load_events(path, offset_s=offset / 1000)
    assert [e.ts_ms for e in told.events] == times and check_overlap(told, duration) == []


def test_a_log_far_off_the_recording_is_refused_naming_the_options(tmp_path: Path) -> None:
    path = _write(tmp_path / "ev.jsonl", [{"ts": 10_000 + s, "type": "like"} for s in range(40)])
    log = load_events(path)
    with pytest.raises(InputError, match="no overlap.*--offset SECONDS.*--live-start"):
        check_overlap(log, 40_000)


def test_the_recording_s_creation_time_places_it_in_a_log_of_clock_times(tmp_path: Path) -> None:
    start = datetime(2026, 11, 21, 20, tzinfo=UTC)
    records = [{"ts": (start + timedelta(seconds=s)).isoformat(), "type": "like"} for s in range(0, 700, 5)]
    log = load_events(_write(tmp_path / "ev.jsonl", records))
    (w,) = check_overlap(log, 600_000, recording_start=start + timedelta(seconds=100))
    assert log.span_ms == (0, 595_000) and log.live_start_utc == start + timedelta(seconds=100)
    assert "creation time" in str(w) and "20 events before the recording's start ignored" in str(w)
    told = load_events(tmp_path / "ev.jsonl", live_start=(start + timedelta(seconds=100)).isoformat())
    assert check_overlap(told, 600_000, recording_start=start) == []  # told: nothing is guessed


def test_an_offset_that_leaves_no_event_and_live_start_on_relative_times_are_refused(tmp_path: Path) -> None:
    path = _write(tmp_path / "ev.jsonl", [{"ts": s, "type": "like"} for s in range(10)])
    with pytest.raises(InputError, match="every event of the log comes before"):
        load_events(path, offset_s=60)
    with pytest.raises(InputError, match="--offset"):
        load_events(path, live_start="2026-11-21T20:00:00Z")


def test_moments_with_offset_match_the_aligned_log(short_live, tmp_path: Path) -> None:
    late = _shifted(short_live.events, tmp_path / "late.jsonl", 30)
    want = run_cli("moments", short_live.events, "--json")
    got = run_cli("moments", late, "--json", "--offset", "30")
    assert want.returncode == got.returncode == 0, got.stderr
    assert json.loads(got.stdout) == json.loads(want.stdout)
    res = run_cli("moments", short_live.events, "--live-start", "2026-11-21T20:00:00Z")
    assert res.returncode == 2 and "--offset" in res.stderr and "Traceback" not in res.stderr


def test_process_detects_and_says_an_obvious_offset(short_live, tmp_path: Path) -> None:
    from livehighlights.pipeline import ProcessOptions, process

    late = _shifted(short_live.events, tmp_path / "late.jsonl", 30)
    opts = ProcessOptions(understand=None, render=False)
    want = process(short_live.recording, short_live.events, tmp_path / "a", options=opts)
    got = process(short_live.recording, late, tmp_path / "b", options=opts)
    said = [str(w) for w in got.warnings]
    assert any("assumed the recording starts 30" in w and "--offset" in w for w in said), said
    assert not any("after the recording's end" in w for w in said), said
    # the log's first event (at 0.122 s in the original) is taken as the recording's start
    assert [(m.product_id, m.kind) for m in got.moments] == [(m.product_id, m.kind) for m in want.moments]
    assert all(abs(a.start_ms - b.start_ms) <= 1000 for a, b in zip(got.moments, want.moments, strict=True))
    told = process(short_live.recording, late, tmp_path / "c", options=ProcessOptions(
        understand=None, render=False, offset_s=30))
    assert [m.to_json() for m in told.moments] == [m.to_json() for m in want.moments]
    assert not any("assumed" in str(w) for w in told.warnings)


def test_options_named_in_messages_exist() -> None:
    for cmd in ("process", "moments"):
        res = run_cli(cmd, "--help")
        assert "--offset" in res.stdout and "--live-start" in res.stdout, res.stdout
