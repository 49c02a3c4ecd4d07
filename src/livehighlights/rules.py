"""The platform's rules for a LIVE highlight and our defaults, each a named constant, in one place.

The seed ("LIVE Highlight Best Practice") fixes the clip limits, the posting caps, the resolution and
how soon the product must show; the planner, the compliance judge and the CLI read them here. The
rules themselves, as the report lists them, are :data:`livehighlights.check.rules.RULES`.
"""

from __future__ import annotations

__all__ = [
    "AUTO_POST_MIN_TIER",
    "BEST_UNDER_S",
    "DEFAULT_SPEECH_MODEL",
    "LIVE_ENTRY_POINTS",
    "MAX_CLIPS_PER_LIVE",
    "MAX_CLIPS_PER_PRODUCT",
    "MAX_CLIP_S",
    "MAX_LIVE_S",
    "MIN_CLIP_S",
    "MIN_SHORT_SIDE",
    "MULTILINGUAL_SPEECH_MODEL",
    "PRIOR_BASELINE_SHARE",
    "PRIOR_ORDERS_PER_VIEWER_S",
    "PRIOR_STRENGTH_ORDERS",
    "PRODUCT_FULL_WITHIN_S",
    "PRODUCT_VISIBLE_WITHIN_S",
    "TARGET_MIN_S",
    "TIKTOK_CHUNK_MAX",
    "TIKTOK_CHUNK_MIN",
    "TIKTOK_INIT_PER_MIN",
    "TIKTOK_LAST_CHUNK_MAX",
    "TIKTOK_MAX_CHUNKS",
    "TIKTOK_QUERY_PER_MIN",
    "TIKTOK_STATUS_PER_MIN",
    "TIKTOK_TITLE_MAX_UTF16",
    "TIKTOK_SHOP_ANCHOR_MAX",
    "TIKTOK_SHOP_FILE_MAX",
]

# -- the seed's rules ---------------------------------------------------------------------------

MIN_CLIP_S = 5.0
"""A highlight is at least 5 s long ("the ideal clip length is between 5 to 60 seconds")."""
MAX_CLIP_S = 60.0
"""... and at most 60 s."""
BEST_UNDER_S = 40.0
"""Under 40 s works best (advisory): the planner aims below it, the judge reports it."""
MAX_CLIPS_PER_LIVE = 20
"""At most 20 auto-posted highlights per LIVE."""
MAX_CLIPS_PER_PRODUCT = 3
"""At most 3 highlights per pinned product."""
MIN_SHORT_SIDE = 720
"""At least 720p: the short side of a portrait or landscape frame, in pixels."""
PRODUCT_VISIBLE_WITHIN_S = 1.0
"""The product appears within 1 s after the clip starts."""
PRODUCT_FULL_WITHIN_S = 5.0
"""... and is fully visible within the first 5 s."""

MAX_LIVE_S = 24 * 3600
"""The longest LIVE we handle: an event more than this from the rest of its log is a stray time (skipped with a
warning naming its line), and a LIVE length beyond it is refused. Bounds the per-second timeline's work and
memory whatever the times in a file say."""

LIVE_ENTRY_POINTS: dict[str, tuple[float, float]] = {
    "feed": (0.915, 0.565),
    "feed_caption_up": (0.915, 0.50),
}
"""Where the app shows the way into a LIVE that is on, on a short video, per screen layout (fractions of the
width and height of the 9:16 frame): assumed, not given by any API. ``feed``: the short-video feed, where
the creator's avatar, ringed and tagged "LIVE" while the creator is live, tops the right-hand rail of
buttons, above the like button (about 91% across, 56% down). ``feed_caption_up``: the same rail pushed up
by a long caption or a product anchor (about 50% down). A remix style picks one (``arrow.layout``) or gives
its own place (``arrow.target``)."""

# -- our defaults ----------------------------------------------------------------------------------

TARGET_MIN_S = 15.0
"""The planner aims at clips of at least 15 s (long enough to state a selling point), up to
:data:`BEST_UNDER_S`."""
DEFAULT_SPEECH_MODEL = "tiny.en"
"""Speech model when none is asked for and the LIVE is in English (or its language is unknown)."""
MULTILINGUAL_SPEECH_MODEL = "base"
"""Speech model when none is asked for and the LIVE's language is not English."""

# -- population defaults of the detector (used where a LIVE is too short for its own baseline) -------

PRIOR_ORDERS_PER_VIEWER_S = 1.0e-5
"""Baseline orders per concurrent viewer per second, all products together, outside pitches that sell.

About 3.6 orders per hour per 100 viewers: the order of magnitude of a small shop's LIVE where
roughly 1 viewer in 30 buys over an hour. It is an assumption, not a measurement: give the seller's
own past LIVEs (``--priors``) wherever they exist."""
PRIOR_BASELINE_SHARE = 0.5
"""Share of a past LIVE's total orders taken as its baseline when a priors file gives totals only
(the rest sold in pitches)."""
PRIOR_STRENGTH_ORDERS = 1.0
"""A prior weighs as much as this many orders seen by the stream itself (a gamma prior of that shape):
a small stream leans on it for many minutes, a large one, whose own orders come fast, soon overrules
it (a rate per viewer may be off by an order of magnitude for a given seller)."""

AUTO_POST_MIN_TIER = "basic"
"""A clip below this compliance tier is never auto-posted (a manual post of one needs ``--force``)."""

# -- TikTok Content Posting API (Direct Post) and TikTok Shop's creator videos ----------------------------

TIKTOK_CHUNK_MIN = 5 * 1024 * 1024
"""FILE_UPLOAD chunks are at least 5 MB (a video under 5 MB goes as one chunk) ..."""
TIKTOK_CHUNK_MAX = 64 * 1024 * 1024
"""... and at most 64 MB ..."""
TIKTOK_LAST_CHUNK_MAX = 128 * 1024 * 1024
"""... except the last, which takes the remainder up to 128 MB."""
TIKTOK_MAX_CHUNKS = 1000
"""At most 1000 chunks per upload."""
TIKTOK_TITLE_MAX_UTF16 = 2200
"""A post's title (caption with hashtags) is at most 2200 UTF-16 code units."""
TIKTOK_QUERY_PER_MIN = 20
"""``creator_info/query``: about 20 requests per minute per user token."""
TIKTOK_INIT_PER_MIN = 6
"""``video/init``: about 6 requests per minute per user token."""
TIKTOK_STATUS_PER_MIN = 30
"""``status/fetch``: about 30 requests per minute per user token."""
TIKTOK_SHOP_ANCHOR_MAX = 30
"""A shoppable video's product anchor title is under 30 characters, plain (no punctuation or emoji)."""
TIKTOK_SHOP_FILE_MAX = 100 * 1024 * 1024
"""A video file uploaded to TikTok Shop is at most 100 MB."""
