"""Adapters for chat logs written by the common public chat downloaders: a LIVE's chat, read as events.

A seller or engineer often has nothing but the chat of a LIVE, saved by one of these tools. Each message is a
``comment`` (``user``, ``text``, time from the LIVE's start); a paid message (Twitch bits, a YouTube Super Chat or
Super Sticker, a membership or gifted subscriptions) is also a ``gift`` with its value where the tool gives one. None
of these tools records viewer counts, so a chat log has none (the engagement detector then judges the chat
against its own baseline). The original message is kept whole in ``Event.raw``; a message that cannot be read is a
warning naming the file and its line (or its item, ``comments[12]``, in a one-line JSON file); a file with no
readable message is an error. A file is recognised by its content (``load_events`` and ``livehighlights moments
FILE`` need no option), or named with ``load_events(path, fmt=...)``:

``twitch-json``: **TwitchDownloader** chat JSON (lay295/TwitchDownloader, ``TwitchObjects/ChatRoot.cs``; also
gzip'd, ``.json.gz``), and the same Twitch comment objects as written by **Twitch-Chat-Downloader**
(PetterKraabol, ``tcd --format json``: ``{"video": ..., "comments": [...]}``) or saved from Twitch's API as a bare
list. A top-level object ``{"FileInfo", "streamer", "video", "comments": [...], "embeddedData"}``; per comment:

=============================  ===========================================================================
field                          read as
=============================  ===========================================================================
``content_offset_seconds``     ``ts``: seconds from the VOD's start (a chat downloaded from part of a VOD
                               keeps the VOD's times; ``video.start`` says where the part begins, and a
                               warning names it as the ``--offset`` to give when the recording is that part)
``commenter.display_name``     ``user`` (else ``commenter.name``, ``commenter._id``; no commenter: no user)
``message.body``               ``text`` (else the ``message.fragments[].text`` joined)
``message.bits_spent``         when above 0, also a ``gift``: ``value`` = bits, ``text`` ``"bits"``
``_id``                        ``id`` (the gift's is ``_id:gift``)
=============================  ===========================================================================

``chat-downloader``: **chat-downloader** (xenova/chat-downloader) JSON and CSV output: see
:mod:`~livehighlights.sources.chatdownloader`.

``chat-text``: plain-text chat logs, one message per line (``.txt``, ``.log``; other names when most lines are
of these forms):

- ``[0:01:23] user: text``: TwitchDownloader's text output with relative times (``ChatText.cs``,
  ``TimestampFormat.Relative``: ``[h:mm:ss]``, hours past 23 written in full), and any ``[H:MM:SS] user: text``;
  ``[0:01:23.450]`` (fractions of a second) is read too;
- ``[0:01:23] <user> text`` and ``[0:01:23] * user text`` (an action): Twitch-Chat-Downloader's ``irc`` and
  ``default`` formats (``tcd/settings.reference.json``; times are Python's ``str(timedelta)``, ``1 day, 2:03:04``
  past a day); a badge sign before the name (``<@mod>``, ``<%sub>``, ``~ & + $ ! *``) is dropped;
- ``[2024-01-01 12:00:00 UTC] user: text`` (also ``.fff``, ``T``, ``Z`` or ``+hh:mm``): TwitchDownloader's
  ``Utc``/``UtcFull`` text output, and any log of clock times: aligned to the first message, like every clock time;
- ``1:23 | user: text``, ``1:23 | (Moderator) *$5.00* user: text``, ``2024-01-01 12:00:00 | user: text``:
  chat-downloader's text output (``formatting/custom_formats.json``, ``default``: ``time_text``, ``(badges)``,
  ``*money.text*``); a ``*money*`` part is also a ``gift`` of that amount. A negative time (before the stream
  began) is left out, with one warning.

One or two spaces may follow the bracketed time. Times of the bracketed ``H:MM:SS`` forms are read as from the
VOD's start, as these tools write them (an IRC client's log of wall-clock times of day would need ``--offset``; a
log whose first message comes an hour or more in is warned of, naming the offset to give). A line of another shape
(a join notice, a header, a timestamp-less ``user: text``) is a warning naming its line. YouTube chat saved by
yt-dlp (``.live_chat.json``) is read by :mod:`~livehighlights.sources.youtubechat`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from ..errors import InputError, Warning_, Where
from .adapters import EventAdapter, Problem, ReadContext, Record, read_text, register_adapter
from .parse import EPOCH_MIN_S, parse_money

__all__ = ["LATE_START_MS", "US_RANGE", "ChatLine", "ChatTextAdapter", "TwitchChatJsonAdapter", "parse_chat_line",
           "unix_us"]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_WS = " \t\r\n"
LATE_START_MS = 3_600_000
"""A text log of ``H:MM:SS`` times whose first message comes this late is warned of: its times may be clock times
of day rather than from the video's start."""


