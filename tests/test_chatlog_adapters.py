"""Chat logs from the public chat downloaders (TwitchDownloader and Twitch-Chat-Downloader JSON, chat-downloader JSON,
plain-text chat logs) read as events, recognised by their content, through ``load_events`` and the real command
line; a burst of laughter from many people in a chat log is an engagement moment."""

from __future__ import annotations

import csv
import gzip
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from conftest import run_cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from livehighlights.errors import InputError
from livehighlights.sources import load_events
from livehighlights.sources.stream import stream_events

# -- the tools' outputs, shaped as their writers write them -------------------------------------------------------


def twitchdownloader_doc(comments: list[dict], start: float = 0.0) -> dict:
    """TwitchDownloader's ChatRoot (TwitchObjects/ChatRoot.cs): FileInfo, streamer, video, comments, embeddedData."""
    return {"FileInfo": {"Version": {"Major": 1, "Minor": 2, "Patch": 2}, "CreatedAt": "2024-05-01T10:00:00Z",
                         "UpdatedAt": "0001-01-01T00:00:00"},
            "streamer": {"name": "shopstream", "id": 123456},
            "video": {"title": "Spring sale", "id": "2100000000", "created_at": "2024-05-01T09:00:00Z",
                      "start": start, "end": 3600.0, "length": 3600.0, "chapters": []},
            "comments": comments,
            "embeddedData": {"thirdParty": [], "firstParty": [], "twitchBadges": [], "twitchBits": []}}


def twitch_comment(i: int, offset: float, name: str, body: str, bits: int = 0) -> dict:
    """One comment of Twitch's API as TwitchDownloader and Twitch-Chat-Downloader save it."""
    return {"_id": f"c{i:04d}", "created_at": "2024-05-01T09:00:00Z", "channel_id": "123456",
            "content_type": "video", "content_id": "2100000000", "content_offset_seconds": offset,
            "commenter": {"display_name": name.title(), "_id": str(1000 + i), "name": name, "type": "user",
                          "bio": None, "created_at": "2020-01-01T00:00:00Z", "updated_at": "2024-01-01T00:00:00Z",
                          "logo": "https://example.invalid/logo.png"},
            "source": "chat", "state": "published",
            "message": {"body": body, "bits_spent": bits, "fragments": [{"text": body, "emoticon": None}],
                        "is_action": False, "user_badges": [], "user_color": "#FF0000", "user_notice_params": {},
                        "emoticons": []},
            "more_replies": False}


def chat_downloader_item(i: int, seconds: float | None, name: str, message: str, kind: str = "text_message",
                         **extra: object) -> dict:
    """One chat item as chat-downloader writes it (sites/youtube.py, sites/twitch.py; JSONCW sorts the keys)."""
    item: dict = {"action_type": "add_chat_item", "author": {"id": f"UC{i:06d}", "name": name,
                                                              "images": [], "badges": []},
                  "message": message, "message_id": f"m{i:04d}", "message_type": kind,
                  "timestamp": 1714554000_000000 + int((seconds or 0) * 1e6)}
    if seconds is not None:
        item["time_in_seconds"] = seconds
        item["time_text"] = f"{'-' if seconds < 0 else ''}{int(abs(seconds)) // 60}:{int(abs(seconds)) % 60:02d}"
    item.update(extra)
    return item


def write_chat_downloader(path: Path, items: list[dict], indent: int | None = 4) -> Path:
    """As chat-downloader's JSONCW writes a list: '[', the items joined by ', ' (each indented), ']'."""
    if indent is None:
        path.write_text("[" + ", ".join(json.dumps(i, sort_keys=True) for i in items) + "]", "utf-8")
        return path
    parts = ["\n" + "\n".join(" " * indent + line for line in json.dumps(i, indent=indent, sort_keys=True)
                              .splitlines()) for i in items]
    path.write_text("[" + ", ".join(parts) + "\n]", "utf-8")
    return path


def yt_action(renderer: str, fields: dict, offset_ms: int | None, i: int = 0, live: bool = False) -> dict:
    """One line of yt-dlp's ``.live_chat.json`` (downloader/youtube_live_chat.py): YouTube's chat action, in a
    replay's ``replayChatItemAction`` with its ``videoOffsetTimeMsec``, or a live capture's pseudo action."""
    item = {renderer: {"id": f"Ch{i:06d}", "timestampUsec": str(1714554000_000000 + (offset_ms or 0) * 1000),
                       "authorExternalChannelId": f"UC{i:06d}", **fields}}
    action = {"clickTrackingParams": "CAEQl98BIhMI", "addChatItemAction": {"item": item, "clientId": f"c{i}"}}
    if live:
        return {"replayChatItemAction": {"actions": [action]}, "videoOffsetTimeMsec": "0", "isLive": True}
    return {"replayChatItemAction": {"actions": [action], "videoOffsetTimeMsec": str(offset_ms)}}


