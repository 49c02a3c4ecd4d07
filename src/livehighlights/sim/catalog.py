"""The generated catalog: products (pure, seeded) and their reference pictures."""

from __future__ import annotations

import colorsys
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..models import Product
from .drawing import PATTERNS, ProductLook, reference_picture
from .texts import BRANDS, PRODUCT_TEMPLATES


@dataclass
class SimProduct:
    """A catalog product plus how it is drawn and its category."""

    product: Product
    look: ProductLook
    category: str


def _color(hue: float, sat: float, val: float) -> tuple[int, int, int]:
    r, g, b = colorsys.hsv_to_rgb(hue % 1.0, sat, val)
    return (round(r * 255), round(g * 255), round(b * 255))


def make_products(rng: np.random.Generator, n: int) -> list[SimProduct]:
    """``n`` distinct products: different templates, brands, hues and patterns."""
    n = min(n, len(PRODUCT_TEMPLATES))
    # prefer distinct shapes first, then allow repeats of a shape with another title
    order = list(rng.permutation(len(PRODUCT_TEMPLATES)))
    picked: list[int] = []
    shapes: set[str] = set()
    for i in order:
        if PRODUCT_TEMPLATES[i][1] not in shapes:
            picked.append(int(i))
            shapes.add(PRODUCT_TEMPLATES[i][1])
    picked += [int(i) for i in order if int(i) not in picked]
    picked = picked[:n]
    brands = [BRANDS[int(i)] for i in rng.permutation(len(BRANDS))[:n]]
    patterns = [PATTERNS[int(i) % len(PATTERNS)] for i in rng.permutation(max(n, len(PATTERNS)))[:n]]
    hue0 = rng.random()
    out: list[SimProduct] = []
    for k, (ti, brand, pattern) in enumerate(zip(picked, brands, patterns, strict=True)):
        category, shape, title, (lo, hi), cost_ratio, points = PRODUCT_TEMPLATES[ti]
        hue = hue0 + k / n + rng.uniform(-0.03, 0.03)
        color = _color(hue, rng.uniform(0.65, 0.95), rng.uniform(0.7, 0.95))
        accent = _color(hue + 0.5 + rng.uniform(-0.08, 0.08), rng.uniform(0.5, 0.9), rng.uniform(0.85, 1.0))
        price = float(np.floor(rng.uniform(lo, hi))) + 0.99
        discount = float(rng.choice([0.1, 0.15, 0.2, 0.25, 0.3, 0.4]))
        cost = round(price * cost_ratio * rng.uniform(0.85, 1.15), 2)
        k_points = int(rng.integers(3, min(5, len(points)) + 1))
        sel = [points[int(i)] for i in sorted(rng.permutation(len(points))[:k_points])]
        pid = f"p{k + 1:02d}"
        product = Product(id=pid, title=f"{brand} {title}", brand=brand, price=round(price, 2), currency="USD",
                          discount=discount, selling_points=sel, images=[f"images/{pid}.png"], cost=cost)
        look = ProductLook(shape=shape, color=color, accent=accent, pattern=pattern, brand=brand, title=title,
                           seed=int(rng.integers(0, 2**31)))
        out.append(SimProduct(product=product, look=look, category=category))
    return out


def sale_price(p: Product) -> float:
    """The discounted unit price, rounded to cents."""
    return round((p.price or 0.0) * (1.0 - (p.discount or 0.0)) + 1e-9, 2)


def write_catalog(products: list[SimProduct], out_dir: Path, images: bool = True) -> Path:
    """Write ``catalog.json`` (and, if ``images``, ``images/pNN.png``) into ``out_dir``."""
    path = out_dir / "catalog.json"
    if images:
        (out_dir / "images").mkdir(parents=True, exist_ok=True)
        for sp in products:
            reference_picture(sp.look).save(out_dir / sp.product.images[0])
    rows = [sp.product.to_json() | {"category": sp.category} for sp in products]
    path.write_text(json.dumps(rows, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path
