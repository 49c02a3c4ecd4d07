"""Benchmark of the live follower (issue 11): simulated LIVEs streamed as if live, followed and auto-posted.

For each LIVE, a simulated recording is taken in by the video buffer at real time (FFmpeg reading the file as if
live; ``--paced`` skips FFmpeg and paces the file by the clock alone) while its events are written to a growing
file as their time comes; a follower per LIVE finds the moments, cuts, checks, remixes them with the LIVE cues and
auto-posts them to the local feed. Prints (and writes ``live.json`` under ``--out``):

- time from a moment's confirmation (stored by the follower) to its post published on the local feed, p50/p95;
- time from the start of the planted moment (the simulator's ``truth.json``) to its post;
- recall and precision of the auto-posts against ``truth.json`` (a post matches a planted pitch of its product
  that its clip overlaps);
- CPU (core-seconds and average cores busy, this process and its FFmpeg children) and peak memory.

    python bench/live.py                      # one 20-minute LIVE at 1x (about 25 minutes)
    python bench/live.py --minutes 3          # a quick check
    python bench/live.py --minutes 5 --lives 4   # four LIVEs followed at once
    python bench/live.py --minutes 10 --lives 10 --out /tmp/bl   # the capacity question (sims cached in --out)

Where the time goes: ``analysis_s`` (the jobs' analysis stages, summed), ``steps_s`` (cut, remix, outbox per
moment), ``gate`` (heavy steps take turns, one per core, oldest moment first: the seconds they waited).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    s = sorted(values)
    k = min(len(s) - 1, max(0, round(q / 100 * (len(s) - 1))))
    return round(s[k], 2)


def cpu_s() -> float:
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def figures(store: Any, sellers: list[tuple[str, Any]]) -> dict[str, Any]:
    """Latencies, recall and precision from what the store holds."""
    from sqlalchemy import select

    from livehighlights.publish.schema import PostRow
    from livehighlights.store.schema import HighlightRow, LiveRow, MomentRow

    confirm_to_post: list[float] = []
    start_to_post: list[float] = []
    planted = matched_truth = posts_n = posts_ok = 0
    with store.session() as s:
        for seller_id, sim in sellers:
            truth = json.loads(Path(sim.truth).read_text())
            pitches = [m for m in truth["moments"]]
            planted += len(pitches)
            live = s.scalars(select(LiveRow).where(LiveRow.seller_id == seller_id)).one()
            rows = s.execute(select(PostRow, HighlightRow, MomentRow)
                             .join(HighlightRow, HighlightRow.id == PostRow.highlight_id)
                             .join(MomentRow, MomentRow.id == HighlightRow.moment_id)
                             .where(PostRow.live_id == live.id, PostRow.destination == "local", PostRow.auto)).all()
            hit: set[int] = set()
            for post, hl, mom in rows:
                posts_n += 1
                if post.state != "published" or post.published_at is None:
                    continue
                confirm_to_post.append((post.published_at - mom.created_at).total_seconds())
                found = [i for i, p in enumerate(pitches) if p.get("product_id") == hl.product_id
                         and hl.start_ms < p["end_s"] * 1000 and p["start_s"] * 1000 < hl.end_ms]
                if found:
                    posts_ok += 1
                    hit.update(found)
                    start = live.started_at + timedelta(seconds=pitches[found[0]]["start_s"])
                    start_to_post.append((post.published_at - start).total_seconds())
            matched_truth += len(hit)
    return {
        "posts": posts_n,
        "confirmation_to_post_s": {"p50": pct(confirm_to_post, 50), "p95": pct(confirm_to_post, 95),
                                   "n": len(confirm_to_post)},
        "moment_start_to_post_s": {"p50": pct(start_to_post, 50), "p95": pct(start_to_post, 95),
                                   "n": len(start_to_post)},
        "recall": round(matched_truth / planted, 3) if planted else None,
        "precision": round(posts_ok / posts_n, 3) if posts_n else None,
        "planted_moments": planted,
        "mean_confirmation_to_post_s": round(statistics.fmean(confirm_to_post), 2) if confirm_to_post else None,
    }


def _steps(results: list[Any]) -> dict[str, dict[str, float | None]]:
    """Each step of the posting path (cut, remix, outbox) over every moment: p50, p95, total seconds."""
    steps: dict[str, list[float]] = {}
    for res in results:
        for rep in (res.reports if res is not None else []):
            for k, v in rep.seconds.items():
                steps.setdefault(k, []).append(float(v))
    return {k: {"p50": pct(v, 50), "p95": pct(v, 95), "total": round(sum(v), 1), "n": len(v)}
            for k, v in steps.items()}


def _gate() -> dict[str, Any]:
    """How long heavy steps waited for a turn (the process's gate: one step per core, oldest moment first)."""
    from livehighlights.jobs.gate import heavy_gate

    g = heavy_gate()
    return {"slots": g.slots, "steps": g.stats.steps, "waited_s": round(g.stats.waited_s, 1),
            "longest_wait_s": round(g.stats.longest_wait_s, 1)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--minutes", type=float, default=20.0)
    ap.add_argument("--lives", type=int, default=1, help="LIVEs followed at once (each its own seller)")
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--speed", type=float, default=1.0)
    ap.add_argument("--paced", action="store_true", help="pace the recording by the clock, without FFmpeg")
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args()

    from livehighlights.live.clock import play_events
    from livehighlights.live.follower import FollowOptions
    from livehighlights.live.session import start_follow
    from livehighlights.publish import Outbox, PostChoices
    from livehighlights.publish.config import PublishConfig
    from livehighlights.sim import SimConfig, simulate
    from livehighlights.store import open_store
    from livehighlights.store.settings import set_auto_settings

    out = args.out or Path(tempfile.mkdtemp(prefix="bench-live-"))
    out.mkdir(parents=True, exist_ok=True)
    sims = []
    for i in range(args.lives):
        d = out / f"sim-{args.minutes:g}m-{args.seed + i}"
        if not (d / "truth.json").is_file():
            print(f"simulating LIVE {i + 1}/{args.lives} ({args.minutes:g} min)...", file=sys.stderr)
            simulate(SimConfig(minutes=args.minutes, seed=args.seed + i), d)
        sims.append(type("Sim", (), {"recording": d / "recording.mp4", "events": d / "events.jsonl",
                                     "catalog": d / "catalog.json", "truth": d / "truth.json"})())
    run = out / f"run-{int(time.time())}"
    store = open_store(f"sqlite:///{run / 'db.sqlite'}", media_root=run / "media")
    cfg = PublishConfig()
    followers, sellers = [], []
    for i, sim in enumerate(sims):
        seller = store.seller(f"bench-{i}")
        Outbox(store, cfg).give_consent(seller.id, "local", PostChoices("PUBLIC_TO_EVERYONE"))
        set_auto_settings(store, seller.id, auto_post=True, destinations=["local"])
        events = run / f"events-{i}.jsonl"
        events.write_text("")
        video = f"paced:{sim.recording}" if args.paced else str(sim.recording)
        f = start_follow(store, cfg, video=video, events=str(events), catalog=sim.catalog, seller=seller.name,
                         options=FollowOptions(mode="auto", destinations=["local"], end_after_s=30),
                         speed=args.speed)
        threading.Thread(target=play_events, args=(sim.events, events, f.clock), daemon=True).start()
        followers.append(f)
        sellers.append((seller.id, sim))
    peak_rss = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(1.0):
            try:
                rss = int(next(ln for ln in Path("/proc/self/status").read_text().splitlines()
                               if ln.startswith("VmRSS")).split()[1])
                peak_rss[0] = max(peak_rss[0], rss)
            except (OSError, StopIteration, ValueError):
                pass

    threading.Thread(target=sample, daemon=True).start()
    load0 = os.getloadavg()[0]
    cpu0, t0 = cpu_s(), time.monotonic()
    results: list[Any] = [None] * len(followers)

    def follow(i: int) -> None:
        results[i] = followers[i].run()

    threads = [threading.Thread(target=follow, args=(i,)) for i in range(len(followers))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall, cpu = time.monotonic() - t0, cpu_s() - cpu0
    done.set()
    doc = {
        "minutes": args.minutes, "lives": args.lives, "speed": args.speed,
        "video": "paced by the clock" if args.paced else "video buffer (FFmpeg, as if live)",
        **figures(store, sellers),
        "wall_s": round(wall, 1), "cpu_core_s": round(cpu, 1), "avg_cores_busy": round(cpu / wall, 2),
        "peak_rss_mib": round(peak_rss[0] / 1024, 1),
        "peak_rss_children_mib": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1),
        "moments": sum(len(r.moments) for r in results if r is not None),
        "failures": [f for r in results if r is not None for f in r.failures],
        "review_export_s": [r.end.review_s for r in results if r is not None and r.end is not None],
        "cores": os.cpu_count(),
        "load_average_start_end": [round(load0, 2), round(os.getloadavg()[0], 2)],
        "analysis_s": {k: round(v, 1) for k, v in sorted(
            ((k, sum(f.ctx.analysis.seconds.get(k, 0.0) for f in followers))
             for k in {k for f in followers for k in f.ctx.analysis.seconds}), key=lambda kv: -kv[1])[:10]},
        "steps_s": _steps(results),
        "gate": _gate(),
    }
    store.close()
    (out / "live.json").write_text(json.dumps(doc, indent=2))
    print(json.dumps(doc, indent=2))


if __name__ == "__main__":
    main()