# -- plain-text lines ------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class ChatLine:
    """One message of a plain-text chat log: its time (ms from the VOD's start, or a clock time), who, what."""

    ts_ms: int | None
    """Milliseconds from the VOD's start (negative: before it), or ``None`` when :attr:`at` is given."""
    at: datetime | None
    """The message's clock time (aware, UTC when the line names no zone), for a log of clock times."""
    user: str
    text: str
    money: str | None = None
    """The paid amount as the log writes it (chat-downloader's ``*$5.00*``), else ``None``."""
    action: bool = False
    """An IRC action (``* user waves``)."""


_REL = r"(?:(?P<days>\d{1,2}) days?, )?(?P<h>\d{1,3}):(?P<m>[0-5]\d):(?P<s>[0-5]\d)(?:[.,](?P<frac>\d{1,6}))?"
_ABS = (r"(?P<date>\d{4}-[01]\d-[0-3]\d)[ T](?P<clock>[0-2]\d:[0-5]\d:[0-5]\d(?:\.\d{1,6})?)"
        r"(?:\s?(?P<tz>UTC|GMT|Z|[+-][0-2]\d:?[0-5]\d))?")
_SHORT = r"(?P<neg>-)?(?:(?P<sh>\d{1,3}):)?(?P<sm>\d{1,2}):(?P<ss>[0-5]\d)"
_BRACKET = re.compile(rf"\[(?:{_REL}|{_ABS})\] {{0,2}}(?P<rest>.*)")
_PIPE = re.compile(rf"(?:{_ABS}|{_SHORT}) \| (?:\((?P<badges>[^)]*(?:\([^)]*\))?[^)]*)\) )?"
                   rf"(?:\*(?P<money>[^*]{{1,24}})\* )?(?P<rest>.*)")
_NICK = re.compile(r"<[~&@%+$!*]*(?P<user>[^<>\s][^<>]{0,63})>(?: (?P<text>.*))?")
_ACTION = re.compile(r"\* ?(?P<user>[^\s*][^\s]{0,63})(?: (?P<text>.*))?")
_SAYS = re.compile(r"(?P<user>[^\s:<>\[][^:<>]{0,63}?):(?: (?P<text>.*))?")


def _clock(m: re.Match[str]) -> datetime:
    dt = datetime.fromisoformat(f"{m['date']}T{m['clock']}")
    tz = m["tz"]
    if tz in (None, "UTC", "GMT", "Z"):
        return dt.replace(tzinfo=UTC)
    sign = -1 if tz[0] == "-" else 1
    digits = tz[1:].replace(":", "")
    offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    return (dt - sign * offset).replace(tzinfo=UTC)


def _speaker(rest: str) -> tuple[str, str, bool] | None:
    """``(user, text, action)`` of the part of a line after its time."""
    for pattern, action in ((_NICK, False), (_ACTION, True), (_SAYS, False)):
        m = pattern.fullmatch(rest)
        if m is not None:
            user = m["user"].strip()
            if user:
                return user, (m["text"] or "").rstrip("\r"), action
    return None


