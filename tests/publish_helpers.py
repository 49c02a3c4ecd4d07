"""Helpers of the publishing tests: a real small MP4 made with FFmpeg, stored under the media root, and LIVEs with
highlights created through the Store API."""

from __future__ import annotations

import dataclasses
import subprocess
from pathlib import Path
from typing import Any

from livehighlights.models import Moment
from livehighlights.publish import PublishConfig, ShopConfig, TikTokConfig, WebhookConfig
from livehighlights.store import HighlightRecord, Store, highlight_id, moment_id


def make_clip(path: Path, seconds: float = 6.0, size: str = "720x1280", lossless: bool = False) -> Path:
    """A real H.264 + AAC MP4 (``lossless``: a big one, for multi-chunk uploads)."""
    import imageio_ffmpeg

    venc = ["-c:v", "libx264", "-preset", "ultrafast"] + (["-qp", "0"] if lossless else ["-crf", "28"])
    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-nostdin", "-y",
                    "-f", "lavfi", "-i", f"testsrc2=size={size}:rate=30:duration={seconds}",
                    "-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=48000:duration={seconds}",
                    *venc, "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", str(path)], check=True)
    return path


def add_highlights(store: Store, clip: Path, n: int, *, live_key: str = "evening", seller: str = "default",
                   products: list[str | None] | None = None, status: str = "ended", catalog: Path | None = None,
                   **fields: Any) -> list[HighlightRecord]:
    """``n`` highlights of one LIVE (each 20 s, tier basic, postable), all with ``clip`` stored under the media
    root; ``products[i]`` is highlight i's product (default p1, p2, p3 in turn)."""
    s = store.seller(seller)
    live = store.upsert_live(s.id, live_key, title="Summer drop", status=status, catalog=catalog)
    rel = store.media.put(clip, kind="clip")
    out = []
    for i in range(n):
        prod = products[i] if products is not None else f"p{i % 3 + 1}"
        m = Moment(start_ms=i * 60_000, end_ms=i * 60_000 + 20_000, peak_ms=i * 60_000 + 5_000, score=3.0 - i / 100,
                   detector="shopping", product_id=prod, kind="product", breakdown={"orders": 2.0},
                   evidence={"orders": {"value": 9, "z": 5.1}}, confirmed_at_ms=i * 60_000 + 30_000)
        mid = moment_id(live.id, m.detector, m.start_ms, m.product_id)
        h = HighlightRecord(id=highlight_id(mid), live_id=live.id, moment_id=mid, rank=i + 1, start_ms=m.start_ms,
                            end_ms=m.end_ms, product_id=prod, product_title=f"Glow serum {prod}", kind="product",
                            score=m.score, rank_score=m.score, why=["orders x5.1"],
                            content={"selling_points": ["vegan", "SPF 30"]}, moment=m, tier="basic", postable=True,
                            blocked_by=[], clip=rel, thumbnail=None)
        out.append(store.save_highlight(dataclasses.replace(h, **fields)))
    return out


def config_for(*, webhook: str | None = None, secret: str = "s3cret", tiktok: str | None = None,
               token: str = "act.good", shop: str | None = None, multipart: bool = False, refresh: str = "rft.good",
               **kw: Any) -> PublishConfig:
    """A configuration pointing at stand-ins, with fast retries."""
    base = dict(backoff_s=0.05, backoff_max_s=0.2, lease_s=30.0, max_attempts=6,
                product_url="https://shop.example/p/{product_id}", room_url="https://live.example/{live_key}")
    base.update(kw)
    return PublishConfig(
        webhook=WebhookConfig(url=webhook or "http://127.0.0.1:9/hooks", secret=secret, timeout_s=2.0,
                              multipart=multipart),
        tiktok_shop=ShopConfig(base_url=shop or "https://open-api.tiktokglobalshop.com", app_key="appkey",
                               app_secret="appsecret", access_token="shoptoken", poll_s=0.05, timeout_s=3.0),
        tiktok=TikTokConfig(base_url=tiktok or "https://open.tiktokapis.com", access_token=token,
                            refresh_token=refresh, client_key="ck", client_secret="cs", timeout_s=3.0,
                            poll_s=0.05, query_per_min=6000, init_per_min=6000, status_per_min=6000,
                            auth_url=f"{tiktok or 'https://open.tiktokapis.com'}/v2/oauth/token/"),
        **base)
