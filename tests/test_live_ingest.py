"""The live video buffer on real streams: a simulated LIVE streamed in real time by FFmpeg (HLS over HTTP and as a
local playlist, RTMP pushed to our listener and pulled from FFmpeg's, a growing file, a file played as if live),
ingested by FFmpeg into the buffer, and read by the per-moment jobs' own readers while it grows."""

from __future__ import annotations

import json
import socket
import threading
import time
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest

from livehighlights.live.buffer import BufferOptions, BufferStatus, LiveBuffer, open_live_video
from livehighlights.live.serve import ServeOptions, serve_live
from livehighlights.media.audio import read_mono
from livehighlights.media.probe import keyframes_ms, probe
from livehighlights.media.source import MEDIA_SOURCES
from livehighlights.render import cut_clip
from livehighlights.vision.frames import iter_frames

WAIT_S = 180.0
"""Generous: the machine may be slow; nothing here asserts speed."""
QUICK = BufferOptions(stall_s=6.0, end_after_s=8.0, connect_timeout_s=30.0)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Statuses:
    """Every status the buffer reported, in order."""

    def __init__(self) -> None:
        self.seen: list[BufferStatus] = []
        self.lock = threading.Lock()

    def __call__(self, status: BufferStatus) -> None:
        with self.lock:
            self.seen.append(status)

    @property
    def states(self) -> list[str]:
        with self.lock:
            return [s.state for s in self.seen]


def window_frames(path: Path, start: int, end: int) -> list[tuple[int, np.ndarray]]:
    return [(f.t_ms, f.image) for f in iter_frames(path, start, end, fps=None, short_side=120)]


def assert_same_window(buffer_path: Path, source: Path, start: int, end: int) -> None:
    """The buffer shows exactly the source's frames at the same LIVE times (the stream was copied, not
    re-encoded), and its sound lines up to within 1 ms."""
    ours, theirs = window_frames(buffer_path, start, end), window_frames(source, start, end)
    assert theirs and len(ours) == len(theirs)
    for (t_ours, img_ours), (t_theirs, img_theirs) in zip(ours, theirs, strict=True):
        assert abs(t_ours - t_theirs) <= 1
        assert np.array_equal(img_ours, img_theirs)
    a, b = read_mono(buffer_path, start, end), read_mono(source, start, end)
    assert abs(len(a) - len(b)) <= 2
    n = min(len(a), len(b)) - 64
    errors = [float(np.abs(a[32 + lag:32 + lag + n - 64] - b[32:32 + n - 64]).mean()) for lag in range(-16, 17)]
    assert min(errors) < 0.01


def matching_source_ms(source: Path, image: np.ndarray, around_ms: int, span_ms: int = 4000) -> int:
    """The time of the source frame nearest in picture to ``image``, searched within ``around_ms ± span_ms``."""
    start = max(0, around_ms - span_ms)
    best = min(window_frames(source, start, around_ms + span_ms),
               key=lambda f: float(np.abs(f[1].astype(np.int16) - image.astype(np.int16)).mean()))
    return best[0]


@pytest.fixture(scope="module")
def live_dir(short_live) -> Path:
    return short_live.out_dir


def test_buffer_is_a_registered_media_source() -> None:
    import subprocess
    import sys

    assert MEDIA_SOURCES.get("buffer") is LiveBuffer
    fresh = subprocess.run([sys.executable, "-c", "from livehighlights.media.source import MEDIA_SOURCES as M; "
                            "print(M.get('buffer').__module__, M.get('file').__name__)"],
                           capture_output=True, text=True, check=True)
    assert fresh.stdout.split() == ["livehighlights.live.buffer", "FileSource"]


