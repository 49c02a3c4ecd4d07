"""Remix styles as data: one TOML (or JSON) file per style, validated field by field.

A style has one table per element (``subtitles``, ``stickers``, ``live_badge``, ``arrow``, ``end_card``,
``music``, ``audio``) and an optional ``texts`` table of localised strings (``[texts.es]``). A style may
``extends = "classic"`` (a built-in name or a path) and change only what differs. Built-in styles live in
``livehighlights/assets/styles/*.toml``; ``--style NAME`` picks one, ``--style path/to/my.toml`` a user's.

Sizes are fractions of the output frame (``size = 0.045``: 4.5% of its height), so a style renders
the same at 720x1280 and 1080x1920. Colours are ``#RRGGBB`` or ``#RRGGBBAA``.
"""

from __future__ import annotations

import json
import math
import re
import tomllib
import types
import typing
from dataclasses import dataclass, field, fields
from importlib import resources
from pathlib import Path
from typing import Any

from ..errors import InputError, Where, need_file
from ..rules import LIVE_ENTRY_POINTS

_COLOUR = re.compile(r"^#[0-9A-Fa-f]{6}([0-9A-Fa-f]{2})?$")


def _choice(*values: str) -> dict[str, Any]:
    return {"choices": values}


def _colour() -> dict[str, Any]:
    return {"colour": True}


@dataclass
class SubtitleStyle:
    """Auto subtitles burned in from the word times."""

    enabled: bool = True
    font: str = "DejaVuSans-Bold.ttf"
    size: float = 0.042
    color: str = field(default="#FFFFFF", metadata=_colour())
    outline_color: str = field(default="#000000", metadata=_colour())
    outline: float = 0.0035
    shadow: float = 0.0
    """A soft drop shadow under the outlined words, a fraction of the frame's height (0: none). The outline
    alone keeps the words legible on any picture; a shadow doubles the cost of drawing the subtitles on each
    frame (~0.6 CPU-s of a 30 s remix at 1080x1920)."""
    box: bool = False
    """An opaque box behind the text instead of an outline."""
    box_color: str = field(default="#000000C0", metadata=_colour())
    highlight: str = field(default="karaoke", metadata=_choice("karaoke", "none"))
    """``karaoke``: the word being said changes colour."""
    highlight_color: str = field(default="#FFE600", metadata=_colour())
    position: str = field(default="auto", metadata=_choice("auto", "bottom", "top"))
    """``auto``: the band (bottom or top of the safe area) that covers the product least."""
    words_min: int = 2
    words_max: int = 5
    uppercase: bool = False


@dataclass
class StickerStyle:
    """Catalog stickers: title, price, discount, promotion, brand."""

    enabled: bool = True
    font: str = "DejaVuSans-Bold.ttf"
    title: bool = True
    price: bool = True
    discount: bool = True
    promo: bool = True
    brand: bool = True
    point: bool = True
    """The selling point being spoken (changes as the host states the next one)."""
    cta: bool = True
    """A call to action ("Tap the cart to buy"), unless the LIVE already shows one."""
    size: float = 0.034
    """Text height, fraction of the output height."""
    color: str = field(default="#FFFFFF", metadata=_colour())
    background: str = field(default="#E6004CE8", metadata=_colour())
    accent: str = field(default="#FFE600", metadata=_colour())
    accent_text: str = field(default="#111111", metadata=_colour())
    radius: float = 0.35
    """Corner radius, fraction of the sticker's height."""
    start: float = 0.0
    """Seconds after the clip's start at which stickers appear (0: at once)."""
    animate: bool = True
    """Slide in from the nearest side over ``animate_s``."""
    animate_s: float = 0.35
    max_title_chars: int = 28
    max_point_chars: int = 24
    """A selling point longer than this is set on two lines."""


@dataclass
class BadgeStyle:
    """The "LIVE now" badge, shown while the LIVE is on."""

    enabled: bool = True
    color: str = field(default="#FFFFFF", metadata=_colour())
    background: str = field(default="#FE2C55", metadata=_colour())
    size: float = 0.03
    target: list[float] = field(default_factory=lambda: [0.05, 0.11])
    """Where the badge would like to sit (fractions of width, height): the top left of the safe area; the
    layout takes the nearest place that covers nothing."""


@dataclass
class ArrowStyle:
    """An arrow pointing at the LIVE button, shown while the LIVE is on."""

    enabled: bool = True
    color: str = field(default="#FFE600", metadata=_colour())
    outline_color: str = field(default="#000000", metadata=_colour())
    size: float = 0.09
    """Arrow length, fraction of the output height."""
    bounce: bool = True
    layout: str = field(default="feed", metadata=_choice(*LIVE_ENTRY_POINTS))
    """The app screen the post is seen on, which fixes where the way into the LIVE is
    (:data:`~livehighlights.rules.LIVE_ENTRY_POINTS`)."""
    target: list[float] | None = None
    """Where the way into the LIVE is (fractions of width, height), overriding ``layout``'s place."""


