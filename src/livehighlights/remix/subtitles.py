"""Auto subtitles: word times -> phrase cards (2-5 words) -> an ASS file the ``ass`` filter burns in.

A card ends at ``words_max`` words, at a sentence end or at a pause (:data:`PAUSE_MS`), and is held a
little after its last word (:data:`HOLD_MS`) unless the next card starts. With ``highlight = "karaoke"``
the word being said changes colour (ASS ``\\k`` timing). Cards are drawn inside the subtitle band, outlined
or boxed, centred in it. The band is one element of the layout (:mod:`.solve`): :func:`band_candidates`
offers full-width bands at every height of the safe area and narrower ones (down to :data:`MIN_BAND` of the
width, on either side) that take more lines, so that subtitles can run beside a mark rather than over it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..text.display import display_text
from ..timebase import Ms
from .fonts import load_font
from .layout import Box, SafeArea
from .solve import Candidate, Obstacle, clear_boxes, spread
from .stickers import rgba
from .style import SubtitleStyle

PAUSE_MS = 600
HOLD_MS = 300
_SENTENCE_END = (".", "!", "?", "…", "。", "！", "？")
MAX_LINES = 3
"""A card never takes more lines than this (a narrower band that would need more is not offered)."""
MIN_BAND = 0.45
"""The narrowest band, fraction of the full band's width."""
LINE_GAP = 1.22
"""Line height, times the font size."""
SCALES = (1.0, 0.85, 0.7)
"""Text sizes the subtitles may take (times the style's): smaller when a band of the full size has no room,
or when a word is wider than any band at it."""
PREFERRED_Y = {"auto": 0.70, "bottom": 0.78, "top": 0.18}
"""Where each ``position`` would like the band's centre (fraction of the height): the customary lower
third, or the style's choice; the layout moves it where it covers nothing."""


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
    for i, (s, e, raw) in enumerate(words):
        text = raw.strip()
        if not text or s >= end_limit_ms:
            continue
        text = text.upper() if style.uppercase else text
        if cur and raw[:1] and not raw[:1].isspace() and not raw[:1].isalnum():
            # a piece of the previous word (Whisper splits "$19.19" into " $19" and ".19", "it's" into " it"
            # and "'s"): glued to it
            ps, _pe, ptext = cur[-1]
            cur[-1] = (ps, min(e, end_limit_ms), ptext + text)
        else:
            cur.append((s, min(e, end_limit_ms), text))
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


def card_lines(cards: list[Card], font: Path, px: int, width: int, pad: int) -> list[int]:
    """Lines each card needs in a band ``width`` pixels wide (measured with the subtitle font; ``pad`` is
    the outline or box margin on each side), or 99 for a word wider than the band."""
    f = load_font(str(font), px)
    room = max(1, width - 2 * pad)
    out = []
    for c in cards:
        words = [f.getlength(w[2]) for w in c.words]
        if max(words, default=0) > room:
            out.append(99)
            continue
        lines, cur = 1, 0.0
        space = f.getlength(" ")
        for w in words:
            if cur and cur + space + w > room:
                lines, cur = lines + 1, w
            else:
                cur = cur + space + w if cur else w
        out.append(lines)
    return out


def band_height(px: int, lines: int) -> int:
    return int(px * LINE_GAP * lines) + px // 2


def fit_cards(cards: list[Card], font: Path, px: int, width: int, pad: int, lines: int) -> list[Card]:
    """``cards`` split where one needs more than ``lines`` lines in a band ``width`` pixels wide: each part
    takes as many words as fit, and shows from its first word until the next part starts."""
    out: list[Card] = []
    for c, n in zip(cards, card_lines(cards, font, px, width, pad), strict=True):
        if n <= lines:
            out.append(c)
            continue
        parts: list[list[tuple[Ms, Ms, str]]] = [[]]
        for w in c.words:
            trial = Card(c.start_ms, c.end_ms, (*parts[-1], w))
            if parts[-1] and card_lines([trial], font, px, width, pad)[0] > lines:
                parts.append([w])
            else:
                parts[-1].append(w)
        for i, part in enumerate(parts):
            start = c.start_ms if i == 0 else part[0][0]
            end = parts[i + 1][0][0] if i + 1 < len(parts) else c.end_ms
            out.append(Card(start, max(start + 1, end), tuple(part)))
    return out


