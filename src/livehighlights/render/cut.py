"""Frame-accurate clip cutting: the public :func:`cut_clip` and the :data:`CUT_METHODS` registry.

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
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from ..errors import InputError, MediaError, ToolError, Where
from ..media.probe import MediaInfo, open_media, probe
from ..timebase import Ms, frame_start_ms
from .encode import (
    VideoClock,
    add_aac_stream,
    decode_range,
    encode_audio,
    encoder_pix_fmt,
    index_at_ms,
    setup_x264,
    x264_options,
)
from .verify import first_frame_ref, verify_clip


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


@dataclass(slots=True)
class CutJob:
    """A resolved cut: the window as frame indices ``[first, end)`` of the source."""

    src: Path
    tmp: Path
    info: MediaInfo
    first: int
    end: int
    keyframes: list[Ms] | None


@dataclass(slots=True)
class CutStats:
    """What a cut method did, in frames."""

    method: str
    reencoded_frames: int
    copied_frames: int
    fallback: str | None = None


class SmartCutUnavailable(Exception):
    """A smart cut is not possible or failed verification; the message says why (then re-encode)."""


CutMethod = Callable[[CutJob], CutStats]


def reencode_cut(job: CutJob) -> CutStats:
    """Decode ``[first, end)`` and encode it whole: libx264 (veryfast, crf 18) + AAC, in one pass."""
    with open_media(job.src) as inp, av.open(str(job.tmp), mode="w", format="mp4",
                                              options={"movflags": "+faststart"}) as out:
        video = inp.streams.video[0]
        clock = VideoClock.of(video)
        pix_fmt = encoder_pix_fmt(video.codec_context.pix_fmt)
        ov = out.add_stream("libx264", rate=clock.fps)
        setup_x264(ov.codec_context, video.codec_context, clock, pix_fmt=pix_fmt, options=x264_options())
        ov.time_base = clock.time_base
        oa = add_aac_stream(out, inp)
        if oa is not None:
            for packet in encode_audio(inp, oa, clock.seconds(job.first), clock.seconds(job.end)):
                out.mux(packet)
        base: int | None = None
        count = 0
        for _idx, frame in decode_range(inp, video, clock, job.first, job.end):
            base = frame.pts if base is None else base
            pts = frame.pts - base
            if frame.format.name != pix_fmt:
                frame = frame.reformat(format=pix_fmt)
            frame.pts = pts
            frame.time_base = clock.time_base
            frame.pict_type = av.video.frame.PictureType.NONE
            out.mux(ov.encode(frame))
            count += 1
        out.mux(ov.encode(None))
    if count == 0:
        raise MediaError(f"no video frames could be decoded between frame {job.first} and {job.end}", Where(job.src))
    if count < job.end - job.first - 1:
        raise MediaError(f"only {count} of {job.end - job.first} frames could be decoded between "
                         f"{job.first} and {job.end} (damaged or variable-frame-rate recording?)", Where(job.src))
    return CutStats("reencode", count, 0)


def _smart(job: CutJob) -> CutStats:
    from .smart import smart_cut
    return smart_cut(job)


CUT_METHODS: dict[str, CutMethod] = {"smart": _smart, "reencode": reencode_cut}
"""Cut strategies by name; ``cut_clip(method=...)`` picks one. Register new ones here."""


def cut_clip(src: str | Path, start_ms: Ms, end_ms: Ms, out_path: str | Path, *, info: MediaInfo | None = None,
             keyframes: list[Ms] | None = None, method: str = "smart") -> CutResult:
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
    if method not in CUT_METHODS:
        raise InputError(f"unknown cut method {method!r} (choose from {', '.join(CUT_METHODS)})")
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
        stats = _run(job, method)
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


def _run(job: CutJob, method: str) -> CutStats:
    if method != "smart":
        return CUT_METHODS[method](job)
    try:
        return CUT_METHODS["smart"](job)
    except SmartCutUnavailable as why:
        job.tmp.unlink(missing_ok=True)
        stats = reencode_cut(job)
        stats.fallback = str(why)
        return stats


def check_clip(job: CutJob, ref: np.ndarray | None, joins: list[int]) -> None:
    """Raise :class:`SmartCutUnavailable` when the written clip does not decode cleanly, has the wrong
    frame count, or its first frame does not match the source's."""
    problem = verify_clip(job.tmp, job.end - job.first, ref, joins)
    if problem:
        raise SmartCutUnavailable(f"smart cut failed verification ({problem})")


def source_ref(job: CutJob) -> np.ndarray | None:
    """Small grey picture of the source frame at the window's start, for :func:`check_clip`."""
    with open_media(job.src) as inp:
        video = inp.streams.video[0]
        for _idx, frame in decode_range(inp, video, VideoClock.of(video), job.first, job.first + 1):
            return first_frame_ref(frame)
    return None
