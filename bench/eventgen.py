"""An event generator written apart from ``livehighlights.sim``, on purpose with other assumptions.

The project's simulator plants strong lifts (5-12x), lognormal order delays around 35 s, a steady
audience and pitches that are always pinned. This generator draws what a harder, messier LIVE does:

- the audience grows (or shrinks) several-fold over the LIVE (a logistic curve to ``growth`` times
  its start), with a raid or two (viewers jump, the newcomers say hello);
- orders arrive 15 to 60 s after the pitch's key moment (uniform) plus an exponential tail, and a
  pitch that sells lifts orders by only ``lift`` = 1.5 to 4 times the baseline (small lifts common);
- a third of pitches are never pinned (the seller forgets): only clicks tell which product it was;
- fun moments that sell nothing: something happens at ``cause_s`` and 3 to 10 s later many people
  react at once (laughter in several languages, emoji, "omg", "clip it"), with a like storm;
- chat floods with no sale: a bot posting every second, a copy-pasted text from many accounts,
  giveaway entries ("!enter", "me!"), and the greeting burst of the first minutes.

``generate(GenConfig(...))`` returns the events (:class:`livehighlights.models.Event`, time-sorted) and
the truth (``sales`` and ``engagement`` spans in seconds). ``difficulty`` in [0, 1] scales everything
that makes detection hard (smaller lifts, longer lags, more spam, more growth).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from livehighlights.models import Event

LAUGHS = ["LOL", "lmao", "hahaha", "HAHAHA", "jajaja", "kkkkk", "wwww", "草", "哈哈哈", "ㅋㅋㅋㅋ", "5555", "xD",
          "mdr", "wkwkwk", "😂😂", "🤣", "😂", "LMAOOO", "omg", "OMG 😱", "no way!!!", "clip it", "CLIP THAT",
          "💀💀", "wow", "WTF", "holy", "KEKW", "LUL", "Pog", "!!!", "im dead 😂", "jajajaja no puede ser"]
BASE = ["how much is it", "what size is she wearing", "love this", "is shipping free?", "where are you from",
        "nice", "can you show the back", "price?", "ok", "cute", "🥰", "❤️", "first time here", "what's next",
        "does it come in black", "i bought one last week", "so pretty", "thanks", "link?", "👍", "agree",
        "my sister has this", "is it waterproof", "😊", "good quality?", "how long is delivery"]
GREET = ["hi", "hello", "hey!", "hi everyone", "hello from Brazil", "hola", "good evening", "👋", "hi hi",
         "welcome back", "oi", "hey girl", "bonjour", "hello from Manila"]
BUY = ["just ordered", "bought 2!", "added to cart", "need this", "take my money", "ordered ✅", "got one"]
COPYPASTA = "FREE FOLLOWERS AND VIEWS >>> visit the link in my profile for a gift card giveaway today only"


@dataclass
class GenConfig:
    """What LIVE to generate."""

    minutes: float = 60.0
    seed: int = 0
    difficulty: float = 0.5
    viewers0: float | None = None
    """Starting viewers (default: drawn, 60 to 2,500)."""
    growth: float | None = None
    """End/start viewer ratio (default: drawn from the difficulty, 1 to 6; below 1 shrinks)."""
    n_pitches: int | None = None
    n_fun: int | None = None
    spam: bool = True


@dataclass
class Generated:
    events: list[Event]
    duration_s: float
    sales: list[tuple[float, float]] = field(default_factory=list)
    engagement: list[tuple[float, float]] = field(default_factory=list)
    products: list[str] = field(default_factory=list)

    def truth(self) -> dict:
        return {"duration_s": self.duration_s, "sales": self.sales, "engagement": self.engagement}


def _users(rng: np.random.Generator, n: int, prefix: str = "u") -> list[str]:
    return [f"{prefix}{int(x)}" for x in rng.choice(10**7, size=n, replace=False)]


def generate(cfg: GenConfig) -> Generated:
    rng = np.random.default_rng(10_000 + cfg.seed)
    d = min(1.0, max(0.0, cfg.difficulty))
    n = max(60, int(round(cfg.minutes * 60)))
    t = np.arange(n, dtype=float)
    v0 = cfg.viewers0 if cfg.viewers0 is not None else math.exp(rng.uniform(math.log(60), math.log(2500)))
    growth = cfg.growth if cfg.growth is not None else (rng.uniform(1.0, 2.0 + 4.0 * d) if rng.random() < 0.8
                                                         else 1.0 / rng.uniform(1.0, 1.0 + 2.0 * d))
    mid, width = rng.uniform(0.2, 0.7) * n, max(60.0, rng.uniform(0.05, 0.2) * n)
    viewers = v0 * (1 + (growth - 1) / (1 + np.exp(-(t - mid) / width)))
    viewers *= np.exp(np.cumsum(rng.normal(0, 0.004, n)) * 0.5)
    ev: list[Event] = []
    all_users = _users(rng, int(min(20000, max(200, v0 * growth * 3))))
    pop = 1.0 / np.arange(1, len(all_users) + 1) ** 0.9
    pop /= pop.sum()

    drawn: list[int] = []

    def user() -> str:  # popular viewers write more (Zipf-like); drawn in bulk, a draw with p= is slow
        if not drawn:
            drawn.extend(rng.choice(len(all_users), size=65536, p=pop).tolist())
        return all_users[drawn.pop()]

    def at(sec: float) -> int:
        return int(min(n - 0.001, max(0.0, sec)) * 1000)

    # raids: a jump of viewers and a wave of greetings
    for _ in range(int(rng.integers(0, 3))):
        r0 = rng.uniform(0.1, 0.9) * n
        size = rng.uniform(0.3, 1.5) * v0
        bump = np.where(t >= r0, size * np.exp(-(t - r0) / rng.uniform(120, 600)), 0.0)
        viewers = viewers + bump
        for k in range(int(size * 0.02) + 5):
            ev.append(Event(at(r0 + rng.exponential(20)), "comment", text=str(rng.choice(GREET)),
                            user=f"raid{k}"))
        ev.append(Event(at(r0), "join", count=int(size)))
    for k in range(0, n, 10):
        ev.append(Event(at(k + rng.uniform(0, 2)), "viewers", count=int(viewers[k])))
    joins = rng.poisson(viewers * 0.003)
    for s in np.flatnonzero(joins):
        ev.append(Event(at(s + rng.random()), "join", count=int(joins[s])))

    # products, pitches
    n_products = int(rng.integers(3, 9))
    products = [f"sku-{i:02d}" for i in range(n_products)]
    prices = {p: float(np.round(rng.uniform(5, 80), 2)) for p in products}
    base_rate = rng.uniform(4e-6, 2.5e-5)  # orders per viewer-second, all products
    chat_rate = rng.uniform(3e-4, 2e-3)  # counted messages per viewer-second
    like_rate = rng.uniform(0.002, 0.02)
    chat_mult = np.ones(n)
    like_mult = np.ones(n)
    n_p = cfg.n_pitches if cfg.n_pitches is not None else max(1, int(n / 240))
    slot_s = 150.0 if n >= 900 else n / 3.0  # a short LIVE: two slots after a short opening
    n_slots = max(2, int(n // slot_s))
    slots = np.sort(rng.choice(np.arange(1, n_slots), size=min(n_p if n >= 900 else 2, n_slots - 1), replace=False))
    sales, engagement = [], []
    for slot in slots:
        start = float(slot * slot_s + rng.uniform(0, 0.25 * slot_s))
        length = rng.uniform(min(40.0, 0.3 * slot_s), min(100.0, 0.7 * slot_s))
        if start + length > n - 5:
            continue
        prod = products[int(rng.integers(n_products))]
        sells = rng.random() < 0.55
        pinned = rng.random() > 0.33
        if pinned:
            ev.append(Event(at(start + rng.uniform(-2, 2)), "product_pin", product_id=prod))
            ev.append(Event(at(start + length + rng.uniform(0, 5)), "product_unpin", product_id=prod))
        key = start + rng.uniform(0.4, 0.8) * length
        lift = rng.uniform(1.5, 4.0 - 2.0 * d) if sells else rng.uniform(0.6, 1.2)
        interest = (1.5 + lift) if sells else rng.uniform(1.0, 2.0)
        for s in range(int(start), int(start + length)):
            c = rng.poisson(viewers[s] * 4e-4 * interest)
            if c:
                ev.append(Event(at(s + rng.random()), "product_click", product_id=prod, count=int(c)))
        # orders: the pitch's excess over its baseline, lagged 15-60 s after the key moment
        window = 90.0
        expected_base = base_rate * viewers[int(key)] * window
        if sells:
            extra = max(2, int(rng.poisson(expected_base * (lift - 1) * 1.5 + 1.5)))
            lag_hi = 30 + 30 * d
            landed = 0
            for _ in range(extra):
                when = key + rng.uniform(15, lag_hi) + rng.exponential(10 * (0.5 + d))
                if when < n:
                    ev.append(Event(at(when), "order", product_id=prod, quantity=1, amount=prices[prod]))
                    landed += 1
            if landed >= 2:  # a sale the log shows (orders after the LIVE's end are not in it)
                sales.append((start, start + length))
        if sells or rng.random() < 0.3:  # buyers chat a little
            for s in range(int(key), min(n, int(key + 60))):
                if rng.random() < 0.15:
                    ev.append(Event(at(s + rng.random()), "comment", text=str(rng.choice(BUY)), user=user()))
    # fun moments: a cause, then a reaction burst a few seconds later
    n_f = cfg.n_fun if cfg.n_fun is not None else max(1, int(n / 600))
    for _ in range(n_f):
        cause = rng.uniform(120, n - 40)
        if any(a - 20 <= cause <= b + 20 for a, b in sales + engagement):
            continue
        lag = rng.uniform(3, 10)
        dur = rng.uniform(10, 30)
        strength = rng.uniform(3.0, 8.0) * (1.0 - 0.4 * d)
        a, b = int(cause + lag), int(min(n, cause + lag + dur))
        burst = np.exp(-np.maximum(0, t[a:b] - a - 3) / (dur / 2))
        people = rng.poisson(viewers[a:b] * chat_rate * strength * burst)
        for i, k in enumerate(people):
            for _ in range(int(k)):
                ev.append(Event(at(a + i + rng.random()), "comment", text=str(rng.choice(LAUGHS)), user=user()))
        like_mult[a:b] += strength * burst
        engagement.append((cause, cause + dur * 0.8))
    # chat floods with no sale
    if cfg.spam:
        for _ in range(int(rng.integers(1, 3 + 3 * d))):
            kind = rng.choice(["bot", "copypasta", "giveaway"])
            s0 = rng.uniform(60, n - 60)
            dur = rng.uniform(20, 90)
            if kind == "bot":
                bot = f"bot{int(rng.integers(1000))}"
                for k in range(int(dur * rng.uniform(1, 3))):
                    ev.append(Event(at(s0 + k / 2), "comment", text=str(rng.choice(LAUGHS + BASE)), user=bot))
            elif kind == "copypasta":
                for k in range(int(dur * rng.uniform(1, 4))):
                    ev.append(Event(at(s0 + rng.uniform(0, dur)), "comment", text=COPYPASTA, user=f"spam{k}"))
            else:
                for _k in range(int(dur * rng.uniform(2, 6))):
                    ev.append(Event(at(s0 + rng.uniform(0, dur)), "comment",
                                    text=str(rng.choice(["!enter", "!giveaway", "me!", "pick me", "!join"])),
                                    user=user()))
    # background chat, greetings at the start, likes, gifts
    greet = np.where(t < 180, 1 + 6 * np.exp(-t / 60), 1.0)
    base = rng.poisson(viewers * chat_rate * chat_mult)
    hello = rng.poisson(viewers * chat_rate * (greet - 1))
    for s in np.flatnonzero(base + hello):
        for _ in range(int(base[s])):
            ev.append(Event(at(s + rng.random()), "comment", text=str(rng.choice(BASE)), user=user()))
        for _ in range(int(hello[s])):
            ev.append(Event(at(s + rng.random()), "comment", text=str(rng.choice(GREET)), user=user()))
    likes = rng.poisson(viewers * like_rate * like_mult)
    for s in np.flatnonzero(likes):
        ev.append(Event(at(s + rng.random()), "like", count=int(likes[s])))
    gifts = rng.poisson(viewers * 2e-5 * like_mult)
    for s in np.flatnonzero(gifts):
        ev.append(Event(at(s + rng.random()), "gift", count=int(gifts[s]), value=float(rng.choice([1, 5, 10, 99])),
                        user=user()))
    base_orders = rng.poisson(viewers * base_rate)
    for s in np.flatnonzero(base_orders):
        for _ in range(int(base_orders[s])):
            p = products[int(rng.integers(n_products))]
            ev.append(Event(at(s + rng.random()), "order", product_id=p, quantity=1, amount=prices[p]))
    ev.sort(key=lambda e: e.ts_ms)
    return Generated(ev, float(n), sales, engagement, products)


def write_jsonl(events: list[Event], path: Path) -> None:
    """The events as a JSON Lines event log (``livehighlights moments`` reads it)."""
    with Path(path).open("w", encoding="utf-8") as fh:
        for e in events:
            fh.write(json.dumps(e.to_json(), ensure_ascii=False, separators=(",", ":")) + "\n")
