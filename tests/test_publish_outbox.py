"""The outbox on SQLite and PostgreSQL: one post per (highlight, destination, rendition), the Basic rule, consent,
caps under concurrency, scheduling and cancelling, and the local feed."""

from __future__ import annotations

import json
import multiprocessing
from datetime import timedelta
from pathlib import Path

import pytest
from publish_helpers import add_highlights, config_for, make_clip
from sqlalchemy import exc as sa_exc

from livehighlights.publish import (
    CapReached,
    Outbox,
    PostChoices,
    PostRefused,
    PostRequest,
    Worker,
    feed,
    make_queue,
    submit,
)
from livehighlights.publish.schema import PostRow
from livehighlights.store import open_store
from livehighlights.store.schema import utcnow


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_clip(tmp_path_factory.mktemp("clip") / "clip.mp4")


@pytest.fixture
def store(store_url: str, tmp_path: Path):
    with open_store(store_url, media_root=tmp_path / "media") as st:
        yield st


@pytest.fixture
def catalog(tmp_path: Path) -> Path:
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps([{"id": f"p{i}", "title": f"Glow serum {i}", "brand": "Glowy", "price": 19.9 + i,
                                 "currency": "USD", "selling_points": ["vegan"]} for i in range(10)]))
    return path


def test_migrations_create_exactly_the_models_with_publishing(store) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    import livehighlights.publish.schema  # noqa: F401 - its tables join the store's metadata
    from livehighlights.store.schema import Base

    with store.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True, "compare_server_default": True})
        assert compare_metadata(ctx, Base.metadata) == []
        assert ctx.get_current_heads() == ("0004",)
    assert {"posts", "post_caps", "publish_consents", "publish_accounts", "rate_buckets",
            "inbound_events"} <= set(Base.metadata.tables)


def test_a_local_post_is_published_once_into_the_feed(store, clip: Path, catalog: Path, tmp_path: Path) -> None:
    hs = add_highlights(store, clip, 2, status="live", catalog=catalog)
    seller = store.seller()
    cfg = config_for()
    outbox, q = Outbox(store, cfg), make_queue(f"sqlite:///{tmp_path / 'q.db'}")
    first = submit(outbox, q, seller.id, PostRequest(hs[0].id, "local"))
    again = submit(outbox, q, seller.id, PostRequest(hs[0].id, "local"))
    assert first.new and not again.new and again.post.id == first.post.id
    assert "LIVE now: https://live.example/evening" in first.post.caption and "#Glowy" in first.post.caption
    Worker(store, cfg, q).run(until_idle=True, handle_signals=False)
    post = outbox.get(seller.id, first.post.id)
    assert post is not None and post.state == "published" and post.attempts == 1 and post.published_at is not None
    doc = json.loads((store.media.root / f"feed/{seller.id}/feed.json").read_text())
    assert [i["post_id"] for i in doc["items"]] == [post.id]
    item = doc["items"][0]
    assert item["price"] == pytest.approx(20.9) and item["buy_url"] == "https://shop.example/p/p1"
    assert item["live_now"] and item["room_url"] == "https://live.example/evening"
    store.set_live_status(seller.id, hs[0].live_id, "ended")  # the feed shows the LIVE as it is now
    assert [(i.post_id, i.live_now, i.room_url) for i in feed(store, seller.id)] == [(post.id, False, None)]


def test_the_database_refuses_a_second_post_with_the_same_key(store, clip: Path) -> None:
    hs = add_highlights(store, clip, 1)
    seller = store.seller()
    outbox = Outbox(store, config_for())
    post = outbox.create(seller.id, PostRequest(hs[0].id, "local")).post
    remix_post = outbox.create(seller.id, PostRequest(hs[0].id, "webhook")).post
    assert remix_post.id != post.id
    from sqlalchemy.orm import Session

    with Session(store.engine) as s, pytest.raises(sa_exc.IntegrityError):  # the unique constraint itself
        vals = {c.name: getattr(s.get(PostRow, post.id), c.name) for c in PostRow.__table__.columns}
        s.add(PostRow(**{**vals, "id": "post_other"}))
        s.commit()


