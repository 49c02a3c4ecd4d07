"""Visual checks on a time window of a video: quality (black, freeze, lag, cuts), product visibility,
QR codes, watermarks and faces. Importing this package is cheap: OpenCV and PyAV load on first use.

Public API (all times integer ms from the file's origin, windows ``[start_ms, end_ms)``)::

    from livehighlights.vision import measure_video, visibility_track, find_qr_codes, find_static_overlays
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_EXPORTS = {
    "Frame": "frames", "WindowScan": "frames", "iter_frames": "frames", "scan_window": "frames",
    "QualityOptions": "quality", "VideoQuality": "quality", "measure_video": "quality",
    "ProductMatcher": "matchers", "OrbMatcher": "matchers", "OrbOptions": "matchers", "PRODUCT_MATCHERS": "matchers",
    "Sighting": "matchers", "Reference": "matchers", "get_matcher": "matchers",
    "VisibilityOptions": "product", "VisibilityTrack": "product",
    "visibility_track": "product",
    "QrHit": "overlays", "Overlay": "overlays", "OverlayOptions": "overlays", "OverlayResult": "overlays",
    "find_qr_codes": "overlays", "find_static_overlays": "overlays",
    "Face": "faces", "FaceOptions": "faces", "FaceResult": "faces", "find_faces": "faces",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value
