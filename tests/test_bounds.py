"""Work and memory follow the events and the LIVE's real length, never the size of a number in a file:
Unix times (s, ms, us, ns) are read as absolute times, a stray far-off time is skipped naming its line, and a
LIVE length beyond any real LIVE is refused."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import run_cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from livehighlights.engine import detect
from livehighlights.errors import InputError
from livehighlights.rules import MAX_LIVE_S
from livehighlights.sources import load_events

_SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _write(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), "utf-8")
    return path


@_SETTINGS
@given(start_s=st.integers(min_value=1_000_000_000, max_value=4_000_000_000),
       offsets_ms=st.lists(st.integers(min_value=0, max_value=4 * 3600 * 1000), min_size=1, max_size=30),
       unit=st.sampled_from([1, 1000, 1_000_000]), as_text=st.booleans())
def test_unix_times_align_like_iso_times(tmp_path: Path, start_s: int, offsets_ms: list[int], unit: int,
                                         as_text: bool) -> None:
    offsets_ms = sorted(offsets_ms)
    numeric, iso = [], []
    for off in offsets_ms:
        t_ms = start_s * 1000 + off
        value: float | int = (t_ms / 1000 if t_ms % 1000 else t_ms // 1000) if unit == 1 else t_ms * (unit // 1000)
        numeric.append({"ts": str(value) if as_text else value, "type": "like"})
        iso.append({"ts": (_EPOCH + timedelta(milliseconds=t_ms)).isoformat(), "type": "like"})
    a = load_events(_write(tmp_path / "num.jsonl", numeric))
    b = load_events(_write(tmp_path / "iso.jsonl", iso))
    assert [e.ts_ms for e in a.events] == [e.ts_ms for e in b.events] == [o - offsets_ms[0] for o in offsets_ms]
    assert a.live_start_utc == b.live_start_utc == _EPOCH + timedelta(milliseconds=start_s * 1000 + offsets_ms[0])
    assert a.warnings == []


def test_a_number_that_is_no_time_is_refused_with_the_reason(tmp_path: Path) -> None:
    path = _write(tmp_path / "ev.jsonl", [{"ts": 5e11, "type": "like"}, {"ts": 3, "type": "like"}])
    with pytest.raises(InputError, match=r"line 1.*neither seconds from the LIVE's start nor a Unix time"):
        load_events(path, strict=True)


@_SETTINGS
@given(n=st.integers(min_value=5, max_value=60), stray_s=st.floats(min_value=MAX_LIVE_S + 1, max_value=1e12),
       at=st.integers(min_value=0, max_value=4), absolute=st.booleans())
def test_a_stray_far_time_is_skipped_naming_its_line(tmp_path: Path, n: int, stray_s: float, at: int,
                                                     absolute: bool) -> None:
    base = datetime(2026, 11, 21, 20, tzinfo=UTC)

    def ts(sec: float) -> object:
        return (base + timedelta(seconds=sec)).isoformat() if absolute else sec

    records = [{"ts": ts(i * 10), "type": "like"} for i in range(n)]
    stray_s = min(stray_s, 9e8)  # beyond, a number is a Unix time (and datetime's range ends)
    records.insert(min(at, n), {"ts": ts(stray_s), "type": "order", "amount": 5})
    log = load_events(_write(tmp_path / "ev.jsonl", records))
    assert len(log.events) == n and log.span_ms == (0, (n - 1) * 10_000)
    line = min(at, n) + 1
    assert any(w.where is not None and w.where.line == line and "stray time" in w.message for w in log.warnings)
    with pytest.raises(InputError, match=f"line {line}.*stray time"):
        load_events(tmp_path / "ev.jsonl", strict=True)


def test_a_stray_early_absolute_time_does_not_move_the_start(tmp_path: Path) -> None:
    base = datetime(2026, 11, 21, 20, tzinfo=UTC)
    records = [{"ts": "1999-01-01T00:00:00Z", "type": "like"}]
    records += [{"ts": (base + timedelta(seconds=i)).isoformat(), "type": "like"} for i in range(20)]
    log = load_events(_write(tmp_path / "ev.jsonl", records))
    assert log.live_start_utc == base and log.span_ms == (0, 19_000)
    assert "line 1" in str(log.warnings[0]) and "stray time" in str(log.warnings[0])


def test_epoch_log_gives_moments_on_the_live_s_own_clock(tmp_path: Path) -> None:
    start_ms = 1_763_755_200_000
    records = [{"ts": start_ms + i * 1000, "type": "like", "count": 2} for i in range(600)]
    records += [{"ts": start_ms + 290_000, "type": "product_pin", "product_id": "p1"}]
    records += [{"ts": start_ms + (300 + i) * 1000, "type": "order", "amount": 20, "product_id": "p1"}
                for i in range(30)]
    log = load_events(_write(tmp_path / "ev.jsonl", records))
    assert log.span_ms == (0, 599_000)
    found = detect(log.events, log.span_ms[1] + 1000).moments
    assert found and all(0 <= m.start_ms < 600_000 for m in found)


@pytest.mark.parametrize("value", ["1e9", "inf", "nan", "-5", "0"])
def test_moments_refuses_an_absurd_duration(tmp_path: Path, value: str) -> None:
    path = _write(tmp_path / "ev.jsonl", [{"ts": i, "type": "like"} for i in range(10)])
    res = run_cli("moments", path, "--duration", value)
    assert res.returncode == 2, res.stderr
    assert "--duration" in res.stderr and "at most 86400 s" in res.stderr and "Traceback" not in res.stderr
    with pytest.raises(InputError, match="at most 86400 s"):
        detect([], float(value) * 1000 if value not in ("inf", "nan") else float(value))


def test_the_online_timeline_is_bounded_whatever_an_event_says() -> None:
    from livehighlights.models import Event
    from livehighlights.signals import TimelineBuilder

    builder = TimelineBuilder()
    builder.add(Event(ts_ms=1000, type="like", count=1))
    assert builder.add(Event(ts_ms=10**15, type="like", count=1)) == []  # a live feed's absurd time
    assert len(builder.advance(10**15)) <= MAX_LIVE_S
    assert builder.closed_s <= MAX_LIVE_S and builder.stray_events == 1
    assert any("beyond 24 h" in w.message for w in builder.warnings())
