"""What every page shares: who is signed in, the store, the form check, links to media, a page's 404."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import RedirectResponse, Response

from ...store import Store
from ..deps import Principal, csrf_checked, get_store, page_principal
from ..templates import render

__all__ = ["NOTICES", "Checked", "Seller", "StoreDep", "back", "media_href", "not_found_page", "notice"]

Seller = Annotated[Principal, Depends(page_principal)]
"""The signed-in seller of a page (a browser without a session is sent to ``/signin``)."""
StoreDep = Annotated[Store, Depends(get_store)]
Checked = [Depends(page_principal), Depends(csrf_checked)]
"""Dependencies of every state-changing page route: signed in, and the form carries the session's CSRF token."""


def media_href(rel: str | None) -> str | None:
    """The URL of a file in the media root (served to its owner, or to anyone when it is on the public feed)."""
    return None if not rel else "/media/" + rel.lstrip("/")


def not_found_page(request: Request, principal: Principal | None, what: str) -> Response:
    """The 404 page of a record the seller does not have (an unknown id and another seller's read the same)."""
    return render(request, "notfound.html", principal, status_code=404, what=what)


NOTICES: dict[str, str] = {
    "posted": "Post queued: its status is below.",
    "retried": "Sent again: its status is below.",
    "plan": "LIVE plan saved.",
    "auto-on": "Auto LIVE Highlights is on: good moments of your next LIVEs are posted as they happen.",
    "auto-off": "Auto LIVE Highlights is off: moments are still found and kept for you to review.",
    "saved": "Settings saved.",
    "consent": "Standing consent recorded.",
    "revoked": "Standing consent withdrawn: nothing more is auto-posted there.",
    "trimmed": "Trimmed, re-cut and re-checked.",
}
"""One-line messages a page shows after a redirect (``?done=<key>``): fixed texts, so a link cannot put words
on our pages."""


def back(path: str, done: str | None = None) -> Response:
    """A 303 to ``path``, the next page showing :data:`NOTICES` ``[done]``."""
    sep = "&" if "?" in path else "?"
    return RedirectResponse(path + (f"{sep}done={done}" if done else ""), status_code=303)


def notice(request: Request) -> str | None:
    """The message of ``?done=`` (``None`` when absent or unknown)."""
    return NOTICES.get(request.query_params.get("done", ""))
