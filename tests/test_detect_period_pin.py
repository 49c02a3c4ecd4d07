"""A period of coarse data is one candidate segment whose product is the one pinned longest in it: of two pinned
equally long, the one pinned first, the same in every run (not by the order of a set of strings, which changes with
the interpreter's hash seed)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

_SCRIPT = """
from livehighlights.detect.history import SeriesStore
from livehighlights.detect.options import DetectOptions
from livehighlights.detect.segments import Segmenter
from livehighlights.signals.timeline import METRICS, Second

store = SeriesStore()
seg = Segmenter(store, DetectOptions(resolution_s=60))
out = []
for t in range(120):
    pinned = ("sku-zeta" if t < 30 else "sku-alpha") if t < 60 else ("sku-b" if t < 90 else "sku-a")
    store.push(Second(t, {m: 0.0 for m in METRICS}, pinned))
    out += [s.product_id for s in seg.step()]
print(",".join(map(str, out)))
"""


def test_a_periods_product_is_the_first_pinned_of_equals_whatever_the_hash_seed() -> None:
    src = str(Path(__file__).resolve().parents[1] / "src")
    seen = set()
    for seed in ("0", "1", "2", "3", "4", "5"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": src}
        run = subprocess.run([sys.executable, "-c", _SCRIPT], env=env, capture_output=True, text=True, check=True)
        seen.add(run.stdout.strip())
    assert seen == {"sku-zeta,sku-b"}
