"""The LIVE simulator: real espeak-ng + FFmpeg, a 20 s 720p LIVE rendered once for the module."""

from __future__ import annotations

import json
from pathlib import Path

import av
import numpy as np
import pytest

from livehighlights.errors import InputError, ToolError
from livehighlights.models import EVENT_TYPES
from livehighlights.sim import SimConfig, SimResult, generate, simulate

SECONDS = 20


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> SimResult:
    return simulate(SimConfig(minutes=SECONDS / 60, seed=7), tmp_path_factory.mktemp("sim"))


@pytest.fixture(scope="module")
def truth(live: SimResult) -> dict:
    return json.loads(live.truth.read_text())


@pytest.fixture(scope="module")
def events(live: SimResult) -> list[dict]:
    return [json.loads(line) for line in live.events.read_text().splitlines()]


@pytest.fixture(scope="module")
def catalog(live: SimResult) -> dict[str, dict]:
    return {p["id"]: p for p in json.loads(live.catalog.read_text())}


def test_recording_streams(live: SimResult) -> None:
    with av.open(str(live.recording)) as c:
        v, a = c.streams.video[0], c.streams.audio[0]
        assert v.codec_context.name == "h264" and v.codec_context.profile == "High"
        assert (v.codec_context.width, v.codec_context.height) == (720, 1280)
        assert v.codec_context.pix_fmt == "yuv420p"
        assert v.average_rate == 30
        assert a.codec_context.name == "aac" and a.codec_context.sample_rate in (44100, 48000)
        v_dur = float(v.duration * v.time_base)
        a_dur = float(a.duration * a.time_base)
        assert abs(v_dur - SECONDS) <= 1 / 30 + 1e-6
        assert abs(a_dur - SECONDS) <= 0.05
        assert v.frames in (0, SECONDS * 30)
    assert live.duration_ms == SECONDS * 1000


def test_keyframes_every_two_seconds(live: SimResult) -> None:
    with av.open(str(live.recording)) as c:
        v = c.streams.video[0]
        keys = [float(p.pts * v.time_base) for p in c.demux(v) if p.is_keyframe and p.pts is not None]
    assert keys == pytest.approx([2.0 * k for k in range(len(keys))], abs=1e-3)
    assert len(keys) == SECONDS // 2


def test_events_valid_sorted_unique(events: list[dict], catalog: dict[str, dict], live: SimResult) -> None:
    assert len(events) == live.n_events > 20
    ts = [e["ts"] for e in events]
    assert ts == sorted(ts) and 0 <= ts[0] and ts[-1] < SECONDS
    assert len({e["id"] for e in events}) == len(events)
    assert {e["type"] for e in events} <= set(EVENT_TYPES)
    assert {"viewers", "like", "product_pin", "order"} <= {e["type"] for e in events}
    for e in events:
        if e["type"] == "order":
            p = catalog[e["product_id"]]
            unit = round(p["price"] * (1 - p["discount"]), 2)
            assert e["amount"] == pytest.approx(unit * e["quantity"], abs=0.011)
            assert e["gross_profit"] == pytest.approx(e["amount"] - p["cost"] * e["quantity"], abs=0.011)
            assert e["currency"] == "USD" and 1 <= e["quantity"] <= 3
        if e["type"] == "viewers":
            assert e["count"] > 0


def test_orders_follow_the_successful_pitch(events: list[dict], truth: dict) -> None:
    pitch = next(p for p in truth["pitches"] if p["success"])
    orders = [e for e in events if e["type"] == "order" and e["product_id"] == pitch["product_id"]]
    assert len(orders) >= 2
    assert sum(e["ts"] >= pitch["start_s"] for e in orders) >= 0.8 * len(orders)
    pins = [e for e in events if e["type"] == "product_pin"]
    assert any(abs(e["ts"] - pitch["start_s"]) <= 5 and e["product_id"] == pitch["pinned_product_id"] for e in pins)


def test_truth_and_catalog(live: SimResult, truth: dict, catalog: dict[str, dict]) -> None:
    assert truth["duration_s"] == SECONDS and truth["seed"] == 7
    assert truth["moments"], "a short LIVE still has one successful pitch"
    for m in truth["moments"]:
        assert 0 <= m["start_s"] < m["end_s"] <= SECONDS and m["product_id"] in catalog and m["kind"] == "pitch"
    for p in truth["pitches"]:
        assert set(p["selling_points_spoken"]) <= set(catalog[p["product_id"]]["selling_points"])
        assert len(p["selling_points_spoken"]) >= 2
        for vis in p["visible"]:
            assert p["start_s"] <= vis["enter_s"] <= vis["full_s"] <= vis["out_s"] <= vis["exit_s"] <= p["end_s"]
    for p in catalog.values():
        img = live.out_dir / p["images"][0]
        assert img.is_file() and img.stat().st_size > 5000
        assert 0 < p["discount"] < 1 and p["cost"] < p["price"] and 2 <= len(p["selling_points"]) <= 5
    spoken = " ".join(s["text"] for s in truth["speech"])
    pitch = truth["moments"][0]
    assert catalog[pitch["product_id"]]["title"] in spoken
    assert all(0 <= s["start_s"] < s["end_s"] <= SECONDS for s in truth["speech"])


