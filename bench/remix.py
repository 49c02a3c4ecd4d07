"""Benchmark the remix: a 30 s highlight at 1080x1920, then every highlight of a simulated LIVE.

    python bench/remix.py [--minutes 3] [--preset superfast] [--size 1080x1920]

Simulates (and processes) a LIVE into bench/.cache/remix-<minutes>m/ once, then reuses it. Prints the
encoder settings and the time of each stage. Target: under 15 s for 30 s at 1080x1920 on 2 cores.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from livehighlights.remix import Encoder, RemixOptions, remix, resolve_source
from livehighlights.remix.batch import remix_highlights


def main() -> None:
    # cold: no transcript from an earlier run (the cache is per process run here)
    os.environ.setdefault("LIVEHIGHLIGHTS_CACHE", tempfile.mkdtemp(prefix="lh-remix-bench-"))
    ap = argparse.ArgumentParser()
    ap.add_argument("--minutes", type=float, default=3.0)
    ap.add_argument("--preset", default="ultrafast")
    ap.add_argument("--size", default="1080x1920")
    ap.add_argument("--report", type=Path, default=None,
                    help="remix every highlight of this highlights.json (e.g. the 60-minute LIVE of bench/engine.py)")
    a = ap.parse_args()
    cache = Path(__file__).parent / ".cache" / f"remix-{a.minutes:g}m"
    report = a.report or cache / "out" / "highlights.json"
    if a.report is not None:
        cache = Path(__file__).parent / ".cache" / f"remix-{a.report.parent.name}"
        cache.mkdir(parents=True, exist_ok=True)
    elif not report.is_file():
        from livehighlights.pipeline import process
        from livehighlights.sim import SimConfig, simulate

        sim = simulate(SimConfig(minutes=a.minutes, seed=3, resolution="1080p"), cache / "live")
        process(sim.recording, sim.events, cache / "out", catalog_path=sim.catalog)
    opts = RemixOptions(size=a.size, live_on=True, encoder=Encoder(preset=a.preset))
    print(f"cores: {len(os.sched_getaffinity(0))}, load: {os.getloadavg()[0]:.1f}; encoder: {opts.encoder.to_json()}")

    # one 30 s highlight: the report's first clip, or a 30 s cut of the recording
    src = resolve_source(f"{report}#1")
    from livehighlights.media import probe
    from livehighlights.render import cut_clip

    if probe(src.clip).duration_ms < 29_000:
        import json

        live = json.loads(report.read_text())["live"]["recording"]
        clip30 = cache / "clip30.mp4"
        if not clip30.is_file():
            cut_clip(Path(live), 10_000, 40_000, clip30)
        src.clip = clip30
    t = time.perf_counter()
    res = remix(src, cache / "remix30.mp4", opts)
    print(f"30 s highlight -> {a.size}: {time.perf_counter() - t:.1f} s  stages {res.timings}")

    t = time.perf_counter()
    results = remix_highlights(report, "classic", cache / "remix", options=opts)
    total = sum(r.data["output"]["duration_ms"] for r in results) / 1000
    print(f"all {len(results)} highlights ({total:.0f} s of video): {time.perf_counter() - t:.1f} s")


if __name__ == "__main__":
    main()
