"""Workers as real processes: two sharing the work over a real Redis (started here), a worker killed with SIGKILL at
every step of a post and started again (every highlight ends posted exactly once), and the CLI."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from publish_helpers import add_highlights, make_clip
from publish_standins import TikTokStandIn, WebhookReceiver

from livehighlights.publish import Outbox, PostChoices, PostRequest, load_config, make_queue, submit
from livehighlights.store import open_store

CLI = [sys.executable, "-m", "livehighlights._cli.main"]


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_clip(tmp_path_factory.mktemp("clip") / "clip.mp4")


def _env(tmp: Path, db: str, queue: str, **settings: object) -> dict[str, str]:
    """Environment of a worker or CLI process: the database, media root, queue and a configuration file."""
    cfg = tmp / "config.toml"
    top = {"backoff_s": 0.05, "backoff_max_s": 0.2, "product_url": "https://shop.example/p/{product_id}"}
    top.update({k: v for k, v in settings.items() if not isinstance(v, dict)})
    lines = [f"{k} = {json.dumps(v)}" for k, v in top.items()]
    for section, values in settings.items():
        if isinstance(values, dict):
            lines.append(f"[{section}]")
            lines += [f"{k} = {json.dumps(v)}" for k, v in values.items()]
    cfg.write_text("\n".join(lines) + "\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("LIVEHIGHLIGHTS_")}
    env.update(LIVEHIGHLIGHTS_DB=db, LIVEHIGHLIGHTS_MEDIA=str(tmp / "media"), LIVEHIGHLIGHTS_QUEUE=queue,
               LIVEHIGHLIGHTS_CONFIG=str(cfg))
    return env


def _worker(env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([*CLI, "worker", *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)


def _ready(proc: subprocess.Popen[str]) -> None:
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert line.startswith("worker "), line


def _with_env(env: dict[str, str]):  # the test process reads the same configuration as its workers
    saved = {k: os.environ.get(k) for k in env if k.startswith("LIVEHIGHLIGHTS_")}
    os.environ.update({k: v for k, v in env.items() if k.startswith("LIVEHIGHLIGHTS_")})
    return saved


def _restore(saved: dict[str, str | None]) -> None:
    for k, v in saved.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v


def test_two_workers_share_the_work_over_redis(store_url: str, redis_url: str, clip: Path, tmp_path: Path) -> None:
    n = 40
    with WebhookReceiver() as rcv:
        rcv.fail_rate = 0.1
        env = _env(tmp_path, store_url, redis_url, webhook={"url": rcv.url, "secret": "s3cret", "timeout_s": 2})
        saved = _with_env(env)
        try:
            cfg = load_config()
            with open_store(cfg.db, media_root=Path(cfg.media or "")) as store:
                hs = add_highlights(store, clip, n)
                workers = [_worker(env), _worker(env)]
                for w in workers:
                    _ready(w)
                outbox, q = Outbox(store, cfg), make_queue(cfg.queue)
                seller = store.seller()
                ids = [submit(outbox, q, seller.id, PostRequest(h.id, "webhook")).post.id for h in hs]
                deadline = time.monotonic() + 120
                while time.monotonic() < deadline:
                    states = [p.state for p in outbox.posts(seller.id)]
                    if all(s == "published" for s in states):
                        break
                    time.sleep(0.2)
                for w in workers:
                    w.send_signal(signal.SIGTERM)
                outs = [w.communicate(timeout=30)[0] for w in workers]
                posts = outbox.posts(seller.id)
        finally:
            _restore(saved)
    assert [p.state for p in posts] == ["published"] * n, outs
    assert sorted(p.id for p in posts) == sorted(ids)
    assert rcv.per_highlight() == {h.id: 1 for h in hs} and len(rcv.first) == n
    assert any(f == "500" for _, f in rcv.requests)  # some were retried ...
    done = [int(o.strip().splitlines()[-1].split(" after ")[1].split()[0]) for o in outs]
    assert all(d > 0 for d in done), outs  # ... and both workers delivered some


CRASH_POINTS = [  # (endpoint, faults of its requests in turn, publish ids TikTok ends up with)
    ("creator_info", ("hold",), 1),  # before sending: the worker asked about the creator, nothing was posted
    ("init", ("hang",), 2),          # after sending, before recording: TikTok made a publish id the worker never saw
    ("upload", ("ok", "drop"), 1),   # during the upload of the second of two chunks: resumed on the same publish id
    ("status", ("hang",), 1),        # while polling the status
]


@pytest.fixture(scope="module")
def big_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Over 10 MB: two TikTok chunks of 5 MB (the last takes the rest)."""
    path = make_clip(tmp_path_factory.mktemp("big") / "big.mp4", seconds=6, size="1280x720", lossless=True)
    assert path.stat().st_size > 10 * 1024 * 1024
    return path


