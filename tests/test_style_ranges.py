"""Every style value is checked against its range (a one-line message naming the style file and field), and a
remix is measured after it is written (loudness, true peak) instead of trusting the settings; an end card longer
than the clip is shortened and said."""

from __future__ import annotations

import json
import math
import typing
from dataclasses import fields
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from livehighlights.errors import InputError
from livehighlights.remix.style import RANGES, SECTIONS, load_style

NUMERIC = [(sec, f.name) for sec, cls in SECTIONS.items() for f in fields(cls)
           if typing.get_type_hints(cls)[f.name] in (int, float) or f.name == "target"]


def test_every_numeric_style_field_has_a_range() -> None:
    assert {f"{s}.{n}" for s, n in NUMERIC} == set(RANGES)


def _toml(value: object) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, float) and math.isinf(value):
        return "inf" if value > 0 else "-inf"
    if isinstance(value, float) and math.isnan(value):
        return "nan"
    return json.dumps(value)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(which=st.sampled_from(sorted(RANGES)), data=st.data())
def test_out_of_range_values_are_refused_naming_file_and_field(tmp_path: Path, which: str, data) -> None:
    lo, hi, _ = RANGES[which]
    section, name = which.split(".")
    is_int = typing.get_type_hints(SECTIONS[section])[name] is int
    if is_int:
        bad = data.draw(st.one_of(st.integers(max_value=int(lo) - 1), st.integers(min_value=int(hi) + 1)))
        good = data.draw(st.integers(min_value=int(lo), max_value=int(hi)))
    else:
        bad = data.draw(st.one_of(st.floats(max_value=lo, exclude_max=True), st.floats(min_value=hi, exclude_min=True),
                                  st.just(math.nan), st.just(math.inf)))
        good = data.draw(st.floats(min_value=lo, max_value=hi))
    if name == "target":
        bad, good = [bad, 0.5], [good, 0.5]
    if name in ("words_min", "words_max"):  # words_min <= words_max is checked on its own
        other = "words_max" if name == "words_min" else "words_min"
        extra = f"{other} = {12 if other == 'words_max' else 1}\n"
    else:
        extra = ""
    path = tmp_path / "mine.toml"
    path.write_text(f"[{section}]\n{name} = {_toml(bad)}\n{extra}", "utf-8")
    with pytest.raises(InputError) as caught:
        load_style(path)
    text = str(caught.value)
    assert str(path) in text and f"'{which}'" in text and "must be within" in text and "\n" not in text
    path.write_text(f"[{section}]\n{name} = {_toml(good)}\n{extra}", "utf-8")
    load_style(path)


def test_remix_is_measured_and_a_long_end_card_shortened(short_live, tmp_path: Path) -> None:
    from livehighlights.media.loudness import ebur128
    from livehighlights.remix import RemixOptions, remix
    from livehighlights.remix.source import resolve as resolve_source
    from livehighlights.render import cut_clip

    clip = cut_clip(short_live.recording, 10_000, 16_000, tmp_path / "clip.mp4").path
    style = tmp_path / "long.toml"
    style.write_text('extends = "classic"\n[end_card]\nduration = 9.0\n[music]\nvolume_db = 0.0\n', "utf-8")
    out = tmp_path / "remix.mp4"
    res = remix(resolve_source(str(clip)), out, RemixOptions(size="720x1280", style=str(style), live_on=True))
    card = res.data["enhancements"]["end_card"]
    assert card is not None and card["duration_ms"] <= 3000
    assert any("end card shortened from 9 s" in w for w in res.warnings), res.warnings
    got = ebur128(out)
    audio = res.data["audio"]
    assert audio["output_lufs"] == pytest.approx(got["integrated_lufs"], abs=0.05)
    assert audio["output_true_peak_dbtp"] == pytest.approx(got["true_peak_dbtp"], abs=0.05)
    ceiling = load_style("classic").audio.true_peak_db
    assert got["true_peak_dbtp"] <= ceiling + 0.5 or any("true peak measures" in w for w in res.warnings)
