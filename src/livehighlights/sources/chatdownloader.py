"""Adapter for chat-downloader's output (xenova/chat-downloader, ``fmt="chat-downloader"``): a LIVE's chat as events.

Read like the other chat logs (:mod:`~livehighlights.sources.chatlogs`): recognised by its content, the item kept
whole in ``Event.raw``, an item that cannot be read a warning naming its line (or its index, ``[12]``, in a one-line
file), a file with no message an error.

``chat_downloader URL --output chat.json`` writes a JSON list of chat items (``output/continuous_write.py``:
``JSONCW``); ``--output chat.csv`` the same items flattened, one row each, nested keys joined by ``.``
(``CSVCW``, ``utils/core.py``: ``flatten_json``: ``author.name``, ``money.amount``); a list saved as JSON Lines is
read too. Fields as its ``sites/youtube.py`` and ``sites/twitch.py`` set them:

=========================================  ========================================================================
field                                      read as
=========================================  ========================================================================
``time_in_seconds``                        ``ts``: seconds from the video's start. A message before it (negative:
                                           chat before the stream began) is left out, with one warning
``timestamp``                              Unix time in microseconds: an item without ``time_in_seconds`` is placed
                                           by it against an item that has both; a log with no
                                           ``time_in_seconds`` (a live capture) is aligned to its first message
``author.name``                            ``user`` (else ``author.display_name``, ``author.id``; older versions
                                           write ``author`` as a string)
``message``                                ``text``
``message_id``                             ``id``
``message_type``                           ``text_message`` (or none, older versions), ``highlighted_message``:
                                           ``comment``. ``paid_message``: ``comment`` and ``gift``;
                                           ``paid_sticker``: ``gift``, both with ``value`` = ``money.amount``,
                                           ``currency`` = ``money.currency``, ``text`` = ``money.text``. Twitch
                                           ``bits`` on a message: also a ``gift`` of that value. Memberships and
                                           subscriptions (``membership_item``, ``subscription``, ``resubscription``,
                                           ``*subscription_gift``, ``sponsorships_gift_purchase_announcement``,
                                           ...): ``gift`` (``count`` = ``mass_gift_count``, else 1; no value),
                                           a resubscription's own words also a ``comment``. ``raid``: ``join`` of
                                           ``number_of_raiders``. ``ticker_*`` (the same paid items again, pinned
                                           above the chat): kept as ``chat_ticker``, not counted. Anything else
                                           (deleted messages, bans, mode changes, ...): kept as ``chat_notice``
=========================================  ========================================================================
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from ..errors import InputError, Where
from .adapters import EventAdapter, Problem, ReadContext, Record, read_text, register_adapter
from .chatlogs import _EPOCH, _document, _gift_id, _has, _number, _text_of, _warn_early, unix_us

__all__ = ["ChatDownloaderAdapter", "unflatten"]

_COMMENT_TYPES = frozenset(("text_message", "highlighted_message", "send_message_in_subscriber_only_mode"))
_PAID_TYPES = frozenset(("paid_message", "paid_sticker"))
_MEMBER_TYPES = frozenset((
    "membership_item", "sponsorships_gift_purchase_announcement", "subscription", "resubscription",
    "subscription_gift", "anonymous_subscription_gift", "mystery_subscription_gift",
    "anonymous_mystery_subscription_gift", "extend_subscription", "prime_paid_upgrade", "gift_paid_upgrade",
    "anonymous_gift_paid_upgrade", "standard_pay_forward", "community_pay_forward"))
_WORDS_TOO = frozenset(("paid_message", "resubscription"))
"""Paid items whose ``message`` is the sender's own words (also a comment)."""


def _author(item: dict[str, Any]) -> Any:
    author = item.get("author")
    if isinstance(author, str):
        return author or None
    if isinstance(author, dict):
        for k in ("name", "display_name", "id"):
            v = author.get(k)
            if isinstance(v, (str, int)) and not isinstance(v, bool) and v != "":
                return v
    return None


