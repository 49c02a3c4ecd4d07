"""The durable store, on a real SQLite file and a real PostgreSQL server (every test that takes ``store_url``
runs on both; see ``store_pg`` in conftest.py)."""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
import pwd
import random
import sqlite3
import tempfile
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import text

from livehighlights.models import Event, Moment
from livehighlights.store import (
    DEFAULT_SELLER,
    HighlightRecord,
    MediaRoot,
    RemixRecord,
    Store,
    StoreError,
    event_key,
    highlight_id,
    live_id_for,
    moment_id,
    open_store,
    remix_id,
)


@pytest.fixture
def store(store_url: str, tmp_path: Path):
    with open_store(store_url, media_root=tmp_path / "media") as st:
        yield st


def _moment(start_s: int, product: str | None = "p1", score: float = 2.5) -> Moment:
    return Moment(start_ms=start_s * 1000, end_ms=start_s * 1000 + 20_000, peak_ms=start_s * 1000 + 5_000,
                  score=score, detector="shopping", product_id=product, kind="product",
                  breakdown={"orders": 1.5, "gmv": 1.0}, evidence={"orders": {"value": 14, "z": 6.3}},
                  confirmed_at_ms=start_s * 1000 + 30_000)


def _highlight(live_id: str, m: Moment, **kw: object) -> HighlightRecord:
    mid = moment_id(live_id, m.detector, m.start_ms, m.product_id)
    base = dict(id=highlight_id(mid), live_id=live_id, moment_id=mid, rank=None, start_ms=m.start_ms - 2000,
                end_ms=m.end_ms, product_id=m.product_id, product_title="Glow serum [/] {x}", kind=m.kind,
                score=m.score, rank_score=m.score * 0.9, why=["orders x6.3"], content={"selling_points": ["vegan"]},
                moment=m, transcript={"text": "tap the cart", "words": []},
                compliance={"tier": "high", "rules": [{"id": "length", "status": "pass"}]}, tier="high",
                postable=True, blocked_by=[], clip="clip/ab/abc.mp4", thumbnail="thumbnail/cd/cde.jpg",
                cut={"method": "smart", "reencoded_s": 1.2})
    base.update(kw)
    return HighlightRecord(**base)  # type: ignore[arg-type]


def _events(n: int, seed: int = 1) -> list[Event]:
    rnd = random.Random(seed)
    out = []
    for i in range(n):
        ts = rnd.randrange(0, 60_000, 250)  # many share a time: ties keep the order of arrival
        kind = rnd.choice(["like", "comment", "order", "viewers", "mystery_type"])
        raw = {"ts": ts / 1000, "type": kind, "n": i}
        ev = Event(ts_ms=ts, type=kind, source=f"events.jsonl:{i + 1}", raw=raw)
        if kind == "order":
            ev.product_id, ev.quantity, ev.amount, ev.currency, ev.gross_profit = "p1", 2, 25.98, "USD", 9.5
        elif kind == "comment":
            ev.text, ev.user = f"wow 😍 #{i} [/b]", f"user{i % 7}"
        else:
            ev.count = i % 13
        out.append(ev)
    return out


# ---- ids and idempotent upserts --------------------------------------------------------------------------------
def test_ids_are_deterministic_and_distinct() -> None:
    assert live_id_for("s_1", "k") == live_id_for("s_1", "k") != live_id_for("s_2", "k")
    assert live_id_for("s_1", "k").startswith("live_") and len(live_id_for("s_1", "k")) == 17
    m = moment_id("live_x", "shopping", 1000, "p1")
    assert m.startswith("m_") and len(m) == 18
    assert m != moment_id("live_x", "shopping", 1000, None) != moment_id("live_x", "shopping", 1001, "p1")
    assert highlight_id(m).startswith("h_") and len(highlight_id(m)) == 18
    a = Event(ts_ms=5, type="like", count=1, source="f:1")
    assert event_key(a) == event_key(dataclasses.replace(a)) != event_key(dataclasses.replace(a, source="f:2"))


