"""Speech in a window of a recording: words and sentences with ms times, language, voice activity.

Only the window's audio is decoded (PyAV, 16 kHz mono float32, see :func:`~.audio.read_mono`), then
faster-whisper runs on it with word timestamps. All times are ms from the file's origin (the window
offset is added back), the clock of :mod:`livehighlights.media.probe`.

Sentences: whisper segments are re-split into sentences at sentence punctuation (``. ! ? …`` and
their CJK forms), using the word times, so a sentence boundary is always between two words (a
place where a clip may start). A silence of :data:`PAUSE_SPLIT_MS` or more between two words also
ends a sentence, since an unpunctuated pause is a boundary too.

Errors: a file without an audio stream raises :class:`MediaError` (callers report the speech
checks as "unknown"); silence gives an empty transcript. Transcripts are cached on disk as JSON under
``<cache>/transcripts`` keyed by (file path, mtime, size, window, options), so a repeated check is free.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import InputError, MediaError, Where
from ..rules import DEFAULT_SPEECH_MODEL, MULTILINGUAL_SPEECH_MODEL
from ..text.vocabulary import Correction, correct_words, degenerate, hints
from ..timebase import Ms
from .audio import ANALYSIS_RATE, read_mono
from .models import cache_dir, is_english_only, load_whisper

PAUSE_SPLIT_MS = 1500
"""A silence at least this long between two words ends a sentence even without punctuation."""
CACHE_VERSION = 2
ONSET_FRAME_MS = 10
ONSET_MARGIN_MS = 60
ONSET_MIN_DBFS = -50.0
ONSET_ABOVE_FLOOR_DB = 12.0
"""Onset snapping: a 10 ms frame is voiced above max(-50 dBFS, 10th percentile level + 12 dB)."""
_SENTENCE_END = re.compile(r"[.!?…。！？]+[\"'”’)\]]*$")
_ABBREVIATIONS = frozenset({"mr.", "mrs.", "ms.", "dr.", "st.", "vs.", "etc.", "e.g.", "i.e.", "no.", "jr.", "sr."})
_OPEN_END = 10 ** 9
"""A window end far past any recording: 'to the end of the file'."""
PUNCTUATION_PROMPTS: dict[str, str] = {
    "en": "Hello, everyone. Welcome to my live! Let's start.",
    "es": "Hola a todos. ¡Bienvenidos a mi directo! Empecemos.",
    "id": "Halo semuanya. Selamat datang di live saya! Ayo mulai.",
}
"""Small punctuated prompts per language: without one, greedy Whisper (tiny.en especially) often
writes no punctuation at all, and sentences could then only be split at pauses."""


@dataclass(slots=True)
class Word:
    """One recognised word; ``text`` keeps whisper's leading space and punctuation."""

    start_ms: Ms
    end_ms: Ms
    text: str
    probability: float


@dataclass(slots=True)
class Sentence:
    """A run of words ending at sentence punctuation (or a long pause)."""

    start_ms: Ms
    end_ms: Ms
    text: str
    words: list[Word] = field(default_factory=list)


@dataclass(slots=True)
class Transcript:
    """What was said in a window. ``model`` is the model name used; ``duration_ms`` the audio decoded."""

    language: str | None
    language_probability: float
    sentences: list[Sentence]
    model: str
    duration_ms: Ms
    start_ms: Ms = 0
    """Start of the window (file ms); the window is ``[start_ms, start_ms + duration_ms)``."""
    corrections: list[Correction] = field(default_factory=list)
    """Near misses of the vocabulary's terms that were corrected
    (:func:`~livehighlights.text.vocabulary.correct_words`)."""

    @property
    def text(self) -> str:
        """The whole transcript as one string."""
        return " ".join(s.text for s in self.sentences)

    @property
    def words(self) -> list[Word]:
        """All words in time order."""
        return [w for s in self.sentences for w in s.words]

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Transcript:
        sentences = [Sentence(s["start_ms"], s["end_ms"], s["text"], [Word(**w) for w in s["words"]])
                     for s in data["sentences"]]
        return cls(data["language"], data["language_probability"], sentences, data["model"],
                   data["duration_ms"], data.get("start_ms", 0),
                   [Correction(**c) for c in data.get("corrections", [])])


