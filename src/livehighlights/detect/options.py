"""Options of the shopping-moment detector, in one dataclass (documented defaults)."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

from ..errors import InputError, Where
from .priors import Priors, load_priors

DEFAULT_WEIGHTS: dict[str, float] = {
    "gmv": 0.35,
    "gpm": 0.20,
    "engagement": 0.30,
    "traffic": 0.15,
    "profit": 0.0,
}
"""Default component weights.

``gmv``: excess GMV of the moment's product over its baseline (orders counted in the lag window
after the pitch). ``gpm``: GMV per 1000 views during the moment against the stream's own GPM (a
raid of viewers that buys at the usual rate scores nothing here). ``engagement``: product clicks and
add-to-carts, then likes, comments, shares and follows, during the moment. ``traffic``: joins and
concurrent viewers. ``profit``: excess gross profit (set a weight where cost or profit is known;
the seed's "GPM" as gross profit margin). Weights are normalised to sum to 1.
"""


@dataclass
class DetectOptions:
    """How the shopping-moment detector segments, attributes and scores."""

    weights: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    order_lag_s: int = 90
    """Orders caused by a pitch are counted up to this long after the pitch ends."""
    tail_s: int = 30
    """Activity that goes on up to this long after a pinned pitch belongs to that pitch."""
    min_segment_s: int = 5
    max_segment_s: int = 150
    """Longer pinned stretches are split, so a moment stays clip-sized."""
    baseline_span_s: int = 600
    """Trailing history that defines the stream's own baseline."""
    activity_open_z: float = 3.0
    activity_close_z: float = 1.5
    activity_quiet_s: int = 10
    z_cap: float = 8.0
    """Each component is clipped to ``[0, z_cap]`` before weighting."""
    min_score: float = 1.0
    """Moments scoring below this are not emitted."""
    product_min_z: float = 3.0
    """A moment is a product moment when its product's orders exceed the baseline by this z (or by two thirds of
    it, two orders or more, over a pitch of that very product pinned, with :attr:`thin_history_s` of the stream's
    own history or more; or by half
    of it while product interest is clearly above the stream's weaker pitches: log2 lift >= 0.5; or by a
    third of it while interest is four times theirs: log2 lift >= 2). With no product known, the stream's orders
    make a ``sales`` moment at this z; a period of coarse data (:attr:`resolution_s`) at two thirds of it."""
    sale_weight: float = 2.0
    """A product moment (its product's orders stood out: it sold) also carries ``sale_weight`` times that z
    (clipped to ``[0, z_cap]``) as its ``sale`` component, on top of the weighted components: moments that sold
    rank by the evidence that they sold (a significance, comparable across streams of any size), above pitches
    that only drew clicks or chat; plus ``2 * sale_weight`` times the log2 of its orders over the LIVE's own orders
    per minute (how much it sold, scale-free). A ``sales`` moment of coarse data (a run of minutes that sold) carries
    the same, from its run's orders judged as one, where they stand out by two thirds of :attr:`product_min_z`
    (:meth:`~livehighlights.detect.shopping.ShoppingMomentDetector.rank_run`). 0 ranks them by the weighted
    components alone."""
    reference_segments: int = 20
    """How many earlier segments form the reference for product interest."""
    resolution_s: int = 1
    """The input's resolution: 60 for per-minute totals (each minute is then a candidate segment, and
    the finer segmentation by pins and bursts, meaningless at that resolution, is off)."""
    thin_history_s: int = 300
    """With less history than this before a moment (a short LIVE, the first minutes of a long one), its
    orders are judged against the stream's own rate per viewer blended with :attr:`priors`."""
    priors: Priors = field(default_factory=Priors)
    """Baseline rates for a thin history: the seller's past LIVEs (``priors`` key: a priors file path,
    see :mod:`livehighlights.detect.priors`), else the population defaults."""

    def normalised_weights(self) -> dict[str, float]:
        total = sum(max(0.0, w) for w in self.weights.values())
        if total <= 0:
            raise InputError("detector weights must not all be zero", Where(field="weights"))
        return {k: max(0.0, w) / total for k, w in self.weights.items()}

    @classmethod
    def from_dict(cls, data: dict[str, Any], where: Where | None = None) -> DetectOptions:
        """Build from a config mapping; unknown keys and unknown weight names are errors."""
        known = {f.name for f in fields(cls)}
        opts = cls()
        for key, value in data.items():
            if key not in known:
                raise InputError(f"unknown detector option '{key}'", where or Where(field=key))
            if key == "priors":
                opts.priors = value if isinstance(value, Priors) else load_priors(value)
            elif key == "weights":
                if not isinstance(value, dict):
                    raise InputError("weights must be a mapping", where or Where(field="weights"))
                for name, w in value.items():
                    if name not in DEFAULT_WEIGHTS:
                        raise InputError(
                            f"unknown weight '{name}' (known: {', '.join(DEFAULT_WEIGHTS)})",
                            where or Where(field=f"weights.{name}"),
                        )
                    if not isinstance(w, (int, float)) or w < 0:
                        raise InputError("a weight must be a number >= 0",
                                         where or Where(field=f"weights.{name}"))
                    opts.weights[name] = float(w)
            else:
                setattr(opts, key, type(getattr(opts, key))(value))
        return opts
