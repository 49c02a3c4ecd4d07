"""``process`` side by side with an earlier commit, in one run, on the benchmark LIVE (issue: one path for both
clocks, and a store).

Prints, for the code in this checkout and for ``--base`` (default: the commit before the per-moment path and the
store came in), the wall time and peak memory of ``livehighlights process`` with and without analysis (each run
cold: a new store, no cached transcripts), alternating the two so that a busy machine slows both alike; then a
re-run of this checkout into the same store (the moment jobs are found done); and what deciding moment by moment
costs against ranking the whole LIVE at its end (the online policy's quality).

    python bench/process.py                      # 60-minute 1080p LIVE, seed 1 (simulated once, cached)
    python bench/process.py --minutes 10 --resolution 720p --base HEAD~3
"""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from engine import CACHE, get_live  # noqa: E402  (bench/engine.py: the cached benchmark LIVE)

ROOT = Path(__file__).resolve().parent.parent
BASE = "e8e8e07"
"""main before ``process`` ran on the per-moment path into the store."""

_MEASURE = ("import os, subprocess, sys; p = subprocess.Popen(sys.argv[1:]); _, st, ru = os.wait4(p.pid, 0); "
            "print(ru.ru_maxrss, ru.ru_utime + ru.ru_stime, file=sys.stderr); "
            "sys.exit(os.waitstatus_to_exitcode(st))")
"""Runs a command; prints its peak RSS (KiB) and CPU seconds (user + system, with the FFmpeg children it reaped)."""


def checkout(rev: str) -> tuple[Path, str]:
    """The ``src`` folder of ``rev`` (extracted once into the cache) and its full hash."""
    sha = subprocess.run(["git", "rev-parse", rev], cwd=ROOT, capture_output=True, text=True,
                         check=True).stdout.strip()
    dest = CACHE / f"src-{sha[:12]}"
    if not (dest / "src" / "livehighlights").is_dir():
        blob = subprocess.run(["git", "archive", sha, "src"], cwd=ROOT, capture_output=True, check=True).stdout
        with tarfile.open(fileobj=io.BytesIO(blob)) as tar:
            tar.extractall(dest, filter="data")
    return dest / "src", sha


def run(src: Path, live: Path, out: Path, store: Path, *extra: str) -> tuple[float, float, float, dict]:
    """``process`` of the code in ``src``: wall seconds, CPU seconds and peak RSS (MB) of its process, its
    report. On a busy machine the CPU seconds compare two runs better than the wall time."""
    cmd = [sys.executable, "-m", "livehighlights._cli.main", "process", str(live / "recording.mp4"),
           "--events", str(live / "events.jsonl"), "--catalog", str(live / "catalog.json"), "--out", str(out),
           *extra]
    env = {**os.environ, "PYTHONPATH": str(src), "LIVEHIGHLIGHTS_CACHE": tempfile.mkdtemp(prefix="lh-bench-cache-"),
           "LIVEHIGHLIGHTS_DB": f"sqlite:///{store / 'lh.db'}", "LIVEHIGHLIGHTS_MEDIA": str(store / "media")}
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", _MEASURE, *cmd], capture_output=True, text=True, env=env)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        sys.exit(f"process ({src}) failed:\n{proc.stderr[-3000:]}")
    rss, cpu = proc.stderr.strip().splitlines()[-1].split()
    return wall, float(cpu), int(rss) / 1024, json.loads((out / "highlights.json").read_text())


def summary(report: dict) -> str:
    tiers = [h.get("tier") for h in report["highlights"] if h.get("tier")]
    t = ", ".join(f"{k} {tiers.count(k)}" for k in sorted(set(tiers))) if tiers else "-"
    return f"{len(report['highlights'])} highlights (tiers: {t})"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--minutes", type=float, default=60.0)
    ap.add_argument("--resolution", default="1080p")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--base", default=BASE, help="the commit to compare with (default: %(default)s)")
    ap.add_argument("--skip-analysis", action="store_true", help="only the --no-analysis runs")
    args = ap.parse_args()

    live, sim_s = get_live(args.minutes, args.seed, args.resolution, "default")
    if sim_s:
        print(f"simulated the benchmark LIVE in {sim_s:.0f} s")
    base_src, base_sha = checkout(args.base)
    head_src = ROOT / "src"
    print(f"LIVE: {live.name}; this checkout vs {args.base} ({base_sha[:10]}); {os.cpu_count()} CPUs")
    work = Path(tempfile.mkdtemp(prefix="lh-bench-process-"))
    modes = [("no analysis", ("--no-analysis",))] + ([] if args.skip_analysis else [("with analysis", ())])
    results: dict[tuple[str, str], tuple[float, float, float, dict]] = {}
    for mode, extra in modes:
        for who, src in (("base", base_src), ("this", head_src)):
            tag = f"{who}-{mode.replace(' ', '-')}"
            results[(who, mode)] = run(src, live, work / f"out-{tag}", work / f"store-{tag}", *extra)
    print(f"\n{'run':<44} {'wall s':>7} {'CPU s':>7} {'x real time':>11} {'peak MB':>8}  result")
    length = results[("this", modes[0][0])][3]["live"]["duration_s"]
    for mode, _ in modes:
        for who in ("base", "this"):
            wall, cpu, peak, rep = results[(who, mode)]
            name = f"{mode}, {'this checkout' if who == 'this' else args.base}"
            print(f"{name:<44} {wall:>7.1f} {cpu:>7.1f} {length / wall:>11.1f} {peak:>8.0f}  {summary(rep)}")
    mode, extra = modes[-1]
    tag = f"this-{mode.replace(' ', '-')}"
    wall, cpu, peak, rep = run(head_src, live, work / f"out-{tag}", work / f"store-{tag}", *extra)
    print(f"{mode + ', re-run into the same store':<44} {wall:>7.1f} {cpu:>7.1f} {length / wall:>11.1f} "
          f"{peak:>8.0f}  {summary(rep)}; {rep.get('reused_jobs', 0)} jobs reused")
    print(f"load average at the end: {', '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")

    online = results[("this", modes[-1][0])][3].get("online")
    if online:
        print(f"\nonline policy ({mode}): took {online['taken']} windows as their moments were confirmed; the "
              f"review list ranked over the whole LIVE has {online['final']}; {online['agreed']} in both; "
              f"the taken windows carry {online['score_ratio']:.1%} of the review list's rank score")
    base_hl = {(h["start_s"], h["product_id"]) for h in results[("base", modes[-1][0])][3]["highlights"]}
    this_hl = {(h["start_s"], h["product_id"]) for h in results[("this", modes[-1][0])][3]["highlights"]}
    print(f"highlights identical to {args.base}'s ({mode}): {len(base_hl & this_hl)} of {len(base_hl)} "
          f"(this checkout: {len(this_hl)})")


if __name__ == "__main__":
    main()
