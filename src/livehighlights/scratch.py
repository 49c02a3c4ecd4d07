"""Work that does not outlive us: child processes that die with this one, and scratch folders and partial
files that are removed however this process ends (a return, an exception, SIGTERM or SIGKILL).

Children started through :func:`tied` get ``SIGKILL`` from the kernel when the thread that started them goes
away (Linux ``PR_SET_PDEATHSIG``, set by util-linux's ``setpriv`` before it executes the command: setting it
ourselves between fork and exec would need a ``preexec_fn``, which makes Python fork the whole process and run
the libraries' fork handlers, and OpenBLAS's can deadlock a process whose threads use it). The thread waits on
its child, so it is there as long as the child runs unless the whole process is killed. A :class:`Scratch`
folder is watched by a small reaper process that waits on a pipe from us: when the pipe closes, as it does when
we exit in any way, the reaper removes the folder and the partial files named to it.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from functools import lru_cache
from pathlib import Path

__all__ = ["Scratch", "tied"]


@lru_cache(maxsize=1)
def _setpriv() -> str | None:
    if not sys.platform.startswith("linux"):
        return None
    return shutil.which("setpriv")


def tied(cmd: list[str]) -> list[str]:
    """``cmd`` run so that it is killed when we die (unchanged where ``setpriv`` is missing)."""
    exe = _setpriv()
    return [exe, "--pdeathsig", "KILL", "--", *cmd] if exe else cmd


_REAPER = """
import os, shutil, signal, sys
for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):  # a Ctrl-C or a kill of our group: clean up first
    signal.signal(s, signal.SIG_IGN)
sys.stdin.buffer.read()  # returns when the parent's end closes: the parent finished or died
for p in sys.argv[1:]:
    if os.path.isdir(p) and not os.path.islink(p):
        shutil.rmtree(p, ignore_errors=True)
    else:
        try:
            os.unlink(p)
        except OSError:
            pass
"""


class Scratch:
    """A scratch folder (and partial output files) removed when the ``with`` block ends or the process dies.

    ``partials`` are files that exist only while being written (e.g. an output rendered under a hidden name
    and renamed into place when complete): if we die before the rename, they go too."""

    def __init__(self, prefix: str, partials: list[Path] | None = None) -> None:
        self.prefix = prefix
        self.partials = list(partials or [])
        self.path = Path()
        self._reaper: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Scratch:
        self.path = Path(tempfile.mkdtemp(prefix=self.prefix))
        try:
            self._reaper = subprocess.Popen([sys.executable, "-c", _REAPER, str(self.path),
                                             *map(str, self.partials)],
                                            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                            stderr=subprocess.DEVNULL)
        except OSError:  # pragma: no cover - no reaper: cleaned on a normal exit only
            self._reaper = None
        return self

    def __exit__(self, *exc: object) -> None:
        shutil.rmtree(self.path, ignore_errors=True)
        for p in self.partials:
            Path(p).unlink(missing_ok=True)
        if self._reaper is not None:
            if self._reaper.stdin is not None:
                self._reaper.stdin.close()
            try:
                self._reaper.wait(timeout=10)
            except subprocess.TimeoutExpired:  # pragma: no cover
                self._reaper.kill()
