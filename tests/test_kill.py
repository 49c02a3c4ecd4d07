"""Killed mid-remix (SIGKILL or SIGTERM), no FFmpeg child keeps running and no scratch folder or half-written
output stays behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest


def _children(pid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            out.append(int(entry.name))
    return out


def _cmdline(pid: int) -> str:
    try:
        return (Path("/proc") / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _wait_for(cond, limit_s: float = 120.0) -> bool:
    end = time.monotonic() + limit_s
    while time.monotonic() < end:
        if cond():
            return True
        time.sleep(0.05)
    return cond()


def _ours(folder: Path) -> list[Path]:
    """Our scratch folders (libraries leave their own files there too, e.g. onnxruntime's ``.ses``)."""
    return [p for p in folder.iterdir() if p.name.startswith("lh")]


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_killed_remix_leaves_no_ffmpeg_and_no_scratch(short_live, tmp_path: Path, sig: int) -> None:
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    out = tmp_path / "out" / "remix.mp4"
    env = {**os.environ, "TMPDIR": str(scratch)}
    proc = subprocess.Popen([sys.executable, "-m", "livehighlights._cli.main", "remix", str(short_live.recording),
                             "--out", str(out), "--size", "720x1280"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        ffmpeg: list[int] = []

        def ffmpeg_running() -> bool:
            ffmpeg[:] = [c for c in _children(proc.pid) if "ffmpeg" in _cmdline(c)]
            return bool(ffmpeg)

        assert _wait_for(ffmpeg_running), "remix never started ffmpeg"
        assert _ours(scratch), "the remix made no scratch folder"
        os.kill(proc.pid, sig)
        proc.wait(timeout=60)
        assert _wait_for(lambda: not any(_alive(c) for c in ffmpeg), 30), [_cmdline(c) for c in ffmpeg]
        assert _wait_for(lambda: not _ours(scratch), 30), _ours(scratch)
        assert _wait_for(lambda: not [p for p in out.parent.glob(".*part*")], 30), list(out.parent.iterdir())
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
