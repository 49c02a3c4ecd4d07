"""Fonts for the remix: the shipped DejaVu files (or a user's font file), and whether they cover a text.

DejaVu Sans covers Latin, Greek and Cyrillic (and more), not CJK, Thai or Indic scripts: a text in those
needs another font (give its path as the style's ``font``), and :func:`missing_glyphs` says so.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path

from PIL import ImageFont

from ..errors import InputError, Where


def fonts_dir() -> Path:
    """The folder of the fonts that ship with the package (``fontsdir`` of the ``ass`` filter)."""
    return Path(str(resources.files("livehighlights") / "assets" / "fonts"))


def resolve_font(name: str, *, field: str, style_file: str | None = None) -> Path:
    """A shipped font by file name, or a path. Raises :class:`InputError` naming the style field."""
    p = Path(name)
    for cand in (fonts_dir() / name, p, (Path(style_file).parent / name) if style_file else None):
        if cand is not None and cand.is_file():
            return cand
    shipped = ", ".join(sorted(f.name for f in fonts_dir().glob("*.ttf")))
    raise InputError(f"font file '{name}' not found (shipped: {shipped})",
                     Where(style_file, field=field))


@lru_cache(maxsize=64)
def load_font(path: str, px: int) -> ImageFont.FreeTypeFont:
    try:
        return ImageFont.truetype(path, max(6, px))
    except OSError as err:
        raise InputError(f"not a usable font ({err})", Where(path)) from err


@lru_cache(maxsize=16)
def _notdef(path: str) -> bytes:
    return bytes(load_font(path, 24).getmask("\U0010fffd"))


def missing_glyphs(font_path: Path, text: str) -> list[str]:
    """The characters of ``text`` the font has no glyph for (drawn as the empty box)."""
    notdef = _notdef(str(font_path))
    font = load_font(str(font_path), 24)
    out: list[str] = []
    for ch in sorted(set(text)):
        if ch.isspace() or ord(ch) < 0x80 or ch in out:
            continue
        if bytes(font.getmask(ch)) == notdef:
            out.append(ch)
    return out


def font_family(path: Path) -> str:
    """The family name the ``ass`` filter knows the font by."""
    return load_font(str(path), 24).getname()[0]
