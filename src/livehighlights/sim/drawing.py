"""Pillow drawings of the products: one distinct object per product (shape, colours, pattern, label).

The same drawing is the catalog's reference picture and the picture held up in the video, so a
feature matcher (ORB) can find one in the other. Everything is drawn from explicit parameters; the
only randomness (confetti) comes from the product's own seed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

DESIGN_W, DESIGN_H = 600, 760
"""Size every product is drawn at (transparent background); scaled for catalog and video."""

PATTERNS = ("stripes", "dots", "checker", "zigzag", "waves", "confetti", "triangles", "grid")
SHAPES = ("bottle", "tube", "lipstick", "jar", "perfume", "shoe", "bag", "watch", "cap", "mug", "candle",
          "box", "headphones", "phone")


@dataclass(frozen=True)
class ProductLook:
    """How a product is drawn."""

    shape: str
    color: tuple[int, int, int]
    accent: tuple[int, int, int]
    pattern: str
    brand: str
    title: str
    seed: int


@lru_cache(maxsize=8)
def font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    """The packaged DejaVu font at ``size`` px."""
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    ref = resources.files("livehighlights") / "assets" / "fonts" / name
    with resources.as_file(ref) as path:
        return ImageFont.truetype(str(path), size)


def _shape_mask(shape: str) -> tuple[Image.Image, tuple[int, int, int, int], list[tuple[str, tuple, tuple]]]:
    """Body mask, label box and extra parts ``(kind, xy, fill-key)`` drawn over the body."""
    m = Image.new("L", (DESIGN_W, DESIGN_H), 0)
    d = ImageDraw.Draw(m)
    extras: list[tuple[str, tuple, tuple]] = []
    label = (120, 330, 480, 520)
    if shape == "bottle":
        d.rounded_rectangle((120, 200, 480, 740), 70, fill=255)
        d.rectangle((230, 110, 370, 220), fill=255)
        extras.append(("rrect", (210, 20, 390, 120), ("accent",)))
    elif shape == "tube":
        d.polygon([(110, 40), (490, 40), (420, 620), (180, 620)], fill=255)
        extras.append(("rect", (100, 20, 500, 60), ("accent",)))
        extras.append(("rrect", (220, 620, 380, 740), ("accent",)))
        label = (170, 260, 430, 440)
    elif shape == "lipstick":
        d.rounded_rectangle((170, 300, 430, 740), 30, fill=255)
        extras.append(("poly", ((200, 300), (200, 140), (400, 60), (400, 300)), ("accent",)))
        label = (185, 420, 415, 620)
    elif shape == "jar":
        d.rounded_rectangle((60, 250, 540, 740), 80, fill=255)
        extras.append(("rrect", (80, 140, 520, 270), ("accent",)))
        label = (110, 380, 490, 600)
    elif shape == "perfume":
        d.polygon([(90, 300), (300, 230), (510, 300), (510, 700), (300, 750), (90, 700)], fill=255)
        extras.append(("rect", (250, 150, 350, 240), ("accent",)))
        extras.append(("ellipse", (210, 40, 390, 170), ("accent",)))
        label = (150, 380, 450, 600)
    elif shape == "shoe":
        d.polygon([(20, 420), (60, 250), (200, 230), (300, 330), (480, 380), (580, 470), (580, 560),
                   (20, 560)], fill=255)
        extras.append(("rect", (10, 560, 590, 640), ("white",)))
        label = (120, 400, 440, 540)
    elif shape == "bag":
        d.polygon([(60, 260), (540, 260), (580, 740), (20, 740)], fill=255)
        extras.append(("arc", (160, 60, 440, 420), ("accent",)))
        label = (130, 400, 470, 620)
    elif shape == "watch":
        d.rectangle((220, 0, 380, 760), fill=255)
        extras.append(("ellipse", (110, 210, 490, 590), ("accent",)))
        extras.append(("ellipse", (140, 240, 460, 560), ("white",)))
        label = (170, 330, 430, 470)
    elif shape == "cap":
        d.chord((80, 180, 520, 640), 180, 360, fill=255)
        extras.append(("poly", ((60, 410), (580, 410), (560, 500), (80, 470)), ("accent",)))
        label = (160, 250, 440, 390)
    elif shape == "mug":
        d.rounded_rectangle((70, 160, 430, 720), 40, fill=255)
        d.ellipse((370, 300, 560, 560), fill=255)
        d.ellipse((420, 350, 510, 510), fill=0)
        label = (100, 330, 400, 540)
    elif shape == "candle":
        d.rounded_rectangle((100, 240, 500, 740), 50, fill=255)
        extras.append(("ellipse", (270, 90, 330, 230), ("flame",)))
        label = (140, 390, 460, 600)
    elif shape == "box":
        d.polygon([(60, 220), (440, 220), (440, 740), (60, 740)], fill=255)
        d.polygon([(60, 220), (160, 120), (540, 120), (440, 220)], fill=255)
        d.polygon([(440, 220), (540, 120), (540, 640), (440, 740)], fill=255)
        extras.append(("poly", ((440, 220), (540, 120), (540, 640), (440, 740)), ("shade",)))
        label = (90, 360, 410, 560)
    elif shape == "headphones":
        d.rounded_rectangle((60, 300, 540, 700), 150, fill=255)
        extras.append(("ellipse", (130, 60, 280, 260), ("white",)))
        extras.append(("ellipse", (320, 60, 470, 260), ("white",)))
        extras.append(("line", (60, 480, 540, 480), ("shade",)))
        label = (130, 520, 470, 660)
    else:  # phone
        d.rounded_rectangle((130, 20, 470, 740), 60, fill=255)
        extras.append(("rrect", (170, 60, 310, 230), ("shade",)))
        label = (160, 360, 440, 560)
    return m, label, extras


def _pattern(look: ProductLook) -> Image.Image:
    """A full-canvas pattern in the product's colours."""
    img = Image.new("RGB", (DESIGN_W, DESIGN_H), look.color)
    d = ImageDraw.Draw(img)
    a = look.accent
    rng = np.random.default_rng(look.seed)
    p = look.pattern
    if p == "stripes":
        for k in range(-DESIGN_H, DESIGN_W, 56):
            d.polygon([(k, 0), (k + 24, 0), (k + 24 + DESIGN_H, DESIGN_H), (k + DESIGN_H, DESIGN_H)], fill=a)
    elif p == "dots":
        for y in range(20, DESIGN_H, 60):
            for x in range(20 + (y // 60 % 2) * 30, DESIGN_W, 60):
                d.ellipse((x - 13, y - 13, x + 13, y + 13), fill=a)
    elif p == "checker":
        for y in range(0, DESIGN_H, 50):
            for x in range(0, DESIGN_W, 50):
                if (x // 50 + y // 50) % 2:
                    d.rectangle((x, y, x + 49, y + 49), fill=a)
    elif p == "zigzag":
        for y in range(0, DESIGN_H + 60, 60):
            pts = [(x, y + (0 if (x // 40) % 2 else 30)) for x in range(0, DESIGN_W + 40, 40)]
            d.line(pts, fill=a, width=12)
    elif p == "waves":
        for y in range(0, DESIGN_H + 50, 50):
            pts = [(x, y + 18 * math.sin(x / 35.0)) for x in range(0, DESIGN_W + 10, 10)]
            d.line(pts, fill=a, width=10)
    elif p == "confetti":
        for _ in range(160):
            x, y = rng.integers(0, DESIGN_W), rng.integers(0, DESIGN_H)
            s = int(rng.integers(8, 22))
            col = a if rng.random() < 0.7 else (255, 255, 255)
            if rng.random() < 0.5:
                d.rectangle((x, y, x + s, y + s // 2), fill=col)
            else:
                d.polygon([(x, y), (x + s, y + s), (x - s // 2, y + s)], fill=col)
    elif p == "triangles":
        for y in range(0, DESIGN_H, 70):
            for x in range(0, DESIGN_W, 70):
                d.polygon([(x + 10, y + 60), (x + 35, y + 12), (x + 60, y + 60)], fill=a)
    else:  # grid
        for k in range(0, max(DESIGN_W, DESIGN_H), 45):
            d.line((k, 0, k, DESIGN_H), fill=a, width=6)
            d.line((0, k, DESIGN_W, k), fill=a, width=6)
    return img


def fit_text(d: ImageDraw.ImageDraw, text: str, box: tuple[int, int, int, int], bold: bool, max_size: int,
              fill: tuple[int, int, int]) -> None:
    x0, y0, x1, y1 = box
    size = max_size
    while size > 12:
        f = font(size, bold)
        lft, t, r, b = d.textbbox((0, 0), text, font=f)
        if r - lft <= x1 - x0 and b - t <= y1 - y0:
            break
        size -= 2
    f = font(size, bold)
    lft, t, r, b = d.textbbox((0, 0), text, font=f)
    d.text(((x0 + x1 - (r - lft)) / 2 - lft, (y0 + y1 - (b - t)) / 2 - t), text, font=f, fill=fill)


@lru_cache(maxsize=32)
def draw_product(look: ProductLook) -> Image.Image:
    """The product on a transparent ``DESIGN_W x DESIGN_H`` RGBA canvas (cached: do not modify it)."""
    mask, label, extras = _shape_mask(look.shape)
    out = Image.new("RGBA", (DESIGN_W, DESIGN_H), (0, 0, 0, 0))
    out.paste(_pattern(look), (0, 0), mask)
    d = ImageDraw.Draw(out)
    shade = tuple(int(c * 0.55) for c in look.color)
    fills = {"accent": look.accent, "white": (245, 245, 240), "shade": shade, "flame": (255, 170, 40)}
    for kind, xy, (key,) in extras:
        col = fills[key]
        if kind == "rect":
            d.rectangle(xy, fill=col, outline=(30, 30, 30), width=4)
        elif kind == "rrect":
            d.rounded_rectangle(xy, 24, fill=col, outline=(30, 30, 30), width=4)
        elif kind == "ellipse":
            d.ellipse(xy, fill=col, outline=(30, 30, 30), width=4)
        elif kind == "poly":
            d.polygon(list(xy), fill=col, outline=(30, 30, 30))
        elif kind == "arc":
            d.arc(xy, 180, 360, fill=col, width=34)
        elif kind == "line":
            d.line(xy, fill=col, width=8)
    # outline of the body
    edge = mask.filter(ImageFilter.FIND_EDGES).filter(ImageFilter.MaxFilter(5))
    out.paste((25, 25, 25, 255), (0, 0), edge)
    # label: light card with brand (bold) and title
    x0, y0, x1, y1 = label
    d.rounded_rectangle(label, 18, fill=(250, 248, 242), outline=look.accent, width=6)
    mid = y0 + (y1 - y0) * 0.58
    fit_text(d, look.brand.upper(), (x0 + 14, y0 + 10, x1 - 14, int(mid)), True, 72, (20, 20, 30))
    fit_text(d, look.title, (x0 + 14, int(mid), x1 - 14, y1 - 12), False, 34, shade)
    return out


def product_layer(look: ProductLook, height: int, angle: float = 0.0, squeeze: float = 1.0) -> Image.Image:
    """The product scaled to ``height`` px, optionally rotated (degrees) and squeezed (turned)."""
    img = draw_product(look)
    w = max(2, round(DESIGN_W * height / DESIGN_H * squeeze))
    img = img.resize((w, height), Image.LANCZOS)
    if angle:
        img = img.rotate(angle, resample=Image.BICUBIC, expand=True)
    return img


def reference_picture(look: ProductLook, size: int = 640) -> Image.Image:
    """Catalog picture: the front view centred on a plain light background (RGB)."""
    bg = Image.new("RGB", (size, size), (236, 236, 232))
    prod = product_layer(look, int(size * 0.9))
    bg.paste(prod, ((size - prod.width) // 2, (size - prod.height) // 2), prod)
    return bg
