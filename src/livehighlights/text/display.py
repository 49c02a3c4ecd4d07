"""User text made safe to draw: what a seller typed (a title, a brand, a selling point, a LIVE plan's name, a style's
own texts) reaches the text shaper, the subtitle file and text templates only through here.

A newline, a tab or any other control character in a title made the shaper fail (``raqm_layout() failed``) or
broke a subtitle line; a ``{`` in a style's text broke ``str.format``. :func:`display_text` keeps every visible
character and turns line breaks into spaces; :func:`fill_template` fills only the placeholders it is given and
leaves any other brace as it is.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["display_text", "fill_template"]

_BREAKS = re.compile(r"[\r\n\t\v\f\u0085\u2028\u2029]+")
_SPACES = re.compile(r" {2,}")
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def display_text(text: object) -> str:
    """``text`` as one drawable line: line breaks and tabs become spaces; control characters, unpaired
    surrogates, non-characters and bidirectional overrides (which can hide or reorder what a viewer reads) are
    dropped; runs of spaces collapse. Every other character is kept (a glyph the font lacks is the font's
    business, see :func:`livehighlights.remix.fonts.missing_glyphs`)."""
    s = _BREAKS.sub(" ", unicodedata.normalize("NFC", str(text)))
    kept = []
    for ch in s:
        cat = unicodedata.category(ch)
        if cat in ("Cc", "Cs", "Cn") or ch in _BIDI_CONTROLS:
            continue
        kept.append(ch)
    return _SPACES.sub(" ", "".join(kept)).strip()


def fill_template(template: str, **values: object) -> str:
    """``template`` with each ``{name}`` of ``values`` replaced; any other brace (``{``, ``{x}``, ``}``) stays as
    written, so a template a user wrote can never raise."""
    def sub(m: re.Match[str]) -> str:
        key = m.group(1)
        return str(values[key]) if key in values else m.group(0)

    return _PLACEHOLDER.sub(sub, template)
