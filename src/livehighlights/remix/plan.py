"""A LIVE plan to bind a remix to: ``{"title": "...", "start": "2026-12-01T19:00:00+07:00", "timezone": "..."}``.

The remix then ends on a teaser card for that LIVE ("Next LIVE: Fri 1 Dec, 19:00") instead of CLICK NOW.
``start`` must be an ISO-8601 time with its UTC offset (or ``timezone``, an IANA name, says where the
time is); the time is shown in ``timezone`` when given, else in the offset it was written with. A plan
whose start has passed is refused.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..errors import InputError, Where, need_file
from ..text.display import fill_template

WEEKDAYS = {"en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
            "es": ("lun", "mar", "mié", "jue", "vie", "sáb", "dom"),
            "id": ("Sen", "Sel", "Rab", "Kam", "Jum", "Sab", "Min")}
MONTHS = {"en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
          "es": ("ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov", "dic"),
          "id": ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des")}


@dataclass(frozen=True)
class LivePlan:
    """An upcoming LIVE: its title and its (timezone-aware) start."""

    title: str
    start: datetime
    source: str | None = None

    def to_json(self) -> dict[str, str | None]:
        return {"title": self.title, "start": self.start.isoformat(), "file": self.source}


def load_plan(path: str | Path, now: datetime | None = None) -> LivePlan:
    """Read and validate a plan file. Raises :class:`InputError` naming the file and field."""
    p = need_file(path, "a plan file (JSON)")
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise InputError(f"not valid JSON ({err})", Where(p)) from err
    if not isinstance(data, dict):
        raise InputError("a plan must be a JSON object with 'title' and 'start'", Where(p))
    unknown = set(data) - {"title", "start", "timezone", "id"}
    if unknown:
        raise InputError("unknown field (known: title, start, timezone, id)", Where(p, field=sorted(unknown)[0]))
    title = data.get("title")
    if not isinstance(title, str) or not title.strip():
        raise InputError("must be a non-empty string", Where(p, field="title"))
    raw = data.get("start")
    if not isinstance(raw, str):
        raise InputError("must be an ISO-8601 time such as 2026-12-01T19:00:00+07:00", Where(p, field="start"))
    try:
        start = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise InputError(f"not an ISO-8601 time: {raw!r}", Where(p, field="start")) from None
    tz_name = data.get("timezone")
    if tz_name is not None:
        if not isinstance(tz_name, str):
            raise InputError("must be an IANA time zone name such as Asia/Jakarta", Where(p, field="timezone"))
        try:
            zone = ZoneInfo(tz_name)
        except (ZoneInfoNotFoundError, ValueError):
            raise InputError(f"unknown time zone {tz_name!r}", Where(p, field="timezone")) from None
        start = start.replace(tzinfo=zone) if start.tzinfo is None else start.astimezone(zone)
    if start.tzinfo is None:
        raise InputError("needs a UTC offset (e.g. +07:00) or a 'timezone'", Where(p, field="start"))
    now = now or datetime.now(UTC)
    if start <= now:
        raise InputError(f"the planned LIVE starts in the past ({start.isoformat()}); bind a future LIVE",
                         Where(p, field="start"))
    return LivePlan(title.strip(), start, str(p))


def format_start(start: datetime, template: str, language: str | None) -> str:
    """``Fri 1 Dec, 19:00`` (the template's ``{weekday} {day} {month}, {time}``, localised names)."""
    lang = language if language in WEEKDAYS else "en"
    return fill_template(template, weekday=WEEKDAYS[lang][start.weekday()], day=start.day,
                         month=MONTHS[lang][start.month - 1], time=start.strftime("%H:%M"))