def yt_text(i: int, offset_ms: int, name: str, *runs: dict | str, live: bool = False) -> dict:
    return yt_action("liveChatTextMessageRenderer", {
        "message": {"runs": [{"text": r} if isinstance(r, str) else r for r in runs]},
        "authorName": {"simpleText": name}, "timestampText": {"simpleText": f"{offset_ms // 60000}:00"}},
        offset_ms, i, live)


def clock(seconds: float) -> str:
    """``h:mm:ss`` as TwitchDownloader writes a relative time (ChatText.cs) and Python's str(timedelta) does."""
    return str(timedelta(seconds=int(seconds)))


def messages(log) -> str:
    return "\n".join(str(w) for w in log.warnings)


# -- TwitchDownloader / Twitch-Chat-Downloader JSON ---------------------------------------------------------------

def test_twitchdownloader_json_is_recognised_and_read(tmp_path: Path) -> None:
    comments = [twitch_comment(0, 1.25, "ann", "hello!"), twitch_comment(1, 2.5, "bob", "Cheer100 lol", bits=100),
                twitch_comment(2, 3.0, "cat", "so cute")]
    path = tmp_path / "2100000000.json"
    path.write_text(json.dumps(twitchdownloader_doc(comments), separators=(",", ":")), "utf-8")  # one line
    log = load_events(path)
    assert log.stats["format"] == "twitch-json" and log.warnings == []
    got = [(e.ts_ms, e.type, e.user, e.text, e.value, e.id) for e in log.events]
    assert got == [(1250, "comment", "Ann", "hello!", None, "c0000"),
                   (2500, "comment", "Bob", "Cheer100 lol", None, "c0001"),
                   (2500, "gift", "Bob", "bits", 100.0, "c0001:gift"),
                   (3000, "comment", "Cat", "so cute", None, "c0002")]
    assert [e.raw for e in log.events] == [comments[0], comments[1], comments[1], comments[2]]
    assert log.events[0].source == "2100000000.json:comments[0]"
    assert load_events(path, fmt="twitch-json").stats["events"] == 4


def test_twitchdownloader_gzip_and_partial_download(tmp_path: Path) -> None:
    path = tmp_path / "chat.json.gz"  # TwitchDownloader's ChatCompression.Gzip
    doc = twitchdownloader_doc([twitch_comment(0, 605.0, "ann", "hi"), twitch_comment(1, 610.0, "bob", "yo")],
                               start=600.0)
    path.write_bytes(gzip.compress(json.dumps(doc).encode()))
    log = load_events(path)
    assert log.stats["format"] == "twitch-json" and [e.ts_ms for e in log.events] == [605_000, 610_000]
    assert "--offset 600" in messages(log)


def test_twitch_chat_downloader_json_with_bad_comments_names_the_line(tmp_path: Path) -> None:
    comments = [twitch_comment(0, 1.0, "ann", "hi"), twitch_comment(1, 2.0, "bob", "hey"),
                twitch_comment(2, 3.0, "cat", "ok")]
    del comments[1]["content_offset_seconds"]
    doc = {"video": {"id": "v1", "title": "t"}, "comments": [*comments, "not a comment"]}
    path = tmp_path / "v1.json"
    path.write_text(json.dumps(doc, indent=4, sort_keys=True), "utf-8")  # tcd: json.dump(indent=4, sort_keys)
    log = load_events(path)
    assert log.stats["format"] == "twitch-json" and [e.user for e in log.events] == ["Ann", "Cat"]
    text = text_lines = path.read_text().splitlines()
    second = next(n for n, line in enumerate(text_lines, 1) if '"_id": "c0001"' in line)
    bad = [w for w in log.warnings if "comments[1]" in w.message]
    assert len(bad) == 1 and bad[0].where.line is not None and bad[0].where.line < second
    assert "content_offset_seconds" in bad[0].message and "v1.json" in str(bad[0])
    assert any("comments[3]" in w.message and w.where.line is not None for w in log.warnings), text


def test_twitch_json_without_comments_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "empty.json"
    path.write_text(json.dumps(twitchdownloader_doc([])), "utf-8")
    with pytest.raises(InputError, match="no chat message") as err:
        load_events(path, fmt="twitch-json")
    assert "empty.json" in str(err.value)


# -- chat-downloader JSON -----------------------------------------------------------------------------------------

