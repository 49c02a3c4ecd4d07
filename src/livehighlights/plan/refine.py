"""Refine a planned window with what was understood of it: sentence boundaries and product visibility.

The clip starts at a sentence start, at most 1 s before the product becomes visible (the seed: the
product appears within 1 s of the start), and ends at a sentence end; it stays 5 to 60 s long,
aiming at 15 to 40 s, and never cuts a word in half.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Protocol

from ..timebase import Ms, s_to_ms
from .options import PlanOptions
from .windows import ClipWindow

PAD_MS = 200
"""Silence kept before the first word and after the last one (less where the next word is closer)."""
MAX_SHIFT_MS = 8000
"""How far a boundary may move from the planned one."""
SHORT_PER_S = 0.1
"""Value lost per second a stretch is shorter than 15 s."""
LONG_PER_S = 0.5
"""Value lost per second a stretch is longer than 40 s (the seed: under 40 s works best): one more selling
point (worth 2) is taken at the cost of at most 4 s past 40."""


class TimedWord(Protocol):
    start_ms: Ms
    end_ms: Ms


class TimedSentence(Protocol):
    start_ms: Ms
    end_ms: Ms
    words: Sequence[TimedWord]


Value = Callable[[Ms, Ms], float]
"""Content value of the sentence-bounded stretch ``[start, end)``: selling points stated, a call to
action, the product on screen at the start. Higher is better."""


def refine_window(win: ClipWindow, sentences: Sequence[TimedSentence], first_visible_ms: Ms | None,
                  duration_ms: Ms, opts: PlanOptions, value: Value | None = None, *,
                  keep: Callable[[Ms, Ms], bool] | None = None,
                  on_product: Callable[[TimedSentence], bool] | None = None) -> ClipWindow:
    """Move the window's boundaries onto sentence boundaries (see the module docs).

    With ``value``, every sentence-bounded stretch of 5 to 60 s among ``sentences`` is weighed (a second
    outside 15 to 40 s costs a little) and the most valuable one taken (ties go to the one nearest the
    planned window): a long pitch then keeps the part where the product is on screen at once, the host
    states the selling points and calls to buy. ``keep`` (what a stretch must hold, e.g. one of the selling
    points the pitch states) and ``on_product`` (the sentences about the product: a stretch ends on one, not on
    the next topic) are requirements, waived only when no stretch within the length limits meets them (said in
    the notes).
    """
    sentences = [s for s in sentences if s.end_ms > s.start_ms]
    if not sentences:
        return replace(win, notes=[*win.notes, "no speech recognised: boundaries from audio pauses"])
    words = sorted((w for s in sentences for w in s.words), key=lambda w: w.start_ms)
    notes = list(win.notes)
    lo_len, hi_len = s_to_ms(opts.min_len_s), s_to_ms(opts.max_len_s)
    tmin, tmax = s_to_ms(opts.target_min_s), s_to_ms(opts.target_max_s)
    if value is not None:
        best, waived = _best_stretch(win, sentences, duration_ms, value, (tmin, tmax), (lo_len, hi_len), keep,
                                     on_product)
        if best is not None:
            a, b = best
            notes.append("the most telling stretch of the pitch, on sentence boundaries")
            notes += waived
            start = _pad_before(a, words)
            return replace(win, start_ms=max(0, start), end_ms=min(_pad_after(b, words, duration_ms), start + hi_len),
                           notes=notes)

    floor = win.start_ms - MAX_SHIFT_MS
    if first_visible_ms is not None:
        floor = max(floor, first_visible_ms - 1000)
    starts = [s.start_ms for s in sentences if floor <= s.start_ms <= win.start_ms + MAX_SHIFT_MS
              and s.start_ms + lo_len <= duration_ms]
    if starts:
        start_word = min(starts, key=lambda t: abs(t - win.start_ms))
        notes.append("starts on a sentence" + (" within 1 s of the product's appearance"
                                               if first_visible_ms is not None else ""))
    else:
        start_word = _word_boundary_at_or_after(words, max(win.start_ms, floor))
        notes.append("no sentence starts near the product's appearance: starts between words")
    start = _pad_before(start_word, words)

    ends = [s.end_ms for s in sentences if start + lo_len <= s.end_ms <= min(duration_ms, start + hi_len)]
    if ends:
        def cost(e: Ms) -> float:
            length = e - start
            off_target = max(0, tmin - length) + max(0, length - tmax)
            return abs(e - win.end_ms) + 4 * off_target

        end_word = min(ends, key=cost)
        notes.append("ends on a sentence")
    else:
        end_word = min(duration_ms, max(win.end_ms, start + lo_len), start + hi_len)
        end_word = _word_boundary_at_or_before(words, end_word, start + lo_len)
    end = _pad_after(end_word, words, duration_ms)
    end = min(end, start + hi_len)
    return replace(win, start_ms=max(0, start), end_ms=end, notes=notes)


def _best_stretch(win: ClipWindow, sentences: Sequence[TimedSentence], duration_ms: Ms, value: Value,
                  target: tuple[Ms, Ms], limits: tuple[Ms, Ms], keep: Callable[[Ms, Ms], bool] | None = None,
                  on_product: Callable[[TimedSentence], bool] | None = None,
                  ) -> tuple[tuple[Ms, Ms] | None, list[str]]:
    """The sentence-bounded stretch within the length limits with the most value, each second short of the
    target lengths costing :data:`SHORT_PER_S` and each second past them :data:`LONG_PER_S`, among those that
    hold what ``keep`` asks and end on a sentence ``on_product`` accepts (each requirement dropped, and said,
    only when no stretch meets it)."""
    triples = [(a.start_ms, b.end_ms, b) for i, a in enumerate(sentences) for b in sentences[i:]
               if limits[0] <= b.end_ms - a.start_ms <= limits[1] and b.end_ms <= duration_ms]
    if not triples:
        return None, []
    waived: list[str] = []
    if keep is not None:
        kept = [t for t in triples if keep(t[0], t[1])]
        if kept:
            triples = kept
        else:
            waived.append("no stretch within the length limits holds a selling point the pitch states")
    if on_product is not None:
        ending = [t for t in triples if on_product(t[2])]
        if ending:
            triples = ending
        else:
            waived.append("no stretch within the length limits ends on a sentence about the product")
    pairs = [(a, b) for a, b, _ in triples]

    def key(p: tuple[Ms, Ms]) -> tuple[float, float]:
        length = p[1] - p[0]
        cost = SHORT_PER_S * max(0, target[0] - length) / 1000 + LONG_PER_S * max(0, length - target[1]) / 1000
        return round(value(*p) - cost, 6), -abs(p[0] - win.start_ms) - abs(p[1] - win.end_ms)

    return max(pairs, key=key), waived


def _pad_before(t: Ms, words: Sequence[TimedWord]) -> Ms:
    prev_end = max((w.end_ms for w in words if w.end_ms <= t), default=None)
    if prev_end is None:
        return max(0, t - PAD_MS)
    return max(t - PAD_MS, (prev_end + t) // 2)


def _pad_after(t: Ms, words: Sequence[TimedWord], duration_ms: Ms) -> Ms:
    next_start = min((w.start_ms for w in words if w.start_ms >= t), default=None)
    if next_start is None:
        return min(duration_ms, t + PAD_MS)
    return min(duration_ms, t + PAD_MS, (next_start + t) // 2)


def _word_boundary_at_or_after(words: Sequence[TimedWord], t: Ms) -> Ms:
    """``t`` if no word spans it, else the end of the word that does."""
    for w in words:
        if w.start_ms < t < w.end_ms:
            return w.end_ms
    return t


def _word_boundary_at_or_before(words: Sequence[TimedWord], t: Ms, floor: Ms) -> Ms:
    for w in words:
        if w.start_ms < t < w.end_ms:
            return max(floor, w.start_ms)
    return t
