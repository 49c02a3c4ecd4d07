"""The shopping-moment detector: segments the LIVE, then scores each segment once its orders are in.

Orders come tens of seconds after the pitch that caused them. A segment ``[a, b)`` (a pitch, see
:mod:`.segments`, or one product's run of clicks, see :mod:`.clickpitch`) is therefore scored only when second
``b + order_lag_s`` has closed, counting the orders of its product over ``[a, b + order_lag_s)``; the moment itself
is placed on ``[a, b)``, where the cause is. Every signal is compared with the stream's own baseline (:mod:`.baseline`);
the weighted components form the score and are kept as its breakdown.
"""

from __future__ import annotations

import bisect
import math
from typing import Any

import numpy as np
from scipy.special import ndtri

from ..models import Moment
from ..signals.timeline import Second
from .base import Detector, register
from .baseline import log_lift, median_rate, window_z
from .clickpitch import ClickPitches
from .coarse import PeriodRuns, RunOrders
from .expect import expected_orders
from .hindsight import LOOKAHEAD_S, PeriodCache, period_expectation, pitch_sold, pitch_stretch
from .history import SeriesStore
from .options import DetectOptions
from .segments import Segment, Segmenter

_SOCIAL = ("likes", "comments", "shares", "follows")
_INTEREST = ("product_clicks", "add_to_carts")
_LEAD_IN_S = 5
"""An activity segment whose product is pinned within this long after it is that pitch's lead-in."""
_ORDER_CHECK_S = 5
"""How often the orders of the last :data:`_ORDER_WINDOW_S` seconds are checked for a burst no segment holds."""
_ORDER_WINDOW_S = 60
_MIN_LAG_S = 15
"""Orders come at least this long after the pitch that caused them (15-60 s, some later)."""
_LATE_ORDERS_S = 300
"""Orders can come minutes after their pitch (a long tail of lags): a burst no segment holds is placed on the
product's last pitch up to this long before it."""
_SCAN_ALPHA_PER_HOUR = 0.05
"""The scan for order bursts tests every product's last minute over and over (a segment is judged once): its
threshold is Bonferroni-corrected for the products times the minutes of an hour, so that a stream has about one
false alarm from the scan in 1 / this many hours (a z of about 3.8 with 10 products, against 3 for a segment)."""
_SALE_STRENGTH_WEIGHT = 2.0
"""Per doubling of a sale's orders over the LIVE's own orders per minute, the ``sale`` component gains this times
``sale_weight`` (see :meth:`ShoppingMomentDetector.sale_strength`)."""
_RATE_FLOOR_PER_MIN = 0.5
"""The LIVE's orders per minute are read as at least this (a quiet LIVE's two orders are no fourfold sale)."""


