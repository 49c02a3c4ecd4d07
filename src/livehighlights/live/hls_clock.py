"""When an HLS stream's first frame was shown, from the playlist's ``#EXT-X-PROGRAM-DATE-TIME``.

An HLS stream reaches us a segment or two late (and FFmpeg starts a few segments back from the live edge), so the
wall-clock time at which the buffer's first segment is complete says little about when its first frame was live.
Where the playlist carries program date times (the encoder's clock, the wall-clock time of each segment's first
frame), :func:`hls_started_at` finds the source segment that holds the buffer's first video frame (the stream is
copied, so its bytes are the source's) and returns that frame's program date time: LIVE time 0 on the wall clock,
to which wall-clock events are aligned. ``None`` when the playlist has no dates or the frame is not found.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from fractions import Fraction
from pathlib import Path
from urllib.parse import unquote, urljoin

import av

__all__ = ["PlaylistEntry", "hls_started_at", "parse_media_playlist"]

log = logging.getLogger(__name__)

TAIL_BYTES = 64
"""A video packet is recognised by its last bytes (the end of its slice data; a muxer may add a prefix)."""
MAX_SEGMENTS = 12


@dataclass(frozen=True)
class PlaylistEntry:
    """A media segment of a playlist and the wall-clock time of its first frame (when the playlist says)."""

    uri: str
    duration_s: float
    date: datetime | None


def parse_media_playlist(text: str, base: str) -> list[PlaylistEntry]:
    """The segments of an HLS media playlist, their URIs resolved against ``base``; a segment without its own
    date follows the one before it. Empty for a master playlist."""
    out: list[PlaylistEntry] = []
    duration = 0.0
    date: datetime | None = None
    next_date: datetime | None = None
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("#EXT-X-STREAM-INF"):
            return []
        if line.startswith("#EXTINF:"):
            try:
                duration = float(line[len("#EXTINF:"):].split(",", 1)[0])
            except ValueError:
                duration = 0.0
        elif line.startswith("#EXT-X-PROGRAM-DATE-TIME:"):
            try:
                date = datetime.fromisoformat(line.split(":", 1)[1].strip())
            except ValueError:
                date = None
        elif line.startswith("#EXT-X-DISCONTINUITY"):
            next_date = None
        elif line and not line.startswith("#"):
            when = date or next_date
            out.append(PlaylistEntry(urljoin(base, line), duration, when))
            next_date = when + timedelta(seconds=duration) if when is not None else None
            date, duration = None, 0.0
    return out


def _read(location: str, timeout_s: float) -> str:
    if "://" in location:
        import httpx

        resp = httpx.get(location, timeout=timeout_s, follow_redirects=True)
        resp.raise_for_status()
        return resp.text
    return Path(location).read_text(encoding="utf-8", errors="replace")


def _first_video_packet(path: Path) -> tuple[bytes, int, Fraction] | None:
    with av.open(str(path)) as c:
        video = c.streams.video[0]
        for p in c.demux(video):
            if p.pts is not None and p.size:
                return bytes(p)[-TAIL_BYTES:], int(p.pts), video.time_base
    return None


def _offset_in(segment: str, tail: bytes, timeout_s: float) -> Fraction | None:
    """Seconds from ``segment``'s first video frame to the packet ending with ``tail`` (``None``: not there)."""
    opts = {"rw_timeout": str(int(timeout_s * 1_000_000))} if "://" in segment else {}
    with av.open(segment, options=opts, timeout=timeout_s) as c:
        if not c.streams.video:
            return None
        video = c.streams.video[0]
        first: int | None = None
        for p in c.demux(video):
            if p.pts is None:
                continue
            first = p.pts if first is None else min(first, p.pts)
            if p.size and bytes(p)[-TAIL_BYTES:] == tail:
                return Fraction(p.pts - first) * video.time_base
    return None


def hls_started_at(playlist: str, first_segment: Path, *, timeout_s: float = 5.0) -> datetime | None:
    """The program date time of the buffer's first frame (see the module docs), or ``None``."""
    try:
        base = playlist if "://" in playlist else Path(playlist).resolve().as_uri()
        entries = [e for e in parse_media_playlist(_read(playlist, timeout_s), base) if e.date is not None]
        ours = _first_video_packet(first_segment)
        if not entries or ours is None:
            return None
        tail = ours[0]
        for entry in entries[:MAX_SEGMENTS]:
            uri = unquote(entry.uri[len("file://"):]) if entry.uri.startswith("file://") else entry.uri
            try:
                offset = _offset_in(uri, tail, timeout_s)
            except (av.error.FFmpegError, OSError):  # gone already (a rolling playlist) or unreadable
                continue
            if offset is not None and entry.date is not None:
                return entry.date + timedelta(seconds=float(offset))
    except Exception as err:  # noqa: BLE001 - a hint only: the buffer keeps its own estimate
        log.info("no program date time for %s: %s", playlist, err)
    return None
