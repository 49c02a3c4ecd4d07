"""The end of a LIVE's processing: the review list's clips cut into the media root, their records ranked in
the store, and the export folder (``clips/`` and ``highlights.json``) swapped in whole.

``highlights.json`` is an export of the store (the same fields as ever): records hold paths relative to the
media root; the export holds copies (hard links where possible) named by rank.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..plan import ClipWindow
from ..timebase import ms_to_s
from .context import LiveContext
from .moment import Candidate, cut_candidate
from .records import JOB_KEY, candidate_record

if TYPE_CHECKING:
    from ..pipeline import Highlight, ProcessResult
    from ..sources import Catalog
    from ..store import HighlightRecord, Store

__all__ = ["finish_live", "staging_dir", "swap_in", "window_json", "write_report"]


def staging_dir(out_dir: Path) -> Path:
    """The private folder a run writes its export into before it replaces ``out_dir`` whole."""
    return out_dir.parent / f".{out_dir.name}.partial"


def finish_live(ctx: LiveContext, store: Store, ranked: list[Candidate], highlights: list[Highlight],
                out_dir: Path, job_key: str) -> Path:
    """Cut (or reuse) the clip of every highlight, record it ranked, and export it into the staging folder
    (returned; :func:`swap_in` makes it ``out_dir``)."""
    from ..check.evidence import Provenance
    from ..check.sidecar import write_provenance
    from ..store import highlight_id

    staging = staging_dir(out_dir)
    if staging.exists():
        shutil.rmtree(staging)  # a run killed before its swap left it: nothing in it was published
    (staging / "clips").mkdir(parents=True)
    stored = {h.id: h for h in store.highlights(ctx.seller_id, ctx.live_id)}
    keyframes: list[int] | None = None
    media = store.media
    for n, (hl, cand) in enumerate(zip(highlights, ranked, strict=True)):
        if ctx.progress:
            ctx.progress("render", n, len(highlights))
        w = cand.window
        hid = highlight_id(cand.moment_id)
        hl.id = hid
        rec = stored.get(hid) or candidate_record(ctx.live_id, cand, job_key, ctx.catalog)
        stem = f"{hl.rank:02d}_{_slug(w.product_id)}_{w.start_ms // 1000:05d}s"
        clip_rel, thumb_rel, cut = rec.clip, rec.thumbnail, rec.cut
        if ctx.options.render:
            known = None  # the clip's fingerprint, taken once when it was cut (not again on every export)
            if _reusable(rec, w, job_key, store):
                known = _fingerprint_of(media.path(rec.clip)) if rec.clip else None
            else:
                tmp = media.tmp() / f"{stem}.mp4"
                done = cut_candidate(ctx, cand, tmp, keyframes if keyframes is not None else
                                     (keyframes := ctx.source.keyframes_ms()))
                clip_rel = media.put(done.clip, kind="clips")
                thumb_rel = media.put(done.thumbnail, kind="thumbnails") if done.thumbnail else None
                cut = {"method": done.method, "reencoded_s": done.reencoded_s, "copied_s": done.copied_s,
                       "seconds": done.seconds}
                known = _fingerprint_of(done.clip)
                for p in (done.clip, done.thumbnail, done.clip.with_name(done.clip.name + ".json")):
                    if p is not None:
                        p.unlink(missing_ok=True)
            prov = Provenance(str(ctx.recording.resolve()), w.start_ms, w.end_ms,
                              product_in_live=(w.product_id in ctx.in_live) if w.product_id else None,
                              clip_fingerprint=known)
            catalog = str(ctx.catalog_path.resolve()) if ctx.catalog_path else None
            clip = _export(media.path(clip_rel), staging / "clips" / f"{stem}.mp4")
            write_provenance(clip, prov, product_id=w.product_id, catalog=catalog)
            write_provenance(media.path(clip_rel), prov, product_id=w.product_id, catalog=catalog)
            hl.clip = out_dir / "clips" / clip.name
            if thumb_rel:
                hl.thumbnail = out_dir / "clips" / _export(media.path(thumb_rel),
                                                           staging / "clips" / f"{stem}.jpg").name
            if hl.compliance is not None:
                hl.compliance.subject = str(hl.clip)
            hl.cut = cut
        compliance = hl.compliance.to_json() if hl.compliance is not None else rec.compliance
        store.save_highlight(replace(rec, rank=hl.rank, start_ms=w.start_ms, end_ms=w.end_ms, clip=clip_rel,
                                     thumbnail=thumb_rel, cut=cut, compliance=compliance))
    store.set_ranks(ctx.live_id, [h.id for h in highlights])
    if ctx.progress:
        ctx.progress("render", len(highlights), len(highlights))
    return staging


def _reusable(rec: HighlightRecord, w: ClipWindow, job_key: str, store: Store) -> bool:
    """A clip already cut for this very window by a job with the same options."""
    if not rec.clip or (rec.content or {}).get(JOB_KEY) != job_key:
        return False
    if (rec.start_ms, rec.end_ms) != (w.start_ms, w.end_ms):
        return False
    return store.media.path(rec.clip).exists() and (rec.thumbnail is None or store.media.path(rec.thumbnail).exists())


def _fingerprint_of(clip: Path) -> dict[str, Any] | None:
    """The clip fingerprint its sidecar holds (``None`` when there is none to reuse)."""
    from ..check.sidecar import read_sidecars

    try:
        prov = read_sidecars(clip)[0]
    except Exception:  # noqa: BLE001 - an unreadable sidecar: the fingerprint is taken again
        return None
    return prov.clip_fingerprint if prov is not None else None


def _export(src: Path, dst: Path) -> Path:
    """``dst`` as a hard link to ``src`` (a copy across file systems)."""
    try:
        os.link(src, dst)
    except OSError:
        shutil.copyfile(src, dst)
    return dst


def swap_in(staging: Path, out_dir: Path) -> None:
    """Make ``staging`` the export folder: the previous run's export is replaced whole (no old clip is left
    beside the new ones), and what other commands put in it (a ``remix/`` folder) is carried over."""
    if out_dir.exists() and not out_dir.is_dir():
        raise FileExistsError(out_dir)
    if out_dir.exists():
        for child in out_dir.iterdir():
            if child.name not in ("clips", "highlights.json") and not (staging / child.name).exists():
                os.replace(child, staging / child.name)
        old = out_dir.parent / f".{out_dir.name}.old"
        if old.exists():
            shutil.rmtree(old)
        os.replace(out_dir, old)
        os.replace(staging, out_dir)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(staging, out_dir)


def _slug(text: str | None) -> str:
    if not text:
        return "live"
    return "".join(c if c.isalnum() or c in "-_" else "-" for c in text)[:40]


def window_json(win: ClipWindow, catalog: Catalog | None = None) -> dict[str, Any]:
    """One planned window as JSON (times in seconds), with its product's title where known."""
    product = catalog.products.get(win.product_id) if catalog and win.product_id else None
    content = {k: v for k, v in win.content.items() if k != JOB_KEY} if win.content else win.content
    return {
        "start_s": ms_to_s(win.start_ms),
        "end_s": ms_to_s(win.end_ms),
        "duration_s": ms_to_s(win.duration_ms),
        "product_id": win.product_id,
        "product_title": product.title if product else None,
        "score": round(win.moment.score, 4),
        "rank_score": round(win.rank_score, 4),
        "kind": win.moment.kind,
        "content": content,
        "why": win.notes,
        "moment": win.moment.to_json(),
    }