def test_chat_downloader_json_messages_paid_items_and_notices(tmp_path: Path) -> None:
    items = [
        chat_downloader_item(0, -12.0, "early", "waiting!"),  # before the stream began: left out, one warning
        chat_downloader_item(1, 3.0, "ann", "hello"),
        chat_downloader_item(2, 4.5, "bob", "take my money", "paid_message",
                             money={"text": "$5.00", "amount": 5.0, "currency": "USD", "currency_symbol": "$"}),
        chat_downloader_item(3, 5.0, "cat", "", "paid_sticker",
                             money={"text": "¥500", "amount": 500.0, "currency": "JPY", "currency_symbol": "¥"}),
        chat_downloader_item(4, 6.0, "dan", "Welcome to the club!", "membership_item"),
        chat_downloader_item(5, 6.5, "bob", "", "ticker_paid_message_item",
                             money={"text": "$5.00", "amount": 5.0, "currency": "USD"}),
        chat_downloader_item(6, 7.0, "eve", "[message deleted]", "deleted_message"),
        chat_downloader_item(7, 8.0, "raider", "", "raid", number_of_raiders=42),
        chat_downloader_item(8, 9.0, "fay", "Cheer50 haha", bits=50),
    ]
    path = write_chat_downloader(tmp_path / "chat.json", items)
    log = load_events(path)
    assert log.stats["format"] == "chat-downloader"
    got = [(e.ts_ms, e.type, e.user, e.text, e.count, e.value, e.currency) for e in log.events]
    assert got == [(3000, "comment", "ann", "hello", None, None, None),
                   (4500, "comment", "bob", "take my money", None, None, None),
                   (4500, "gift", "bob", "$5.00", 1, 5.0, "USD"),
                   (5000, "gift", "cat", "¥500", 1, 500.0, "JPY"),
                   (6000, "gift", "dan", "membership_item", 1, None, None),
                   (6500, "chat_ticker", "bob", "", None, None, None),
                   (7000, "chat_notice", "eve", "[message deleted]", None, None, None),
                   (8000, "join", "raider", None, 42, None, None),
                   (9000, "comment", "fay", "Cheer50 haha", None, None, None),
                   (9000, "gift", "fay", "bits", 1, 50.0, None)]
    assert log.events[2].raw == items[2] and log.stats["unknown_types"] == {}
    early = [w for w in log.warnings if "before the video's start" in w.message]
    assert len(early) == 1 and early[0].where.line == 2 and log.stats["before_start"] == 1
    starts = [n for n, line in enumerate(path.read_text().splitlines(), 1) if line == "    {"]  # each item's line
    assert starts[0] == 2 and log.events[0].source == f"chat.json:{starts[1]}"


def test_chat_downloader_times_from_timestamps(tmp_path: Path) -> None:
    """An item without ``time_in_seconds`` is placed by its ``timestamp`` against one that has both; a live capture
    (no ``time_in_seconds`` at all) is aligned to its first message."""
    items = [chat_downloader_item(0, 10.0, "ann", "a"), chat_downloader_item(1, None, "bob", "b")]
    items[1]["timestamp"] = items[0]["timestamp"] + 2_500_000
    log = load_events(write_chat_downloader(tmp_path / "replay.json", items, indent=None))
    assert [e.ts_ms for e in log.events] == [10_000, 12_500]
    assert log.events[1].source == "replay.json:[1]"
    live = [chat_downloader_item(i, None, f"u{i}", "hi") for i in range(3)]
    for i, item in enumerate(live):
        item["timestamp"] = 1714554000_000000 + i * 1_500_000
    log = load_events(write_chat_downloader(tmp_path / "live.json", live))
    assert [e.ts_ms for e in log.events] == [0, 1500, 3000]
    assert log.live_start_utc == datetime(2024, 5, 1, 9, 0, tzinfo=UTC)


def test_chat_downloader_items_as_json_lines(tmp_path: Path) -> None:
    items = [chat_downloader_item(i, float(i), f"u{i}", "hi") for i in range(3)]
    path = tmp_path / "chat.jsonl"
    path.write_text("".join(json.dumps(i) + "\n" for i in items), "utf-8")
    assert stream_events(path) is None  # not our schema: not streamed, but read whole
    log = load_events(path)
    assert log.stats["format"] == "chat-downloader" and [e.ts_ms for e in log.events] == [0, 1000, 2000]
    assert log.events[1].source == "chat.jsonl:2"