def _placer(items: list[tuple[int | None, Any]]) -> tuple[bool, float | None, int | None]:
    """``(relative, anchor_s, anchor_us)``: whether the log has ``time_in_seconds``, and an item's pair of
    ``time_in_seconds`` and ``timestamp`` (µs) to place items that only have a ``timestamp``."""
    relative = False
    for _, item in items:
        if not isinstance(item, dict):
            continue
        s = _number(item.get("time_in_seconds"))
        if s is None:
            continue
        relative = True
        us = unix_us(item.get("timestamp"))
        if us is not None:
            return True, s, us
    return relative, None, None


@register_adapter
class ChatDownloaderAdapter(EventAdapter):
    """chat-downloader's JSON or CSV output (see the module docstring for the fields)."""

    name = "chat-downloader"
    extensions = ()
    passthrough_types = frozenset(("chat_ticker", "chat_notice"))

    @classmethod
    def sniff_text(cls, head: str) -> bool:
        """A JSON list of items with ``message`` and ``author``, and ``time_in_seconds`` or ``message_type``; or a
        CSV whose header has ``message``, an ``author.*`` column and ``time_in_seconds`` (or ``message_type`` and
        ``timestamp``)."""
        start = head.lstrip()[:1]
        if start != "[":
            return start not in ("{", "") and _csv_header(head.lstrip().split("\n", 1)[0]) is not None
        return (_has(head, "message", "author") and (_has(head, "time_in_seconds") or _has(head, "message_type"))
                and not _has(head, "ts"))

    @classmethod
    def sniff(cls, sample: dict[str, Any]) -> bool:
        """A JSON Lines record shaped like a chat-downloader item."""
        return ("type" not in sample and "ts" not in sample and "message" in sample and "author" in sample
                and ("time_in_seconds" in sample or "message_type" in sample))

    def read(self, path: Path, ctx: ReadContext) -> Iterator[Record | Problem]:
        text = read_text(path, "a chat log", ctx)
        start = text.lstrip()[:1]
        if start == "[":
            _, items = _document(path, text, "messages")
        else:  # JSON Lines (one item per line), or CSV
            from .formats import iter_json_lines

            items = []
            for value in (iter_json_lines(text) if start == "{" else _csv_items(text)):
                if isinstance(value, Problem):
                    yield value
                else:
                    items.append(value)
        if not items:
            raise InputError("no chat message: the list is empty", Where(path))
        relative, anchor_s, anchor_us = _placer(items)
        early: list[tuple[int | None, str | None]] = []
        for i, (line, msg) in enumerate(items):
            item = f"[{i}]"
            if not isinstance(msg, dict):
                yield Problem(line, f"{item}: expected a chat item object, got {type(msg).__name__}")
                continue
            ts: Any = msg.get("time_in_seconds")
            us = unix_us(msg.get("timestamp"))
            if _number(ts) is None and us is not None:
                if anchor_us is not None and anchor_s is not None:
                    ts = round(anchor_s + (us - anchor_us) / 1e6, 3)
                elif not relative:
                    ts = _EPOCH + timedelta(microseconds=us)
            if not isinstance(ts, datetime) and _number(ts) is None:
                stamp = msg.get("timestamp")
                got = (f"got {ts!r}" if ts is not None else "it has neither" if stamp is None
                       else f"its 'timestamp' {stamp!r} is no Unix time in microseconds")
                yield Problem(line, f"{item}: no time: 'time_in_seconds' must be a number of seconds (or "
                                    f"'timestamp' Unix microseconds); {got}", "time_in_seconds")
                continue
            if not isinstance(ts, datetime) and (_number(ts) or 0) < 0:
                early.append((line, item))
                continue
            yield from self._records(msg, ts, line, item)
        _warn_early(ctx, path, early)

    @staticmethod
    def _records(msg: dict[str, Any], ts: Any, line: int | None, item: str) -> Iterator[Record]:
        kind = msg.get("message_type")
        kind = kind if isinstance(kind, str) and kind else "text_message"
        user, text, msg_id = _author(msg), _text_of(msg.get("message")), msg.get("message_id")
        base = {"ts": ts, "user": user}
        if kind in _COMMENT_TYPES or (kind in _WORDS_TOO and text):
            yield Record(line, {**base, "type": "comment", "id": msg_id, "text": text}, raw=msg, item=item)
        if kind in _PAID_TYPES:
            money = msg.get("money") if isinstance(msg.get("money"), dict) else {}
            yield Record(line, {**base, "type": "gift", "id": _gift_id(msg_id), "count": 1,
                                "value": _number(money.get("amount")), "currency": _text_of(money.get("currency")),
                                "text": _text_of(money.get("text")) or kind}, raw=msg, item=item)
        elif kind in _MEMBER_TYPES:
            count = _number(msg.get("mass_gift_count"))
            yield Record(line, {**base, "type": "gift", "id": _gift_id(msg_id), "text": kind,
                                "count": int(count) if count is not None and 1 <= count < 1e6 else 1}, raw=msg,
                         item=item)
        elif kind == "raid":
            yield Record(line, {**base, "type": "join", "id": msg_id, "count": msg.get("number_of_raiders") or 1},
                         raw=msg, item=item)
        elif kind.startswith("ticker_"):
            yield Record(line, {**base, "type": "chat_ticker", "id": msg_id, "text": text}, raw=msg, item=item)
        elif kind not in _COMMENT_TYPES and kind not in _WORDS_TOO:
            yield Record(line, {**base, "type": "chat_notice", "id": msg_id, "text": text}, raw=msg, item=item)
        bits = _number(msg.get("bits"))
        if kind in _COMMENT_TYPES and bits is not None and bits > 0:
            yield Record(line, {**base, "type": "gift", "id": _gift_id(msg_id), "count": 1, "value": bits,
                                "text": "bits"}, raw=msg, item=item)



