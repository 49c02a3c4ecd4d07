"""Loudness of a window of the recording, and the speech pauses in it.

Only the requested window is decoded (seek, decode, resample to mono float at 16 kHz), so a 90 s
window costs a fraction of a second whatever the length of the LIVE.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from ..errors import InputError, MediaError, Where
from ..timebase import Ms
from .probe import open_media, video_origin_s
from .seeking import seek_at_or_before

ANALYSIS_RATE = 16_000
SILENCE_DBFS = -120.0
"""Level reported for digital silence (the floor of the dB scale)."""


def audio_levels(path: str | Path, start_ms: Ms, end_ms: Ms, hop_ms: int = 20) -> np.ndarray:
    """RMS level in dBFS (``float32``, ``SILENCE_DBFS`` for digital silence) of each ``hop_ms`` hop
    of ``[start_ms, end_ms)``: element ``i`` covers ``[start_ms + i*hop_ms, start_ms + (i+1)*hop_ms)``.

    Times are ms from the file's origin (its first video frame). Hops past the end of the audio are
    left out, so the result may be shorter than the window near the end of the file. Raises
    :class:`MediaError` if the file has no audio track.
    """
    if hop_ms <= 0 or end_ms <= start_ms or start_ms < 0:
        raise InputError(f"bad audio window: start {start_ms} ms, end {end_ms} ms, hop {hop_ms} ms")
    samples = read_mono(path, start_ms, end_ms)
    hop = ANALYSIS_RATE * hop_ms // 1000
    n = len(samples) // hop
    if n == 0:
        return np.zeros(0, dtype=np.float32)
    frames = samples[: n * hop].reshape(n, hop).astype(np.float64)
    rms = np.sqrt(np.mean(frames * frames, axis=1))
    with np.errstate(divide="ignore"):
        db = 20.0 * np.log10(rms)
    return np.maximum(db, SILENCE_DBFS).astype(np.float32)


def read_mono(path: str | Path, start_ms: Ms, end_ms: Ms, rate: int = ANALYSIS_RATE) -> np.ndarray:
    """Samples (mono ``float32`` in [-1, 1] at ``rate`` Hz) of ``[start_ms, end_ms)`` of the first audio track."""
    with open_media(path) as container:
        if not container.streams.audio:
            raise MediaError("has no audio track", Where(Path(path)))
        stream = container.streams.audio[0]
        origin = video_origin_s(container.streams.video[0]) if container.streams.video else Fraction(0)
        t0 = origin + Fraction(start_ms, 1000)
        t1 = origin + Fraction(end_ms, 1000)
        resampler = av.AudioResampler(format="flt", layout="mono", rate=rate)
        seek_at_or_before(container, stream, max(0, int(t0 / stream.time_base)), keyframe=False)
        chunks: list[np.ndarray] = []
        first_t: Fraction | None = None
        got = 0
        need = int((t1 - t0) * rate) + 1
        try:
            for frame in container.decode(stream):
                if frame.pts is None:
                    continue
                ft = Fraction(frame.pts) * frame.time_base
                if ft + Fraction(frame.samples, frame.sample_rate) <= t0:
                    continue
                for out in resampler.resample(frame):
                    if first_t is None:
                        first_t = ft
                    arr = out.to_ndarray().reshape(-1)
                    chunks.append(arr)
                    got += len(arr)
                if first_t is not None and first_t + Fraction(got, rate) >= t1:
                    break
        except av.error.FFmpegError as exc:
            if not chunks:
                raise MediaError(f"audio cannot be decoded at {start_ms} ms: {exc}", Where(Path(path))) from exc
        if first_t is None:
            return np.zeros(0, dtype=np.float32)
        data = np.concatenate(chunks)
        skip = max(0, int(round((t0 - first_t) * rate)))
        return data[skip: skip + need - 1].astype(np.float32, copy=False)


def find_pauses(levels: np.ndarray, hop_ms: int, *, min_pause_ms: int = 250, rel_db: float = 0.35,
                floor_pct: float = 10.0, speech_pct: float = 90.0, min_contrast_db: float = 10.0,
                silence_dbfs: float = -50.0, offset_ms: Ms = 0) -> list[tuple[Ms, Ms]]:
    """Pauses in ``levels`` (from :func:`audio_levels`) at least ``min_pause_ms`` long, as
    ``(start_ms, end_ms)`` relative to the window's start plus ``offset_ms`` (pass the window's
    ``start_ms`` to get times relative to the file).

    The threshold adapts to the window: ``floor + rel_db * (speech - floor)`` where ``floor`` and
    ``speech`` are the ``floor_pct`` and ``speech_pct`` percentiles of the levels. A window with less
    than ``min_contrast_db`` between them has no pauses to find, unless it is all below
    ``silence_dbfs``, in which case the whole window is one pause.
    """
    levels = np.asarray(levels, dtype=np.float64)
    if levels.size == 0 or hop_ms <= 0:
        return []
    floor = float(np.percentile(levels, floor_pct))
    speech = float(np.percentile(levels, speech_pct))
    if speech - floor < min_contrast_db:
        if speech < silence_dbfs and levels.size * hop_ms >= min_pause_ms:
            return [(offset_ms, offset_ms + levels.size * hop_ms)]
        return []
    quiet = levels < floor + rel_db * (speech - floor)
    edges = np.diff(np.concatenate(([0], quiet.astype(np.int8), [0])))
    starts = np.flatnonzero(edges == 1)
    ends = np.flatnonzero(edges == -1)
    min_hops = -(-min_pause_ms // hop_ms)
    return [(offset_ms + int(a) * hop_ms, offset_ms + int(b) * hop_ms)
            for a, b in zip(starts, ends, strict=True) if b - a >= min_hops]
