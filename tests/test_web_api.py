"""The REST API on a store made by the real ``process`` (``web_live``): LIVEs with totals and per-minute metrics
from the stored events, ranked highlights with their evidence, posting through the outbox to the local feed and
to a webhook (a local HTTP server following the documented request/response), retry, plans, Auto LIVE Highlights
settings, the public feed and its files, media served with range requests, and the OpenAPI document."""

from __future__ import annotations

import json
import subprocess
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from web_support import add_user, make_app, sign_in

USER = "api-a@shop.example"


def _worker(web_live, **publish) -> None:
    """Deliver what is due with the real worker (until idle)."""
    from livehighlights.publish import Worker, make_queue
    from livehighlights.publish.config import PublishConfig
    from livehighlights.store import open_store

    cfg = PublishConfig(db=web_live.db, media=str(web_live.media_root), queue=web_live.queue, **publish)
    with open_store(web_live.db, media_root=web_live.media_root) as store:
        Worker(store, cfg, make_queue(cfg.queue)).run(until_idle=True, handle_signals=False)


@pytest.fixture(scope="module")
def api(web_live):
    """Seller A's signed-in client and its CSRF header."""
    add_user(web_live, "shop-a", USER)
    with TestClient(make_app(web_live)) as c:
        yield c, {"X-CSRF-Token": sign_in(c, USER)}


def _events(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text().splitlines() if x.strip()]


def test_lives_list_and_detail_with_minutes_from_the_stored_events(api, web_live, short_live):
    c, _ = api
    live = next(x for x in c.get("/api/lives").json() if x["id"] == web_live.live_id)
    evs = _events(Path(short_live.events))
    orders = [e for e in evs if e["type"] == "order"]
    assert live["id"] == web_live.live_id and live["status"] == "ended" and live["events"] == len(evs)
    assert live["orders"] == len(orders) and live["gmv"] == pytest.approx(sum(e["amount"] for e in orders), abs=0.01)
    assert live["highlights"] >= 1 and live["length_ms"] > 30_000
    detail = c.get(f"/api/lives/{web_live.live_id}").json()
    minutes = detail["minutes"]
    assert [m["minute"] for m in minutes] == list(range(len(minutes)))
    for m in minutes:
        inside = [e for e in evs if m["start_ms"] <= e["ts"] * 1000 < m["start_ms"] + 60_000]
        assert m["orders"] == sum(e["type"] == "order" for e in inside)
        assert m["comments"] == sum(e["type"] == "comment" for e in inside)
        assert m["likes"] == sum(e.get("count", 1) for e in inside if e["type"] == "like")
        peak = [e["count"] for e in inside if e["type"] == "viewers"]
        assert m["viewers"] == (max(peak) if peak else minutes[m["minute"] - 1]["viewers"])
    assert sum(m["gmv"] for m in minutes) == pytest.approx(live["gmv"], abs=0.01)
    assert detail["moments_found"] and all(x["start_ms"] < x["end_ms"] for x in detail["moments_found"])
    assert any(x["state"] == "done" for x in detail["moments_found"])


def test_highlights_ranked_with_their_evidence_and_files(api, web_live):
    c, _ = api
    ranked = c.get(f"/api/lives/{web_live.live_id}/highlights").json()
    assert ranked[0]["id"] == web_live.highlight_id and ranked[0]["rank"] == 1
    ranks = [h["rank"] for h in ranked if h["rank"] is not None]
    assert ranks == sorted(ranks)
    h = c.get(f"/api/highlights/{web_live.highlight_id}").json()
    assert h["moment"]["breakdown"] and h["why"] and h["tier"] in ("basic", "high", "good_case")
    rules = h["compliance"]["rules"]
    assert rules and {r["status"] for r in rules} <= {"pass", "fail", "unknown"}
    assert all(r["title"] for r in rules) and any(r["evidence"] for r in rules)
    assert h["transcript"] is None or h["transcript"]["sentences"]
    assert [r["id"] for r in h["remixes"]] == [web_live.remix_id]
    clip = c.get(h["clip_url"])
    assert clip.status_code == 200 and clip.headers["content-type"] == "video/mp4" and clip.content[4:8] == b"ftyp"
    part = c.get(h["clip_url"], headers={"Range": "bytes=0-99"})
    assert part.status_code == 206 and len(part.content) == 100 and part.content == clip.content[:100]
    thumb = c.get(h["thumbnail_url"])
    assert thumb.status_code == 200 and thumb.content[:3] == b"\xff\xd8\xff"
    assert c.get(h["remixes"][0]["url"]).content[4:8] == b"ftyp"
    with TestClient(make_app(web_live)) as anon:  # not on the public feed: nobody else gets the files
        assert anon.get(h["clip_url"]).status_code == 401
        assert anon.get(f"/media/{_clip_path(web_live)}").status_code == 404


