"""The host's voice: espeak-ng synthesis of the planned sentences, mixed into one audio track.

Each distinct sentence is synthesised once (in parallel), trimmed, level-normalised and placed at its
planned start; a sentence that does not fit its slot is re-synthesised faster (or, at worst, faded
out). A -55 dBFS room-noise floor keeps the silence from being digital zero.
"""

from __future__ import annotations

import shutil
import struct
import subprocess
import wave
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import ToolError
from .script import Line

RATE = 22050
"""Sample rate of espeak-ng and of the mixed track (ffmpeg resamples to 44.1 kHz AAC)."""
BASE_WPM = 165
VOICES = ("en-us", "en-us+f3", "en-us+m3", "en-us+f2")


@dataclass
class Spoken:
    """A sentence as it is in the audio."""

    start_s: float
    end_s: float
    text: str


def espeak_path() -> str:
    """The espeak-ng executable, or :class:`ToolError` telling how to install it."""
    exe = shutil.which("espeak-ng")
    if exe is None:
        raise ToolError("espeak-ng is not installed; the LIVE simulator needs it for the host's voice. "
                        "Install it with `apt-get install espeak-ng` (Debian/Ubuntu) or `brew install espeak-ng`.")
    return exe


def synth(text: str, voice: str = "en-us", wpm: int = BASE_WPM, exe: str | None = None) -> np.ndarray:
    """Synthesise ``text`` to float32 mono samples at :data:`RATE`, trimmed of leading/trailing silence."""
    cmd = [exe or espeak_path(), "-v", voice, "-s", str(wpm), "--stdout", text]
    try:
        proc = subprocess.run(cmd, capture_output=True, check=False, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as err:
        raise ToolError(f"espeak-ng could not run: {err}") from err
    if proc.returncode != 0 or not proc.stdout:
        tail = proc.stderr.decode("utf-8", "replace").strip().splitlines()[-3:]
        raise ToolError(f"espeak-ng failed (exit {proc.returncode}) on {text!r}: {' | '.join(tail)}")
    data = proc.stdout  # a WAV header (with unknown sizes when piped) and 16-bit mono PCM
    rate = struct.unpack_from("<I", data, 24)[0] if len(data) >= 44 and data[:4] == b"RIFF" else RATE
    raw = data[44:]
    x = np.frombuffer(raw[: len(raw) // 2 * 2], dtype="<i2").astype(np.float32) / 32768.0
    if rate != RATE:
        idx = np.arange(0, len(x), rate / RATE)
        x = np.interp(idx, np.arange(len(x)), x).astype(np.float32)
    loud = np.flatnonzero(np.abs(x) > 0.01)
    if len(loud) == 0:
        return np.zeros(0, dtype=np.float32)
    return x[max(0, loud[0] - 40): loud[-1] + 40]


def _normalise(x: np.ndarray) -> np.ndarray:
    rms = float(np.sqrt(np.mean(x * x))) if len(x) else 0.0
    if rms <= 0:
        return x
    y = x * (0.1 / rms)  # about -20 dBFS
    peak = float(np.max(np.abs(y)))
    return y * (0.89 / peak) if peak > 0.89 else y


def render_speech(lines: list[Line], duration_s: float, voice: str, wav_path: Path, noise_seed: int,
                  workers: int = 2) -> list[Spoken]:
    """Mix all ``lines`` into a mono 16-bit WAV of exactly ``duration_s``; return what is where."""
    exe = espeak_path()
    texts = sorted({ln.text for ln in lines})
    with ThreadPoolExecutor(max_workers=workers) as pool:
        audio = dict(zip(texts, pool.map(lambda t: synth(t, voice, BASE_WPM, exe), texts), strict=True))
    n = int(round(duration_s * RATE))
    track = np.zeros(n, dtype=np.int16)
    rng = np.random.default_rng(noise_seed)
    chunk = RATE * 30
    noise_amp = 32768 * 10 ** (-55 / 20)
    for i in range(0, n, chunk):  # room noise, low-passed a little so it sounds like a room
        m = min(chunk, n - i)
        w = rng.normal(0, noise_amp * 1.4, m + 1)
        track[i:i + m] = ((w[1:] + w[:-1]) * 0.5).astype(np.int16)
    out: list[Spoken] = []
    for j, ln in enumerate(lines):
        start = int(round(ln.start_s * RATE))
        if start >= n:
            break
        limit = lines[j + 1].start_s if j + 1 < len(lines) else duration_s
        avail = max(0.2, limit - ln.start_s - 0.12)
        x = audio[ln.text]
        if len(x) / RATE > avail:
            wpm = min(400, int(BASE_WPM * (len(x) / RATE) / avail * 1.08) + 1)
            x = synth(ln.text, voice, wpm, exe)
        x = _normalise(x)
        m = min(len(x), int(avail * RATE), n - start)
        if m < len(x):
            x = x[:m].copy()
            f = min(m, int(0.03 * RATE))
            x[m - f:] *= np.linspace(1, 0, f, dtype=np.float32)
        if m <= 0:
            continue
        seg = track[start:start + m].astype(np.float32) + x[:m] * 32767
        track[start:start + m] = np.clip(seg, -32768, 32767).astype(np.int16)
        out.append(Spoken(round(start / RATE, 3), round((start + m) / RATE, 3), ln.text))
    with wave.open(str(wav_path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(track.tobytes())
    return out
