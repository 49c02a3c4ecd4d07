"""Simulator configuration and result types, with validation (no heavy imports)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from ..errors import InputError, Where

RESOLUTIONS: dict[str, tuple[int, int]] = {"720p": (720, 1280), "1080p": (1080, 1920)}
"""Portrait (width, height) per resolution name; landscape swaps them."""
ORIENTATIONS = ("portrait", "landscape")
DIFFICULTIES = ("default", "hard")


@dataclass
class SimConfig:
    """What LIVE to simulate. Same config (and seed) -> same events, catalog and truth."""

    minutes: float = 3.0
    """Length of the LIVE in minutes (tests use e.g. 0.25 = 15 s)."""
    seed: int = 0
    resolution: str = "720p"
    """``720p`` or ``1080p``."""
    orientation: str = "portrait"
    """``portrait`` (9:16) or ``landscape`` (16:9)."""
    fps: int = 30
    difficulty: str = "default"
    """``default`` or ``hard`` (more distractors, weaker/noisier lifts, longer order delays, wrong pins)."""
    n_products: int | None = None
    """Number of catalog products; default scales with the length (3..12)."""
    live_start_utc: str | None = None
    """If set (ISO-8601 UTC), events carry ISO ``ts`` strings from this start; else seconds from the start."""

    def validate(self) -> None:
        """Raise :class:`InputError` naming the first bad field."""

        def bad(name: str, msg: str) -> InputError:
            return InputError(msg, Where(field=name))

        if not isinstance(self.minutes, (int, float)) or not math.isfinite(self.minutes) or self.minutes <= 0:
            raise bad("minutes", f"must be a positive number of minutes, got {self.minutes!r}")
        if self.minutes > 24 * 60:
            raise bad("minutes", f"at most 1440 minutes (24 h), got {self.minutes!r}")
        if not isinstance(self.seed, int) or isinstance(self.seed, bool) or self.seed < 0:
            raise bad("seed", f"must be a non-negative integer, got {self.seed!r}")
        if self.resolution not in RESOLUTIONS:
            raise bad("resolution", f"unknown resolution {self.resolution!r}; use one of {', '.join(RESOLUTIONS)}")
        if self.orientation not in ORIENTATIONS:
            raise bad("orientation", f"unknown orientation {self.orientation!r}; use portrait or landscape")
        if not isinstance(self.fps, int) or isinstance(self.fps, bool) or not 1 <= self.fps <= 60:
            raise bad("fps", f"must be an integer frame rate 1..60, got {self.fps!r}")
        if self.difficulty not in DIFFICULTIES:
            raise bad("difficulty", f"unknown difficulty {self.difficulty!r}; use default or hard")
        if self.n_products is not None and (not isinstance(self.n_products, int) or not 1 <= self.n_products <= 24):
            raise bad("n_products", f"must be an integer 1..24, got {self.n_products!r}")
        if self.live_start_utc is not None:
            parse_utc(self.live_start_utc)

    @property
    def size(self) -> tuple[int, int]:
        """Frame (width, height) in pixels."""
        w, h = RESOLUTIONS[self.resolution]
        return (w, h) if self.orientation == "portrait" else (h, w)

    @property
    def n_frames(self) -> int:
        """Number of video frames: the LIVE length rounded to whole frames (at least 1 s)."""
        return max(self.fps, round(self.minutes * 60 * self.fps))

    @property
    def duration_s(self) -> float:
        """The exact LIVE length in seconds (whole frames)."""
        return self.n_frames / self.fps


def parse_utc(text: str) -> datetime:
    """Parse an ISO-8601 time (``Z`` or offset; naive means UTC) into an aware UTC datetime."""
    try:
        value = datetime.fromisoformat(text.strip().replace("Z", "+00:00").replace("z", "+00:00"))
    except (ValueError, AttributeError) as err:
        raise InputError(f"not an ISO-8601 time: {text!r}", Where(field="live_start_utc")) from err
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


@dataclass
class SimResult:
    """Where the simulated LIVE was written and how long each step took."""

    out_dir: Path
    recording: Path
    events: Path
    catalog: Path
    truth: Path
    duration_ms: int
    n_events: int
    timings: dict[str, float] = field(default_factory=dict)
    """Seconds per step: ``script``, ``speech``, ``video``, ``events`` (and ``total``)."""
