"""The live follower end to end on a simulated LIVE played as if live (real media, real FFmpeg, a real store):
moments found on the wall clock go through the per-moment path of ``process``, are cut, remixed with the LIVE
cues and auto-posted; ``auto off`` in the middle of the LIVE stops posting; a stream with no audio posts nothing;
the end updates the posts and exports the review list; SIGKILL at any time and ``--resume`` lose nothing and post
nothing twice."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import media_ffmpeg
from publish_standins import WebhookReceiver
from sqlalchemy import select

from livehighlights.live.clock import LiveClock, play_events
from livehighlights.live.follower import FollowOptions
from livehighlights.live.session import start_follow
from livehighlights.publish import Outbox, PostChoices
from livehighlights.publish.config import PublishConfig, WebhookConfig
from livehighlights.publish.schema import PostRow
from livehighlights.store import open_store
from livehighlights.store.schema import MomentRow
from livehighlights.store.settings import auto_settings, set_auto_settings

SPEED = 10.0
ROOM = "https://live.example.com/room/42"


@pytest.fixture(scope="module")
def sim(tmp_path_factory: pytest.TempPathFactory):
    """A 3-minute simulated LIVE whose one successful pitch (30-70 s) is confirmed at about 160 s."""
    from livehighlights.sim import SimConfig, simulate

    return simulate(SimConfig(minutes=3, seed=7), tmp_path_factory.mktemp("live3"))


@pytest.fixture
def store(tmp_path: Path):
    with open_store(f"sqlite:///{tmp_path / 'db.sqlite'}", media_root=tmp_path / "media") as st:
        yield st


def _follow(store, sim, tmp_path: Path, cfg: PublishConfig, *, video: str | None = None, seller: str = "shop",
            mode: str = "auto", destinations: list[str] | None = None, **callbacks):
    events = tmp_path / "events.jsonl"
    events.write_text("")
    opts = FollowOptions(mode=mode, destinations=destinations or ["local"], room_url=ROOM,
                         out_dir=str(tmp_path / "review"), end_after_s=60)
    f = start_follow(store, cfg, video=video or f"paced:{sim.recording}", events=str(events), catalog=sim.catalog,
                     seller=seller, options=opts, speed=SPEED, **callbacks)
    threading.Thread(target=play_events, args=(sim.events, events, f.clock), daemon=True).start()
    return f


def _lines(path: Path) -> int:
    return sum(1 for line in path.read_text().splitlines() if line.strip())


def test_follow_cuts_remixes_and_auto_posts_then_updates_posts_at_the_end(store, sim, tmp_path: Path) -> None:
    """Through the real video buffer: FFmpeg takes the recording in as if live (at 10x), the follower reads it."""
    from livehighlights.pipeline import ProcessOptions, process
    with WebhookReceiver(secret="s3cret") as hook:
        cfg = PublishConfig(webhook=WebhookConfig(url=hook.url + "/hook", secret="s3cret"))
        sid = store.seller("shop").id
        for dest in ("local", "webhook"):
            Outbox(store, cfg).give_consent(sid, dest, PostChoices("PUBLIC_TO_EVERYONE"))
        seen: list[str] = []
        f = _follow(store, sim, tmp_path, cfg, video=str(sim.recording), destinations=["local", "webhook"],
                    on_moment=lambda m: seen.append(f"{m.kind}:{m.product_id}"))
        res = f.run()
        assert res.end is not None and res.end.ended_by.startswith("stream ended")
        assert res.ingest.stored == _lines(sim.events) and res.ingest.bad == 0  # every event stored
        assert "product:p01" in seen and res.failures == []
        assert auto_settings(store, sid).auto_post  # --auto-post switched it on
        # the same per-moment path as process: the same highlight, window and tier
        ref_store = open_store(f"sqlite:///{tmp_path / 'ref.sqlite'}", media_root=tmp_path / "ref-media")
        with ref_store:
            ref = process(sim.recording, sim.events, tmp_path / "ref-out", catalog_path=sim.catalog,
                          options=ProcessOptions(seller="shop"), store=ref_store)
        live_hl = sorted((h.product_id, h.tier, h.postable) for h in store.highlights(sid, res.live_id))
        ref_hl = sorted((h.window.product_id, h.compliance.tier if h.compliance else None, h.postable)
                        for h in ref.highlights)
        assert live_hl == ref_hl and ref_hl
        (ref_w,) = [(h.window.start_ms, h.window.end_ms) for h in ref.highlights]
        (hl,) = store.highlights(sid, res.live_id)
        assert abs(hl.start_ms - ref_w[0]) <= 1000 and abs(hl.end_ms - ref_w[1]) <= 1000
        assert hl.clip and store.media.path(hl.clip).is_file()
        # posted once per destination, as the LIVE-cue remix, with the room link in the caption
        posts = Outbox(store, cfg).posts(sid, res.live_id)
        assert sorted(p.destination for p in posts) == ["local", "webhook"]
        for p in posts:
            assert p.state == "published" and p.auto and p.rendition == "remix:classic", p
            assert ROOM in p.caption and p.highlight_id == hl.id
        (remix,) = store.remixes(sid, hl.id)
        assert remix.sidecar["live_on"] is True  # the LIVE-now badge, the arrow and the CLICK NOW card
        enh = remix.sidecar["enhancements"]
        assert enh["live_badge"]["text"] == "LIVE now" and enh["end_card"]["kind"] == "click_now"
        # the end: the feed shows the LIVE ended, the webhook got a signed update, the review list is exported
        feed = json.loads(store.media.path(f"feed/{sid}/feed.json").read_text())
        assert [i["live_now"] for i in feed["items"]] == [False]
        assert res.end.webhooks_updated == 1 and res.end.feeds_updated == 1
        updates = [d for d in hook.first.values() if d.get("event") == "live_ended"]
        assert len(updates) == 1 and updates[0]["live"]["status"] == "ended"
        assert not hook.rejected
        review = json.loads((tmp_path / "review" / "highlights.json").read_text())
        assert [h["id"] for h in review["highlights"]] == [hl.id]
        assert res.end.review_s < 60


def test_auto_off_in_the_middle_keeps_moments_for_review_and_posts_nothing(store, sim, tmp_path: Path) -> None:
    cfg = PublishConfig()
    sid = store.seller("shop").id
    Outbox(store, cfg).give_consent(sid, "local", PostChoices("PUBLIC_TO_EVERYONE"))
    set_auto_settings(store, sid, auto_post=True)

    def switch_off(m) -> None:
        if m.kind == "product":
            set_auto_settings(store, sid, auto_post=False)  # the seller switches off as the moment is found

    reports = []
    f = _follow(store, sim, tmp_path, cfg, mode="settings", on_moment=switch_off, on_report=reports.append)
    res = f.run()
    assert res.end is not None
    assert Outbox(store, cfg).posts(sid, res.live_id) == []
    (hl,) = store.highlights(sid, res.live_id)
    assert hl.clip and store.media.path(hl.clip).is_file()  # kept for review, with its clip
    assert any("Auto LIVE Highlights is off" in n for r in reports for n in r.notes)


def test_a_stream_without_audio_is_followed_and_nothing_posted(store, sim, tmp_path: Path) -> None:
    silent = tmp_path / "silent.mp4"
    media_ffmpeg("-i", str(sim.recording), "-an", "-c", "copy", str(silent))
    cfg = PublishConfig()
    sid = store.seller("shop").id
    Outbox(store, cfg).give_consent(sid, "local", PostChoices("PUBLIC_TO_EVERYONE"))
    notes: list[str] = []
    f = _follow(store, sim, tmp_path, cfg, video=f"paced:{silent}", on_note=notes.append)
    res = f.run()
    assert any("no audio" in n for n in notes)
    assert res.end is not None and res.ingest.stored == _lines(sim.events)
    assert Outbox(store, cfg).posts(sid, res.live_id) == []
    assert [h.product_id for h in store.highlights(sid, res.live_id)] == ["p01"]  # still found, kept for review
    assert any("no audio" in n for r in res.reports for n in r.notes)


# ---- crash safety ---------------------------------------------------------------------------------------------
def _cli(*args: str, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "livehighlights._cli.main", *args], env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def _wait_for(cond, timeout: float, proc: subprocess.Popen[str] | None = None) -> None:
    end = time.monotonic() + timeout
    while not cond():
        if proc is not None and proc.poll() is not None:
            raise AssertionError(f"the follower exited early:\n{proc.stdout.read() if proc.stdout else ''}")
        if time.monotonic() > end:
            raise AssertionError("condition not reached in time")
        time.sleep(0.2)


def test_sigkill_at_any_time_and_resume_loses_nothing_and_posts_nothing_twice(sim, tmp_path: Path) -> None:
    db, media = f"sqlite:///{tmp_path / 'db.sqlite'}", tmp_path / "media"
    env = {**os.environ, "LIVEHIGHLIGHTS_DB": db, "LIVEHIGHLIGHTS_MEDIA": str(media),
           "LIVEHIGHLIGHTS_CONFIG": str(tmp_path / "none.toml"), "PYTHONPATH": os.pathsep.join(sys.path)}
    store = open_store(db, media_root=media)
    sid = store.seller("shop").id
    Outbox(store, PublishConfig()).give_consent(sid, "local", PostChoices("PUBLIC_TO_EVERYONE"))
    longer = tmp_path / "longer.mp4"  # the LIVE goes on for 3 more minutes after its moment (no events then)
    media_ffmpeg("-stream_loop", "1", "-i", str(sim.recording), "-c", "copy", str(longer))
    events = tmp_path / "events.jsonl"
    events.write_text("")
    speed = 6.0
    clock = LiveClock.starting_now(speed)
    stop = threading.Event()
    threading.Thread(target=play_events, args=(sim.events, events, clock, stop), daemon=True).start()
    base = ["--seller", "shop"]
    first = _cli("live", "--video", f"paced:{longer}", "--speed", str(speed), "--events", str(events),
                 "--catalog", str(sim.catalog), "--auto-post", "--to", "local", "--room-url", ROOM,
                 "--out", str(tmp_path / "review"), *base, env=env)

    def moments() -> list[str]:
        with store.session() as s:
            return list(s.scalars(select(MomentRow.id).where(MomentRow.kind == "product")))

    def published() -> list[PostRow]:
        with store.session() as s:
            return list(s.scalars(select(PostRow).where(PostRow.state == "published")))

    try:
        _wait_for(lambda: moments(), 300, first)  # the moment is confirmed and stored: its job is in flight
        first.send_signal(signal.SIGKILL)
        first.wait(30)
        (live,) = store.lives(sid)
        assert published() == []
        second = _cli("live", "--resume", live.id, *base, env=env)
        _wait_for(lambda: published(), 300, second)  # posted: kill it again before it ends the LIVE
        second.send_signal(signal.SIGKILL)
        second.wait(30)
        third = _cli("live", "--resume", live.id, *base, env=env)
        out, _ = third.communicate(timeout=600)
        assert third.returncode == 0, out
        assert "review list:" in out
    finally:
        stop.set()
        for p in (first,):
            if p.poll() is None:
                p.kill()
    posts = Outbox(store, PublishConfig()).posts(sid, live.id)
    assert len(posts) == 1 and posts[0].state == "published"  # posted exactly once
    assert Outbox(store, PublishConfig()).caps(live.id) == {"live": 1, "product:p01": 1}
    hls = store.highlights(sid, live.id)
    assert [h.product_id for h in hls] == ["p01"] and hls[0].id == posts[0].highlight_id  # no moment lost
    assert store.get_live(sid, live.id).n_events == _lines(sim.events)
    assert store.get_live(sid, live.id).status == "ended"
    feed = json.loads(media.joinpath(f"feed/{sid}/feed.json").read_text())
    assert [i["post_id"] for i in feed["items"]] == [posts[0].id]
    store.close()


def test_worker_processes_follow_several_lives_and_take_over_a_dead_workers_lives(sim, store_pg, redis_url,
                                                                                     tmp_path: Path) -> None:
    """On PostgreSQL with a Redis queue: three LIVEs (one started by a follower that dies at once, two registered
    with ``--detach``) are followed by two ``worker --follow`` processes; the worker holding most of them is
    killed with SIGKILL; the other takes its LIVEs over within 30 s of their leases running out and finishes all
    three: every LIVE's moment posted exactly once, every event stored."""
    import uuid

    from livehighlights.live.leases import follow_state

    db = store_pg.create_database(f"t_{uuid.uuid4().hex[:12]}")
    media = tmp_path / "media"
    env = {**os.environ, "LIVEHIGHLIGHTS_DB": db, "LIVEHIGHLIGHTS_MEDIA": str(media),
           "LIVEHIGHLIGHTS_QUEUE": redis_url, "LIVEHIGHLIGHTS_CONFIG": str(tmp_path / "none.toml"),
           "PYTHONPATH": os.pathsep.join(sys.path)}
    store = open_store(db, media_root=media)
    sellers = {name: store.seller(name).id for name in ("shop-a", "shop-b", "shop-c")}
    for sid in sellers.values():
        Outbox(store, PublishConfig()).give_consent(sid, "local", PostChoices("PUBLIC_TO_EVERYONE"))
    longer = tmp_path / "longer.mp4"
    media_ffmpeg("-stream_loop", "1", "-i", str(sim.recording), "-c", "copy", str(longer))
    speed = 6.0
    stop = threading.Event()
    procs: list[subprocess.Popen[str]] = []

    def start(name: str, *extra: str) -> None:
        events = tmp_path / f"{name}.jsonl"
        events.write_text("")
        args = ["live", "--video", f"paced:{longer}", "--speed", str(speed), "--events", str(events), "--catalog",
                str(sim.catalog), "--auto-post", "--to", "local", "--seller", name, *extra]
        if extra:
            done = subprocess.run([sys.executable, "-m", "livehighlights._cli.main", *args], env=env, text=True,
                                  capture_output=True, timeout=120)
            assert done.returncode == 0 and "registered" in done.stdout, done.stdout + done.stderr
        else:
            procs.append(_cli(*args, env=env))
        threading.Thread(target=play_events, args=(sim.events, events, LiveClock.starting_now(speed), stop),
                         daemon=True).start()

    def live_of(name: str) -> str | None:
        lives = store.lives(sellers[name])
        return lives[0].id if lives else None

    def holder(name: str) -> str | None:
        lid = live_of(name)
        st = follow_state(store, sellers[name], lid) if lid else None
        return st.lease_owner if st is not None and st.ended_at is None else None

    try:
        start("shop-a")
        _wait_for(lambda: holder("shop-a"), 120, procs[0])
        procs[0].send_signal(signal.SIGKILL)  # its LIVE is taken up by a worker once the lease runs out
        procs[0].wait(30)
        start("shop-b", "--detach", "--no-deliver")
        start("shop-c", "--detach", "--no-deliver")
        workers = {p.pid: p for p in (_cli("worker", "--follow", env=env), _cli("worker", "--follow", env=env))}
        procs += list(workers.values())

        def owners() -> dict[str, int]:
            return {n: pid for n in sellers for pid in workers if f":{pid}:" in (holder(n) or "")}

        _wait_for(lambda: len(owners()) == 3, 120)
        held = owners()
        victim = max(workers, key=lambda pid: sum(1 for v in held.values() if v == pid))
        workers[victim].send_signal(signal.SIGKILL)
        workers[victim].wait(30)
        killed_at = time.monotonic()
        (other,) = [p for pid, p in workers.items() if pid != victim]
        orphaned = [n for n, pid in held.items() if pid == victim]
        _wait_for(lambda: all(owners().get(n) == other.pid or store.get_live(sellers[n], live_of(n) or "").status
                              == "ended" for n in orphaned), 120, other)
        took_s = time.monotonic() - killed_at
        assert took_s < 45, f"taken over after {took_s:.0f} s"  # lease 20 s + a look every 5 s (+ load)

        def finished() -> bool:
            return all(store.get_live(sid, live_of(n) or "").status == "ended" and
                       [p.state for p in Outbox(store, PublishConfig()).posts(sid, live_of(n))] == ["published"]
                       for n, sid in sellers.items())

        _wait_for(finished, 420, other)
        other.send_signal(signal.SIGTERM)
        out, _ = other.communicate(timeout=180)
        assert other.returncode == 0, out
        assert "following LIVE" in out
    finally:
        stop.set()
        for p in procs:
            if p.poll() is None:
                p.kill()
    for name, sid in sellers.items():
        lid = live_of(name)
        assert lid is not None
        posts = Outbox(store, PublishConfig()).posts(sid, lid)
        moments = [(m.state, m.reason) for m in store.moments(lid)]
        assert [(p.state, p.destination) for p in posts] == [("published", "local")], (name, moments)
        assert [h.product_id for h in store.highlights(sid, lid)] == ["p01"], name
        assert store.get_live(sid, lid).n_events == _lines(sim.events), name
    store.close()


