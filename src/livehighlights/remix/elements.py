"""The overlay elements of a remix, drawn and laid out: catalog stickers, LIVE badge, arrow, subtitles band.

:func:`lay_out` draws every element the style turns on and the product can fill (less those that would
repeat the LIVE's own text, :mod:`.content`), offers each one's candidate places (:mod:`.solve`) and takes
the solver's layout: nothing over the host's face, the product or the LIVE's marks, nothing of ours over
anything else of ours, the least useful elements left out when space is short (the sidecar says which and
why). Each element is a PNG overlaid from ``start_ms`` to ``end_ms``.

Stickers: ``title``, ``price``, ``discount``, ``promo`` (LIMITED OFFER), ``brand`` (logo or name), ``point``
(the selling point being spoken, changing as the host states the next one) and ``cta`` (tap the cart).
The arrow points at where the app shows the way into the LIVE (:data:`~livehighlights.rules.LIVE_ENTRY_POINTS`
for the style's ``arrow.layout``, or the style's ``arrow.target``), from a free place near it, or is left out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image

from ..models import Product
from ..rules import LIVE_ENTRY_POINTS
from ..text.display import fill_template
from ..timebase import Ms
from . import stickers as draw
from .content import SpokenPoint
from .layout import Box, SafeArea
from .solve import VALUES, Candidate, Obstacle, Request, Solution, clear_of, grid_candidates, solve, spread
from .style import Style
from .subtitles import SCALES as SUB_SCALES
from .subtitles import Card, band_candidates

CURRENCY = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "IDR": "Rp", "INR": "₹", "VND": "₫", "THB": "฿",
            "PHP": "₱", "MYR": "RM", "SGD": "S$", "BRL": "R$", "MXN": "MX$"}
ANCHORS: dict[str, tuple[float, float]] = {"title": (0.5, 0.12), "brand": (0.96, 0.12), "point": (0.04, 0.50),
                                           "price": (0.04, 0.42), "discount": (0.96, 0.30), "cta": (0.04, 0.76),
                                           "promo": (0.04, 0.62)}
"""Where each sticker would like to sit (fractions of the frame); the layout takes the best free place."""
SHRINK = (1.0, 0.8, 0.65, 0.5)
"""Sizes a sticker may take (each a candidate of its own, smaller ones cost more), down to the one whose text
stays legible on a phone (:data:`MIN_TEXT`)."""
MIN_TEXT = 0.02
"""The smallest text of a sticker, as a fraction of the frame's height (38 px at 1920, about 2.7 mm on a
phone's screen): a sticker is not offered at a size that draws its main line smaller. Where no legible size
fits, the layout leaves the sticker out (the sidecar says so) rather than shrinking it into a corner."""
TEXT_SHARE = {"title": 1.0, "price": 1.25, "discount": 1.2, "promo": 0.85, "brand": 0.8, "cta": 0.85, "point": 0.8,
              "logo": 1.3}
"""The main line of each sticker's text, times the style's sticker size (``logo``: the brand's logo picture's
height)."""
NARROW_LINES = (3, 4)
"""The spoken selling point is also offered on these many shorter lines: taller and narrower, it fits, at a
legible size, a column beside the host or the product."""
ARROW_RINGS = (0.7, 0.9, 1.15, 1.45, 1.8)
"""Distances (times the arrow's length) from the LIVE's entry point to the arrow's centre."""
ARROW_SIZES = (1.0, 0.7)
"""Lengths the arrow may take (times the style's), the shorter costing more."""


@dataclass
class Element:
    """A placed overlay: its image file, box (output pixels), visible window and animation."""

    kind: str
    text: str
    image: Path
    box: Box
    start_ms: Ms
    end_ms: Ms
    slide_from: str | None = None
    """``left``/``right``: slides in from that side over the style's ``animate_s``."""
    bounce: tuple[float, float] | None = None
    """Bounce direction (unit vector in pixels) of the arrow."""
    travel: Box | None = None
    """Box covered by the whole animation (declared to the checker)."""
    target: tuple[int, int] | None = None
    """What the element points at (the arrow: the LIVE's entry point, output pixels)."""
    angle: float | None = None
    """The arrow's direction in degrees (0 = right, 90 = up)."""

    def to_json(self) -> dict[str, object]:
        out: dict[str, object] = {"kind": self.kind, "text": self.text, "box": list(self.box),
                                  "start_ms": self.start_ms, "end_ms": self.end_ms,
                                  "animation": "slide" if self.slide_from else "bounce" if self.bounce else None}
        if self.travel is not None and self.travel != self.box:
            out["travel"] = list(self.travel)
        if self.target is not None:
            out["target"] = list(self.target)
        if self.angle is not None:
            out["angle"] = self.angle
        return out


@dataclass
class Placed:
    """The layout: placed elements, the subtitle band, and what was left out and why."""

    elements: list[Element] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    """``"kind: why"`` of each element left out."""
    dropped: dict[str, str] = field(default_factory=dict)
    band: Box | None = None
    """The subtitle band (``None``: no subtitles)."""
    band_lines: int = 2
    """Lines of the subtitle band (cards are split to fit)."""
    band_scale: float = 1.0
    """Size of the subtitles' text in the band, times the style's."""
    entry: tuple[int, int] | None = None
    """The LIVE's entry point the arrow points at (output pixels), when the LIVE is on."""
    search: dict[str, float] = field(default_factory=dict)


def money(value: float, currency: str | None) -> str:
    sym = CURRENCY.get((currency or "").upper())
    amount = f"{value:,.0f}" if (currency or "").upper() in ("IDR", "JPY", "VND") else f"{value:,.2f}"
    return f"{sym}{amount}" if sym else f"{amount} {currency or ''}".strip()


def _wrap(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    return text[: cut if cut > 0 else limit].rstrip() + "…"


def _two_lines(text: str, limit: int) -> list[str]:
    """``text`` on one line, or two balanced lines when longer than ``limit`` characters (each cut to it)."""
    if len(text) <= limit:
        return [text]
    words = text.split()
    best = min(range(1, len(words)), key=lambda i: abs(len(" ".join(words[:i])) - len(" ".join(words[i:]))),
               default=1)
    return [_wrap(" ".join(words[:best]), limit), _wrap(" ".join(words[best:]), limit)]


def _narrow_lines(text: str, limit: int, lines: int = NARROW_LINES[0]) -> list[str]:
    """``text`` on up to ``lines`` lines, the longest as short as the words allow (each cut to ``limit``)."""
    words = text.split()
    if len(words) > 2 and words[0] == "\u2714":
        words = [f"{words[0]} {words[1]}", *words[2:]]  # the tick stays with the first word
    if len(words) < 2:
        return [_wrap(text, limit)]
    n = min(lines, len(words))
    best: list[str] = [text]
    for cuts in _cut_points(len(words), n):
        parts = [" ".join(words[a:b]) for a, b in zip((0, *cuts), (*cuts, len(words)), strict=True)]
        if max(map(len, parts)) < max(map(len, best)):
            best = parts
    return [_wrap(x, limit) for x in best]


def _cut_points(n: int, parts: int) -> list[tuple[int, ...]]:
    """Every way to cut ``n`` words into ``parts`` non-empty runs (the cut positions)."""
    if parts <= 1:
        return [()]
    return [(i, *(j + i for j in rest)) for i in range(1, n - parts + 2) for rest in _cut_points(n - i, parts - 1)]


def legible_sizes(kind: str, style: Style, h: int) -> int:
    """How many of the :data:`SHRINK` sizes draw ``kind``'s main line at least :data:`MIN_TEXT` high (at least
    one: a style may ask for small stickers)."""
    px = (style.live_badge.size if kind == "live_badge" else style.stickers.size) * h * TEXT_SHARE.get(kind, 1.0)
    return max(1, sum(px * k >= MIN_TEXT * h for k in SHRINK))


def sticker_images(product: Product, style: Style, language: str | None, h: int, font: Path, logo: Path | None,
                   scale: float) -> dict[str, tuple[str, Image.Image]]:
    """kind -> (text, image) of the single-picture stickers the style turns on and the product can fill."""
    s = style.stickers
    px = int(s.size * h * scale)
    out: dict[str, tuple[str, Image.Image]] = {}
    if s.title and product.title:
        t = _wrap(product.title, s.max_title_chars)
        out["title"] = (t, draw.pill([(t, px, s.color)], font, s.background, s.radius))
    if s.price and product.price is not None:
        sale = product.price * (1 - (product.discount or 0))
        lines = [(money(sale, product.currency), int(px * 1.25), s.color)]
        strike = None
        if product.discount:
            lines.append((money(product.price, product.currency), int(px * 0.7), s.color))
            strike = {1}
        out["price"] = (" / ".join(x[0] for x in lines), draw.pill(lines, font, s.background, 0.3, strike=strike))
    if s.discount and product.discount:
        t = fill_template(style.text("off", language), pct=int(round(product.discount * 100)))
        out["discount"] = (t, draw.pill([(t, int(px * 1.2), s.accent_text)], font, s.accent, s.radius, angle=-6))
    if s.promo:
        t = style.text("promo", language)
        out["promo"] = (t, draw.pill([("\u2605 " + t, int(px * 0.85), s.accent_text)], font, s.accent, 0.5))
    if s.brand and (logo or product.brand):
        if logo is not None:
            out["brand"] = (product.brand or logo.stem, draw.logo_badge(logo, int(px * 1.3)))
        else:
            t = product.brand or ""
            out["brand"] = (t, draw.pill([(t.upper(), int(px * 0.8), "#111111")], font, "#FFFFFFE8", 0.5))
    if s.cta:
        t = style.text("cta", language)
        out["cta"] = (t, draw.pill([(t, int(px * 0.85), s.color)], font, s.background, 0.5))
    return out


def point_images(points: list[SpokenPoint], style: Style, h: int, font: Path, scale: float,
                 lines: int = 2) -> list[Image.Image]:
    """The selling-point stickers (one per point), each on a canvas of the largest one's size; on one or two
    lines, or on up to ``lines`` shorter ones when more than two."""
    s = style.stickers
    px = int(s.size * h * scale * TEXT_SHARE["point"])

    def split(text: str) -> list[str]:
        return _two_lines(text, s.max_point_chars) if lines <= 2 else _narrow_lines(text, s.max_point_chars, lines)

    pics = [draw.pill([(ln, px, "#111111") for ln in split("\u2714 " + p.text)], font, "#FFFFFFEE", 0.3)
            for p in points]
    w, hh = max(p.width for p in pics), max(p.height for p in pics)
    out = []
    for p in pics:
        canvas = Image.new("RGBA", (w, hh), (0, 0, 0, 0))
        canvas.alpha_composite(p, ((w - p.width) // 2, (hh - p.height) // 2))
        out.append(canvas)
    return out


@dataclass
class Scene:
    """What the layout must respect and fill: the frame, the obstacles, and the element sources."""

    area: SafeArea
    obstacles: list[Obstacle]
    style: Style
    language: str | None
    font: Path
    sub_font: Path
    logo: Path | None
    product: Product | None
    live_on: bool
    end_ms: Ms
    cards: list[Card]
    """Subtitle cards (empty: no subtitles)."""
    points: list[SpokenPoint]
    repeats: dict[str, str]
    """Sticker kind -> the LIVE's own text it would repeat (left out)."""
    work: Path


def lay_out(sc: Scene) -> Placed:
    """Draw the elements, solve the layout (:func:`.solve.solve`) and return what goes where."""
    area, style = sc.area, sc.style
    res = Placed()
    requests: list[Request] = []
    if sc.cards:
        requests.append(Request("subtitles", VALUES["subtitles"],
                                band_candidates(sc.cards, style.subtitles, sc.sub_font, area, sc.obstacles)))
    drawn: list[dict[str, tuple[str, Image.Image]]] = []
    pts: list[list[Image.Image]] = []
    if sc.product is not None and style.stickers.enabled:
        drawn = [sticker_images(sc.product, style, sc.language, area.h, sc.font, sc.logo, k) for k in SHRINK]
        if style.stickers.point and sc.points:  # each legible size, also on more and shorter lines
            pts = [point_images(sc.points, style, area.h, sc.font, k, n)
                   for k in SHRINK[:legible_sizes("point", style, area.h)] for n in (2, *NARROW_LINES)]
        for kind in ANCHORS:
            if kind == "point" and not pts or kind != "point" and kind not in drawn[0]:
                continue
            if kind in sc.repeats:
                res.dropped[kind] = f"the LIVE already shows it ('{sc.repeats[kind]}')"
                continue
            legible = legible_sizes("logo" if kind == "brand" and sc.logo is not None else kind, style, area.h)
            sizes = [p[0].size for p in pts] if kind == "point" else [d[kind][1].size for d in drawn[:legible]]
            requests.append(Request(kind, VALUES[kind], grid_candidates(sizes, ANCHORS[kind], area, sc.obstacles,
                                                                        0.07 if kind == "point" else 0.2)))
    badge = arrows = None
    if sc.live_on:
        res.entry = entry_point(style, area)
        if style.live_badge.enabled:
            text = style.text("live_now", sc.language)
            badges = [draw.live_badge(text, sc.font, int(style.live_badge.size * area.h * k), style.live_badge.color,
                                      style.live_badge.background)
                      for k in SHRINK[:min(3, legible_sizes("live_badge", style, area.h))]]
            badge = (text, badges)
            requests.append(Request("live_badge", VALUES["live_badge"],
                                    grid_candidates([b.size for b in badges], tuple(style.live_badge.target), area,
                                                    sc.obstacles)))
        if style.arrow.enabled:
            arrows = {}
            requests.append(Request("arrow", VALUES["arrow"], arrow_candidates(style, area, res.entry, sc.obstacles,
                                                                               arrows)))
    sol = solve(requests, gap=max(4, area.h // 160))
    res.search = {"score": sol.score, "nodes": sol.nodes}
    for kind, why in sol.dropped.items():
        res.dropped[kind] = why
    res.skipped = [f"{k}: {why}" for k, why in res.dropped.items()]
    _materialise(sc, sol, res, drawn, pts, badge, arrows)
    return res


def _materialise(sc: Scene, sol: Solution, res: Placed, drawn: list[dict[str, tuple[str, Image.Image]]],
                 pts: list[list[Image.Image]], badge: tuple[str, list[Image.Image]] | None,
                 arrows: dict[int, Image.Image] | None) -> None:
    """Turn the chosen candidates into :class:`Element` s (PNG files in the work folder)."""
    area, style, work, end_ms = sc.area, sc.style, sc.work, sc.end_ms
    start = int(style.stickers.start * 1000)
    for kind, c in sol.chosen.items():
        if kind == "subtitles":
            res.band, res.band_lines, res.band_scale = c.box, c.variant % 10, SUB_SCALES[c.variant // 10]
        elif kind == "point":
            times = [p.start_ms if p.start_ms is not None else start for p in sc.points]
            for i, (p, img) in enumerate(zip(sc.points, pts[c.variant], strict=True)):
                a = max(start, times[i])
                b = min(end_ms, times[i + 1]) if i + 1 < len(times) else end_ms
                if b - a < 500:
                    continue
                path = work / f"sticker_point{i}.png"
                img.save(path)
                res.elements.append(Element("point", p.text, path, c.box, a, b, _side(c.box, area) if
                                            style.stickers.animate and i == 0 else None, travel=c.box))
        elif kind == "live_badge" and badge is not None:
            badge[1][c.variant].save(work / "badge.png")
            res.elements.append(Element("live_badge", badge[0], work / "badge.png", c.box, 0, end_ms))
        elif kind == "arrow" and arrows is not None and res.entry is not None:
            amp = max(4, area.h // 100) if style.arrow.bounce else 0
            res.elements.append(_arrow_element(c, arrows, amp, res.entry, work, end_ms))
        elif drawn:
            text, img = drawn[c.variant][kind]
            path = work / f"sticker_{kind}.png"
            img.save(path)
            res.elements.append(Element(kind, text, path, c.box, start, end_ms,
                                        _side(c.box, area) if style.stickers.animate else None, travel=c.box))
    order = {k: i for i, k in enumerate(("live_badge", "arrow", *ANCHORS))}
    res.elements.sort(key=lambda e: (order.get(e.kind, 99), e.start_ms))


def _side(box: Box, area: SafeArea) -> str:
    return "left" if box[0] + box[2] / 2 < area.w / 2 else "right"


def entry_point(style: Style, area: SafeArea) -> tuple[int, int]:
    """Where the app shows the way into the LIVE on the output frame (pixels): the style's ``arrow.target``,
    else the assumed place for its ``arrow.layout`` (:data:`~livehighlights.rules.LIVE_ENTRY_POINTS`)."""
    fx, fy = style.arrow.target or LIVE_ENTRY_POINTS[style.arrow.layout]
    return int(fx * area.w), int(fy * area.h)


def _bounce_box(box: Box, angle: float, amp: int) -> Box:
    ux, uy = math.cos(math.radians(angle)), -math.sin(math.radians(angle))
    return (int(box[0] - abs(ux) * amp), int(box[1] - abs(uy) * amp), int(box[2] + 2 * abs(ux) * amp) + 1,
            int(box[3] + 2 * abs(uy) * amp) + 1)


def arrow_candidates(style: Style, area: SafeArea, target: tuple[int, int], obstacles: list[Obstacle],
                     pictures: dict[int, Image.Image]) -> list[Candidate]:
    """Places for the arrow on rings around the LIVE's entry point, each pointing at it (``variant``: the
    angle in degrees, 0 = right, 90 = up, plus 1000 times the size's index in :data:`ARROW_SIZES`); cost:
    farther, smaller, turned away from the frame's outward direction there. ``pictures`` is filled with
    the arrow drawn at each angle and size offered."""
    amp = max(4, area.h // 100) if style.arrow.bounce else 0
    tx, ty = target
    outward = math.degrees(math.atan2(-(ty - area.h / 2), tx - area.w / 2))
    found = []
    for k_size, size in enumerate(ARROW_SIZES):
        length = int(style.arrow.size * area.h * size)
        for ring, k in enumerate(ARROW_RINGS):
            d = k * length
            for phi in range(0, 360, 15):
                cx = tx + d * math.cos(math.radians(phi))
                cy = ty - d * math.sin(math.radians(phi))
                angle = (phi + 180) % 360
                variant = angle + 1000 * k_size
                if variant not in pictures:
                    pictures[variant] = draw.arrow(length, float(angle), style.arrow.color, style.arrow.outline_color)
                w, h = pictures[variant].size
                box = (int(cx - w / 2), int(cy - h / 2), w, h)
                travel = _bounce_box(box, angle, amp)
                if not area.contains(travel) or not clear_of(travel, obstacles):
                    continue
                turn = abs((angle - outward + 180) % 360 - 180) / 180
                cost = 0.45 * ring / (len(ARROW_RINGS) - 1) + 0.3 * turn + 0.25 * k_size
                found.append(Candidate(travel, round(cost, 4), variant))
    return spread(found, area, per_cell=8)


def _arrow_element(c: Candidate, arrows: dict[int, Image.Image], amp: int, target: tuple[int, int],
                   work: Path, end_ms: Ms) -> Element:
    img = arrows[c.variant]
    x, y, w, h = c.box
    box = (x + (w - img.width) // 2, y + (h - img.height) // 2, img.width, img.height)
    img.save(work / "arrow.png")
    angle = c.variant % 1000
    ux, uy = math.cos(math.radians(angle)), -math.sin(math.radians(angle))
    return Element("arrow", "", work / "arrow.png", box, 0, end_ms, bounce=(ux * amp, uy * amp) if amp else None,
                   travel=c.box, target=target, angle=float(angle))


def end_card_image(lines: list[tuple[str, float, str]], font: Path, size: tuple[int, int],
                   work: Path) -> tuple[Path, Box]:
    """The end card's text (line heights as fractions of the frame) as a PNG cropped to its content, and where
    it goes (output pixels)."""
    W, H = size
    img = draw.end_card([(t, px * H, c) for t, px, c in lines], font, W, H)
    bbox = img.getbbox() or (0, 0, W, H)
    x0, y0 = bbox[0] // 2 * 2, bbox[1] // 2 * 2
    img = img.crop((x0, y0, bbox[2], bbox[3]))
    path = work / "end_card.png"
    img.save(path)
    return path, (x0, y0, img.width, img.height)
