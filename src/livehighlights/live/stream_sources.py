"""Where a LIVE's video comes from: a source spec parsed into what FFmpeg needs to read it.

Spec forms (``livehighlights live --video SPEC``):

- ``https://host/path/index.m3u8`` or a local ``.m3u8`` playlist: HLS, pulled (FFmpeg re-reads the playlist);
- ``rtmp://host[:port]/app/KEY``: RTMP pulled from a server;
- ``http(s)://host/path/stream.flv``: HTTP-FLV pulled;
- ``rtmp-listen://127.0.0.1:1935/live/KEY`` (or ``listen:rtmp://...``): we listen, the encoder (OBS, FFmpeg)
  pushes to ``rtmp://127.0.0.1:1935/live/KEY``;
- a local video file (or ``file:PATH``): played as if live, at ``speed`` times real time;
- ``follow:PATH``: an MPEG-TS (or FLV) file that another program is still writing, read as it grows, from its
  start (``simulate --live --serve file`` writes one); it has ended when it stops growing for ``end_after_s``;
- ``hls:URL``, ``flv:URL``: the kind said explicitly when the URL does not show it.

The stream key of an RTMP URL is a secret: :meth:`StreamSource.describe` masks it, and every message uses it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from ..errors import InputError, Where

__all__ = ["STREAM_KINDS", "StreamSource", "parse_source"]

STREAM_KINDS = ("hls", "rtmp", "flv", "rtmp-listen", "file", "growing")
"""``rtmp-listen``: pushed to us; ``file``: a recording played as if live; ``growing``: a file being written; the
others are pulled."""
DEFAULT_RTMP_PORT = 1935
_FIELD = "--video"


@dataclass(frozen=True)
class StreamSource:
    """A parsed video source: its kind, the URL or path FFmpeg opens, and how fast a file is played."""

    kind: str
    url: str
    """What FFmpeg opens (``rtmp://...`` for a listen source: the address we listen on)."""
    speed: float = 1.0
    """For ``file``: times real time (1.0 = as if live)."""

    @property
    def pulled(self) -> bool:
        """We connect to a server (HLS, RTMP, HTTP-FLV), as opposed to listening or reading a file."""
        return self.kind in ("hls", "rtmp", "flv")

    @property
    def listens(self) -> bool:
        """An encoder pushes to us."""
        return self.kind == "rtmp-listen"

    @property
    def finite(self) -> bool:
        """The input's own end is the LIVE's end (a file; not a network stream that may come back)."""
        return self.kind in ("file", "growing")

    @property
    def rate(self) -> float:
        """Seconds of media per second of wall clock (``speed`` for a file played as if live, else 1)."""
        return self.speed if self.kind == "file" else 1.0

    def input_args(self, io_timeout_s: float, start_s: float = 0.0) -> list[str]:
        """FFmpeg arguments up to and including ``-i``. ``io_timeout_s``: a network read that waits longer
        than this fails (FFmpeg exits; the buffer reconnects). ``start_s``: where a file is taken up again (a
        follower started again after a crash does not record the file's beginning twice)."""
        rw = ["-rw_timeout", str(max(1, int(io_timeout_s * 1_000_000)))]
        seek = ["-ss", f"{start_s:.3f}"] if start_s > 0 and self.finite else []
        if self.kind == "file":
            rate = ["-re"] if self.speed == 1.0 else ["-readrate", f"{self.speed:g}"]
            return [*rate, "-readrate_initial_burst", "0", *seek, "-i", self.url]
        if self.kind == "growing":
            return ["-follow", "1", *rw, *seek, "-i", "file:" + self.url]
        if self.kind == "rtmp-listen":
            return ["-f", "flv", "-listen", "1", *rw, "-i", self.url]
        if self.kind == "hls":
            local = "://" not in self.url
            return [*([] if local else rw), "-f", "hls", "-i", self.url]
        if self.kind == "flv":
            return [*rw, "-f", "flv", "-i", self.url]
        return [*rw, "-i", self.url]  # rtmp pull

    def describe(self) -> str:
        """The source for messages and logs, with any RTMP stream key and URL password masked."""
        if self.kind == "file" or "://" not in self.url:
            return f"{self.kind} {self.url}"
        return f"{self.kind} {mask_url(self.url, key=self.kind in ('rtmp', 'rtmp-listen'))}"


def mask_url(url: str, *, key: bool) -> str:
    """``url`` with its password, query and (when ``key``) last path part (an RTMP stream key) masked."""
    parts = urlsplit(url)
    netloc = parts.netloc
    if "@" in netloc:
        netloc = "***@" + netloc.rsplit("@", 1)[1]
    path = parts.path
    if key and path.count("/") >= 2:
        path = path.rsplit("/", 1)[0] + "/***"
    return urlunsplit((parts.scheme, netloc, path, "***" if parts.query else "", ""))


def parse_source(spec: str, *, speed: float = 1.0) -> StreamSource:
    """Parse a video source spec (see the module docs). Raises :class:`InputError` naming ``--video`` for an
    empty spec, an unknown scheme, a listen address that is not ``rtmp-listen://HOST:PORT/APP/KEY``, or a local
    file or playlist that does not exist."""
    text = (spec or "").strip()
    if not text:
        raise InputError("no video source given (an HLS URL or .m3u8, rtmp://..., rtmp-listen://..., a file)",
                         Where(field=_FIELD))
    if not (isinstance(speed, (int, float)) and math.isfinite(speed) and 0 < speed <= 100):
        raise InputError(f"speed {speed!r}: must be more than 0 and at most 100", Where(field="--speed"))
    lower = text.lower()
    if lower.startswith("follow:"):
        p = Path(text[len("follow:"):]).expanduser()
        if p.is_dir():
            raise InputError("is a folder, not a growing media file", Where(p, field=_FIELD))
        return StreamSource("growing", str(p.resolve()))
    for prefix in ("hls:", "flv:", "file:"):
        if lower.startswith(prefix) and not lower.startswith(prefix + "//"):
            kind = prefix[:-1]
            rest = text[len(prefix):]
            return _local(rest, speed, kind) if kind == "file" or "://" not in rest else StreamSource(kind, rest)
    if lower.startswith("listen:"):
        text, lower = "rtmp-listen" + text[len("listen:rtmp"):], "rtmp-listen" + lower[len("listen:rtmp"):]
    if lower.startswith("rtmp-listen://"):
        return _listen(text)
    if "://" not in text:
        return _local(text, speed, None)
    scheme = lower.split("://", 1)[0]
    path = urlsplit(text).path.lower()
    if scheme in ("rtmp", "rtmps"):
        if not urlsplit(text).hostname:
            raise InputError(f"{mask_url(text, key=True)}: an RTMP URL needs a host", Where(field=_FIELD))
        return StreamSource("rtmp", text)
    if scheme in ("http", "https"):
        if path.endswith(".flv"):
            return StreamSource("flv", text)
        return StreamSource("hls", text)  # playlists are often served without an extension
    raise InputError(f"unsupported video source scheme '{scheme}://' (use HLS http(s)://...m3u8, rtmp://, "
                     "http(s)://...flv, rtmp-listen://HOST:PORT/APP/KEY or a file)", Where(field=_FIELD))


def _listen(text: str) -> StreamSource:
    parts = urlsplit(text)
    host = parts.hostname
    try:
        port = parts.port or DEFAULT_RTMP_PORT
    except ValueError:
        port = -1
    segs = [s for s in parts.path.split("/") if s]
    if not host or port <= 0 or len(segs) < 2:
        raise InputError(f"{mask_url(text, key=True)}: a listen address is rtmp-listen://HOST:PORT/APP/KEY "
                         "(e.g. rtmp-listen://127.0.0.1:1935/live/KEY)", Where(field=_FIELD))
    return StreamSource("rtmp-listen", f"rtmp://{host}:{port}{parts.path}")


def _local(text: str, speed: float, kind: str | None) -> StreamSource:
    p = Path(text).expanduser()
    if p.is_dir():
        raise InputError("is a folder, not a video file or an HLS playlist", Where(p, field=_FIELD))
    if not p.exists():
        raise InputError("no such file (expected a video file or an .m3u8 playlist)", Where(p, field=_FIELD))
    if kind == "hls" or (kind is None and p.suffix.lower() == ".m3u8"):
        return StreamSource("hls", str(p.resolve()))
    return StreamSource("file", str(p.resolve()), speed=float(speed))
