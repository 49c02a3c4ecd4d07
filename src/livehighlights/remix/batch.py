"""Remix every highlight of a ``highlights.json`` (what ``process --remix STYLE`` calls)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from ..errors import InputError, Where
from .render import RemixOptions, RemixResult, remix
from .source import resolve


def remix_highlights(report_path: str | Path, style: str | Path, out_dir: str | Path, *,
                     options: RemixOptions | None = None, ranks: list[int] | None = None) -> list[RemixResult]:
    """Remix the highlights (all, or ``ranks``) of ``report_path`` with ``style`` into
    ``out_dir/<clip stem>.remix.mp4`` (each with its sidecar). Highlights without a clip file are skipped."""
    report = Path(report_path)
    try:
        data = json.loads(report.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise InputError(f"not a readable highlights.json ({err})", Where(report)) from err
    opts = replace(options or RemixOptions(), style=style)
    out = Path(out_dir)
    results = []
    for h in data.get("highlights", []):
        if not isinstance(h, dict) or not h.get("clip") or (ranks and h.get("rank") not in ranks):
            continue
        src = resolve(f"{report}#{h['rank']}")
        results.append(remix(src, out / f"{Path(h['clip']).stem}.remix.mp4", opts))
    return results
