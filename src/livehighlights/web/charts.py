"""A LIVE's metrics over time, as series and as a server-rendered SVG chart with its moments marked.

:func:`live_series` turns the LIVE's stored events into per-bucket series (GMV, orders, viewers, comments;
per minute for a LIVE of ten minutes or more, in shorter buckets for a short one so the chart still shows a
shape); :func:`metrics_svg` draws them as four stacked panels sharing one time axis, each moment a numbered
marker at its start across all panels. The SVG scales to its container (``viewBox``), so it reads on a phone.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from html import escape

from ..models import Event

__all__ = ["METRICS", "ChartMark", "MetricSeries", "bucket_ms_for", "live_series", "metrics_svg"]

METRICS: tuple[tuple[str, str, str], ...] = (
    ("gmv", "GMV", "#e4405f"),
    ("orders", "Orders", "#f59f00"),
    ("viewers", "Viewers", "#3b5bdb"),
    ("comments", "Comments", "#12b886"),
)
"""(key, label, colour) of each panel, top to bottom."""


@dataclass(frozen=True, slots=True)
class MetricSeries:
    """Per-bucket values of a LIVE: ``bucket_ms`` wide buckets from the LIVE's start."""

    bucket_ms: int
    length_ms: int
    gmv: list[float] = field(default_factory=list)
    orders: list[int] = field(default_factory=list)
    viewers: list[int] = field(default_factory=list)
    """Concurrent viewers: the highest count reported in the bucket (the last known count carried forward)."""
    comments: list[int] = field(default_factory=list)
    currency: str | None = None

    @property
    def n(self) -> int:
        return len(self.gmv)

    @property
    def unit(self) -> str:
        """What one bucket is, for labels: ``min`` or ``10 s``."""
        return "min" if self.bucket_ms == 60_000 else f"{self.bucket_ms // 1000} s"

    def values(self, key: str) -> Sequence[float]:
        return getattr(self, key)


@dataclass(frozen=True, slots=True)
class ChartMark:
    """A moment on the chart: where it starts, its label (its rank or number) and a tooltip."""

    at_ms: int
    label: str
    title: str
    href: str | None = None
    muted: bool = False
    """A moment that was not kept as a highlight: drawn grey, without a label."""


def bucket_ms_for(length_ms: int) -> int:
    """One minute for a LIVE of 10 minutes or more; 30, 10 or 5 seconds for shorter ones (at least ~8 buckets)."""
    if length_ms >= 10 * 60_000:
        return 60_000
    for b in (30_000, 10_000):
        if length_ms // b >= 8:
            return b
    return 5_000


