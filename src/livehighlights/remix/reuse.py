"""What the highlight's own job already learnt, reused by its remix instead of computed again.

The per-moment job recognised the speech of the highlight's window (with word times) and stored it with the
highlight (``HighlightRecord.transcript``, a ``highlights.json`` entry's ``transcript``). A remix of that
highlight burns those words as subtitles: it does not run the speech recogniser a second time (on 2 cores
that is 2-3 CPU-seconds of a 30 s remix). The catalog's near-miss correction
(:func:`~livehighlights.text.vocabulary.correct_words`) still runs on the reused words, so the product's
name is spelled as the catalog spells it. A transcript stored without word times (recorded before they were
kept) is not reused: the remix recognises the speech itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..timebase import Ms

if TYPE_CHECKING:
    from ..media.speech import Transcript
    from .source import RemixSource

__all__ = ["REUSED", "RECOGNISED", "StoredWindow", "attach_stored", "corrected", "stored_transcript"]

REUSED = "reused"
"""``enhancements.subtitles.transcript`` when the words came from the highlight's stored transcript."""
RECOGNISED = "recognised"
"""... when the remix recognised the speech itself."""


@dataclass(frozen=True)
class StoredWindow:
    """A stored highlight as far as its remix reuses it: its window in the LIVE and its transcript document."""

    start_ms: Ms
    end_ms: Ms
    transcript: dict[str, Any] | None


def stored_transcript(doc: Any, start_ms: Ms, end_ms: Ms) -> Transcript | None:
    """The stored transcript ``doc`` of a highlight spanning ``[start_ms, end_ms)`` of its LIVE, as a
    :class:`~livehighlights.media.speech.Transcript` in the clip's time (0 = the clip's first frame), or
    ``None`` when it cannot serve: no document, no ``word_times`` (words not kept), or a malformed one."""
    from ..media.speech import Sentence, Transcript, Word

    if not isinstance(doc, dict) or doc.get("word_times") is not True or end_ms <= start_ms:
        return None
    duration = end_ms - start_ms
    sentences: list[Sentence] = []
    try:
        for s in doc.get("sentences") or []:
            words = []
            for w in s["words"]:
                a = min(duration, max(0, round(float(w["start_s"]) * 1000) - start_ms))
                b = min(duration, max(a, round(float(w["end_s"]) * 1000) - start_ms))
                if b > 0 and a < duration and isinstance(w["text"], str):
                    words.append(Word(a, b, w["text"], float(w.get("p", 1.0))))
            if words:
                sentences.append(Sentence(words[0].start_ms, words[-1].end_ms, "".join(w.text for w in words).strip(),
                                          words))
    except (KeyError, TypeError, ValueError):
        return None
    language = doc.get("language") if isinstance(doc.get("language"), str) else None
    return Transcript(language, 1.0, sentences, str(doc.get("model") or "stored"), duration, 0)


def corrected(transcript: Transcript, vocabulary: Sequence[str], brands: Sequence[str]) -> Transcript:
    """``transcript`` with near misses of the catalog's terms corrected to its spelling (as a fresh
    recognition with the catalog's words would have them corrected), sentences split again."""
    from ..media.speech import Transcript, split_sentences
    from ..text.vocabulary import correct_words

    words, fixes = correct_words(transcript.words, vocabulary, brands) if vocabulary else (transcript.words, [])
    return Transcript(transcript.language, transcript.language_probability, split_sentences(list(words)),
                      transcript.model, transcript.duration_ms, transcript.start_ms, [*transcript.corrections, *fixes])


def attach_stored(source: RemixSource, stored: StoredWindow) -> RemixSource:
    """Give ``source`` what its stored highlight knows: the transcript's language and, when its words' times
    were kept, the transcript itself (the remix then reuses it). Returns ``source``."""
    doc = stored.transcript or {}
    if isinstance(doc.get("language"), str):
        source.language = doc["language"]
    source.transcript = stored_transcript(doc, stored.start_ms, stored.end_ms)
    return source
