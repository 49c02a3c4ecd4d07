"""The online policy: a decision per moment as it is confirmed, under the seed's caps.

Moments arrive one by one (live: on the wall clock; after the LIVE: as the recording is replayed). Each is
taken (it may be cut and posted now; it counts against the caps of 20 per LIVE and 3 per product), held
(kept as a candidate for the review list: the caps are full, but a seller may still prefer it), or
rejected with the reason. After the LIVE, :func:`~livehighlights.plan.select` ranks everything that was
kept, with the content of each clip known, into the review list.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Literal

from .options import PlanOptions
from .windows import ClipWindow

__all__ = ["Decision", "OnlinePolicy"]

Action = Literal["take", "hold", "reject"]


@dataclass(frozen=True, slots=True)
class Decision:
    """What the policy decided for one window, and why."""

    action: Action
    reason: str

    @property
    def kept(self) -> bool:
        """Taken or held: the window is understood and stays a candidate."""
        return self.action != "reject"


class OnlinePolicy:
    """Decides per window, in the order windows are confirmed; never looks at a later moment.

    ``budget``: how many candidates are understood at most (taken and held); beyond it a new window is
    kept only when its score beats the weakest kept one (the work is bounded, the best stay in).
    """

    def __init__(self, opts: PlanOptions, budget: int | None = None) -> None:
        self.opts = opts
        self.budget = budget
        self._kept: list[ClipWindow] = []
        self._taken: list[ClipWindow] = []
        self._per_product: Counter[str] = Counter()

    @property
    def taken(self) -> list[ClipWindow]:
        """The windows taken so far, in the order they were taken."""
        return list(self._taken)

    def decide(self, win: ClipWindow) -> Decision:
        """Take, hold or reject ``win`` (and remember it)."""
        opts = self.opts
        if win.moment.kind not in opts.kinds:
            return Decision("reject", f"{win.moment.kind} moment (clips need kinds: {', '.join(opts.kinds)})")
        better = next((k for k in self._kept if k.start_ms < win.end_ms and win.start_ms < k.end_ms
                       and k.moment.score >= win.moment.score), None)
        if better is not None:
            return Decision("reject", f"overlaps a better moment at {better.start_ms / 1000:.1f} s")
        if self.budget is not None and len(self._kept) >= self.budget:
            weakest = min(k.moment.score for k in self._kept)
            if win.moment.score <= weakest:
                return Decision("reject", f"weaker than the {self.budget} candidates already kept")
        self._kept.append(win)
        pid = win.product_id
        if pid is not None and self._per_product[pid] >= opts.max_per_product:
            return Decision("hold", f"product {pid} already has {opts.max_per_product} clips taken")
        if len(self._taken) >= opts.max_per_live:
            return Decision("hold", f"LIVE already has {opts.max_per_live} clips taken")
        self._taken.append(win)
        if pid is not None:
            self._per_product[pid] += 1
        return Decision("take", "within the caps")

    def release(self, win: ClipWindow) -> None:
        """A taken window turned out unfit (below Basic, or its job failed): give its place back."""
        if win in self._taken:
            self._taken.remove(win)
            if win.product_id is not None:
                self._per_product[win.product_id] -= 1
