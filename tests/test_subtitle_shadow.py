"""The subtitles' drop shadow is a style choice: none by default, drawn (and made room for) when a style asks."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from livehighlights.errors import InputError
from livehighlights.remix.fonts import resolve_font
from livehighlights.remix.style import SubtitleStyle, load_style
from livehighlights.remix.subtitles import Card, subtitle_pad, write_ass


def _style_line(path: Path) -> list[str]:
    line = next(ln for ln in path.read_text().splitlines() if ln.startswith("Style: Sub,"))
    return line.split(",")


@pytest.mark.parametrize(("shadow", "px"), [(0.0, 0), (0.003, 6)])
def test_shadow_is_written_and_padded(tmp_path: Path, shadow: float, px: int) -> None:
    style = replace(SubtitleStyle(), shadow=shadow)
    font = resolve_font(style.font, field="subtitles.font")
    cards = [Card(0, 1500, ((0, 700, "Hello"), (700, 1500, "there")))]
    out = write_ass(cards, style, "DejaVu Sans", (1080, 1920), (60, 1400, 960, 300), font, tmp_path / "s.ass")
    fields = _style_line(out)
    assert fields[16] == str(round(0.0035 * 1920)) and fields[17] == str(px)  # Outline, Shadow
    assert subtitle_pad(style, 1920) == round(0.0035 * 1920) + px + 2


def test_default_styles_draw_no_shadow_and_a_style_file_can_ask_for_one(tmp_path: Path) -> None:
    assert load_style("classic").subtitles.shadow == 0.0
    path = tmp_path / "mine.toml"
    path.write_text('name = "mine"\n[subtitles]\nshadow = 0.002\n')
    assert load_style(str(path)).subtitles.shadow == 0.002
    path.write_text('name = "mine"\n[subtitles]\nshadow = 0.5\n')
    with pytest.raises(InputError, match="subtitles.shadow"):
        load_style(str(path))
