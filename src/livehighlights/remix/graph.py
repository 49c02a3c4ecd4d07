"""The one FFmpeg command of a remix: framing, sticker overlays, subtitles, end card, x264 + AAC.

Inputs: ``0`` the clip (video), ``1`` the prepared soundtrack (WAV), then one PNG per element (a single
frame each: the overlay filter repeats it, so nothing is decoded per frame).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..timebase import Ms
from .elements import Element
from .layout import Box

if TYPE_CHECKING:
    from .job import Composition, RemixJob


@dataclass(frozen=True)
class Encoder:
    """Encoder settings (recorded in the sidecar).

    The picture is coded at a constant quantiser (``qp``, 20 by default) unless ``crf`` is given. x264's
    constant rate factor needs its low-resolution look-ahead analysis of every frame, which at ``ultrafast``
    is ~15% of the encoder's time; a constant quantiser does without it. At ``ultrafast`` (no macroblock
    tree, no adaptive quantisation) CRF 20 also spends far more bits than its quality needs: on the
    simulator's LIVE, QP 20 is 53.7 dB PSNR against a lossless encode (CRF 20: 59.9 dB) in 38% fewer
    bytes; on Big Buck Bunny 48.9 dB (50.7) in 41% fewer. ``superfast`` makes smaller files for ~20% more
    time."""

    preset: str = "ultrafast"
    qp: int = 20
    crf: int | None = None
    """A constant rate factor instead of the constant quantiser (smaller files, more encoder time)."""
    fps: int = 30
    audio_bitrate: str = "160k"
    audio_rate: int = 48000
    gop_s: int = 2

    def rate_args(self) -> list[str]:
        """x264's rate control arguments: ``-crf N`` when a rate factor is given, else ``-qp N``."""
        return ["-crf", str(self.crf)] if self.crf is not None else ["-qp", str(self.qp)]

    def to_json(self) -> dict[str, object]:
        rate: dict[str, object] = {"crf": self.crf} if self.crf is not None else {"qp": self.qp}
        return {"video": "libx264", "preset": self.preset, **rate, "pix_fmt": "yuv420p", "fps": self.fps,
                "gop_frames": self.fps * self.gop_s, "audio": "aac", "audio_bitrate": self.audio_bitrate,
                "audio_rate": self.audio_rate, "movflags": "+faststart"}


@dataclass
class EndCard:
    """The end card: from ``start_ms`` the frame is darkened by ``darken`` and ``image`` drawn at ``box``."""

    start_ms: Ms
    darken: float
    image: Path
    box: Box
    lines: list[str]


def _esc(path: Path) -> str:
    """A path as a filter option value. The renderer keeps its files in a temporary folder of safe
    characters (fonts are linked there), so a plain quoted path is enough; others are refused."""
    s = str(path.absolute())
    if any(c in s for c in "'\\:;,[]"):
        raise ValueError(f"path unsafe in a filter graph: {s}")
    return f"'{s}'"


def _overlay(el: Element, idx: int, src: str, out: str, W: int, animate_s: float) -> str:
    x, y, w, _h = el.box
    a, b = el.start_ms / 1000, el.end_ms / 1000
    xe, ye = str(x), str(y)
    if el.slide_from and animate_s > 0:
        x_from = -w if el.slide_from == "left" else W
        xe = f"'if(lt(t\\,{a + animate_s:.3f})\\,{x_from}+({x - x_from})*max(0\\,(t-{a:.3f}))/{animate_s:.3f}\\,{x})'"
    if el.bounce:
        ux, uy = el.bounce
        xe = f"'{x}+{ux:.1f}*sin(2*PI*1.6*t)'"
        ye = f"'{y}+{uy:.1f}*sin(2*PI*1.6*t)'"
    return f"[{src}][{idx}:v]overlay=x={xe}:y={ye}:enable='between(t\\,{a:.3f}\\,{b:.3f})'[{out}]"


def _darken(opacity: float) -> str:
    """The frame under the end card blended towards black by ``opacity``, as a lookup table on the YUV planes
    (a full-frame ``drawbox`` with alpha cost ~25 ms a 1080x1920 frame, ~1.9 CPU-s for a 2.5 s card;
    the table ~0.3): black is Y 16, U and V 128 in the encoded (limited) range."""
    keep, a = 1 - opacity, opacity
    return (f"lutyuv=y='val*{keep:.4f}+{16 * a:.4f}':u='val*{keep:.4f}+{128 * a:.4f}'"
            f":v='val*{keep:.4f}+{128 * a:.4f}'")


DEBUG_COLOURS = {"face": "red", "product": "lime", "mark": "cyan", "ours": "yellow", "target": "magenta"}
"""Colours of the boxes a debug contact sheet marks."""