@dataclass
class EndCardStyle:
    """The last seconds: darkened frame and big text (CLICK NOW, or the next LIVE of a plan)."""

    enabled: bool = True
    duration: float = 2.5
    darken: float = 0.55
    """Opacity of the black layer over the frame (0: none, 1: black)."""
    size: float = 0.075
    color: str = field(default="#FFFFFF", metadata=_colour())
    accent: str = field(default="#FE2C55", metadata=_colour())
    when_off: bool = True
    """Show a card after the LIVE too (a follow cue, or the plan's teaser)."""


@dataclass
class MusicStyle:
    """Background music under the LIVE's own audio."""

    enabled: bool = True
    track: str = "upbeat"
    """A built-in track name (``upbeat``, ``chill``, ``groove``) or a path to an audio file."""
    volume_db: float = -20.0
    """Music level relative to full scale before loudness normalisation."""
    duck: bool = True
    duck_ratio: float = 6.0
    """Compression ratio of the music while the host speaks (sidechain keyed by the voice)."""
    fade_in: float = 1.0
    fade_out: float = 1.5


@dataclass
class AudioStyle:
    """Loudness of the final mix."""

    target_lufs: float = -14.0
    true_peak_db: float = -1.5


@dataclass
class Style:
    """A complete remix style (see the module docs)."""

    name: str = "custom"
    description: str = ""
    subtitles: SubtitleStyle = field(default_factory=SubtitleStyle)
    stickers: StickerStyle = field(default_factory=StickerStyle)
    live_badge: BadgeStyle = field(default_factory=BadgeStyle)
    arrow: ArrowStyle = field(default_factory=ArrowStyle)
    end_card: EndCardStyle = field(default_factory=EndCardStyle)
    music: MusicStyle = field(default_factory=MusicStyle)
    audio: AudioStyle = field(default_factory=AudioStyle)
    texts: dict[str, dict[str, str]] = field(default_factory=dict)
    """Localised strings per language (``{"es": {"click_now": "¡TOCA YA!"}}``), over :data:`TEXTS`."""
    source: str | None = None
    """The file it was read from."""

    def text(self, key: str, language: str | None) -> str:
        """A localised string: the style's, then the built-in one, for ``language`` then English."""
        for lang in (language or "en", "en"):
            for table in (self.texts.get(lang, {}), TEXTS.get(lang, {})):
                if key in table:
                    return table[key]
        raise KeyError(key)


TEXTS: dict[str, dict[str, str]] = {
    "en": {"click_now": "CLICK NOW", "click_sub": "Tap the LIVE to shop", "live_now": "LIVE now",
           "promo": "LIMITED OFFER", "off": "{pct}% OFF", "cta": "Tap the cart to buy", "next_live": "Next LIVE",
           "follow": "FOLLOW",
           "follow_sub": "for the next LIVE", "date": "{weekday} {day} {month}, {time}"},
    "es": {"click_now": "¡TOCA YA!", "click_sub": "Entra al LIVE y compra", "live_now": "EN VIVO",
           "promo": "OFERTA LIMITADA", "off": "{pct}% DTO", "cta": "Toca el carrito y compra",
           "next_live": "Próximo LIVE", "follow": "SÍGUENOS",
           "follow_sub": "para el próximo LIVE", "date": "{weekday} {day} {month}, {time}"},
    "id": {"click_now": "KLIK SEKARANG", "click_sub": "Masuk LIVE dan belanja", "live_now": "LIVE sekarang",
           "promo": "PENAWARAN TERBATAS", "off": "DISKON {pct}%",
           "cta": "Klik keranjang kuning", "next_live": "LIVE berikutnya",
           "follow": "IKUTI", "follow_sub": "untuk LIVE berikutnya", "date": "{weekday} {day} {month}, {time}"},
}
"""Built-in strings; a style's ``[texts.LANG]`` overrides them."""

SECTIONS: dict[str, type] = {"subtitles": SubtitleStyle, "stickers": StickerStyle, "live_badge": BadgeStyle,
                             "arrow": ArrowStyle, "end_card": EndCardStyle, "music": MusicStyle,
                             "audio": AudioStyle}


def builtin_styles() -> dict[str, Path]:
    """Name -> file of the styles that ship with the package."""
    folder = resources.files("livehighlights") / "assets" / "styles"
    return {Path(str(p)).stem: Path(str(p)) for p in folder.iterdir()
            if str(p).endswith((".toml", ".json"))}


