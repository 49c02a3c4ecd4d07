"""Every query is scoped to the seller: seller B signs in (and uses an API token) and tries EVERY route of the app
(listed from ``app.routes``, so a new route cannot be forgotten) with seller A's LIVE, highlight, post, remix,
token, task and file ids. Always 404 with the same body as an unknown id, nothing of A's in any answer, nothing
changed in the database or the media root. Routes that hold no seller's data are listed as public, by name."""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from web_support import add_user, make_app, sign_in

PUBLIC = {
    "/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc",  # the API's documentation
    "/signin", "/static/{name}",                                  # the sign-in form, the stylesheet and script
    "/api/feed", "/feed",                                         # the public shoppable feed (published posts)
}
"""Routes that show no seller's private data (the public feed shows only what a seller published to it)."""
OWN_ONLY = {"/api/me", "/signout"}
"""Routes about the asker's own session: tried by B, but they take no id."""
PLAN_TITLE = "A's secret plan 7f3c"


def _routes(app: Any) -> list[tuple[str, set[str], Any]]:
    """(path, methods, route) of every HTTP route of the app, included routers opened up."""
    out: list[tuple[str, set[str], Any]] = []
    for r in app.routes:
        if hasattr(r, "effective_route_contexts"):
            for ctx in r.effective_route_contexts():
                out.append((ctx.path, set(getattr(ctx.original_route, "methods", None) or ()), ctx.original_route))
        elif hasattr(r, "methods"):
            out.append((r.path, set(r.methods or ()), r))
        else:
            pytest.fail(f"route {r!r} is neither HTTP nor an included router: teach this test to try it")
    return out


@pytest.fixture(scope="module")
def seller_a(web_live) -> dict[str, str]:
    """Seller A's ids of every kind: its LIVE, highlight, remix (from ``web_live``), a post not on the public feed
    (scheduled for tomorrow), an API token, a finished task, a plan, and a file of its media root."""
    from livehighlights.publish import Outbox, PostChoices, PostRequest
    from livehighlights.publish.config import PublishConfig
    from livehighlights.store import open_store
    from livehighlights.web.tasks import TaskRunner
    from livehighlights.web.tokens import create_token

    with open_store(web_live.db, media_root=web_live.media_root) as store:
        cfg = PublishConfig(db=web_live.db, media=str(web_live.media_root), queue=web_live.queue)
        post = Outbox(store, cfg).create(web_live.seller_id, PostRequest(
            web_live.highlight_id, "local", account="scoping", at=datetime.now(UTC) + timedelta(days=1),
            choices=PostChoices("SELF_ONLY"))).post
        tok = create_token(store, web_live.seller_id, "A's follower")
        runner = TaskRunner(store, {"scoping": lambda ctx: {"seen": ctx.params["n"]}}, workers=1)
        task = runner.submit(web_live.seller_id, "scoping", {"n": 1})
        runner.wait(task.id, timeout=60)
        runner.close(wait=True)
        plan = store.add_plan(web_live.seller_id, PLAN_TITLE, datetime.now(UTC) + timedelta(days=9))
        (remix,) = store.remixes(web_live.seller_id, web_live.highlight_id)
    return {"live_id": web_live.live_id, "highlight_id": web_live.highlight_id, "post_id": post.id,
            "remix_id": web_live.remix_id, "token_id": tok.record.id, "task_id": task.id, "plan_id": plan.id,
            "rel": remix.path, "what": "clip", "plan_title": PLAN_TITLE}


def _unknown(value: str) -> str:
    """An id of the same shape that nobody has."""
    return re.sub(r"[0-9a-f]", "0", value) if "/" not in value else value.replace(value[-20:-4], "0" * 16)


def _snapshot(web_live) -> dict[str, str]:
    """A digest of each table (but sessions, rate buckets and when tokens were last used) and of the media root's
    files."""
    db = sqlite3.connect(web_live.db.removeprefix("sqlite:///"))
    names = [n for (n,) in db.execute("select name from sqlite_master where type = 'table'")]
    out: dict[str, str] = {}
    for t in sorted(set(names) - {"web_sessions", "rate_buckets", "alembic_version"}):
        cols = [c[1] for c in db.execute(f"pragma table_info({t})") if c[1] not in ("last_used_at", "last_seen_at")]
        rows = db.execute(f"select {', '.join(cols)} from {t}").fetchall()
        out[t] = hashlib.sha256(repr(sorted(map(repr, rows))).encode()).hexdigest()
    root = Path(web_live.media_root)
    files = sorted((str(p.relative_to(root)), p.stat().st_size) for p in root.rglob("*") if p.is_file()
                   and ".tmp" not in p.parts)
    out["media root"] = hashlib.sha256(repr(files).encode()).hexdigest()
    return out


def _sample_json(route: Any, ids: dict[str, str]) -> Any:
    """A valid JSON body for an API route (so that a 404 is not a 422 for a body that could not be used)."""
    body = [f for f in route.dependant.body_params]
    if not body:
        return None
    model = body[0].field_info.annotation
    known = {"destination": "local", "privacy_level": "SELF_ONLY", "consent": True, "title": "x", "key": "k1",
             "start": (datetime.now(UTC) + timedelta(days=2)).isoformat(), "name": "x", "auto_post": True,
             "plan_id": ids["plan_id"]}
    return {name: known.get(name, "x") for name, f in model.model_fields.items()
            if f.is_required() or name in known}