@dataclass(slots=True)
class SpeechOptions:
    """How to recognise speech. ``model``: see :func:`~.models.resolve_model`; ``language``: an ISO
    code to force, or ``None`` to detect (English-only models always report ``en``); ``vad``: skip
    non-speech with Silero VAD first (fewer hallucinations on music and silence); ``cache``: use the
    on-disk transcript cache; ``prompt``: give Whisper a short punctuated prompt in the language
    (:data:`PUNCTUATION_PROMPTS`) so it writes punctuation, which the sentence split needs.
    ``cpu_threads``: one by default, the fastest for tiny.en (75 s of a LIVE: 3.0 CPU-s and 3.0 s on one
    thread, 4.8 CPU-s and 3.5 s on two); recognition already runs beside other work. ``batch_size``: the
    voiced chunks (Silero VAD) are decoded together in batches of this size (faster-whisper's batched
    pipeline): 70 s of a LIVE in 2.6 CPU-s instead of 4.2, same words; 1 (or ``vad=False``) decodes them
    one after another, conditioned on nothing but the prompt either way. ``vocabulary``: terms the speech
    may contain that the model may not know (a catalog's brand, titles and selling points, most important
    first): given to Whisper as hot words and a prompt, and near misses in the words corrected to them
    (:mod:`livehighlights.text.vocabulary`); ``brands``: which of them are brand names."""

    model: str = DEFAULT_SPEECH_MODEL
    language: str | None = None
    beam_size: int = 1
    vad: bool = True
    compute_type: str = "int8"
    cpu_threads: int = 1
    cache: bool = True
    prompt: bool = True
    batch_size: int = 8
    vocabulary: tuple[str, ...] = ()
    brands: tuple[str, ...] = ()


def speech_options(model: str | None = None, language: str | None = None) -> SpeechOptions:
    """How to recognise speech for a requested ``model`` and the LIVE's ``language``: decided here only.

    No model: :data:`~livehighlights.rules.DEFAULT_SPEECH_MODEL` (English only) when the language is
    English or unknown, else :data:`~livehighlights.rules.MULTILINGUAL_SPEECH_MODEL`. An English-only model
    (``*.en``) is given no language to force (it always reports ``en``); any other model is told the
    language when one is given and detects it otherwise.
    """
    if model is None:
        model = DEFAULT_SPEECH_MODEL if language in (None, "en") else MULTILINGUAL_SPEECH_MODEL
    return SpeechOptions(model=model, language=None if is_english_only(model) else language)


def transcribe(path: str | Path, start_ms: Ms = 0, end_ms: Ms | None = None,
               options: SpeechOptions | None = None) -> Transcript:
    """Recognise the speech of ``[start_ms, end_ms)`` of ``path`` (``end_ms=None``: to the end).

    Raises :class:`MediaError` when the file is missing, unreadable or has no audio stream, and
    :class:`InputError` for a bad window or a model that cannot be loaded.
    """
    opts = options or SpeechOptions()
    p = Path(path)
    _check_window(p, start_ms, end_ms)
    key_file = _cache_file(p, start_ms, end_ms, opts) if opts.cache else None
    if key_file is not None and key_file.is_file():
        try:
            return Transcript.from_json(json.loads(key_file.read_text(encoding="utf-8")))
        except (OSError, ValueError, KeyError, TypeError):
            pass  # a damaged cache entry is recomputed
    samples = read_mono(p, start_ms, _OPEN_END if end_ms is None else end_ms)
    result = transcribe_samples(samples, start_ms, opts)
    if key_file is not None:
        _write_cache(key_file, result)
    return result


