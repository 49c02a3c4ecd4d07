"""Publishing configuration: a TOML file and, for every setting, an environment variable (which wins).

The file is ``$LIVEHIGHLIGHTS_CONFIG``, else ``config.toml`` in the user's config directory (optional). A top-level
setting ``KEY`` is read from ``$LIVEHIGHLIGHTS_KEY``; a setting ``KEY`` of section ``[SECTION]`` from
``$LIVEHIGHLIGHTS_SECTION_KEY`` (``tiktok-shop`` is ``TIKTOK_SHOP``)::

    db = "postgresql://lh@db/livehighlights"        # LIVEHIGHLIGHTS_DB
    queue = "redis://queue:6379/0"                   # LIVEHIGHLIGHTS_QUEUE (else the embedded SQLite queue)
    product_url = "https://shop.example/p/{product_id}"
    [webhook]
    url = "https://example.com/hooks/clips"          # LIVEHIGHLIGHTS_WEBHOOK_URL
    secret = "..."                                   # LIVEHIGHLIGHTS_WEBHOOK_SECRET
    [tiktok]
    access_token = "act...."                         # LIVEHIGHLIGHTS_TIKTOK_ACCESS_TOKEN

Secrets (tokens, keys) are never part of a ``repr`` and never logged.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..errors import InputError, Where
from ..rules import TIKTOK_INIT_PER_MIN, TIKTOK_QUERY_PER_MIN, TIKTOK_STATUS_PER_MIN

__all__ = ["PublishConfig", "ShopConfig", "TikTokConfig", "WebhookConfig", "check_url", "config_path",
           "load_config"]

ENV = "LIVEHIGHLIGHTS_"


def check_url(value: str, setting: str) -> str:
    """``value`` if it is an absolute http(s) URL with a host, else an :class:`InputError` naming the setting."""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError(f"'{value}' is not an http(s) URL", Where(field=setting))
    return value.rstrip("/")


@dataclass(frozen=True)
class WebhookConfig:
    """``url``: where posts are sent; ``secret``: the shared HMAC key; ``multipart``: upload the clip with the
    JSON instead of linking it; ``replay_window_s``: how old a signed timestamp a receiver should accept."""

    url: str | None = None
    secret: str | None = field(default=None, repr=False)
    timeout_s: float = 10.0
    multipart: bool = False
    replay_window_s: int = 300


@dataclass(frozen=True)
class TikTokConfig:
    """TikTok Content Posting API (Direct Post). ``chunk_size``: upload chunk in bytes (default: the largest the
    rules allow, 64 MB; tests use smaller files). ``client_key``/``client_secret``: for refreshing the token and
    verifying webhook events."""

    base_url: str = "https://open.tiktokapis.com"
    auth_url: str = "https://open.tiktokapis.com/v2/oauth/token/"
    access_token: str | None = field(default=None, repr=False)
    refresh_token: str | None = field(default=None, repr=False)
    client_key: str | None = field(default=None, repr=False)
    client_secret: str | None = field(default=None, repr=False)
    timeout_s: float = 30.0
    chunk_size: int | None = None
    poll_s: float = 5.0
    query_per_min: float = TIKTOK_QUERY_PER_MIN
    init_per_min: float = TIKTOK_INIT_PER_MIN
    status_per_min: float = TIKTOK_STATUS_PER_MIN


@dataclass(frozen=True)
class ShopConfig:
    """TikTok Shop Partner API (creator videos). ``version``: the path version (it drifts: ``202409`` ...)."""

    base_url: str = "https://open-api.tiktokglobalshop.com"
    app_key: str | None = field(default=None, repr=False)
    app_secret: str | None = field(default=None, repr=False)
    access_token: str | None = field(default=None, repr=False)
    version: str = "202409"
    shop_cipher: str | None = field(default=None, repr=False)
    timeout_s: float = 60.0
    poll_s: float = 5.0
    per_min: float = 10.0


@dataclass(frozen=True)
class PublishConfig:
    """Everything publishing reads. ``product_url``/``room_url``: templates of a product's buy link and the LIVE
    room link (``{product_id}``, ``{live_id}``, ``{live_key}``, ``{seller}``); ``media_url``: the public base URL
    of the media root (clip and thumbnail links in webhooks and the feed)."""

    db: str | None = None
    media: str | None = None
    queue: str | None = None
    product_url: str | None = None
    room_url: str | None = None
    media_url: str | None = None
    lease_s: float = 120.0
    max_attempts: int = 8
    backoff_s: float = 2.0
    backoff_max_s: float = 300.0
    webhook: WebhookConfig = field(default_factory=WebhookConfig)
    tiktok: TikTokConfig = field(default_factory=TikTokConfig)
    tiktok_shop: ShopConfig = field(default_factory=ShopConfig)
    source: str = "defaults"


_SECTIONS = {"webhook": WebhookConfig, "tiktok": TikTokConfig, "tiktok_shop": ShopConfig}
_URLS = {"base_url", "auth_url", "url", "media_url"}


def config_path() -> Path:
    env = os.environ.get(ENV + "CONFIG")
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_config_dir("livehighlights")) / "config.toml"


def _convert(value: Any, typ: Any, setting: str, where: str) -> Any:
    t = str(typ)
    try:
        if "bool" in t:
            if isinstance(value, bool):
                return value
            low = str(value).strip().lower()
            if low in ("1", "true", "yes", "on"):
                return True
            if low in ("0", "false", "no", "off", ""):
                return False
            raise ValueError
        if "float" in t:
            out = float(value)
            if out < 0:
                raise ValueError
            return out
        if "int" in t:
            if isinstance(value, bool):
                raise ValueError
            out_i = int(value)
            if out_i < 0:
                raise ValueError
            return out_i
    except (TypeError, ValueError):
        raise InputError(f"'{value}' is not a valid {t.replace(' | None', '')}", Where(where, field=setting)) from None
    if not isinstance(value, str):
        raise InputError(f"expected text, got {type(value).__name__}", Where(where, field=setting))
    if setting.rsplit(".", 1)[-1] in _URLS and value:
        try:
            return check_url(value, setting)
        except InputError as e:
            raise InputError(e.message, Where(where, field=setting)) from None
    return value or None


def _build(cls: Any, doc: dict[str, Any], prefix: str, env_prefix: str, where: str) -> Any:
    known = {f.name: f for f in fields(cls)}
    for key in doc:
        if key.replace("-", "_") not in known:
            raise InputError(f"unknown setting (known: {', '.join(sorted(known))})",
                             Where(where, field=prefix + key))
    kw: dict[str, Any] = {}
    for name, f in known.items():
        if name == "source" or name in _SECTIONS:
            continue
        setting = prefix + name
        env = os.environ.get(env_prefix + name.upper())
        if env is not None:
            kw[name] = _convert(env, f.type, setting, "$" + env_prefix + name.upper())
        elif name in doc or name.replace("_", "-") in doc:
            raw = doc.get(name, doc.get(name.replace("_", "-")))
            kw[name] = _convert(raw, f.type, setting, where)
    return cls(**kw)


def load_config(path: Path | None = None) -> PublishConfig:
    """The configuration from ``path`` (default :func:`config_path`, optional unless given) and the environment.
    Raises :class:`InputError` naming the file and setting on a bad value."""
    given = path is not None
    path = path if path is not None else config_path()
    doc: dict[str, Any] = {}
    if path.exists() or given:
        try:
            doc = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise InputError("configuration file not found", Where(path)) from None
        except (OSError, UnicodeDecodeError) as e:
            raise InputError(f"cannot read it ({e})", Where(path)) from None
        except tomllib.TOMLDecodeError as e:
            raise InputError(f"not valid TOML ({e})", Where(path)) from None
    where = str(path)
    sections: dict[str, Any] = {}
    for name, cls in _SECTIONS.items():
        raw = doc.pop(name, None) or doc.pop(name.replace("_", "-"), None) or {}
        if not isinstance(raw, dict):
            raise InputError("expected a [section] table", Where(where, field=name))
        sections[name] = _build(cls, raw, name + ".", ENV + name.upper() + "_", where)
    top = _build(PublishConfig, doc, "", ENV, where)
    from dataclasses import replace

    return replace(top, source=where if doc or sections else "defaults", **sections)
