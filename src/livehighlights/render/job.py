"""What a cut method is given and returns, the :data:`CUT_METHODS` registry, and the checks the methods share.

The built-in methods register themselves here: ``reencode`` (:mod:`.reencode`) and ``smart`` (:mod:`.smart`),
imported on first use of the registry. A new method is a function ``CutJob -> CutStats``::

    @CUT_METHODS.register("mine")
    def my_cut(job: CutJob) -> CutStats: ...
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..media.probe import MediaInfo, open_media
from ..registry import Registry
from ..timebase import Ms
from .encode import VideoClock, decode_range
from .verify import first_frame_ref, verify_clip

__all__ = ["CUT_METHODS", "DEFAULT_CUT_METHOD", "CutJob", "CutMethod", "CutStats", "SmartCutUnavailable",
           "check_clip", "source_ref"]


@dataclass(slots=True)
class CutJob:
    """A resolved cut: the window as frame indices ``[first, end)`` of the source."""

    src: Path
    tmp: Path
    info: MediaInfo
    first: int
    end: int
    keyframes: list[Ms] | None


@dataclass(slots=True)
class CutStats:
    """What a cut method did, in frames."""

    method: str
    reencoded_frames: int
    copied_frames: int
    fallback: str | None = None


class SmartCutUnavailable(Exception):
    """A smart cut is not possible or failed verification; the message says why (then re-encode)."""


CutMethod = Callable[[CutJob], CutStats]


CUT_METHODS: Registry[CutMethod] = Registry(
    "cut method", builtins=("livehighlights.render.reencode", "livehighlights.render.smart"))
"""Cut strategies by name; ``cut_clip(method=...)`` picks one."""

DEFAULT_CUT_METHOD = "smart"


def check_clip(job: CutJob, ref: np.ndarray | None, joins: list[int]) -> None:
    """Raise :class:`SmartCutUnavailable` when the written clip does not decode cleanly, has the wrong
    frame count, or its first frame does not match the source's."""
    problem = verify_clip(job.tmp, job.end - job.first, ref, joins)
    if problem:
        raise SmartCutUnavailable(f"smart cut failed verification ({problem})")


def source_ref(job: CutJob) -> np.ndarray | None:
    """Small grey picture of the source frame at the window's start, for :func:`check_clip`."""
    with open_media(job.src) as inp:
        video = inp.streams.video[0]
        for _idx, frame in decode_range(inp, video, VideoClock.of(video), job.first, job.first + 1):
            return first_frame_ref(frame)
    return None
