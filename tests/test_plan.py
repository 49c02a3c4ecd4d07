"""Planning: window placement rules, speech-pause snapping, ranking, overlaps and the seed's quotas."""

from __future__ import annotations

from livehighlights.models import Moment
from livehighlights.plan import ClipWindow, PlanOptions, place_window, select


def moment(start_s: float, end_s: float, peak_s: float, score: float = 1.0, product: str | None = "p1",
           kind: str = "product") -> Moment:
    return Moment(start_ms=int(start_s * 1000), end_ms=int(end_s * 1000), peak_ms=int(peak_s * 1000),
                  score=score, detector="test", product_id=product, kind=kind)


def test_window_covers_short_pitch_and_meets_target_length():
    win = place_window(moment(100, 120, 115), 3_600_000, PlanOptions())
    assert win.start_ms == 99_000
    assert 15_000 <= win.duration_ms <= 40_000
    assert win.end_ms >= 120_000 - 1


def test_long_pitch_is_trimmed_to_lead_up_to_peak():
    win = place_window(moment(100, 200, 180), 3_600_000, PlanOptions())
    assert win.duration_ms == 40_000
    assert win.end_ms == 188_000  # 8 s after the peak
    assert any("trimmed" in n for n in win.notes)


def test_window_stays_inside_live_and_length_limits():
    win = place_window(moment(0, 3, 1), 4_000, PlanOptions())
    assert win.start_ms == 0 and win.end_ms == 4_000  # a 4 s LIVE cannot give more
    win = place_window(moment(0, 3, 1), 60_000, PlanOptions())
    assert 5_000 <= win.duration_ms <= 60_000


def test_boundaries_snap_to_speech_pauses():
    def pauses(lo: int, hi: int) -> list[tuple[int, int]]:
        known = [(97_500, 98_400), (121_000, 121_800)]
        return [p for p in known if p[0] < hi and p[1] > lo]

    win = place_window(moment(100, 120, 115), 3_600_000, PlanOptions(), pauses)
    assert win.start_ms == 98_400 - 150  # just before speech resumes
    assert win.end_ms == 121_000 + 200  # just after speech stops
    assert "start on a speech pause" in win.notes and "end on a speech pause" in win.notes


def _win(start_s: float, end_s: float, score: float, product: str | None = "p1", kind: str = "product"):
    m = moment(start_s, end_s, (start_s + end_s) / 2, score, product, kind)
    return ClipWindow(m.start_ms, m.end_ms, m, product)


def test_select_ranks_drops_overlaps_and_non_product_moments():
    wins = [_win(0, 30, 1.0, "a"), _win(20, 50, 2.0, "b"), _win(60, 90, 0.5, "c"),
            _win(100, 130, 5.0, None, "engagement")]
    kept, rejected = select(wins, PlanOptions())
    assert [w.product_id for w in kept] == ["b", "c"]
    reasons = {r.window.product_id: r.reason for r in rejected}
    assert "overlaps" in reasons["a"]
    assert "engagement" in reasons[None]


def test_select_keeps_quotas_per_product_and_per_live():
    wins = [_win(i * 40, i * 40 + 30, 10 - i * 0.1, f"p{i % 5}") for i in range(30)]
    kept, rejected = select(wins, PlanOptions())
    assert len(kept) == 15  # 5 products x 3
    opts = PlanOptions(max_per_live=20, max_per_product=10)
    kept, rejected = select(wins, opts)
    assert len(kept) == 20
    assert sum("LIVE already has 20" in r.reason for r in rejected) == 10
    scores = [w.moment.score for w in kept]
    assert scores == sorted(scores, reverse=True)


class _W:
    def __init__(self, a: int, b: int) -> None:
        self.start_ms, self.end_ms = a, b


class _S:
    def __init__(self, a: int, b: int) -> None:
        self.start_ms, self.end_ms = a, b
        self.words = [_W(a, (a + b) // 2 - 50), _W((a + b) // 2, b)]


def test_refine_starts_on_sentence_near_product_and_never_cuts_words():
    from livehighlights.plan import refine_window

    sentences = [_S(t, t + 2500) for t in range(90_000, 140_000, 3000)]
    win = place_window(moment(100, 120, 115), 3_600_000, PlanOptions())
    refined = refine_window(win, sentences, first_visible_ms=101_500, duration_ms=3_600_000, opts=PlanOptions())
    starts = [s.start_ms for s in sentences]
    first_word = min(s for s in starts if s >= refined.start_ms)
    assert first_word - refined.start_ms <= 200  # padding only, the sentence is whole
    assert first_word >= 101_500 - 1000  # product visible within 1 s of the start
    assert 15_000 <= refined.duration_ms <= 40_000
    ends = [s.end_ms for s in sentences]
    assert any(0 <= refined.end_ms - e <= 250 for e in ends)  # ends just after a sentence
    words = [w for s in sentences for w in s.words]
    assert not any(w.start_ms < refined.start_ms < w.end_ms or w.start_ms < refined.end_ms < w.end_ms
                   for w in words)


def test_refine_without_speech_keeps_window():
    from livehighlights.plan import refine_window

    win = place_window(moment(100, 120, 115), 3_600_000, PlanOptions())
    refined = refine_window(win, [], None, 3_600_000, PlanOptions())
    assert (refined.start_ms, refined.end_ms) == (win.start_ms, win.end_ms)
    assert any("no speech" in n for n in refined.notes)


def test_content_outranks_a_bare_sales_spike():
    from livehighlights.understand import rank_score

    spike = _win(0, 30, 3.0, "a")  # sold, but says nothing and does not show the product
    spike.rank = rank_score(3.0, content=0.0)
    pitch = _win(100, 130, 2.4, "b")  # sold a bit less, states its selling points, product at once, a call
    pitch.rank = rank_score(2.4, content=0.9)
    kept, _ = select([spike, pitch], PlanOptions())
    assert [w.product_id for w in kept] == ["b", "a"]
