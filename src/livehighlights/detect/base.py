"""The detector interface (after PySceneDetect's ``SceneDetector``).

A detector is fed the timeline one closed second at a time (:meth:`Detector.process_second`) and
returns the moments it has *confirmed* by then; :meth:`Detector.post_process` flushes what is
still pending when the LIVE ends. A detector never looks further ahead than ``delay_s``: a moment
whose cause ends at second ``t`` is emitted at the latest when second ``t + delay_s`` closes. The
real-time path and the after-the-LIVE path feed the same detectors; only the clock differs.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import ClassVar

from ..models import Moment
from ..signals.timeline import Second


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


DETECTORS: dict[str, type[Detector]] = {}
"""Registered detector classes by name."""


def register(cls: type[Detector]) -> type[Detector]:
    """Class decorator adding a detector to :data:`DETECTORS`."""
    if not cls.name:
        raise ValueError(f"{cls.__qualname__} has no name")
    DETECTORS[cls.name] = cls
    return cls