def transcribe_samples(samples: np.ndarray, offset_ms: Ms = 0, options: SpeechOptions | None = None) -> Transcript:
    """Recognise speech in 16 kHz mono float32 ``samples``; times are ``offset_ms`` + sample time."""
    opts = options or SpeechOptions()
    duration_ms = len(samples) * 1000 // ANALYSIS_RATE
    english_only = is_english_only(opts.model)
    language = "en" if english_only else opts.language
    if len(samples) < ANALYSIS_RATE // 10 or not np.any(samples):
        prob = 1.0 if language else 0.0
        return Transcript(language, prob, [], opts.model, duration_ms, offset_ms)
    model = load_whisper(opts.model, compute_type=opts.compute_type, cpu_threads=opts.cpu_threads)
    audio = samples.astype(np.float32, copy=False)
    lang_prob = 1.0
    if language is None:
        language, lang_prob, _ = model.detect_language(audio, vad_filter=opts.vad)
    prompt = PUNCTUATION_PROMPTS.get(language) if opts.prompt else None
    hotwords = hints(opts.vocabulary)
    segments = _decode(model, audio, language, prompt, hotwords, opts)
    if hotwords and degenerate([w.word for seg in segments for w in seg.words or []]):
        segments = _decode(model, audio, language, prompt, None, opts)  # hints sent the decoder into a loop
    words: list[Word] = []
    end_limit = offset_ms + duration_ms
    for seg in segments:
        for w in seg.words or []:
            start = min(end_limit, offset_ms + round(w.start * 1000))
            end = min(end_limit, max(start, offset_ms + round(w.end * 1000)))
            if words and start < words[-1].start_ms:
                start = words[-1].start_ms  # keep word order monotonic
                end = max(end, start)
            words.append(Word(start, end, w.word, round(float(w.probability), 4)))
    _snap_onsets(words, audio, offset_ms)
    fixes: list[Correction] = []
    if opts.vocabulary:
        words, fixes = correct_words(words, opts.vocabulary, opts.brands)
    # an English-only model cannot detect: it reports "en" with probability 1.0 by construction;
    # a forced language is reported with probability 1.0 too; nothing said: nothing detected
    if not words and not english_only and opts.language is None:
        language, lang_prob = None, 0.0
    return Transcript(language, round(float(lang_prob), 4), split_sentences(words), opts.model, duration_ms,
                      offset_ms, fixes)


def _decode(model: Any, audio: np.ndarray, language: str | None, prompt: str | None, hotwords: str | None,
            opts: SpeechOptions) -> list[Any]:
    """Whisper's segments (with word times) for ``audio``."""
    if opts.batch_size > 1 and opts.vad:
        from faster_whisper import BatchedInferencePipeline

        segments, _info = BatchedInferencePipeline(model).transcribe(
            audio, language=language, beam_size=opts.beam_size, word_timestamps=True, vad_filter=True,
            condition_on_previous_text=False, initial_prompt=prompt, batch_size=opts.batch_size, hotwords=hotwords)
    else:
        segments, _info = model.transcribe(
            audio, language=language, beam_size=opts.beam_size, word_timestamps=True, vad_filter=opts.vad,
            condition_on_previous_text=False, initial_prompt=prompt, hotwords=hotwords)
    return list(segments)


def _snap_onsets(words: list[Word], audio: np.ndarray, offset_ms: Ms) -> None:
    """Move word starts that Whisper put in the silence before a word (it often does for the first
    word after a pause) forward to the voice onset, less :data:`ONSET_MARGIN_MS`. Never moves a
    start earlier, nor past the word's end."""
    hop = ANALYSIS_RATE * ONSET_FRAME_MS // 1000
    n = len(audio) // hop
    if n == 0 or not words:
        return
    frames = audio[: n * hop].reshape(n, hop).astype(np.float64)
    with np.errstate(divide="ignore"):
        db = 10.0 * np.log10(np.mean(frames * frames, axis=1) + 1e-12)
    voiced = db > max(ONSET_MIN_DBFS, float(np.percentile(db, 10)) + ONSET_ABOVE_FLOOR_DB)
    for w in words:
        a = (w.start_ms - offset_ms) // ONSET_FRAME_MS
        b = (w.end_ms - offset_ms) // ONSET_FRAME_MS
        if a >= n or b <= a or voiced[a]:
            continue
        hits = np.flatnonzero(voiced[a:b])
        if len(hits):
            onset = offset_ms + (a + int(hits[0])) * ONSET_FRAME_MS - ONSET_MARGIN_MS
            w.start_ms = min(max(w.start_ms, onset), w.end_ms)


