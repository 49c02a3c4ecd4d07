"""Remix many highlights at once: those of a ``highlights.json``, or stored highlights (what ``process --remix
STYLE`` calls), keeping each remix of a stored highlight in the store."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import InputError, Where
from .render import RemixOptions, RemixResult, remix
from .reuse import StoredWindow, attach_stored
from .source import resolve

if TYPE_CHECKING:
    from ..store import HighlightRecord, RemixRecord, Store

__all__ = ["keep_remix", "remix_highlights", "remix_records"]


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


def keep_remix(store: Store, highlight_id: str, result: RemixResult) -> RemixRecord:
    """Keep a remix of a stored highlight in the store: its file in the media root, its sidecar as a record."""
    from ..store import RemixRecord, remix_id

    style = str(result.data["style"]["name"])
    rel = store.media.put(result.output, kind="remixes")
    return store.save_remix(RemixRecord(remix_id(highlight_id, style), highlight_id, style, rel, sidecar=result.data))


def remix_records(store: Store, highlights: Sequence[tuple[HighlightRecord, str]], style: str | Path,
                  out_dir: str | Path, *, catalog: Path | None, options: RemixOptions | None = None,
                  progress: Callable[[int, int], None] | None = None) -> list[RemixResult]:
    """Remix stored highlights, each given with the file stem to write it under
    (``out_dir/<stem>.remix.mp4`` and its sidecar), and keep every remix in the store. Highlights without a
    clip are skipped."""
    opts = replace(options or RemixOptions(), style=style)
    out = Path(out_dir)
    results = []
    for n, (rec, stem) in enumerate(highlights):
        if progress is not None:
            progress(n, len(highlights))
        if not rec.clip:
            continue
        src = resolve(str(store.media.path(rec.clip)), catalog=catalog, product_id=rec.product_id)
        attach_stored(src, StoredWindow(rec.start_ms, rec.end_ms, rec.transcript))
        result = remix(src, out / f"{stem}.remix.mp4", opts)
        keep_remix(store, rec.id, result)
        results.append(result)
    if progress is not None:
        progress(len(highlights), len(highlights))
    return results