def band_candidates(cards: list[Card], style: SubtitleStyle, font: Path, area: SafeArea,
                    obstacles: list[Obstacle]) -> list[Candidate]:
    """Places for the subtitle band (``variant``: its number of lines, plus 10 times the index of its text
    size in :data:`SCALES`), clear of ``obstacles``: full width or narrower on either side, 1 to
    :data:`MAX_LINES` lines (a card that needs more lines is split, :func:`fit_cards`), at every height;
    cost: away from the preferred height, narrower, more cards, smaller text."""
    pad = subtitle_pad(style, area.h)
    x0 = int(round(area.w * 0.06))
    found: list[Candidate] = []
    step = max(4, area.h // 160)
    want = PREFERRED_Y.get(style.position, 0.70) * area.h
    for si, scale in enumerate(SCALES):
        px = int(round(style.size * area.h * scale))
        widest = max((load_font(str(font), px).getlength(w[2]) for c in cards for w in c.words), default=0)
        for frac in (1.0, 0.8, 0.65, MIN_BAND):
            for lower in (True, False):
                x1 = area.right_at(area.h) if lower else area.w - x0
                bw = int((x1 - x0) * frac)
                if widest > bw - 2 * pad:
                    continue
                need = max(card_lines(cards, font, px, bw, pad), default=1)
                for lines in range(1, MAX_LINES + 1):
                    bh = band_height(px, lines)
                    split = max(0, need - lines) / MAX_LINES  # how much the cards are cut up to fit
                    ys = [y for y in range(area.top, area.bottom - bh + 1, step) if (y + bh > area.h // 2) == lower]
                    places = list({x0, x1 - bw} if frac < 1 else {x0})
                    clear = clear_boxes(np.array(places)[None, :], np.array(ys, dtype=np.int64)[:, None], bw, bh,
                                        obstacles)
                    for j, y in enumerate(ys):
                        for k, x in enumerate(places):
                            box = (x, y, bw, bh)
                            if not clear[j, k] or not area.contains(box):
                                continue
                            cost = (0.4 * min(1.0, abs(y + bh / 2 - want) / (0.6 * area.h))
                                    + 0.25 * (1 - frac) / (1 - MIN_BAND) + 0.2 * split + 0.05 * (lines - 1)
                                    + 0.15 * si)
                            found.append(Candidate(box, round(min(1.0, cost), 4), lines + 10 * si))
    return spread(found, area, per_cell=4)


def subtitle_pad(style: SubtitleStyle, h: int) -> int:
    """Room (px) the outline (and its shadow) or box takes on each side of a line."""
    px = int(round(style.size * h))
    return max(4, px // 5) if style.box else max(1, int(round(style.outline * h))) + int(round(style.shadow * h)) + 2


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
              font: Path, path: Path, scale: float = 1.0) -> Path:
    """Write the cards as an ASS file for a ``size`` frame, each centred in ``band`` (measured with ``font``),
    the text ``scale`` times the style's size."""
    w, h = size
    px = int(round(style.size * h * scale))
    outline = max(1, int(round(style.outline * h)))
    karaoke = style.highlight == "karaoke"
    primary = _ass_colour(style.highlight_color if karaoke else style.color)
    secondary = _ass_colour(style.color)
    if style.box:
        border_style, out_colour, outline_px, shadow = 3, _ass_colour(style.box_color), max(4, px // 5), 0
    else:
        border_style, out_colour, outline_px = 1, _ass_colour(style.outline_color), outline
        shadow = int(round(style.shadow * h))
    bx, by, bw, bh = band
    lines_of = card_lines(cards, font, px, bw, subtitle_pad(style, h))
    lines = [
        "[Script Info]", "ScriptType: v4.00+", f"PlayResX: {w}", f"PlayResY: {h}", "WrapStyle: 0",
        "ScaledBorderAndShadow: yes", "",
        "[V4+ Styles]",
        "Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, "
        "Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, "
        "MarginL, MarginR, MarginV, Encoding",
        f"Style: Sub,{family},{px},{primary},{secondary},{out_colour},&H80000000,-1,0,0,0,100,100,0,0,"
        f"{border_style},{outline_px},{shadow},8,{bx},{w - (bx + bw)},{by},1",
        "", "[Events]", "Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text",
    ]
    for c, n in zip(cards, lines_of, strict=True):
        margin_v = by + max(0, (bh - band_height(px, min(n, MAX_LINES))) // 2) + px // 4
        if karaoke:
            parts = []
            for i, (s, _e, text) in enumerate(c.words):
                nxt = c.words[i + 1][0] if i + 1 < len(c.words) else c.end_ms
                parts.append(f"{{\\k{max(1, (nxt - s) // 10)}}}{_escape(text)}")
            text = " ".join(parts)
        else:
            text = _escape(c.text)
        lines.append(f"Dialogue: 0,{_ts(c.start_ms)},{_ts(c.end_ms)},Sub,,{bx},{w - (bx + bw)},{margin_v},,{text}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
