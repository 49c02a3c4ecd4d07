"""Fonts for the remix: the shipped DejaVu files (or a user's font file), and whether they cover a text.

DejaVu Sans covers Latin, Greek and Cyrillic (and more), not CJK, Thai or Indic scripts: a text in those
needs another font (give its path as the style's ``font``), and :func:`missing_glyphs` says so.
"""

from __future__ import annotations

from contextvars import ContextVar
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


_EMOJI_RANGES: tuple[tuple[int, int], ...] = (
    (0x1F000, 0x1FAFF),  # pictographs, emoticons, transport, flags, supplemental symbols
    (0x2190, 0x21FF), (0x2300, 0x23FF), (0x2460, 0x24FF), (0x25A0, 0x27BF), (0x2900, 0x297F), (0x2B00, 0x2BFF),
    (0x3030, 0x3030), (0x303D, 0x303D), (0x3297, 0x3299), (0x00A9, 0x00A9), (0x00AE, 0x00AE), (0x2122, 0x2122),
)
_EMOJI_GLUE = frozenset((0x200D, 0x20E3, *range(0xFE00, 0xFE10), *range(0xE0020, 0xE0080)))
"""Zero-width joiner, keycap, variation selectors, tags: parts of an emoji sequence, invisible alone."""

DROPPED_EMOJI: ContextVar[list[str] | None] = ContextVar("DROPPED_EMOJI", default=None)
"""Where :func:`drawable` notes the emoji it left out (a list the remix sets and reports), if anywhere."""


def is_emoji(ch: str) -> bool:
    """Whether ``ch`` is an emoji or pictograph (or part of an emoji sequence)."""
    o = ord(ch)
    return o in _EMOJI_GLUE or any(a <= o <= b for a, b in _EMOJI_RANGES)


def drawable(text: str, font_path: Path) -> str:
    """``text`` without the emoji the font cannot draw (they would show as empty boxes): no font we ship has
    colour emoji. What was left out is noted in :data:`DROPPED_EMOJI` so the remix can say so."""
    if text.isascii():
        return text
    missing = set(missing_glyphs(font_path, text))
    out = []
    dropped = DROPPED_EMOJI.get()
    for ch in text:
        if is_emoji(ch) and (ch in missing or ord(ch) in _EMOJI_GLUE):
            if dropped is not None and ord(ch) not in _EMOJI_GLUE and ch not in dropped:
                dropped.append(ch)
            continue
        out.append(ch)
    return " ".join("".join(out).split()) if len(out) != len(text) else text


def font_family(path: Path) -> str:
    """The family name the ``ass`` filter knows the font by."""
    return load_font(str(path), 24).getname()[0]
