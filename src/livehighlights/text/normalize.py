"""Text normalisation for matching speech against catalog text.

Lower case (casefold), accents kept (they carry meaning in Spanish) but Unicode-normalised (NFKC),
punctuation dropped except inside numbers, ``%`` spelled ``percent``, and English number words up to
the hundreds turned into digits ("twenty four hours" -> "24 hours"), since Whisper writes numbers
either way.
"""

from __future__ import annotations

import re
import unicodedata

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
         "ninety": 90}
_PUNCT = re.compile(r"[^\w\s%.$€£¥]|(?<!\d)[.]|[.](?!\d)")
_SPACES = re.compile(r"\s+")


def normalise(text: str) -> str:
    """``text`` normalised for fuzzy matching (see the module docs)."""
    t = unicodedata.normalize("NFKC", text).casefold().replace("-", " ")
    t = t.replace("%", " percent ")
    t = _PUNCT.sub(" ", t)
    t = _SPACES.sub(" ", t).strip()
    return words_to_digits(t)


def words_to_digits(text: str) -> str:
    """Replace runs of English number words by digits: "one hundred and twenty five" -> "125"."""
    out: list[str] = []
    value: int | None = None
    pending_and = False
    for tok in text.split(" "):
        num = _UNITS.get(tok, _TENS.get(tok))
        if tok == "hundred" and value is not None and value < 100:
            value *= 100
            continue
        if tok == "and" and value is not None and value >= 100:
            pending_and = True
            continue
        if num is not None and (value is None or (value % 100 == 0 and value >= 100)
                                or (value % 10 == 0 and value >= 20 and num < 10 and value % 100 != 0)):
            value = num if value is None else value + num
            pending_and = False
            continue
        if value is not None:
            out.append(str(value))
            if pending_and:
                out.append("and")
            value, pending_and = None, False
        if num is not None:
            value = num
            continue
        out.append(tok)
    if value is not None:
        out.append(str(value))
        if pending_and:
            out.append("and")
    return " ".join(t for t in out if t)
