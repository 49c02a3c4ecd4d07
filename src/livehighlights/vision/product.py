"""Product visibility over a window: when the product first shows, when it is fully in frame, whether it is
seen from the front, and whether the product shown is the one claimed (swap check).

Frames are sampled at ``fps`` (default 4); the first visible and first fully-inside times are then refined
at the full frame rate between the previous sample and the hit (a short re-decode of at most one sampling
interval), so they are accurate to about one frame.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..timebase import Ms
from .frames import Frame, WindowScan, scan_window
from .matchers import DEFAULT_MATCHER, ProductMatcher, Reference, Sighting, get_matcher

ImageRef = str | Path | np.ndarray
REFINE_LOOKBACK_MS = 1500
"""The first sighting is refined at the full rate over at least this much time before it."""


@dataclass
class VisibilityOptions:
    """Settings of :func:`visibility_track`."""

    fps: float = 4.0
    matcher: str = DEFAULT_MATCHER
    refine: bool = True
    """Refine first-visible / first-full at the full frame rate."""
    swap_samples: int = 16
    """At most this many frames (those where the claimed product is best seen, then evenly spaced) are also
    searched for every other product."""
    swap_margin: float = 1.5
    """Another product must score this many times the claimed one's total to count as a swap."""
    frontal_min_ratio: float = 0.5


@dataclass
class VisibilityTrack:
    """Where the product was seen in ``[start_ms, end_ms)``. ``status`` is ``ok`` or ``unknown`` (then
    ``reason`` says why: no reference picture, unreadable pictures)."""

    start_ms: Ms
    end_ms: Ms
    status: str = "ok"
    reason: str | None = None
    sightings: list[Sighting] = field(default_factory=list)
    first_visible_ms: Ms | None = None
    first_full_ms: Ms | None = None
    visible_ratio: float = 0.0
    frontal_ratio: float = 0.0
    """Share of the sightings (visible samples) where the product faces the camera."""
    matches_catalog: bool | None = None
    """``False`` when another catalog product matches the frames clearly better; ``None`` when not checked."""
    best_other: str | None = None
    scores: dict[str, float] = field(default_factory=dict)
    """Swap check: total score per product over the checked frames (``""`` is the claimed product)."""
    frame_size: tuple[int, int] = (0, 0)
    """(w, h) of the analysed frames (the corners' pixel space)."""
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> dict[str, object]:
        return {"status": self.status, "reason": self.reason, "first_visible_ms": self.first_visible_ms,
                "first_full_ms": self.first_full_ms, "visible_ratio": round(self.visible_ratio, 3),
                "frontal_ratio": round(self.frontal_ratio, 3), "matches_catalog": self.matches_catalog,
                "best_other": self.best_other}


_REF_CACHE: dict[tuple[str, str], Reference] = {}


def _cache_key(images: Sequence[ImageRef]) -> str | None:
    parts = []
    for img in images:
        if isinstance(img, np.ndarray):
            return None
        p = Path(img)
        try:
            parts.append(f"{p.resolve()}@{p.stat().st_mtime_ns}")
        except OSError:
            parts.append(str(p))
    return "|".join(parts)


def reference_for(matcher: ProductMatcher, images: Sequence[ImageRef]) -> Reference:
    """The prepared reference of ``images`` (cached per matcher and file/mtime)."""
    key = _cache_key(images)
    if key is not None and (matcher.name, key) in _REF_CACHE:
        return _REF_CACHE[(matcher.name, key)]
    ref = matcher.prepare(list(images))
    if key is not None:
        _REF_CACHE[(matcher.name, key)] = ref
    return ref


def _first(frames: list[Frame], matcher: ProductMatcher, ref: Reference, want_full: bool) -> Sighting | None:
    for fr in frames:
        s = matcher.find(ref, fr.image, fr.t_ms)
        if s.visible and (s.fully_inside or not want_full):
            return s
    return None


