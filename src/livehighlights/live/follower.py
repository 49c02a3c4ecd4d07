"""The live follower: one LIVE followed while it runs, on the wall clock, through the same per-moment path as
``process``.

    events source(s) --store--> events table --by seq--> Engine.feed ----+
                    wall clock --> Watermark --> Engine.advance ------+--> moments --> jobs.follow_moments
    video buffer (MediaSource, LIVE-ms times) <-- wait for the window's end --+     (place, understand, refine,
                                                                                    check) --> AutoPoster (cut,
                                                                                    LIVE-cue remix, outbox)

Every event is stored before it is fed (:mod:`.events`); the watermark closes quiet seconds on a timer
(:mod:`.clock`); a confirmed moment waits until the buffer holds the end of its window, then goes through
:func:`~livehighlights.jobs.follow_moments` (the code ``process`` runs, the same online policy) and, once its job
is done, to the :class:`~.autopost.AutoPoster`. The LIVE is leased to this follower (:mod:`.leases`), which renews
the lease and saves its watermark every few seconds.

Crash safety: after a SIGKILL, ``livehighlights live --resume LIVE_ID`` (or a worker taking the LIVE over) replays
the stored events through a new engine up to where the last one got, then follows on. Moment and highlight ids
come from the moments themselves, jobs found done are not redone, clips and remixes are reused, and the outbox's
idempotency keys and caps make sure nothing is posted twice and no cap is passed.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..engine import Engine
from ..errors import InputError, Where
from ..jobs import Candidate, LiveContext, follow_moments, options_key
from ..media.source import MediaSource
from ..models import Event, Moment
from ..plan import OnlinePolicy
from ..publish import PostRecord
from ..publish.config import PublishConfig
from ..store import Store
from .autopost import AutoPoster, Mode, MomentReport
from .clock import DEFAULT_LAG_MS, LiveClock, Watermark
from .end import EndReport, end_live
from .events import END_TYPES, EventSink, EventSource, IngestStats, StoredEvents
from .leases import LeaseKeeper, acquire, new_owner, save_follow

__all__ = ["TOO_LATE_MS", "FollowOptions", "FollowResult", "LiveFollower", "live_key"]

log = logging.getLogger(__name__)

TOO_LATE_MS = 60_000
"""An event this much older than the seconds already closed is stored and counted, but not fed to the engine (a
late event is counted into the open second: an hour-old order would make a moment of now)."""
_WAIT_AFTER_MS = 3000 + 8000
"""How far past a moment's end the buffer should hold before its window is placed (the understanding's margin
after the window, and the clip's time after the strongest interest)."""


@dataclass
class FollowOptions:
    """How a LIVE is followed (kept with the LIVE in ``lives.follow``, so a resumed follower does the same)."""

    mode: Mode = "settings"
    destinations: list[str] | None = None
    """Where automatic posts go (``None``: the seller's settings)."""
    style: str | None = None
    """The remix style of automatic posts (``None``: the seller's settings, else ``classic``)."""
    room_url: str | None = None
    """The LIVE room's link, carried by each post's caption while the LIVE is on."""
    lag_ms: int = DEFAULT_LAG_MS
    poll_s: float = 0.25
    end_after_s: float = 60.0
    """No new video for this long: the stream stopped, the LIVE has ended."""
    window_wait_s: float = 120.0
    """How long a confirmed moment waits for the buffer to hold the end of its window."""
    deliver: bool = True
    """Deliver the posts from this follower (off: the workers of the task queue deliver them)."""
    out_dir: str | None = None
    """Where the review list is exported when the LIVE ends (``None``: kept in the store only)."""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, doc: dict[str, Any]) -> FollowOptions:
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in doc.items() if k in known})


@dataclass
class FollowResult:
    """What following the LIVE produced."""

    live_id: str
    moments: list[Moment]
    candidates: list[Candidate]
    reports: list[MomentReport]
    ingest: IngestStats
    late_events: int
    """Events that arrived after their second had closed (stored, counted into the open second)."""
    stopped: bool
    """Stopped before the LIVE ended (Ctrl-C, or another follower took the LIVE): it can be resumed."""
    end: EndReport | None = None
    warnings: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    posts: list[PostRecord] = field(default_factory=list)
    """The LIVE's posts as they are when the follower returns."""


