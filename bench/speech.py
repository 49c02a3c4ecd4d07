"""Benchmark of speech understanding: ASR speed and accuracy, loudness, selling-point matching.

Prints, per audio item, the real-time factor (recognition seconds / audio seconds, model already
loaded; ``cpuRTF``: CPU seconds / 2 cores / audio seconds, a figure that a busy machine distorts
less), the WER against the reference text, the language detected, the sentences found and the
loudness; then selling-point precision/recall on the labelled set of
:mod:`livehighlights.text.labelled` (with and without the embedder) and the time per call.

Items: three TTS pitches made with espeak-ng (English, Spanish, Indonesian) and, when present,
``/work/shared/media/jfk-speech.flac`` and ``talk-720p-with-silence.mp4``.

    python bench/speech.py                 # tiny.en on the English items, base on all
    python bench/speech.py --models tiny.en
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import tempfile
import time
from pathlib import Path

from livehighlights.media.audio import read_mono
from livehighlights.media.loudness import measure_audio
from livehighlights.media.models import is_english_only, load_whisper
from livehighlights.media.speech import SpeechOptions, transcribe_samples
from livehighlights.text import MatchOptions, get_embedder, match_selling_points
from livehighlights.text.labelled import PITCHES

SHARED = Path("/work/shared/media")
TTS = [
    ("tts-en", "en-us", "en", "This serum hydrates for twenty four hours. Only today, thirty percent off. "
     "Tap the cart below to order."),
    ("tts-es", "es", "es", "Este sérum hidrata tu piel durante todo el día. Solo hoy, treinta por ciento de descuento. "
     "Toca el carrito amarillo para comprar."),
    ("tts-id", "id", "id", "Serum ini melembapkan kulit sepanjang hari. Hanya hari ini diskon tiga puluh persen. "
     "Klik keranjang kuning sekarang."),
]
REAL = [
    ("jfk", SHARED / "jfk-speech.flac", "en", "And so my fellow Americans, ask not what your country can do for you, "
     "ask what you can do for your country."),
    ("talk", SHARED / "talk-720p-with-silence.mp4", "en", None),
]


def wer(ref: str, hyp: str) -> float:
    """Word error rate over lower-cased words without punctuation (numbers as words or digits differ)."""
    r = re.sub(r"[^\w\s]", " ", ref.lower()).split()
    h = re.sub(r"[^\w\s]", " ", hyp.lower()).split()
    d = list(range(len(h) + 1))
    for i, rw in enumerate(r, 1):
        prev, d[0] = d[0], i
        for j, hw in enumerate(h, 1):
            prev, d[j] = d[j], min(d[j] + 1, d[j - 1] + 1, prev + (rw != hw))
    return d[len(h)] / max(1, len(r))


def make_tts(folder: Path) -> list[tuple[str, Path, str, str]]:
    out = []
    for name, voice, lang, text in TTS:
        wav = folder / f"{name}.wav"
        subprocess.run(["espeak-ng", "-v", voice, "-s", "150", "-w", str(wav), text], check=True)
        out.append((name, wav, lang, text))
    return out


def bench_asr(models: list[str], items: list[tuple[str, Path, str, str | None]]) -> None:
    print(f"{'model':8} {'item':8} {'lang':>9} {'audio s':>7} {'asr s':>6} {'RTF':>6} {'cpuRTF':>6} "
          f"{'WER':>5} {'sent':>4} {'LUFS':>6} {'LRA':>5} {'SNR':>5} muted  text")
    for model in models:
        t0 = time.perf_counter()
        load_whisper(model)
        print(f"# {model}: loaded in {time.perf_counter() - t0:.1f} s")
        for name, path, lang, ref in items:
            if is_english_only(model) and lang != "en":
                continue
            samples = read_mono(path, 0, 10 ** 9)
            audio_s = len(samples) / 16000
            t0, c0 = time.perf_counter(), time.process_time()
            tr = transcribe_samples(samples, 0, SpeechOptions(model=model, cache=False))
            asr_s, cpu_s = time.perf_counter() - t0, time.process_time() - c0
            q = measure_audio(path)
            w = f"{wer(ref, tr.text):.2f}" if ref else "  -"
            det = f"{tr.language}:{tr.language_probability:.2f}"
            print(f"{model:8} {name:8} {det:>9} {audio_s:7.1f} {asr_s:6.2f} {asr_s / audio_s:6.3f} "
                  f"{cpu_s / audio_s / 2:6.3f} {w:>5} {len(tr.sentences):4d} {q.integrated_lufs!s:>6} "
                  f"{q.loudness_range_lu!s:>5} {q.snr_db:5.1f} "
                  f"{q.muted!s:5}  {tr.text[:70]}")


def bench_points() -> None:
    print("\n# selling points on the labelled set "
          f"({len(PITCHES)} pitches, {sum(len(p.stated) for p in PITCHES)} stated, "
          f"{sum(len(p.unstated) for p in PITCHES)} unstated)")
    get_embedder()
    for label, opts in (("fuzzy+e5", MatchOptions()), ("fuzzy", MatchOptions(embedder=None))):
        tp = fp = fn = 0
        by_kind: dict[str, list[int]] = {}
        t0 = time.perf_counter()
        for p in PITCHES:
            kinds = dict(p.stated)
            for m in match_selling_points(p.script, [pt for pt, _ in p.stated] + p.unstated, options=opts):
                truth = m.point in kinds
                tp += truth and m.stated
                fp += (not truth) and m.stated
                fn += truth and not m.stated
                if truth:
                    key = f"{kinds[m.point]}/{'en' if p.language == 'en' else 'other'}"
                    by_kind.setdefault(key, [0, 0])[0] += m.stated
                    by_kind[key][1] += 1
        per_call = (time.perf_counter() - t0) / len(PITCHES) * 1000
        detail = ", ".join(f"{k} {a}/{b}" for k, (a, b) in sorted(by_kind.items()))
        print(f"{label:9} precision {tp / max(1, tp + fp):.3f} recall {tp / max(1, tp + fn):.3f} "
              f"(tp {tp}, fp {fp}, fn {fn}); recall by kind: {detail}; {per_call:.0f} ms per call")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--models", default="tiny.en,base")
    args = ap.parse_args()
    os.environ.setdefault("OMP_NUM_THREADS", "2")
    with tempfile.TemporaryDirectory() as tmp:
        items: list[tuple[str, Path, str, str | None]] = list(make_tts(Path(tmp)))
        items += [(n, p, lang, ref) for n, p, lang, ref in REAL if p.exists()]
        bench_asr(args.models.split(","), items)
    bench_points()


if __name__ == "__main__":
    main()
