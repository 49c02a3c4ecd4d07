"""The FFmpeg command-line tool: where it is and how to run it quietly.

The binary comes from ``imageio-ffmpeg`` (a static build with libx264 and AAC); the environment
variable ``LIVEHIGHLIGHTS_FFMPEG`` points to another one. There is no ffprobe: probing uses PyAV
(:mod:`livehighlights.media.probe`).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

from ..errors import ToolError
from ..scratch import child_options

ENV_VAR = "LIVEHIGHLIGHTS_FFMPEG"
QUIET_ARGS: tuple[str, ...] = ("-hide_banner", "-loglevel", "error", "-nostdin")
STDERR_LINES = 5
"""How many trailing stderr lines a :class:`ToolError` quotes."""


def ffmpeg_exe() -> str:
    """Path of the ``ffmpeg`` binary: ``$LIVEHIGHLIGHTS_FFMPEG`` if set, else imageio-ffmpeg's.

    Raises :class:`ToolError` when the override does not exist or no binary can be found.
    """
    override = os.environ.get(ENV_VAR)
    if override:
        found = shutil.which(override) or (override if Path(override).is_file() else None)
        if not found:
            raise ToolError(f"{ENV_VAR}={override!r} is not an executable ffmpeg")
        return found
    try:
        import imageio_ffmpeg
        return imageio_ffmpeg.get_ffmpeg_exe()
    except Exception as exc:  # imageio-ffmpeg raises RuntimeError when its binary is missing
        found = shutil.which("ffmpeg")
        if found:
            return found
        raise ToolError(f"ffmpeg not found (install imageio-ffmpeg or set {ENV_VAR}): {exc}") from exc


def run_ffmpeg(args: Sequence[str | os.PathLike[str]], *, what: str,
               timeout: float | None = None) -> subprocess.CompletedProcess[bytes]:
    """Run ``ffmpeg -hide_banner -loglevel error -nostdin *args``.

    ``what`` says what the command was for (e.g. ``"cutting clip.mp4"``); on a non-zero exit, a
    timeout or a missing binary a :class:`ToolError` names it together with the last stderr lines.
    """
    cmd = [ffmpeg_exe(), *QUIET_ARGS, *(os.fspath(a) for a in args)]
    try:
        proc = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True,
                              timeout=timeout, check=False, **child_options())
    except FileNotFoundError as exc:
        raise ToolError(f"{what}: ffmpeg not found at {cmd[0]}") from exc
    except subprocess.TimeoutExpired as exc:
        raise ToolError(f"{what}: ffmpeg did not finish within {timeout} s") from exc
    if proc.returncode != 0:
        tail = " | ".join(_last_lines(proc.stderr, STDERR_LINES)) or "no error output"
        raise ToolError(f"{what}: ffmpeg failed (exit {proc.returncode}): {tail}")
    return proc


def _last_lines(stderr: bytes, n: int) -> list[str]:
    lines = [ln.strip() for ln in stderr.decode("utf-8", "replace").splitlines() if ln.strip()]
    return lines[-n:]
