"""The product catalog: a JSON list of products (or ``{"products": [...]}``), validated.

Errors (:class:`~livehighlights.errors.InputError`) name the file, the product's index and id, and
the field. Recoverable problems (a discount given in percent, a missing image file) are warnings.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputError, Warning_, Where
from ..models import Product
from .adapters import read_text


@dataclass
class Catalog:
    """Products by id, and the warnings found while loading them."""

    path: Path | None
    products: dict[str, Product]
    warnings: list[Warning_] = field(default_factory=list)

    def get(self, product_id: str | None) -> Product | None:
        """The product with ``product_id``, or ``None``."""
        return None if product_id is None else self.products.get(product_id)

    def __contains__(self, product_id: object) -> bool:
        return product_id in self.products

    def __len__(self) -> int:
        return len(self.products)

    @property
    def currency(self) -> str | None:
        """The catalog's currency: the one most products give (``None`` if none does)."""
        counts = Counter(p.currency for p in self.products.values() if p.currency)
        return counts.most_common(1)[0][0] if counts else None


def _is_url(s: str) -> bool:
    return "://" in s[:12] or s.startswith("data:")


class _ProductReader:
    """Validates one product entry; raises InputError naming the product and field."""

    def __init__(self, path: Path, index: int, entry: Any, warnings: list[Warning_]) -> None:
        self.path, self.index, self.entry, self.warnings = path, index, entry, warnings
        self.pid: str | None = None

    def where(self, fld: str | None) -> Where:
        label = f"products[{self.index}]" + (f" (id {self.pid!r})" if self.pid else "")
        return Where(self.path, None, f"{label}.{fld}" if fld else label)

    def fail(self, fld: str | None, message: str) -> InputError:
        return InputError(message, self.where(fld))

    def text(self, key: str, required: bool = False) -> str | None:
        val = self.entry.get(key)
        if val is None or (isinstance(val, str) and not val.strip()):
            if required:
                raise self.fail(key, f"missing '{key}'")
            return None
        if isinstance(val, bool) or not isinstance(val, (str, int)):
            raise self.fail(key, f"'{key}' must be a string, got {type(val).__name__}")
        return str(val).strip()

    def number(self, key: str) -> float | None:
        val = self.entry.get(key)
        if val is None or val == "":
            return None
        num: float | None = None
        if isinstance(val, (int, float)) and not isinstance(val, bool):
            num = float(val)
        elif isinstance(val, str):
            try:
                num = float(val.strip().lstrip("$"))
            except ValueError:
                num = None
        if num is None or not math.isfinite(num):
            raise self.fail(key, f"'{key}' must be a number, got {val!r}")
        if num < 0:
            raise self.fail(key, f"'{key}' must not be negative, got {val!r}")
        return num

    def strings(self, key: str) -> list[str]:
        val = self.entry.get(key)
        if val is None:
            return []
        if isinstance(val, str):
            val = [val]
        if not isinstance(val, list):
            raise self.fail(key, f"'{key}' must be a list of strings, got {type(val).__name__}")
        for i, item in enumerate(val):
            if not isinstance(item, str):
                raise self.fail(f"{key}[{i}]", f"'{key}' must be a list of strings, got {item!r}")
        return [s.strip() for s in val if s.strip()]

    def discount(self) -> float | None:
        val = self.number("discount")
        if val is None or val < 1:
            return val
        if val < 100:
            self.warnings.append(Warning_(f"discount {val:g} read as percent ({val / 100:g} off)",
                                          self.where("discount")))
            return val / 100
        raise self.fail("discount", f"'discount' must be a fraction in [0, 1) (or a percent below 100), got {val:g}")

    def images(self) -> list[str]:
        out: list[str] = []
        for i, img in enumerate(self.strings("images")):
            if _is_url(img):
                self.warnings.append(Warning_(f"image {img} is a URL: nothing is downloaded at run time, so the "
                                              "product is not looked for by this picture (give a local copy)",
                                              self.where(f"images[{i}]")))
                out.append(img)
                continue
            p = Path(img).expanduser()
            if not p.is_absolute():
                p = self.path.parent / p
            if not p.is_file():
                self.warnings.append(Warning_(f"image not found: {p}", self.where(f"images[{i}]")))
            elif (why := _unreadable_picture(p)) is not None:
                self.warnings.append(Warning_(f"image {p} cannot be read as a picture ({why}): the product is "
                                              "not looked for by it", self.where(f"images[{i}]")))
            out.append(str(p))
        return out

    def product(self) -> Product:
        if not isinstance(self.entry, dict):
            raise self.fail(None, f"a product must be a JSON object, got {type(self.entry).__name__}")
        self.pid = self.text("id", required=True)
        return Product(
            id=self.pid or "",
            title=self.text("title", required=True) or "",
            brand=self.text("brand"),
            price=self.number("price"),
            currency=(self.text("currency") or "").upper() or None,
            discount=self.discount(),
            selling_points=self.strings("selling_points"),
            images=self.images(),
            cost=self.number("cost"),
        )


def load_catalog(path: str | Path) -> Catalog:
    """Read and validate a catalog file. Raises :class:`InputError` naming the file, product and field."""
    path = Path(path)
    text = read_text(path, "a catalog (JSON)")
    if not text.strip():
        raise InputError("empty catalog: expected a JSON list of products", Where(path))
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as err:
        raise InputError(f"not valid JSON ({err.msg} at column {err.colno})", Where(path, err.lineno)) from None
    if isinstance(doc, dict) and "products" in doc:
        doc = doc["products"]
    if not isinstance(doc, list):
        raise InputError("expected a JSON list of products (or {\"products\": [...]})", Where(path))
    warnings: list[Warning_] = []
    products: dict[str, Product] = {}
    for i, entry in enumerate(doc):
        reader = _ProductReader(path, i, entry, warnings)
        prod = reader.product()
        if prod.id in products:
            raise reader.fail("id", f"duplicate product id {prod.id!r}")
        products[prod.id] = prod
    if not products:
        raise InputError("no products in the catalog", Where(path))
    return Catalog(path=path, products=products, warnings=warnings)


def _unreadable_picture(path: Path) -> str | None:
    """Why ``path`` is not a picture we can decode (corrupt, truncated, not an image), or ``None``."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as im:
            im.load()  # decodes the pixels: a truncated file fails here, not only a wrong header
    except UnidentifiedImageError:
        return "not an image file"
    except (OSError, ValueError, SyntaxError) as err:
        return str(err).splitlines()[0] if str(err) else type(err).__name__
    return None
