"""The remix's soundtrack: the LIVE's own audio, untouched, with music mixed under it, then loudness-normalised.

1. The voice (the clip's audio) is measured (EBU R128). The music is looped to the clip's length, set
   ``music.volume_db`` LU relative to the voice, faded in and out, and ducked while the host speaks by a
   sidechain compressor keyed by the voice. The voice is never lowered, replaced or muted.
2. In the same pass the mix is brought to the target loudness by a gain (the voice's loudness predicts
   the mix's: the music sits far under it) and held under the true-peak ceiling by a limiter, written as a
   48 kHz WAV that the single video encode muxes as AAC. It is measured in the same pass (an ``ebur128``
   branch beside the written one), and mixed again with a corrected gain only when it missed the target (the
   limiter took loudness away).

Two or three audio-only passes on a few seconds of samples: well under a second each. The first keeps the mix
before its gain (a float WAV), so a correction only sets the gain and limits again, without decoding, ducking
and mixing the sources a second time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ..media.ffmpeg import run_ffmpeg
from ..media.loudness import ebur128, ebur128_summary
from ..timebase import Ms
from .style import AudioStyle, MusicStyle

RATE = 48000
SILENT_VOICE_LUFS = -23.0
"""Loudness assumed for a voice too quiet to measure (the music is set relative to it)."""
LIMIT_MARGIN_DB = 0.6
"""The limiter's ceiling sits this far under the true-peak target (inter-sample peaks, AAC)."""


@dataclass
class SoundReport:
    """What was done to the audio, for the sidecar."""

    voice_lufs: float | None
    music: str | None
    music_gain_db: float | None
    ducking: bool
    gain_db: float
    integrated_lufs: float | None
    true_peak_dbtp: float | None
    passes: int
    notes: list[str] = field(default_factory=list)
    output_lufs: float | None = None
    """Loudness of the written remix (its AAC track), measured after the encode, not taken from the settings."""
    output_true_peak_dbtp: float | None = None
    """True peak of the written remix, measured after the encode."""

    def to_json(self) -> dict[str, object]:
        return {k: (round(v, 2) if isinstance(v, float) else v) for k, v in self.__dict__.items()}


OUTPUT_TOLERANCE = (1.5, 0.5)
"""How far the written remix may miss the style's loudness target (LU) and true-peak ceiling (dB) before it is
reported."""


def measure_output(path: Path, report: SoundReport, astyle: AudioStyle) -> list[str]:
    """Measure the written remix's loudness and true peak into ``report``; warnings where it misses the style."""
    got = ebur128(path)
    report.output_lufs, report.output_true_peak_dbtp = got.get("integrated_lufs"), got.get("true_peak_dbtp")
    out = []
    lufs, peak = report.output_lufs, report.output_true_peak_dbtp
    if lufs is not None and lufs > -70 and abs(lufs - astyle.target_lufs) > OUTPUT_TOLERANCE[0]:
        out.append(f"the remix measures {lufs:.1f} LUFS, not the style's {astyle.target_lufs:g} LUFS")
    if peak is not None and peak > astyle.true_peak_db + OUTPUT_TOLERANCE[1]:
        out.append(f"the remix's true peak measures {peak:+.1f} dBTP, over the style's {astyle.true_peak_db:g} dBTP")
    return out


def _music_loudness(track: Path) -> float:
    st = track.stat()
    return _loudness_of(str(track.resolve()), st.st_mtime_ns, st.st_size)


@lru_cache(maxsize=32)
def _loudness_of(path: str, mtime_ns: int, size: int) -> float:
    """A music file's loudness, measured once per file version (a batch of remixes shares its tracks)."""
    del mtime_ns, size  # part of the cache key
    got = ebur128(path).get("integrated_lufs")
    return float(got) if got is not None else -20.0


