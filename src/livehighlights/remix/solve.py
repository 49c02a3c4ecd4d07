"""The remix's layout as one problem: where each of our elements goes, or which ones are left out.

Every element (subtitles, stickers, LIVE badge, arrow) is a :class:`Request`: how useful it is
(:data:`VALUES`) and its candidate places (:class:`Candidate`: a box and a cost in ``[0, 1]``, 0 being
where the element would like to be). Candidates that touch an :class:`Obstacle` (the host's face, the
product, the LIVE's own marks) or leave the platform's safe area are never generated. :func:`solve`
then picks at most one candidate per request so that no two of our boxes overlap (with a small gap),
maximising the value of the placed elements (then, among equals, the quality of their places): the
elements join one at a time, most useful first, each kept when all of them still fit together (the others
may move for it). When space is short the elements left out are therefore the least useful ones that do
not fit (an element is never shrunk into a
corner to make room: its smaller sizes are candidates of their own, with a cost).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from .layout import Box, SafeArea, overlap

__all__ = ["COST_WEIGHT", "VALUES", "Candidate", "Obstacle", "Request", "Solution", "clear_boxes", "grid_candidates",
           "solve"]

VALUES: dict[str, float] = {"subtitles": 512.0, "arrow": 256.0, "live_badge": 128.0, "point": 64.0, "brand": 32.0,
                            "price": 16.0, "discount": 8.0, "cta": 4.0, "title": 2.0, "promo": 1.0}
"""How useful each element is, in order: subtitles carry the host's words; the arrow and badge bring viewers
into the LIVE; the selling point being spoken and the brand say what the LIVE's picture does not; then the
offer, the call to action, the title. Each is worth more than all less useful ones together, so when not
everything fits, the elements left out are always the least useful ones that do not fit."""
COST_WEIGHT = 0.5
"""Places only break ties: a layout's score is the sum of its elements' values plus, for each, at most
``COST_WEIGHT`` (less the worse its place), which never adds up to the value of one more element."""
MAX_CANDIDATES = 32
"""Candidates kept per request (the cheapest, spread over the frame)."""
NODE_BUDGET = 4_000
"""Search steps allowed to find room for one more element (beyond them it is taken as not fitting)."""


@dataclass(frozen=True)
class Obstacle:
    """Something of the LIVE's picture that nothing of ours may cover: ``face``, ``product`` or ``mark``."""

    kind: str
    box: Box


@dataclass(frozen=True)
class Candidate:
    """A place for an element: its ``box`` (also used for overlaps), ``cost`` in ``[0, 1]`` and a ``variant``
    telling the element how to draw itself there (a size index, an angle, a number of lines)."""

    box: Box
    cost: float
    variant: int = 0


@dataclass
class Request:
    """An element to place: ``kind``, its ``value`` (usefulness) and its candidate places."""

    kind: str
    value: float
    candidates: list[Candidate]


@dataclass
class Solution:
    """The chosen place of each placed element and why the others were left out."""

    chosen: dict[str, Candidate] = field(default_factory=dict)
    dropped: dict[str, str] = field(default_factory=dict)
    score: float = 0.0
    nodes: int = 0


def clear_of(box: Box, obstacles: Sequence[Obstacle]) -> bool:
    return not any(overlap(box, o.box) for o in obstacles)


def clear_boxes(xs: Sequence[int] | np.ndarray, ys: Sequence[int] | np.ndarray | int, w: int, h: int,
                obstacles: Sequence[Obstacle]) -> np.ndarray:
    """:func:`clear_of` for many boxes of one size ``w`` x ``h`` at once: for each position (``xs`` and ``ys``
    broadcast together) whether the box there touches none of ``obstacles`` (the layout tries thousands of
    places; one array operation per row instead of a Python call per place)."""
    x, y = np.broadcast_arrays(np.asarray(xs, dtype=np.int64), np.asarray(ys, dtype=np.int64))
    if not obstacles:
        return np.ones(x.shape, dtype=bool)
    o = np.array([ob.box for ob in obstacles], dtype=np.int64)
    ix = np.minimum(x[..., None] + w, o[:, 0] + o[:, 2]) - np.maximum(x[..., None], o[:, 0])
    iy = np.minimum(y[..., None] + h, o[:, 1] + o[:, 3]) - np.maximum(y[..., None], o[:, 1])
    return ~((ix > 0) & (iy > 0)).any(axis=-1)


