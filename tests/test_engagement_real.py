"""Engagement rules learned from real labelled chat (Lightor's Twitch streams): the moment opens on the cause, well
before the chat reacts; a chant of the same short reaction by people who were already chatting counts as a
reaction, a flood of fresh accounts does not; and a burst of people laughing inside a sale's pitch stays its own
engagement moment beside the sale, while the pitch's questions stay the sale's audience."""

from __future__ import annotations

import numpy as np

from livehighlights.detect.engagement import is_reaction_burst
from livehighlights.engine import detect
from livehighlights.models import Event, Moment
from livehighlights.signals.chat import CHANT_USERS, CHANT_WINDOW_S, ChatFilter

WHO = ["he", "the support", "their carry", "the caster", "my friend", "this team", "the mid", "chat", "the coach",
       "everyone"]
DOES = ["needs farm", "is so calm", "knows the map", "picked that again", "plays too safe", "has no items",
        "wants a rematch", "forgot the ward", "talks a lot", "looks tired"]
WHEN = ["today", "this game", "again", "every time", "right now", "as usual", "tonight", "so far", "lately", "here"]
LAUGHS = ["LUL", "hahaha", "KEKW", "OMEGALUL", "LMAO", "jajaja", "😂😂", "clip it"]
QUESTIONS = ["price?", "how much", "size?", "link pls", "does it ship to canada", "what material", "restock?"]


def _room(minutes: int = 20, seed: int = 0, users: int = 300) -> list[Event]:
    """A quiet stream: 400 viewers, about one message a second from a crowd of ``users`` regulars."""
    rng = np.random.default_rng(seed)
    n = minutes * 60
    events = [Event(k * 1000, "viewers", count=400) for k in range(0, n, 10)]
    for s in range(n):
        for _ in range(rng.poisson(0.9)):
            text = f"{rng.choice(WHO)} {rng.choice(DOES)} {rng.choice(WHEN)}"  # talk: a thousand different lines
            events.append(Event(s * 1000 + int(rng.integers(1000)), "comment", text=text,
                                user=f"viewer{int(rng.integers(users))}"))
    return events


def _burst(start_s: float, people: list[str], texts: list[str], seconds: float = 15.0, seed: int = 1) -> list[Event]:
    rng = np.random.default_rng(seed)
    return [Event(int((start_s + rng.uniform(0, seconds)) * 1000), "comment", text=str(rng.choice(texts)), user=who)
            for who in people]


def _found(events: list[Event], minutes: int = 20) -> list[Moment]:
    return detect(sorted(events, key=lambda e: e.ts_ms), minutes * 60_000).moments


def _engagement(moments: list[Moment], lo_s: float, hi_s: float) -> list[Moment]:
    return [m for m in moments if m.kind == "engagement" and m.start_ms < hi_s * 1000 and m.end_ms > lo_s * 1000]


def test_the_moment_opens_on_the_cause_when_chat_reacts_late():
    """On labelled Twitch chat the burst starts a median 17 s (up to about 40 s) after the highlight starts: player
    latency, typing, and the highlight itself lasting. A burst at cause + 22 s still makes a moment that opens by
    the cause."""
    cause = 600
    moments = _found(_room() + _burst(cause + 22, [f"fan{i}" for i in range(45)], LAUGHS))
    (m,) = _engagement(moments, cause, cause + 60)
    assert m.start_ms <= cause * 1000 < m.end_ms, (m.start_ms, m.end_ms)
    assert m.end_ms <= (cause + 45) * 1000  # it ends by the reaction's peak, not its tail


def test_a_chant_by_people_already_chatting_counts_as_reactions():
    f = ChatFilter()
    regulars = [f"regular{i}" for i in range(6)]
    for i, who in enumerate(regulars):
        assert f.weigh(float(i), f"what hero is that {i}", who).chat == 1  # they took part in the chat before
    weights = [f.weigh(30.0 + 2 * i, "322", who) for i, who in enumerate(regulars)]
    assert [w.reactions for w in weights[CHANT_USERS - 1:]] == [1.0] * (len(regulars) - CHANT_USERS + 1)
    # the same short text from accounts never seen before is a flood: it does not count at all
    fresh = [f.weigh(80.0 + i, "🎁", f"newacct{i}") for i in range(8)]
    assert all(w.chat == 0 and w.reactions == 0 for w in fresh[CHANT_USERS - 1:])


def test_a_phrase_that_comes_back_now_and_then_is_no_chant():
    """"link pls" from one more person every CHANT_WINDOW_S / 2 + 1 s is a request many people make, not a chant: a
    chant is CHANT_USERS people within CHANT_WINDOW_S. A question is never a chant, however dense."""
    f = ChatFilter()
    for i in range(8):
        assert f.weigh(float(i), f"this one is nice {i}", f"buyer{i}").chat == 1  # all of them took part before
    weights = [f.weigh(20.0 + i * (CHANT_WINDOW_S / 2 + 1), "link pls", f"buyer{i}") for i in range(8)]
    assert all(w.reactions == 0 for w in weights)
    weights = [f.weigh(200.0 + i, "price?", f"buyer{i}") for i in range(8)]
    assert all(w.reactions == 0 for w in weights)


def test_a_chant_is_a_moment_and_a_flood_of_fresh_accounts_is_not():
    regulars = [f"viewer{i}" for i in range(300)]  # the room's own crowd
    chant = _burst(605, regulars[:40], ["322", "Mau5", "322 322"], seconds=12)
    assert _engagement(_found(_room() + chant), 570, 640)
    flood = _burst(605, [f"b0t{i}" for i in range(40)], ["🎁", "💰", "🎁🎁"], seconds=12)
    assert not _engagement(_found(_room() + flood), 570, 640)