def parse_chat_line(line: str) -> ChatLine | None:
    """One line of a plain-text chat log in one of the forms of the module docstring; ``None`` when it is not one.

    Never raises: any string is either a chat line or ``None``.
    """
    line = line.rstrip("\r\n")
    try:
        m = _BRACKET.match(line)
        if m is not None:
            who = _speaker(m["rest"])
            if who is None:
                return None
            if m["date"] is not None:
                return ChatLine(None, _clock(m), *who[:2], action=who[2])
            frac = (m["frac"] or "")[:3].ljust(3, "0")
            ms = ((int(m["days"] or 0) * 24 + int(m["h"])) * 3600 + int(m["m"]) * 60 + int(m["s"])) * 1000 + int(frac)
            return ChatLine(ms, None, *who[:2], action=who[2])
        m = _PIPE.match(line)
        if m is not None:
            who = _speaker(m["rest"])
            if who is None or who[2]:
                return None
            money = m["money"].strip() if m["money"] else None
            if m["date"] is not None:
                return ChatLine(None, _clock(m), who[0], who[1], money)
            ms = ((int(m["sh"] or 0) * 60 + int(m["sm"])) * 60 + int(m["ss"])) * 1000
            return ChatLine(-ms if m["neg"] else ms, None, who[0], who[1], money)
    except ValueError:  # a date that does not exist (2024-02-30)
        return None
    return None


def _chat_like(head: str, *, need: float = 0.75, lines: int = 20) -> bool:
    """Whether most (``need``) of the first ``lines`` non-blank lines of ``head`` (a file's first bytes) are chat
    lines; the last line is left out when there are others (it may be cut short)."""
    if head.lstrip()[:1] in ("{", '"'):
        return False
    rows = [r for r in head.split("\n") if r.strip()]
    if len(rows) > 1 and not head.endswith("\n"):
        rows.pop()
    rows = rows[:lines]
    hits = sum(parse_chat_line(r) is not None for r in rows)
    return hits >= 1 and hits >= need * len(rows)


@register_adapter
class ChatTextAdapter(EventAdapter):
    """Plain-text chat logs (see the module docstring for the forms)."""

    name = "chat-text"
    extensions = (".txt", ".log")

    @classmethod
    def sniff_text(cls, head: str) -> bool:
        """Most of the first lines are chat lines of a known form."""
        return _chat_like(head)

    def read(self, path: Path, ctx: ReadContext) -> Iterator[Record | Problem]:
        text = read_text(path, "a chat log", ctx)
        read = rows = 0
        first: tuple[int, int] | None = None  # (line, ms) of the first message timed from the VOD's start
        early: list[tuple[int | None, str | None]] = []
        for n, line in enumerate(text.split("\n"), start=1):
            if not line.strip():
                continue
            rows += 1
            chat = parse_chat_line(line)
            if chat is None:
                yield Problem(n, "not a chat line of a known form ('[H:MM:SS] user: text', '[H:MM:SS] <user> text', "
                                 "'[YYYY-MM-DD HH:MM:SS] user: text', 'M:SS | user: text')")
                continue
            if chat.ts_ms is not None and chat.ts_ms < 0:
                early.append((n, None))
                continue
            read += 1
            if first is None and chat.ts_ms is not None:
                first = (n, chat.ts_ms)
            ts: Any = chat.at if chat.at is not None else (chat.ts_ms or 0) / 1000
            raw = {"line": line.rstrip("\r")}
            yield Record(n, {"ts": ts, "type": "comment", "user": chat.user, "text": chat.text}, raw=raw)
            if chat.money is not None:
                yield Record(n, {"ts": ts, "type": "gift", "user": chat.user, "text": chat.money, "count": 1,
                                 "value": parse_money(chat.money)}, raw=raw)
        _warn_early(ctx, path, early)
        if first is not None and first[1] >= LATE_START_MS:
            at = first[1] // 1000
            ctx.warnings.append(Warning_(
                f"the first message is {at // 3600}:{at % 3600 // 60:02d}:{at % 60:02d} into the video: its times are "
                "read as from the video's start; if they are clock times of day (an IRC client's log), give "
                f"--offset {at} to start at the first message", Where(path, first[0])))
        if rows and not read and not early:
            raise InputError(f"no chat message: none of its {rows} lines is a chat line of a known form "
                             "('[H:MM:SS] user: text', '[H:MM:SS] <user> text', '[YYYY-MM-DD HH:MM:SS] user: text', "
                             "'M:SS | user: text'); if it is an event log of another format, name the file for it "
                             "(.jsonl, .json, .csv)", Where(path))


