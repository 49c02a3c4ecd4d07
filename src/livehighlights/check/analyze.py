"""Run the media analyses a compliance report needs on one clip or window.

One decoding pass feeds the visual checks (quality, product visibility, QR codes, watermarks);
speech is transcribed once (cached on disk); audio is measured once. A caller that already has the
transcript or the visibility track of the window (the pipeline, from boundary refinement) passes them in.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..models import Product
from ..timebase import Ms
from .evidence import CheckOptions, ClipEvidence, Provenance


def analyze(path: str | Path, start_ms: Ms = 0, end_ms: Ms | None = None, *, product: Product | None = None,
            catalog: Any = None, provenance: Provenance | None = None,
            enhancements: dict[str, Any] | None = None, transcript: Any = None, visibility: Any = None,
            scan: Any = None, options: CheckOptions | None = None) -> ClipEvidence:
    """Measure ``[start_ms, end_ms)`` of ``path`` for every rule. Raises only for an unreadable file.

    ``scan`` (a :class:`~livehighlights.vision.WindowScan` covering the window, possibly more) and
    ``transcript`` (covering the window) are reused when given, so nothing is decoded or recognised twice.
    """
    from ..errors import InputError, MediaError, Where
    from ..media import probe

    opts = options or CheckOptions()
    path = Path(path)
    if not path.exists():
        raise InputError("no such file", Where(path))
    ev = ClipEvidence(subject=str(path), path=path, start_ms=start_ms, end_ms=end_ms or 0, product=product,
                      catalog_given=catalog is not None or product is not None, provenance=provenance,
                      enhancements=enhancements, language_expected=opts.language)
    try:
        ev.info = probe(path)
    except MediaError as err:
        if "no video stream" not in err.message:
            ev.unknown["media"] = err.message  # corrupt, truncated: every rule unknown, with this reason
            return ev
        ev.info = ev.attempt("media", lambda: audio_only_info(path))
        if ev.info is None:
            return ev
    end = ev.info.duration_ms if end_ms is None else min(end_ms, ev.info.duration_ms)
    ev.end_ms = end
    if provenance is not None and not _is_recording(path, provenance):
        from .provenance import verify

        size = (ev.info.width, ev.info.height)
        ev.provenance_check = ev.attempt("provenance", lambda: verify(path, provenance, end - start_ms, start_ms, size))
    if not getattr(ev.info, "has_video", True):
        for name in ("decode", "video", "qr", "overlays", "visibility"):
            ev.unknown[name] = "the file has no video stream"
    else:
        _visual(ev, opts, catalog, visibility, None if scan is None else slice_scan(scan, start_ms, end))
    _audio(ev, opts, None if transcript is None else slice_transcript(transcript, start_ms, end))
    return ev


def _is_recording(path: Path, prov: Provenance) -> bool:
    """Whether ``path`` is the LIVE's recording itself (a window of it needs no verifying against it)."""
    try:
        return path.resolve() == Path(prov.live_recording).resolve()
    except OSError:
        return False


@dataclass
class AudioOnlyInfo:
    """What we know of a file that has sound but no picture."""

    path: Path
    duration_ms: Ms
    has_audio: bool = True
    has_video: bool = False
    width: int = 0
    height: int = 0


def audio_only_info(path: Path) -> AudioOnlyInfo:
    """Probe an audio-only file (raises :class:`~livehighlights.errors.MediaError` when it has no audio either)."""
    from ..errors import MediaError, Where
    from ..media import open_media

    with open_media(path) as c:
        if not c.streams.audio:
            raise MediaError("has neither video nor audio", Where(path))
        duration = c.duration / 1000 if c.duration else 0
    return AudioOnlyInfo(path, int(duration))


