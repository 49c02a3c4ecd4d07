"""The two records a remix is made of: :class:`RemixJob` (what it is rendered from, resolved and checked
before any work, plus its timings and warnings) and :class:`Composition` (what the renderer decided to
show: framing, stickers, subtitles, end card, sound). The filter graph (:func:`.graph.build`) and the
sidecar (:func:`.sidecar.build`) are written from these two.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..timebase import Ms

if TYPE_CHECKING:
    from .audio import SoundReport
    from .elements import Placed
    from .graph import EndCard
    from .layout import Box
    from .plan import LivePlan
    from .reframe import Framing
    from .render import RemixOptions
    from .solve import Obstacle
    from .source import RemixSource
    from .style import Style

__all__ = ["Composition", "RemixJob"]


@dataclass
class RemixJob:
    """One remix to render: the source clip and everything resolved from the options."""

    source: RemixSource
    out: Path
    options: RemixOptions
    style: Style
    plan: LivePlan | None
    info: Any
    """The clip's :class:`~livehighlights.media.MediaInfo`."""
    size: tuple[int, int]
    """Output width and height (9:16)."""
    font: Path
    """Sticker and card font."""
    sub_font: Path
    track: Path | None
    """Background music, if any."""
    language: str | None
    """Speech and card language (forced or from the source)."""
    work: Path
    """Temporary folder for drawn pictures, subtitles and the mixed sound."""
    started: float
    """``time.perf_counter()`` when the job began (for the total time)."""
    timings: dict[str, float] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    @property
    def duration(self) -> Ms:
        return self.info.duration_ms


@dataclass
class Composition:
    """What the remix shows, in output pixels and clip ms."""

    framing: Framing
    product_box: Box | None
    """Union of the product's sightings (``None``: not located)."""
    product_boxes: list[tuple[Ms, Box]]
    subtitles: dict[str, Any]
    """The subtitle report written to the sidecar (status, band, cards, font...)."""
    ass: Path | None
    """The burned subtitles file (``None``: no subtitles)."""
    placed: Placed
    card: EndCard | None
    card_kind: str | None
    """``click_now``, ``plan_teaser`` or ``follow`` when there is an end card."""
    sound_file: Path
    sound: SoundReport
    language: str | None
    """The language spoken (detected), else the job's."""
    obstacles: list[Obstacle]
    """What nothing of ours covers: the face, the product, the LIVE's marks (output pixels)."""
    faces: Any = None
    """The face finder's result (source pixels)."""
    screen: Any = None
    """The LIVE's on-screen text read by OCR (source pixels)."""
