"""Event push (``POST /api/lives/{id}/events``): a follower opens a LIVE and pushes batches with an API token;
batches are stored whole or not at all, a batch sent again is stored once, too large is 413, and when the store is
busy beyond the in-flight limit the answer is 503 with Retry-After (nothing dropped: the batch sent again lands)."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from web_support import make_app


@pytest.fixture(scope="module")
def token(web_live) -> dict[str, str]:
    """An API token of a seller of these tests' own (shop-events), as the header that carries it."""
    from livehighlights.store import open_store
    from livehighlights.web.tokens import create_token

    with open_store(web_live.db, media_root=web_live.media_root) as store:
        sid = store.seller("shop-events").id
        return {"Authorization": f"Bearer {create_token(store, sid, 'events follower').token}"}


def _open(c: TestClient, token: dict[str, str], key: str, **extra) -> dict:
    r = c.post("/api/lives", json={"key": key, "title": f"LIVE {key}", **extra}, headers=token)
    assert r.status_code in (200, 201), r.text
    return r.json()


def _stored(web_live, live_id: str) -> list:
    from livehighlights.store import open_store

    with open_store(web_live.db, media_root=web_live.media_root) as store:
        return list(store.events(live_id))


def _lines(short_live, n: int) -> list[str]:
    return [x for x in Path(short_live.events).read_text().splitlines() if x.strip()][:n]


def test_open_a_live_and_push_batches(web_live, short_live, token):
    with TestClient(make_app(web_live)) as c:
        live = _open(c, token, "push-1", room_url="https://live.example/room/1")
        assert live["status"] == "live" and live["room_url"] == "https://live.example/room/1"
        assert _open(c, token, "push-1")["id"] == live["id"]  # the same key: the same LIVE
        lines = _lines(short_live, 30)
        body = "\n".join(lines) + "\n"
        r = c.post(f"/api/lives/{live['id']}/events", content=body, headers=token | {
            "Content-Type": "application/x-ndjson"})
        assert r.status_code == 200, r.text
        got = r.json()
        assert got["received"] == 30 and got["stored"] == 30 and got["duplicates"] == 0
        stored = _stored(web_live, live["id"])
        assert [(e.ts_ms, e.type) for e in stored] == [
            (round(json.loads(x)["ts"] * 1000), json.loads(x)["type"]) for x in lines]
        again = c.post(f"/api/lives/{live['id']}/events", content=body, headers=token).json()
        assert again["stored"] == 0 and again["duplicates"] == 30  # a batch sent again is stored once
        as_array = [json.loads(x) for x in _lines(short_live, 40)[30:]] + [{"ts": 50, "type": "mystery_box"}]
        r = c.post(f"/api/lives/{live['id']}/events", json=as_array, headers=token).json()
        assert r["stored"] == 11 and r["unknown_types"] == {"mystery_box": 1}
        assert len(_stored(web_live, live["id"])) == 41
        listed = {x["id"]: x for x in c.get("/api/lives", headers=token).json()}
        assert listed[live["id"]]["events"] == 41 and listed[live["id"]]["status"] == "live"


def test_clock_times_are_aligned_to_the_lives_start(web_live, token):
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=5)
    with TestClient(make_app(web_live)) as c:
        live = _open(c, token, "push-clock", started_at=start.isoformat())
        at = (start + timedelta(seconds=12.5)).isoformat()
        r = c.post(f"/api/lives/{live['id']}/events", headers=token,
                   content=json.dumps({"ts": at, "type": "order", "amount": 19.9, "product_id": "p01"}))
        assert r.status_code == 200, r.text
        assert [(e.ts_ms, e.amount) for e in _stored(web_live, live["id"])] == [(12_500, 19.9)]
        early = (start - timedelta(seconds=3)).isoformat()
        r = c.post(f"/api/lives/{live['id']}/events", headers=token, content=json.dumps({"ts": early, "type": "like"}))
        assert r.status_code == 422 and "line 1, field 'ts'" in r.json()["detail"] and "before" in r.json()["detail"]


@pytest.mark.parametrize(("bad", "where"), [
    ('{"ts": 3, "type": "viewers", "count": "many"}', "line 3, field 'count'"),
    ('{"ts": 3, "type": "order", "amount": -5}', "line 3, field 'amount'"),
    ('{"type": "like"}', "line 3, field 'ts'"),
    ('{"ts": 3, "type": "like"', "line 3: not JSON"),
    ('[1, 2]', "line 3: an event is a JSON object"),
])
def test_a_batch_with_a_bad_line_is_refused_whole(web_live, token, bad, where):
    with TestClient(make_app(web_live)) as c:
        live = _open(c, token, "push-bad")
        before = len(_stored(web_live, live["id"]))
        good = ['{"ts": 1, "type": "like", "count": 3}', '{"ts": 4, "type": "comment", "text": "hi"}']
        body = "\n".join([good[0], "", bad, good[1]])
        r = c.post(f"/api/lives/{live['id']}/events", content=body, headers=token)
        assert r.status_code == 422 and r.json()["detail"].startswith(where), r.text
        assert len(_stored(web_live, live["id"])) == before  # nothing of the batch, not even its good lines
        items = c.post(f"/api/lives/{live['id']}/events", headers=token,
                       json=[{"ts": 1, "type": "like"}, {"ts": 2, "type": "product_pin"}])
        assert items.status_code == 422 and "item 2, field 'product_id'" in items.json()["detail"]
        empty = c.post(f"/api/lives/{live['id']}/events", headers=token, content="\n\n")
        assert empty.status_code == 422 and "no events" in empty.json()["detail"]