_CSV_NEEDS = ({"message", "time_in_seconds"}, {"message", "message_type", "timestamp"})
"""Column sets of which a chat-downloader CSV has one (besides an ``author.*`` column)."""


def _csv_header(line: str) -> set[str] | None:
    """The column names of a chat-downloader CSV header line, or ``None`` when ``line`` is not one."""
    try:
        names = {n.strip() for n in next(csv.reader([line]))}
    except (csv.Error, StopIteration):
        return None
    if "ts" in names or "type" in names or not any(n == "author" or n.startswith("author.") for n in names):
        return None
    return names if any(need <= names for need in _CSV_NEEDS) else None


def unflatten(row: dict[str, str]) -> dict[str, Any]:
    """A CSV row of ``flatten_json``'s dotted keys back to nested objects (``author.name`` -> ``author: {name}``;
    numbered keys, ``author.badges.0.title``, stay objects keyed by the number). Cells stay text; empty ones are
    left out."""
    out: dict[str, Any] = {}
    for key, value in row.items():
        if key is None or value is None or value == "":
            continue
        parts = key.split(".")
        cur = out
        for part in parts[:-1]:
            nxt = cur.get(part)
            if not isinstance(nxt, dict):
                nxt = cur[part] = {}
            cur = nxt
        cur[parts[-1]] = value  # kept as text: a message "555" is words, not a number
    return out


def _csv_items(text: str) -> Iterator[tuple[int, Any] | Problem]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        return
    except csv.Error as err:
        yield Problem(1, f"not a CSV header ({err})")
        return
    prev = reader.line_num
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as err:
            yield Problem(prev + 1, f"not valid CSV ({err})")
            return
        line, prev = prev + 1, reader.line_num
        if not row or all(not c.strip() for c in row):
            continue
        if len(row) > len(header):
            yield Problem(line, f"{len(row)} cells but the header has {len(header)} columns")
            continue
        yield line, unflatten(dict(zip(header, row, strict=False)))