def _understood_json(h: Highlight) -> dict[str, Any]:
    """Transcript, compliance report and postability of a highlight (empty when not understood)."""
    out: dict[str, Any] = {}
    if h.compliance is not None:
        out["tier"] = h.compliance.tier
        out["postable"] = h.postable
        out["blocked_by"] = [r.id for r in h.compliance.failures if r.rule.tier == "basic" and not r.rule.advisory]
        out["compliance"] = h.compliance.to_json()
    if h.transcript is not None:
        out["transcript"] = h.transcript
    return out


def report_json(result: ProcessResult, *, recording: Path, events: Path, catalog: Catalog | None,
                catalog_path: Path | None) -> dict[str, Any]:
    """The ``highlights.json`` document (an export of the store)."""
    def rel(p: Path | None) -> str | None:
        if p is None:
            return None
        try:
            return str(p.relative_to(result.out_dir))
        except ValueError:
            return str(p)

    online = result.online
    return {
        "version": 1,
        "live": {  # absolute: the report is read from other folders (remix, check, a review tool)
            "id": result.live_id,
            "recording": str(recording.resolve()),
            "events": str(events.resolve()),
            "catalog": str(catalog_path.resolve()) if catalog_path else None,
            "duration_s": ms_to_s(result.duration_ms),
        },
        "highlights": [
            {"rank": h.rank, "id": h.id, **window_json(h.window, catalog), "clip": rel(h.clip),
             "thumbnail": rel(h.thumbnail), "cut": h.cut, **_understood_json(h)}
            for h in result.highlights
        ],
        "rejected": [{**window_json(r.window, catalog), "reason": r.reason} for r in result.rejected],
        "warnings": [str(w) for w in result.warnings],
        "timings_s": {k: round(v, 3) for k, v in result.timings.items()},
        "analysis_timings_s": {k: round(v, 3) for k, v in sorted(result.analysis_timings.items())},
        "analysis_coverage": result.analysis_coverage,
        "online": None if online is None else {"taken": online.taken, "final": online.final,
                                                "agreed": online.agreed, "score_ratio": online.score_ratio},
        "reused_jobs": result.reused_jobs,
    }


def write_report(result: ProcessResult, *, recording: Path, events: Path, catalog: Catalog | None,
                 catalog_path: Path | None) -> None:
    """Write ``highlights.json`` into the staging folder and swap the export in as ``result.out_dir``."""
    staging = staging_dir(result.out_dir)
    staging.mkdir(parents=True, exist_ok=True)
    doc = report_json(result, recording=recording, events=events, catalog=catalog, catalog_path=catalog_path)
    (staging / "highlights.json").write_text(json.dumps(doc, indent=2))
    swap_in(staging, result.out_dir)
