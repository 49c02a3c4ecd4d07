"""Seller Center accounts and security: sign in and out, wrong password, expired session, CSRF, the sign-in rate
limit, API tokens (hashed at rest, revocable), the CLI's user and token commands. A real SQLite store made by
the real ``process`` (``web_live``), the real app through Starlette's TestClient."""

from __future__ import annotations

import hashlib
import sqlite3
import subprocess
import sys

from conftest import run_cli
from fastapi.testclient import TestClient
from web_support import PASSWORD, add_user, make_app, sign_in


def _db(web_live) -> sqlite3.Connection:
    return sqlite3.connect(web_live.db.removeprefix("sqlite:///"))


def _dump(web_live) -> str:
    """Everything the tests' seller data holds (not sessions or rate buckets), to see that nothing changed."""
    db = _db(web_live)
    out = []
    for t in ("lives", "highlights", "moments", "live_plans", "posts", "publish_consents", "seller_settings",
              "api_tokens", "users", "remixes"):
        out.append(repr(sorted(db.execute(f"select * from {t}").fetchall(), key=repr)))
    return "\n".join(out)


def test_sign_in_and_out_ends_the_session_on_the_server(web_live):
    add_user(web_live, "shop-a", "auth-a@shop.example")
    with TestClient(make_app(web_live)) as c:
        assert c.get("/api/lives").status_code == 401
        page = c.get("/lives", follow_redirects=False)
        assert page.status_code == 303 and page.headers["location"] == "/signin?next=/lives"
        form = c.get("/signin?next=/lives")
        assert form.status_code == 200 and 'name="password"' in form.text
        r = c.post("/signin", data={"username": "Auth-A@shop.example", "password": PASSWORD,
                                    "next": f"/lives/{web_live.live_id}"}, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == f"/lives/{web_live.live_id}"
        cookie = r.headers["set-cookie"]
        assert "lh_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
        token = c.cookies["lh_session"]
        stored = [h for (h,) in _db(web_live).execute("select token_hash from web_sessions")]
        assert hashlib.sha256(token.encode()).hexdigest() in stored and token not in stored
        lives = c.get("/api/lives")
        assert lives.status_code == 200 and [x["id"] for x in lives.json()] == [web_live.live_id]
        csrf = c.get("/api/me").json()["csrf_token"]
        assert c.post("/signout", data={"csrf_token": csrf}, follow_redirects=False).status_code == 303
        assert hashlib.sha256(token.encode()).hexdigest() not in [
            h for (h,) in _db(web_live).execute("select token_hash from web_sessions")]
        c.cookies.set("lh_session", token)  # the old cookie, replayed: dead on the server
        assert c.get("/api/lives").status_code == 401


def test_next_is_only_followed_to_a_path_on_this_site(web_live):
    add_user(web_live, "shop-a", "auth-a@shop.example")
    with TestClient(make_app(web_live)) as c:
        for target in ("https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)"):
            r = c.post("/signin", data={"username": "auth-a@shop.example", "password": PASSWORD, "next": target},
                       follow_redirects=False)
            assert r.status_code == 303 and r.headers["location"] == "/lives", target


def test_wrong_password_and_unknown_user_say_the_same_and_start_nothing(web_live):
    add_user(web_live, "shop-a", "auth-a@shop.example")
    with TestClient(make_app(web_live)) as c:
        n = _db(web_live).execute("select count(*) from web_sessions").fetchone()[0]
        for user, pw in (("auth-a@shop.example", "not the password"), ("nobody@shop.example", PASSWORD)):
            r = c.post("/signin", data={"username": user, "password": pw}, follow_redirects=False)
            assert r.status_code == 401 and "Wrong username or password" in r.text
            assert "lh_session" not in r.headers.get("set-cookie", "")
        assert _db(web_live).execute("select count(*) from web_sessions").fetchone()[0] == n


def test_an_expired_session_is_refused_and_removed(web_live):
    add_user(web_live, "shop-a", "auth-a@shop.example")
    with TestClient(make_app(web_live)) as c:
        sign_in(c, "auth-a@shop.example")
        key = hashlib.sha256(c.cookies["lh_session"].encode()).hexdigest()
        db = _db(web_live)
        (expires,) = db.execute("select expires_at from web_sessions where token_hash = ?", (key,)).fetchone()
        db.execute("update web_sessions set expires_at = '2000-01-01 00:00:00.000000' where token_hash = ?", (key,))
        db.commit()
        assert expires > "2000"
        assert c.get("/api/lives").status_code == 401
        page = c.get(f"/lives/{web_live.live_id}", follow_redirects=False)
        assert page.status_code == 303 and page.headers["location"] == f"/signin?next=/lives/{web_live.live_id}"
        assert db.execute("select count(*) from web_sessions where token_hash = ?", (key,)).fetchone()[0] == 0


def test_a_change_without_its_csrf_token_is_403_and_changes_nothing(web_live):
    add_user(web_live, "shop-a", "auth-a@shop.example")
    with TestClient(make_app(web_live)) as c:
        csrf = sign_in(c, "auth-a@shop.example")
        before = _dump(web_live)
        calls = [("put", "/api/settings/auto", {"auto_post": True}),
                 ("post", "/api/plans", {"title": "Friday drop", "start": "2099-01-01T18:00:00+00:00"}),
                 ("post", f"/api/highlights/{web_live.highlight_id}/posts",
                  {"destination": "local", "privacy_level": "SELF_ONLY", "consent": True}),
                 ("post", "/api/tokens", {"name": "sneaky"})]
        for method, url, body in calls:
            for headers in ({}, {"X-CSRF-Token": "not-the-token"}, {"X-CSRF-Token": ""}):
                r = c.request(method, url, json=body, headers=headers)
                assert r.status_code == 403 and "CSRF" in r.json()["detail"], (url, headers, r.text)
        r = c.post("/signout", data={"csrf_token": "wrong"}, follow_redirects=False)
        assert r.status_code == 403
        assert _dump(web_live) == before
        assert c.get("/api/lives").status_code == 200  # still signed in
        ok = c.post("/api/plans", json={"title": "auth csrf plan", "start": "2099-01-01T18:00:00+00:00"},
                    headers={"X-CSRF-Token": csrf})
        assert ok.status_code == 201, ok.text


def test_sign_in_is_rate_limited_per_address_and_per_username(web_live):
    add_user(web_live, "shop-a", "auth-limit@shop.example")
    app = make_app(web_live, signin_burst=3, signin_per_min=1.0)
    with TestClient(app, client=("10.9.8.7", 5000)) as c:
        codes = [c.post("/signin", data={"username": "auth-limit@shop.example", "password": "wrong password"},
                        follow_redirects=False).status_code for _ in range(3)]
        assert codes == [401, 401, 401]
        r = c.post("/signin", data={"username": "auth-limit@shop.example", "password": PASSWORD},
                   follow_redirects=False)
        assert r.status_code == 429 and int(r.headers["Retry-After"]) >= 1 and "Too many" in r.text
        assert "lh_session" not in r.headers.get("set-cookie", "")
    with TestClient(app, client=("10.9.8.8", 5000)) as c:  # another address: the username's bucket is empty too
        r = c.post("/signin", data={"username": "auth-limit@shop.example", "password": PASSWORD},
                   follow_redirects=False)
        assert r.status_code == 429
        add_user(web_live, "shop-a", "auth-other@shop.example")
        r = c.post("/signin", data={"username": "auth-other@shop.example", "password": PASSWORD},
                   follow_redirects=False)
        assert r.status_code == 303  # this address still has tries for another name


def test_api_tokens_are_hashed_at_rest_shown_once_and_revocable(web_live):
    add_user(web_live, "shop-a", "auth-a@shop.example")
    with TestClient(make_app(web_live)) as c:
        csrf = sign_in(c, "auth-a@shop.example")
        made = c.post("/api/tokens", json={"name": "auth follower"}, headers={"X-CSRF-Token": csrf})
        assert made.status_code == 201, made.text
        token, tid = made.json()["token"], made.json()["id"]
        assert token.startswith("lh_") and len(token) > 40
        listed = c.get("/api/tokens").json()
        assert tid in [t["id"] for t in listed] and all("token" not in t for t in listed)
        rows = _db(web_live).execute("select * from api_tokens").fetchall()
        assert not any(token in repr(r) for r in rows)
        assert hashlib.sha256(token.encode()).hexdigest() in [
            h for (h,) in _db(web_live).execute("select token_hash from api_tokens")]
    with TestClient(make_app(web_live)) as m:  # a machine: no cookie, no CSRF token needed
        auth = {"Authorization": f"Bearer {token}"}
        assert m.get("/api/lives", headers=auth).status_code == 200
        plan = m.post("/api/plans", json={"title": "auth token plan", "start": "2099-02-01T18:00:00+00:00"},
                      headers=auth)
        assert plan.status_code == 201, plan.text
        (used,) = _db(web_live).execute("select last_used_at from api_tokens where id = ?", (tid,)).fetchone()
        assert used is not None
        assert m.post("/api/tokens", json={"name": "more"}, headers=auth).status_code == 403
        bad = m.get("/api/lives", headers={"Authorization": "Bearer lh_not-a-token"})
        assert bad.status_code == 401 and "not valid" in bad.json()["detail"]
    with TestClient(make_app(web_live)) as c:
        csrf = sign_in(c, "auth-a@shop.example")
        assert c.delete(f"/api/tokens/{tid}", headers={"X-CSRF-Token": csrf}).json()["revoked_at"]
    with TestClient(make_app(web_live)) as m:
        assert m.get("/api/lives", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_cli_user_and_token_commands(web_live, tmp_path):
    store = ["--db", web_live.db, "--media-root", str(web_live.media_root)]
    short = subprocess.run([sys.executable, "-m", "livehighlights._cli.main", "user", "add", "cli-user", "--seller",
                            "shop-cli", "--password-stdin", *store], input="short\n", capture_output=True, text=True)
    assert short.returncode == 2 and "at least 10 characters" in short.stderr and "Traceback" not in short.stderr
    ok = subprocess.run([sys.executable, "-m", "livehighlights._cli.main", "user", "add", "cli-user", "--seller",
                         "shop-cli", "--password-stdin", *store], input=PASSWORD + "\n", capture_output=True,
                        text=True)
    assert ok.returncode == 0, ok.stderr
    again = subprocess.run([sys.executable, "-m", "livehighlights._cli.main", "user", "add", "CLI-user",
                            "--password-stdin", *store], input=PASSWORD + "\n", capture_output=True, text=True)
    assert again.returncode == 2 and "taken" in again.stderr
    made = run_cli("token", "add", "cli follower", "--seller", "shop-cli", *store)
    assert made.returncode == 0, made.stderr
    token = made.stdout.strip()
    assert token.startswith("lh_") and "\n" not in token
    listed = run_cli("token", "list", "--seller", "shop-cli", *store)
    assert "cli follower" in listed.stdout and token not in listed.stdout
    (tid,) = [w for w in listed.stdout.split() if w.startswith("tok_")]
    with TestClient(make_app(web_live)) as m:
        me = m.get("/api/me", headers={"Authorization": f"Bearer {token}"})
        assert me.status_code == 200 and me.json()["seller"] == "shop-cli" and me.json()["via"] == "token"
    wrong = run_cli("token", "revoke", tid, "--seller", "shop-a", *store)  # another seller's token: not found
    assert wrong.returncode == 2 and "no token" in wrong.stderr
    assert run_cli("token", "revoke", tid, "--seller", "shop-cli", *store).returncode == 0
    with TestClient(make_app(web_live)) as m:
        assert m.get("/api/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_session_cookie_lasts_the_configured_time_and_is_secure_off_localhost(web_live):
    add_user(web_live, "shop-a", "auth-a@shop.example")
    with TestClient(make_app(web_live, session_ttl_s=61, secure_cookies=True),
                    base_url="https://testserver") as c:
        r = c.post("/signin", data={"username": "auth-a@shop.example", "password": PASSWORD},
                   follow_redirects=False)
        cookie = r.headers["set-cookie"]
        assert "Secure" in cookie and "Max-Age=61" in cookie
    from livehighlights.web.settings import WebSettings

    assert WebSettings.from_env(host="shop.example").secure_cookies is True
    assert WebSettings.from_env(host="127.0.0.1").secure_cookies is False


def test_a_sign_in_form_sent_from_another_site_is_refused(web_live):
    add_user(web_live, "shop-a", "auth-a@shop.example")
    with TestClient(make_app(web_live)) as c:
        r = c.post("/signin", data={"username": "auth-a@shop.example", "password": PASSWORD},
                   headers={"Origin": "https://evil.example"}, follow_redirects=False)
        assert r.status_code == 403 and "another site" in r.text and "lh_session" not in r.headers.get("set-cookie", "")
        ok = c.post("/signin", data={"username": "auth-a@shop.example", "password": PASSWORD},
                    headers={"Origin": "http://testserver"}, follow_redirects=False)
        assert ok.status_code == 303 and "lh_session" in ok.headers["set-cookie"]
