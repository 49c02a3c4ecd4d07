"""Alembic environment of the store: runs on the connection the store hands over (no alembic.ini, no URL here).

For a developer making a new revision against a scratch database::

    python -m livehighlights.store.migrate revision -m "what changed" --url sqlite:////tmp/scratch.db
"""

from __future__ import annotations

from alembic import context

import livehighlights.publish.schema  # noqa: F401 - publishing tables (0002) share the metadata
import livehighlights.store.schema_app  # noqa: F401 - accounts, settings, tasks (0004)
from livehighlights.store.schema import Base

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only reached when alembic is run by hand without the store
    raise RuntimeError("run migrations through livehighlights.store (open_store), not the alembic command")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
