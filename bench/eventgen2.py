"""A second independent event generator, written with assumptions deliberately unlike ``bench/eventgen.py``.

``eventgen.py`` (the first independent generator) draws uniform 15-60 s order lags, a logistic audience that
grows, lifts of 1.5-4x, viewer counts every 10 s and pins at the pitch's start. This one assumes instead:

- **Lag**: orders arrive a *lognormal* time after the pitch's key moment (median ``lag_median_s``, sigma 0.7),
  so a few come minutes late; buyers also add to cart first (add-to-cart events lead the orders).
- **Lift**: a pitch that sells raises its product's order rate per viewer by ``lift`` (default 1.3-2x) over the
  pitch and its lag, against a background in which every product keeps selling a little all the time.
- **Audience shapes**: ``decline`` (an opening crowd that drains away), ``plateau`` (a quick rise, then flat),
  ``raids`` (step changes up from raids that stay, and steps down when a group leaves), ``churn`` (a slow
  wave); the concurrent count is *reported* every 10 to 60 s (a random poll interval per LIVE, with jitter and a
  missed report now and then), rounded like a dashboard does.
- **Pins**: the pin precedes the pitch by up to 30 s, follows it by up to 30 s, or never comes (a quarter of
  pitches); a pin may stay on after the pitch until the next one.
- **Money**: most LIVEs report ``amount`` in major units as the contract says; some in *cents* (a seller's
  export), with quantities of 1-3 and coupons, so GMV units and spread vary by LIVE while orders do not.
- **Noise in chat**: bursty bot floods (many accounts posting one emoji in seconds), giveaway command waves
  (``!win``, ``#giveaway``), copy-paste chains, questions that rise during every pitch (sold or not), like
  storms in batches of 15 (TikTok's like events) unrelated to anything.
- **Fun moments** (the engagement truth): a cause, then after a lognormal 2-15 s reaction lag a burst of
  distinct people reacting, of strength ``fun_strength`` (multiples of the chat rate).

``generate2(Gen2Config(...))`` returns events (time-sorted :class:`livehighlights.models.Event`) and the truth
(sales and engagement spans in seconds). The difficulty sweep varies ``lift`` and ``lag_median_s`` by bins.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from livehighlights.models import Event

SHAPES = ("decline", "plateau", "raids", "churn")
REACT = ["😂😂😂", "HAHAHA", "lmaooo", "no wayyy", "OMG", "💀", "jajajaja", "ㅋㅋㅋㅋㅋ", "哈哈哈哈", "wkwkwk",
         "555555", "she did NOT", "LMAO 😭", "clip that", "😱😱", "im crying", "KEKW", "mdrrr", "kkkkkk", "🤣🤣"]
ASK = ["price?", "how much", "size chart?", "does it fit true to size", "ship to canada?", "colour options?",
       "is this the same as last week", "link pls", "how long for delivery", "restock?", "what material",
       "can u show on camera", "discount code?", "is it on sale"]
CHAT = ["love your hair", "where r u from", "good night all", "this music slaps", "first time here", "💕", "🙌",
        "miss you", "you look tired", "what's next", "lol ok", "same", "true", "nice", "🔥", "haha", "agree"]
BOT_EMOJI = ["🎁", "💰", "✅", "👉", "💯"]
GIVEAWAY = ["!win", "#giveaway", "!enter", "giveaway pls", "pick me 🙏", "!raffle", "me me me", "sorteo!!"]
PASTA = "follow my page for free coins 🎁 link in bio, only today, tell your friends 🎁"


@dataclass
class Gen2Config:
    """What LIVE to generate (defaults: the hard general case)."""

    minutes: float = 60.0
    seed: int = 0
    lift: tuple[float, float] = (1.3, 2.0)
    """Range the sold pitches' order lift is drawn from (uniform)."""
    lag_median_s: float = 45.0
    """Median of the lognormal order lag after the pitch's key moment."""
    shape: str | None = None
    """Audience shape (default: drawn from :data:`SHAPES`)."""
    cents: bool | None = None
    """``amount`` in cents (default: one LIVE in four)."""
    fun_strength: tuple[float, float] = (2.5, 6.0)
    spam: bool = True


@dataclass
class Generated2:
    events: list[Event]
    duration_s: float
    sales: list[tuple[float, float]] = field(default_factory=list)
    engagement: list[tuple[float, float]] = field(default_factory=list)
    shape: str = ""
    cents: bool = False
    sales_orders: list[int] = field(default_factory=list)
    """The extra orders each sale in :attr:`sales` brought (what a detector has to go on)."""


