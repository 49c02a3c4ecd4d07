"""User text (product ids, titles, comments, file names) is printed as it is, never read as Rich markup."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import run_cli
from rich.console import Console

HOSTILE = ["[/]", "[bold]x", "[red]", "a[/b]c", "[link=x]y", "{0}", "%s"]


def _log(path: Path, product: str) -> Path:
    lines = [{"ts": 1, "type": "product_pin", "product_id": product},
             {"ts": 30, "type": "comment", "text": f"love {product}", "user": product}]
    lines += [{"ts": t, "type": "order", "product_id": product, "amount": 9.0, "quantity": 1} for t in range(3, 90)]
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\n")
    return path


def test_moments_prints_markup_like_product_ids(tmp_path: Path) -> None:
    for n, product in enumerate(HOSTILE):
        proc = run_cli("moments", _log(tmp_path / f"ev{n}.jsonl", product))
        assert proc.returncode == 0, proc.stderr
        assert "Traceback" not in proc.stderr
        assert product in proc.stdout


def test_error_naming_a_markup_like_file(tmp_path: Path) -> None:
    name = tmp_path / "[/]odd[bold].jsonl"
    proc = run_cli("moments", name)
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr
    assert "[/]odd[bold].jsonl" in proc.stderr and "no such file" in proc.stderr


def test_highlights_table_escapes_ids_titles_and_clips() -> None:
    from livehighlights._cli.output import highlights_table
    from livehighlights.models import Moment, Product
    from livehighlights.pipeline import Highlight
    from livehighlights.plan import ClipWindow
    from livehighlights.sources import Catalog

    m = Moment(0, 30_000, 20_000, 2.0, "shopping", "[/]", "product")
    win = ClipWindow(0, 30_000, m, "[/]")
    hl = Highlight(rank=1, window=win, clip=Path("/tmp/[red]clip.mp4"))
    catalog = Catalog(None, {"[/]": Product("[/]", "Serum [bold]20%[/]")})

    class Result:
        highlights = [hl]

    console = Console(width=200, record=True)
    console.print(highlights_table(Result(), catalog))
    text = console.export_text()
    assert "Serum [bold]20%[/]" in text and "[red]clip.mp4" in text
