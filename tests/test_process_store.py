"""process on the per-moment path into the store: ids, re-runs, crashes, the store's commands, bad stores.

Real media (the project's simulator), real FFmpeg, a real SQLite database through the real CLI (and a
PostgreSQL one for the re-run), and the public Python API in-process.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import run_cli


def _store_args(tmp: Path) -> list[str]:
    return ["--db", f"sqlite:///{tmp / 'lh.db'}", "--media-root", str(tmp / "media")]


def _n_events(live) -> int:
    return sum(1 for line in Path(live.events).read_text().splitlines() if line.strip())


def _process(live, out: Path, store: list[str], *extra: str) -> subprocess.CompletedProcess[str]:
    return run_cli("process", live.recording, "--events", live.events, "--catalog", live.catalog, "--out", out,
                   *store, *extra)


@pytest.fixture(scope="module")
def stored(short_live, tmp_path_factory):
    """``short_live`` processed once into a store of its own: (store args, out folder, highlights.json)."""
    tmp = tmp_path_factory.mktemp("stored")
    store = _store_args(tmp)
    res = _process(short_live, tmp / "out", store)
    assert res.returncode == 0, res.stderr
    return store, tmp / "out", json.loads((tmp / "out" / "highlights.json").read_text())


def test_process_stores_the_live_and_its_highlights(short_live, stored):
    store, out, report = stored
    live_id = report["live"]["id"]
    assert live_id.startswith("live_") and report["highlights"]
    lives = json.loads(run_cli("lives", *store, "--json").stdout)
    assert [x["id"] for x in lives] == [live_id]
    assert lives[0]["status"] == "ended" and lives[0]["events"] == _n_events(short_live) and lives[0]["highlights"] >= 1
    res = run_cli("highlights", live_id, *store, "--json")
    assert res.returncode == 0, res.stderr
    got = json.loads(res.stdout)
    ranked = [h for h in got if h["rank"] is not None]
    assert [h["id"] for h in ranked] == [h["id"] for h in report["highlights"]]
    for h, r in zip(ranked, report["highlights"], strict=True):
        assert (h["start_s"], h["end_s"], h["product_id"], h["tier"]) == (r["start_s"], r["end_s"], r["product_id"],
                                                                          r["tier"])
        assert Path(h["clip"]).is_file() and Path(h["clip"]).stat().st_size == (out / r["clip"]).stat().st_size
        assert h["compliance"]["tier"] == r["tier"] and h["moment"]["breakdown"]


def test_rerun_updates_the_same_records_and_redoes_no_job(short_live, stored, tmp_path):
    store, out, first = stored
    old_clip = out / first["highlights"][0]["clip"]
    stray = out / "clips" / "99_stale_00000s.mp4"
    stray.write_bytes(b"left over by another run")
    res = _process(short_live, out, store)
    assert res.returncode == 0, res.stderr
    again = json.loads((out / "highlights.json").read_text())
    assert again["reused_jobs"] >= len(first["highlights"])
    assert [h["id"] for h in again["highlights"]] == [h["id"] for h in first["highlights"]]
    assert again["timings_s"]["follow"] < first["timings_s"]["follow"]  # no speech or vision ran again
    assert not stray.exists() and old_clip.is_file()  # the export folder was replaced whole
    lives = json.loads(run_cli("lives", *store, "--json").stdout)
    assert len(lives) == 1 and lives[0]["events"] == _n_events(short_live)  # nothing stored twice
    db = sqlite3.connect(store[1].removeprefix("sqlite:///"))
    (n_events,) = db.execute("select count(*) from events").fetchone()
    (n_highlights,) = db.execute("select count(*) from highlights").fetchone()
    assert n_events == _n_events(short_live) and n_highlights == lives[0]["highlights"]


def test_remix_and_check_by_highlight_id(short_live, stored, tmp_path):
    store, out, report = stored
    hid = report["highlights"][0]["id"]
    res = run_cli("check", hid, *store, "--json")
    assert res.returncode in (0, 1), res.stderr
    assert json.loads(res.stdout)["tier"] == report["highlights"][0]["tier"]
    res = run_cli("remix", hid, *store, "--out", tmp_path / "teaser.mp4", "--size", "720x1280", "--no-music")
    assert res.returncode == 0, res.stderr
    assert (tmp_path / "teaser.mp4").stat().st_size > 10_000
    assert f"of highlight {hid}" in res.stdout
    for cmd in ("check", "remix"):
        bad = run_cli(cmd, "h_0000000000000000", *store, *(["--out", str(tmp_path / "x.mp4")] if cmd == "remix"
                                                            else []))
        assert bad.returncode == 2 and "Traceback" not in bad.stderr
        assert "no highlight with id 'h_0000000000000000'" in bad.stderr
    other = run_cli("check", hid, *store, "--seller", "someone-else")
    assert other.returncode == 2 and "no highlight with id" in other.stderr  # scoped to its seller


def test_process_killed_at_any_point_then_run_again(short_live, tmp_path):
    """SIGKILL while the store and the export are being written; the next run finishes, reuses what was
    stored, and nothing half-written is visible: the export is the old one or the new one, whole."""
    store = _store_args(tmp_path)
    out = tmp_path / "out"
    env = dict(os.environ)
    cmd = [sys.executable, "-m", "livehighlights._cli.main", "process", str(short_live.recording), "--events",
           str(short_live.events), "--catalog", str(short_live.catalog), "--out", str(out), *store]
    for delay in (1.5, 4.0, 7.0):
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                start_new_session=True)
        time.sleep(delay)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        if out.exists():  # never a folder without its report, never a report naming a missing clip
            report = json.loads((out / "highlights.json").read_text())
            assert all((out / h["clip"]).is_file() for h in report["highlights"])
    res = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)
    assert res.returncode == 0, res.stderr
    report = json.loads((out / "highlights.json").read_text())
    assert report["highlights"] and all((out / h["clip"]).is_file() for h in report["highlights"])
    assert not (tmp_path / ".out.partial").exists() and not (tmp_path / ".out.old").exists()
    got = json.loads(run_cli("highlights", report["live"]["id"], *store, "--json").stdout)
    assert all(Path(h["clip"]).is_file() for h in got if h["rank"] is not None)


@pytest.mark.parametrize("case", ["unreachable", "newer_schema", "read_only", "media_is_a_file", "not_a_db"])
def test_bad_stores_get_one_line(short_live, tmp_path, case):
    db = tmp_path / "lh.db"
    media = tmp_path / "media"
    url = f"sqlite:///{db}"
    if case == "unreachable":
        url = "postgresql://nobody:secret@127.0.0.1:1/none"
    elif case in ("newer_schema", "read_only"):
        assert run_cli("lives", "--db", url, "--media-root", media).returncode == 0  # creates it
        if case == "newer_schema":
            con = sqlite3.connect(db)
            con.execute("update alembic_version set version_num = '9999_from_the_future'")
            con.commit()
            con.close()
        else:  # opened read-only as SQLite itself sees it (a read-only file as another user: tests/test_store.py)
            url = f"sqlite:///file:{db}?mode=ro&uri=true"
    elif case == "media_is_a_file":
        media.write_text("not a folder")
    elif case == "not_a_db":
        db.write_text("this is not a database")
    res = _process(short_live, tmp_path / "out2", ["--db", url, "--media-root", str(media)], "--no-analysis")
    assert res.returncode == 2, res.stdout + res.stderr
    assert "Traceback" not in res.stderr
    line = res.stderr.strip()
    assert line.startswith("error:") and len(line.splitlines()) <= 2
    assert "secret" not in res.stderr  # a password in the URL is never printed
    expected = {"unreachable": "cannot connect", "newer_schema": "newer", "read_only": "read-only", "media_is_a_file":
                "media root", "not_a_db": "lh.db"}[case]
    assert expected in line


def test_process_refuses_an_output_folder_that_holds_its_inputs(short_live, tmp_path):
    live = tmp_path / "live"
    (live / "clips").mkdir(parents=True)
    rec = live / "clips" / "recording.mp4"
    rec.write_bytes(Path(short_live.recording).read_bytes())
    res = run_cli("process", rec, "--events", short_live.events, "--out", live, *_store_args(tmp_path))
    assert res.returncode == 2 and "would replace one of this command's inputs" in res.stderr
    assert rec.stat().st_size == Path(short_live.recording).stat().st_size


def test_python_api_in_process(short_live, tmp_path):
    import livehighlights as lh

    assert set(lh.__all__) == set(lh._EXPORTS) | {"__version__"}
    opts = lh.ProcessOptions(understand=None)
    with lh.open_store(f"sqlite:///{tmp_path / 'api.db'}", media_root=tmp_path / "media") as store:
        result = lh.process(Path(short_live.recording), Path(short_live.events), tmp_path / "out",
                            catalog_path=Path(short_live.catalog), options=opts, store=store)
        seller = store.seller()
        assert [x.id for x in store.lives(seller.id)] == [result.live_id]
        records = store.highlights(seller.id, result.live_id)
        ranked = [h for h in records if h.rank is not None]
        assert [h.id for h in ranked] == [h.id for h in result.highlights] and ranked
        assert isinstance(ranked[0], lh.HighlightRecord) and store.media.path(ranked[0].clip).is_file()
        moments = lh.detect_moments(lh.load_events(Path(short_live.events)).events, result.duration_ms)
        assert {m.start_ms for m in moments} == {m.start_ms for m in result.moments}
        again = lh.process(Path(short_live.recording), Path(short_live.events), tmp_path / "out",
                           catalog_path=Path(short_live.catalog), options=opts, store=store)
        assert again.live_id == result.live_id and again.reused_jobs == len(records)


def test_process_remix_keeps_each_remix_in_the_store(short_live, stored):
    store, out, report = stored
    res = _process(short_live, out, store, "--remix", "minimal")
    assert res.returncode == 0, res.stderr
    remixes = sorted((out / "remix").glob("*.remix.mp4"))
    assert [p.name for p in remixes] == [f"{Path(h['clip']).stem}.remix.mp4" for h in report["highlights"]]
    db = sqlite3.connect(store[1].removeprefix("sqlite:///"))
    rows = db.execute("select highlight_id, style, path from remixes where style = 'minimal'").fetchall()
    assert {(r[0], r[1]) for r in rows} == {(h["id"], "minimal") for h in report["highlights"]}
    media = Path(store[3])
    assert all((media / r[2]).stat().st_size == p.stat().st_size for r, p in zip(sorted(rows), remixes, strict=True))


def test_two_runs_into_one_folder_at_once(short_live, tmp_path):
    """The second of two simultaneous runs into the same folder is refused in one line; the first finishes."""
    store = _store_args(tmp_path)
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "livehighlights._cli.main", "process", str(short_live.recording), "--events",
           str(short_live.events), "--catalog", str(short_live.catalog), "--out", str(out), *store]
    # the first run analyses (tens of seconds), so it still holds the folder when the second has started, also
    # on a loaded machine where starting Python takes seconds
    first = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lock = tmp_path / ".out.lock"
    deadline = time.monotonic() + 300  # until the first run holds the folder (slow on a loaded machine)
    while not (lock.exists() and lock.read_text().startswith("pid")):
        assert first.poll() is None and time.monotonic() < deadline, "the first run never took the folder"
        time.sleep(0.05)
    second = run_cli("process", short_live.recording, "--events", short_live.events, "--out", out, *store,
                     "--no-analysis")
    _, err = first.communicate(timeout=600)
    assert first.returncode == 0, err
    assert second.returncode == 2 and "another run is writing this folder" in second.stderr
    assert f"pid {first.pid}" in second.stderr and "Traceback" not in second.stderr
    report = json.loads((out / "highlights.json").read_text())
    assert all((out / h["clip"]).is_file() for h in report["highlights"])


def test_the_sellers_past_lives_in_the_store_become_the_priors(short_live, tmp_path):
    """A LIVE processed into the store leaves its summary; the seller's next LIVE (short, so its own baseline
    is thin) is judged against it instead of the population defaults, and says so in its evidence."""
    import livehighlights as lh
    from livehighlights.media.ffmpeg import run_ffmpeg

    again = tmp_path / "next.mp4"  # the same pictures and sound in another file: another LIVE to the store
    run_ffmpeg(["-i", str(short_live.recording), "-c", "copy", "-metadata", "title=next LIVE", str(again)],
               what="remux")
    opts = lh.ProcessOptions(understand=None, render=False)
    with lh.open_store(f"sqlite:///{tmp_path / 'p.db'}", media_root=tmp_path / "media") as store:
        first = lh.process(Path(short_live.recording), Path(short_live.events), tmp_path / "a", options=opts,
                           store=store, catalog_path=Path(short_live.catalog))
        seller = store.seller()
        summary = store.get_live(seller.id, first.live_id).summary
        assert summary["duration_s"] == 40 and summary["viewer_seconds"] > 0 and summary["orders"] > 0
        second = lh.process(again, Path(short_live.events), tmp_path / "b", options=opts, store=store,
                            catalog_path=Path(short_live.catalog))
        assert second.live_id != first.live_id
    sources = {m.evidence["orders"].get("priors") for m in first.moments + second.moments if "orders" in m.evidence}
    firsts = {m.evidence["orders"].get("priors") for m in first.moments if "orders" in m.evidence}
    assert "population defaults" in firsts
    assert "the seller's 1 past LIVE in the store" in sources
