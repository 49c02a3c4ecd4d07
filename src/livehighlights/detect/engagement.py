"""Engagement moments from the audience alone: chat, reactions, likes, gifts, against the stream's own baseline.

A fun interaction or a surprise shows in the room before (or without) any sale: many people write at
once, and they react ("LOL", "jajaja", "草", "omg", "clip it", "!!!", 😂). This detector follows the
per-second series the timeline builder weighs (:mod:`livehighlights.signals.chat`: one message per
viewer per ten seconds, no commands, copy-pastes or floods, greetings apart), normalised by the
concurrent viewers so a growing audience is not a moment by itself, and opens a burst when the last
:data:`BURST_WINDOW_S` seconds stand out against the trailing :attr:`baseline_span_s`.

Chat reacts after what caused it: the moment is placed :data:`REACTION_LAG_S` plus :data:`LEAD_S` before the
burst's onset, and ends by the burst's peak less the lag.
The first :data:`WARMUP_S` seconds (the greeting burst as viewers arrive) open no moment. A burst made mostly of
goodbyes ("bye", "gn", "see you tomorrow") is held :data:`FAREWELL_HOLD_S` seconds: if the LIVE ends by then, it
was the goodbye wave as the LIVE closed and is no moment; if the LIVE goes on, it was a chant at something that
happened ("ADIOS" at a beaten rival) and is emitted then.

A burst opens at a z of :attr:`EngagementDetector.open_z` (2.5: on real chat many highlights are weak bursts of many
people) and ranks by how big it is against the stream's own usual chat (:data:`SIZE_WEIGHT`: the counted messages,
about the distinct people writing, beyond those expected, in windows of the stream's usual rate per viewer, so it ranks
across streams of any size); the reactions' part of its score needs :data:`REACTION_MIN` reactions to count in
full. Bursts whose moments overlap are one episode (a reaction pausing for breath), merged into one moment
(:data:`MAX_EPISODE_S`, :data:`HOLD_S`). Each moment carries its breakdown (burst, reactions, likes, gifts) and
evidence (counts, baselines, the share of messages that counted), and the product pinned at the cause, if any.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from ..models import Moment
from ..signals.timeline import Second
from .base import Detector, register
from .baseline import log_lift, window_stats

if TYPE_CHECKING:
    from .options import DetectOptions

__all__ = ["BURST_WINDOW_S", "EngagementDetector", "FAREWELL_HOLD_S", "FAREWELL_SHARE", "HOLD_S", "LEAD_S",
           "MAX_EPISODE_S", "REACTION_LAG_S", "REACTION_MIN", "REACTION_Z", "SIZE_WEIGHT", "WARMUP_S",
           "is_reaction_burst", "share_stands_out"]

BURST_WINDOW_S = 10
"""Length of the window a burst is measured over."""
REACTION_LAG_S = 10
"""Chat reacts this long after what caused it (the player's latency behind the LIVE, a few to 15 s, and typing
time): the moment starts this much earlier. On labelled Twitch chat (Lightor) the chat burst starts a median
17 s after the labelled highlight starts, about when it ends."""
LEAD_S = 20
"""... and this much more: the cause itself lasts (a play, a joke, a fall: 5 to 50 s, median 15 s, in the
labelled Twitch chat), so a clip shows it building up. On the Lightor dev streams the chat surge starts -1 to 42 s
after the labelled start (median about 19 s): lag plus lead (30 s) reach back to the start of most causes."""
WARMUP_S = 90
"""No engagement moment opens in the first seconds: viewers arrive and greet, the baseline is empty."""
FAREWELL_SHARE = 0.5
"""A burst at least this share of whose counted messages say goodbye is a goodbye wave if the LIVE ends soon."""
FAREWELL_HOLD_S = 300
"""How long a goodbye wave is held back: a LIVE that is still on this long after it was not closing."""
MAX_BURST_S = 45
TAIL_S = 10
"""A moment ends this long after its (lag-corrected) peak at the latest: the reaction's tail is chat."""
MIN_MOMENT_S = 10
REACTION_SHARE_X = 2.0
"""A burst whose share of reactions is at least this many times the stream's usual share (or whose odds of a
reaction are :data:`REACTION_ODDS_X` times the usual odds) and at least :data:`REACTION_SHARE_MIN` (and whose
reactions stand out by :data:`REACTION_Z`) is people reacting to something, not talk: see
:func:`is_reaction_burst`."""
REACTION_ODDS_X = 3.0
"""Where the usual share of reactions is already high (a shop's chat full of 😍 and 🔥: half its messages count as
reactions), no burst can double it: a share cannot pass 1. There the burst must raise the odds of a reaction (share
over the rest) this many times (from 0.5 to 0.75, from 0.4 to 0.67). Below a usual share of 0.25 doubling the share
is the looser of the two and decides, as before."""
REACTION_SHARE_MIN = 0.3
REACTION_MIN = 12
"""The reactions' part of a burst's score is full from this many reactions on, and shrinks in proportion below (a
share or a z of reactions from a few messages is chance, and no match for many people writing at once)."""
SIZE_WEIGHT = 3.0
"""A burst's chat counts by the larger of how unusual it is (its z against the trailing baseline, capped at
``z_cap``) and how big it is (``SIZE_WEIGHT * log2(1 + size)``, capped at twice ``z_cap``; size: the counted
messages beyond those the trailing baseline expected over the burst, in windows of the stream's usual chat, see
:meth:`EngagementDetector._size`): a short spike of a few people and a long wave of many both stand out, and among
those the bigger ranks higher."""
REACTION_Z = 3.0
"""How much a burst's reactions must stand out (z against the trailing baseline) for :func:`is_reaction_burst`."""
MAX_EPISODE_S = 120
"""Bursts whose moments overlap are one episode, merged into one moment while it spans at most this long."""
HOLD_S = REACTION_LAG_S + LEAD_S + 2 * BURST_WINDOW_S
"""A moment is held this long after its end: a burst opening later than that cannot overlap it (a burst's onset is
at most two windows before it opens, its moment starts the lag and lead before that)."""
LOCAL_S = 60
"""The chat just before a burst it is compared with (see :func:`is_reaction_burst`)."""
STATS_EVERY_S = 10
_BURST_METRICS = ("chat", "reactions", "likes", "gifts")
_SERIES = ("chat", "reactions", "comments", "likes", "gifts", "viewers", "farewells")


