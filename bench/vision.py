"""Benchmark of the visual checks: time per check over 60 s windows of a 1080p simulated LIVE, first-visible
error against the simulator's truth, and what each check says about the real files in /work/shared/media.

    python bench/vision.py [--live DIR] [--windows 20] [--minutes 12] [--media /work/shared/media]

Without ``--live`` a 1080p LIVE is simulated into a temporary folder first (several minutes on 2 cores).
All checks of a window share one decoding pass (``scan_window``), which dominates the cost.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from livehighlights.vision import (
    find_qr_codes,
    find_static_overlays,
    measure_video,
    scan_window,
    visibility_track,
)


def _live(args: argparse.Namespace) -> Path:
    if args.live:
        return Path(args.live)
    from livehighlights.sim import SimConfig, simulate

    out = Path(tempfile.mkdtemp(prefix="bench_vision_"))
    print(f"simulating a {args.minutes} min 1080p LIVE into {out} ...", flush=True)
    simulate(SimConfig(minutes=args.minutes, seed=7, resolution="1080p"), out)
    return out


def bench_live(live: Path, n_windows: int) -> None:
    truth = json.loads((live / "truth.json").read_text())
    catalog = json.loads((live / "catalog.json").read_text())
    images = {p["id"]: [str(live / i) for i in p["images"]] for p in catalog}
    rec = live / "recording.mp4"
    dur = int(truth["duration_s"] * 1000)
    pitches = [p for p in truth["pitches"] if p["visible"]]
    starts = [max(0, round(p["visible"][-1]["enter_s"] * 1000) - 3000) for p in pitches]
    while len(starts) < n_windows:
        starts.append(len(starts) * 29_000 % max(1, dur - 60_000))
    starts = [min(s, max(0, dur - 60_000)) for s in starts[:n_windows]]
    totals = {"decode": 0.0, "quality": 0.0, "product": 0.0, "qr": 0.0, "overlays": 0.0}
    errors_enter, errors_full = [], []
    for k, s in enumerate(starts):
        e = s + 60_000
        t0 = time.perf_counter()
        scan = scan_window(rec, s, e, sample_fps=4, hires_fps=1)
        totals["decode"] += time.perf_counter() - t0
        t0 = time.perf_counter()
        q = measure_video(rec, s, e, scan=scan)
        totals["quality"] += time.perf_counter() - t0
        t0 = time.perf_counter()
        pitch = pitches[k] if k < len(pitches) else None
        pid = pitch["product_id"] if pitch else next(iter(images))
        tr = visibility_track(rec, s, e, images[pid], scan=scan,
                              other_products={i: v for i, v in images.items() if i != pid})
        totals["product"] += time.perf_counter() - t0
        t0 = time.perf_counter()
        qr = find_qr_codes(rec, s, e, scan=scan)
        totals["qr"] += time.perf_counter() - t0
        t0 = time.perf_counter()
        ov = find_static_overlays(rec, s, e, scan=scan)
        totals["overlays"] += time.perf_counter() - t0
        line = (f"window {k:2d} {s / 1000:7.1f}s  frozen={len(q.frozen)} black={len(q.black)} "
                f"dup={q.duplicated_ratio:.3f} qr={len(qr)} overlays={ov.status}:{len(ov.overlays)} "
                f"{pid}: vis={tr.visible_ratio:.2f} front={tr.frontal_ratio:.2f} match={tr.matches_catalog}")
        if pitch:
            seen = pitch["visible"][-1]
            if tr.first_visible_ms is not None:
                errors_enter.append(tr.first_visible_ms / 1000 - seen["enter_s"])
            if tr.first_full_ms is not None:
                errors_full.append(tr.first_full_ms / 1000 - seen["full_s"])
            line += f" first_visible={tr.first_visible_ms} (truth {seen['enter_s']}) first_full={tr.first_full_ms}"
            line += f" (truth {seen['full_s']})"
        print(line, flush=True)
    n = len(starts)
    print(f"\n{n} windows of 60 s of {rec} ({truth['size'][0]}x{truth['size'][1]}):")
    for name, v in totals.items():
        print(f"  {name:9s} {v:7.2f} s total  {v / n:6.2f} s/window")
    print(f"  all       {sum(totals.values()):7.2f} s total  {sum(totals.values()) / n:6.2f} s/window")
    if errors_enter:
        ae = sorted(abs(x) for x in errors_enter)
        print(f"  first-visible error vs truth enter_s over {len(ae)} pitches: median {ae[len(ae) // 2]:.3f} s, "
              f"max {ae[-1]:.3f} s, mean signed {sum(errors_enter) / len(errors_enter):+.3f} s")
    if errors_full:
        af = sorted(abs(x) for x in errors_full)
        print(f"  first-full error vs truth full_s over {len(af)} pitches: median {af[len(af) // 2]:.3f} s, "
              f"max {af[-1]:.3f} s, mean signed {sum(errors_full) / len(errors_full):+.3f} s")


def bench_media(folder: Path) -> None:
    files = sorted(p for p in folder.glob("*") if p.suffix in (".mp4", ".webm"))
    if not files:
        print(f"\n(no media in {folder})")
        return
    print(f"\nreal files in {folder}:")
    for p in files:
        t0 = time.perf_counter()
        scan = scan_window(p, 0, None, sample_fps=4, hires_fps=1)
        q = measure_video(p, scan=scan)
        qr = find_qr_codes(p, scan=scan)
        ov = find_static_overlays(p, scan=scan)
        print(f"  {p.name} ({time.perf_counter() - t0:.2f} s): {q.summary()}")
        print(f"      qr={len(qr)} overlays={ov.status} {[o.box for o in ov.overlays][:4]} {ov.reason or ''}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--live", help="folder of a simulated LIVE (recording.mp4, truth.json, catalog.json)")
    ap.add_argument("--windows", type=int, default=20)
    ap.add_argument("--minutes", type=float, default=12)
    ap.add_argument("--media", default="/work/shared/media")
    args = ap.parse_args()
    bench_live(_live(args), args.windows)
    bench_media(Path(args.media))


if __name__ == "__main__":
    main()