def load_style(spec: str | Path) -> Style:
    """A style by built-in name or by file path, validated. Raises :class:`InputError` naming the
    file and field of the first problem (unknown style, unknown field, wrong type, bad value)."""
    data, path = _read_chain(str(spec), seen=())
    style = _build(data, path)
    style.source = str(path)
    if "name" not in data:
        style.name = path.stem
    return style


def _resolve(spec: str) -> Path:
    known = builtin_styles()
    if spec in known:
        return known[spec]
    p = Path(spec)
    if p.suffix.lower() in (".toml", ".json") or p.exists():
        need_file(p, "a style file")
        return p
    raise InputError(f"unknown style '{spec}' (known: {', '.join(sorted(known))}; or give a .toml file)",
                     Where(field="--style"))


def _read_chain(spec: str, seen: tuple[Path, ...]) -> tuple[dict[str, Any], Path]:
    path = _resolve(spec)
    if path.resolve() in seen:
        raise InputError("'extends' makes a loop", Where(path, field="extends"))
    try:
        text = path.read_text(encoding="utf-8")
        data = json.loads(text) if path.suffix.lower() == ".json" else tomllib.loads(text)
    except (OSError, UnicodeDecodeError) as err:
        raise InputError(f"cannot read style ({err})", Where(path)) from err
    except (tomllib.TOMLDecodeError, json.JSONDecodeError) as err:
        raise InputError(f"not valid {path.suffix[1:].upper()} ({err})", Where(path)) from err
    if not isinstance(data, dict):
        raise InputError("a style must be a table of sections", Where(path))
    base = data.pop("extends", None)
    if base is None:
        return data, path
    if not isinstance(base, str):
        raise InputError("must be a style name or path", Where(path, field="extends"))
    if not Path(base).is_absolute() and (path.parent / base).is_file():
        base = str(path.parent / base)
    parent, _ = _read_chain(base, (*seen, path.resolve()))
    parent.pop("name", None)
    parent.pop("description", None)
    return _merge(parent, data), path


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for k, v in over.items():
        out[k] = _merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


def _build(data: dict[str, Any], path: Path) -> Style:
    kw: dict[str, Any] = {}
    for key, value in data.items():
        if key in ("name", "description"):
            kw[key] = _check(value, str, path, key, {})
        elif key == "texts":
            kw[key] = _texts(value, path)
        elif key in SECTIONS:
            if not isinstance(value, dict):
                raise InputError("must be a table", Where(path, field=key))
            kw[key] = _section(SECTIONS[key], value, path, key)
        else:
            known = ", ".join(["name", "description", "extends", "texts", *SECTIONS])
            raise InputError(f"unknown field (known: {known})", Where(path, field=key))
    return Style(**kw)


def _section(cls: type, value: dict[str, Any], path: Path, section: str) -> Any:
    hints = typing.get_type_hints(cls)
    by_name = {f.name: f for f in fields(cls)}
    kw = {}
    for key, v in value.items():
        name = f"{section}.{key}"
        if key not in by_name:
            raise InputError(f"unknown field (known: {', '.join(by_name)})", Where(path, field=name))
        kw[key] = _check(v, hints[key], path, name, dict(by_name[key].metadata))
    obj = cls(**kw)
    _ranges(obj, path, section)
    return obj


def _type_name(tp: Any) -> str:
    if typing.get_origin(tp) is list:
        return "a list of numbers"
    return {bool: "true or false", int: "an integer", float: "a number", str: "a string"}.get(tp, str(tp))


def _check(v: Any, tp: Any, path: Path, name: str, meta: dict[str, Any]) -> Any:
    if typing.get_origin(tp) in (typing.Union, types.UnionType):  # ``X | None``: a value is an X
        tp = next(a for a in typing.get_args(tp) if a is not type(None))
    bad = InputError(f"must be {_type_name(tp)}, got {json.dumps(v, default=str)}", Where(path, field=name))
    if tp is bool:
        if not isinstance(v, bool):
            raise bad
    elif tp is int:
        if isinstance(v, bool) or not isinstance(v, int):
            raise bad
    elif tp is float:
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            raise bad
        v = float(v)
    elif tp is str:
        if not isinstance(v, str):
            raise bad
    elif typing.get_origin(tp) is list:
        if not isinstance(v, list) or len(v) != 2 or not all(isinstance(x, (int, float)) and not isinstance(x, bool)
                                                             for x in v):
            raise InputError(f"must be a list of 2 numbers, got {json.dumps(v, default=str)}", Where(path, field=name))
        v = [float(x) for x in v]
    if meta.get("colour") and not _COLOUR.match(v):
        raise InputError(f"must be a colour #RRGGBB or #RRGGBBAA, got {v!r}", Where(path, field=name))
    if "choices" in meta and v not in meta["choices"]:
        raise InputError(f"must be one of {', '.join(meta['choices'])}, got {v!r}", Where(path, field=name))
    return v


