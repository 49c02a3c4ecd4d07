"""Helpers of the web tests (owner: web): an app over the ``web_live`` store, users, signing in.

Plain functions (fixtures live in ``conftest.py``): every test makes the app it needs with :func:`make_app` and a
``TestClient`` used as a context manager (so the app's lifespan runs).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from fastapi.testclient import TestClient

PASSWORD = "correct horse battery"


def make_app(web_live: Any, **overrides: Any) -> Any:
    """The Seller Center over the ``web_live`` store (opened by the app's lifespan), with setting overrides.
    Sign-in limits are generous unless given (tests sign in often from one address)."""
    from livehighlights.publish.config import PublishConfig
    from livehighlights.web.app import create_app
    from livehighlights.web.settings import WebSettings

    base = WebSettings(db=web_live.db, media_root=web_live.media_root, signin_burst=10_000, signin_per_min=10_000,
                       publish=PublishConfig(db=web_live.db, media=str(web_live.media_root), queue=web_live.queue))
    return create_app(dataclasses.replace(base, **overrides))


def add_user(web_live: Any, seller: str, username: str, password: str = PASSWORD) -> str:
    """Create ``username`` of the seller named ``seller`` (made if new) unless it exists; the seller's id."""
    from livehighlights.store import open_store
    from livehighlights.web.accounts import create_user

    with open_store(web_live.db, media_root=web_live.media_root) as store:
        sid = store.seller(seller).id
        with store.session() as s:
            from livehighlights.store.schema_app import UserRow

            taken = s.query(UserRow).filter(UserRow.username == username).first() is not None
        if not taken:
            create_user(store, sid, username, password)
        return sid


def sign_in(client: TestClient, username: str, password: str = PASSWORD, next_path: str = "/lives") -> str:
    """Sign the client in through the form; the session's CSRF token."""
    r = client.post("/signin", data={"username": username, "password": password, "next": next_path},
                    follow_redirects=False)
    assert r.status_code == 303, (r.status_code, r.text[:500])
    me = client.get("/api/me")
    assert me.status_code == 200, me.text
    return str(me.json()["csrf_token"])
