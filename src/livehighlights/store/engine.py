"""Database URLs, engines and migrations of the store, and the one-line errors they turn into.

SQLite (the default, a file) runs in WAL mode with a 30 s busy timeout and foreign keys on; write
transactions start with ``BEGIN IMMEDIATE`` so two processes queue for the lock instead of failing.
PostgreSQL is chosen by URL (``postgresql://`` is read as ``postgresql+psycopg://``). Opening runs the
migrations up to the newest revision, under a lock, so two processes opening a new database at once are safe.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, event, exc, text
from sqlalchemy.engine import URL, Connection, Engine, make_url

from ..errors import LiveHighlightsError

__all__ = ["BUSY_TIMEOUT_S", "CONNECT_TIMEOUT_S", "MIGRATIONS", "StoreError", "default_url", "make_engine",
           "mask", "migrate", "translate"]

BUSY_TIMEOUT_S = 30
"""How long a SQLite writer waits for another process's write to finish."""
CONNECT_TIMEOUT_S = 5
"""How long connecting to a database server may take before the URL is reported unreachable."""
MIGRATIONS = Path(__file__).with_name("migrations")
_PG_LOCK = 0x6C68_7374  # "lhst": advisory lock held while migrating a PostgreSQL database
_USE = "use sqlite:///PATH or postgresql://USER@HOST/DB"
WRITE = "livehighlights_write"
"""Execution option: a write transaction (SQLite: ``BEGIN IMMEDIATE``)."""


class StoreError(LiveHighlightsError):
    """The store cannot be used: an unreachable, read-only or too-new database, a bad URL, a media root
    that cannot be written, a record that does not exist. ``str()`` is one line naming the URL or path."""


def mask(url: str | URL) -> str:
    """The URL as the user wrote it, with its password hidden (as ``***``)."""
    if isinstance(url, URL):
        return url.render_as_string(hide_password=True)
    return re.sub(r"(://[^:/@?#]*:)[^@/?#]*@", r"\1***@", url, count=1)


def default_url() -> str:
    """``$LIVEHIGHLIGHTS_DB``, else a SQLite file in the user's data directory."""
    env = os.environ.get("LIVEHIGHLIGHTS_DB")
    if env:
        return env
    import platformdirs

    return f"sqlite:///{Path(platformdirs.user_data_dir('livehighlights')) / 'livehighlights.db'}"


def _one_line(err: BaseException) -> str:
    orig = getattr(err, "orig", None) or err
    lines = [ln.strip() for ln in str(orig).strip().splitlines() if ln.strip()]
    return lines[0] if lines else type(orig).__name__


def translate(err: BaseException, url: str) -> StoreError:
    """A database error as a one-line :class:`StoreError` naming the (masked) URL."""
    msg = _one_line(err)
    low = msg.lower()
    if "readonly" in low or "read-only" in low or "read only" in low:
        return StoreError(f"database {url} is read-only ({msg})")
    if isinstance(err, exc.OperationalError | exc.InterfaceError) and (
            "connect" in low or "connection" in low or "unable to open" in low):
        return StoreError(f"cannot connect to database {url}: {msg}")
    return StoreError(f"database {url}: {msg}")


def parse_url(url: str) -> URL:
    """Parse and normalise a database URL; :class:`StoreError` if it is not one this store can use."""
    try:
        u = make_url(url)
    except exc.ArgumentError:
        raise StoreError(f"'{mask(url)}' is not a database URL ({_USE})") from None
    backend = u.get_backend_name()
    if backend == "postgresql":
        if u.drivername in ("postgresql", "postgres"):
            u = u.set(drivername="postgresql+psycopg")
    elif backend != "sqlite":
        raise StoreError(f"'{mask(url)}' is not a database URL this store can use ({_USE})")
    return u


def _sqlite_file(u: URL) -> Path | None:
    db = u.database or ""
    if db in ("", ":memory:") or db.startswith("file:") or u.query.get("mode"):
        return None
    return Path(db).expanduser()


def _check_sqlite_file(u: URL, shown: str) -> None:
    path = _sqlite_file(u)
    if path is None:
        return
    if path.exists():
        if path.is_dir():
            raise StoreError(f"database {shown}: {path} is a folder, not a database file")
        if not os.access(path, os.W_OK):
            raise StoreError(f"database {shown} is read-only ({path} cannot be written)")
        if not os.access(path.parent, os.W_OK):
            raise StoreError(f"database {shown} is read-only (its folder {path.parent} cannot be written)")
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise StoreError(f"database {shown}: cannot create folder {path.parent} ({e.strerror})") from None
    if not os.access(path.parent, os.W_OK):
        raise StoreError(f"database {shown}: folder {path.parent} cannot be written")


def make_engine(url: str) -> tuple[Engine, str]:
    """An engine for ``url`` (checked) and the URL as shown in messages (password masked)."""
    u = parse_url(url)
    shown = mask(url)
    if u.get_backend_name() == "sqlite":
        _check_sqlite_file(u, shown)
        engine = create_engine(u, connect_args={"timeout": BUSY_TIMEOUT_S})
        _sqlite_events(engine)
    else:
        args = {"connect_timeout": CONNECT_TIMEOUT_S, "application_name": "livehighlights"}
        engine = create_engine(u, pool_pre_ping=True, connect_args=args)
    return engine, shown


def _sqlite_events(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves (below)
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_S * 1000}")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA synchronous = NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(WRITE) else "BEGIN")


@contextmanager
def _alembic_config(conn: Connection) -> Iterator[object]:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = conn
    yield cfg


def migrate(engine: Engine, shown: str) -> None:
    """Bring the database to the newest schema revision; :class:`StoreError` if it is newer than this code."""
    from alembic import command
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    with engine.connect().execution_options(**{WRITE: True}) as conn:
        with conn.begin():
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK})
            else:  # prove now that the file can be written (rewriting the header's user version changes nothing)
                version = conn.exec_driver_sql("PRAGMA user_version").scalar()
                conn.exec_driver_sql(f"PRAGMA user_version = {int(version or 0)}")
            with _alembic_config(conn) as cfg:
                script = ScriptDirectory.from_config(cfg)  # type: ignore[arg-type]
                known = {s.revision for s in script.walk_revisions()}
                current = MigrationContext.configure(conn).get_current_heads()
                for rev in current:
                    if rev not in known:
                        raise StoreError(f"database {shown}: schema revision {rev} is newer than this "
                                         "livehighlights; upgrade it")
                if set(current) != set(script.get_heads()):
                    command.upgrade(cfg, "head")  # type: ignore[arg-type]