def _warn_early(ctx: ReadContext, path: Path, early: list[tuple[int | None, str | None]]) -> None:
    """One warning for the messages left out because they come before the video's start (``(line, item)`` each)."""
    if early:
        line, item = early[0]
        first = f"line {line}" if line is not None else f"{item}"
        ctx.warnings.append(Warning_(f"{len(early)} messages before the video's start (negative time) left out "
                                     f"(first at {first})", Where(path, line)))
        ctx.notes["before_start"] = len(early)


# -- JSON documents --------------------------------------------------------------------------------

def _skip_ws(text: str, pos: int) -> int:
    n = len(text)
    while pos < n and text[pos] in _WS:
        pos += 1
    return pos


class _Lines:
    """Line numbers of positions met in increasing order (counting newlines once)."""

    def __init__(self, text: str) -> None:
        self.text, self.pos, self.line = text, 0, 1
        self.multi = "\n" in text

    def at(self, pos: int) -> int | None:
        if not self.multi:
            return None
        self.line += self.text.count("\n", self.pos, pos)
        self.pos = pos
        return self.line


def _array_items(text: str, pos: int, lines: _Lines) -> tuple[list[tuple[int | None, Any]], int]:
    """The items of the JSON array opening at ``text[pos]`` (``"["``), each with its line (``None`` in a one-line
    file), and the position after the array. Raises :class:`ValueError` naming the line when it is not JSON."""
    decode = json.JSONDecoder().raw_decode
    out: list[tuple[int | None, Any]] = []
    pos = _skip_ws(text, pos + 1)
    if text.startswith("]", pos):
        return out, pos + 1
    while True:
        try:
            value, end = decode(text, pos)
        except json.JSONDecodeError as err:
            raise ValueError(f"not valid JSON ({err.msg} at line {err.lineno}, column {err.colno})") from None
        out.append((lines.at(pos), value))
        pos = _skip_ws(text, end)
        if text.startswith(",", pos):
            pos = _skip_ws(text, pos + 1)
        elif text.startswith("]", pos):
            return out, pos + 1
        else:
            line = text.count("\n", 0, pos) + 1
            raise ValueError(f"not valid JSON (expected ',' or ']' at line {line})")


def _document(path: Path, text: str, key: str) -> tuple[dict[str, Any], list[tuple[int | None, Any]]]:
    """A JSON document (``text``, of ``path``) holding a list of items: a top-level list, or an object whose ``key``
    is one. Returns the object's other keys and the items with their lines. Raises :class:`InputError` naming the
    file."""
    lines = _Lines(text)
    pos = _skip_ws(text, 0)
    try:
        if text.startswith("[", pos):
            return {}, _array_items(text, pos, lines)[0]
        if not text.startswith("{", pos):
            raise ValueError(f"expected a JSON object with a {key!r} list, or a JSON list")
        decode = json.JSONDecoder().raw_decode
        other: dict[str, Any] = {}
        items: list[tuple[int | None, Any]] | None = None
        pos = _skip_ws(text, pos + 1)
        while not text.startswith("}", pos):
            name, pos = decode(text, pos)
            pos = _skip_ws(text, pos)
            if not isinstance(name, str) or not text.startswith(":", pos):
                raise ValueError("not valid JSON (expected a key and ':')")
            pos = _skip_ws(text, pos + 1)
            if name == key and text.startswith("[", pos):
                items, pos = _array_items(text, pos, lines)
            else:
                other[name], pos = decode(text, pos)
            pos = _skip_ws(text, pos)
            if text.startswith(",", pos):
                pos = _skip_ws(text, pos + 1)
            elif not text.startswith("}", pos):
                raise ValueError("not valid JSON (expected ',' or '}')")
    except json.JSONDecodeError as err:
        raise InputError(f"not valid JSON ({err.msg} at column {err.colno})", Where(path, err.lineno)) from None
    except ValueError as err:
        raise InputError(str(err), Where(path)) from None
    if items is None:
        raise InputError(f"a JSON object without a {key!r} list: not a chat log of this format", Where(path))
    return other, items


