"""Each publisher against a local stand-in of its destination (tests/publish_standins.py), with its faults."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import time
from pathlib import Path

import pytest
from publish_helpers import add_highlights, config_for, make_clip
from publish_standins import ShopStandIn, TikTokStandIn, WebhookReceiver

from livehighlights.errors import InputError
from livehighlights.publish import (
    Deferred,
    Final,
    Outbox,
    PostChoices,
    PostRefused,
    PostRequest,
    Worker,
    make_queue,
    submit,
    tiktok_events,
    webhook,
)
from livehighlights.publish.tiktok import plan_chunks
from livehighlights.store import open_store
from livehighlights.store.schema import utcnow

MB = 1024 * 1024


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_clip(tmp_path_factory.mktemp("clip") / "clip.mp4")


@pytest.fixture(scope="module")
def big_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Over 10 MB: two TikTok chunks of at least 5 MB."""
    path = make_clip(tmp_path_factory.mktemp("big") / "big.mp4", seconds=6, size="1280x720", lossless=True)
    assert path.stat().st_size > 10 * MB
    return path


@pytest.fixture
def store(store_url: str, tmp_path: Path):
    """A new store on SQLite, then on PostgreSQL (``store_url`` in conftest.py)."""
    with open_store(store_url, media_root=tmp_path / "media") as st:
        yield st


def _run(store, cfg, tmp_path: Path, *reqs: PostRequest, progress=None):
    seller = store.seller()
    outbox, q = Outbox(store, cfg), make_queue(f"sqlite:///{tmp_path / 'q.db'}")
    posts = [submit(outbox, q, seller.id, r).post for r in reqs]
    Worker(store, cfg, q, progress=progress).run(until_idle=True, handle_signals=False)
    return [outbox.get(seller.id, p.id) for p in posts]


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# ---- webhook ---------------------------------------------------------------------------------------------------
def test_webhook_is_signed_and_retried_with_the_same_key(store, clip: Path, tmp_path: Path) -> None:
    hs = add_highlights(store, clip, 1, status="live")
    with WebhookReceiver() as rcv:
        rcv.hang_s = 3.0  # past the client's 2 s timeout: the receiver got it, the answer is lost
        rcv.script("post", "500", "hang")
        cfg = config_for(webhook=rcv.url + "/hook", media_url="https://cdn.example/media")
        [post] = _run(store, cfg, tmp_path, PostRequest(hs[0].id, "webhook"))
    assert post.state == "published" and post.attempts == 3, post.reason
    assert post.remote_id == "rcv_" + post.idem_key[:8] and post.remote_url.startswith("https://receiver.example/")
    assert [f for _, f in rcv.requests] == ["500", "hang", "ok"]
    assert list(rcv.first) == [post.idem_key] and rcv.repeats[post.idem_key] == 1 and not rcv.rejected
    assert rcv.per_highlight() == {hs[0].id: 1}
    doc = rcv.first[post.idem_key]
    assert doc["post_id"] == post.id and doc["seller"]["name"] == "default" and doc["live"]["status"] == "live"
    h = doc["highlight"]
    assert (h["start_ms"], h["end_ms"], h["tier"], h["why"]) == (0, 20_000, "basic", ["orders x5.1"])
    assert h["product"] == {"id": "p1", "title": "Glow serum p1", "price": None, "currency": None,
                            "link": "https://shop.example/p/p1"}
    assert doc["clip_url"] == f"https://cdn.example/media/{hs[0].clip}"
    assert doc["live"]["room_url"] == "https://live.example/evening"


def test_webhook_4xx_is_final_and_a_forgery_is_refused(store, clip: Path, tmp_path: Path) -> None:
    hs = add_highlights(store, clip, 2)
    with WebhookReceiver() as rcv:
        rcv.script("post", "422")
        [p422] = _run(store, config_for(webhook=rcv.url), tmp_path, PostRequest(hs[0].id, "webhook"))
    assert p422.state == "failed" and p422.attempts == 1
    assert p422.reason.startswith("the webhook refused the post: HTTP 422")
    with WebhookReceiver(secret="the receiver's") as rcv:
        [forged] = _run(store, config_for(webhook=rcv.url, secret="not it"), tmp_path / "2",
                        PostRequest(hs[1].id, "webhook"))
    assert forged.state == "failed" and "HTTP 401" in forged.reason and rcv.rejected and not rcv.first
    body, ts = b'{"a":1}', int(time.time())
    sig = webhook.sign("k", ts, body)
    assert webhook.verify("k", str(ts), body, sig)
    assert not webhook.verify("k", str(ts), body + b" ", sig)
    assert not webhook.verify("k", str(ts - 600), body, webhook.sign("k", ts - 600, body))  # a replay


