"""The audience: an event stream that responds to the show the way a real LIVE audience does.

Per-second rates (viewers, joins, likes, comments, shares, follows, gifts, clicks, carts, orders) are
shaped by the plan (pitches, giveaways, raids) and drawn as Poisson counts from a seeded generator.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..models import Product
from . import texts as T
from .catalog import sale_price
from .script import Show

ORDER_RATE_PER_VIEWER = 1.2e-5
"""Baseline orders per second per concurrent viewer (all products together)."""


def _users(rng: np.random.Generator, n: int) -> list[str]:
    a, b = T.NAME_PARTS_A, T.NAME_PARTS_B
    return [f"{a[int(rng.integers(len(a)))]}{b[int(rng.integers(len(b)))]}{int(rng.integers(0, 1000))}"
            for _ in range(n)]


def _viewers(rng: np.random.Generator, show: Show, n: int) -> tuple[np.ndarray, float, np.ndarray]:
    """Concurrent viewers per second, the stream's base level and the raid join bursts."""
    hard = show.difficulty == "hard"
    v0 = math.exp(rng.uniform(math.log(80), math.log(3000)))
    t = np.arange(n, dtype=float)
    sigma = 0.012 if hard else 0.007
    steps = rng.normal(0.0, sigma, n)
    walk = np.zeros(n)
    for i in range(1, n):  # slow mean-reverting random walk of log(viewers)
        walk[i] = walk[i - 1] * 0.998 + steps[i]
    period = rng.uniform(900, 2400)
    slow = 0.15 * np.sin(2 * np.pi * t / period + rng.uniform(0, 2 * np.pi))
    ramp_s = max(5.0, 180 * show.time_scale)
    ramp = 0.45 + 0.55 * (1 - np.exp(-t / ramp_s))
    v = v0 * np.exp(walk + slow) * ramp
    raid_joins = np.zeros(n)
    for d in show.distractors:
        if d.kind != "raid":
            continue
        r0 = int(d.start_s)
        tau = max(10.0, (d.end_s - d.start_s) / 1.5)
        dt = np.clip(t - r0, 0, None)
        bump = v0 * d.size * np.where(t >= r0, np.minimum(1.0, dt / 10.0) * np.exp(-np.maximum(dt - 10, 0) / tau), 0)
        v = v + bump
        burst = int(v0 * d.size)
        raid_joins[r0:min(n, r0 + 12)] += burst / 12.0
    return np.maximum(v, 5.0), v0, raid_joins


def _profiles(show: Show, n: int) -> dict[str, np.ndarray]:
    """Engagement multipliers per second and the mix of comment kinds."""
    t = np.arange(n, dtype=float)
    hard = show.difficulty == "hard"
    ts = show.time_scale
    like = np.ones(n)
    comment = np.ones(n)
    share = np.ones(n)
    good = np.zeros(n)
    weak = np.zeros(n)
    give = np.zeros(n)
    raid = np.zeros(n)
    for p in show.pitches:
        peak = (min(2.2, 0.5 + 0.25 * p.lift) if hard else min(4.0, 0.8 + 0.3 * p.lift)) if p.success else 1.15
        up = np.clip((t - p.start_s) / max(1.0, p.key_s - p.start_s), 0, 1) * (t >= p.start_s)
        down = np.where(t > p.end_s, np.exp(-(t - p.end_s) / (20 * ts)), 1.0)
        shape = up * down
        like += (peak - 1) * shape
        comment += (peak - 1) * shape
        if p.success:
            good = np.maximum(good, 0.65 * shape)
        else:
            weak = np.maximum(weak, 0.4 * shape)
    for d in show.distractors:
        inside = (t >= d.start_s) & (t < d.end_s)
        if d.kind == "giveaway":
            like += (d.size - 1) * inside
            comment += (2 * d.size - 1) * inside
            share += 5 * inside
            give = np.maximum(give, 0.85 * inside)
        else:
            raid = np.maximum(raid, 0.5 * ((t >= d.start_s) & (t < d.start_s + 40)))
            comment += 1.5 * ((t >= d.start_s) & (t < d.start_s + 40))
    return {"like": like, "comment": comment, "share": share, "good": good, "weak": weak, "give": give,
            "raid": raid}


def _order(rng: np.random.Generator, ts_ms: int, p: Product) -> dict[str, Any]:
    q = int(rng.choice([1, 2, 3], p=[0.72, 0.2, 0.08]))
    amount = round(sale_price(p) * q, 2)
    return {"ts_ms": ts_ms, "type": "order", "product_id": p.id, "quantity": q, "amount": amount,
            "currency": p.currency or "USD", "gross_profit": round(amount - (p.cost or 0.0) * q, 2)}


