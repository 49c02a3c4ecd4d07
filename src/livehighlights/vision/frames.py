"""Frames of a time window of a video file, decoded once with PyAV and handed out cheaply.

Times are integer ms from the file's origin (its first video timestamp), the clock of
:mod:`livehighlights.media.probe`. Pixels are taken straight from the decoded planes (the Y plane for
grey, the I420 planes for colour) and shrunk with OpenCV: PyAV's own ``to_ndarray(width=..)`` goes
through a slow software scaler (about 5x slower on 720p).

Two ways in:

* :func:`iter_frames` -- a generator of :class:`Frame` at a sampling rate (or every frame) over a window;
* :func:`scan_window` -- one decoding pass that feeds every check at once (:class:`WindowScan`): per-frame
  statistics at the full rate (pts, mean luma, difference to the previous frame, a small histogram)
  plus sampled analysis frames. Decoding dominates the cost, so the checks share one pass.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
import cv2
import numpy as np

from ..errors import MediaError, Where
from ..media.probe import frame_rotation, open_media, stream_fps, video_origin_s
from ..media.seeking import seek_at_or_before
from ..timebase import Ms

ANALYSIS_SHORT_SIDE = 360
"""Default short side (px) of the frames the analysers look at."""
DIFF_SHORT_SIDE = 144
"""Short side (px) of the small grey frames used for frame differences and histograms."""
BLOCKS_SHORT_SIDE = 18
"""The local difference is taken over a grid of blocks, this many along the picture's short side (8x8
pixels of a 144-pixel-high copy), whatever the size of the small copy."""
HIST_BINS = 32
DECODE_THREADS = "AUTO"
"""FFmpeg decoder threading by default (``AUTO``: frame and slice threads over the cores)."""


@dataclass(slots=True)
class Frame:
    """One decoded frame: ``t_ms`` from the file's origin, ``image`` grey (HxW) or BGR (HxWx3), downscaled."""

    t_ms: Ms
    image: np.ndarray
    full_size: tuple[int, int]
    """(width, height) of the decoded picture before downscaling."""


def scaled_size(width: int, height: int, short_side: int | None) -> tuple[int, int]:
    """(w, h) with the short side set to ``short_side`` (never upscaled; even numbers)."""
    if not short_side or min(width, height) <= short_side:
        return width, height
    k = short_side / min(width, height)
    return max(2, round(width * k / 2) * 2), max(2, round(height * k / 2) * 2)


