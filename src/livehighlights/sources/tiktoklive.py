"""Adapter for JSON Lines dumps of the TikTokLive Python client's events (``fmt="tiktoklive"``).

Each line is one client event serialised as an object with its class name in ``"event"`` (also
accepted: ``"type"`` or ``"event_type"`` when it names an ``...Event`` class) and the event's fields
in the client's snake_case names (betterproto ``to_dict(casing=SNAKE)``; camelCase is accepted
too). The original line is kept whole in ``Event.raw``; nothing is dropped.

Time: ``create_time`` (also ``common.create_time``, ``timestamp``, ``ts``), epoch milliseconds
(>= 1e11) or epoch seconds (>= 1e9), or an ISO-8601 string; smaller numbers are seconds from the
LIVE's start. Epoch times are aligned to the LIVE's start like any absolute time.

Mapping (the client's field names as found in TikTokLive's ``events``/``proto`` modules;
alternatives in brackets are tried in order):

=========================  ================  ==========================================================
TikTokLive event           our ``type``      fields
=========================  ================  ==========================================================
CommentEvent               comment           text = ``comment`` [``content``]; user
LikeEvent                  like              count = ``count`` [``like_count``] (``total`` = room total,
                                             kept in raw)
JoinEvent                  join              count = 1
ShareEvent                 share             count = 1
FollowEvent                follow            count = 1
GiftEvent                  gift              text = ``gift.name``; count = ``repeat_count`` (1);
                                             value = ``gift.diamond_count`` * count (diamonds);
                                             a streak still running (``streaking`` true, or
                                             ``repeat_end`` 0 on a streakable ``gift.type`` 1) is
                                             type ``gift_streak`` so a combo is counted once, at its end
RoomUserSeqEvent           viewers           count = ``viewer_count`` [``m_total``, ``total``,
                                             ``total_user``]
OecLiveShoppingEvent       product_pin       product_id = ``product_id`` [``product.id``,
                                             ``shop_data.product_id``]; text = title; price in raw;
                                             ``product_unpin`` when ``action``/``action_type`` says
                                             unpin/remove/2
*Order* / *Purchase*       order             id = ``order_id``; product_id; quantity [``count``];
                                             amount [``total_amount``, ``pay_amount``, ``total``,
                                             price * quantity]; currency
ProductClick*, AddToCart*  product_click,    product_id, count / quantity
                           add_to_cart
Connect/Disconnect/        connect, ...      lifecycle, kept (not reported as unknown)
LiveEnd/LivePause/...
anything else              snake_case name   kept and reported as an unknown type
=========================  ================  ==========================================================

User: ``user.unique_id`` [``uniqueId``, ``nickname``, ``user_id``, ``id``] or a plain string.
Event id (for de-duplication): ``id`` [``msg_id``, ``common.msg_id``, ``order_id``].
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from .adapters import EventAdapter, Problem, ReadContext, Record, read_text, register_adapter
from .formats import iter_json_lines

_LIFECYCLE = {"ConnectEvent": "connect", "DisconnectEvent": "disconnect", "LiveEndEvent": "live_end",
              "LivePauseEvent": "live_pause", "LiveUnpauseEvent": "live_unpause"}
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_SIMPLE = {"JoinEvent": "join", "ShareEvent": "share", "FollowEvent": "follow"}


def _get(obj: Any, *paths: str) -> Any:
    """First non-empty value among dotted ``paths`` (snake_case or camelCase keys)."""
    for path in paths:
        cur = obj
        for part in path.split("."):
            if not isinstance(cur, dict):
                cur = None
                break
            nxt = cur.get(part)
            if nxt is None and "_" in part:
                head, *rest = part.split("_")
                nxt = cur.get(head + "".join(w.title() for w in rest))
            cur = nxt
        if cur is not None and cur != "":
            return cur
    return None


def _snake(name: str) -> str:
    base = name[:-5] if name.endswith("Event") and len(name) > 5 else name
    return re.sub(r"(?<!^)(?=[A-Z])", "_", base).lower()


def _time(rec: dict[str, Any]) -> Any:
    value = _get(rec, "create_time", "common.create_time", "timestamp", "ts")
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if value >= 1e11:
            return _EPOCH + timedelta(milliseconds=value)
        if value >= 1e9:
            return _EPOCH + timedelta(seconds=value)
    return value


def _user(rec: dict[str, Any]) -> Any:
    user = rec.get("user")
    if isinstance(user, (str, int)) and not isinstance(user, bool):
        return user
    return _get(user, "unique_id", "nickname", "user_id", "id") if isinstance(user, dict) else None


def _is_unpin(rec: dict[str, Any]) -> bool:
    action = _get(rec, "action", "action_type", "shop_data.action")
    if isinstance(action, str):
        return any(w in action.lower() for w in ("unpin", "remove", "cancel", "off"))
    return action == 2


def map_record(rec: dict[str, Any]) -> dict[str, Any]:
    """One TikTokLive event record -> our schema's fields (``type`` empty if it has no event name)."""
    name = str(rec.get("event") or rec.get("event_type") or rec.get("type") or "").rsplit(".", 1)[-1]
    out: dict[str, Any] = {"ts": _time(rec), "id": _get(rec, "id", "msg_id", "common.msg_id")}
    out["user"] = _user(rec)
    if name == "CommentEvent":
        out.update(type="comment", text=_get(rec, "comment", "content"))
    elif name == "LikeEvent":
        out.update(type="like", count=_get(rec, "count", "like_count"))
    elif name in _SIMPLE:
        out.update(type=_SIMPLE[name], count=1)
    elif name == "GiftEvent":
        count = _get(rec, "repeat_count") or 1
        diamonds = _get(rec, "gift.diamond_count", "diamond_count")
        gift_type = _get(rec, "gift.type", "gift.gift_type")
        running = rec.get("streaking") is True or (
            gift_type == 1 and _get(rec, "repeat_end") in (0, False) and rec.get("streaking") is not False)
        out.update(type="gift_streak" if running else "gift", count=count,
                   text=_get(rec, "gift.name", "gift_name"))
        if isinstance(diamonds, (int, float)) and isinstance(count, int):
            out["value"] = diamonds * count
    elif name == "RoomUserSeqEvent":
        out.update(type="viewers", count=_get(rec, "viewer_count", "m_total", "total", "total_user"))
    elif name == "OecLiveShoppingEvent":
        out.update(type="product_unpin" if _is_unpin(rec) else "product_pin",
                   product_id=_get(rec, "product_id", "product.id", "shop_data.product_id", "data.product_id"),
                   text=_get(rec, "title", "product.title", "shop_data.title", "data.title"))
    elif "Order" in name or "Purchase" in name:
        qty = _get(rec, "quantity", "count", "item_count", "product.quantity") or 1
        amount = _get(rec, "amount", "total_amount", "pay_amount", "total", "order.amount")
        price = _get(rec, "price", "product.price")
        if amount is None and isinstance(price, (int, float)) and isinstance(qty, int):
            amount = price * qty
        out.update(type="order", id=_get(rec, "order_id", "id", "msg_id", "common.msg_id"),
                   product_id=_get(rec, "product_id", "product.id"), quantity=qty, amount=amount,
                   currency=_get(rec, "currency", "product.currency"),
                   gross_profit=_get(rec, "gross_profit"))
    elif name.startswith("ProductClick"):
        out.update(type="product_click", product_id=_get(rec, "product_id", "product.id"),
                   count=_get(rec, "count") or 1)
    elif name.startswith("AddToCart"):
        out.update(type="add_to_cart", product_id=_get(rec, "product_id", "product.id"),
                   quantity=_get(rec, "quantity") or 1)
    elif name in _LIFECYCLE:
        out["type"] = _LIFECYCLE[name]
    else:
        out["type"] = _snake(name) if name else ""
    return {k: v for k, v in out.items() if v is not None}


@register_adapter
class TikTokLiveAdapter(EventAdapter):
    """JSON Lines dump of TikTokLive client events (see the module docstring for the mapping)."""

    name = "tiktoklive"
    extensions = (".tiktoklive.jsonl",)
    passthrough_types = frozenset(("gift_streak", *_LIFECYCLE.values()))

    @classmethod
    def sniff(cls, sample: dict[str, Any]) -> bool:
        """A record with an ``event`` naming an ``...Event`` class and no ``type`` of ours."""
        name = sample.get("event")
        return "type" not in sample and isinstance(name, str) and name.endswith("Event")

    def read(self, path: Path, ctx: ReadContext) -> Iterator[Record | Problem]:
        for item in iter_json_lines(read_text(path, ctx=ctx)):
            if isinstance(item, Problem):
                yield item
                continue
            n, value = item
            if not isinstance(value, dict):
                yield Problem(n, f"expected a JSON object, got {type(value).__name__}")
                continue
            yield Record(n, map_record(value), raw=value)
