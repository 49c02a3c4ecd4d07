"""Pillow drawings of the remix's elements: stickers, the LIVE badge, the arrow and the end card.

Each is an RGBA image sized for the output frame; the renderer writes them as PNGs and overlays them.
Text uses the shipped fonts (never system fonts).
"""

from __future__ import annotations

import math
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

from ..text.display import display_text
from .fonts import drawable, load_font


def rgba(colour: str) -> tuple[int, int, int, int]:
    """``#RRGGBB[AA]`` -> RGBA tuple."""
    c = colour.lstrip("#")
    return (int(c[0:2], 16), int(c[2:4], 16), int(c[4:6], 16), int(c[6:8], 16) if len(c) == 8 else 255)


def _shadow(img: Image.Image, blur: int) -> Image.Image:
    """``img`` over a soft drop shadow (readable over any picture)."""
    pad = blur * 2
    size = (img.width + 2 * pad, img.height + 2 * pad)
    alpha = Image.new("L", size, 0)  # the shadow is black: only its alpha is blurred (a quarter of the work)
    alpha.paste(img.getchannel("A").point(lambda a: int(a * 0.55)), (pad + blur // 2, pad + blur // 2))
    out = Image.new("RGBA", size, (0, 0, 0, 0))
    out.putalpha(alpha.filter(ImageFilter.GaussianBlur(blur)))
    out.alpha_composite(img, (pad, pad))
    return out


def pill(lines: list[tuple[str, int, str]], font: Path, bg: str, radius: float, *, strike: set[int] | None = None,
         pad: float = 0.45, angle: float = 0.0) -> Image.Image:
    """A rounded label of one or more text lines ``(text, px, colour)``; ``strike``: line indexes struck through."""
    lines = [(drawable(display_text(t), font), px, c) for t, px, c in lines]
    fonts = [load_font(str(font), px) for _, px, _ in lines]
    boxes = [f.getbbox(t) for (t, _, _), f in zip(lines, fonts, strict=True)]
    widths = [b[2] - b[0] for b in boxes]
    heights = [px for _, px, _ in lines]
    p = int(max(heights) * pad)
    gap = int(min(heights) * 0.25)
    w = max(widths) + 2 * p
    h = sum(heights) + gap * (len(lines) - 1) + int(p * 1.4)
    img = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    d.rounded_rectangle((0, 0, w - 1, h - 1), radius=int(h * radius if len(lines) == 1 else heights[0] * radius),
                        fill=rgba(bg))
    y = int(p * 0.7)
    for i, ((text, px, colour), f, bw) in enumerate(zip(lines, fonts, widths, strict=True)):
        x = (w - bw) // 2
        d.text((x, y), text, font=f, fill=rgba(colour), anchor="lt")
        if strike and i in strike:
            ym = y + px // 2 + px // 10
            d.line((x - 2, ym, x + bw + 2, ym), fill=rgba(colour), width=max(2, px // 10))
        y += px + gap
    if angle:
        img = img.rotate(angle, resample=Image.BICUBIC, expand=True)
    return _shadow(img, max(2, h // 14))


def logo_badge(logo: Path, height: int) -> Image.Image:
    """A brand logo picture scaled to ``height`` on a white rounded card."""
    pic = Image.open(logo).convert("RGBA")
    scale = height / pic.height
    pic = pic.resize((max(1, int(pic.width * scale)), height), Image.LANCZOS)
    pad = height // 5
    card = Image.new("RGBA", (pic.width + 2 * pad, height + 2 * pad), (0, 0, 0, 0))
    ImageDraw.Draw(card).rounded_rectangle((0, 0, card.width - 1, card.height - 1), radius=pad,
                                           fill=(255, 255, 255, 235))
    card.alpha_composite(pic, (pad, pad))
    return _shadow(card, max(2, pad // 2))


def live_badge(text: str, font: Path, px: int, fg: str, bg: str) -> Image.Image:
    """``● LIVE now`` on the platform's red."""
    return pill([(f"\u25cf {text}", px, fg)], font, bg, 0.5, pad=0.4)


def arrow(length: int, angle_deg: float, colour: str, outline: str) -> Image.Image:
    """A thick arrow ``length`` px long pointing at ``angle_deg`` (0 = right, 90 = up)."""
    L = length
    t = max(6, L // 7)
    img = Image.new("RGBA", (L + 2 * t, L + 2 * t), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    cx = cy = (L + 2 * t) / 2
    head = L * 0.38
    pts = [(-L / 2, -t / 2), (L / 2 - head, -t / 2), (L / 2 - head, -t * 1.6), (L / 2, 0),
           (L / 2 - head, t * 1.6), (L / 2 - head, t / 2), (-L / 2, t / 2)]
    a = math.radians(angle_deg)
    rot = [(cx + x * math.cos(a) + y * math.sin(a), cy - x * math.sin(a) + y * math.cos(a)) for x, y in pts]
    d.polygon(rot, fill=rgba(colour), outline=rgba(outline), width=max(2, t // 4))
    bbox = img.getbbox() or (0, 0, img.width, img.height)
    return _shadow(img.crop(bbox), max(2, t // 3))


def end_card(lines: list[tuple[str, float, str]], font: Path, width: int, height: int) -> Image.Image:
    """Centred big text lines ``(text, px, colour)`` over a transparent ``width x height`` canvas,
    each line shrunk to fit 86% of the width, with a dark outline."""
    img = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    fitted = []
    lines = [(drawable(display_text(t), font), px, c) for t, px, c in lines]
    for text, px, colour in lines:
        size = int(px)
        while size > 10 and load_font(str(font), size).getlength(text) > width * 0.86:
            size = int(size * 0.92)
        fitted.append((text, size, colour))
    total = sum(int(s * 1.3) for _, s, _ in fitted)
    y = (height - total) // 2
    for text, size, colour in fitted:
        f = load_font(str(font), size)
        d.text((width // 2, y + size // 2), text, font=f, fill=rgba(colour), anchor="mm",
               stroke_width=max(2, size // 14), stroke_fill=(0, 0, 0, 230))
        y += int(size * 1.3)
    return img