def _audio(path: Path) -> tuple[np.ndarray, int]:
    with av.open(str(path)) as c:
        rate = c.streams.audio[0].sample_rate
        chunks = [f.to_ndarray().astype(np.float32).mean(axis=0) for f in c.decode(audio=0)]
    return np.concatenate(chunks), rate


def test_speech_is_loud_and_pauses_are_quiet(live: SimResult, truth: dict) -> None:
    x, rate = _audio(live.recording)
    assert abs(len(x) / rate - SECONDS) <= 0.05

    def rms(a: float, b: float) -> float:
        seg = x[int(a * rate): int(b * rate)]
        return float(np.sqrt(np.mean(seg * seg)))

    speech = truth["speech"]
    loud = [rms(s["start_s"], s["end_s"]) for s in speech]
    gaps = [(a["end_s"] + 0.05, b["start_s"] - 0.05) for a, b in zip(speech, speech[1:], strict=False)
            if b["start_s"] - a["end_s"] > 0.25]
    assert gaps
    quiet = [rms(a, b) for a, b in gaps]
    assert min(loud) > 0.02
    assert max(quiet) < min(loud) / 5
    assert min(quiet) > 0, "silence carries a noise floor, not digital zero"


def _frame(path: Path, t: float) -> np.ndarray:
    with av.open(str(path)) as c:
        v = c.streams.video[0]
        target = round(t * 30)
        for i, f in enumerate(c.decode(v)):
            if i == target:
                return f.to_ndarray(format="rgb24").astype(np.int16)
    raise AssertionError(f"no frame at {t}")


def test_product_visible_in_its_region(live: SimResult, truth: dict) -> None:
    pitch = truth["pitches"][0]
    vis = next(v for v in pitch["visible"] if v["where"] == "hands")
    x, y, w, h = vis["box"]
    shown = _frame(live.recording, (vis["full_s"] + vis["out_s"]) / 2)[y:y + h, x:x + w]
    empty = _frame(live.recording, max(0.0, vis["enter_s"] - 0.5))[y:y + h, x:x + w]
    assert float(np.abs(shown - empty).mean()) > 25


def test_landscape_is_16_by_9(tmp_path: Path) -> None:
    r = simulate(SimConfig(minutes=0.1, seed=3, orientation="landscape"), tmp_path)
    with av.open(str(r.recording)) as c:
        cc = c.streams.video[0].codec_context
        assert (cc.width, cc.height) == (1280, 720)
    assert json.loads(r.truth.read_text())["size"] == [1280, 720]


def test_same_seed_same_data_other_seed_differs(tmp_path: Path) -> None:
    outs = []
    for k, seed in enumerate((11, 11, 12)):
        cfg = SimConfig(minutes=8, seed=seed, difficulty="hard")
        simulate(cfg, tmp_path / str(k), media=False)
        outs.append({n: (tmp_path / str(k) / n).read_bytes() for n in ("events.jsonl", "truth.json", "catalog.json")})
    assert outs[0] == outs[1]
    assert outs[0]["events.jsonl"] != outs[2]["events.jsonl"]
    assert outs[0]["truth.json"] != outs[2]["truth.json"]


def test_long_live_plan_rates() -> None:
    _, show, events = generate(SimConfig(minutes=60, seed=5))
    n = len(show.pitches)
    assert 20 <= n <= 35
    assert 0.5 <= sum(p.success for p in show.pitches) / n <= 0.75
    assert 4 <= len(show.distractors) <= 8 and {d.kind for d in show.distractors} == {"giveaway", "raid"}
    lengths = [p.end_s - p.start_s for p in show.pitches]
    assert min(lengths) >= 15 and max(lengths) <= 100
    for p in show.pitches:  # orders of a working pitch come tens of seconds after its key moment
        if p.success:
            d = sorted(e["ts_ms"] / 1000 - p.key_s for e in events if e["type"] == "order"
                       and e["product_id"] == p.product_id and p.key_s <= e["ts_ms"] / 1000 < p.key_s + 150)
            assert d and 10 <= float(np.median(d)) <= 70
    _, hard, _ = generate(SimConfig(minutes=60, seed=5, difficulty="hard"))
    assert len(hard.distractors) > len(show.distractors)


def test_iso_timestamps(tmp_path: Path) -> None:
    simulate(SimConfig(minutes=0.5, seed=1, live_start_utc="2024-05-01T18:00:00Z"), tmp_path, media=False)
    first = json.loads((tmp_path / "events.jsonl").read_text().splitlines()[0])
    assert isinstance(first["ts"], str) and first["ts"].startswith("2024-05-01T18:00:") and first["ts"].endswith("Z")


@pytest.mark.parametrize(("kwargs", "field"), [({"minutes": 0}, "minutes"), ({"minutes": -1}, "minutes"),
                                               ({"resolution": "4k"}, "resolution"),
                                               ({"orientation": "square"}, "orientation"),
                                               ({"live_start_utc": "yesterday"}, "live_start_utc")])
def test_bad_config_names_the_field(tmp_path: Path, kwargs: dict, field: str) -> None:
    with pytest.raises(InputError, match=field):
        simulate(SimConfig(**kwargs), tmp_path)


def test_missing_espeak_is_a_clear_tool_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no espeak-ng reachable
    with pytest.raises(ToolError, match="apt-get install espeak-ng"):
        simulate(SimConfig(minutes=0.1), tmp_path / "out")
