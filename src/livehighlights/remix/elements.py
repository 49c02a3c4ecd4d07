"""The overlay elements of a remix, drawn and placed: catalog stickers, LIVE badge, arrow, end card.

Stickers come from the catalog (title, price, discount, promotion, brand) and are placed in free slots of
the safe area, never over the product's box nor over each other (:func:`~.layout.place`); one that
does not fit is tried smaller, then left out (and the sidecar says so). Each element is a PNG overlaid
from ``start_ms`` to ``end_ms``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image

from ..models import Product
from ..text.display import fill_template
from ..timebase import Ms
from . import stickers as draw
from .layout import Box, SafeArea, place, place_scored
from .style import Style

CURRENCY = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "IDR": "Rp", "INR": "₹", "VND": "₫", "THB": "฿",
            "PHP": "₱", "MYR": "RM", "SGD": "S$", "BRL": "R$", "MXN": "MX$"}
ANCHORS: dict[str, tuple[float, float]] = {"title": (0.5, 0.12), "price": (0.04, 0.42), "discount": (0.96, 0.30),
                                           "promo": (0.04, 0.62), "brand": (0.96, 0.12)}
"""Where each sticker would like to sit (fractions of the frame); the nearest free slot is taken."""
SHRINK = (1.0, 0.8, 0.65, 0.5)


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

    def to_json(self) -> dict[str, object]:
        return {"kind": self.kind, "text": self.text, "box": list(self.box), "start_ms": self.start_ms,
                "end_ms": self.end_ms, "animation": "slide" if self.slide_from else "bounce" if self.bounce else None}


@dataclass
class Placed:
    elements: list[Element] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def money(value: float, currency: str | None) -> str:
    sym = CURRENCY.get((currency or "").upper())
    amount = f"{value:,.0f}" if (currency or "").upper() in ("IDR", "JPY", "VND") else f"{value:,.2f}"
    return f"{sym}{amount}" if sym else f"{amount} {currency or ''}".strip()


def _wrap(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    return text[: cut if cut > 0 else limit].rstrip() + "…"


def sticker_images(product: Product, style: Style, language: str | None, h: int, font: Path, logo: Path | None,
                   scale: float) -> dict[str, tuple[str, Image.Image]]:
    """kind -> (text, image) of the stickers the style turns on and the product can fill."""
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
    return out


def place_all(product: Product | None, style: Style, language: str | None, area: SafeArea, font: Path,
              logo: Path | None, avoid: list[Box], taken: list[Box], live_on: bool, end_ms: Ms,
              work: Path, keep_clear: list[Box] | None = None) -> Placed:
    """Draw and place the badge and arrow (LIVE on) and the stickers; ``taken`` grows as they are placed.

    ``avoid`` (the product) is never covered; ``keep_clear`` (the LIVE's own on-screen text and stickers) is
    left readable where a sticker fits elsewhere at some size, and covered only when nothing else is free."""
    res = Placed()
    if live_on:
        _live_cues(style, language, area, font, avoid, taken, end_ms, work, res)
    if product is None or not style.stickers.enabled:
        return res
    start = int(style.stickers.start * 1000)
    drawn = [sticker_images(product, style, language, area.h, font, logo, scale) for scale in SHRINK]
    for kind in ANCHORS:
        if kind not in drawn[0]:
            continue
        # the largest size that covers the least of the LIVE's own marks, nearest its anchor
        fits = [(found[0], i, found[1]) for i, imgs in enumerate(drawn)
                if (found := place_scored(imgs[kind][1].size, ANCHORS[kind], area, avoid, taken, keep_clear or ()))]
        if not fits:
            res.skipped.append(f"{kind}: no free place beside the product")
            continue
        _, i, box = min(fits)
        text, img = drawn[i][kind]
        path = work / f"sticker_{kind}.png"
        img.save(path)
        side = "left" if box[0] + box[2] / 2 < area.w / 2 else "right"
        el = Element(kind, text, path, box, start, end_ms, side if style.stickers.animate else None)
        el.travel = box
        res.elements.append(el)
        taken.append(box)
    return res


def _live_cues(style: Style, language: str | None, area: SafeArea, font: Path, avoid: list[Box],
               taken: list[Box], end_ms: Ms, work: Path, res: Placed) -> None:
    tx, ty = style.live_badge.target[0] * area.w, style.live_badge.target[1] * area.h
    badge_box = None
    if style.live_badge.enabled:
        text = style.text("live_now", language)
        img = draw.live_badge(text, font, int(style.live_badge.size * area.h), style.live_badge.color,
                              style.live_badge.background)
        badge_box = place(img.size, (tx / area.w, ty / area.h), area, avoid, taken)
        if badge_box is None:
            res.skipped.append("live_badge: no free place")
        else:
            img.save(work / "badge.png")
            res.elements.append(Element("live_badge", text, work / "badge.png", badge_box, 0, end_ms))
            taken.append(badge_box)
    if style.arrow.enabled:
        length = int(style.arrow.size * area.h)
        near = (min(1.0, (tx + length * 1.2) / area.w), min(1.0, (ty + length * 1.1) / area.h))
        if badge_box is not None:
            near = ((badge_box[0] + badge_box[2] + length * 0.4) / area.w, (badge_box[1] + badge_box[3]) / area.h)
        for _ in range(2):
            probe = draw.arrow(length, 135.0, style.arrow.color, style.arrow.outline_color)
            box = place(probe.size, near, area, avoid, taken)
            if box is None:
                break
            cx, cy = box[0] + box[2] / 2, box[1] + box[3] / 2
            angle = math.degrees(math.atan2(cy - ty, tx - cx))
            img = draw.arrow(length, angle, style.arrow.color, style.arrow.outline_color)
            box = place(img.size, (cx / area.w, cy / area.h), area, avoid, taken)
            if box is None:
                break
            img.save(work / "arrow.png")
            amp = max(4, area.h // 100)
            ux, uy = math.cos(math.radians(angle)), -math.sin(math.radians(angle))
            el = Element("arrow", "", work / "arrow.png", box, 0, end_ms, bounce=(ux * amp, uy * amp))
            travel = (int(box[0] - abs(ux) * amp), int(box[1] - abs(uy) * amp), int(box[2] + 2 * abs(ux) * amp),
                      int(box[3] + 2 * abs(uy) * amp))
            el.travel = travel
            res.elements.append(el)
            taken.append(travel)
            return
        res.skipped.append("arrow: no free place")


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
