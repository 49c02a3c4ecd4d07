"""Event adapters of the live follower: TikTokLive client events (plain objects shaped like the client's, the
client itself is never installed) and a shop's LIVE analytics polled from a local stand-in server."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from livehighlights.errors import InputError
from livehighlights.live.analytics import AnalyticsPoller, parse_snapshot
from livehighlights.live.events import END_TYPES, EventSink, StoredEvents, open_event_source
from livehighlights.live.tiktoklive import map_client_event
from livehighlights.store import open_store

ORIGIN = datetime(2026, 5, 1, 12, 0, 0, tzinfo=UTC)
MS = int((ORIGIN + timedelta(seconds=42)).timestamp() * 1000)


class Obj:
    """An attribute bag named like a client class."""

    def __init__(self, **kw: Any) -> None:
        self.__dict__.update(kw)


def client(name: str, **kw: Any) -> Any:
    return type(name, (Obj,), {})(**kw)


def common() -> Any:
    return Obj(create_time=MS, msg_id=7)


def test_client_events_map_by_their_attribute_names() -> None:
    user = Obj(unique_id="ann", nickname="Ann")
    cases = [
        (client("CommentEvent", common=common(), user=user, comment="price?"), ("comment", "price?", None, None)),
        (client("LikeEvent", common=common(), user=user, count=15, total=900), ("like", None, 15, None)),
        (client("JoinEvent", common=common(), user=user), ("join", None, 1, None)),
        (client("FollowEvent", common=common(), user=user), ("follow", None, 1, None)),
        (client("ShareEvent", common=common(), user=user), ("share", None, 1, None)),
        (client("RoomUserSeqEvent", common=common(), m_total=812, total_user=4000), ("viewers", None, 812, None)),
        (client("GiftEvent", common=common(), user=user, repeat_count=3, repeat_end=1, streaking=False,
                gift=Obj(name="Rose", diamond_count=1, type=1)), ("gift", "Rose", 3, 3.0)),
        (client("LiveEndEvent", common=common(), action=2), ("live_end", None, None, None)),
    ]
    for obj, (typ, text, count, value) in cases:
        ev = map_client_event(obj, ORIGIN)
        assert (ev.type, ev.text, ev.count, ev.value) == (typ, text, count, value), type(obj).__name__
        assert ev.ts_ms == 42_000
        assert ev.raw["event"] == type(obj).__name__  # the client's fields kept whole
    assert map_client_event(cases[0][0], ORIGIN).user == "ann"
    assert "live_end" in END_TYPES


def test_gift_streak_counted_once_and_shopping_kept_raw() -> None:
    running = client("GiftEvent", common=common(), user="bo", repeat_count=2, repeat_end=0, streaking=True,
                     gift=Obj(name="Rose", diamond_count=1, type=1))
    assert map_client_event(running, ORIGIN).type == "gift_streak"
    shop = client("OecLiveShoppingEvent", common=common(), product_id="p07", title="Serum", price_string="$9",
                  shop_data=Obj(shop_name="Glow"))
    ev = map_client_event(shop, ORIGIN)
    assert (ev.type, ev.product_id, ev.text) == ("product_pin", "p07", "Serum")
    assert ev.raw["price_string"] == "$9" and ev.raw["shop_data"] == {"shop_name": "Glow"}


def test_event_without_a_time_takes_its_arrival_and_the_client_is_optional() -> None:
    ev = map_client_event(client("CommentEvent", comment="hi"), ORIGIN, now=ORIGIN + timedelta(seconds=5))
    assert ev.ts_ms == 5000
    import importlib.util

    if importlib.util.find_spec("TikTokLive") is None:  # the usual case: never a dependency
        with pytest.raises(InputError, match="optional extra"):
            open_event_source("tiktok:@someone")


# ---- shop analytics ---------------------------------------------------------------------------------------------
class ShopAnalytics:
    """A stand-in of a shop's LIVE analytics endpoint: the Partner API envelope around cumulative counters, which
    the test moves forward (and resets) between polls."""

    def __init__(self) -> None:
        self.answers: list[dict[str, Any]] = []
        self.auth: list[str | None] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802
                outer.auth.append(self.headers.get("Authorization"))
                doc = outer.answers.pop(0) if len(outer.answers) > 1 else outer.answers[0]
                body = json.dumps({"code": 0, "message": "Success", "data": doc}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/live/performance"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def snap(t_s: int, gmv: float, orders: int, visitors: int, p1: tuple[float, int, int]) -> dict[str, Any]:
    return {"update_time": int((ORIGIN + timedelta(seconds=t_s)).timestamp()),
            "overview": {"gmv": {"amount": f"{gmv:.2f}", "currency": "USD"}, "sku_orders": orders,
                         "visitors": visitors, "product_clicks": p1[2]},
            "products": [{"product_id": "p1", "gmv": {"amount": f"{p1[0]:.2f}", "currency": "USD"},
                          "sku_orders": p1[1], "product_clicks": p1[2]}]}


@pytest.fixture
def store(tmp_path: Path):
    with open_store(f"sqlite:///{tmp_path / 'db.sqlite'}", media_root=tmp_path / "media") as st:
        yield st


def test_cumulative_counters_become_interval_events_and_a_reset_is_handled(store) -> None:
    live = store.upsert_live(store.seller("shop").id, "follow:analytics", status="live", started_at=ORIGIN)
    server = ShopAnalytics()
    try:
        server.answers = [snap(10, 50.0, 2, 100, (40.0, 1, 9)), snap(20, 130.0, 5, 160, (100.0, 3, 20)),
                          snap(30, 30.0, 1, 170, (30.0, 1, 4))]  # the platform reset its counters
        sink = EventSink(store, live.id, ORIGIN)
        poller = AnalyticsPoller(server.url, interval_s=0.05, token="t0ken")
        last: dict[str, Any] = {}
        with httpx.Client() as c:
            for _ in range(3):
                poller.poll_once(sink, last, c)
        got = [(e.ts_ms, e.type, e.product_id, e.quantity, e.amount, e.count) for e in
               StoredEvents(store, live.id).poll()]
        assert got == [
            (10_000, "order", "p1", 1, 40.0, None), (10_000, "product_click", "p1", None, None, 9),
            (10_000, "join", None, None, None, 100), (10_000, "order", None, 1, 10.0, None),
            (20_000, "order", "p1", 2, 60.0, None), (20_000, "product_click", "p1", None, None, 11),
            (20_000, "join", None, None, None, 60), (20_000, "order", None, 1, 20.0, None),
            (30_000, "order", "p1", 1, 30.0, None), (30_000, "product_click", "p1", None, None, 4),
            (30_000, "join", None, None, None, 10),
        ]
        assert any("reset" in p for p in sink.stats.problems)
        assert server.auth[0] == "Bearer t0ken"
        assert "t0ken" not in json.dumps(poller.spec())
        # a poller started again goes on from the stored totals: the same answer adds nothing
        server.answers = [snap(30, 30.0, 1, 170, (30.0, 1, 4))]
        again = EventSink(store, live.id, ORIGIN)
        stop = threading.Event()
        stop.set()
        AnalyticsPoller(server.url, interval_s=0.01).run(again, stop)
        assert again.stats.stored == 0
    finally:
        server.close()


def test_bad_answers_name_the_field() -> None:
    with pytest.raises(ValueError, match="product_id"):
        parse_snapshot({"overview": {}, "products": [{"gmv": 1}]})
    with pytest.raises(ValueError, match="gmv"):
        parse_snapshot({"overview": {"gmv": "lots"}})
    with pytest.raises(ValueError, match="code 105"):
        parse_snapshot({"code": 105, "message": "no such LIVE", "data": {}})
