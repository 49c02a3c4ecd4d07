"""Provenance verified, not read: is a clip's picture and sound the window of the LIVE its sidecar names?

The sidecar (:mod:`.sidecar`) says which recording and window a clip was cut from and carries fingerprints
(:mod:`.fingerprint`) of the clip and of that window. :func:`verify` fingerprints the clip as it is now and
compares it with the named recording's window (when the recording is there), else with the fingerprint the
sidecar recorded for the clip: a sidecar copied next to another clip (colour bars with the LIVE's sound, the
LIVE's picture with another soundtrack) fails; without the recording the answer is unknown, with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..timebase import Ms
from .evidence import Provenance
from .fingerprint import Fingerprint, compare, fingerprint, points

__all__ = ["ProvenanceCheck", "fingerprints_for", "verify"]


@dataclass
class ProvenanceCheck:
    """Whether the clip's picture and sound are the claimed LIVE window's: ``pass``, ``fail`` or ``unknown``."""

    picture: str
    sound: str
    picture_reason: str
    sound_reason: str
    evidence: dict[str, Any] = field(default_factory=dict)


def fingerprints_for(clip: Path, recording: Path, start_ms: Ms, duration_ms: Ms) -> tuple[Fingerprint, Fingerprint]:
    """Fingerprints of ``clip`` (from its start) and of the recording's window starting at ``start_ms``, at the
    same points (what the sidecar keeps)."""
    offsets = points(duration_ms)
    return fingerprint(clip, 0, offsets), fingerprint(recording, start_ms, offsets)


def verify(clip: Path, prov: Provenance, duration_ms: Ms, clip_start_ms: Ms = 0,
           clip_size: tuple[int, int] | None = None) -> ProvenanceCheck:
    """Compare ``clip`` (its window from ``clip_start_ms``, ``duration_ms`` long) with the recording and window
    ``prov`` names. Never raises for a missing or unreadable recording: that is an ``unknown`` with the reason."""
    stored = Fingerprint.from_json(prov.clip_fingerprint) if prov.clip_fingerprint else None
    offsets = stored.offsets_ms if stored is not None else points(duration_ms)
    offsets = [o for o in offsets if o < duration_ms] or points(duration_ms)
    mine = fingerprint(clip, clip_start_ms, offsets)
    recording = Path(prov.live_recording)
    if recording.is_file():
        try:
            live = fingerprint(recording, prov.start_ms, offsets)
        except Exception as err:  # noqa: BLE001 - an unreadable recording: unknown, said
            why = f"the LIVE recording {recording} cannot be read ({err})"
            return ProvenanceCheck("unknown", "unknown", why, why)
        m = compare(mine, live)
        ev = {"live": str(recording), "start_ms": prov.start_ms, "end_ms": prov.end_ms, "match": m.to_json()}
        picture, picture_why = _picture(m.picture_same, "the LIVE's window", _reframed(recording, clip_size))
        sound, sound_why = _sound(m.sound_same, "the LIVE's window")
        return ProvenanceCheck(picture, sound, picture_why, sound_why, ev)
    missing = f"the LIVE recording {recording} named by the sidecar is not here to compare with"
    if stored is None:
        return ProvenanceCheck("unknown", "unknown", missing, missing)
    m = compare(mine, Fingerprint(offsets, stored.picture[: len(offsets)], stored.sound[: len(offsets)]))
    ev = {"live": str(recording), "match_with_sidecar": m.to_json()}
    if m.picture_same is False or m.sound_same is False:
        what = " and ".join(x for x, bad in (("picture", m.picture_same is False), ("sound", m.sound_same is False))
                            if bad)
        why = f"the clip's {what} is not what its sidecar recorded: not the clip the sidecar was written for"
        return ProvenanceCheck("fail" if m.picture_same is False else "unknown",
                               "fail" if m.sound_same is False else "unknown", why, why, ev)
    why = f"{missing} (the clip matches the fingerprints its sidecar recorded)"
    return ProvenanceCheck("unknown", "unknown", why, why, ev)


def _reframed(recording: Path, clip_size: tuple[int, int] | None) -> bool:
    """A portrait clip of a landscape LIVE is a moving crop (a remix): its picture cannot match whole frames."""
    if clip_size is None:
        return False
    try:
        from ..media import probe

        info = probe(recording)
    except Exception:  # noqa: BLE001
        return False
    return (info.width > info.height) != (clip_size[0] > clip_size[1])


def _picture(same: bool | None, against: str, reframed: bool) -> tuple[str, str]:
    if reframed:
        return "unknown", "a reframed remix (a crop of a landscape LIVE): its picture is verified by its sound only"
    if same is None:
        return "unknown", "no picture could be compared"
    if same:
        return "pass", f"the clip's picture matches {against}"
    return "fail", f"the clip's picture is not {against} (another video under the LIVE's sidecar?)"


def _sound(same: bool | None, against: str) -> tuple[str, str]:
    if same is None:
        return "unknown", "no sound could be compared"
    if same:
        return "pass", f"the clip's sound matches {against}"
    return "fail", f"the clip's sound is not {against}: another soundtrack"
