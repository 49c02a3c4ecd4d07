"""The compliance report on real clips cut from a simulated LIVE, and on bad or doctored clips."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from conftest import run_cli

from livehighlights.check import RULES, ComplianceReport, RuleResult
from livehighlights.check.report import ordered
from livehighlights.media.ffmpeg import run_ffmpeg


@pytest.fixture(scope="module")
def clip(short_live, tmp_path_factory):
    """Our top highlight of the short LIVE, with its provenance sidecar."""
    out = tmp_path_factory.mktemp("checked")
    res = run_cli("process", short_live.recording, "--events", short_live.events, "--catalog", short_live.catalog,
                  "--out", out)
    assert res.returncode == 0, res.stderr
    report = json.loads((out / "highlights.json").read_text())
    top = report["highlights"][0]
    return out / top["clip"], top, report


def test_process_attaches_transcript_and_compliance(clip):
    path, top, _ = clip
    assert top["transcript"]["language"] == "en" and top["transcript"]["sentences"]
    rules = {r["id"]: r for r in top["compliance"]["rules"]}
    assert set(rules) == {r.id for r in RULES}
    assert top["tier"] in ("basic", "high", "good") and top["postable"] is True
    for rid in ("resolution", "length", "original_audio", "real_live", "product_in_live", "no_qr",
                "product_within_1s", "product_full_5s", "selling_points"):
        assert rules[rid]["status"] == "pass", rules[rid]
    assert rules["visual_enhancements"]["status"] == "fail"  # a raw cut, not a remix
    shown = [c for c in rules["action_cues"]["evidence"]["cues"] if c["source"] == "screen"]
    assert {"price_offer", "tap_cart"} <= {c["kind"] for c in shown}  # the LIVE's own price sticker, read
    assert rules["promotion_visuals"]["evidence"]["discounts"]
    assert top["content"]["product_visible_s"] is not None and top["content"]["product_visible_s"] <= 1.0
    first = top["transcript"]["sentences"][0]["start_s"]
    assert 0 <= first - top["start_s"] <= 1.0  # the clip starts on a sentence, not inside a word
    from livehighlights.media import audio_levels

    levels = audio_levels(path, 0, round(top["duration_s"] * 1000), hop_ms=10)
    speech = float(np.percentile(levels, 90))
    assert levels[:3].mean() < speech - 15 and levels[-3:].mean() < speech - 15  # quiet at both ends


def test_check_command_judges_our_clip(clip):
    path, _, _ = clip
    res = run_cli("check", path, "--json")
    assert res.returncode == 0, res.stderr
    report = json.loads(res.stdout)
    assert report["tier"] in ("basic", "high", "good")
    statuses = {r["id"]: r["status"] for r in report["rules"]}
    assert statuses["real_live"] == "pass"  # from the sidecar written by process
    res = run_cli("check", path)
    assert res.returncode == 0 and "Resolution at least 720p" in res.stdout


def test_wrong_product_is_caught(clip, short_live):
    path, top, _ = clip
    catalog = json.loads(Path(short_live.catalog).read_text())
    other = next(p["id"] for p in catalog if p["id"] != top["product_id"])
    res = run_cli("check", path, "--catalog", short_live.catalog, "--product", other, "--json")
    rules = {r["id"]: r for r in json.loads(res.stdout)["rules"]}
    assert rules["product_match"]["status"] == "fail", rules["product_match"]


def test_seller_clip_without_audio_fails_basic(clip, tmp_path):
    path, _, _ = clip
    mute = tmp_path / "mute.mp4"
    run_ffmpeg(["-i", str(path), "-an", "-c", "copy", str(mute)], what="strip audio")
    res = run_cli("check", mute, "--json")
    assert res.returncode == 1
    rules = {r["id"]: r for r in json.loads(res.stdout)["rules"]}
    assert rules["original_audio"]["status"] == "fail"
    assert rules["real_live"]["status"] == "unknown"  # no sidecar: we cannot know where it came from
    assert json.loads(res.stdout)["tier"] == "none"


def test_product_without_reference_picture_is_unknown(clip, short_live, tmp_path):
    path, top, _ = clip
    catalog = json.loads(Path(short_live.catalog).read_text())
    for p in catalog:
        p["images"] = []
    cat = tmp_path / "catalog.json"
    cat.write_text(json.dumps(catalog))
    copy = tmp_path / "clip.mp4"
    shutil.copy(path, copy)
    res = run_cli("check", copy, "--catalog", cat, "--product", top["product_id"], "--json")
    rules = {r["id"]: r for r in json.loads(res.stdout)["rules"]}
    assert rules["product_within_1s"]["status"] == "unknown"
    assert "reference picture" in rules["product_within_1s"]["reason"]


def test_bad_input_gives_clean_errors(tmp_path, short_live):
    res = run_cli("check", tmp_path / "missing.mp4")
    assert res.returncode == 2 and "missing.mp4" in res.stderr and "Traceback" not in res.stderr
    res = run_cli("check", short_live.recording, "--catalog", short_live.catalog, "--product", "nope")
    assert res.returncode == 2 and "nope" in res.stderr


def test_corrupt_clip_is_reported_unknown_not_crashed(tmp_path):
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(b"not a video" * 100)
    res = run_cli("check", junk, "--json")
    assert res.returncode == 1 and "Traceback" not in res.stderr
    report = json.loads(res.stdout)
    assert report["tier"] == "none"
    assert all(r["status"] == "unknown" and "cannot be read" in r["reason"] for r in report["rules"])


def test_audio_only_input_is_judged_not_crashed(tmp_path):
    wav = tmp_path / "voice.m4a"
    run_ffmpeg(["-f", "lavfi", "-i", "sine=frequency=300:duration=8", "-c:a", "aac", str(wav)], what="tone")
    res = run_cli("check", wav, "--json")
    assert res.returncode == 1 and "Traceback" not in res.stderr
    rules = {r["id"]: r for r in json.loads(res.stdout)["rules"]}
    assert rules["resolution"]["status"] == "fail" and "no video" in rules["resolution"]["reason"]
    assert rules["no_freeze"]["status"] == "unknown" and "no video" in rules["no_freeze"]["reason"]
    assert rules["original_audio"]["status"] == "pass"
    assert rules["length"]["status"] == "pass"


def test_tier_logic_and_missing_context():
    def report(statuses: dict[str, str], **context: bool) -> ComplianceReport:
        results = [RuleResult(r.id, statuses.get(r.id, "pass")) for r in RULES]
        return ComplianceReport(ordered(results), context=context)

    assert report({}, live=True, catalog=True).tier == "good"
    assert report({"no_black": "fail"}, live=True, catalog=True).tier == "none"
    assert report({"length_ideal": "fail"}, live=True, catalog=True).tier == "good"  # advisory
    assert report({"product_front": "fail"}, live=True, catalog=True).tier == "basic"
    assert report({"clear_placement": "unknown"}, live=True, catalog=True).tier == "high"
    unknown_live = report({"real_live": "unknown"}, live=False, catalog=True)
    assert unknown_live.tier == "good" and unknown_live.unverified == ["real_live"]
    assert report({"real_live": "unknown"}, live=True, catalog=True).tier == "none"


def test_remix_of_our_clip_reaches_high_tier(clip, tmp_path):
    path, top, report = clip
    out = tmp_path / "remix.mp4"
    res = run_cli("remix", f"{path.parent.parent / 'highlights.json'}#1", "--out", out, "--size", "720x1280",
                  "--preset", "ultrafast", "--no-music")
    assert res.returncode == 0, res.stderr
    res = run_cli("check", out, "--json")
    assert res.returncode == 0, res.stderr
    judged = json.loads(res.stdout)
    rules = {r["id"]: r for r in judged["rules"]}
    assert rules["visual_enhancements"]["status"] == "pass"
    assert rules["real_live"]["status"] == "pass" and rules["no_overdub"]["status"] == "pass"
    assert rules["product_within_1s"]["status"] == "pass", rules["product_within_1s"]  # stickers do not hide it
    assert judged["tier"] in ("high", "good")
