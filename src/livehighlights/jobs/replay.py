"""The online loop of one LIVE: events -> engine -> moment -> policy -> job, one moment at a time.

After the LIVE, :func:`follow` is fed a recorded event log as fast as the machine allows; the live follower
feeds it events as they arrive. Every moment is stored before it is acted on and keyed by its id, so a
re-run (or a run restarted after a crash) finds the jobs already done and does not redo them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..engine import Engine, replay
from ..errors import Warning_
from ..models import Event, Moment
from ..plan import OnlinePolicy, Rejected
from ..timebase import ms_to_s
from .attach import attach_product, coarse_sales
from .context import PRODUCT_EVENTS, LiveContext
from .moment import Candidate, place
from .records import JOB_KEY, candidate_from_record, candidate_record
from .runner import JobRunner

if TYPE_CHECKING:
    from ..store import Store

__all__ = ["FollowOutcome", "OnCandidate", "follow", "follow_moments", "noting_products"]

OnCandidate = Callable[[Candidate, str], None]
"""``on_candidate(candidate, action)``: a kept moment's job is done (or was found done) and its record saved;
``action`` is the online policy's (``take`` or ``hold``). Called in the job's thread: keep it short."""


@dataclass
class FollowOutcome:
    """What following a LIVE produced: every moment, the candidates kept, what was rejected and why."""

    moments: list[Moment]
    candidates: list[Candidate]
    rejected: list[Rejected]
    taken: list[str] = field(default_factory=list)
    """Ids of the moments whose windows the online policy took as they were confirmed (what auto-posting would
    have posted), in the order it took them."""
    reused: int = 0
    """Jobs found done in the store (not redone)."""
    engine: Engine | None = None
    warnings: list[Warning_] = field(default_factory=list)
    """Problems met on the way (e.g. a minute of per-minute totals whose product the recording did not give)."""


def noting_products(events: Iterable[Event], ctx: LiveContext) -> Iterator[Event]:
    """The events as they are, each product that shows up in them noted in ``ctx.in_live``."""
    for ev in events:
        if ev.product_id and ev.type in PRODUCT_EVENTS:
            ctx.in_live.add(ev.product_id)
        yield ev


def follow(ctx: LiveContext, events: Iterable[Event], end_ms: int, engine: Engine, store: Store,
           job_key: str) -> FollowOutcome:
    """Run the LIVE's events through ``engine``; each confirmed moment is stored, placed, decided on by the
    online policy and, when kept, understood by its job (or taken from the store when already done)."""
    return follow_moments(ctx, replay(noting_products(events, ctx), end_ms, engine), store, job_key, engine=engine)


def follow_moments(ctx: LiveContext, moments: Iterable[Moment], store: Store, job_key: str, *,
                   engine: Engine | None = None, policy: OnlinePolicy | None = None,
                   on_candidate: OnCandidate | None = None) -> FollowOutcome:
    """The per-moment path of moments as they are confirmed (by a replay, or by the live follower on the wall
    clock): each is stored, placed, decided on by ``policy`` (default: the online policy of ``ctx.options``)
    and, when kept, understood by its job or taken from the store when already done; ``on_candidate`` hears of
    each kept candidate once its record is saved."""
    from ..store import highlight_id

    opts = ctx.options
    if policy is None:
        policy = OnlinePolicy(opts.plan, budget=opts.plan.max_per_live + opts.extra_candidates)
    done = {h.id: h for h in store.highlights(ctx.seller_id, ctx.live_id)}
    out = FollowOutcome([], [], [], engine=engine)
    pending: list[Future[Candidate]] = []
    saving_errors: list[BaseException] = []

    def save(fut: Future[Candidate], action: str) -> None:
        if fut.cancelled() or fut.exception() is not None:
            return
        try:
            store.save_highlight(candidate_record(ctx.live_id, fut.result(), job_key, ctx.catalog))
            if on_candidate is not None:
                on_candidate(fut.result(), action)
        except BaseException as err:  # noqa: BLE001 - reported below, in the main thread
            saving_errors.append(err)

    with JobRunner(ctx) if opts.understand is not None else _NoRunner() as runner:
        for moment in moments:
            if coarse_sales(moment, opts.detect.resolution_s):
                moment = _with_product(ctx, moment, out)
            out.moments.append(moment)
            rec = store.upsert_moment(ctx.live_id, moment)
            win = place(ctx, moment)
            decision = policy.decide(win)
            if not decision.kept:
                out.rejected.append(Rejected(win, decision.reason))
                store.set_moment_state(rec.id, "rejected", decision.reason)
                continue
            if decision.action == "take":
                out.taken.append(rec.id)
            prev = done.get(highlight_id(rec.id))
            if prev is not None and (prev.content or {}).get(JOB_KEY) == job_key:
                cand = candidate_from_record(prev)
                out.candidates.append(cand)
                out.reused += 1
                if on_candidate is not None:
                    on_candidate(cand, decision.action)
                continue
            if opts.understand is None:
                cand = Candidate(rec.id, win)
                store.save_highlight(candidate_record(ctx.live_id, cand, job_key, ctx.catalog))
                out.candidates.append(cand)
                if on_candidate is not None:
                    on_candidate(cand, decision.action)
                continue
            fut = runner.submit(rec.id, win)
            fut.add_done_callback(lambda f, a=decision.action: save(f, a))
            pending.append(fut)
        out.candidates += [f.result() for f in pending]
    if saving_errors:
        raise saving_errors[0]
    return out


def _with_product(ctx: LiveContext, moment: Moment, out: FollowOutcome) -> Moment:
    """A coarse sales moment (per-minute totals) with the product the recording names or shows in its period
    (:mod:`.attach`); when it gives none, a warning says so (the moment then makes no clip)."""
    got = attach_product(ctx, moment)
    if got.product_id is not None:
        ctx.in_live.add(got.product_id)  # the host named or showed it in the LIVE
    else:
        span = f"{ms_to_s(moment.start_ms):g}-{ms_to_s(moment.end_ms):g} s"
        out.warnings.append(Warning_(f"orders stood out at {span} of the per-minute totals, but no product could be "
                                     f"attached ({got.detail}): the totals carry no product id, so this moment "
                                     "makes no clip"))
    return got.moment


class _NoRunner:
    def __enter__(self) -> _NoRunner:
        return self

    def __exit__(self, *_: object) -> None:
        return None