def _refine(path: Path, lo_ms: Ms, hi_ms: Ms, matcher: ProductMatcher, ref: Reference, short_side: int,
            want_full: bool, step: int = 6) -> Ms | None:
    """The first frame in (lo_ms, hi_ms) where the product is visible (fully inside if ``want_full``).

    Every frame of the interval is decoded (cheap), but the matcher, the costly part, looks at every
    ``step``-th frame first and then only at the frames just before the first hit; frames are shrunk only
    when looked at, at most ``step`` are held, and decoding stops at the first hit."""
    from collections import deque
    from contextlib import closing

    from .frames import _Decoder, frame_gray, scaled_size, shrink

    if hi_ms - lo_ms <= 1:
        return None

    def seen(t: Ms, y: np.ndarray, size: tuple[int, int]) -> bool:
        return _first([Frame(t, shrink(y, size), (y.shape[1], y.shape[0]))], matcher, ref, want_full) is not None

    held: deque[tuple[Ms, np.ndarray]] = deque(maxlen=step)  # frames since the last one looked at
    size: tuple[int, int] | None = None
    dec = _Decoder(path, lo_ms + 1, hi_ms)
    with closing(dec.frames()) as frames:
        for n, (t, frame) in enumerate(frames):
            size = size or scaled_size(frame.width, frame.height, short_side)
            if n % step:
                held.append((t, frame_gray(frame)))
                continue
            if seen(t, frame_gray(frame), size):
                return next((tb for tb, yb in held if seen(tb, yb, size)), t)
            held.clear()
    return next((tb for tb, yb in held if size is not None and seen(tb, yb, size)), None)


def visibility_track(path: str | Path, start_ms: Ms, end_ms: Ms, product_images: Sequence[ImageRef], *,
                     fps: float | None = None, other_products: Mapping[str, Sequence[ImageRef]] | None = None,
                     options: VisibilityOptions | None = None, scan: WindowScan | None = None) -> VisibilityTrack:
    """Track a product (its reference pictures) over ``[start_ms, end_ms)`` of ``path``.

    ``other_products`` (id -> pictures, the rest of the catalog) enables the swap check. A product with
    no usable picture gives ``status="unknown"`` and a ``reason``, never an exception; an unreadable
    video raises :class:`~livehighlights.errors.MediaError`.
    """
    o = options or VisibilityOptions()
    if fps is not None:
        o = VisibilityOptions(**{**o.__dict__, "fps": fps})
    track = VisibilityTrack(start_ms, end_ms)
    matcher = get_matcher(o.matcher)
    if not product_images:
        track.status, track.reason = "unknown", "the product has no reference picture in the catalog"
        return track
    ref = reference_for(matcher, product_images)
    track.warnings += ref.problems
    if not ref.views:
        track.status = "unknown"
        track.reason = "no usable reference picture: " + "; ".join(ref.problems)
        return track
    scan = scan if scan is not None and scan.samples else scan_window(path, start_ms, end_ms, sample_fps=o.fps)
    frames = scan.samples
    feats = [matcher.frame_features(fr.image) for fr in frames]
    track.sightings = [matcher.find(ref, fr.image, fr.t_ms, f) for fr, f in zip(frames, feats, strict=True)]
    if not any(s.visible for s in track.sightings) and scan.hires:
        # a small or thin product (a lipstick) can be too few pixels at the analysis size: look again on
        # the sharper frames the scan keeps
        sharp = [matcher.frame_features(fr.image) for fr in scan.hires]
        again = [matcher.find(ref, fr.image, fr.t_ms, f) for fr, f in zip(scan.hires, sharp, strict=True)]
        if any(s.visible for s in again):
            frames, feats, track.sightings = scan.hires, sharp, again
            track.warnings.append("the product was found only on the sharper frames")
    if frames:
        track.frame_size = (frames[0].image.shape[1], frames[0].image.shape[0])
    short_side = min(track.frame_size) if frames else 360
    seen = [s for s in track.sightings if s.visible]
    track.visible_ratio = len(seen) / max(1, len(frames))
    track.frontal_ratio = sum(s.frontal for s in seen) / len(seen) if seen else 0.0

    for want_full in (False, True):
        idx = next((i for i, s in enumerate(track.sightings) if s.visible and (s.fully_inside or not want_full)),
                   None)
        if idx is None:
            continue
        t = track.sightings[idx].t_ms
        prev = track.sightings[idx - 1].t_ms if o.refine and idx > 0 else None
        _set_first(track, want_full, t, prev, path, matcher, ref, short_side)

    if other_products:
        _swap_check(track, matcher, frames, feats, other_products, o)
    return track