class LiveFollower:
    """Follows one LIVE (see the module's note). Build it with :func:`~.session.start_follow` or
    :func:`~.session.resume_follow`; :meth:`run` returns when the LIVE ends or :meth:`stop` is called."""

    def __init__(self, store: Store, ctx: LiveContext, *, video: MediaSource, clock: LiveClock,
                 events: EventSource | None, config: PublishConfig, options: FollowOptions,
                 resumed_from_ms: int | None = None, owner: str | None = None,
                 on_moment: Callable[[Moment], None] | None = None,
                 on_report: Callable[[MomentReport], None] | None = None,
                 on_post: Callable[[PostRecord], None] | None = None,
                 on_note: Callable[[str], None] | None = None) -> None:
        self.store, self.ctx, self.video, self.clock = store, ctx, video, clock
        self.events, self.config, self.options = events, config, options
        self.resumed_from_ms = resumed_from_ms
        self.owner = owner or new_owner()
        self.on_moment, self.on_note = on_moment, on_note
        self.watermark = Watermark(clock, options.lag_ms, resumed_from_ms or 0)
        self.sink = EventSink(store, ctx.live_id, clock.origin)
        self.tail = StoredEvents(store, ctx.live_id)
        self.poster = AutoPoster(ctx, store, config, mode=options.mode, destinations=options.destinations,
                                 style=options.style, room_url=options.room_url, deliver=options.deliver,
                                 on_report=on_report, on_post=on_post)
        self.late_events = 0
        self.too_late = 0
        self.warnings: list[str] = []
        self._stop = threading.Event()
        self._sources_stop = threading.Event()
        self._ended: tuple[str, int] | None = None
        self._sources: list[threading.Thread] = []

    # ---- control ----------------------------------------------------------------------------------------------
    def stop(self, *_: object) -> None:
        """Stop following without ending the LIVE (it can be resumed); safe from a signal handler."""
        self._stop.set()

    def _note(self, text: str) -> None:
        self.warnings.append(text)
        if self.on_note is not None:
            self.on_note(text)

    # ---- the run ----------------------------------------------------------------------------------------------
    def run(self) -> FollowResult:
        """Follow the LIVE until it ends (or :meth:`stop`); the review list is exported at the end."""
        if not acquire(self.store, self.ctx.live_id, self.owner):
            raise InputError(f"LIVE {self.ctx.live_id} is being followed by another follower (its lease has not "
                             "run out)", Where(field="--resume"))
        keeper = LeaseKeeper(self.store, self.ctx.live_id, self.owner,
                             extra=lambda: {"watermark_ms": self.watermark.at_ms}).start()
        lost = keeper.lost
        threading.Thread(target=lambda: (lost.wait(), self._stop.set()), daemon=True).start()
        if not self._has_audio():
            self.poster.posting = False
            self._note("the stream has no audio: following on, keeping moments for review, posting nothing "
                       "(a clip must keep the LIVE's own sound)")
            self.ctx.options = replace(self.ctx.options, understand=None, snap_to_pauses=False)  # nothing to hear
        engine = Engine.from_names(options=self.ctx.options.detect, catalog=self.ctx.catalog)
        opts = self.ctx.options
        policy = OnlinePolicy(opts.plan, budget=opts.plan.max_per_live + opts.extra_candidates)
        job_key = options_key(opts)
        self.poster.start()
        try:
            replayed = self._replay_stored(engine) if self.resumed_from_ms is not None else iter(())
            if self.events is not None:
                self._sources.append(self.events.start(self.sink, self._sources_stop))
            outcome = follow_moments(self.ctx, self._moments(engine, replayed), self.store, job_key, engine=engine,
                                     policy=policy, on_candidate=self.poster.submit)
        finally:
            self._stop_sources()
            self.poster.close()
            keeper.stop(give_back=True)
            self.video.close()  # a stream's buffer stops taking it in (a resumed follower opens it again)
        result = FollowResult(self.ctx.live_id, outcome.moments, outcome.candidates, self.poster.reports,
                              self.sink.stats, self.late_events, stopped=self._ended is None,
                              warnings=list(self.warnings), failures=self.poster.failures)
        result.warnings += [str(w) for w in engine.warnings()]
        if self.too_late:
            result.warnings.append(f"{self.too_late} event(s) came more than {TOO_LATE_MS // 1000} s after their "
                                   "second had closed: stored, not counted toward moments")
        if self._ended is not None:
            ended_by, end_ms = self._ended
            save_follow(self.store, self.ctx.live_id, watermark_ms=end_ms)
            out = Path(self.options.out_dir) if self.options.out_dir else None
            result.end = end_live(self.store, self.ctx, self.poster.config, end_ms=end_ms, ended_by=ended_by,
                                  candidates=outcome.candidates, out_dir=out, job_key=job_key)
        else:
            save_follow(self.store, self.ctx.live_id, watermark_ms=self.watermark.at_ms)
        from ..publish import Outbox

        result.posts = Outbox(self.store, self.config).posts(self.ctx.seller_id, self.ctx.live_id)
        return result

    def _stop_sources(self) -> None:
        """Stop the event sources and wait for their last reads to be stored."""
        self._sources_stop.set()
        for t in self._sources:
            t.join(timeout=10)

    def _has_audio(self) -> bool:
        has = getattr(self.video, "has_audio", None)
        if has is None:
            has = self.video.info.has_audio
        return bool(has)

    def _replay_stored(self, engine: Engine) -> Iterator[Moment]:
        """A resumed follower: the events stored before it started, in time order, through the new engine, and
        the watermark back where the last follower had it.

        The event source is first let catch up: events written while no follower ran (a file that went on
        growing) are stored before the replay, so they count toward moments instead of arriving "too late"
        behind the wall clock's watermark."""
        if self.events is not None and not self.events.caught_up.wait(CATCH_UP_S):
            self._note(f"the event source has not caught up in {CATCH_UP_S:g} s: replaying what is stored")
        upto = self.tail.last_seq()
        self.tail.after_seq = upto
        for ev in self.tail.upto(upto):
            self._note_event(ev)
            yield from engine.feed(ev)
        yield from engine.advance(self.resumed_from_ms or 0)

    def _note_event(self, ev: Event) -> None:
        if ev.product_id and ev.type in ("product_pin", "product_click", "add_to_cart", "order"):
            self.ctx.in_live.add(ev.product_id)

    def _moments(self, engine: Engine, replayed: Iterable[Moment]) -> Iterator[Moment]:
        """Moments as the engine confirms them on the wall clock, each once the buffer holds its window."""
        yield from self._ready(replayed)
        last_video, last_growth = -1, time.monotonic()
        while not self._stop.is_set():
            evs = self.tail.poll()
            confirmed: list[Moment] = []
            for ev in evs:
                self._note_event(ev)
                if ev.ts_ms < engine.closed_s * 1000:
                    self.late_events += 1
                    if ev.ts_ms < engine.closed_s * 1000 - TOO_LATE_MS:
                        self.too_late += 1  # stored, kept for the review; too old to count toward a moment now
                        continue
                if ev.type in END_TYPES and self._ended is None:
                    self._ended = ("end event", ev.ts_ms)
                confirmed += engine.feed(ev)
            confirmed += engine.advance(self.watermark.advance())
            yield from self._ready(confirmed)
            if self._ended is not None:
                break
            avail = self.video.available_until_ms()
            if avail > last_video:
                last_video, last_growth = avail, time.monotonic()
            if getattr(self.video, "ended", False):
                status = getattr(self.video, "status", None)
                self._ended = (f"stream ended: {status.message}" if status is not None else "recording ended",
                               self.video.duration_ms() or avail)
                break
            if time.monotonic() - last_growth > self.options.end_after_s:
                self._ended = ("stream stopped", last_video)
                self._note(f"no new video for {self.options.end_after_s:g} s: the LIVE has ended")
                break
            if len(evs) < self.tail.chunk:
                self._stop.wait(self.options.poll_s)
        if self._ended is None:
            return  # stopped: the LIVE goes on without us; a resumed follower continues from the stored events
        time.sleep(min(5.0, self.options.lag_ms / 1000 / self.clock.speed))  # stragglers of the last seconds
        self._stop_sources()
        for ev in self.tail.poll():  # what was stored up to the end
            self._note_event(ev)
            yield from self._ready(engine.feed(ev))
        end_ms = max(self._ended[1], self.watermark.at_ms, engine.closed_s * 1000, 1)
        self._ended = (self._ended[0], end_ms)
        yield from self._ready(engine.finish(end_ms))

    def _ready(self, moments: Iterable[Moment]) -> Iterator[Moment]:
        for m in moments:
            need = m.end_ms + _WAIT_AFTER_MS
            end = self.video.duration_ms()
            if end is None or need < end:
                if not self._wait_video(need):
                    self._note(f"moment at {m.start_ms / 1000:.1f} s: the video reached only "
                               f"{self.video.available_until_ms() / 1000:.1f} s; its window is placed within that")
            if self.on_moment is not None:
                self.on_moment(m)
            yield m


    def _wait_video(self, ms: int) -> bool:
        """Wait (in short steps, so that a stop is heard) until the video holds ``ms``; whether it does."""
        wait = getattr(self.video, "wait_until", None)
        deadline = time.monotonic() + self.options.window_wait_s
        while True:
            left = deadline - time.monotonic()
            if wait is None:
                return self.video.available_until_ms() >= ms
            if wait(ms, max(0.0, min(1.0, left))):
                return True
            if left <= 0 or self._stop.is_set() or getattr(self.video, "ended", False):
                return False


CATCH_UP_S = 30.0
"""How long a resumed follower waits for its event source to store its backlog before it replays."""


def live_key(video: str, started_at: datetime) -> str:
    """The store key of a followed LIVE: its video source and the time it started."""
    return f"follow:{video}@{started_at.astimezone(UTC).isoformat()}"
