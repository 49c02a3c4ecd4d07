"""The LIVE's own marks on its picture (its stickers, price cards, titles) and the text they carry.

The still-overlay finder (:func:`livehighlights.vision.find_static_overlays`) sees a sticker as pieces
(its lines of text, its frame) and now and then a still piece of scenery. :func:`live_marks` groups the
pieces that lie close together (:data:`GROUP_GAP`), reads the text in and around each group with OCR
(only there: a few patches cost a fraction of whole frames), and keeps as a mark a group that carries
text or is large (:data:`MIN_MARK_AREA`); the mark's box takes in the text lines read around it (a
sticker's last line is often a piece the finder missed). Without any still piece the whole frame is read
and the boxes of the cues it shows (a price, "tap the cart") are the marks. Boxes are source pixels.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..timebase import Ms
from .layout import Box, clip_box, inflate, merge_touching, overlap, union

__all__ = ["GROUP_GAP", "MIN_MARK_AREA", "LiveMarks", "live_marks"]

GROUP_GAP = 1 / 25
"""Pieces closer than this fraction of the frame's short side belong to one mark."""
SEED_CONFIDENCE = 0.5
"""A group needs one piece at least this sure to be a mark; weaker pieces only join one."""
MIN_MARK_AREA = 0.015
"""A group without text is a mark only from this fraction of the frame's area up (a logo, a frame)."""
READ_AROUND = 0.35
"""Each group is read with this fraction of its size added around it."""
MIN_TEXT_CONFIDENCE = 70.0
TEXT_FRAMES = 2


@dataclass
class LiveMarks:
    """The marks (source pixels) and the text read on them (a ``ScreenTextResult``, or ``None``)."""

    boxes: list[Box] = field(default_factory=list)
    screen: Any = None


def _wordy(text: str) -> bool:
    return sum(ch.isalnum() for ch in text) >= 3


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
        if members and max(ov.confidence for ov in members) >= SEED_CONFIDENCE:
            groups.append(union(ov.box for ov in members) or g)
    margin = max(4, min(W, H) // 50)
    if not read_text:
        return LiveMarks([inflate(g, margin) for g in groups], None)
    if not groups:
        screen = _read(clip, duration, scan, None)
        boxes = [inflate(tuple(c.box), margin) for c in screen.cues] if screen.status == "ok" else []
        return LiveMarks(merge_touching(boxes), screen)
    regions = [clip_box(_around(g), W, H) or g for g in groups]
    screen = _read(clip, duration, scan, regions)
    lines = [i for i in screen.items if i.confidence >= MIN_TEXT_CONFIDENCE and _wordy(i.text)] \
        if screen.status == "ok" else []
    marks = []
    for g, region in zip(groups, regions, strict=True):
        texts = [tuple(i.box) for i in lines if overlap(tuple(i.box), region)]
        if not texts and g[2] * g[3] < MIN_MARK_AREA * W * H:
            continue  # a small still piece without text: scenery, not a mark
        marks.append(inflate(union([g, *texts]) or g, margin))
    return LiveMarks(merge_touching(marks), screen)


def _read(clip: Path, duration: Ms, scan: Any, regions: list[Box] | None) -> Any:
    """The text read in ``regions`` (``None``: whole frames): grey pictures first, and the binarised ones
    too (light text on a coloured sticker) only when the grey ones showed no cue: a third of the cost."""
    from ..vision.screen_text import find_screen_text

    screen = find_screen_text(clip, 0, duration, frames=TEXT_FRAMES, scan=scan, regions=regions, threshold=False)
    if screen.status == "ok" and not screen.cues:
        screen = find_screen_text(clip, 0, duration, frames=TEXT_FRAMES, scan=scan, regions=regions)
    return screen


def _around(box: Box) -> Box:
    x, y, w, h = box
    mx, my = int(w * READ_AROUND), int(h * READ_AROUND)
    return (x - mx, y - my, w + 2 * mx, h + 2 * my)
