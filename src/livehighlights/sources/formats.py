"""The built-in event-log formats: JSON Lines, a JSON list of events, and CSV."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

from .adapters import EventAdapter, Problem, ReadContext, Record, read_text, register_adapter


def iter_json_lines(text: str) -> Iterator[tuple[int, object] | Problem]:
    """``(line, value)`` for each non-blank line of JSON Lines ``text``; a :class:`Problem` when not JSON."""
    decode = json.JSONDecoder().raw_decode
    for n, line in enumerate(text.split("\n"), start=1):
        if not line or line.isspace():
            continue
        try:
            value, end = decode(line, len(line) - len(line.lstrip()))
            if end != len(line) and not line[end:].isspace():
                raise json.JSONDecodeError("extra data", line, end)
            yield n, value
        except json.JSONDecodeError as err:
            yield Problem(n, f"not valid JSON ({err.msg} at column {err.colno})")


def records_from_values(values: Iterator[tuple[int, object] | Problem]) -> Iterator[Record | Problem]:
    """Keep JSON objects as records; anything else is a :class:`Problem`."""
    for item in values:
        if isinstance(item, Problem):
            yield item
            continue
        n, value = item
        if isinstance(value, dict):
            yield Record(n, value)
        else:
            yield Problem(n, f"expected a JSON object, got {type(value).__name__}")


@register_adapter
class JsonLinesAdapter(EventAdapter):
    """JSON Lines: one event object per line (DESIGN.md's event log)."""

    name = "jsonl"
    extensions = (".jsonl", ".ndjson")

    def read(self, path: Path, ctx: ReadContext) -> Iterator[Record | Problem]:
        return records_from_values(iter_json_lines(read_text(path, ctx=ctx)))


def iter_json_list(text: str) -> Iterator[tuple[int, object] | Problem]:
    """Items of a top-level JSON list with the line each starts on.

    Also accepts ``{"events": [...]}`` (items numbered, no lines) and, when the text is not a JSON
    document at all but one object per line, JSON Lines.
    """
    start = len(text) - len(text.lstrip())
    if text.startswith("{", start):
        try:
            doc = json.loads(text)
        except json.JSONDecodeError:
            yield from iter_json_lines(text)  # JSON Lines saved as .json
            return
        if isinstance(doc, dict) and isinstance(doc.get("events"), list):
            for i, value in enumerate(doc["events"]):
                yield -(i + 1), value  # numbered, not placed: see JsonListAdapter
            return
        yield 1, doc
        return
    if not text.startswith("[", start):
        yield Problem(text.count("\n", 0, start) + 1, "expected a JSON list of events")
        return
    decoder = json.JSONDecoder()
    pos = start + 1
    n = len(text)
    ws = " \t\r\n"
    first = True
    while True:
        while pos < n and text[pos] in ws:
            pos += 1
        if pos < n and text[pos] == "]":
            return
        if not first:
            if pos < n and text[pos] == ",":
                pos += 1
                while pos < n and text[pos] in ws:
                    pos += 1
            else:
                yield Problem(text.count("\n", 0, pos) + 1, "not valid JSON (expected ',' or ']')")
                return
        first = False
        line = text.count("\n", 0, pos) + 1
        try:
            value, pos = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as err:
            yield Problem(err.lineno, f"not valid JSON ({err.msg} at column {err.colno})")
            return
        yield line, value


@register_adapter
class JsonListAdapter(EventAdapter):
    """A ``.json`` file holding a JSON list of event objects (or JSON Lines misnamed ``.json``)."""

    name = "json"
    extensions = (".json",)

    def read(self, path: Path, ctx: ReadContext) -> Iterator[Record | Problem]:
        for rec in records_from_values(iter_json_list(read_text(path, ctx=ctx))):
            if rec.line is not None and rec.line < 0:  # {"events": [...]} items: numbered, not placed
                rec.item, rec.line = f"events[{-rec.line - 1}]", None
            yield rec


@register_adapter
class CsvAdapter(EventAdapter):
    """CSV with a header row of the schema's field names; empty cells are absent fields."""

    name = "csv"
    extensions = (".csv", ".tsv")

    def read(self, path: Path, ctx: ReadContext) -> Iterator[Record | Problem]:
        text = read_text(path, ctx=ctx)
        delimiter = "\t" if path.name.lower().endswith(".tsv") else ","
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        try:
            header = next(reader)
        except StopIteration:
            return
        names = [h.strip().lower() for h in header]
        prev = reader.line_num
        for row in reader:
            line = prev + 1
            prev = reader.line_num
            if not row or all(not c.strip() for c in row):
                continue
            if len(row) > len(names):
                yield Problem(line, f"{len(row)} cells but the header has {len(names)} columns")
                continue
            yield Record(line, {k: v for k, v in zip(names, row, strict=False) if v.strip() != ""})
