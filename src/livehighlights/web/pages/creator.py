"""What TikTok says about the seller's account before a post: its nickname, the privacy levels it offers, which
interactions its settings turn off and the longest video it takes (``creator_info/query``).

TikTok's sharing guidelines ask the posting page to show the creator's nickname and to offer only what the account
allows, so the dialog asks each time it is shown (kept :data:`TTL_S` seconds: the endpoint allows about 20 calls a
minute). A TikTok that cannot be asked is said in one line on the dialog, and the post is not refused for it (the
worker asks again before it sends).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

import httpx

from ...publish.config import PublishConfig
from ...publish.tiktok import CREATOR_INFO, TikTokPublisher
from ...store import Store

__all__ = ["TTL_S", "CreatorInfo", "creator_info"]

TTL_S = 30.0
_cache: dict[tuple[str, str, str], tuple[float, CreatorInfo]] = {}
_lock = threading.Lock()


@dataclass(frozen=True, slots=True)
class CreatorInfo:
    """The account as TikTok describes it (or ``problem``: why it could not be asked)."""

    nickname: str | None = None
    username: str | None = None
    privacy_options: list[str] = field(default_factory=list)
    comment_disabled: bool = False
    duet_disabled: bool = False
    stitch_disabled: bool = False
    max_duration_s: int | None = None
    problem: str | None = None


def _ask(config: PublishConfig, store: Store, account: str) -> CreatorInfo:
    pub = TikTokPublisher(config, store)
    try:
        token = pub.tokens(account).access()
    except Exception as e:  # noqa: BLE001 - a refresh that failed: said on the dialog
        return CreatorInfo(problem=f"TikTok's access token cannot be refreshed ({e})")
    if not token:
        return CreatorInfo(problem="no TikTok access token for this account")
    try:
        resp = httpx.post(config.tiktok.base_url + CREATOR_INFO, json={}, timeout=min(8.0, pub.timeout_s),
                          headers={"Authorization": f"Bearer {token}",
                                   "Content-Type": "application/json; charset=UTF-8"})
        doc = resp.json()
    except (httpx.HTTPError, ValueError) as e:
        return CreatorInfo(problem=f"TikTok could not be asked about the account ({type(e).__name__})")
    err = doc.get("error") or {}
    if resp.status_code >= 400 or err.get("code") not in (None, "", "ok"):
        return CreatorInfo(problem=f"TikTok refused to describe the account: {err.get('code') or resp.status_code}"
                                   f"{' - ' + str(err.get('message')) if err.get('message') else ''}")
    d = doc.get("data") or {}
    maxd = d.get("max_video_post_duration_sec")
    return CreatorInfo(nickname=d.get("creator_nickname") or None, username=d.get("creator_username") or None,
                       privacy_options=[str(x) for x in d.get("privacy_level_options") or []],
                       comment_disabled=bool(d.get("comment_disabled")), duet_disabled=bool(d.get("duet_disabled")),
                       stitch_disabled=bool(d.get("stitch_disabled")),
                       max_duration_s=int(maxd) if isinstance(maxd, int | float) else None)


def creator_info(config: PublishConfig, store: Store, account: str = "default") -> CreatorInfo | None:
    """The TikTok account's description (``None`` when TikTok is not configured)."""
    if TikTokPublisher(config, store).missing():
        return None
    key = (config.tiktok.base_url, account, str(id(store)))
    now = time.monotonic()
    with _lock:
        got = _cache.get(key)
        if got is not None and now - got[0] < TTL_S:
            return got[1]
    info = _ask(config, store, account)
    with _lock:
        _cache[key] = (now, info)
    return info
