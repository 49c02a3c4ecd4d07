"""One FFmpeg ingest run: copy a live stream, without decoding, into short MPEG-TS segments.

``ffmpeg <input> -map 0:v:0 -map 0:a:0? -c copy -f segment -segment_format mpegts -segment_time S
-segment_list list.csv -segment_list_flags live -reset_timestamps 0 -output_ts_offset T runNNN_%06d.ts``

Each run writes its own numbered segments; the CSV list names a segment once it is complete. The buffer
(:mod:`livehighlights.live.buffer`) starts a new run after a drop with ``T`` = the LIVE time reached, so the
timestamps of every run continue the LIVE's. FFmpeg's output is read on a thread: the last lines are kept
for messages, and a full disk is recognised.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import threading
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path

from ..media.ffmpeg import explain, ffmpeg_exe
from ..scratch import tied
from .stream_sources import StreamSource

__all__ = ["Recorder", "RecorderRun", "Segment", "recorder_command"]

STDERR_KEEP = 40
PROBE_US = 1_000_000
"""FFmpeg studies at most this much of the stream before copying it: the first segment is not held back longer
(which would make the stream's start, estimated from when it is complete, look later than it was)."""
_INFO_LINES = (" ", "ffmpeg stats", "Input #", "Output #", "Stream mapping", "Press [q]", "frame=", "size=", "[segment",
               "[out#", "[hls @", "[tcp @", "[https @", "[AVIOContext")


@dataclass(frozen=True)
class RecorderRun:
    """What one run writes: ``folder/run{index:03d}_%06d.ts`` and ``folder/run{index:03d}.csv``."""

    folder: Path
    index: int

    @property
    def pattern(self) -> Path:
        return self.folder / f"run{self.index:03d}_%06d.ts"

    @property
    def listing(self) -> Path:
        return self.folder / f"run{self.index:03d}.csv"

    def segment(self, n: int) -> Path:
        return self.folder / f"run{self.index:03d}_{n:06d}.ts"


@dataclass(frozen=True)
class Segment:
    """A complete segment file as the run's list names it."""

    path: Path
    run: int
    number: int


def recorder_command(source: StreamSource, run: RecorderRun, *, segment_s: float, ts_offset_s: float,
                     io_timeout_s: float, start_s: float = 0.0) -> list[str]:
    """The FFmpeg command line of one run (see the module docs)."""
    return [ffmpeg_exe(), "-hide_banner", "-nostdin", "-nostats", "-loglevel", "info", "-progress", "pipe:1",
            "-stats_period", "0.5",
            "-analyzeduration", str(PROBE_US), *source.input_args(io_timeout_s, start_s),
            "-map", "0:v:0", "-map", "0:a:0?", "-c", "copy", "-dn", "-sn",
            "-f", "segment", "-segment_format", "mpegts", "-segment_time", f"{segment_s:g}",
            "-segment_list", str(run.listing), "-segment_list_type", "csv", "-segment_list_flags", "live",
            "-reset_timestamps", "0", "-output_ts_offset", f"{ts_offset_s:.3f}", str(run.pattern)]


class Recorder:
    """One running FFmpeg ingest process (a run). Not restarted: the buffer starts a new one."""

    def __init__(self, source: StreamSource, run: RecorderRun, *, segment_s: float, ts_offset_s: float,
                 io_timeout_s: float, start_s: float = 0.0) -> None:
        self.source = source
        self.run = run
        self.ts_offset_s = ts_offset_s
        self._lines: deque[str] = deque(maxlen=STDERR_KEEP)
        self._opened = threading.Event()
        self._disk_full = False
        self._listed = 0
        """Bytes of the CSV list read so far."""
        self._media_us = -1
        self._media_at: float | None = None
        run.folder.mkdir(parents=True, exist_ok=True)
        cmd = recorder_command(source, run, segment_s=segment_s, ts_offset_s=ts_offset_s, io_timeout_s=io_timeout_s,
                               start_s=start_s)
        self._proc = subprocess.Popen(tied(cmd), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE, start_new_session=True)
        self._reader = threading.Thread(target=self._read_stderr, name=f"ffmpeg-ingest-{run.index}", daemon=True)
        self._reader.start()
        self._progress = threading.Thread(target=self._read_progress, name=f"ffmpeg-progress-{run.index}", daemon=True)
        self._progress.start()

    def _read_progress(self) -> None:
        """FFmpeg's ``-progress`` report: ``out_time_us`` grows while media is written."""
        assert self._proc.stdout is not None
        for raw in self._proc.stdout:
            key, _, value = raw.decode("ascii", "replace").strip().partition("=")
            if key == "out_time_us":
                try:
                    us = int(value)
                except ValueError:
                    continue
                if us > self._media_us:
                    self._media_us, self._media_at = us, time.monotonic()

    def _read_stderr(self) -> None:
        assert self._proc.stderr is not None
        for raw in self._proc.stderr:
            line = raw.decode("utf-8", "replace").rstrip()
            if not line:
                continue
            self._lines.append(line)
            if line.startswith("Output #0"):
                self._opened.set()
            if "No space left on device" in line:
                self._disk_full = True

    @property
    def pid(self) -> int:
        return self._proc.pid

    @property
    def receiving(self) -> bool:
        """FFmpeg has opened the stream and started writing (its output header is out)."""
        return self._opened.is_set()

    @property
    def disk_full(self) -> bool:
        return self._disk_full

    def poll(self) -> int | None:
        """The exit code once FFmpeg has stopped, else ``None``."""
        return self._proc.poll()

    def new_segments(self) -> list[Segment]:
        """Segments completed since the last call, in order (the lines added to the run's CSV list since then;
        a line is taken once it is complete)."""
        try:
            with self.run.listing.open("rb") as fh:
                fh.seek(self._listed)
                chunk = fh.read()
        except FileNotFoundError:
            return []
        end = chunk.rfind(b"\n") + 1
        self._listed += end
        out: list[Segment] = []
        for raw in chunk[:end].decode("utf-8", "replace").splitlines():
            name = raw.split(",", 1)[0].strip().strip('"')
            path = self.run.folder / name
            try:
                number = int(path.stem.rsplit("_", 1)[1])
            except (IndexError, ValueError):
                continue
            out.append(Segment(path, self.run.index, number))
        return out

    def last_media_at(self) -> float | None:
        """When (``time.monotonic()``) FFmpeg last wrote media further, ``None`` before the first."""
        return self._media_at

    def problem(self) -> str:
        """FFmpeg's last error said in our words (for a run that stopped)."""
        lines = [ln for ln in self._lines if not ln.startswith(_INFO_LINES)]
        if not lines:
            return "FFmpeg stopped without a message"
        return explain("\n".join(lines).encode())

    def last_lines(self, n: int = 5) -> list[str]:
        return list(self._lines)[-n:]

    def stop(self, timeout_s: float = 5.0) -> int | None:
        """Stop FFmpeg cleanly (SIGINT: it closes the segment it writes and its list), killing it after
        ``timeout_s``. Returns the exit code."""
        if self._proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self._proc.pid, signal.SIGINT)
            try:
                self._proc.wait(timeout_s)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    self._proc.kill()
                self._proc.wait()
        self._reader.join(timeout=2.0)
        self._progress.join(timeout=2.0)
        return self._proc.returncode
