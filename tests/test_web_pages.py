"""The Seller Center's pages over HTTP (no browser): scoping, CSRF, uploads, trims, plans, tasks and the chart,
on a store filled by the real ``process`` of a short simulated LIVE."""

from __future__ import annotations

import re
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from fastapi.testclient import TestClient

PASSWORD = "pages test password"


@pytest.fixture(scope="module")
def shop(short_live, tmp_path_factory: pytest.TempPathFactory):
    """``short_live`` processed for seller ``pages-a``; seller ``pages-b`` has an account but no LIVE."""
    from livehighlights.pipeline import ProcessOptions, process
    from livehighlights.store import open_store
    from livehighlights.web.accounts import create_user

    root = tmp_path_factory.mktemp("pages")
    db, media = f"sqlite:///{root / 'web.db'}", root / "media"
    store = open_store(db, media_root=media)
    res = process(short_live.recording, short_live.events, root / "out", catalog_path=short_live.catalog,
                  options=ProcessOptions(seller="pages-a"), store=store)
    a, b = store.seller("pages-a"), store.seller("pages-b")
    create_user(store, a.id, "pages-a", PASSWORD)
    create_user(store, b.id, "pages-b", PASSWORD)
    h = store.highlights(a.id, res.live_id)[0]
    yield SimpleNamespace(store=store, root=root, db=db, media=media, a=a.id, b=b.id, live_id=res.live_id,
                          highlight_id=h.id, short_live=short_live)
    store.close()


def _app(shop, **overrides):  # noqa: ANN001, ANN202
    import dataclasses

    from livehighlights.publish.config import PublishConfig
    from livehighlights.web.app import create_app
    from livehighlights.web.settings import WebSettings

    s = WebSettings(db=shop.db, media_root=shop.media, signin_burst=10_000, signin_per_min=10_000,
                    publish=PublishConfig(db=shop.db, media=str(shop.media), queue=f"sqlite:///{shop.root / 'q.db'}"))
    return create_app(dataclasses.replace(s, **overrides), shop.store)


def _client(shop, user: str, **overrides) -> tuple[TestClient, str]:  # noqa: ANN001
    c = TestClient(_app(shop, **overrides), base_url="http://127.0.0.1")
    r = c.post("/signin", data={"username": user, "password": PASSWORD, "next": "/lives"}, follow_redirects=False)
    assert r.status_code == 303, r.text
    page = c.get("/plans").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token, "every page with a form carries the CSRF token"
    return c, token.group(1)


def _text(r) -> str:  # noqa: ANN001
    """The page's text as a person reads it (entities decoded)."""
    import html

    return html.unescape(r.text)


def _wait_task(shop, client: TestClient, task_id: str, timeout: float = 300):  # noqa: ANN001, ANN202
    from livehighlights.web.tasks import get_task

    end = time.monotonic() + timeout
    while True:
        t = get_task(shop.store, shop.a, task_id)
        if t is not None and t.settled:
            return t
        assert time.monotonic() < end, f"task {task_id} is still {t.state if t else None}"
        time.sleep(0.3)


def _snapshot(shop) -> tuple:  # noqa: ANN001
    st = shop.store
    return (tuple(st.get_highlight(shop.a, h.id) for h in st.highlights(shop.a, shop.live_id)),
            tuple(st.plans(shop.a)), tuple(st.plans(shop.b)))


def test_another_sellers_ids_are_404_on_every_page_and_change_nothing(shop):
    c, csrf = _client(shop, "pages-b")
    before = _snapshot(shop)
    lid, hid = shop.live_id, shop.highlight_id
    for path in (f"/lives/{lid}", f"/lives/{lid}/live", f"/highlights/{hid}", f"/highlights/{hid}/post",
                 f"/highlights/{hid}/remix", "/tasks/task_0123456789abcdef", f"/api/lives/{lid}/stream",
                 "/api/tasks/task_0123456789abcdef"):
        r = c.get(path)
        assert r.status_code == 404, (path, r.status_code)
        assert "Not found" in r.text or "no " in r.json()["detail"], (path, r.text[:200])
    for path, data in ((f"/highlights/{hid}/trim", {"start": "1", "end": "9"}),
                       (f"/highlights/{hid}/post", {"destination": "local", "consent": "on"}),
                       (f"/highlights/{hid}/remix", {"style": "minimal"})):
        r = c.post(path, data={**data, "csrf_token": csrf}, follow_redirects=False)
        assert r.status_code == 404, (path, r.status_code)
    assert "pages-a" not in c.get("/lives").text
    assert _snapshot(shop) == before
    from livehighlights.web.tasks import recent_tasks

    assert recent_tasks(shop.store, shop.b) == [] and recent_tasks(shop.store, shop.a, "trim") == []


