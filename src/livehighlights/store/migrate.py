"""Developer tool: write a new schema migration from the difference between the models and a database.

    python -m livehighlights.store.migrate revision -m "add posts" [--url sqlite:////tmp/scratch.db]

The database (a scratch SQLite file by default) is first brought to the newest existing revision; the new
revision file lands in ``migrations/versions``. Review it before committing.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from .engine import MIGRATIONS, make_engine, migrate

__all__ = ["main"]


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python -m livehighlights.store.migrate")
    sub = ap.add_subparsers(dest="cmd", required=True)
    rev = sub.add_parser("revision", help="autogenerate a new revision")
    rev.add_argument("-m", "--message", required=True)
    rev.add_argument("--url", default=None)
    rev.add_argument("--rev-id", default=None)
    args = ap.parse_args(argv)

    from alembic import command
    from alembic.config import Config

    with tempfile.TemporaryDirectory() as tmp:
        url = args.url or f"sqlite:///{Path(tmp) / 'scratch.db'}"
        engine, shown = make_engine(url)
        migrate(engine, shown)
        with engine.begin() as conn:
            cfg = Config()
            cfg.set_main_option("script_location", str(MIGRATIONS))
            cfg.attributes["connection"] = conn
            command.revision(cfg, message=args.message, autogenerate=True, rev_id=args.rev_id)
        engine.dispose()


if __name__ == "__main__":
    main()
