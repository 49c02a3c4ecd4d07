"""Each kept moment of a followed LIVE, once its job is done: cut, remixed with the LIVE-in-progress cues, posted.

The clip is cut (frame-exact, from what the buffer holds) into the media root and recorded on the highlight, so
the review list has it whether or not it is posted. Then, when the seller's Auto LIVE Highlights settings say so
(read again before every post, so ``livehighlights auto off`` in the middle of a LIVE stops the next post) and the
clip is at least Basic, it is remixed with the "LIVE now" badge, the arrow to the LIVE button and the CLICK NOW
end card, and handed to the outbox as an automatic post to each destination (the caps, the consent and the
idempotency key are the outbox's: a moment seen again after a restart is never posted twice). Posts are
delivered by this follower's own delivery thread, or by the workers when it has none.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Literal

from ..errors import LiveHighlightsError
from ..jobs import Candidate, LiveContext, cut_candidate
from ..jobs.gate import heavy_gate
from ..publish import Outbox, PostRecord, PostRequest
from ..publish.config import PublishConfig
from ..store import HighlightRecord, Store
from ..store.settings import AutoSettings, auto_settings

__all__ = ["SAME_MOMENT", "AutoPoster", "Mode", "MomentReport", "posted_twin"]

log = logging.getLogger(__name__)

Mode = Literal["settings", "auto", "review"]
"""``settings``: the seller's Auto LIVE Highlights toggle decides before each post; ``auto``: the same (the
follower switched it on when it started); ``review``: nothing is posted, every moment is kept for review."""


@dataclass
class MomentReport:
    """What became of one kept moment (printed by ``livehighlights live`` as it happens)."""

    moment_id: str
    highlight_id: str
    start_ms: int
    end_ms: int
    product_id: str | None
    tier: str | None
    action: str
    """The online policy's decision: ``take`` or ``hold``."""
    clip: Path | None = None
    remix: Path | None = None
    posts: list[PostRecord] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """Why nothing was posted, or what a destination refused."""
    seconds: dict[str, float] = field(default_factory=dict)
    """Wall-clock seconds of this follower's steps (``cut``, ``remix``, ``outbox``)."""


