"""The FFmpeg command-line tool: where it is and how to run it quietly.

The binary comes from ``imageio-ffmpeg`` (a static build with libx264 and AAC); the environment
variable ``LIVEHIGHLIGHTS_FFMPEG`` points to another one. There is no ffprobe: probing uses PyAV
(:mod:`livehighlights.media.probe`).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

from ..errors import ToolError
from ..scratch import tied

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
        proc = subprocess.run(tied(cmd), stdin=subprocess.DEVNULL, capture_output=True,
                              timeout=timeout, check=False)
    except FileNotFoundError as exc:
        raise ToolError(f"{what}: ffmpeg not found at {cmd[0]}") from exc
    except subprocess.TimeoutExpired as exc:
        raise ToolError(f"{what}: ffmpeg did not finish within {timeout} s") from exc
    if proc.returncode != 0:
        raise ToolError(f"{what}: {explain(proc.stderr)}", detail=" | ".join(_last_lines(proc.stderr, STDERR_LINES)))
    return proc


_REASONS: tuple[tuple[str, str], ...] = (
    ("No space left on device", "the disk is full"),
    ("Permission denied", "a file could not be read or written (permission denied)"),
    ("Cannot allocate memory", "the machine ran out of memory"),
    ("No such file or directory", "a file it needed is missing"),
    ("moov atom not found", "an input file is an unfinished or truncated MP4"),
    ("Invalid data found when processing input", "an input file is corrupt or not a media file"),
    ("Unknown encoder", "this FFmpeg lacks an encoder we need (set LIVEHIGHLIGHTS_FFMPEG to a full build)"),
    ("out of range", "a value it was given is out of the range FFmpeg accepts"),
    ("Error initializing filter", "a value it was given is not one FFmpeg accepts"),
    ("Invalid argument", "a value it was given is not one FFmpeg accepts"),
)
_NOISE = re.compile(r"\[[^\]]*@ 0x[0-9a-f]+\]\s*")


def explain(stderr: bytes) -> str:
    """FFmpeg's error output said in our words: what went wrong (the disk is full, a corrupt input, a value out of
    range...) and FFmpeg's own key line, cleaned of its internal prefixes (``[Parsed_x @ 0x55..]``)."""
    lines = [_NOISE.sub("", ln).strip() for ln in _last_lines(stderr, 20)]
    lines = [ln for ln in lines if ln and not ln.startswith(("Error opening output file", "Conversion failed"))]
    text = "\n".join(lines)
    reason = next((why for key, why in _REASONS if key in text), "FFmpeg stopped with an error")
    key = next((ln for ln in lines if not ln.startswith("Error ")), lines[0] if lines else "")
    return f"{reason} ({key[:160]})" if key else reason


def _last_lines(stderr: bytes, n: int) -> list[str]:
    lines = [ln.strip() for ln in stderr.decode("utf-8", "replace").splitlines() if ln.strip()]
    return lines[-n:]