def test_rerun_updates_the_same_records(store_url: str, tmp_path: Path) -> None:
    def run(title: str) -> tuple[str, list[str], list[str]]:
        with open_store(store_url, media_root=tmp_path / "media") as st:
            seller = st.seller()
            live = st.upsert_live(seller.id, "rec.mp4", title=title, duration_ms=60_000, recording="rec.mp4",
                                  started_at=datetime(2024, 6, 1, 20, 0, tzinfo=timezone(timedelta(hours=2))))
            ms = [st.upsert_moment(live.id, _moment(s)) for s in (10, 40)]
            hs = [st.save_highlight(_highlight(live.id, mr.moment)) for mr in ms]
            return live.id, [m.id for m in ms], [h.id for h in hs]

    first = run("first")
    assert run("second") == first
    with open_store(store_url, media_root=tmp_path / "media") as st:
        seller = st.seller(DEFAULT_SELLER)
        (live,) = st.lives(seller.id)
        assert live.id == first[0] and live.title == "second" and live.recording == "rec.mp4"
        assert live.started_at == datetime(2024, 6, 1, 18, 0, tzinfo=UTC) and live.started_at.tzinfo is not None
        assert (live.n_moments, live.n_highlights, live.status) == (2, 2, "ended")
        assert [m.id for m in st.moments(live.id)] == first[1]
        assert all(m.state == "done" for m in st.moments(live.id))
        hs = st.highlights(seller.id, live.id)
        assert [h.id for h in hs] == first[2]
        h = hs[0]
        assert h.moment == _moment(10) and h.compliance == _highlight(live.id, _moment(10)).compliance
        assert h.product_title == "Glow serum [/] {x}" and h.postable is True and h.why == ["orders x6.3"]
        assert h.created_at is not None and h.updated_at is not None and h.created_at.tzinfo is not None
        assert h.updated_at >= h.created_at


def test_moment_keeps_its_state_on_update(store: Store) -> None:
    live = store.upsert_live(store.seller().id, "k")
    rec = store.upsert_moment(live.id, _moment(10))
    assert rec.state == "pending" and rec.reason is None
    store.set_moment_state(rec.id, "rejected", "product cap reached (3 per product)")
    again = store.upsert_moment(live.id, dataclasses.replace(_moment(10), score=9.0, end_ms=33_000))
    assert again.id == rec.id and again.state == "rejected" and again.reason == "product cap reached (3 per product)"
    assert again.moment.score == 9.0 and again.moment.end_ms == 33_000
    assert len(store.moments(live.id)) == 1
    with pytest.raises(StoreError, match="moment state 'weird'"):
        store.set_moment_state(rec.id, "weird")
    with pytest.raises(StoreError, match="no moment with id 'm_nope'"):
        store.set_moment_state("m_nope", "done")


def test_save_highlight_marks_its_moment_done_in_one_transaction(store: Store) -> None:
    live = store.upsert_live(store.seller().id, "k")
    m = _moment(5)
    store.upsert_moment(live.id, m)
    store.set_moment_state(moment_id(live.id, m.detector, m.start_ms, m.product_id), "failed", "ffmpeg died")
    mid = moment_id(live.id, m.detector, m.start_ms, m.product_id)
    with store.engine.begin() as conn:  # a stray row holding the moment: the highlight's insert will conflict
        conn.execute(text("INSERT INTO highlights (id, live_id, moment_id, start_ms, end_ms, kind, score, rank_score,"
                          " why, content, postable, blocked_by, created_at, updated_at) VALUES ('h_stray', :l, :m,"
                          " 0, 1, 'product', 0, 0, '[]', '{}', false, '[]', :t, :t)"),
                     {"l": live.id, "m": mid, "t": datetime.now(UTC)})
    with pytest.raises(StoreError, match="database .*(unique|UNIQUE)"):
        store.save_highlight(_highlight(live.id, m))
    assert store.moments(live.id)[0].state == "failed"  # the moment's update rolled back with the insert
    with store.engine.begin() as conn:
        conn.execute(text("DELETE FROM highlights WHERE id = 'h_stray'"))
    with pytest.raises(StoreError, match="content cannot be stored as JSON"):
        store.save_highlight(_highlight(live.id, m, content={"x": object()}))
    assert store.moments(live.id)[0].state == "failed"
    store.save_highlight(_highlight(live.id, m))
    (mr,) = store.moments(live.id)
    assert (mr.state, mr.reason) == ("done", None)


