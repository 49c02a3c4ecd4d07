"""A third, held-out generator of live-shopping event logs, written without looking at the detector.

Its world, second by second, on assumptions unlike a Poisson world with a fixed rate:

- **Audience**: 50 to 20,000 organic viewers (log-uniform), ramping up over the first minutes and drifting
  (a log-linear trend of x0.4 to x3 over the LIVE plus slow Ornstein-Uhlenbeck noise). **Traffic pushes** (paid
  promotion) add 0.5-3x the organic audience for a few minutes: joins, viewers and greeting chat, but pushed
  viewers never buy.
- **Catalogue** of 5-30 products, prices log-uniform over 2-500 (USD-equivalent) in the LIVE's currency (USD,
  EUR, IDR, VND, THB: amounts of 100,000s in some LIVEs). Cheap products are popular and sell in twos and threes;
  one order of an expensive one is a GMV spike with no moment behind it.
- **Background orders** (the LIVE's own rate) follow the organic audience sublinearly (``k * viewers^0.8``, at
  least 0.25 a minute), and go half to the pinned product, half to the catalogue by popularity.
- **Pitches** of 1-5 minutes follow one another with short talk between them; about a third sell. A pitch that
  sells adds a **self-exciting (Hawkes) order process**: immigrant orders spread over the pitch's length after a
  lag of 5-120 s (log-uniform), each order triggering more (branching ratio 0.2-0.6, kernel 10-40 s: "X just
  bought" banners), tuned so that the expected orders in the window are ``lift`` (1.3-3x) times the background
  rate there; a pitch counts as sold only when it caused at least ``min_sold`` orders (it is drawn again until
  it does). Others flop: clicks and questions, no extra orders.
- **Flash sales**: a 30-90 s countdown (countdown chat, likes) then a deep discount for 30-90 s, orders front-loaded
  5-20 s after the drop. **Re-pitches**: one product is pitched three times (each may sell or not). **Pin
  rushes**: before some pitches the host pins two or three other products within seconds; some pitches are
  never pinned, pins come up to 20 s early or 30 s late.
- **Fun interactions** (the engagement moments: a pet, a dance, a fail): 10-60 s; chat reacts after 2-20 s with
  laughter in seven languages and emoji from many distinct viewers (2-5x the chat rate), likes, gifts and shares
  rise; no sale. They never overlap a selling pitch.
- **Decoys**, not moments: the greeting burst of the first minutes, giveaways and coupon drops (one exact command
  from hundreds of viewers, likes floods, no sales), bot adverts, copy-paste chains, whale gifts.
- Chat is sublinear in viewers (``c * viewers^0.7``), from a pool of users with Zipf activity; viewer counts
  are polled every 5-30 s with noise; likes come in batches; joins follow churn (stays of 2-8 minutes).

Cancelled orders are not modelled: the event format has no cancellation. Ground truth: :attr:`Gen3Live.sales`
(pitch windows that sold, start to end of the pitch) and :attr:`Gen3Live.engagement` (fun interactions), in
seconds, plus every pitch and interaction with its drawn lag and lift. Deterministic per seed.

    python bench/eventgen3.py --seed 3 --out /tmp/g3    # events.jsonl + truth.json
"""

from __future__ import annotations

import argparse
import json
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
from eventgen3_text import LANGS, chain_text, command_text, phrase, user_names

from livehighlights.models import Event, Product

__all__ = ["Gen3Config", "Gen3Live", "Interaction", "Pitch", "generate3", "write_jsonl"]

_FX = {"USD": 1.0, "EUR": 0.92, "IDR": 15_500.0, "VND": 25_000.0, "THB": 35.0}


@dataclass(frozen=True)
class Gen3Config:
    """What to generate. ``minutes``/``viewers`` of ``None`` are drawn per seed (20-180 min, 50-20,000)."""

    seed: int = 0
    minutes: float | None = None
    viewers: float | None = None
    lift: tuple[float, float] = (1.3, 3.0)
    """Range of a selling pitch's order lift over the LIVE's background rate in its window."""
    order_lag_s: tuple[float, float] = (5.0, 120.0)
    chat_lag_s: tuple[float, float] = (2.0, 20.0)
    sell_share: float = 0.35
    """Chance that a pitch (not a flash sale) sells."""
    min_sold: int = 2
    """Orders a selling pitch causes at least."""


