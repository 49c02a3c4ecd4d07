"""Provenance is verified, not read: a sidecar copied next to another clip (colour bars with the LIVE's sound, or
the LIVE's picture with another soundtrack) fails "taken from a real LIVE" / "audio not overdubbed"; without the
recording the answer is unknown, with the reason."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import media_ffmpeg, run_cli

from livehighlights.check.evidence import Provenance
from livehighlights.check.fingerprint import Fingerprint, compare, fingerprint
from livehighlights.check.provenance import verify
from livehighlights.check.sidecar import provenance_path, read_sidecars, write_provenance
from livehighlights.render import cut_clip

START, END = 10_000, 22_000


@pytest.fixture(scope="module")
def genuine(short_live, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("prov")
    clip = cut_clip(short_live.recording, START, END, folder / "clip.mp4").path
    write_provenance(clip, Provenance(str(short_live.recording.resolve()), START, END, product_in_live=True),
                     product_id=None, catalog=None)
    return clip


def _forge(genuine: Path, out: Path, *inputs_and_maps: str) -> Path:
    media_ffmpeg(*inputs_and_maps, "-c:v", "libx264", "-preset", "veryfast", "-c:a", "aac", "-shortest", str(out))
    shutil.copy(provenance_path(genuine), provenance_path(out))  # the real highlight's sidecar, copied
    return out


def _rules(clip: Path) -> dict[str, dict]:
    res = run_cli("check", clip, "--json")
    assert res.returncode in (0, 1), res.stderr
    return {r["id"]: r for r in json.loads(res.stdout)["rules"]}


def test_sidecar_carries_the_clips_fingerprint_and_it_matches_the_window(genuine: Path) -> None:
    data = json.loads(provenance_path(genuine).read_text())["provenance"]
    fp = data["clip_fingerprint"]
    assert len(fp["offsets_ms"]) == len(fp["picture"]) == len(fp["sound"]) >= 3
    assert all(p is not None for p in fp["picture"]) and all(s is not None for s in fp["sound"])
    prov = read_sidecars(genuine)[0]
    assert prov is not None
    window = fingerprint(Path(prov.live_recording), prov.start_ms, fp["offsets_ms"])
    m = compare(Fingerprint.from_json(fp), window)  # type: ignore[arg-type]
    assert m.picture_same and m.sound_same, m.to_json()


def test_the_genuine_clip_passes(genuine: Path) -> None:
    rules = _rules(genuine)
    assert rules["real_live"]["status"] == "pass" and rules["no_overdub"]["status"] == "pass", rules["real_live"]


def test_colour_bars_with_the_lives_sound_fail(genuine: Path, tmp_path: Path) -> None:
    bars = _forge(genuine, tmp_path / "bars.mp4", "-f", "lavfi", "-i", "smptebars=size=720x1280:rate=30:d=12",
                  "-i", str(genuine), "-map", "0:v", "-map", "1:a")
    rules = _rules(bars)
    assert rules["real_live"]["status"] == "fail", rules["real_live"]
    assert rules["no_overdub"]["status"] == "pass"  # the sound is the LIVE's: only the picture is forged


def test_the_lives_picture_with_another_soundtrack_fails(genuine: Path, tmp_path: Path) -> None:
    from livehighlights.remix.music import resolve_track

    dub = _forge(genuine, tmp_path / "dub.mp4", "-i", str(genuine), "-i", str(resolve_track("chill")),
                 "-map", "0:v", "-map", "1:a")
    rules = _rules(dub)
    assert rules["no_overdub"]["status"] == "fail", rules["no_overdub"]
    assert "another soundtrack" in rules["no_overdub"]["reason"]


def test_without_the_recording_unknown_with_the_reason_and_a_forgery_still_fails(genuine: Path,
                                                                                  tmp_path: Path) -> None:
    data = json.loads(provenance_path(genuine).read_text())
    data["provenance"]["live_recording"] = str(tmp_path / "gone" / "recording.mp4")
    moved = tmp_path / "moved.mp4"
    shutil.copy(genuine, moved)
    provenance_path(moved).write_text(json.dumps(data))
    prov = read_sidecars(moved)[0]
    assert prov is not None
    c = verify(moved, prov, END - START)
    assert (c.picture, c.sound) == ("unknown", "unknown") and "not here" in c.picture_reason
    bars = tmp_path / "bars2.mp4"
    media_ffmpeg("-f", "lavfi", "-i", "smptebars=size=720x1280:rate=30:d=12", "-i", str(genuine), "-map", "0:v",
                 "-map", "1:a", "-c:v", "libx264", "-preset", "veryfast", "-c:a", "copy", "-shortest", str(bars))
    c = verify(bars, prov, END - START)
    assert c.picture == "fail" and "not the clip the sidecar was written for" in c.picture_reason


def test_an_older_sidecar_without_fingerprints_is_still_read_and_verified(genuine: Path, tmp_path: Path) -> None:
    data = json.loads(provenance_path(genuine).read_text())
    for key in ("clip_fingerprint", "live_fingerprint"):
        del data["provenance"][key]
    old = tmp_path / "old.mp4"
    shutil.copy(genuine, old)
    provenance_path(old).write_text(json.dumps(data))
    prov = read_sidecars(old)[0]
    assert prov is not None and prov.clip_fingerprint is None
    c = verify(old, prov, END - START)
    assert (c.picture, c.sound) == ("pass", "pass"), (c.picture_reason, c.sound_reason)
