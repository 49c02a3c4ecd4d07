"""Product matchers: find a catalog product's reference picture in a frame (pluggable backends).

:class:`ProductMatcher` is the interface; :data:`PRODUCT_MATCHERS` maps a name to an implementation
(``"orb"``: ORB features, brute-force Hamming matching with Lowe's ratio test and a RANSAC homography).
A learned detector plugs in by subclassing :class:`ProductMatcher` and registering itself.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from ..registry import Registry
from ..timebase import Ms


@dataclass
class Sighting:
    """A product looked for in one frame. ``corners``: the product's outline in the reference projected
    into the frame (4 (x, y) points, frame pixels of the analysed frame, clockwise from top-left)."""

    t_ms: Ms
    visible: bool
    score: float = 0.0
    """Matcher confidence; for ORB the number of RANSAC inliers."""
    corners: list[tuple[float, float]] | None = None
    fully_inside: bool = False
    frontal: bool = False
    area_ratio: float = 0.0
    """Projected outline area / frame area."""


@dataclass
class Reference:
    """A product's prepared reference picture(s) (features computed once)."""

    key: str
    views: list[Any] = field(default_factory=list)
    """Backend-specific data, one entry per usable picture."""
    problems: list[str] = field(default_factory=list)


class ProductMatcher(ABC):
    """Find a product in frames. Implementations must be cheap to construct (work happens lazily)."""

    name = "base"

    @abstractmethod
    def prepare(self, images: Sequence[str | Path | np.ndarray]) -> Reference:
        """Prepare reference pictures (file paths or BGR/grey arrays); unreadable ones go to ``problems``."""

    @abstractmethod
    def find(self, ref: Reference, frame: np.ndarray, t_ms: Ms, features: Any = None) -> Sighting:
        """Look for ``ref`` in a grey ``frame``; ``features`` is :meth:`frame_features`' result, if computed."""

    def frame_features(self, frame: np.ndarray) -> Any:
        """Per-frame work shared by every product looked for in the frame (default: none)."""
        return None

    def features_near(self, features: Any, corners: Sequence[tuple[float, float]], grow: float = 0.25) -> Any:
        """The part of a frame's ``features`` around an outline (its box grown by ``grow`` of its size on
        each side), to look there only; by default all of them."""
        return features


PRODUCT_MATCHERS: Registry[type[ProductMatcher]] = Registry("product matcher")
"""Registered product matchers by name (``@PRODUCT_MATCHERS.register``); add a learned detector the same way."""

DEFAULT_MATCHER = "orb"


def load_picture(image: str | Path | np.ndarray) -> np.ndarray | None:
    """A reference picture as grey uint8 (transparent pixels put on white); ``None`` if unreadable."""
    if isinstance(image, np.ndarray):
        img = image
    else:
        img = cv2.imread(str(image), cv2.IMREAD_UNCHANGED)
        if img is None:
            return None
    if img.ndim == 3 and img.shape[2] == 4:
        alpha = img[:, :, 3:4].astype(np.float32) / 255.0
        img = (img[:, :, :3] * alpha + 255 * (1 - alpha)).astype(np.uint8)
    if img.ndim == 3:
        img = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)
    return img


def object_box(gray: np.ndarray, tol: int = 18) -> tuple[int, int, int, int]:
    """(x0, y0, x1, y1) of what differs from the picture's plain border (a packshot's background)."""
    border = np.concatenate([gray[0], gray[-1], gray[:, 0], gray[:, -1]])
    bg = float(np.median(border))
    if np.mean(np.abs(border.astype(float) - bg) < tol) < 0.9:
        return 0, 0, gray.shape[1], gray.shape[0]  # no plain background: the whole picture is the product
    ys, xs = np.nonzero(np.abs(gray.astype(np.int16) - bg) >= tol)
    if len(xs) < 16:
        return 0, 0, gray.shape[1], gray.shape[0]
    return int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1