def flatten(item: object, prefix: str = "") -> dict:
    """chat-downloader's ``flatten_json`` (utils/core.py): nested keys and list indexes joined by '.'."""
    if isinstance(item, dict):
        return {k: v for key, value in item.items() for k, v in flatten(value, f"{prefix}{key}.").items()}
    if isinstance(item, list):
        return {k: v for i, value in enumerate(item) for k, v in flatten(value, f"{prefix}{i}.").items()}
    return {prefix[:-1]: item}


def test_chat_downloader_csv(tmp_path: Path) -> None:
    """``--output chat.csv``: CSVCW writes the flattened items under one sorted header (csv.DictWriter)."""
    items = [chat_downloader_item(0, 3.0, "ann", "hello, all", author_badges=None),
             chat_downloader_item(1, 4.5, "bob", "take my money", "paid_message",
                                  money={"text": "$5.00", "amount": 5.0, "currency": "USD"}),
             chat_downloader_item(2, 6.0, "cat", "", "sponsorships_gift_purchase_announcement", mass_gift_count=5),
             chat_downloader_item(3, 7.0, "dan", "555")]  # Thai laughter: words, not a number
    items[0]["author"]["badges"] = [{"title": "Moderator"}]
    rows = [flatten(i) for i in items]
    columns = sorted({k for r in rows for k in r})
    path = tmp_path / "chat.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    with path.open("a", encoding="utf-8") as fh:
        fh.write("1,2,3" + ",x" * len(columns) + "\n")  # a row with too many cells
    log = load_events(path)
    assert log.stats["format"] == "chat-downloader"
    assert [(e.ts_ms, e.type, e.user, e.text, e.count, e.value, e.currency) for e in log.events] == [
        (3000, "comment", "ann", "hello, all", None, None, None),
        (4500, "comment", "bob", "take my money", None, None, None),
        (4500, "gift", "bob", "$5.00", 1, 5.0, "USD"),
        (6000, "gift", "cat", "sponsorships_gift_purchase_announcement", 5, None, None),
        (7000, "comment", "dan", "555", None, None, None)]
    assert log.events[0].raw["author"] == {"id": "UC000000", "name": "ann", "badges": {"0": {"title": "Moderator"}}}
    assert [w.where.line for w in log.warnings] == [6]
    assert log.events[3].source == "chat.csv:4"


# -- yt-dlp's YouTube live chat -----------------------------------------------------------------------------------

LAUGH_EMOJI = {"emoji": {"emojiId": "😂", "shortcuts": [":face_with_tears_of_joy:"], "searchTerms": ["joy"],
                         "image": {"thumbnails": []}}}
CUSTOM_EMOJI = {"emoji": {"emojiId": "UCxyz/abc", "shortcuts": [":_shopHeart:"], "isCustomEmoji": True,
                          "image": {"thumbnails": []}}}


def test_yt_dlp_live_chat_replay(tmp_path: Path) -> None:
    lines = [
        yt_text(0, -3000, "early", "waiting"),  # before the stream began: left out, one warning
        yt_text(1, 1500, "Ann", "so funny ", LAUGH_EMOJI, " ", CUSTOM_EMOJI),
        yt_action("liveChatPaidMessageRenderer", {"authorName": {"simpleText": "Bob"},
                                                  "purchaseAmountText": {"simpleText": "CA$5.00"},
                                                  "message": {"runs": [{"text": "take my money"}]}}, 2000, 2),
        yt_action("liveChatPaidStickerRenderer", {"authorName": {"simpleText": "Cat"},
                                                  "purchaseAmountText": {"simpleText": "¥500"}}, 2500, 3),
        yt_action("liveChatMembershipItemRenderer", {"authorName": {"simpleText": "Dan"},
                                                     "headerSubtext": {"runs": [{"text": "Welcome to Shop!"}]}},
                  3000, 4),
        yt_action("liveChatSponsorshipsGiftPurchaseAnnouncementRenderer", {
            "authorExternalChannelId": "UC5", "header": {"liveChatSponsorshipsHeaderRenderer": {
                "authorName": {"simpleText": "Eve"},
                "primaryText": {"runs": [{"text": "Gifted "}, {"text": "5"}, {"text": " Shop memberships"}]}}}},
                  3500, 5),
        {"replayChatItemAction": {"actions": [{"addLiveChatTickerItemAction": {"item": {}, "durationSec": "10"}}],
                                  "videoOffsetTimeMsec": "4000"}},
        yt_action("liveChatViewerEngagementMessageRenderer", {"message": {"runs": [{"text": "Chat replay is on"}]}},
                  0, 7),
    ]
    path = tmp_path / "abc123.live_chat.json"
    path.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines) + "{not json\n", "utf-8")
    log = load_events(path)
    assert log.stats["format"] == "yt-live-chat"
    got = [(e.ts_ms, e.type, e.user, e.text, e.count, e.value, e.currency) for e in log.events]
    assert got == [(0, "chat_notice", None, "Chat replay is on", None, None, None),
                   (1500, "comment", "Ann", "so funny 😂 :_shopHeart:", None, None, None),
                   (2000, "comment", "Bob", "take my money", None, None, None),
                   (2000, "gift", "Bob", "CA$5.00", 1, 5.0, "CAD"),
                   (2500, "gift", "Cat", "¥500", 1, 500.0, "JPY"),
                   (3000, "gift", "Dan", "Welcome to Shop!", 1, None, None),
                   (3500, "gift", None, "Gifted 5 Shop memberships", 5, None, None),
                   (4000, "chat_ticker", None, None, None, None, None)]
    assert log.events[1].raw == lines[1] and log.events[1].id == "Ch000001" and log.events[1].source.endswith(":2")
    text = messages(log)
    assert "line 9" in text and "line 1" in text and log.stats["before_start"] == 1
    assert load_events(path.rename(tmp_path / "chat.json")).stats["format"] == "yt-live-chat"  # by content