@register
class ShoppingMomentDetector(Detector):
    """Finds moments that sold (GMV, GPM), drew traffic or excited the audience."""

    name = "shopping"

    def __init__(self, options: DetectOptions | None = None) -> None:
        self.opts = options or DetectOptions()
        self.weights = self.opts.normalised_weights()
        self.store = SeriesStore()
        self.segmenter = Segmenter(self.store, self.opts)
        self.clicks = ClickPitches(self.store, self.opts.max_segment_s, self.opts.min_segment_s)
        self._pending: list[Segment] = []
        self._next_due: float = math.inf
        """The soonest second a pending segment is due (:meth:`_due_at`); infinite with none pending."""
        self._pin_ends: dict[str, int] = {}
        self._pin_sold: dict[str, bool] = {}
        """Per product, whether a piece of its pinned stretch ending at :attr:`_pin_ends` was a product moment."""
        self._seg_rates: list[float] = []
        self._sold: list[tuple[int, int]] = []
        """Windows (pitch and its order lag) of the product moments emitted so far."""
        self._runs = PeriodRuns(self.store, on_run=self.rank_run)
        self._periods: PeriodCache | None = None
        """Coarse data: the store's periods, built once for every period judged (:mod:`.hindsight`)."""
        self._sold_stretches: dict[str, list[tuple[int, int]]] = {}
        """Per product, the stretches of its moments that sold (a late burst of its orders is not told twice)."""
        self._order_seg_until: dict[str, int] = {}
        """Per product ('' for the stream): orders before this second belong to a segment already made."""

    @classmethod
    def from_options(cls, options: DetectOptions | None = None) -> ShoppingMomentDetector:
        return cls(options)

    @property
    def delay_s(self) -> int:
        """A pitch is judged once its orders are in (:attr:`lag_s` after it); a pitch found from orders that came
        minutes late (up to :data:`_LATE_ORDERS_S`) once that burst has had a minute more to go on."""
        if self.opts.resolution_s > 1:  # a period of coarse data is judged in hindsight (.hindsight)
            return self.lag_s + self.opts.resolution_s + LOOKAHEAD_S
        return max(self.opts.max_segment_s + self.opts.order_lag_s, _LATE_ORDERS_S + 2 * _ORDER_WINDOW_S)

    def process_second(self, sec: Second) -> list[Moment]:
        self.store.push(sec)
        held = len(self._pending)
        self._pending += self.segmenter.step()
        now = self.store.now
        if self.opts.resolution_s == 1:
            self._pending += self._unheld(self.clicks.step(sec))
        if now % _ORDER_CHECK_S == 0 and self.opts.resolution_s == 1:
            self._pending += self._order_bursts(now)
        for seg in self._pending[held:]:
            self._next_due = min(self._next_due, self._due_at(seg))
        if now < self._next_due:  # nothing pending is due (coarse data holds an hour of periods: no scan each second)
            return []
        due = [s for s in self._pending if self._due_at(s) <= now]
        self._pending = [s for s in self._pending if s not in due]
        self._next_due = min((self._due_at(s) for s in self._pending), default=math.inf)
        return self._emit(due)

    def _due_at(self, seg: Segment) -> int:
        """The second a pending segment is scored at: once its orders are in (coarse data: in hindsight, an hour
        later, see :data:`~livehighlights.detect.hindsight.LOOKAHEAD_S`)."""
        ahead = LOOKAHEAD_S if self.opts.resolution_s > 1 else 0
        return max(seg.end_s + self.lag_s, seg.orders_until or 0) + ahead

    def post_process(self, end_s: int) -> list[Moment]:
        self._pending += self.segmenter.flush(min(end_s, self.store.now))
        if self.opts.resolution_s == 1:
            self._pending += self._unheld(self.clicks.flush())
        due, self._pending, self._next_due = self._pending, [], math.inf
        return self._emit(due) + self._runs.flush()

    @property
    def lag_s(self) -> int:
        """How long after a segment its orders are counted: :attr:`DetectOptions.order_lag_s`, or one period of
        coarse data (a pitch's orders land in its own period or the next, see :mod:`.coarse`)."""
        res = self.opts.resolution_s
        return self.opts.order_lag_s if res == 1 else res

    def _unheld(self, runs: list[Segment]) -> list[Segment]:
        """The product runs of clicks (:mod:`.clickpitch`) that no other segment holds: no burst pending or open,
        nor a segment of that product, overlaps half of them (another product left pinned does not hold them)."""
        held = [*self._pending, *([self.segmenter.open_segment] if self.segmenter.open_segment else [])]
        out = []
        for run in runs:
            half = 0.5 * (run.end_s - run.start_s)
            if not any(min(s.end_s, run.end_s) - max(s.start_s, run.start_s) >= half for s in held
                       if s.source == "activity" or s.product_id == run.product_id):
                out.append(run)
        return out

    def _emit(self, segments: list[Segment]) -> list[Moment]:
        out = []
        for seg in segments:
            counted_from, sold_before = None, False
            if seg.source == "pin" and seg.product_id is not None:
                if self._pin_ends.get(seg.product_id) == seg.start_s:  # a long pin split: the part before it
                    counted_from = seg.start_s + self.lag_s  # counted the orders up to here
                    sold_before = self._pin_sold.get(seg.product_id, False)
                self._pin_ends[seg.product_id] = seg.end_s
            moment = self.score(seg, counted_from, sold_before)
            if seg.source == "pin" and seg.product_id is not None:
                self._pin_sold[seg.product_id] = sold_before or moment.kind == "product"
            # its orders are this segment's: no order-burst segment for them
            key = moment.product_id or ""
            self._order_seg_until[key] = max(self._order_seg_until.get(key, 0), seg.end_s + self.lag_s)
            if seg.source in ("activity", "clicks") and moment.product_id is not None:
                last = self._pin_ends.get(moment.product_id)
                if last is not None and last - 5 <= seg.start_s <= last + self.opts.tail_s:
                    continue  # the lingering tail of that product's pitch, already scored with it
                if moment.product_id in self.store.pinned[seg.end_s:seg.end_s + _LEAD_IN_S]:
                    continue  # the lead-in of that product's pitch: its pin segment carries the orders
            # orders that stood out (a product moment; a period's sales; a product's, where the moment did not show
            # it) are no baseline
            sold = moment.kind == "product" or (moment.kind == "sales" and (
                seg.source == "period" or moment.evidence.get("shown") is False))
            if sold:
                self._sold.append((seg.start_s, seg.end_s + self.lag_s))
                self._sold_stretches.setdefault(moment.product_id or "", []).append((seg.start_s, seg.end_s))
            if seg.source == "clicks" and not sold:
                continue  # a candidate for a sale only: what drew clicks alone is the bursts' to tell
            if seg.source == "period":  # consecutive periods that sold are one pitch
                out += self._runs.push(moment) if sold or moment.score >= self.opts.min_score else self._runs.flush()
            elif moment.score >= self.opts.min_score:
                out.append(moment)
        return out

    def _order_bursts(self, now: int) -> list[Segment]:
        """Segments for a product whose orders of the last minute stand out although no segment holds its
        pitch (nothing pinned, too few clicks to open one): placed on the product's clicks before the
        orders, else 60 to 10 s before the first of them (orders come 15-60 s after a pitch)."""
        st, o = self.store, self.opts
        lo = now - _ORDER_WINDOW_S
        if lo < 0:
            return []
        out = []
        # per product; with no product known at all (per-minute totals), the stream's orders
        candidates: list[str | None] = list(st.by_product) or [None]
        tests_per_hour = len(candidates) * 3600 / _ORDER_WINDOW_S
        scan_z = max(o.product_min_z, float(ndtri(1.0 - _SCAN_ALPHA_PER_HOUR / tests_per_hour)))
        for pid in candidates:
            rows = st.by_product.get(pid, {}) if pid is not None else {}
            key = pid or ""
            if self._order_seg_until.get(key, -1) > lo:
                continue
            if pid is None:
                recent = st.array("orders", lo, now)
                ts = [lo + int(i) for i in np.flatnonzero(recent)]
                orders = float(recent.sum())
            else:
                sold_at = st.product_orders.get(pid, ([], []))[0]  # seconds with its orders, in time order
                ts = sold_at[bisect.bisect_left(sold_at, lo):bisect.bisect_left(sold_at, now)]
                orders = st.product_total(pid, "orders", lo, now) if ts else 0.0
            if orders < 2 or expected_orders(st, orders, pid, lo, now, self._sold, o.priors).z < scan_z:
                continue
            first = ts[0]
            if first < _MIN_LAG_S:
                continue  # orders in the LIVE's first seconds answer no pitch of this LIVE
            span = (max(0, first - o.order_lag_s), first)
            held = self.segmenter.open_segment
            run = self.clicks.running(pid)
            if pid in st.pinned[span[0]:now] or (held is not None and held.start_s < first) or (
                    run is not None and run < first) or any(
                    seg.end_s > span[0] and seg.product_id in (pid, None) for seg in self._pending):
                continue  # a segment already holds this pitch
            pitch = self._last_pitch(pid, first) if pid is not None else None
            if pitch is not None:  # the product's last pitch, minutes before: its orders came late
                a, b = pitch
                if any(x < b and a < y for x, y in self._sold_stretches.get(key, [])):
                    continue  # that pitch sold and was told already
                out.append(Segment(a, b, pid, "orders", orders_until=now + _ORDER_WINDOW_S))  # the burst goes on
            else:
                clicks = [t for t in range(span[0], first) if any(rows.get(t, {}).get(m, 0.0) for m in _INTEREST)]
                a, b = (clicks[0], clicks[-1] + 1) if clicks else (max(0, first - 60), max(1, first - 10))
                if b - a < 20:
                    a = max(0, b - 20)
                out.append(Segment(a, b, pid, "orders"))
            self._order_seg_until[key] = now + o.order_lag_s
        return out

    def _last_pitch(self, pid: str, first: int) -> tuple[int, int] | None:
        """``[a, b)`` of ``pid``'s last pitch (pinned, or its clicks) that ended between :data:`_LATE_ORDERS_S`
        and :data:`_MIN_LAG_S` before the order at ``first``; ``None`` when there was none."""
        st = self.store
        rows = st.by_product.get(pid, {})

        def shown(t: int) -> bool:
            return st.pinned[t] == pid or any(rows.get(t, {}).get(m, 0.0) for m in _INTEREST)

        t = first - _MIN_LAG_S
        floor = max(0, first - _LATE_ORDERS_S)
        while t >= floor and not shown(t):
            t -= 1
        if t < floor:
            return None
        b = t + 1
        a, gap = t, 0
        while a > 0 and b - a < self.opts.max_segment_s and gap < 10:  # back over the pitch (gaps under 10 s)
            a -= 1
            gap = 0 if shown(a) else gap + 1
        a += gap
        if b - a < 20:
            a = max(0, b - 20)
        return a, b

    # -- scoring -------------------------------------------------------------------------------

    def score(self, seg: Segment, counted_from: int | None = None, sold_before: bool = False) -> Moment:
        """Score one closed segment with what is known now (the lag window may be cut by the end). Its orders are
        counted from ``counted_from`` on when given (the orders before were the previous part's of a split pin);
        ``sold_before``: an earlier piece of that split pin was a product moment (this piece is the same pitch: it
        ranks by the sale again only where its own new orders stand out)."""
        st, o = self.store, self.opts
        a, b = seg.start_s, seg.end_s
        w_end = min(st.now, max(b + self.lag_s, seg.orders_until or 0))
        w_len = max(1, w_end - a)
        seg_len = max(1, b - a)
        hist = self._history_range(a, w_end)

        def hist_arr(metric: str) -> np.ndarray:
            return np.concatenate([st.array(metric, lo, hi) for lo, hi in hist])

        product = self._attribute(seg, w_end)
        evidence: dict[str, Any] = {"segment": seg.source, "window_s": [a, w_end]}

        # Conversion: the product's orders and GMV over the lag window; traffic (joins) kept as evidence,
        # the expectation follows the concurrent viewers (a raid buys at the usual rate per viewer).
        views_hist = hist_arr("views")
        view_rate = median_rate(views_hist)
        # a dead zone: viewers drift by tens of percent all the time; only a real surge raises expectations
        # (the viewers who saw the pitch are the ones who buy from it: traffic during the segment)
        traffic_ratio = min(10.0, max(1.0, (st.total("views", a, b) / seg_len) / max(view_rate, 1e-9) / 1.25)) \
            if view_rate > 0 else 1.0
        mean_value, _ = st.order_value_moments()
        o_a, o_end = min(w_end, max(a, counted_from or a)), w_end
        # coarse data with product interest: a period of a pitch is judged on the whole pitch's orders (.hindsight)
        periods = self._period_cache() if o.resolution_s > 1 else None
        stretch = pitch_stretch(st, a, b, w_end, o.resolution_s, periods) if periods is not None else None
        if stretch is not None:
            o_a, o_end = stretch.start_s, stretch.end_s
        if product is not None:
            orders = st.product_total(product, "orders", o_a, o_end)
            gmv = st.product_total(product, "gmv", o_a, o_end)
        else:
            orders, gmv = st.total("orders", o_a, o_end), st.total("gmv", o_a, o_end)
        # Orders against what the stretch should have had: the stream's rate per viewer-second outside the moments
        # that sold (priors blended in while history is thin; coarse data with product interest: the quiet periods
        # on both sides, in hindsight, see .hindsight), the product's share of it, quasi-Poisson.
        exp = period_expectation(st, orders, product, o_a, o_end, o.resolution_s, o.priors, periods) if (
            stretch is not None) else expected_orders(st, orders, product, o_a, w_end, self._sold, o.priors,
                                                      recheck=o.resolution_s > 1,
                                                      until=w_end if o.resolution_s > 1 else None)
        z_orders = exp.z
        value_ratio = (gmv / orders) / mean_value if orders > 0 and mean_value > 0 else 1.0
        # the same evidence, weighed up by what was bought: dear products count for more, but a cheap product's
        # excess orders are no less a sale (ranked by its evidence, not marked down under the stream's mean value)
        z_gmv = z_orders * min(2.0, max(1.0, value_ratio))
        evidence["orders"] = {"value": orders, "z": round(z_orders, 2), "expected": round(exp.expected, 3),
                              "dispersion": round(exp.dispersion, 2), "traffic_ratio": round(traffic_ratio, 2),
                              "baseline": exp.basis}
        if stretch is not None and stretch.pitch:
            evidence["orders"]["pitch_s"] = [stretch.start_s, stretch.end_s]
        if exp.history_s < o.thin_history_s:  # a thin history: the priors weigh in
            evidence["orders"].update(baseline="own rate per viewer blended with priors", priors=o.priors.source)
        evidence["gmv"] = {"value": round(gmv, 2), "z": round(z_gmv, 2)}

        # GPM: GMV per 1000 views during the moment against the stream's GMV per 1000 views.
        views_w = st.total("views", *((o_a, o_end) if stretch is not None else (a, w_end)))  # over the GMV's stretch
        gpm_w = 1000.0 * gmv / views_w if views_w > 0 else 0.0
        views_h, gmv_h = float(views_hist.sum()), float(hist_arr("gmv").sum())
        gpm_base = 1000.0 * gmv_h / views_h if views_h > 0 else 0.0
        lift_gpm = log_lift(gpm_w, gpm_base, floor=max(1e-6, 0.05 * gpm_base)) if gpm_w > 0 else 0.0
        evidence["gpm"] = {"value": round(gpm_w, 2), "baseline": round(gpm_base, 2), "log2_lift": round(lift_gpm, 2)}

        # Profit: the product's gross profit over the lag window (the stream's when no product is known).
        if product is not None:
            profit = st.product_total(product, "gross_profit", a, w_end)
            profit_hist = self._product_hist(product, "gross_profit", hist)
        else:
            profit, profit_hist = st.total("gross_profit", a, w_end), hist_arr("gross_profit")
        z_profit = window_z(profit / traffic_ratio, profit_hist, w_len, unit=max(1e-6, mean_value * 0.3))
        evidence["profit"] = {"value": round(profit, 2), "z": round(z_profit, 2)}

        # Engagement during the segment itself: product interest first, then social signals.
        # Interest (clicks, add-to-carts per viewer) is judged against the stream's earlier segments,
        # since in a shopping LIVE clicks happen mostly during pitches: a pitch that works draws
        # several times the clicks of the stream's weaker pitches. Early on, against the history.
        clicks = sum(st.total(m, a, b) for m in _INTEREST)
        viewers = max(1.0, float(np.mean(st.array("viewers", a, b))) if b > a else 1.0)
        rate = clicks / seg_len / viewers
        recent = self._seg_rates[-o.reference_segments:]
        if len(recent) >= 3:
            ref = float(np.quantile(recent, 0.3))
            interest = 2.0 * log_lift(rate, ref, floor=max(1e-9, 0.1 * float(np.median(recent))))
            evidence_interest = {"per_viewer_s": round(rate, 6), "reference": round(ref, 6)}
        else:
            interest = window_z(clicks, sum(hist_arr(m) for m in _INTEREST), seg_len)
            evidence_interest = {"value": clicks}
        if seg.source != "clicks":  # the reference is the segmentation's pitches; the extra candidates leave it be
            self._seg_rates.append(rate)
        z_social = {m: window_z(st.total(m, a, b), hist_arr(m), seg_len) for m in _SOCIAL}
        social = float(np.mean([max(0.0, z) for z in z_social.values()]))
        engagement = 0.6 * max(0.0, interest) + 0.4 * social
        evidence["engagement"] = {"interest": round(interest, 2), **evidence_interest,
                                  **{f"{m}_z": round(z, 2) for m, z in z_social.items()}}

        # Traffic: joins during the segment and the rise of concurrent viewers.
        z_joins = window_z(st.total("views", a, b), views_hist, seg_len)
        viewers_before = float(np.median(hist_arr("viewers"))) if len(views_hist) else 0.0
        viewers_peak = float(st.array("viewers", a, min(st.now, b + 30)).max(initial=0.0))
        lift_viewers = log_lift(viewers_peak, viewers_before, floor=1.0)
        traffic = 0.5 * max(0.0, z_joins) + 0.5 * max(0.0, 4.0 * lift_viewers)
        evidence["traffic"] = {"joins_z": round(z_joins, 2), "viewers_peak": viewers_peak,
                               "viewers_baseline": viewers_before, "log2_lift": round(lift_viewers, 2)}

        comps = {"gmv": z_gmv, "gpm": 2.0 * lift_gpm, "engagement": engagement, "traffic": traffic,
                 "profit": z_profit}
        breakdown = {k: self.weights.get(k, 0.0) * min(o.z_cap, max(0.0, v)) for k, v in comps.items()}
        breakdown = {k: v for k, v in breakdown.items() if self.weights.get(k, 0.0) > 0}
        score = float(sum(breakdown.values()))
        # A product moment: its orders stand out; or they exceed the baseline by two thirds as much, two orders or
        # more, over a pitch of that very product pinned (the pitch is known, only whether it sold is asked) once
        # the stream's own history sets the baseline (not priors alone); or by half as much while product interest
        # is above the stream's weaker pitches; or by a third while interest is four times theirs (clicks per
        # viewer, judged against at least three earlier segments) and two orders or more came.
        pinned_pitch = seg.source == "pin" and seg.product_id == product and exp.history_s >= o.thin_history_s
        if counted_from is not None:
            evidence["continues"] = {"counted_from_s": counted_from, "sold_before": sold_before}
        if product is not None and (z_orders >= o.product_min_z
                                    or (z_orders >= o.product_min_z * 2 / 3 and orders >= 2 and pinned_pitch)
                                    or (z_orders >= o.product_min_z / 2 and interest >= 1.0)
                                    or (z_orders >= o.product_min_z / 3 and interest >= 4.0 and len(recent) >= 3
                                        and orders >= 2)):
            kind = "product"
        elif product is None and (z_orders >= o.product_min_z
                                  or (seg.source == "period" and z_orders >= o.product_min_z * 2 / 3)
                                  or (stretch is not None and stretch.pitch and pitch_sold(orders, exp.expected))):
            # orders stood out, but nothing says which product (e.g. per-minute totals). A period of coarse data
            # holds only part of a pitch's orders (they spread over it and the next, see .coarse) among every
            # product's: two thirds of the evidence suffice there, consecutive periods that sold being one moment
            kind = "sales"
        elif engagement >= traffic:
            kind = "interest" if 0.6 * max(0.0, interest) >= 0.4 * social else "engagement"
        else:
            kind = "traffic"
        # A moment that sold ranks by the evidence that it sold, where the moment shows that product: pinned or
        # clicked in it. Orders with no sign of their product in the stretch (a burst of chat or joins, or orders
        # placed blind, that a product's later orders were attributed to) say it sold, not that this clip is why.
        shown = product is not None and self._shown(product, a, b)
        if kind == "product" and not shown:
            evidence["shown"] = False
            kind = "sales"
        # A later piece of a long pin whose earlier piece sold is that same pitch (a product moment, its clip): the
        # sale was told with the earlier piece; this one ranks by the sale again only where its own new orders
        # stand out by themselves, so one pitch does not fill two places of a top K.
        told = sold_before and z_orders < o.product_min_z
        if kind == "product" and told:
            evidence["continues"]["sale_told_before"] = True
        if kind == "product" and o.sale_weight > 0 and shown and not told:
            breakdown["sale"] = o.sale_weight * min(o.z_cap, max(0.0, z_orders))
            evidence["sale"] = {"orders": orders, "expected": round(exp.expected, 3), "z": round(z_orders, 2),
                                "weight": o.sale_weight}
            # the z tells whether it sold, not how much: it saturates in a big room (its tail floors at a z of 7.94)
            # and follows an expectation that differs from pitch to pitch. How much it sold, scale-free: log2 of its
            # orders over the LIVE's own orders per minute so far (a sale twice that weighs the same in any room)
            strength = self.sale_strength(orders, w_end)
            if strength > 0:
                breakdown["sale"] += o.sale_weight * _SALE_STRENGTH_WEIGHT * strength
                evidence["sale"]["log2_over_live_minute"] = round(strength, 3)
            score += breakdown["sale"]
        return Moment(
            start_ms=a * 1000, end_ms=b * 1000, peak_ms=self._peak(a, b) * 1000, score=score,
            detector=self.name, product_id=product, kind=kind, breakdown=breakdown, evidence=evidence,
            confirmed_at_ms=st.now * 1000,
        )

    def _period_cache(self) -> PeriodCache:
        """The store's :class:`~.hindsight.PeriodCache` at the options' resolution."""
        if self._periods is None or self._periods.res != max(1, self.opts.resolution_s):
            self._periods = PeriodCache(self.store, self.opts.resolution_s)
        return self._periods

    def rank_run(self, moment: Moment, run: RunOrders) -> None:
        """A ``sales`` moment of coarse data (a run of periods that sold, :mod:`.coarse`) ranks by the evidence that
        it sold, as a product moment does (:attr:`DetectOptions.sale_weight`): the run's orders judged as one
        (``run``, also its evidence ``run_orders``: each period holds only part of a pitch's orders, and its score
        only its own) give its ``sale`` component, the z clipped to ``[0, z_cap]`` plus how much it sold, the log2 of
        its orders beyond the expectation over the LIVE's own orders per minute (:meth:`sale_strength`, up to now:
        the whole LIVE read after it). Only where the run's orders stand out as a period's must to sell by them (two
        thirds of :attr:`DetectOptions.product_min_z`): a run that sold by its pitch's ratio alone
        (:func:`.hindsight.pitch_sold`, a known pitch whose few orders came to a quarter above the usual) has no
        evidence to rank by. Other moments are left as they are. Called by :class:`.coarse.PeriodRuns` as each run
        is told."""
        o = self.opts
        if moment.kind != "sales" or o.sale_weight <= 0 or run.z < o.product_min_z * 2 / 3:
            return
        strength = self.sale_strength(run.orders - run.expected, self.store.now)
        sale = o.sale_weight * (min(o.z_cap, run.z) + _SALE_STRENGTH_WEIGHT * strength)
        moment.breakdown["sale"] = sale
        moment.score += sale
        moment.evidence["sale"] = {"orders": run.orders, "expected": round(run.expected, 3), "z": round(run.z, 2),
                                   "weight": o.sale_weight, "log2_over_live_minute": round(strength, 3)}

    def sale_strength(self, orders: float, until_s: int) -> float:
        """How much a sale sold against its LIVE: ``log2`` of its ``orders`` over the LIVE's orders per minute
        up to second ``until_s`` (over its first minute at least, read as at least :data:`_RATE_FLOOR_PER_MIN`),
        0 below it. Within a LIVE it follows the count; across LIVEs a count in units of the LIVE's own rate."""
        per_min = 60.0 * self.store.total("orders", 0, until_s) / max(until_s, 60)
        return max(0.0, math.log2(max(orders, 1e-9) / max(per_min, _RATE_FLOOR_PER_MIN)))

    def _shown(self, pid: str, a: int, b: int) -> bool:
        """Whether ``pid`` was pinned, clicked or added to cart in ``[a, b)``; ``True`` for a log without any pin,
        click or add-to-cart so far (nothing there tells what was shown)."""
        st = self.store
        if not st.pinned_ids and not any(st.total(m, 0, st.now) for m in _INTEREST):
            return True
        if pid in st.pinned[a:b]:
            return True
        return any(st.product_total(pid, m, a, b) > 0 for m in _INTEREST)

    def _history_range(self, a: int, w_end: int) -> list[tuple[int, int]]:
        """Baseline seconds: the trailing span before the window, or, early in a LIVE, all else known."""
        span = self.opts.baseline_span_s
        before = (max(0, a - span), a)
        if before[1] - before[0] >= 60:
            return [before]
        return [(0, a), (w_end, self.store.now)]

    def _product_hist(self, pid: str, metric: str, ranges: list[tuple[int, int]]) -> np.ndarray:
        parts = []
        rows = self.store.by_product.get(pid, {})
        for lo, hi in ranges:
            arr = np.zeros(max(0, hi - lo))
            if hi - lo < len(rows):  # a short range of a long history: look the range up, do not scan
                for t in range(lo, hi):
                    vals = rows.get(t)
                    if vals is not None:
                        arr[t - lo] = vals.get(metric, 0.0)
            else:
                for t, vals in rows.items():
                    if lo <= t < hi:
                        arr[t - lo] = vals.get(metric, 0.0)
            parts.append(arr)
        return np.concatenate(parts) if parts else np.zeros(0)

    def _attribute(self, seg: Segment, w_end: int) -> str | None:
        """The segment's product: pinned, else most clicked/carted in it, else most ordered after."""
        if seg.product_id is not None:
            return seg.product_id
        for metric, lo, hi in (("add_to_carts", seg.start_s, seg.end_s),
                               ("product_clicks", seg.start_s, seg.end_s),
                               ("orders", seg.start_s, w_end)):
            ranked = self.store.products_ranked(metric, lo, hi)
            if ranked:
                return ranked[0][0]
        return None

    def _peak(self, a: int, b: int) -> int:
        """Second of strongest product interest (else chat) in ``[a, b)``, smoothed over 5 s."""
        for metrics in (_INTEREST, ("likes", "comments")):
            series = sum(self.store.array(m, a, b) for m in metrics)
            if isinstance(series, np.ndarray) and series.sum() > 0:
                smooth = np.convolve(series, np.ones(5) / 5, mode="same")
                return a + int(np.argmax(smooth))
        return (a + b) // 2
