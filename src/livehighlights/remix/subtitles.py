"""Auto subtitles: word times -> phrase cards (2-5 words) -> an ASS file the ``ass`` filter burns in.

A card ends at ``words_max`` words, at a sentence end or at a pause (:data:`PAUSE_MS`), and is held a
little after its last word (:data:`HOLD_MS`) unless the next card starts. With ``highlight = "karaoke"``
the word being said changes colour (ASS ``\\k`` timing). Cards are drawn inside the subtitle band of the
safe area (:func:`~.layout.subtitle_band`), outlined or boxed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..text.display import display_text
from ..timebase import Ms
from .layout import Box
from .stickers import rgba
from .style import SubtitleStyle

PAUSE_MS = 600
HOLD_MS = 300
_SENTENCE_END = (".", "!", "?", "…", "。", "！", "？")


@dataclass(frozen=True)
class Card:
    """One subtitle card: its words ``(start_ms, end_ms, text)`` and when it shows."""

    start_ms: Ms
    end_ms: Ms
    words: tuple[tuple[Ms, Ms, str], ...]

    @property
    def text(self) -> str:
        return " ".join(w[2] for w in self.words)


def make_cards(words: list[tuple[Ms, Ms, str]], style: SubtitleStyle, end_limit_ms: Ms) -> list[Card]:
    """Group words into phrase cards that end no later than ``end_limit_ms``."""
    groups: list[list[tuple[Ms, Ms, str]]] = []
    cur: list[tuple[Ms, Ms, str]] = []
    for i, (s, e, text) in enumerate(words):
        text = text.strip()
        if not text or s >= end_limit_ms:
            continue
        cur.append((s, min(e, end_limit_ms), text.upper() if style.uppercase else text))
        nxt = words[i + 1] if i + 1 < len(words) else None
        sentence_end = text.endswith(_SENTENCE_END)
        pause = nxt is not None and nxt[0] - e >= PAUSE_MS
        if len(cur) >= style.words_max or ((sentence_end or pause) and len(cur) >= style.words_min) \
                or (sentence_end and pause):
            groups.append(cur)
            cur = []
    if cur:
        if groups and len(cur) < style.words_min and len(groups[-1]) + len(cur) <= style.words_max + 1 \
                and cur[0][0] - groups[-1][-1][1] < PAUSE_MS:
            groups[-1] += cur
        else:
            groups.append(cur)
    cards = []
    for i, g in enumerate(groups):
        nxt_start = groups[i + 1][0][0] if i + 1 < len(groups) else end_limit_ms
        end = min(max(g[-1][1], g[0][0] + 400) + HOLD_MS, nxt_start, end_limit_ms)
        if end > g[0][0]:
            cards.append(Card(g[0][0], end, tuple(g)))
    return cards


def _ass_colour(colour: str) -> str:
    r, g, b, a = rgba(colour)
    return f"&H{255 - a:02X}{b:02X}{g:02X}{r:02X}"


def _ts(ms: Ms) -> str:
    cs = max(0, ms) // 10
    h, rem = divmod(cs, 360000)
    m, rem = divmod(rem, 6000)
    s, c = divmod(rem, 100)
    return f"{h}:{m:02d}:{s:02d}.{c:02d}"


def _escape(text: str) -> str:
    return display_text(text).replace("\\", "\uff3c").replace("{", "(").replace("}", ")").replace("\n", " ")


def write_ass(cards: list[Card], style: SubtitleStyle, family: str, size: tuple[int, int], band: Box,
              band_where: str, path: Path) -> Path:
    """Write the cards as an ASS file for a ``size`` frame, drawn in ``band`` (``bottom`` or ``top``)."""
    w, h = size
    px = int(round(style.size * h))
    outline = max(1, int(round(style.outline * h)))
    karaoke = style.highlight == "karaoke"
    primary = _ass_colour(style.highlight_color if karaoke else style.color)
    secondary = _ass_colour(style.color)
    if style.box:
        border_style, out_colour, outline_px, shadow = 3, _ass_colour(style.box_color), max(4, px // 5), 0
    else:
        border_style, out_colour, outline_px = 1, _ass_colour(style.outline_color), outline
        shadow = max(1, outline // 2)
    bx, by, bw, bh = band
    align = 8 if band_where == "top" else 2
    margin_v = by if band_where == "top" else h - (by + bh)
    lines = [
        "[Script Info]", "ScriptType: v4.00+", f"PlayResX: {w}", f"PlayResY: {h}", "WrapStyle: 0",
        "ScaledBorderAndShadow: yes", "",
        "[V4+ Styles]",
        "Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, "
        "Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, "
        "MarginL, MarginR, MarginV, Encoding",
        f"Style: Sub,{family},{px},{primary},{secondary},{out_colour},&H80000000,-1,0,0,0,100,100,0,0,"
        f"{border_style},{outline_px},{shadow},{align},{bx},{w - (bx + bw)},{margin_v},1",
        "", "[Events]", "Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text",
    ]
    for c in cards:
        if karaoke:
            parts = []
            for i, (s, _e, text) in enumerate(c.words):
                nxt = c.words[i + 1][0] if i + 1 < len(c.words) else c.end_ms
                parts.append(f"{{\\k{max(1, (nxt - s) // 10)}}}{_escape(text)}")
            text = " ".join(parts)
        else:
            text = _escape(c.text)
        lines.append(f"Dialogue: 0,{_ts(c.start_ms)},{_ts(c.end_ms)},Sub,,0,0,0,,{text}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