def test_yt_dlp_live_capture_is_aligned_to_its_first_message(tmp_path: Path) -> None:
    path = tmp_path / "live.live_chat.json"
    lines = [yt_text(i, i * 2000, f"u{i}", "hi", live=True) for i in range(3)]
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), "utf-8")
    log = load_events(path)
    assert [e.ts_ms for e in log.events] == [0, 2000, 4000]
    assert log.live_start_utc == datetime(2024, 5, 1, 9, 0, tzinfo=UTC)


# -- plain-text chat logs -----------------------------------------------------------------------------------------

def test_text_logs_of_each_tool(tmp_path: Path) -> None:
    twitchdownloader = tmp_path / "td.txt"  # ChatText.cs, TimestampFormat.Relative
    twitchdownloader.write_text("[0:00:05] Ann: hello\n[0:01:10] Bob: lol\n[1:00:00] Cat: bye: see you\n", "utf-8")
    log = load_events(twitchdownloader)
    assert log.stats["format"] == "chat-text" and log.warnings == []
    assert [(e.ts_ms, e.type, e.user, e.text) for e in log.events] == [
        (5000, "comment", "Ann", "hello"), (70_000, "comment", "Bob", "lol"),
        (3_600_000, "comment", "Cat", "bye: see you")]
    assert log.events[0].raw == {"line": "[0:00:05] Ann: hello"}

    irc = tmp_path / "2100000000.log"  # tcd --format irc: badges before the name, actions
    irc.write_text("[0:00:01] <@mod_ann> welcome\n[0:00:02] <%sub_bob> hi\n[0:00:03] <cat> ok\n"
                   "[0:00:04] *dan waves]\n", "utf-8")
    log = load_events(irc)
    assert [(e.user, e.text) for e in log.events] == [("mod_ann", "welcome"), ("sub_bob", "hi"), ("cat", "ok"),
                                                      ("dan", "waves]")]

    fractions = tmp_path / "ms.txt"
    fractions.write_text("[0:01:23.450] Ann: a\r\n[0:01:24,5] Bob: b\r\n", "utf-8")  # CRLF, ms and a comma
    assert [(e.ts_ms, e.text) for e in load_events(fractions).events] == [(83_450, "a"), (84_500, "b")]

    utc = tmp_path / "utc.txt"  # TimestampFormat.Utc / UtcFull: aligned to the first message
    utc.write_text("[2024-05-01 09:00:03 UTC] Ann: a\n[2024-05-01 09:00:04.250 UTC] Bob: b\n", "utf-8")
    log = load_events(utc)
    assert [e.ts_ms for e in log.events] == [0, 1250]
    assert log.live_start_utc == datetime(2024, 5, 1, 9, 0, 3, tzinfo=UTC)

    cd = tmp_path / "chat-downloader.txt"  # formatting/custom_formats.json "default"
    cd.write_text("-0:04 | early: hi\n0:07 | Ann: hello\n1:02:03 | (Member (6 months)) *$5.00* Bob: take it\n",
                  "utf-8")
    log = load_events(cd)
    assert [(e.ts_ms, e.type, e.user, e.text, e.value) for e in log.events] == [
        (7000, "comment", "Ann", "hello", None), (3_723_000, "comment", "Bob", "take it", None),
        (3_723_000, "gift", "Bob", "$5.00", 5.0)]
    assert log.stats["before_start"] == 1 and "line 1" in messages(log)


