"""A LIVE simulator: recording + correlated events + catalog + ground truth, deterministic by seed.

Used by the demo, the tests (few-second LIVEs) and the benchmark (60-minute 1080p LIVE)::

    from livehighlights.sim import SimConfig, simulate
    result = simulate(SimConfig(minutes=0.25, seed=1), Path("out/"))

Writes ``recording.mp4`` (H.264 High + AAC, 30 fps CFR, keyframe every 2 s), ``events.jsonl``,
``catalog.json`` (+ ``images/``) and ``truth.json``. Same config -> identical events, catalog and truth.
Importing this package is cheap; numpy, Pillow and FFmpeg are only touched by :func:`simulate`.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import InputError, Where
from .config import SimConfig, SimResult, parse_utc

if TYPE_CHECKING:
    from .catalog import SimProduct
    from .script import Show

__all__ = ["SimConfig", "SimResult", "simulate", "generate"]


def _rngs(seed: int) -> dict[str, Any]:
    import numpy as np

    names = ("plan", "catalog", "audience", "scene", "noise")
    seqs = np.random.SeedSequence(seed).spawn(len(names))
    return {n: np.random.default_rng(s) for n, s in zip(names, seqs, strict=True)}


def generate(config: SimConfig) -> tuple[list[SimProduct], Show, list[dict[str, Any]]]:
    """The pure part: catalog products, show plan and events (unsorted dicts with ``ts_ms``). No I/O."""
    import numpy as np

    from .audience import simulate_events
    from .catalog import make_products
    from .script import pitch_count_hint, plan_show

    config.validate()
    rng = _rngs(config.seed)
    n = config.n_products or int(np.clip(round(pitch_count_hint(config.duration_s) * 0.45) + 2, 3, 12))
    products = make_products(rng["catalog"], n)
    plain = [sp.product for sp in products]
    show = plan_show(rng["plan"], config.duration_s, plain, config.difficulty)
    events = simulate_events(rng["audience"], show, plain)
    return products, show, events


def simulate(config: SimConfig, out_dir: Path, progress: Callable[[str, float], None] | None = None, *,
             media: bool = True) -> SimResult:
    """Simulate a LIVE into ``out_dir``.

    ``progress(step, fraction)`` is called as steps advance (``script``, ``events``, ``catalog``,
    ``speech``, ``video``). With ``media=False`` only events, catalog (without images) and truth are
    written (truth's ``speech`` then holds the planned sentence slots). Raises
    :class:`~livehighlights.errors.InputError` for a bad config and
    :class:`~livehighlights.errors.ToolError` when espeak-ng or FFmpeg is missing or fails.
    """
    config.validate()
    out_dir = Path(out_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise InputError(f"cannot create the output folder: {err.strerror}", Where(path=out_dir)) from err
    say = progress or (lambda step, frac: None)
    timings: dict[str, float] = {}
    t_all = time.perf_counter()

    t0 = time.perf_counter()
    say("script", 0.0)
    products, show, events = generate(config)
    timings["script"] = time.perf_counter() - t0
    say("script", 1.0)

    from .catalog import write_catalog
    from .truth import build_truth, write_events, write_truth

    t0 = time.perf_counter()
    live_start = parse_utc(config.live_start_utc) if config.live_start_utc else None
    n_events = write_events(events, out_dir / "events.jsonl", live_start)
    timings["events"] = time.perf_counter() - t0
    say("events", 1.0)
    t0 = time.perf_counter()
    catalog = write_catalog(products, out_dir, images=media)
    timings["catalog"] = time.perf_counter() - t0
    say("catalog", 1.0)

    spoken = None
    recording = out_dir / "recording.mp4"
    if media:
        from .speech import VOICES, render_speech
        from .texts import SHOP_NAMES
        from .video import render_video

        rng = _rngs(config.seed)
        tmp = out_dir / ".sim_tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir()
        try:
            t0 = time.perf_counter()
            say("speech", 0.0)
            voice = VOICES[int(rng["scene"].integers(len(VOICES)))]
            shop = SHOP_NAMES[int(rng["scene"].integers(len(SHOP_NAMES)))]
            wav = tmp / "speech.wav"
            spoken = render_speech(show.lines, config.duration_s, voice, wav, int(rng["noise"].integers(2**31)))
            timings["speech"] = time.perf_counter() - t0
            say("speech", 1.0)
            t0 = time.perf_counter()
            say("video", 0.0)
            render_video(show, products, spoken, config.size, config.fps, config.n_frames, wav, recording, tmp,
                         rng["scene"], shop, progress=lambda f: say("video", f))
            timings["video"] = time.perf_counter() - t0
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    truth = out_dir / "truth.json"
    write_truth(build_truth(config, show, spoken), truth)
    timings["total"] = time.perf_counter() - t_all
    return SimResult(out_dir=out_dir, recording=recording, events=out_dir / "events.jsonl", catalog=catalog,
                     truth=truth, duration_ms=round(config.duration_s * 1000), n_events=n_events,
                     timings={k: round(v, 3) for k, v in timings.items()})