def test_a_batch_over_the_limit_is_413(web_live, token):
    with TestClient(make_app(web_live, max_events_bytes=2_000)) as c:
        live = _open(c, token, "push-big")
        body = "\n".join(json.dumps({"ts": i, "type": "comment", "text": "x" * 40}) for i in range(60))
        r = c.post(f"/api/lives/{live['id']}/events", content=body, headers=token)
        assert r.status_code == 413 and "2000" in r.json()["detail"]

        def chunks():  # no Content-Length: counted while it streams in
            for i in range(0, len(body), 500):
                yield body[i:i + 500].encode()

        r = c.post(f"/api/lives/{live['id']}/events", content=chunks(), headers=token)
        assert r.status_code == 413
        assert _stored(web_live, live["id"]) == []


def test_back_pressure_503_when_the_store_is_busy_and_nothing_is_lost(web_live, token):
    app = make_app(web_live, events_in_flight=1)
    with TestClient(app) as c:
        live = _open(c, token, "push-busy")
        url = f"/api/lives/{live['id']}/events"
        lock = sqlite3.connect(web_live.db.removeprefix("sqlite:///"), isolation_level=None, timeout=30)
        lock.execute("BEGIN IMMEDIATE")  # another writer holds the database: the first batch waits for it
        first: dict = {}
        t = threading.Thread(target=lambda: first.update(r=c.post(url, headers=token, content=json.dumps(
            {"ts": 1, "type": "like", "count": 7}))))
        t.start()
        try:
            deadline = time.monotonic() + 60
            while app.state.events_in_flight < 1:
                assert time.monotonic() < deadline, "the first batch never started"
                time.sleep(0.02)
            second = c.post(url, headers=token, content=json.dumps({"ts": 2, "type": "like", "count": 9}))
            assert second.status_code == 503 and second.headers["Retry-After"] == "1"
            assert "again" in second.json()["detail"]
        finally:
            lock.execute("ROLLBACK")
            lock.close()
        t.join(60)
        assert first["r"].status_code == 200 and first["r"].json()["stored"] == 1
        resent = c.post(url, headers=token, content=json.dumps({"ts": 2, "type": "like", "count": 9}))
        assert resent.status_code == 200 and resent.json()["stored"] == 1
        assert sorted(e.count for e in _stored(web_live, live["id"])) == [7, 9]


def test_pushing_needs_a_valid_token_and_the_sellers_own_live(web_live, token):
    with TestClient(make_app(web_live)) as c:
        live = _open(c, token, "push-auth")
        url = f"/api/lives/{live['id']}/events"
        assert c.post(url, content='{"ts": 1, "type": "like"}').status_code == 401
        r = c.post(url, content='{"ts": 1, "type": "like"}', headers={"Authorization": "Bearer lh_wrong"})
        assert r.status_code == 401
        r = c.post("/api/lives/live_000000000000/events", content='{"ts": 1, "type": "like"}', headers=token)
        assert r.status_code == 404
        bad_key = c.post("/api/lives", json={"key": "../etc"}, headers=token)
        assert bad_key.status_code == 422 and "key" in bad_key.text


def test_the_same_on_postgresql(store_pg, web_live, short_live, tmp_path):
    """Sign-in (rate buckets), tokens, opening a LIVE, pushing events and the per-minute metrics on PostgreSQL."""
    from web_support import PASSWORD, sign_in

    from livehighlights.publish.config import PublishConfig
    from livehighlights.store import open_store
    from livehighlights.web.accounts import create_user

    url = store_pg.create_database("t_web_events")
    with open_store(url, media_root=tmp_path / "media") as store:
        create_user(store, store.seller("shop-pg").id, "pg-user@shop.example", PASSWORD)
    app = make_app(web_live, db=url, media_root=tmp_path / "media", signin_burst=5, signin_per_min=1.0,
                   publish=PublishConfig(db=url, media=str(tmp_path / "media"), queue=f"sqlite:///{tmp_path / 'q.db'}"))
    with TestClient(app) as c:
        csrf = {"X-CSRF-Token": sign_in(c, "pg-user@shop.example")}
        tok = c.post("/api/tokens", json={"name": "pg follower"}, headers=csrf).json()["token"]
        auth = {"Authorization": f"Bearer {tok}"}
        live = _open(c, auth, "pg-live")
        lines = _lines(short_live, 10_000)
        r = c.post(f"/api/lives/{live['id']}/events", content="\n".join(lines), headers=auth)
        assert r.status_code == 200 and r.json()["stored"] == len(lines), r.text
        again = c.post(f"/api/lives/{live['id']}/events", content="\n".join(lines), headers=auth).json()
        assert again["stored"] == 0 and again["duplicates"] == len(lines)
        minutes = c.get(f"/api/lives/{live['id']}", headers=auth).json()["minutes"]
        evs = [json.loads(x) for x in lines]
        assert sum(m["orders"] for m in minutes) == sum(e["type"] == "order" for e in evs)
        assert sum(m["comments"] for m in minutes) == sum(e["type"] == "comment" for e in evs)
        assert round(sum(m["gmv"] for m in minutes), 2) == round(sum(e.get("amount", 0) for e in evs
                                                                     if e["type"] == "order"), 2)
    with TestClient(app, client=("10.1.2.3", 1)) as c:
        codes = [c.post("/signin", data={"username": "pg-user@shop.example", "password": "nope nope nope"},
                        follow_redirects=False).status_code for _ in range(6)]
        assert codes == [401] * 4 + [429] * 2  # the username's 5 tries: one went on the sign-in above