@dataclass(frozen=True)
class Pitch:
    """A product pitched from ``start_s`` to ``end_s``; ``sells``: a planted sales moment."""

    product_id: str
    start_s: float
    end_s: float
    sells: bool
    lift: float = 1.0
    lag_s: float = 0.0
    flash: bool = False
    repeat: int = 0
    """1, 2, 3 for the three pitches of the re-pitched product, else 0."""
    pinned: bool = True
    caused_orders: int = 0


@dataclass(frozen=True)
class Interaction:
    """Something that drives chat without a sale: ``fun`` (an engagement moment) or a decoy (``giveaway``,
    ``push``, ``bot``, ``chain``, ``greeting``)."""

    kind: str
    start_s: float
    end_s: float
    lag_s: float = 0.0
    size: float = 1.0


@dataclass
class Gen3Live:
    """One generated LIVE: its events (sorted), catalogue and what was planted."""

    config: Gen3Config
    duration_s: float
    viewers0: float
    currency: str
    languages: tuple[str, str]
    catalog: list[Product]
    events: list[Event]
    pitches: list[Pitch] = field(default_factory=list)
    interactions: list[Interaction] = field(default_factory=list)

    @property
    def sales(self) -> list[tuple[float, float]]:
        """Planted sales moments: the pitches that sold, (start, end) in seconds."""
        return [(p.start_s, p.end_s) for p in self.pitches if p.sells]

    @property
    def engagement(self) -> list[tuple[float, float]]:
        """Planted engagement moments: the fun interactions, (start, end) in seconds."""
        return [(i.start_s, i.end_s) for i in self.interactions if i.kind == "fun"]


def _loguni(rng: np.random.Generator, lo: float, hi: float) -> float:
    return float(math.exp(rng.uniform(math.log(lo), math.log(hi))))


def _ou(rng: np.random.Generator, n: int, sigma: float, tau: float) -> np.ndarray:
    a = math.exp(-1.0 / tau)
    noise = rng.normal(0.0, sigma * math.sqrt(1 - a * a), n)
    x = np.empty(n)
    x[0] = rng.normal(0.0, sigma)
    for i in range(1, n):
        x[i] = a * x[i - 1] + noise[i]
    return x


def _catalog(rng: np.random.Generator, currency: str) -> tuple[list[Product], np.ndarray]:
    n = int(rng.integers(5, 31))
    fx = _FX[currency]
    products, pop = [], []
    for i in range(n):
        usd = _loguni(rng, 2.0, 500.0)
        price = round(usd * fx, 0 if fx > 100 else 2)
        products.append(Product(id=f"p{i + 1:02d}", title=f"Item {i + 1}", price=price, currency=currency,
                                discount=round(float(rng.choice([0, 0, 0.1, 0.2, 0.3])), 2),
                                cost=round(price * float(rng.uniform(0.3, 0.7)), 2)))
        pop.append(usd ** -0.7 * float(rng.lognormal(0, 0.5)))
    w = np.array(pop)
    return products, w / w.sum()


def _schedule(rng: np.random.Generator, cfg: Gen3Config, n_s: int, n_products: int) -> list[Pitch]:
    """Pitches back to back with talk between them; flash sales, one re-pitched product, pinning quirks."""
    short = n_s < 600
    t = float(rng.uniform(10, 40) if short else rng.uniform(40, 180))
    raw: list[dict] = []
    last = -1
    while t < n_s - 50:
        flash = (not short) and rng.random() < 0.08
        dur = (float(rng.uniform(50, 110)) if short else _loguni(rng, 60, 300))
        if flash:
            dur = float(rng.uniform(30, 90) + rng.uniform(30, 90) + 20)
        dur = min(dur, n_s - 10 - t)
        if dur < 40:
            break
        prod = int(rng.integers(n_products))
        if prod == last:
            prod = (prod + 1) % n_products
        last = prod
        sells = flash or rng.random() < cfg.sell_share
        raw.append({"product": prod, "start": t, "end": t + dur, "sells": sells, "flash": flash, "repeat": 0})
        t += dur + (float(rng.uniform(3, 15)) if short else float(rng.uniform(10, 90)))
    if short and raw and not any(r["sells"] for r in raw):
        raw[0]["sells"] = True  # a short LIVE of this benchmark holds one pitch that sold
    if len(raw) >= 6:  # one product pitched three times
        hero = int(rng.integers(n_products))
        for k, q in enumerate((0.15, 0.5, 0.85)):
            r = raw[int(q * (len(raw) - 1))]
            if not r["flash"]:
                r.update(product=hero, repeat=k + 1, sells=bool(rng.random() < 0.6))
    return [Pitch(product_id=f"p{r['product'] + 1:02d}", start_s=round(r["start"], 1), end_s=round(r["end"], 1),
                  sells=r["sells"], flash=r["flash"], repeat=r["repeat"]) for r in raw]


