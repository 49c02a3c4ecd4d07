"""The live follower's parts that need no media: event sources stored before use, the wall clock and its
watermark, late events, leases and their take-over."""

from __future__ import annotations

import io
import json
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from livehighlights.engine import Engine
from livehighlights.live.clock import LiveClock, Watermark
from livehighlights.live.events import EventSink, JsonLinesTail, StoredEvents, StreamLines, parse_record
from livehighlights.live.leases import LeaseKeeper, acquire, follow_state, orphans, release, renew, save_follow
from livehighlights.models import Event
from livehighlights.store import open_store

ORIGIN = datetime(2026, 5, 1, 12, 0, 0, tzinfo=UTC)


@pytest.fixture
def store(tmp_path: Path):
    with open_store(f"sqlite:///{tmp_path / 'db.sqlite'}", media_root=tmp_path / "media") as st:
        yield st


@pytest.fixture
def live_id(store) -> str:
    seller = store.seller("shop")
    return store.upsert_live(seller.id, "follow:test", status="live", started_at=ORIGIN).id


def _wait(cond, timeout: float = 30.0) -> None:
    end = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > end:
            raise AssertionError("condition not reached in time")
        time.sleep(0.05)


def test_growing_file_is_followed_like_tail_and_every_line_stored(store, live_id, tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    path.write_text('{"ts": 1.5, "type": "like", "count": 3}\n{"ts": 2, "type": "comm')  # second line incomplete
    sink = EventSink(store, live_id, ORIGIN)
    stop = threading.Event()
    t = JsonLinesTail(path, poll_s=0.05).start(sink, stop)
    _wait(lambda: sink.stats.stored == 1)
    with path.open("a") as f:  # the rest of line 2, a bad line 3, an ISO-timed line 4
        f.write('ent", "text": "hi"}\nnot json\n{"ts": "2026-05-01T12:00:10.250Z", "type": "order", '
                '"product_id": "p1", "amount": 9.5}\n{"ts": 3, "type": "like", "count": -1}\n')
    _wait(lambda: sink.stats.stored == 3 and sink.stats.bad == 2)
    stop.set()
    t.join(5)
    got = StoredEvents(store, live_id).poll()
    assert [(e.ts_ms, e.type) for e in got] == [(1500, "like"), (2000, "comment"), (10250, "order")]
    assert got[1].text == "hi"
    assert sink.stats.problems[0].startswith("events.jsonl:3: ")
    assert "events.jsonl:5" in sink.stats.problems[1] and "count" in sink.stats.problems[1]
    # read again from the top (a follower restarted): nothing stored twice
    sink2 = EventSink(store, live_id, ORIGIN)
    stop2 = threading.Event()
    t2 = JsonLinesTail(path, poll_s=0.05).start(sink2, stop2)
    _wait(lambda: sink2.stats.duplicates == 3)
    stop2.set()
    t2.join(5)
    assert sink2.stats.stored == 0
    assert store.get_live(store.seller("shop").id, live_id).n_events == 3


def test_stdin_and_tiktok_records_and_times_before_the_start(store, live_id) -> None:
    lines = "\n".join([
        json.dumps({"ts": (ORIGIN - timedelta(seconds=5)).isoformat(), "type": "join"}),
        json.dumps({"event": "CommentEvent", "comment": "how much?", "user": {"unique_id": "ann"},
                    "create_time": int((ORIGIN + timedelta(seconds=7)).timestamp() * 1000)}),
    ]) + "\n"
    sink = EventSink(store, live_id, ORIGIN)
    StreamLines(io.StringIO(lines)).run(sink, threading.Event())
    got = StoredEvents(store, live_id).poll()
    assert [(e.ts_ms, e.type, e.text, e.user) for e in got] == [(0, "join", None, None),
                                                                  (7000, "comment", "how much?", "ann")]
    assert got[1].raw["event"] == "CommentEvent"  # the client's record is kept whole
    assert sink.stats.before_start == 1


def test_parse_record_names_the_field() -> None:
    with pytest.raises(ValueError, match="ts"):
        parse_record({"type": "like"}, ORIGIN, "x:1")
    with pytest.raises(ValueError, match="product_id"):
        parse_record({"ts": 1, "type": "product_pin"}, ORIGIN, "x:1")


def test_stored_events_are_read_by_arrival_and_late_ones_still_count(store, live_id) -> None:
    sink = EventSink(store, live_id, ORIGIN)
    tail = StoredEvents(store, live_id)
    engine = Engine.from_names()
    sink.put([Event(5000, "like", count=1), Event(9000, "like", count=1)])
    for ev in tail.poll():
        engine.feed(ev)
    engine.advance(9000)
    sink.put([Event(3000, "comment", text="late"), Event(9500, "like", count=2)])
    fresh = tail.poll()
    assert [e.ts_ms for e in fresh] == [3000, 9500]  # arrival order, only the new ones
    late = sum(1 for e in fresh if e.ts_ms < engine.closed_s * 1000)
    assert late == 1
    assert [e.ts_ms for e in tail.upto(tail.last_seq())] == [3000, 5000, 9000, 9500]  # a resume replays by time


def test_clock_and_watermark() -> None:
    clock = LiveClock.starting_now(speed=10.0, already_ms=5000)
    assert 4900 <= clock.now_ms() <= 7000
    wm = Watermark(clock, lag_ms=2000, at_ms=60_000)
    assert wm.advance() == 60_000  # never moves back (a resumed follower starts from the stored watermark)
    wm2 = Watermark(clock, lag_ms=2000)
    time.sleep(0.2)
    assert wm2.advance() >= 4000
    assert abs(clock.live_ms(clock.wall(123_456)) - 123_456) <= 1
    with pytest.raises(Exception, match="speed"):
        LiveClock(ORIGIN, 0)


def test_a_live_is_leased_to_one_follower_and_taken_over_after_expiry(store, live_id) -> None:
    assert acquire(store, live_id, "host-a:1:x", lease_s=0.6)
    assert not acquire(store, live_id, "host-b:2:y", lease_s=0.6)
    renew(store, live_id, "host-a:1:x", lease_s=0.6, watermark_ms=42_000)
    assert follow_state(store, store.seller("shop").id, live_id).watermark_ms == 42_000
    save_follow(store, live_id, follow={"video": {"kind": "file"}})
    assert orphans(store) == []
    time.sleep(0.8)  # A died: its lease runs out
    assert orphans(store) == [(store.seller("shop").id, live_id)]
    assert acquire(store, live_id, "host-b:2:y", lease_s=5)
    with pytest.raises(Exception, match="another follower"):
        renew(store, live_id, "host-a:1:x")
    release(store, live_id, "host-a:1:x")  # not A's any more: nothing happens
    assert follow_state(store, store.seller("shop").id, live_id).lease_owner == "host-b:2:y"


def test_a_dead_local_follower_is_taken_over_at_once(store, live_id) -> None:
    import socket
    import subprocess
    import sys

    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()
    dead = f"{socket.gethostname()}:{p.pid}:abc"
    assert acquire(store, live_id, dead, lease_s=600)
    assert acquire(store, live_id, "someone-else:1:z")


def test_lease_keeper_renews_and_notices_a_take_over(store, live_id) -> None:
    assert acquire(store, live_id, "a:1:k", lease_s=1.0)
    keeper = LeaseKeeper(store, live_id, "a:1:k", extra=lambda: {"watermark_ms": 7000}, lease_s=1.0,
                         every_s=0.2).start()
    time.sleep(1.5)
    assert not acquire(store, live_id, "b:2:k")  # renewed: still A's
    assert follow_state(store, store.seller("shop").id, live_id).watermark_ms == 7000
    save_follow(store, live_id)  # nothing to set: harmless
    from sqlalchemy import update

    from livehighlights.store.schema import LiveRow

    with store.session(write=True) as s, s.begin():  # B takes it by force (A was thought dead)
        s.execute(update(LiveRow).where(LiveRow.id == live_id).values(lease_owner="b:2:k"))
    assert keeper.lost.wait(5)
    keeper.stop(give_back=True)
    assert follow_state(store, store.seller("shop").id, live_id).lease_owner == "b:2:k"


def test_an_end_event_ends_the_live_and_hours_late_events_are_stored_not_counted(tmp_path: Path) -> None:
    """A tiny follower on a synthetic 90-second video paced at 10x: an event an hour late is stored and counted as
    late but never fed to the engine; the LIVE ends on its end event, before the video runs out."""
    from conftest import media_ffmpeg

    from livehighlights.live.follower import FollowOptions
    from livehighlights.live.session import start_follow
    from livehighlights.publish.config import PublishConfig

    video = tmp_path / "v.mp4"
    media_ffmpeg("-f", "lavfi", "-i", "testsrc2=size=160x284:rate=10:duration=90", "-f", "lavfi", "-i",
                 "sine=frequency=300:duration=90", "-c:v", "libx264", "-preset", "ultrafast", "-g", "20",
                 "-c:a", "aac", "-shortest", str(video))
    events = tmp_path / "events.jsonl"
    events.write_text("".join(json.dumps({"ts": t, "type": "like", "count": 1}) + "\n" for t in range(0, 40)))
    with open_store(f"sqlite:///{tmp_path / 'db.sqlite'}", media_root=tmp_path / "media") as st:
        notes: list[str] = []
        f = start_follow(st, PublishConfig(), video=f"paced:{video}", events=str(events), catalog=None,
                         seller="shop", options=FollowOptions(mode="review", poll_s=0.05), speed=10.0,
                         on_note=notes.append)

        def late_then_end() -> None:
            _wait(lambda: f.watermark.at_ms > 70_000, 60)
            with events.open("a") as out:
                out.write(json.dumps({"ts": (f.clock.origin - timedelta(hours=1)).isoformat(), "type": "order",
                                      "product_id": "p1", "amount": 5.0}) + "\n")
                out.write(json.dumps({"ts": 1.0, "type": "order", "product_id": "p1", "amount": 9.0}) + "\n")
                out.write(json.dumps({"ts": 86.0, "type": "live_end"}) + "\n")

        threading.Thread(target=late_then_end, daemon=True).start()
        res = f.run()
        assert res.end is not None and res.end.ended_by == "end event"
        assert res.end.end_ms < 90_000
        assert res.ingest.stored == 43 and res.ingest.before_start == 1
        assert f.too_late == 2  # the two old orders (a slow start may make a few first likes late, not too late)
        assert res.late_events >= 2
        assert any("not counted toward moments" in w for w in res.warnings)
        assert st.get_live(st.seller("shop").id, res.live_id).n_events == 43
        assert st.get_live(st.seller("shop").id, res.live_id).status == "ended"


def test_cli_auto_switch_and_bad_input_get_one_line_messages(tmp_path: Path) -> None:
    from conftest import run_cli

    r = run_cli("auto", "on", "--seller", "shop")
    assert r.returncode == 0 and "Auto LIVE Highlights for shop: on" in r.stdout
    r = run_cli("auto", "--seller", "shop")
    assert "on" in r.stdout
    r = run_cli("auto", "off", "--seller", "shop")
    assert r.returncode == 0 and ": off" in r.stdout
    bad = [
        (("live", "--events", "e.jsonl"), "--video"),
        (("live", "--video", "paced:x.mp4"), "--events"),
        (("live", "--video", "a.mp4", "--events", "e.jsonl", "--auto-post", "--review"), "contradict"),
        (("live", "--video", "a.mp4", "--events", "e.jsonl", "--to", "nowhere"), "nowhere"),
        (("live", "--video", str(tmp_path / "missing.mp4"), "--events", "e.jsonl"), "missing.mp4"),
        (("live", "--video", f"paced:{tmp_path / 'missing.mp4'}", "--events", "e.jsonl"), "no such recording"),
        (("live", "--resume", "live_000000000000"), "no LIVE with id"),
        (("auto", "maybe"), "not on, off or status"),
    ]
    for args, words in bad:
        r = run_cli(*args, cwd=tmp_path)
        assert r.returncode == 2, (args, r.stdout, r.stderr)
        assert words in r.stderr and "Traceback" not in r.stderr, (args, r.stderr)


def test_ctrl_c_stops_cleanly_and_the_live_can_be_resumed(tmp_path: Path) -> None:
    import os
    import signal
    import subprocess
    import sys

    from conftest import media_ffmpeg

    video = tmp_path / "v.mp4"
    media_ffmpeg("-f", "lavfi", "-i", "testsrc2=size=160x284:rate=10:duration=60", "-f", "lavfi", "-i",
                 "sine=frequency=300:duration=60", "-c:v", "libx264", "-preset", "ultrafast", "-g", "20",
                 "-c:a", "aac", "-shortest", str(video))
    events = tmp_path / "events.jsonl"
    events.write_text("".join(json.dumps({"ts": t, "type": "like", "count": 2}) + "\n" for t in range(0, 60, 2)))
    db = f"sqlite:///{tmp_path / 'db.sqlite'}"
    env = {**os.environ, "LIVEHIGHLIGHTS_DB": db, "LIVEHIGHLIGHTS_MEDIA": str(tmp_path / "media"),
           "PYTHONPATH": os.pathsep.join(sys.path)}
    p = subprocess.Popen([sys.executable, "-m", "livehighlights._cli.main", "live", "--video", f"paced:{video}",
                          "--events", str(events), "--review", "--seller", "shop"], env=env, text=True,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    with open_store(db, media_root=tmp_path / "media") as st:
        sid = st.seller("shop").id

        def held() -> bool:
            lives = st.lives(sid)
            return bool(lives) and (follow_state(st, sid, lives[0].id).watermark_ms or 0) > 0

        try:
            _wait(held, 120)  # following, and the watermark saved once
        finally:
            p.send_signal(signal.SIGINT)
        out, _ = p.communicate(timeout=120)
        assert p.returncode == 0, out
        (live,) = st.lives(sid)
        assert f"livehighlights live --resume {live.id}" in out
        state = follow_state(st, sid, live.id)
        assert state.status == "live" and state.lease_owner is None and state.ended_at is None
        assert state.follow["video"]["kind"] == "paced" and state.follow["options"]["mode"] == "review"


def test_events_pushed_into_the_store_are_followed_by_seq(tmp_path: Path) -> None:
    """``--events store``: events arrive in the events table (the web API's push endpoint writes there); the
    follower reads them by arrival, and an end event pushed that way ends the LIVE."""
    from conftest import media_ffmpeg

    from livehighlights.live.follower import FollowOptions
    from livehighlights.live.session import start_follow
    from livehighlights.publish.config import PublishConfig

    video = tmp_path / "v.mp4"
    media_ffmpeg("-f", "lavfi", "-i", "testsrc2=size=160x284:rate=10:duration=60", "-f", "lavfi", "-i",
                 "sine=frequency=300:duration=60", "-c:v", "libx264", "-preset", "ultrafast", "-g", "20",
                 "-c:a", "aac", "-shortest", str(video))
    with open_store(f"sqlite:///{tmp_path / 'db.sqlite'}", media_root=tmp_path / "media") as st:
        f = start_follow(st, PublishConfig(), video=f"paced:{video}", events="store", catalog=None, seller="shop",
                         options=FollowOptions(mode="review", poll_s=0.05), speed=20.0)
        assert f.events is None

        def push() -> None:
            for t in range(0, 30):
                st.ingest_events(f.ctx.live_id, [Event(t * 1000, "comment", text=f"hi {t}", source=f"api:{t}")])
                time.sleep(0.02)
            _wait(lambda: f.watermark.at_ms > 35_000, 60)
            st.ingest_events(f.ctx.live_id, [Event(45_000, "live_end", source="api:end")])

        threading.Thread(target=push, daemon=True).start()
        res = f.run()
        assert res.end is not None and res.end.ended_by == "end event" and res.end.end_ms < 60_000
        assert st.get_live(st.seller("shop").id, res.live_id).n_events == 31
        assert follow_state(st, st.seller("shop").id, res.live_id).follow["events"] == {"kind": "store"}
