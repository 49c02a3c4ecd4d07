"""The buffer's recording: complete MPEG-TS segments appended byte-wise into one growing, readable ``.ts``.

MPEG-TS needs no index or trailer, so the concatenation of segments is itself a valid TS that FFmpeg and
PyAV read while it grows (seeking lands correctly through :mod:`livehighlights.media.seeking`). Times in
the file are the LIVE's: the first segment's first video timestamp is LIVE time 0, the origin every reader
measures from (:func:`~livehighlights.media.probe.video_origin_s`).

Bounded disk: when the recording is not kept, :meth:`TsRecording.trim` rewrites the file as the first segment
(the *head*, which keeps the origin at LIVE 0) followed by the segments of the last ``retention`` seconds;
readers that hold the old file open keep reading it (the new file replaces it by rename). The index of
segments (byte ranges, times) is saved beside it as JSON, so a new process can continue the same recording.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from dataclasses import asdict, dataclass, field
from fractions import Fraction
from pathlib import Path

import av

from ..errors import MediaError, Where
from ..timebase import Ms

__all__ = ["SegmentInfo", "TsPart", "TsRecording", "probe_segment", "restamp"]

TS_HZ = 90_000
"""MPEG-TS timestamps count 90 kHz ticks."""
TS_PACKET = 188
_WRAP = 1 << 33
_NO_PES_HEADER = {0xBC, 0xBE, 0xBF, 0xF0, 0xF1, 0xF2, 0xF8, 0xFF}
"""PES stream ids without the optional header (no timestamps): stream map, padding, private 2, ECM, EMM..."""


def _get_ts(b: bytearray, i: int) -> int:
    return ((b[i] >> 1) & 7) << 30 | b[i + 1] << 22 | (b[i + 2] >> 1) << 15 | b[i + 3] << 7 | b[i + 4] >> 1


def _put_ts(b: bytearray, i: int, v: int) -> None:
    v %= _WRAP
    b[i] = (b[i] & 0xF0) | ((v >> 29) & 0x0E) | 1
    b[i + 1] = (v >> 22) & 0xFF
    b[i + 2] = ((v >> 14) & 0xFE) | 1
    b[i + 3] = (v >> 7) & 0xFF
    b[i + 4] = ((v << 1) & 0xFE) | 1


def restamp(data: bytes, shift: int) -> bytes:
    """MPEG-TS ``data`` with every timestamp (PES PTS and DTS, and the PCR) moved by ``shift`` 90 kHz ticks: a
    segment of a run that came back after a drop is put at the LIVE time it arrived, without FFmpeg."""
    b = bytearray(data)
    for pos in range(0, len(b) - TS_PACKET + 1, TS_PACKET):
        if b[pos] != 0x47:
            continue
        afc = (b[pos + 3] >> 4) & 3
        payload = pos + 4
        if afc & 2:
            af_len = b[pos + 4]
            if af_len and b[pos + 5] & 0x10 and af_len >= 7:  # a PCR: 33-bit base, 6 reserved bits, 9-bit extension
                i = pos + 6
                base = b[i] << 25 | b[i + 1] << 17 | b[i + 2] << 9 | b[i + 3] << 1 | b[i + 4] >> 7
                base = (base + shift) % _WRAP
                b[i:i + 4] = bytes((base >> 25 & 0xFF, base >> 17 & 0xFF, base >> 9 & 0xFF, base >> 1 & 0xFF))
                b[i + 4] = (base & 1) << 7 | (b[i + 4] & 0x7F)
            payload += 1 + af_len
        if not (afc & 1) or not (b[pos + 1] & 0x40) or payload + 14 > pos + TS_PACKET:
            continue
        if b[payload:payload + 3] != b"\x00\x00\x01" or b[payload + 3] in _NO_PES_HEADER:
            continue
        flags = b[payload + 7] >> 6
        if flags & 2:
            _put_ts(b, payload + 9, _get_ts(b, payload + 9) + shift)
        if flags == 3 and payload + 19 <= pos + TS_PACKET:
            _put_ts(b, payload + 14, _get_ts(b, payload + 14) + shift)
    return bytes(b)


@dataclass(frozen=True)
class SegmentInfo:
    """What one segment holds, in 90 kHz ticks of the TS clock (no decoding: packets only)."""

    start: int
    """The video stream's start time (its first frame's pts)."""
    end: int
    """The end of the last video frame (pts + duration)."""
    first_any: int
    """The smallest pts or dts of any packet (audio may start before the video)."""
    keyframes: tuple[int, ...]
    has_audio: bool
    frame_ticks: int


def probe_segment(path: Path) -> SegmentInfo:
    """Demux ``path`` (an MPEG-TS segment). Raises :class:`MediaError` when it has no video or no frames."""
    try:
        with av.open(str(path)) as c:
            if not c.streams.video:
                raise MediaError("the stream has no video", Where(path))
            v = c.streams.video[0]
            if v.time_base != Fraction(1, TS_HZ):
                raise MediaError(f"unexpected time base {v.time_base}", Where(path))
            rate = v.average_rate or v.guessed_rate or Fraction(30)
            frame = max(1, int(TS_HZ / Fraction(rate)))
            start = v.start_time
            end = None
            first_any = None
            keys: list[int] = []
            for p in c.demux():
                for t in (p.pts, p.dts):
                    if t is not None and p.stream.time_base == Fraction(1, TS_HZ):
                        first_any = t if first_any is None else min(first_any, t)
                if p.stream.index != v.index or p.pts is None:
                    continue
                e = p.pts + (p.duration or frame)
                end = e if end is None else max(end, e)
                if p.is_keyframe:
                    keys.append(p.pts)
                start = p.pts if start is None else start
            if end is None or start is None:
                raise MediaError("the segment holds no video frame", Where(path))
            return SegmentInfo(int(start), int(end), int(first_any if first_any is not None else start),
                               tuple(keys), bool(c.streams.audio), frame)
    except av.error.FFmpegError as exc:
        raise MediaError(f"cannot read the segment: {exc}", Where(path)) from exc


@dataclass
class TsPart:
    """One segment inside the recording: its byte range and its LIVE times."""

    offset: int
    size: int
    start_ms: Ms
    end_ms: Ms
    keyframes_ms: list[Ms] = field(default_factory=list)


@dataclass
class _Index:
    origin: int | None = None
    """The first video pts of the LIVE (90 kHz): LIVE time 0."""
    end_pts: int | None = None
    started_at: str | None = None
    has_audio: bool | None = None
    head_size: int = 0
    runs: int = 0
    parts: list[TsPart] = field(default_factory=list)
    dropped_bytes: int = 0
    kept_from_ms: Ms = 0


class TsRecording:
    """``folder/recording.ts`` and its index ``folder/recording.json`` (see the module docs)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.path = folder / "recording.ts"
        self.index_path = folder / "recording.json"
        self.idx = _Index()
        if self.index_path.exists() and self.path.exists():
            self._load()

    def _load(self) -> None:
        raw = json.loads(self.index_path.read_text(encoding="utf-8"))
        parts = [TsPart(**p) for p in raw.pop("parts", [])]
        self.idx = _Index(**raw, parts=parts)
        size = self.path.stat().st_size
        last = self.idx.parts[-1] if self.idx.parts else None
        if last is not None and last.offset + last.size < size:  # a crash in the middle of an append
            with self.path.open("r+b") as fh:
                fh.truncate(last.offset + last.size)

    def save(self) -> None:
        """Write the index (atomically)."""
        tmp = self.index_path.with_suffix(".json.tmp")
        data = asdict(self.idx)
        tmp.write_text(json.dumps(data), encoding="utf-8")
        os.replace(tmp, self.index_path)

    @property
    def resumed(self) -> bool:
        """The recording was continued from an earlier process."""
        return bool(self.idx.parts)

    def to_ms(self, pts: int) -> Ms:
        assert self.idx.origin is not None
        return (pts - self.idx.origin) * 1000 // TS_HZ

    def to_pts(self, ms: float) -> int:
        assert self.idx.origin is not None
        return self.idx.origin + round(ms * TS_HZ / 1000)

    def available_until_ms(self) -> Ms:
        return self.idx.parts[-1].end_ms if self.idx.parts else 0

    def keyframes_ms(self) -> list[Ms]:
        return [k for p in self.idx.parts for k in p.keyframes_ms]

    def size_on_disk(self) -> int:
        try:
            return self.path.stat().st_size
        except FileNotFoundError:
            return 0

    def append(self, segment: Path, info: SegmentInfo) -> TsPart:
        """Append a complete segment (its times already continue the recording's). Raises ``OSError``
        (e.g. ENOSPC) with the file left as it was before the call."""
        if self.idx.origin is None:
            self.idx.origin = info.start
        offset = self.size_on_disk()
        try:
            with self.path.open("ab") as out, segment.open("rb") as src:
                shutil.copyfileobj(src, out, 1 << 20)
                out.flush()
                os.fsync(out.fileno())
        except OSError:
            with contextlib.suppress(OSError), self.path.open("r+b") as fh:
                fh.truncate(offset)  # the file as it was: a reader never sees half a segment for long
            raise
        size = self.size_on_disk() - offset
        part = TsPart(offset, size, self.to_ms(info.start), self.to_ms(info.end),
                      [self.to_ms(k) for k in info.keyframes])
        if not self.idx.parts:
            self.idx.head_size = size
        self.idx.parts.append(part)
        self.idx.end_pts = max(info.end, self.idx.end_pts or info.end)
        self.save()
        return part

    def trim(self, retention_ms: Ms, slack_ms: Ms) -> int:
        """Drop the segments that ended more than ``retention_ms`` before the end (keeping the head), once more
        than ``slack_ms`` of them have gathered. Returns the bytes freed (0 when nothing was dropped)."""
        parts = self.idx.parts
        if len(parts) < 3:
            return 0
        cut_ms = parts[-1].end_ms - retention_ms
        drop = [p for p in parts[1:] if p.end_ms <= cut_ms]
        if not drop or drop[-1].end_ms - drop[0].start_ms < slack_ms:
            return 0
        keep = [parts[0], *parts[1 + len(drop):]]
        tmp = self.path.with_suffix(".ts.tmp")
        new_parts: list[TsPart] = []
        try:
            with self.path.open("rb") as src, tmp.open("wb") as out:
                for p in keep:
                    src.seek(p.offset)
                    new_parts.append(TsPart(out.tell(), p.size, p.start_ms, p.end_ms, p.keyframes_ms))
                    remaining = p.size
                    while remaining:
                        chunk = src.read(min(remaining, 1 << 20))
                        if not chunk:
                            break
                        out.write(chunk)
                        remaining -= len(chunk)
                out.flush()
                os.fsync(out.fileno())
        except OSError:
            tmp.unlink(missing_ok=True)
            raise
        before = self.size_on_disk()
        os.replace(tmp, self.path)
        self.idx.parts = new_parts
        self.idx.kept_from_ms = keep[1].start_ms if len(keep) > 1 else 0
        freed = before - self.size_on_disk()
        self.idx.dropped_bytes += freed
        self.save()
        return freed
