"""Rich output for the CLI: the highlights table, moments table, warnings and errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ..models import Moment
from ..timebase import fmt_clock

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)
if not console.is_terminal:  # piped or captured: do not squeeze tables into 80 columns
    console.width = max(console.width, 150)


def esc(value: object) -> str:
    """User text (ids, titles, paths, messages that quote them) made safe to print with Rich markup on: a
    ``[/]`` in a product id is shown as it is, never read as a tag."""
    return escape(str(value))


def why(moment: Moment, top: int = 3) -> str:
    """The strongest score components, e.g. ``gmv 2.1 · engagement 0.9 · gpm 0.6``."""
    parts = sorted(moment.breakdown.items(), key=lambda kv: -kv[1])[:top]
    text = " · ".join(f"{k} {v:.2f}" for k, v in parts if v > 0)
    ev = moment.evidence
    if "orders" in ev:
        text += f"  ({int(ev['orders']['value'])} orders"
        if "gmv" in ev:
            text += f", GMV {ev['gmv']['value']:.2f}"
        text += ")"
    return text


def highlights_table(result: Any, catalog: Any = None) -> Table:
    table = Table(title=f"{len(result.highlights)} highlights", title_justify="left")
    judged = any(h.compliance is not None for h in result.highlights)
    cols: list[tuple[str, dict[str, Any]]] = [("#", {"justify": "right"}), ("time", {"no_wrap": True}),
                                              ("length", {"justify": "right"}), ("product", {}),
                                              ("score", {"justify": "right"}), ("why", {})]
    if judged:
        cols.append(("tier", {}))
    cols.append(("clip", {}))
    ids = any(getattr(h, "id", "") for h in result.highlights)
    if ids:
        cols.append(("id", {"no_wrap": True}))
    for col, kw in cols:
        table.add_column(col, **kw)
    for h in result.highlights:
        w = h.window
        title = ""
        if catalog is not None and w.product_id in catalog.products:
            title = f" {esc(catalog.products[w.product_id].title)}"
        clip = esc(Path(h.clip).name) if h.clip else "-"
        row = [str(h.rank), f"{fmt_clock(w.start_ms)}–{fmt_clock(w.end_ms)}", f"{w.duration_ms / 1000:.1f} s",
               f"{esc(w.product_id or '-')}{title}", f"{w.rank_score:.2f}", why(w.moment) + _content(w.content)]
        if judged:
            row.append(_tier(h.compliance))
        row.append(clip)
        if ids:
            row.append(esc(h.id))
        table.add_row(*row)
    return table


def _content(content: dict[str, Any] | None) -> str:
    if not content:
        return ""
    parts = []
    if content.get("selling_points_stated"):
        parts.append(f"{len(content['selling_points_stated'])} selling points")
    if content.get("product_visible_s") is not None:
        parts.append(f"product at {content['product_visible_s']:.1f} s")
    if content.get("action_cues"):
        parts.append(", ".join(content["action_cues"]))
    return ("\n" + " · ".join(parts)) if parts else ""


def _tier(report: Any) -> str:
    if report is None:
        return "-"
    if report.meets("basic"):
        return f"[green]{report.tier}[/green]"
    failed = [r.id for r in report.failures if r.rule.tier == "basic" and not r.rule.advisory]
    return "[red]below basic[/red]\n" + ", ".join(failed or report.unverified)


def moments_table(moments: list[Moment]) -> Table:
    table = Table(title=f"{len(moments)} moments", title_justify="left")
    for col in ("start", "end", "peak", "kind", "product", "score", "why"):
        table.add_column(col)
    for m in moments:
        table.add_row(fmt_clock(m.start_ms), fmt_clock(m.end_ms), fmt_clock(m.peak_ms), m.kind,
                      esc(m.product_id or "-"), f"{m.score:.2f}", esc(why(m)))
    return table


def print_warnings(warnings: list[Any], limit: int = 20) -> None:
    for w in warnings[:limit]:
        err_console.print(f"[yellow]warning:[/yellow] {esc(w)}", soft_wrap=True)
    if len(warnings) > limit:
        more = len(warnings) - limit
        err_console.print(f"[yellow]warning:[/yellow] … and {more} more (see the report)", soft_wrap=True)