def test_ranks_deletes_remixes_and_plans(store: Store) -> None:
    seller = store.seller()
    live = store.upsert_live(seller.id, "k")
    hs = [store.save_highlight(_highlight(live.id, _moment(s))) for s in (10, 40, 70)]
    store.set_ranks(live.id, [hs[2].id, hs[0].id])
    got = store.highlights(seller.id, live.id)
    assert [(h.id, h.rank) for h in got] == [(hs[2].id, 1), (hs[0].id, 2), (hs[1].id, None)]
    with pytest.raises(StoreError, match="no highlight with id 'h_nope'"):
        store.set_ranks(live.id, ["h_nope"])
    r = store.save_remix(RemixRecord(id=remix_id(hs[1].id, "bold"), highlight_id=hs[1].id, style="bold",
                                     path="remix/ef/ef.mp4", sidecar={"music": "groove"}))
    assert store.save_remix(dataclasses.replace(r, path="remix/01/01.mp4")).path == "remix/01/01.mp4"
    assert [x.id for x in store.remixes(seller.id, hs[1].id)] == [r.id]
    assert store.delete_highlights_except(live.id, [hs[0].id, hs[2].id]) == 1
    assert store.remixes(seller.id, hs[1].id) == [] and store.get_highlight(seller.id, hs[1].id) is None
    assert len(store.highlights(seller.id, live.id)) == 2 and len(store.moments(live.id)) == 3

    start = datetime(2030, 1, 2, 18, 30, tzinfo=UTC)
    p1 = store.add_plan(seller.id, "Spring drop", start)
    assert store.add_plan(seller.id, "Spring drop", start).id == p1.id
    store.add_plan(seller.id, "Earlier", start - timedelta(days=1))
    assert [p.title for p in store.plans(seller.id)] == ["Earlier", "Spring drop"]
    assert store.plans(seller.id)[1].start == start
    with pytest.raises(StoreError, match="has no time zone"):
        store.add_plan(seller.id, "naive", datetime(2030, 1, 2))
    store.set_live_status(seller.id, live.id, "live")
    assert store.get_live(seller.id, live.id).status == "live"  # type: ignore[union-attr]


# ---- events ----------------------------------------------------------------------------------------------------
def test_event_ingest_is_idempotent_and_ordered(store: Store) -> None:
    seller = store.seller()
    live = store.upsert_live(seller.id, "k")
    evs = _events(2_000)
    first = store.ingest_events(live.id, iter(evs), batch=333)
    assert (first.stored, first.duplicates) == (2_000, 0)
    again = store.ingest_events(live.id, reversed(evs), batch=500)
    assert (again.stored, again.duplicates) == (0, 2_000)
    extra = Event(ts_ms=0, type="like", count=3, source="live:1")
    more = store.ingest_events(live.id, (e for e in [extra, extra, evs[0]]), batch=2)
    assert (more.stored, more.duplicates) == (1, 2)
    by_time = sorted(evs, key=lambda e: e.ts_ms)  # stable: ties keep the order of arrival
    zeros = sum(1 for e in by_time if e.ts_ms == 0)
    assert zeros > 0
    expected = by_time[:zeros] + [extra] + by_time[zeros:]  # extra arrived last among those at 0 ms
    assert list(store.events(live.id)) == expected  # every field, the raw record and the source round-trip
    assert store.get_live(seller.id, live.id).n_events == 2_001  # type: ignore[union-attr]
    with pytest.raises(StoreError, match="no LIVE with id 'live_nope'"):
        store.ingest_events("live_nope", evs[:1])
    odd = [Event(ts_ms=70_000, type="comment", text="nul\x00here", user="u", source="odd:1",
                 raw={"text": "nul\x00here", "score": float("nan"), "big": float("inf")})]
    assert store.ingest_events(live.id, odd).stored == 1
    (back,) = [e for e in store.events(live.id) if e.source == "odd:1"]
    assert back.text == "nul\ufffdhere" and back.raw == {"text": "nul\x00here", "score": "nan", "big": "inf"}


def test_highlight_ids_must_match_their_moment(store: Store) -> None:
    live = store.upsert_live(store.seller().id, "k")
    h = _highlight(live.id, _moment(5))
    with pytest.raises(StoreError, match="is not the id of its moment"):
        store.save_highlight(dataclasses.replace(h, moment_id="m_other"))
    with pytest.raises(StoreError, match="is not highlight_id"):
        store.save_highlight(dataclasses.replace(h, id="h_other"))
    with pytest.raises(StoreError, match="no LIVE with id 'live_nope'"):
        store.save_highlight(_highlight("live_nope", _moment(5)))


# ---- scoping ---------------------------------------------------------------------------------------------------
def test_a_seller_cannot_read_another_sellers_data(store: Store) -> None:
    a, b = store.seller("shop-a"), store.seller("shop-b")
    assert a.id != b.id and store.seller("shop-a") == a
    live = store.upsert_live(a.id, "same-key", title="A's LIVE")
    assert store.upsert_live(b.id, "same-key").id != live.id
    h = store.save_highlight(_highlight(live.id, _moment(10)))
    store.save_remix(RemixRecord(id=remix_id(h.id, "bold"), highlight_id=h.id, style="bold", path="remix/a/a.mp4"))
    store.add_plan(a.id, "A's next LIVE", datetime(2030, 1, 1, tzinfo=UTC))
    assert store.get_live(b.id, live.id) is None
    assert [x.key for x in store.lives(b.id)] == ["same-key"] and store.lives(b.id)[0].title is None
    assert store.highlights(b.id, live.id) == [] and store.get_highlight(b.id, h.id) is None
    assert store.remixes(b.id, h.id) == [] and store.plans(b.id) == []
    with pytest.raises(StoreError, match="no LIVE"):
        store.set_live_status(b.id, live.id, "live")
    assert store.get_live(a.id, live.id).status == "ended"  # type: ignore[union-attr]
    assert store.get_highlight(a.id, h.id) == h and len(store.remixes(a.id, h.id)) == 1