def test_a_clip_below_basic_is_never_auto_posted_and_a_manual_post_needs_force(store, clip: Path) -> None:
    hs = add_highlights(store, clip, 1, tier="none", postable=False, blocked_by=["resolution", "no_qr"])
    seller = store.seller()
    outbox = Outbox(store, config_for())
    outbox.give_consent(seller.id, "local", PostChoices("SELF_ONLY"))
    with pytest.raises(PostRefused, match=r"below Basic \(resolution, no_qr\): it is never auto-posted"):
        outbox.create(seller.id, PostRequest(hs[0].id, "local", auto=True))
    with pytest.raises(PostRefused, match=r"blocked by: resolution, no_qr \(post it anyway with --force\)"):
        outbox.create(seller.id, PostRequest(hs[0].id, "local"))
    with pytest.raises(PostRefused, match="never auto-posted"):
        outbox.create(seller.id, PostRequest(hs[0].id, "local", auto=True, force=True))
    forced = outbox.create(seller.id, PostRequest(hs[0].id, "local", force=True)).post
    assert forced.forced and forced.state == "queued" and outbox.posts(seller.id) == [forced]


def test_an_auto_post_needs_a_standing_consent_and_records_it(store, clip: Path) -> None:
    hs = add_highlights(store, clip, 2)
    seller = store.seller()
    outbox = Outbox(store, config_for())
    with pytest.raises(PostRefused, match="no standing consent to auto-post to webhook"):
        outbox.create(seller.id, PostRequest(hs[0].id, "webhook", auto=True))
    consent = outbox.give_consent(seller.id, "webhook", PostChoices("PUBLIC_TO_EVERYONE", disable_duet=True))
    post = outbox.create(seller.id, PostRequest(hs[0].id, "webhook", auto=True)).post
    assert post.consent_id == consent.id and post.choices.disable_duet and post.auto
    assert outbox.revoke_consent(seller.id, "webhook") == 1
    with pytest.raises(PostRefused, match="no standing consent"):
        outbox.create(seller.id, PostRequest(hs[1].id, "webhook", auto=True))


def test_caps_per_live_and_per_product(store, clip: Path) -> None:
    products: list[str | None] = [f"p{i % 9}" for i in range(27)] + ["p0"]
    hs = add_highlights(store, clip, len(products), products=products)
    seller = store.seller()
    outbox = Outbox(store, config_for())
    outbox.give_consent(seller.id, "local", PostChoices("SELF_ONLY"))
    outcomes = []
    for h in hs:
        try:
            outbox.create(seller.id, PostRequest(h.id, "local", auto=True))
            outcomes.append("ok")
        except CapReached as e:
            outcomes.append(str(e))
    assert outcomes[:20] == ["ok"] * 20
    assert all("the LIVE's cap of 20 auto-posts is reached" in o for o in outcomes[20:])
    assert outbox.caps(hs[0].live_id)["live"] == 20
    # a manual post is not capped; a cancelled auto-post gives its caps back
    assert outbox.create(seller.id, PostRequest(hs[27].id, "local")).new
    first = outbox.posts(seller.id)[0]
    outbox.cancel(seller.id, first.id)
    assert outbox.caps(hs[0].live_id)["live"] == 19
    assert outbox.create(seller.id, PostRequest(hs[20].id, "local", auto=True)).new


def test_a_product_cap_of_three(store, clip: Path) -> None:
    hs = add_highlights(store, clip, 4, products=["p7"] * 4)
    seller = store.seller()
    outbox = Outbox(store, config_for())
    outbox.give_consent(seller.id, "local", PostChoices("SELF_ONLY"))
    for h in hs[:3]:
        outbox.create(seller.id, PostRequest(h.id, "local", auto=True))
    with pytest.raises(CapReached, match="product p7's cap of 3 auto-posts is reached"):
        outbox.create(seller.id, PostRequest(hs[3].id, "local", auto=True))
    assert outbox.caps(hs[0].live_id) == {"live": 3, "product:p7": 3}


def test_scheduling_and_cancelling(store, clip: Path, tmp_path: Path) -> None:
    hs = add_highlights(store, clip, 2)
    seller = store.seller()
    cfg = config_for()
    outbox, q = Outbox(store, cfg), make_queue(f"sqlite:///{tmp_path / 'q.db'}")
    later = submit(outbox, q, seller.id, PostRequest(hs[0].id, "local", at=utcnow() + timedelta(hours=1))).post
    now = submit(outbox, q, seller.id, PostRequest(hs[1].id, "local")).post
    Worker(store, cfg, q).run(until_idle=True, handle_signals=False)
    assert outbox.get(seller.id, now.id).state == "published"  # type: ignore[union-attr]
    assert outbox.get(seller.id, later.id).state == "queued"  # type: ignore[union-attr]
    assert outbox.cancel(seller.id, later.id).state == "cancelled"
    with pytest.raises(PostRefused, match=f"post {now.id} is published: only a queued post can be cancelled"):
        outbox.cancel(seller.id, now.id)
    with pytest.raises(PostRefused, match="no post with id 'post_nope'"):
        outbox.cancel(seller.id, "post_nope")
    other = store.seller("someone else")
    with pytest.raises(PostRefused, match="no highlight with id"):
        outbox.create(other.id, PostRequest(hs[0].id, "local"))


