"""Video quality of a window: resolution, real frame rate, black screens, freezes, lag, shot cuts.

All measures come from one decoding pass (:func:`~livehighlights.vision.frames.scan_window`): per frame
the mean luma and the mean absolute difference to the previous frame on a tiny grey copy (short side
144 px, 0-255 scale), and the frames' own timestamps.

* *still* frame: no 8x8 block changed by ``still_local`` or more (an exact repeat of the previous picture);
  *moving* frame: mean change at or above ``moving_diff`` or a block change at or above ``moving_local``.
* *frozen*: a run of still frames lasting ``freeze_min_ms`` or more with sustained motion (at least
  ``context_moving`` moving frames within ``context_ms``) before and after it; a window still throughout
  is ``static`` instead (a slide, a still picture with someone talking), never a freeze.
* *duplicated*: 1-3 repeated frames (``dup_local``, ``dup_ratio``) between frames changing by ``lag_diff``
  (e.g. 15 fps content up-converted
  to 30 fps, a stuttering encoder): lag. ``dropped``: timestamp gaps over 1.5 frame intervals.
* *black*: mean luma under ``black_luma`` for ``black_min_ms`` or more.
* *shots*: peaks of the grey-histogram change (total variation) with a large pixel change.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import numpy as np

from ..timebase import Ms
from .frames import WindowScan, scan_window

Span = tuple[Ms, Ms]
"""[start_ms, end_ms) from the file's origin."""


@dataclass
class QualityOptions:
    """Thresholds of :func:`measure_video` (pixel values on the 0-255 scale, tiny grey frames)."""

    black_luma: float = 24.0
    """Mean luma under which a frame is black (video black is 16; 24 allows noise and a dim logo)."""
    black_min_ms: Ms = 500
    still_local: float = 0.5
    """A frame whose every 8x8 block changed by less than this is a repeat of the previous one. Encoders
    code a repeated picture as skipped blocks, so a repeat decodes to an exact copy (0); any real
    change, even a blink, moves some block by 1 or more."""
    moving_diff: float = 0.5
    """Mean change at or above which a frame moves as a whole (global motion; ``static`` uses this)."""
    moving_local: float = 8.0
    """Block change at or above which part of the picture moves (a swaying host, a mouth)."""
    dup_local: float = 3.0
    """Between moving frames, a frame whose blocks changed by less than this and whose mean change is under
    ``dup_ratio`` of its neighbours' is a repeat (a lossy re-encode leaves ~1 of noise on a repeat)."""
    dup_ratio: float = 0.1
    lag_diff: float = 1.5
    """A repeat (a run of at most 3) counts as a duplicated frame (visible stutter) only between frames
    changing at least this much on average: a repeat amid slow, sub-pixel motion is invisible."""
    freeze_min_ms: Ms = 1000
    context_ms: Ms = 1000
    """How far before/after a still run to look for motion."""
    context_moving: int = 5
    """Moving frames needed on a side of a still run (a single cut frame is not motion)."""
    static_moving_ratio: float = 0.05
    """A window with fewer globally moving frames (``moving_diff``) than this share is ``static``."""
    drop_factor: float = 1.5
    """A pts gap over this many frame intervals means dropped frames."""
    lag_merge_ms: Ms = 500
    """Duplicated/dropped frames closer than this are merged into one lag span."""
    shot_hist: float = 0.3
    """Histogram total variation (0-1) of a cut."""
    shot_diff: float = 10.0
    shot_min_gap_ms: Ms = 500


@dataclass
class VideoQuality:
    """What :func:`measure_video` found in ``[start_ms, end_ms)`` of ``path``."""

    path: Path
    start_ms: Ms
    end_ms: Ms
    width: int
    height: int
    fps: Fraction
    """The stream's nominal frame rate."""
    real_fps: float
    """Frames per second from the decoded timestamps."""
    n_frames: int
    black: list[Span] = field(default_factory=list)
    frozen: list[Span] = field(default_factory=list)
    static: bool = False
    """Still throughout (no freeze can be told from a still scene then)."""
    moving_ratio: float = 0.0
    duplicated_ratio: float = 0.0
    """Duplicated frames / frames, counted only inside moving content."""
    duplicated: int = 0
    dropped: list[Span] = field(default_factory=list)
    """Timestamp gaps (from the frame before to the frame after)."""
    dropped_frames: int = 0
    lag: list[Span] = field(default_factory=list)
    """Spans with duplicated or dropped frames, merged."""
    shots: list[Ms] = field(default_factory=list)
    """Times of shot cuts (the first frame of the new shot)."""
    decode_s: float = 0.0

    @property
    def min_side(self) -> int:
        return min(self.width, self.height)

    def summary(self) -> dict[str, object]:
        """A JSON-friendly digest (for reports and the benchmark)."""
        return {"size": f"{self.width}x{self.height}", "fps": float(self.fps), "real_fps": round(self.real_fps, 3),
                "black": self.black, "frozen": self.frozen, "static": self.static,
                "moving_ratio": round(self.moving_ratio, 3), "duplicated_ratio": round(self.duplicated_ratio, 4),
                "dropped_frames": self.dropped_frames, "lag": self.lag, "shots": self.shots}


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """[i, j) index runs where ``mask`` is true."""
    if not mask.size:
        return []
    padded = np.concatenate([[False], mask, [False]]).astype(np.int8)
    edges = np.flatnonzero(np.diff(padded))
    return [(int(a), int(b)) for a, b in zip(edges[::2], edges[1::2], strict=True)]


