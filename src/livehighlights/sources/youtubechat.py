"""Adapter for YouTube live chat saved by yt-dlp (``fmt="yt-live-chat"``): ``yt-dlp --skip-download --write-subs
--sub-langs live_chat URL`` writes ``VIDEO.live_chat.json``.

The file is JSON Lines (yt-dlp's ``downloader/youtube_live_chat.py``): each line is one of YouTube's chat actions
as its innertube API returns it. A replay's line is ``{"replayChatItemAction": {"actions": [...],
"videoOffsetTimeMsec": "83000"}}``; a chat saved while the stream was live is ``{"replayChatItemAction":
{"actions": [...]}, "videoOffsetTimeMsec": "...", "isLive": true}``. It is recognised by its content (also named
``.json``), and read like the other chat logs (:mod:`~livehighlights.sources.chatlogs`): the line is kept whole in
``Event.raw``, a line that cannot be read is a warning naming it, a file with no message is an error.

Time: a replay's ``videoOffsetTimeMsec`` (ms from the video's start; a message before it is left out, with one
warning); a live capture's ``timestampUsec`` (Unix µs, of the message), aligned to the first message.

Each action ``addChatItemAction.item.<renderer>``:

======================================================  ============================================================
renderer                                                read as
======================================================  ============================================================
``liveChatTextMessageRenderer``                         ``comment``: ``text`` = ``message.runs[].text`` (an emoji
                                                        run: the emoji itself, a channel's own emoji its
                                                        shortcut), ``user`` = ``authorName.simpleText``,
                                                        ``id`` = ``id``
``liveChatPaidMessageRenderer`` (Super Chat)            ``comment`` (its words, if any) and ``gift``: ``value``
                                                        and ``currency`` from ``purchaseAmountText.simpleText``
                                                        (``$5.00``, ``CA$5.00``, ``¥500``, ``PHP 100.00``)
``liveChatPaidStickerRenderer`` (Super Sticker)         ``gift``, the same
``liveChatMembershipItemRenderer``                      ``gift`` (no value); a member's milestone words a
                                                        ``comment`` too
``liveChatSponsorshipsGiftPurchaseAnnouncementRenderer``  ``gift``, ``count`` = the number in its header's text
anything else (engagement notices, placeholders, ...)   kept as ``chat_notice``, not counted
======================================================  ============================================================

``addLiveChatTickerItemAction`` (a paid item pinned above the chat: the same item again) is kept as ``chat_ticker``;
other actions (deleted messages, banners, polls) as ``chat_notice``. None of these carries a viewer count.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from ..errors import InputError, Warning_, Where
from .adapters import EventAdapter, Problem, ReadContext, Record, read_text, register_adapter
from .chatlogs import _has, _warn_early, unix_us
from .formats import iter_json_lines
from .parse import parse_money

__all__ = ["YouTubeLiveChatAdapter", "currency_of"]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_SYMBOLS = {"$": "USD", "US$": "USD", "A$": "AUD", "CA$": "CAD", "HK$": "HKD", "MX$": "MXN", "NT$": "TWD",
            "NZ$": "NZD", "R$": "BRL", "£": "GBP", "€": "EUR", "₹": "INR", "₩": "KRW", "￦": "KRW", "¥": "JPY",
            "￥": "JPY", "₱": "PHP", "₫": "VND"}
"""Currency signs as YouTube writes amounts, -> ISO 4217 codes (other amounts start with the code: ``PHP 100.00``)."""
_PAID = ("liveChatPaidMessageRenderer", "liveChatPaidStickerRenderer")
_MEMBER = ("liveChatMembershipItemRenderer", "liveChatSponsorshipsGiftPurchaseAnnouncementRenderer")


def currency_of(amount: str) -> str | None:
    """The ISO 4217 code of an amount as YouTube writes it (``CA$5.00`` -> ``CAD``); ``None`` when it names none."""
    m = re.match(r"\s*([^\d\s.,-]+)", amount)
    if m is None:
        return None
    sign = m.group(1).strip()
    if sign in _SYMBOLS:
        return _SYMBOLS[sign]
    return sign.upper() if re.fullmatch(r"[A-Za-z]{3}", sign) else None


def _runs(value: Any) -> str | None:
    """The text of a ``{"runs": [...]}`` or ``{"simpleText": ...}`` value."""
    if not isinstance(value, dict):
        return None
    if isinstance(value.get("simpleText"), str):
        return value["simpleText"]
    runs = value.get("runs")
    if not isinstance(runs, list):
        return None
    out: list[str] = []
    for run in runs:
        if not isinstance(run, dict):
            continue
        if isinstance(run.get("text"), str):
            out.append(run["text"])
        elif isinstance(run.get("emoji"), dict):
            emoji = run["emoji"]
            shortcuts = emoji.get("shortcuts") if isinstance(emoji.get("shortcuts"), list) else []
            if not emoji.get("isCustomEmoji") and isinstance(emoji.get("emojiId"), str) and emoji["emojiId"]:
                out.append(emoji["emojiId"])
            elif shortcuts and isinstance(shortcuts[0], str):
                out.append(shortcuts[0])
    return "".join(out)


def _only(d: Any) -> tuple[str, Any] | tuple[None, None]:
    """The ``key: value`` of YouTube's ``{"<kind>": {...}}`` wrappers (an action's ``clickTrackingParams`` aside)."""
    if isinstance(d, dict):
        for key, value in d.items():
            if key != "clickTrackingParams":
                return key, value
    return None, None


def _ms(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and re.fullmatch(r"-?\d+", value.strip()):
        return int(value)
    return None


def _records(action: Any, ts: Any, n: int, raw: dict[str, Any]) -> Iterator[Record]:
    kind, body = _only(action)
    if kind == "addLiveChatTickerItemAction":
        yield Record(n, {"ts": ts, "type": "chat_ticker"}, raw=raw)
        return
    renderer_name, r = _only(body.get("item")) if kind == "addChatItemAction" and isinstance(body, dict) else (
        None, None)
    if not isinstance(r, dict):
        yield Record(n, {"ts": ts, "type": "chat_notice"}, raw=raw)
        return
    base = {"ts": ts, "user": _runs(r.get("authorName")), "id": r.get("id") if isinstance(r.get("id"), str) else None}
    gift_id = f"{base['id']}:gift" if base["id"] else None
    words = _runs(r.get("message"))
    if renderer_name == "liveChatTextMessageRenderer":
        yield Record(n, {**base, "type": "comment", "text": words}, raw=raw)
    elif renderer_name in _PAID:
        if words:
            yield Record(n, {**base, "type": "comment", "text": words}, raw=raw)
        amount = _runs(r.get("purchaseAmountText")) or ""
        yield Record(n, {**base, "id": gift_id, "type": "gift", "count": 1, "text": amount or renderer_name,
                         "value": parse_money(amount), "currency": currency_of(amount)}, raw=raw)
    elif renderer_name in _MEMBER:
        if words:
            yield Record(n, {**base, "type": "comment", "text": words}, raw=raw)
        _, banner = _only(r.get("header"))  # {"liveChatSponsorshipsHeaderRenderer": {"primaryText": ...}}
        header = _runs(r.get("headerSubtext")) or (_runs(banner.get("primaryText")) if isinstance(banner, dict)
                                                    else None)
        count = re.search(r"\d+", header or "") if renderer_name == _MEMBER[1] else None
        yield Record(n, {**base, "id": gift_id, "type": "gift", "text": header or "membership",
                         "count": int(count.group()) if count else 1}, raw=raw)
    else:
        yield Record(n, {**base, "type": "chat_notice", "text": words}, raw=raw)


@register_adapter
class YouTubeLiveChatAdapter(EventAdapter):
    """yt-dlp's ``.live_chat.json`` (see the module docstring)."""

    name = "yt-live-chat"
    extensions = (".live_chat.json",)
    passthrough_types = frozenset(("chat_ticker", "chat_notice"))

    @classmethod
    def sniff(cls, sample: dict[str, Any]) -> bool:
        """A record holding a ``replayChatItemAction``."""
        return "replayChatItemAction" in sample and "type" not in sample

    @classmethod
    def sniff_text(cls, head: str) -> bool:
        """A JSON Lines file whose first record holds a ``replayChatItemAction``."""
        first = head.lstrip()[:8192]
        return first.startswith("{") and _has(first, "replayChatItemAction") and not _has(first, "ts")

    def read(self, path: Path, ctx: ReadContext) -> Iterator[Record | Problem]:
        early: list[tuple[int | None, str | None]] = []
        untimed: list[int] = []
        rows = read = 0
        for item in iter_json_lines(read_text(path, "a chat log", ctx)):
            if isinstance(item, Problem):
                yield item
                continue
            n, rec = item
            rows += 1
            replay = rec.get("replayChatItemAction") if isinstance(rec, dict) else None
            if not isinstance(replay, dict) or not isinstance(replay.get("actions"), list):
                yield Problem(n, "not a YouTube chat action (no 'replayChatItemAction' with 'actions')")
                continue
            if rec.get("isLive") is True:
                us = None
                for action in replay["actions"]:
                    _, body = _only(action)
                    _, r = _only(body.get("item")) if isinstance(body, dict) else (None, None)
                    us = unix_us(r.get("timestampUsec")) if isinstance(r, dict) else None
                    if us is not None:
                        break
                if us is None:  # a live capture's action with no time of its own (a poll, a banner)
                    untimed.append(n)
                    continue
                ts: Any = _EPOCH + timedelta(microseconds=us)
            else:
                ms = _ms(replay.get("videoOffsetTimeMsec", rec.get("videoOffsetTimeMsec")))
                if ms is None:
                    yield Problem(n, "no 'videoOffsetTimeMsec' (the message's time, ms from the video's start)",
                                  "videoOffsetTimeMsec")
                    continue
                if ms < 0:
                    early.append((n, None))
                    continue
                ts = ms / 1000
            for action in replay["actions"]:
                read += 1
                yield from _records(action, ts, n, rec)
        _warn_early(ctx, path, early)
        if untimed:
            ctx.warnings.append(Warning_(f"{len(untimed)} actions of a live capture without a time of their own "
                                         f"(polls, banners) left out (first at line {untimed[0]})",
                                         Where(path, untimed[0])))
        if not read and not early:
            what = f"none of its {rows} lines is a timed chat action" if rows else "it holds no chat action"
            raise InputError(f"no chat message: {what}", Where(path))
