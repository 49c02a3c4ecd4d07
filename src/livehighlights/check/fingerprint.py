"""Content fingerprints: what a clip's picture and sound look like at a few points, to tell whether a clip is
the window of the LIVE its sidecar names (provenance verified, not read).

At each point (a few, spread over the window, away from its edges) the picture is reduced to a 64-bit difference
hash of a 9x8 grey thumbnail (robust to re-encoding and scaling, far apart for another picture), and the sound
of the 2 seconds from there to a band-energy contour (16 log-spaced bands x 20 frames, normalised: robust to
AAC and level changes, uncorrelated for another soundtrack). Two fingerprints are compared point by point.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..timebase import Ms

__all__ = ["Fingerprint", "Match", "compare", "fingerprint", "points"]

POINTS = 5
"""Points per window."""
SOUND_MS = 2000
"""Sound fingerprinted after each point."""
EDGE_MS = 300
"""Points keep this far from the window's edges (a cut snaps to frames)."""
PICTURE_MAX_BITS = 14
"""Hamming distance (of 64 bits) up to which two pictures are the same frame (re-encoded, rescaled)."""
SOUND_MIN_CORR = 0.6
"""Correlation of band-energy contours from which two sounds are the same recording."""
_RATE = 16000
_BANDS = 16
_FRAMES = 20


@dataclass
class Fingerprint:
    """Picture hashes and sound contours at ``offsets_ms`` (from the window's start)."""

    offsets_ms: list[Ms]
    picture: list[str | None] = field(default_factory=list)
    """16 hex digits per point (``None`` where no frame could be decoded)."""
    sound: list[list[float] | None] = field(default_factory=list)
    """``_BANDS * _FRAMES`` values per point (``None`` where there was no sound)."""

    def to_json(self) -> dict[str, Any]:
        return {"offsets_ms": self.offsets_ms, "picture": self.picture, "sound": self.sound}

    @classmethod
    def from_json(cls, data: Any) -> Fingerprint | None:
        """A fingerprint read from a sidecar; ``None`` when it is absent or malformed (an older sidecar)."""
        try:
            fp = cls([int(x) for x in data["offsets_ms"]], [None if p is None else str(p) for p in data["picture"]],
                     [None if s is None else [float(v) for v in s] for s in data["sound"]])
        except (KeyError, TypeError, ValueError):
            return None
        n = len(fp.offsets_ms)
        return fp if n and len(fp.picture) == n and len(fp.sound) == n else None


def points(duration_ms: Ms, n: int = POINTS) -> list[Ms]:
    """``n`` points spread over a window of ``duration_ms``, each with :data:`SOUND_MS` of sound after it."""
    last = max(EDGE_MS, duration_ms - SOUND_MS - EDGE_MS)
    return sorted({int(EDGE_MS + (last - EDGE_MS) * i / max(1, n - 1)) for i in range(n)})


def _dhash(gray: np.ndarray) -> str:
    import cv2

    small = cv2.resize(gray, (9, 8), interpolation=cv2.INTER_AREA).astype(np.int16)
    bits = (small[:, 1:] > small[:, :-1]).ravel()
    return f"{int(''.join('1' if b else '0' for b in bits), 2):016x}"


def _contour(samples: np.ndarray) -> list[float] | None:
    need = _RATE * SOUND_MS // 1000
    if len(samples) < need // 2 or float(np.abs(samples).max(initial=0.0)) < 1e-4:
        return None
    x = np.zeros(need, dtype=np.float32)
    x[: min(need, len(samples))] = samples[:need]
    hop = need // _FRAMES
    win = np.hanning(hop * 2).astype(np.float32)
    edges = np.geomspace(150, 6000, _BANDS + 1)
    freqs = np.fft.rfftfreq(hop * 2, 1 / _RATE)
    band = np.searchsorted(edges, freqs) - 1
    out = np.zeros((_FRAMES, _BANDS))
    for f in range(_FRAMES):
        seg = x[f * hop: f * hop + hop * 2]
        if len(seg) < hop * 2:
            seg = np.pad(seg, (0, hop * 2 - len(seg)))
        power = np.abs(np.fft.rfft(seg * win)) ** 2
        for b in range(_BANDS):
            sel = band == b
            out[f, b] = power[sel].sum() if sel.any() else 0.0
    log = np.log10(out + 1e-9)
    log -= log.mean(axis=0, keepdims=True)  # per band over time: level and EQ changes drop out
    norm = float(np.linalg.norm(log))
    return [round(float(v), 3) for v in (log / norm).ravel()] if norm > 0 else None


def fingerprint(path: str | Path, start_ms: Ms, offsets: list[Ms], *, picture: bool = True,
                sound: bool = True) -> Fingerprint:
    """The fingerprint of ``path`` at ``start_ms + offset`` for each offset (pictures as displayed)."""
    from ..media.audio import read_mono
    from ..vision.frames import iter_frames

    fp = Fingerprint(list(offsets))
    for off in offsets:
        t = start_ms + off
        h = None
        if picture:
            try:
                frame = next(iter(iter_frames(path, t, t + 400, fps=None, short_side=72)), None)
            except Exception:  # noqa: BLE001 - an undecodable point is a missing hash, said by the comparison
                frame = None
            h = _dhash(frame.image) if frame is not None else None
        fp.picture.append(h)
        c = None
        if sound:
            try:
                c = _contour(read_mono(path, t, t + SOUND_MS, rate=_RATE))
            except Exception:  # noqa: BLE001 - no sound there
                c = None
        fp.sound.append(c)
    return fp


@dataclass
class Match:
    """How two fingerprints agree, point by point."""

    picture_bits: list[int | None]
    """Hamming distance per point (``None``: a picture missing on one side)."""
    sound_corr: list[float | None]

    @property
    def picture_same(self) -> bool | None:
        """Most compared points show the same frame (``None``: nothing to compare)."""
        known = [d for d in self.picture_bits if d is not None]
        return None if not known else sum(d <= PICTURE_MAX_BITS for d in known) * 2 > len(known)

    @property
    def sound_same(self) -> bool | None:
        known = [c for c in self.sound_corr if c is not None]
        return None if not known else sum(c >= SOUND_MIN_CORR for c in known) * 2 > len(known)

    def to_json(self) -> dict[str, Any]:
        return {"picture_bits": self.picture_bits, "sound_corr": self.sound_corr,
                "picture_same": self.picture_same, "sound_same": self.sound_same}


def compare(a: Fingerprint, b: Fingerprint) -> Match:
    """Point-by-point agreement of two fingerprints taken at the same offsets."""
    bits: list[int | None] = []
    corr: list[float | None] = []
    for pa, pb, sa, sb in zip(a.picture, b.picture, a.sound, b.sound, strict=False):
        bits.append(None if pa is None or pb is None else bin(int(pa, 16) ^ int(pb, 16)).count("1"))
        if sa is None or sb is None or len(sa) != len(sb):
            corr.append(None)
        else:
            corr.append(round(float(np.dot(np.asarray(sa), np.asarray(sb))), 3))
    return Match(bits, corr)