def grid_candidates(sizes: Sequence[tuple[int, int]], anchor: tuple[float, float], area: SafeArea,
                    obstacles: Sequence[Obstacle], size_cost: float = 0.2,
                    keep: Callable[[Box], bool] | None = None) -> list[Candidate]:
    """Candidate boxes for a picture of one of ``sizes`` (largest first; ``variant`` = its index) on a grid
    over the safe area, clear of ``obstacles``: cost = distance of ``anchor`` (fractions of the frame) to
    the box, over the frame's diagonal, plus ``size_cost`` per step down in size. The cheapest
    :data:`MAX_CANDIDATES`, at most a few per region of the frame (so a blocked region leaves others)."""
    ax, ay = anchor[0] * area.w, anchor[1] * area.h
    diag = (area.w ** 2 + area.h ** 2) ** 0.5
    step_x, step_y = max(4, area.w // 40), max(4, area.h // 64)
    found: list[Candidate] = []
    for i, (bw, bh) in enumerate(sizes):
        for y in range(area.top, area.bottom - bh + 1, step_y):
            right = area.right_at(y + bh)
            xs = list(range(area.left, right - bw + 1, step_x))
            if xs and xs[-1] != right - bw:
                xs.append(right - bw)  # flush with the right edge of the safe area too
            for x, clear in zip(xs, clear_boxes(xs, y, bw, bh, obstacles), strict=True):
                box = (x, y, bw, bh)
                if not clear or (keep is not None and not keep(box)):
                    continue
                dx = max(x - ax, 0, ax - (x + bw))
                dy = max(y - ay, 0, ay - (y + bh))
                cost = min(1.0, ((dx * dx + dy * dy) ** 0.5) / (0.6 * diag) + size_cost * i)
                found.append(Candidate(box, round(cost, 4), i))
    return spread(found, area)


def spread(found: list[Candidate], area: SafeArea, per_cell: int = 3,
           cells: tuple[int, int] = (4, 8)) -> list[Candidate]:
    """The cheapest candidates, at most ``per_cell`` per cell of a ``cells`` grid over the frame (by the
    box's centre), at most :data:`MAX_CANDIDATES` in all."""
    found = sorted(found, key=lambda c: c.cost)
    count: dict[tuple[int, int], int] = {}
    out: list[Candidate] = []
    for c in found:
        x, y, w, h = c.box
        cell = (int((x + w / 2) / area.w * cells[0]), int((y + h / 2) / area.h * cells[1]), c.variant)
        if count.get(cell[:2], 0) >= per_cell or any(o.box == c.box for o in out):
            continue
        count[cell[:2]] = count.get(cell[:2], 0) + 1
        out.append(c)
        if len(out) >= MAX_CANDIDATES:
            break
    return out


def solve(requests: Sequence[Request], gap: int = 0, budget: int = NODE_BUDGET) -> Solution:
    """The best layout of ``requests`` (see the module docs); our boxes keep ``gap`` pixels apart.

    The values are in strict order (:data:`VALUES`), so the best set of elements is found one element at a
    time, most useful first: an element joins when all the elements kept so far and it can be placed
    together (a depth-first search over their candidates, cheapest first, of at most ``budget`` steps),
    else it is left out. The layout is the first such placement found of the final set."""
    order = [Request(r.kind, r.value, sorted(r.candidates, key=lambda c: c.cost))
             for r in sorted(requests, key=lambda r: -r.value)]
    kept: list[Request] = []
    placed: dict[str, Candidate] = {}
    dropped: dict[str, str] = {}
    nodes = 0
    for r in order:
        if not r.candidates:
            dropped[r.kind] = "no room clear of the face, the product and the LIVE's own marks"
            continue
        found, steps = _place_all([*kept, r], gap, budget, placed)
        nodes += steps
        if found is None:
            dropped[r.kind] = "no room left beside more useful elements"
            continue
        kept.append(r)
        placed = found
    tie = COST_WEIGHT / max(1, len(order))
    score = sum(r.value + tie * (1 - placed[r.kind].cost) for r in kept)
    return Solution(placed, dropped, round(score, 3), nodes)


def _place_all(reqs: list[Request], gap: int, budget: int,
               hint: dict[str, Candidate]) -> tuple[dict[str, Candidate] | None, int]:
    """A placement of every request with none of the boxes overlapping (``gap`` apart), or ``None``; the
    places of ``hint`` (the last placement) are tried first, so adding an element moves others only when
    it must. Which candidates clash is worked out once, for all pairs (:func:`_clashes`), so each step of
    the search is a bit test."""
    tries: list[list[tuple[int, Candidate]]] = []
    flat: list[Candidate] = []
    for r in reqs:
        first = hint.get(r.kind)
        order = ([first] if first is not None else []) + [c for c in r.candidates if c is not first]
        tries.append([(len(flat) + k, c) for k, c in enumerate(order)])
        flat += order
    clash = _clashes(flat, gap)
    chosen: list[tuple[str, Candidate]] = []
    steps = 0

    def visit(i: int, blocked: int) -> bool:
        nonlocal steps
        steps += 1
        if i == len(reqs):
            return True
        if steps > budget:
            return False
        for k, c in tries[i]:
            if not blocked >> k & 1:
                chosen.append((reqs[i].kind, c))
                if visit(i + 1, blocked | clash[k]):
                    return True
                chosen.pop()
        return False

    return (dict(chosen), steps) if visit(0, 0) else (None, steps)


def _clashes(cands: list[Candidate], gap: int) -> list[int]:
    """For each candidate, the bit set of the candidates its box (grown by ``gap``) overlaps."""
    if not cands:
        return []
    b = np.array([c.box for c in cands], dtype=np.int64)
    x1, y1 = b[:, 0] + b[:, 2], b[:, 1] + b[:, 3]
    ix = np.minimum((x1 + gap)[:, None], x1[None, :]) - np.maximum((b[:, 0] - gap)[:, None], b[None, :, 0])
    iy = np.minimum((y1 + gap)[:, None], y1[None, :]) - np.maximum((b[:, 1] - gap)[:, None], b[None, :, 1])
    hit = (ix > 0) & (iy > 0)
    weights = [1 << j for j in range(len(cands))]
    return [sum(weights[j] for j in np.flatnonzero(row)) for row in hit]