@pytest.mark.parametrize(("endpoint", "faults", "inits"), CRASH_POINTS, ids=[e for e, _, _ in CRASH_POINTS])
def test_a_worker_killed_at_every_step_posts_exactly_once(endpoint: str, faults: tuple[str, ...], inits: int,
                                                          clip: Path, big_clip: Path, tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'lh.db'}"
    media = big_clip if endpoint == "upload" else clip
    with TikTokStandIn() as tt:
        tt.script(endpoint, *faults)
        env = _env(tmp_path, db, f"sqlite:///{tmp_path / 'q.db'}", tiktok={
            "base_url": tt.url, "access_token": "act.good", "poll_s": 0.05, "query_per_min": 6000,
            "init_per_min": 6000, "status_per_min": 6000, "chunk_size": 5 * 1024 * 1024})
        saved = _with_env(env)
        try:
            cfg = load_config()
            with open_store(cfg.db, media_root=Path(cfg.media or "")) as store:
                [h] = add_highlights(store, media, 1)
                seller = store.seller()
                outbox = Outbox(store, cfg)
                post = submit(outbox, make_queue(cfg.queue), seller.id,
                              PostRequest(h.id, "tiktok", choices=PostChoices("SELF_ONLY"))).post
                w = _worker(env)
                assert tt.arrived.wait(60), "the worker never reached the step"
                w.send_signal(signal.SIGKILL)
                w.wait(30)
                killed = outbox.get(seller.id, post.id)
                assert killed is not None and killed.state == "sending"
                tt.release()
                again = subprocess.run([*CLI, "worker", "--until-idle"], env=env, capture_output=True, text=True,
                                       timeout=120)
                assert again.returncode == 0, again.stdout + again.stderr
                final = outbox.get(seller.id, post.id)
        finally:
            _restore(saved)
    assert final is not None and final.state == "published", final
    assert len(tt.published) == 1 and final.remote_id in tt.published and len(tt.publishes) == inits
    if endpoint == "upload":  # the first chunk was recorded before the kill and not sent again
        assert killed.progress["chunks_done"] == 1 and killed.remote_id == final.remote_id
        assert [f for e, f in tt.requests if e == "upload"] == ["ok", "drop", "ok"]
    import hashlib

    assert tt.published[final.remote_id]["sha256"] == hashlib.sha256(media.read_bytes()).hexdigest()


def test_a_webhook_worker_killed_before_recording_is_not_a_second_post(clip: Path, tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'lh.db'}"
    with WebhookReceiver() as rcv:
        rcv.script("post", "hang")
        env = _env(tmp_path, db, f"sqlite:///{tmp_path / 'q.db'}", webhook={"url": rcv.url, "secret": "s3cret"})
        saved = _with_env(env)
        try:
            cfg = load_config()
            with open_store(cfg.db, media_root=Path(cfg.media or "")) as store:
                [h] = add_highlights(store, clip, 1)
                seller = store.seller()
                outbox = Outbox(store, cfg)
                post = submit(outbox, make_queue(cfg.queue), seller.id, PostRequest(h.id, "webhook")).post
                w = _worker(env)
                assert rcv.arrived.wait(60)
                w.send_signal(signal.SIGKILL)
                w.wait(30)
                rcv.release()
                subprocess.run([*CLI, "worker", "--until-idle"], env=env, capture_output=True, timeout=120, check=True)
                final = outbox.get(seller.id, post.id)
        finally:
            _restore(saved)
    assert final is not None and final.state == "published" and final.attempts == 1  # reconciled, not re-sent anew
    assert rcv.per_highlight() == {h.id: 1} and rcv.repeats[post.idem_key] == 1


