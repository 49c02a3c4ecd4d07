"""The catalog's own words in a transcript: hints for the recogniser and correction of its near misses.

A small speech model does not know a LIVE's brand ("Belvo") or its product words ("reef-friendly") and
writes the nearest words it knows ("the bell", "Refriendly"). Two remedies:

* :func:`hints`: the catalog's terms as faster-whisper ``hotwords``, so the model is primed with their
  spelling (not as the ``initial_prompt``: Whisper takes a prompt for what was already said and skips
  speech that repeats it, and a prompt of names sends tiny models into loops); :func:`degenerate` tells a
  transcript caught in such a loop, which is then made again without hints;
* :func:`correct_words`: after recognition, runs of 1-4 words that nearly match a catalog term (rapidfuzz
  ``ratio`` on normalised text, spaces ignored, so "re friendly" matches "reef-friendly") are replaced by the
  term as the catalog spells it, keeping the words' times. A single word is only corrected to a
  distinctive term (a brand, or a term of :data:`MIN_SINGLE` letters or more) and never to a term of
  another length class, so "dream" is not turned into "cream".

:func:`word_error_rate` measures the result against a reference script.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any, Protocol

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from .normalize import normalise

__all__ = ["MIN_PHRASE_SCORE", "MIN_WORD_SCORE", "SHOPPING_PHRASES", "Correction", "correct_words", "degenerate",
           "hints", "word_error_rate"]

MIN_PHRASE_SCORE = 84.0
"""rapidfuzz ratio (0-100, spaces ignored) from which a run of words is taken for a multi-word term."""
MIN_WORD_SCORE = 80.0
"""... and from which a single word is taken for a one-word term (a brand)."""
MIN_SINGLE = 5
"""A one-word term shorter than this is only corrected to when it is a brand."""
MAX_HOTWORDS = 40
"""At most this many terms go to the recogniser as hot words (its prompt is short)."""
_PUNCT_TAIL = re.compile(r"[^\w%$€£¥]+$")
_MONEY = re.compile(r"[$€£]\s?(\d+)(?:[.,](\d\d))?\b")
SHOPPING_PHRASES: dict[str, tuple[str, ...]] = {
    "en": ("tap the cart", "add to cart", "link below", "limited stock"),
    "es": ("toca el carrito", "agrega al carrito", "enlace abajo"),
    "id": ("keranjang kuning", "klik keranjang", "stok terbatas"),
}
"""What hosts say in every LIVE of a language (the call to action), added after the catalog's terms."""


class WordLike(Protocol):
    start_ms: int
    end_ms: int
    text: str
    probability: float


@dataclass(frozen=True)
class Correction:
    """A run of recognised words replaced by a catalog term."""

    start_ms: int
    end_ms: int
    heard: str
    corrected: str
    score: float

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class _Term:
    text: str
    words: tuple[str, ...]
    key: str
    """Normalised, spaces removed."""
    brand: bool


def _terms(vocabulary: Sequence[str], brands: Iterable[str] = ()) -> list[_Term]:
    brand_set = {normalise(b) for b in brands if b}
    out: dict[str, _Term] = {}
    for phrase in vocabulary:
        text = " ".join(phrase.split())
        norm = normalise(text)
        if not norm:
            continue
        key = norm.replace(" ", "")
        out.setdefault(key, _Term(text, tuple(text.split(" ")), key, norm in brand_set))
    return list(out.values())


def hints(vocabulary: Sequence[str]) -> str | None:
    """faster-whisper ``hotwords`` from the catalog's terms (most important first), joined by commas."""
    terms = [" ".join(t.split()) for t in vocabulary if t and t.strip()][:MAX_HOTWORDS]
    return ", ".join(terms) if terms else None


def degenerate(words: Sequence[str], repeats: int = 4) -> bool:
    """Whether a run of the same word (or two-word phrase) comes ``repeats`` times in a row: a decoder loop."""
    norm = [normalise(w) for w in words]
    for n in (1, 2):
        run = 1
        for i in range(n, len(norm) - n + 1, n):
            if norm[i:i + n] == norm[i - n:i] and norm[i]:
                run += 1
                if run >= repeats:
                    return True
            else:
                run = 1
    return False


