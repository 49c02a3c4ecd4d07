"""A throw-away PostgreSQL server in a temporary folder, for the store's tests and benchmark.

It runs the Debian/Ubuntu server binaries (``/usr/lib/postgresql/*/bin``, or ``initdb`` on the PATH), listens
only on a Unix socket in its folder, trusts local connections and is removed when stopped. PostgreSQL refuses
to run as root, so as root the folder is handed to the ``postgres`` user (else ``nobody``) and the server runs as
that user (``runuser``)::

    with TempPostgres() as pg:
        store = open_store(pg.url("mydb"))
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

from .engine import StoreError

__all__ = ["TempPostgres", "find_pg_bin"]


def find_pg_bin() -> Path:
    """The folder of ``initdb`` and ``pg_ctl``; :class:`StoreError` if PostgreSQL's server is not installed."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3])
                   if Path(p).parts[-3].isdigit() else 0)
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("initdb")
    if on_path:
        return Path(on_path).parent
    raise StoreError("PostgreSQL server binaries (initdb, pg_ctl) not found in /usr/lib/postgresql/*/bin or on "
                     "the PATH; install them with: scripts/install.sh --dev (apt package 'postgresql')")


class TempPostgres:
    """A PostgreSQL server of its own (see the module's note). ``fast=True`` turns off fsync (tests only)."""

    def __init__(self, *, fast: bool = True) -> None:
        self.bin = find_pg_bin()
        self.fast = fast
        self.dir: Path | None = None
        self._user: str | None = None

    def _run(self, *args: str) -> None:
        assert self.dir is not None
        cmd = [str(self.bin / args[0]), *args[1:]]
        if self._user:
            cmd = ["runuser", "-u", self._user, "--", *cmd]
        done = subprocess.run(cmd, cwd=self.dir, capture_output=True, text=True, timeout=120)
        if done.returncode:
            tail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["(no output)"]
            raise StoreError(f"temporary PostgreSQL: {args[0]} failed: {tail[0]}")

    def start(self) -> TempPostgres:
        self.dir = Path(tempfile.mkdtemp(prefix="lhpg-"))  # short: a socket path must fit in 107 bytes
        if os.geteuid() == 0:
            for name in ("postgres", "nobody"):
                try:
                    ent = pwd.getpwnam(name)
                except KeyError:
                    continue
                os.chown(self.dir, ent.pw_uid, ent.pw_gid)
                self._user = name
                break
            else:
                raise StoreError("temporary PostgreSQL: running as root and no 'postgres' or 'nobody' user to run as")
        self._run("initdb", "-D", "data", "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync",
                  "--no-instructions")
        opts = f"-k {self.dir} -c listen_addresses='' -c max_connections=50"
        if self.fast:
            opts += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        self._run("pg_ctl", "-D", "data", "-l", "server.log", "-o", opts, "-w", "-t", "60", "start")
        return self

    def url(self, database: str = "postgres") -> str:
        """A SQLAlchemy URL of a database on this server (see :meth:`create_database`)."""
        assert self.dir is not None
        return f"postgresql+psycopg://postgres@/{database}?host={self.dir}"

    def create_database(self, name: str) -> str:
        """Create a database and return its URL."""
        import psycopg

        with psycopg.connect(host=str(self.dir), user="postgres", dbname="postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        if self.dir is None:
            return
        try:
            if (self.dir / "data" / "postmaster.pid").exists():
                self._run("pg_ctl", "-D", "data", "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)
            self.dir = None

    def __enter__(self) -> TempPostgres:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
