"""Benchmark of the highlight engine on a simulated LIVE (issue: the highlight engine).

Prints: wall time of ``livehighlights process`` and its speed against real time, time per stage,
peak memory, and detection quality against the simulator's truth (recall, precision, mean IoU) for
our detector and for naive baselines (top-K peaks of raw comment or order counts), on the default
and the hard difficulty.

    python bench/engine.py                      # 60-minute 1080p LIVE (simulated once, cached)
    python bench/engine.py --minutes 10 --resolution 720p

Simulated LIVEs are cached in bench/.cache (delete it to regenerate).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from livehighlights.detect.peaks import PeakCountDetector
from livehighlights.engine import Engine, replay
from livehighlights.evaluate import load_truth_spans, score_windows
from livehighlights.pipeline import detect_moments
from livehighlights.sim import SimConfig, simulate
from livehighlights.sources import load_catalog, load_events

CACHE = Path(__file__).parent / ".cache"


def sim_version() -> str:
    """A digest of the simulator's source: a LIVE cached by an older simulator is made again."""
    import hashlib

    import livehighlights.sim as sim

    h = hashlib.sha256()
    for f in sorted(Path(sim.__file__).parent.rglob("*.py")):
        h.update(f.read_bytes())
    return h.hexdigest()[:12]


def get_live(minutes: float, seed: int, resolution: str, difficulty: str) -> tuple[Path, float]:
    """Simulate (or reuse) a LIVE; returns its folder and the simulation time (0 when cached by this
    simulator: the folder's ``sim-version.txt``, see :func:`sim_version`)."""
    folder = CACHE / f"live-{minutes:g}m-{resolution}-{difficulty}-s{seed}"
    stamp = folder / "sim-version.txt"
    if (folder / "truth.json").exists() and (folder / "recording.mp4").exists() and stamp.is_file() \
            and stamp.read_text().strip() == sim_version():
        return folder, 0.0
    t0 = time.perf_counter()
    simulate(SimConfig(minutes=minutes, seed=seed, resolution=resolution, difficulty=difficulty), folder)
    stamp.write_text(sim_version() + "\n")
    return folder, time.perf_counter() - t0


_MEASURE = ("import resource, subprocess, sys; p = subprocess.run(sys.argv[1:]); "
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); sys.exit(p.returncode)")


def run_process(live: Path, out: Path, *extra: str) -> tuple[float, float, dict]:
    """Run the CLI in a child process: wall seconds, peak RSS in MB (its largest process), report."""
    cmd = [sys.executable, "-m", "livehighlights._cli.main", "process", str(live / "recording.mp4"),
           "--events", str(live / "events.jsonl"), "--catalog", str(live / "catalog.json"), "--out", str(out),
           *extra]
    env = {**os.environ, "LIVEHIGHLIGHTS_CACHE": tempfile.mkdtemp(prefix="lh-bench-cache-")}  # cold: no transcripts
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", _MEASURE, *cmd], capture_output=True, text=True, env=env)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        sys.exit(f"process failed:\n{proc.stderr}")
    peak_mb = int(proc.stderr.strip().splitlines()[-1]) / 1024
    return wall, peak_mb, json.loads((out / "highlights.json").read_text())


def print_run(title: str, wall: float, peak_mb: float, report: dict) -> None:
    length_s = report["live"]["duration_s"]
    print(f"\n{title}: {wall:.1f} s wall for {length_s / 60:.1f} min of LIVE "
          f"= {length_s / wall:.1f}x faster than real time (target: >= 20x)")
    print(f"  peak memory (largest process): {peak_mb:.0f} MB (target: < 1536 MB)")
    print("  time per stage (s): " + ", ".join(f"{k} {v:.2f}" for k, v in report["timings_s"].items()))
    if report.get("analysis_timings_s"):
        print("  analysis, wall seconds summed over candidates (speech and two candidates run at once, so these "
              "overlap): " + ", ".join(f"{k} {v:.1f}" for k, v in report["analysis_timings_s"].items()))
    cov = report.get("analysis_coverage")
    if cov and cov.get("candidates"):
        took = report["timings_s"].get("understand", 0.0)
        print(f"  analysed {cov['candidates']} candidates ({cov['understood_s']:.0f} s understood, "
              f"{cov['checked_s']:.0f} s checked at the full rate) in {took:.1f} s: "
              f"{took / cov['candidates'] * 20:.1f} s per 20 windows (target: 90 s)")
    cuts = [h["cut"] for h in report["highlights"] if h.get("cut")]
    if cuts:
        re = sum(c["reencoded_s"] for c in cuts)
        cp = sum(c["copied_s"] for c in cuts)
        print(f"  cutting: {len(cuts)} clips, {re:.1f} s re-encoded, {cp:.1f} s stream-copied, "
              f"{sum(c['seconds'] for c in cuts):.1f} s total ({cuts[0]['method']})")
    tiers = [h.get("tier") for h in report["highlights"] if h.get("tier")]
    if tiers:
        print("  compliance tiers: " + ", ".join(f"{t} {tiers.count(t)}" for t in sorted(set(tiers))))


