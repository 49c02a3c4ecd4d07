"""The ``reencode`` cut: decode the window and encode it whole (libx264 + AAC, one pass)."""

from __future__ import annotations

import av
import numpy as np

from ..errors import MediaError, Where
from ..media.probe import open_media
from .encode import VideoClock, add_aac_stream, decode_range, encode_audio, encoder_pix_fmt, setup_x264, x264_options
from .job import CUT_METHODS, CutJob, CutStats

__all__ = ["reencode_cut"]


@CUT_METHODS.register("reencode")
def reencode_cut(job: CutJob) -> CutStats:
    """Decode ``[first, end)`` and encode it whole: libx264 (veryfast, crf 18) + AAC, in one pass."""
    with open_media(job.src) as inp, av.open(str(job.tmp), mode="w", format="mp4",
                                              options={"movflags": "+faststart"}) as out:
        video = inp.streams.video[0]
        clock = VideoClock.of(video)
        pix_fmt = encoder_pix_fmt(video.codec_context.pix_fmt)
        ov = out.add_stream("libx264", rate=clock.fps)
        setup_x264(ov.codec_context, video.codec_context, clock, pix_fmt=pix_fmt, options=x264_options())
        turn = job.info.rotation // 90 % 4  # a video stored on its side is encoded upright (as displayed)
        if turn % 2:
            ov.codec_context.width, ov.codec_context.height = video.codec_context.height, video.codec_context.width
        ov.time_base = clock.time_base
        oa = add_aac_stream(out, inp)
        if oa is not None:
            for packet in encode_audio(inp, oa, clock.seconds(job.first), clock.seconds(job.end)):
                out.mux(packet)
        base: int | None = None
        count = 0
        times: list[float] = []
        for _idx, frame in decode_range(inp, video, clock, job.first, job.end):
            base = frame.pts if base is None else base
            times.append(float(frame.pts * clock.time_base))
            pts = frame.pts - base
            if turn:
                frame = _turned(frame, turn)
            if frame.format.name != pix_fmt:
                frame = frame.reformat(format=pix_fmt)
            frame.pts = pts
            frame.time_base = clock.time_base
            frame.pict_type = av.video.frame.PictureType.NONE
            out.mux(ov.encode(frame))
            count += 1
        out.mux(ov.encode(None))
    start, end = float(clock.seconds(job.first)), float(clock.seconds(job.end))
    if count == 0:
        raise MediaError(f"no video frame could be decoded between {start - float(clock.origin):.3f} and "
                         f"{end - float(clock.origin):.3f} s", Where(job.src))
    hole = largest_hole(times, start, end)
    if hole is not None:
        a, b = (t - float(clock.origin) for t in hole)
        raise MediaError(f"no video frame could be decoded between {a:.3f} and {b:.3f} s (damaged recording?)",
                         Where(job.src))
    return CutStats("reencode", count, 0)


def _turned(frame: av.VideoFrame, k: int) -> av.VideoFrame:
    """``frame`` turned ``k`` quarter turns counter-clockwise (its display rotation applied to the pixels)."""
    rgb = np.ascontiguousarray(np.rot90(frame.to_ndarray(format="rgb24"), k))
    out = av.VideoFrame.from_ndarray(rgb, format="rgb24")
    out.pts, out.time_base = frame.pts, frame.time_base
    return out


MAX_HOLE_S = 0.5
"""A stretch of a cut without any decodable frame longer than this (and than 4 typical frame intervals) is
damage; shorter ones are a variable frame rate's long frames."""


def largest_hole(times: list[float], start: float, end: float) -> tuple[float, float] | None:
    """The longest stretch of ``[start, end)`` with no frame, judged from the frames' own timestamps (a variable
    frame rate is normal input, so frames are not counted against a nominal rate); ``None`` when it is short."""
    if len(times) < 2:
        return (start, end) if end - start > MAX_HOLE_S else None
    ts = sorted(times)
    gaps = [b - a for a, b in zip(ts, ts[1:], strict=False)]
    typical = sorted(gaps)[len(gaps) // 2]
    edges = [(start, ts[0]), *zip(ts, ts[1:], strict=False), (ts[-1] + typical, end)]
    a, b = max(edges, key=lambda e: e[1] - e[0])
    return (a, b) if b - a > max(MAX_HOLE_S, 4 * typical) else None
