"""Settings of the Seller Center web app, from the environment (or given by a test).

=====================================  ========================================================  =============
variable                               what                                                      default
=====================================  ========================================================  =============
``LIVEHIGHLIGHTS_DB``                  the store's database URL                                  the store's
``LIVEHIGHLIGHTS_MEDIA``               the store's media root                                    the store's
``LIVEHIGHLIGHTS_HOST``                the host the app is served on                             127.0.0.1
``LIVEHIGHLIGHTS_SECURE_COOKIES``      session cookie ``Secure`` (1/0)                           on, except on
                                                                                                 127.0.0.1 /
                                                                                                 localhost
``LIVEHIGHLIGHTS_SESSION_TTL_S``       how long a sign-in lasts                                  12 hours
``LIVEHIGHLIGHTS_MAX_VIDEO_BYTES``     largest recording upload                                  4 GiB
``LIVEHIGHLIGHTS_MAX_EVENTS_BYTES``    largest event-log upload or event push batch              200 MiB
``LIVEHIGHLIGHTS_SIGNIN_PER_MIN``      sign-in attempts per minute, per client and per username  5 (burst 5)
``LIVEHIGHLIGHTS_EVENTS_IN_FLIGHT``    event batches stored at once before 503 (back-pressure)   4
=====================================  ========================================================  =============

Publishing (destinations, queue) reads its own configuration (:func:`livehighlights.publish.load_config`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError, Where
from ..publish.config import PublishConfig

__all__ = ["LOCAL_HOSTS", "WebSettings"]

LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
"""Hosts served over plain HTTP by default (a browser drops a ``Secure`` cookie there)."""

_ENV = "LIVEHIGHLIGHTS_"


def _int(name: str, default: int, minimum: int = 0) -> int:
    raw = os.environ.get(_ENV + name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise InputError(f"'{raw}' is not a whole number", Where(field=f"${_ENV}{name}")) from None
    if value < minimum:
        raise InputError(f"must be {minimum} or more (got {value})", Where(field=f"${_ENV}{name}"))
    return value


def _bool(name: str, default: bool) -> bool:
    raw = os.environ.get(_ENV + name)
    if raw is None or raw.strip() == "":
        return default
    low = raw.strip().lower()
    if low in ("1", "true", "yes", "on"):
        return True
    if low in ("0", "false", "no", "off"):
        return False
    raise InputError(f"'{raw}' is not on or off (1/0, true/false)", Where(field=f"${_ENV}{name}"))


@dataclass(frozen=True)
class WebSettings:
    """What the web app needs to run (see the module's table)."""

    db: str | None = None
    """The store's database URL (``None``: the store's default)."""
    media_root: Path | None = None
    """The store's media root (``None``: the store's default)."""
    host: str = "127.0.0.1"
    secure_cookies: bool = False
    """Send the session cookie only over HTTPS."""
    session_ttl_s: int = 12 * 3600
    max_video_bytes: int = 4 * 1024**3
    max_events_bytes: int = 200 * 1024**2
    signin_per_min: float = 5.0
    """Sign-in attempts a minute per client address and per username (after a burst of :attr:`signin_burst`)."""
    signin_burst: int = 5
    events_in_flight: int = 4
    """Event batches being stored at once; one more is answered 503 with Retry-After (back-pressure)."""
    publish: PublishConfig = field(default_factory=PublishConfig)
    """Publishing's configuration (destinations, queue, links)."""

    @classmethod
    def from_env(cls, *, host: str | None = None, db: str | None = None, media_root: Path | None = None,
                 publish: PublishConfig | None = None) -> WebSettings:
        """Settings from the environment; arguments given here win over it. Raises :class:`InputError` naming the
        variable for a value that cannot be used."""
        from ..publish.config import load_config

        host = host or os.environ.get(_ENV + "HOST") or "127.0.0.1"
        media_env = os.environ.get(_ENV + "MEDIA")
        return cls(
            db=db or os.environ.get(_ENV + "DB") or None,
            media_root=media_root or (Path(media_env) if media_env else None),
            host=host,
            secure_cookies=_bool("SECURE_COOKIES", host not in LOCAL_HOSTS),
            session_ttl_s=_int("SESSION_TTL_S", cls.session_ttl_s, 60),
            max_video_bytes=_int("MAX_VIDEO_BYTES", cls.max_video_bytes, 1),
            max_events_bytes=_int("MAX_EVENTS_BYTES", cls.max_events_bytes, 1),
            signin_per_min=float(_int("SIGNIN_PER_MIN", int(cls.signin_per_min), 1)),
            signin_burst=_int("SIGNIN_BURST", cls.signin_burst, 1),
            events_in_flight=_int("EVENTS_IN_FLIGHT", cls.events_in_flight, 1),
            publish=publish if publish is not None else load_config(),
        )
