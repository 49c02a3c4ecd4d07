"""Starting a followed LIVE, or taking one up again: the video opened, the LIVE recorded in the store with how to
follow it (``lives.follow``), the event source opened, the :class:`~.follower.LiveFollower` built.

The video is a local recording played as if live at ``speed`` (:class:`~.clock.PacedFile`), or a stream (HLS, RTMP,
FLV, a playlist) taken into the rolling buffer of :mod:`livehighlights.live.buffer`.
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

__all__ = ["open_video", "resume_follow", "start_follow"]

_STREAM_SUFFIXES = (".m3u8", ".flv", ".sdp")


def open_video(spec: str, *, speed: float = 1.0, origin: datetime | None = None,
               buffer_dir: Path | None = None) -> tuple[MediaSource, LiveClock, dict[str, Any]]:
    """The LIVE's video, the clock it runs on and how to open it again. A local recording is played as if live
    at ``speed``; anything else is a stream taken into the video buffer."""
    path = Path(spec)
    if "://" not in spec and path.is_file() and path.suffix.lower() not in _STREAM_SUFFIXES:
        clock = LiveClock(origin, speed) if origin is not None else LiveClock.starting_now(speed)
        return PacedFile(path, clock), clock, {"kind": "file", "location": str(path.resolve()), "speed": speed}
    if "://" not in spec and not path.exists():
        raise InputError("no such file, and not a stream URL (hls, rtmp, http...)", Where(path, field="--video"))
    try:
        from .buffer import BufferOptions, open_live_video
    except ImportError:
        raise InputError("this installation cannot take in live streams (livehighlights.live.buffer is missing)",
                         Where(field="--video")) from None
    opts = BufferOptions() if buffer_dir is None else BufferOptions(root=buffer_dir)  # type: ignore[call-arg]
    buf: Any = open_live_video(spec, opts)
    clock = LiveClock(buf.started_at, 1.0)
    return buf, clock, {"kind": "stream", "location": spec, "buffer": str(buffer_dir) if buffer_dir else None}


def _process_options(store: Store, seller_id: str, live_id: str, name: str) -> Any:
    from ..pipeline import ProcessOptions, _with_store_priors

    settings = auto_settings(store, seller_id)
    opts = ProcessOptions(seller=name)
    opts.plan = replace(opts.plan, max_per_live=settings.max_per_live, max_per_product=settings.max_per_product)
    return _with_store_priors(opts, store, seller_id, live_id)


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
    media, clock, video_spec = open_video(video, speed=speed)
    live = store.upsert_live(seller_rec.id, live_key(video, clock.origin), title=title or Path(video).stem,
                             started_at=clock.origin, status="live", recording=str(media.path), events=events,
                             catalog=str(catalog.resolve()) if catalog else None)
    spec = {"video": video_spec, "events": src.spec() if src is not None else {"kind": "store"},
            "catalog": str(catalog.resolve()) if catalog else None, "options": options.to_json()}
    save_follow(store, live.id, follow=spec, room_url=options.room_url, ended_at=None)
    ctx = LiveContext(live.id, seller_rec.id, media, _process_options(store, seller_rec.id, live.id, seller), cat,
                      catalog)
    return LiveFollower(store, ctx, video=media, clock=clock, events=src, config=config, options=options, **callbacks)


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
    if vs.get("kind") == "file":
        media, clock, _ = open_video(str(vs["location"]), speed=float(vs.get("speed", 1.0)), origin=state.started_at)
    else:
        media, clock, _ = open_video(str(vs.get("location")),
                                     buffer_dir=Path(vs["buffer"]) if vs.get("buffer") else None)
    src = event_source if event_source is not None else open_event_source(spec.get("events") or {"kind": "store"})
    catalog = Path(spec["catalog"]) if spec.get("catalog") else None
    ctx = LiveContext(live_id, seller_rec.id, media, _process_options(store, seller_rec.id, live_id, seller),
                      _catalog(catalog), catalog)
    return LiveFollower(store, ctx, video=media, clock=clock, events=src, config=config, options=options,
                        resumed_from_ms=state.watermark_ms or 0, owner=owner, **callbacks)
