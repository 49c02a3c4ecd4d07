"""The pages' stylesheet and script (``/static/<name>``), from the package's ``static`` folder only."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse

from ..templates import STATIC_DIR

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

_TYPES = {".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".svg": "image/svg+xml",
          ".png": "image/png", ".txt": "text/plain; charset=utf-8"}


@router.get("/static/{name}")
def static_file(name: str) -> FileResponse:
    """A file of the static folder by its plain name (no folders: nothing else can be reached)."""
    path = STATIC_DIR / name
    if "/" in name or "\\" in name or name.startswith(".") or path.suffix not in _TYPES or not path.is_file():
        raise HTTPException(404, "no such file")
    return FileResponse(path, media_type=_TYPES[path.suffix], headers={"Cache-Control": "public, max-age=300"})
