"""HTTP calls of the publishers (httpx), with transport faults turned into what the outbox may do next.

A connection that never opened is always safe to retry (nothing reached the destination). A timeout or a
dropped connection after the request went out is safe to retry only where the destination de-duplicates
(``resend_safe``); elsewhere it is an :class:`~.base.AnswerLost`.
"""

from __future__ import annotations

import email.utils
import time
from typing import Any
from urllib.parse import urlsplit

import httpx

from .base import AnswerLost, Publisher, Retryable

__all__ = ["HttpPublisher", "call", "client", "retry_after"]


def client(timeout_s: float) -> httpx.Client:
    """A client with the destination's timeout (connecting gets at most 10 s of it)."""
    return httpx.Client(timeout=httpx.Timeout(timeout_s, connect=min(10.0, timeout_s)), follow_redirects=False,
                        trust_env=False)


class HttpPublisher(Publisher):
    """A publisher that speaks HTTP: one client, opened on first use with :attr:`timeout_s`, closed with it."""

    _http: httpx.Client | None = None

    @property
    def timeout_s(self) -> float:
        """Seconds an answer may take (the destination's configured timeout)."""
        raise NotImplementedError

    @property
    def http(self) -> httpx.Client:
        if self._http is None:
            self._http = client(self.timeout_s)
        return self._http

    def close(self) -> None:
        if self._http is not None:
            self._http.close()
            self._http = None


def retry_after(resp: httpx.Response) -> float | None:
    """The ``Retry-After`` header in seconds (delta or HTTP date), if any."""
    raw = resp.headers.get("retry-after")
    if not raw:
        return None
    try:
        return max(0.0, float(raw))
    except ValueError:
        when = email.utils.parsedate_to_datetime(raw)
        return None if when is None else max(0.0, when.timestamp() - time.time())


def call(http: httpx.Client, method: str, url: str, *, what: str, resend_safe: bool, **kw: Any) -> httpx.Response:
    """Send one request; transport faults become :class:`Retryable` or :class:`AnswerLost` (see the module)."""
    host = urlsplit(url).netloc
    try:
        return http.request(method, url, **kw)
    except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as e:
        raise Retryable(f"{what}: cannot connect to {host} ({type(e).__name__})", "connect") from None
    except (httpx.TimeoutException, httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError) as e:
        msg = f"{what}: no answer from {host} ({type(e).__name__}) after the request was sent"
        if resend_safe:
            raise Retryable(msg, "timeout") from None
        raise AnswerLost(msg, "answer_lost") from None
