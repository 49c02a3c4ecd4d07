"""Which of a product's selling points the host states in a stretch of speech.

Two matchers, per (selling point, spoken sentence):

* **fuzzy** (rapidfuzz, always available): on :func:`~.normalise` d text, the larger of
  ``partial_ratio`` (the point appears nearly verbatim inside the sentence) and ``token_set_ratio``
  (all the point's words occur in the sentence, in any order), scaled to 0..1. Stated when
  >= :data:`FUZZY_THRESHOLD`.
* **embedding** (multilingual-e5-small via :mod:`.embed`, when it can be loaded): cosine similarity of
  the point embedded as an e5 *query* and the sentence as an e5 *passage*. Stated when
  >= :data:`EMBED_THRESHOLD`. This catches paraphrases ("you stay completely dry in the rain" for
  "waterproof") and a LIVE spoken in another language than the catalog.

The thresholds were chosen on :data:`~.labelled.PITCHES` (20 pitches, 40 stated points of which 26
paraphrases, 40 unstated points of the same products; see ``bench/speech.py``). There the unstated
points reach at most fuzzy 0.56 and cosine 0.840, and literal statements fuzzy >= 0.61; e5 cosines
are compressed (unrelated product talk scores ~0.76-0.80), hence the high cosine threshold. With both
matchers: precision 0.97, recall 0.75 on that set (fuzzy alone: precision 1.0, recall 0.48); at 0.83
it is 0.94 / 0.83, at 0.84 1.0 / 0.70. These figures are on the tuning set itself: expect less on
real LIVEs.
Re-tune ``EMBED_THRESHOLD`` for another embedder.

Without an embedder (not installed, or ``MatchOptions(embedder=None)``) only fuzzy matching runs;
each :class:`PointMatch` then has ``embedder=None`` so a report can say paraphrases were not checked.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any, Literal

import numpy as np
from rapidfuzz import fuzz

from ..timebase import Ms
from .embed import DEFAULT_EMBEDDER, Embedder, get_embedder
from .normalize import normalise

FUZZY_THRESHOLD = 0.70
MIN_EMBED_WORDS = 2
"""Sentences with fewer words are not matched by embedding."""
EMBED_THRESHOLD = 0.835
_SPLIT = re.compile(r"(?<=[.!?…。！？])\s+")


@dataclass(slots=True)
class MatchOptions:
    """Thresholds and the embedder (a registered name, an :class:`Embedder`, or ``None`` for fuzzy only)."""

    fuzzy_threshold: float = FUZZY_THRESHOLD
    embed_threshold: float = EMBED_THRESHOLD
    embedder: str | Embedder | None = DEFAULT_EMBEDDER


@dataclass(slots=True)
class PointMatch:
    """How well one selling point is stated. ``score`` is the score of ``method`` (the matcher that
    decided, or the stronger one when not stated); ``sentence`` and the times are of the best sentence
    (times are ``None`` when the input had no times)."""

    point: str
    stated: bool
    score: float
    method: Literal["fuzzy", "embedding"]
    sentence: str | None
    start_ms: Ms | None
    end_ms: Ms | None
    fuzzy_score: float = 0.0
    embedding_score: float | None = None
    embedder: str | None = None
    """Name of the embedder used; ``None``: fuzzy matching only (paraphrases not checked)."""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)
class _Span:
    text: str
    start_ms: Ms | None
    end_ms: Ms | None


def match_selling_points(speech: str | Sequence[Any], selling_points: Sequence[str], *,
                         language: str | None = None, options: MatchOptions | None = None) -> list[PointMatch]:
    """One :class:`PointMatch` per selling point (same order), against ``speech``: a string (split at
    sentence punctuation), a list of strings, or a list of objects with ``text``, ``start_ms`` and
    ``end_ms`` (e.g. :class:`~livehighlights.media.speech.Sentence`), or a ``Transcript``.

    ``language`` is informational for now (the embedder is multilingual; fuzzy matching is language
    agnostic).
    """
    del language
    opts = options or MatchOptions()
    spans = _spans(speech)
    points = [p for p in selling_points]
    if not points:
        return []
    if not spans:
        emb_name = _embedder(opts)
        return [PointMatch(p, False, 0.0, "fuzzy", None, None, None, 0.0, None,
                           emb_name.name if emb_name else None) for p in points]
    norm_spans = [normalise(s.text) for s in spans]
    fuzzy_scores = np.array([[_fuzzy(normalise(p), s) for s in norm_spans] for p in points])
    embedder = _embedder(opts)
    cos: np.ndarray | None = None
    # a fragment ("." or "Okay.") embeds to noise that can sit close to anything
    wordy = np.array([len(re.findall(r"\w+", t)) >= MIN_EMBED_WORDS for t in norm_spans])
    if embedder is not None:
        q = embedder.queries(points)
        psg = embedder.passages([s.text for s in spans])
        cos = q @ psg.T
    out: list[PointMatch] = []
    for i, point in enumerate(points):
        fi = int(np.argmax(fuzzy_scores[i]))
        fscore = float(fuzzy_scores[i, fi])
        escore, ei = (None, fi) if cos is None else _exclusive_best(cos, fuzzy_scores, i, opts.fuzzy_threshold,
                                                                     wordy)
        if fscore >= opts.fuzzy_threshold:
            method, stated, score, idx = "fuzzy", True, fscore, fi
        elif escore is not None and escore >= opts.embed_threshold:
            method, stated, score, idx = "embedding", True, escore, ei
        elif escore is not None and escore / opts.embed_threshold > fscore / opts.fuzzy_threshold:
            method, stated, score, idx = "embedding", False, escore, ei
        else:
            method, stated, score, idx = "fuzzy", False, fscore, fi
        span = spans[idx]
        out.append(PointMatch(point, stated, round(score, 4), method, span.text, span.start_ms, span.end_ms,
                              round(fscore, 4), None if escore is None else round(escore, 4),
                              embedder.name if embedder else None))
    return out


def _exclusive_best(cos: np.ndarray, fuzzy_scores: np.ndarray, i: int, fuzzy_threshold: float,
                    wordy: np.ndarray) -> tuple[float, int]:
    """Point ``i``'s best embedding match among the sentences that state no other point: a sentence
    already matched literally by another point, or closer to another point than to this one, is that
    point's evidence, not this one's (product talk makes every point of a product look alike to e5)."""
    others = np.delete(np.arange(cos.shape[0]), i)
    usable = wordy.copy()
    if len(others):
        usable &= (fuzzy_scores[others] < fuzzy_threshold).all(axis=0)
        usable &= cos[i] >= cos[others].max(axis=0)
    if not usable.any():
        return float(cos[i].max()) * 0.0, int(np.argmax(cos[i]))
    masked = np.where(usable, cos[i], -np.inf)
    j = int(np.argmax(masked))
    return float(cos[i, j]), j


def _fuzzy(point: str, sentence: str) -> float:
    if not point or not sentence:
        return 0.0
    return max(fuzz.partial_ratio(point, sentence), fuzz.token_set_ratio(point, sentence)) / 100.0


def _embedder(opts: MatchOptions) -> Embedder | None:
    if opts.embedder is None:
        return None
    if isinstance(opts.embedder, str):
        return get_embedder(opts.embedder)
    return opts.embedder


def _spans(speech: str | Sequence[Any]) -> list[_Span]:
    if isinstance(speech, str):
        return [_Span(t.strip(), None, None) for t in _SPLIT.split(speech) if t.strip()]
    if hasattr(speech, "sentences"):
        speech = speech.sentences  # a Transcript
    out: list[_Span] = []
    for item in speech:
        if isinstance(item, str):
            out.extend(_spans(item))
        elif getattr(item, "text", "").strip():
            out.append(_Span(item.text.strip(), getattr(item, "start_ms", None), getattr(item, "end_ms", None)))
    return out