def debug_boxes(comp: Composition) -> list[tuple[str, Box]]:
    """(colour, box) of what a debug contact sheet marks: the face, the product and the LIVE's marks (what
    nothing of ours covers), each of our elements and the subtitle band, and the LIVE's entry point."""
    out = [(DEBUG_COLOURS[o.kind], o.box) for o in comp.obstacles]
    out += [(DEBUG_COLOURS["ours"], e.travel or e.box) for e in comp.placed.elements]
    if comp.placed.band is not None:
        out.append((DEBUG_COLOURS["ours"], comp.placed.band))
    if comp.placed.entry is not None:
        x, y = comp.placed.entry
        out.append((DEBUG_COLOURS["target"], (x - 12, y - 12, 24, 24)))
    W, H = comp.framing.out_size
    clipped = []
    for c, (x, y, w, h) in out:
        x0, y0, x1, y1 = max(0, x), max(0, y), min(W, x + w), min(H, y + h)
        if x1 > x0 and y1 > y0:
            clipped.append((c, (x0, y0, x1 - x0, y1 - y0)))
    return clipped


def build(job: RemixJob, comp: Composition) -> list[str]:
    """The FFmpeg arguments (without the binary) that render the remix into ``job.out`` and, when the
    options ask for a contact sheet, the sheet of the same frames in the same pass: tiles of a quarter of
    the frame's size at evenly spaced times."""
    o = job.options
    clip, sound, out, framing, ass = job.source.clip, comp.sound_file, job.out, comp.framing, comp.ass
    elements, end_card, duration_ms, enc = comp.placed.elements, comp.card, job.duration, o.encoder
    fonts_dir, animate_s = job.work / "fonts", job.style.stickers.animate_s
    sheet = (o.contact_sheet, o.sheet_grid) if o.contact_sheet is not None else None
    W, _H = framing.out_size
    # one decoding thread and a filter graph without slice threads: on 2 cores, x264's frame threads keep both
    # busy, and the decoder's and filters' own threads only added ~0.6 CPU-s of hand-over per 30 s remix
    args: list[str] = ["-y", "-filter_complex_threads", "1", "-threads", "1", "-i", str(clip), "-i", str(sound)]
    chain = [f"[0:v]fps={enc.fps},format=yuv420p[src]", framing.filters("src", "v0")]
    cur = "v0"
    idx = 2
    for n, el in enumerate(elements):
        args += ["-i", str(el.image)]
        chain.append(_overlay(el, idx, cur, f"e{n}", W, animate_s))
        cur, idx = f"e{n}", idx + 1
    if ass is not None:
        chain.append(f"[{cur}]ass=filename={_esc(ass)}:fontsdir={_esc(fonts_dir)}[subs]")
        cur = "subs"
    if end_card is not None:
        t = end_card.start_ms / 1000
        args += ["-i", str(end_card.image)]
        chain.append(f"[{cur}]{_darken(end_card.darken)}:enable='gte(t\\,{t:.3f})'[dark]")
        x, y, _w, _h = end_card.box
        chain.append(f"[dark][{idx}:v]overlay=x={x}:y={y}:enable='gte(t\\,{t:.3f})'[card]")
        cur = "card"
    chain.append(f"[{cur}]format=yuv420p[vout]")
    if sheet is not None:
        cols, rows = sheet[1]
        W, H = framing.out_size
        rate = cols * rows / max(0.1, duration_ms / 1000)
        chain[-1] = f"[{cur}]format=yuv420p,split=2[vout][vsheet]"
        marks = "".join(f"drawbox=x={b[0]}:y={b[1]}:w={b[2]}:h={b[3]}:color={c}:t={max(3, W // 180)},"
                        for c, b in debug_boxes(comp)) if o.debug_boxes else ""
        chain.append(f"[vsheet]fps={rate:.6f}:start_time=0,{marks}scale={W // 4 // 2 * 2}:{H // 4 // 2 * 2},"
                     f"tile={cols}x{rows}[sheet]")
    dur = f"{duration_ms / 1000:.3f}"
    args += ["-filter_complex", ";".join(chain), "-map", "[vout]", "-map", "1:a", "-t", dur,
             "-c:v", "libx264", "-preset", enc.preset, *enc.rate_args(), "-pix_fmt", "yuv420p",
             "-r", str(enc.fps), "-g", str(enc.fps * enc.gop_s), "-c:a", "aac", "-b:a", enc.audio_bitrate,
             "-ar", str(enc.audio_rate), "-movflags", "+faststart", str(out)]
    if sheet is not None:
        args += ["-map", "[sheet]", "-frames:v", "1", "-update", "1", str(sheet[0])]
    return args
