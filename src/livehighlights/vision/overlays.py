"""Third-party overlays: QR codes and watermark/logo candidates (static marks over a moving scene).

* :func:`find_qr_codes`: ``cv2.QRCodeDetector`` on sharp grey frames at ``fps`` (decode, and detect-only
  so an undecodable code is still reported, with ``text=None``, when its outline is a plausible square:
  detect-only fires on arbitrary textures otherwise).
* :func:`find_static_overlays`: over ~2 fps samples, an edge pixel is *steady* when it is an edge in
  almost every sample (a semi-transparent mark's outline) or its brightness hardly varies; a compact,
  edge-dense group of steady edges surrounded by moving pixels, while enough of the frame moves, is a
  watermark candidate. If (almost) nothing moves the answer is
  ``unknown``: a still scene hides a static overlay.
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

    fps: float = 2.0
    steady_std: float = 4.0
    """A pixel whose brightness varies less than this (std over the samples) is steady."""
    moving_std: float = 10.0
    """A pixel varying more than this moves."""
    min_moving_share: float = 0.15
    """At least this share of the frame must move, else the result is ``unknown``."""
    edge_low: int = 40
    edge_high: int = 120
    edge_persist: float = 0.85
    """Share of the samples in which an edge pixel must be present to count as persistent."""
    min_edge_density: float = 0.08
    """Share of edge pixels in a candidate's box (text and logos are dense in edges)."""
    min_area: float = 0.0005
    max_area: float = 0.08
    """Candidates larger than this share of the frame are static background, not a mark."""
    moving_ring: float = 0.25
    """Share of the pixels around a candidate that must move (a mark lies on moving content)."""


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
            found, decoded, points, _ = det.detectAndDecodeMulti(fr.image)
            if found and points is not None:
                for txt, quad in zip(decoded, points, strict=False):
                    corners = [(float(x * kx), float(y * ky)) for x, y in np.asarray(quad).reshape(-1, 2)]
                    hits.append(QrHit(fr.t_ms, txt or None, corners))
                continue
            found, pts = det.detect(fr.image)
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


def find_static_overlays(path: str | Path, start_ms: Ms = 0, end_ms: Ms | None = None, *,
                         options: OverlayOptions | None = None, scan: WindowScan | None = None) -> OverlayResult:
    """Watermark/logo candidates in ``[start_ms, end_ms)``: steady, edge-rich regions over moving footage."""
    o = options or OverlayOptions()
    scan = scan if scan is not None and scan.samples else scan_window(path, start_ms, end_ms, sample_fps=o.fps)
    step = max(1, round(scan.sample_fps / o.fps)) if scan.sample_fps else 1
    frames = [f.image for f in scan.samples[::step]]
    if len(frames) < 4:
        return OverlayResult("unknown", reason=f"too few frames ({len(frames)}) to tell steady from moving")
    stack = np.stack(frames).astype(np.float32)
    std = stack.std(axis=0)
    mean = stack.mean(axis=0).astype(np.uint8)
    h, w = std.shape
    moving = std > o.moving_std
    share = float(moving.mean())
    if share < o.min_moving_share:
        return OverlayResult("unknown", reason=f"the scene barely moves ({share:.0%} of the frame), so a static "
                                               "overlay cannot be told from the background", moving_share=share)
    persist = np.zeros((h, w), np.float32)
    for img in frames:
        persist += cv2.Canny(img, o.edge_low, o.edge_high) > 0
    persist /= len(frames)
    edges = cv2.Canny(mean, o.edge_low, o.edge_high) > 0
    # an edge that stays put while the pixels around it change: steady pixels, or a semi-transparent mark's
    # outline that is present in (almost) every frame
    steady_edges = ((persist >= o.edge_persist) | (edges & (std < o.steady_std))).astype(np.uint8)
    long_px = max(8, min(h, w) // 4)  # drop long straight lines (frame borders, set edges, split screens)
    lines = cv2.morphologyEx(steady_edges, cv2.MORPH_OPEN, np.ones((long_px, 1), np.uint8)) | cv2.morphologyEx(
        steady_edges, cv2.MORPH_OPEN, np.ones((1, long_px), np.uint8))
    steady_edges = steady_edges & ~cv2.dilate(lines, np.ones((3, 3), np.uint8)).astype(bool)
    steady_edges = steady_edges.astype(np.uint8)
    k = max(3, round(min(h, w) / 60)) | 1
    blob = cv2.dilate(steady_edges, cv2.getStructuringElement(cv2.MORPH_RECT, (k, k)))
    n, _, stats, _ = cv2.connectedComponentsWithStats(blob, connectivity=8)
    kx, ky = scan.width / w, scan.height / h
    out: list[Overlay] = []
    moving_u8 = moving.astype(np.uint8)
    for i in range(1, n):
        x, y, bw, bh, _area = (int(v) for v in stats[i])
        box_share = bw * bh / float(w * h)
        if not o.min_area <= box_share <= o.max_area:
            continue
        density = float(steady_edges[y:y + bh, x:x + bw].mean())
        if density < o.min_edge_density:
            continue
        pad = max(bw, bh) // 2 + k
        x0, y0, x1, y1 = max(0, x - pad), max(0, y - pad), min(w, x + bw + pad), min(h, y + bh + pad)
        ring = moving_u8[y0:y1, x0:x1].sum() - moving_u8[y:y + bh, x:x + bw].sum()
        ring_px = (x1 - x0) * (y1 - y0) - bw * bh
        ring_share = ring / max(1, ring_px)
        if ring_share < o.moving_ring:
            continue
        conf = float(min(1.0, density / 0.25) * min(1.0, ring_share / 0.6))
        out.append(Overlay((round(x * kx), round(y * ky), round(bw * kx), round(bh * ky)), round(conf, 3)))
    out.sort(key=lambda ov: -ov.confidence)
    return OverlayResult("ok", out, moving_share=share)
