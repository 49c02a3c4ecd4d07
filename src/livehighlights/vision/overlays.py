"""Third-party overlays: QR codes and watermark/logo candidates (marks burned on top of the footage).

* :func:`find_qr_codes`: ``cv2.QRCodeDetector`` on sharp grey frames at ``fps`` (decode, and detect-only
  so an undecodable code is still reported, with ``text=None``, when its outline is a plausible square:
  detect-only fires on arbitrary textures otherwise).
* :func:`find_static_overlays`: a burned-in mark (opaque or semi-transparent text/logo) keeps the *same
  edges* in every frame while the picture under and around it changes. Over up to ``max_frames`` grey
  samples spread over the window, against their per-pixel temporal median ``M``:

  1. an edge is *consistent* in a frame when its Sobel magnitude exceeds ``edge_mag`` and its orientation
     (mod 180 degrees, so a coloured logo over lighter or darker content still counts) is within 60
     degrees of ``M``'s gradient there (content crossing a stroke bends it a little); a pixel is
     *persistent* when consistent in ``edge_persist`` of the frames;
  2. a frame *tests* a pixel when its neighbourhood (``change_win`` px) differs from ``M`` (brought to the
     frame's exposure by a robust gain/offset fit; clipped pixels ignored) by more than ``change_diff`` in
     at least ``change_frac`` of the window: content moved under or next to it;
  3. persistent pixels minus long straight lines (shelves, frame borders) are grouped into blobs; a
     blob is a candidate when its box is ``min_area``..``max_area`` of the frame and dense in edges;
  4. per candidate: ``support`` (share of its persistent pixels tested at least once), ``verified``
     (share of test events in which the edge stayed), ``text`` likeness (edge density up to
     ``full_density`` times the share of diagonal edges mapped from ``grid_diagonal``..``full_diagonal``
     onto 0..1: strokes and curves rather than a grid, a box or a shelf). ``confidence = text *
     ((1 - s) * unverified_prior + s * v)`` with ``s = min(1, support / full_support)`` and ``v`` the
     verified share mapped from ``verify_low``..``verify_high`` onto 0..1: a mark that stays while the
     content under it changes scores high; static scenery that is covered now and then scores ~0;
     a mark over content that never changes cannot be told from scenery and stays below
     ``unverified_prior`` (a weak candidate).

  The result is ``unknown`` only when the scene is (nearly) fully still and no candidate was tested.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

from ..timebase import Ms
from .frames import WindowScan, scan_window


@dataclass
class QrHit:
    """A QR code seen at ``t_ms``; ``corners`` in the file's full-resolution pixels; ``text`` if decoded."""

    t_ms: Ms
    text: str | None
    corners: list[tuple[float, float]]


@dataclass
class Overlay:
    """A watermark/logo candidate: ``box`` (x, y, w, h) in the file's full-resolution pixels."""

    box: tuple[int, int, int, int]
    confidence: float
    kind: str = "watermark_candidate"


@dataclass
class OverlayOptions:
    """Settings of :func:`find_static_overlays` (pixel values 0-255 on the analysed grey frames)."""

    fps: float = 6.0
    """Sampling rate of the scan made when none is given."""
    max_frames: int = 80
    """At most this many samples, spread evenly over the window, are analysed."""
    edge_mag: float = 40.0
    """Sobel (3x3) gradient magnitude above which a pixel is an edge."""
    edge_persist: float = 0.8
    """Share of the frames in which a pixel must be a consistent edge to be persistent."""
    change_diff: float = 12.0
    """A pixel differing from the temporal median by more than this has changed in that frame."""
    change_win: int = 5
    change_frac: float = 0.15
    """A frame tests a pixel when this share of its ``change_win`` square changed."""
    still_share: float = 0.003
    """Below this share of moving pixels (changed in >= 5% of frames) the scene counts as fully still."""
    min_area: float = 0.0005
    max_area: float = 0.08
    """Candidate boxes outside this share of the frame are ignored (noise; background)."""
    min_edge_density: float = 0.1
    """Share of persistent edge pixels in a candidate's box (text and logos are dense in edges)."""
    full_density: float = 0.15
    full_diagonal: float = 0.2
    """Edge density / share of diagonal edges at which a candidate is fully text-like."""
    grid_diagonal: float = 0.05
    """At or below this share of diagonal edges a candidate is a grid or a ruled shape, not text/logo."""
    full_support: float = 0.3
    """Share of a candidate's edge pixels tested by changing content for full support."""
    verify_low: float = 0.55
    verify_high: float = 0.9
    unverified_prior: float = 0.3
    """Confidence of an (ideal) candidate that nothing ever tested: a weak candidate."""


@dataclass
class OverlayResult:
    """``status``: ``ok`` or ``unknown`` (then ``reason``); ``overlays`` found when ``ok``."""

    status: str
    overlays: list[Overlay] = field(default_factory=list)
    reason: str | None = None
    moving_share: float = 0.0


