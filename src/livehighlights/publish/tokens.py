"""Access tokens of a destination account: from the database (after a refresh), else from the configuration;
refreshed with the refresh token when the destination says the token is invalid or it has expired.

Tokens are secrets: they never appear in a message, a log line or a ``repr``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from ..store import Store
from ..store.schema import utcnow
from .db import Db
from .schema import AccountRow

__all__ = ["Refreshed", "Tokens"]


@dataclass(frozen=True)
class Refreshed:
    """A new access token (and refresh token, when the destination rotates it), valid for ``expires_in_s``."""

    access_token: str = field(repr=False)
    refresh_token: str | None = field(default=None, repr=False)
    expires_in_s: float | None = None


class Tokens:
    """The tokens of one ``destination``/``account``; ``refresher`` trades a refresh token for a new pair."""

    def __init__(self, store: Store, destination: str, account: str, access_token: str | None,
                 refresh_token: str | None, refresher: Callable[[str], Refreshed] | None = None) -> None:
        self.db = Db(store)
        self.destination = destination
        self.account = account
        self._config_access = access_token
        self._config_refresh = refresh_token
        self.refresher = refresher

    def __repr__(self) -> str:
        return f"Tokens({self.destination!r}, {self.account!r})"

    def _row(self) -> AccountRow | None:
        with self.db.read() as s:
            return s.get(AccountRow, (self.destination, self.account))

    def access(self) -> str | None:
        """The access token to use now (refreshed first when the stored one has expired)."""
        row = self._row()
        if row is not None and row.access_token:
            if row.expires_at is not None and row.expires_at <= utcnow() + timedelta(seconds=60):
                if self.refresh():
                    row = self._row()
            return row.access_token if row is not None else None
        return self._config_access

    def refresh(self) -> bool:
        """Trade the refresh token for a new access token and store it; False when there is no way to."""
        row = self._row()
        refresh = (row.refresh_token if row is not None and row.refresh_token else None) or self._config_refresh
        if not refresh or self.refresher is None:
            return False
        got = self.refresher(refresh)
        self.store_tokens(got)
        return True

    def store_tokens(self, got: Refreshed) -> None:
        now = utcnow()
        expires: datetime | None = now + timedelta(seconds=got.expires_in_s) if got.expires_in_s else None
        vals = {"access_token": got.access_token, "expires_at": expires, "updated_at": now}
        if got.refresh_token:
            vals["refresh_token"] = got.refresh_token
        with self.db.write() as s:
            s.execute(self.db.insert(AccountRow).values(destination=self.destination, account=self.account, **vals)
                      .on_conflict_do_update(index_elements=["destination", "account"], set_=vals))