def is_reaction_burst(moment: Moment) -> bool:
    """Whether an audience burst (a moment of this detector) is people reacting to something that happened (a
    fun moment, a surprise): at least 3 reactions, their share of the counted messages well above the stream's
    usual share and the chat's just before (see :func:`share_stands_out`) and at least :data:`REACTION_SHARE_MIN`,
    and the reactions standing out by the opening z. Such a burst is its own engagement moment even inside a sale's
    pitch (where questions about the product raise the chat too); any other burst there is the sale's audience."""
    return bool(moment.detector == "engagement" and moment.evidence.get("reaction_burst"))


def share_stands_out(share: float, usual: float) -> bool:
    """Whether a burst's share of reactions stands out against a ``usual`` share: at least :data:`REACTION_SHARE_X`
    times it, or odds of a reaction at least :data:`REACTION_ODDS_X` times the usual odds (a usual share near 1
    leaves no room for either)."""
    if share >= REACTION_SHARE_X * usual:
        return True
    if usual >= 1.0 or share >= 1.0:
        return share >= 1.0 > usual
    return share / (1.0 - share) >= REACTION_ODDS_X * usual / (1.0 - usual)


class _Columns:
    """Per-second float columns in one growable numpy array (amortised O(1) append), with running totals."""

    def __init__(self, names: tuple[str, ...]) -> None:
        self.index = {m: i for i, m in enumerate(names)}
        self._data = np.zeros((1024, len(names)))
        self._cum = np.zeros((1025, len(names)))
        self.n = 0

    def append(self, row: list[float]) -> None:
        if self.n == len(self._data):
            self._data = np.concatenate([self._data, np.zeros_like(self._data)])
            self._cum = np.concatenate([self._cum, np.zeros((len(self._data) - len(self._cum) + 1,
                                                             self._data.shape[1]))])
        self._data[self.n] = row
        self._cum[self.n + 1] = self._cum[self.n] + self._data[self.n]
        self.n += 1

    def col(self, name: str) -> np.ndarray:
        return self._data[:self.n, self.index[name]]

    def total(self, name: str, lo: int, hi: int) -> float:
        lo, hi = max(0, lo), min(self.n, hi)
        i = self.index[name]
        return float(self._cum[hi, i] - self._cum[lo, i]) if hi > lo else 0.0


