"""Checks that a written clip decodes cleanly: frame count, joins between parts, first picture."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import av
import numpy as np

from .encode import VideoClock, decode_range

FIRST_FRAME_MAX_MAD = 8.0
"""Largest mean absolute difference (0-255 grey levels) between the clip's first frame and the source's."""
JOIN_CONTEXT = 3
"""Frames decoded on each side of a join."""


def first_frame_ref(frame: Any) -> np.ndarray:
    """A small grey copy of a video frame, for comparing pictures across encodes."""
    grey = frame.to_ndarray(format="gray")
    step = max(1, min(grey.shape) // 180)
    return grey[::step, ::step].astype(np.float32)


def frames_mad(a: np.ndarray, b: np.ndarray) -> float:
    """Mean absolute difference of two :func:`first_frame_ref` pictures (inf when their sizes differ)."""
    if a.shape != b.shape:
        return float("inf")
    return float(np.mean(np.abs(a - b)))


def verify_clip(path: Path, expected_frames: int, ref: np.ndarray | None, joins: list[int]) -> str | None:
    """``None`` when the clip at ``path`` is sound, else what is wrong.

    Counts the video packets (no decoding); decodes, with error detection on, from the start to
    just past the first join and around each later join (frame indices where one part meets the
    next); compares the first frame with ``ref``. Costs about one GOP of decoding per join.
    """
    try:
        with av.open(str(path)) as clip:
            video = clip.streams.video[0]
            count = sum(1 for p in clip.demux(video) if p.size)
            if abs(count - expected_frames) > 1:
                return f"{count} frames, expected {expected_frames}"
            ctx = video.codec_context
            ctx.options = {"err_detect": "crccheck+bitstream+buffer+explode"}
            ctx.thread_type = "AUTO"
            clock = VideoClock.of(video)
            spans = [(0, (joins[0] if joins else 0) + JOIN_CONTEXT)]
            spans += [(max(0, j - JOIN_CONTEXT), j + JOIN_CONTEXT) for j in joins[1:]]
            for n, (lo, hi) in enumerate(spans):
                hi = min(hi, expected_frames)
                got = [idx for idx, frame in decode_range(clip, video, clock, lo, hi)
                       if n or idx or _same(frame, ref)]
                if len(got) < hi - lo - 1:
                    return f"frames {lo}..{hi} do not decode ({len(got)} decoded)"
    except _Mismatch as exc:
        return str(exc)
    except av.error.FFmpegError as exc:
        return f"decoding failed: {exc}"
    return None


class _Mismatch(Exception):
    pass


def _same(frame: Any, ref: np.ndarray | None) -> bool:
    if ref is not None:
        mad = frames_mad(first_frame_ref(frame), ref)
        if mad > FIRST_FRAME_MAX_MAD:
            raise _Mismatch(f"first frame differs from the source (mean abs diff {mad:.1f})")
    return True