def _merge(spans: list[Span], gap: Ms) -> list[Span]:
    out: list[Span] = []
    for a, b in sorted(spans):
        if out and a - out[-1][1] <= gap:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


LOCAL_FRAMES = 8
"""Frame intervals on each side of a gap that tell the frame rate there."""


def local_interval(gaps: np.ndarray) -> np.ndarray:
    """Per gap between frames, the frame interval of the video around it: the larger of the median interval of
    the :data:`LOCAL_FRAMES` gaps before and after it. A variable frame rate (a phone slowing to 20 fps in low
    light) then changes the interval instead of reading as dropped frames; a lone long gap stays a drop."""
    n = len(gaps)
    out = np.empty(n)
    for i in range(n):
        before, after = gaps[max(0, i - LOCAL_FRAMES):i], gaps[i + 1:i + 1 + LOCAL_FRAMES]
        meds = [float(np.median(x)) for x in (before, after) if len(x)]
        out[i] = max(meds) if meds else gaps[i]
    return out


def measure_video(path: str | Path, start_ms: Ms = 0, end_ms: Ms | None = None, *,
                  options: QualityOptions | None = None, scan: WindowScan | None = None) -> VideoQuality:
    """Measure the video quality of ``[start_ms, end_ms)`` (decodes the window unless ``scan`` is given).

    Raises :class:`~livehighlights.errors.MediaError` for an unreadable file or an empty window.
    """
    o = options or QualityOptions()
    scan = scan or scan_window(path, start_ms, end_ms, sample_fps=0)
    pts = np.asarray(scan.pts_ms, dtype=np.int64)
    n = len(pts)
    interval = float(np.median(np.diff(pts))) if n > 1 else (1000.0 / float(scan.fps) if scan.fps else 33.3)
    ends = np.append(pts[1:], pts[-1] + round(interval)) if n else pts
    span_end = int(ends[-1]) if n else scan.end_ms
    real_fps = (n - 1) * 1000.0 / float(pts[-1] - pts[0]) if n > 1 and pts[-1] > pts[0] else float(scan.fps)
    q = VideoQuality(Path(scan.path), scan.start_ms, scan.end_ms, scan.width, scan.height, scan.fps, real_fps, n,
                     decode_s=scan.decode_s)

    luma = np.asarray(scan.luma)
    for a, b in _runs(luma < o.black_luma):
        if ends[b - 1] - pts[a] >= o.black_min_ms:
            q.black.append((int(pts[a]), int(ends[b - 1])))

    diff = np.nan_to_num(np.asarray(scan.diff, dtype=float), nan=np.inf)  # the first frame is no repeat
    local = np.nan_to_num(np.asarray(scan.local, dtype=float), nan=np.inf)
    finite = np.isfinite(diff)
    still = local < o.still_local
    globally = (diff >= o.moving_diff) & finite
    moving = globally | ((local >= o.moving_local) & finite)
    q.moving_ratio = float(moving[1:].mean()) if n > 1 else 0.0
    q.static = float(globally[1:].mean() if n > 1 else 0.0) < o.static_moving_ratio
    cum = np.concatenate([[0], np.cumsum(moving)])

    def motion(t0: float, t1: float) -> int:
        i, j = np.searchsorted(pts, t0), np.searchsorted(pts, t1)
        return int(cum[j] - cum[i])

    lag: list[Span] = []
    dup = 0
    for a, b in _runs(still & (luma >= o.black_luma)):  # a black screen is reported as black, not frozen
        t0, t1 = int(pts[a]), int(ends[b - 1])
        before = motion(t0 - o.context_ms, t0) >= o.context_moving
        after = motion(t1, t1 + o.context_ms) >= o.context_moving
        at_start, at_end = a <= 1, b >= n
        if t1 - t0 >= o.freeze_min_ms:
            if not q.static and (before or at_start) and (after or at_end) and (before or after):
                q.frozen.append((int(pts[a - 1]) if a else t0, t1))
    near = (local < o.dup_local) & finite
    for a, b in _runs(near):
        if b - a > 3 or a < 2 or b >= n:
            continue
        around = min(diff[a - 1], diff[b])
        if around >= o.lag_diff and diff[a:b].max() < o.dup_ratio * around:
            dup += b - a
            lag.append((int(pts[a - 1]), int(ends[b - 1])))
    q.duplicated = dup
    q.duplicated_ratio = dup / max(1, int(moving.sum()) + dup)

    if n > 1:
        gaps = np.diff(pts).astype(float)
        ref = local_interval(gaps)
        for i in np.flatnonzero(gaps > o.drop_factor * ref):
            q.dropped.append((int(pts[i]), int(pts[i + 1])))
            q.dropped_frames += max(1, round(float(gaps[i] / ref[i])) - 1)
    q.lag = _merge(lag + q.dropped, o.lag_merge_ms)

    if n > 2:
        hists = np.asarray(scan.hists)
        tv = np.concatenate([[0.0], 0.5 * np.abs(np.diff(hists, axis=0)).sum(axis=1)])
        cand = np.flatnonzero((tv > o.shot_hist) & (diff > o.shot_diff) & np.isfinite(diff))
        last = -10**9
        for i in cand:
            lo, hi = max(1, i - 3), min(n, i + 4)
            if tv[i] < tv[lo:hi].max() or pts[i] - last < o.shot_min_gap_ms:
                continue
            q.shots.append(int(pts[i]))
            last = int(pts[i])
    q.end_ms = span_end if end_ms is None else q.end_ms
    return q