def slice_scan(scan: Any, start_ms: Ms, end_ms: Ms) -> Any:
    """The part of a window scan that lies in ``[start_ms, end_ms)``."""
    from dataclasses import replace

    keep = [i for i, t in enumerate(scan.pts_ms) if start_ms <= t < end_ms]
    if not keep:
        return None
    lo, hi = keep[0], keep[-1] + 1
    diff = list(scan.diff[lo:hi])
    local = list(scan.local[lo:hi])
    diff[0] = local[0] = float("nan")  # the first frame of a window has no predecessor
    return replace(scan, start_ms=start_ms, end_ms=end_ms, pts_ms=scan.pts_ms[lo:hi], luma=scan.luma[lo:hi],
                   diff=diff, local=local, hists=scan.hists[lo:hi],
                   samples=[f for f in scan.samples if start_ms <= f.t_ms < end_ms],
                   hires=[f for f in scan.hires if start_ms <= f.t_ms < end_ms])


def _overlay_boxes(enhancements: dict[str, Any] | None) -> list[list[int]]:
    """Boxes our remix drew over the picture for its whole length (stickers, badge, subtitles band);
    the end card, shown only at the end and over everything, is left out."""
    if not enhancements:
        return []
    card = (enhancements.get("end_card") or {}).get("box")
    return [list(b) for b in enhancements.get("boxes", []) if isinstance(b, (list, tuple)) and len(b) == 4
            and list(b) != card]


def mask_boxes(scan: Any, boxes: list[list[int]], full_width: int) -> Any:
    """A copy of the scan whose sampled frames have ``boxes`` (full-resolution pixels) blanked: text drawn
    by a remix would otherwise take every ORB feature and hide the product from the matcher."""
    from dataclasses import replace

    import numpy as np

    samples = []
    for fr in scan.samples:
        img = fr.image.copy()
        k = img.shape[1] / max(1, full_width)
        fill = int(np.median(img))
        for x, y, w, h in boxes:
            img[max(0, int(y * k)):int((y + h) * k) + 1, max(0, int(x * k)):int((x + w) * k) + 1] = fill
        samples.append(replace(fr, image=img))
    return replace(scan, samples=samples)


def slice_track(track: Any, start_ms: Ms, end_ms: Ms) -> Any:
    """A product visibility track restricted to ``[start_ms, end_ms)`` (first times, ratios recomputed)."""
    from dataclasses import replace

    if track.status != "ok":
        return track
    inside = [s for s in track.sightings if start_ms <= s.t_ms < end_ms]
    before = [s for s in track.sightings if s.t_ms < start_ms]
    seen = [s for s in inside if s.visible]

    def first(refined: Ms | None, full: bool) -> Ms | None:
        if refined is not None and start_ms <= refined < end_ms:
            return refined  # the full-rate time, when it falls inside
        hit = next((s for s in inside if s.visible and (s.fully_inside or not full)), None)
        if hit is None:
            return None
        if hit is inside[0] and before and before[-1].visible and (before[-1].fully_inside or not full):
            return start_ms  # already on screen when the window begins
        return hit.t_ms

    return replace(track, start_ms=start_ms, end_ms=end_ms, sightings=inside,
                   first_visible_ms=first(track.first_visible_ms, False),
                   first_full_ms=first(track.first_full_ms, True),
                   visible_ratio=len(seen) / max(1, len(inside)),
                   frontal_ratio=sum(s.frontal for s in seen) / len(seen) if seen else 0.0)


def slice_transcript(transcript: Any, start_ms: Ms, end_ms: Ms) -> Any:
    """The sentences of a transcript that lie in ``[start_ms, end_ms)`` (a sentence is never cut)."""
    from dataclasses import replace

    inside = [s for s in transcript.sentences if s.start_ms >= start_ms - 50 and s.end_ms <= end_ms + 50]
    return replace(transcript, sentences=inside, start_ms=start_ms, duration_ms=end_ms - start_ms)


