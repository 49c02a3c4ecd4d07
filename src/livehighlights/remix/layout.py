"""Where things may go on a 9:16 frame: the platform's safe area, and box arithmetic.

The feed covers the top bar (:data:`TOP`), the caption at the bottom (:data:`BOTTOM`) and, in the lower
half, the action buttons on the right (:data:`RIGHT`). Our elements stay inside the rest; where in it is
decided by :mod:`.solve`. Boxes are ``(x, y, w, h)`` in output pixels.
"""

from __future__ import annotations

from collections.abc import Iterable
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