# ---- schema ----------------------------------------------------------------------------------------------------
def test_migrations_create_exactly_the_models(store: Store) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    import livehighlights.publish.schema  # noqa: F401 - the publishing tables (migration 0002) share the metadata
    from livehighlights.store.schema import Base

    with store.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True, "compare_server_default": True})
        assert compare_metadata(ctx, Base.metadata) == []
        assert ctx.get_current_heads() == ("0004",)
        tables = set(Base.metadata.tables)
    assert tables == {"sellers", "lives", "events", "moments", "highlights", "remixes", "live_plans", "posts",
                      "post_caps", "publish_consents", "publish_accounts", "rate_buckets", "inbound_events",
                      "users", "web_sessions", "api_tokens", "seller_settings", "tasks"}


def test_a_newer_schema_is_refused(store_url: str, tmp_path: Path) -> None:
    with open_store(store_url, media_root=tmp_path / "m") as st, st.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = 'f00dcafe9999'"))
    with pytest.raises(StoreError) as err:
        open_store(store_url, media_root=tmp_path / "m")
    msg = str(err.value)
    assert "schema revision f00dcafe9999 is newer than this livehighlights; upgrade it" in msg and "\n" not in msg


# ---- two processes on one SQLite file ----------------------------------------------------------------------------
def _writer(url: str, media: str, who: int, n: int) -> None:
    with open_store(url, media_root=Path(media)) as st:
        seller = st.seller()  # both get-or-create the same seller
        live = st.upsert_live(seller.id, "shared", title=f"writer {who}")
        for i in range(n):
            evs = [Event(ts_ms=i * 100 + j, type="like", count=1, source=f"w{who}:{i}:{j}") for j in range(50)]
            st.ingest_events(live.id, evs, batch=20)
            st.save_highlight(_highlight(live.id, _moment(who * 1000 + i)))
            st.upsert_live(seller.id, f"own-{who}-{i}")


def test_two_processes_write_one_sqlite_file(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(url, str(tmp_path / "media"), who, 40)) for who in (1, 2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(300)
    assert [p.exitcode for p in procs] == [0, 0]
    with open_store(url, media_root=tmp_path / "media") as st:
        seller = st.seller()
        shared = st.get_live(seller.id, live_id_for(seller.id, "shared"))
        assert shared is not None and shared.n_events == 2 * 40 * 50 and shared.n_highlights == 80
        assert sum(1 for _ in st.events(shared.id)) == 4000
        assert len(st.lives(seller.id)) == 81
    with sqlite3.connect(tmp_path / "shared.db") as db:
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)


# ---- media root --------------------------------------------------------------------------------------------------
def test_media_root_is_content_addressed_and_confined(tmp_path: Path) -> None:
    media = MediaRoot(tmp_path / "media")
    media.check_writable()
    a = tmp_path / "a.MP4"
    a.write_bytes(b"clip bytes" * 1000)
    rel = media.put(a, kind="clip")
    assert rel.startswith("clip/") and rel.endswith(".mp4") and not Path(rel).is_absolute()
    digest = Path(rel).stem
    assert rel == f"clip/{digest[:2]}/{digest}.mp4" and len(digest) == 64
    assert media.path(rel).read_bytes() == a.read_bytes() and a.exists()
    inode = media.path(rel).stat().st_ino
    b = tmp_path / "copy.mp4"
    b.write_bytes(a.read_bytes())
    assert media.put(b, kind="clip") == rel and media.path(rel).stat().st_ino == inode  # no second copy
    c = tmp_path / "other.jpg"
    c.write_bytes(b"other")
    assert media.put(c, kind="thumbnail") != rel
    assert not any((media.root / ".tmp").iterdir())  # nothing half-written left behind
    work = media.tmp()
    assert work.is_dir() and work.resolve().is_relative_to(media.root)

    (tmp_path / "secret").write_text("x")
    (media.root / "clip" / "link").symlink_to(tmp_path / "secret")
    for bad in ("../secret", "clip/../../secret", str(tmp_path / "secret"), "clip/link", ""):
        with pytest.raises(StoreError, match="media path"):
            media.path(bad)
    with pytest.raises(StoreError, match="media kind"):
        media.put(a, kind="../up")
    moved = MediaRoot(tmp_path / "moved")
    (tmp_path / "media").rename(tmp_path / "moved")
    assert moved.path(rel).read_bytes() == a.read_bytes()  # records hold relative paths: the root can move