def find_qr_codes(path: str | Path, start_ms: Ms = 0, end_ms: Ms | None = None, *, fps: float = 1.0,
                  short_side: int = 720, scan: WindowScan | None = None) -> list[QrHit]:
    """QR codes in ``[start_ms, end_ms)``, looked for on grey frames at ``fps`` (short side ``short_side``)."""
    scan = scan if scan is not None and scan.hires else scan_window(
        path, start_ms, end_ms, sample_fps=0, hires_fps=fps, hires_short_side=short_side)
    det = cv2.QRCodeDetector()
    hits: list[QrHit] = []
    for fr in scan.hires:
        kx, ky = fr.full_size[0] / fr.image.shape[1], fr.full_size[1] / fr.image.shape[0]
        text, pts = None, None
        try:
            # the plain detector first (30 ms on 720p): most frames hold no code, and decoding costs as much again
            found, pts = det.detect(fr.image)
            if found:
                decoded_any, decoded, points, _ = det.detectAndDecodeMulti(fr.image)
                if decoded_any and points is not None:
                    for txt, quad in zip(decoded, points, strict=False):
                        corners = [(float(x * kx), float(y * ky)) for x, y in np.asarray(quad).reshape(-1, 2)]
                        hits.append(QrHit(fr.t_ms, txt or None, corners))
                    continue
        except cv2.error:
            found = False
        if found and pts is not None and _plausible_qr(np.asarray(pts, np.float64).reshape(-1, 2), fr.image.shape):
            corners = [(float(x * kx), float(y * ky)) for x, y in np.asarray(pts).reshape(-1, 2)]
            hits.append(QrHit(fr.t_ms, text, corners))
    return hits


def _plausible_qr(quad: np.ndarray, shape: tuple[int, ...]) -> bool:
    """An undecoded detection counts only if it looks like a code: a square-ish convex quad inside the frame,
    not larger than half the short side (the detector alone fires on grids, shelves, foliage)."""
    from .matchers import quad_shape

    if quad.shape != (4, 2):
        return False
    h, w = shape[:2]
    if quad[:, 0].min() < 0 or quad[:, 1].min() < 0 or quad[:, 0].max() > w or quad[:, 1].max() > h:
        return False
    convex, aspect_err, angle_err = quad_shape(quad, 1.0)
    side = float(np.sqrt(abs(cv2.contourArea(quad.astype(np.float32)))))
    return convex and aspect_err < 0.25 and angle_err < 20 and 12 <= side <= 0.5 * min(h, w)


@dataclass
class _Maps:
    """Per-pixel counts over the analysed frames (see :func:`_accumulate`)."""

    n: int
    persist: np.ndarray
    """Share of frames in which the pixel is a consistent edge."""
    tested: np.ndarray
    """Frames in which the pixel's neighbourhood changed."""
    held: np.ndarray
    """Of those, frames in which the pixel was still a consistent edge."""
    diagonal: np.ndarray
    """The median frame's gradient lies between 22.5 and 67.5 degrees (mod 90)."""
    moving_share: float


def _pick(frames: list[np.ndarray], k: int) -> list[np.ndarray]:
    if len(frames) <= k:
        return frames
    return [frames[i] for i in np.linspace(0, len(frames) - 1, k).round().astype(int)]


def _exposure(f: np.ndarray, med: np.ndarray) -> tuple[float, float]:
    """(gain, offset) with ``f ~ gain * med + offset`` fitted on the pixels that did not change (robust to
    moving content: only pixels within 20 of the median offset take part)."""
    d = f - med
    keep = np.abs(d - float(np.median(d))) < 20
    if keep.sum() < 50:
        return 1.0, 0.0
    x, y = med[keep], f[keep]
    xm, ym = float(x.mean()), float(y.mean())
    var = float(((x - xm) ** 2).mean())
    gain = float(np.clip(((x - xm) * (y - ym)).mean() / var, 0.5, 2.0)) if var > 25 else 1.0
    return gain, ym - gain * xm


def _accumulate(frames: list[np.ndarray], o: OverlayOptions) -> _Maps:
    """Edge persistence and change tests of every pixel against the frames' temporal median."""
    med = np.median(np.stack(frames), axis=0).astype(np.float32)
    mx, my = cv2.Sobel(med, cv2.CV_32F, 1, 0), cv2.Sobel(med, cv2.CV_32F, 0, 1)
    mnorm = mx * mx + my * my
    h, w = med.shape
    edges, tested, held, moved = (np.zeros((h, w), np.float32) for _ in range(4))
    for img in frames:
        f = img.astype(np.float32)
        gx, gy = cv2.Sobel(f, cv2.CV_32F, 1, 0), cv2.Sobel(f, cv2.CV_32F, 0, 1)
        g2 = gx * gx + gy * gy
        dot = gx * mx + gy * my
        edge = (g2 > o.edge_mag ** 2) & (dot * dot >= 0.25 * g2 * mnorm)  # |cos| >= 0.5: orientation kept
        # against the median under the frame's own exposure (gain and offset): a global brightness change
        # (auto exposure, a fade) must not count as content changing under static scenery, nor
        # pixels that the new exposure pushes into clipping (white text, black bars)
        gain, offset = _exposure(f[::4, ::4], med[::4, ::4])
        model = gain * med + offset  # what the frame would be if nothing had changed
        changed = ((cv2.absdiff(f, model) > o.change_diff) & (model > 8) & (model < 247)).astype(np.float32)
        test = cv2.blur(changed, (o.change_win, o.change_win)) > o.change_frac
        edges += edge
        tested += test
        held += edge & test
        moved += changed
    ang = np.degrees(np.arctan2(np.abs(my), np.abs(mx) + 1e-6))
    n = len(frames)
    return _Maps(n, edges / n, tested, held, (ang > 22.5) & (ang < 67.5),
                 float((moved >= max(1.0, 0.05 * n)).mean()))


