"""Shared fixtures: short LIVEs made by the project's own simulator (real media, real FFmpeg)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(scope="session", autouse=True)
def _own_store(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Every test (and every CLI child it starts) uses a store of the suite's own, never the user's: a SQLite
    file and a media root in a temporary folder (a test that needs another passes --db / --media-root)."""
    import os

    root = tmp_path_factory.mktemp("store")
    os.environ["LIVEHIGHLIGHTS_DB"] = f"sqlite:///{root / 'livehighlights.db'}"
    os.environ["LIVEHIGHLIGHTS_MEDIA"] = str(root / "media")


@pytest.fixture(scope="session")
def short_live(tmp_path_factory: pytest.TempPathFactory):
    """A 40-second simulated 720p portrait LIVE (recording, events, catalog, truth)."""
    from livehighlights.sim import SimConfig, simulate

    return simulate(SimConfig(minutes=40 / 60, seed=3, resolution="720p"), tmp_path_factory.mktemp("live"))


def run_cli(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run the real ``livehighlights`` command line in a child process."""
    return subprocess.run([sys.executable, "-m", "livehighlights._cli.main", *map(str, args)],
                          capture_output=True, text=True, cwd=cwd, timeout=600)


# ---- media fixtures (owner: media/render; names start with ``media_``) ------------------------------
MEDIA_SECONDS = 20


def media_ffmpeg(*args: str) -> None:
    """Run the bundled ffmpeg quietly (fails the test on error)."""
    import imageio_ffmpeg

    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-nostdin", "-y",
                    *args], check=True)


@pytest.fixture(scope="session")
def media_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("media")


@pytest.fixture(scope="session")
def media_src(media_dir: Path) -> Path:
    """20 s 720x1280 30 fps H.264 (keyframe every 2 s, B-frames) + AAC mono 48 kHz; the audio is a
    440 Hz tone during the first second of every 2 s and silence during the second (not faststart)."""
    out = media_dir / "src.mp4"
    media_ffmpeg("-f", "lavfi", "-i", f"testsrc2=size=720x1280:rate=30:duration={MEDIA_SECONDS}",
                 "-f", "lavfi", "-i", f"aevalsrc=0.5*sin(2*PI*440*t)*lt(mod(t\\,2)\\,1):s=48000:d={MEDIA_SECONDS}",
                 "-c:v", "libx264", "-preset", "veryfast", "-g", "60", "-keyint_min", "60", "-sc_threshold", "0",
                 "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "96k", "-shortest", str(out))
    return out


@pytest.fixture(scope="session")
def media_src_faststart(media_src: Path, media_dir: Path) -> Path:
    """``media_src`` remuxed with the index (moov) first."""
    out = media_dir / "src_faststart.mp4"
    media_ffmpeg("-i", str(media_src), "-c", "copy", "-movflags", "+faststart", str(out))
    return out


@pytest.fixture(scope="session")
def media_noaudio(media_dir: Path) -> Path:
    """4 s 320x240 H.264 without an audio track."""
    out = media_dir / "noaudio.mp4"
    media_ffmpeg("-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25:duration=4", "-c:v", "libx264",
                 "-preset", "veryfast", str(out))
    return out


@pytest.fixture(scope="session")
def media_vp8(media_dir: Path) -> Path:
    """6 s 320x240 30 fps VP8 + Vorbis WebM."""
    out = media_dir / "clip.webm"
    media_ffmpeg("-f", "lavfi", "-i", "testsrc2=size=320x240:rate=30:duration=6", "-f", "lavfi", "-i",
                 "sine=frequency=440:sample_rate=48000:duration=6", "-c:v", "libvpx", "-b:v", "1M", "-g", "60",
                 "-c:a", "libvorbis", str(out))
    return out
# ---- end of media fixtures ----------------------------------------------------------------------------


# ---- store fixtures (owner: store; names start with ``store_``) ----------------------------------------------
@pytest.fixture(scope="session")
def store_pg():
    """A real PostgreSQL server of the tests' own (temporary folder, Unix socket, an unprivileged user when run
    as root), stopped and removed at the end. Fails (no skip) when PostgreSQL's server is not installed."""
    from livehighlights.store import StoreError
    from livehighlights.store.pgtemp import TempPostgres

    try:
        pg = TempPostgres().start()
    except StoreError as e:
        pytest.fail(f"the store tests need a PostgreSQL server: {e}")
    try:
        yield pg
    finally:
        pg.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of a new, empty database: a SQLite file, then a database on :func:`store_pg`."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'livehighlights.db'}"
    import uuid

    return request.getfixturevalue("store_pg").create_database(f"t_{uuid.uuid4().hex[:12]}")


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real redis-server of the tests' own, on a Unix socket in a temporary folder. Fails (no skip) when
    redis-server is not installed (scripts/install.sh --dev installs it)."""
    exe = shutil.which("redis-server")
    if exe is None:
        pytest.fail("the distributed worker tests need redis-server (apt-get install redis-server)")
    d = tmp_path_factory.mktemp("redis")
    sock = d / "redis.sock"
    proc = subprocess.Popen([exe, "--port", "0", "--unixsocket", str(sock), "--unixsocketperm", "700", "--save", "",
                             "--appendonly", "no", "--dir", str(d)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    import redis

    url = f"unix://{sock}"
    for _ in range(100):
        try:
            if sock.exists() and redis.Redis.from_url(url).ping():
                break
        except redis.ConnectionError:
            pass
        time.sleep(0.05)
    else:
        proc.kill()
        pytest.fail("redis-server did not start")
    try:
        yield url
    finally:
        proc.terminate()
        proc.wait(10)
# ---- end of store fixtures ------------------------------------------------------------------------------------


# ---- web fixtures (owner: web; names start with ``web_``) ----------------------------------------------------
@pytest.fixture(scope="session")
def web_live(short_live, tmp_path_factory: pytest.TempPathFactory):
    """``short_live`` processed (the real ``process``) into a store of its own for seller ``shop-a``, with one
    remix of its best highlight: a :class:`types.SimpleNamespace` with ``db``, ``media_root``, ``queue`` (a queue
    URL of its own), ``seller_id``, ``live_id``, ``highlight_id`` and ``remix_id``. Tests open their own app and
    store on it; what they add (users, posts) stays for later tests, so they add under names of their own."""
    from types import SimpleNamespace

    from livehighlights.pipeline import ProcessOptions, process
    from livehighlights.remix.batch import remix_records
    from livehighlights.store import open_store

    root = tmp_path_factory.mktemp("web")
    db, media = f"sqlite:///{root / 'web.db'}", root / "media"
    with open_store(db, media_root=media) as store:
        process(short_live.recording, short_live.events, root / "out", catalog_path=short_live.catalog,
                options=ProcessOptions(seller="shop-a"), store=store)
        seller = store.seller("shop-a")
        (live,) = store.lives(seller.id)
        best = store.highlights(seller.id, live.id)[0]
        assert best.clip and best.thumbnail, "the web tests need a highlight with its clip and thumbnail"
        remix_records(store, [(best, "best")], "minimal", root / "remix", catalog=short_live.catalog)
        (remix,) = store.remixes(seller.id, best.id)
    return SimpleNamespace(db=db, media_root=media, queue=f"sqlite:///{root / 'queue.db'}", seller_id=seller.id,
                           live_id=live.id, highlight_id=best.id, remix_id=remix.id, catalog=short_live.catalog)
# ---- end of web fixtures --------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def minute_exports(tmp_path_factory: pytest.TempPathFactory):
    """The simulator's 30-minute LIVEs of seeds 1-3 written as per-minute exports (as ``bench/detect.py``'s
    ``sim-perminute`` does) and detected at a minute's resolution: per seed, its sales moments, the export's events
    and the planted pitches (ms)."""
    import json

    from livehighlights.detect import DetectOptions
    from livehighlights.engine import detect
    from livehighlights.sim import SimConfig, simulate
    from livehighlights.sim.minutes import write_minutes
    from livehighlights.sources import load_events

    out = {}
    for seed in (1, 2, 3):
        folder = tmp_path_factory.mktemp(f"minutes{seed}")
        sim = simulate(SimConfig(minutes=30, seed=seed), folder, media=False)
        path = folder / "export.minutes.csv"
        n = write_minutes(load_events(sim.events).events, sim.duration_ms, path)
        events = load_events(path).events
        found = detect(events, n * 60_000, DetectOptions(resolution_s=60)).moments
        truth = json.loads((folder / "truth.json").read_text())
        planted = [(round(m["start_s"] * 1000), round(m["end_s"] * 1000)) for m in truth["moments"]]
        out[seed] = ([m for m in found if m.kind == "sales"], events, planted)
    return out