def _set_first(track: VisibilityTrack, want_full: bool, t: Ms, prev: Ms | None, path: str | Path,
               matcher: ProductMatcher, ref: Reference, short_side: int) -> None:
    """Set the track's first visible (``want_full``: fully inside) time: the sample time ``t``, refined at
    the full rate back to the sample before it (``prev``; ``None``: not refined). Matches flicker near the
    threshold while a product comes in, so at least 1.5 s is looked back."""
    if prev is not None:
        lo = max(track.start_ms - 1, min(prev, t - REFINE_LOOKBACK_MS))
        t = _refine(Path(path), lo, t, matcher, ref, short_side, want_full) or t
    if want_full:
        track.first_full_ms = t
    else:
        track.first_visible_ms = t


def reuse_track(track: VisibilityTrack, path: str | Path, product_images: Sequence[ImageRef], frames: Sequence[Frame],
                *, other_products: Mapping[str, Sequence[ImageRef]] | None = None,
                options: VisibilityOptions | None = None) -> VisibilityTrack:
    """Complete a track sliced from a longer one (see :func:`livehighlights.check.analyze.slice_track`) so
    that it stands for its own window, without following the product again: first times that fell on a
    sample of the longer track are refined at the full rate, and the swap check runs on ``frames`` (the
    pictures the sightings were taken on, matched by time). Changes ``track`` in place and returns it."""
    o = options or VisibilityOptions()
    if track.status != "ok" or not track.sightings:
        return track
    matcher = get_matcher(o.matcher)
    ref = reference_for(matcher, product_images)
    times = [s.t_ms for s in track.sightings]
    short_side = min(track.frame_size) if track.frame_size[0] else 360
    for want_full in (False, True):
        t = track.first_full_ms if want_full else track.first_visible_ms
        if not o.refine or t is None or t == track.start_ms or t not in times:
            continue  # none, on screen from the start, or already refined at the full rate
        idx = times.index(t)
        _set_first(track, want_full, t, times[idx - 1] if idx > 0 else track.start_ms - 1, path, matcher, ref,
                   short_side)
    if other_products:
        by_t = {fr.t_ms: fr for fr in frames if (fr.image.shape[1], fr.image.shape[0]) == track.frame_size}
        if all(t in by_t for t in times):
            _swap_check(track, matcher, [by_t[t] for t in times], None, other_products, o)
        else:
            track.warnings.append("swap check skipped: the pictures of the sightings are gone")
    return track


def _swap_check(track: VisibilityTrack, matcher: ProductMatcher, frames: list[Frame], feats: list[object] | None,
                others: Mapping[str, Sequence[ImageRef]], o: VisibilityOptions) -> None:
    """Compare the claimed product with every other one on a few frames (``feats``: their features, computed
    here for the picked frames when ``None``)."""
    order = sorted(range(len(frames)), key=lambda i: -track.sightings[i].score)
    picked = [i for i in order if track.sightings[i].visible][: o.swap_samples // 2]
    rest = [i for i in range(len(frames)) if i not in picked]
    n_more = o.swap_samples - len(picked)
    # where the claimed product fills most of the window, the question is only what that object is; where
    # it is seldom seen, what is shown instead is searched too (the whole frame, costlier)
    if rest and n_more > 0 and track.visible_ratio < 0.5:
        picked += [rest[int(k)] for k in np.linspace(0, len(rest) - 1, min(n_more, len(rest)))]
    claimed = sum(track.sightings[i].score for i in picked if track.sightings[i].visible)
    full = {i: feats[i] if feats is not None else matcher.frame_features(frames[i].image) for i in picked}
    # where the claimed product was found, the question is what that object is: look there only (and 5x
    # cheaper); elsewhere, the whole frame
    near = {i: matcher.features_near(full[i], track.sightings[i].corners) if track.sightings[i].corners
            else full[i] for i in picked}
    scores: dict[str, float] = {"": claimed}
    for pid, images in others.items():
        oref = reference_for(matcher, images)
        if not oref.views:
            track.warnings.append(f"swap check skips {pid}: no usable reference picture")
            continue
        total = 0.0
        for i in picked:
            s = matcher.find(oref, frames[i].image, frames[i].t_ms, near[i])
            total += s.score if s.visible else 0.0
        scores[pid] = total
    track.scores = scores
    best_pid, best = max(((p, s) for p, s in scores.items() if p), key=lambda ps: ps[1], default=(None, 0.0))
    if claimed == 0 and best == 0:
        track.matches_catalog = None  # nothing recognisable on screen: cannot tell
    elif best_pid is not None and best > 0 and best >= o.swap_margin * claimed:
        track.matches_catalog, track.best_other = False, best_pid
    else:
        track.matches_catalog = True