def _auto_poster(url: str, media: str, ids: list[str], out: multiprocessing.Queue) -> None:
    with open_store(url, media_root=Path(media)) as st:
        outbox = Outbox(st, config_for())
        seller = st.seller()
        got = 0
        for hid in ids:
            try:
                got += outbox.create(seller.id, PostRequest(hid, "local", auto=True)).new
            except CapReached:
                pass
        out.put(got)


def test_two_processes_cannot_both_take_the_last_auto_post(store, clip: Path, store_url: str) -> None:
    hs = add_highlights(store, clip, 30, products=[None] * 30)
    seller = store.seller()
    Outbox(store, config_for()).give_consent(seller.id, "local", PostChoices("SELF_ONLY"))
    ctx = multiprocessing.get_context("spawn")
    out: multiprocessing.Queue = ctx.Queue()
    ids = [h.id for h in hs]
    procs = [ctx.Process(target=_auto_poster, args=(store_url, str(store.media.root), part, out))
             for part in (ids[0::2], ids[1::2])]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    taken = [out.get(timeout=5), out.get(timeout=5)]
    assert sum(taken) == 20 and min(taken) > 0
    posts = Outbox(store, config_for()).posts(seller.id)
    assert len(posts) == 20 and Outbox(store, config_for()).caps(hs[0].live_id) == {"live": 20}


def test_a_remix_is_posted_as_its_own_rendition(store, clip: Path) -> None:
    from livehighlights.store import RemixRecord, remix_id

    hs = add_highlights(store, clip, 1)
    seller = store.seller()
    outbox = Outbox(store, config_for())
    with pytest.raises(PostRefused, match="has no remix in style 'bold'"):
        outbox.create(seller.id, PostRequest(hs[0].id, "local", remix="bold"))
    rel = store.media.put(make_clip(store.media.tmp() / "remix.mp4", seconds=2), kind="remix")
    store.save_remix(RemixRecord(id=remix_id(hs[0].id, "bold"), highlight_id=hs[0].id, style="bold", path=rel))
    raw = outbox.create(seller.id, PostRequest(hs[0].id, "local")).post
    remix = outbox.create(seller.id, PostRequest(hs[0].id, "local", remix="bold")).post
    assert (raw.rendition, raw.media) == ("raw", hs[0].clip)
    assert (remix.rendition, remix.media) == ("remix:bold", rel) and remix.id != raw.id


def test_a_scheduled_post_goes_out_at_its_time(store, clip: Path, tmp_path: Path) -> None:
    hs = add_highlights(store, clip, 1)
    seller = store.seller()
    cfg = config_for()
    outbox, q = Outbox(store, cfg), make_queue(f"sqlite:///{tmp_path / 'q.db'}")
    at = utcnow() + timedelta(seconds=4)  # far enough ahead that it is still ahead once queued
    post = submit(outbox, q, seller.id, PostRequest(hs[0].id, "local", at=at)).post
    assert post.not_before == at and q.pending_count() == 0  # no message yet: a worker's sweep sends it when due
    Worker(store, cfg, q).run(until=lambda: outbox.get(seller.id, post.id).settled, handle_signals=False)  # type: ignore[union-attr]
    done = outbox.get(seller.id, post.id)
    assert done is not None and done.state == "published" and done.published_at >= at  # type: ignore[operator]


def test_two_processes_deciding_the_same_posts_make_each_once(store, clip: Path, store_url: str) -> None:
    hs = add_highlights(store, clip, 15, products=[None] * 15)
    seller = store.seller()
    Outbox(store, config_for()).give_consent(seller.id, "local", PostChoices("SELF_ONLY"))
    ctx = multiprocessing.get_context("spawn")
    out: multiprocessing.Queue = ctx.Queue()
    ids = [h.id for h in hs]
    procs = [ctx.Process(target=_auto_poster, args=(store_url, str(store.media.root), order, out))
             for order in (ids, ids[::-1])]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    assert out.get(timeout=5) + out.get(timeout=5) == 15  # each post is new to exactly one of them
    outbox = Outbox(store, config_for())
    assert len(outbox.posts(seller.id)) == 15 and outbox.caps(hs[0].live_id) == {"live": 15}