def test_hls_over_http_and_local_playlist_read_while_growing(live_dir: Path, tmp_path: Path) -> None:
    """One HLS stream, followed over HTTP and as a local playlist; windows cut from the buffer while it still
    grows are the source's windows at the same LIVE times (frames, sound, a smart cut)."""
    src = live_dir / "recording.mp4"
    served = serve_live(src, live_dir / "events.jsonl", tmp_path / "serve", ServeOptions(kind="hls"))
    try:
        assert served.stream.startswith("http://127.0.0.1:") and served.playlist is not None
        statuses = Statuses()
        over_http = open_live_video(served.video_spec, tmp_path / "http", QUICK, on_status=statuses)
        while not served.playlist.exists():  # the local playlist appears with the first segment
            time.sleep(0.2)
        local = open_live_video(str(served.playlist), tmp_path / "local", QUICK)
        try:
            started = over_http.wait_started(WAIT_S)
            assert over_http.wait_until(14_000, WAIT_S)
            assert not over_http.ended and over_http.duration_ms() is None
            assert over_http.available_until_ms() < probe(src).duration_ms  # still growing
            assert_same_window(over_http.path, src, 4_100, 9_000)
            ours = cut_clip(over_http.path, 4_100, 9_000, tmp_path / "ours.mp4", info=over_http.info,
                            keyframes=over_http.keyframes_ms())
            theirs = cut_clip(src, 4_100, 9_000, tmp_path / "theirs.mp4")
            assert (ours.start_ms, ours.end_ms) == (theirs.start_ms, theirs.end_ms)
            clip_a, clip_b = window_frames(ours.path, 0, 5_000), window_frames(theirs.path, 0, 5_000)
            assert len(clip_a) == len(clip_b) > 100
            assert max(float(np.abs(a.astype(int) - b.astype(int)).mean())
                       for (_, a), (_, b) in zip(clip_a, clip_b, strict=True)) < 1.5
            assert local.wait_until(10_000, WAIT_S)
            head = [img for _, img in window_frames(local.path, 0, 4_000)]
            joined = [off for off in range(0, 10_001, 2_000)  # it joined the stream at a segment's start
                      if all(np.array_equal(a, b) for a, (_, b) in
                             zip(head, window_frames(src, off, off + 4_000), strict=True))]
            assert len(joined) == 1
            local_origin_s = joined[0] / 1000
            assert over_http.has_audio is True
            assert set(over_http.keyframes_ms()) <= set(keyframes_ms(src))
            # HLS comes a segment or two late, but the playlist's program date times say when its frames were live
            assert served.started_at is not None
            assert abs((started - served.started_at).total_seconds()) < 2.5
            assert local.started_at is not None
            assert abs((local.started_at - started).total_seconds() - local_origin_s) < 0.1
            assert statuses.states[-1] == "receiving"
            assert over_http.status.bytes > 0
        finally:
            over_http.close()
            local.close()
        assert over_http.status.state == "ended" and over_http.duration_ms() == over_http.available_until_ms()
    finally:
        served.stop()
    events = [json.loads(line) for line in served.events_path.read_text().splitlines()]
    assert events and all(e["ts"].endswith("Z") for e in events)
    first = datetime.fromisoformat(events[0]["ts"].replace("Z", "+00:00"))
    original = json.loads((live_dir / "events.jsonl").read_text().splitlines()[0])
    assert served.started_at is not None
    assert abs((first - served.started_at).total_seconds() - original["ts"]) < 0.01


def test_rtmp_pushed_to_our_listener_drops_and_comes_back(live_dir: Path, tmp_path: Path) -> None:
    """The encoder pushes to us; it stops 12 s in and comes back 5 s later: the buffer says reconnecting, then
    receiving, and goes on at the LIVE time the stream came back (by the wall clock), readable throughout."""
    src = live_dir / "recording.mp4"
    url = f"rtmp://127.0.0.1:{free_port()}/live/secretkey"
    statuses = Statuses()
    buf = open_live_video("rtmp-listen://" + url[len("rtmp://"):], tmp_path / "buf", QUICK, on_status=statuses)
    served = serve_live(src, live_dir / "events.jsonl", tmp_path / "serve",
                        ServeOptions(kind="rtmp", rtmp_url=url, drop_at_s=12.0, drop_for_s=5.0))
    try:
        started = buf.wait_started(WAIT_S)
        assert served.started_at is not None
        assert abs((started - served.started_at).total_seconds()) < 5.0
        assert buf.wait_until(26_000, WAIT_S)
        states = statuses.states
        assert "reconnecting" in states and states.index("reconnecting") < len(states) - 1
        assert states[-1] == "receiving" and buf.status.reconnects >= 1
        assert all("secretkey" not in s.message for s in statuses.seen)  # the stream key is never shown
        assert_same_window(buf.path, src, 2_000, 8_000)  # before the drop: exact
        keys = buf.keyframes_ms()
        assert keys == sorted(keys) and keys[0] == 0
        after = [k for k in keys if k >= 16_000][1]  # after the drop: placed by the wall clock
        (t, image), *_ = window_frames(buf.path, after, after + 100)
        assert abs(matching_source_ms(src, image, t) - t) < 3_000
        assert probe(buf.path).duration_ms >= 26_000
    finally:
        buf.close()
        served.stop()