def live_series(events: Iterable[Event], length_ms: int | None, bucket_ms: int | None = None) -> MetricSeries:
    """The series of a LIVE's events over ``length_ms`` (``None``: up to the last event)."""
    evs = list(events)
    end = max(length_ms or 0, max((e.ts_ms for e in evs), default=0) + 1, 1)
    b = bucket_ms or bucket_ms_for(end)
    n = max(1, -(-end // b))
    gmv = [0.0] * n
    orders = [0] * n
    comments = [0] * n
    peak: list[int | None] = [None] * n
    currency = None
    for e in evs:
        i = min(n - 1, max(0, e.ts_ms // b))
        if e.type == "order":
            orders[i] += 1
            if e.amount is not None:
                gmv[i] += float(e.amount)
                currency = currency or e.currency
        elif e.type == "comment":
            comments[i] += 1
        elif e.type == "viewers" and e.count is not None:
            peak[i] = max(peak[i] or 0, int(e.count))
    viewers: list[int] = []
    last = 0
    for v in peak:
        last = v if v is not None else last
        viewers.append(last)
    return MetricSeries(b, end, [round(x, 2) for x in gmv], orders, viewers, comments, currency)


def _nice_max(v: float) -> float:
    if v <= 0:
        return 1.0
    import math

    exp = 10 ** math.floor(math.log10(v))
    for m in (1, 2, 2.5, 5, 10):
        if v <= m * exp:
            return m * exp
    return 10 * exp


def _fmt(v: float, money: bool) -> str:
    if money:
        return f"{v:,.0f}" if v >= 100 else f"{v:,.2f}".rstrip("0").rstrip(".")
    return f"{v:,.0f}"


def _clock(ms: int) -> str:
    s = ms // 1000
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}" if s >= 3600 else f"{s // 60}:{s % 60:02d}"


def metrics_svg(series: MetricSeries, marks: Sequence[ChartMark] = (), *, width: int = 800,
                panel_h: int = 70, compact: bool = False) -> str:
    """The chart as an ``<svg>`` element (a string to put in a page as it is; every text is escaped).
    ``compact``: the narrow layout for a phone (labels above the panels, fewer time ticks)."""
    left, right, top, gap, axis_h = (8, 8, 46, 30, 26) if compact else (84, 12, 22, 14, 26)
    if compact:
        width, panel_h = 380, 54
    plot_w = width - left - right
    height = top + len(METRICS) * (panel_h + gap) + axis_h
    span = max(series.length_ms, 1)

    def x(ms: float) -> float:
        return left + plot_w * min(max(ms, 0), span) / span

    kind = "compact" if compact else "wide"
    out = [f'<svg class="chart {kind}" viewBox="0 0 {width} {height}" role="img" preserveAspectRatio="xMidYMid meet" '
           f'xmlns="http://www.w3.org/2000/svg" data-testid="metrics-chart" '
           f'aria-label="GMV, orders, viewers and comments per {escape(series.unit)} with moments marked">']
    for k, (key, label, colour) in enumerate(METRICS):
        y0 = top + k * (panel_h + gap)
        vals = [float(v) for v in series.values(key)]
        vmax = _nice_max(max(vals, default=0.0))
        money = key == "gmv"
        out.append(f'<g class="panel" data-metric="{key}">')
        out.append(f'<rect x="{left}" y="{y0}" width="{plot_w}" height="{panel_h}" fill="#f8f9fb" rx="4"/>')
        top_val = escape(_fmt(max(vals, default=0.0), money))
        if compact:
            out.append(f'<text x="{left}" y="{y0 - 5}" class="lbl">{escape(label)} '
                       f'<tspan class="sub">max {top_val} per {escape(series.unit)}</tspan></text>')
        else:
            out.append(f'<text x="{left - 8}" y="{y0 + 14}" text-anchor="end" class="lbl">{escape(label)}</text>')
            out.append(f'<text x="{left - 8}" y="{y0 + 30}" text-anchor="end" class="sub">max {top_val}</text>')
            out.append(f'<text x="{left - 8}" y="{y0 + panel_h}" text-anchor="end" class="sub">per '
                       f'{escape(series.unit)}</text>')
        if vals:
            bw = plot_w / len(vals)
            pts = []
            for i, v in enumerate(vals):
                cx = left + bw * (i + 0.5)
                cy = y0 + panel_h - (panel_h - 6) * v / vmax
                pts.append((cx, cy))
            if key == "viewers":
                line = " ".join(f"{px:.1f},{py:.1f}" for px, py in pts)
                area = f"{pts[0][0]:.1f},{y0 + panel_h} {line} {pts[-1][0]:.1f},{y0 + panel_h}"
                out.append(f'<polygon points="{area}" fill="{colour}" fill-opacity="0.15"/>')
                out.append(f'<polyline points="{line}" fill="none" stroke="{colour}" stroke-width="2"/>')
            else:
                for i, (v, (cx, cy)) in enumerate(zip(vals, pts, strict=True)):
                    if v <= 0:
                        continue
                    t0 = _clock(i * series.bucket_ms)
                    out.append(f'<rect x="{cx - bw * 0.38:.1f}" y="{cy:.1f}" width="{bw * 0.76:.1f}" '
                               f'height="{y0 + panel_h - cy:.1f}" fill="{colour}" rx="1.5">'
                               f'<title>{escape(label)} at {t0}: {escape(_fmt(v, money))}</title></rect>')
        out.append("</g>")
    bottom = top + len(METRICS) * (panel_h + gap) - gap
    mark_top = top - 4 if not compact else 24
    for m in marks:
        mx = x(m.at_ms)
        link_open = f'<a href="{escape(m.href)}">' if m.href else ""
        link_close = "</a>" if m.href else ""
        colour = "#adb2c2" if m.muted else "#7048e8"
        badge = (f'<circle cx="{mx:.1f}" cy="{mark_top - 6}" r="4" fill="{colour}"/>' if m.muted else
                 f'<circle cx="{mx:.1f}" cy="{mark_top - 6}" r="9" fill="{colour}"/>'
                 f'<text x="{mx:.1f}" y="{mark_top - 2}" text-anchor="middle" class="mk">{escape(m.label)}</text>')
        out.append(f'<g class="mark" data-testid="chart-mark">{link_open}<title>{escape(m.title)}</title>'
                   f'<line x1="{mx:.1f}" y1="{mark_top}" x2="{mx:.1f}" y2="{bottom}" stroke="{colour}" '
                   f'stroke-width="1.5" stroke-dasharray="3 3"/>{badge}{link_close}</g>')
    ticks = 3 if compact else 6
    for i in range(ticks + 1):
        ms = span * i / ticks
        anchor = "start" if i == 0 else "end" if i == ticks else "middle"
        out.append(f'<text x="{x(ms):.1f}" y="{bottom + 18}" text-anchor="{anchor}" class="sub">'
                   f'{_clock(int(ms))}</text>')
    out.append("<style>.lbl{font:600 13px system-ui,sans-serif;fill:#1f2330}.sub{font:11px system-ui,sans-serif;"
               "fill:#6b7080}.mk{font:700 10px system-ui,sans-serif;fill:#fff}</style></svg>")
    return "".join(out)
