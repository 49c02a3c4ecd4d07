"""Events of a TikTok LIVE through the TikTokLive Python client: an optional extra, never a dependency.

TikTokLive is unofficial (it reads TikTok's internal WebCast push service) and carries an AGPL-style licence, so
it is never installed with livehighlights and never imported until a follower is asked for ``--events
tiktok:@USER``: a seller who wants it installs it themselves (``pip install TikTokLive``).

The client's events are mapped by their documented attribute names, the same mapping as a recorded dump of them
(:func:`livehighlights.sources.tiktoklive.map_record`): ``CommentEvent`` -> comment (``comment``, ``user``),
``LikeEvent`` -> like (``count``), ``GiftEvent`` -> gift (``gift.name``, ``repeat_count``, ``gift.diamond_count``;
a streak still running is ``gift_streak``, counted once at its end), ``JoinEvent`` -> join, ``FollowEvent`` ->
follow, ``ShareEvent`` -> share, ``RoomUserSeqEvent`` -> viewers (``m_total``, ``total_user``), ``LiveEndEvent`` ->
live_end (the follower ends the LIVE), ``OecLiveShoppingEvent`` -> product_pin when it names a product, and kept
whole in the event's raw record either way. The time is the event's ``common.create_time`` (epoch ms), else the
time it arrived. Mapping works on any object shaped like the client's events (attributes, nested objects,
betterproto ``to_pydict``), so it is tested without the client.
"""

from __future__ import annotations

import importlib.util
import threading
from dataclasses import dataclass, fields, is_dataclass
from datetime import UTC, datetime
from enum import Enum
from typing import Any

from ..errors import InputError, Where
from ..models import Event
from .events import EventSink, EventSource, parse_record

__all__ = ["CLIENT_EVENTS", "TikTokLiveSource", "client_event_record", "map_client_event"]

CLIENT_EVENTS = ("CommentEvent", "LikeEvent", "GiftEvent", "JoinEvent", "FollowEvent", "ShareEvent",
                 "RoomUserSeqEvent", "LiveEndEvent", "LivePauseEvent", "LiveUnpauseEvent", "OecLiveShoppingEvent")
"""The client's events a follower listens to."""

_DEPTH = 6


def _plain(value: Any, depth: int = 0) -> Any:
    """A client object as plain JSON-like data (attributes of nested objects followed a few levels deep)."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, datetime):
        return value.isoformat()
    if depth >= _DEPTH:
        return None
    if isinstance(value, dict):
        return {str(k): _plain(v, depth + 1) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_plain(v, depth + 1) for v in value]
    to_pydict = getattr(value, "to_pydict", None)
    if callable(to_pydict):
        try:
            return _plain(to_pydict(), depth + 1)
        except Exception:  # noqa: BLE001 - fall back to the attributes
            pass
    if is_dataclass(value) and not isinstance(value, type):
        items = {f.name: getattr(value, f.name, None) for f in fields(value)}
    else:
        items = {k: v for k, v in getattr(value, "__dict__", {}).items() if not k.startswith("_")}
    return {k: _plain(v, depth + 1) for k, v in items.items() if not callable(v)}


def client_event_record(event: object) -> dict[str, Any]:
    """The client's event as the record a dump of it holds: ``{"event": CLASS NAME, fields...}``."""
    doc = _plain(event)
    rec = doc if isinstance(doc, dict) else {"value": doc}
    return {"event": type(event).__name__, **rec}


def map_client_event(event: object, origin: datetime, *, now: datetime | None = None,
                     source: str = "tiktoklive") -> Event:
    """One client event as an :class:`~livehighlights.models.Event` in LIVE time (``origin``: the LIVE's start);
    raises :class:`ValueError` naming the field when it cannot be read."""
    from ..sources.tiktoklive import map_record

    rec = client_event_record(event)
    mapped = map_record(rec)
    if "ts" not in mapped:  # no create time on it: the time it arrived
        rec["create_time"] = int((now or datetime.now(UTC)).timestamp() * 1000)
    if not mapped.get("type"):
        raise ValueError(f"an event of class {rec['event']} has no name to map")
    return parse_record(rec, origin, source)


@dataclass
class TikTokLiveSource(EventSource):
    """A TikTok LIVE's events through the TikTokLive client (see the module's note)."""

    unique_id: str
    kind: str = "tiktok"

    def __post_init__(self) -> None:
        self.unique_id = self.unique_id.lstrip("@")
        if not self.unique_id:
            raise InputError("tiktok: needs the creator's @unique_id (tiktok:@name)", Where(field="--events"))
        if importlib.util.find_spec("TikTokLive") is None:
            raise InputError("the TikTokLive client is not installed: it is an optional extra (unofficial, with an "
                             "AGPL-style licence); install it yourself with: pip install TikTokLive",
                             Where(field="--events"))

    def spec(self) -> dict[str, Any]:
        return {"kind": self.kind, "unique_id": self.unique_id}

    def run(self, sink: EventSink, stop: threading.Event) -> None:  # pragma: no cover - needs TikTok itself
        import asyncio

        from TikTokLive import TikTokLiveClient  # type: ignore[import-not-found]
        from TikTokLive import events as tt_events  # type: ignore[import-not-found]

        client = TikTokLiveClient(unique_id="@" + self.unique_id)
        n = 0

        async def on_event(event: object) -> None:
            nonlocal n
            n += 1
            try:
                sink.put([map_client_event(event, sink.origin, source=f"tiktok:@{self.unique_id}:{n}")])
            except ValueError as e:
                sink.problem(f"tiktok:@{self.unique_id}: {type(event).__name__}: {e}")

        for name in CLIENT_EVENTS:
            cls = getattr(tt_events, name, None)
            if cls is not None:
                client.add_listener(cls, on_event)

        async def main() -> None:
            task = asyncio.ensure_future(client.start())
            while not stop.is_set() and not task.done():
                await asyncio.sleep(0.25)
            if not task.done():
                await client.disconnect()
            await asyncio.gather(task, return_exceptions=True)

        asyncio.run(main())
