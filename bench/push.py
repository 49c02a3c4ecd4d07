"""Benchmark of the live follower's HTTP event ingest (issue 11: at least 10,000 events/s sustained through
``POST /api/lives/{id}/events``, nothing dropped).

Starts ``livehighlights serve`` (one Uvicorn process) over a new SQLite store, opens a LIVE with an API token, and
has ``--senders`` clients push batches of ``--batch`` events (JSON Lines, every type with its fields) as fast as
the server takes them; a 503 (back-pressure) is waited out and the same batch sent again, as a follower does.
At the end the store is counted: every event sent must be stored once. Prints events/s, batches answered 503,
and the batch round trip p50/p95.

    python bench/push.py                        # 200,000 events, 4 senders, batches of 1,000
    python bench/push.py --events 1000000 --senders 8 --batch 2000
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

TYPES = ("like", "comment", "viewers", "product_click", "add_to_cart", "order", "share", "join")


def lines(start: int, n: int, seed: int) -> str:
    """``n`` events as JSON Lines, numbered from ``start`` (each with its own ``id``), 100 a second of LIVE."""
    rnd = random.Random(seed)
    out = []
    for i in range(start, start + n):
        kind = TYPES[rnd.randrange(len(TYPES))]
        ev: dict[str, object] = {"id": f"e{i}", "ts": i / 100, "type": kind, "user": f"u{rnd.randrange(5000)}"}
        if kind == "comment":
            ev["text"] = rnd.choice(("omg", "how much?", "link pls", "love it", "haha"))
        elif kind in ("like", "viewers", "share", "join"):
            ev["count"] = rnd.randrange(1, 50)
        else:
            ev["product_id"] = f"p{rnd.randrange(1, 9):02d}"
            if kind == "order":
                ev.update(quantity=1, amount=round(rnd.uniform(5, 80), 2), currency="USD")
        out.append(json.dumps(ev))
    return "\n".join(out) + "\n"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def prepare(folder: Path) -> tuple[str, str, str]:
    """(database URL, the seller's API token, a new LIVE's id)."""
    from livehighlights.store import open_store
    from livehighlights.web.tokens import create_token

    db = f"sqlite:///{folder / 'push.db'}"
    with open_store(db, media_root=folder / "media") as store:
        seller = store.seller("bench")
        token = create_token(store, seller.id, "bench").token
        live = store.upsert_live(seller.id, "bench-push", title="push benchmark")
    return db, token, live.id


async def sender(c: httpx.AsyncClient, url: str, batches: asyncio.Queue[tuple[int, str]], times: list[float],
                 busy: list[int]) -> None:
    while True:
        try:
            start, body = batches.get_nowait()
        except asyncio.QueueEmpty:
            return
        while True:
            t0 = time.perf_counter()
            r = await c.post(url, content=body, headers={"Content-Type": "application/x-ndjson"})
            if r.status_code == 503:
                busy[0] += 1
                await asyncio.sleep(float(r.headers.get("Retry-After", "1")) / 10)
                continue
            if r.status_code != 200:
                raise SystemExit(f"batch from event {start}: HTTP {r.status_code} {r.text[:200]}")
            times.append(time.perf_counter() - t0)
            break


async def push(base: str, token: str, live_id: str, n: int, batch: int, senders: int) -> tuple[float, list, int]:
    q: asyncio.Queue[tuple[int, str]] = asyncio.Queue()
    for start in range(0, n, batch):
        q.put_nowait((start, lines(start, min(batch, n - start), start)))
    times: list[float] = []
    busy = [0]
    url = f"/api/lives/{live_id}/events"
    async with httpx.AsyncClient(base_url=base, timeout=120, headers={"Authorization": f"Bearer {token}"}) as c:
        t0 = time.perf_counter()
        await asyncio.gather(*(sender(c, url, q, times, busy) for _ in range(senders)))
        return time.perf_counter() - t0, times, busy[0]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--events", type=int, default=200_000)
    ap.add_argument("--batch", type=int, default=1000)
    ap.add_argument("--senders", type=int, default=4)
    args = ap.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="lh-bench-push-"))
    db, token, live_id = prepare(folder)
    port = free_port()
    env = {**os.environ, "LIVEHIGHLIGHTS_CONFIG": str(folder / "none.toml")}
    server = subprocess.Popen([sys.executable, "-m", "livehighlights._cli.main", "serve", "--db", db, "--media-root",
                               str(folder / "media"), "--port", str(port)], env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/signin", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                sys.exit(f"the server did not start: {server.stderr.read().decode() if server.stderr else ''}")
            time.sleep(0.2)
        wall, times, busy = asyncio.run(push(base, token, live_id, args.events, args.batch, args.senders))
    finally:
        server.terminate()
        server.wait(10)
    from livehighlights.store import open_store

    with open_store(db, media_root=folder / "media") as store:
        stored = sum(1 for _ in store.events(live_id))
    q = statistics.quantiles(times, n=100, method="inclusive") if len(times) > 1 else times * 99
    print(f"\nHTTP event ingest, one Uvicorn process, SQLite: {args.events:,} events in batches of {args.batch:,} "
          f"from {args.senders} senders")
    print(f"{'events/s':>10} {'stored':>10} {'lost':>6} {'503s':>6} {'batch p50':>10} {'batch p95':>10}")
    print(f"{args.events / wall:>10,.0f} {stored:>10,} {args.events - stored:>6} {busy:>6} {q[49] * 1000:>8.0f}ms "
          f"{q[94] * 1000:>8.0f}ms")


if __name__ == "__main__":
    main()
