"""The Seller Center in a real browser (Debian's Chromium driven by Playwright) over a real server (Uvicorn in a
thread) on a store filled by the real ``process`` of a short simulated LIVE.

No Chromium is a failure with a message, never a skip: these tests are the issue's proof that the pages work.
"""

from __future__ import annotations

import socket
import sqlite3
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--autoplay-policy=no-user-gesture-required"]
USER, PASSWORD = "browser-seller", "a long browser password"
SLOW = 240_000
"""Milliseconds to wait for work that runs FFmpeg or speech recognition on a busy 2-core machine."""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def web_server(short_live, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimpleNamespace]:
    """The app on a free port over its own store, which holds ``short_live`` processed for seller ``browser-shop``
    and a user who signs in; ``base`` is its URL."""
    import uvicorn

    from livehighlights.pipeline import ProcessOptions, process
    from livehighlights.publish.config import PublishConfig
    from livehighlights.store import open_store
    from livehighlights.web.accounts import create_user
    from livehighlights.web.app import create_app
    from livehighlights.web.settings import WebSettings

    root = tmp_path_factory.mktemp("browser")
    db, media = f"sqlite:///{root / 'web.db'}", root / "media"
    store = open_store(db, media_root=media)
    result = process(short_live.recording, short_live.events, root / "out", catalog_path=short_live.catalog,
                     options=ProcessOptions(seller="browser-shop"), store=store)
    seller = store.seller("browser-shop")
    create_user(store, seller.id, USER, PASSWORD)
    highlights = store.highlights(seller.id, result.live_id)
    assert highlights and highlights[0].clip, "the browser tests need a highlight with its clip"
    settings = WebSettings(db=db, media_root=media, signin_burst=10_000, signin_per_min=10_000,
                           publish=PublishConfig(db=db, media=str(media), queue=f"sqlite:///{root / 'queue.db'}",
                                                 product_url="https://shop.example/p/{product_id}"))
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(settings, store), host="127.0.0.1", port=port,
                                           log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    yield SimpleNamespace(base=f"http://127.0.0.1:{port}", store=store, seller_id=seller.id, live_id=result.live_id,
                          highlight_id=highlights[0].id, root=root, short_live=short_live, db=db)
    server.should_exit = True
    thread.join(30)
    tasks = getattr(server.config.app.state, "tasks", None) if hasattr(server.config, "app") else None
    if tasks is not None:
        tasks.close()
    store.close()