def _angle(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> float:
    v1, v2 = a - b, c - b
    cos = float(np.dot(v1, v2) / (np.linalg.norm(v1) * np.linalg.norm(v2) + 1e-9))
    return math.degrees(math.acos(max(-1.0, min(1.0, cos))))


def quad_shape(quad: np.ndarray, ref_aspect: float) -> tuple[bool, float, float]:
    """(convex, aspect error, worst corner angle error in degrees) of a projected outline."""
    q = quad.reshape(4, 2)
    edges = [q[(i + 1) % 4] - q[i] for i in range(4)]
    cross = [float(e[0] * f[1] - e[1] * f[0]) for e, f in zip(edges, edges[1:] + edges[:1], strict=True)]
    convex = all(c > 0 for c in cross) or all(c < 0 for c in cross)
    w = (np.linalg.norm(q[1] - q[0]) + np.linalg.norm(q[2] - q[3])) / 2
    h = (np.linalg.norm(q[3] - q[0]) + np.linalg.norm(q[2] - q[1])) / 2
    aspect_err = abs((w / max(h, 1e-9)) / ref_aspect - 1.0)
    angle_err = max(abs(_angle(q[i - 1], q[i], q[(i + 1) % 4]) - 90.0) for i in range(4))
    return convex, aspect_err, angle_err


@dataclass
class OrbOptions:
    """Settings of :class:`OrbMatcher` (chosen on the simulator's products and real packshots)."""

    ref_long_side: int = 480
    ref_features: int = 1200
    frame_features: int = 1500
    ratio: float = 0.75
    """Lowe's ratio test."""
    min_inliers: int = 12
    ransac_px: float = 4.0
    frontal_aspect: float = 0.10
    """Frontal when the outline's aspect ratio is within 10% of the reference's (a product turned by ~35
    degrees looks 18% narrower) ..."""
    frontal_angle: float = 20.0
    """... and every corner is within 20 degrees of a right angle (strong perspective or shear fails; ORB
    homographies of a 100 px product wobble by up to ~15 degrees when held straight)."""
    min_area: float = 0.002
    max_area: float = 1.5
    inside_margin: float = 0.01
    """A projected corner may stick out this share of the frame size and still count as inside."""


@PRODUCT_MATCHERS.register
class OrbMatcher(ProductMatcher):
    """ORB + BFMatcher (Hamming, ratio test) + ``cv2.findHomography`` RANSAC."""

    name = "orb"

    def __init__(self, options: OrbOptions | None = None) -> None:
        self.o = options or OrbOptions()
        self._orb_ref = cv2.ORB_create(nfeatures=self.o.ref_features)
        self._orb_frame = cv2.ORB_create(nfeatures=self.o.frame_features, fastThreshold=12)
        self._bf = cv2.BFMatcher(cv2.NORM_HAMMING)

    def prepare(self, images: Sequence[str | Path | np.ndarray]) -> Reference:
        ref = Reference(key="|".join(str(i) if not isinstance(i, np.ndarray) else f"array{id(i)}" for i in images))
        for image in images:
            gray = load_picture(image)
            if gray is None:
                ref.problems.append(f"{image}: cannot be read as a picture")
                continue
            x0, y0, x1, y1 = object_box(gray)
            crop = gray[y0:y1, x0:x1]
            k = self.o.ref_long_side / max(crop.shape)
            if k < 1:
                crop = cv2.resize(crop, (round(crop.shape[1] * k), round(crop.shape[0] * k)),
                                  interpolation=cv2.INTER_AREA)
            kps, desc = self._orb_ref.detectAndCompute(crop, None)
            if desc is None or len(kps) < self.o.min_inliers:
                ref.problems.append(f"{image}: too plain to match (only {len(kps)} features)")
                continue
            pts = np.float32([kp.pt for kp in kps])
            h, w = crop.shape
            outline = np.float32([[0, 0], [w, 0], [w, h], [0, h]]).reshape(-1, 1, 2)
            ref.views.append((pts, desc, outline, w / h))
        return ref

    def frame_features(self, frame: np.ndarray) -> Any:
        kps, desc = self._orb_frame.detectAndCompute(frame, None)
        return (np.float32([kp.pt for kp in kps]) if kps else np.zeros((0, 2), np.float32), desc)

    def features_near(self, features: Any, corners: Sequence[tuple[float, float]], grow: float = 0.25) -> Any:
        pts, desc = features
        if desc is None or not len(pts):
            return features
        q = np.asarray(corners, np.float32)
        (x0, y0), (x1, y1) = q.min(axis=0), q.max(axis=0)
        gx, gy = grow * (x1 - x0), grow * (y1 - y0)
        keep = (pts[:, 0] >= x0 - gx) & (pts[:, 0] <= x1 + gx) & (pts[:, 1] >= y0 - gy) & (pts[:, 1] <= y1 + gy)
        return pts[keep], desc[keep]

    def find(self, ref: Reference, frame: np.ndarray, t_ms: Ms, features: Any = None) -> Sighting:
        fpts, fdesc = features if features is not None else self.frame_features(frame)
        best = Sighting(t_ms, False)
        if fdesc is None or len(fpts) < self.o.min_inliers:
            return best
        fh, fw = frame.shape[:2]
        for rpts, rdesc, outline, aspect in ref.views:
            pairs = self._bf.knnMatch(rdesc, fdesc, k=2)
            good = [p[0] for p in pairs if len(p) == 2 and p[0].distance < self.o.ratio * p[1].distance]
            if len(good) < self.o.min_inliers:
                continue
            src = rpts[[m.queryIdx for m in good]].reshape(-1, 1, 2)
            dst = fpts[[m.trainIdx for m in good]].reshape(-1, 1, 2)
            H, mask = cv2.findHomography(src, dst, cv2.RANSAC, self.o.ransac_px)
            if H is None or mask is None:
                continue
            inliers = int(mask.sum())
            if inliers < self.o.min_inliers or inliers <= best.score:
                continue
            quad = cv2.perspectiveTransform(outline, H).reshape(4, 2)
            convex, aspect_err, angle_err = quad_shape(quad, aspect)
            area = abs(cv2.contourArea(quad.astype(np.float32))) / float(fw * fh)
            if not convex or not self.o.min_area <= area <= self.o.max_area:
                continue
            mx, my = self.o.inside_margin * fw, self.o.inside_margin * fh
            inside = bool(np.all((quad[:, 0] >= -mx) & (quad[:, 0] <= fw + mx) & (quad[:, 1] >= -my)
                                 & (quad[:, 1] <= fh + my)))
            best = Sighting(t_ms, True, float(inliers), [(float(x), float(y)) for x, y in quad], inside,
                            aspect_err <= self.o.frontal_aspect and angle_err <= self.o.frontal_angle, area)
        return best


def get_matcher(name: str = DEFAULT_MATCHER) -> ProductMatcher:
    """An instance of the registered matcher ``name`` (an :class:`~livehighlights.errors.InputError` naming
    the known ones otherwise)."""
    return PRODUCT_MATCHERS.get(name)()
