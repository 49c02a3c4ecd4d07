"""Online moment detectors behind one interface, registered by name in :data:`DETECTORS`."""

from .base import DETECTORS, Detector, register
from .options import DEFAULT_WEIGHTS, DetectOptions

__all__ = ["DETECTORS", "DEFAULT_WEIGHTS", "DetectOptions", "Detector", "register", "load_detectors"]


def load_detectors() -> dict[str, type[Detector]]:
    """Import the built-in detector modules (registering them) and return the registry."""
    from . import peaks, shopping  # noqa: F401

    return DETECTORS