def _hawkes(rng: np.random.Generator, immigrants: np.ndarray, branching: float, kernel_s: float) -> list[float]:
    """Immigrant times and all their descendants (each order triggers Poisson(branching) more)."""
    out: list[float] = []
    stack = [float(x) for x in immigrants]
    while stack:
        t0 = stack.pop()
        out.append(t0)
        for _ in range(int(rng.poisson(branching))):
            stack.append(t0 + float(rng.exponential(kernel_s)))
    return sorted(out)


def _pulse(n_s: int, start: float, rise: float, hold: float, decay: float) -> np.ndarray:
    t = np.arange(n_s, dtype=float) - start
    up = np.clip(t / rise, 0, 1)
    down = np.where(t > rise + hold, np.exp(-(t - rise - hold) / decay), 1.0)
    return np.where(t < 0, 0.0, up * down)


def _free(t: float, width: float, busy: list[tuple[float, float]]) -> bool:
    return all(t + width < a or t > b for a, b in busy)


class _Emitter:
    """Builds the event list: timestamps within a second, users, texts."""

    def __init__(self, rng: np.random.Generator, users: list[str], langs: tuple[str, str]) -> None:
        self.rng, self.users, self.langs = rng, users, langs
        zipf = 1.0 / np.arange(1, len(users) + 1) ** 1.1
        self.zipf = zipf / zipf.sum()
        self.events: list[Event] = []
        self._buf: list[int] = []

    def ts(self, second: float) -> int:
        return int(second * 1000) + int(self.rng.integers(0, 1000))

    def lang(self) -> str:
        u = self.rng.random()
        return self.langs[0] if u < 0.72 else self.langs[1] if u < 0.93 else "en"

    def regular(self) -> str:
        if not self._buf:  # drawn in batches: a draw over thousands of weights is slow one at a time
            self._buf = self.rng.choice(len(self.users), size=4096, p=self.zipf).tolist()
        return self.users[self._buf.pop()]

    def anyone(self) -> str:
        return self.users[int(self.rng.integers(len(self.users)))]

    def add(self, second: float, type_: str, **kw: object) -> None:
        self.events.append(Event(self.ts(second), type_, **kw))  # type: ignore[arg-type]