def test_webhook_multipart_uploads_the_clip(store, clip: Path, tmp_path: Path) -> None:
    hs = add_highlights(store, clip, 1)
    with WebhookReceiver() as rcv:
        [post] = _run(store, config_for(webhook=rcv.url, multipart=True), tmp_path, PostRequest(hs[0].id, "webhook"))
    assert post.state == "published" and rcv.first[post.idem_key]["post_id"] == post.id


# ---- TikTok ----------------------------------------------------------------------------------------------------
def test_chunking_follows_tiktoks_rules() -> None:
    assert plan_chunks(3 * MB) == (3 * MB, 1)
    assert plan_chunks(50 * MB) == (50 * MB, 1)
    assert plan_chunks(100 * MB) == (64 * MB, 1)  # the last chunk takes the remainder, up to 128 MB
    assert plan_chunks(11 * MB, 5 * MB) == (5 * MB, 2)
    assert plan_chunks(64 * 1000 * MB) == (64 * MB, 1000)
    with pytest.raises(Final, match="cannot be cut into TikTok's chunks"):
        plan_chunks(64 * 1001 * MB)


def test_tiktok_direct_post_in_chunks(store, big_clip: Path, tmp_path: Path) -> None:
    hs = add_highlights(store, big_clip, 1)
    seen: list[tuple[int, int]] = []
    with TikTokStandIn() as tt:
        cfg = config_for(tiktok=tt.url)
        cfg = dataclasses.replace(cfg, tiktok=dataclasses.replace(cfg.tiktok, chunk_size=5 * MB))
        choices = PostChoices("SELF_ONLY", disable_comment=True, brand_organic=True)
        req = PostRequest(hs[0].id, "tiktok", choices=choices)
        [post] = _run(store, cfg, tmp_path, req, progress=lambda _pid, d, t: seen.append((d, t)))
    assert post.state == "published", post.reason
    [(pid, pub)] = tt.published.items()
    assert post.remote_id == pid and pub["sha256"] == _sha(big_clip)
    assert post.remote_url.startswith("https://www.tiktok.com/@Shopper/video/")
    info = pub["post_info"]
    assert info["privacy_level"] == "SELF_ONLY" and info["disable_comment"] and info["disable_stitch"]
    assert info["brand_organic_toggle"] and not info["is_aigc"] and info["title"] == post.caption
    size = big_clip.stat().st_size
    assert len(seen) == size // (5 * MB) and seen[-1] == (size, size)


def test_tiktok_faults_are_retried_and_a_lost_init_is_reconciled(store, clip: Path, tmp_path: Path) -> None:
    hs = add_highlights(store, clip, 2)
    with TikTokStandIn() as tt:
        tt.script("init", "429", "lost")
        tt.script("status", "500")
        tt.script("upload", "500")
        req = [PostRequest(h.id, "tiktok", choices=PostChoices("PUBLIC_TO_EVERYONE")) for h in hs]
        posts = _run(store, config_for(tiktok=tt.url), tmp_path, *req)
    assert [p.state for p in posts] == ["published", "published"], [p.reason for p in posts]
    assert len(tt.publishes) == 3 and len(tt.published) == 2  # the lost init's upload never happened
    assert {p.remote_id for p in posts} == set(tt.published)
    assert [f for e, f in tt.requests if e == "init"] == ["429", "lost", "ok", "ok"]


def test_tiktok_spam_risk_pauses_auto_posting(store, clip: Path, tmp_path: Path) -> None:
    hs = add_highlights(store, clip, 2)
    seller = store.seller()
    Outbox(store, config_for()).give_consent(seller.id, "tiktok", PostChoices("SELF_ONLY"))
    with TikTokStandIn() as tt:
        tt.script("init", "spam_risk_too_many_posts")
        [post] = _run(store, config_for(tiktok=tt.url), tmp_path, PostRequest(hs[0].id, "tiktok", auto=True))
    assert post.state == "failed" and post.error_code == "spam_risk_too_many_posts"
    assert "auto-posting to this account is paused" in post.reason and not tt.published
    outbox = Outbox(store, config_for())
    assert "spam_risk_too_many_posts" in (outbox.paused("tiktok") or "")
    with pytest.raises(PostRefused, match="auto-posting to tiktok account 'default' is paused"):
        outbox.create(seller.id, PostRequest(hs[1].id, "tiktok", auto=True))
    assert outbox.caps(hs[0].live_id) == {"live": 0, "product:p1": 0}  # the failed auto-post gave its caps back
    outbox.resume("tiktok")
    assert outbox.create(seller.id, PostRequest(hs[1].id, "tiktok", auto=True)).new


