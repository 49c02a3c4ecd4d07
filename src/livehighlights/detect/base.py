"""The detector interface (after PySceneDetect's ``SceneDetector``).

A detector is fed the timeline one closed second at a time (:meth:`Detector.process_second`) and
returns the moments it has *confirmed* by then; :meth:`Detector.post_process` flushes what is
still pending when the LIVE ends. A detector never looks further ahead than ``delay_s``: a moment
whose cause ends at second ``t`` is emitted at the latest when second ``t + delay_s`` closes. The
real-time path and the after-the-LIVE path feed the same detectors; only the clock differs.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, ClassVar

from ..models import Moment
from ..registry import Registry
from ..signals.timeline import Second

if TYPE_CHECKING:
    from .options import DetectOptions


class Detector(ABC):
    """Online moment detector. Subclasses register themselves in :data:`DETECTORS`."""

    name: ClassVar[str] = ""
    """Registry key, also written into each :class:`~livehighlights.models.Moment`."""

    @property
    @abstractmethod
    def delay_s(self) -> int:
        """How far behind the live edge this detector works, in seconds."""

    @abstractmethod
    def process_second(self, sec: Second) -> list[Moment]:
        """Consume one closed second; return moments confirmed now (possibly none)."""

    def post_process(self, end_s: int) -> list[Moment]:
        """The LIVE ended after second ``end_s - 1``: return moments still pending."""
        return []

    @classmethod
    def from_options(cls, options: DetectOptions | None = None) -> Detector:
        """A detector set up from the shared detection options (default: its own defaults)."""
        return cls()


DETECTORS: Registry[type[Detector]] = Registry(
    "detector", builtins=("livehighlights.detect.shopping", "livehighlights.detect.engagement",
                          "livehighlights.detect.peaks"))
"""Registered detector classes by name (the built-ins are imported on first use)."""

DEFAULT_DETECTORS: tuple[str, ...] = ("shopping", "engagement")
"""The detectors ``process`` and ``moments`` run (sales and traffic; audience bursts from chat, likes, gifts)."""


def register(cls: type[Detector]) -> type[Detector]:
    """Class decorator adding a detector to :data:`DETECTORS` under its ``name``."""
    return DETECTORS.register(cls)


def make_detectors(names: tuple[str, ...] | list[str] = DEFAULT_DETECTORS,
                   options: DetectOptions | None = None) -> list[Detector]:
    """One detector per name, from :data:`DETECTORS`. Raises :class:`~livehighlights.errors.InputError`
    for an unknown name (listing the known ones)."""
    return [DETECTORS.get(name).from_options(options) for name in names]
