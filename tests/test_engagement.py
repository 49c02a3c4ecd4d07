"""Engagement moments from the audience alone: a burst of many people reacting is a moment placed on
its cause; one bot, a copy-paste, giveaway commands, greetings and a growing audience are not."""

from __future__ import annotations

import numpy as np
import pytest

from livehighlights.detect.engagement import LEAD_S, REACTION_LAG_S
from livehighlights.engine import detect
from livehighlights.models import Event, Moment
from livehighlights.signals.chat import ChatFilter, is_greeting, is_reaction, normalise

BASE = ["how much is it", "love this", "is shipping free?", "nice", "price?", "ok", "cute", "link?", "so pretty",
        "what size is that", "does it come in black", "thanks"]
LAUGHS = ["LOL", "hahaha", "jajaja", "kkkkk", "草", "ㅋㅋㅋ", "😂😂", "omg", "clip it", "!!!", "lmao", "wwww"]


def _room(minutes: int = 20, viewers: float | np.ndarray = 500.0, rate: float = 8e-4, seed: int = 0) -> list[Event]:
    """A quiet LIVE: viewer counts every 10 s, chat at ``rate`` messages per viewer-second from a crowd."""
    rng = np.random.default_rng(seed)
    n = minutes * 60
    v = np.broadcast_to(np.asarray(viewers, dtype=float), (n,))
    users = [f"viewer{i}" for i in range(2000)]
    events = [Event(k * 1000, "viewers", count=int(v[k])) for k in range(0, n, 10)]
    for s in range(n):
        for _ in range(rng.poisson(v[s] * rate)):
            events.append(Event(s * 1000 + int(rng.integers(1000)), "comment", text=str(rng.choice(BASE)),
                                user=users[int(rng.integers(len(users)))]))
        likes = rng.poisson(v[s] * 0.01)
        if likes:
            events.append(Event(s * 1000 + int(rng.integers(1000)), "like", count=int(likes)))
    return events


def _burst(start_s: float, people: int, texts: list[str], seconds: float = 15.0, seed: int = 1,
           users: list[str] | None = None) -> list[Event]:
    rng = np.random.default_rng(seed)
    who = users or [f"fan{i}" for i in range(people)]
    return [Event(int((start_s + rng.uniform(0, seconds)) * 1000), "comment", text=str(rng.choice(texts)),
                  user=who[i % len(who)]) for i in range(people)]


def _moments(events: list[Event], minutes: int = 20) -> list[Moment]:
    return detect(sorted(events, key=lambda e: e.ts_ms), minutes * 60_000).moments


def _audience(moments: list[Moment], lo_s: float, hi_s: float) -> list[Moment]:
    return [m for m in moments if m.kind == "engagement" and m.start_ms < hi_s * 1000 and m.end_ms > lo_s * 1000]


def test_many_people_laughing_is_a_moment_placed_on_its_cause():
    cause = 600
    moments = _moments(_room() + _burst(cause + 5, 45, LAUGHS))  # people react ~5 s after the cause
    found = _audience(moments, cause, cause + 30)
    assert len(found) == 1, moments
    m = found[0]
    assert m.detector == "engagement" and m.start_ms <= cause * 1000 <= m.end_ms
    # the moment opens REACTION_LAG_S + LEAD_S before the reaction's onset, not earlier
    assert (cause + 5 - REACTION_LAG_S - LEAD_S - 10) * 1000 <= m.start_ms and m.end_ms - m.start_ms <= 45_000
    assert m.start_ms <= m.peak_ms <= m.end_ms
    assert m.evidence["reactions"]["value"] >= 20 and m.evidence["reaction_lag_s"] > 0
    assert m.breakdown["reactions"] > 0 and m.score == pytest.approx(sum(m.breakdown.values()))
    assert not _audience(moments, 0, cause - 60) and not _audience(moments, cause + 60, 1200)


def test_the_pinned_product_is_attached():
    events = _room() + _burst(605, 45, LAUGHS) + [Event(560_000, "product_pin", product_id="mug"),
                                                   Event(700_000, "product_unpin", product_id="mug")]
    (m,) = _audience(_moments(events), 600, 630)
    assert m.product_id == "mug"


@pytest.mark.parametrize("flood", [
    pytest.param(_burst(600, 120, LAUGHS + BASE, seconds=40, users=["bot123"]), id="one-bot"),
    pytest.param(_burst(600, 90, ["FREE FOLLOWERS AND VIEWS >>> visit the link in my profile today only"],
                        seconds=30), id="copy-paste"),
    pytest.param(_burst(600, 120, ["!enter", "!giveaway", "!join", "me!", "pick me"], seconds=40), id="giveaway"),
])
def test_floods_that_are_not_people_reacting_are_no_moment(flood):
    moments = _moments(_room() + flood)
    assert not _audience(moments, 590, 660), _audience(moments, 590, 660)


def test_the_greeting_burst_of_the_first_minutes_is_no_moment():
    hello = _burst(5, 150, ["hi", "hello", "hey!", "hola", "hi everyone", "good evening", "welcome back"],
                   seconds=90)
    early_laughs = _burst(40, 30, LAUGHS, seconds=20, seed=3)  # the room warming up: no baseline yet
    moments = _moments(_room() + hello + early_laughs)
    assert not _audience(moments, 0, 150)


def test_a_growing_audience_is_not_a_moment_but_a_burst_in_it_still_is():
    growing = np.linspace(150, 900, 20 * 60)  # six-fold over the LIVE; chat grows with it
    quiet = _moments(_room(viewers=growing, seed=4))
    assert not [m for m in quiet if m.kind == "engagement"], quiet
    busy = _moments(_room(viewers=growing, seed=4) + _burst(905, 60, LAUGHS, seed=5))
    assert _audience(busy, 895, 930)


def test_chat_filter_counts_people_not_messages():
    f = ChatFilter()
    assert f.weigh(0.0, "hahaha", "ann").reactions == 1
    assert f.weigh(2.0, "LOL", "ann").chat == 0  # the same person again within the cooldown
    assert f.weigh(3.0, "!enter", "bob").chat_spam == 1
    assert f.weigh(4.0, "hello from Ohio", "cat").greetings == 1
    long_text = "buy followers now at the best price on the internet"
    assert f.weigh(5.0, long_text, "dan").chat == 1
    assert f.weigh(6.0, long_text, "eve").chat_spam == 1  # a copy of a long text someone just sent
    assert f.weigh(20.0, "LOL", "ann").chat == 1  # after the cooldown, counted again


@pytest.mark.parametrize("text", ["LOOOOL", "jajaja", "kkkkk", "草", "哈哈哈", "ㅋㅋㅋ", "5555", "mdr", "wkwkwk", "😂",
                                  "omg", "clip it", "no way!!!", "KEKW", "Pog", "D:", "WutFace", "BibleThump",
                                  "4Head", "haHAA", "PepeHands", "Jebaited"])
def test_reactions_in_several_languages(text):
    """Laughter and shock in several languages and scripts, and the Twitch emotes a crowd types at once."""
    assert is_reaction(text)


@pytest.mark.parametrize("text", ["how much?", "what's next?", "I need this", "is shipping free?", "live at 8:30",
                                  "ratio 2:1", "hd:"])
def test_questions_are_not_reactions(text):
    assert not is_reaction(text) and not is_greeting(normalise(text))
