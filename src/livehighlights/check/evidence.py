"""Everything measured about one clip (or one window of a recording), gathered for the judge.

Each analysis runs guarded: a check that cannot run (no audio stream, no reference picture, a
language the model does not know) leaves its field ``None`` and says why in ``unknown``, so the
report can say *unknown* with the reason instead of crashing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from ..models import Product
from ..rules import DEFAULT_SPEECH_MODEL
from ..timebase import Ms
from ..timing import Attempts

T = TypeVar("T")


@dataclass
class Provenance:
    """Where a clip comes from, when we cut it ourselves from a LIVE."""

    live_recording: str
    start_ms: Ms
    end_ms: Ms
    audio: str = "original"
    """How the audio was carried: ``original`` (the LIVE's own track over the same window)."""
    product_in_live: bool | None = None
    """The product was pinned, clicked or ordered during the LIVE (from its event log)."""
    clip_fingerprint: dict[str, Any] | None = None
    """The clip's content fingerprint when it was written (:class:`~livehighlights.check.fingerprint.Fingerprint`
    as JSON); absent in older sidecars."""
    live_fingerprint: dict[str, Any] | None = None
    """The fingerprint of the LIVE window it claims, at the same points."""


@dataclass
class CheckOptions:
    """What the checker runs and expects."""

    language: str | None = None
    """The local language the clip should be in (ISO 639-1); ``None``: not judged."""
    speech_model: str = DEFAULT_SPEECH_MODEL
    vision_fps: float = 4.0
    qr_fps: float = 1.0
    swap_samples: int = 8
    """Frames on which the product is also compared with every other catalog product (the swap check)."""
    decode_threads: str = "AUTO"
    """FFmpeg decoder threading of the full-rate pass (``NONE`` where several clips are checked at once)."""
    embeddings: bool = True
    """Match selling points with sentence embeddings too (multilingual paraphrases)."""


@dataclass
class ClipEvidence:
    """The measurements behind a compliance report."""

    subject: str
    path: Path
    start_ms: Ms
    end_ms: Ms
    info: Any = None
    product: Product | None = None
    catalog_given: bool = False
    video: Any = None
    audio: Any = None
    transcript: Any = None
    visibility: Any = None
    qr: list[Any] | None = None
    overlays: Any = None
    points: list[Any] | None = None
    cues: list[Any] | None = None
    screen: Any = None
    """On-screen text and its cues (a :class:`~livehighlights.vision.screen_text.ScreenTextResult`)."""
    provenance: Provenance | None = None
    provenance_check: Any = None
    """How the clip's picture and sound compared with the LIVE window its provenance claims
    (:class:`~livehighlights.check.provenance.ProvenanceCheck`); ``None`` when the window is the LIVE itself."""
    language_expected: str | None = None
    """The local language the clip should be in, when known."""
    enhancements: dict[str, Any] | None = None
    """What a remix added (stickers, subtitles, end card...), from its sidecar."""
    unknown: dict[str, str] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def duration_ms(self) -> Ms:
        return self.end_ms - self.start_ms

    def attempt(self, name: str, fn: Callable[[], T]) -> T | None:
        """Run one analysis, timing it; on a failure we understand, record why and go on
        (see :meth:`livehighlights.timing.Attempts.attempt`)."""
        return Attempts(self.unknown, self.timings).attempt(name, fn)
