"""The product of a coarse sales moment, from the recording: per-minute totals say *when* orders stood out (a
minute), never *what* sold. Where a recording and a catalog are given, the minute is listened to and looked at:

1. **Named**: the catalog product the host talks about most in the minute: each sentence saying one of its
   distinctive title words (4 letters or more, not shared with another product's title) counts 1, each of its
   selling points stated counts :data:`POINT_WEIGHT` (a generic title word such as "light" weighs less than
   what the pitch says of the product); ties go to the one named first.
2. **Shown**, when none is named: the catalog product seen (its reference pictures) on the most sampled frames
   of the minute, at least :data:`MIN_SIGHTINGS` of them.

The moment then becomes a ``product`` moment of that product: the pitch is taken to start where the product is
first named (or first seen), so the moment starts :data:`BEFORE_MS` before that and peaks :data:`PITCH_MS` after it
(the price and the call to buy come after the product is introduced), both kept within the period; its evidence
says how the product was attached and what the period was (``evidence["product_from"]``). The usual per-moment
job (place, understand, refine onto sentences, the product's appearance, selling points) then picks the clip
inside the period. A minute where the recording neither names nor shows a product is left as it was (a
``sales`` moment, no clip) and said so in a warning.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from ..models import Moment
from ..timebase import Ms, ms_to_s

if TYPE_CHECKING:
    from ..sources import Catalog
    from .context import LiveContext

__all__ = ["BEFORE_MS", "MIN_SIGHTINGS", "PITCH_MS", "POINT_WEIGHT", "Attached", "Named", "attach_product",
           "coarse_sales", "named_products"]

MIN_SIGHTINGS = 2
"""A product must be seen on at least this many sampled frames of the minute to be taken as shown."""
POINT_WEIGHT = 2.0
"""A selling point stated weighs this many sentences naming the product (as in the refinement's value)."""
BEFORE_MS = 2000
"""The attached moment starts this long before the product is first named or seen."""
PITCH_MS = 30_000
"""... and peaks this long after (a pitch states the price and calls to buy after introducing the product)."""


@dataclass
class Named:
    """A product the speech of a period talks about."""

    product_id: str
    sentences: int
    """Sentences saying one of its distinctive title words."""
    points: int
    """Its selling points stated."""
    weight: float
    first_ms: Ms
    """When it is first named or one of its points stated."""


@dataclass
class Attached:
    """What the recording told about a coarse moment's product."""

    moment: Moment
    """The moment, a ``product`` moment when a product was attached (else unchanged)."""
    product_id: str | None
    how: str
    """``speech`` (named), ``vision`` (shown) or ``none``."""
    detail: str
    """One line on what decided it (quoted in the moment's evidence and in the warning when nothing did)."""


def coarse_sales(moment: Moment, resolution_s: int) -> bool:
    """Whether ``moment`` is a sales moment of coarse data (per-minute totals): orders stood out in a period,
    no product known. Only these get a product from the recording (per-second input is left exactly as is)."""
    return resolution_s > 1 and moment.kind == "sales" and moment.product_id is None


def _words(text: str) -> list[str]:
    return "".join(c.lower() if c.isalnum() else " " for c in text).split()


def _title_words(catalog: Catalog) -> dict[str, set[str]]:
    """Each product's distinctive title words: 4 letters or more, in no other product's title."""
    words = {pid: {w for w in _words(p.title or "") if len(w) >= 4} for pid, p in catalog.products.items()}
    seen = Counter(w for ws in words.values() for w in ws)
    return {pid: {w for w in ws if seen[w] == 1} for pid, ws in words.items()}


def named_products(sentences: list[Any], catalog: Catalog, embeddings: bool = True) -> list[Named]:
    """The products ``sentences`` name or state selling points of, the most talked about first (ties: the one
    named first); see the module docs."""
    from ..text import match_selling_points
    from ..text.selling_points import MatchOptions

    names = _title_words(catalog)
    match = MatchOptions() if embeddings else MatchOptions(embedder=None)
    out: list[Named] = []
    for pid, product in catalog.products.items():
        named = [s for s in sentences if names[pid] & set(_words(s.text))]
        points = [m for m in match_selling_points(sentences, product.selling_points, options=match)
                  if m.stated and m.start_ms is not None] if product.selling_points and sentences else []
        if not named and not points:
            continue
        times = [s.start_ms for s in named] + [m.start_ms for m in points]
        out.append(Named(pid, len(named), len(points), len(named) + POINT_WEIGHT * len(points), min(times)))
    return sorted(out, key=lambda n: (-n.weight, n.first_ms))


def _shown(ctx: LiveContext, start: Ms, end: Ms) -> tuple[str, int, Ms] | None:
    """The product seen on the most sampled frames of ``[start, end)`` (with its first sighting)."""
    from ..understand import sparse_scan
    from ..vision import VisibilityOptions, visibility_track

    catalog, opts = ctx.catalog, ctx.options.understand
    assert catalog is not None and opts is not None
    with_images = [p for p in catalog.products.values() if p.images]
    if not with_images:
        return None
    scan = sparse_scan(ctx.recording, start, end, opts)
    best: tuple[str, int, Ms] | None = None
    for p in with_images:
        track = visibility_track(ctx.recording, start, end, p.images, scan=scan,
                                 options=VisibilityOptions(fps=opts.vision_fps))
        seen = [s.t_ms for s in track.sightings if s.visible]
        if len(seen) >= MIN_SIGHTINGS and (best is None or len(seen) > best[1]):
            best = (p.id, len(seen), seen[0])
    return best


def attach_product(ctx: LiveContext, moment: Moment) -> Attached:
    """Give a coarse sales moment the product the recording names (else shows) within its period (see the
    module docs). Media problems become ``how="none"`` with the reason, never an exception."""
    from ..errors import InputError, MediaError
    from ..media.speech import speech_options, transcribe

    opts = ctx.options.understand
    span = f"{ms_to_s(moment.start_ms):g}-{ms_to_s(moment.end_ms):g} s"
    if ctx.catalog is None or not len(ctx.catalog) or opts is None:
        why = "no catalog" if ctx.catalog is None or not len(ctx.catalog) else "speech and vision are off"
        return Attached(moment, None, "none", f"{span}: {why}, so no product could be taken from the recording")
    start, end = moment.start_ms, min(moment.end_ms, ctx.length_ms())
    if end <= start:
        return Attached(moment, None, "none", f"{span}: the recording does not cover this period")
    detail = ""
    try:
        heard = transcribe(ctx.recording, start, end, speech_options(opts.speech_model, opts.language))
        named = named_products(heard.sentences, ctx.catalog, opts.embeddings)
        if named:
            top = named[0]
            detail = (f"named in {top.sentences} sentence{'s' if top.sentences != 1 else ''}, {top.points} selling "
                      f"point{'s' if top.points != 1 else ''} stated in {span} (first at {ms_to_s(top.first_ms):g} s)")
            if len(named) > 1:
                detail += f"; also talked about: {', '.join(n.product_id for n in named[1:])}"
            return _attached(moment, top.product_id, "speech", detail, top.first_ms, end)
        detail = f"no catalog product named in {span}"
        shown = _shown(ctx, start, end)
        if shown is not None:
            pid, n, first = shown
            return _attached(moment, pid, "vision", f"{detail}; shown on {n} sampled frames from "
                             f"{ms_to_s(first):g} s", first, end)
        detail += " nor shown"
    except (InputError, MediaError) as err:
        detail = f"{span}: the recording could not be analysed ({err})"
    return Attached(moment, None, "none", detail)


def _attached(moment: Moment, pid: str, how: str, detail: str, first: Ms, end: Ms) -> Attached:
    """The moment as a ``product`` moment of ``pid``, its pitch from ``first`` on, within its period."""
    lo = moment.start_ms
    start = min(max(lo, first - BEFORE_MS), end - 1)
    peak = min(max(start, first + PITCH_MS), end - 1)
    evidence = {**moment.evidence, "product_from": {
        "how": how, "product_id": pid, "detail": detail, "period_s": [ms_to_s(lo), ms_to_s(moment.end_ms)]}}
    return Attached(replace(moment, start_ms=start, peak_ms=peak, kind="product", product_id=pid, evidence=evidence),
                    pid, how, detail)
