"""The outbox: a post is written in the same transaction as the decision to post, with the caps.

    outbox = Outbox(store, config)
    queued = outbox.create(seller.id, PostRequest(highlight_id, "tiktok", choices=PostChoices("SELF_ONLY")))

The checks made where the post is created: the highlight is the seller's, the publisher exists and is
configured, the rendition's file exists and fits the destination, the caption fits; a clip below Basic is never
auto-posted (a manual post of one is refused, naming the rules that block it, unless forced); an auto-post needs
the seller's standing consent and an account not paused; the caps (:data:`~livehighlights.rules.MAX_CLIPS_PER_LIVE`
auto-posts per LIVE, :data:`~livehighlights.rules.MAX_CLIPS_PER_PRODUCT` per product) are counters taken in the
same transaction, so two workers cannot both take the last one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update

from ..check.rules import TIERS
from ..errors import InputError, LiveHighlightsError, Where
from ..rules import AUTO_POST_MIN_TIER, MAX_CLIPS_PER_LIVE, MAX_CLIPS_PER_PRODUCT
from ..store import HighlightRecord, SellerRecord, Store, StoreError
from ..store.schema import SellerRow, utcnow
from .base import PUBLISHERS
from .caption import build_caption, build_payload, links_for, load_product
from .config import PublishConfig
from .db import Db, consent_record, post_record, short_hash
from .records import PRIVACY_LEVELS, ConsentRecord, PostChoices, PostRecord, PostRequest
from .schema import AccountRow, ConsentRow, PostCapRow, PostRow

__all__ = ["CapReached", "Outbox", "PostRefused", "Queued", "idempotency_key", "rendition_name"]


class PostRefused(InputError):
    """A post that cannot be made (the message names what blocks it); nothing was queued."""


class CapReached(PostRefused):
    """An auto-post over a cap of the LIVE or of its product."""


@dataclass(frozen=True, slots=True)
class Queued:
    """The post for a request; ``new`` is false when the same (highlight, destination, rendition) was already
    in the outbox (the existing post is returned, nothing is queued twice)."""

    post: PostRecord
    new: bool


def rendition_name(remix: str | None) -> str:
    return "raw" if not remix else f"remix:{remix}"


def idempotency_key(highlight_id: str, destination: str, account: str, rendition: str) -> str:
    """The key of a post: the same highlight to the same destination account in the same rendition is one post."""
    return short_hash("post", highlight_id, destination, account, rendition, n=32)


def _below(tier: str | None, minimum: str) -> bool:
    order = ("none", *TIERS)
    return order.index(tier if tier in order else "none") < order.index(minimum)


class Outbox:
    """Posts of the store's sellers (see the module's note)."""

    def __init__(self, store: Store, config: PublishConfig, *, max_per_live: int = MAX_CLIPS_PER_LIVE,
                 max_per_product: int = MAX_CLIPS_PER_PRODUCT) -> None:
        self.store = store
        self.config = config
        self.db = Db(store)
        self.max_per_live = max_per_live
        self.max_per_product = max_per_product

    # ---- creating ---------------------------------------------------------------------------------------------
    def _media(self, h: HighlightRecord, seller_id: str, remix: str | None) -> str:
        if remix:
            for r in self.store.remixes(seller_id, h.id):
                if r.style == remix:
                    return r.path
            raise PostRefused(f"highlight {h.id} has no remix in style '{remix}' (make it with livehighlights remix)",
                              Where(field="--remix"))
        if not h.clip:
            raise PostRefused(f"highlight {h.id} has no clip file (it was planned without clips)")
        return h.clip

    def _blocking(self, h: HighlightRecord, req: PostRequest) -> None:
        below = not h.postable or _below(h.tier, AUTO_POST_MIN_TIER)
        if not below:
            return
        rules = ", ".join(h.blocked_by) or f"tier {h.tier or 'none'}"
        if req.auto:
            raise PostRefused(f"highlight {h.id} is below Basic ({rules}): it is never auto-posted")
        if not req.force:
            raise PostRefused(f"highlight {h.id} is below Basic, blocked by: {rules} (post it anyway with --force)")

    def _choices(self, seller_id: str, req: PostRequest, needs_consent: bool) -> tuple[PostChoices, str | None]:
        if req.auto:
            consent = self.consent(seller_id, req.destination, req.account)
            if consent is None:
                raise PostRefused(f"no standing consent to auto-post to {req.destination} account '{req.account}' "
                                  "(the seller gives it in the settings: livehighlights consent)")
            paused = self.paused(req.destination, req.account)
            if paused:
                raise PostRefused(f"auto-posting to {req.destination} account '{req.account}' is paused: {paused}")
            return consent.choices, consent.id
        choices = req.choices or PostChoices()
        if needs_consent and choices.privacy_level is None:
            raise PostRefused(f"{req.destination} needs the seller's own privacy choice (one of "
                              f"{', '.join(PRIVACY_LEVELS)}): none is chosen for them", Where(field="--privacy"))
        if choices.privacy_level is not None and choices.privacy_level not in PRIVACY_LEVELS:
            raise PostRefused(f"privacy level '{choices.privacy_level}' is not one of {', '.join(PRIVACY_LEVELS)}",
                              Where(field="--privacy"))
        return choices, None

    def create(self, seller_id: str, req: PostRequest) -> Queued:
        """Queue a post of the seller's highlight (see the module's note); :class:`PostRefused` names what blocks
        it. Asking again for the same highlight, destination, account and rendition returns the existing post."""
        pub_cls = PUBLISHERS.get(req.destination, Where(field="--to"))
        publisher = pub_cls(self.config)
        missing = publisher.missing()
        if missing:
            raise PostRefused(f"publisher '{req.destination}' is not configured: {missing}")
        h = self.store.get_highlight(seller_id, req.highlight_id)
        if h is None:
            raise PostRefused(f"no highlight with id '{req.highlight_id}' for this seller")
        rendition = rendition_name(req.remix)
        key = idempotency_key(h.id, req.destination, req.account, rendition)
        existing = self._by_key(key)
        if existing is not None:
            return Queued(existing, False)
        self._blocking(h, req)
        media = self._media(h, seller_id, req.remix)
        path = self.store.media.path(media)
        if not path.is_file():
            raise PostRefused(f"the clip file {path} of highlight {h.id} is missing from the media root")
        choices, consent_id = self._choices(seller_id, req, pub_cls.needs_consent)
        live = self.store.get_live(seller_id, h.live_id)
        if live is None:
            raise PostRefused(f"highlight {h.id}: its LIVE {h.live_id} is not this seller's")
        seller = self._seller(seller_id)
        product = load_product(live, h.product_id)
        links = links_for(self.config, seller, live, h.product_id)
        caption = req.caption if req.caption is not None else build_caption(h, product, live, links)
        problems = publisher.validate(caption, path.stat().st_size, h.product_id)
        if problems:
            raise PostRefused(f"cannot post highlight {h.id} to {req.destination}: {'; '.join(problems)}")
        at = req.at
        if at is not None and at.tzinfo is None:
            raise PostRefused(f"the time to post {at.isoformat()} has no time zone", Where(field="--at"))
        post_id = "post_" + key[:16]
        payload = build_payload(post_id, seller, live, h, product, links, rendition, media)
        now = utcnow()
        row: dict[str, Any] = dict(
            id=post_id, idem_key=key, seller_id=seller_id, live_id=live.id, highlight_id=h.id, product_id=h.product_id,
            destination=req.destination, account=req.account, rendition=rendition, media=media, caption=caption,
            options=choices.to_json(), payload=payload, auto=req.auto, forced=bool(req.force and not req.auto),
            consent_id=consent_id, state="queued", attempts=0, not_before=max(at, now) if at else now,
            enqueued_at=None, progress={}, created_at=now, updated_at=now)
        with self.db.write() as s:
            new = self.db.insert_new(s, PostRow, row, PostRow.id)
            if new and req.auto:
                self._take_caps(s, live.id, h.product_id)
            got = s.scalars(select(PostRow).where(PostRow.idem_key == key)).one()
            return Queued(post_record(got), new)

    def _seller(self, seller_id: str) -> SellerRecord:
        with self.db.read() as s:
            row = s.get(SellerRow, seller_id)
            if row is None:
                raise StoreError(f"database {self.store.url}: no seller with id '{seller_id}'")
            return SellerRecord(id=row.id, name=row.name, created_at=row.created_at)

    def _by_key(self, key: str) -> PostRecord | None:
        with self.db.read() as s:
            row = s.scalars(select(PostRow).where(PostRow.idem_key == key)).first()
            return None if row is None else post_record(row)

    def _take_caps(self, s: Any, live_id: str, product_id: str | None) -> None:
        scopes = [("live", self.max_per_live, f"the LIVE's cap of {self.max_per_live} auto-posts is reached")]
        if product_id:
            scopes.append((f"product:{product_id}", self.max_per_product,
                           f"product {product_id}'s cap of {self.max_per_product} auto-posts is reached"))
        for scope, cap, why in scopes:
            s.execute(self.db.insert(PostCapRow).values(live_id=live_id, scope=scope, taken=0)
                      .on_conflict_do_nothing())
            took = s.execute(update(PostCapRow).where(PostCapRow.live_id == live_id, PostCapRow.scope == scope,
                                                      PostCapRow.taken < cap)
                             .values(taken=PostCapRow.taken + 1)).rowcount
            if not took:
                raise CapReached(why)  # the transaction rolls back: no post, no cap taken

    def caps(self, live_id: str) -> dict[str, int]:
        """Auto-posts taken per scope of a LIVE (``live``, ``product:ID``)."""
        with self.db.read() as s:
            return {r.scope: r.taken for r in s.scalars(select(PostCapRow).where(PostCapRow.live_id == live_id))}

    # ---- reading and cancelling -------------------------------------------------------------------------------
    def get(self, seller_id: str, post_id: str) -> PostRecord | None:
        with self.db.read() as s:
            row = s.get(PostRow, post_id)
            return None if row is None or row.seller_id != seller_id else post_record(row)

    def posts(self, seller_id: str, live_id: str | None = None, state: str | None = None) -> list[PostRecord]:
        """The seller's posts, oldest first (of one LIVE, in one state, when given)."""
        q = select(PostRow).where(PostRow.seller_id == seller_id)
        if live_id is not None:
            q = q.where(PostRow.live_id == live_id)
        if state is not None:
            q = q.where(PostRow.state == state)
        with self.db.read() as s:
            return [post_record(r) for r in s.scalars(q.order_by(PostRow.created_at, PostRow.id))]

    def cancel(self, seller_id: str, post_id: str) -> PostRecord:
        """Cancel a queued post (an auto-post gives its cap back). Anything else is refused, naming its state."""
        now = utcnow()
        with self.db.write() as s:
            row = s.get(PostRow, post_id)
            if row is None or row.seller_id != seller_id:
                raise PostRefused(f"no post with id '{post_id}' for this seller")
            if row.state != "queued" or (row.lease_until is not None and row.lease_until > now):
                raise PostRefused(f"post {post_id} is {row.state}: only a queued post can be cancelled")
            row.state, row.reason, row.updated_at = "cancelled", "cancelled by the seller", now
            if row.auto:
                release_caps(s, row)
            return post_record(row)

    def resolve(self, seller_id: str, post_id: str, *, url: str | None = None, posted: bool) -> PostRecord:
        """Settle an ``unknown`` post by hand, after checking the destination: ``posted`` (with its ``url``) makes it
        published; not posted puts it back in the queue to be sent now."""
        now = utcnow()
        with self.db.write() as s:
            row = s.get(PostRow, post_id, with_for_update=True)
            if row is None or row.seller_id != seller_id:
                raise PostRefused(f"no post with id '{post_id}' for this seller")
            if row.state != "unknown":
                raise PostRefused(f"post {post_id} is {row.state}: only an unknown post is settled by hand")
            if row.lease_until is not None and row.lease_until > now:
                raise PostRefused(f"post {post_id} is being checked by a worker now: try again in a moment")
            if posted:
                row.state, row.published_at, row.remote_url = "published", now, url or row.remote_url
                row.reason = "settled by hand: the seller found it posted"
            else:
                row.state, row.not_before, row.enqueued_at = "queued", now, None
                row.reason, row.remote_id, row.progress = "settled by hand: not posted, sending again", None, {}
            row.updated_at = now
            return post_record(row)

    # ---- consent and accounts ---------------------------------------------------------------------------------
    def give_consent(self, seller_id: str, destination: str, choices: PostChoices,
                     account: str = "default") -> ConsentRecord:
        """Record the seller's standing consent to auto-post (replacing an earlier one), with its time."""
        PUBLISHERS.get(destination, Where(field="destination"))
        if choices.privacy_level not in PRIVACY_LEVELS:
            raise PostRefused(f"a consent needs the seller's privacy choice, one of {', '.join(PRIVACY_LEVELS)}",
                              Where(field="privacy_level"))
        now = utcnow()
        cid = "consent_" + short_hash(seller_id, destination, account, now.isoformat(), n=12)
        with self.db.write() as s:
            s.execute(update(ConsentRow).where(ConsentRow.seller_id == seller_id, ConsentRow.destination == destination,
                                               ConsentRow.account == account, ConsentRow.revoked_at.is_(None))
                      .values(revoked_at=now))
            row = ConsentRow(id=cid, seller_id=seller_id, destination=destination, account=account,
                             choices=choices.to_json(), given_at=now, revoked_at=None)
            s.add(row)
            s.flush()
            return consent_record(row)

    def revoke_consent(self, seller_id: str, destination: str, account: str = "default") -> int:
        """Withdraw the standing consent (auto-posting to the account stops); how many were withdrawn."""
        with self.db.write() as s:
            return s.execute(update(ConsentRow).where(
                ConsentRow.seller_id == seller_id, ConsentRow.destination == destination,
                ConsentRow.account == account, ConsentRow.revoked_at.is_(None)).values(revoked_at=utcnow())).rowcount

    def consent(self, seller_id: str, destination: str, account: str = "default") -> ConsentRecord | None:
        """The standing consent in force, or ``None``."""
        with self.db.read() as s:
            row = s.scalars(select(ConsentRow).where(
                ConsentRow.seller_id == seller_id, ConsentRow.destination == destination,
                ConsentRow.account == account, ConsentRow.revoked_at.is_(None))
                .order_by(ConsentRow.given_at.desc())).first()
            return None if row is None else consent_record(row)

    def paused(self, destination: str, account: str = "default") -> str | None:
        """Why auto-posting to the account is paused, or ``None``."""
        with self.db.read() as s:
            row = s.get(AccountRow, (destination, account))
            return None if row is None else row.paused_reason

    def resume(self, destination: str, account: str = "default") -> None:
        """Resume auto-posting to an account paused by a destination's refusal."""
        with self.db.write() as s:
            s.execute(update(AccountRow).where(AccountRow.destination == destination, AccountRow.account == account)
                      .values(paused_reason=None, paused_at=None, updated_at=utcnow()))

    def wait(self, seller_id: str, post_id: str, timeout_s: float, poll_s: float = 0.5) -> PostRecord:
        """Poll until the post is settled (or ``timeout_s`` passes); the post as it then is."""
        import time

        end = time.monotonic() + timeout_s
        while True:
            post = self.get(seller_id, post_id)
            if post is None:
                raise LiveHighlightsError(f"post {post_id} is gone")
            if post.settled or time.monotonic() >= end:
                return post
            time.sleep(poll_s)


def release_caps(s: Any, row: PostRow) -> None:
    """Give an auto-post's caps back (it was cancelled or failed for good: it will not be posted)."""
    scopes = ["live"] + ([f"product:{row.product_id}"] if row.product_id else [])
    s.execute(update(PostCapRow).where(PostCapRow.live_id == row.live_id, PostCapRow.scope.in_(scopes),
                                       PostCapRow.taken > 0).values(taken=PostCapRow.taken - 1))
