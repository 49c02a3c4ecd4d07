"""Event adapters: one per input format, behind a small abstract interface and a registry.

An adapter reads a file and yields, in file order, :class:`Record` (a dict in our schema's field
names, with the line it came from) or :class:`Problem` (a line it could not read). Validation,
time alignment, sorting and de-duplication are shared and happen in
:func:`~livehighlights.sources.load_events`, so an adapter only knows its format.

Register a new format with :func:`register_adapter`::

    @register_adapter
    class MyAdapter(EventAdapter):
        name = "myformat"
        extensions = (".my",)
        def read(self, path, ctx): ...
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from ..errors import InputError, Warning_, Where
from ..registry import Registry


@dataclass(slots=True)
class Record:
    """One input record, mapped to the event schema's field names (``ts`` may be a ``datetime``)."""

    line: int | None
    fields: dict[str, Any]
    raw: dict[str, Any] | None = None
    """The original record when the adapter changed its shape (kept in ``Event.raw``)."""
    item: str | None = None
    """Where in the file, when there is no line number (e.g. ``events[3]``)."""


@dataclass(slots=True)
class Problem:
    """A record that cannot be read at all (not JSON, not an object, ...)."""

    line: int | None
    message: str
    field: str | None = None


@dataclass
class ReadContext:
    """What an adapter may need besides the path."""

    path: Path
    strict: bool = False
    notes: dict[str, int] = field(default_factory=dict)
    """Counters an adapter wants reported in ``EventLog.stats`` (e.g. skipped gift streak updates)."""
    warnings: list[Warning_] = field(default_factory=list)
    """What an adapter went on with but the user should know (a gap, a counter that went back)."""
    bad_lines: dict[int, str] = field(default_factory=dict)
    """Lines left out by :func:`read_text` (blanked) -> why (not valid UTF-8), reported by the loader."""


class EventAdapter(ABC):
    """Reads one event-log format. Subclasses set :attr:`name` and :attr:`extensions`."""

    name: ClassVar[str] = ""
    """Format name, as given to ``load_events(fmt=...)``."""
    extensions: ClassVar[tuple[str, ...]] = ()
    """File name endings (lower case, with the dot) dispatched to this adapter."""
    passthrough_types: ClassVar[frozenset[str]] = frozenset()
    """Non-schema event types this adapter produces on purpose (kept, not reported as unknown)."""

    @abstractmethod
    def read(self, path: Path, ctx: ReadContext) -> Iterator[Record | Problem]:
        """Yield the file's records in file order. Raise :class:`InputError` for a fatal problem."""

    @classmethod
    def sniff(cls, sample: dict[str, Any]) -> bool:
        """Whether a first record ``sample`` (of a JSON-based file) looks like this format."""
        return False

    @classmethod
    def sniff_text(cls, head: str) -> bool:
        """Whether a file whose first bytes are ``head`` (decoded; :data:`SNIFF_BYTES` at most) is unmistakably of
        this format. Asked of a ``.json``/``.jsonl`` file before it is read as our own schema, and of a file whose
        name says no format (see :func:`sniff_format`)."""
        return False


EVENT_ADAPTERS: Registry[type[EventAdapter]] = Registry(
    "event format", builtins=("livehighlights.sources.formats", "livehighlights.sources.minutes",
                            "livehighlights.sources.tiktoklive", "livehighlights.sources.chatlogs",
                            "livehighlights.sources.chatdownloader", "livehighlights.sources.youtubechat"))
"""Format name -> adapter class (the built-in formats are imported on first use)."""


def register_adapter(cls: type[EventAdapter]) -> type[EventAdapter]:
    """Class decorator: add ``cls`` to :data:`EVENT_ADAPTERS` under ``cls.name``."""
    return EVENT_ADAPTERS.register(cls)


SNIFF_BYTES = 65536
"""How much of a file :func:`sniff_format` looks at (unpacked, for a gzip'd file)."""


def read_head(path: Path) -> str:
    """The first :data:`SNIFF_BYTES` of ``path`` as text (a gzip'd file unpacked, a BOM dropped, bytes that are not
    UTF-8 replaced); ``""`` when it cannot be read."""
    import zlib

    try:
        with path.open("rb") as fh:
            data = fh.read(SNIFF_BYTES)
        if data[:2] == GZIP_MAGIC:
            data = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(data, SNIFF_BYTES)
    except (OSError, zlib.error):
        return ""
    return data.removeprefix(b"\xef\xbb\xbf").decode("utf-8", errors="replace")