def test_a_form_without_its_csrf_token_is_refused_and_changes_nothing(shop):
    c, _ = _client(shop, "pages-a")
    before = _snapshot(shop)
    hid = shop.highlight_id
    for path, data in (("/plans", {"title": "No token", "start": "2099-01-01T10:00", "tz": "UTC"}),
                       ("/auto/toggle", {"auto_post": "on"}),
                       (f"/highlights/{hid}/trim", {"start": "1", "end": "9"}),
                       (f"/highlights/{hid}/post", {"destination": "local", "consent": "on"}),
                       (f"/highlights/{hid}/remix", {"style": "minimal"})):
        r = c.post(path, data=data, follow_redirects=False)
        assert r.status_code == 403, (path, r.status_code)
        assert "CSRF" in r.text
    from livehighlights.store.settings import auto_settings

    assert auto_settings(shop.store, shop.a).auto_post is False
    assert _snapshot(shop) == before


def test_a_plan_in_the_past_or_without_a_time_is_refused_on_the_page(shop):
    c, csrf = _client(shop, "pages-a")
    r = c.post("/plans", data={"title": "Old", "start": "2001-01-01T10:00", "tz": "UTC", "csrf_token": csrf})
    assert r.status_code == 422 and "in the past" in r.text
    r = c.post("/plans", data={"title": "Bad", "start": "next friday", "tz": "UTC", "csrf_token": csrf})
    assert r.status_code == 422 and "is not a date and time" in r.text
    r = c.post("/plans", data={"title": "Zone", "start": "2099-01-01T10:00", "tz": "Mars/Base", "csrf_token": csrf})
    assert r.status_code == 422 and "is not a time zone" in r.text
    assert shop.store.plans(shop.a) == []
    r = c.post("/plans", data={"title": "Future", "start": "2099-01-01T10:00", "tz": "Asia/Jakarta",
                               "csrf_token": csrf}, follow_redirects=False)
    assert r.status_code == 303
    (plan,) = shop.store.plans(shop.a)
    assert plan.start.isoformat().startswith("2099-01-01T03:00")  # 10:00 in Jakarta is 03:00 UTC