def generate3(cfg: Gen3Config) -> Gen3Live:
    """Generate one LIVE (see the module docstring)."""
    rng = np.random.default_rng([cfg.seed, 0x6E3])
    minutes = cfg.minutes if cfg.minutes is not None else float(round(rng.uniform(20, 180)))
    n_s = max(60, int(minutes * 60))
    v0 = cfg.viewers if cfg.viewers is not None else _loguni(rng, 50, 20_000)
    currency = str(rng.choice(list(_FX)))
    li = rng.choice(len(LANGS), size=2, replace=False)
    langs = (LANGS[int(li[0])], LANGS[int(li[1])])
    catalog, pop = _catalog(rng, currency)
    t = np.arange(n_s, dtype=float)

    # audience: ramp-up, drift, slow noise; traffic pushes on top
    ramp = 1 - 0.8 * np.exp(-t / rng.uniform(30, 150))
    trend = rng.uniform(math.log(0.4), math.log(3.0)) * t / n_s
    organic = v0 * ramp * np.exp(trend + _ou(rng, n_s, 0.12, 400.0))
    pitches = _schedule(rng, cfg, n_s, len(catalog))
    interactions = [Interaction("greeting", 0.0, float(rng.uniform(60, 150)) * min(1.0, n_s / 1200))]
    pushed = np.zeros(n_s)
    for _ in range(int(rng.poisson(minutes / 40))):
        s = float(rng.uniform(0.1, 0.9) * n_s)
        size = float(rng.uniform(0.5, 3.0))
        hold, decay = float(rng.uniform(60, 240)), float(rng.uniform(60, 240))
        pushed += size * organic[int(s)] * _pulse(n_s, s, float(rng.uniform(20, 40)), hold, decay)
        interactions.append(Interaction("push", s, s + hold + decay, size=size))
    viewers = organic + pushed

    # background order rate (per second), the LIVE's own
    k = _loguni(rng, 0.002, 0.016)
    base = np.maximum(k * organic ** 0.8, 0.25) / 60.0
    users = user_names(rng, int(min(60_000, max(300, 3 * v0))))
    em = _Emitter(rng, users, langs)
    prices = np.array([p.price or 0.0 for p in catalog])
    usd = prices / _FX[currency]

    def order(second: float, prod: int, discount: float = 0.0) -> None:
        if second >= n_s:
            return
        qty = int(min(3, rng.geometric(0.7))) if usd[prod] < 15 else 1
        p = catalog[prod]
        paid = round(prices[prod] * (1 - max(discount, p.discount or 0.0)) * qty, 2)
        em.add(second, "order", product_id=p.id, quantity=qty, amount=paid, currency=currency,
               gross_profit=round(paid - (p.cost or 0.0) * qty, 2), user=em.anyone())
        if rng.random() < 0.5:  # the buyer's cart and clicks before the order (none before the LIVE)
            em.add(second - float(rng.uniform(5, 90)), "add_to_cart", product_id=p.id, quantity=qty)
        for _ in range(int(rng.integers(2, 9))):
            em.add(second - float(rng.uniform(1, 60)), "product_click", product_id=p.id, count=1)

    pinned_at = np.full(n_s, -1)
    busy: list[tuple[float, float]] = []
    for i, p in enumerate(pitches):
        prod = int(p.product_id[1:]) - 1
        a, b = int(p.start_s), int(p.end_s)
        pinned_at[a:b] = prod
        pin = rng.random() > 0.12
        if pin:
            if rng.random() < 0.15:  # a pin rush: other products pinned in quick succession first
                for j, other in enumerate(rng.choice(len(catalog), size=int(rng.integers(2, 4)))):
                    em.add(max(0.0, p.start_s - 20 + 6 * j), "product_pin", product_id=catalog[int(other)].id)
            em.add(min(n_s - 1.0, max(0.0, p.start_s + float(rng.uniform(-20, 30)))), "product_pin",
                   product_id=p.product_id)
            if rng.random() < 0.5:
                em.add(min(n_s - 1.0, p.end_s), "product_unpin", product_id=p.product_id)
        lift, lag, caused = 1.0, 0.0, 0
        if p.sells:
            lift = float(rng.uniform(*cfg.lift)) if not p.flash else float(rng.uniform(2.0, 3.0))
            if p.flash:
                countdown = float(rng.uniform(30, 60))
                lag = countdown + float(rng.uniform(5, 20))
                width, shape = max(20.0, p.end_s - p.start_s - lag), (1.2, 4.0)
            else:
                hi = cfg.order_lag_s[1] if n_s >= 600 else min(cfg.order_lag_s[1], 60.0)
                lag = _loguni(rng, cfg.order_lag_s[0], hi)
                width, shape = p.end_s - p.start_s, (2.0, 3.0)
            r0 = p.start_s + lag
            width = max(15.0, min(width, n_s - 5 - r0))
            window = slice(int(r0), int(min(n_s, r0 + width)))
            expected_extra = (lift - 1) * float(base[window].sum())
            branching, kernel = float(rng.uniform(0.2, 0.6)), float(rng.uniform(10, 40))
            for _try in range(200):
                immigrants = r0 + width * rng.beta(*shape, size=int(rng.poisson(expected_extra * (1 - branching))))
                times = [x for x in _hawkes(rng, immigrants, branching, kernel) if x < n_s]
                if len(times) >= cfg.min_sold:
                    break
            else:  # a tiny room: the pitch that sold sold its minimum
                times = sorted(times + list(r0 + width * rng.beta(*shape, size=cfg.min_sold - len(times))))
            caused = len(times)
            disc = float(rng.uniform(0.3, 0.6)) if p.flash else 0.0
            for x in times:
                order(x, prod, disc)
            for _ in range(int(caused * rng.uniform(0.5, 1.5))):  # buyers say so
                em.add(min(n_s - 1.0, float(rng.choice(times)) + float(rng.uniform(0, 20))), "comment",
                       text=phrase(rng, "buy", em.lang()), user=em.anyone())
            busy.append((p.start_s - 30, r0 + width + 60))
            if p.flash:
                interactions.append(Interaction("countdown", p.start_s, p.start_s + countdown))
        else:  # a flop still draws clicks and questions
            for _ in range(int(rng.poisson(float(base[a:b].sum()) * rng.uniform(2, 8)))):
                em.add(float(rng.uniform(a, b)), "product_click", product_id=p.product_id, count=1)
        pitches[i] = Pitch(p.product_id, p.start_s, p.end_s, p.sells, round(lift, 3), round(lag, 1), p.flash,
                           p.repeat, pin, caused)

    # background orders: half to the pinned product, half by popularity
    background = rng.poisson(base)
    for s in np.nonzero(background)[0]:
        for _ in range(int(background[s])):
            pp = int(pinned_at[s])
            order(float(s), pp if pp >= 0 and rng.random() < 0.5 else int(rng.choice(len(catalog), p=pop)))

    # fun interactions (engagement truth) and giveaways, away from selling pitches
    chat = _loguni(rng, 0.004, 0.015) * (organic ** 0.7 + 1.5 * (viewers ** 0.7 - organic ** 0.7))
    long_live = n_s >= 600
    n_fun = max(1, int(rng.poisson(minutes / 12))) if long_live else 0
    for kind, count in (("fun", n_fun), ("giveaway", int(rng.poisson(minutes / 25)) if long_live else 0)):
        for _ in range(count):
            for _try in range(100):
                s = float(rng.uniform(120, max(121, n_s - 120)))
                dur = float(rng.uniform(10, 60)) if kind == "fun" else float(rng.uniform(60, 180))
                if _free(s - 20, dur + 80, busy):
                    break
            else:
                continue
            busy.append((s - 20, s + dur + 60))
            lag = float(rng.uniform(*cfg.chat_lag_s))
            size = float(rng.uniform(2, 5)) if kind == "fun" else float(rng.uniform(4, 10))
            interactions.append(Interaction(kind, round(s, 1), round(s + dur, 1), round(lag, 1), round(size, 2)))
    for kind, per_min in (("bot", 15), ("chain", 30)):
        for _ in range(int(rng.poisson(minutes / per_min))):
            s = float(rng.uniform(0, n_s - 30))
            interactions.append(Interaction(kind, s, min(n_s - 1.0, s + float(rng.uniform(30, 150)))))

    # chat, likes, gifts, shares: a base rate shaped by the interactions
    like_rate = _loguni(rng, 0.003, 0.03) * viewers
    gift_rate = 0.0015 * viewers ** 0.6
    share_rate = 0.0004 * viewers ** 0.8
    extra_chat = np.zeros(n_s)
    for it in interactions:
        a, b = int(it.start_s), int(min(n_s, it.end_s))
        if it.kind == "greeting":
            extra_chat[a:b] += chat[a:b] * 2.0 * np.exp(-(t[a:b] - a) / max(1, b - a))
        elif it.kind in ("fun", "giveaway", "countdown"):
            r0 = int(it.start_s + it.lag_s)
            tail = np.exp(-np.maximum(0, t - (b + it.lag_s)) / float(rng.uniform(15, 40)))
            win = (t >= r0) & (tail > 0.05)
            boost = (it.size - 1) if it.kind != "countdown" else 1.5
            like_rate = like_rate + np.where(win, like_rate * boost * tail, 0)
            extra = np.where(win, chat * boost * tail, 0)
            n_msgs = max(int(rng.poisson(extra.sum())), 6 if it.kind == "fun" else 0)
            cat = "react" if it.kind == "fun" else "countdown"
            command = command_text(rng, langs[0]) if it.kind == "giveaway" else None
            secs = rng.choice(n_s, size=n_msgs, p=extra / extra.sum()) if extra.sum() > 0 else []
            for sec in secs:
                text = command if command is not None else phrase(rng, cat, em.lang())
                em.add(float(sec), "comment", text=text, user=em.anyone())
            if it.kind == "fun":
                gift_rate = gift_rate + np.where(win, gift_rate * 2 * tail, 0)
                share_rate = share_rate + np.where(win, share_rate * 3 * tail, 0)
        elif it.kind == "bot":
            bots = [f"deals_{int(rng.integers(1000, 9999))}" for _ in range(int(rng.integers(1, 4)))]
            sec = float(a)
            while sec < b:
                em.add(sec, "comment", text=phrase(rng, "bot", "en"), user=bots[int(rng.integers(len(bots)))])
                sec += float(rng.uniform(1, 4))
        elif it.kind == "chain":
            text = chain_text(rng)
            for sec in rng.uniform(a, b, size=int(rng.integers(5, 31))):
                em.add(float(sec), "comment", text=text, user=em.anyone())
    pushed_share = np.where(viewers > 0, pushed / np.maximum(viewers, 1), 0)
    for sec in np.nonzero(counts := rng.poisson(chat + extra_chat))[0]:
        for _ in range(int(counts[sec])):
            u = rng.random()
            if sec < interactions[0].end_s or u < pushed_share[sec] * 0.8:
                cat = "greet"
            elif pinned_at[sec] >= 0 and u < 0.45:
                cat = "question"
            else:
                cat = "emoji" if u > 0.93 else "chat"
            em.add(float(sec), "comment", text=phrase(rng, cat, em.lang()), user=em.regular())
    for sec in np.nonzero(likes := rng.poisson(like_rate * 2)[::2])[0]:
        em.add(float(2 * sec), "like", count=int(likes[sec]), user=em.anyone())
    for sec in np.nonzero(rng.poisson(gift_rate))[0]:
        whale = rng.random() < 0.03
        em.add(float(sec), "gift", count=1, value=float(round(rng.lognormal(7 if whale else 1.5, 1.0))),
               user=em.regular())
    for sec in np.nonzero(rng.poisson(share_rate))[0]:
        em.add(float(sec), "share", count=1, user=em.anyone())
    stay = float(rng.uniform(120, 480))
    joins = rng.poisson(np.add.reduceat(viewers / stay + np.maximum(0, np.diff(viewers, prepend=viewers[0])),
                                        np.arange(0, n_s, 5)))
    for j, c in enumerate(joins):
        if c:
            em.add(5.0 * j, "join", count=int(c))
            if rng.random() < min(0.5, 0.02 * c):
                em.add(5.0 * j, "follow", count=1, user=em.anyone())
    poll = float(rng.choice([5, 10, 15, 30]))
    sec = 0.0
    while sec < n_s:
        em.add(sec, "viewers", count=int(round(viewers[int(sec)] * rng.lognormal(0, 0.03))))
        sec += poll * float(rng.uniform(0.8, 1.2))
    events = sorted((e for e in em.events if 0 <= e.ts_ms < n_s * 1000), key=lambda e: (e.ts_ms, e.type))
    interactions.sort(key=lambda i: i.start_s)
    return Gen3Live(cfg, float(n_s), round(v0, 1), currency, langs, catalog, events, pitches, interactions)


