"""A remix of a stored highlight reuses what its job already found (the transcript with its words' times) instead
of recognising the speech again; stickers are only drawn at a size legible on a phone.

Real media (the project's simulator), real FFmpeg, the real speech recogniser and a real SQLite store through
the real CLI.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import run_cli

from livehighlights.remix import RemixOptions, load_style, remix, resolve_source
from livehighlights.remix.elements import MIN_TEXT, SHRINK, TEXT_SHARE, _narrow_lines, legible_sizes
from livehighlights.remix.layout import SafeArea, overlap
from livehighlights.remix.reuse import RECOGNISED, REUSED, StoredWindow, attach_stored, corrected, stored_transcript


@pytest.fixture(scope="module")
def stored(short_live, tmp_path_factory):
    """``short_live`` processed into a store of its own: (store args, out folder, highlights.json)."""
    tmp = tmp_path_factory.mktemp("reuse")
    store = ["--db", f"sqlite:///{tmp / 'lh.db'}", "--media-root", str(tmp / "media")]
    res = run_cli("process", short_live.recording, "--events", short_live.events, "--catalog", short_live.catalog,
                  "--out", tmp / "out", *store)
    assert res.returncode == 0, res.stderr
    report = json.loads((tmp / "out" / "highlights.json").read_text())
    assert report["highlights"], report
    return store, tmp, report


def test_stored_transcript_keeps_the_words_times(stored):
    """The job's transcript of a highlight is stored with every word's time, inside its window."""
    _store, _tmp, report = stored
    h = report["highlights"][0]
    doc = h["transcript"]
    assert doc["word_times"] is True and doc["sentences"]
    for s in doc["sentences"]:
        assert s["words"] and "".join(w["text"] for w in s["words"]).strip() == s["text"]
        for w in s["words"]:
            assert h["start_s"] - 0.1 <= w["start_s"] <= w["end_s"] <= h["end_s"] + 0.1


def test_remix_of_a_stored_highlight_does_not_recognise_again(stored, tmp_path):
    """``remix h_...`` of a stored highlight burns the stored words (catalog spelling applied): the sidecar
    says the transcript was reused and no speech recognition ran; the layout still keeps our elements apart."""
    store, _tmp, report = stored
    h = report["highlights"][0]
    out = tmp_path / "remix.mp4"
    res = run_cli("remix", h["id"], "--out", out, "--size", "720x1280", "--live-on", *store)
    assert res.returncode == 0, res.stderr
    data = json.loads(out.with_name("remix.remix.json").read_text())
    subs = data["enhancements"]["subtitles"]
    assert subs["transcript"] == REUSED and subs["status"] == "burned", subs
    assert "transcript_reused" in data["timings_s"] and "transcribe" not in data["timings_s"], data["timings_s"]
    # the burned cards are the stored words, in the clip's time (its window starts at the highlight's start)
    stored_words = {w["text"].strip() for s in h["transcript"]["sentences"] for w in s["words"]}
    fixed = " ".join(c["corrected"] for c in subs.get("corrections") or [])
    burned = " ".join(text for _a, _b, text in subs["timing"]).split()
    known = [w for w in burned if w in stored_words or w in fixed]
    assert burned and len(known) >= 0.9 * len(burned), (burned, stored_words)
    first_word = h["transcript"]["sentences"][0]["words"][0]
    assert abs(subs["timing"][0][0] - (first_word["start_s"] - h["start_s"]) * 1000) < 600, subs["timing"][0]
    ours = [(s["kind"], tuple(s["box"])) for s in data["enhancements"]["stickers"]] + [("band", tuple(subs["band"]))]
    for i, (ka, a) in enumerate(ours):
        assert SafeArea(720, 1280).contains(a), a
        # one place for the spoken points: each shows while it is said
        assert all(overlap(a, b) == 0 for kb, b in ours[i + 1:] if not ka == kb == "point"), ours


def test_report_entry_reused_and_old_record_recognised(stored, short_live, tmp_path):
    """``highlights.json#1`` reuses its entry's transcript; a transcript stored without word times (recorded
    before they were kept) is recognised again, and says so."""
    _store, tmp, _report = stored
    src = resolve_source(f"{tmp / 'out' / 'highlights.json'}#1")
    assert src.transcript is not None and src.transcript.words and src.transcript.start_ms == 0
    entry = json.loads((tmp / "out" / "highlights.json").read_text())["highlights"][0]
    old = {k: v for k, v in entry["transcript"].items() if k != "word_times"}
    attach_stored(src, StoredWindow(round(entry["start_s"] * 1000), round(entry["end_s"] * 1000), old))
    assert src.transcript is None and src.language == "en"
    res = remix(src, tmp_path / "old.mp4", RemixOptions(size="720x1280", no_music=True))
    subs = res.data["enhancements"]["subtitles"]
    assert subs["transcript"] == RECOGNISED and "transcribe" in res.timings, (subs, res.timings)


def test_stored_transcript_window_and_bad_documents():
    """Times move into the clip's time; words outside the clip are left out; a document without word times,
    or a malformed one, is not reused (``None``)."""
    doc = {"language": "en", "model": "tiny.en", "word_times": True, "sentences": [
        {"start_s": 9.5, "end_s": 11.0, "text": "Before. Look", "words": [
            {"start_s": 9.5, "end_s": 9.9, "text": " Before.", "p": 0.9},
            {"start_s": 10.2, "end_s": 11.0, "text": " Look", "p": 0.8}]},
        {"start_s": 11.2, "end_s": 12.0, "text": "at Refriendly filters", "words": [
            {"start_s": 11.2, "end_s": 11.4, "text": " at", "p": 0.9},
            {"start_s": 11.5, "end_s": 11.8, "text": " Refriendly", "p": 0.5},
            {"start_s": 11.8, "end_s": 12.0, "text": " filters", "p": 0.9},
            {"start_s": 40.0, "end_s": 41.0, "text": " after", "p": 0.9}]}]}
    t = stored_transcript(doc, 10_000, 30_000)
    assert t is not None and t.duration_ms == 20_000 and t.language == "en"
    assert [(w.start_ms, w.text.strip()) for w in t.words] == [(200, "Look"), (1200, "at"), (1500, "Refriendly"),
                                                               (1800, "filters")]
    fixed = corrected(t, ["Reef friendly filters", "Belvo"], ["Belvo"])
    assert "Reef friendly filters" in " ".join(s.text for s in fixed.sentences), fixed.sentences
    assert fixed.corrections
    assert stored_transcript({**doc, "word_times": False}, 10_000, 30_000) is None
    assert stored_transcript({"word_times": True, "sentences": [{"words": [{"start_s": "x"}]}]}, 0, 1000) is None
    assert stored_transcript(None, 0, 1000) is None
    assert stored_transcript(doc, 5000, 5000) is None


def test_stickers_only_at_legible_sizes():
    """No sticker is offered at a size that draws its main line under :data:`MIN_TEXT` of the frame's height
    (classic style, 1920 high); the spoken point also comes on narrower lines."""
    style = load_style("classic")
    for kind, share in TEXT_SHARE.items():
        n = legible_sizes(kind, style, 1920)
        assert 1 <= n <= len(SHRINK)
        assert style.stickers.size * share * SHRINK[n - 1] >= MIN_TEXT or n == 1, kind
        if n < len(SHRINK):
            assert style.stickers.size * share * SHRINK[n] < MIN_TEXT, kind
    lines = _narrow_lines("\u2714 Reef friendly filters", 24)
    assert lines == ["\u2714 Reef", "friendly", "filters"], lines
    assert _narrow_lines("Waterproof", 24) == ["Waterproof"]


def test_face_found_on_a_1080p_live(tmp_path):
    """The host's face on a 1080p simulated LIVE is found even where the detector's score stays low on every
    keyframe (a face steady at one place), where the truth puts it."""
    from livehighlights.render import cut_clip
    from livehighlights.sim import SimConfig, simulate
    from livehighlights.vision.faces import find_faces

    live = simulate(SimConfig(minutes=0.75, seed=3, resolution="1080p"), tmp_path / "live")
    face = json.loads(Path(live.truth).read_text())["host"]["face_box"]
    cut_clip(live.recording, 10_000, 40_000, tmp_path / "clip.mp4")  # its 10 keyframes read score under 0.2
    found = find_faces(tmp_path / "clip.mp4", 0, 30_000)
    assert found.status == "ok" and found.faces, found
    assert overlap(found.faces[0].box, tuple(face)) > 0.5 * face[2] * face[3], (found.faces, face)