def naive(live: Path, metric: str, k: int) -> list[tuple[int, int]]:
    log = load_events(live / "events.jsonl")
    truth = json.loads((live / "truth.json").read_text())
    engine = Engine([PeakCountDetector(metric=metric, k=k, window_s=30)])
    found = replay(log.events, int(truth["duration_s"] * 1000), engine)
    return [(m.start_ms, m.end_ms) for m in found]


def quality_rows(live: Path, report: dict | None) -> list[tuple[str, dict]]:
    planted = load_truth_spans(live / "truth.json")
    truth = json.loads((live / "truth.json").read_text())
    rows = []
    if report is not None:
        clips = [(round(h["start_s"] * 1000), round(h["end_s"] * 1000)) for h in report["highlights"]]
        rows.append(("ours: highlights (quotas applied)", score_windows(clips, planted).as_dict()))
        k = max(1, len(clips))
    else:
        k = len(planted)
    log = load_events(live / "events.jsonl")
    catalog = load_catalog(live / "catalog.json")
    moments = detect_moments(log.events, int(truth["duration_s"] * 1000), catalog=catalog)
    product = [(m.start_ms, m.end_ms) for m in moments if m.kind == "product"]
    rows.append(("ours: product moments (no quotas)", score_windows(product, planted).as_dict()))
    for metric in ("comments", "orders"):
        rows.append((f"naive: top-{k} {metric} peaks", score_windows(naive(live, metric, k), planted).as_dict()))
    return rows


def print_quality(title: str, rows: list[tuple[str, dict]]) -> None:
    print(f"\n{title}")
    print(f"  {'method':<38} {'recall':>6} {'precision':>9} {'meanIoU':>7} {'found':>5} {'planted':>7}")
    for name, q in rows:
        print(f"  {name:<38} {q['recall']:>6.3f} {q['precision']:>9.3f} {q['mean_iou']:>7.3f} "
              f"{q['found']:>5} {q['planted']:>7}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--minutes", type=float, default=60.0)
    ap.add_argument("--resolution", default="1080p")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--hard-minutes", type=float, default=None,
                    help="length of the hard-difficulty LIVE (default: same as --minutes)")
    args = ap.parse_args()

    live, sim_s = get_live(args.minutes, args.seed, args.resolution, "default")
    print(f"LIVE: {args.minutes:g} min {args.resolution}, seed {args.seed} ({live})"
          + (f"; simulated in {sim_s:.1f} s" if sim_s else "; cached"))
    fast = run_process(live, CACHE / f"out-fast-{live.name}", "--no-analysis")
    print_run("process --no-analysis (metrics, planning, cutting)", *fast)
    full = run_process(live, CACHE / f"out-{live.name}")
    print_run("process (with speech, vision and the compliance report on the candidates)", *full)
    report = full[2]
    print_quality("quality, default difficulty:", quality_rows(live, report))

    hard_min = args.hard_minutes or args.minutes
    hard, _ = get_live(hard_min, args.seed, "720p", "hard")
    hard_out = CACHE / f"out-{hard.name}"
    _, _, hard_report = run_process(hard, hard_out, "--no-analysis")
    print_quality(f"quality, hard difficulty ({hard_min:g} min):", quality_rows(hard, hard_report))


if __name__ == "__main__":
    main()
