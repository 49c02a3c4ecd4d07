"""Pillow layers of the studio scene: background, host (with mouth/blink overlays), stickers.

Every layer is drawn once as a PNG; :mod:`.video` composes them with FFmpeg. Geometry lives in
:class:`Layout` so the video and the truth agree on where things are.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from .drawing import fit_text, font


@dataclass(frozen=True)
class Layout:
    """Where things are in a ``W x H`` frame (top-left pixel coordinates)."""

    W: int
    H: int

    @property
    def portrait(self) -> bool:
        return self.H > self.W

    @property
    def table_y(self) -> int:
        return int(self.H * (0.84 if self.portrait else 0.80))

    @property
    def host_box(self) -> tuple[int, int, int, int]:
        """x, y, w, h of the host layer."""
        w = int(self.W * 0.66) if self.portrait else int(self.H * 0.62)
        y = int(self.H * (0.16 if self.portrait else 0.10))
        h = self.table_y + int(self.H * 0.01) - y
        return ((self.W - w) // 2, y, w, h)

    @property
    def product_h(self) -> int:
        return int(self.H * (0.27 if self.portrait else 0.44)) // 2 * 2

    @property
    def held_center(self) -> tuple[int, int]:
        x, y, w, h = self.host_box
        return (self.W // 2, y + int(h * 0.66))

    @property
    def table_center(self) -> tuple[int, int]:
        return (int(self.W * (0.80 if self.portrait else 0.78)), self.table_y + int(self.H * 0.02))

    @property
    def sway(self) -> tuple[float, float]:
        """Amplitudes (px) of the host's side sway and breathing."""
        return (round(self.W * 0.012, 1), round(self.H * 0.004, 1))

    def head(self) -> tuple[int, int, int]:
        """Head centre (x, y) and radius in host-layer coordinates."""
        _, _, w, h = self.host_box
        r = int(w * 0.16)
        return (w // 2, int(r * 1.25), r)


def background(lay: Layout, rng: np.random.Generator, shop: str) -> Image.Image:
    """Studio: gradient wall, shelves with items, soft lights, a table, the shop's LIVE badge."""
    W, H = lay.W, lay.H
    hue = rng.uniform(0, 1)
    top = np.array([40 + 60 * hue, 30 + 40 * (1 - hue), 70 + 50 * hue])
    bot = np.array([200 - 60 * hue, 170, 190 - 40 * hue])
    g = np.linspace(0, 1, H)[:, None]
    arr = (top[None, :] * (1 - g) + bot[None, :] * g)[:, None, :].repeat(W, axis=1)
    img = Image.fromarray(arr.clip(0, 255).astype(np.uint8), "RGB")
    glow = Image.new("L", (W, H), 0)
    gd = ImageDraw.Draw(glow)
    for _ in range(3):  # soft lights
        cx, cy, r = rng.uniform(0.1, 0.9) * W, rng.uniform(0.05, 0.35) * H, rng.uniform(0.08, 0.16) * W
        gd.ellipse((cx - r, cy - r, cx + r, cy + r), fill=110)
    glow = glow.filter(ImageFilter.GaussianBlur(W * 0.05))
    img = Image.composite(Image.new("RGB", (W, H), (255, 240, 210)), img, glow)
    d = ImageDraw.Draw(img)
    for sy in (0.30, 0.52) if lay.portrait else (0.35, 0.62):  # shelves with decor
        y = int(H * sy)
        for side in (0, 1):
            x0 = int(W * 0.02) if side == 0 else int(W * 0.78)
            x1 = int(W * 0.22) if side == 0 else int(W * 0.98)
            d.rectangle((x0, y, x1, y + int(H * 0.012)), fill=(120, 84, 52))
            x = x0 + 6
            while x < x1 - 30:
                bw, bh = int(rng.uniform(0.025, 0.05) * W), int(rng.uniform(0.03, 0.07) * H)
                col = tuple(int(c) for c in rng.integers(60, 230, 3))
                if rng.random() < 0.5:
                    d.rectangle((x, y - bh, x + bw, y), fill=col, outline=(40, 40, 40))
                else:
                    d.ellipse((x, y - bh, x + bw, y + 2), fill=col, outline=(40, 40, 40))
                x += bw + int(rng.uniform(0.005, 0.02) * W)
    ty = lay.table_y
    d.rectangle((0, ty, W, H), fill=(150, 104, 66))
    d.rectangle((0, ty, W, ty + int(H * 0.015)), fill=(178, 128, 84))
    for k in range(6):
        yy = ty + int(H * 0.03) + k * int(H * 0.025)
        d.line((0, yy, W, yy + int(H * 0.004)), fill=(136, 94, 58), width=max(1, W // 400))
    s = max(14, int(min(W, H) * 0.03))
    pad = s // 2
    d.rounded_rectangle((pad, pad, pad + int(s * 2.6), pad + int(s * 1.5)), s // 3, fill=(230, 30, 70))
    fit_text(d, "LIVE", (pad, pad, pad + int(s * 2.6), pad + int(s * 1.5)), True, s, (255, 255, 255))
    d.text((pad + int(s * 3.0), pad + s // 6), shop, font=font(s, True), fill=(255, 255, 255))
    return img


def host(lay: Layout, rng: np.random.Generator) -> tuple[Image.Image, Image.Image, Image.Image, tuple[int, int]]:
    """The host layer (RGBA), mouth-open and eyes-closed patches, and the patches' offset in the layer."""
    _, _, w, h = lay.host_box
    img = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    skins = [(241, 200, 170), (224, 172, 130), (190, 135, 95), (140, 95, 65), (250, 215, 190)]
    skin = skins[int(rng.integers(len(skins)))]
    hair = [(40, 28, 20), (90, 60, 30), (200, 160, 90), (20, 20, 20), (130, 50, 30)][int(rng.integers(5))]
    shirts = [(40, 90, 170), (200, 40, 70), (30, 140, 110), (240, 240, 235), (30, 30, 40), (130, 60, 160),
              (240, 150, 40)]
    shirt = shirts[int(rng.integers(len(shirts)))]
    cx, cy, r = lay.head()
    sh_y = cy + int(r * 1.45)
    # hair behind, torso, neck
    d.ellipse((cx - int(r * 1.2), cy - int(r * 1.15), cx + int(r * 1.2), cy + int(r * 1.6)), fill=hair)
    neck = (int(skin[0] * 0.85), int(skin[1] * 0.85), int(skin[2] * 0.85))  # in the chin's shadow
    d.rectangle((cx - r // 3, cy + int(r * 0.7), cx + r // 3, sh_y + r // 3), fill=neck)
    d.rounded_rectangle((int(w * 0.14), sh_y, int(w * 0.86), h + r), int(r * 0.9), fill=shirt)
    d.polygon([(cx - r // 2, sh_y), (cx, sh_y + int(r * 0.8)), (cx + r // 2, sh_y)], fill=skin)
    dark = tuple(int(c * 0.75) for c in shirt)
    # arms: upper arms down the sides, forearms to the front, hands in the middle (behind the product)
    aw = int(r * 0.55)
    hand_y = int(h * 0.66)
    for side in (-1, 1):
        sx = cx + side * int(w * 0.33)
        ex = cx + side * int(w * 0.40)
        ey = hand_y + int(r * 0.2)
        d.line((sx, sh_y + aw // 2, ex, ey), fill=dark, width=aw)
        hx = cx + side * int(w * 0.2)
        d.line((ex, ey, hx, hand_y), fill=dark, width=aw)
        d.ellipse((ex - aw // 2, ey - aw // 2, ex + aw // 2, ey + aw // 2), fill=dark)
        d.ellipse((hx - aw // 2, hand_y - aw // 2, hx + aw // 2, hand_y + aw // 2), fill=skin)
    # head and face: shaded like a photographed face (eye whites and irises, shadowed sockets and sides, a
    # nose and two lips), so a learned face detector finds it as it finds a real host's face
    img = _face(img, lay, skin, hair)
    ey_, ex_, er = _eyes(r, cy)
    my = cy + int(r * 0.65)
    mw = int(r * 0.32)
    # patches over the face, positioned at (px, py) in the layer
    px, py = cx - int(r * 0.7), ey_ - int(r * 0.3)
    pw, ph = int(r * 1.4), int(r * 1.25)
    mouth = Image.new("RGBA", (pw, ph), (0, 0, 0, 0))
    md = ImageDraw.Draw(mouth)
    mx, mcy = cx - px, my - py
    md.ellipse((mx - int(mw * 0.9), mcy - int(mw * 0.4), mx + int(mw * 0.9), mcy + int(mw * 0.65)),
               fill=(90, 25, 35), outline=(175, 85, 85), width=max(2, er // 2))
    blink = Image.new("RGBA", (pw, ph), (0, 0, 0, 0))
    bd = ImageDraw.Draw(blink)
    lid = tuple(int(c * 0.9) for c in skin)
    for side in (-1, 1):
        bx = cx + side * ex_ - px
        by = ey_ - py
        bd.ellipse((bx - er * 2.0, by - er * 1.1, bx + er * 2.0, by + er * 1.1), fill=lid)
        bd.line((bx - er * 1.8, by + er * 0.3, bx + er * 1.8, by + er * 0.3), fill=(60, 40, 35), width=max(2, er // 2))
    return img, mouth, blink, (px, py)


FACE_WIDTH = 0.8
"""Half-width of the face, fraction of the head radius (a face is narrower than it is tall)."""


def face_box(lay: Layout) -> tuple[int, int, int, int]:
    """x, y, w, h of the host's face (forehead to chin, cheek to cheek) in frame pixels at rest; the host
    sways by :attr:`Layout.sway` around it."""
    hx, hy, _, _ = lay.host_box
    cx, cy, r = lay.head()
    x0, y0 = cx - int(r * FACE_WIDTH), cy - int(r * 1.1)
    return (hx + x0, hy + y0, 2 * int(r * FACE_WIDTH), int(r * 2.25))


def _eyes(r: int, cy: int) -> tuple[int, int, int]:
    """Eye line y, eye distance from the middle, eye size (host-layer pixels)."""
    return cy + int(r * 0.05), int(r * 0.36), max(2, int(r * 0.1))


def _soft(img: Image.Image, box: tuple[float, float, float, float], colour: tuple[int, ...], alpha: float,
          blur: float, clip: Image.Image | None = None) -> Image.Image:
    """``img`` with a blurred ellipse of ``colour`` over ``box`` (only inside ``clip``'s alpha when given)."""
    mask = Image.new("L", img.size, 0)
    ImageDraw.Draw(mask).ellipse(box, fill=int(255 * alpha))
    mask = mask.filter(ImageFilter.GaussianBlur(max(0.5, blur)))
    if clip is not None:
        mask = Image.fromarray(np.minimum(np.asarray(mask), np.asarray(clip)))
    layer = Image.new("RGBA", img.size, (*colour[:3], 255))
    layer.putalpha(Image.fromarray(np.minimum(np.asarray(mask), np.asarray(img.getchannel("A")))))
    return Image.alpha_composite(img, layer)


def _face(img: Image.Image, lay: Layout, skin: tuple[int, int, int], hair: tuple[int, int, int]) -> Image.Image:
    cx, cy, r = lay.head()
    fw = int(r * FACE_WIDTH)

    def dk(c: tuple[int, ...], f: float) -> tuple[int, int, int]:
        return (int(c[0] * f), int(c[1] * f), int(c[2] * f))

    oval = (cx - fw, cy - int(r * 1.1), cx + fw, cy + int(r * 1.15))
    d = ImageDraw.Draw(img)
    d.ellipse(oval, fill=skin)
    inside = Image.new("L", img.size, 0)
    ImageDraw.Draw(inside).ellipse(oval, fill=255)
    # shadowed sides: the oval darkened, its middle kept lit
    ring = Image.new("L", img.size, 0)
    rd = ImageDraw.Draw(ring)
    rd.ellipse(oval, fill=200)
    rd.ellipse((cx - int(fw * 0.72), cy - int(r * 0.95), cx + int(fw * 0.72), cy + int(r * 0.9)), fill=0)
    ring = ring.filter(ImageFilter.GaussianBlur(r * 0.2))
    ring = Image.fromarray(np.minimum(np.asarray(ring), np.asarray(inside)))
    shade = Image.new("RGBA", img.size, (*dk(skin, 0.7), 255))
    shade.putalpha(ring)
    img = Image.alpha_composite(img, shade)
    d = ImageDraw.Draw(img)
    d.chord((cx - int(fw * 1.05), cy - int(r * 1.15), cx + int(fw * 1.05), cy - int(r * 0.1)), 180, 360, fill=hair)
    ey, ex, er = _eyes(r, cy)
    for side in (-1, 1):  # sockets
        img = _soft(img, (cx + side * ex - er * 2.6, ey - er * 2, cx + side * ex + er * 2.6, ey + er * 1.6),
                    dk(skin, 0.75), 0.8, er * 0.6, inside)
    d = ImageDraw.Draw(img)
    for side in (-1, 1):
        x = cx + side * ex
        d.ellipse((x - er * 1.8, ey - er * 0.9, x + er * 1.8, ey + er * 0.9), fill=(245, 240, 235))
        d.ellipse((x - er * 0.9, ey - er * 0.9, x + er * 0.9, ey + er * 0.9), fill=(80, 55, 35))
        d.ellipse((x - er * 0.45, ey - er * 0.45, x + er * 0.45, ey + er * 0.45), fill=(10, 10, 10))
        d.line((x - er * 2, ey - er * 2.2, x + er * 2, ey - er * 2.4), fill=dk(hair, 0.6), width=max(2, int(er * 0.7)))
    img = _soft(img, (cx - er * 1.2, ey + er * 1.5, cx + er * 1.2, cy + int(r * 0.45)), dk(skin, 0.8), 0.7, er * 0.5,
                inside)
    d = ImageDraw.Draw(img)
    d.ellipse((cx - er * 1.1, cy + int(r * 0.33), cx - er * 0.3, cy + int(r * 0.42)), fill=dk(skin, 0.5))
    d.ellipse((cx + er * 0.3, cy + int(r * 0.33), cx + er * 1.1, cy + int(r * 0.42)), fill=dk(skin, 0.5))
    my, mw = cy + int(r * 0.65), int(r * 0.32)
    d.chord((cx - mw, my - mw // 3, cx + mw, my + mw // 4), 180, 360, fill=(175, 85, 85))
    d.chord((cx - mw, my - mw // 3, cx + mw, my + mw // 2), 0, 180, fill=(190, 95, 95))
    d.line((cx - mw, my, cx + mw, my), fill=(100, 40, 45), width=2)
    return img


def sticker(lay: Layout, discount: float, sale: float, currency: str) -> Image.Image:
    """Promotion sticker: ``30% OFF`` / ``NOW $20.99`` / ``tap the cart``."""
    w = int(min(lay.W, lay.H) * 0.42)
    h = int(w * 0.62)
    img = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    d.rounded_rectangle((0, 0, w - 1, h - 1), h // 6, fill=(255, 214, 0, 235), outline=(200, 20, 60), width=6)
    sym = "$" if currency == "USD" else currency + " "
    fit_text(d, f"{round(discount * 100)}% OFF", (10, 8, w - 10, int(h * 0.45)), True, h // 2, (200, 20, 60))
    fit_text(d, f"NOW {sym}{sale:.2f}", (10, int(h * 0.45), w - 10, int(h * 0.75)), True, h // 3, (30, 30, 30))
    fit_text(d, "tap the cart below", (10, int(h * 0.75), w - 10, h - 8), False, h // 6, (30, 30, 30))
    return img
