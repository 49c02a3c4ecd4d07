"""One timebase for the whole system: integer milliseconds from the LIVE's start.

Events, metric seconds, media timestamps and clip boundaries are all expressed as ``Ms`` (an
``int``). Floats appear only at the edges (parsing user input, printing); conversions round once,
here, so clip math never drifts. Frame math uses exact rationals (``fps`` as a ``Fraction``).
"""

from __future__ import annotations

from fractions import Fraction

Ms = int
"""Milliseconds from the LIVE's start."""

MS_PER_S = 1000


def s_to_ms(seconds: float | int | str | Fraction) -> Ms:
    """Convert seconds (float, int, decimal string or Fraction) to integer ms, rounding half away from zero."""
    value = Fraction(str(seconds)) if isinstance(seconds, (float, str)) else Fraction(seconds)
    scaled = value * MS_PER_S
    sign = -1 if scaled < 0 else 1
    return sign * int(abs(scaled) + Fraction(1, 2))


def ms_to_s(ms: Ms) -> float:
    """Milliseconds to float seconds, for display and JSON output only."""
    return ms / MS_PER_S


def second_of(ms: Ms) -> int:
    """Index of the 1-second metric bin that contains ``ms`` (bin i covers [i*1000, (i+1)*1000))."""
    return ms // MS_PER_S


def frame_index(ms: Ms, fps: Fraction) -> int:
    """Index of the frame shown at ``ms`` for a constant frame rate ``fps`` (frames start at 0 ms)."""
    return int((Fraction(ms, MS_PER_S) * fps) // 1)


def frame_start_ms(index: int, fps: Fraction) -> Ms:
    """Start time of frame ``index`` in whole ms, rounded up, so that ``frame_index`` maps it back to ``index``."""
    exact = Fraction(index) / fps * MS_PER_S
    return -((-exact.numerator) // exact.denominator)


def snap_to_frame(ms: Ms, fps: Fraction) -> Ms:
    """The start time of the frame shown at ``ms``."""
    return frame_start_ms(frame_index(ms, fps), fps)


def fmt_clock(ms: Ms) -> str:
    """``H:MM:SS.mmm`` (or ``M:SS.mmm`` under an hour) for tables and messages."""
    sign = "-" if ms < 0 else ""
    ms = abs(ms)
    h, rem = divmod(ms, 3_600_000)
    m, rem = divmod(rem, 60_000)
    s, milli = divmod(rem, 1000)
    if h:
        return f"{sign}{h}:{m:02d}:{s:02d}.{milli:03d}"
    return f"{sign}{m}:{s:02d}.{milli:03d}"
