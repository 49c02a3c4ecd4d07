"""Clip files: frame-accurate cuts (smart stream-copy or full re-encode) and thumbnails."""

from .cut import CUT_METHODS, CutResult, cut_clip
from .thumbnail import write_thumbnail

__all__ = ["CUT_METHODS", "CutResult", "cut_clip", "write_thumbnail"]