def test_rtmp_pulled_from_an_ffmpeg_listener(live_dir: Path, tmp_path: Path) -> None:
    src = live_dir / "recording.mp4"
    url = f"rtmp://127.0.0.1:{free_port()}/live/k"
    served = serve_live(src, live_dir / "events.jsonl", tmp_path / "serve",
                        ServeOptions(kind="rtmp", rtmp_url=url, rtmp_serve=True))
    buf = None
    try:
        time.sleep(1.0)  # FFmpeg opens its listening socket
        buf = open_live_video(served.video_spec, tmp_path / "buf", QUICK)
        assert buf.source.kind == "rtmp"
        assert buf.wait_until(10_000, WAIT_S)
        assert_same_window(buf.path, src, 1_000, 7_000)
    finally:
        if buf is not None:
            buf.close()
        served.stop()


def test_growing_file_is_followed_until_it_stops_growing(live_dir: Path, tmp_path: Path) -> None:
    src = live_dir / "recording.mp4"
    served = serve_live(src, live_dir / "events.jsonl", tmp_path / "serve", ServeOptions(kind="file", speed=2.0))
    buf = open_live_video(served.video_spec, tmp_path / "buf", BufferOptions(stall_s=2.0, end_after_s=4.0))
    try:
        assert buf.source.kind == "growing"
        assert buf.wait_until(10_000, WAIT_S)
        assert not buf.ended
        served.wait(WAIT_S)
        deadline = time.monotonic() + WAIT_S
        while not buf.ended and time.monotonic() < deadline:
            time.sleep(0.5)
        assert buf.status.state == "ended" and "stopped growing" in buf.status.message
        total = probe(src).duration_ms
        assert buf.duration_ms() is not None and abs(buf.duration_ms() - total) < 500
        assert buf.keyframes_ms() == keyframes_ms(src)
        assert_same_window(buf.path, src, total - 6_000, total - 1_000)
    finally:
        buf.close()
        served.stop()


def test_file_played_as_if_live_ends_by_itself(live_dir: Path, tmp_path: Path) -> None:
    from livehighlights.live.stream_sources import parse_source

    src = live_dir / "recording.mp4"
    buf = LiveBuffer(parse_source(str(src), speed=4.0), tmp_path / "buf", QUICK)
    try:
        assert buf.wait_until(10**9, WAIT_S) is False  # ends short of it
        assert buf.ended and buf.status.state == "ended" and "end" in buf.status.message
        assert abs(buf.duration_ms() - probe(src).duration_ms) < 500
        assert_same_window(buf.path, src, 15_000, 20_000)
    finally:
        buf.close()


def test_no_audio_is_reported(live_dir: Path, tmp_path: Path) -> None:
    import subprocess

    from livehighlights.media.ffmpeg import ffmpeg_exe

    silent = tmp_path / "silent.mp4"
    subprocess.run([ffmpeg_exe(), "-v", "error", "-i", str(live_dir / "recording.mp4"), "-t", "8", "-an", "-c", "copy",
                    str(silent)], check=True)
    buf = open_live_video(f"file:{silent}", tmp_path / "buf", QUICK)
    try:
        buf.wait_started(WAIT_S)
        assert buf.has_audio is False
        assert buf.wait_until(4_000, WAIT_S)
        assert buf.info.has_audio is False
    finally:
        buf.close()


def test_retention_keeps_disk_bounded_and_live_times(live_dir: Path, tmp_path: Path) -> None:
    """Not keeping the recording: only the first segment (the origin) and the last seconds stay on disk, and
    what stays is still at its LIVE times."""
    from livehighlights.live.stream_sources import parse_source

    src = live_dir / "recording.mp4"
    opts = BufferOptions(keep_recording=False, retention_s=8.0, stall_s=3.0, end_after_s=8.0)
    buf = LiveBuffer(parse_source(str(src), speed=4.0), tmp_path / "buf", opts)
    rate = src.stat().st_size / probe(src).duration_ms  # bytes per ms
    largest = 0
    try:
        while not buf.ended:
            largest = max(largest, buf.status.bytes)
            time.sleep(0.2)
        total = buf.duration_ms()
        assert total is not None and total > 30_000
        assert buf.kept_from_ms > 10_000
        # head (2 s) + retention (8 s) + slack (8 s) + a segment being written, with room for the TS overhead
        assert buf.path.stat().st_size < rate * 22_000 * 1.3
        assert largest < rate * 26_000 * 1.3
        assert keyframes_ms(buf.path)[0] == 0  # the origin is kept: times are still LIVE times
        assert_same_window(buf.path, src, total - 6_000, total - 1_000)
    finally:
        buf.close()