def split_sentences(words: list[Word], pause_ms: int = PAUSE_SPLIT_MS) -> list[Sentence]:
    """Group words into sentences at sentence punctuation or a pause of ``pause_ms`` or more."""
    out: list[Sentence] = []
    cur: list[Word] = []
    for i, w in enumerate(words):
        cur.append(w)
        nxt = words[i + 1] if i + 1 < len(words) else None
        token = w.text.strip()
        ends = bool(_SENTENCE_END.search(token)) and token.lower() not in _ABBREVIATIONS
        if nxt is None or ends or nxt.start_ms - w.end_ms >= pause_ms:
            text = "".join(x.text for x in cur).strip()
            if text:
                out.append(Sentence(cur[0].start_ms, cur[-1].end_ms, text, cur))
            cur = []
    return out


def speech_regions(path: str | Path, start_ms: Ms = 0, end_ms: Ms | None = None, *,
                   threshold: float = 0.5, min_silence_ms: int = 300, pad_ms: int = 100) -> list[tuple[Ms, Ms]]:
    """Stretches of voice in ``[start_ms, end_ms)`` (file ms) by Silero VAD (ONNX, from faster-whisper).

    ``threshold`` is the VAD's speech probability; regions closer than ``min_silence_ms`` merge;
    each is padded by ``pad_ms`` (clamped to the window). Raises :class:`MediaError` without audio.
    """
    p = Path(path)
    _check_window(p, start_ms, end_ms)
    samples = read_mono(p, start_ms, _OPEN_END if end_ms is None else end_ms)
    return speech_regions_samples(samples, start_ms, threshold=threshold, min_silence_ms=min_silence_ms,
                                  pad_ms=pad_ms)


def speech_regions_samples(samples: np.ndarray, offset_ms: Ms = 0, *, threshold: float = 0.5,
                           min_silence_ms: int = 300, pad_ms: int = 100) -> list[tuple[Ms, Ms]]:
    """:func:`speech_regions` on 16 kHz mono float32 ``samples`` starting at ``offset_ms``."""
    if len(samples) < ANALYSIS_RATE // 10 or not np.any(samples):
        return []
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    vad = VadOptions(threshold=threshold, min_silence_duration_ms=min_silence_ms, speech_pad_ms=pad_ms)
    stamps = get_speech_timestamps(samples.astype(np.float32, copy=False), vad, sampling_rate=ANALYSIS_RATE)
    end_limit = offset_ms + len(samples) * 1000 // ANALYSIS_RATE
    rate = ANALYSIS_RATE
    return [(offset_ms + s["start"] * 1000 // rate, min(end_limit, offset_ms + s["end"] * 1000 // rate))
            for s in stamps]


def _check_window(p: Path, start_ms: Ms, end_ms: Ms | None) -> None:
    if start_ms < 0 or (end_ms is not None and end_ms <= start_ms):
        raise InputError(f"bad speech window: start {start_ms} ms, end {end_ms} ms", Where(p))
    if not p.is_file():
        raise MediaError("file not found", Where(p))


def _cache_file(p: Path, start_ms: Ms, end_ms: Ms | None, opts: SpeechOptions) -> Path:
    st = p.stat()
    key = {"v": CACHE_VERSION, "path": str(p.resolve()), "mtime_ns": st.st_mtime_ns, "size": st.st_size,
           "start_ms": start_ms, "end_ms": end_ms,
           "options": {k: v for k, v in asdict(opts).items() if k not in ("cache", "cpu_threads")}}
    digest = hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()[:32]
    return cache_dir() / "transcripts" / f"{digest}.json"


def _write_cache(file: Path, transcript: Transcript) -> None:
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        tmp = file.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(transcript.to_json()), encoding="utf-8")
        os.replace(tmp, file)
    except OSError:
        pass  # a read-only cache only costs time
