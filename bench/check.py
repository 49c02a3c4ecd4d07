"""Benchmark of media understanding and the compliance report (issue: media understanding).

On the highlights of a simulated LIVE (processed with analysis on), prints:
- analysis time for the candidate windows, per check;
- product first-visible time against the simulator's truth (share within 0.5 s);
- selling points stated: precision and recall against what the simulated host really said in each clip;
- ASR word error rate on the simulator's speech;
- what each check says about the real footage in ../shared/media (not made by the project).

    python bench/check.py                         # the 60-minute 1080p LIVE of bench/engine.py (cached)
    python bench/check.py --minutes 10 --resolution 720p
    python bench/check.py --twice                 # also: the same clips and tiers on a second run?
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import time
from pathlib import Path

from engine import CACHE, get_live

SHARED_MEDIA = Path(__file__).resolve().parents[2] / "shared" / "media"


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.lower())


def wer(ref: list[str], hyp: list[str]) -> tuple[int, int]:
    """Word edits (substitutions + deletions + insertions) and reference length."""
    prev = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        cur = [i] + [0] * len(hyp)
        for j, h in enumerate(hyp, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (r != h))
        prev = cur
    return prev[-1], len(ref)


def processed(live: Path, fresh: bool, suffix: str = "") -> tuple[dict, float]:
    out = CACHE / f"out-{live.name}{suffix}"
    report = out / "highlights.json"
    wall = 0.0
    if fresh or not report.exists() or "analysis_timings_s" not in json.loads(report.read_text()):
        t0 = time.perf_counter()
        cmd = [sys.executable, "-m", "livehighlights._cli.main", "process", str(live / "recording.mp4"),
               "--events", str(live / "events.jsonl"), "--catalog", str(live / "catalog.json"), "--out", str(out)]
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode:
            sys.exit(proc.stderr)
        wall = time.perf_counter() - t0
    return json.loads(report.read_text()), wall


def same_run(a: dict, b: dict) -> str:
    """``yes``, or what differs between two reports of the same input (clip windows, tiers, blocking rules)."""
    def key(r: dict) -> list[tuple]:
        return [(h["rank"], h["product_id"], h["start_s"], h["end_s"], h.get("tier"), tuple(h.get("blocked_by", [])))
                for h in r["highlights"]]
    ka, kb = key(a), key(b)
    if ka == kb:
        return f"yes ({len(ka)} highlights)"
    diff = [f"{x} vs {y}" for x, y in zip(ka, kb, strict=False) if x != y]
    return f"NO: {len(ka)} vs {len(kb)} highlights; " + "; ".join(diff[:5])


def visible_truth(truth: dict, pid: str, start: float, end: float) -> float | None:
    """When the product first shows in the clip according to the truth (seconds from the clip start)."""
    for p in truth["pitches"]:
        for v in p["visible"]:
            if p["product_id"] != pid or v["exit_s"] <= start or v["enter_s"] >= end:
                continue
            return max(0.0, v["enter_s"] - start)
    return None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--minutes", type=float, default=60.0)
    ap.add_argument("--resolution", default="1080p")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--fresh", action="store_true", help="process again even if a report is cached")
    ap.add_argument("--twice", action="store_true", help="process a second time and say whether the clips and "
                    "tiers are the same")
    args = ap.parse_args()
    live, _ = get_live(args.minutes, args.seed, args.resolution, "default")
    report, wall = processed(live, args.fresh)
    if args.twice:
        again, _ = processed(live, True, "-again")
        print("same clips and tiers on a second run: " + same_run(report, again))
    truth = json.loads((live / "truth.json").read_text())
    catalog = {p["id"]: p for p in json.loads((live / "catalog.json").read_text())}
    hls = report["highlights"]
    t = report["timings_s"]
    print(f"LIVE {live.name}: {len(hls)} highlights" + (f", processed in {wall:.1f} s" if wall else ""))
    analysis = t.get("understand", 0)
    cov = report.get("analysis_coverage") or {}
    n = int(cov.get("candidates", 0)) or len(hls)
    print(f"analysis of the candidate windows (understanding, refinement and every check): {analysis:.1f} s for "
          f"{n} candidates ({cov.get('understood_s', 0):.0f} s of the LIVE understood, "
          f"{cov.get('checked_s', 0):.0f} s of refined windows checked at the full rate); "
          f"{analysis / n * 20:.1f} s per 20 windows (target: 90 s)")
    print("  per analysis (s): " + ", ".join(f"{k} {v:.1f}" for k, v in report.get("analysis_timings_s", {}).items()))

    errors, tiers = [], {}
    tp = fp = fn = 0
    edits = total = 0
    for h in hls:
        tiers[h.get("tier")] = tiers.get(h.get("tier"), 0) + 1
        rules = {r["id"]: r for r in h.get("compliance", {}).get("rules", [])}
        got = rules.get("product_within_1s", {}).get("evidence", {}).get("first_visible_s")
        want = visible_truth(truth, h["product_id"], h["start_s"], h["end_s"])
        if want is not None and got is not None:
            errors.append(abs(got - want))
        elif want is not None or got is not None:
            errors.append(float("inf"))
        said = " ".join(s["text"] for s in truth["speech"]
                        if s["start_s"] >= h["start_s"] - 0.05 and s["end_s"] <= h["end_s"] + 0.05)
        points = catalog[h["product_id"]]["selling_points"] if h["product_id"] in catalog else []
        expected = {p for p in points if p.lower() in said.lower()}
        stated = set((h.get("content") or {}).get("selling_points_stated", []))
        tp += len(stated & expected)
        fp += len(stated - expected)
        fn += len(expected - stated)
        e, n = wer(words(said), words((h.get("transcript") or {}).get("text", "")))
        edits, total = edits + e, total + n
    within = sum(1 for e in errors if e <= 0.5)
    print(f"\nproduct first visible within 0.5 s of the truth: {within}/{len(errors)} clips "
          f"({within / max(1, len(errors)):.0%}; target >= 90%); median error "
          f"{sorted(errors)[len(errors) // 2] if errors else float('nan'):.2f} s")
    prec = tp / max(1, tp + fp)
    rec = tp / max(1, tp + fn)
    print(f"selling points stated: precision {prec:.3f}, recall {rec:.3f} ({tp} right, {fp} wrong, {fn} missed; "
          f"target >= 0.9 each)")
    print(f"ASR word error rate on the simulator's speech: {edits / max(1, total):.3f} ({total} words)")
    print("tiers: " + ", ".join(f"{k}: {v}" for k, v in tiers.items()))

    print(f"\nreal footage from outside the project ({SHARED_MEDIA}):")
    if not SHARED_MEDIA.exists():
        print("  (not present on this machine)")
        return
    for f in sorted(SHARED_MEDIA.iterdir()):
        if f.suffix not in (".mp4", ".webm", ".flac"):
            continue
        t0 = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "livehighlights._cli.main", "check", str(f), "--json"],
                              capture_output=True, text=True)
        dt = time.perf_counter() - t0
        if proc.returncode == 2:
            print(f"  {f.name}: error (exit 2): {proc.stderr.strip()} [{dt:.1f} s]")
            continue
        rep = json.loads(proc.stdout)
        said = {r["id"]: f"{r['status']}" + (f" ({r['reason']})" if r["status"] != "pass" else "")
                for r in rep["rules"] if r["id"] in ("resolution", "no_lag", "no_freeze", "no_black", "length",
                                                     "no_qr", "no_watermark", "original_audio", "clean_audio",
                                                     "consistent_volume", "decision_speech")}
        print(f"  {f.name}: tier {rep['tier']} (exit {proc.returncode}) [{dt:.1f} s]")
        for k, v in said.items():
            print(f"      {k}: {v}")


if __name__ == "__main__":
    main()
