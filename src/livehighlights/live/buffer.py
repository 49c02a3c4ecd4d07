"""The live video buffer: a stream copied by FFmpeg into a growing recording that the per-moment jobs read.

:func:`open_live_video` starts ingesting at once and returns a :class:`LiveBuffer`, a
:class:`~livehighlights.media.source.MediaSource` (registered as ``buffer``) whose :attr:`~LiveBuffer.path`
is an MPEG-TS file in LIVE time (0 = the first frame received; see :mod:`livehighlights.live.tsfile`).
A supervisor thread moves FFmpeg's complete segments into it and keeps the status:

- ``connecting``: waiting for the stream (a pull that does not answer within ``connect_timeout_s``, or a listen
  nobody pushes to within ``end_after_s``, is ``failed`` with a message that says so);
- ``receiving``: media flows; ``stalled``: nothing for ``stall_s`` (FFmpeg still connected);
- ``reconnecting``: FFmpeg lost the stream and is started again; the new segments continue the LIVE time by
  the wall clock (a timestamp jump is absorbed: the new run's timestamps are offset to where the LIVE is);
- ``ended``: the file played to its end, :meth:`LiveBuffer.close` was called, or no stream came for
  ``end_after_s``; ``failed``: the stream could not be opened or the buffer's folder is full.

``keep_recording=False`` keeps only the last ``retention_s`` seconds (plus the first segment, which holds the
origin) on disk.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from ..errors import InputError, LiveHighlightsError, MediaError, Where
from ..media.probe import MediaInfo, probe
from ..media.source import MediaSource, register_source
from ..timebase import Ms
from .hls_clock import hls_started_at
from .recorder import Recorder, RecorderRun, Segment
from .stream_sources import StreamSource, parse_source
from .tsfile import TS_HZ, SegmentInfo, TsRecording, probe_segment, restamp

__all__ = ["BUFFER_STATES", "BufferOptions", "BufferStatus", "LiveBuffer", "LiveIngestError", "open_live_video"]

log = logging.getLogger(__name__)

BUFFER_STATES = ("connecting", "receiving", "stalled", "reconnecting", "ended", "failed")
POLL_S = 0.2
RETRY_S = 1.0


class LiveIngestError(LiveHighlightsError):
    """The stream cannot be ingested (no answer, no video, a full disk): the message says which and why."""


@dataclass(frozen=True)
class BufferOptions:
    """How the buffer records (see the module docs)."""

    segment_s: float = 2.0
    """Length of FFmpeg's segments (cut at the first keyframe after it): how often media becomes available."""
    keep_recording: bool = True
    """Keep the whole LIVE on disk (for the review after it); else only the last ``retention_s``."""
    retention_s: float = 300.0
    stall_s: float = 10.0
    """No media for this long: reported as ``stalled`` (and a pulled stream is reconnected)."""
    end_after_s: float = 60.0
    """No stream for this long: the LIVE has ended."""
    reconnect: bool = True
    connect_timeout_s: float = 20.0
    """A pulled stream that does not answer within this is ``failed``."""

    def validate(self) -> None:
        for name in ("segment_s", "retention_s", "stall_s", "end_after_s", "connect_timeout_s"):
            value = getattr(self, name)
            if not isinstance(value, (int, float)) or not value > 0:
                raise InputError(f"must be a positive number of seconds, got {value!r}", Where(field=name))
        if self.retention_s < 4 * self.segment_s:
            raise InputError(f"{self.retention_s:g} s keeps too little: at least 4 segments",
                             Where(field="retention_s"))


@dataclass(frozen=True)
class BufferStatus:
    """What the buffer is doing, for the follower's log and the Seller Center."""

    state: str
    message: str
    bytes: int
    """Bytes of the buffer on disk (the recording and the segments being written)."""
    available_until_ms: Ms = 0
    reconnects: int = 0
    at: datetime | None = None