def test_trim_snaps_to_sentences_recuts_and_rechecks(shop):
    from livehighlights.media import probe

    c, csrf = _client(shop, "pages-a")
    h = shop.store.get_highlight(shop.a, shop.highlight_id)
    sentences = (h.transcript or {}).get("sentences") or []
    assert len(sentences) >= 2, "the simulated pitch has sentences"
    # ask for a start a little after the second sentence begins and an end a little before the last ends
    want_s = sentences[1]["start_s"] + 0.4
    want_e = sentences[-1]["end_s"] - 0.3
    r = c.post(f"/highlights/{h.id}/trim", data={"start": f"{want_s:.2f}", "end": f"{want_e:.2f}",
                                                 "csrf_token": csrf}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/tasks/")
    task = _wait_task(shop, c, r.headers["location"].rsplit("/", 1)[1])
    assert task.state == "done", task.error
    after = shop.store.get_highlight(shop.a, h.id)
    assert task.result["snapped"] is True
    assert abs(after.start_ms - want_s * 1000) <= 3000 and abs(after.end_ms - want_e * 1000) <= 3000
    assert (after.start_ms, after.end_ms) != (h.start_ms, h.end_ms)
    assert after.clip != h.clip and "trimmed by the seller, snapped to sentences" in after.why
    info = probe(shop.store.media.path(after.clip))
    assert abs(info.duration_ms - (after.end_ms - after.start_ms)) < 200, "the clip is the new window"
    rules = {r["id"]: r for r in after.compliance["rules"]}
    assert rules["length"]["evidence"]["seconds"] == pytest.approx((after.end_ms - after.start_ms) / 1000, abs=0.2)
    page = c.get(f"/highlights/{h.id}?done=trimmed").text
    assert "Trimmed, re-cut and re-checked" in page


def test_upload_refuses_what_is_not_a_video_or_too_big_and_processes_a_real_live(shop, tmp_path):
    c, csrf = _client(shop, "pages-a")
    uploads = shop.media / "uploads"
    fake = tmp_path / "recording.mp4"
    fake.write_text("this is not a video at all\n" * 50)
    live = shop.short_live
    files = {"recording": ("live.mp4", fake.read_bytes(), "video/mp4"),
             "events": ("events.jsonl", Path(live.events).read_bytes(), "application/json")}
    r = c.post("/upload", data={"csrf_token": csrf}, files=files)
    assert r.status_code == 422 and "is not a video we can read" in _text(r) and "'live.mp4'" in _text(r)
    assert not uploads.exists() or not any(uploads.iterdir()), "a refused upload leaves nothing"
    bad_log = {"recording": ("live.mp4", Path(live.recording).read_bytes(), "video/mp4"),
               "events": ("events.jsonl", b"{not json\n", "application/json")}
    r = c.post("/upload", data={"csrf_token": csrf}, files=bad_log)
    assert r.status_code == 422 and "the event log is not usable" in _text(r) and "'events.jsonl'" in _text(r)
    small, csrf_small = _client(shop, "pages-a", max_video_bytes=10_000)
    r = small.post("/upload", data={"csrf_token": csrf_small},
                   files={"recording": ("big.mp4", Path(live.recording).read_bytes(), "video/mp4"),
                          "events": ("e.jsonl", Path(live.events).read_bytes(), "application/json")})
    assert r.status_code == 413 and "over the limit" in r.text
    assert not uploads.exists() or not any(uploads.iterdir())
    ok = {"recording": ("../../etc/my LIVE.mp4", Path(live.recording).read_bytes(), "video/mp4"),
          "events": ("events.jsonl", Path(live.events).read_bytes(), "application/json"),
          "catalog": ("catalog.json", Path(live.catalog).read_bytes(), "application/json")}
    r = c.post("/upload", data={"csrf_token": csrf, "title": "Uploaded LIVE"}, files=ok, follow_redirects=False)
    assert r.status_code == 303, r.text
    task = _wait_task(shop, c, r.headers["location"].rsplit("/", 1)[1], timeout=600)
    assert task.state == "done", task.error
    (folder,) = list(uploads.iterdir())
    assert sorted(p.name for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")) == [
        "catalog.json", "events.jsonl", "recording.mp4"], "fixed names: nothing the client sent is a path"
    assert task.result["live_id"] and task.result["highlights"] >= 1
    page = c.get(r.headers["location"]).text
    assert f'/lives/{task.result["live_id"]}' in page


def test_the_chart_series_add_up_to_the_lives_orders(shop):
    from livehighlights.web.charts import ChartMark, live_series, metrics_svg

    events = list(shop.store.events(shop.live_id))
    live = shop.store.get_live(shop.a, shop.live_id)
    s = live_series(events, live.duration_ms)
    orders = [e for e in events if e.type == "order"]
    assert sum(s.orders) == len(orders) and sum(s.gmv) == pytest.approx(sum(e.amount or 0 for e in orders), abs=0.01)
    assert sum(s.comments) == sum(1 for e in events if e.type == "comment")
    assert s.n * s.bucket_ms >= live.duration_ms
    svg = metrics_svg(s, [ChartMark(1000, "1", "a <moment>", "/highlights/x")])
    assert svg.count('data-testid="chart-mark"') == 1 and "a &lt;moment&gt;" in svg and "<moment>" not in svg


def test_a_task_left_by_a_dead_runner_is_taken_again_and_errors_are_said(shop):
    from datetime import timedelta

    from livehighlights.store.schema import utcnow
    from livehighlights.store.schema_app import TaskRow
    from livehighlights.web.tasks import TaskFailed, TaskRunner, get_task

    calls = []

    def ok(ctx):  # noqa: ANN001, ANN202
        ctx.report(0.5, "half way")
        calls.append(ctx.task.attempts)
        return {"n": len(calls)}

    def bad(ctx):  # noqa: ANN001, ANN202
        raise TaskFailed("the clip is gone")

    dead = TaskRunner(shop.store, {"ok": ok}, owner="dead-runner")
    dead.close()  # a runner that takes nothing: its task stays queued
    t = dead.submit(shop.a, "ok", {})
    with shop.store.session(write=True) as s, s.begin():
        row = s.get(TaskRow, t.id)
        row.state, row.lease_owner, row.lease_until = "running", "dead-runner", utcnow() - timedelta(seconds=1)
    live = TaskRunner(shop.store, {"ok": ok, "bad": bad})
    try:
        assert live.resume() >= 1
        live.wait(t.id, 60)
        got = get_task(shop.store, shop.a, t.id)
        assert got.state == "done" and got.result == {"n": 1} and got.attempts == 1 and got.progress == 1.0
        b = live.submit(shop.a, "bad", {})
        live.wait(b.id, 60)
        failed = get_task(shop.store, shop.a, b.id)
        assert failed.state == "failed" and failed.error == "the clip is gone"
        assert get_task(shop.store, shop.b, b.id) is None, "another seller's task is not found"
    finally:
        live.close(wait=True)


def test_remix_api_refuses_bad_requests_before_any_task(shop):
    from livehighlights.web.tasks import recent_tasks

    c, csrf = _client(shop, "pages-a")
    hdr = {"X-CSRF-Token": csrf}
    hid = shop.highlight_id
    before = recent_tasks(shop.store, shop.a, "remix")
    r = c.post(f"/api/highlights/{hid}/remixes", json={"style": "sparkly"}, headers=hdr)
    assert r.status_code == 422 and "is not one of" in r.json()["detail"]
    r = c.post(f"/api/highlights/{hid}/remixes", json={"style": "bold", "plan_id": "plan_nope"}, headers=hdr)
    assert r.status_code == 422 and "no LIVE plan" in r.json()["detail"]
    r = c.post("/api/highlights/h_0000000000000000/remixes", json={"style": "bold"}, headers=hdr)
    assert r.status_code == 404
    r = c.post(f"/api/highlights/{hid}/remixes", json={"style": "bold"})
    assert r.status_code == 403, "a session without its CSRF header"
    b, csrf_b = _client(shop, "pages-b")
    r = b.post(f"/api/highlights/{hid}/remixes", json={"style": "bold"}, headers={"X-CSRF-Token": csrf_b})
    assert r.status_code == 404 and b.get(f"/api/highlights/{hid}/remixes").status_code == 404
    assert recent_tasks(shop.store, shop.a, "remix") == before
    assert c.get(f"/api/highlights/{hid}/remixes").json() == []


def test_upload_api_answers_with_status_codes(shop, tmp_path):
    c, csrf = _client(shop, "pages-a")
    live = shop.short_live
    before = sorted(p.name for p in (shop.media / "uploads").iterdir()) if (shop.media / "uploads").exists() else []
    files = {"recording": ("clip.mp4", Path(live.catalog).read_bytes(), "video/mp4"),
             "events": ("events.jsonl", Path(live.events).read_bytes(), "application/json")}
    r = c.post("/api/uploads", files=files, headers={"X-CSRF-Token": csrf})
    assert r.status_code == 422 and "is not a video we can read" in r.json()["detail"]
    r = c.post("/api/uploads", files=files)
    assert r.status_code == 403, "a session without its CSRF header"
    r = c.post("/api/uploads", files={"events": ("e.jsonl", b"{}", "application/json")},
               headers={"X-CSRF-Token": csrf})
    assert r.status_code == 422 and "recording" in r.json()["detail"]
    small, csrf_small = _client(shop, "pages-a", max_video_bytes=10_000, max_events_bytes=10_000)
    boundary = "lh-test-boundary"

    def chunked():  # no Content-Length: the body is refused once it passes the limit, not spooled whole
        yield (f'--{boundary}\r\nContent-Disposition: form-data; name="recording"; filename="big.mp4"\r\n'
               f"Content-Type: video/mp4\r\n\r\n").encode()
        for _ in range(1152):
            yield b"\0" * 65536  # 72 MiB in all, against a limit of 51 MiB (the catalog's 50 MiB included)
        yield f"\r\n--{boundary}--\r\n".encode()

    r = small.post("/api/uploads", content=chunked(),
                   headers={"X-CSRF-Token": csrf_small, "Content-Type": f"multipart/form-data; boundary={boundary}"})
    assert r.status_code == 413 and "over the limit" in r.json()["detail"]
    after = sorted(p.name for p in (shop.media / "uploads").iterdir()) if (shop.media / "uploads").exists() else []
    assert after == before, "nothing is left of a refused upload"


def test_the_public_feed_shows_live_now_and_the_room_link_while_the_live_is_on(shop):
    from sqlalchemy import update

    from livehighlights.publish import Deliverer, Outbox, PostChoices, PostRequest
    from livehighlights.publish.config import PublishConfig
    from livehighlights.store.schema import LiveRow

    st = shop.store
    h = st.get_highlight(shop.a, shop.highlight_id)
    cfg = PublishConfig(product_url="https://shop.example/p/{product_id}")
    q = Outbox(st, cfg).create(shop.a, PostRequest(h.id, "local", choices=PostChoices("SELF_ONLY"), force=True))
    assert Deliverer(st, cfg).deliver(q.post.id).state == "published"
    anon = TestClient(_app(shop), base_url="http://127.0.0.1")
    page = _text(anon.get("/feed"))
    assert f'data-highlight-id="{h.id}"' in page and 'data-testid="live-now"' not in page
    with st.session(write=True) as s, s.begin():
        s.execute(update(LiveRow).where(LiveRow.id == shop.live_id)
                  .values(status="live", room_url="https://live.example/room/42"))
    try:
        page = _text(anon.get("/feed"))
        assert 'data-testid="live-now"' in page and 'href="https://live.example/room/42"' in page
        assert "We're LIVE now" in page
        assert anon.get(f"/feed/media/{q.post.id}/clip").status_code == 200, "the feed's clip is public"
        assert anon.get(f"/highlights/{h.id}", follow_redirects=False).status_code == 303, "the rest is not"
    finally:
        with st.session(write=True) as s, s.begin():
            s.execute(update(LiveRow).where(LiveRow.id == shop.live_id).values(status="ended", room_url=None))


def test_the_posting_dialog_asks_tiktok_about_the_account(shop):
    """With TikTok configured (a local stand-in of its Content Posting API), the dialog shows the account's nickname,
    marks the privacy levels it does not offer, greys the interactions its settings turn off, and a post that asks
    for what the account does not allow is refused in one line before anything is queued."""
    import dataclasses

    from publish_standins import TikTokStandIn

    from livehighlights.publish.config import PublishConfig, TikTokConfig
    from livehighlights.publish.schema import PostRow

    with TikTokStandIn(privacy=("FOLLOWER_OF_CREATOR", "SELF_ONLY")) as tt:
        pub = PublishConfig(db=shop.db, media=str(shop.media), queue=f"sqlite:///{shop.root / 'q.db'}",
                            tiktok=TikTokConfig(base_url=tt.url, access_token="act.good"))
        c, csrf = _client(shop, "pages-a", publish=pub)
        hid = shop.highlight_id
        page = _text(c.get(f"/highlights/{hid}/post"))
        assert 'data-testid="nickname-tiktok">@Shopper<' in page
        assert 'data-testid="not-offered-PUBLIC_TO_EVERYONE"' in page and 'not-offered-SELF_ONLY' not in page
        assert re.search(r'name="allow_stitch"[^>]*disabled', page), "stitches are off in the account's settings"
        assert any(e == "creator_info" for e, _ in tt.requests)
        with shop.store.session() as s:
            before = s.query(PostRow).filter(PostRow.destination == "tiktok").count()
        r = c.post(f"/highlights/{hid}/post", data={"destination": "tiktok", "privacy_level": "PUBLIC_TO_EVERYONE",
                                                    "consent": "on", "force": "on", "csrf_token": csrf})
        assert r.status_code == 422 and "@Shopper does not offer 'Everyone'" in _text(r)
        r = c.post(f"/highlights/{hid}/post", data={"destination": "tiktok", "privacy_level": "SELF_ONLY",
                                                    "allow_stitch": "on", "consent": "on", "force": "on",
                                                    "csrf_token": csrf})
        assert r.status_code == 422 and "stitches turned off" in _text(r)
        with shop.store.session() as s:
            assert s.query(PostRow).filter(PostRow.destination == "tiktok").count() == before
    down, _ = _client(shop, "pages-a", publish=dataclasses.replace(pub))  # the stand-in is gone now
    from livehighlights.web.pages import creator

    creator._cache.clear()
    page = _text(down.get(f"/highlights/{shop.highlight_id}/post"))
    assert 'data-testid="creator-problem"' in page and "could not be asked" in page


def test_a_post_that_failed_is_shown_failed_and_retried_from_the_page(shop):
    """A webhook that refuses the post (HTTP 400): the highlight page shows it failed, with the reason and a retry
    button; the retry sends it again and it is published, once."""
    from publish_helpers import config_for
    from publish_standins import WebhookReceiver

    from livehighlights.web.tasks import recent_tasks

    hid = shop.highlight_id
    with WebhookReceiver() as rcv:
        rcv.script("post", "400")
        c, csrf = _client(shop, "pages-a", publish=config_for(webhook=rcv.url + "/hook"))
        r = c.post(f"/highlights/{hid}/post", data={"destination": "webhook", "consent": "on", "force": "on",
                                                    "csrf_token": csrf}, follow_redirects=False)
        assert r.status_code == 303, _text(r)[:2000]
        outbox = c.app.state.outbox
        (post,) = [p for p in outbox.posts(shop.a) if p.destination == "webhook"]
        for t in recent_tasks(shop.store, shop.a, "deliver"):
            _wait_task(shop, c, t.id, 60)
        post = outbox.get(shop.a, post.id)
        assert post.state == "failed", (post.state, post.reason)
        page = _text(c.get(f"/highlights/{hid}"))
        assert f'data-post-id="{post.id}" data-destination="webhook" data-state="failed"' in page
        assert 'data-testid="retry"' in page and post.reason in page
        r = c.post(f"/posts/{post.id}/retry", data={"csrf_token": csrf}, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == f"/highlights/{hid}?done=retried"
        for t in recent_tasks(shop.store, shop.a, "deliver"):
            _wait_task(shop, c, t.id, 60)
        assert outbox.get(shop.a, post.id).state == "published"
        assert len(rcv.first) == 1, "delivered once"
        r = c.post(f"/posts/{post.id}/retry", data={"csrf_token": csrf})
        assert r.status_code == 409 and "only a failed post" in _text(r)


def test_standing_consent_is_given_with_the_sellers_own_choices_and_withdrawn(shop):
    c, csrf = _client(shop, "pages-a")
    r = c.post("/auto/consent", data={"destination": "tiktok", "confirm": "on", "csrf_token": csrf})
    assert r.status_code == 422 and "there is no default" in _text(r)
    r = c.post("/auto/consent", data={"destination": "tiktok", "privacy_level": "SELF_ONLY", "csrf_token": csrf})
    assert r.status_code == 422 and "Tick the box" in _text(r)
    outbox = c.app.state.outbox
    assert outbox.consent(shop.a, "tiktok") is None, "nothing given by a refused form"
    r = c.post("/auto/consent", data={"destination": "tiktok", "privacy_level": "FOLLOWER_OF_CREATOR",
                                      "allow_comment": "on", "commercial": "on", "brand_organic": "on",
                                      "confirm": "on", "csrf_token": csrf}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/auto?done=consent"
    given = outbox.consent(shop.a, "tiktok")
    assert given is not None and given.choices.privacy_level == "FOLLOWER_OF_CREATOR"
    assert (given.choices.disable_comment, given.choices.disable_duet, given.choices.brand_organic) == \
        (False, True, True)
    assert 'data-testid="consent-tiktok"' in _text(c.get("/auto")) and "given " in _text(c.get("/auto"))
    r = c.post("/auto/consent/revoke", data={"destination": "tiktok", "csrf_token": csrf}, follow_redirects=False)
    assert r.status_code == 303 and outbox.consent(shop.a, "tiktok") is None


def test_an_uploaded_chat_log_is_checked_by_its_content(shop, tmp_path):
    """A chat log of the public downloaders (here a text log, ``[h:mm:ss] user: text``) is an event log the upload
    form takes and keeps under its own suffix; a ``.txt`` that is no chat log is refused naming the file."""
    import json
    import shutil

    from livehighlights.web.api.uploads import EVENT_SUFFIXES, UploadRejected, check_upload

    assert ".txt" in EVENT_SUFFIXES
    live = shop.short_live
    shutil.copy(live.recording, tmp_path / "recording.video")
    lines = []
    for raw in Path(live.events).read_text().splitlines():
        e = json.loads(raw)
        if e.get("type") == "comment":
            s = int(e["ts"])
            lines.append(f"[{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}] {e['user']}: {e['text']}")
    assert len(lines) >= 3
    (tmp_path / "events.txt").write_text("\n".join(lines) + "\n")
    names = {"recording.video": "'live.mp4'", "events.txt": "'chat.txt'"}
    check_upload(tmp_path, names, "recording.video", "events.txt", None)  # no exception: a usable log
    (tmp_path / "events.txt").write_text("these are my notes about the LIVE\nnothing like a chat log\n")
    with pytest.raises(UploadRejected) as err:
        check_upload(tmp_path, names, "recording.video", "events.txt", None)
    assert err.value.status == 422 and "'chat.txt'" in str(err.value)
    c, _ = _client(shop, "pages-a")
    page = c.get("/upload").text
    assert ".txt" in re.search(r'name="events"[^>]*accept="([^"]+)"', page).group(1)