def _clip_path(web_live) -> str:
    from livehighlights.store import open_store

    with open_store(web_live.db, media_root=web_live.media_root) as store:
        return store.get_highlight(web_live.seller_id, web_live.highlight_id).clip


def test_post_needs_privacy_and_consent_and_a_configured_destination(api, web_live):
    c, csrf = api
    url = f"/api/highlights/{web_live.highlight_id}/posts"
    before = c.get(url).json()
    no_privacy = c.post(url, json={"destination": "local", "consent": True}, headers=csrf)
    assert no_privacy.status_code == 422 and "privacy_level" in no_privacy.text
    no_consent = c.post(url, json={"destination": "local", "privacy_level": "SELF_ONLY", "consent": False},
                        headers=csrf)
    assert no_consent.status_code == 422 and "consent" in no_consent.json()["detail"]
    webhook = c.post(url, json={"destination": "webhook", "privacy_level": "SELF_ONLY", "consent": True},
                     headers=csrf)
    assert webhook.status_code == 422 and "webhook" in webhook.json()["detail"]
    assert "not configured" in webhook.json()["detail"]
    unknown = c.post(url, json={"destination": "myspace", "privacy_level": "SELF_ONLY", "consent": True},
                     headers=csrf)
    assert unknown.status_code == 422 and "myspace" in unknown.json()["detail"]
    assert c.get(url).json() == before  # nothing queued


def test_post_to_the_local_feed_end_to_end(api, web_live):
    c, csrf = api
    url = f"/api/highlights/{web_live.highlight_id}/posts"
    body = {"destination": "local", "privacy_level": "PUBLIC_TO_EVERYONE", "disable_duet": True, "consent": True,
            "brand_organic": True}
    made = c.post(url, json=body, headers=csrf)
    assert made.status_code == 201, made.text
    post = made.json()
    assert post["state"] == "queued" and post["choices"]["privacy_level"] == "PUBLIC_TO_EVERYONE"
    assert post["choices"]["disable_duet"] and post["choices"]["brand_organic"]
    again = c.post(url, json=body, headers=csrf)
    assert again.status_code == 200 and again.json()["id"] == post["id"]  # nothing queued twice
    _worker(web_live)
    done = c.get(f"/api/posts/{post['id']}").json()
    assert done["state"] == "published" and done["published_at"]
    assert [p["id"] for p in c.get(url).json() if p["destination"] == "local" and p["account"] == "default"] == [
        post["id"]]
    with TestClient(make_app(web_live)) as anon:  # the public feed, no sign-in
        feed = anon.get("/api/feed").json()
        item = next(i for i in feed if i["post_id"] == post["id"])
        assert item["seller"] == "shop-a" and item["highlight_id"] == web_live.highlight_id
        assert item["live_now"] is False and item["room_url"] is None
        clip = anon.get(item["clip_url"])
        assert clip.status_code == 200 and clip.content[4:8] == b"ftyp"
        assert anon.get(item["thumbnail_url"]).status_code == 200
        assert anon.get(f"/media/{_clip_path(web_live)}").status_code == 200  # on the feed: public by path too
        assert anon.get("/api/feed", params={"seller": "nobody"}).json() == []
        retry = c.post(f"/api/posts/{post['id']}/retry", headers=csrf)
        assert retry.status_code == 409 and "published" in retry.json()["detail"]


class _Hook(BaseHTTPRequestHandler):
    answers: list[int] = []
    seen: list[dict] = []

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        body = self.rfile.read(int(self.headers["Content-Length"]))
        code = self.answers.pop(0) if self.answers else 200
        self.seen.append(json.loads(body))
        out = json.dumps({"id": "hook-1", "url": "https://hook.example/p/1"} if code == 200 else
                         {"error": "bad clip"}).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)

    def log_message(self, *args: object) -> None:
        pass


