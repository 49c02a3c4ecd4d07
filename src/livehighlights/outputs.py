"""Checks on the places a command writes to, made before any work starts.

No command writes over one of its own inputs; none replaces a file it did not make unless told to
(``--overwrite``); a folder where a file is expected, a parent that cannot be created or written, all get a
one-line message naming the path.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import InputError, Where

__all__ = ["EXPORT_ENTRIES", "check_output_dir", "check_output_file", "folder_lock"]


def _same(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def check_output_file(out: Path, *, inputs: Iterable[Path | str | None], overwrite: bool = False,
                      ours: Callable[[Path], bool] | None = None, option: str = "--out") -> None:
    """Raise :class:`InputError` unless ``out`` may be written: it is no input of the command, it is not a
    folder, its folder can be made and written, and it is either new, made by us (``ours``) or ``overwrite``."""
    for given in inputs:
        if given is not None and _same(out, Path(given)):
            raise InputError(f"is one of this command's inputs ({given}): refusing to write over it",
                             Where(out, field=option))
    if out.is_dir():
        raise InputError("is a folder: name the file to write", Where(out, field=option))
    if out.exists() and not overwrite and not (ours is not None and ours(out)):
        raise InputError("exists and was not made by livehighlights: pass --overwrite to replace it",
                         Where(out, field=option))
    parent = out.parent
    existing = next((p for p in (parent, *parent.parents) if p.exists()), None)
    if existing is not None and not existing.is_dir():
        raise InputError(f"cannot be written: {existing} is a file, not a folder", Where(out, field=option))
    if existing is not None and not os.access(existing, os.W_OK | os.X_OK):
        raise InputError(f"cannot be written: {existing} is not writable", Where(out, field=option))


EXPORT_ENTRIES = ("clips", "highlights.json")
"""What a ``process`` run owns in its output folder (replaced whole by the next run; the rest is kept)."""


def _inside(path: Path, folder: Path) -> bool:
    try:
        return path.resolve().is_relative_to(folder.resolve())
    except OSError:
        return False


def check_output_dir(out: Path, *, inputs: Iterable[Path | str | None], option: str = "--out") -> None:
    """Raise :class:`InputError` unless ``process`` may make ``out`` its export folder: not a file, no input
    of the run inside what the run replaces (``clips/``, ``highlights.json``), not a ``clips/`` folder that
    an earlier run did not make, and a place that can be written."""
    if out.exists() and not out.is_dir():
        raise InputError("is a file: name a folder for the highlights", Where(out, field=option))
    for given in inputs:
        if given is None:
            continue
        g = Path(given)
        if any(_inside(g, out / e) for e in EXPORT_ENTRIES):
            raise InputError(f"would replace one of this command's inputs ({given}): choose another folder",
                             Where(out, field=option))
    if (out / "clips").exists() and not (out / "highlights.json").is_file():
        raise InputError("holds a 'clips' entry that livehighlights did not make: choose another folder",
                         Where(out, field=option))
    existing = next((p for p in (out.parent, *out.parent.parents) if p.exists()), None)
    if existing is not None and not existing.is_dir():
        raise InputError(f"cannot be written: {existing} is a file, not a folder", Where(out, field=option))
    if existing is not None and not os.access(existing, os.W_OK | os.X_OK):
        raise InputError(f"cannot be written: {existing} is not writable", Where(out, field=option))


@contextmanager
def folder_lock(out: Path, option: str = "--out") -> Iterator[None]:
    """Hold ``out``'s lock (a ``.NAME.lock`` file beside it) while a run writes into it: a second run into the same
    folder at the same time is refused with a one-line message instead of mixing its files with the first's. The
    lock is the operating system's (``flock``): a run killed even with SIGKILL releases it."""
    import fcntl

    lock = out.parent / f".{out.name}.lock"
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as e:
        raise InputError(f"cannot be written ({e.strerror or e})", Where(out, field=option)) from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 64, 0).decode(errors="replace").strip() or "another process"
            raise InputError(f"another run is writing this folder ({holder}); wait for it or choose another "
                             "folder", Where(out, field=option)) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()}".encode(), 0)
        yield
    finally:
        os.close(fd)
