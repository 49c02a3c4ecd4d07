"""Soak benchmark of publishing (issue 10): N highlights posted through the webhook publisher to a local receiver
that fails 10% of requests (HTTP 503) and hangs 1% (past the client's timeout, after it has kept the post), with
two worker processes, one of them killed with SIGKILL twice on the way (and started again).

Prints: distinct posts received (must equal N), duplicates that are not retries of the same key (must be 0), lost
posts (0), throughput (posts per second, from the first submission to the last delivery) and the p50/p95 delivery
time (from the decision to post to its recorded delivery).

    python bench/publish.py                        # 1,000 posts, SQLite and the embedded queue
    python bench/publish.py --db temp-postgres --queue temp-redis   # a PostgreSQL and a Redis of its own
    python bench/publish.py --posts 200 --queue redis://localhost:6379/0 --db postgresql://...
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # the receiver and the clip maker are the tests' own stand-ins

from publish_helpers import add_highlights, make_clip  # noqa: E402
from publish_standins import WebhookReceiver  # noqa: E402

from livehighlights.publish import Outbox, PostRequest, load_config, make_queue, submit  # noqa: E402
from livehighlights.store import open_store  # noqa: E402

CLI = [sys.executable, "-m", "livehighlights._cli.main", "worker"]


def _worker(env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(CLI, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


@contextlib.contextmanager
def temp_redis(folder: Path) -> Iterator[str]:
    """A redis-server of the benchmark's own on a Unix socket."""
    import redis

    exe = shutil.which("redis-server")
    if exe is None:
        sys.exit("bench/publish.py: --queue temp-redis needs redis-server (apt-get install redis-server)")
    sock = folder / "redis.sock"
    proc = subprocess.Popen([exe, "--port", "0", "--unixsocket", str(sock), "--save", "", "--appendonly", "no",
                             "--dir", str(folder)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"unix://{sock}"
    try:
        for _ in range(200):
            with contextlib.suppress(redis.ConnectionError):
                if sock.exists() and redis.Redis.from_url(url).ping():
                    break
            time.sleep(0.05)
        yield url
    finally:
        proc.terminate()
        proc.wait(10)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--posts", type=int, default=1000)
    ap.add_argument("--db", default=None, help="database URL (default: a new SQLite file)")
    ap.add_argument("--queue", default=None, help="queue URL (default: a new embedded SQLite queue)")
    ap.add_argument("--fail", type=float, default=0.10, help="share of requests the receiver fails")
    ap.add_argument("--hang", type=float, default=0.01, help="share of requests the receiver hangs on")
    args = ap.parse_args()
    n = args.posts
    with tempfile.TemporaryDirectory() as tmp_s, WebhookReceiver() as rcv, contextlib.ExitStack() as stack:
        tmp = Path(tmp_s)
        if args.db == "temp-postgres":
            from livehighlights.store.pgtemp import TempPostgres

            args.db = stack.enter_context(TempPostgres().start()).create_database("soak")
        if args.queue == "temp-redis":
            args.queue = stack.enter_context(temp_redis(tmp))
        rcv.fail_rate, rcv.hang_rate, rcv.hang_s = args.fail, args.hang, 3.0
        cfg_file = tmp / "config.toml"
        cfg_file.write_text(f'backoff_s = 0.2\nbackoff_max_s = 2.0\nmax_attempts = 20\n[webhook]\nurl = "{rcv.url}"\n'
                            'secret = "s3cret"\ntimeout_s = 2.0\n')
        env = {k: v for k, v in os.environ.items() if not k.startswith("LIVEHIGHLIGHTS_")}
        env.update(LIVEHIGHLIGHTS_DB=args.db or f"sqlite:///{tmp / 'lh.db'}", LIVEHIGHLIGHTS_MEDIA=str(tmp / "media"),
                   LIVEHIGHLIGHTS_QUEUE=args.queue or f"sqlite:///{tmp / 'queue.db'}",
                   LIVEHIGHLIGHTS_CONFIG=str(cfg_file))
        os.environ.update({k: v for k, v in env.items() if k.startswith("LIVEHIGHLIGHTS_")})
        cfg = load_config()
        with open_store(cfg.db, media_root=Path(cfg.media or "")) as store:
            t0 = time.perf_counter()
            hs = add_highlights(store, make_clip(tmp / "clip.mp4", seconds=5), n, products=[None] * n)
            print(f"made {n} highlights in {time.perf_counter() - t0:.1f} s")
            workers = [_worker(env), _worker(env)]
            outbox, q = Outbox(store, cfg), make_queue(cfg.queue)
            seller = store.seller()
            start = time.time()

            def queue_all() -> None:  # the decisions to post arrive while the workers work
                for h in hs:
                    submit(outbox, q, seller.id, PostRequest(h.id, "webhook"))
                print(f"queued {n} posts in {time.time() - start:.1f} s")

            feeder = threading.Thread(target=queue_all)
            feeder.start()
            kills, kill_at, last_kill = 0, (n // 4, (3 * n) // 5), 0.0
            deadline = time.monotonic() + 1800
            while time.monotonic() < deadline:
                done = sum(p.settled for p in outbox.posts(seller.id))
                if kills < len(kill_at) and done >= kill_at[kills] and time.monotonic() - last_kill > 10:
                    workers[0].send_signal(signal.SIGKILL)
                    workers[0].wait()
                    kills, last_kill = kills + 1, time.monotonic()
                    print(f"killed worker 1 (SIGKILL) with {done} of {n} posts delivered; starting it again")
                    workers[0] = _worker(env)
                if done == n:
                    break
                time.sleep(0.2)
            feeder.join()
            for w in workers:
                w.send_signal(signal.SIGTERM)
            for w in workers:
                w.wait(60)
            posts = outbox.posts(seller.id)
    published = [p for p in posts if p.state == "published"]
    per_highlight = rcv.per_highlight()
    dupes = sum(c - 1 for c in per_highlight.values())
    lost = n - len({h for h, c in per_highlight.items() if c})
    delays = sorted((p.published_at - p.created_at).total_seconds() for p in published if p.published_at)
    last = max(p.published_at for p in published if p.published_at).timestamp() if published else start
    requests = len(rcv.requests)
    p95 = delays[int(0.95 * (len(delays) - 1))] if delays else float("nan")
    print(json.dumps({
        "posts": n, "published": len(published), "distinct_posts_received": len(rcv.first),
        "duplicates_not_retries_of_the_same_key": dupes, "lost": lost,
        "retried_deliveries_of_the_same_key": sum(rcv.repeats.values()), "requests": requests,
        "failed_503": sum(1 for _, f in rcv.requests if f == "500"), "hung": sum(1 for _, f in rcv.requests
                                                                                 if f == "hang"),
        "workers_killed": kills, "throughput_posts_per_s": round(len(published) / max(1e-9, last - start), 1),
        "delivery_p50_s": round(statistics.median(delays), 2) if delays else None, "delivery_p95_s": round(p95, 2),
    }, indent=2))
    ok = len(rcv.first) == n and dupes == 0 and lost == 0
    print("OK" if ok else "FAILED")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