RANGES: dict[str, tuple[float, float, str]] = {
    "subtitles.size": (0.01, 0.15, "a fraction of the frame's height"),
    "subtitles.outline": (0.0, 0.02, "a fraction of the frame's height"),
    "subtitles.shadow": (0.0, 0.02, "a fraction of the frame's height"),
    "subtitles.words_min": (1, 12, "words"),
    "subtitles.words_max": (1, 12, "words"),
    "stickers.size": (0.01, 0.15, "a fraction of the frame's height"),
    "stickers.radius": (0.0, 0.5, "a fraction of the sticker's height"),
    "stickers.start": (0.0, 60.0, "seconds after the clip's start"),
    "stickers.animate_s": (0.0, 5.0, "seconds"),
    "stickers.max_title_chars": (4, 200, "characters"),
    "live_badge.size": (0.01, 0.15, "a fraction of the frame's height"),
    "live_badge.target": (0.0, 1.0, "fractions of the frame"),
    "arrow.size": (0.02, 0.4, "a fraction of the frame's height"),
    "end_card.duration": (0.0, 10.0, "seconds (0: no card)"),
    "end_card.darken": (0.0, 1.0, "an opacity"),
    "end_card.size": (0.02, 0.25, "a fraction of the frame's height"),
    "music.volume_db": (-60.0, 0.0, "dB relative to the LIVE's voice (music never louder than the voice)"),
    "music.duck_ratio": (1.0, 20.0, "a compression ratio"),
    "music.fade_in": (0.0, 10.0, "seconds"),
    "music.fade_out": (0.0, 10.0, "seconds"),
    "audio.target_lufs": (-30.0, -8.0, "LUFS (platforms play about -14)"),
    "stickers.max_point_chars": (8, 80, "characters of a spoken selling point's sticker"),
    "arrow.target": (0.0, 1.0, "fractions of the frame's width and height"),
    "audio.true_peak_db": (-9.0, -0.1, "dBTP (a ceiling under full scale)"),
}
"""Every numeric style field's accepted range ``(low, high, unit)``; a value outside is refused naming the file
and field (a test checks that every numeric field has a range)."""


def _ranges(obj: Any, path: Path, section: str) -> None:
    """Values that type-check but make no sense (out of :data:`RANGES`, more min words than max)."""
    for f in fields(obj):
        name = f"{section}.{f.name}"
        v = getattr(obj, f.name)
        if name in RANGES:
            if v is None:
                continue
            lo, hi, unit = RANGES[name]
            values = v if isinstance(v, list) else [v]
            if not all(math.isfinite(x) and lo <= x <= hi for x in values):
                shown = json.dumps(v) if isinstance(v, list) else f"{v:g}"
                raise InputError(f"must be within {lo:g} to {hi:g} ({unit}), got {shown}", Where(path, field=name))
            continue
        # a field with no range of its own (a plug-in style's): the generic sanity checks
        if isinstance(v, float) and not math.isfinite(v):
            raise InputError(f"must be a finite number, got {v}", Where(path, field=name))
        if f.name in ("size", "outline", "radius", "darken", "animate_s", "duration", "start", "fade_in",
                      "fade_out") and isinstance(v, float) and not v >= 0:
            raise InputError(f"must not be negative, got {v}", Where(path, field=name))
    if isinstance(obj, SubtitleStyle) and not 1 <= obj.words_min <= obj.words_max:
        raise InputError(f"need 1 <= words_min <= words_max, got {obj.words_min} and {obj.words_max}",
                         Where(path, field=f"{section}.words_min"))


def _texts(value: Any, path: Path) -> dict[str, dict[str, str]]:
    if not isinstance(value, dict):
        raise InputError("must be a table of languages", Where(path, field="texts"))
    out: dict[str, dict[str, str]] = {}
    for lang, table in value.items():
        if not isinstance(table, dict):
            raise InputError("must be a table of strings", Where(path, field=f"texts.{lang}"))
        for key, s in table.items():
            if key not in TEXTS["en"]:
                raise InputError(f"unknown text (known: {', '.join(TEXTS['en'])})",
                                 Where(path, field=f"texts.{lang}.{key}"))
            if not isinstance(s, str):
                raise InputError("must be a string", Where(path, field=f"texts.{lang}.{key}"))
        out[lang] = dict(table)
    return out

