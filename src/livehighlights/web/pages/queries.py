"""Read-only figures the pages show that the store does not keep as such: a LIVE's GMV and orders (from its
order events) and how many of its highlights are posted (from the outbox). Every query is scoped to the seller."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import distinct, func, select
from sqlalchemy import exc as sa_exc

from ...publish.schema import PostRow
from ...store import Store
from ...store.schema import EventRow, LiveRow

__all__ = ["LiveTotals", "live_totals"]


@dataclass(frozen=True, slots=True)
class LiveTotals:
    """What a LIVE sold and what of it is posted."""

    gmv: float = 0.0
    currency: str | None = None
    orders: int = 0
    posted: int = 0
    """Highlights with at least one published post."""


def live_totals(store: Store, seller_id: str, live_ids: list[str] | None = None) -> dict[str, LiveTotals]:
    """Totals of the seller's LIVEs (of ``live_ids`` when given), by LIVE id."""
    sales = (select(EventRow.live_id, func.coalesce(func.sum(EventRow.amount), 0.0), func.count(),
                    func.max(EventRow.currency))
             .join(LiveRow, LiveRow.id == EventRow.live_id)
             .where(LiveRow.seller_id == seller_id, EventRow.type == "order").group_by(EventRow.live_id))
    posted = (select(PostRow.live_id, func.count(distinct(PostRow.highlight_id)))
              .where(PostRow.seller_id == seller_id, PostRow.state == "published").group_by(PostRow.live_id))
    if live_ids is not None:
        sales = sales.where(EventRow.live_id.in_(live_ids))
        posted = posted.where(PostRow.live_id.in_(live_ids))
    out: dict[str, dict[str, object]] = {}
    try:
        with store.session() as s:
            for lid, gmv, n, cur in s.execute(sales):
                out.setdefault(lid, {}).update(gmv=round(float(gmv or 0.0), 2), orders=int(n), currency=cur)
            for lid, n in s.execute(posted):
                out.setdefault(lid, {})["posted"] = int(n)
    except sa_exc.SQLAlchemyError as e:
        raise store.fail(e) from None
    return {k: LiveTotals(**v) for k, v in out.items()}  # type: ignore[arg-type]
