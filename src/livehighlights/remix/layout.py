"""Where things go on a 9:16 frame: the platform's safe area and free slots for stickers.

The feed covers the top bar (:data:`TOP`), the caption at the bottom (:data:`BOTTOM`) and, in the lower
half, the action buttons on the right (:data:`RIGHT`). Our elements stay inside the rest. A sticker is
placed at the candidate position nearest its anchor that overlaps neither the product (its box over the
clip, inflated by a margin) nor an element already placed; when no position is free it is left out.
Boxes are ``(x, y, w, h)`` in output pixels.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

Box = tuple[int, int, int, int]

TOP = 0.10
"""Fraction of the height covered by the top bar."""
BOTTOM = 0.20
"""Fraction of the height covered by the caption and the bottom bar."""
RIGHT = 0.15
"""Fraction of the width covered by the action buttons, in the lower half."""
SIDE = 0.03
"""Margin on both sides, fraction of the width."""


@dataclass(frozen=True)
class SafeArea:
    """The safe area of a ``w x h`` frame."""

    w: int
    h: int

    @property
    def top(self) -> int:
        return int(round(self.h * TOP))

    @property
    def bottom(self) -> int:
        """First row below the safe area."""
        return int(round(self.h * (1 - BOTTOM)))

    @property
    def left(self) -> int:
        return int(round(self.w * SIDE))

    def right_at(self, y_end: int) -> int:
        """First column right of the safe area for a box whose bottom edge is at ``y_end``."""
        if y_end > self.h // 2:
            return int(round(self.w * (1 - RIGHT)))
        return int(round(self.w * (1 - SIDE)))

    def contains(self, box: Box) -> bool:
        x, y, bw, bh = box
        return (x >= self.left and y >= self.top and y + bh <= self.bottom
                and x + bw <= self.right_at(y + bh))


def overlap(a: Box, b: Box) -> int:
    """Area of the intersection of two boxes."""
    ix = min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0])
    iy = min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1])
    return max(0, ix) * max(0, iy)


def inflate(box: Box, margin: int) -> Box:
    x, y, w, h = box
    return (x - margin, y - margin, w + 2 * margin, h + 2 * margin)


def union(boxes: Iterable[Box]) -> Box | None:
    bs = list(boxes)
    if not bs:
        return None
    x0 = min(b[0] for b in bs)
    y0 = min(b[1] for b in bs)
    x1 = max(b[0] + b[2] for b in bs)
    y1 = max(b[1] + b[3] for b in bs)
    return (x0, y0, x1 - x0, y1 - y0)


def merge_touching(boxes: Iterable[Box]) -> list[Box]:
    """Boxes that overlap merged into their union, until none overlap (pieces of one sign become one)."""
    out = list(boxes)
    merged = True
    while merged:
        merged = False
        for i in range(len(out)):
            for j in range(i + 1, len(out)):
                if overlap(out[i], out[j]):
                    out[i] = union([out[i], out[j]]) or out[i]
                    del out[j]
                    merged = True
                    break
            if merged:
                break
    return out


def clip_box(box: Box, w: int, h: int) -> Box | None:
    x0, y0 = max(0, box[0]), max(0, box[1])
    x1, y1 = min(w, box[0] + box[2]), min(h, box[1] + box[3])
    return (x0, y0, x1 - x0, y1 - y0) if x1 > x0 and y1 > y0 else None


def place(size: tuple[int, int], anchor: tuple[float, float], area: SafeArea, avoid: Sequence[Box],
          taken: Sequence[Box]) -> Box | None:
    """The free position for a ``(w, h)`` element nearest ``anchor`` (fractions of the frame: where its
    nearest corner or centre should be), or ``None`` when every position touches ``avoid`` or ``taken``."""
    found = place_scored(size, anchor, area, avoid, taken)
    return None if found is None else found[1]


def place_scored(size: tuple[int, int], anchor: tuple[float, float], area: SafeArea, avoid: Sequence[Box],
                 taken: Sequence[Box], keep_clear: Sequence[Box] = ()) -> tuple[int, Box] | None:
    """Like :func:`place`, also keeping off ``keep_clear`` as far as it can: the position covering the least
    of it (in hundredths of the element's area), nearest the anchor among those; returns ``(cover, box)``."""
    bw, bh = size
    ax, ay = anchor[0] * area.w, anchor[1] * area.h
    step_x, step_y = max(4, area.w // 60), max(4, area.h // 120)
    unit = max(1, bw * bh // 100)
    best: tuple[tuple[int, float], Box] | None = None
    for y in range(area.top, area.bottom - bh + 1, step_y):
        right = area.right_at(y + bh)
        for x in range(area.left, right - bw + 1, step_x):
            box = (x, y, bw, bh)
            if any(overlap(box, o) for o in avoid) or any(overlap(box, o) for o in taken):
                continue
            cover = sum(overlap(box, o) for o in keep_clear) // unit
            # distance of the anchor to the nearest point of the box
            dx = max(x - ax, 0, ax - (x + bw))
            dy = max(y - ay, 0, ay - (y + bh))
            cost = (cover, dx * dx + dy * dy)
            if best is None or cost < best[0]:
                best = (cost, box)
    return None if best is None else (best[0][0], best[1])


def subtitle_band(area: SafeArea, line_px: int, lines: int, where: str) -> Box:
    """The band subtitles are drawn in: at the bottom (or top) of the safe area, clear of the buttons."""
    bh = int(line_px * lines * 1.25) + line_px // 2
    x0 = int(round(area.w * 0.06))
    x1 = area.right_at(area.h)  # the band is in the lower half: clear of the action buttons
    if where == "top":
        return (x0, area.top + int(area.h * 0.07), x1 - x0, bh)
    return (x0, area.bottom - bh - int(area.h * 0.01), x1 - x0, bh)


def auto_subtitle_band(area: SafeArea, line_px: int, avoid: Sequence[Box], clear: Sequence[Box]) -> tuple[Box, str]:
    """Where subtitles go when the style says ``auto``: ``(band, anchor)``. Off the product first (``avoid``),
    then off the LIVE's own on-screen text (``clear``), then the customary place: the bottom of the safe
    area, else its top, else the free height nearest the bottom."""
    bottom = subtitle_band(area, line_px, 2, "bottom")
    top = subtitle_band(area, line_px, 2, "top")
    x0, _, bw, bh = bottom
    step = max(4, area.h // 100)
    between = [((x0, y, bw, bh), "top") for y in range(bottom[1] - step, top[1], -step)]
    options = [(bottom, "bottom"), (top, "top"), *between]
    unit = max(1, bw * bh // 50)  # overlaps under 2% of the band do not count

    def cost(i: int) -> tuple[int, int, int]:
        band = options[i][0]
        return (sum(overlap(band, b) for b in avoid) // unit, sum(overlap(band, b) for b in clear) // unit, i)

    return options[min(range(len(options)), key=cost)]
