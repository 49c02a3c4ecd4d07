"""Loudness and audio quality of a window: EBU R128 loudness, noise floor, silence, mute, clipping.

* Integrated loudness (LUFS), loudness range (LU) and true peak (dBTP) come from FFmpeg's
  ``ebur128=peak=true`` filter run on the original audio (all channels, native rate), parsed from its
  summary.
* The rest comes from the window decoded to 16 kHz mono (:func:`~.audio.read_mono`), cut into
  :data:`FRAME_MS` frames: the *noise floor* is the :data:`NOISE_PERCENTILE` th percentile of the frame
  RMS levels, the *speech level* the :data:`SPEECH_PERCENTILE` th, and their difference the SNR
  estimate (a clean voice over silence scores high; voice over a hiss scores low). Digital silence
  counts as :data:`~.audio.SILENCE_DBFS`.
* Silent stretches: runs of frames below :data:`SILENT_DBFS` lasting :data:`MIN_SILENT_MS` or more.
  ``muted`` is true when (nearly) the whole window is below :data:`SILENT_DBFS` although an audio
  stream exists (an AAC track of pure silence, a muted LIVE): at least :data:`MUTED_RATIO` of its
  frames, which tolerates the encoder's start-up click seen on real silent AAC tracks.
  A file without audio raises :class:`MediaError`.
* ``clipping_ratio``: the fraction of samples at or above :data:`CLIP_LEVEL` of full scale (estimated
  on the 16 kHz mono mix, so it slightly under-counts clipping of a single channel).
"""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import InputError, MediaError, Where
from ..timebase import Ms
from .audio import ANALYSIS_RATE, SILENCE_DBFS, read_mono
from .ffmpeg import run_ffmpeg

FRAME_MS = 50
NOISE_PERCENTILE = 10
SPEECH_PERCENTILE = 90
SILENT_DBFS = -60.0
MIN_SILENT_MS = 1000
MUTED_RATIO = 0.98
CLIP_LEVEL = 0.99
_OPEN_END = 10 ** 9
_SUMMARY = {
    "integrated_lufs": re.compile(r"^\s*I:\s*(-?(?:inf|[\d.]+))\s*LUFS", re.M),
    "loudness_range_lu": re.compile(r"^\s*LRA:\s*(-?(?:inf|[\d.]+))\s*LU\b", re.M),
    "true_peak_dbtp": re.compile(r"^\s*Peak:\s*(-?(?:inf|[\d.]+))\s*dBFS", re.M),
}


@dataclass(slots=True)
class AudioQuality:
    """Audio measurements of a window (see the module docs). ``None``: not measurable (e.g. the true
    peak of digital silence, or loudness when FFmpeg printed no summary)."""

    integrated_lufs: float | None
    loudness_range_lu: float | None
    true_peak_dbtp: float | None
    noise_floor_dbfs: float
    speech_level_dbfs: float
    snr_db: float
    silent_stretches: list[tuple[Ms, Ms]] = field(default_factory=list)
    muted: bool = False
    clipping_ratio: float = 0.0
    silent_ratio: float = 0.0
    """Fraction of the window's frames below :data:`SILENT_DBFS`."""
    duration_ms: Ms = 0
    """Length of the audio measured (may be shorter than the window at the end of the file)."""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def measure_audio(path: str | Path, start_ms: Ms = 0, end_ms: Ms | None = None) -> AudioQuality:
    """Measure the audio of ``[start_ms, end_ms)`` of ``path`` (``end_ms=None``: to the end of the file).

    Raises :class:`MediaError` when the file is missing, unreadable or has no audio stream, and
    :class:`~livehighlights.errors.ToolError` when FFmpeg fails.
    """
    p = Path(path)
    if start_ms < 0 or (end_ms is not None and end_ms <= start_ms):
        raise InputError(f"bad audio window: start {start_ms} ms, end {end_ms} ms", Where(p))
    samples = read_mono(p, start_ms, _OPEN_END if end_ms is None else end_ms)  # MediaError without audio
    loud = ebur128(p, start_ms, end_ms)
    levels = frame_levels(samples)
    duration_ms = len(samples) * 1000 // ANALYSIS_RATE
    if len(levels) == 0:
        noise = speech = SILENCE_DBFS
    else:
        noise = float(np.percentile(levels, NOISE_PERCENTILE))
        speech = float(np.percentile(levels, SPEECH_PERCENTILE))
    silent = levels < SILENT_DBFS
    stretches = _runs(silent, start_ms, MIN_SILENT_MS)
    silent_ratio = float(silent.mean()) if len(levels) else 1.0
    muted = silent_ratio >= MUTED_RATIO
    clipping = float(np.mean(np.abs(samples) >= CLIP_LEVEL)) if len(samples) else 0.0
    return AudioQuality(
        integrated_lufs=loud["integrated_lufs"], loudness_range_lu=loud["loudness_range_lu"],
        true_peak_dbtp=loud["true_peak_dbtp"], noise_floor_dbfs=round(noise, 2), speech_level_dbfs=round(speech, 2),
        snr_db=round(speech - noise, 2), silent_stretches=stretches, muted=muted, clipping_ratio=round(clipping, 6),
        silent_ratio=round(silent_ratio, 4), duration_ms=duration_ms,
    )


