"""Seller Center pages (server-rendered HTML).

``router`` collects every page route; ``web.app`` includes it.
"""

from __future__ import annotations

from fastapi import APIRouter

__all__ = ["router"]

router = APIRouter()
