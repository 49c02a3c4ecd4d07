"""Online moment detectors behind one interface, registered by name in :data:`DETECTORS`."""

from .base import DEFAULT_DETECTORS, DETECTORS, Detector, make_detectors, register
from .options import DEFAULT_WEIGHTS, DetectOptions
from .priors import Priors, load_priors

__all__ = ["DEFAULT_DETECTORS", "DETECTORS", "DEFAULT_WEIGHTS", "DetectOptions", "Detector", "Priors",
           "load_detectors", "load_priors", "make_detectors", "register"]


def load_detectors() -> dict[str, type[Detector]]:
    """The registered detectors by name (the built-ins included)."""
    return dict(DETECTORS.items())
