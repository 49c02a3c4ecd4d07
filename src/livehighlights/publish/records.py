"""Typed records of publishing: a post (the outbox row), what a seller asks for, a consent, the post's payload,
and what a publisher answers.

States of a post::

    queued ──► sending ──► processing ──► published
      │           │  │                     ▲
      │           │  └──► unknown ──(ask the destination)──┘ (or back to queued when it surely has nothing)
      │           └──► failed (a reason a seller can read)
      └──► cancelled (only while still queued)
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any, Literal

__all__ = [
    "ACTIVE_STATES", "POST_STATES", "PRIVACY_LEVELS", "SETTLED_STATES", "ConsentRecord", "Outcome", "PostChoices",
    "PostRecord", "PostRequest", "PostState",
]

PostState = Literal["queued", "sending", "processing", "published", "failed", "unknown", "cancelled"]
POST_STATES: tuple[str, ...] = ("queued", "sending", "processing", "published", "failed", "unknown", "cancelled")
SETTLED_STATES: frozenset[str] = frozenset({"published", "failed", "cancelled"})
"""A post in one of these states is done: nothing more will be sent or asked."""
ACTIVE_STATES: frozenset[str] = frozenset({"queued", "sending", "processing", "unknown"})

PRIVACY_LEVELS: tuple[str, ...] = ("PUBLIC_TO_EVERYONE", "MUTUAL_FOLLOW_FRIENDS", "FOLLOWER_OF_CREATOR", "SELF_ONLY")


@dataclass(frozen=True, slots=True)
class PostChoices:
    """The creator's own choices for a post (TikTok's content-sharing rules: no default privacy, interaction
    switches, a commercial-content disclosure). A manual post carries the seller's choices; an auto-post those of
    the standing consent."""

    privacy_level: str | None = None
    disable_comment: bool = False
    disable_duet: bool = False
    disable_stitch: bool = False
    brand_content: bool = False
    """Paid partnership: promoting another brand."""
    brand_organic: bool = False
    """Promoting the creator's own business (a seller's own products)."""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, doc: dict[str, Any] | None) -> PostChoices:
        doc = dict(doc or {})
        return cls(privacy_level=doc.get("privacy_level"), disable_comment=bool(doc.get("disable_comment")),
                   disable_duet=bool(doc.get("disable_duet")), disable_stitch=bool(doc.get("disable_stitch")),
                   brand_content=bool(doc.get("brand_content")), brand_organic=bool(doc.get("brand_organic")))


@dataclass(frozen=True, slots=True)
class PostRequest:
    """A decision to post a highlight.

    ``remix``: the style of a stored remix to post instead of the raw clip. ``at``: post no sooner than this
    (aware datetime). ``auto``: made by Auto LIVE Highlights (caps and the standing consent apply). ``force``:
    a manual post of a clip below Basic (the seller takes responsibility). ``caption``: replaces the one built
    from the highlight. ``choices``: the seller's choices (manual posts; auto-posts use the consent's).
    """

    highlight_id: str
    destination: str
    account: str = "default"
    remix: str | None = None
    at: datetime | None = None
    auto: bool = False
    force: bool = False
    caption: str | None = None
    choices: PostChoices | None = None


@dataclass(frozen=True, slots=True)
class ConsentRecord:
    """A seller's standing consent to auto-post to a destination account, with the choices it applies."""

    id: str
    seller_id: str
    destination: str
    account: str
    choices: PostChoices
    given_at: datetime
    revoked_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class PostRecord:
    """A post in the outbox. ``media`` is relative to the store's media root; ``payload`` is the snapshot of
    the highlight the post was made from (seller, LIVE, window, product, score and why, tier, files)."""

    id: str
    idem_key: str
    seller_id: str
    live_id: str
    highlight_id: str
    product_id: str | None
    destination: str
    account: str
    rendition: str
    media: str
    caption: str
    choices: PostChoices
    payload: dict[str, Any]
    auto: bool
    forced: bool
    consent_id: str | None
    state: str
    attempts: int
    not_before: datetime
    remote_id: str | None
    remote_url: str | None
    progress: dict[str, Any]
    error_code: str | None
    reason: str | None
    created_at: datetime
    updated_at: datetime
    sent_at: datetime | None = None
    published_at: datetime | None = None

    @property
    def settled(self) -> bool:
        return self.state in SETTLED_STATES

    def to_json(self) -> dict[str, Any]:
        """A JSON document of the post (``livehighlights posts --json``)."""
        out = {k: getattr(self, k) for k in (
            "id", "seller_id", "live_id", "highlight_id", "product_id", "destination", "account", "rendition",
            "media", "caption", "auto", "forced", "consent_id", "state", "attempts", "remote_id", "remote_url",
            "error_code", "reason")}
        out["choices"] = self.choices.to_json()
        out["progress"] = dict(self.progress)
        for k in ("not_before", "created_at", "updated_at", "sent_at", "published_at"):
            v = getattr(self, k)
            out[k] = v.isoformat() if v is not None else None
        return out


OutcomeKind = Literal["published", "processing", "failed", "unknown", "resend"]


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a publisher's attempt came to.

    ``published``: done (``remote_id``, ``url``); ``processing``: accepted, ask again after ``check_after_s``;
    ``failed``: final (``reason``, ``code``); ``unknown``: the destination may or may not have it, ask again
    after ``check_after_s`` (never resend); ``resend``: the destination surely has nothing, send again now.
    """

    kind: OutcomeKind
    remote_id: str | None = None
    url: str | None = None
    reason: str | None = None
    code: str | None = None
    check_after_s: float = 5.0
    progress: dict[str, Any] = field(default_factory=dict)