@register_source
class LiveBuffer(MediaSource):
    """A live stream being recorded; readable by path over ``[0, available_until_ms())`` in LIVE time."""

    name = "buffer"

    def __init__(self, source: str | StreamSource, workdir: str | Path, options: BufferOptions | None = None,
                 on_status: Callable[[BufferStatus], None] | None = None) -> None:
        self.options = options or BufferOptions()
        self.options.validate()
        self.source = source if isinstance(source, StreamSource) else parse_source(str(source))
        self.workdir = Path(workdir)
        try:
            self.workdir.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise InputError(f"cannot create the buffer folder: {err.strerror}", Where(self.workdir)) from err
        self._rec = TsRecording(self.workdir)
        self._segdir = self.workdir / "segments"
        self._on_status = on_status
        self._cond = threading.Condition()
        self._closing = threading.Event()
        self._ended = False
        self._info: MediaInfo | None = None
        self._recorder: Recorder | None = None
        self._reconnects = 0
        self._run_shift: dict[int, int] = {}
        self._status = BufferStatus("connecting", f"connecting to {self.source.describe()}", self._disk_bytes(),
                                    self._rec.available_until_ms(), 0, datetime.now(UTC))
        self._thread = threading.Thread(target=self._supervise, name="live-buffer", daemon=True)
        self._thread.start()

    # ---- MediaSource -------------------------------------------------------------------------------
    @property
    def path(self) -> Path:
        return self._rec.path

    @property
    def info(self) -> MediaInfo:
        """The stream's size, rate and codecs (probed from its first segment), with ``duration_ms`` = what is
        available now. Raises :class:`MediaError` before the first segment is in."""
        with self._cond:
            base = self._info
        if base is None:
            if not self._rec.path.exists():
                raise MediaError("no media received yet", Where(self._rec.path))
            base = probe(self._rec.path)
            with self._cond:
                self._info = base
        return replace(base, duration_ms=self.available_until_ms())

    def duration_ms(self) -> Ms | None:
        return self._rec.available_until_ms() if self._ended else None

    def available_until_ms(self) -> Ms:
        with self._cond:
            return self._rec.available_until_ms()

    def keyframes_ms(self) -> list[Ms]:
        with self._cond:
            return self._rec.keyframes_ms()

    # ---- live ----------------------------------------------------------------------------------------
    @property
    def started_at(self) -> datetime | None:
        """The UTC wall-clock time of LIVE time 0 (set when the first segment is in)."""
        raw = self._rec.idx.started_at
        return datetime.fromisoformat(raw) if raw else None

    @property
    def ended(self) -> bool:
        return self._ended

    @property
    def has_audio(self) -> bool | None:
        """Whether the stream carries sound (``None`` until the first segment is in)."""
        return self._rec.idx.has_audio

    @property
    def status(self) -> BufferStatus:
        return self._status

    @property
    def kept_from_ms(self) -> Ms:
        """Media before this LIVE time (other than the first segment) was dropped (``keep_recording=False``)."""
        return self._rec.idx.kept_from_ms

    def wait_until(self, ms: Ms, timeout_s: float) -> bool:
        """Block until the media reaches LIVE time ``ms`` (True), the buffer ends short of it or the timeout
        passes (False)."""
        deadline = time.monotonic() + max(0.0, timeout_s)
        with self._cond:
            while self._rec.available_until_ms() < ms:
                left = deadline - time.monotonic()
                if self._ended or left <= 0:
                    return False
                self._cond.wait(min(left, 1.0))
            return True

    def wait_started(self, timeout_s: float | None = None) -> datetime:
        """Block until the first segment is in; returns :attr:`started_at`. Raises :class:`LiveIngestError` with
        the buffer's message when it failed or ended before any media came (or at the timeout)."""
        deadline = None if timeout_s is None else time.monotonic() + timeout_s
        with self._cond:
            while self.started_at is None:
                if self._ended:
                    raise LiveIngestError(self._status.message)
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    raise LiveIngestError(f"no media from {self.source.describe()} within {timeout_s:g} s "
                                          f"({self._status.state}: {self._status.message})")
                self._cond.wait(1.0 if left is None else min(left, 1.0))
            started = self.started_at
            assert started is not None
            return started

    def close(self) -> None:
        """Stop FFmpeg cleanly, take in what it wrote, end the buffer. Idempotent."""
        self._closing.set()
        if threading.current_thread() is not self._thread:  # a status listener may close it, too
            self._thread.join(timeout=30)

    # ---- the supervisor ------------------------------------------------------------------------------
    def _disk_bytes(self) -> int:
        total = self._rec.size_on_disk()
        with contextlib.suppress(OSError):
            total += sum(p.stat().st_size for p in self._segdir.glob("*") if p.is_file())
        return total

    def _set(self, state: str, message: str) -> None:
        status = BufferStatus(state, message, self._disk_bytes(), self._rec.available_until_ms(), self._reconnects,
                              datetime.now(UTC))
        changed = (state, message) != (self._status.state, self._status.message)
        with self._cond:
            self._status = status
        if changed:  # the listener hears of it before anyone waiting is woken
            (log.warning if state in ("failed", "stalled", "reconnecting") else log.info)(
                "live buffer %s: %s", state, message)
            if self._on_status is not None:
                try:
                    self._on_status(status)
                except Exception:  # noqa: BLE001 - a listener's bug must not stop the recording
                    log.exception("live buffer status listener failed")
        with self._cond:
            if state in ("ended", "failed"):
                self._ended = True
            self._cond.notify_all()

    def _supervise(self) -> None:
        try:
            self._loop()
        except OSError as err:
            self._fail_os(err)
        except Exception as err:  # noqa: BLE001 - the buffer reports, it never dies silently
            log.exception("live buffer stopped")
            self._set("failed", f"the buffer stopped: {err}")
        finally:
            if self._recorder is not None:
                self._recorder.stop()
            with self._cond:
                self._ended = True
                self._cond.notify_all()

    def _fail_os(self, err: OSError) -> None:
        if err.errno in (errno.ENOSPC, errno.EDQUOT):
            self._set("failed", f"the buffer folder {self.workdir} is full (no space left on device): recording "
                                f"stopped at {self._rec.available_until_ms() / 1000:.1f} s")
        else:
            self._set("failed", f"cannot write the buffer in {self.workdir}: {err.strerror or err}")

    def _start_run(self) -> Recorder:
        offset = start = 0.0
        if self._rec.idx.origin is not None:  # continue the LIVE time: by the wall clock, never backwards
            started = self.started_at
            reached = self._rec.available_until_ms() / 1000
            wall = (datetime.now(UTC) - started).total_seconds() * self.source.rate if started else 0.0
            offset = max(wall, reached + 0.1)  # moved on arrival (_continue_at)
            if self.source.finite:  # a file is taken up where the LIVE is (played) or where its recording ends
                start = max(wall, reached) if self.source.kind == "file" else reached
        run = RecorderRun(self._segdir, self._rec.idx.runs)
        self._rec.idx.runs += 1
        if self._segdir.is_dir():  # what an earlier process left half-written (it was killed) is gone with it
            for stale in self._segdir.glob("run*"):
                stale.unlink(missing_ok=True)
        if self._rec.idx.origin is not None:
            self._rec.save()
        io_timeout = self.options.end_after_s if self.source.kind == "growing" else self.options.stall_s
        self._recorder = Recorder(self.source, run, segment_s=self.options.segment_s, ts_offset_s=offset,
                                  io_timeout_s=io_timeout, start_s=start)
        return self._recorder

    def _loop(self) -> None:
        opts = self.options
        received = self._rec.resumed
        wait_first = opts.end_after_s if self.source.listens else opts.connect_timeout_s
        t0 = time.monotonic()
        last_flow = t0
        if received:
            self._reconnects += 1
            self._set("reconnecting", f"continuing the recording from {self._rec.available_until_ms() / 1000:.1f} s")
        rec = self._start_run()
        seen_flow: float | None = None
        while True:
            if self._take(rec.new_segments()) and rec.poll() is None:
                rec.stop()
                self._take(rec.new_segments())
                self._reconnects += 1
                self._set("reconnecting", "the stream's timestamps went back: its recording is restarted")
                rec = self._start_run()
                seen_flow = None
                continue
            now = time.monotonic()
            flowed = rec.last_media_at()
            if flowed is not None and flowed != seen_flow:
                seen_flow, last_flow = flowed, max(last_flow, flowed)
                received = received or rec.receiving
                if rec.receiving and self._status.state != "receiving":
                    self._set("receiving", f"receiving {self.source.describe()}")
            if self._closing.is_set():
                rec.stop()
                self._take(rec.new_segments())
                self._set("ended", "stopped")
                return
            if rec.disk_full:
                rec.stop()
                raise OSError(errno.ENOSPC, "No space left on device")
            code = rec.poll()
            if code is None:
                idle = now - last_flow
                if not received and now - t0 > wait_first:
                    rec.stop()
                    what = "nothing was pushed to" if self.source.listens else "no answer from"
                    self._set("failed", f"{what} {self.source.describe()} within {wait_first:g} s")
                    return
                if received and idle > opts.end_after_s:
                    rec.stop()
                    self._take(rec.new_segments())
                    self._set("ended", f"no stream for {opts.end_after_s:g} s: the LIVE has ended")
                    return
                if received and idle > opts.stall_s and self._status.state == "receiving":
                    self._set("stalled", f"no media for {idle:.0f} s from {self.source.describe()}")
                self._closing.wait(POLL_S)
                continue
            # FFmpeg stopped: the stream ended, dropped, or could not be opened
            self._take(rec.new_segments())
            log.debug("live buffer: FFmpeg run %d exited with %s: %s", rec.run.index, code,
                      " | ".join(rec.last_lines()))
            if self.source.finite and received:
                self._set("ended", "the file played to its end" if self.source.kind == "file" else
                          f"the file stopped growing ({rec.problem() if code else 'its end'})")
                return
            problem = rec.problem() if code != 0 else "the stream closed"
            if not received and any("matches no streams" in ln for ln in rec.last_lines(10)):
                self._set("failed", f"{self.source.describe()}: the stream has no video")
                return
            if not opts.reconnect:
                self._set("ended" if received else "failed", f"{self.source.describe()}: {problem}")
                return
            if not received and (time.monotonic() - t0 > wait_first or self.source.kind == "file"):
                what = "cannot read" if self.source.kind == "file" else "no answer from"
                self._set("failed", f"{what} {self.source.describe()} within {wait_first:g} s: {problem}"
                          if what == "no answer from" else f"{what} {self.source.describe()}: {problem}")
                return
            if received and time.monotonic() - last_flow > opts.end_after_s:
                self._set("ended", f"no stream for {opts.end_after_s:g} s: the LIVE has ended ({problem})")
                return
            if received:
                self._reconnects += 1
                self._set("reconnecting", f"{problem}; reconnecting to {self.source.describe()}")
            else:
                self._set("connecting", f"{problem}; trying {self.source.describe()} again")
            if self._closing.wait(RETRY_S):
                self._set("ended", "stopped")
                return
            rec = self._start_run()
            seen_flow = None

    def _take(self, segments: list[Segment]) -> bool:
        """Move complete segments into the recording (in order). True when a segment went back in time (the
        stream's timestamps jumped back): the run must be restarted so that its times continue the LIVE's."""
        restart = False
        for seg in segments:
            try:
                info = probe_segment(seg.path)
            except MediaError as err:
                if "no video" in str(err) and self._rec.idx.origin is None:
                    seg.path.unlink(missing_ok=True)
                    raise LiveIngestError(f"{self.source.describe()}: the stream has no video") from err
                log.warning("live buffer: skipping a segment: %s", err)
                seg.path.unlink(missing_ok=True)
                continue
            if seg.run not in self._run_shift:  # the run's first segment: the LIVE's first, or one that came back
                self._run_shift[seg.run] = 0 if self._rec.idx.origin is None else self._continue_at(seg.path, info)
            shift = self._run_shift.get(seg.run, 0)
            if shift:
                seg.path.write_bytes(restamp(seg.path.read_bytes(), shift))
                info = SegmentInfo(info.start + shift, info.end + shift, info.first_any + shift,
                                   tuple(k + shift for k in info.keyframes), info.has_audio, info.frame_ticks)
            end_pts = self._rec.idx.end_pts
            if end_pts is not None and info.first_any < end_pts - info.frame_ticks:
                log.warning("live buffer: %s goes back in time; the run is restarted", seg.path.name)
                seg.path.unlink(missing_ok=True)
                restart = True
                continue
            first = self._rec.idx.origin is None
            started: datetime | None = None
            if first:  # LIVE time 0 on the wall clock: the playlist's date, else when it came (read before locking)
                done = datetime.fromtimestamp(seg.path.stat().st_mtime, UTC)
                played = (info.end - info.start) / TS_HZ / self.source.rate
                dated = hls_started_at(self.source.url, seg.path) if self.source.kind == "hls" else None
                started = dated or done - timedelta(seconds=played)
            with self._cond:
                self._rec.append(seg.path, info)
                if started is not None:
                    self._rec.idx.started_at = started.isoformat()
                    self._rec.idx.has_audio = info.has_audio
                    self._rec.save()
                if not self.options.keep_recording:
                    slack = int(max(4 * self.options.segment_s, self.options.retention_s / 4) * 1000)
                    self._rec.trim(int(self.options.retention_s * 1000), slack)
                self._cond.notify_all()
            seg.path.unlink(missing_ok=True)
        if segments:
            self._status = replace(self._status, bytes=self._disk_bytes(),
                                   available_until_ms=self._rec.available_until_ms())
        return restart


    def _continue_at(self, first: Path, info: SegmentInfo) -> int:
        """The shift (90 kHz ticks) that puts a run that came back after a drop (or a restart of the process) at
        the LIVE time its first frame arrived, by the wall clock; never before the end of what is recorded."""
        started = self.started_at
        end_pts = self._rec.idx.end_pts or 0
        if started is None:
            return 0
        arrived = first.stat().st_mtime - (info.end - info.start) / TS_HZ / self.source.rate
        want = self._rec.to_pts((arrived - started.timestamp()) * 1000 * self.source.rate)
        return max(0, want - info.start, end_pts - info.first_any)


def open_live_video(source: str | StreamSource, workdir: Path, options: BufferOptions | None = None,
                    on_status: Callable[[BufferStatus], None] | None = None) -> LiveBuffer:
    """Start ingesting the video ``source`` (a spec, see :mod:`livehighlights.live.stream_sources`) into
    ``workdir``; returns at once. A ``workdir`` that holds a recording of an earlier run (a follower killed and
    started again) is continued. Raises :class:`InputError` for a bad spec or options."""
    return LiveBuffer(source, workdir, options, on_status)
