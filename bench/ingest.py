"""Benchmark of event ingest into the store (issue 9: at least 10,000 events/s on SQLite, nothing dropped, a
LIVE of a million events with bounded memory).

Ingests N synthetic events (a generator: the events never sit in memory together) into a new SQLite file and
into a temporary PostgreSQL server of its own (started like the tests' fixture, with its durability settings
left on), then reads them all back in order, and ingests them again (all duplicates). Prints events/s for each
step and the peak resident memory of the process (``resource.getrusage``) after each backend.

    python bench/ingest.py                      # 200,000 events, both backends
    python bench/ingest.py --events 1000000 --backend sqlite
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from livehighlights.models import Event
from livehighlights.store import open_store
from livehighlights.store.pgtemp import TempPostgres

TYPES = ("like", "comment", "viewers", "product_click", "add_to_cart", "order", "share", "join")


def synthetic(n: int, seed: int = 7) -> Iterator[Event]:
    """``n`` events of a LIVE, in time order (about 100 a second), every type with its fields and a raw record."""
    rnd = random.Random(seed)
    ts = 0
    for i in range(n):
        ts += rnd.randrange(0, 20)
        kind = TYPES[rnd.randrange(len(TYPES))]
        raw: dict[str, object] = {"ts": ts / 1000, "type": kind}
        ev = Event(ts_ms=ts, type=kind, source=f"events.jsonl:{i + 1}", raw=raw)
        if kind == "comment":
            ev.text, ev.user = f"love it 😍 how much is #{i % 97}?", f"viewer{i % 5000}"
        elif kind == "order":
            ev.product_id, ev.quantity, ev.amount, ev.currency = f"p{i % 12}", 1 + i % 3, 19.99 * (1 + i % 3), "USD"
        elif kind in ("product_click", "add_to_cart"):
            ev.product_id, ev.count = f"p{i % 12}", 1
        else:
            ev.count = 1 + i % 50
        raw.update({k: v for k, v in ev.to_json().items() if k not in ("ts", "type")})
        yield ev


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def run(name: str, url: str, media: Path, n: int, batch: int) -> None:
    with open_store(url, media_root=media) as st:
        live = st.upsert_live(st.seller().id, f"bench-{n}")
        t0 = time.perf_counter()
        got = st.ingest_events(live.id, synthetic(n), batch=batch)
        t_in = time.perf_counter() - t0
        t0 = time.perf_counter()
        back = 0
        last = -1
        for ev in st.events(live.id):
            assert ev.ts_ms >= last
            last = ev.ts_ms
            back += 1
        t_read = time.perf_counter() - t0
        t0 = time.perf_counter()
        again = st.ingest_events(live.id, synthetic(n), batch=batch)
        t_dup = time.perf_counter() - t0
        stored = st.get_live(st.seller().id, live.id).n_events  # type: ignore[union-attr]
    ok = got.stored == n and back == n and stored == n and again.stored == 0 and again.duplicates == n
    print(f"{name:<10} ingest {n / t_in:>9,.0f} ev/s ({t_in:6.1f} s)   read back {n / t_read:>9,.0f} ev/s   "
          f"re-ingest (all duplicates) {n / t_dup:>9,.0f} ev/s   stored {stored:,} of {n:,}"
          f"{'' if ok else '  MISMATCH'}   peak RSS so far {peak_rss_mib():.0f} MiB")
    if not ok:
        sys.exit(f"ingest lost or duplicated events on {name}: {got}, read back {back}, again {again}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--events", type=int, default=200_000)
    ap.add_argument("--batch", type=int, default=5000)
    ap.add_argument("--backend", choices=("both", "sqlite", "postgresql"), default="both")
    args = ap.parse_args()
    print(f"{args.events:,} synthetic events, batches of {args.batch}; peak RSS before: {peak_rss_mib():.0f} MiB")
    with tempfile.TemporaryDirectory(prefix="lh-bench-") as tmp:
        if args.backend in ("both", "sqlite"):
            run("SQLite", f"sqlite:///{Path(tmp) / 'bench.db'}", Path(tmp) / "media", args.events, args.batch)
        if args.backend in ("both", "postgresql"):
            with TempPostgres(fast=False) as pg:
                run("PostgreSQL", pg.create_database("bench"), Path(tmp) / "media", args.events, args.batch)


if __name__ == "__main__":
    main()
