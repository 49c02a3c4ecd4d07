"""The live video buffer when things go wrong: a URL that does not answer, a stream that stalls and comes back,
a full disk, a follower killed and started again; and the parts under it (source specs, restamping, the CLI)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from conftest import run_cli
from test_live_ingest import QUICK, WAIT_S, Statuses, free_port, matching_source_ms, window_frames

from livehighlights.errors import InputError
from livehighlights.live.buffer import BufferOptions, LiveBuffer, LiveIngestError, open_live_video
from livehighlights.live.serve import ServeOptions, serve_live
from livehighlights.live.stream_sources import parse_source
from livehighlights.live.tsfile import probe_segment, restamp
from livehighlights.media.ffmpeg import ffmpeg_exe


@pytest.fixture(scope="module")
def live_dir(short_live) -> Path:
    return short_live.out_dir


# ---- source specs ----------------------------------------------------------------------------------------------
def test_source_specs(tmp_path: Path) -> None:
    video = tmp_path / "rec.mp4"
    video.write_bytes(b"x")
    playlist = tmp_path / "index.m3u8"
    playlist.write_text("#EXTM3U\n")
    cases = {
        "https://cdn.example.com/live/index.m3u8": ("hls", "https://cdn.example.com/live/index.m3u8"),
        "http://10.0.0.2/live/stream.flv": ("flv", "http://10.0.0.2/live/stream.flv"),
        "hls:https://cdn.example.com/live/master": ("hls", "https://cdn.example.com/live/master"),
        "rtmp://live.example.com/app/KEY": ("rtmp", "rtmp://live.example.com/app/KEY"),
        "rtmp-listen://127.0.0.1:1935/live/KEY": ("rtmp-listen", "rtmp://127.0.0.1:1935/live/KEY"),
        "listen:rtmp://0.0.0.0:1936/live/KEY": ("rtmp-listen", "rtmp://0.0.0.0:1936/live/KEY"),
        str(playlist): ("hls", str(playlist.resolve())),
        str(video): ("file", str(video.resolve())),
        f"file:{video}": ("file", str(video.resolve())),
        f"follow:{tmp_path / 'growing.ts'}": ("growing", str((tmp_path / "growing.ts").resolve())),
    }
    for spec, (kind, url) in cases.items():
        src = parse_source(spec)
        assert (src.kind, src.url) == (kind, url), spec
    assert "KEY" not in parse_source("rtmp://u:pw@live.example.com/app/KEY").describe()
    assert "pw" not in parse_source("rtmp://u:pw@live.example.com/app/KEY").describe()
    assert parse_source(str(video), speed=2.0).input_args(5.0)[:2] == ["-readrate", "2"]
    bad = {"": "no video source", "ftp://x/y": "unsupported", str(tmp_path / "missing.mp4"): "no such file",
           str(tmp_path): "folder", "rtmp-listen://127.0.0.1:1935/KEY": "rtmp-listen://HOST:PORT/APP/KEY"}
    for spec, words in bad.items():
        with pytest.raises(InputError, match="--video") as err:
            parse_source(spec)
        assert words in str(err.value), spec
    with pytest.raises(InputError, match="retention_s"):
        open_live_video(str(video), tmp_path / "b", BufferOptions(retention_s=2.0))


def test_media_playlist_dates() -> None:
    from livehighlights.live.hls_clock import parse_media_playlist

    text = ("#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2.0,\n#EXT-X-PROGRAM-DATE-TIME:2026-12-03T11:29:03.857+0000\n"
            "a.ts\n#EXTINF:2.5,\nb.ts\n#EXT-X-DISCONTINUITY\n#EXTINF:2.0,\nc.ts\n")
    a, b, c = parse_media_playlist(text, "https://cdn.example.com/live/index.m3u8")
    assert a.uri == "https://cdn.example.com/live/a.ts" and a.date is not None
    assert b.date is not None and (b.date - a.date).total_seconds() == 2.0 and b.duration_s == 2.5
    assert c.date is None  # after a discontinuity only a new date says when
    assert parse_media_playlist("#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\nlow.m3u8\n", "https://x/") == []


def test_restamp_moves_every_timestamp(live_dir: Path, tmp_path: Path) -> None:
    seg = tmp_path / "seg.ts"
    subprocess.run([ffmpeg_exe(), "-v", "error", "-i", str(live_dir / "recording.mp4"), "-t", "4", "-c", "copy",
                    "-f", "mpegts", str(seg)], check=True)
    before = probe_segment(seg)
    moved = tmp_path / "moved.ts"
    moved.write_bytes(restamp(seg.read_bytes(), 10 * 90_000))
    after = probe_segment(moved)
    shift = 10 * 90_000
    assert (after.start, after.end, after.first_any) == (before.start + shift, before.end + shift,
                                                         before.first_any + shift)
    assert after.keyframes == tuple(k + shift for k in before.keyframes)
    a = window_frames(seg, 0, 4_000)
    b = window_frames(moved, 0, 4_000)  # times from each file's own origin: the same pictures at the same times
    assert len(a) == len(b) > 100 and all(np.array_equal(x[1], y[1]) for x, y in zip(a, b, strict=True))


# ---- faults ----------------------------------------------------------------------------------------------------
def test_url_that_does_not_answer_is_a_clear_error(tmp_path: Path) -> None:
    opts = BufferOptions(connect_timeout_s=3.0, stall_s=6.0)
    refused = f"http://127.0.0.1:{free_port()}/live/index.m3u8"
    with socket.socket() as silent:  # accepts connections (the kernel does) and never says a word
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        mute = f"http://127.0.0.1:{silent.getsockname()[1]}/live/index.m3u8"
        for url, name in ((refused, "refused"), (mute, "mute"), (f"rtmp://127.0.0.1:{free_port()}/live/k", "rtmp")):
            buf = open_live_video(url, tmp_path / name, opts)
            t0 = time.monotonic()
            with pytest.raises(LiveIngestError) as err:
                buf.wait_started(WAIT_S)
            assert time.monotonic() - t0 >= 2.5
            message = str(err.value)
            assert "no answer from" in message and "within 3 s" in message and "\n" not in message
            assert buf.status.state == "failed" and buf.ended
            assert buf.wait_until(1_000, 1.0) is False
            buf.close()


def test_stream_without_video_is_refused(tmp_path: Path) -> None:
    sound = tmp_path / "sound.m4a"
    subprocess.run([ffmpeg_exe(), "-v", "error", "-f", "lavfi", "-i", "sine=frequency=440:duration=6", "-c:a", "aac",
                    str(sound)], check=True)
    buf = open_live_video(str(sound), tmp_path / "buf", QUICK)
    with pytest.raises(LiveIngestError, match="the stream has no video"):
        buf.wait_started(WAIT_S)
    assert buf.status.state == "failed"
    buf.close()


def test_file_taken_up_again_after_a_restart(live_dir: Path, tmp_path: Path) -> None:
    """A file played as if live, its follower stopped and started again: the file is taken up where the LIVE
    is by then (not from its beginning), at the LIVE times it plays at."""
    src = live_dir / "recording.mp4"
    first = LiveBuffer(parse_source(str(src), speed=2.0), tmp_path / "buf", QUICK)
    assert first.wait_until(8_000, WAIT_S)
    first.close()
    had = first.available_until_ms()
    time.sleep(3.0)
    again = LiveBuffer(parse_source(str(src), speed=2.0), tmp_path / "buf", QUICK)
    try:
        assert again.started_at == first.started_at
        assert again.wait_until(had + 12_000, WAIT_S)
        keys = again.keyframes_ms()
        assert keys == sorted(keys) and len(keys) == len(set(keys))
        resumed = [k for k in keys if k > had][0]
        assert resumed > had + 2_000  # it went on while the follower was away
        (t, image), *_ = window_frames(again.path, resumed, resumed + 100)
        assert abs(matching_source_ms(src, image, t) - t) < 3_000
    finally:
        again.close()


def test_hls_stall_is_reported_then_resumed(live_dir: Path, tmp_path: Path) -> None:
    """The encoder stops 8 s in and comes back 8 s later: the playlist stops growing (stalled), then grows again
    (receiving); the LIVE time goes on across the gap."""
    statuses = Statuses()
    served = serve_live(live_dir / "recording.mp4", live_dir / "events.jsonl", tmp_path / "serve",
                        ServeOptions(kind="hls", drop_at_s=8.0, drop_for_s=8.0))
    buf = open_live_video(served.video_spec, tmp_path / "buf", BufferOptions(stall_s=5.0, end_after_s=40.0),
                          on_status=statuses)
    try:
        assert buf.wait_until(24_000, WAIT_S)
        states = statuses.states
        assert "stalled" in states
        assert "receiving" in states[states.index("stalled"):]
        assert any("no media" in s.message for s in statuses.seen if s.state == "stalled")
        keys = buf.keyframes_ms()
        assert keys == sorted(keys)
        gap = max(b - a for a, b in zip(keys, keys[1:], strict=False))
        assert gap > 6_000  # the drop is a hole in LIVE time, not squeezed out
        later = [k for k in keys if k > 18_000][0]
        (t, image), *_ = window_frames(buf.path, later, later + 100)
        assert abs(matching_source_ms(live_dir / "recording.mp4", image, t) - t) < 4_000
    finally:
        buf.close()
        served.stop()


def test_full_disk_is_a_clear_status(live_dir: Path, tmp_path: Path) -> None:
    """The recording cannot be written (the device is full: /dev/full answers every write with ENOSPC)."""
    work = tmp_path / "buf"
    work.mkdir()
    (work / "recording.ts").symlink_to("/dev/full")
    statuses = Statuses()
    buf = open_live_video(str(live_dir / "recording.mp4"), work, QUICK, on_status=statuses)
    with pytest.raises(LiveIngestError, match="full") as err:
        buf.wait_started(WAIT_S)
    assert "no space left on device" in str(err.value) and str(work) in str(err.value)
    assert buf.status.state == "failed" and statuses.states[-1] == "failed"
    buf.close()


CHILD = """
import sys, time
from pathlib import Path
from livehighlights.live.buffer import BufferOptions, open_live_video
buf = open_live_video(sys.argv[1], Path(sys.argv[2]), BufferOptions(stall_s=6.0, end_after_s=30.0))
assert buf.wait_until(8000, 170)
print(buf.started_at.isoformat(), buf.available_until_ms(), flush=True)
time.sleep(600)
"""


def test_killed_and_started_again_continues_the_recording(live_dir: Path, tmp_path: Path) -> None:
    """A follower killed with SIGKILL (its FFmpeg dies with it) and started again on the same folder continues
    the same recording: same start, LIVE time by the wall clock, what was recorded kept."""
    src = live_dir / "recording.mp4"
    served = serve_live(src, live_dir / "events.jsonl", tmp_path / "serve", ServeOptions(kind="hls"))
    work = tmp_path / "buf"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    child = subprocess.Popen([sys.executable, "-c", CHILD, served.video_spec, str(work)], stdout=subprocess.PIPE,
                             text=True, env=env)
    buf = None
    try:
        assert child.stdout is not None
        started_text, had = child.stdout.readline().split()
        child.send_signal(signal.SIGKILL)
        child.wait(30)
        statuses = Statuses()
        buf = open_live_video(served.video_spec, work, BufferOptions(stall_s=6.0, end_after_s=30.0),
                              on_status=statuses)
        assert buf.started_at is not None and buf.started_at.isoformat() == started_text
        assert buf.available_until_ms() >= int(had)
        assert buf.wait_until(int(had) + 8_000, WAIT_S)
        assert statuses.states[0] == "reconnecting" and "receiving" in statuses.states
        keys = buf.keyframes_ms()
        assert keys == sorted(keys) and keys[0] == 0
        after = [k for k in keys if k > int(had) + 2_000][0]
        (t, image), *_ = window_frames(buf.path, after, after + 100)
        assert abs(matching_source_ms(src, image, t) - t) < 5_000
    finally:
        if child.poll() is None:
            child.kill()
        if buf is not None:
            buf.close()
        served.stop()


def test_events_pushed_in_batches_with_the_token(live_dir: Path, tmp_path: Path) -> None:
    """Events POSTed to a stand-in of the push endpoint (a JSON array per batch, ``Authorization: Bearer``): a
    batch answered 503 (the endpoint is full) is sent again, none is lost or sent twice."""
    import http.server
    import threading

    got: list[dict] = []
    auth: list[str | None] = []
    refused = [0]

    class Endpoint(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - the base class's name
            body = self.rfile.read(int(self.headers["Content-Length"]))
            auth.append(self.headers.get("Authorization"))
            if refused[0] < 2:
                refused[0] += 1
                self.send_response(503)
                self.send_header("Retry-After", "0.2")
                self.end_headers()
                return
            got.extend(json.loads(body))
            self.send_response(202)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Endpoint)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/api/lives/7/events"
    try:
        served = serve_live(live_dir / "recording.mp4", live_dir / "events.jsonl", tmp_path / "serve",
                            ServeOptions(kind="file", speed=8.0, push_url=url, token="s3cret", batch_s=0.5))
        assert served.wait(WAIT_S)
        served.stop()
    finally:
        server.shutdown()
        server.server_close()
    original = [json.loads(line) for line in (live_dir / "events.jsonl").read_text().splitlines()]
    assert sorted(e["id"] for e in got) == sorted(e["id"] for e in original)
    assert refused[0] == 2 and served.pushed == len(original)
    assert set(auth) == {"Bearer s3cret"}
    assert all(isinstance(e["ts"], str) and e["ts"].endswith("Z") for e in got)


# ---- the command line ------------------------------------------------------------------------------------------
def test_simulate_live_cli_streams_and_says_where(live_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    done = run_cli("simulate", "--out", out, "--live", "--from", live_dir, "--serve", "file", "--speed", "4")
    assert done.returncode == 0, done.stderr
    assert f"follow:{out / 'stream' / 'live.ts'}" in done.stdout.replace("\n", "")
    assert str(out / "stream" / "events.jsonl") in done.stdout.replace("\n", "")
    written = (out / "stream" / "events.jsonl").read_text().splitlines()
    original = (live_dir / "events.jsonl").read_text().splitlines()
    assert len(written) == len(original)
    assert [json.loads(w)["id"] for w in written] == [json.loads(o)["id"] for o in sorted(
        original, key=lambda line: json.loads(line)["ts"])]
    assert (out / "stream" / "live.ts").stat().st_size > 100_000
    for args, words in ((("--serve", "dash"), "--serve"), (("--drop", "5"), "--drop"),
                        (("--from", tmp_path / "nothing"), "--from"), (("--speed", "0"), "--speed")):
        bad = run_cli("simulate", "--out", out, "--live", "--from", live_dir, *args)
        assert bad.returncode != 0 and words in bad.stderr and "Traceback" not in bad.stderr
