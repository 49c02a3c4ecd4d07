"""``process`` on per-minute totals (a shop's LIVE analytics export) with the LIVE's recording: the totals are
detected at a minute's resolution, the product of a minute that sold is taken from the recording (named in speech,
else shown on screen), and the clip is placed within the minute by speech and vision.

A real simulated LIVE (4 minutes, seed 8: one pitch that sells, p02 at 153.1-176.2 s, and one that does not), its
events written as per-minute totals (no product id), its real recording and catalog; real FFmpeg, speech and
vision. No mocks.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import run_cli

from livehighlights.jobs.attach import coarse_sales
from livehighlights.models import Moment
from livehighlights.pipeline import ProcessOptions, ProcessResult, process
from livehighlights.sim import SimConfig, simulate
from livehighlights.sim.minutes import write_minutes
from livehighlights.sources import load_events
from livehighlights.store import open_store

SEED, MINUTES = 8, 4


@pytest.fixture(scope="module")
def minute_live(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path | tuple[float, float] | str]:
    """The simulated LIVE, its per-minute export, its catalog and two altered catalogs: products renamed and
    given selling points the host never says (pictures kept), and the same without pictures."""
    folder = tmp_path_factory.mktemp("minute_live")
    sim = simulate(SimConfig(minutes=MINUTES, seed=SEED, resolution="720p"), folder)
    minutes = folder / "sales.minutes.csv"
    write_minutes(load_events(sim.events).events, sim.duration_ms, minutes)
    truth = json.loads(sim.truth.read_text())
    sold = [m for m in truth["moments"] if m["kind"] == "pitch"]
    assert len(sold) == 1  # the simulator's seed plants one pitch that sells
    products = json.loads(sim.catalog.read_text())
    for i, p in enumerate(products):
        p["title"], p["brand"] = f"Zebulon{i} Quokka{i} Lantern{i}", f"Zebulon{i}"
        p["selling_points"] = [f"Quokka{i} certified lantern grade zebulite"]
        p["images"] = [str((folder / img).resolve()) for img in p["images"]]
    unnamed = folder / "unnamed.json"
    unnamed.write_text(json.dumps(products))
    for p in products:
        p["images"] = []
    unseen = folder / "unseen.json"
    unseen.write_text(json.dumps(products))
    return {"recording": sim.recording, "minutes": minutes, "catalog": sim.catalog, "unnamed": unnamed,
            "unseen": unseen, "pitch": (sold[0]["start_s"], sold[0]["end_s"]), "product": sold[0]["product_id"]}


def _process(live: dict, catalog: str, tmp_path: Path) -> ProcessResult:
    with open_store(f"sqlite:///{tmp_path / 'p.db'}", media_root=tmp_path / "media") as store:
        return process(live["recording"], live["minutes"], tmp_path / "out", catalog_path=live[catalog],
                       store=store)


def _check_placed(result: ProcessResult, live: dict, how: str) -> None:
    assert len(result.highlights) == 1, [r.reason for r in result.rejected]
    win = result.highlights[0].window
    assert win.product_id == live["product"]
    assert win.moment.kind == "product"
    attached = win.moment.evidence["product_from"]
    assert attached["how"] == how and attached["product_id"] == live["product"]
    p0, p1 = attached["period_s"]
    assert p1 - p0 >= 60 and p0 % 60 == 0  # the period is whole minutes of the export
    start, end = win.start_ms / 1000, win.end_ms / 1000
    assert p0 - 1 <= start and end <= p1 + 1, (start, end, p0, p1)  # within the minute(s) that sold
    a, b = live["pitch"]
    overlap = min(end, b) - max(start, a)
    assert overlap >= 0.6 * (b - a), (start, end, a, b)  # the clip covers most of the planted pitch
    assert (result.out_dir / "highlights.json").exists() and result.highlights[0].compliance is not None


def test_per_minute_totals_give_a_product_highlight_of_the_sale_named_in_speech(minute_live: dict,
                                                                               tmp_path: Path) -> None:
    result = _process(minute_live, "catalog", tmp_path)
    _check_placed(result, minute_live, "speech")
    assert not any("no product could be attached" in w.message for w in result.warnings)


def test_per_minute_product_shown_but_not_named_is_attached_by_vision(minute_live: dict, tmp_path: Path) -> None:
    result = _process(minute_live, "unnamed", tmp_path)
    _check_placed(result, minute_live, "vision")
    assert "no catalog product named" in result.highlights[0].window.moment.evidence["product_from"]["detail"]


def test_per_minute_minute_with_no_product_named_or_shown_warns(minute_live: dict, tmp_path: Path) -> None:
    result = _process(minute_live, "unseen", tmp_path)
    assert result.highlights == []
    sales = [m for m in result.moments if m.kind == "sales"]
    assert sales, [m.kind for m in result.moments]  # the minute that sold is still found and reported
    said = [w.message for w in result.warnings if "no product could be attached" in w.message]
    assert len(said) == len(sales) and "nor shown" in said[0] and "makes no clip" in said[0]
    # the command line says it too, and the export lists the moment
    out = tmp_path / "cli"
    proc = run_cli("process", minute_live["recording"], "--events", minute_live["minutes"], "--out", out,
                   "--catalog", minute_live["unseen"], "--no-clips", "--db", f"sqlite:///{tmp_path / 'c.db'}",
                   "--media-root", tmp_path / "cm")
    assert proc.returncode == 0, proc.stderr
    assert "no product could be attached" in " ".join(proc.stderr.split())


def test_only_coarse_sales_moments_take_a_product_from_the_recording() -> None:
    sales = Moment(60_000, 120_000, 60_000, 3.0, "shopping", kind="sales")
    assert coarse_sales(sales, 60)
    assert not coarse_sales(sales, 1)  # per-second input: left exactly as before
    assert not coarse_sales(Moment(60_000, 120_000, 60_000, 3.0, "shopping", "p01", kind="product"), 60)
    assert not coarse_sales(Moment(60_000, 120_000, 60_000, 3.0, "shopping", kind="engagement"), 60)


def test_per_minute_metrics_only_says_why_no_clip(minute_live: dict, tmp_path: Path) -> None:
    with open_store(f"sqlite:///{tmp_path / 'p.db'}", media_root=tmp_path / "media") as store:
        result = process(minute_live["recording"], minute_live["minutes"], tmp_path / "out",
                         catalog_path=minute_live["catalog"], options=ProcessOptions(understand=None), store=store)
    assert result.highlights == []
    said = [w.message for w in result.warnings if "no product could be attached" in w.message]
    assert said and "speech and vision are off" in said[0]