def ebur128(path: str | Path, start_ms: Ms = 0, end_ms: Ms | None = None) -> dict[str, float | None]:
    """EBU R128 summary of the first audio stream in the window: ``integrated_lufs``,
    ``loudness_range_lu``, ``true_peak_dbtp`` (``None`` where FFmpeg reports ``-inf`` or nothing)."""
    args: list[str] = ["-loglevel", "info", "-ss", f"{start_ms / 1000:.3f}"]
    if end_ms is not None:
        args += ["-t", f"{(end_ms - start_ms) / 1000:.3f}"]
    args += ["-i", str(path), "-map", "0:a:0", "-vn", "-sn", "-dn",
             "-af", "ebur128=peak=true:framelog=quiet", "-f", "null", "-"]
    proc = run_ffmpeg(args, what=f"measuring loudness of {path}")
    return ebur128_summary(proc.stderr, Path(path))


def ebur128_summary(stderr: bytes, path: Path) -> dict[str, float | None]:
    """The last ``ebur128`` summary FFmpeg printed (at log level ``info``), as :func:`ebur128` returns it: for a
    command that measures what it writes in the same pass."""
    text = stderr.decode("utf-8", "replace")
    summary = text[text.rfind("Summary:"):] if "Summary:" in text else ""
    if not summary:
        raise MediaError("FFmpeg printed no loudness summary (no decodable audio in the window?)", Where(path))
    out: dict[str, float | None] = {}
    for key, rx in _SUMMARY.items():
        m = rx.search(summary)
        val = float(m.group(1)) if m else None
        out[key] = None if val is None or math.isinf(val) else val
    return out


def frame_levels(samples: np.ndarray, frame_ms: int = FRAME_MS) -> np.ndarray:
    """RMS level (dBFS, floored at :data:`SILENCE_DBFS`) of each whole ``frame_ms`` frame of 16 kHz samples."""
    hop = ANALYSIS_RATE * frame_ms // 1000
    n = len(samples) // hop
    if n == 0:
        return np.zeros(0)
    frames = samples[: n * hop].reshape(n, hop).astype(np.float64)
    with np.errstate(divide="ignore"):
        db = 10.0 * np.log10(np.mean(frames * frames, axis=1))
    return np.maximum(db, SILENCE_DBFS)


def _runs(mask: np.ndarray, offset_ms: Ms, min_ms: int, frame_ms: int = FRAME_MS) -> list[tuple[Ms, Ms]]:
    """``[start, end)`` ms of the runs of true frames lasting ``min_ms`` or more."""
    out: list[tuple[Ms, Ms]] = []
    padded = np.concatenate([[False], mask.astype(bool), [False]])
    edges = np.flatnonzero(np.diff(padded.astype(np.int8)))
    for a, b in zip(edges[::2], edges[1::2], strict=True):
        if (b - a) * frame_ms >= min_ms:
            out.append((offset_ms + int(a) * frame_ms, offset_ms + int(b) * frame_ms))
    return out