def _audience(rng: np.random.Generator, n: int, shape: str) -> np.ndarray:
    t = np.arange(n, dtype=float)
    v0 = math.exp(rng.uniform(math.log(150), math.log(6000)))
    if shape == "decline":
        floor = rng.uniform(0.15, 0.5)
        v = v0 * (floor + (1 - floor) * np.exp(-t / rng.uniform(0.2, 0.6) / n))
    elif shape == "plateau":
        v = v0 * (1 - 0.7 * np.exp(-t / rng.uniform(60, 400)))
    elif shape == "raids":
        v = np.full(n, v0 * 0.6)
        for _ in range(int(rng.integers(2, 6))):
            at = int(rng.uniform(0.05, 0.95) * n)
            v[at:] += v0 * rng.uniform(-0.25, 0.9)  # a raid arrives, or a group leaves, and it stays
        v = np.maximum(v, v0 * 0.1)
    else:  # churn
        v = v0 * (1 + 0.35 * np.sin(2 * np.pi * t / rng.uniform(600, 1800) + rng.uniform(0, 6)))
    return v * np.exp(np.cumsum(rng.normal(0, 0.003, n)))


def generate2(cfg: Gen2Config) -> Generated2:
    rng = np.random.default_rng(50_000 + cfg.seed)
    n = max(60, int(round(cfg.minutes * 60)))
    shape = cfg.shape or str(rng.choice(SHAPES))
    cents = bool(rng.random() < 0.25) if cfg.cents is None else cfg.cents
    viewers = _audience(rng, n, shape)
    ev: list[Event] = []
    pool = [f"v{int(x)}" for x in rng.choice(10**8, size=int(min(30000, max(300, viewers.max() * 2))), replace=False)]
    weights = rng.pareto(1.5, len(pool)) + 1.0
    weights /= weights.sum()
    drawn: list[int] = []

    def someone() -> str:
        if not drawn:
            drawn.extend(rng.choice(len(pool), size=32768, p=weights).tolist())
        return pool[drawn.pop()]

    def at(sec: float) -> int:
        return int(min(n - 0.001, max(0.0, sec)) * 1000)

    # the viewer counter, polled every 10-60 s, with jitter and a missed report now and then
    poll = rng.uniform(10, 60)
    s = rng.uniform(0, poll)
    while s < n:
        if rng.random() > 0.05:
            ev.append(Event(at(s), "viewers", count=int(round(viewers[int(s)], -1 if viewers[int(s)] > 1000 else 0))))
        s += poll * rng.uniform(0.8, 1.2)
    joins = rng.poisson(np.maximum(0.0, np.diff(viewers, prepend=viewers[0])) + viewers * 0.002)
    for s_ in np.flatnonzero(joins):
        ev.append(Event(at(s_ + rng.random()), "join", count=int(joins[s_])))

    n_products = int(rng.integers(4, 12))
    products = [f"p{i:03d}" for i in range(n_products)]
    price = {p: float(np.round(rng.uniform(3, 150), 2)) for p in products}
    base = rng.uniform(5e-6, 4e-5)  # order events per viewer-second (each 1 + Poisson(1) orders), all products
    chat_rate = rng.uniform(2e-4, 1.5e-3)
    rate = np.full(n, base)  # order intensity per viewer-second, raised by pitches that sell
    share = np.full((n, n_products), 1.0 / n_products)
    ask = np.ones(n)
    clicks = np.zeros((n, n_products))
    sales: list[tuple[float, float]] = []
    sales_orders: list[int] = []
    engagement: list[tuple[float, float]] = []
    lag_sigma = 0.7
    t = np.arange(n, dtype=float)
    # pitches back to back, 60-240 s each, with gaps of talk between them
    s = rng.uniform(60, 240) if n > 600 else rng.uniform(10, 30)
    pending: list[tuple[float, float, int, bool]] = []
    while s < n - 60:
        length = rng.uniform(45, 180) if n > 600 else rng.uniform(30, 60)
        pending.append((s, min(n - 5.0, s + length), int(rng.integers(n_products)), bool(rng.random() < 0.5)))
        s += length + (rng.uniform(30, 300) if n > 600 else rng.uniform(10, 40))
    for a, b, k, sells in pending:
        prod = products[k]
        pin = rng.random()
        if pin < 0.75:  # pinned: before the pitch, after it starts, or about at the start
            pin_at = a + rng.uniform(-30, 30)
            ev.append(Event(at(pin_at), "product_pin", product_id=prod))
            if rng.random() < 0.6:
                ev.append(Event(at(b + rng.uniform(0, 20)), "product_unpin", product_id=prod))
        interest = rng.uniform(1.5, 3.5)
        clicks[int(a):int(b), k] += viewers[int(a):int(b)] * 2e-4 * interest
        ask[int(a):int(b)] += rng.uniform(0.3, 1.0)
        if sells:
            lift = rng.uniform(*cfg.lift)
            key = rng.uniform(a + 0.3 * (b - a), b)
            # the extra orders: the LIVE's usual order rate (all products, per viewer) times (lift - 1) over the
            # pitch and its median lag, all of the pitched product, spread by a lognormal lag after the key moment
            hi = int(min(n, b + cfg.lag_median_s))
            expected = (lift - 1.0) * 2.0 * base * float(viewers[int(a):hi].sum())
            n_extra = max(2, int(rng.poisson(expected)))
            lags = rng.lognormal(math.log(cfg.lag_median_s), lag_sigma, n_extra)
            landed = 0
            for lag in lags:
                when = key + lag
                if when < n:
                    q = int(rng.choice([1, 1, 1, 2, 3]))
                    amt = price[prod] * q * (1 - rng.choice([0, 0, 0.1, 0.2]))
                    ev.append(Event(at(when - rng.uniform(5, 40)), "add_to_cart", product_id=prod, quantity=q))
                    ev.append(Event(at(when), "order", product_id=prod, quantity=q,
                                    amount=round(amt * (100 if cents else 1), 2)))
                    landed += 1
            if landed >= 2:
                sales.append((a, b))
                sales_orders.append(landed)
    # background orders of every product, all the time
    for s_ in np.flatnonzero(rng.poisson(viewers * rate)):
        for _ in range(int(rng.poisson(1.0)) + 1):
            k = int(rng.choice(n_products, p=share[s_]))
            q = int(rng.choice([1, 1, 1, 2, 3]))
            ev.append(Event(at(s_ + rng.random()), "order", product_id=products[k], quantity=q,
                            amount=round(price[products[k]] * q * (100 if cents else 1), 2)))
    for (s_, k) in zip(*np.nonzero(rng.poisson(clicks)), strict=True):
        ev.append(Event(at(s_ + rng.random()), "product_click", product_id=products[k], count=1))

    # fun moments: a cause, a lognormal reaction lag, distinct people reacting
    fun = np.zeros(n)
    for _ in range(max(1, int(n / 900))):
        cause = rng.uniform(min(150.0, 0.4 * n), n - 40)
        if any(x - 30 <= cause <= y + 30 for x, y in engagement):
            continue
        lag = min(15.0, rng.lognormal(math.log(5), 0.5))
        dur = rng.uniform(8, 25)
        strength = rng.uniform(*cfg.fun_strength)
        a_ = int(cause + lag)
        b_ = int(min(n, a_ + dur))
        fun[a_:b_] += strength * np.exp(-(t[a_:b_] - a_) / (dur / 2))
        engagement.append((cause, cause + max(8.0, 0.6 * dur)))
    react = rng.poisson(viewers * chat_rate * fun)
    talk = rng.poisson(viewers * chat_rate * ask)
    for s_ in np.flatnonzero(react + talk):
        for _ in range(int(react[s_])):
            ev.append(Event(at(s_ + rng.random()), "comment", text=str(rng.choice(REACT)), user=someone()))
        for _ in range(int(talk[s_])):
            pool_ = ASK if ask[s_] > 1 and rng.random() < 0.5 else CHAT
            ev.append(Event(at(s_ + rng.random()), "comment", text=str(rng.choice(pool_)), user=someone()))
    likes = rng.poisson(viewers * rng.uniform(0.001, 0.01) * (1 + fun))
    for s_ in np.flatnonzero(likes):
        ev.append(Event(at(s_ + rng.random()), "like", count=int(likes[s_])))
    if cfg.spam:
        for _ in range(int(rng.integers(2, 7))):
            kind = rng.choice(["bots", "giveaway", "pasta", "likes"])
            s0, dur = rng.uniform(30, n - 30), rng.uniform(10, 60)
            if kind == "bots":  # many fresh accounts, one emoji each, within seconds
                for j in range(int(rng.uniform(20, 120))):
                    ev.append(Event(at(s0 + rng.exponential(dur / 4)), "comment",
                                    text=str(rng.choice(BOT_EMOJI)) * int(rng.integers(1, 4)), user=f"b0t{j}{int(s0)}"))
            elif kind == "giveaway":
                for _j in range(int(rng.uniform(30, 200))):
                    ev.append(Event(at(s0 + rng.uniform(0, dur)), "comment", text=str(rng.choice(GIVEAWAY)),
                                    user=someone()))
            elif kind == "pasta":
                for j in range(int(rng.uniform(10, 60))):
                    ev.append(Event(at(s0 + rng.uniform(0, dur)), "comment", text=PASTA, user=f"pasta{j}"))
            else:  # one fan tapping: like events in batches of 15
                for j in range(int(rng.uniform(20, 80))):
                    ev.append(Event(at(s0 + j * 0.5), "like", count=15, user="tapper"))
    ev.sort(key=lambda e: e.ts_ms)
    return Generated2(ev, float(n), sales, engagement, shape, cents, sales_orders)


def sweep_bins() -> list[tuple[str, Gen2Config]]:
    """The difficulty sweep: lift bins against lag bins (30-minute LIVEs)."""
    out = []
    for lift in ((1.3, 1.5), (1.5, 1.75), (1.75, 2.0), (2.0, 3.0)):
        for lag in (20.0, 45.0, 90.0):
            out.append((f"lift {lift[0]:g}-{lift[1]:g}x, lag median {lag:g} s",
                        Gen2Config(minutes=30, lift=lift, lag_median_s=lag)))
    return out
