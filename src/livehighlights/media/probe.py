"""What a media file holds, read with PyAV (there is no ffprobe binary).

Times are integer ms (:mod:`livehighlights.timebase`) measured from the first video frame's
timestamp (the *origin* of the file), the clock that :func:`keyframes_ms`, the audio helpers and the
cutter share.

Truncation policy: a file whose data ends well before its container says (a recording that was
cut off, a partial download) makes :func:`probe` raise :class:`MediaError` by default, because cuts
after the data's end would silently fail. ``probe(path, allow_truncated=True)`` returns it instead,
with ``truncated_at_ms`` set and ``duration_ms`` shortened to the readable part, for callers that
want to salvage what is there. An MP4 whose index (``moov``) is missing, an unfinished recording,
cannot be salvaged and always raises.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction
from pathlib import Path
from typing import Any

import av

from ..errors import MediaError, Where
from ..timebase import Ms

TRUNCATION_TOLERANCE_MS = 1000
"""Data may end this much before the container duration without the file counting as truncated."""
TAIL_CHECK_S = 5
"""The truncation check first demuxes only this many seconds before the stated end."""


@dataclass(slots=True)
class MediaInfo:
    """A probed media file. ``fps`` is exact (a ``Fraction``); ``bit_rate`` is the container's, in bit/s."""

    path: Path
    duration_ms: Ms
    width: int
    height: int
    fps: Fraction
    video_codec: str
    pix_fmt: str | None
    has_audio: bool
    audio_codec: str | None
    sample_rate: int | None
    channels: int | None
    bit_rate: int | None
    creation_time: datetime | None
    video_profile: str | None = None
    """E.g. ``High``, ``Main``, ``Constrained Baseline`` (used to match a re-encode to the source)."""
    truncated_at_ms: Ms | None = None
    """Where the data ends when the file is truncated (only with ``allow_truncated=True``), else ``None``."""
    rotation: int = 0
    """Display rotation (degrees counter-clockwise: 0, 90, 180, 270) of a phone video stored on its side;
    ``width`` and ``height`` are the picture as displayed (a portrait video stored landscape is 720x1280)."""


def open_media(path: str | Path) -> av.container.InputContainer:
    """Open ``path`` with PyAV, turning every failure into a one-line :class:`MediaError` naming the file."""
    p = Path(path)
    where = Where(p)
    if not p.exists():
        raise MediaError("file not found", where)
    if p.is_dir():
        raise MediaError("is a directory, not a media file", where)
    if p.stat().st_size == 0:
        raise MediaError("is empty (0 bytes)", where)
    try:
        return av.open(str(p), mode="r")
    except PermissionError as exc:
        raise MediaError("cannot be read: permission denied", where) from exc
    except (av.error.FFmpegError, OSError, UnicodeDecodeError) as exc:
        problem = mp4_structure_problem(p)
        if problem:
            raise MediaError(problem, where) from exc
        reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
        raise MediaError(f"cannot be read: {reason} (corrupt or not a video?)", where) from exc


def mp4_structure_problem(path: Path) -> str | None:
    """For an MP4/MOV file (``ftyp`` first), a message when its top-level boxes show truncation, else ``None``."""
    size = path.stat().st_size
    seen: list[bytes] = []
    with path.open("rb") as fh:
        pos = 0
        while pos + 8 <= size:
            fh.seek(pos)
            head = fh.read(16)
            box_size, kind = struct.unpack(">I4s", head[:8])
            if box_size == 1 and len(head) >= 16:
                box_size = struct.unpack(">Q", head[8:16])[0]
            elif box_size == 0:
                box_size = size - pos
            if not seen and kind != b"ftyp":
                return None  # not an MP4-family file
            if box_size < 8:
                return "cannot be read: broken MP4 box structure (corrupt file?)"
            seen.append(kind)
            if pos + box_size > size:
                break  # this box runs past the end of the file
            pos += box_size
    if seen and b"moov" not in seen:
        return ("truncated: the MP4 index (moov atom) is missing, the recording was not finalised "
                "or the file was cut off")
    return None


def frame_rotation(frame: Any) -> int:
    """The display rotation a decoded frame carries (its display matrix), as 0, 90, 180 or 270 degrees
    counter-clockwise (what :func:`upright` turns it by)."""
    try:
        angle = float(frame.rotation or 0)
    except (AttributeError, TypeError, ValueError):
        return 0
    return int(round(angle / 90.0)) % 4 * 90


def display_rotation(container: Any, video: Any) -> int:
    """The rotation of the file's video, read from its first decodable frame (0 when there is none)."""
    try:
        container.seek(0, backward=True)
        for frame in container.decode(video):
            return frame_rotation(frame)
    except av.error.FFmpegError:
        pass
    return 0


def video_origin_s(stream: av.video.stream.VideoStream) -> Fraction:
    """The first video timestamp in seconds: media time 0 of this file."""
    if stream.start_time is None or stream.time_base is None:
        return Fraction(0)
    return Fraction(stream.start_time) * stream.time_base