def _form(route: Any, ids: dict[str, str], csrf: str) -> dict[str, str]:
    fields = {f.alias: "x" for f in route.dependant.body_params}
    known = {"start": "1.0", "end": "9.0", "style": "minimal", "plan_id": ids["plan_id"], "privacy_level": "SELF_ONLY",
             "destination": "local", "consent": "on"}
    return {**{k: known.get(k, v) for k, v in fields.items()}, **{k: v for k, v in known.items()},
            "csrf_token": csrf}


def _call(c: TestClient, method: str, path: str, route: Any, ids: dict[str, str], headers: dict[str, str],
          csrf: str) -> Any:
    if method in ("GET", "HEAD", "DELETE"):
        return c.request(method, path, headers=headers, follow_redirects=False)
    if path.startswith("/api/"):
        if path.endswith("/events"):
            return c.request(method, path, headers=headers, content='{"ts": 1, "type": "like", "count": 5}\n')
        return c.request(method, path, headers=headers, json=_sample_json(route, ids), follow_redirects=False)
    return c.request(method, path, headers=headers, data=_form(route, ids, csrf), follow_redirects=False)


def _leaks(text: str, ids: dict[str, str], sent: str) -> list[str]:
    secrets = [v for k, v in ids.items() if k != "what"]
    return [s for s in secrets if s in text and s not in sent]


def test_seller_b_gets_404_for_every_route_with_seller_as_ids(web_live, seller_a):
    from livehighlights.store import open_store
    from livehighlights.web.tokens import create_token

    add_user(web_live, "shop-b", "scoping-b@shop.example")
    with open_store(web_live.db, media_root=web_live.media_root) as store:
        b_token = create_token(store, store.seller("shop-b").id, "B's follower").token
    app = make_app(web_live)
    routes = _routes(app)
    params = {p for path, _, _ in routes for p in re.findall(r"{(\w+)(?::\w+)?}", path)}
    missing = params - set(seller_a) - {"name"}
    assert not missing, f"routes have path parameters this test has no id of seller A for: {missing}: add them"
    tried: list[str] = []
    with TestClient(app) as c:
        csrf = sign_in(c, "scoping-b@shop.example")
        before = _snapshot(web_live)
        for path, methods, route in routes:
            if path in PUBLIC:
                continue
            names = re.findall(r"{(\w+)(?::\w+)?}", path)
            for method in sorted(methods - {"HEAD"}):
                if not names:
                    if method != "GET":
                        continue  # takes no id: it acts on B's own things only
                    r = c.get(path, follow_redirects=False)
                    assert r.status_code in (200, 303), (path, r.status_code, r.text[:300])
                    assert not _leaks(r.text, seller_a, path), (path, _leaks(r.text, seller_a, path))
                    tried.append(f"{method} {path}")
                    continue
                real = re.sub(r"{(\w+)(?::\w+)?}", lambda m: seller_a[m.group(1)], path)
                fake = re.sub(r"{(\w+)(?::\w+)?}", lambda m: _unknown(seller_a[m.group(1)])
                              if m.group(1) != "what" else "clip", path)
                ways = [({"X-CSRF-Token": csrf}, "session")]
                if path.startswith(("/api/", "/media/", "/feed/")):
                    ways.append(({"Authorization": f"Bearer {b_token}"}, "token"))
                for headers, how in ways:
                    r = _call(c, method, real, route, seller_a, headers, csrf)
                    assert r.status_code == 404, (how, method, real, r.status_code, r.text[:300])
                    assert not _leaks(r.text, seller_a, real), (how, method, real, _leaks(r.text, seller_a, real))
                    u = _call(c, method, fake, route, seller_a, headers, csrf)
                    assert u.status_code == 404, (how, method, fake, u.status_code, u.text[:300])
                    if r.headers.get("content-type", "").startswith("application/json"):
                        same = r.text
                        for a in names:
                            same = same.replace(seller_a[a], _unknown(seller_a[a]))
                        assert same == u.text, (real, r.text, u.text)
                    tried.append(f"{method} {path} ({how})")
    after = _snapshot(web_live)
    assert after == before, f"seller B's requests changed: {[t for t in before if before[t] != after.get(t)]}"
    must = {"GET /api/lives/{live_id} (session)", "POST /api/highlights/{highlight_id}/posts (token)",
            "POST /api/posts/{post_id}/retry (session)", "POST /api/lives/{live_id}/events (token)",
            "DELETE /api/tokens/{token_id} (session)", "GET /media/{rel:path} (session)",
            "GET /feed/media/{post_id}/{what} (session)", "GET /media/remix/{remix_id} (token)"}
    assert must <= set(tried), must - set(tried)
    print(f"{len(tried)} route calls tried by seller B")


def test_b_lists_see_none_of_as_records(web_live, seller_a):
    add_user(web_live, "shop-b", "scoping-b@shop.example")
    with TestClient(make_app(web_live)) as c:
        sign_in(c, "scoping-b@shop.example")
        assert c.get("/api/lives").json() == []
        assert PLAN_TITLE not in json.dumps(c.get("/api/plans").json())
        assert seller_a["token_id"] not in c.get("/api/tokens").text
        assert c.get("/api/settings/auto").json()["auto_post"] is False
        assert seller_a["post_id"] not in c.get("/api/feed").text  # A's scheduled post is not on the public feed
