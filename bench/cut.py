"""Benchmark of clip cutting: ``smart`` (re-encode the head GOP only, copy the rest) vs ``reencode``.

Builds (once, cached) a 60 s 1080x1920 30 fps H.264 + AAC source with ffmpeg's lavfi test
pattern (keyframe every 2 s, as LIVE recordings usually have), then cuts a 30 s clip starting
mid-GOP with each method and prints wall time, re-encoded and copied seconds, and checks that the
clip decodes to the expected number of frames.

    python bench/cut.py
    python bench/cut.py --start 10.5 --length 30 --cache /tmp/lh-bench

The source is cached in bench/.cache (delete it to regenerate).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import av

from livehighlights.media import keyframes_ms, probe, run_ffmpeg
from livehighlights.render import cut_clip
from livehighlights.timebase import s_to_ms

CACHE = Path(__file__).parent / ".cache"


def build_source(folder: Path, seconds: int = 60) -> tuple[Path, float]:
    """The cached 1080x1920 source (made when absent) and the seconds it took to make (0 when cached)."""
    out = folder / f"src-1080x1920-30fps-{seconds}s.mp4"
    if out.exists():
        return out, 0.0
    folder.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".part.mp4")
    t0 = time.perf_counter()
    run_ffmpeg(["-y", "-f", "lavfi", "-i", f"testsrc2=size=1080x1920:rate=30:duration={seconds}",
                "-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=48000:duration={seconds}",
                "-c:v", "libx264", "-preset", "veryfast", "-crf", "20", "-g", "60", "-keyint_min", "60",
                "-sc_threshold", "0", "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "128k", "-ac", "2",
                "-movflags", "+faststart", str(tmp)], what="building the benchmark source")
    tmp.replace(out)
    return out, time.perf_counter() - t0


def frame_count(path: Path) -> int:
    """Decoded video frames of ``path``."""
    with av.open(str(path)) as clip:
        video = clip.streams.video[0]
        video.codec_context.thread_type = "AUTO"
        return sum(1 for _ in clip.decode(video))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--start", type=float, default=10.5, help="clip start in seconds (mid-GOP by default)")
    parser.add_argument("--length", type=float, default=30.0, help="clip length in seconds")
    parser.add_argument("--cache", type=Path, default=CACHE)
    args = parser.parse_args()

    src, made = build_source(args.cache)
    t0 = time.perf_counter()
    info = probe(src)
    t_probe = time.perf_counter() - t0
    t0 = time.perf_counter()
    keys = keyframes_ms(src)
    t_keys = time.perf_counter() - t0
    print(f"source: {src} ({info.width}x{info.height} {float(info.fps):g} fps {info.duration_ms / 1000:.1f} s"
          f"{f', built in {made:.1f} s' if made else ', cached'})")
    print(f"probe {t_probe * 1000:.0f} ms, keyframes_ms {t_keys * 1000:.0f} ms ({len(keys)} keyframes)")
    start, end = s_to_ms(args.start), s_to_ms(args.start + args.length)
    print(f"clip {start / 1000:.3f}-{end / 1000:.3f} s\n")
    print(f"{'method':<10} {'wall s':>7} {'re-encoded s':>13} {'copied s':>9} {'frames':>7}  fallback")
    for method in ("smart", "reencode"):
        out = args.cache / f"clip-{method}.mp4"
        res = cut_clip(src, start, end, out, info=info, keyframes=keys, method=method)
        frames = frame_count(out)
        print(f"{method:<10} {res.seconds:7.2f} {res.reencoded_ms / 1000:13.3f} {res.copied_ms / 1000:9.3f} "
              f"{frames:7d}  {res.fallback or '-'}")


if __name__ == "__main__":
    main()
