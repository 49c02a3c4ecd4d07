"""The command line end to end on a simulated LIVE: process, moments, demo, and bad input."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import av
import pytest
from conftest import run_cli

from livehighlights.evaluate import overlap
from livehighlights.media.ffmpeg import run_ffmpeg


def _truth(live) -> dict:
    return json.loads(Path(live.truth).read_text())


@pytest.fixture(scope="module")
def processed(short_live, tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    res = run_cli("process", short_live.recording, "--events", short_live.events,
                  "--catalog", short_live.catalog, "--out", out)
    assert res.returncode == 0, res.stderr
    return out, res, json.loads((out / "highlights.json").read_text())


def test_process_finds_the_planted_pitch_and_cuts_clips(short_live, processed):
    out, res, report = processed
    truth = _truth(short_live)
    assert report["highlights"], "no highlight found"
    planted = [(round(m["start_s"] * 1000), round(m["end_s"] * 1000), m["product_id"]) for m in truth["moments"]]
    top = report["highlights"][0]
    span = (round(top["start_s"] * 1000), round(top["end_s"] * 1000))
    hits = [p for p in planted if overlap(span, p[:2]) > 0]
    assert hits, f"top highlight {span} overlaps no planted moment {planted}"
    assert top["product_id"] == hits[0][2]
    assert 5.0 <= top["duration_s"] <= 60.0
    assert top["moment"]["breakdown"] and top["score"] > 0
    assert "highlights" in res.stdout and top["product_id"] in res.stdout


def test_clip_files_are_playable_and_keep_source_format(short_live, processed):
    out, _, report = processed
    for h in report["highlights"]:
        clip = out / h["clip"]
        with av.open(str(clip)) as c:
            v = c.streams.video[0]
            assert v.codec_context.name == "h264"
            assert (v.codec_context.width, v.codec_context.height) == (720, 1280)
            assert c.streams.audio, "the original audio must be kept"
            frames = sum(1 for _ in c.decode(video=0))
        assert abs(frames - h["duration_s"] * 30) <= 1
        thumb = out / h["thumbnail"]
        assert thumb.read_bytes()[:3] == b"\xff\xd8\xff"


def test_moments_json_from_events_alone(short_live):
    res = run_cli("moments", short_live.events, "--json")
    assert res.returncode == 0, res.stderr
    moments = json.loads(res.stdout)
    assert isinstance(moments, list) and moments
    for m in moments:
        assert {"start_s", "end_s", "peak_s", "score", "product_id", "breakdown"} <= m.keys()
        assert m["start_s"] <= m["peak_s"] <= m["end_s"]
    truth = _truth(short_live)
    product = [m for m in moments if m["kind"] == "product"]
    assert any(overlap((m["start_s"], m["end_s"]), (t["start_s"], t["end_s"])) > 0
               for m in product for t in truth["moments"])


def _assert_clean_error(res, *needles: str) -> None:
    assert res.returncode != 0
    assert "Traceback" not in res.stderr + res.stdout
    for needle in needles:
        assert needle in res.stderr, res.stderr


def test_missing_recording(short_live, tmp_path):
    res = run_cli("process", tmp_path / "nope.mp4", "--events", short_live.events, "--out", tmp_path / "o")
    _assert_clean_error(res, "nope.mp4")


def test_recording_without_audio(short_live, tmp_path):
    silent = tmp_path / "noaudio.mp4"
    run_ffmpeg(["-i", str(short_live.recording), "-an", "-c", "copy", str(silent)], what="strip audio")
    res = run_cli("process", silent, "--events", short_live.events, "--out", tmp_path / "o")
    _assert_clean_error(res, "noaudio.mp4", "audio")


def test_truncated_and_corrupt_recordings(short_live, tmp_path):
    data = Path(short_live.recording).read_bytes()
    cut = tmp_path / "truncated.mp4"
    cut.write_bytes(data[: len(data) * 2 // 5])
    res = run_cli("process", cut, "--events", short_live.events, "--out", tmp_path / "o")
    _assert_clean_error(res, "truncated.mp4")
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(b"\x00\x01not a video" * 1000)
    res = run_cli("process", junk, "--events", short_live.events, "--out", tmp_path / "o")
    _assert_clean_error(res, "junk.mp4")


def test_event_log_problems(short_live, tmp_path):
    lines = Path(short_live.events).read_text().splitlines()
    shifted = tmp_path / "late.jsonl"
    shifted.write_text("\n".join(json.dumps({**json.loads(x), "ts": json.loads(x)["ts"] + 10_000})
                                 for x in lines))
    res = run_cli("process", short_live.recording, "--events", shifted, "--out", tmp_path / "o")
    _assert_clean_error(res, "late.jsonl", "overlap")

    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    res = run_cli("process", short_live.recording, "--events", empty, "--out", tmp_path / "o")
    _assert_clean_error(res, "empty.jsonl")

    broken = tmp_path / "broken.jsonl"
    broken.write_text("\n".join(lines[:5] + ["{not json"] + lines[5:]))
    res = run_cli("process", short_live.recording, "--events", broken, "--out", tmp_path / "ok", "--no-clips")
    assert res.returncode == 0, res.stderr
    assert "broken.jsonl" in res.stderr and "line 6" in res.stderr
    res = run_cli("process", short_live.recording, "--events", broken, "--out", tmp_path / "o", "--strict")
    _assert_clean_error(res, "broken.jsonl", "line 6")


def test_unknown_products_are_reported_not_fatal(short_live, tmp_path):
    events = tmp_path / "events.jsonl"
    extra = json.dumps({"ts": 1.0, "type": "order", "product_id": "ghost-42", "quantity": 1, "amount": 5.0})
    events.write_text(Path(short_live.events).read_text().rstrip("\n") + "\n" + extra + "\n")
    res = run_cli("process", short_live.recording, "--events", events, "--catalog", short_live.catalog,
                  "--out", tmp_path / "o", "--no-clips")
    assert res.returncode == 0, res.stderr
    assert "ghost-42" in res.stderr


def test_demo_runs_end_to_end(tmp_path):
    res = run_cli("demo", "--minutes", "0.5", "--seed", "7", "--out", "demo", cwd=tmp_path)  # relative, as a user types
    assert res.returncode == 0, res.stderr
    report = tmp_path / "demo" / "highlights" / "highlights.json"
    assert report.exists()
    assert list((tmp_path / "demo" / "highlights" / "clips").glob("*.mp4"))
    live = json.loads(report.read_text())["live"]
    assert all(Path(live[k]).is_absolute() and Path(live[k]).is_file() for k in ("recording", "events", "catalog"))
    # the report is usable from anywhere: a remix of its first highlight from another folder
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    res = run_cli("remix", f"{report}#1", "--size", "720x1280", "--out", "teaser.mp4", cwd=elsewhere)
    assert res.returncode == 0, res.stderr
    assert (elsewhere / "teaser.mp4").stat().st_size > 10_000
    shutil.rmtree(tmp_path / "demo")


def test_unknown_speech_model_fails_before_work(short_live, tmp_path):
    out = tmp_path / "out"
    proc = run_cli("process", short_live.recording, "--events", short_live.events, "--catalog", short_live.catalog,
                   "--out", out, "--speech-model", "no-such-model-xyz")
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr
    assert "no-such-model-xyz" in proc.stderr and "not built in" in proc.stderr
    assert not out.exists()
    proc = run_cli("check", short_live.recording, "--model", "no-such-model-xyz")
    assert proc.returncode not in (0, 1) and "not built in" in proc.stderr
