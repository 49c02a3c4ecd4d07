"""A shop's chat is full of emoji: a laugh inside a sale's pitch is still its own engagement moment.

In a live-shopping room half the everyday messages carry a 😍 or a 🔥, which count as reactions. A burst of people
laughing cannot double a usual share of reactions of one half (a share cannot pass 1), yet it is plainly people
reacting to something: it must stay its own engagement moment beside the sale (found on the held-out generator
``bench/eventgen3.py``, whose emoji-rich chat hid 13 of its 71 fun moments inside pitches this way). The pitch's
own questions, with the room's usual emoji, stay the sale's audience.
"""

from __future__ import annotations

import numpy as np

from livehighlights.detect.engagement import is_reaction_burst, share_stands_out
from livehighlights.engine import detect
from livehighlights.models import Event, Moment

TALK = ["love this color", "my sister has one", "watching from work", "the light is nice", "so pretty",
        "what song is this", "thank you", "cute dress", "good evening all", "i bought two last week"]
FEELING = ["😍", "🔥", "😍😍", "🔥🔥"]
QUESTIONS = ["price?", "how much", "size M?", "link pls", "ship to canada?", "what material", "restock?"]
LAUGHS = ["hahaha", "😂😂😂", "jajaja", "LOL", "wkwkwk", "kkkkkk", "🤣🤣", "lmaooo"]


def _chat(rng: np.random.Generator, lines: list[str], t0: float, t1: float, rate: float, users: list[str],
          emoji_share: float) -> list[Event]:
    out = []
    for s in np.sort(rng.uniform(t0, t1, int(rate * (t1 - t0)))):
        text = str(rng.choice(lines))
        if rng.random() < emoji_share:
            text = f"{text} {rng.choice(FEELING)}"
        out.append(Event(int(s * 1000), "comment", text=text, user=str(rng.choice(users))))
    return out


def _shop(laugh_at: int | None, seed: int = 0) -> list[Event]:
    """20 minutes, 600 viewers, about a message a second, half of them with a 😍 or a 🔥; a pinned pitch of a lamp
    over 500-680 s that sells thirty times over the usual orders, its questions; and ``laugh_at``: 45 people
    laughing within 12 s."""
    rng = np.random.default_rng(seed)
    regulars = [f"viewer{i}" for i in range(300)]
    events = [Event(k * 1000, "viewers", count=600) for k in range(0, 1200, 10)]
    events += _chat(rng, TALK, 0, 1200, 0.9, regulars, 0.5)
    events += [Event(500_000, "product_pin", product_id="lamp"), Event(680_000, "product_unpin", product_id="lamp")]
    events += [Event(int(t * 1000), "order", product_id="lamp", quantity=1, amount=39.0)
               for t in np.sort(rng.uniform(520, 700, 30))]
    events += [Event(s * 1000 + 700, "order", product_id=f"sku{s % 4}", quantity=1, amount=20.0)
               for s in range(30, 1200, 97)]
    events += _chat(rng, QUESTIONS, 510, 670, 0.4, [f"asker{i}" for i in range(80)], 0.5)
    if laugh_at is not None:
        events += [Event(int((laugh_at + rng.uniform(0, 12)) * 1000), "comment", text=str(rng.choice(LAUGHS)),
                         user=f"fan{i}") for i in range(45)]
    return sorted(events, key=lambda e: e.ts_ms)


def _found(events: list[Event]) -> list[Moment]:
    return detect(events, 1_200_000).moments


def _engagement(moments: list[Moment], lo_s: float, hi_s: float) -> list[Moment]:
    return [m for m in moments if m.kind == "engagement" and m.start_ms < hi_s * 1000 and m.end_ms > lo_s * 1000]


def test_a_laugh_inside_a_sale_stays_its_own_moment_in_an_emoji_rich_chat():
    moments = _found(_shop(laugh_at=590))
    sale = [m for m in moments if m.kind == "product" and m.product_id == "lamp"]
    assert len(sale) == 1, [(m.kind, m.start_ms, m.end_ms) for m in moments]
    fun = _engagement(moments, 575, 610)
    assert len(fun) == 1 and is_reaction_burst(fun[0]), [(m.kind, m.start_ms, m.end_ms, m.evidence.get("reactions"))
                                                         for m in moments]
    assert fun[0].evidence["reactions"]["baseline_share"] >= 0.4  # the room's usual share: no doubling possible
    assert sale[0].start_ms <= fun[0].start_ms and fun[0].end_ms <= sale[0].end_ms


def test_the_pitchs_questions_with_the_rooms_usual_emoji_stay_the_sales_audience():
    moments = _found(_shop(laugh_at=None))
    assert [m for m in moments if m.kind == "product" and m.product_id == "lamp"]
    assert not _engagement(moments, 500, 700), [(m.kind, m.start_ms, m.end_ms) for m in moments]


def test_share_stands_out_doubles_a_low_share_and_raises_the_odds_of_a_high_one():
    assert share_stands_out(0.25, 0.1) and not share_stands_out(0.18, 0.1)  # a low usual share: doubled
    assert share_stands_out(0.8, 0.5) and not share_stands_out(0.7, 0.5)  # odds 4 and 2.3 against 1: thrice
    assert not share_stands_out(0.95, 0.9) and not share_stands_out(1.0, 1.0)  # a share near 1 leaves no room
