"""Quick post edit: the remix renderer.

A highlight becomes a post-ready 9:16 short: the LIVE's picture reframed (portrait kept whole, landscape
following the subject), auto subtitles from the word times, catalog stickers placed beside the product,
a "LIVE now" badge and an arrow to the LIVE button while the LIVE is on, an end card (CLICK NOW, or the
teaser of a bound LIVE plan), background music ducked under the host's voice, loudness-normalised; one
encode, plus a sidecar (``OUT.remix.json``) the compliance checker reads.

    from livehighlights.remix import RemixOptions, remix, resolve_source
    remix(resolve_source("out/highlights.json#1"), Path("remix.mp4"), RemixOptions(style="bold", live_on=True))
"""

from .batch import remix_highlights
from .graph import Encoder
from .layout import SafeArea
from .music import TRACKS
from .plan import LivePlan, load_plan
from .render import SIZES, RemixOptions, RemixResult, remix
from .source import RemixSource
from .source import resolve as resolve_source
from .style import Style, builtin_styles, load_style

__all__ = ["SIZES", "TRACKS", "Encoder", "LivePlan", "RemixOptions", "RemixResult", "RemixSource", "SafeArea",
           "Style", "builtin_styles", "load_plan", "load_style", "remix", "remix_highlights", "resolve_source"]
