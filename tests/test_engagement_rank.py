"""Engagement candidates and their ranking on real chat (issue 13, Lightor dev streams): a burst ranks by how big it is
against the stream's own usual chat (many people writing at once), the share of reactions lifts it only over enough
messages, a weak but broad burst (z about 2.5 of many people) is still a candidate, and the bursts of one episode
(a reaction that pauses for breath and comes back) are one moment, while two episodes a minute apart stay two."""

from __future__ import annotations

import numpy as np
import pytest

from livehighlights.engine import detect
from livehighlights.models import Event, Moment

WHO = ["he", "the support", "their carry", "the caster", "my friend", "this team", "the mid", "chat", "the coach",
       "everyone"]
DOES = ["needs farm", "is so calm", "knows the map", "picked that again", "plays too safe", "has no items",
        "wants a rematch", "forgot the ward", "talks a lot", "looks tired"]
WHEN = ["today", "this game", "again", "every time", "right now", "as usual", "tonight", "so far", "lately", "here"]
LAUGHS = ["LUL", "hahaha", "KEKW", "OMEGALUL", "LMAO", "😂😂"]


def _talk(rng: np.random.Generator) -> str:
    return f"{rng.choice(WHO)} {rng.choice(DOES)} {rng.choice(WHEN)}"


def _room(minutes: int = 20, seed: int = 0, users: int = 300, rate: float = 0.9) -> list[Event]:
    """A quiet stream: 400 viewers, about ``rate`` messages a second of talk from a crowd of ``users`` regulars."""
    rng = np.random.default_rng(seed)
    n = minutes * 60
    events = [Event(k * 1000, "viewers", count=400) for k in range(0, n, 10)]
    for s in range(n):
        for _ in range(rng.poisson(rate)):
            events.append(Event(s * 1000 + int(rng.integers(1000)), "comment", text=_talk(rng),
                                user=f"viewer{int(rng.integers(users))}"))
    return events


def _burst(start_s: float, people: list[str], texts: list[str] | None, seconds: float, seed: int = 1) -> list[Event]:
    """One message from each of ``people`` within ``seconds`` of ``start_s`` (talk when ``texts`` is None)."""
    rng = np.random.default_rng(seed)
    return [Event(int((start_s + rng.uniform(0, seconds)) * 1000), "comment",
                  text=_talk(rng) if texts is None else str(rng.choice(texts)), user=who) for who in people]


def _engagement(events: list[Event], minutes: int = 20) -> list[Moment]:
    found = detect(sorted(events, key=lambda e: e.ts_ms), minutes * 60_000).moments
    return [m for m in found if m.kind == "engagement"]


def _at(moments: list[Moment], lo_s: float, hi_s: float) -> list[Moment]:
    return [m for m in moments if m.start_ms < hi_s * 1000 and m.end_ms > lo_s * 1000]


def test_a_few_people_laughing_do_not_outrank_many_people_writing_at_once():
    """Eight people laughing (a high share of reactions, but eight messages) rank below sixty people writing at once
    about what just happened: a share of reactions among a few messages is chance, sixty people are a moment."""
    small = _burst(400, [f"laugher{i}" for i in range(8)], LAUGHS, seconds=6)
    large = _burst(800, [f"fan{i}" for i in range(60)], None, seconds=25, seed=2)
    moments = _engagement(_room() + small + large)
    (s,) = _at(moments, 370, 410)
    (big,) = _at(moments, 770, 830)
    assert big.score > s.score, (big.score, s.score)
    assert big.evidence["chat"]["size"] > s.evidence["chat"]["size"]


@pytest.mark.parametrize("seed", [3, 5])
def test_a_weak_but_broad_burst_is_a_candidate(seed):
    """Thirty more people than usual over thirty seconds (about twice the room's rate, a z of 2.5 to 3 over its first
    ten seconds): not loud, but many distinct people; it is an engagement moment, placed before it."""
    weak = _burst(700, [f"fan{i}" for i in range(30)], None, seconds=30, seed=seed)
    moments = _engagement(_room(seed=4) + weak)
    found = _at(moments, 670, 740)
    assert len(found) == 1, [(m.start_ms, m.end_ms, m.score) for m in moments]
    assert found[0].start_ms <= 700_000


def test_the_bursts_of_one_episode_are_one_moment_and_two_episodes_stay_two():
    """A reaction that pauses for breath (two waves 20 s apart) is one moment spanning both; two reactions 90 s apart
    are two moments."""
    one = _burst(500, [f"a{i}" for i in range(30)], LAUGHS, seconds=8) \
        + _burst(528, [f"b{i}" for i in range(30)], LAUGHS, seconds=8, seed=5)
    two = _burst(800, [f"c{i}" for i in range(30)], LAUGHS, seconds=8, seed=6) \
        + _burst(890, [f"d{i}" for i in range(30)], LAUGHS, seconds=8, seed=7)
    moments = _engagement(_room(seed=8) + one + two)
    (episode,) = _at(moments, 480, 540)
    assert episode.start_ms <= 500_000 and episode.end_ms >= 528_000
    assert len(_at(moments, 780, 900)) == 2, [(m.start_ms, m.end_ms) for m in moments]
