"""Decoding exact frame ranges and encoding them (libx264, AAC) with PyAV, shared by the cut methods.

Frame indices count from the file's origin (its first video frame, see
:mod:`livehighlights.media.probe`); frame ``i`` starts at ``i / fps`` seconds. Frames are picked by
their timestamps, so the cut is frame-exact whatever the GOP structure.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import av
import numpy as np

from ..media.probe import stream_fps, video_origin_s
from ..media.seeking import seek_at_or_before
from ..timebase import MS_PER_S, Ms

X264_PRESET = "veryfast"
X264_CRF = 18
AAC_BITRATE_PER_CHANNEL = 96_000
AAC_MAX_BITRATE = 192_000
X264_PROFILES = {
    "constrained baseline": "baseline", "baseline": "baseline", "main": "main", "extended": "main",
    "high": "high", "high 10": "high10", "high 10 intra": "high10", "high 4:2:2": "high422",
    "high 4:2:2 intra": "high422", "high 4:4:4 predictive": "high444", "high 4:4:4 intra": "high444",
}
X264_PIX_FMTS = ("yuv420p", "yuvj420p", "yuv422p", "yuvj422p", "yuv444p", "yuvj444p")


def index_at_ms(ms: Ms, fps: Fraction) -> int:
    """Index of the frame shown at ``ms``, tolerating the 1 ms that integer-ms frame starts round off.

    ``frame_start_ms`` rounds down (frame 1 at 30 fps starts at 33.3 ms -> 33), so a plain
    ``frame_index(33)`` would give frame 0; adding 1 ms maps every rounded frame start back to its frame.
    """
    return int((Fraction(ms + 1, MS_PER_S) * fps) // 1)


@dataclass(slots=True)
class VideoClock:
    """Maps between a video stream's timestamps, frame indices and ms."""

    time_base: Fraction
    fps: Fraction
    origin: Fraction
    """First video timestamp, in seconds."""

    @classmethod
    def of(cls, stream: Any) -> VideoClock:
        return cls(Fraction(stream.time_base), stream_fps(stream), video_origin_s(stream))

    def index_of_pts(self, pts: int) -> int:
        """Index of the frame with timestamp ``pts`` (rounded to the nearest frame slot)."""
        return round((Fraction(pts) * self.time_base - self.origin) * self.fps)

    def index_at_ms(self, ms: Ms) -> int:
        """Index of the frame shown at ``ms`` (see :func:`index_at_ms`)."""
        return index_at_ms(ms, self.fps)

    def seconds(self, index: int) -> Fraction:
        """Start of frame ``index`` in file seconds (origin included)."""
        return self.origin + Fraction(index) / self.fps

    def pts_of_index(self, index: int) -> int:
        """Nominal timestamp of frame ``index``."""
        return round(self.seconds(index) / self.time_base)

    def frame_ticks(self) -> int:
        """One frame's duration in time-base ticks (at least 1)."""
        return max(1, round(1 / (self.fps * self.time_base)))

    def ms_of_frames(self, count: int) -> Ms:
        """Duration of ``count`` frames in ms (rounded)."""
        return round(Fraction(count * MS_PER_S) / self.fps)


def decode_range(container: Any, stream: Any, clock: VideoClock, first: int, end: int) -> Iterator[tuple[int, Any]]:
    """Decoded frames ``(index, frame)`` with ``first <= index < end``, in display order.

    Seeks to the keyframe at or before ``first`` and decodes from there.
    """
    if not stream.codec_context.is_open:
        stream.codec_context.thread_type = "AUTO"
    seek_before(container, stream, clock, first)
    for frame in container.decode(stream):
        if frame.pts is None:
            continue
        idx = clock.index_of_pts(frame.pts)
        if idx < first:
            continue
        if idx >= end:
            break
        yield idx, frame


SEEK_BACKOFF_S = (0, 1, 3, 10, 30)
"""Extra seconds to seek back when a container's seek lands after the target (MPEG-TS seeks by bytes)."""


def seek_before(container: Any, stream: Any, clock: VideoClock, index: int) -> None:
    """Seek so that demuxing ``stream`` starts at a keyframe at or before frame ``index``.

    Indexed containers (MP4, MKV) get there at once; for others the seek is retried further back
    until the first keyframe packet read is not after ``index`` (or the file's start is reached).
    """
    for back in SEEK_BACKOFF_S:
        target = clock.pts_of_index(index) - round(back / clock.time_base)
        container.seek(max(target, stream.start_time or 0), stream=stream, backward=True)
        first = next((p for p in container.demux(stream) if p.pts is not None and p.is_keyframe), None)
        if first is None or clock.index_of_pts(first.pts) <= index or target <= (stream.start_time or 0):
            container.seek(max(target, stream.start_time or 0), stream=stream, backward=True)
            return
    container.seek(stream.start_time or 0, stream=stream, backward=True)


