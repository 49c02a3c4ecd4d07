"""What the remix's stickers say: what the LIVE's own picture does not already say.

The LIVE's on-screen text (read by :func:`livehighlights.vision.screen_text.find_screen_text`) tells which
of our stickers would repeat it (:func:`repeated`): the price when the LIVE shows an amount, the discount
when it shows a percentage off, the promotion ("LIMITED OFFER") when it already shows an offer or a time
limit, the call to action when it says "tap the cart"; the brand and the title when its own marks (a
studio overlay, not the product's packaging) carry them. Those stickers are left out and the sidecar says
which text they would have repeated. What a LIVE rarely shows is kept: the brand, the call to action and
the selling point being spoken (:func:`spoken_points`: each selling point the host states, from the
moment it is said).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz

from ..models import Product
from ..text.normalize import normalise
from ..timebase import Ms
from .layout import Box, overlap

__all__ = ["SpokenPoint", "repeated", "spoken_points"]

BRAND_MATCH = 88
"""rapidfuzz ``partial_ratio`` (0-100) from which a line of the LIVE's marks names the brand or title."""


@dataclass(frozen=True)
class SpokenPoint:
    """A selling point and when the host says it (``start_ms``; ``None``: from the catalog, not heard)."""

    text: str
    start_ms: Ms | None


def repeated(screen: Any, product: Product | None, marks: Sequence[Box]) -> dict[str, str]:
    """Sticker kind -> the LIVE's own text it would repeat (``screen``: a ``ScreenTextResult`` or ``None``;
    ``marks``: boxes of the LIVE's still overlays in the same pixels as the screen text)."""
    if screen is None or getattr(screen, "status", None) != "ok":
        return {}
    out: dict[str, str] = {}
    cues = list(screen.cues)
    by_kind: dict[str, list[str]] = {}
    for c in cues:
        by_kind.setdefault(c.kind, []).append(c.text)
        if c.kind == "price_offer" and c.unit == "%" and c.value:
            out.setdefault("discount", c.text)
        elif c.kind == "price_offer" and c.unit != "%" and c.value:
            out.setdefault("price", c.text)
    offer = by_kind.get("limited_time") or by_kind.get("price_offer")
    if offer:
        out["promo"] = offer[0]
    if by_kind.get("tap_cart"):
        out["cta"] = by_kind["tap_cart"][0]
    if product is not None:
        in_marks = [i.text for i in screen.items if any(overlap(tuple(i.box), m) for m in marks)]
        for kind, name in (("brand", product.brand), ("title", product.title)):
            if not name:
                continue
            key = normalise(name)
            hit = next((t for t in in_marks if fuzz.partial_ratio(key, normalise(t)) >= BRAND_MATCH
                        and len(normalise(t)) >= min(len(key), 4)), None)
            if hit:
                out[kind] = hit
    return out


def spoken_points(product: Product | None, transcript: Any, limit: int = 4) -> list[SpokenPoint]:
    """The product's selling points the host states in ``transcript`` (fuzzy match on its sentences), in
    the order said, at most ``limit``; none stated: the catalog's first point, shown from the start."""
    if product is None or not product.selling_points:
        return []
    if transcript is not None and transcript.sentences:
        from ..text.selling_points import MatchOptions, match_selling_points

        found = match_selling_points(transcript, product.selling_points, options=MatchOptions(embedder=None))
        words = transcript.words
        said = sorted((_said_at(m.point, words, m.start_ms), m.point) for m in found
                      if m.stated and m.start_ms is not None)
        if said:
            return [SpokenPoint(p, t) for t, p in said[:limit]]
    return [SpokenPoint(product.selling_points[0], None)]


def _said_at(point: str, words: Sequence[Any], fallback: Ms) -> Ms:
    """When the words of ``point`` start in ``words`` (the best fuzzy run of as many words), else ``fallback``
    (a sentence may hold several points: its start is not when each is said)."""
    key = normalise(point)
    n = max(1, len(key.split()))
    norms = [normalise(w.text) for w in words]
    best, at = 0.0, fallback
    for i in range(0, max(0, len(words) - n) + 1):
        score = fuzz.ratio(" ".join(norms[i:i + n]), key)
        if score > best:
            best, at = score, words[i].start_ms
    return at if best >= 70 else fallback