def sniff_format(path: Path, among: tuple[type[EventAdapter], ...] | None = None) -> type[EventAdapter] | None:
    """The adapter (of ``among``, default every registered one) whose :meth:`EventAdapter.sniff_text` recognises
    the file's first bytes; ``None`` when none does."""
    head = read_head(path)
    if not head.strip():
        return None
    for cls in among if among is not None else tuple(EVENT_ADAPTERS.values()):
        if cls.sniff_text(head):
            return cls
    return None


def adapter_for(path: Path, fmt: str | None = None) -> EventAdapter:
    """The adapter for ``fmt`` if given, else for ``path``'s extension, else for its content when that is
    unmistakable (:func:`sniff_format`). Raises :class:`InputError`."""
    if fmt is not None:
        return EVENT_ADAPTERS.get(fmt.lower(), Where(path))()
    name = path.name.lower().removesuffix(".gz")  # a gzip'd log: the format is the name's before ".gz"
    best: type[EventAdapter] | None = None
    best_len = 0
    for cls in EVENT_ADAPTERS.values():
        for ext in cls.extensions:
            if name.endswith(ext) and len(ext) > best_len:
                best, best_len = cls, len(ext)
    if best is None:
        best = sniff_format(path)
    if best is None:
        exts = ", ".join(sorted({e for c in EVENT_ADAPTERS.values() for e in c.extensions}))
        raise InputError(f"cannot tell the event log's format from its name or its content (expected {exts}, "
                         "or a chat log of a known tool; rename the file to end in one of these)", Where(path))
    return best()


GZIP_MAGIC = b"\x1f\x8b"
MAX_UNPACKED_BYTES = 4 << 30
"""A gzip'd log larger than this once unpacked is refused (a decompression bomb, not a LIVE)."""


def _gunzip(data: bytes, path: Path) -> bytes:
    import zlib

    unpack = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = unpack.decompress(data, MAX_UNPACKED_BYTES)
        if unpack.unconsumed_tail:
            raise InputError(f"unpacks to more than {MAX_UNPACKED_BYTES >> 30} GiB: refused", Where(path))
        if not unpack.eof:
            raise InputError("is a truncated gzip file (it ends before its data does)", Where(path))
    except zlib.error as err:
        raise InputError(f"is not a valid gzip file ({err})", Where(path)) from None
    return out


def _decode_lines(data: bytes, ctx: ReadContext) -> str:
    """``data`` decoded line by line: each line that is not UTF-8 becomes empty and is noted in ``ctx``."""
    out: list[str] = []
    for n, raw in enumerate(data.removeprefix(b"\xef\xbb\xbf").split(b"\n"), start=1):
        try:
            out.append(raw.decode("utf-8"))
        except UnicodeDecodeError as err:
            ctx.bad_lines[n] = f"not valid UTF-8 (byte 0x{raw[err.start]:02x} at column {err.start + 1})"
            out.append("")
    return "\n".join(out)


def read_text(path: Path, what: str = "an event log", ctx: ReadContext | None = None) -> str:
    """The file as UTF-8 text (a BOM is dropped; a gzip'd file is unpacked). Raises :class:`InputError` naming
    the path or line. With a non-strict ``ctx``, a line that is not valid UTF-8 is blanked and noted in
    ``ctx.bad_lines`` (the loader warns and skips it) instead of refusing the whole file."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError("no such file", Where(path)) from None
    except IsADirectoryError:
        raise InputError(f"is a folder, not {what}: give the file itself", Where(path)) from None
    except OSError as err:
        raise InputError(f"cannot read: {err.strerror or err}", Where(path)) from None
    if data[:2] == GZIP_MAGIC:
        data = _gunzip(data, path)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        if ctx is not None and not ctx.strict:
            return _decode_lines(data, ctx)
        raise InputError(f"not valid UTF-8 (byte 0x{data[err.start]:02x}); save the file as UTF-8",
                         Where(path, line)) from None
