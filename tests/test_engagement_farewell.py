"""The goodbye wave as a LIVE ends is the greeting burst's twin: no highlight. The same words chanted while the LIVE
goes on ("ADIOS" at a beaten rival) are people reacting, and stay a moment."""

from __future__ import annotations

import pytest
from test_engagement import LAUGHS, _audience, _burst, _moments, _room

from livehighlights.detect.engagement import FAREWELL_HOLD_S, EngagementDetector
from livehighlights.engine import Engine
from livehighlights.models import Event
from livehighlights.signals.chat import ChatFilter, is_farewell, normalise

BYE = ["bye", "byeee", "bye bye", "gn", "see you tomorrow", "love u bye", "thanks for the live", "bye 👋",
       "good night all", "tchau", "拜拜", "ok bye sis"]
REGULARS = [f"viewer{i}" for i in range(2000)]
"""The room's own chatters (see ``_room``): the people who say goodbye were there all along."""


def _wave(start_s: float, texts: list[str], seed: int = 7) -> list[Event]:
    return _burst(start_s, 90, texts, seconds=30, seed=seed, users=REGULARS[seed * 100:seed * 100 + 90])


@pytest.mark.parametrize("text", BYE + ["Thanks for the stream!", "see ya", "GN", "ADIOS", "再见"])
def test_farewells_in_several_languages(text):
    assert is_farewell(normalise(text))


@pytest.mark.parametrize("text", ["I will buy it later", "can I see you try it on", "by the way", "gnarly",
                                  "maybe", "how much?", "hi everyone", "see you in the next video?"])
def test_other_talk_is_no_farewell(text):
    assert not is_farewell(normalise(text))


def test_a_farewell_still_counts_as_talk():
    f = ChatFilter()
    w = f.weigh(1.0, "bye everyone", "ann")
    assert w.chat == 1 and w.farewells == 1 and w.greetings == 0
    w = f.weigh(2.0, "I will buy it later", "bob")
    assert w.chat == 1 and w.farewells == 0


def test_the_goodbye_wave_as_the_live_ends_is_no_moment():
    minutes = 20
    wave = _wave(minutes * 60 - 50, BYE)
    moments = _moments(_room(minutes) + wave, minutes)
    assert not _audience(moments, minutes * 60 - 120, minutes * 60), moments


def test_the_same_wave_while_the_live_goes_on_is_a_moment():
    """Without the LIVE ending, a burst of goodbyes is a chant at something that happened: held, then emitted."""
    minutes = 20
    found = _audience(_moments(_room(minutes) + _wave(600, BYE), minutes), 560, 640)
    assert len(found) == 1 and found[0].evidence["chat"]["farewells"] >= 20


def test_laughter_as_the_live_ends_is_still_a_moment():
    minutes = 20
    moments = _moments(_room(minutes) + _burst(minutes * 60 - 50, 45, LAUGHS), minutes)
    assert _audience(moments, minutes * 60 - 90, minutes * 60)


def test_a_held_wave_is_confirmed_only_once_the_live_has_outlasted_it():
    minutes = 20
    events = sorted(_room(minutes) + _wave(600, BYE), key=lambda e: e.ts_ms)
    engine = Engine([EngagementDetector()])
    live = []
    for e in events:
        live += engine.feed(e)
    live += engine.finish(minutes * 60_000)
    (m,) = [m for m in live if 560_000 < m.end_ms and m.start_ms < 640_000]
    assert m.confirmed_at_ms >= m.end_ms + FAREWELL_HOLD_S * 1000
    assert m.confirmed_at_ms - m.end_ms <= EngagementDetector().delay_s * 1000
