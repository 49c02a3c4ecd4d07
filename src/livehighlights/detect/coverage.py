"""What a LIVE's data lets the detectors see, said plainly: never a silently empty or one-sided result.

:func:`coverage_warnings` looks at the whole timeline once the LIVE is replayed and says when the
input cannot give some kind of moment (no orders: no sales moment; no comments: no chat moments; a
LIVE shorter than the audience baseline needs), and why nothing was found when nothing was.
"""

from __future__ import annotations

from ..errors import Warning_
from ..models import Moment
from ..signals.timeline import Timeline
from .engagement import BURST_WINDOW_S, WARMUP_S

__all__ = ["MIN_AUDIENCE_S", "coverage_warnings"]

MIN_AUDIENCE_S = WARMUP_S + 3 * BURST_WINDOW_S
"""The shortest LIVE in which an audience burst can be judged against a baseline of its own."""


def coverage_warnings(timeline: Timeline, moments: list[Moment]) -> list[Warning_]:
    """Warnings about what the data cannot show (empty when every signal is there and moments were found)."""
    m = timeline.metrics
    n = timeline.duration_s
    total = {k: float(v.sum()) for k, v in m.items()}
    has_comments = total["comments"] > 0
    has_sales = total["orders"] > 0
    has_shop = has_sales or total["product_clicks"] > 0 or total["add_to_carts"] > 0 or any(timeline.pinned)
    out: list[Warning_] = []
    if has_comments and not has_shop and not (total["likes"] or total["views"] or total["viewers"]):
        out.append(Warning_("the log has only comments: engagement moments from chat only (no orders, clicks, "
                            "pins or viewers, so no sales or traffic moment)"))
    elif not has_sales:
        out.append(Warning_("the log has no orders: no sales moment can be found (engagement, interest and "
                            "traffic moments only)"))
    if not has_comments:
        out.append(Warning_("the log has no comments: engagement moments come from likes and gifts alone"))
    if not total["viewers"]:
        out.append(Warning_("the log has no viewer counts: rates are not normalised by audience size, and short "
                            "LIVEs get no priors"))
    if n < MIN_AUDIENCE_S:
        out.append(Warning_(f"the LIVE is {n} s long: too short for an audience burst to stand out against its "
                            f"own baseline (needs {MIN_AUDIENCE_S} s); sales are judged against priors"))
    if not moments:
        why = "no signal at all" if not any(total.values()) else "nothing stood out against the stream's baseline"
        out.append(Warning_(f"no moment found in {n} s of LIVE: {why}"))
    return out
