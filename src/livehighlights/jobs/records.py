"""Between a job's :class:`~livehighlights.jobs.moment.Candidate` and the store's highlight record."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, is_dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..plan import ClipWindow
from ..timebase import ms_to_s
from .moment import Candidate

if TYPE_CHECKING:
    from ..pipeline import ProcessOptions
    from ..sources import Catalog
    from ..store import HighlightRecord

__all__ = ["JOB_KEY", "candidate_from_record", "candidate_record", "options_key", "recording_key",
           "transcript_json"]

JOB_KEY = "_job"
"""Key in a highlight's ``content`` naming the options its job ran with (a re-run with other options redoes it)."""

_FINGERPRINT_BYTES = 1 << 20


def recording_key(path: Path) -> str:
    """A content fingerprint of a recording (its size, its first and last MiB): the same LIVE gets the same
    id wherever the file lies and whatever it is called."""
    h = hashlib.sha256()
    size = path.stat().st_size
    h.update(str(size).encode())
    with path.open("rb") as f:
        h.update(f.read(_FINGERPRINT_BYTES))
        if size > 2 * _FINGERPRINT_BYTES:
            f.seek(size - _FINGERPRINT_BYTES)
            h.update(f.read(_FINGERPRINT_BYTES))
    return "rec:" + h.hexdigest()[:32]


def options_key(opts: ProcessOptions) -> str:
    """What a moment's job depends on besides the media: detection, planning, understanding, cutting."""
    def plain(x: Any) -> Any:
        return asdict(x) if is_dataclass(x) and not isinstance(x, type) else x

    doc = {"detect": plain(opts.detect), "plan": plain(opts.plan), "understand": plain(opts.understand),
           "cut": opts.cut_method, "snap": opts.snap_to_pauses}
    return hashlib.sha256(json.dumps(doc, sort_keys=True, default=str).encode()).hexdigest()[:16]


def transcript_json(cand: Candidate) -> dict[str, Any] | None:
    """The words of the refined window (language, model, text and sentences, each with its words' times), when
    speech was recognised. ``word_times`` says the sentences carry their words: a remix of the highlight
    shows them as subtitles without recognising the speech again (:mod:`livehighlights.remix.reuse`)."""
    u = cand.understanding
    if u is None or u.transcript is None:
        return None
    w = cand.window
    sentences = u.sentences_in(w.start_ms, w.end_ms)
    return {
        "language": u.transcript.language,
        "model": u.transcript.model,
        "text": " ".join(s.text.strip() for s in sentences),
        "sentences": [{"start_s": ms_to_s(s.start_ms), "end_s": ms_to_s(s.end_ms), "text": s.text.strip(),
                       "words": [{"start_s": ms_to_s(x.start_ms), "end_s": ms_to_s(x.end_ms), "text": x.text,
                                  "p": x.probability} for x in s.words]}
                      for s in sentences],
        "word_times": True,
    }


def candidate_record(live_id: str, cand: Candidate, job_key: str, catalog: Catalog | None) -> HighlightRecord:
    """The store's record of a candidate (not ranked yet, no clip yet)."""
    from ..store import HighlightRecord, highlight_id

    w = cand.window
    product = catalog.get(w.product_id) if catalog is not None else None
    report = cand.report
    blocked = [r.id for r in report.failures if r.rule.tier == "basic" and not r.rule.advisory] if report else []
    content = {**(w.content or {}), JOB_KEY: job_key}
    return HighlightRecord(
        id=highlight_id(cand.moment_id), live_id=live_id, moment_id=cand.moment_id, rank=None,
        start_ms=w.start_ms, end_ms=w.end_ms, product_id=w.product_id,
        product_title=product.title if product else None, kind=w.moment.kind, score=w.moment.score,
        rank_score=w.rank_score, why=list(w.notes), content=content, moment=w.moment,
        transcript=cand.transcript if cand.transcript is not None else transcript_json(cand),
        compliance=report.to_json() if report else None, tier=report.tier if report else None,
        postable=cand.postable, blocked_by=blocked, clip=None, thumbnail=None, cut=None,
        created_at=None, updated_at=None)


def candidate_from_record(rec: HighlightRecord) -> Candidate:
    """A candidate again from its stored record (its job is not redone)."""
    from ..check.report import ComplianceReport

    content = {k: v for k, v in (rec.content or {}).items() if k != JOB_KEY}
    win = ClipWindow(rec.start_ms, rec.end_ms, rec.moment, rec.product_id, list(rec.why), content or None,
                     rec.rank_score)
    report = ComplianceReport.from_json(rec.compliance) if rec.compliance else None
    return Candidate(rec.moment_id, win, None, report, transcript=rec.transcript)
