"""``/api/lives/{id}/highlights`` (ranked) and ``/api/highlights/{id}``: a highlight's window, score and why, the
moment's breakdown, the compliance report (every rule's pass, fail or unknown with its evidence) and tier, the
transcript, and the URLs of its clip, thumbnail and remixes (served to the seller only)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field
from sqlalchemy import select

from ...store import HighlightRecord, Store
from ...store.schema import HighlightRow, LiveRow
from ..deps import Principal, api_principal, csrf_checked, get_store
from ..errors import not_found
from .media import clip_url, thumbnail_url

__all__ = ["ComplianceOut", "HighlightDetail", "HighlightOut", "RuleOut", "highlight_out", "ranked", "router"]

router = APIRouter(tags=["highlights"], dependencies=[Depends(csrf_checked)])


class HighlightOut(BaseModel):
    """A highlight as the ranked grid shows it."""

    id: str
    live_id: str
    rank: int | None = Field(description="1 is the best; None while not ranked.")
    start_ms: int
    end_ms: int
    duration_ms: int
    product_id: str | None
    product_title: str | None
    kind: str
    score: float
    rank_score: float
    why: list[str]
    tier: str | None = Field(description="basic, high or good_case (None: below Basic).")
    postable: bool
    blocked_by: list[str] = Field(description="The Basic rules it fails (why it cannot be posted).")
    clip_url: str | None
    thumbnail_url: str | None


class RuleOut(BaseModel):
    """One rule of the compliance report."""

    id: str
    tier: str
    title: str
    status: str = Field(description="pass, fail or unknown.")
    advisory: bool
    reason: str | None
    evidence: dict[str, Any]


class ComplianceOut(BaseModel):
    """The compliance report: the tier and every rule."""

    tier: str | None
    unverified: list[str] = Field(default_factory=list)
    rules: list[RuleOut]


class MomentBreakdown(BaseModel):
    """The moment behind the highlight: which signals moved and by how much."""

    detector: str
    kind: str
    start_ms: int
    end_ms: int
    peak_ms: int
    score: float
    breakdown: dict[str, Any]
    evidence: dict[str, Any]


class SentenceOut(BaseModel):
    start_s: float
    end_s: float
    text: str


class TranscriptOut(BaseModel):
    language: str | None
    model: str | None
    text: str
    sentences: list[SentenceOut]


class RemixOut(BaseModel):
    id: str
    style: str
    url: str


class HighlightDetail(HighlightOut):
    """A highlight with its evidence."""

    moment: MomentBreakdown
    compliance: ComplianceOut | None
    transcript: TranscriptOut | None
    remixes: list[RemixOut]


def highlight_out(h: HighlightRecord) -> dict[str, Any]:
    """The fields of :class:`HighlightOut` of a record."""
    return dict(id=h.id, live_id=h.live_id, rank=h.rank, start_ms=h.start_ms, end_ms=h.end_ms,
                duration_ms=h.end_ms - h.start_ms, product_id=h.product_id, product_title=h.product_title,
                kind=h.kind, score=h.score, rank_score=h.rank_score, why=list(h.why), tier=h.tier,
                postable=h.postable, blocked_by=list(h.blocked_by),
                clip_url=clip_url(h.id) if h.clip else None,
                thumbnail_url=thumbnail_url(h.id) if h.thumbnail else None)


def _compliance(doc: dict[str, Any] | None) -> dict[str, Any] | None:
    if not doc:
        return None
    rules = [dict(id=r.get("id", ""), tier=r.get("tier", ""), title=r.get("title", ""), status=r.get("status", ""),
                  advisory=bool(r.get("advisory")), reason=r.get("reason"), evidence=dict(r.get("evidence") or {}))
             for r in doc.get("rules", [])]
    return dict(tier=doc.get("tier"), unverified=list(doc.get("unverified") or []), rules=rules)


def _transcript(doc: dict[str, Any] | None) -> dict[str, Any] | None:
    if not doc:
        return None
    return dict(language=doc.get("language"), model=doc.get("model"), text=doc.get("text") or "",
                sentences=[s for s in doc.get("sentences", []) if isinstance(s, dict)])


@router.get("/lives/{live_id}/highlights", response_model=list[HighlightOut],
            summary="A LIVE's highlights, best first (unranked last)")
def live_highlights(live_id: str, p: Annotated[Principal, Depends(api_principal)],
                    store: Annotated[Store, Depends(get_store)]) -> list[dict[str, Any]]:
    with store.session() as s:  # the seller's LIVE? (a cheap look: no counts)
        mine = s.scalar(select(LiveRow.id).where(LiveRow.id == live_id, LiveRow.seller_id == p.seller_id))
    if mine is None:
        raise not_found("LIVE", live_id)
    return ranked(store, p.seller_id, live_id)


_LIST_COLS = (HighlightRow.id, HighlightRow.live_id, HighlightRow.rank, HighlightRow.start_ms, HighlightRow.end_ms,
              HighlightRow.product_id, HighlightRow.product_title, HighlightRow.kind, HighlightRow.score,
              HighlightRow.rank_score, HighlightRow.why, HighlightRow.tier, HighlightRow.postable,
              HighlightRow.blocked_by, HighlightRow.clip, HighlightRow.thumbnail)


def ranked(store: Store, seller_id: str, live_id: str) -> list[dict[str, Any]]:
    """The fields of :class:`HighlightOut` of the seller's LIVE's highlights in rank order (unranked last), read
    column by column: the list needs none of the large documents (compliance, transcript, evidence)."""
    q = (select(*_LIST_COLS).join(LiveRow, LiveRow.id == HighlightRow.live_id)
         .where(LiveRow.seller_id == seller_id, HighlightRow.live_id == live_id)
         .order_by(HighlightRow.rank.is_(None), HighlightRow.rank, HighlightRow.start_ms, HighlightRow.id))
    with store.session() as s:
        rows = s.execute(q).all()
    return [dict(id=r.id, live_id=r.live_id, rank=r.rank, start_ms=r.start_ms, end_ms=r.end_ms,
                 duration_ms=r.end_ms - r.start_ms, product_id=r.product_id, product_title=r.product_title,
                 kind=r.kind, score=r.score, rank_score=r.rank_score, why=list(r.why or []), tier=r.tier,
                 postable=bool(r.postable), blocked_by=list(r.blocked_by or []),
                 clip_url=clip_url(r.id) if r.clip else None,
                 thumbnail_url=thumbnail_url(r.id) if r.thumbnail else None) for r in rows]


@router.get("/highlights/{highlight_id}", response_model=HighlightDetail,
            summary="A highlight with its breakdown, compliance report, transcript and files")
def get_highlight(highlight_id: str, p: Annotated[Principal, Depends(api_principal)],
                  store: Annotated[Store, Depends(get_store)]) -> dict[str, Any]:
    h = store.get_highlight(p.seller_id, highlight_id)
    if h is None:
        raise not_found("highlight", highlight_id)
    m = h.moment
    return highlight_out(h) | dict(
        moment=dict(detector=m.detector, kind=m.kind, start_ms=m.start_ms, end_ms=m.end_ms, peak_ms=m.peak_ms,
                    score=m.score, breakdown=dict(m.breakdown), evidence=dict(m.evidence)),
        compliance=_compliance(h.compliance), transcript=_transcript(h.transcript),
        remixes=[dict(id=r.id, style=r.style, url=f"/media/remix/{r.id}")
                 for r in store.remixes(p.seller_id, h.id)])