def correct_words(words: list[WordLike], vocabulary: Sequence[str], brands: Iterable[str] = (),
                  make: Any = None) -> tuple[list[Any], list[Correction]]:
    """``words`` with near misses of ``vocabulary`` terms replaced (see the module docs), and the corrections.

    ``brands``: the terms that are brand names (a short brand is still corrected to). ``make(start_ms,
    end_ms, text, probability)`` builds a word (default: the words' own class)."""
    terms = _terms(vocabulary, brands)
    if not words or not terms:
        return list(words), []
    build = make or type(words[0])
    norms = [normalise(w.text) for w in words]
    found: list[tuple[float, int, int, _Term]] = []

    def score_of(i: int, k: int, t: _Term) -> float:
        heard = "".join(norms[i:i + k]).replace(" ", "")
        if not heard or abs(len(heard) - len(t.key)) > max(2, len(t.key) // 3):
            return 0.0
        return 100.0 if heard == t.key else fuzz.ratio(heard, t.key)

    for t in terms:
        n = len(t.words)
        single = n == 1
        if single and not t.brand and len(t.key) < MIN_SINGLE:
            continue
        for k in sorted({max(1, n - 1), n, n + 1}):
            if single and k != 1:
                continue
            for i in range(0, len(words) - k + 1):
                score = score_of(i, k, t)
                if score < (MIN_WORD_SCORE if single else MIN_PHRASE_SCORE):
                    continue
                # every word of the run must belong to the term: a run one word shorter at either end
                # that matches as well means that word is not part of it (it would be lost)
                if k > 1 and max(score_of(i + 1, k - 1, t), score_of(i, k - 1, t)) >= score:
                    continue
                found.append((score, i, k, t))
    # the best first (a term said right is the best of all: it keeps its words and blocks the shorter or
    # longer runs around it); a word belongs to one run only
    found.sort(key=lambda f: (-f[0], -len(f[3].key), abs(f[2] - len(f[3].words))))
    taken = [False] * len(words)
    chosen: list[tuple[int, int, _Term, float]] = []
    for score, i, k, t in found:
        if any(taken[i:i + k]):
            continue
        for j in range(i, i + k):
            taken[j] = True
        if score < 100.0:
            chosen.append((i, k, t, score))
    if not chosen:
        return list(words), []
    out: list[Any] = []
    fixes: list[Correction] = []
    starts = {i: (k, t, s) for i, k, t, s in chosen}
    i = 0
    while i < len(words):
        if i not in starts:
            out.append(words[i])
            i += 1
            continue
        k, t, score = starts[i]
        run = words[i:i + k]
        out.extend(_replace(run, t.words, build))
        fixes.append(Correction(run[0].start_ms, run[-1].end_ms, "".join(w.text for w in run).strip(), t.text,
                                round(score, 1)))
        i += k
    return out, fixes


def _replace(run: Sequence[WordLike], tokens: tuple[str, ...], build: Any) -> list[Any]:
    """``tokens`` in place of the words of ``run``: the first keeps the run's leading space, the last its
    trailing punctuation; times are shared out (extra tokens split the last word's time)."""
    lead = run[0].text[: len(run[0].text) - len(run[0].text.lstrip())]
    tail_m = _PUNCT_TAIL.search(run[-1].text.strip())
    tail = tail_m.group(0) if tail_m else ""
    prob = min(w.probability for w in run)
    m, k = len(tokens), len(run)
    spans: list[tuple[int, int]] = []
    if m <= k:
        spans = [(w.start_ms, w.end_ms) for w in run[: m - 1]] + [(run[m - 1].start_ms, run[-1].end_ms)]
    else:
        spans = [(w.start_ms, w.end_ms) for w in run[:-1]]
        a, b = run[-1].start_ms, run[-1].end_ms
        extra = m - k + 1
        step = (b - a) / extra
        spans += [(int(a + j * step), int(a + (j + 1) * step)) for j in range(extra)]
    out = []
    for j, (tok, (s, e)) in enumerate(zip(tokens, spans, strict=True)):
        text = (lead if j == 0 else " ") + tok + (tail if j == m - 1 else "")
        out.append(build(s, e, text, prob))
    return out


def _spoken_money(text: str) -> str:
    """``$62.99`` as a host says it: ``62 dollars 99`` (so a written and a spoken price compare equal)."""
    names = {"$": "dollars", "€": "euros", "£": "pounds"}

    def say(m: re.Match[str]) -> str:
        unit = names[m.group(0)[0]]
        return f"{m.group(1)} {unit}" + (f" {m.group(2)}" if m.group(2) and m.group(2) != "00" else "")

    return _MONEY.sub(say, text)


def word_error_rate(reference: str | Sequence[str], hypothesis: str | Sequence[str]) -> float:
    """Word error rate (substitutions + deletions + insertions over the reference's words) of normalised
    texts (:func:`~.normalize.normalise`: case, punctuation and number words do not count, and a written
    price counts as said: ``$62.99`` is ``62 dollars 99``)."""
    ref = normalise(_spoken_money(reference if isinstance(reference, str) else " ".join(reference))).split()
    hyp = normalise(_spoken_money(hypothesis if isinstance(hypothesis, str) else " ".join(hypothesis))).split()
    if not ref:
        return 0.0 if not hyp else 1.0
    return Levenshtein.distance(ref, hyp) / len(ref)
