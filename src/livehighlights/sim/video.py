"""The picture: pre-rendered Pillow layers composed by one FFmpeg filter graph per segment.

No frame is drawn in Python. The LIVE is cut into segments of whole GOPs (60 s); each segment's graph
holds only the overlays active in it (host with sway/breathing, mouth and blink patches, products
sliding in/out, tilted and table variants, stickers), segments are encoded in parallel with libx264
and joined with ``-c copy``; the speech track is muxed in the same final step.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image

from .catalog import SimProduct, sale_price
from .drawing import product_layer
from .ffmpeg import run_ffmpeg
from .scene import Layout, background, host, sticker
from .script import Show
from .speech import Spoken

SEGMENT_S = 60
"""Longest encoded segment in seconds (a multiple of the 2 s GOP)."""
GOP_S = 2
LOOP_S = 6
"""The idle host animation repeats every LOOP_S seconds (a multiple of GOP_S)."""
REUSE_MIN_S = 120
"""From this LIVE length on, idle GOPs (no product on screen) reuse pre-encoded loop chunks."""
MOUTH_GATE = "lt(mod(T,0.26),0.14)"
X264 = ["-c:v", "libx264", "-preset", "ultrafast", "-x264-params", "8x8dct=1", "-profile:v", "high",
        "-pix_fmt", "yuv420p", "-crf", "23", "-g", "60", "-keyint_min", "60", "-sc_threshold", "0"]


@dataclass
class Item:
    """One overlay: a PNG shown in ``windows`` (global seconds) at expressions of ``T`` (global time)."""

    png: Path
    x: str
    y: str
    windows: list[tuple[float, float]]
    gate: str = ""
    """Extra factor multiplied into ``enable`` (e.g. mouth flapping)."""
    always: bool = False
    sub: list[tuple[float, float]] = field(default_factory=list)
    """Windows (global) removed from ``windows`` (e.g. while the tilted variant is shown)."""
    prop: bool = True
    """A product or sticker (the host, mouth and blink layers are not props)."""


def _ease(p: str) -> str:
    return f"(({p})*({p})*(3-2*({p})))"


def _layers(show: Show, products: list[SimProduct], spoken: list[Spoken], lay: Layout, tmp: Path,
            rng: np.random.Generator, shop: str) -> tuple[Path, list[Item]]:
    """Render the PNG layers and describe every overlay."""
    W, H = lay.W, lay.H
    bg = tmp / "bg.png"
    background(lay, rng, shop).save(bg)
    hx, hy, hw, hh = lay.host_box
    ax, ay = lay.sway
    # periods divide LOOP_S, so idle stretches repeat exactly and can reuse encoded GOPs
    sx = f"({ax}*sin(2*PI*T/6)+{ax * 0.35:.1f}*sin(2*PI*T/2))"
    sy = f"({ay}*sin(2*PI*T/3))"
    himg, mouth, blink, (px, py) = host(lay, rng)
    himg.save(tmp / "host.png")
    mouth.save(tmp / "mouth.png")
    blink.save(tmp / "blink.png")
    items = [Item(tmp / "host.png", f"{hx}+{sx}", f"{hy}+{sy}", [], always=True, prop=False)]
    talk = [(s.start_s, s.end_s) for s in spoken]
    items.append(Item(tmp / "mouth.png", f"{hx + px}+{sx}", f"{hy + py}+{sy}", talk, gate=MOUTH_GATE, prop=False))
    items.append(Item(tmp / "blink.png", f"{hx + px}+{sx}", f"{hy + py}+{sy}", [], always=True,
                      gate="lt(mod(T,3),0.13)", prop=False))
    looks = {sp.product.id: sp for sp in products}
    made: set[str] = set()
    ph = lay.product_h
    cx, cy = lay.held_center
    bob = f"({H * 0.006:.1f}*sin(2*PI*T/2.3))"
    for pitch in show.pitches:
        sp = looks[pitch.product_id]
        pid = sp.product.id
        files = {k: tmp / f"{pid}_{k}.png" for k in ("hands", "tilt", "table")}
        if pid not in made:
            made.add(pid)
            product_layer(sp.look, ph).save(files["hands"])
            product_layer(sp.look, ph, angle=9.0, squeeze=0.82).save(files["tilt"])
            product_layer(sp.look, int(ph * 0.45) // 2 * 2).save(files["table"])
        pw = round(ph * 600 / 760)
        for app in pitch.appearances:
            if app.where == "table":
                tw = round(ph * 0.45 * 600 / 760)
                tx, ty = lay.table_center
                items.append(Item(files["table"], f"{tx - tw // 2}", f"{ty - int(ph * 0.45)}",
                                  [(app.enter_s, app.exit_s)]))
                continue
            x0, yh, ys = cx - pw // 2, cy - ph // 2, H + 2
            opaque = Image.open(files["hands"]).getchannel("A").getbbox()
            if opaque:
                app.drawn_box = [x0 + opaque[0], yh + opaque[1], opaque[2] - opaque[0], opaque[3] - opaque[1]]
            e, f, o, x = app.enter_s, app.full_s, app.out_s, app.exit_s
            pin = f"clip((T-{e})/{max(0.01, f - e):.3f},0,1)"
            pout = f"clip((T-{o})/{max(0.01, x - o):.3f},0,1)"
            y = f"if(lt(T,{f}),{ys}+({yh - ys})*{_ease(pin)},{yh}+({ys - yh})*{_ease(pout)})+{sy}+{bob}"
            items.append(Item(files["hands"], f"{x0}+{sx}", y, [(e, x)], sub=list(app.tilted)))
            if app.tilted:
                tw, th = product_layer(sp.look, ph, angle=9.0, squeeze=0.82).size
                items.append(Item(files["tilt"], f"{cx - tw // 2}+{sx}", f"{cy - th // 2}+{sy}+{bob}",
                                  list(app.tilted)))
        if pitch.sticker and pitch.appearances:
            hands = pitch.appearances[-1]
            spath = tmp / f"sticker_{pitch.index}.png"
            st = sticker(lay, sp.product.discount or 0, sale_price(sp.product), sp.product.currency or "USD")
            st.save(spath)
            sx0 = W - st.width - int(W * 0.03)
            sy0 = int(H * 0.12) if lay.portrait else int(H * 0.15)
            pitch.sticker_box = [sx0, sy0, st.width, st.height]
            items.append(Item(spath, f"{sx0}", f"{sy0}+{H * 0.004:.1f}*sin(2*PI*T/1.1)",
                              [(hands.full_s, hands.out_s)]))
    return bg, items


def _windows_in(item: Item, s0: float, s1: float) -> list[tuple[float, float]]:
    return [(max(a, s0), min(b, s1)) for a, b in item.windows if b > s0 and a < s1]


def _segment_graph(bg_idx: int, items: list[tuple[int, Item]], s0: float, s1: float, fps: int) -> str:
    parts = [f"[{bg_idx}:v]format=yuv420p,loop=loop=-1:size=1:start=0,settb=1/{fps},setpts=N[b0]"]
    cur = "b0"
    for k, (idx, it) in enumerate(items):
        parts.append(f"[{idx}:v]format=yuva420p,loop=loop=-1:size=1:start=0,settb=1/{fps},setpts=N[i{k}]")
        tt = f"(t+{s0})"
        x = it.x.replace("T", tt)
        y = it.y.replace("T", tt)
        enable = "1" if it.always else "+".join(f"between(t,{a - s0:.3f},{b - s0:.3f})"
                                                 for a, b in _windows_in(it, s0, s1))
        if it.sub:
            enable = f"({enable})*not(" + "+".join(f"between(t,{a - s0:.3f},{b - s0:.3f})" for a, b in it.sub) + ")"
        if it.gate:
            enable = f"({enable})*{it.gate.replace('T', tt)}"
        parts.append(f"[{cur}][i{k}]overlay=x='{x}':y='{y}':format=yuv420:enable='{enable}'[b{k + 1}]")
        cur = f"b{k + 1}"
    parts.append(f"[{cur}]null[vout]")
    return ";\n".join(parts)


def _overlap(windows: list[tuple[float, float]], a: float, b: float) -> float:
    return sum(max(0.0, min(b, y) - max(a, x)) for x, y in windows)


def _jobs(items: list[Item], n_frames: int, fps: int, talk: list[tuple[float, float]], reuse: bool,
          ) -> tuple[dict[str, tuple[float, int, list[Item]]], list[str]]:
    """Encoding jobs ``name -> (start_s, frames, items)`` and the order of their files in the LIVE.

    Stretches with a product or sticker on screen are encoded as they are (up to SEGMENT_S each).
    With ``reuse``, every other 2 s GOP shows only the idle host, whose animation repeats every
    LOOP_S: it becomes a copy of one of a few pre-encoded chunks (by phase, and talking or not).
    """
    gop = GOP_S * fps
    n_gops = math.ceil(n_frames / gop)
    props = [it for it in items if it.prop]
    host_items = [it for it in items if not it.prop and it.gate != MOUTH_GATE]
    mouth = next(it for it in items if it.gate == MOUTH_GATE)
    jobs: dict[str, tuple[float, int, list[Item]]] = {}
    order: list[str] = []
    run: list[int] = []

    def flush() -> None:
        if run:
            f0, f1 = run[0] * gop, min(n_frames, (run[-1] + 1) * gop)
            name = f"seg{run[0]:05d}"
            jobs[name] = (f0 / fps, f1 - f0, items)
            order.append(name)
            run.clear()

    for g in range(n_gops):
        a, b = g * GOP_S, (g + 1) * GOP_S
        idle = reuse and (g + 1) * gop <= n_frames and not any(_overlap(it.windows, a - 0.1, b + 0.1) for it in props)
        if not idle:
            run.append(g)
            if len(run) * GOP_S >= SEGMENT_S:
                flush()
            continue
        flush()
        phase = g % (LOOP_S // GOP_S)
        talking = _overlap(talk, a, b) >= GOP_S / 2
        name = f"idle{phase}{'t' if talking else 's'}"
        if name not in jobs:
            s0 = float(phase * GOP_S)
            chunk_mouth = Item(mouth.png, mouth.x, mouth.y, [(s0, s0 + GOP_S)], gate=MOUTH_GATE, prop=False)
            jobs[name] = (s0, gop, host_items + ([chunk_mouth] if talking else []))
        order.append(name)
    flush()
    return jobs, order


def render_video(show: Show, products: list[SimProduct], spoken: list[Spoken], size: tuple[int, int], fps: int,
                 n_frames: int, wav: Path, out: Path, tmp: Path, rng: np.random.Generator, shop: str,
                 progress: Callable[[float], None] | None = None) -> None:
    """Render the recording (H.264 High + AAC, CFR, GOP 2 s, faststart) to ``out``."""
    lay = Layout(*size)
    bg, items = _layers(show, products, spoken, lay, tmp, rng, shop)
    talk = [(s.start_s, s.end_s) for s in spoken]
    jobs, order = _jobs(items, n_frames, fps, talk, reuse=n_frames >= REUSE_MIN_S * fps)
    names = sorted(jobs, key=lambda k: -jobs[k][1])  # longest first keeps both workers busy
    threads = "0" if len(jobs) == 1 else "1"
    total = sum(j[1] for j in jobs.values())
    done = [0]

    def encode(name: str) -> None:
        s0, frames, its = jobs[name]
        s1 = s0 + frames / fps
        active = [it for it in its if it.always or _windows_in(it, s0, s1)]
        args: list[str] = ["-i", str(bg)]
        used: list[tuple[int, Item]] = []
        for it in active:
            args += ["-i", str(it.png)]
            used.append((len(used) + 1, it))
        script = tmp / f"{name}.txt"
        script.write_text(_segment_graph(0, used, s0, s1, fps))
        run_ffmpeg([*args, "-/filter_complex", str(script), "-map", "[vout]", "-frames:v", str(frames),
                    "-r", str(fps), *X264, "-threads", threads, "-an", str(tmp / f"{name}.mp4")], f"video {name}")
        done[0] += frames
        if progress:
            progress(done[0] / total)

    if len(names) == 1:
        encode(names[0])
    else:
        with ThreadPoolExecutor(max_workers=2) as pool:
            list(pool.map(encode, names))
    listing = tmp / "segments.txt"
    listing.write_text("".join(f"file '{name}.mp4'\n" for name in order))
    run_ffmpeg(["-f", "concat", "-safe", "0", "-i", str(listing), "-i", str(wav), "-map", "0:v:0", "-map", "1:a:0",
                "-c:v", "copy", "-c:a", "aac", "-b:a", "128k", "-ar", "44100", "-ac", "1",
                "-movflags", "+faststart", str(out)], "mux recording")