def test_tiktok_token_is_refreshed_or_the_seller_told_to_authorise(store, clip: Path, tmp_path: Path,
                                                                   caplog: pytest.LogCaptureFixture) -> None:
    hs = add_highlights(store, clip, 2)
    with TikTokStandIn() as tt:
        [ok] = _run(store, config_for(tiktok=tt.url, token="act.stale"), tmp_path,
                    PostRequest(hs[0].id, "tiktok", choices=PostChoices("SELF_ONLY")))
    assert ok.state == "published", ok.reason
    with TikTokStandIn(token="act.other") as tt:  # the seller revoked the app: tokens and refresh refused
        tt.refresh_tokens.clear()
        [bad] = _run(store, config_for(tiktok=tt.url, token="act.stale"), tmp_path / "2",
                     PostRequest(hs[1].id, "tiktok", choices=PostChoices("SELF_ONLY")))
    assert bad.state == "failed" and "must authorise livehighlights" in bad.reason
    text = caplog.text + json.dumps([ok.to_json(), bad.to_json()])
    assert "act.refreshed" not in text and "act.stale" not in text and "rft." not in text


def test_tiktok_privacy_must_be_chosen_and_offered(store, clip: Path, tmp_path: Path) -> None:
    hs = add_highlights(store, clip, 1)
    seller = store.seller()
    with TikTokStandIn(privacy=("SELF_ONLY",)) as tt:
        cfg = config_for(tiktok=tt.url)
        with pytest.raises(PostRefused, match="needs the seller's own privacy choice"):
            Outbox(store, cfg).create(seller.id, PostRequest(hs[0].id, "tiktok"))
        [post] = _run(store, cfg, tmp_path, PostRequest(hs[0].id, "tiktok",
                                                        choices=PostChoices("PUBLIC_TO_EVERYONE")))
    assert post.state == "failed" and "not offered by TikTok account @Shopper (it offers SELF_ONLY)" in post.reason
    with pytest.raises(PostRefused, match="over TikTok's limit of 2200"):
        Outbox(store, cfg).create(seller.id, PostRequest(hs[0].id, "tiktok", remix=None, caption="😀" * 1101,
                                                         choices=PostChoices("SELF_ONLY"), account="other"))


def test_tiktok_webhook_events_are_verified_deduplicated_and_applied(store, clip: Path, tmp_path: Path) -> None:
    hs = add_highlights(store, clip, 1)
    seller = store.seller()
    with TikTokStandIn() as tt:
        tt.polls_to_complete = 10_000  # TikTok keeps processing: the post stays "processing"
        cfg = config_for(tiktok=tt.url)
        outbox, q = Outbox(store, cfg), make_queue(f"sqlite:///{tmp_path / 'q.db'}")
        post = submit(outbox, q, seller.id, PostRequest(hs[0].id, "tiktok", choices=PostChoices("SELF_ONLY"))).post
        w = Worker(store, cfg, q)
        w.run(until=lambda: outbox.get(seller.id, post.id).state == "processing", handle_signals=False)  # type: ignore[union-attr]
    post = outbox.get(seller.id, post.id)
    assert post is not None and post.state == "processing" and post.remote_id
    body = json.dumps({"client_key": "ck", "event": "post.publish.complete", "create_time": int(time.time()),
                       "user_openid": "u1", "content": json.dumps({"publish_id": post.remote_id})}).encode()
    with pytest.raises(InputError, match="signature does not match"):
        tiktok_events.receive(store, "cs", body, tiktok_events.sign("wrong", int(time.time()), body))
    first = tiktok_events.receive(store, "cs", body, tiktok_events.sign("cs", int(time.time()), body))
    again = tiktok_events.receive(store, "cs", body, tiktok_events.sign("cs", int(time.time()), body))
    assert (first.duplicate, first.post_id, first.state) == (False, post.id, "published")
    assert (again.duplicate, again.state) == (True, "published")
    public = json.dumps({"client_key": "ck", "event": "post.publish.publicly_available", "create_time": 1,
                         "content": json.dumps({"publish_id": post.remote_id, "post_id": "7300000000000000001"})})
    tiktok_events.receive(store, "cs", public.encode(), tiktok_events.sign("cs", int(time.time()), public.encode()))
    assert outbox.get(seller.id, post.id).remote_url == "https://www.tiktok.com/@Shopper/video/7300000000000000001"  # type: ignore[union-attr]


