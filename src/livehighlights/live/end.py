"""The end of a followed LIVE: its row closed, the posts that said "LIVE now" updated, the review list exported.

A LIVE ends on an end event, when its stream stops for good (no new video for the configured time) or when the
recording played as if live runs out. Then:

- the LIVE is marked ended (with its length and the time it ended), so the local feed shows it ended: the feed
  reads each LIVE's status as it is now, and the seller's ``feed.json`` is written again at once;
- each webhook that got an automatic post during the LIVE gets a signed update (``"event": "live_ended"``, with
  the post's id, its own idempotency key and the LIVE as it is now); TikTok offers no way to edit a posted
  video's caption, so posts there stay as they are (the LIVE room link simply leads to the ended room);
- the review list is ranked over every moment the follower kept and exported like ``process`` does (clips cut
  while the LIVE ran are reused, so this takes seconds).
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from ..jobs import Candidate, LiveContext
from ..publish import Outbox, PostRecord
from ..publish.config import PublishConfig
from ..store import Store
from ..store.schema import utcnow
from .leases import save_follow

__all__ = ["EndReport", "end_live", "export_review", "notify_webhook"]

log = logging.getLogger(__name__)


@dataclass
class EndReport:
    """What ending the LIVE did."""

    live_id: str
    ended_by: str
    """``end event``, ``stream stopped``, ``recording ended``."""
    end_ms: int
    ended_at: datetime
    feeds_updated: int = 0
    """Local feeds written again (showing the LIVE ended)."""
    webhooks_updated: int = 0
    failures: list[str] = field(default_factory=list)
    review: Path | None = None
    """The exported review list (``highlights.json``), when asked for."""
    review_s: float = 0.0
    """Seconds from the end to the review list exported."""


def end_live(store: Store, ctx: LiveContext, config: PublishConfig, *, end_ms: int, ended_by: str,
             candidates: list[Candidate], out_dir: Path | None, job_key: str, events_label: str = "store") -> EndReport:
    """Close the LIVE and do what its end calls for (see the module's note)."""
    t0 = time.monotonic()
    now = utcnow()
    save_follow(store, ctx.live_id, status="ended", ended_at=now, duration_ms=end_ms)
    rep = EndReport(ctx.live_id, ended_by, end_ms, now)
    posts = Outbox(store, config).posts(ctx.seller_id, ctx.live_id)
    if any(p.destination == "local" and p.state == "published" for p in posts):
        from ..publish.local import write_feed

        write_feed(store, ctx.seller_id, media_url=config.media_url)
        rep.feeds_updated = 1
    for p in posts:
        if p.destination == "webhook" and p.state == "published" and p.auto:
            err = notify_webhook(config, p, end_ms, now)
            if err is None:
                rep.webhooks_updated += 1
            else:
                rep.failures.append(err)
    if out_dir is not None:
        rep.review = export_review(store, ctx, candidates, out_dir, job_key, end_ms, events_label)
    rep.review_s = round(time.monotonic() - t0, 3)
    return rep


def notify_webhook(config: PublishConfig, post: PostRecord, end_ms: int, ended_at: datetime,
                   attempts: int = 3) -> str | None:
    """Send the webhook a signed ``live_ended`` update of ``post``; ``None`` when it was taken, else why not."""
    import httpx

    from ..publish.webhook import SIGNATURE_HEADER, TIMESTAMP_HEADER, sign

    cfg = config.webhook
    if not cfg.url or not cfg.secret:
        return f"post {post.id}: the webhook is not configured any more: no update sent"
    live = dict(post.payload.get("live") or {})
    live.update(status="ended", duration_ms=end_ms, ended_at=ended_at.isoformat())
    key = f"{post.idem_key}:live_ended"
    doc = {"event": "live_ended", "post_id": post.id, "idempotency_key": key, "remote_id": post.remote_id,
           "live": live}
    body = json.dumps(doc, sort_keys=True, ensure_ascii=False).encode()
    last = ""
    for n in range(attempts):
        ts = int(time.time())
        headers = {"Idempotency-Key": key, TIMESTAMP_HEADER: str(ts), SIGNATURE_HEADER: sign(cfg.secret, ts, body),
                   "Content-Type": "application/json", "User-Agent": "livehighlights"}
        try:
            resp = httpx.post(cfg.url, content=body, headers=headers, timeout=float(cfg.timeout_s))
            if 200 <= resp.status_code < 300:
                return None
            last = f"HTTP {resp.status_code}"
            if resp.status_code < 500 and resp.status_code not in (408, 429):
                break
        except httpx.HTTPError as e:
            last = type(e).__name__
        time.sleep(min(2.0, 0.5 * (n + 1)))
    return f"post {post.id}: the webhook did not take the LIVE's end ({last})"


def export_review(store: Store, ctx: LiveContext, candidates: list[Candidate], out_dir: Path, job_key: str,
                  end_ms: int, events_label: str) -> Path:
    """Rank the kept candidates into the review list and export it to ``out_dir`` (``highlights.json`` and
    ``clips/``), as ``process`` does; the report's path."""
    from ..jobs.export import finish_live, write_report
    from ..jobs.records import transcript_json
    from ..pipeline import Highlight, ProcessResult
    from ..plan import select_items

    ranked, rejected = select_items(candidates, ctx.options.plan, lambda c: c.window)
    highlights = [Highlight(rank=i + 1, window=c.window, compliance=c.report,
                            transcript=c.transcript if c.transcript is not None else transcript_json(c))
                  for i, c in enumerate(ranked)]
    finish_live(ctx, store, ranked, highlights, out_dir, job_key)
    result = ProcessResult(out_dir, highlights, rejected, [], [], {}, end_ms, out_dir / "highlights.json",
                           dict(ctx.analysis.seconds), live_id=ctx.live_id)
    write_report(result, recording=ctx.recording, events=Path(events_label), catalog=ctx.catalog,
                 catalog_path=ctx.catalog_path)
    return result.report_path
