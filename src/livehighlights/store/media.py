"""The media root: clips, thumbnails and remixes as files named by their content's SHA-256.

Records hold paths relative to the root (``clip/3f/3fa9….mp4``), so moving the root moves everything. A file
is written to a temporary name inside the root and renamed into place (``os.replace``), so a crash never leaves
a half-written file under its final name; the same content is stored once.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
from pathlib import Path

from .engine import StoreError

__all__ = ["MediaRoot"]

_KIND = re.compile(r"[a-z0-9][a-z0-9_-]{0,31}")
_EXT = re.compile(r"\.[A-Za-z0-9]{1,8}")
_TMP = ".tmp"
_CHUNK = 1 << 20


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(_CHUNK):
            h.update(chunk)
    return h.hexdigest()


class MediaRoot:
    """A folder of content-addressed media files (see the module's note)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root).expanduser().resolve()

    def __repr__(self) -> str:
        return f"MediaRoot({str(self.root)!r})"

    def check_writable(self) -> None:
        """Create the root if missing and prove a file can be written in it; :class:`StoreError` if not."""
        try:
            if self.root.exists() and not self.root.is_dir():
                raise StoreError(f"media root {self.root} is not writable (it is a file, not a folder)")
            (self.root / _TMP).mkdir(parents=True, exist_ok=True)
            fd, name = tempfile.mkstemp(dir=self.root / _TMP, prefix="probe-")
            os.close(fd)
            os.unlink(name)
        except OSError as e:
            raise StoreError(f"media root {self.root} is not writable ({e.strerror or e})") from None

    def tmp(self) -> Path:
        """A new private folder inside the root for files in progress (same file system as the final place, so
        :meth:`put` renames instead of copying across devices). The caller removes it when done."""
        try:
            (self.root / _TMP).mkdir(parents=True, exist_ok=True)
            return Path(tempfile.mkdtemp(dir=self.root / _TMP, prefix="work-"))
        except OSError as e:
            raise StoreError(f"media root {self.root} is not writable ({e.strerror or e})") from None

    def put(self, src: Path, *, kind: str) -> str:
        """Store ``src`` as ``<kind>/<ab>/<sha256><ext>`` and return that path, relative to the root.

        ``kind`` is a short lower-case name (``clip``, ``thumbnail``, ``remix``). The same content gives the
        same path and is not copied a second time. ``src`` is left where it is.
        """
        if not _KIND.fullmatch(kind):
            raise StoreError(f"media kind '{kind}' is not a short lower-case name (like clip, thumbnail)")
        src = Path(src)
        try:
            digest = _sha256(src)
        except OSError as e:
            raise StoreError(f"{src}: cannot read it to store it ({e.strerror or e})") from None
        ext = src.suffix.lower() if _EXT.fullmatch(src.suffix) else ""
        rel = f"{kind}/{digest[:2]}/{digest}{ext}"
        dest = self.root / rel
        if dest.is_file() and dest.stat().st_size == src.stat().st_size:
            return rel
        try:
            dest.parent.mkdir(parents=True, exist_ok=True)
            (self.root / _TMP).mkdir(parents=True, exist_ok=True)
            fd, tmp_name = tempfile.mkstemp(dir=self.root / _TMP, prefix="put-", suffix=ext)
            try:
                with os.fdopen(fd, "wb") as out, src.open("rb") as inp:
                    shutil.copyfileobj(inp, out, _CHUNK)
                    out.flush()
                    os.fsync(out.fileno())
                os.chmod(tmp_name, 0o644)
                os.replace(tmp_name, dest)
            except BaseException:
                Path(tmp_name).unlink(missing_ok=True)
                raise
        except OSError as e:
            raise StoreError(f"media root {self.root} is not writable ({e.strerror or e})") from None
        return rel

    def path(self, rel: str) -> Path:
        """The absolute path of a stored file; :class:`StoreError` if ``rel`` leads outside the root (an absolute
        path, ``..``, or a symbolic link pointing out)."""
        parts = Path(rel).parts
        if not rel or Path(rel).is_absolute() or ".." in parts or "\\" in rel or "\x00" in rel:
            raise StoreError(f"media path '{rel}' is not a path inside the media root {self.root}")
        full = (self.root / rel).resolve()
        if not full.is_relative_to(self.root):
            raise StoreError(f"media path '{rel}' leads outside the media root {self.root}")
        return full
