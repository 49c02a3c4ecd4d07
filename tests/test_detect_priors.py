"""Short LIVEs and cold starts: a pitch that sold in a three-minute LIVE is a product moment, judged
against the stream's own rate per viewer blended with priors (a seller's past LIVEs or the population
defaults)."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from livehighlights.detect import DetectOptions
from livehighlights.detect.priors import PastLive, Priors, load_priors, remember, summarise
from livehighlights.engine import detect
from livehighlights.errors import InputError
from livehighlights.evaluate import overlap
from livehighlights.signals import build_timeline
from livehighlights.sim import SimConfig, simulate
from livehighlights.sources import load_catalog, load_events


def _short(tmp_path_factory, seed: int):
    out = tmp_path_factory.mktemp(f"short{seed}")
    simulate(SimConfig(minutes=3, seed=seed), out, media=False)
    truth = json.loads((out / "truth.json").read_text())
    return out, load_events(out / "events.jsonl"), load_catalog(out / "catalog.json"), truth


@pytest.fixture(scope="module", params=[2, 11])
def short_live(request, tmp_path_factory):
    return _short(tmp_path_factory, request.param)


def _sold_found(moments, truth) -> bool:
    sold = [(round(m["start_s"] * 1000), round(m["end_s"] * 1000)) for m in truth["moments"]]
    assert len(sold) == 1
    return any(m.kind == "product" and overlap((m.start_ms, m.end_ms), sold[0]) > 0 for m in moments)


def test_a_pitch_that_sold_in_a_three_minute_live_is_a_product_moment(short_live):
    _, log, catalog, truth = short_live
    found = detect(log.events, int(truth["duration_s"] * 1000), catalog=catalog).moments
    assert _sold_found(found, truth), [(m.kind, m.start_ms, m.evidence["orders"]) for m in found]
    product = [m for m in found if m.kind == "product"]
    assert len(product) == 1  # the pitches that did not sell are not
    evidence = product[0].evidence["orders"]
    assert evidence["priors"] == "population defaults" and evidence["expected"] < evidence["value"]
    assert product[0].product_id == truth["moments"][0]["product_id"]


def test_a_sellers_past_lives_set_the_bar(short_live, tmp_path):
    """A seller whose LIVEs always sell at a hundred times the population's baseline: the same few
    orders are no moment."""
    _, log, catalog, truth = short_live
    path = tmp_path / "past.json"
    busy = PastLive(duration_s=3600, viewer_seconds=3.6e5, orders=1000, baseline_orders=360)
    assert remember(path, busy) == 1 and remember(path, busy) == 2
    priors = load_priors(path)
    assert priors.orders_per_viewer_s > 50 * Priors().orders_per_viewer_s
    assert "2 past LIVEs" in priors.source
    opts = DetectOptions(priors=Priors(orders_per_viewer_s=priors.orders_per_viewer_s, strength_orders=50.0))
    found = detect(log.events, int(truth["duration_s"] * 1000), opts, catalog).moments
    assert not _sold_found(found, truth)


def test_summarise_a_live_for_the_priors_file(tmp_path_factory):
    out, log, catalog, truth = _short(tmp_path_factory, 5)
    timeline = build_timeline(log.events, int(truth["duration_s"] * 1000), catalog)
    past = summarise(timeline)
    assert past.orders == timeline.metrics["orders"].sum() > 0
    assert 0 < past.baseline_orders < past.orders
    assert past.viewer_seconds == pytest.approx(timeline.metrics["viewers"].sum())


@pytest.mark.parametrize("content, field", [
    ('{"lives": [{"duration_s": 60}]}', "lives[0]"),
    ('{"lives": [{"duration_s": 60, "mean_viewers": -3}]}', "lives[0]"),
    ('{"past": []}', "lives"),
])
def test_bad_priors_file_names_the_entry(tmp_path, content, field):
    path = tmp_path / "priors.json"
    path.write_text(content)
    with pytest.raises(InputError, match=re.escape(field)):
        load_priors(path)
    with pytest.raises(InputError, match="not found"):
        load_priors(tmp_path / "missing.json")


def test_moments_cli_reads_priors_and_reports_a_bad_file(short_live, tmp_path):
    out, *_ = short_live
    good = tmp_path / "good.json"
    good.write_text(json.dumps({"lives": [{"duration_s": 1800, "mean_viewers": 300, "orders": 20}]}))
    cmd = [sys.executable, "-m", "livehighlights._cli.main", "moments", str(out / "events.jsonl"),
           "--catalog", str(out / "catalog.json"), "--json", "--priors"]
    ok = subprocess.run([*cmd, str(good)], capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    moments = json.loads(ok.stdout)
    assert any(m["kind"] == "product" and "good.json (1 past LIVE)" in json.dumps(m["evidence"]) for m in moments)
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    err = subprocess.run([*cmd, str(bad)], capture_output=True, text=True)
    assert err.returncode != 0 and "bad.json" in err.stderr and "Traceback" not in err.stderr


def test_moments_cli_remembers_lives_for_later_priors(short_live, tmp_path):
    out, *_ = short_live
    past = tmp_path / "past.json"
    cmd = [sys.executable, "-m", "livehighlights._cli.main", "moments", str(out / "events.jsonl"), "--json"]
    for _ in range(2):
        res = subprocess.run([*cmd, "--remember", str(past)], capture_output=True, text=True)
        assert res.returncode == 0, res.stderr
    assert "2 past LIVEs" in res.stderr
    assert load_priors(past).source.endswith("(2 past LIVEs)")
    res = subprocess.run([*cmd, "--priors", str(past)], capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
