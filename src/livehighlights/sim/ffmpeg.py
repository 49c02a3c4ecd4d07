"""Running FFmpeg (the static binary from imageio-ffmpeg, or ``ffmpeg`` on PATH)."""

from __future__ import annotations

import shutil
import subprocess
from functools import lru_cache

from ..errors import ToolError


@lru_cache(maxsize=1)
def ffmpeg_exe() -> str:
    """Path of the FFmpeg executable, or :class:`ToolError`."""
    try:
        import imageio_ffmpeg

        return imageio_ffmpeg.get_ffmpeg_exe()
    except Exception:  # noqa: BLE001 - any failure: fall back to PATH
        exe = shutil.which("ffmpeg")
        if exe is None:
            raise ToolError("ffmpeg not found: install imageio-ffmpeg (pip install imageio-ffmpeg) "
                            "or ffmpeg (apt-get install ffmpeg)") from None
        return exe


def run_ffmpeg(args: list[str], what: str) -> None:
    """Run ``ffmpeg args``; on failure raise :class:`ToolError` with FFmpeg's last stderr lines."""
    cmd = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", "-y", *args]
    try:
        proc = subprocess.run(cmd, capture_output=True, check=False)
    except OSError as err:
        raise ToolError(f"ffmpeg could not run ({what}): {err}") from err
    if proc.returncode != 0:
        tail = proc.stderr.decode("utf-8", "replace").strip().splitlines()[-6:]
        raise ToolError(f"ffmpeg failed ({what}), exit {proc.returncode}: " + " | ".join(tail))
