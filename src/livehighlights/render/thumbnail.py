"""A JPEG still of one frame of the recording."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
from PIL import Image

from ..errors import InputError, MediaError, Where
from ..media.probe import open_media
from ..timebase import Ms
from ..vision.frames import upright
from .encode import VideoClock, decode_range

JPEG_QUALITY = 85
TAIL_S = 5
"""Seconds decoded at the end of the file when the requested time is past its last frame."""


def write_thumbnail(src: str | Path, at_ms: Ms, out_jpg: str | Path, *, max_side: int = 720) -> Path:
    """Write the frame shown at ``at_ms`` (ms from the file's origin) as a JPEG (quality 85) whose
    longer side is at most ``max_side`` pixels (never upscaled). Returns ``out_jpg``.

    A time past the last frame gives the last frame.
    """
    if max_side <= 0:
        raise InputError(f"thumbnail max_side must be positive, got {max_side}")
    out = Path(out_jpg)
    with open_media(src) as inp:
        if not inp.streams.video:
            raise MediaError("has no video stream", Where(Path(src)))
        video = inp.streams.video[0]
        clock = VideoClock.of(video)
        idx = clock.index_at_ms(max(0, at_ms))
        image = None
        for _i, frame in decode_range(inp, video, clock, idx, idx + 1):
            image = upright(frame).to_image()  # a phone video stored on its side: as displayed
        if image is None:  # past the last frame: the last frame of the final seconds
            end_s = Fraction(inp.duration or 0, av.time_base)
            inp.seek(max(0, int((end_s - TAIL_S) * av.time_base)), backward=True)
            last = None
            for last in inp.decode(video):  # noqa: B007 - only the last frame is kept
                pass
            image = upright(last).to_image() if last is not None else None
    if image is None:
        raise MediaError(f"no frame can be decoded at {at_ms} ms", Where(Path(src)))
    image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    out.parent.mkdir(parents=True, exist_ok=True)
    image.convert("RGB").save(out, format="JPEG", quality=JPEG_QUALITY)
    return out