class AutoPoster:
    """Works through kept moments one at a time in its own thread (see the module's note)."""

    def __init__(self, ctx: LiveContext, store: Store, config: PublishConfig, *, mode: Mode = "settings",
                 destinations: list[str] | None = None, style: str | None = None, room_url: str | None = None,
                 deliver: bool = True, on_report: Callable[[MomentReport], None] | None = None,
                 on_post: Callable[[PostRecord], None] | None = None) -> None:
        self.ctx, self.store = ctx, store
        self.config = replace(config, room_url=room_url) if room_url else config
        self.mode = mode
        self.destinations = destinations
        self.style = style
        self.on_report, self.on_post = on_report, on_post
        self.reports: list[MomentReport] = []
        self.failures: list[str] = []
        self._todo: queue.Queue[tuple[Candidate, str] | None] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name=f"autopost-{ctx.live_id}", daemon=True)
        self._deliveries: queue.Queue[str | None] | None = queue.Queue() if deliver else None
        self._courier = threading.Thread(target=self._deliver_loop, name=f"deliver-{ctx.live_id}", daemon=True) \
            if deliver else None
        self._keyframes_lock = threading.Lock()
        self.posting = True
        """Cleared when posting must stop for this LIVE (no audio: clips must keep the LIVE's sound)."""

    def start(self) -> AutoPoster:
        self._thread.start()
        if self._courier is not None:
            self._courier.start()
        return self

    def submit(self, cand: Candidate, action: str) -> None:
        """A kept candidate whose record is saved (the follower's ``on_candidate`` hook; any thread)."""
        self._todo.put((cand, action))

    def pending(self) -> int:
        return self._todo.qsize()

    def close(self) -> None:
        """Finish the moments already submitted and their deliveries, then stop."""
        self._todo.put(None)
        self._thread.join()
        if self._deliveries is not None and self._courier is not None:
            self._deliveries.put(None)
            self._courier.join()

    # ---- the work ---------------------------------------------------------------------------------------------
    def _run(self) -> None:
        while (item := self._todo.get()) is not None:
            cand, action = item
            try:
                rep = self.handle(cand, action)
            except Exception as e:  # noqa: BLE001 - one moment's failure is reported; the LIVE goes on
                log.exception("moment %s", cand.moment_id)
                self.failures.append(f"moment {cand.moment_id}: {type(e).__name__}: {e}")
                continue
            self.reports.append(rep)
            if self.on_report is not None:
                self.on_report(rep)

    def handle(self, cand: Candidate, action: str) -> MomentReport:
        """Cut one kept moment's clip and, when the settings allow it, remix and post it."""
        from ..store import highlight_id

        hid = highlight_id(cand.moment_id)
        w = cand.window
        rep = MomentReport(cand.moment_id, hid, w.start_ms, w.end_ms, w.product_id,
                           cand.report.tier if cand.report else None, action)
        rec = self.store.get_highlight(self.ctx.seller_id, hid)
        if rec is None:
            raise LiveHighlightsError(f"highlight {hid} is not in the store")
        t0 = time.monotonic()
        gate = heavy_gate()
        if self.ctx.options.render:
            with gate.slot(cand.moment_id):
                rec = self._cut(cand, rec)
            rep.seconds["cut"] = round(time.monotonic() - t0, 2)
        if rec.clip:
            rep.clip = self.store.media.path(rec.clip)
        rep.tier = rec.tier
        why_not = self._why_not_post(rec.postable, rec.tier, rec.blocked_by)
        if why_not is not None:
            rep.notes.append(why_not)
            return rep
        settings = auto_settings(self.store, self.ctx.seller_id)  # read before each post: "auto off" stops it
        if not settings.auto_post:
            rep.notes.append("kept for review: Auto LIVE Highlights is off for this seller")
            return rep
        if not rec.clip:
            rep.notes.append("kept for review: no clip was cut")
            return rep
        twin = posted_twin(self.store, Outbox(self.store, self.config), self.ctx.seller_id, rec)
        if twin is not None:
            rep.notes.append(f"kept for review: the same moment as {twin}, already auto-posted (not posted twice)")
            return rep
        t0 = time.monotonic()
        with gate.slot(cand.moment_id):
            style, remix_path = self._remix(rec, settings)
        rep.remix = remix_path
        rep.seconds["remix"] = round(time.monotonic() - t0, 2)
        t0 = time.monotonic()
        outbox = Outbox(self.store, self.config, max_per_live=settings.max_per_live,
                        max_per_product=settings.max_per_product)
        for dest in self.destinations or settings.destinations or ["local"]:
            self._post(outbox, rep, PostRequest(hid, dest, remix=style, auto=True))
        rep.seconds["outbox"] = round(time.monotonic() - t0, 2)
        return rep

    def _why_not_post(self, postable: bool, tier: str | None, blocked: list[str]) -> str | None:
        if self.mode == "review":
            return "kept for review (--review)"
        if not self.posting:
            return "kept for review: the stream has no audio (a clip must keep the LIVE's own sound)"
        if not postable:
            rules = ", ".join(blocked) or f"tier {tier or 'none'}"
            return f"kept for review: below Basic ({rules}), never auto-posted"
        return None

    def _cut(self, cand: Candidate, rec: HighlightRecord) -> HighlightRecord:
        w = cand.window
        if rec.clip and rec.start_ms == w.start_ms and rec.end_ms == w.end_ms \
                and self.store.media.path(rec.clip).is_file():
            return rec  # cut before (a follower restarted after a crash)
        media = self.store.media
        tmp = media.tmp() / f"{rec.id}.mp4"
        with self._keyframes_lock:
            keyframes = self.ctx.source.keyframes_ms()
        done = cut_candidate(self.ctx, cand, tmp, keyframes)
        try:
            clip = media.put(done.clip, kind="clips")
            thumb = media.put(done.thumbnail, kind="thumbnails") if done.thumbnail else None
        finally:
            for p in (done.clip, done.thumbnail, done.clip.with_name(done.clip.name + ".json")):
                if p is not None:
                    p.unlink(missing_ok=True)
        cut = {"method": done.method, "reencoded_s": done.reencoded_s, "copied_s": done.copied_s,
               "seconds": done.seconds}
        return self.store.save_highlight(replace(rec, clip=clip, thumbnail=thumb, cut=cut))

    def _remix(self, rec: HighlightRecord, settings: AutoSettings) -> tuple[str, Path]:
        """The highlight's remix with the LIVE cues (made once; a stored one is reused)."""
        from ..remix import Encoder, RemixOptions, remix, resolve_source
        from ..remix.batch import keep_remix
        from ..remix.reuse import StoredWindow, attach_stored

        style = self.style or settings.style or "classic"
        for r in self.store.remixes(self.ctx.seller_id, rec.id):
            if r.style == Path(style).stem or r.style == style:
                return r.style, self.store.media.path(r.path)
        src = resolve_source(str(self.store.media.path(rec.clip or "")), catalog=self.ctx.catalog_path,
                             product_id=rec.product_id)
        # the job's transcript (with its words' times) is reused: the speech is not recognised a second time
        attach_stored(src, StoredWindow(rec.start_ms, rec.end_ms, rec.transcript))
        out = self.store.media.tmp() / f"{rec.id}.remix.mp4"
        info = self.ctx.source.info
        size = "1080x1920" if min(info.width, info.height) >= 1080 else "720x1280"  # never upscaled for nothing
        result = remix(src, out, RemixOptions(style=style, size=size, live_on=True,
                                              encoder=Encoder(preset="ultrafast")))
        kept = keep_remix(self.store, rec.id, result)
        for p in (result.output, result.sidecar, result.contact_sheet):
            if p is not None:
                p.unlink(missing_ok=True)
        return kept.style, self.store.media.path(kept.path)

    def _post(self, outbox: Outbox, rep: MomentReport, req: PostRequest) -> None:
        from ..publish import PostRefused

        try:
            queued = outbox.create(self.ctx.seller_id, req)
        except PostRefused as e:
            rep.notes.append(f"{req.destination}: not posted: {e}")
            return
        except LiveHighlightsError as e:
            rep.notes.append(f"{req.destination}: not posted: {e}")
            return
        rep.posts.append(queued.post)
        if not queued.new:
            rep.notes.append(f"{req.destination}: already posted as {queued.post.id} (not posted twice)")
        if queued.post.settled:
            return
        if self._deliveries is not None:
            self._deliveries.put(queued.post.id)
        else:
            self._enqueue(queued.post.id)

    def _enqueue(self, post_id: str) -> None:
        """Hand the post to the workers' queue (a worker's sweep finds it in the outbox anyway)."""
        from ..publish.queue import hand_over, make_queue

        hand_over(make_queue(self.config.queue), Outbox(self.store, self.config), post_id)

    def _deliver_loop(self) -> None:
        from ..publish.deliver import Deliverer

        assert self._deliveries is not None
        deliverer = Deliverer(self.store, self.config)
        try:
            while (post_id := self._deliveries.get()) is not None:
                try:
                    post = deliverer.deliver(post_id)
                except Exception as e:  # noqa: BLE001 - the outbox keeps the post; a worker retries it
                    log.warning("post %s: delivery failed (%s)", post_id, e)
                    continue
                if post is not None and self.on_post is not None:
                    self.on_post(post)
                if post is not None and not post.settled and post.state in ("queued", "processing"):
                    self._retry_later(post_id, post.not_before)
        finally:
            deliverer.close()

    def _retry_later(self, post_id: str, when: datetime) -> None:
        from ..store.schema import utcnow

        assert self._deliveries is not None
        delay = max(0.5, (when - utcnow()).total_seconds())
        deliveries = self._deliveries
        timer = threading.Timer(min(delay, 300.0), lambda: deliveries.put(post_id))
        timer.daemon = True
        timer.start()


SAME_MOMENT = 0.5
"""Two clips of one LIVE that share more than this part of the shorter one are the same moment."""


def posted_twin(store: Store, outbox: Outbox, seller_id: str, rec: HighlightRecord) -> str | None:
    """The id of another highlight of ``rec``'s LIVE, already auto-posted (not cancelled or failed), whose window
    is mostly ``rec``'s: a follower taken over after a crash replays the stored events in time order and can
    confirm the same moment with slightly other bounds; it is posted once. ``None`` when there is none."""
    length = max(1, rec.end_ms - rec.start_ms)
    seen: set[str] = set()
    for post in outbox.posts(seller_id, rec.live_id):
        hid = post.highlight_id
        if hid == rec.id or hid in seen or not post.auto or post.state in ("cancelled", "failed"):
            continue
        seen.add(hid)
        other = store.get_highlight(seller_id, hid)
        if other is None:
            continue
        shared = min(rec.end_ms, other.end_ms) - max(rec.start_ms, other.start_ms)
        if shared > SAME_MOMENT * min(length, max(1, other.end_ms - other.start_ms)):
            return hid
    return None
