"""Errors a user can act on.

Every error that reaches the CLI is an :class:`InputError` (bad input we can name) or a
:class:`LiveHighlightsError` (something else we understand). Both carry *where* the problem is
(file, line, field) so the message names it. The CLI prints ``str(err)`` on one line and exits
non-zero; no traceback reaches the user.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Where:
    """Location of a problem: a file, optionally a 1-based line and a field name."""

    path: str | Path | None = None
    line: int | None = None
    field: str | None = None

    def __str__(self) -> str:
        parts: list[str] = []
        if self.path is not None:
            parts.append(str(self.path))
        if self.line is not None:
            parts.append(f"line {self.line}")
        if self.field is not None:
            parts.append(f"field '{self.field}'")
        return ", ".join(parts)


class LiveHighlightsError(Exception):
    """Base class of the errors we raise on purpose. ``str()`` is a one-line user message."""

    def __init__(self, message: str, where: Where | None = None) -> None:
        self.message = message
        self.where = where
        super().__init__(f"{where}: {message}" if where and str(where) else message)


class InputError(LiveHighlightsError):
    """The user's input (a file, an option, a line of it) is missing, malformed or inconsistent."""


def need_file(path: str | Path, what: str, field: str | None = None, hint: str = "") -> Path:
    """``path`` as a :class:`~pathlib.Path` when it is an existing file; else an :class:`InputError` that says
    precisely what it is instead (missing, or a folder), naming ``what`` was expected (``"event log"``...)."""
    p = Path(path)
    if p.is_dir():
        raise InputError(f"is a folder, not {what}: give the file itself{hint}", Where(p, field=field))
    if not p.exists():
        raise InputError(f"no such file (expected {what}){hint}", Where(p, field=field))
    return p


class MediaError(InputError):
    """A media file cannot be used: missing, corrupt, truncated, no video or no audio."""


class ToolError(LiveHighlightsError):
    """An external tool (FFmpeg, espeak-ng) failed or is missing. ``detail`` keeps the tool's own last lines
    (for logs and bug reports); the message says what went wrong in our words."""

    def __init__(self, message: str, where: Where | None = None, detail: str | None = None) -> None:
        super().__init__(message, where)
        self.detail = detail


@dataclass
class Warning_:
    """A problem we can go on with; collected in reports and printed by the CLI."""

    message: str
    where: Where | None = None

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where and str(self.where) else self.message
