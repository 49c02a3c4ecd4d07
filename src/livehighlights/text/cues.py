"""Merchant action cues in speech: "tap the cart", time-limited offers, prices, pointing/demonstration.

The cues are data: :data:`CUE_PATTERNS` maps a language to a kind to regular expressions (matched
case-insensitively on the spoken text), so a language or a phrase is added by extending the dict
(or with :func:`add_cue_patterns`). The ``"*"`` entry holds language-independent patterns (prices
with a currency sign, countdowns "3, 2, 1"). Kinds: :data:`CUE_KINDS`.

A cue's times are those of the words the match covers when the sentence has word times (a
:class:`~livehighlights.media.speech.Sentence`), else the sentence's.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from functools import lru_cache
from typing import Any

from ..timebase import Ms

CUE_KINDS = ("tap_cart", "limited_time", "price_offer", "pointing")
BUYING_CUES = ("tap_cart", "limited_time", "price_offer")
"""The cue kinds that ask the viewer to buy (``pointing`` shows the product but asks nothing)."""

CUE_PATTERNS: dict[str, dict[str, list[str]]] = {
    "*": {
        "limited_time": [r"\b(?:3|three|tres|tiga)[\s,.!…-]+(?:2|two|dos|dua)[\s,.!…-]+(?:1|one|uno|satu)\b"],
        "price_offer": [r"[$€£¥₱₫]\s?\d+(?:[.,]\d+)*", r"\b\d+(?:[.,]\d+)*\s?(?:usd|eur|gbp|idr|mxn)\b"],
    },
    "en": {
        "tap_cart": [
            r"\b(?:tap|click|hit|press|check)\s+(?:on\s+)?(?:the\s+)?(?:little\s+)?(?:yellow\s+|orange\s+|shopping\s+)?"
            r"(?:cart|card|basket|bag|link|button)\b",  # "card": how Whisper often hears "cart"
            r"\blinks?\s+(?:below|down\s+below|in\s+(?:my\s+|the\s+)?bio)\b",
            r"\badd\s+(?:it\s+|them\s+|this\s+)?to\s+(?:your\s+)?(?:cart|basket|bag)\b",
            r"\bshop\s+now\b", r"\b(?:buy|order|grab|get)\s+(?:it|yours|one|them|this)\s+now\b",
            r"\bcheck\s*out\s+now\b",
        ],
        "limited_time": [
            r"\b(?:only\s+today|today\s+only|just\s+for\s+today)\b",
            r"\b(?:ends?|ending|over)\s+(?:tonight|today|at\s+midnight|soon|in\s+\w+\s+minutes?)\b",
            r"\blast\s+chance\b", r"\blimited\s+(?:stock|time|offer|edition|quantit(?:y|ies))\b",
            r"\bflash\s+sale\b", r"\bonly\s+\w+\s+(?:left|pieces?\s+left|in\s+stock)\b",
            r"\bwhile\s+(?:stocks?|supplies)\s+last\b", r"\bhurry(?:\s+up)?\b", r"\bnext\s+\w+\s+minutes\b",
        ],
        "price_offer": [
            r"\b\d+\s?(?:%|percent)\s+off\b", r"\b(?:\w+\s+)?percent\s+off\b", r"\bhalf\s+(?:the\s+)?price\b",
            r"\bbuy\s+(?:one|1)\s+get\s+(?:one|1)(?:\s+free)?\b", r"\bbogo\b", r"\bfree\s+shipping\b",
            r"\b\d[\d,.]*\s+(?:dollars|bucks)\b", r"\bdiscount(?:ed)?\b", r"\b(?:coupon|voucher|promo\s+code)\b",
            r"\bsave\s+\$?\d+", r"\bfor\s+only\b",
        ],
        "pointing": [
            r"\blook\s+at\s+(?:this|that|these|how)\b", r"\blet\s+me\s+show\s+you\b", r"\bwatch\s+this\b",
            r"\btry(?:ing)?\s+(?:it|this|them)\s+on\b", r"\bas\s+you\s+can\s+see\b", r"\bcheck\s+(?:this|it)\s+out\b",
            r"\bsee\s+how\b", r"\bi(?:'m|\s+am)\s+(?:wearing|using|holding)\b", r"\bright\s+here\b",
        ],
    },
    "es": {
        "tap_cart": [
            r"\b(?:toca|toquen|pulsa|pulsen|dale|denle|haz\s+clic|hagan\s+clic|da\s+clic)\s+(?:en\s+)?(?:el\s+)?"
            r"(?:carrito|enlace|link|bot[oó]n)\b",
            r"\b(?:agr[eé]ga(?:lo|la|los)?|a[nñ]ád(?:elo|ela|e)?)\s+al\s+carrito\b", r"\bcarrito\s+amarillo\b",
            r"\b(?:enlace|link)\s+(?:abajo|en\s+la\s+bio)\b", r"\bc[oó]mpr(?:alo|ala|a|en)\s+ahora\b",
        ],
        "limited_time": [
            r"\bs[oó]lo\s+(?:por\s+)?hoy\b", r"\bhoy\s+solamente\b", r"\b[uú]ltima\s+oportunidad\b",
            r"\btermina(?:n)?\s+(?:esta\s+noche|hoy|pronto)\b", r"\boferta\s+rel[aá]mpago\b",
            r"\b(?:stock|existencias)\s+limitad[oa]s?\b", r"\b[uú]ltimas\s+unidades\b",
            r"\bpor\s+tiempo\s+limitado\b", r"\b(?:ap[uú]rate|ap[uú]rense|date\s+prisa|corre|corran)\b",
        ],
        "price_offer": [
            r"\b\d+\s?(?:%|por\s+ciento)\s+de\s+descuento\b", r"\b\w+\s+por\s+ciento\s+de\s+descuento\b",
            r"\bmitad\s+de\s+precio\b", r"\b(?:2x1|dos\s+por\s+uno)\b", r"\bcompra\s+uno\s+y\s+ll[eé]vate\s+otro\b",
            r"\benv[ií]o\s+gratis\b", r"\bdescuento\b", r"\bcup[oó]n\b",
        ],
        "pointing": [
            r"\bmir(?:a|en|ad)\s+(?:esto|esta|este|c[oó]mo)\b", r"\b(?:les|te)\s+(?:muestro|enseño)\b",
            r"\bd[eé]jame\s+(?:mostrarte|enseñarte)\b", r"\bpru[eé]b(?:alo|ala|enlo)\b",
            r"\bme\s+lo\s+pruebo\b", r"\bcomo\s+(?:pueden|puedes)\s+ver\b",
        ],
    },
    "id": {
        "tap_cart": [
            r"\b(?:klik|cek|pencet|tekan)\s+(?:di\s+)?(?:keranjang|link|tombol)\b", r"\bkeranjang\s+kuning\b",
            r"\bmasukkan\s+(?:ke\s+)?keranjang\b", r"\b(?:checkout|check\s+out|co)\s+sekarang\b",
            r"\bbeli\s+sekarang\b",
        ],
        "limited_time": [
            r"\b(?:hari\s+ini\s+saja|hanya\s+hari\s+ini|cuma\s+hari\s+ini)\b", r"\bkesempatan\s+terakhir\b",
            r"\bstok\s+terbatas\b", r"\bwaktu\s+terbatas\b", r"\bbu+ruan\b", r"\bsampai\s+(?:jam|nanti\s+malam)\b",
            r"\btinggal\s+\w+\s+(?:lagi|pcs|stok)\b",
        ],
        "price_offer": [
            r"\bdiskon\s+(?:\d+\s?(?:%|persen)|\w+(?:\s+\w+)?\s+persen)\b", r"\bdiskon\b",
            r"\bbeli\s+(?:satu|1)\s+gratis\s+(?:satu|1)\b", r"\bsetengah\s+harga\b", r"\bgratis\s+ongkir\b",
            r"\brp\.?\s?\d+(?:[.,]\d+)*", r"\bpotongan\s+harga\b", r"\bvoucher\b",
        ],
        "pointing": [
            r"\b(?:lihat|liat)\s+(?:ini|deh|nih)\b", r"\bcoba\s+(?:lihat|liat|pakai)\b",
            r"\b(?:saya|aku)\s+(?:tunjukkan|tunjukin|kasih\s+lihat)\b", r"\bkayak\s+gini\b",
        ],
    },
}
"""language -> kind -> regular expressions. ``"*"``: every language."""


@dataclass(slots=True)
class Cue:
    """One cue: its kind, the words that matched, and when (``None`` when the input had no times)."""

    kind: str
    text: str
    start_ms: Ms | None
    end_ms: Ms | None
    language: str
    sentence: str

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def add_cue_patterns(language: str, kind: str, patterns: Iterable[str]) -> None:
    """Add regular expressions for ``kind`` in ``language`` (a new kind or language is fine)."""
    CUE_PATTERNS.setdefault(language, {}).setdefault(kind, []).extend(patterns)
    _compiled.cache_clear()


@lru_cache(maxsize=64)
def _compiled(languages: tuple[str, ...]) -> list[tuple[str, str, re.Pattern[str]]]:
    out: list[tuple[str, str, re.Pattern[str]]] = []
    for lang in languages:
        for kind, pats in CUE_PATTERNS.get(lang, {}).items():
            out.extend((lang, kind, re.compile(p, re.IGNORECASE)) for p in pats)
    return out


def find_action_cues(sentences: str | Sequence[Any], *, languages: Sequence[str] | None = None) -> list[Cue]:
    """The action cues in ``sentences`` (strings, objects with ``text``/``start_ms``/``end_ms`` and
    optionally ``words``, or a ``Transcript``), in time order, at most one per kind and sentence
    position. ``languages``: the pattern sets to use (default: all of them)."""
    langs = tuple(languages) if languages is not None else tuple(CUE_PATTERNS)
    if "*" not in langs:
        langs = ("*", *langs)
    patterns = _compiled(langs)
    if isinstance(sentences, str):
        sentences = [sentences]
    elif hasattr(sentences, "sentences"):
        sentences = sentences.sentences  # a Transcript
    found: list[tuple[int, int, Cue]] = []
    for index, item in enumerate(sentences):
        text, pieces = _text_and_pieces(item)
        if not text.strip():
            continue
        taken: list[tuple[str, int, int]] = []
        for lang, kind, rx in patterns:
            for m in rx.finditer(text):
                if any(k == kind and m.start() < e and s < m.end() for k, s, e in taken):
                    continue  # one cue per kind for overlapping matches
                taken.append((kind, m.start(), m.end()))
                start, end = _times(item, pieces, m.start(), m.end())
                found.append((index, m.start(), Cue(kind, m.group(0).strip(), start, end, lang, text.strip())))
    found.sort(key=lambda f: (f[0], f[1]))
    return [c for _, _, c in found]


def _text_and_pieces(item: Any) -> tuple[str, list[tuple[int, int, Any]]]:
    """The text to match and, when the item has words, each word's (start char, end char, word)."""
    if isinstance(item, str):
        return item, []
    words = getattr(item, "words", None) or []
    if not words:
        return getattr(item, "text", "") or "", []
    pieces: list[tuple[int, int, Any]] = []
    parts: list[str] = []
    pos = 0
    for w in words:
        parts.append(w.text)
        pieces.append((pos, pos + len(w.text), w))
        pos += len(w.text)
    return "".join(parts), pieces


def _times(item: Any, pieces: list[tuple[int, int, Any]], a: int, b: int) -> tuple[Ms | None, Ms | None]:
    covered = [w for s, e, w in pieces if s < b and a < e and w.text[max(0, a - s): b - s].strip()]
    if covered:
        return covered[0].start_ms, covered[-1].end_ms
    return getattr(item, "start_ms", None), getattr(item, "end_ms", None)