# ---- TikTok Shop -----------------------------------------------------------------------------------------------
def test_tiktok_shop_shoppable_video(store, clip: Path, tmp_path: Path) -> None:
    hs = add_highlights(store, clip, 3, products=["p1", "p2", "p3"])
    hs[0] = store.save_highlight(dataclasses.replace(
        hs[0], product_title="Glow-serum™, SPF 30 ✨ (the big 200 ml bottle!)"))
    with ShopStandIn() as shop:
        shop.script("create", "too_often")
        reqs = [PostRequest(h.id, "tiktok-shop", choices=PostChoices("PUBLIC_TO_EVERYONE")) for h in hs[:2]]
        posts = _run(store, config_for(shop=shop.url), tmp_path, *reqs)
        assert [p.state for p in posts] == ["published", "published"], [p.reason for p in posts]
        anchors = sorted(v["anchor"] for v in shop.videos.values())
        assert anchors == ["Glow serum SPF 30 the big 200", "Glow serum p2"]
        assert all(v["sha256"] == _sha(clip) for v in shop.videos.values())
        shop.script("create", "lost")
        [lost] = _run(store, config_for(shop=shop.url), tmp_path / "2",
                      PostRequest(hs[2].id, "tiktok-shop", choices=PostChoices("SELF_ONLY")))
    assert lost.state == "unknown" and "livehighlights post resolve" in lost.reason and len(shop.videos) == 3
    settled = Outbox(store, config_for()).resolve(store.seller().id, lost.id, posted=True, url="https://x/v")
    assert settled.state == "published" and settled.remote_url == "https://x/v"


def test_tiktok_shop_daily_quota_waits_for_tomorrow(store, clip: Path, tmp_path: Path) -> None:
    hs = add_highlights(store, clip, 1)
    with ShopStandIn() as shop:
        shop.script("create", "daily_quota")
        [post] = _run(store, config_for(shop=shop.url), tmp_path,
                      PostRequest(hs[0].id, "tiktok-shop", choices=PostChoices("SELF_ONLY")))
    assert post.state == "queued" and "daily posting quota" in post.reason
    assert post.not_before.date() > utcnow().date() and post.progress.get("file_id") in shop.files


def test_tiktok_shop_needs_a_product(store, clip: Path) -> None:
    hs = add_highlights(store, clip, 1, products=[None])
    with pytest.raises(PostRefused, match="a shoppable video needs the highlight's product"):
        Outbox(store, config_for()).create(store.seller().id, PostRequest(hs[0].id, "tiktok-shop",
                                                                          choices=PostChoices("SELF_ONLY")))


def test_a_file_over_the_destinations_limit_is_refused_before_queuing() -> None:
    from livehighlights.publish import PUBLISHERS

    cfg = config_for()
    shop = PUBLISHERS.get("tiktok-shop")(cfg)
    assert shop.validate("caption", 101 * MB, "p1") == ["the file is 101.0 MB, over TikTok Shop's limit of 100 MB"]
    tiktok = PUBLISHERS.get("tiktok")(cfg)
    assert tiktok.validate("😀" * 1100, 10 * MB, None) == []  # 2200 UTF-16 units: just fits
    assert tiktok.validate("😀" * 1100 + "!", 5 * 1024 * MB, None) == [
        "the caption is 2201 long, over TikTok's limit of 2200",
        "the file is 5120.0 MB, over TikTok's limit of 4096 MB"]


def test_retries_end_in_a_final_failure(store, clip: Path, tmp_path: Path) -> None:
    hs = add_highlights(store, clip, 1)
    with WebhookReceiver() as rcv:
        rcv.script("post", *["500"] * 3)
        [post] = _run(store, config_for(webhook=rcv.url, max_attempts=3), tmp_path, PostRequest(hs[0].id, "webhook"))
    assert post.state == "failed" and post.attempts == 3 and post.error_code == "503"
    assert post.reason.startswith("gave up after 3 attempts: the webhook answered HTTP 503")


def test_rate_limits_are_shared_and_defer_what_cannot_wait(store, clip: Path, tmp_path: Path) -> None:
    from livehighlights.publish.ratelimit import RateLimiter

    limiter = RateLimiter(store, max_wait_s=0.0)
    assert limiter.try_take("x", 60) == 0.0
    assert 0.5 < limiter.try_take("x", 60) <= 60 / 54  # one a second, 10% under: the next in about 1.1 s
    with pytest.raises(Deferred, match=r"rate limit of x \(60/min\)"):
        RateLimiter(store, max_wait_s=0.0).acquire("x", 60)  # another worker shares the bucket
    hs = add_highlights(store, clip, 2)
    with TikTokStandIn() as tt:
        cfg = config_for(tiktok=tt.url)
        cfg = dataclasses.replace(cfg, tiktok=dataclasses.replace(cfg.tiktok, init_per_min=0.9))  # one per 74 s
        posts = _run(store, cfg, tmp_path, *[PostRequest(h.id, "tiktok", choices=PostChoices("SELF_ONLY"))
                                             for h in hs])
    assert sorted(p.state for p in posts) == ["published", "queued"] and len(tt.publishes) == 1
    waiting = next(p for p in posts if p.state == "queued")
    assert waiting.attempts == 0 and "rate limit of tiktok:default:init" in waiting.reason
