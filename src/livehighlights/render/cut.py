"""Frame-accurate clip cutting: the public :func:`cut_clip` and the :data:`CUT_METHODS` registry (see :mod:`.job`).

Methods (``CUT_METHODS``):

- ``smart`` (default): for H.264 sources, re-encode only the frames before the first keyframe at or
  after the start (and the last few frames when the end falls inside a B-frame group), stream-copy
  the rest. See :mod:`livehighlights.render.smart`.
- ``reencode``: decode the window and encode it whole with libx264. Used for non-H.264 sources
  (e.g. VP8 WebM) and whenever a smart cut is not possible or fails its verification.

Every clip is MP4 (H.264 + AAC, ``+faststart``) at the source's resolution, starts and ends on frame
boundaries and carries the original audio, re-encoded to AAC for the exact window. Clips are
written to a temporary name and renamed into place, so a failed cut never leaves a half file.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av

from ..errors import InputError, ToolError, Where
from ..media.probe import MediaInfo, probe
from ..timebase import Ms, frame_start_ms
from .encode import index_at_ms
from .job import CUT_METHODS, DEFAULT_CUT_METHOD, CutJob, CutMethod, CutStats, SmartCutUnavailable
from .reencode import reencode_cut

__all__ = ["CUT_METHODS", "CutResult", "cut_clip"]


@dataclass(slots=True)
class CutResult:
    """A written clip. ``start_ms``/``end_ms`` are the frame-snapped window in the source's ms;
    ``reencoded_ms + copied_ms == duration_ms``; ``seconds`` is the wall time of the cut."""

    path: Path
    start_ms: Ms
    end_ms: Ms
    duration_ms: Ms
    method: str
    reencoded_ms: Ms
    copied_ms: Ms
    seconds: float
    fallback: str | None = None
    """Why the requested method was not used (e.g. ``source video is vp8, not H.264``), else ``None``."""


def cut_clip(src: str | Path, start_ms: Ms, end_ms: Ms, out_path: str | Path, *, info: MediaInfo | None = None,
             keyframes: list[Ms] | None = None, method: str = DEFAULT_CUT_METHOD) -> CutResult:
    """Cut ``[start_ms, end_ms)`` of ``src`` (ms from its origin) into the MP4 ``out_path``.

    Start and end snap to the frames shown at those times. ``info`` and ``keyframes`` (from
    :func:`~livehighlights.media.probe` and :func:`~livehighlights.media.keyframes_ms`) save probing
    again when many clips come from one file. ``smart`` falls back to ``reencode`` (and says why in
    ``CutResult.fallback``) for non-H.264 sources or when the joined clip fails verification.
    Raises :class:`InputError` for an empty or out-of-range window or an unknown method,
    :class:`MediaError` for unreadable sources and :class:`ToolError` when encoding fails.
    """
    t_start = time.perf_counter()
    src = Path(src)
    out = Path(out_path)
    cut = CUT_METHODS.get(method)
    info = info or probe(src)
    total = index_at_ms(info.duration_ms, info.fps)
    first = index_at_ms(max(0, start_ms), info.fps)
    end = min(total, index_at_ms(end_ms, info.fps))
    if end <= first:
        raise InputError(f"empty clip window {start_ms}..{end_ms} ms (the recording is {info.duration_ms} ms long)",
                         Where(src))
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.stem}.part.mp4")
    job = CutJob(src, tmp, info, first, end, keyframes)
    try:
        stats = _run(job, cut)
        tmp.replace(out)
    except av.error.FFmpegError as exc:
        raise ToolError(f"cutting {out.name} from {src}: {exc}") from exc
    finally:
        tmp.unlink(missing_ok=True)
    fps = info.fps
    start, stop = frame_start_ms(first, fps), frame_start_ms(end, fps)
    reenc = round(Fraction(stats.reencoded_frames * 1000) / fps)
    return CutResult(path=out, start_ms=start, end_ms=stop, duration_ms=stop - start, method=stats.method,
                     reencoded_ms=min(reenc, stop - start), copied_ms=max(0, stop - start - reenc),
                     seconds=time.perf_counter() - t_start, fallback=stats.fallback)


def _run(job: CutJob, cut: CutMethod) -> CutStats:
    """Run ``cut``; a method that declares itself unavailable (:class:`SmartCutUnavailable`) gives way
    to ``reencode``, and the reason is kept."""
    try:
        return cut(job)
    except SmartCutUnavailable as why:
        job.tmp.unlink(missing_ok=True)
        stats = reencode_cut(job)
        stats.fallback = str(why)
        return stats