def write_jsonl(events: list[Event], path: Path) -> None:
    """Write events as the project's JSON Lines event log."""
    with Path(path).open("w", encoding="utf-8") as fh:
        for e in events:
            fh.write(json.dumps(e.to_json(), ensure_ascii=False) + "\n")


def main() -> None:
    ap = argparse.ArgumentParser(description="write one eventgen3 LIVE: events.jsonl, catalog.json, truth.json")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--minutes", type=float)
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args()
    g = generate3(Gen3Config(seed=args.seed, minutes=args.minutes))
    args.out.mkdir(parents=True, exist_ok=True)
    write_jsonl(g.events, args.out / "events.jsonl")
    (args.out / "catalog.json").write_text(json.dumps([p.to_json() for p in g.catalog], indent=1))
    truth = {"duration_s": g.duration_s, "viewers0": g.viewers0, "currency": g.currency, "languages": g.languages,
             "sales": g.sales, "engagement": g.engagement, "pitches": [asdict(p) for p in g.pitches],
             "interactions": [asdict(i) for i in g.interactions]}
    (args.out / "truth.json").write_text(json.dumps(truth, indent=1, ensure_ascii=False))
    print(f"{len(g.events)} events, {g.duration_s / 60:.0f} min, {len(g.sales)} sales, "
          f"{len(g.engagement)} engagement moments -> {args.out}")


if __name__ == "__main__":
    main()
