"""The Seller Center's Jinja2 templates and the one way pages render them.

    from livehighlights.web.templates import render
    return render(request, "lives.html", principal, lives=lives)

Every page gets ``request``, ``principal`` (the signed-in seller, or ``None`` on public pages), ``csrf_token``
(the session's token, for every state-changing form) and the filters below (``duration``, ``clock``, ``money``,
``when``, ``pct``).
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fastapi.templating import Jinja2Templates

if TYPE_CHECKING:
    from fastapi import Request
    from starlette.responses import Response

__all__ = ["STATIC_DIR", "TEMPLATE_DIR", "brief", "clock", "duration", "http_url", "money", "render", "templates",
           "tier_label", "when"]

TEMPLATE_DIR = Path(__file__).with_name("templates")
STATIC_DIR = Path(__file__).with_name("static")


def duration(ms: int | float | None) -> str:
    """``1 h 02 min``, ``3 min 05 s``, ``42 s`` (``-`` when unknown)."""
    if ms is None:
        return "-"
    s = int(round(float(ms) / 1000))
    h, rem = divmod(s, 3600)
    m, sec = divmod(rem, 60)
    if h:
        return f"{h} h {m:02d} min"
    if m:
        return f"{m} min {sec:02d} s"
    return f"{sec} s"


def clock(ms: int | float | None) -> str:
    """A time in the LIVE as ``M:SS.s`` (or ``H:MM:SS``)."""
    if ms is None:
        return "-"
    total = float(ms) / 1000
    h, rem = divmod(int(total), 3600)
    m, s = divmod(rem, 60)
    if h:
        return f"{h}:{m:02d}:{s:02d}"
    tenths = int(round((total - int(total)) * 10)) % 10
    return f"{m}:{s:02d}.{tenths}"


def money(value: float | int | None, currency: str | None = None) -> str:
    """``$1,234.50`` for USD, ``1,234.50 EUR`` otherwise, ``-`` when unknown."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "-"
    cur = (currency or "USD").upper()
    text = f"{float(value):,.2f}"
    return f"${text}" if cur == "USD" else f"{text} {cur}"


def when(dt: datetime | str | None) -> str:
    """A wall-clock time as ``2026-12-03 14:05 UTC``."""
    if dt is None:
        return "-"
    if isinstance(dt, str):
        try:
            dt = datetime.fromisoformat(dt)
        except ValueError:
            return dt
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


TIER_LABELS = {"good": "Good case", "high": "High", "basic": "Basic"}


def tier_label(tier: str | None) -> str:
    """How a tier reads on a badge (``Below Basic`` for none)."""
    return TIER_LABELS.get(tier or "", "Below Basic")


def brief(value: Any, limit: int = 160) -> str:
    """A value of evidence in one short line (JSON for lists and mappings, cut at ``limit`` characters)."""
    import json

    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def http_url(value: str | None) -> str | None:
    """``value`` when it is an http(s) URL (a link we put on a page), else ``None``."""
    if not value or not isinstance(value, str):
        return None
    return value if value.lower().startswith(("https://", "http://")) else None


def pct(value: float | None) -> str:
    return "-" if value is None else f"{float(value) * 100:.0f}%"


@lru_cache(maxsize=1)
def templates() -> Jinja2Templates:
    """The one :class:`Jinja2Templates` of the app (made on first use, autoescaping on)."""
    t = Jinja2Templates(directory=str(TEMPLATE_DIR))
    t.env.filters.update(duration=duration, clock=clock, money=money, when=when, pct=pct, brief=brief,
                         http_url=http_url)
    t.env.globals["tier_label"] = tier_label
    return t


def render(request: Request, name: str, principal: Any = None, *, status_code: int = 200,
           **ctx: Any) -> Response:
    """The page ``name`` rendered with ``ctx``, the signed-in seller (``principal``) and its CSRF token."""
    csrf = getattr(principal, "csrf", None) or ""
    doc = {"request": request, "principal": principal, "csrf_token": csrf, **ctx}
    return templates().TemplateResponse(request, name, doc, status_code=status_code)