# ---- bad input: one line naming the URL or folder -------------------------------------------------------------
def _one_line_error(url: str, media: Path, match: str) -> str:
    with pytest.raises(StoreError) as err:
        open_store(url, media_root=media)
    msg = str(err.value)
    assert "\n" not in msg and "Traceback" not in msg
    assert match in msg, msg
    return msg


def test_unreachable_database(tmp_path: Path) -> None:
    msg = _one_line_error("postgresql://lh:s3cret@127.0.0.1:1/x", tmp_path / "m",
                          "cannot connect to database postgresql://lh:***@127.0.0.1:1/x: ")
    assert "s3cret" not in msg


@pytest.mark.parametrize("url", ["not a url", "/tmp/livehighlights.db", "http://example.com/db", "mysql://h/db"])
def test_not_a_database_url(url: str, tmp_path: Path) -> None:
    _one_line_error(url, tmp_path / "m", "is not a database URL")


def test_a_sqlite_file_that_is_a_folder(tmp_path: Path) -> None:
    _one_line_error(f"sqlite:///{tmp_path}", tmp_path / "m", "is a folder, not a database file")


def _unprivileged(fn, *args: object) -> str:  # type: ignore[no-untyped-def]
    """Run ``fn(*args)`` in a forked child that, when we are root (whom file modes do not stop), drops to the
    ``nobody`` user first. Returns ``"ok"`` or ``"StoreError: <message>"`` (or another error's name and text)."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        code = 0
        try:
            os.close(r)
            if os.geteuid() == 0:
                ent = pwd.getpwnam("nobody")
                os.setgroups([])
                os.setgid(ent.pw_gid)
                os.setuid(ent.pw_uid)
            try:
                fn(*args)
                out = "ok"
            except StoreError as e:
                out = f"StoreError: {e}"
            except BaseException as e:  # noqa: BLE001 - reported to the parent, which fails the test
                out = f"{type(e).__name__}: {e}"
            os.write(w, out.encode())
        except BaseException:
            code = 1
        finally:
            os._exit(code)
    os.close(w)
    with os.fdopen(r, "rb") as f:
        out = f.read().decode()
    os.waitpid(pid, 0)
    return out


@pytest.fixture
def shared_dir():  # type: ignore[no-untyped-def]
    """A folder the unprivileged child can reach (pytest's tmp_path is private to us)."""
    d = Path(tempfile.mkdtemp(prefix="lh-store-"))
    d.chmod(0o755)
    yield d
    for sub in d.rglob("*"):
        if sub.is_dir():
            sub.chmod(0o755)
    import shutil

    shutil.rmtree(d)


def test_read_only_sqlite_file(shared_dir: Path) -> None:
    db = shared_dir / "ro.db"
    url = f"sqlite:///{db}"
    with open_store(url, media_root=shared_dir / "media") as st:
        st.seller()
    db.chmod(0o444)
    (shared_dir / "media").chmod(0o777)
    (shared_dir / "media" / ".tmp").chmod(0o777)

    def child() -> None:
        open_store(url, media_root=shared_dir / "media")

    out = _unprivileged(child)
    assert out.startswith("StoreError: ") and "\n" not in out, out
    assert f"database {url} is read-only" in out, out
    # Opened read-only by SQLite itself (as the database, not our check, sees it): the same one-line error.
    _one_line_error(f"sqlite:///file:{db}?mode=ro&uri=true", shared_dir / "media", "is read-only")


def test_media_root_not_writable(shared_dir: Path, tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("x")
    _one_line_error(f"sqlite:///{tmp_path / 'x.db'}", tmp_path / "a-file" / "media", "media root")
    _one_line_error(f"sqlite:///{tmp_path / 'x.db'}", tmp_path / "a-file", "is not writable (it is a file")
    ro = shared_dir / "ro-media"
    ro.mkdir()
    ro.chmod(0o555)
    rw = shared_dir / "rw"
    rw.mkdir()
    rw.chmod(0o777)
    url = f"sqlite:///{rw / 'db.sqlite'}"

    def child() -> None:
        open_store(url, media_root=ro)

    out = _unprivileged(child)
    assert out == f"StoreError: media root {ro} is not writable (Permission denied)", out