def x264_options(profile: str | None = None, level: int | None = None, *, crf: int = X264_CRF,
                 preset: str = X264_PRESET) -> dict[str, str]:
    """libx264 private options: ``preset``/``crf``, plus ``profile``/``level`` to match a source."""
    opts = {"preset": preset, "crf": str(crf)}
    if profile and profile.lower() in X264_PROFILES:
        opts["profile"] = X264_PROFILES[profile.lower()]
    if level and 9 <= level <= 62:
        opts["level"] = f"{level // 10}.{level % 10}"
    return opts


def setup_x264(ctx: Any, src_ctx: Any, clock: VideoClock, *, pix_fmt: str, options: dict[str, str]) -> None:
    """Configure an (unopened) libx264 context like the source: size, pixel format, colours, timing."""
    ctx.width = src_ctx.width
    ctx.height = src_ctx.height
    ctx.pix_fmt = pix_fmt
    ctx.time_base = clock.time_base
    ctx.framerate = clock.fps
    for attr in ("color_range", "colorspace", "color_primaries", "color_trc"):
        try:
            value = getattr(src_ctx, attr)
            if value:
                setattr(ctx, attr, value)
        except (AttributeError, ValueError, TypeError):
            continue
    ctx.options = options
    ctx.thread_type = "AUTO"


def encoder_pix_fmt(src_pix_fmt: str | None) -> str:
    """The source's pixel format when libx264 takes it, else ``yuv420p``."""
    return src_pix_fmt if src_pix_fmt in X264_PIX_FMTS else "yuv420p"


def encode_audio(container: Any, out_stream: Any, t0: Fraction, t1: Fraction) -> list[Any]:
    """AAC packets of the first audio track of ``container`` for file seconds ``[t0, t1)``, sample-exact.

    ``out_stream`` is an ``aac`` output stream (its encoder is used); packet times start at 0.
    """
    src = container.streams.audio[0]
    rate = src.codec_context.sample_rate
    layout = out_stream.codec_context.layout.name
    resampler = av.AudioResampler(format="fltp", layout=layout, rate=rate)
    seek_at_or_before(container, src, max(0, int(t0 / src.time_base)), keyframe=False)
    chunks: list[np.ndarray] = []
    first_t: Fraction | None = None
    got = 0
    need = int((t1 - t0) * rate)
    try:
        for frame in container.decode(src):
            if frame.pts is None:
                continue
            ft = Fraction(frame.pts) * frame.time_base
            if ft + Fraction(frame.samples, rate) <= t0:
                continue
            for out in resampler.resample(frame):
                first_t = ft if first_t is None else first_t
                chunks.append(out.to_ndarray())
                got += out.samples
            if first_t is not None and first_t + Fraction(got, rate) >= t1:
                break
    except av.error.FFmpegError:
        pass  # keep what decoded; the clip's audio is then padded with silence
    channels = len(out_stream.codec_context.layout.channels)
    data = np.concatenate(chunks, axis=1) if chunks else np.zeros((channels, 0), np.float32)
    skip = round((t0 - first_t) * rate) if first_t is not None else 0
    if skip < 0:
        data = np.concatenate([np.zeros((channels, -skip), np.float32), data], axis=1)
        skip = 0
    data = data[:, skip:skip + need]
    if data.shape[1] < need:
        data = np.concatenate([data, np.zeros((channels, need - data.shape[1]), np.float32)], axis=1)
    packets: list[Any] = []
    size = out_stream.codec_context.frame_size or 1024
    for pos in range(0, need, size):
        frame = av.AudioFrame.from_ndarray(np.ascontiguousarray(data[:, pos:pos + size]), format="fltp",
                                           layout=layout)
        frame.sample_rate = rate
        frame.pts = pos
        frame.time_base = Fraction(1, rate)
        packets += out_stream.encode(frame)
    packets += out_stream.encode(None)
    return packets


def add_aac_stream(out: Any, container: Any) -> Any | None:
    """An AAC output stream matching the source's first audio track (rate, channel layout), or ``None``."""
    if not container.streams.audio:
        return None
    src = container.streams.audio[0].codec_context
    channels = max(1, min(2, src.channels or 1))
    stream = out.add_stream("aac", rate=src.sample_rate, layout="stereo" if channels == 2 else "mono")
    stream.bit_rate = min(AAC_MAX_BITRATE, AAC_BITRATE_PER_CHANNEL * channels)
    stream.time_base = Fraction(1, src.sample_rate)
    return stream
