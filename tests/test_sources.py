"""Event sources: formats, time alignment, messy input, catalog validation and checks."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from livehighlights.errors import InputError
from livehighlights.sources import EVENT_ADAPTERS, EventAdapter, check_overlap, load_catalog, load_events


def write_jsonl(path: Path, records: list[object]) -> Path:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in records), "utf-8")
    return path


def write_catalog(path: Path, products: object) -> Path:
    path.write_text(json.dumps(products), "utf-8")
    return path


@pytest.fixture
def catalog(tmp_path: Path):
    (tmp_path / "img").mkdir()
    from PIL import Image

    Image.new("RGB", (32, 32), (200, 40, 90)).save(tmp_path / "img" / "p1.jpg")
    return load_catalog(write_catalog(tmp_path / "catalog.json", [
        {"id": "p1", "title": "Serum", "price": 20.0, "currency": "USD", "discount": 0.25, "cost": 5.0,
         "selling_points": ["vitamin C"], "images": ["img/p1.jpg"]},
        {"id": "p2", "title": "Brush", "price": 10, "currency": "USD"},
    ]))


def messages(log) -> str:
    return "\n".join(str(w) for w in log.warnings)


# -- formats and timestamps ----------------------------------------------------------------------

def test_relative_jsonl(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "e.jsonl", [
        {"ts": 0, "type": "viewers", "count": 10},
        {"ts": 1.2345, "type": "like"},
        {"ts": "2.0005", "type": "comment", "text": "wow", "user": "ann"},
        {"ts": 3, "type": "order", "product_id": 7, "quantity": "2", "amount": "39.98", "currency": "USD"},
    ])
    log = load_events(path)
    assert [e.ts_ms for e in log.events] == [0, 1235, 2001, 3000]
    like, comment, order = log.events[1:]
    assert like.count == 1 and comment.text == "wow" and comment.user == "ann"
    assert order.product_id == "7" and order.quantity == 2 and order.amount == 39.98
    assert log.live_start_utc is None and log.span_ms == (0, 3000)
    assert log.stats["lines"] == 4 and log.stats["events"] == 4 and log.warnings == []
    assert order.source == "e.jsonl:4"


def test_iso_aligned_to_earliest_exact_ms(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "e.ndjson", [
        {"ts": "2026-11-21T20:00:05.250Z", "type": "like"},
        {"ts": "2026-11-21T20:00:00.000Z", "type": "join"},
        {"ts": "2026-11-21T21:00:01.0015+01:00", "type": "like"},  # = 20:00:01.0015 UTC
    ])
    log = load_events(path)
    assert [e.ts_ms for e in log.events] == [0, 1002, 5250]
    assert log.live_start_utc == datetime(2026, 11, 21, 20, 0, tzinfo=UTC)
    assert log.stats["unsorted"] == 2  # both follow a later event


def test_iso_aligned_to_given_live_start(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "e.jsonl", [
        {"ts": "2026-11-21T19:59:59Z", "type": "like"},
        {"ts": "2026-11-21T20:00:05.250Z", "type": "like"},
    ])
    log = load_events(path, live_start="2026-11-21T20:00:00Z")
    assert [e.ts_ms for e in log.events] == [5250]
    assert "line 1" in messages(log) and "before the LIVE's start" in messages(log)
    with pytest.raises(InputError, match="line 1"):
        load_events(path, live_start=datetime(2026, 11, 21, 20, 0, tzinfo=UTC), strict=True)


def test_mixed_relative_absolute(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "e.jsonl", [
        {"ts": 1, "type": "like"},
        {"ts": "2026-11-21T20:00:05Z", "type": "like"},
    ])
    log = load_events(path)
    assert len(log.events) == 1
    assert log.warnings[0].where.line == 2 and log.warnings[0].where.field == "ts"
    with pytest.raises(InputError, match=r"e\.jsonl, line 2"):
        load_events(path, strict=True)


def test_csv(tmp_path: Path) -> None:
    path = tmp_path / "e.csv"
    path.write_text("ts,type,count,product_id,quantity,amount,text\n"
                    "0.5,viewers,120,,,,\n"
                    "1,order,,p1,1,15.00,\n"
                    '2,comment,,,,,"hello, world"\n'
                    "3,like,many,,,,\n", "utf-8")
    log = load_events(path)
    assert [(e.ts_ms, e.type) for e in log.events] == [(500, "viewers"), (1000, "order"), (2000, "comment")]
    assert log.events[0].count == 120 and log.events[1].amount == 15.0
    assert log.events[2].text == "hello, world"
    (w,) = log.warnings
    assert w.where.line == 5 and w.where.field == "count"


def test_json_list(tmp_path: Path) -> None:
    path = tmp_path / "e.json"
    path.write_text('[\n  {"ts": 1, "type": "like"},\n  {"ts": 2, "type": "share", "count": 3},\n'
                    '  {"ts": -1, "type": "like"}\n]\n', "utf-8")
    log = load_events(path)
    assert [e.count for e in log.events] == [1, 3]
    assert log.warnings[0].where.line == 4 and log.warnings[0].where.field == "ts"


def test_fmt_overrides_extension(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "events.txt", [{"ts": 1, "type": "like"}])
    with pytest.raises(InputError, match="format"):
        load_events(path)
    assert len(load_events(path, fmt="jsonl").events) == 1


def test_registry_has_abstract_adapters() -> None:
    assert {"jsonl", "json", "csv", "tiktoklive"} <= set(EVENT_ADAPTERS)
    assert all(issubclass(cls, EventAdapter) for cls in EVENT_ADAPTERS.values())


# -- TikTokLive ------------------------------------------------------------------------------------

def test_tiktoklive_mapping(tmp_path: Path) -> None:
    t0 = 1732200000123
    records = [
        {"event": "RoomUserSeqEvent", "create_time": t0, "m_total": 340, "total_user": 5000},
        {"event": "CommentEvent", "create_time": t0 + 1000, "user": {"unique_id": "ann", "nickname": "Ann"},
         "comment": "how much?"},
        {"event": "LikeEvent", "create_time": t0 + 1500, "count": 15, "total": 900},
        {"event": "JoinEvent", "create_time": t0 + 1600, "user": {"unique_id": "bob"}},
        {"event": "ShareEvent", "create_time": t0 + 1700},
        {"event": "FollowEvent", "create_time": t0 + 1800},
        {"event": "GiftEvent", "create_time": t0 + 2000, "gift": {"name": "Rose", "diamond_count": 1, "type": 1},
         "repeat_count": 3, "repeat_end": 0},
        {"event": "GiftEvent", "create_time": t0 + 2500, "gift": {"name": "Rose", "diamond_count": 1, "type": 1},
         "repeat_count": 5, "repeat_end": 1},
        {"event": "OecLiveShoppingEvent", "create_time": t0 + 3000,
         "product_id": "1729", "title": "Serum", "price_string": "$15.00"},
        {"event": "OrderEvent", "create_time": t0 + 4000, "order_id": "o1", "product_id": "1729",
         "quantity": 2, "total_amount": 30.0, "currency": "USD"},
        {"event": "EmoteChatEvent", "create_time": t0 + 5000},
    ]
    path = write_jsonl(tmp_path / "dump.jsonl", records)  # recognised without fmt=
    log = load_events(path)
    assert log.stats["format"] == "tiktoklive"
    assert log.live_start_utc == datetime(2024, 11, 21, 14, 40, 0, 123000, tzinfo=UTC)
    by_type = {e.type: e for e in log.events}
    assert by_type["viewers"].count == 340 and by_type["viewers"].ts_ms == 0
    assert by_type["comment"].text == "how much?" and by_type["comment"].user == "ann"
    assert by_type["comment"].ts_ms == 1000
    assert by_type["like"].count == 15 and by_type["join"].user == "bob"
    assert by_type["share"].count == 1 and by_type["follow"].count == 1
    assert by_type["gift_streak"].count == 3
    assert by_type["gift"].count == 5 and by_type["gift"].value == 5 and by_type["gift"].text == "Rose"
    assert by_type["product_pin"].product_id == "1729" and by_type["product_pin"].text == "Serum"
    order = by_type["order"]
    assert (order.id, order.quantity, order.amount, order.currency) == ("o1", 2, 30.0, "USD")
    assert all(e.raw == rec for e, rec in zip(log.events, records, strict=True))
    assert log.stats["unknown_types"] == {"emote_chat": 1}
    assert load_events(path, fmt="tiktoklive").stats["events"] == len(records)


# -- messy input -----------------------------------------------------------------------------------

def test_unsorted_duplicates_unknown(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "e.jsonl", [
        {"ts": 5, "type": "like", "id": "a"},
        {"ts": 1, "type": "like", "id": "b", "extra": 1},
        {"ts": 5, "type": "comment", "id": "a"},  # duplicate id: dropped
        {"ts": 3, "type": "poll", "question": "?"},
        {"ts": 4, "type": "Poll"},
        {"ts": 1, "type": "share"},
    ])
    log = load_events(path)
    assert [(e.ts_ms, e.type) for e in log.events] == [(1000, "like"), (1000, "share"), (3000, "poll"),
                                                       (4000, "poll"), (5000, "like")]
    assert log.stats["duplicates"] == 1 and log.stats["unsorted"] == 4
    assert log.stats["unknown_types"] == {"poll": 2}
    assert log.events[0].raw == {"ts": 1, "type": "like", "id": "b", "extra": 1}
    assert log.events[4].raw is None
    text = messages(log)
    assert "duplicate" in text and "e.jsonl:3" in text and "'poll'" in text


MALFORMED = [
    ("not json", 2, None),
    ('{"type": "like"}', 3, "ts"),
    ('{"ts": 1}', 4, "type"),
    ('{"ts": "soon", "type": "like"}', 5, "ts"),
    ('{"ts": -2, "type": "like"}', 6, "ts"),
    ('{"ts": 1, "type": "like", "count": "many"}', 7, "count"),
    ('{"ts": 1, "type": "order", "quantity": 0}', 8, "quantity"),
    ('{"ts": 1, "type": "order", "amount": -5}', 9, "amount"),
    ('{"ts": 1, "type": "viewers"}', 10, "count"),
    ('[1, 2]', 11, None),
    ('{"ts": 1, "type": "comment", "text": {"a": 1}}', 12, "text"),
    ('{"ts": true, "type": "like"}', 13, "ts"),
]


def test_each_malformed_line_reported(tmp_path: Path) -> None:
    lines = ['{"ts": 0, "type": "like"}'] + [m[0] for m in MALFORMED]
    path = write_jsonl(tmp_path / "e.jsonl", lines)
    log = load_events(path)
    assert len(log.events) == 1 and log.stats["malformed"] == len(MALFORMED)
    assert [(w.where.line, w.where.field) for w in log.warnings] == [(n, f) for _, n, f in MALFORMED]
    assert all(str(w).startswith(str(path)) for w in log.warnings)


@pytest.mark.parametrize(("line", "lineno", "field"), MALFORMED)
def test_strict_raises_with_location(tmp_path: Path, line: str, lineno: int, field: str | None) -> None:
    path = write_jsonl(tmp_path / "e.jsonl", ['{"ts": 0, "type": "like"}'] + [""] * (lineno - 2) + [line])
    with pytest.raises(InputError) as info:
        load_events(path, strict=True)
    msg = str(info.value)
    assert str(path) in msg and f"line {lineno}" in msg
    assert info.value.where.line == lineno and info.value.where.field == field


def test_empty_missing_invalid_files(tmp_path: Path) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n\n", "utf-8")
    with pytest.raises(InputError, match=r"empty\.jsonl.*no events"):
        load_events(empty)
    bad = write_jsonl(tmp_path / "bad.jsonl", ["nope", '{"ts": 1}'])
    with pytest.raises(InputError, match=r"bad\.jsonl.*no events.*line 1"):
        load_events(bad)
    with pytest.raises(InputError, match=r"missing\.jsonl.*no such file"):
        load_events(tmp_path / "missing.jsonl")
    enc = tmp_path / "enc.jsonl"
    enc.write_bytes(b'{"ts": 1, "type": "like"}\n{"ts": 2, "type": "comment", "text": "caf\xe9"}\n')
    with pytest.raises(InputError, match=r"enc\.jsonl, line 2.*UTF-8"):
        load_events(enc, strict=True)
    assert "line 2" in messages(load_events(enc)) and "UTF-8" in messages(load_events(enc))


# -- catalog -----------------------------------------------------------------------------------------

def test_catalog_loads_and_resolves(catalog, tmp_path: Path) -> None:
    p1 = catalog.get("p1")
    assert p1.title == "Serum" and p1.discount == 0.25 and p1.cost == 5.0
    assert p1.images == [str(tmp_path / "img" / "p1.jpg")]
    assert catalog.get("nope") is None and catalog.currency == "USD" and catalog.warnings == []


def test_catalog_products_key_percent_and_missing_image(tmp_path: Path) -> None:
    (tmp_path / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 40)  # a PNG cut short
    (tmp_path / "notes.jpg").write_text("not a picture")
    cat = load_catalog(write_catalog(tmp_path / "c.json", {"products": [
        {"id": 1, "title": "A", "price": "9.5", "discount": 20,
         "images": ["nope.jpg", "https://x/y.jpg", "broken.png", "notes.jpg"]}]}))
    prod = cat.get("1")
    assert prod.discount == pytest.approx(0.2) and prod.price == 9.5
    assert prod.images[1] == "https://x/y.jpg"
    text = "\n".join(map(str, cat.warnings))
    assert "percent" in text and "image not found" in text and "images[0]" in text
    assert "images[1]" in text and "is a URL: nothing is downloaded" in text  # said, not silently unused
    assert "images[2]" in text and "images[3]" in text and text.count("cannot be read as a picture") == 2


@pytest.mark.parametrize(("products", "pattern"), [
    ([{"title": "A"}], r"products\[0\]\.id.*missing 'id'"),
    ([{"id": "a"}], r"products\[0\] \(id 'a'\)\.title"),
    ([{"id": "a", "title": "A"}, {"id": "a", "title": "B"}], r"products\[1\].*duplicate product id"),
    ([{"id": "a", "title": "A", "price": -1}], r"\.price.*negative"),
    ([{"id": "a", "title": "A", "price": "cheap"}], r"\.price.*must be a number"),
    ([{"id": "a", "title": "A", "discount": 150}], r"\.discount"),
    ([{"id": "a", "title": "A", "selling_points": ["ok", 3]}], r"selling_points\[1\]"),
    ({"items": []}, r"expected a JSON list"),
    ([], r"no products"),
])
def test_catalog_errors(tmp_path: Path, products: object, pattern: str) -> None:
    path = write_catalog(tmp_path / "cat.json", products)
    with pytest.raises(InputError, match=r"cat\.json.*" + pattern):
        load_catalog(path)


def test_catalog_not_json(tmp_path: Path) -> None:
    path = tmp_path / "cat.json"
    path.write_text("[\n{oops}\n]", "utf-8")
    with pytest.raises(InputError, match=r"cat\.json, line 2"):
        load_catalog(path)


def test_catalog_checks_on_events(catalog, tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "e.jsonl", [
        {"ts": 1, "type": "order", "product_id": "p1", "quantity": 1, "amount": 15.0},  # ok (discounted)
        {"ts": 2, "type": "order", "product_id": "p1", "quantity": 2, "amount": 3000},  # cents
        {"ts": 3, "type": "order", "product_id": "p2", "quantity": 1, "amount": 10, "currency": "EUR"},
        {"ts": 4, "type": "product_click", "product_id": "zz"},
        {"ts": 5, "type": "order", "product_id": "zz", "amount": 1},
    ])
    log = load_events(path, catalog=catalog)
    assert len(log.events) == 5
    where = [(w.where.line, w.where.field) for w in log.warnings]
    assert where == [(2, "amount"), (3, "currency"), (4, "product_id")]
    text = messages(log)
    assert "cents" in text and "'EUR'" in text and "'zz'" in text and "line 4" in text


# -- overlap -----------------------------------------------------------------------------------------

def test_overlap(tmp_path: Path) -> None:
    log = load_events(write_jsonl(tmp_path / "events.jsonl", [
        {"ts": 3600, "type": "like"}, {"ts": 7200, "type": "like"}]))
    with pytest.raises(InputError, match=r"events\.jsonl: events span 3600\.0-7200\.0 s, recording is "
                                         r"0-1800\.0 s: no overlap"):
        check_overlap(log, 1_800_000)
    assert check_overlap(log, 7_200_001) == []
    log = load_events(write_jsonl(tmp_path / "events.jsonl", [
        {"ts": 0, "type": "like"}, {"ts": 3600, "type": "like"}, {"ts": 7200, "type": "like"}]))
    (w,) = check_overlap(log, 5_000_000)
    assert "1 of 3 events" in str(w) and "--offset" in str(w) and "--live-start" in str(w)


def test_gzipped_event_log_is_read(tmp_path):
    import gzip

    from livehighlights.errors import InputError
    from livehighlights.sources import load_events

    text = "\n".join(['{"ts": 1, "type": "like", "count": 3}', '{"ts": 2.5, "type": "comment", "text": "hi"}']) + "\n"
    packed = tmp_path / "events.jsonl.gz"
    packed.write_bytes(gzip.compress(text.encode()))
    log = load_events(packed)
    assert [(e.ts_ms, e.type) for e in log.events] == [(1000, "like"), (2500, "comment")]
    broken = tmp_path / "cut.jsonl.gz"
    broken.write_bytes(gzip.compress(text.encode())[:-12])
    with pytest.raises(InputError, match="gzip"):
        load_events(broken)


@pytest.mark.parametrize("text, value", [("$56.38", 56.38), ("12,50", 12.5), ("1.234,56 €", 1234.56),
                                         ("Rp 15.000,00", 15000.0), ("USD 9.99", 9.99), ("1,299.00", 1299.0),
                                         ("1 234,56", 1234.56), ("€ 3,99", 3.99)])
def test_amounts_as_shops_write_them(tmp_path, text, value):
    from livehighlights.sources import load_events

    path = tmp_path / "ev.jsonl"
    path.write_text(json.dumps({"ts": 3, "type": "order", "product_id": "p1", "quantity": 1, "amount": text}) + "\n")
    log = load_events(path)
    assert [e.amount for e in log.events] == [pytest.approx(value)]


def test_money_round_trip_in_both_notations():
    from hypothesis import given
    from hypothesis import strategies as st

    from livehighlights.sources.parse import parse_money

    @given(st.integers(min_value=0, max_value=10**9), st.sampled_from(["$", "€ ", "", "USD "]), st.booleans())
    def check(cents, symbol, european):
        whole, frac = divmod(cents, 100)
        grouped = f"{whole:,}"
        text = (grouped.replace(",", ".") + "," if european else grouped + ".") + f"{frac:02d}"
        assert parse_money(symbol + text) == pytest.approx(cents / 100)

    check()
