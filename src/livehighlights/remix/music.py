"""Background music: royalty-free loops synthesised here (drums + bass + chords), or the user's track.

The built-in tracks are made by :func:`synthesise` (numpy, deterministic: same name, same samples) and ship
as small OGG files in ``livehighlights/assets/music/``; when a file is missing it is synthesised again
into the user cache, so the package never depends on a download. ``python -m livehighlights.remix.music``
rewrites the shipped files.
"""

from __future__ import annotations

import wave
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np

from ..errors import need_file
from ..media.ffmpeg import run_ffmpeg

RATE = 44100


@dataclass(frozen=True)
class Track:
    """A built-in loop: tempo, key (MIDI root), chord progression (semitones over the root) and feel."""

    bpm: float
    root: int
    chords: tuple[tuple[int, ...], ...]
    bass: tuple[int, ...]
    hats: int
    """Hi-hats per beat (1, 2 or 4)."""
    swing: float = 0.0


TRACKS: dict[str, Track] = {
    "upbeat": Track(118, 57, ((0, 4, 7), (7, 11, 14), (9, 12, 16), (5, 9, 12)), (0, 7, 9, 5), 2),
    "chill": Track(88, 53, ((0, 4, 7, 11), (9, 12, 16, 19), (2, 5, 9, 12), (7, 11, 14, 17)), (0, 9, 2, 7), 2, 0.15),
    "groove": Track(104, 50, ((0, 3, 7), (0, 3, 7), (5, 8, 12), (7, 10, 14)), (0, 0, 5, 7), 4),
}
"""Built-in tracks by name."""


def _hz(midi: float) -> float:
    return 440.0 * 2 ** ((midi - 69) / 12)


def _env(n: int, attack: float, decay: float) -> np.ndarray:
    t = np.arange(n) / RATE
    return np.minimum(1.0, t / max(attack, 1e-4)) * np.exp(-t / decay)


def _add(buf: np.ndarray, at: int, sig: np.ndarray) -> None:
    end = min(len(buf), at + len(sig))
    if end > at:
        buf[at:end] += sig[: end - at]


def synthesise(name: str, bars: int = 8) -> np.ndarray:
    """The loop ``name`` as float32 stereo samples (``(n, 2)``, 44.1 kHz), ``bars`` bars of 4/4, loopable."""
    tr = TRACKS[name]
    rng = np.random.default_rng(sum(map(ord, name)))
    beat = int(round(RATE * 60 / tr.bpm))
    n = beat * 4 * bars
    drums, bass, pad = np.zeros(n), np.zeros(n), np.zeros(n)
    kick_n = int(0.35 * RATE)
    tk = np.arange(kick_n) / RATE
    kick = np.sin(2 * np.pi * (45 * tk + 60 * 0.04 * (1 - np.exp(-tk / 0.04)))) * _env(kick_n, 0.002, 0.12)
    snare_n = int(0.2 * RATE)
    snare = (rng.standard_normal(snare_n) * 0.6 + np.sin(2 * np.pi * 190 * np.arange(snare_n) / RATE)) \
        * _env(snare_n, 0.001, 0.06)
    hat_n = int(0.05 * RATE)
    hat = np.diff(rng.standard_normal(hat_n + 1)) * _env(hat_n, 0.0005, 0.012) * 0.35
    for b in range(4 * bars):
        at = b * beat
        _add(drums, at, kick * (1.0 if b % 2 == 0 else 0.7))
        if b % 4 in (1, 3):
            _add(drums, at, snare * 0.55)
        for h in range(tr.hats):
            off = int(beat * h / tr.hats + (tr.swing * beat / tr.hats if h % 2 else 0))
            _add(drums, at + off, hat * (1.0 if h % 2 == 0 else 0.6))
    bar_n = beat * 4
    for bar in range(bars):
        chord = tr.chords[bar % len(tr.chords)]
        root = tr.root + tr.bass[bar % len(tr.bass)] - 12
        for step in range(8):  # eighth-note bass
            ln = beat // 2
            t = np.arange(ln) / RATE
            f = _hz(root + (12 if step in (3, 7) else 0))
            sig = (np.sin(2 * np.pi * f * t) + 0.3 * np.sin(4 * np.pi * f * t)) * _env(ln, 0.005, 0.18)
            _add(bass, bar * bar_n + step * ln, sig * 0.5)
        t = np.arange(bar_n) / RATE
        chord_sig = sum(np.sin(2 * np.pi * _hz(tr.root + 12 + c) * t + 0.3 * np.sin(2 * np.pi * 5 * t))
                        for c in chord)
        env = np.minimum(1, t / 0.08) * np.minimum(1, (t[-1] - t) / 0.08)
        _add(pad, bar * bar_n, chord_sig * env * 0.12)
    left = 0.9 * drums + bass + pad * 1.1
    right = 0.9 * drums + bass + np.roll(pad, int(0.012 * RATE)) * 0.9
    out = np.stack([left, right], axis=1)
    out /= np.max(np.abs(out)) / 0.7
    return out.astype(np.float32)


def _write_wav(path: Path, samples: np.ndarray) -> None:
    pcm = (np.clip(samples, -1, 1) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(samples.shape[1])
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(pcm.tobytes())


def write_track(name: str, out: Path) -> Path:
    """Synthesise ``name`` into ``out`` (``.ogg`` Vorbis, or ``.wav``)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    wav = out if out.suffix == ".wav" else out.with_suffix(".tmp.wav")
    _write_wav(wav, synthesise(name))
    if wav != out:
        run_ffmpeg(["-y", "-i", wav, "-c:a", "libvorbis", "-q:a", "2", out], what=f"writing music {out.name}")
        wav.unlink(missing_ok=True)
    return out


def shipped_folder() -> Path:
    return Path(str(resources.files("livehighlights") / "assets" / "music"))


def resolve_track(spec: str, cache: Path | None = None) -> Path:
    """The audio file of a built-in track name or a user's path. Raises :class:`InputError` for neither."""
    if spec in TRACKS:
        shipped = shipped_folder() / f"{spec}.ogg"
        if shipped.is_file():
            return shipped
        from ..media.models import cache_dir

        target = (cache or cache_dir()) / "music" / f"{spec}.wav"
        return target if target.is_file() else write_track(spec, target)
    return need_file(spec, "a music file", "music", f" (built-in tracks: {', '.join(TRACKS)})")


if __name__ == "__main__":
    for track in TRACKS:
        print(write_track(track, shipped_folder() / f"{track}.ogg"))