def simulate_events(rng: np.random.Generator, show: Show, products: list[Product]) -> list[dict[str, Any]]:
    """All events of the LIVE as dicts with integer ``ts_ms`` (unsorted, no ids)."""
    D_ms = int(round(show.duration_s * 1000))
    n = max(1, math.ceil(show.duration_s))
    hard = show.difficulty == "hard"
    ts = show.time_scale
    v, v0, raid_joins = _viewers(rng, show, n)
    prof = _profiles(show, n)
    users = _users(rng, int(min(4000, max(60, v0 * 2))))
    weights = 1.0 / np.arange(1, len(users) + 1) ** 0.8
    weights /= weights.sum()
    by_id = {p.id: p for p in products}
    ev: list[dict[str, Any]] = []

    def at(sec: int | float) -> int:
        return min(D_ms - 1, int(sec * 1000 + rng.integers(0, 1000)))

    for k in range(0, n, 5):  # concurrent viewers every ~5 s
        ev.append({"ts_ms": min(D_ms - 1, k * 1000 + int(rng.integers(0, 300))), "type": "viewers",
                   "count": int(round(v[min(k, n - 1)] * rng.uniform(0.98, 1.02)))})
    counts = {
        "join": rng.poisson(v * 0.004 + raid_joins),
        "like": rng.poisson(v * 0.012 * prof["like"]),
        "share": rng.poisson(v * 6e-5 * prof["share"]),
        "follow": rng.poisson(v * 1e-4 * np.sqrt(prof["comment"])),
        "gift": rng.poisson(v * 3e-5 * np.sqrt(prof["like"])),
    }
    for kind, arr in counts.items():
        for sec in np.flatnonzero(arr):
            e: dict[str, Any] = {"ts_ms": at(sec), "type": kind}
            if kind == "gift":
                e.update(count=int(rng.integers(1, 6)), value=float(rng.choice([1, 5, 10, 30, 99, 199])),
                         user=users[int(rng.choice(len(users), p=weights))])
            elif kind in ("join", "like", "share", "follow"):
                e["count"] = int(arr[sec])
            ev.append(e)
    # comments, one event each, text depends on what is happening
    n_comments = rng.poisson(np.minimum(2.0, v * 8e-4) * prof["comment"])
    for sec in np.flatnonzero(n_comments):
        for _ in range(int(n_comments[sec])):
            r = rng.random()
            pools = [(prof["give"][sec], T.COMMENTS_GIVEAWAY), (prof["raid"][sec], T.COMMENTS_RAID),
                     (prof["good"][sec], T.COMMENTS_GOOD), (prof["weak"][sec], T.COMMENTS_WEAK)]
            pool = T.COMMENTS_BASE
            acc = 0.0
            for share_, cand in pools:
                acc += float(share_)
                if r < acc:
                    pool = cand
                    break
            ev.append({"ts_ms": at(sec), "type": "comment", "text": pool[int(rng.integers(len(pool)))],
                       "user": users[int(rng.choice(len(users), p=weights))]})
    # pins, clicks, carts and orders of each pitch
    t = np.arange(n, dtype=float)
    starts = [p.start_s for p in show.pitches]
    for i, p in enumerate(show.pitches):
        prod = by_id[p.product_id]
        pin_ms = max(0, int((p.start_s + rng.uniform(-3, 3) * ts) * 1000))
        nxt = int(starts[i + 1] * 1000) - 3000 if i + 1 < len(starts) else D_ms - 1
        unpin_ms = min(int((p.end_s + rng.uniform(0, 4) * ts) * 1000), nxt, D_ms - 1)
        ev.append({"ts_ms": pin_ms, "type": "product_pin", "product_id": p.pinned_id})
        if unpin_ms > pin_ms:
            ev.append({"ts_ms": unpin_ms, "type": "product_unpin", "product_id": p.pinned_id})
        interest = (1 + (p.lift - 1) * 0.6) if p.success else p.lift
        ramp = np.clip((t - p.start_s) / max(1.0, p.key_s - p.start_s), 0, 1) * (t >= p.start_s)
        ramp *= np.where(t > p.end_s, np.exp(-(t - p.end_s) / (15 * ts)), 1.0)
        clicks = rng.poisson(v * 1.5e-3 * interest * ramp + (0.3 * ramp if p.success else 0.0))
        cart_p = 0.35 if p.success else 0.1
        for sec in np.flatnonzero(clicks):
            c = int(clicks[sec])
            ev.append({"ts_ms": at(sec), "type": "product_click", "product_id": p.product_id, "count": c})
            for _ in range(int(rng.binomial(c, cart_p))):
                ts_cart = at(sec + rng.uniform(1, 12) * ts)
                ev.append({"ts_ms": ts_cart, "type": "add_to_cart", "product_id": p.product_id, "quantity": 1})
        key_i = min(n - 1, int(p.key_s))
        window = 90 * ts
        lam = ORDER_RATE_PER_VIEWER * v[key_i] * window * p.lift
        if p.success:
            lam = max(lam, 5.0 if ts >= 1 else 4.0)
        n_orders = int(rng.poisson(lam))
        if p.success:
            n_orders = max(n_orders, 2)
        median, sigma = (50.0, 0.7) if hard else (35.0, 0.45)
        delays = rng.lognormal(math.log(median * ts), sigma, n_orders)
        for d in delays:
            when = p.key_s + d
            if when >= show.duration_s - 0.05:
                if ts >= 1:
                    continue  # the tail runs past the end of the LIVE
                when = rng.uniform(min(p.key_s + 0.5, show.duration_s - 0.1), show.duration_s - 0.05)
            ev.append(_order(rng, int(when * 1000), prod))
    # baseline orders for any product, proportional to traffic
    base = rng.poisson(v * ORDER_RATE_PER_VIEWER * (1.6 if hard else 1.0))
    for sec in np.flatnonzero(base):
        for _ in range(int(base[sec])):
            ev.append(_order(rng, at(sec), products[int(rng.integers(len(products)))]))
    return [e for e in ev if 0 <= e["ts_ms"] < D_ms]