def _pitch_that_sells(a: int = 500, b: int = 680) -> list[Event]:
    """A pinned pitch whose product sells many times over the LIVE's usual orders, with the pitch's questions."""
    rng = np.random.default_rng(11)
    events = [Event(a * 1000, "product_pin", product_id="lamp"), Event(b * 1000, "product_unpin", product_id="lamp")]
    events += [Event(int(t * 1000), "order", product_id="lamp", quantity=1, amount=39.0)
               for t in np.sort(rng.uniform(a + 20, b + 20, 30))]
    events += [Event(s * 1000 + 700, "order", product_id=f"sku{s % 4}", quantity=1, amount=20.0)
               for s in range(30, 1200, 97)]
    events += _burst(a + 10, [f"viewer{i}" for i in range(200, 260)], QUESTIONS, seconds=b - a - 20, seed=12)
    return events


def test_a_burst_of_laughter_inside_a_sale_stays_its_own_engagement_moment():
    laughter = _burst(590, [f"fan{i}" for i in range(45)], LAUGHS, seconds=12, seed=13)
    moments = _found(_room() + _pitch_that_sells() + laughter)
    sale = [m for m in moments if m.kind == "product" and m.product_id == "lamp"]
    assert len(sale) == 1, [(m.kind, m.start_ms, m.end_ms) for m in moments]
    fun = _engagement(moments, 575, 610)
    assert len(fun) == 1 and is_reaction_burst(fun[0]), [(m.kind, m.start_ms, m.end_ms) for m in moments]
    assert sale[0].start_ms <= fun[0].start_ms and fun[0].end_ms <= sale[0].end_ms  # inside the pitch, beside it
    assert "audience" in sale[0].evidence  # the sale keeps its audience evidence too


def test_the_questions_of_a_pitch_stay_the_sales_audience():
    """Even with a few people saying "wow" among them: most of the burst asks about the product."""
    wows = _burst(545, [f"viewer{i}" for i in range(270, 275)], ["wow", "omg"], seconds=10, seed=14)
    moments = _found(_room() + _pitch_that_sells() + wows)
    assert [m for m in moments if m.kind == "product" and m.product_id == "lamp"]
    assert not _engagement(moments, 500, 700), [(m.kind, m.start_ms, m.end_ms, m.evidence) for m in moments]


def test_a_burst_just_after_a_pitch_is_not_the_pitchs_audience():
    """The moment of a burst opens REACTION_LAG_S + LEAD_S before it, so right after a pitch it reaches back into
    the pitch: the burst is the sale's audience only when its peak lies within the sale."""
    (sale,) = [m for m in _found(_room() + _pitch_that_sells()) if m.kind == "product"]
    after = sale.end_ms // 1000 + 8
    talk = ["NO WAY HE DID THAT", "that was so close", "did you see that", "he is back", "what a save",
            "unbelievable play", "how did that work", "best moment today"]
    cheer = _burst(after, [f"fan{i}" for i in range(45)], talk, seconds=12, seed=15)
    moments = _found(_room() + _pitch_that_sells() + cheer)
    (burst,) = _engagement(moments, after - 5, after + 30)
    assert not is_reaction_burst(burst) and burst.start_ms < sale.end_ms  # its lead-in reaches into the pitch


def test_a_phrase_of_the_rooms_everyday_talk_is_no_chant_and_an_emoji_wave_is_none():
    """A chant is sudden: "so true", said now and then all along, is not one when four people say it at once; a wave of
    one emoji (🙋 for a giveaway) has no word in it and is not one either."""
    f = ChatFilter()
    for i in range(8):
        assert f.weigh(float(i), f"this one is nice {i}", f"fan{i}").chat == 1  # all of them took part before
    for k in range(4):  # "so true" every 20 s: the room's everyday talk
        f.weigh(20.0 + 20 * k, "so true", f"fan{k}")
    burst = [f.weigh(100.0 + i, "so true", f"fan{4 + i}") for i in range(4)]
    assert all(w.reactions == 0 for w in burst)
    wave = [f.weigh(200.0 + i, "🙋", f"fan{i}") for i in range(8)]
    assert all(w.reactions == 0 for w in wave)
    fresh = [f.weigh(300.0 + i, "F", f"fan{i}") for i in range(8)]  # the same people, a text that was rare: a chant
    assert [w.reactions for w in fresh[CHANT_USERS - 1:]] == [1.0] * (8 - CHANT_USERS + 1)


def test_a_pitchs_own_excitement_is_not_a_fun_moment_inside_it():
    """Viewers cheering the product all through the pitch ("🔥🔥", "omg want"): a denser stretch of the same cheering
    is the sale's audience, not a fun moment beside it (its share of reactions is the pitch's own)."""
    cheer = ["🔥🔥", "omg want", "wow!!!", "😍", "so good omg"]
    steady = _burst(505, [f"cheer{i}" for i in range(150)], cheer, seconds=170, seed=16)
    denser = _burst(590, [f"fan{i}" for i in range(30)], cheer, seconds=12, seed=17)
    moments = _found(_room() + _pitch_that_sells() + steady + denser)
    assert [m for m in moments if m.kind == "product" and m.product_id == "lamp"]
    assert not _engagement(moments, 575, 610), [(m.kind, m.start_ms, m.end_ms, m.evidence) for m in moments]