def mix(clip: Path, duration_ms: Ms, music: Path | None, mstyle: MusicStyle, astyle: AudioStyle,
        work: Path) -> tuple[Path, SoundReport]:
    """Write ``work/mix.wav``: the clip's audio (+ ducked music), normalised. Returns it and a report."""
    dur = duration_ms / 1000
    voice_i = ebur128(clip).get("integrated_lufs")
    voice_lufs = float(voice_i) if voice_i is not None and voice_i > -70 else None
    voice = f"[0:a]aresample={RATE},aformat=sample_fmts=fltp:channel_layouts=stereo,atrim=0:{dur:.3f}"
    music_gain = None
    inputs: list[str | Path] = ["-i", clip]
    if music is None:
        chain = voice + "[mixed];"
    else:
        music_gain = (voice_lufs or SILENT_VOICE_LUFS) + mstyle.volume_db - _music_loudness(music)
        fade_out = min(mstyle.fade_out, dur / 2)
        inputs += ["-stream_loop", "-1", "-i", music]
        chain = (f"{voice},asplit=2[voice][key];"
                 f"[1:a]aresample={RATE},aformat=sample_fmts=fltp:channel_layouts=stereo,atrim=0:{dur:.3f},"
                 f"volume={music_gain:.2f}dB,afade=t=in:d={min(mstyle.fade_in, dur / 2):.2f},"
                 f"afade=t=out:st={max(0.0, dur - fade_out):.3f}:d={fade_out:.2f}[mus];")
        if mstyle.duck:
            chain += (f"[mus][key]sidechaincompress=threshold=0.015:ratio={mstyle.duck_ratio:g}:attack=25:"
                      f"release=450:makeup=1[duck];[voice][duck]")
        else:
            chain += "[voice][mus]"
        chain += "amix=inputs=2:duration=first:normalize=0[mixed];"
    out = work / "mix.wav"
    report = SoundReport(voice_lufs, str(music) if music else None, music_gain, bool(music and mstyle.duck),
                         0.0, None, None, 1)
    if voice_lufs is None:
        report.notes.append("the audio is silent: no loudness normalisation")
        _render(inputs, chain + "[mixed]anull[o]", dur, out)
        return out, report
    # the music sits well under the voice, so the mix is as loud as the voice (within a few tenths of a LU):
    # one pass mixes, sets the gain and limits; the result is measured, and corrected only when it missed
    gain = astyle.target_lufs - voice_lufs
    limit = 10 ** ((astyle.true_peak_db - LIMIT_MARGIN_DB) / 20)
    premix = work / "premix.wav"  # the mix before its gain and limiter: a correction starts from it
    for attempt in range(3):
        level = f"volume={gain:.2f}dB,alimiter=limit={limit:.4f}:level=false:attack=2:release=60,aresample={RATE}[o]"
        if attempt == 0:  # decode, resample, duck and mix once; keep the mix for a corrected gain
            got = _render(inputs, chain + f"[mixed]asplit=2[pre][lvl];[lvl]{level}", dur, out,
                          extra=["-map", "[pre]", "-c:a", "pcm_f32le", premix], measure=True)
        else:
            got = _render(["-i", premix], f"[0:a]{level}", dur, out, measure=True)
        report.gain_db, report.passes = gain, attempt + 1
        report.integrated_lufs, report.true_peak_dbtp = got.get("integrated_lufs"), got.get("true_peak_dbtp")
        miss = astyle.target_lufs - (report.integrated_lufs or astyle.target_lufs)
        if abs(miss) <= 0.4:
            break
        gain += miss
    return out, report


def _render(inputs: list[str | Path], chain: str, dur: float, out: Path, extra: list[str | Path] | None = None,
            measure: bool = False) -> dict[str, float | None]:
    """Run the soundtrack's ``chain`` (its output labelled ``[o]``) into ``out``; with ``measure``, its EBU R128
    summary measured in the same pass (no second decode of what was just written)."""
    label, loud = "[o]", []
    if measure:
        chain += ";[o]asplit=2[o_out][o_loud];[o_loud]ebur128=peak=true:framelog=quiet,anullsink"
        label, loud = "[o_out]", ["-loglevel", "info"]
    proc = run_ffmpeg(["-y", *loud, *inputs, "-filter_complex", chain, "-map", label, "-t", f"{dur:.3f}",
                       "-c:a", "pcm_s16le", out, *(extra or [])], what="mixing the remix's soundtrack")
    return ebur128_summary(proc.stderr, out) if measure else {}