def test_a_log_of_clock_times_of_day_is_warned_of(tmp_path: Path) -> None:
    path = tmp_path / "irc.log"
    path.write_text("[14:32:10] <ann> hi\n[14:32:12]  bob: yo\n", "utf-8")  # one or two spaces after the time
    log = load_events(path)
    assert [e.ts_ms for e in log.events] == [52_330_000, 52_332_000]
    late = [w for w in log.warnings if "clock times of day" in w.message]
    assert len(late) == 1 and late[0].where.line == 1 and "--offset 52330" in late[0].message
    assert [e.ts_ms for e in load_events(path, offset_s=52330).events] == [0, 2000]


def test_text_log_is_recognised_by_its_content_whatever_its_name(tmp_path: Path) -> None:
    path = tmp_path / "chat_2024-05-01"
    path.write_text("".join(f"[0:00:{s:02d}] viewer{s}: hi\n" for s in range(10)), "utf-8")
    log = load_events(path)
    assert log.stats["format"] == "chat-text" and len(log.events) == 10


def test_bad_lines_are_warnings_naming_the_line(tmp_path: Path) -> None:
    path = tmp_path / "chat.txt"
    path.write_text("[0:00:01] ann: hi\n[0:00:02] bob: yo\nbob joined the chat\n[0:00:03] cat: ok\n"
                    "[0:00:04]\n[2024-05-01 09:00:00 UTC] dan: clock time in a log of VOD times\n", "utf-8")
    log = load_events(path)
    assert [e.user for e in log.events] == ["ann", "bob", "cat"]
    bad = {w.where.line: w.message for w in log.warnings}
    assert set(bad) == {3, 5, 6} and all("chat.txt" in str(w) for w in log.warnings)
    assert "not a chat line" in bad[3] and "one kind" in bad[6]
    with pytest.raises(InputError, match="line 3"):
        load_events(path, strict=True)


def test_a_file_with_no_readable_message_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("shopping list\nmilk\neggs\n", "utf-8")
    with pytest.raises(InputError, match="no chat message") as err:
        load_events(path)
    assert "notes.txt" in str(err.value) and "[H:MM:SS] user: text" in str(err.value)
    res = run_cli("moments", path)
    assert res.returncode == 2 and "no chat message" in res.stderr and "Traceback" not in res.stderr


def test_our_own_logs_are_recognised_as_before(tmp_path: Path) -> None:
    """An event log of our schema whose texts look like chat logs is still read as ours (and streamed)."""
    records = [{"ts": 1, "type": "comment", "user": "ann", "text": '"content_offset_seconds": 1, "commenter": x'},
               {"ts": 2, "type": "comment", "user": "bob", "text": "[0:00:01] bob: lol"},
               {"ts": 3, "type": "comment", "text": '{"message": "a", "author": "b", "time_in_seconds": 1}'}]
    jsonl = tmp_path / "e.jsonl"
    jsonl.write_text("".join(json.dumps(r) + "\n" for r in records), "utf-8")
    assert load_events(jsonl).stats["format"] == "jsonl"
    assert stream_events(jsonl) is not None
    listed = tmp_path / "e.json"
    listed.write_text(json.dumps(records, indent=2), "utf-8")
    assert load_events(listed).stats["format"] == "json" and len(load_events(listed).events) == 3


# -- through the command line: a burst of laughter is an engagement moment ----------------------------------------

BASE = ["how much is it", "love this", "is shipping free?", "nice", "price?", "ok", "cute", "link?", "so pretty",
        "what size is that", "does it come in black", "thanks"]
LAUGHS = ["LOL", "hahaha", "jajaja", "kkkkk", "草", "ㅋㅋㅋ", "😂😂", "omg", "clip it", "!!!", "lmao", "wwww"]
CAUSE_S = 600


def chat_rows(minutes: int = 20, seed: int = 0) -> list[tuple[float, str, str]]:
    """A quiet chat from a crowd, and 45 people laughing from 5 s after ``CAUSE_S``."""
    rng = np.random.default_rng(seed)
    rows = [(s + float(rng.uniform(0, 1)), f"viewer{int(rng.integers(2000))}", str(rng.choice(BASE)))
            for s in range(minutes * 60) for _ in range(rng.poisson(0.4))]
    rows += [(CAUSE_S + 5 + float(rng.uniform(0, 15)), f"fan{i}", str(rng.choice(LAUGHS))) for i in range(45)]
    return sorted(rows)


def _engagement_at_cause(moments: list[dict]) -> list[dict]:
    return [m for m in moments if m["kind"] == "engagement" and m["start_s"] <= CAUSE_S <= m["end_s"]]