@dataclass
class _Burst:
    onset: int
    end: int


@register
class EngagementDetector(Detector):
    """Finds bursts of people reacting (chat, likes, gifts) and places each on its cause."""

    name = "engagement"

    def __init__(self, baseline_span_s: int = 600, open_z: float = 2.5, close_z: float = 1.5,
                 quiet_s: int = 8, min_score: float = 1.5, z_cap: float = 8.0, enabled: bool = True) -> None:
        self.enabled = enabled
        """False when the score weights give engagement nothing (audience bursts are then not moments), or
        for coarse data (per-minute totals: no burst of seconds to see; the shopping detector judges each
        minute's engagement)."""
        self.baseline_span_s = baseline_span_s
        self.open_z = open_z
        self.close_z = close_z
        self.quiet_s = quiet_s
        self.min_score = min_score
        self.z_cap = z_cap
        self._cols = _Columns(_SERIES)
        self._norm = _Columns(_SERIES[:5])
        self._held: list[tuple[int, Moment]] = []
        """Goodbye waves held back, with the second they are released at if the LIVE is still on."""
        self._stats: dict[str, tuple[float, float, float]] = {}
        self._stats_at = -1
        self._pinned: list[str | None] = []
        self._clicks: dict[int, dict[str, float]] = {}
        self._burst: _Burst | None = None
        self._pending: Moment | None = None
        """The last moment, held :data:`HOLD_S` in case the next burst is the same episode (see :meth:`_hold`)."""
        self._hot = 0
        self._quiet = 0
        self._last_viewers = 0.0

    @classmethod
    def from_options(cls, options: DetectOptions | None = None) -> EngagementDetector:
        if options is None:
            return cls()
        return cls(baseline_span_s=options.baseline_span_s, z_cap=options.z_cap,
                   enabled=options.normalised_weights().get("engagement", 0.0) > 0 and options.resolution_s == 1)

    @property
    def delay_s(self) -> int:
        """A burst is emitted once it has quietened and :data:`HOLD_S` has passed (or merged into the next burst of
        its episode); a goodbye wave :data:`FAREWELL_HOLD_S` later still."""
        return MAX_EPISODE_S + self.quiet_s + BURST_WINDOW_S + HOLD_S + FAREWELL_HOLD_S

    # -- the online loop -------------------------------------------------------------------------

    def process_second(self, sec: Second) -> list[Moment]:
        v = sec.values
        viewers = v.get("viewers", 0.0)
        self._last_viewers = viewers if viewers > 0 else self._last_viewers
        scale = 1.0 / self._last_viewers if self._last_viewers > 0 else 1.0
        self._cols.append([v.get(m, 0.0) for m in _SERIES])
        self._norm.append([v.get(m, 0.0) * scale for m in _SERIES[:5]])
        released = self._release(sec.t) if self._held else []
        if self._pending is not None and self._may_release(sec.t):
            released.append(replace(self._pending, confirmed_at_ms=(sec.t + 1) * 1000))
            self._pending = None
        self._pinned.append(sec.pinned)
        clicks = {p: r.get("product_clicks", 0.0) + r.get("add_to_carts", 0.0) for p, r in sec.by_product.items()}
        if any(clicks.values()):
            self._clicks[sec.t] = clicks
        return released + self._step(sec.t) if released else self._step(sec.t)

    def post_process(self, end_s: int) -> list[Moment]:
        out: list[Moment] = []
        if self._burst is not None:
            burst, self._burst = self._burst, None
            burst.end = min(burst.end, len(self._pinned))
            out = self._emit(burst)
        if self._pending is not None:
            out.append(replace(self._pending, confirmed_at_ms=len(self._pinned) * 1000))
            self._pending = None
        self._held = []  # the LIVE ended within FAREWELL_HOLD_S of each: goodbye waves, no moments
        return out

    def _is_farewell_wave(self, burst: _Burst) -> bool:
        chat = self._cols.total("chat", burst.onset, burst.end)
        return chat > 0 and self._cols.total("farewells", burst.onset, burst.end) >= FAREWELL_SHARE * chat

    def _may_release(self, t: int) -> bool:
        """Whether the held moment can no longer overlap a later burst's: :data:`HOLD_S` after its end, and the
        burst open now (if any) starts after it."""
        end_s = self._pending.end_ms // 1000 if self._pending is not None else 0
        if t < end_s + HOLD_S:
            return False
        return self._burst is None or self._burst.onset - REACTION_LAG_S - LEAD_S >= end_s

    def _hold(self, moment: Moment) -> list[Moment]:
        """Hold ``moment``; a burst whose moment overlaps the held one is the same episode (a chant that came back,
        a reaction that paused for breath), merged into it while the episode spans at most :data:`MAX_EPISODE_S`:
        one moment over both, scored and placed by the stronger. Returns the moment this one displaced."""
        held = self._pending
        if held is not None and moment.start_ms < held.end_ms and held.start_ms < moment.end_ms \
                and max(held.end_ms, moment.end_ms) - min(held.start_ms, moment.start_ms) <= MAX_EPISODE_S * 1000:
            strong = moment if moment.score > held.score else held
            bursts = held.evidence.get("merged_bursts", [held.evidence["burst_s"]]) + [moment.evidence["burst_s"]]
            self._pending = replace(strong, start_ms=min(held.start_ms, moment.start_ms),
                                    end_ms=max(held.end_ms, moment.end_ms),
                                    evidence={**strong.evidence, "merged_bursts": bursts})
            return []
        self._pending = moment
        return [replace(held, confirmed_at_ms=len(self._pinned) * 1000)] if held is not None else []

    def _release(self, t: int) -> list[Moment]:
        """The goodbye waves the LIVE has outlasted by :data:`FAREWELL_HOLD_S`: chants, not a closing."""
        out = [replace(m, confirmed_at_ms=(t + 1) * 1000) for at, m in self._held if at <= t]
        if out:
            self._held = [(at, m) for at, m in self._held if at > t]
        return out

    def _step(self, t: int) -> list[Moment]:
        z = self.burst_z(t)
        burst = self._burst
        if burst is None:
            self._hot = self._hot + 1 if z >= self.open_z and t + 1 >= WARMUP_S + BURST_WINDOW_S else 0
            if self._hot >= 3:
                self._burst = _Burst(onset=self._onset(t), end=t + 1)
                self._quiet = 0
            return []
        burst.end = t + 1
        self._quiet = self._quiet + 1 if z < self.close_z else 0
        if self._quiet >= self.quiet_s or burst.end - burst.onset >= MAX_BURST_S:
            self._burst, self._hot = None, 0
            burst.end -= self._quiet
            return self._emit(burst)
        return []

    # -- measuring -------------------------------------------------------------------------------

    def _window_z(self, metric: str, lo: int, hi: int) -> float:
        """z of ``metric`` over ``[lo, hi)`` against the trailing baseline, normalised by viewers."""
        return self._window_stats(metric, lo, hi)[0]

    def _window_stats(self, metric: str, lo: int, hi: int) -> tuple[float, float]:
        """``(z, expected)`` of ``metric`` over ``[lo, hi)``: its z against the trailing baseline, normalised by
        viewers, and the baseline's usual total over that length (0 with too little history)."""
        hist_lo = max(0, lo - self.baseline_span_s)
        if lo - hist_lo < 2 * (hi - lo):
            return 0.0, 0.0
        viewers = self._cols.col("viewers")[hist_lo:hi]
        known = viewers[viewers > 0]
        ref = float(np.median(known)) if len(known) else 1.0
        med, spread = window_stats(self._norm.col(metric)[hist_lo:lo] * ref, hi - lo)
        return (self._norm.total(metric, lo, hi) * ref - med) / spread, med

    def _burst_z(self, metric: str, lo: int, hi: int) -> float:
        """:meth:`_window_z` with the baseline refreshed every :data:`STATS_EVERY_S` seconds (it moves slowly)."""
        if lo - max(0, lo - self.baseline_span_s) < 2 * (hi - lo):
            return 0.0
        if hi - self._stats_at >= STATS_EVERY_S:
            self._stats_at = hi
            hist_lo = max(0, lo - self.baseline_span_s)
            viewers = self._cols.col("viewers")[hist_lo:hi]
            known = viewers[viewers > 0]
            ref = float(np.median(known)) if len(known) else 1.0
            self._stats = {m: (ref, *window_stats(self._norm.col(m)[hist_lo:lo] * ref, hi - lo))
                           for m in _BURST_METRICS}
        ref, med, spread = self._stats[metric]
        return (self._norm.total(metric, lo, hi) * ref - med) / spread

    def burst_z(self, t: int) -> float:
        """How much the audience stands out over the last :data:`BURST_WINDOW_S` seconds (largest z of
        counted chat, reactions, likes and gift value; likes and gifts at 0.7, being one tap)."""
        lo, hi = t + 1 - BURST_WINDOW_S, t + 1
        if lo < 0:
            return 0.0
        return max(self._burst_z("chat", lo, hi), self._burst_z("reactions", lo, hi),
                   0.7 * self._burst_z("likes", lo, hi), 0.7 * self._burst_z("gifts", lo, hi))

    def _onset(self, t: int) -> int:
        """Where the burst began rising: back from ``t`` while the 5-second chat rate keeps falling."""
        rate = self._cols.col("chat") + self._cols.col("reactions")
        s = t - BURST_WINDOW_S + 1
        floor = max(0, t - 2 * BURST_WINDOW_S)
        while s > floor and 0 < rate[max(0, s - 5):s].sum() < rate[s:s + 5].sum():
            s -= 1
        return max(0, s)

    # -- scoring ---------------------------------------------------------------------------------

    def _emit(self, burst: _Burst) -> list[Moment]:
        if not self.enabled:
            return []
        moment = self.score(burst)
        if moment.score < self.min_score:
            return []
        if self._is_farewell_wave(burst):
            self._held.append((burst.end + FAREWELL_HOLD_S, moment))
            return []
        return self._hold(moment)

    def score(self, burst: _Burst) -> Moment:
        a, b = burst.onset, max(burst.end, burst.onset + 5)
        cols = {m: self._cols.col(m) for m in _SERIES}
        stats = {m: self._window_stats(m, a, b) for m in ("chat", "reactions", "likes", "gifts")}
        z = {m: zs for m, (zs, _) in stats.items()}
        hist_lo = max(0, a - self.baseline_span_s)
        total = {m: float(cols[m][a:b].sum()) for m in ("chat", "reactions", "comments", "likes", "gifts", "farewells")}
        usual = self._usual_chat(a)
        # the burst's size beyond the chat the trailing baseline expected over its length: the people it added
        size = max(0.0, self._size(a, b) - stats["chat"][1] / usual) if usual > 0 else 0.0
        counted = total["chat"] / total["comments"] if total["comments"] else 1.0
        # ... of people: only the share of messages that counted (a flood's first few copies slip through), and in
        # full only over enough messages (5 messages where 1.7 were usual are chance, not a burst 2.4 windows big)
        size *= counted * min(1.0, total["chat"] / REACTION_MIN)
        base_chat = float(cols["chat"][hist_lo:a].sum())
        base_react = float(cols["reactions"][hist_lo:a].sum())
        share = total["reactions"] / total["chat"] if total["chat"] else 0.0
        base_share = (base_react + 1.0) / (base_chat + 4.0)
        react_lift = log_lift(share, base_share, floor=0.05) if total["reactions"] >= 3 else 0.0
        cap = self.z_cap
        # reactions tell a reaction from talk only when there are enough of them: 6 people laughing in a stream
        # whose chat never laughs is a huge z of reactions, and still no evidence against 60 people writing at once
        sure = min(1.0, total["reactions"] / REACTION_MIN)
        comps = {"burst": max(min(cap, z["chat"]), min(2.0 * cap, SIZE_WEIGHT * math.log2(1.0 + size))),
                 "reactions": sure * min(cap, max(0.0, z["reactions"]) + 2.0 * max(0.0, react_lift)),
                 "likes": min(cap, max(0.0, z["likes"])), "gifts": min(cap, max(0.0, z["gifts"]))}
        weights = {"burst": 0.4, "reactions": 0.35, "likes": 0.15, "gifts": 0.1}
        # a burst most of whose messages did not count (repeats, copies, commands) is worth less
        damp = min(1.0, 0.25 + counted)
        breakdown = {k: weights[k] * v * damp for k, v in comps.items()}
        cause = max(0, a - REACTION_LAG_S - LEAD_S)
        peak = self._peak(a, b) - REACTION_LAG_S
        end = max(cause + MIN_MOMENT_S, min(b - REACTION_LAG_S, peak + TAIL_S))
        evidence: dict[str, Any] = {
            "segment": "audience burst", "burst_s": [a, b], "reaction_lag_s": REACTION_LAG_S,
            "chat": {"value": total["chat"], "z": round(z["chat"], 2), "comments": total["comments"],
                     "counted_share": round(counted, 2), "expected": round(stats["chat"][1], 2),
                     "farewells": total["farewells"], "usual_10s": round(usual, 3), "size": round(size, 2)},
            "reactions": {"value": total["reactions"], "z": round(z["reactions"], 2), "share": round(share, 2),
                          "expected": round(stats["reactions"][1], 2),
                          "baseline_share": round(base_share, 2)},
            "reaction_burst": bool(total["reactions"] >= 3 and z["reactions"] >= REACTION_Z
                                   and share >= REACTION_SHARE_MIN and share_stands_out(share, base_share)
                                   and share_stands_out(share, self._local_share(a))),
            "likes": {"value": total["likes"], "z": round(z["likes"], 2)},
            "gifts": {"value": total["gifts"], "z": round(z["gifts"], 2)},
        }
        return Moment(start_ms=cause * 1000, end_ms=end * 1000, peak_ms=min(end, max(cause, peak)) * 1000,
                      score=float(sum(breakdown.values())), detector=self.name,
                      product_id=self._product(cause, end), kind="engagement", breakdown=breakdown,
                      evidence=evidence, confirmed_at_ms=len(self._pinned) * 1000)

    def _size(self, a: int, b: int) -> float:
        """How big the burst ``[a, b)`` is against the stream's own usual chat: its counted messages (about the
        distinct people writing) over the usual count of a :data:`BURST_WINDOW_S`-second window since the LIVE
        began, both per viewer (an audience that grew is not a bigger burst). A burst twice the usual rate for
        30 s is 6, whatever the stream's size: sizes rank across streams. :meth:`score` takes off what the trailing
        baseline expected over the burst's length (3 of those 6): what is left is the people the burst added."""
        if a <= 0:
            return 0.0
        usual = self._norm.total("chat", 0, a) / a * BURST_WINDOW_S
        return self._norm.total("chat", a, b) / max(usual, 1e-9) if usual > 0 else 0.0

    def _usual_chat(self, a: int) -> float:
        """The stream's usual counted chat per :data:`BURST_WINDOW_S` seconds before ``a``, at the audience of the
        last :attr:`baseline_span_s` (the mean per viewer since the LIVE began, times the median viewers)."""
        if a <= 0:
            return 0.0
        viewers = self._cols.col("viewers")[max(0, a - self.baseline_span_s):a]
        known = viewers[viewers > 0]
        ref = float(np.median(known)) if len(known) else 1.0
        return self._norm.total("chat", 0, a) / a * ref * BURST_WINDOW_S

    def _local_share(self, a: int) -> float:
        """The share of reactions among counted messages in the :data:`LOCAL_S` seconds before ``a`` (smoothed
        like the baseline share): inside a pitch, the pitch's own excitement about the product."""
        lo = max(0, a - LOCAL_S)
        chat = float(self._cols.col("chat")[lo:a].sum())
        return (float(self._cols.col("reactions")[lo:a].sum()) + 1.0) / (chat + 4.0)

    def _peak(self, a: int, b: int) -> int:
        series = self._cols.col("chat")[a:b] + self._cols.col("reactions")[a:b]
        if not len(series) or series.sum() <= 0:
            return (a + b) // 2
        return a + int(np.argmax(np.convolve(series, np.ones(3) / 3, mode="same")))

    def _product(self, a: int, b: int) -> str | None:
        """The product pinned for most of ``[a, b)``, else the most clicked and carted in it."""
        pins = Counter(p for p in self._pinned[a:b] if p is not None)
        if pins:
            return pins.most_common(1)[0][0]
        clicks: Counter[str] = Counter()
        for t in range(a, b):
            clicks.update(self._clicks.get(t, {}))
        return clicks.most_common(1)[0][0] if clicks else None

