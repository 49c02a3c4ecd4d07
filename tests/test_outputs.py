"""No command writes over one of its inputs, or over a file it did not make, without being told."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

from conftest import run_cli


def _digest(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def test_remix_refuses_to_overwrite_its_inputs(short_live, tmp_path: Path) -> None:
    clip = tmp_path / "clip.mp4"
    shutil.copyfile(short_live.recording, clip)
    recording_copy = tmp_path / "recording.mp4"
    shutil.copyfile(short_live.recording, recording_copy)
    # a sidecar naming the LIVE's recording, as process writes it
    (tmp_path / "clip.mp4.json").write_text(json.dumps({
        "provenance": {"live_recording": str(recording_copy), "start_ms": 0, "end_ms": 9000},
        "product_id": None, "catalog": None}))
    before = {p: _digest(p) for p in (clip, recording_copy)}
    for target in (clip, recording_copy):
        proc = run_cli("remix", clip, "--out", target, "--overwrite")
        assert proc.returncode != 0
        assert "Traceback" not in proc.stderr
        assert "inputs" in proc.stderr, proc.stderr
    assert {p: _digest(p) for p in before} == before


def test_remix_needs_overwrite_for_a_file_it_did_not_make(short_live, tmp_path: Path) -> None:
    mine = tmp_path / "holiday.mp4"
    mine.write_bytes(b"not ours")
    proc = run_cli("remix", short_live.recording, "--out", mine)
    assert proc.returncode != 0 and "--overwrite" in proc.stderr and "Traceback" not in proc.stderr
    assert mine.read_bytes() == b"not ours"
    folder = tmp_path / "a-folder"
    folder.mkdir()
    proc = run_cli("remix", short_live.recording, "--out", folder)
    assert proc.returncode != 0 and "is a folder" in proc.stderr


def test_check_output_file_rules(tmp_path: Path) -> None:
    import pytest

    from livehighlights.errors import InputError
    from livehighlights.outputs import check_output_file

    src = tmp_path / "in.mp4"
    src.write_bytes(b"x")
    with pytest.raises(InputError, match="inputs"):
        check_output_file(tmp_path / "." / "in.mp4", inputs=[src], overwrite=True)
    ours = tmp_path / "r.mp4"
    ours.write_bytes(b"y")
    check_output_file(ours, inputs=[src], ours=lambda p: True)  # a remix we made may be replaced
    with pytest.raises(InputError, match="is a file"):
        check_output_file(src / "sub" / "out.mp4", inputs=[])
    check_output_file(tmp_path / "new" / "deeper" / "out.mp4", inputs=[src])
