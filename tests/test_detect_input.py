"""Input that hides some kinds of moment says so: comments only, no comments, a one-minute LIVE, per-minute
analytics with gaps, repeated minutes and counters that go backwards or reset."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from livehighlights.engine import detect
from livehighlights.evaluate import overlap
from livehighlights.sim import SimConfig, simulate
from livehighlights.sources import load_catalog, load_events


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    out = tmp_path_factory.mktemp("live10")
    simulate(SimConfig(minutes=10, seed=3), out, media=False)
    truth = json.loads((out / "truth.json").read_text())
    return out, load_events(out / "events.jsonl"), load_catalog(out / "catalog.json"), truth


def _messages(detection) -> str:
    return " | ".join(str(w) for w in detection.warnings)


def test_a_stream_of_comments_only_says_what_it_cannot_show(live):
    _, log, catalog, truth = live
    comments = [e for e in log.events if e.type == "comment"]
    found = detect(comments, int(truth["duration_s"] * 1000), catalog=catalog)
    assert "only comments" in _messages(found)
    assert all(m.kind == "engagement" for m in found.moments)
    assert found.moments or "no moment found" in _messages(found)


def test_a_stream_without_comments_says_so_and_still_finds_sales(live):
    _, log, catalog, truth = live
    events = [e for e in log.events if e.type != "comment"]
    found = detect(events, int(truth["duration_s"] * 1000), catalog=catalog)
    assert "no comments" in _messages(found)
    sold = [(round(m["start_s"] * 1000), round(m["end_s"] * 1000)) for m in truth["moments"]]
    assert any(overlap((m.start_ms, m.end_ms), s) > 0 for m in found.moments if m.kind == "product" for s in sold)


def test_a_one_minute_live_is_judged_against_priors_and_says_it_is_short(tmp_path):
    simulate(SimConfig(minutes=1, seed=4), tmp_path, media=False)
    truth = json.loads((tmp_path / "truth.json").read_text())
    log = load_events(tmp_path / "events.jsonl")
    found = detect(log.events, int(truth["duration_s"] * 1000), catalog=load_catalog(tmp_path / "catalog.json"))
    assert "too short" in _messages(found)
    assert found.moments or "no moment found" in _messages(found)


def test_nothing_found_is_said(tmp_path):
    path = tmp_path / "quiet.jsonl"
    path.write_text("".join(json.dumps({"ts": t, "type": "viewers", "count": 100}) + "\n" for t in range(0, 300, 10)))
    found = detect(load_events(path).events, 300_000)
    assert not found.moments and "no moment found in 300 s" in _messages(found)


PER_MINUTE = """minute,gmv,orders_total,viewers,product_clicks,comments
0,0,0,100,2,10
1,0,1,120,3,11
2,0,2,130,4,12
2,0,2,130,4,12
5,30,9,150,40,30
6,0,8,150,5,12
7,0,2,150,5,12
8,10,3,150,5,12
"""


def test_per_minute_file_with_gaps_repeats_and_counters_going_back(tmp_path):
    path = tmp_path / "dash.minutes.csv"
    path.write_text(PER_MINUTE)
    log = load_events(path)
    text = " | ".join(str(w) for w in log.warnings)
    assert "line 5" in text and "minute 2 repeated" in text
    assert "line 6" in text and "minutes 3-4 missing" in text
    assert "line 7" in text and "goes backwards" in text
    assert "line 8" in text and "counter reset" in text
    orders = [e for e in log.events if e.type == "order"]
    # 1 + 1 + 7 (minute 5) + 0 (went back) + 2 (reset: counts from zero) + 1
    assert len(orders) == 12
    minute5 = [e for e in orders if 300_000 <= e.ts_ms < 360_000]
    assert len(minute5) == 7 and sum(e.amount for e in minute5) == pytest.approx(30.0)
    assert sum(e.count for e in log.events if e.type == "product_click") == 2 + 3 + 4 + 40 + 5 * 3


def test_moments_cli_on_comments_only_warns_on_stderr(live, tmp_path):
    out, log, _, _ = live
    path = tmp_path / "chat.jsonl"
    path.write_text("".join(json.dumps(e.to_json()) + "\n" for e in log.events if e.type == "comment"))
    proc = subprocess.run([sys.executable, "-m", "livehighlights._cli.main", "moments", str(path), "--json"],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "only comments" in proc.stderr and "Traceback" not in proc.stderr
    assert isinstance(json.loads(proc.stdout), list)


def test_per_minute_totals_of_a_live_find_its_sales_minute_by_minute(live, tmp_path):
    _, log, _, truth = live
    n = int(truth["duration_s"] // 60) + 1
    rows = [{"gmv": 0.0, "orders": 0, "viewers": 0, "product_clicks": 0, "comments": 0} for _ in range(n)]
    for e in log.events:
        row = rows[e.ts_ms // 60_000]
        if e.type == "order":
            row["orders"] += 1
            row["gmv"] += e.amount or 0.0
        elif e.type == "viewers":
            row["viewers"] = e.count
        elif e.type in ("product_click", "comment"):
            row["product_clicks" if e.type == "product_click" else "comments"] += e.count or 1
    path = tmp_path / "live.minutes.csv"
    path.write_text("minute,gmv,orders,viewers,product_clicks,comments\n" + "".join(
        f"{m},{r['gmv']:.2f},{r['orders']},{r['viewers']},{r['product_clicks']},{r['comments']}\n"
        for m, r in enumerate(rows)))
    proc = subprocess.run([sys.executable, "-m", "livehighlights._cli.main", "moments", str(path), "--json"],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    moments = json.loads(proc.stdout)
    # whole minutes: one per minute, or a run of minutes that sold one after the other (one pitch)
    assert moments and all(m["end_s"] > m["start_s"] and m["start_s"] % 60 == 0 and m["end_s"] % 60 == 0
                           for m in moments)
    sales = [(m["start_s"], m["end_s"]) for m in moments if m["kind"] == "sales"]
    assert any(overlap(s, (p["start_s"], p["end_s"])) > 0 for s in sales for p in truth["moments"])