def _visual(ev: ClipEvidence, opts: CheckOptions, catalog: Any, visibility: Any, scan: Any) -> None:
    from ..vision import (
        VisibilityOptions,
        find_qr_codes,
        find_static_overlays,
        measure_video,
        scan_window,
        visibility_track,
    )

    if scan is None:
        scan = ev.attempt("decode", lambda: scan_window(ev.path, ev.start_ms, ev.end_ms,
                                                        sample_fps=opts.vision_fps, hires_fps=opts.qr_fps,
                                                        threads=opts.decode_threads))
    if scan is None:
        for name in ("video", "qr", "overlays", "visibility"):
            ev.unknown.setdefault(name, ev.unknown.get("decode", "the video could not be decoded"))
        return
    ev.video = ev.attempt("video", lambda: measure_video(ev.path, ev.start_ms, ev.end_ms, scan=scan))
    ev.qr = ev.attempt("qr", lambda: find_qr_codes(ev.path, ev.start_ms, ev.end_ms, scan=scan))
    ev.overlays = ev.attempt("overlays", lambda: find_static_overlays(ev.path, ev.start_ms, ev.end_ms, scan=scan))
    from ..vision.screen_text import find_screen_text

    # a frame read per 12 s of the clip (2 to 4): a promotion overlay stays up for many seconds
    reads = max(2, min(4, round((ev.end_ms - ev.start_ms) / 12_000)))
    ev.screen = ev.attempt("screen_text", lambda: find_screen_text(ev.path, ev.start_ms, ev.end_ms, frames=reads,
                                                                   scan=scan))
    if ev.product is None:
        ev.unknown["visibility"] = "no product given (use --catalog and --product)"
        return
    overlays = _overlay_boxes(ev.enhancements)
    if overlays:
        scan = mask_boxes(scan, overlays, ev.info.width)
    if visibility is not None:
        ev.visibility = slice_track(visibility, ev.start_ms, ev.end_ms)
        if ev.visibility.status != "ok":
            ev.unknown["visibility"] = ev.visibility.reason or "product visibility could not be measured"
        return
    others = None
    if catalog is not None:
        others = {pid: p.images for pid, p in catalog.products.items() if pid != ev.product.id and p.images}
    product = ev.product
    vis = VisibilityOptions(fps=opts.vision_fps, swap_samples=opts.swap_samples)
    ev.visibility = ev.attempt("visibility", lambda: visibility_track(
        ev.path, ev.start_ms, ev.end_ms, product.images, other_products=others, scan=scan, options=vis))
    if ev.visibility is not None and ev.visibility.status != "ok":
        ev.unknown["visibility"] = ev.visibility.reason or "product visibility could not be measured"


def _audio(ev: ClipEvidence, opts: CheckOptions, transcript: Any) -> None:
    from ..media.loudness import measure_audio
    from ..media.speech import speech_options, transcribe
    from ..text import find_action_cues, match_selling_points
    from ..text.selling_points import MatchOptions

    if not ev.info.has_audio:
        reason = "the file has no audio track"
        for name in ("audio", "speech", "selling_points", "cues"):
            ev.unknown[name] = reason
        return
    ev.audio = ev.attempt("audio", lambda: measure_audio(ev.path, ev.start_ms, ev.end_ms))
    if transcript is None:
        speech = speech_options(opts.speech_model, opts.language)
        transcript = ev.attempt("speech", lambda: transcribe(ev.path, ev.start_ms, ev.end_ms, speech))
    ev.transcript = transcript
    if transcript is None:
        return
    sentences = transcript.sentences
    ev.cues = ev.attempt("cues", lambda: find_action_cues(sentences))
    if ev.product is None:
        ev.unknown["selling_points"] = "no product given (use --catalog and --product)"
    elif not ev.product.selling_points:
        ev.unknown["selling_points"] = f"product {ev.product.id} has no selling points in the catalog"
    else:
        match = MatchOptions() if opts.embeddings else MatchOptions(embedder=None)
        points = ev.product.selling_points
        ev.points = ev.attempt("selling_points", lambda: match_selling_points(
            sentences, points, language=transcript.language, options=match))
