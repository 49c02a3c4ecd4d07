"""Media sources: where the picture and sound of a LIVE come from, behind one interface.

After PySceneDetect's ``VideoStream``: a recording file now, a growing buffer of a live stream later. A
source is probed once; its duration may be unknown while the LIVE runs (:meth:`MediaSource.duration_ms`
is ``None`` then), :meth:`MediaSource.available_until_ms` says how far the media can be read, and the
keyframes are found incrementally (only the part not yet demuxed is read on each call). One open container
is kept and reused for demuxing instead of every function reopening the file by path.

Built-in sources register with :func:`register_source`; :func:`open_source` picks one by name.
"""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from fractions import Fraction
from pathlib import Path
from typing import Any

import av

from ..errors import MediaError, Where
from ..registry import Registry
from ..timebase import Ms
from .probe import MediaInfo, open_media, probe, video_origin_s

__all__ = ["FileSource", "MEDIA_SOURCES", "MediaSource", "open_source", "register_source"]


class MediaSource(ABC):
    """The media of one LIVE, readable over ``[0, available_until_ms())``."""

    name: str = ""
    """Registry name (``file``, ...)."""

    @property
    @abstractmethod
    def path(self) -> Path:
        """A file FFmpeg and PyAV can read (the recording, or the buffer's current concatenation)."""

    @property
    @abstractmethod
    def info(self) -> MediaInfo:
        """What the media is (size, frame rate, codecs), probed once."""

    @abstractmethod
    def duration_ms(self) -> Ms | None:
        """The LIVE's length, or ``None`` while it is still running."""

    @abstractmethod
    def available_until_ms(self) -> Ms:
        """How far the media can be read now."""

    @abstractmethod
    def keyframes_ms(self) -> list[Ms]:
        """Times of the video keyframes found so far (found incrementally, never re-read)."""

    def length_ms(self) -> Ms:
        """The duration when known, else what is available."""
        d = self.duration_ms()
        return self.available_until_ms() if d is None else d

    def close(self) -> None:  # noqa: B027 - optional for sources that hold nothing open
        """Let go of open files."""

    def __enter__(self) -> MediaSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


MEDIA_SOURCES: Registry[type[MediaSource]] = Registry("media source", builtins=("livehighlights.live.buffer",))
"""Registered media sources by name (the project's one registry style: ``@MEDIA_SOURCES.register``)."""


def register_source(cls: type[MediaSource]) -> type[MediaSource]:
    """Class decorator: register a media source under ``cls.name``."""
    return MEDIA_SOURCES.register(cls)


@register_source
class FileSource(MediaSource):
    """A finished recording: its duration is known and all of it is available."""

    name = "file"

    def __init__(self, path: str | Path, info: MediaInfo | None = None) -> None:
        self._path = Path(path)
        self._info = info
        self._lock = threading.Lock()
        self._container: Any = None
        self._keyframes: list[Ms] | None = None

    @property
    def path(self) -> Path:
        return self._path

    @property
    def info(self) -> MediaInfo:
        if self._info is None:
            self._info = probe(self._path)
        return self._info

    def duration_ms(self) -> Ms | None:
        return self.info.duration_ms

    def available_until_ms(self) -> Ms:
        return self.info.duration_ms

    def keyframes_ms(self) -> list[Ms]:
        with self._lock:
            if self._keyframes is None:
                self._keyframes = self._demux_keyframes()
            return list(self._keyframes)

    def _demux_keyframes(self) -> list[Ms]:
        if self._container is None:
            self._container = open_media(self._path)
        container = self._container
        if not container.streams.video:
            raise MediaError("has no video stream", Where(self._path))
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

    def close(self) -> None:
        with self._lock:
            if self._container is not None:
                self._container.close()
                self._container = None


def open_source(location: str | Path, kind: str = "file", **options: Any) -> MediaSource:
    """Open a media source of the registered ``kind`` (``file`` by default)."""
    return MEDIA_SOURCES.get(kind, Where(field="source"))(location, **options)
