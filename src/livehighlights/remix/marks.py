"""The LIVE's own marks on its picture (its stickers, price cards, titles) and the text they carry.

The still-overlay finder (:func:`livehighlights.vision.find_static_overlays`) sees a sticker as pieces
(its lines of text, its frame), misses one that bobs, and now and then takes a still piece of scenery.
:func:`live_marks` groups the pieces that lie close together (:data:`GROUP_GAP`), reads the text of a few
frames (OCR, grey pictures first), and keeps as a mark a group that carries text or is large and sure
(:data:`MIN_MARK_AREA`), its box taking in the text lines around it (a sticker's last line is often a
piece the finder missed); and every cue the text shows (a price, a discount, "tap the cart") with the
lines stacked around it (the rest of its card), wherever it is. Boxes are source pixels.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..timebase import Ms
from .layout import Box, inflate, merge_touching, overlap, union

__all__ = ["GROUP_GAP", "MIN_MARK_AREA", "LiveMarks", "live_marks"]

GROUP_GAP = 1 / 25
"""Pieces closer than this fraction of the frame's short side belong to one mark."""
SEED_CONFIDENCE = 0.5
"""A group with one piece at least this sure is a mark when it carries text or is large."""
TEXT_CONFIDENCE = 0.25
"""A weaker group is a mark only when text is read on it (the LIVE's title tag, its shop name)."""
MIN_MARK_AREA = 0.015
"""A group without text is a mark only from this fraction of the frame's area up (a logo, a frame)."""
READ_AROUND = 0.35
"""Text lines this far around a group (fraction of its size) belong to it."""
MIN_TEXT_CONFIDENCE = 70.0
TEXT_FRAMES = 2


@dataclass
class LiveMarks:
    """The marks (source pixels) and the text read on them (a ``ScreenTextResult``, or ``None``)."""

    boxes: list[Box] = field(default_factory=list)
    screen: Any = None


def _wordy(text: str) -> bool:
    """A line that is text, not noise read on scenery: three letters, or a price or percentage."""
    return sum(ch.isalpha() for ch in text) >= 3 or any(s in text for s in ("%", "$", "€", "£"))


def live_marks(clip: Path, duration: Ms, scan: Any, read_text: bool = True) -> LiveMarks:
    """The LIVE's marks in ``[0, duration)`` of ``clip`` (see the module docs); ``scan`` is the clip's scan
    (its samples for the still pieces, its ``hires`` frames for the text)."""
    from ..vision import find_static_overlays

    found = find_static_overlays(clip, 0, duration, scan=scan)
    W, H = scan.width, scan.height
    gap = max(4, int(min(W, H) * GROUP_GAP))
    pieces = [ov for ov in found.overlays if ov.confidence >= 0.2] if found.status == "ok" else []
    groups = []
    for g in merge_touching([inflate(ov.box, gap // 2) for ov in pieces]):
        members = [ov for ov in pieces if overlap(inflate(ov.box, gap // 2), g)]
        if members and max(ov.confidence for ov in members) >= TEXT_CONFIDENCE:
            groups.append((union(ov.box for ov in members) or g, max(ov.confidence for ov in members)))
    margin = max(4, min(W, H) // 50)
    if not read_text:
        return LiveMarks([inflate(g, margin) for g, conf in groups if conf >= SEED_CONFIDENCE], None)
    screen = _read(clip, duration, scan, None)
    lines = [tuple(i.box) for i in screen.items if i.confidence >= MIN_TEXT_CONFIDENCE and _wordy(i.text)] \
        if screen.status == "ok" else []
    marks = []
    for g, conf in groups:
        region = _around(g)
        texts = [b for b in lines if overlap(b, region)]
        if not texts and (conf < SEED_CONFIDENCE or g[2] * g[3] < MIN_MARK_AREA * W * H):
            continue  # a still piece without text: scenery, not a mark
        marks.append(union([g, *texts]) or g)
    # a cue on screen (a price, a discount, "tap the cart") is the LIVE's own mark wherever it is, with the
    # lines stacked around it (the rest of its card)
    cues = [tuple(c.box) for c in screen.cues] if screen.status == "ok" else []
    for box in merge_touching([inflate(b, gap // 2) for b in cues]):
        card = box
        grown = True
        while grown:
            near = [b for b in lines if overlap(inflate(b, gap // 2), card) and union([card, b]) != card]
            grown = bool(near)
            card = union([card, *near]) or card
        marks.append(card)
    return LiveMarks(merge_touching([inflate(m, margin) for m in marks]), screen)


def _read(clip: Path, duration: Ms, scan: Any, regions: list[Box] | None) -> Any:
    """The text read in ``regions`` (``None``: whole frames): grey pictures first, and the binarised ones
    too (light text on a coloured sticker) only when the grey ones showed no cue: a third of the cost. One
    tesseract process per setting: the remix reads beside its other analyses (and often beside another
    remix), where more processes only add their start-up (~0.12 CPU-s each)."""
    from ..vision.screen_text import find_screen_text

    return find_screen_text(clip, 0, duration, frames=TEXT_FRAMES, scan=scan, regions=regions, threshold="auto",
                            workers=1)


def _around(box: Box) -> Box:
    x, y, w, h = box
    mx, my = int(w * READ_AROUND), int(h * READ_AROUND)
    return (x - mx, y - my, w + 2 * mx, h + 2 * my)