def bin_down(gray: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """Shrink a grey picture to the small ``size`` (w, h) cheaply. OpenCV's area filter costs 4.4 ms on a
    1080p frame at an arbitrary factor (five times the decoding), so a large picture first goes bilinearly
    to twice ``size`` and only that is area-averaged (0.3 ms): each small pixel then averages four
    bilinear taps of 2x2 pixels, enough to keep coding noise out of frame differences."""
    w, h = size
    if gray.shape[1] >= 4 * w and gray.shape[0] >= 4 * h:
        gray = cv2.resize(gray, (2 * w, 2 * h), interpolation=cv2.INTER_LINEAR)
    return cv2.resize(gray, size, interpolation=cv2.INTER_AREA)


class Upright:
    """A decoded frame of a video stored on its side, seen as displayed: ``width``/``height`` are the displayed
    size and :func:`frame_gray` / :func:`frame_bgr` return the picture turned upright (its display matrix
    applied), so every analysis sees what a viewer sees."""

    __slots__ = ("frame", "k")

    def __init__(self, frame: Any, rotation: int) -> None:
        self.frame, self.k = frame, rotation // 90 % 4

    @property
    def width(self) -> int:
        return self.frame.height if self.k % 2 else self.frame.width

    @property
    def height(self) -> int:
        return self.frame.width if self.k % 2 else self.frame.height

    def __getattr__(self, name: str) -> Any:  # pts, time_base, format ... of the decoded frame
        return getattr(self.frame, name)

    def to_image(self) -> Any:
        """The picture as a PIL image, upright."""
        from PIL import Image

        return Image.fromarray(np.ascontiguousarray(np.rot90(self.frame.to_ndarray(format="rgb24"), self.k)))


def upright(frame: Any) -> Any:
    """``frame`` as displayed: wrapped in :class:`Upright` when it carries a display rotation, else itself."""
    rotation = frame_rotation(frame)
    return Upright(frame, rotation) if rotation else frame


def _plane(frame: Any, i: int) -> np.ndarray:
    p = frame.planes[i]
    return np.frombuffer(p, np.uint8).reshape(p.height, p.line_size)[:, : p.width]


def frame_gray(frame: Any) -> np.ndarray:
    """The luma of a decoded PyAV frame as a uint8 array (a view for 8-bit planar YUV), upright."""
    if isinstance(frame, Upright):
        return np.ascontiguousarray(np.rot90(frame_gray(frame.frame), frame.k))
    if frame.format.name in ("yuv420p", "yuvj420p", "yuv422p", "yuvj422p", "yuv444p", "yuvj444p", "nv12", "gray"):
        return _plane(frame, 0)
    return frame.to_ndarray(format="gray")


def frame_bgr(frame: Any, size: tuple[int, int]) -> np.ndarray:
    """The picture as BGR uint8 at ``size`` (w, h), upright."""
    w, h = size
    if isinstance(frame, Upright):
        inner = (h, w) if frame.k % 2 else (w, h)
        return np.ascontiguousarray(np.rot90(frame_bgr(frame.frame, inner), frame.k))
    if frame.format.name in ("yuv420p", "yuvj420p"):
        y = cv2.resize(_plane(frame, 0), (w, h), interpolation=cv2.INTER_AREA)
        u = cv2.resize(_plane(frame, 1), (w // 2, h // 2), interpolation=cv2.INTER_AREA)
        v = cv2.resize(_plane(frame, 2), (w // 2, h // 2), interpolation=cv2.INTER_AREA)
        i420 = np.concatenate([y.ravel(), u.ravel(), v.ravel()]).reshape(h * 3 // 2, w)
        return cv2.cvtColor(i420, cv2.COLOR_YUV2BGR_I420)
    return frame.reformat(width=w, height=h, format="bgr24").to_ndarray()


def shrink(img: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """Resize to ``size`` (w, h) with area averaging (a no-op when already that size)."""
    if (img.shape[1], img.shape[0]) == size:
        return np.ascontiguousarray(img)
    return cv2.resize(img, size, interpolation=cv2.INTER_AREA)


class _Decoder:
    """Seek to a window and decode its frames (with threads), timestamps in ms from the origin."""

    def __init__(self, path: str | Path, start_ms: Ms, end_ms: Ms | None, threads: str = DECODE_THREADS) -> None:
        if start_ms < 0 or (end_ms is not None and end_ms <= start_ms):
            raise MediaError(f"bad window {start_ms}..{end_ms} ms", Where(path))
        self.path = Path(path)
        self.container = open_media(path)
        if not self.container.streams.video:
            self.container.close()
            raise MediaError("has no video stream", Where(self.path))
        self.stream = self.container.streams.video[0]
        self.stream.thread_type = threads
        self.tb = self.stream.time_base or Fraction(1, 90000)
        self.origin = video_origin_s(self.stream)
        self.fps = stream_fps(self.stream)
        self.start_ms, self.end_ms = start_ms, end_ms

    def frames(self) -> Iterator[tuple[Ms, Any]]:
        """(t_ms, frame) for frames whose time lies in [start_ms, end_ms); a video stored on its side gives
        :class:`Upright` frames (as displayed)."""
        try:
            if self.start_ms > 0:
                target = int((self.origin + Fraction(self.start_ms, 1000)) / self.tb)
                seek_at_or_before(self.container, self.stream, target, keyframe=True)
            # exact integer ms: floor((pts * tb - origin) * 1000), without a Fraction per frame
            num, den = self.tb.numerator * 1000, self.tb.denominator
            origin = self.origin * den / self.tb.numerator  # the origin in time-base units (exact)
            rotation: int | None = None
            for frame in self.container.decode(self.stream):
                if frame.pts is None:
                    continue
                t = int(((frame.pts - origin) * num) // den) if origin.denominator != 1 else \
                    (frame.pts - origin.numerator) * num // den
                if t < self.start_ms:
                    continue
                if self.end_ms is not None and t >= self.end_ms:
                    break
                if rotation is None:
                    rotation = frame_rotation(frame)
                yield t, (Upright(frame, rotation) if rotation else frame)
        except av.error.FFmpegError as exc:
            raise MediaError(f"cannot decode video: {exc}", Where(self.path)) from exc
        finally:
            self.container.close()


def iter_frames(path: str | Path, start_ms: Ms = 0, end_ms: Ms | None = None, *, fps: float | None = 4.0,
                short_side: int | None = ANALYSIS_SHORT_SIDE, color: bool = False,
                threads: str = DECODE_THREADS) -> Iterator[Frame]:
    """Frames of ``[start_ms, end_ms)`` at about ``fps`` per second (``None``: every frame, by pts).

    A frame is kept when its pts reaches the next sampling time (so a variable or odd frame rate gives
    the frames nearest the grid, never duplicates). Grey unless ``color``. Raises
    :class:`~livehighlights.errors.MediaError` for an unreadable file or a bad window.
    """
    dec = _Decoder(path, start_ms, end_ms, threads)
    step = None if not fps else 1000.0 / fps
    next_t = float(start_ms)
    size: tuple[int, int] | None = None
    for t, frame in dec.frames():
        if step is not None and t < next_t:
            continue
        if step is not None:
            next_t = max(next_t + step, t + step * 0.5)
        size = size or scaled_size(frame.width, frame.height, short_side)
        img = frame_bgr(frame, size) if color else shrink(frame_gray(frame), size)
        yield Frame(t, img, (frame.width, frame.height))


@dataclass
class WindowScan:
    """What one decoding pass over a window saw; the checks in this package read it.

    Per frame (full rate): ``pts_ms``, ``luma`` (mean, 0-255), ``diff`` (mean absolute difference to the
    previous frame on a small grey copy, 0-255; the first is ``nan``), ``local`` (the largest such
    difference over 8x8 blocks: motion of a small part such as a mouth), ``hists`` (grey histogram,
    normalised). Sampled: ``samples`` (grey, short side ``short_side``) at ``sample_fps`` and
    ``hires`` (grey, short side ``hires_short_side``) at ``hires_fps`` for QR codes; ``color`` (BGR) for the
    checks that need colour (faces), when the scan was asked for it.
    """

    path: Path
    start_ms: Ms
    end_ms: Ms
    width: int
    height: int
    fps: Fraction
    pts_ms: list[Ms] = field(default_factory=list)
    luma: list[float] = field(default_factory=list)
    diff: list[float] = field(default_factory=list)
    local: list[float] = field(default_factory=list)
    hists: list[np.ndarray] = field(default_factory=list)
    samples: list[Frame] = field(default_factory=list)
    hires: list[Frame] = field(default_factory=list)
    color: list[Frame] = field(default_factory=list)
    sample_fps: float = 4.0
    decode_s: float = 0.0


def _frame_stats(scan: WindowScan, small: np.ndarray, prev: np.ndarray | None) -> np.ndarray:
    """Append one frame's statistics (from its small grey copy) to ``scan``; returns ``small``."""
    scan.luma.append(float(cv2.mean(small)[0]))
    if prev is None:
        scan.diff.append(float("nan"))
        scan.local.append(float("nan"))
    else:
        d = cv2.absdiff(small, prev)
        scan.diff.append(float(cv2.mean(d)[0]))
        h, w = small.shape
        k = BLOCKS_SHORT_SIDE / min(w, h)
        blocks = cv2.resize(d, (max(1, round(w * k)), max(1, round(h * k))), interpolation=cv2.INTER_AREA)
        scan.local.append(float(blocks.max()))
    hist = cv2.calcHist([small], [0], None, [HIST_BINS], [0, 256]).ravel()
    scan.hists.append(hist / max(1.0, float(hist.sum())))
    return small


def scan_window(path: str | Path, start_ms: Ms = 0, end_ms: Ms | None = None, *, sample_fps: float = 4.0,
                short_side: int = ANALYSIS_SHORT_SIDE, hires_fps: float = 0.0,
                hires_short_side: int = 720, stats: bool = True, threads: str = DECODE_THREADS) -> WindowScan:
    """Decode ``[start_ms, end_ms)`` once: full-rate frame statistics plus sampled analysis frames.

    ``hires_fps`` > 0 also keeps sharper grey frames (for QR codes); ``stats=False`` keeps the sampled
    frames only (``pts_ms`` still lists every frame). ``threads``: FFmpeg's decoder threading (``AUTO``,
    or ``NONE`` when the caller already decodes several windows at once: one thread costs 40% less CPU for
    the same frames). Raises
    :class:`~livehighlights.errors.MediaError` when the file cannot be read or the window holds no frame.
    """
    import time

    t0 = time.perf_counter()
    dec = _Decoder(path, start_ms, end_ms, threads)
    scan: WindowScan | None = None
    prev: np.ndarray | None = None
    next_s = next_h = float(start_ms)
    step_s = 1000.0 / sample_fps if sample_fps > 0 else None
    step_h = 1000.0 / hires_fps if hires_fps > 0 else None
    tiny = ana = hi = (0, 0)
    for t, frame in dec.frames():
        if scan is None:
            scan = WindowScan(Path(path), start_ms, end_ms if end_ms is not None else -1, frame.width, frame.height,
                              dec.fps, sample_fps=sample_fps)
            tiny = scaled_size(frame.width, frame.height, DIFF_SHORT_SIDE)
            ana = scaled_size(frame.width, frame.height, short_side)
            hi = scaled_size(frame.width, frame.height, hires_short_side)
        y = frame_gray(frame)
        scan.pts_ms.append(t)
        if stats:
            prev = _frame_stats(scan, bin_down(y, tiny), prev)
        if step_s is not None and t >= next_s:
            next_s = max(next_s + step_s, t + step_s * 0.5)
            scan.samples.append(Frame(t, shrink(y, ana), (frame.width, frame.height)))
        if step_h is not None and t >= next_h:
            next_h = max(next_h + step_h, t + step_h * 0.5)
            scan.hires.append(Frame(t, shrink(y, hi), (frame.width, frame.height)))
    if scan is None:
        raise MediaError(f"no video frame between {start_ms} and {end_ms} ms", Where(Path(path)))
    if end_ms is None:
        scan.end_ms = scan.pts_ms[-1] + max(1, round(1000 / float(scan.fps or 30)))
    scan.decode_s = time.perf_counter() - t0
    return scan


def keyframe_scan(path: str | Path, start_ms: Ms = 0, end_ms: Ms | None = None, *,
                  short_side: int = ANALYSIS_SHORT_SIDE, hires_short_side: int = 0, color_short_side: int = 0,
                  threads: str = DECODE_THREADS) -> WindowScan:
    """A scan whose samples are the window's keyframes only (decoded without the frames between them:
    ~10x cheaper than a full pass). Enough to follow a product every GOP (2 s in a LIVE recording); it has
    no per-frame statistics, so quality checks need :func:`scan_window` instead. ``hires_short_side``
    also keeps sharper copies of the keyframes (``hires``), ``color_short_side`` colour ones (``color``)."""
    import time

    t0 = time.perf_counter()
    dec = _Decoder(path, start_ms, end_ms, threads)
    dec.stream.codec_context.skip_frame = "NONKEY"
    scan: WindowScan | None = None
    for t, frame in dec.frames():
        if scan is None:
            scan = WindowScan(Path(path), start_ms, end_ms if end_ms is not None else -1, frame.width, frame.height,
                              dec.fps, sample_fps=0.0)
        y = frame_gray(frame)
        scan.samples.append(Frame(t, shrink(y, scaled_size(frame.width, frame.height, short_side)),
                                  (frame.width, frame.height)))
        if hires_short_side:
            scan.hires.append(Frame(t, shrink(y, scaled_size(frame.width, frame.height, hires_short_side)),
                                    (frame.width, frame.height)))
        if color_short_side:
            scan.color.append(Frame(t, frame_bgr(frame, scaled_size(frame.width, frame.height, color_short_side)),
                                    (frame.width, frame.height)))
    if scan is None:
        raise MediaError(f"no keyframe between {start_ms} and {end_ms} ms", Where(Path(path)))
    scan.decode_s = time.perf_counter() - t0
    return scan
