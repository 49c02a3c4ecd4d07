"""LIVE time on the wall clock, the watermark that closes quiet seconds, and a recording played as if live.

LIVE time 0 is :attr:`LiveClock.origin` (the UTC time the stream started: the buffer's ``started_at``); LIVE
time runs ``speed`` times as fast as the wall clock (1.0 for a real LIVE; tests and demos replay a recording
faster). The same origin and speed give the same LIVE time after a restart, so a resumed follower picks up
where the LIVE is now, not where it stopped.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from ..errors import InputError, Where
from ..media.probe import MediaInfo
from ..media.source import FileSource, MediaSource
from ..timebase import Ms

__all__ = ["DEFAULT_LAG_MS", "LiveClock", "PacedFile", "Watermark", "play_events"]

DEFAULT_LAG_MS: Ms = 2000
"""How long after a second ends the watermark closes it (events take a moment to arrive and be stored)."""


def _utc(t: datetime) -> datetime:
    return t if t.tzinfo else t.replace(tzinfo=UTC)


@dataclass(frozen=True)
class LiveClock:
    """LIVE milliseconds since :attr:`origin`, at :attr:`speed` times the wall clock."""

    origin: datetime
    """The UTC time of LIVE time 0."""
    speed: float = 1.0

    def __post_init__(self) -> None:
        if not self.speed > 0 or self.speed > 1000:
            raise InputError(f"a speed of {self.speed:g}: it must be more than 0 and at most 1000",
                             Where(field="--speed"))
        object.__setattr__(self, "origin", _utc(self.origin).astimezone(UTC))

    @classmethod
    def starting_now(cls, speed: float = 1.0, already_ms: Ms = 0) -> LiveClock:
        """A clock whose LIVE time is ``already_ms`` now."""
        return cls(datetime.now(UTC) - timedelta(milliseconds=already_ms / speed), speed)

    def live_ms(self, t: datetime) -> Ms:
        """The LIVE time of the wall-clock time ``t`` (negative before the LIVE began)."""
        return round((_utc(t) - self.origin).total_seconds() * 1000 * self.speed)

    def now_ms(self) -> Ms:
        """The LIVE time now."""
        return self.live_ms(datetime.now(UTC))

    def wall(self, live_ms: Ms) -> datetime:
        """When LIVE time ``live_ms`` comes (or came) on the wall clock."""
        return self.origin + timedelta(milliseconds=live_ms / self.speed)

    def seconds_until(self, live_ms: Ms) -> float:
        """Wall-clock seconds until LIVE time ``live_ms`` (0 when it has come)."""
        return max(0.0, (live_ms - self.now_ms()) / 1000 / self.speed)


@dataclass
class Watermark:
    """How far the engine may close seconds: the LIVE time now less :attr:`lag_ms`, never moving back."""

    clock: LiveClock
    lag_ms: Ms = DEFAULT_LAG_MS
    at_ms: Ms = 0
    """The watermark so far (a resumed follower starts from the stored one)."""

    def advance(self) -> Ms:
        """Move the watermark to the wall clock; where it is now."""
        self.at_ms = max(self.at_ms, self.clock.now_ms() - self.lag_ms)
        return self.at_ms


@dataclass
class PacedFile(MediaSource):
    """A finished recording played as if live on ``clock``: only what the clock has reached is available, and
    the duration is unknown until the clock passes the end (what a growing buffer looks like to the follower)."""

    recording: Path
    clock: LiveClock
    name: str = "paced-file"
    _file: FileSource = field(init=False, repr=False)
    _lock: threading.Lock = field(init=False, repr=False, default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self._file = FileSource(self.recording)

    @property
    def path(self) -> Path:
        return self._file.path

    @property
    def info(self) -> MediaInfo:
        return self._file.info

    @property
    def started_at(self) -> datetime:
        return self.clock.origin

    @property
    def has_audio(self) -> bool:
        return self.info.has_audio

    @property
    def ended(self) -> bool:
        return self.clock.now_ms() >= self.info.duration_ms

    def duration_ms(self) -> Ms | None:
        return self.info.duration_ms if self.ended else None

    def available_until_ms(self) -> Ms:
        return max(0, min(self.info.duration_ms, self.clock.now_ms()))

    def wait_until(self, ms: Ms, timeout_s: float) -> bool:
        """Wait until ``ms`` is available (or the recording ends before it, or ``timeout_s`` passes); whether
        it is."""
        wait = min(timeout_s, self.clock.seconds_until(min(ms, self.info.duration_ms)))
        if wait > 0:
            threading.Event().wait(wait)
        return self.available_until_ms() >= min(ms, self.info.duration_ms)

    def keyframes_ms(self) -> list[Ms]:
        until = self.available_until_ms()
        return [k for k in self._file.keyframes_ms() if k <= until]

    def close(self) -> None:
        self._file.close()


def play_events(src: Path, dst: Path, clock: LiveClock, stop: threading.Event | None = None) -> int:
    """Write the lines of a recorded JSON Lines log (``ts`` in seconds from the LIVE's start) into ``dst`` as
    their time comes on ``clock`` (a LIVE's events arriving as it runs); how many lines were written. Lines
    without a readable relative ``ts`` are written at once."""
    import json

    stop = stop or threading.Event()
    n = 0
    with src.open(encoding="utf-8") as f, dst.open("a", encoding="utf-8") as out:
        for line in f:
            try:
                ts = json.loads(line).get("ts")
            except (ValueError, AttributeError):
                ts = None
            if isinstance(ts, (int, float)) and not isinstance(ts, bool):
                wait = clock.seconds_until(round(ts * 1000))
                if wait > 0:
                    out.flush()
                    if stop.wait(wait):
                        break
            out.write(line if line.endswith("\n") else line + "\n")
            n += 1
        out.flush()
    return n