def test_demo_live_streams_follows_and_posts_to_the_local_feed(tmp_path: Path) -> None:
    """``demo --live`` (the README's command, here at 6x): a new user sees a post appear on the local feed and the
    review list written when the LIVE ends."""
    out = tmp_path / "demo"
    env = {**os.environ, "LIVEHIGHLIGHTS_DB": f"sqlite:///{tmp_path / 'db.sqlite'}",
           "LIVEHIGHLIGHTS_MEDIA": str(tmp_path / "media"), "LIVEHIGHLIGHTS_CONFIG": str(tmp_path / "none.toml"),
           "PYTHONPATH": os.pathsep.join(sys.path), "COLUMNS": "200"}
    done = subprocess.run([sys.executable, "-m", "livehighlights._cli.main", "demo", "--live", "--speed", "6",
                           "--out", str(out)], env=env, text=True, capture_output=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    text = done.stdout
    assert "to local: published" in text, text
    assert "review list:" in text and (out / "highlights" / "highlights.json").is_file(), text
    feed = json.loads(next((tmp_path / "media" / "feed").glob("*/feed.json")).read_text())
    assert len(feed["items"]) >= 1
    item = feed["items"][0]
    assert item["product_id"] == "p01" and item["clip"].startswith("remixes/"), item
    assert "LIVE now" in item["caption"], item  # posted while the LIVE ran, leading viewers into the room
    assert item["live_now"] is False and item["room_url"] is None, item  # updated when the LIVE ended
