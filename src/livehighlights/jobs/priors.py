"""The detector's cold-start priors for a LIVE of the store: without a priors file, the seller's past LIVEs in the
store (their summaries), else the population defaults (:mod:`livehighlights.detect.priors`). Shared by
``process`` and the live follower."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..pipeline import ProcessOptions
    from ..store import Store

__all__ = ["with_store_priors"]


def with_store_priors(opts: ProcessOptions, store: Store, seller_id: str, live_id: str) -> ProcessOptions:
    """``opts`` with the seller's past LIVEs (all but ``live_id``) as the detector's priors, where no priors file
    was given and the store holds any; else ``opts`` unchanged."""
    from ..detect.priors import past_live, priors_from

    if not opts.detect.priors.source.startswith("population defaults"):
        return opts  # a priors file was given: it wins
    past = [lv for x in store.lives(seller_id) if x.id != live_id and x.summary
            if (lv := past_live(x.summary)) is not None]
    if not past:
        return opts
    priors = priors_from(past, f"the seller's {len(past)} past LIVE{'s' if len(past) != 1 else ''} in the store")
    return replace(opts, detect=replace(opts.detect, priors=priors))