def _candidates(m: _Maps, o: OverlayOptions) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(persistent edge mask without long straight lines, blob labels, blob stats)."""
    pers = (m.persist >= o.edge_persist).astype(np.uint8)
    h, w = pers.shape
    long_px = max(8, min(h, w) // 6)  # shelves, table edges, frame borders, split screens
    lines = cv2.morphologyEx(pers, cv2.MORPH_OPEN, np.ones((long_px, 1), np.uint8)) | cv2.morphologyEx(
        pers, cv2.MORPH_OPEN, np.ones((1, long_px), np.uint8))
    pers = (pers.astype(bool) & ~cv2.dilate(lines, np.ones((3, 3), np.uint8)).astype(bool)).astype(np.uint8)
    k = max(3, round(min(h, w) / 60)) | 1
    blob = cv2.dilate(pers, cv2.getStructuringElement(cv2.MORPH_RECT, (k, k)))
    _, labels, stats, _ = cv2.connectedComponentsWithStats(blob, connectivity=8)
    return pers, labels, stats


def _score(m: _Maps, sl: tuple[slice, slice], mask: np.ndarray, o: OverlayOptions) -> tuple[float, float] | None:
    """(confidence, support) of the candidate whose persistent pixels are ``mask`` within its box ``sl``."""
    npx = int(mask.sum())
    box_px = mask.size
    density = npx / max(1, box_px)
    if npx < 20 or density < o.min_edge_density:
        return None
    tested, held = m.tested[sl][mask], m.held[sl][mask]
    support = float((tested >= 1).mean())
    verified = float(held.sum() / max(1.0, tested.sum()))
    diag = float(m.diagonal[sl][mask].mean())
    curvy = float(np.clip((diag - o.grid_diagonal) / (o.full_diagonal - o.grid_diagonal), 0.0, 1.0))
    text = min(1.0, density / o.full_density) * curvy
    s = min(1.0, support / o.full_support)
    v = float(np.clip((verified - o.verify_low) / (o.verify_high - o.verify_low), 0.0, 1.0))
    return text * ((1.0 - s) * o.unverified_prior + s * v), support


def find_static_overlays(path: str | Path, start_ms: Ms = 0, end_ms: Ms | None = None, *,
                         options: OverlayOptions | None = None, scan: WindowScan | None = None) -> OverlayResult:
    """Watermark/logo candidates in ``[start_ms, end_ms)``: marks whose edges stay while the picture changes.

    Uses ``scan.samples`` when given (any rate; at most ``max_frames`` of them), else decodes the window
    at ``options.fps``. ``confidence`` >= 0.5 means the mark's edges were seen to stay while content moved
    under or around it; candidates over content that never changed stay weak (see the module notes).
    """
    o = options or OverlayOptions()
    scan = scan if scan is not None and scan.samples else scan_window(path, start_ms, end_ms, sample_fps=o.fps)
    frames = _pick([f.image for f in scan.samples], o.max_frames)
    if len(frames) < 4:
        return OverlayResult("unknown", reason=f"too few frames ({len(frames)}) to tell steady from moving")
    m = _accumulate(frames, o)
    pers, labels, stats = _candidates(m, o)
    h, w = pers.shape
    kx, ky = scan.width / w, scan.height / h
    out: list[Overlay] = []
    any_tested = False
    for i in range(1, len(stats)):
        x, y, bw, bh, _area = (int(v) for v in stats[i])
        if not o.min_area <= bw * bh / float(w * h) <= o.max_area:
            continue
        sl = (slice(y, y + bh), slice(x, x + bw))
        mask = (labels[sl] == i) & (pers[sl] > 0)
        scored = _score(m, sl, mask, o)
        if scored is None:
            continue
        conf, support = scored
        any_tested |= support > 0
        out.append(Overlay((round(x * kx), round(y * ky), round(bw * kx), round(bh * ky)), round(conf, 3)))
    if m.moving_share < o.still_share and not any_tested:
        return OverlayResult("unknown", reason=f"the scene barely moves ({m.moving_share:.1%} of the frame), so a "
                                               "static overlay cannot be told from the background",
                             moving_share=m.moving_share)
    out.sort(key=lambda ov: -ov.confidence)
    return OverlayResult("ok", out, moving_share=m.moving_share)