@pytest.mark.parametrize("shape", ["twitchdownloader-text", "tcd-irc", "twitchdownloader-json", "chat-downloader",
                                   "yt-dlp"])
def test_a_burst_of_laughter_in_a_chat_log_is_an_engagement_moment(tmp_path: Path, shape: str) -> None:
    rows = chat_rows()
    if shape == "twitchdownloader-text":
        path = tmp_path / "chat.txt"
        path.write_text("".join(f"[{clock(t)}] {u}: {x}\n" for t, u, x in rows), "utf-8")
    elif shape == "tcd-irc":
        path = tmp_path / "2100000000.log"
        path.write_text("".join(f"[{clock(t)}] <{u}> {x}\n" for t, u, x in rows), "utf-8")
    elif shape == "twitchdownloader-json":
        path = tmp_path / "2100000000.json"
        doc = twitchdownloader_doc([twitch_comment(i, round(t, 3), u, x) for i, (t, u, x) in enumerate(rows)])
        path.write_text(json.dumps(doc, separators=(",", ":")), "utf-8")
    elif shape == "chat-downloader":
        path = write_chat_downloader(tmp_path / "chat.json", [chat_downloader_item(i, round(t, 3), u, x)
                                                               for i, (t, u, x) in enumerate(rows)])
    else:
        path = tmp_path / "abc123.live_chat.json"
        path.write_text("".join(json.dumps(yt_text(i, round(t * 1000), u, x)) + "\n"
                                for i, (t, u, x) in enumerate(rows)), "utf-8")
    res = run_cli("moments", path, "--json")
    assert res.returncode == 0, res.stderr
    assert "Traceback" not in res.stderr
    found = _engagement_at_cause(json.loads(res.stdout))
    assert len(found) == 1, res.stdout
    assert found[0]["end_s"] - found[0]["start_s"] <= 60


def test_the_readme_example_runs(tmp_path: Path) -> None:
    """README's chat-log example: a TwitchDownloader text log, read by ``livehighlights moments``."""
    path = tmp_path / "chat.txt"
    path.write_text("".join(f"[{clock(t)}] {u}: {x}\n" for t, u, x in chat_rows()), "utf-8")
    res = run_cli("moments", path)
    assert res.returncode == 0 and "engagement" in res.stdout, res.stderr


# -- the text-line parser, by property ----------------------------------------------------------------------------

NAME = st.from_regex(r"[A-Za-z0-9_]{1,25}", fullmatch=True)
DISPLAY = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp"), blacklist_characters=":<>[]()*|"),
                  min_size=1, max_size=20).map(str.strip).filter(bool)
TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n"), max_size=80)
SECONDS = st.integers(min_value=0, max_value=24 * 3600 - 1)


@settings(max_examples=300, deadline=None)
@given(line=st.text(max_size=120))
def test_any_line_is_a_chat_line_or_none(line: str) -> None:
    from livehighlights.sources.chatlogs import ChatLine, parse_chat_line

    got = parse_chat_line(line)
    assert got is None or (isinstance(got, ChatLine) and got.user and got.user == got.user.strip()
                           and (got.ts_ms is None) != (got.at is None))


@settings(max_examples=300, deadline=None)
@given(seconds=SECONDS, user=st.one_of(NAME, DISPLAY), text=TEXT)
def test_twitchdownloader_and_chat_downloader_lines_read_back(seconds: int, user: str, text: str) -> None:
    from livehighlights.sources.chatlogs import parse_chat_line

    td = parse_chat_line(f"[{clock(seconds)}] {user}: {text}")  # ChatText.cs, Relative
    assert td is not None and (td.ts_ms, td.user, td.text, td.money) == (seconds * 1000, user, text, None)
    h, rem = divmod(seconds, 3600)
    time_text = f"{h}:{rem // 60:02d}:{rem % 60:02d}" if h else f"{rem // 60}:{rem % 60:02d}"
    cd = parse_chat_line(f"{time_text} | {user}: {text}")  # chat-downloader's default text format
    assert cd is not None and (cd.ts_ms, cd.user, cd.text) == (seconds * 1000, user, text)


@settings(max_examples=300, deadline=None)
@given(seconds=SECONDS, user=NAME, badge=st.sampled_from(["", "~", "&", "@", "%", "+", "$", "!", "*"]), text=TEXT)
def test_irc_lines_read_back(seconds: int, user: str, badge: str, text: str) -> None:
    from livehighlights.sources.chatlogs import parse_chat_line

    got = parse_chat_line(f"[{clock(seconds)}] <{badge}{user}> {text}\r\n")  # tcd irc, a CRLF file
    assert got is not None and (got.ts_ms, got.user, got.text, got.action) == (seconds * 1000, user, text, False)