# ---- the CLI ---------------------------------------------------------------------------------------------------
def _cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CLI, *args], env=env, capture_output=True, text=True, timeout=300)


def test_the_cli_posts_lists_and_cancels(clip: Path, tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'lh.db'}"
    env = _env(tmp_path, db, f"sqlite:///{tmp_path / 'q.db'}")
    with open_store(db, media_root=tmp_path / "media") as store:
        hs = add_highlights(store, clip, 3)
        low = add_highlights(store, clip, 1, live_key="other", tier="none", postable=False,
                             blocked_by=["resolution"])[0]
    report = tmp_path / "highlights.json"
    report.write_text(json.dumps({"highlights": [{"rank": 1, "id": hs[0].id}]}))
    got = _cli(env, "post", f"{report}#1", "--to", "local")
    assert got.returncode == 0 and "published" in got.stdout, got.stdout + got.stderr
    sched = _cli(env, "post", hs[1].id, "--to", "local", "--at", "2099-01-01T10:00:00+00:00")
    assert sched.returncode == 0 and "scheduled for 2099-01-01T10:00:00+00:00" in sched.stdout
    listed = json.loads(_cli(env, "posts", "--json").stdout)
    assert [p["state"] for p in listed] == ["published", "queued"]
    cancelled = _cli(env, "post", "cancel", listed[1]["id"])
    assert cancelled.returncode == 0 and "cancelled" in cancelled.stdout
    again = _cli(env, "post", "cancel", listed[0]["id"])
    assert again.returncode == 2 and "is published: only a queued post can be cancelled" in again.stderr
    pubs = _cli(env, "publishers")
    assert "local" in pubs.stdout and "no: no access token" in pubs.stdout
    # bad input: a one-line message, a non-zero exit, nothing queued
    cases = [
        (["post", hs[2].id, "--to", "myspace"], "unknown publisher 'myspace' (known: local, tiktok, tiktok-shop, "
                                                "webhook)"),
        (["post", hs[2].id, "--to", "tiktok", "--privacy", "SELF_ONLY"], "publisher 'tiktok' is not configured: no "
                                                                         "access token"),
        (["post", low.id, "--to", "local"], "is below Basic, blocked by: resolution (post it anyway with --force)"),
        (["post", hs[2].id, "--to", "local", "--at", "tomorrow"], "'tomorrow' is not an ISO-8601 time"),
        (["post", f"{report}#7", "--to", "local"], "no highlight of rank 7"),
    ]
    for args, message in cases:
        bad = _cli(env, *args)
        assert bad.returncode == 2 and message in bad.stderr and "Traceback" not in bad.stderr, (args, bad.stderr)
    bad_url = _cli({**env, "LIVEHIGHLIGHTS_WEBHOOK_URL": "ftp//nowhere"}, "post", hs[2].id, "--to", "webhook")
    assert bad_url.returncode == 2 and "$LIVEHIGHLIGHTS_WEBHOOK_URL, field 'webhook.url': 'ftp//nowhere' is not an " \
        "http(s) URL" in bad_url.stderr
    tt_env = {**env, "LIVEHIGHLIGHTS_TIKTOK_ACCESS_TOKEN": "act.x"}
    long = _cli(tt_env, "post", hs[2].id, "--to", "tiktok", "--privacy", "SELF_ONLY", "--caption", "x" * 2201)
    assert long.returncode == 2 and "the caption is 2201 long, over TikTok's limit of 2200" in long.stderr
    assert len(json.loads(_cli(env, "posts", "--json").stdout)) == 2
