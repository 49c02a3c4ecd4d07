"""Starting a followed LIVE, or taking one up again: the video opened, the LIVE recorded in the store with how to
follow it (``lives.follow``), the event source opened, the :class:`~.follower.LiveFollower` built.

The video is a stream (HLS, RTMP pulled or pushed to us, HTTP-FLV, a growing file, a recording played as if live)
taken into the video buffer of :mod:`livehighlights.live.buffer`, or a recording paced by the clock alone
(``paced:PATH``).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

from ..errors import InputError, Where
from ..jobs import LiveContext
from ..media.source import MediaSource
from ..publish.config import PublishConfig
from ..store import Store
from ..store.settings import auto_settings, set_auto_settings
from .clock import LiveClock, PacedFile
from .events import EventSource, open_event_source
from .follower import FollowOptions, LiveFollower, live_key
from .leases import follow_state, save_follow

__all__ = ["PACED", "open_video", "register_follow", "resume_follow", "start_follow"]

PACED = "paced:"
"""``paced:PATH``: a recording played as if live by the clock alone (no FFmpeg copy; tests and benchmarks)."""
CONNECT_S = 60.0
"""How long to wait for the first media of a stream before giving up."""


def open_video(spec: str, *, speed: float = 1.0, origin: datetime | None = None, workdir: Path | None = None,
               end_after_s: float = 60.0) -> tuple[MediaSource, LiveClock, dict[str, Any]]:
    """The LIVE's video, the clock it runs on and how to open it again.

    ``paced:PATH`` is a recording paced by the clock (:class:`~.clock.PacedFile`); anything else is a stream spec
    of :mod:`livehighlights.live.stream_sources` (HLS, RTMP pulled or pushed to us, HTTP-FLV, a growing file, a
    local file played as if live at ``speed``) taken into the video buffer in ``workdir``, which a resumed
    follower opens again (the buffer continues its recording)."""
    if spec.startswith(PACED):
        path = Path(spec[len(PACED):])
        if not path.is_file():
            raise InputError("no such recording", Where(path, field="--video"))
        clock = LiveClock(origin, speed) if origin is not None else LiveClock.starting_now(speed)
        return PacedFile(path, clock), clock, {"kind": "paced", "location": str(path.resolve()), "speed": speed}
    from .buffer import BufferOptions, open_live_video
    from .stream_sources import parse_source

    source = parse_source(spec, speed=speed)
    if workdir is None:
        raise InputError("a stream needs a folder for its buffer", Where(field="--buffer"))
    buf = open_live_video(source, workdir, BufferOptions(end_after_s=end_after_s))  # type: ignore[arg-type]
    try:
        started = buf.wait_started(CONNECT_S)
    except BaseException:
        buf.close()
        raise
    clock = LiveClock(started, source.speed if source.kind == "file" else 1.0)
    return buf, clock, {"kind": "stream", "location": spec, "speed": speed, "buffer": str(workdir.resolve())}


def _buffer_dir(store: Store, seller_id: str, video: str) -> Path:
    import hashlib
    import time

    tag = hashlib.sha256(f"{seller_id}|{video}|{time.time_ns()}".encode()).hexdigest()[:16]
    return store.media.root / "live-buffers" / tag


def _process_options(store: Store, seller_id: str, live_id: str, name: str) -> Any:
    from ..jobs.priors import with_store_priors
    from ..pipeline import ProcessOptions

    settings = auto_settings(store, seller_id)
    opts = ProcessOptions(seller=name)
    opts.plan = replace(opts.plan, max_per_live=settings.max_per_live, max_per_product=settings.max_per_product)
    return with_store_priors(opts, store, seller_id, live_id)


def _catalog(path: Path | None) -> Any:
    if path is None:
        return None
    from ..sources import load_catalog

    return load_catalog(path)


def start_follow(store: Store, config: PublishConfig, *, video: str, events: str, catalog: Path | None,
                 seller: str = "default", title: str | None = None, options: FollowOptions | None = None,
                 speed: float = 1.0, event_source: EventSource | None = None, **callbacks: Any) -> LiveFollower:
    """A follower of a new LIVE (``--auto-post`` switches the seller's Auto LIVE Highlights on: ``auto off``
    switches it off again, also in the middle of the LIVE)."""
    options = options or FollowOptions()
    cat = _catalog(catalog)
    src = event_source if event_source is not None else open_event_source(events)
    seller_rec = store.seller(seller)
    if options.mode == "auto":
        set_auto_settings(store, seller_rec.id, auto_post=True)
    media, clock, video_spec = open_video(video, speed=speed, workdir=_buffer_dir(store, seller_rec.id, video),
                                          end_after_s=options.end_after_s)
    live = store.upsert_live(seller_rec.id, live_key(video, clock.origin), title=title or Path(video).stem,
                             started_at=clock.origin, status="live", recording=str(media.path), events=events,
                             catalog=str(catalog.resolve()) if catalog else None)
    spec = {"video": video_spec, "events": src.spec() if src is not None else {"kind": "store"},
            "catalog": str(catalog.resolve()) if catalog else None, "options": options.to_json()}
    save_follow(store, live.id, follow=spec, room_url=options.room_url, ended_at=None)
    ctx = LiveContext(live.id, seller_rec.id, media, _process_options(store, seller_rec.id, live.id, seller), cat,
                      catalog)
    return LiveFollower(store, ctx, video=media, clock=clock, events=src, config=config, options=options, **callbacks)


def register_follow(store: Store, *, video: str, events: str, catalog: Path | None, seller: str = "default",
                    title: str | None = None, options: FollowOptions | None = None, speed: float = 1.0) -> str:
    """Register a new LIVE for a follower worker to take up (``live --detach``) and return its id at once: the
    sources are checked (a bad spec, a missing file, standard input fail here, naming the option), nothing is
    opened; the first worker that looks (``livehighlights worker --follow`` or ``live --worker``) follows it."""
    from .stream_sources import parse_source

    options = options or FollowOptions()
    if events.strip() == "-":
        raise InputError("a worker cannot read this terminal's standard input: give a file, store, tiktok:@USER "
                         "or analytics:URL", Where(field="--events"))
    src = open_event_source(events)  # checks the spec; nothing is read until a follower runs it
    if catalog is not None:
        _catalog(catalog)  # a catalog that cannot be read fails now, not on the worker
    seller_rec = store.seller(seller)
    if options.mode == "auto":
        set_auto_settings(store, seller_rec.id, auto_post=True)
    origin = LiveClock.starting_now(speed).origin
    if video.startswith(PACED):
        path = Path(video[len(PACED):])
        if not path.is_file():
            raise InputError("no such recording", Where(path, field="--video"))
        video_spec: dict[str, Any] = {"kind": "paced", "location": str(path.resolve()), "speed": speed}
    else:
        parse_source(video, speed=speed)
        video_spec = {"kind": "stream", "location": video, "speed": speed,
                      "buffer": str(_buffer_dir(store, seller_rec.id, video).resolve())}
    live = store.upsert_live(seller_rec.id, live_key(video, origin), title=title or Path(video).stem,
                             started_at=origin, status="live", events=events,
                             catalog=str(catalog.resolve()) if catalog else None)
    spec = {"video": video_spec, "events": src.spec() if src is not None else {"kind": "store"},
            "catalog": str(catalog.resolve()) if catalog else None, "options": options.to_json()}
    save_follow(store, live.id, follow=spec, room_url=options.room_url, ended_at=None)
    return live.id


def resume_follow(store: Store, config: PublishConfig, live_id: str, *, seller: str = "default",
                  event_source: EventSource | None = None, owner: str | None = None,
                  **callbacks: Any) -> LiveFollower:
    """A follower taking up a LIVE again where the last one got (after a crash, or a worker's death)."""
    seller_rec = store.seller(seller)
    state = follow_state(store, seller_rec.id, live_id)
    if state is None:
        raise InputError(f"no LIVE with id '{live_id}' for seller '{seller}'", Where(field="--resume"))
    if not state.follow:
        raise InputError(f"LIVE {live_id} was not followed while it ran: there is nothing to resume",
                         Where(field="--resume"))
    if state.ended_at is not None or state.status != "live":
        raise InputError(f"LIVE {live_id} has ended: nothing to resume (its review list: livehighlights "
                         f"highlights {live_id})", Where(field="--resume"))
    spec = state.follow
    options = FollowOptions.from_json(spec.get("options") or {})
    vs = spec.get("video") or {}
    speed = float(vs.get("speed", 1.0))
    if vs.get("kind") == "paced":
        media, clock, _ = open_video(PACED + str(vs["location"]), speed=speed, origin=state.started_at)
    else:
        media, clock, _ = open_video(str(vs.get("location")), speed=speed,
                                     workdir=Path(vs["buffer"]) if vs.get("buffer") else None,
                                     end_after_s=options.end_after_s)
    if state.watermark_ms is None:  # registered by ``live --detach``: the first follower sets when and where
        save_follow(store, live_id, started_at=clock.origin, recording=str(media.path))
    src = event_source if event_source is not None else open_event_source(spec.get("events") or {"kind": "store"})
    catalog = Path(spec["catalog"]) if spec.get("catalog") else None
    ctx = LiveContext(live_id, seller_rec.id, media, _process_options(store, seller_rec.id, live_id, seller),
                      _catalog(catalog), catalog)
    return LiveFollower(store, ctx, video=media, clock=clock, events=src, config=config, options=options,
                        resumed_from_ms=state.watermark_ms or 0, owner=owner, **callbacks)