def stream_fps(stream: av.video.stream.VideoStream) -> Fraction:
    """The video frame rate as an exact fraction (average, then guessed, then base rate; 30 if unknown)."""
    for rate in (stream.average_rate, stream.guessed_rate, stream.base_rate):
        if rate:
            return Fraction(rate)
    return Fraction(30)


def probe(path: str | Path, *, allow_truncated: bool = False) -> MediaInfo:
    """Probe ``path`` with PyAV.

    Raises :class:`MediaError` naming the file when it is missing, unreadable or corrupt, has no
    video stream, or is truncated (unless ``allow_truncated``; see the module docs). A file without
    audio is returned with ``has_audio=False``: the caller decides whether that is an error.
    """
    p = Path(path)
    where = Where(p)
    with open_media(p) as container:
        if not container.streams.video:
            raise MediaError("has no video stream", where)
        video = container.streams.video[0]
        audio = container.streams.audio[0] if container.streams.audio else None
        vctx = video.codec_context
        if not vctx.width or not vctx.height:
            raise MediaError("cannot be read: the video stream has no frame size (corrupt?)", where)
        origin = video_origin_s(video)
        start = Fraction(container.start_time or 0, av.time_base)
        stated_end = _stated_end_s(container, video, start)
        data_end = _data_end_s(container, stated_end)
        truncated_at: Ms | None = None
        if stated_end is None:
            stated_end = data_end
        elif data_end is None or (stated_end - data_end) * 1000 > TRUNCATION_TOLERANCE_MS:
            end_s = float(data_end or 0) - float(origin)
            if not allow_truncated:
                raise MediaError(f"truncated: container says {float(stated_end - origin):.1f} s but data ends at "
                                 f"{end_s:.1f} s", where)
            truncated_at = max(0, int(end_s * 1000))
            stated_end = data_end or origin
        duration_ms = max(0, int((stated_end - origin) * 1000)) if truncated_at is None else truncated_at
        rotation = display_rotation(container, video)
        turned = rotation in (90, 270)
        return MediaInfo(
            path=p,
            duration_ms=duration_ms,
            width=vctx.height if turned else vctx.width,
            height=vctx.width if turned else vctx.height,
            fps=stream_fps(video),
            video_codec=vctx.name,
            pix_fmt=vctx.pix_fmt,
            has_audio=audio is not None,
            audio_codec=audio.codec_context.name if audio else None,
            sample_rate=audio.codec_context.sample_rate if audio else None,
            channels=audio.codec_context.channels if audio else None,
            bit_rate=container.bit_rate or None,
            creation_time=_creation_time(container.metadata, video.metadata),
            video_profile=vctx.profile,
            truncated_at_ms=truncated_at,
            rotation=rotation,
        )


def keyframes_ms(path: str | Path) -> list[Ms]:
    """Times (ms from the file's origin, rounded down like :func:`~livehighlights.timebase.frame_start_ms`)
    of the video keyframes, from packet flags only: the file is demuxed, nothing is decoded."""
    with open_media(path) as container:
        if not container.streams.video:
            raise MediaError("has no video stream", Where(Path(path)))
        video = container.streams.video[0]
        origin = video_origin_s(video)
        tb = video.time_base
        out: set[Ms] = set()
        try:
            for packet in container.demux(video):
                if packet.is_keyframe and packet.pts is not None:
                    out.add(int((Fraction(packet.pts) * tb - origin) * 1000 // 1))
        except av.error.FFmpegError:
            pass  # data ends early: keep the keyframes read so far (probe reports truncation)
        return sorted(out)


def _stated_end_s(container: Any, video: Any, start: Fraction) -> Fraction | None:
    if container.duration:
        return start + Fraction(container.duration, av.time_base)
    if video.duration and video.time_base:
        return video_origin_s(video) + Fraction(video.duration) * video.time_base
    return None


def _data_end_s(container: Any, stated_end: Fraction | None) -> Fraction | None:
    """End time of the last demuxable packet (no decoding): first near the stated end, else a full scan."""
    if stated_end is not None:
        try:
            container.seek(max(0, int((stated_end - TAIL_CHECK_S) * av.time_base)), backward=True)
            end = _scan_packets(container)
            if end is not None and (stated_end - end) * 1000 <= TRUNCATION_TOLERANCE_MS:
                return end
        except av.error.FFmpegError:
            pass
    try:
        container.seek(0, backward=True)
    except av.error.FFmpegError:
        return None
    return _scan_packets(container)


def _scan_packets(container: Any) -> Fraction | None:
    end: Fraction | None = None
    try:
        for packet in container.demux():
            if packet.pts is None or packet.time_base is None:
                continue
            t = (Fraction(packet.pts) + (packet.duration or 0)) * packet.time_base
            end = t if end is None or t > end else end
    except av.error.FFmpegError:
        pass
    return end


def _creation_time(*metadata: dict[str, str]) -> datetime | None:
    for meta in metadata:
        raw = meta.get("creation_time") or meta.get("date")
        if raw:
            try:
                return datetime.fromisoformat(raw.strip().replace("Z", "+00:00"))
            except ValueError:
                continue
    return None
