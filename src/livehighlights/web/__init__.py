"""Seller Center: the web app (FastAPI on Uvicorn) over the store: the REST API under ``/api``, sign-in, and the
server-rendered pages. Build it with :func:`livehighlights.web.app.create_app`; ``livehighlights serve`` runs it.

Nothing is imported or opened here (the package marker; setuptools packages only folders that have one).
"""

__all__: list[str] = []