def test_a_failed_post_is_sent_again_with_retry(web_live):
    from livehighlights.publish.config import PublishConfig, WebhookConfig

    server = ThreadingHTTPServer(("127.0.0.1", 0), _Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    hook = WebhookConfig(url=f"http://127.0.0.1:{server.server_port}/hook", secret="s3cret-for-tests")
    publish = PublishConfig(db=web_live.db, media=str(web_live.media_root), queue=web_live.queue, webhook=hook)
    add_user(web_live, "shop-a", USER)
    try:
        with TestClient(make_app(web_live, publish=publish)) as c:
            csrf = {"X-CSRF-Token": sign_in(c, USER)}
            _Hook.answers[:] = [400]
            made = c.post(f"/api/highlights/{web_live.highlight_id}/posts", headers=csrf,
                          json={"destination": "webhook", "privacy_level": "SELF_ONLY", "consent": True})
            assert made.status_code == 201, made.text
            pid = made.json()["id"]
            _worker(web_live, webhook=hook)
            failed = c.get(f"/api/posts/{pid}").json()
            assert failed["state"] == "failed" and "HTTP 400" in failed["reason"]
            again = c.post(f"/api/posts/{pid}/retry", headers=csrf)
            assert again.status_code == 200 and again.json()["state"] == "queued"
            _worker(web_live, webhook=hook)
            done = c.get(f"/api/posts/{pid}").json()
            assert done["state"] == "published" and done["remote_url"] == "https://hook.example/p/1"
            assert [s["post_id"] for s in _Hook.seen] == [pid, pid]
    finally:
        server.shutdown()


@pytest.fixture(scope="module")
def low_res(web_live, short_live, tmp_path_factory):
    """The same LIVE recorded at 540x960 (below Basic's 720p), processed for seller ``shop-lowres``: its
    highlights are real clips that fail Basic."""
    from conftest import media_ffmpeg

    from livehighlights.pipeline import ProcessOptions, process
    from livehighlights.store import open_store

    tmp = tmp_path_factory.mktemp("lowres")
    rec = tmp / "recording.mp4"
    media_ffmpeg("-i", str(short_live.recording), "-vf", "scale=540:960", "-c:v", "libx264", "-preset", "ultrafast",
                 "-c:a", "copy", str(rec))
    with open_store(web_live.db, media_root=web_live.media_root) as store:
        process(rec, short_live.events, tmp / "out", catalog_path=short_live.catalog,
                options=ProcessOptions(seller="shop-lowres"), store=store)
        sid = store.seller("shop-lowres").id
        (live,) = store.lives(sid)
        hs = [h for h in store.highlights(sid, live.id) if h.clip]
    assert hs and not any(h.postable for h in hs)
    return hs[0]


def test_a_highlight_below_basic_is_refused_with_its_rules(web_live, low_res):
    add_user(web_live, "shop-lowres", "api-lowres@shop.example")
    with TestClient(make_app(web_live)) as c:
        csrf = {"X-CSRF-Token": sign_in(c, "api-lowres@shop.example")}
        h = c.get(f"/api/highlights/{low_res.id}").json()
        assert h["postable"] is False and h["blocked_by"]
        r = c.post(f"/api/highlights/{low_res.id}/posts", headers=csrf,
                   json={"destination": "local", "privacy_level": "SELF_ONLY", "consent": True})
        assert r.status_code == 422 and "below Basic" in r.json()["detail"]
        assert all(rule in r.json()["detail"] for rule in h["blocked_by"])
        assert c.get(f"/api/highlights/{low_res.id}/posts").json() == []


def test_plans_in_the_future_only(api):
    c, csrf = api
    start = (datetime.now(UTC) + timedelta(days=3)).replace(microsecond=0)
    made = c.post("/api/plans", json={"title": "Weekend sale", "start": start.isoformat()}, headers=csrf)
    assert made.status_code == 201 and made.json()["upcoming"] is True
    past = c.post("/api/plans", json={"title": "Too late", "start": "2020-01-01T10:00:00+00:00"}, headers=csrf)
    assert past.status_code == 422 and "past" in past.json()["detail"] and "start" in past.json()["detail"]
    naive = c.post("/api/plans", json={"title": "No zone", "start": "2099-01-01T10:00:00"}, headers=csrf)
    assert naive.status_code == 422 and "start" in naive.text
    titles = [p["title"] for p in c.get("/api/plans").json()]
    assert "Weekend sale" in titles and "Too late" not in titles and "No zone" not in titles


def test_auto_settings_toggle_caps_destinations_and_standing_consent(api):
    c, csrf = api
    first = c.get("/api/settings/auto").json()
    assert first["auto_post"] is False and first["destinations"] == ["local"]
    assert first["missing_consent"] == ["local"]
    on = c.put("/api/settings/auto", headers=csrf, json={
        "auto_post": True, "max_per_live": 5, "consents": [
            {"destination": "local", "give": True, "privacy_level": "PUBLIC_TO_EVERYONE", "disable_stitch": True}]})
    assert on.status_code == 200, on.text
    got = on.json()
    assert got["auto_post"] is True and got["max_per_live"] == 5 and got["missing_consent"] == []
    assert got["consents"][0]["choices"]["disable_stitch"] is True
    for bad, field in (({"max_per_live": 21}, "max_per_live"), ({"destinations": ["nowhere"]}, "destinations"),
                       ({"style": "no-such-style"}, "style"),
                       ({"auto_post": False, "consents": [{"destination": "local", "give": True}]}, "privacy_level")):
        r = c.put("/api/settings/auto", headers=csrf, json=bad)
        assert r.status_code == 422 and field in r.text, (bad, r.text)
    assert c.get("/api/settings/auto").json() == got  # nothing changed by a refused request
    off = c.put("/api/settings/auto", headers=csrf, json={
        "auto_post": False, "consents": [{"destination": "local", "give": False}]}).json()
    assert off["auto_post"] is False and off["consents"] == [] and off["missing_consent"] == ["local"]


def test_openapi_documents_the_api_with_typed_answers(api):
    c, _ = api
    doc = c.get("/openapi.json").json()
    for path in ("/api/lives", "/api/lives/{live_id}", "/api/lives/{live_id}/highlights",
                 "/api/highlights/{highlight_id}", "/api/highlights/{highlight_id}/posts", "/api/posts/{post_id}",
                 "/api/posts/{post_id}/retry", "/api/plans", "/api/settings/auto", "/api/lives/{live_id}/events",
                 "/api/feed", "/api/tokens"):
        assert path in doc["paths"], path
    schemas = doc["components"]["schemas"]
    assert {"LiveOut", "LiveDetail", "HighlightDetail", "PostOut", "PostCreate", "AutoSettingsOut"} <= set(schemas)
    assert "privacy_level" in schemas["PostCreate"]["required"] and "consent" in schemas["PostCreate"]["required"]
    assert set(doc["components"]["securitySchemes"]) == {"api token", "session"}
    assert {"api token": []} in doc["paths"]["/api/lives"]["get"]["security"]
    assert c.get("/docs").status_code == 200


def test_serve_starts_uvicorn_over_the_store_and_says_a_bad_store_in_one_line(web_live, tmp_path):
    import socket
    import sys
    import time

    import httpx
    from conftest import run_cli

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "livehighlights._cli.main", "serve", "--db", web_live.db,
                             "--media-root", str(web_live.media_root), "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while True:
            assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
            try:
                r = httpx.get(f"http://127.0.0.1:{port}/openapi.json", timeout=2)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "the server did not answer"
                time.sleep(0.3)
        assert r.status_code == 200 and "/api/lives" in r.json()["paths"]
        assert httpx.get(f"http://127.0.0.1:{port}/api/lives").status_code == 401
        feed = httpx.get(f"http://127.0.0.1:{port}/api/feed")
        assert feed.status_code == 200 and "app;dur=" in feed.headers["server-timing"]
    finally:
        proc.terminate()
        proc.wait(30)
    (tmp_path / "not-a-db").mkdir()
    bad = run_cli("serve", "--db", f"sqlite:///{tmp_path / 'not-a-db'}", "--port", str(port))
    assert bad.returncode == 2 and "Traceback" not in bad.stderr and len(bad.stderr.strip().splitlines()) == 1
