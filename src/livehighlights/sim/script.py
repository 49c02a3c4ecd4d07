"""The show plan: what the host says when, which product is pitched when, which pitches work.

Pure and deterministic: everything comes from a seeded :class:`numpy.random.Generator`. Sentence
times here are *planned* slots (estimated from the text); :mod:`.speech` fits the synthesised audio
into them and reports the real start/end of every sentence.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..models import Product
from . import texts as T


@dataclass
class Line:
    """One spoken sentence, planned to start at ``start_s`` and fit in ``slot_s`` seconds."""

    start_s: float
    slot_s: float
    text: str
    kind: str = "chatter"
    """``chatter``, ``pitch``, ``giveaway``, ``raid``."""


@dataclass
class Appearance:
    """A product on screen: in the host's hands (slides in/out) or small on the table.

    ``enter_s``: first pixel in frame; ``full_s``: fully visible and steady; ``out_s``: starts to leave;
    ``exit_s``: gone. ``tilted``: sub-windows of the hold where it is shown turned/tilted.
    """

    where: str
    enter_s: float
    full_s: float
    out_s: float
    exit_s: float
    tilted: list[tuple[float, float]] = field(default_factory=list)
    drawn_box: list[int] | None = None
    """Where the product's own pixels are while held (x, y, w, h in frame pixels, at rest; set when the
    video is rendered): its picture's opaque part, tighter than the layer's box."""


@dataclass
class Pitch:
    """A product pitch (the cause of a sales moment when ``success``)."""

    index: int
    product_id: str
    pinned_id: str
    start_s: float
    end_s: float
    key_s: float
    """The decisive moment (price + call to action); orders are timed from here."""
    success: bool
    lift: float
    """Planned multiplier of the product's order rate over the stream's baseline."""
    appearances: list[Appearance] = field(default_factory=list)
    selling_points_spoken: list[str] = field(default_factory=list)
    sticker: bool = False
    """Whether a price/discount sticker is shown during the hold."""
    sticker_box: list[int] | None = None
    """Where the video drew that sticker (x, y, w, h in frame pixels; set when the video is rendered)."""


@dataclass
class Distractor:
    """A spike that is not a product moment: ``giveaway`` or ``raid``."""

    kind: str
    start_s: float
    end_s: float
    size: float
    """Giveaway: engagement multiplier; raid: viewer jump as a fraction (0.3..1.0)."""


@dataclass
class Show:
    """The whole plan of one LIVE."""

    duration_s: float
    difficulty: str
    time_scale: float
    """1 for LIVEs of 5+ minutes, smaller for short ones (order delays and ramps scale with it)."""
    lines: list[Line]
    pitches: list[Pitch]
    distractors: list[Distractor]
    n_products: int


def est_speech_s(text: str) -> float:
    """Estimated espeak-ng duration at 165 wpm (generous; :mod:`.speech` fits the real audio)."""
    digits = sum(c.isdigit() for c in text)
    return 0.068 * len(text) + 0.13 * digits + 0.25


def money_words(x: float) -> str:
    """``19.99`` -> ``19 dollars 99`` (how a host says it; espeak reads it naturally)."""
    dollars, cents = int(x), round((x - int(x)) * 100)
    return f"{dollars} dollars" if cents == 0 else f"{dollars} dollars {cents}"


def _u(rng: np.random.Generator, lo: float, hi: float) -> float:
    return float(rng.uniform(lo, hi))


def _pick(rng: np.random.Generator, pool: list[str]) -> str:
    return pool[int(rng.integers(len(pool)))]


def _user(rng: np.random.Generator) -> str:
    return _pick(rng, T.NAME_PARTS_A) + _pick(rng, T.NAME_PARTS_B)


def _chatter(rng: np.random.Generator, start: float, end: float, kind: str = "chatter",
             pool: list[str] | None = None) -> list[Line]:
    """Host chatter filling ``[start, end)`` with pauses and some quiet stretches."""
    out: list[Line] = []
    t = start + _u(rng, 0.3, 1.0)
    while True:
        if pool is not None:
            text = _pick(rng, pool)
        elif rng.random() < 0.3:
            text = _pick(rng, T.COMMENT_REPLY).format(user=_user(rng))
        else:
            text = _pick(rng, T.CHATTER_LINES)
        slot = est_speech_s(text)
        if t + slot > end - 0.3:
            break
        out.append(Line(round(t, 3), round(slot, 3), text, kind))
        t += slot + (_u(rng, 0.3, 0.9) if rng.random() < 0.7 else _u(rng, 1.5, 4.0))
    return out


def _pitch_lines(rng: np.random.Generator, p: Product, success: bool, target: float, compact: bool,
                 ) -> tuple[list[tuple[str, str]], list[str]]:
    """Sentences ``(role, text)`` of a pitch aimed at ``target`` seconds, and the selling points said."""
    sps = list(p.selling_points)
    sale = round((p.price or 0) * (1 - (p.discount or 0)), 2)
    pct = round((p.discount or 0) * 100)
    if compact:
        n_sp = 2
    else:
        n_sp = int(rng.integers(3, 5)) if success else int(rng.integers(2, 4))
    n_sp = min(n_sp, len(sps))
    spoken = [sps[int(i)] for i in sorted(rng.permutation(len(sps))[:n_sp])]
    if compact:
        intro = f"{p.title}!"
        price = f"Only {money_words(sale)}, {pct} percent off, tap the cart!"
        lines = [("intro", intro)] + [("sp", f"{s}.") for s in spoken] + [("key", price)]
        return lines, spoken
    intro = _pick(rng, ["Okay, next up, the {t}!", "Look at this, the {t}!", "Now let me show you the {t}.",
                        "You asked for it, the {t}!"]).format(t=p.title)
    lines = [("intro", intro)] + [("sp", f"{s}.") for s in spoken]
    if success:
        price = f"Normally {money_words(p.price or 0)}, today only {money_words(sale)}, that's {pct} percent off!"
        tail = [("key", price), ("cta", _pick(rng, T.CTA_LINES))]
    else:
        tail = [("key", f"It's {money_words(sale)} today.")]
        if rng.random() < 0.5:
            tail.append(("cta", _pick(rng, T.WEAK_CTA)))
    est = sum(est_speech_s(t) + 0.6 for _, t in lines + tail)
    fillers: list[str] = []
    while est < target:
        if not fillers:
            fillers = list(T.FILLER_LINES) + [q.format(user=_user(rng)) for q in T.PITCH_QA]
        text = fillers.pop(int(rng.integers(len(fillers))))
        lines.insert(int(rng.integers(1, len(lines) + 1)), ("filler", text))
        est += est_speech_s(text) + 0.6
    return lines + tail, spoken


def _build_pitch(rng: np.random.Generator, index: int, p: Product, start: float, target: float, success: bool,
                 lift: float, compact: bool, pinned: str) -> tuple[Pitch, list[Line]]:
    sentences, spoken = _pitch_lines(rng, p, success, target, compact)
    table = (not compact) and target > 25 and rng.random() < 0.3
    apps: list[Appearance] = []
    t = start + (0.2 if compact else _u(rng, 0.3, 0.8))
    if table:
        t_off = start + _u(rng, 2.5, 4.0)
        apps.append(Appearance("table", round(start + 0.2, 3), round(start + 0.2, 3), round(t_off, 3),
                               round(t_off, 3)))
        enter = t_off
    else:
        enter = start + (0.1 if compact else _u(rng, 0.2, 1.0))
    full = enter + (0.5 if compact else _u(rng, 0.5, 1.0))
    lines: list[Line] = []
    key = start
    for role, text in sentences:
        slot = est_speech_s(text)
        if role == "key":
            key = t
        lines.append(Line(round(t, 3), round(slot, 3), text, "pitch"))
        t += slot + (_u(rng, 0.3, 0.45) if compact else _u(rng, 0.3, 0.9))
    out = max(t - 0.2, full + 1.0)
    exit_ = out + (0.4 if compact else _u(rng, 0.4, 0.7))
    hands = Appearance("hands", round(enter, 3), round(full, 3), round(out, 3), round(exit_, 3))
    hold = out - full
    if not compact and hold > 6 and rng.random() < 0.4:
        a = full + _u(rng, 0.3, 0.6) * hold
        hands.tilted.append((round(a, 3), round(min(out - 0.5, a + _u(rng, 1.5, 3.0)), 3)))
    apps.append(hands)
    pitch = Pitch(index=index, product_id=p.id, pinned_id=pinned, start_s=round(start, 3), end_s=round(exit_, 3),
                  key_s=round(key, 3), success=success, lift=round(lift, 3), appearances=apps,
                  selling_points_spoken=spoken, sticker=bool(compact or rng.random() < 0.7))
    return pitch, lines


def _clamp(pitch: Pitch, lines: list[Line], D: float) -> None:
    """Fit a pitch of a very short LIVE inside it (drop sentences that would start too late)."""
    lines[:] = [ln for ln in lines if ln.start_s < D - 0.6]
    said = " ".join(ln.text for ln in lines)
    pitch.selling_points_spoken = [s for s in pitch.selling_points_spoken if s in said]
    pitch.key_s = round(min(pitch.key_s, max(pitch.start_s + 0.5, D * 0.6)), 3)
    pitch.end_s = round(min(pitch.end_s, D), 3)
    for a in pitch.appearances:
        a.exit_s = round(min(a.exit_s, D), 3)
        a.out_s = round(min(a.out_s, a.exit_s), 3)
        a.full_s = round(min(a.full_s, a.out_s), 3)
        a.enter_s = round(min(a.enter_s, a.full_s), 3)


def pitch_count_hint(duration_s: float) -> int:
    """Roughly how many pitches a LIVE of this length gets (used to size the catalog)."""
    return 1 if duration_s < 60 else max(1, round(duration_s / 130))


def plan_show(rng: np.random.Generator, duration_s: float, products: list[Product], difficulty: str = "default",
              ) -> Show:
    """Plan the LIVE: intro, pitches separated by chatter, distractors, outro."""
    D = duration_s
    hard = difficulty == "hard"
    ids = [p.id for p in products]
    by_id = {p.id: p for p in products}
    compact = D < 60
    k = 1.0 if compact else float(np.clip(D / 300, 0.4, 1.0))
    time_scale = float(np.clip(D / 300, 0.1, 1.0))
    # skeleton: (gap, pitch target) pairs
    slots: list[tuple[float, float]] = []
    if compact:
        intro = max(1.5, 0.1 * D)
        slots.append((0.0, 0.5 * D))
    else:
        intro = _u(rng, 10, 25) * k
        tail_room = min(75.0, 0.15 * D)
        t = intro
        while True:
            gap = (_u(rng, 10, 60) if hard else _u(rng, 25, 100)) * k
            plen = max(12.0, _u(rng, 20, 90) * k)
            if t + gap + plen > D - tail_room:
                break
            slots.append((gap, plen))
            t += gap + plen
        if not slots:
            slots.append((_u(rng, 3, 6), max(12.0, 0.35 * D)))
    n = len(slots)
    frac = _u(rng, 0.45, 0.6) if hard else _u(rng, 0.6, 0.7)
    n_ok = max(1, round(n * frac))
    ok = np.zeros(n, dtype=bool)
    ok[rng.permutation(n)[:n_ok]] = True
    order: list[str] = []
    while len(order) < n:
        order += [ids[int(i)] for i in rng.permutation(len(ids))]
    lines: list[Line] = []
    pitches: list[Pitch] = []
    gaps: list[tuple[float, float]] = []
    t = 0.0
    if compact and D >= 14:
        text = _pick(rng, T.INTRO_LINES[:1] + ["Hi everyone, welcome!"])
        lines.append(Line(0.2, round(est_speech_s(text), 3), text))
        t = max(intro, 0.2 + est_speech_s(text) + 0.3)
    elif compact:
        t = 0.2  # a tiny LIVE: straight into the pitch
    else:
        lines += _chatter(rng, 0.0, intro, pool=T.INTRO_LINES)
        t = intro
    for i, (gap, plen) in enumerate(slots):
        if gap > 0:
            gaps.append((t, t + gap))
            t += gap
        pid = order[i]
        pinned = pid
        if hard and len(ids) > 1 and rng.random() < 0.2:
            pinned = ids[(ids.index(pid) + 1 + int(rng.integers(len(ids) - 1))) % len(ids)]
        lift = (_u(rng, 2.5, 5.0) if hard else _u(rng, 5.0, 12.0)) if ok[i] else (
            _u(rng, 0.5, 1.8) if hard else _u(rng, 0.3, 1.3))
        pitch, plines = _build_pitch(rng, i, by_id[pid], t, plen, bool(ok[i]), lift, compact, pinned)
        if pitches and pitch.end_s > D - 10:
            break  # does not fit: the time stays chatter
        if compact:
            _clamp(pitch, plines, D)
        pitches.append(pitch)
        lines += plines
        t = pitch.end_s
    # distractors in the longest gaps
    n_d = 0 if compact else (max(1 if D >= 120 else 0, round(D / 300) + 1) if hard else
                             max(1 if D >= 300 else 0, round(D / 600)))
    distractors: list[Distractor] = []
    chosen = sorted(rng.permutation(len(gaps))[:n_d].tolist()) if gaps else []
    first = int(rng.integers(2))
    kinds = {gi: ("giveaway", "raid")[(first + j) % 2] for j, gi in enumerate(chosen)}
    for gi, (g0, g1) in enumerate(gaps):
        if gi in kinds:
            if kinds[gi] == "giveaway":
                d_end = min(g1 - 1.0, g0 + _u(rng, 40, 80) * k)
                d = Distractor("giveaway", round(g0 + 1.0, 3), round(d_end, 3), round(_u(rng, 3, 6), 2))
                lines += _chatter(rng, d.start_s, d.end_s, "giveaway", T.GIVEAWAY_LINES)
                lines += _chatter(rng, d.end_s, g1 - 0.5)
            else:
                r0 = g0 + _u(rng, 2, 8) * k
                d = Distractor("raid", round(r0, 3), round(r0 + _u(rng, 90, 180) * k, 3), round(_u(rng, 0.3, 1.0), 2))
                lines += _chatter(rng, g0, r0)
                lines += _chatter(rng, r0, min(g1 - 0.5, r0 + 12), "raid", T.RAID_LINES)
                lines += _chatter(rng, min(g1 - 0.5, r0 + 12), g1 - 0.5)
            distractors.append(d)
        else:
            lines += _chatter(rng, g0, g1 - 0.5)
    # outro after the last pitch
    if compact:
        if D - t > 2.5:
            lines.append(Line(round(t + 0.6, 3), round(est_speech_s("Thanks everyone!"), 3), "Thanks everyone!"))
    else:
        lines += _chatter(rng, t, max(t, D - 25 * k))
        lines += _chatter(rng, max(t, D - 25 * k), D - 0.5, pool=T.OUTRO_LINES)
    lines.sort(key=lambda ln: ln.start_s)
    lines = [ln for ln in lines if ln.start_s < D - 0.3]
    return Show(duration_s=D, difficulty=difficulty, time_scale=time_scale, lines=lines, pitches=pitches,
                distractors=distractors, n_products=len(products))
