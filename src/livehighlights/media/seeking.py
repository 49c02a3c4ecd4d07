"""Seeking that lands at or before the wanted time, in indexed files (MP4) and in MPEG-TS alike.

An MP4 has an index: FFmpeg's backward seek lands on the keyframe before the target. An MPEG-TS (the live
buffer, see :mod:`livehighlights.live.buffer`) has none: FFmpeg finds the position by a binary search over
the bytes and may land *after* the target, or on a frame that is not a keyframe, so a reader would lose
the start of its window (video decoded only from the next keyframe, audio shifted). :func:`seek_at_or_before`
checks where the seek landed and retries further back until the first packet read is not after the target.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

__all__ = ["SEEK_BACKOFF_S", "seek_at_or_before"]

SEEK_BACKOFF_S: tuple[float, ...] = (0.0, 1.0, 3.0, 10.0, 30.0)
"""Seconds before the target to seek to, tried in turn until the seek lands at or before the target."""


def seek_at_or_before(container: Any, stream: Any, pts: int, *, keyframe: bool) -> None:
    """Seek ``container`` so that demuxing ``stream`` starts at a packet whose pts is ``<= pts`` (a keyframe
    when ``keyframe``): decoding from there yields every frame from ``pts`` on. Falls back to the stream's
    start. Costs one packet's demuxing more than a plain seek in an indexed file."""
    start = stream.start_time or 0
    tb = stream.time_base or Fraction(1, 90000)
    for back in SEEK_BACKOFF_S:
        target = max(start, pts - int(Fraction(back) / tb))
        container.seek(target, stream=stream, backward=True)
        first = next((p for p in container.demux(stream)
                      if p.pts is not None and (p.is_keyframe or not keyframe)), None)
        if first is None or first.pts <= pts or target <= start:
            container.seek(target, stream=stream, backward=True)
            return
    container.seek(start, stream=stream, backward=True)
