"""Stream a recorded (simulated) LIVE in real time, as a LIVE stream and its events, for the follower to follow.

:func:`serve_live` plays ``recording`` through FFmpeg at ``speed`` times real time (``-readrate``, no decoding):

- ``hls``: an HLS playlist in ``out/hls/index.m3u8`` (2 s segments, a rolling window, program date times), also
  served over HTTP by a small server of ours on ``127.0.0.1:port``;
- ``rtmp``: pushed to an RTMP listener (``rtmp://127.0.0.1:1935/live/sim`` by default: ``live --video
  rtmp-listen://...`` listens there), or with ``rtmp_serve`` FFmpeg itself listens and the follower pulls;
- ``file``: a growing MPEG-TS file ``out/live.ts`` (followed with ``--video follow:out/live.ts``).

The events are written to ``out/events.jsonl`` as their time comes, one JSON line each, ``ts`` the ISO-8601 UTC
wall-clock time at which the stream showed that moment (the stream's start plus the event's LIVE time divided
by ``speed``): the follower aligns them once, against its buffer's start. With ``push_url`` they are also POSTed
in batches (a JSON array of events, ``Authorization: Bearer TOKEN``), retried until accepted, never dropped.

``drop_at_s``/``drop_for_s`` simulate a source that stops in the middle and comes back: the video stops at
``drop_at_s`` of LIVE time and resumes ``drop_for_s`` later at the LIVE time reached (what the drop held is lost,
as in a real drop); the events go on.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import json
import logging
import os
import signal
import subprocess
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Any

from ..errors import InputError, ToolError, Where
from ..media.ffmpeg import explain, ffmpeg_exe
from ..media.probe import keyframes_ms, probe
from ..scratch import tied
from .stream_sources import mask_url

__all__ = ["SERVE_KINDS", "DEFAULT_RTMP_URL", "ServeOptions", "ServedLive", "serve_live"]

log = logging.getLogger(__name__)

SERVE_KINDS = ("hls", "rtmp", "file")
DEFAULT_RTMP_URL = "rtmp://127.0.0.1:1935/live/sim"
CONNECT_WAIT_S = 60.0
"""How long a push keeps trying to reach an RTMP listener that is not up yet."""


@dataclass(frozen=True)
class ServeOptions:
    """How a LIVE is streamed (see the module docs)."""

    kind: str = "hls"
    speed: float = 1.0
    port: int = 0
    """HTTP port of the HLS server (0: a free one)."""
    rtmp_url: str = DEFAULT_RTMP_URL
    rtmp_serve: bool = False
    """FFmpeg listens on ``rtmp_url`` and the follower pulls (instead of pushing to the follower's listener)."""
    push_url: str | None = None
    token: str | None = None
    batch_s: float = 1.0
    drop_at_s: float | None = None
    drop_for_s: float = 0.0

    def validate(self) -> None:
        if self.kind not in SERVE_KINDS:
            raise InputError(f"unknown kind {self.kind!r}: use hls, rtmp or file", Where(field="--serve"))
        if not 0 < self.speed <= 16:
            raise InputError(f"speed {self.speed:g}: must be more than 0 and at most 16", Where(field="--speed"))
        if not 0 <= self.port <= 65535:
            raise InputError(f"port {self.port}: must be 0..65535", Where(field="--port"))
        if self.kind == "rtmp" and not self.rtmp_url.startswith("rtmp://"):
            raise InputError(f"{mask_url(self.rtmp_url, key=True)}: not an rtmp:// URL", Where(field="--to"))
        if self.push_url and not self.push_url.startswith(("http://", "https://")):
            raise InputError(f"{mask_url(self.push_url, key=False)}: not an http(s):// URL", Where(field="--push"))
        if self.drop_at_s is not None and (self.drop_at_s <= 0 or self.drop_for_s <= 0):
            raise InputError("a drop is AT,FOR with two positive numbers of seconds", Where(field="--drop"))


@dataclass
class _Ev:
    t_s: float
    record: dict[str, Any]


def read_events(path: Path) -> list[_Ev]:
    """The event log's lines with ``ts`` in seconds from the LIVE's start, sorted by time. Raises
    :class:`InputError` naming the line of a line that is not JSON or has no numeric ``ts``."""
    out: list[_Ev] = []
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as err:
                raise InputError(f"not JSON: {err.msg}", Where(path, n)) from err
            ts = rec.get("ts") if isinstance(rec, dict) else None
            if not isinstance(ts, (int, float)) or isinstance(ts, bool):
                raise InputError("needs 'ts' in seconds from the LIVE's start to be streamed live",
                                 Where(path, n, "ts"))
            out.append(_Ev(float(ts), rec))
    out.sort(key=lambda e: e.t_s)
    return out


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        pass

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-cache")
        super().end_headers()


class ServedLive:
    """A LIVE being streamed: where the stream and the events are; :meth:`wait` for the end, :meth:`stop`."""

    def __init__(self, recording: Path, events: Path, out: Path, options: ServeOptions) -> None:
        self.options = options
        self.recording = recording
        self.out = out
        self.events_path = out / "events.jsonl"
        self.duration_s = probe(recording).duration_ms / 1000
        self._events = read_events(events)
        self._stop = threading.Event()
        self._started = threading.Event()
        self.started_at: datetime | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        self._http: http.server.ThreadingHTTPServer | None = None
        self.error: str | None = None
        self.pushed = 0
        self.stream = self._prepare()
        self.events_path.write_text("", encoding="utf-8")
        self._video = threading.Thread(target=self._run_video, name="serve-video", daemon=True)
        self._feeder = threading.Thread(target=self._run_events, name="serve-events", daemon=True)

    # ---- set up ----------------------------------------------------------------------------------------
    def _prepare(self) -> str:
        o = self.options
        if o.kind == "hls":
            folder = self.out / "hls"
            folder.mkdir(parents=True, exist_ok=True)
            for old in folder.glob("*"):
                old.unlink()
            handler = functools.partial(_QuietHandler, directory=str(folder))
            try:
                self._http = http.server.ThreadingHTTPServer(("127.0.0.1", o.port), handler)
            except OSError as err:
                raise InputError(f"cannot serve HLS on 127.0.0.1:{o.port}: {err.strerror}",
                                 Where(field="--port")) from err
            threading.Thread(target=self._http.serve_forever, name="serve-http", daemon=True).start()
            return f"http://127.0.0.1:{self._http.server_address[1]}/index.m3u8"
        if o.kind == "file":
            (self.out / "live.ts").write_bytes(b"")
            return f"follow:{self.out / 'live.ts'}"
        return o.rtmp_url

    @property
    def playlist(self) -> Path | None:
        """The local HLS playlist (``hls`` only)."""
        return self.out / "hls" / "index.m3u8" if self.options.kind == "hls" else None

    @property
    def video_spec(self) -> str:
        """What to give ``livehighlights live --video``."""
        if self.options.kind == "rtmp" and not self.options.rtmp_serve:
            return "rtmp-listen://" + self.stream[len("rtmp://"):]
        return self.stream

    def start(self) -> ServedLive:
        self._video.start()
        self._feeder.start()
        return self

    # ---- video ------------------------------------------------------------------------------------------
    def _command(self, seek_s: float, until_s: float | None, append: bool) -> list[str]:
        o = self.options
        head = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-nostats", "-loglevel", "info", "-progress", "pipe:2",
                "-stats_period", "0.25"]
        inp = ["-readrate", f"{o.speed:g}", "-readrate_initial_burst", "0",
               *(["-ss", f"{seek_s:.3f}"] if seek_s else []), "-i", str(self.recording)]
        span = ["-t", f"{until_s - seek_s:.3f}"] if until_s is not None else []
        body = ["-map", "0:v:0", "-map", "0:a:0?", "-c", "copy", *span, "-output_ts_offset", f"{seek_s:.3f}"]
        if o.kind == "hls":
            flags = "delete_segments+program_date_time+independent_segments" + ("+append_list+discont_start"
                                                                              if append else "")
            if until_s is not None:  # the stream drops here and comes back: it has not ended
                flags += "+omit_endlist"
            return [*head, *inp, *body, "-f", "hls", "-hls_time", "2", "-hls_list_size", "8", "-hls_flags", flags,
                    "-hls_segment_filename", str(self.out / "hls" / "seg%05d.ts"),
                    *(["-start_number", str(int(seek_s))] if append else []), str(self.out / "hls" / "index.m3u8")]
        if o.kind == "file":
            return [*head, *inp, *body, "-f", "mpegts", "pipe:1"]
        return [*head, *inp, *body, "-f", "flv", *(["-listen", "1"] if o.rtmp_serve else []), o.rtmp_url]

    def _run_video(self) -> None:
        o = self.options
        parts: list[tuple[float, float | None]] = [(0.0, o.drop_at_s)]
        if o.drop_at_s is not None:  # resume on a keyframe: a copied stream can only start at one
            back = next((k / 1000 for k in keyframes_ms(self.recording) if k >= (o.drop_at_s + o.drop_for_s) * 1000),
                        None)
            if back is not None:
                parts.append((back, None))
        try:
            for i, (seek, until) in enumerate(parts):
                if i:
                    assert self.started_at is not None
                    resume_wall = self.started_at + timedelta(seconds=seek / o.speed)
                    if self._stop.wait(max(0.0, (resume_wall - datetime.now(UTC)).total_seconds())):
                        return
                if not self._play(seek, until, append=i > 0):
                    return
        except Exception as err:  # noqa: BLE001 - reported, never a silent thread death
            self.error = f"streaming stopped: {err}"
            log.exception("serving the LIVE failed")
        finally:
            self._started.set()

    def _play(self, seek: float, until: float | None, *, append: bool) -> bool:
        """Run one FFmpeg pass; True when it played to its end. A push retries until the listener is up."""
        deadline = time.monotonic() + CONNECT_WAIT_S
        while True:
            proc = subprocess.Popen(tied(self._command(seek, until, append)), stdin=subprocess.DEVNULL,
                                    stdout=subprocess.PIPE if self.options.kind == "file" else subprocess.DEVNULL,
                                    stderr=subprocess.PIPE, start_new_session=True)
            self._proc = proc
            lines: list[str] = []
            pump = None
            if self.options.kind == "file":
                pump = threading.Thread(target=self._pump, args=(proc.stdout,), daemon=True)
                pump.start()
            assert proc.stderr is not None
            for raw in proc.stderr:
                line = raw.decode("utf-8", "replace").rstrip()
                lines = (lines + [line])[-20:]
                if line.startswith("out_time_us=") and self.started_at is None:
                    self._on_progress(line, seek)
            code = proc.wait()
            if pump is not None:
                pump.join()
            if self._stop.is_set():
                return False
            if code == 0:
                return True
            refused = any("Connection refused" in ln or "Cannot open connection" in ln for ln in lines)
            if self.started_at is None and refused and time.monotonic() < deadline:
                if self._stop.wait(0.5):
                    return False
                continue
            why = explain("\n".join(lines).encode())
            self.error = f"streaming to {mask_url(self.stream, key=True)} failed: {why}"
            return False

    def _on_progress(self, line: str, seek: float) -> None:
        """The stream's start on the wall clock: now minus the media time FFmpeg has sent (paced in real time)."""
        try:
            sent_s = int(line.split("=", 1)[1]) / 1e6 - seek
        except ValueError:
            return
        if sent_s > 0:
            self.started_at = datetime.now(UTC) - timedelta(seconds=sent_s / self.options.speed)
            self._started.set()

    def _pump(self, pipe: IO[bytes] | None) -> None:
        assert pipe is not None
        with (self.out / "live.ts").open("ab") as out:
            while chunk := pipe.read1(1 << 16):  # type: ignore[attr-defined]
                out.write(chunk)
                out.flush()

    # ---- events -----------------------------------------------------------------------------------------
    def _run_events(self) -> None:
        self._started.wait()
        if self.started_at is None:
            return
        start, speed = self.started_at, self.options.speed
        pending: list[dict[str, Any]] = []
        last_push = time.monotonic()
        with self.events_path.open("a", encoding="utf-8") as fh:
            for ev in self._events:
                wall = start + timedelta(seconds=ev.t_s / speed)
                while (left := (wall - datetime.now(UTC)).total_seconds()) > 0:
                    if pending and time.monotonic() - last_push >= self.options.batch_s:
                        self._push(pending)
                        pending, last_push = [], time.monotonic()
                    if self._stop.wait(min(left, self.options.batch_s)):
                        return
                record = {**ev.record, "ts": wall.isoformat(timespec="milliseconds").replace("+00:00", "Z")}
                fh.write(json.dumps(record, separators=(",", ":")) + "\n")
                fh.flush()
                pending.append(record)
        if pending:
            self._push(pending)

    def _push(self, batch: list[dict[str, Any]]) -> None:
        url = self.options.push_url
        if not url:
            return
        import httpx

        headers = {"Authorization": f"Bearer {self.options.token}"} if self.options.token else {}
        delay = 0.5
        while not self._stop.is_set():
            try:
                resp = httpx.post(url, json=batch, headers=headers, timeout=10.0)
                if 200 <= resp.status_code < 300:
                    self.pushed += len(batch)
                    return
                if resp.status_code in (401, 403, 404, 400, 422):
                    self.error = f"the event endpoint {mask_url(url, key=False)} refused the events: " \
                                 f"HTTP {resp.status_code}"
                    log.error(self.error)
                    return
                wait = float(resp.headers.get("Retry-After", delay))
            except httpx.HTTPError as err:
                log.warning("pushing events to %s: %s; retrying", mask_url(url, key=False), type(err).__name__)
                wait = delay
            self._stop.wait(min(wait, 10.0))
            delay = min(delay * 2, 10.0)

    # ---- end ----------------------------------------------------------------------------------------------
    def wait(self, timeout_s: float | None = None) -> bool:
        """Block until the video and the events are done (True) or the timeout passes."""
        deadline = None if timeout_s is None else time.monotonic() + timeout_s
        for t in (self._video, self._feeder):
            t.join(None if deadline is None else max(0.0, deadline - time.monotonic()))
        return not (self._video.is_alive() or self._feeder.is_alive())

    def stop(self) -> None:
        """Stop streaming now (FFmpeg is asked to finish cleanly) and the HTTP server."""
        self._stop.set()
        proc = self._proc
        if proc is not None and proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(proc.pid, signal.SIGINT)
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                proc.kill()
        self.wait(10)
        if self._http is not None:
            self._http.shutdown()
            self._http.server_close()


def serve_live(recording: Path, events: Path, out: Path, options: ServeOptions | None = None) -> ServedLive:
    """Start streaming ``recording`` and ``events`` into ``out`` (see the module docs); returns at once.
    Raises :class:`InputError` for bad options or inputs, :class:`ToolError` when FFmpeg is missing."""
    options = options or ServeOptions()
    options.validate()
    for path, what in ((recording, "recording"), (events, "event log")):
        if not Path(path).is_file():
            raise InputError(f"no such file (expected the LIVE's {what})", Where(path))
    out.mkdir(parents=True, exist_ok=True)
    try:
        ffmpeg_exe()
    except ToolError:
        raise
    return ServedLive(Path(recording), Path(events), out, options).start()
