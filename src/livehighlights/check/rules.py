"""The seed's rules for a LIVE highlight clip, as data: one entry per rule, with its tier.

Tiers (from the seed "LIVE Highlight Best Practice"): ``basic`` is the minimum a clip must meet to
be posted at all; ``high`` is "for maximum impact"; ``good`` is the seed's "good case". A rule is
``advisory`` where the seed says "whenever possible" or "most effective": it is reported but does
not decide the tier. A rule ``needs`` some context (the LIVE's recording or event log, the catalog);
without it the rule is ``unknown`` and says what was missing.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    """One rule of the seed."""

    id: str
    tier: str
    title: str
    seed: str
    """The seed's words the rule comes from."""
    advisory: bool = False
    needs: str | None = None
    """``live`` (the LIVE it was cut from), ``catalog`` (the product's entry) or ``None``."""


TIERS: tuple[str, ...] = ("basic", "high", "good")
"""In increasing order. A clip reaches a tier when it meets every non-advisory rule of it and below."""

RULES: tuple[Rule, ...] = (
    Rule("resolution", "basic", "Resolution at least 720p", "The resolution should be at least 720p"),
    Rule("no_lag", "basic", "No lagging", "no lagging, freezing, or black screens"),
    Rule("no_freeze", "basic", "No freezing", "no lagging, freezing, or black screens"),
    Rule("no_black", "basic", "No black screens", "no lagging, freezing, or black screens"),
    Rule("length", "basic", "5 to 60 seconds long", "The ideal clip length is between 5 to 60 seconds"),
    Rule("length_ideal", "basic", "Under 40 seconds", "with under 40 seconds being the most effective",
         advisory=True),
    Rule("no_qr", "basic", "No QR codes", "Avoid using any third-party logos, watermarks, or QR codes"),
    Rule("no_watermark", "basic", "No third-party logos or watermarks",
         "Avoid using any third-party logos, watermarks, or QR codes"),
    Rule("original_audio", "basic", "Original LIVE audio kept, not muted",
         "Original LIVE audio must be preserved, no muted or overdubbed content"),
    Rule("no_overdub", "basic", "Audio not overdubbed", "no muted or overdubbed content", needs="live"),
    Rule("clean_audio", "basic", "Clean sound, free of background noise",
         "Make sure the sound is clean and free of background noise"),
    Rule("consistent_volume", "basic", "Consistent volume", "with consistent volume"),
    Rule("decision_speech", "basic", "Strong, decision-oriented voiceover",
         "Use strong, decision-oriented voiceover content", advisory=True),
    Rule("local_language", "basic", "In the local language",
         "Whenever possible, use the local language", advisory=True),
    Rule("real_live", "basic", "Taken from a real LIVE session",
         "Clips should be taken from real LIVE sessions, not staged or artificial settings", needs="live"),
    Rule("product_in_live", "basic", "The product appeared in the LIVE",
         "any product shown in a teaser or highlight clip must also appear in the actual LIVE session",
         needs="live"),
    Rule("selling_points", "basic", "States the product's key selling points",
         "your highlight should mention the product's key benefits or features", needs="catalog"),
    Rule("product_match", "high", "Product matches the catalog and the LIVE (no swap)",
         "must exactly match what was shown in LIVE. No product swaps or mismatches", needs="catalog"),
    Rule("product_front", "high", "Product shown from the front",
         "The product should be clearly shown from the front", needs="catalog"),
    Rule("product_within_1s", "high", "Product appears within 1 s",
         "The product must appear within 1 second after the video starts", needs="catalog"),
    Rule("product_full_5s", "high", "Product fully visible within 5 s",
         "It must be fully visible within the first 5 seconds", needs="catalog"),
    Rule("visual_enhancements", "high", "Visual enhancements (stickers, text overlays)",
         "Include visual enhancements like animated video stickers or text overlays"),
    Rule("demonstration", "high", "Product held up, tried on or demonstrated",
         "Show product try-ons (e.g., beauty or fashion) or real-time demonstrations", needs="catalog"),
    Rule("action_cues", "high", "Merchant action cues (tap the cart, time-limited offer)",
         "Add merchant action cues—such as pointing to the product, encouraging viewers to tap, "
         "or showing time-sensitive offers"),
    Rule("promotion_visuals", "good", "Promotion sticker, discount info and brand shown",
         "surrounded by supporting visuals: promotion stickers, discount info, brand logos"),
    Rule("clear_placement", "good", "Clear product placement throughout",
         "clear product placement", needs="catalog"),
)

RULES_BY_ID: dict[str, Rule] = {r.id: r for r in RULES}