@pytest.fixture(scope="session")
def chromium() -> Iterator[object]:
    if not CHROMIUM.exists():
        pytest.fail(f"Chromium is not installed at {CHROMIUM}: the browser tests need Debian's chromium package "
                    "(apt-get install chromium); they are never skipped", pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _sign_in(page, base: str, user: str = USER, password: str = PASSWORD) -> None:  # noqa: ANN001
    page.goto(f"{base}/signin")
    page.get_by_test_id("signin-username").fill(user)
    page.get_by_test_id("signin-password").fill(password)
    page.get_by_test_id("signin-submit").click()
    page.wait_for_url(f"{base}/lives")


@pytest.fixture
def page(chromium, web_server):  # noqa: ANN001, ANN201
    ctx = chromium.new_context(viewport={"width": 1280, "height": 900})
    pg = ctx.new_page()
    pg.set_default_timeout(30_000)
    _sign_in(pg, web_server.base)
    yield pg
    ctx.close()


def test_sign_in_wrong_password_then_right_then_out(chromium, web_server):
    ctx = chromium.new_context(viewport={"width": 390, "height": 844})
    pg = ctx.new_page()
    base = web_server.base
    pg.goto(f"{base}/lives")
    assert "/signin" in pg.url, "a page without a session sends the browser to sign in"
    pg.get_by_test_id("signin-username").fill(USER)
    pg.get_by_test_id("signin-password").fill("not the password")
    pg.get_by_test_id("signin-submit").click()
    assert "Wrong username or password" in pg.get_by_test_id("error").inner_text()
    pg.get_by_test_id("signin-password").fill(PASSWORD)
    pg.get_by_test_id("signin-submit").click()
    pg.wait_for_url(f"{base}/lives")
    assert pg.get_by_test_id("signed-in-as").count() == 1
    row = pg.get_by_test_id("live-row")
    assert row.count() == 1 and row.get_attribute("data-live-id") == web_server.live_id
    assert pg.get_by_test_id("live-found").inner_text().strip() != "0"
    pg.get_by_test_id("signout").click()
    pg.wait_for_url(f"{base}/signin")
    pg.goto(f"{base}/lives")
    assert "/signin" in pg.url, "signed out: the session is over"
    ctx.close()


def test_open_a_live_and_play_a_clip(page, web_server):
    base = web_server.base
    page.get_by_test_id("live-link").first.click()
    page.wait_for_url(f"{base}/lives/{web_server.live_id}")
    chart = page.locator("[data-testid=metrics-chart]:visible")
    assert chart.count() == 1
    assert chart.locator("[data-metric]").count() == 4, "GMV, orders, viewers and comments"
    assert chart.get_by_test_id("chart-mark").count() >= 1, "the moments are marked on the chart"
    cards = page.get_by_test_id("highlight-card")
    assert cards.count() >= 1
    first = cards.first
    assert first.get_attribute("data-highlight-id") == web_server.highlight_id, "ranked: the best first"
    assert first.get_by_test_id("tier").inner_text().strip()
    assert first.get_by_test_id("card-why").inner_text().strip()
    # hover the card (a tap on a phone): its video gets its source and plays
    first.locator(".media").hover()
    page.wait_for_function("""() => { const v = document.querySelector('[data-testid=highlight-card] video');
                                     return v && v.currentTime > 0.3; }""", timeout=60_000)
    first.get_by_test_id("open-highlight").click()
    page.wait_for_url(f"{base}/highlights/{web_server.highlight_id}")
    assert page.get_by_test_id("signal").count() >= 1, "which signals moved"
    rules = page.get_by_test_id("rule")
    assert rules.count() >= 10
    assert {rules.nth(i).get_attribute("data-status") for i in range(rules.count())} <= {"pass", "fail", "unknown"}
    player = page.get_by_test_id("player")
    player.evaluate("v => { v.muted = true; return v.play(); }")
    page.wait_for_function("() => document.querySelector('[data-testid=player]').currentTime > 1.0",
                           timeout=60_000)
    t = player.evaluate("v => v.currentTime")
    assert t > 1.0, "the clip plays: its time advances"


def test_a_trim_outside_the_live_is_refused_and_changes_nothing(page, web_server):
    store = web_server.store
    before = store.get_highlight(web_server.seller_id, web_server.highlight_id)
    page.goto(f"{web_server.base}/highlights/{web_server.highlight_id}")
    page.get_by_test_id("trim-start").fill("5")
    page.get_by_test_id("trim-end").fill("9999")
    page.get_by_test_id("trim-submit").click()
    msg = page.get_by_test_id("error").inner_text()
    assert "outside the LIVE" in msg and "nothing was changed" in msg
    after = store.get_highlight(web_server.seller_id, web_server.highlight_id)
    assert (after.start_ms, after.end_ms, after.clip) == (before.start_ms, before.end_ms, before.clip)


def _post_state(page, destination: str) -> str:  # noqa: ANN001
    row = page.locator(f"[data-testid=post-row][data-destination={destination}]")
    return row.get_attribute("data-state") if row.count() else ""


def test_post_to_the_local_feed_and_see_it_on_the_public_feed(page, chromium, web_server):
    base, hid = web_server.base, web_server.highlight_id
    page.goto(f"{base}/highlights/{hid}/post")
    # TikTok's rules on the dialog: no privacy chosen for the seller, interaction switches off, a preview
    assert page.locator("input[name=privacy_level]:checked").count() == 0
    assert page.get_by_test_id("allow-comment").is_checked() is False
    assert page.get_by_test_id("post-preview").count() == 1
    # a destination that is not set up: a clear message, nothing queued
    page.get_by_test_id("dest-tiktok").check()
    page.get_by_test_id("consent").check()
    page.get_by_test_id("post-submit").click()
    err = page.get_by_test_id("error").inner_text()
    assert "not set up" in err and "Nothing was posted" in err
    assert page.get_by_test_id("dest-tiktok").is_checked(), "what the seller chose is kept"
    page.get_by_test_id("dest-tiktok").uncheck()
    # without consent: refused
    page.get_by_test_id("dest-local").check()
    page.get_by_test_id("consent").uncheck()
    page.get_by_test_id("post-submit").click()
    assert "consent" in page.get_by_test_id("error").inner_text()
    page.get_by_test_id("dest-local").check()
    page.get_by_test_id("privacy-PUBLIC_TO_EVERYONE").check()
    page.get_by_test_id("consent").check()
    if page.get_by_test_id("force").count():
        page.get_by_test_id("force").check()
    page.get_by_test_id("post-submit").click()
    page.wait_for_url(f"{base}/highlights/{hid}?done=posted")
    deadline = time.monotonic() + 60
    while _post_state(page, "local") != "published":
        assert time.monotonic() < deadline, f"the local post stays {_post_state(page, 'local')!r}"
        time.sleep(0.5)
        page.reload()
    # the public feed, in a browser that never signed in
    ctx = chromium.new_context(viewport={"width": 390, "height": 844})
    anon = ctx.new_page()
    anon.goto(f"{base}/feed")
    item = anon.locator(f"[data-testid=feed-item][data-highlight-id={hid}]").first
    assert item.count() == 1
    card = item.get_by_test_id("product-card")
    h = web_server.store.get_highlight(web_server.seller_id, hid)
    assert h.product_title and h.product_title in card.inner_text()
    assert "$" in card.get_by_test_id("price").inner_text()
    assert card.get_by_test_id("buy").get_attribute("href") == f"https://shop.example/p/{h.product_id}"
    video = item.get_by_test_id("feed-video")
    video.evaluate("v => { v.muted = true; return v.play(); }")
    anon.wait_for_function("(v) => v.currentTime > 0.3", arg=video.element_handle(), timeout=60_000)
    assert anon.get_by_test_id("live-now").count() == 0, "the LIVE has ended: no LIVE-now badge"
    ctx.close()


def test_quick_post_edit_bound_to_a_live_plan(page, web_server):
    base, hid = web_server.base, web_server.highlight_id
    page.goto(f"{base}/plans")
    past = (datetime.now(UTC) - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    page.get_by_test_id("plan-title").fill("Yesterday's sale")
    page.get_by_test_id("plan-start").fill(past)
    page.get_by_test_id("plan-tz").fill("UTC")
    page.get_by_test_id("plan-submit").click()
    assert "in the past" in page.get_by_test_id("error").inner_text()
    assert not [p for p in web_server.store.plans(web_server.seller_id) if p.title == "Yesterday's sale"]
    soon = (datetime.now(UTC) + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    page.get_by_test_id("plan-title").fill("Weekend flash sale")
    page.get_by_test_id("plan-start").fill(soon)
    page.get_by_test_id("plan-tz").fill("UTC")
    page.get_by_test_id("plan-submit").click()
    page.wait_for_url(f"{base}/plans?done=plan")
    assert "Weekend flash sale" in page.get_by_test_id("plans-table").inner_text()
    (plan,) = [p for p in web_server.store.plans(web_server.seller_id) if p.title == "Weekend flash sale"]

    page.goto(f"{base}/highlights/{hid}/remix")
    page.get_by_test_id("style-minimal").check()
    page.get_by_test_id("plan-select").select_option(plan.id)
    page.get_by_test_id("remix-submit").click()
    page.wait_for_url(f"{base}/tasks/*")
    assert page.get_by_test_id("progress").count() == 1
    page.get_by_test_id("remix-result").wait_for(timeout=SLOW)
    video = page.get_by_test_id("remix-video")
    video.evaluate("v => { v.muted = true; return v.play(); }")
    page.wait_for_function("(v) => v.currentTime > 0.3", arg=video.element_handle(), timeout=60_000)
    sheet = page.get_by_test_id("contact-sheet")
    page.wait_for_function("(img) => img.complete && img.naturalWidth > 0", arg=sheet.element_handle())
    (remix,) = [r for r in web_server.store.remixes(web_server.seller_id, hid) if r.style == "minimal"]
    assert remix.sidecar["web"]["plan"]["title"] == "Weekend flash sale"
    assert web_server.store.media.path(remix.path).stat().st_size > 10_000
    page.get_by_test_id("post-remix").click()
    assert "minimal remix" in page.locator("h1").inner_text()
    page.get_by_test_id("dest-local").check()
    page.get_by_test_id("privacy-SELF_ONLY").check()
    page.get_by_test_id("consent").check()
    if page.get_by_test_id("force").count():
        page.get_by_test_id("force").check()
    page.get_by_test_id("post-submit").click()
    page.wait_for_url(f"{base}/highlights/{hid}?done=posted")
    row = page.locator("[data-testid=post-row][data-destination=local]", has_text="remix:minimal")
    assert row.count() == 1, "the remix is posted as its own rendition"


def test_switch_auto_on_and_off(page, web_server):
    from livehighlights.store.settings import auto_settings

    base = web_server.base
    page.goto(f"{base}/auto")
    assert page.get_by_test_id("auto-state").inner_text() == "off"
    page.get_by_test_id("auto-toggle").click()
    page.wait_for_url(f"{base}/auto?done=auto-on")
    assert page.get_by_test_id("auto-state").inner_text() == "on"
    assert auto_settings(web_server.store, web_server.seller_id).auto_post is True
    page.get_by_test_id("max-per-live").fill("25")
    page.get_by_test_id("auto-save").click()
    assert "at most 20" in page.get_by_test_id("error").inner_text()
    assert auto_settings(web_server.store, web_server.seller_id).max_per_live == 20, "nothing changed"
    page.get_by_test_id("auto-toggle").click()
    page.wait_for_url(f"{base}/auto?done=auto-off")
    assert page.get_by_test_id("auto-state").inner_text() == "off"
    assert auto_settings(web_server.store, web_server.seller_id).auto_post is False


def test_a_moment_appears_on_the_live_view_while_the_page_is_open(page, web_server):
    """A LIVE that is on: its events go through the real engine while the page is open; each moment the detector
    confirms is stored, and the page shows it without a reload."""
    from livehighlights.engine import Engine
    from livehighlights.sources import load_catalog, load_events

    store, sid = web_server.store, web_server.seller_id
    live = store.upsert_live(sid, "browser-live-now", title="On air now", status="live", duration_ms=None)
    page.goto(f"{web_server.base}/lives/{live.id}/live")
    assert page.get_by_test_id("stream-status").inner_text() == "LIVE now"
    assert page.get_by_test_id("live-moment").count() == 0
    catalog = load_catalog(web_server.short_live.catalog)
    log = load_events(web_server.short_live.events, catalog=catalog)
    store.ingest_events(live.id, log.events)
    engine = Engine.from_names(catalog=catalog)
    found = []
    for ev in log.events:
        found += engine.feed(ev)
    found += engine.finish(max(e.ts_ms for e in log.events) + 1000)
    assert found, "the simulated LIVE has moments"
    first = store.upsert_moment(live.id, found[0])
    item = page.locator(f"#moment-{first.id}")
    item.wait_for(timeout=30_000)
    assert "moment" in item.inner_text() and "found" in item.inner_text()
    store.set_live_status(sid, live.id, "ended")
    page.get_by_test_id("stream-status").filter(has_text="Ended").wait_for(timeout=30_000)
    with sqlite3.connect(web_server.db.removeprefix("sqlite:///")) as db:
        assert db.execute("select count(*) from moments where live_id = ?", (live.id,)).fetchone()[0] == 1


def test_every_page_fits_a_phone_screen(chromium, web_server):
    """At 390 px wide nothing runs off the side (no sideways scrolling) and the navigation is all there."""
    ctx = chromium.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    pg = ctx.new_page()
    base, hid, lid = web_server.base, web_server.highlight_id, web_server.live_id
    _sign_in(pg, base)
    for path in ("/lives", f"/lives/{lid}", f"/highlights/{hid}", f"/highlights/{hid}/post",
                 f"/highlights/{hid}/remix", "/plans", "/auto", "/upload", f"/lives/{lid}/live", "/feed"):
        pg.goto(base + path)
        width = pg.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 391, f"{path} is {width} px wide on a 390 px phone"
        for name in ("lives", "plans", "auto", "upload", "feed"):
            assert pg.get_by_test_id(f"nav-{name}").is_visible(), (path, name)
    pg.goto(f"{base}/lives/{lid}")
    assert pg.locator("svg.chart.compact").is_visible() and not pg.locator("svg.chart.wide").is_visible()
    # a tap on a card plays its clip
    pg.get_by_test_id("highlight-card").first.get_by_test_id("card-play").tap()
    pg.wait_for_function("""() => { const v = document.querySelector('[data-testid=highlight-card] video');
                                   return v && v.currentTime > 0.3; }""", timeout=60_000)
    ctx.close()