@settings(max_examples=200, deadline=None)
@given(when=st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31)),
       full=st.booleans(), user=st.one_of(NAME, DISPLAY), text=TEXT)
def test_utc_lines_read_back(when: datetime, full: bool, user: str, text: str) -> None:
    from livehighlights.sources.chatlogs import parse_chat_line

    when = when.replace(microsecond=when.microsecond // 1000 * 1000 if full else 0)
    stamp = when.strftime("%Y-%m-%d %H:%M:%S") + (f".{when.microsecond // 1000:03d}" if full else "")
    got = parse_chat_line(f"[{stamp} UTC] {user}: {text}")  # ChatText.cs, Utc / UtcFull
    assert got is not None and (got.at, got.user, got.text) == (when.replace(tzinfo=UTC), user, text)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=st.lists(TEXT, min_size=1, max_size=5))
def test_our_jsonl_is_never_taken_for_a_chat_log(tmp_path: Path, texts: list[str]) -> None:
    path = tmp_path / "e.jsonl"
    path.write_text("".join(json.dumps({"ts": i, "type": "comment", "text": t}) + "\n" for i, t in enumerate(texts)),
                    "utf-8")
    assert load_events(path).stats["format"] == "jsonl"


SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-10**22, 10**22), st.floats(allow_nan=False),
                    st.text(max_size=8), st.sampled_from(["12.5", "-3", "$5.00", "1714554000000000", "9" * 21, ""]))
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                      st.dictionaries(st.text(max_size=6), inner, max_size=3)),
                      max_leaves=6)


def _junk(keys: list[str]) -> st.SearchStrategy[dict]:
    return st.fixed_dictionaries({}, optional={k: VALUES for k in keys})


TWITCH_COMMENT = st.one_of(_junk(["_id", "content_offset_seconds", "commenter", "message"]), VALUES,
                           st.builds(lambda t, c, m: {"content_offset_seconds": t, "commenter": c, "message": m},
                                     VALUES, _junk(["display_name", "name", "_id"]),
                                     _junk(["body", "bits_spent", "fragments"])))
CD_ITEM = st.one_of(VALUES, st.builds(lambda item, t, k: {**item, "time_in_seconds": t, "message_type": k},
                                      _junk(["author", "message", "message_id", "timestamp", "money", "bits",
                                             "mass_gift_count", "number_of_raiders"]), VALUES,
                                      st.one_of(VALUES, st.sampled_from(["text_message", "paid_message", "raid",
                                                                         "paid_sticker", "membership_item"]))))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(shape=st.sampled_from(["twitch", "chat-downloader", "yt-dlp"]), items=st.lists(st.one_of(
    TWITCH_COMMENT, CD_ITEM), min_size=1, max_size=4), data=st.data())
def test_any_chat_json_is_read_or_refused_by_name(tmp_path: Path, shape: str, items: list, data) -> None:
    """Chat JSON with any value in any field: read, or refused with an InputError naming the file; never another
    exception, and every event read is a valid one."""
    if shape == "twitch":
        path = tmp_path / "chat.json"
        path.write_text(json.dumps({"video": data.draw(VALUES), "comments": items}), "utf-8")
    elif shape == "chat-downloader":
        path = write_chat_downloader(tmp_path / "chat.json", items, indent=data.draw(st.sampled_from([None, 4])))
    else:
        path = tmp_path / "c.live_chat.json"
        lines = [{"replayChatItemAction": {"actions": [{"addChatItemAction": {"item": {data.draw(st.sampled_from([
            "liveChatTextMessageRenderer", "liveChatPaidMessageRenderer", "liveChatMembershipItemRenderer",
            "liveChatSponsorshipsGiftPurchaseAnnouncementRenderer", "x"])): item}}}],
            "videoOffsetTimeMsec": data.draw(VALUES)}} for item in items]
        path.write_text("".join(json.dumps(line) + "\n" for line in lines), "utf-8")
    fmt = {"twitch": "twitch-json", "chat-downloader": "chat-downloader", "yt-dlp": "yt-live-chat"}[shape]
    try:
        log = load_events(path, fmt=fmt)
    except InputError as err:
        assert path.name in str(err) and "Traceback" not in str(err)
        return
    for ev in log.events:
        assert ev.ts_ms >= 0 and isinstance(ev.type, str)
        assert ev.user is None or isinstance(ev.user, str)
        assert ev.value is None or ev.value >= 0