def _text_of(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


US_RANGE = (EPOCH_MIN_S * 1_000_000, 4_102_444_800 * 1_000_000)
"""Unix microseconds read as a message's time: years 2000-2100 (anything else is no time)."""


def unix_us(value: Any) -> int | None:
    """``value`` as Unix microseconds (an int, or a string of digits) within :data:`US_RANGE`, else ``None``."""
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, int) and not isinstance(value, bool) and US_RANGE[0] <= value < US_RANGE[1]:
        return value
    return None


def _gift_id(msg_id: Any) -> Any:
    return f"{msg_id}:gift" if isinstance(msg_id, (str, int)) and not isinstance(msg_id, bool) else None


_KEY = r'(?<!\\)"{}"\s*:'


def _has(head: str, *keys: str) -> bool:
    return all(re.search(_KEY.format(k), head) for k in keys)


@register_adapter
class TwitchChatJsonAdapter(EventAdapter):
    """TwitchDownloader / Twitch-Chat-Downloader chat JSON (see the module docstring for the fields)."""

    name = "twitch-json"
    extensions = ()

    @classmethod
    def sniff_text(cls, head: str) -> bool:
        """A ``"comments"`` list of objects with ``content_offset_seconds`` and a ``commenter``."""
        return head.lstrip()[:1] in ("{", "[") and _has(head, "content_offset_seconds", "commenter") and not _has(
            head, "ts")

    def read(self, path: Path, ctx: ReadContext) -> Iterator[Record | Problem]:
        other, items = _document(path, read_text(path, "a chat log", ctx), "comments")
        video = other.get("video") if isinstance(other.get("video"), dict) else {}
        start = _number(video.get("start"))
        if start is not None and start > 0:
            ctx.warnings.append(Warning_(
                f"the chat was downloaded from {start:g} s into the VOD (video.start); its times are from the VOD's "
                f"start: if the recording begins there, give --offset {start:g}", Where(path)))
        if not items:
            raise InputError("no chat message: its 'comments' list is empty", Where(path))
        early: list[tuple[int | None, str | None]] = []
        for i, (line, comment) in enumerate(items):
            item = f"comments[{i}]"
            if not isinstance(comment, dict):
                yield Problem(line, f"{item}: expected a comment object, got {type(comment).__name__}")
                continue
            ts = comment.get("content_offset_seconds")
            seconds = _number(ts)
            if seconds is None:
                got = "it has none" if ts is None else f"got {ts!r}"
                yield Problem(line, f"{item}: 'content_offset_seconds' (the message's time) must be a number of "
                                    f"seconds; {got}", "content_offset_seconds")
                continue
            if seconds < 0:
                early.append((line, item))
                continue
            commenter = comment.get("commenter")
            user = None
            if isinstance(commenter, dict):
                user = next((commenter[k] for k in ("display_name", "name", "_id")
                             if isinstance(commenter.get(k), (str, int)) and commenter.get(k) != ""), None)
            message = comment.get("message") if isinstance(comment.get("message"), dict) else {}
            body = _text_of(message.get("body"))
            if body is None and isinstance(message.get("fragments"), list):
                body = "".join(f["text"] for f in message["fragments"] if isinstance(f, dict)
                               and isinstance(f.get("text"), str))
            msg_id = comment.get("_id")
            yield Record(line, {"ts": ts, "type": "comment", "id": msg_id, "user": user, "text": body},
                         raw=comment, item=item)
            bits = _number(message.get("bits_spent"))
            if bits is not None and bits > 0:
                yield Record(line, {"ts": ts, "type": "gift", "id": _gift_id(msg_id), "user": user, "count": 1,
                                    "value": bits, "text": "bits"}, raw=comment, item=item)
        _warn_early(ctx, path, early)
