"""``livehighlights check``: judge a clip against the seed's rules."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from ..errors import InputError, Where, need_file
from ..rules import DEFAULT_SPEECH_MODEL, MULTILINGUAL_SPEECH_MODEL
from .output import console, esc
from .store_cmd import DbOpt, MediaOpt, SellerOpt, stored_highlight

_STYLE = {"pass": "green", "fail": "red", "unknown": "yellow"}


def check(
    clip: Annotated[Path, typer.Argument(help="The clip to judge (ours or any MP4), or a highlight id (h_...).")],
    catalog: Annotated[Path | None, typer.Option("--catalog", help="Product catalog (JSON).")] = None,
    product: Annotated[str | None, typer.Option("--product", help="Id of the clip's product in the catalog.")] = None,
    language: Annotated[str | None, typer.Option(help="The local language the clip should be in (e.g. en).")] = None,
    model: Annotated[str, typer.Option(help=f"Speech model: {DEFAULT_SPEECH_MODEL}, {MULTILINGUAL_SPEECH_MODEL} "
                                            "(multilingual) or a hub name.")] = DEFAULT_SPEECH_MODEL,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    db: DbOpt = None,
    media_root: MediaOpt = None,
    seller: SellerOpt = "default",
) -> None:
    """Judge a clip against every rule of the seeds; exit 0 when it meets at least the Basic tier."""
    from ..check import CheckOptions, check_clip
    from ..check.sidecar import read_sidecars
    from ..sources import load_catalog

    stored = stored_highlight(str(clip), db, media_root, seller)
    if stored is not None:
        clip = stored.clip
    need_file(clip, "a clip")
    prov, side_product, side_catalog, remix = read_sidecars(clip)
    catalog = catalog or (Path(side_catalog) if side_catalog else None)
    product = product or side_product
    cat = load_catalog(catalog) if catalog else None
    prod = None
    if product is not None:
        if cat is None:
            raise InputError("--product needs --catalog", Where(field="--product"))
        prod = cat.get(product)
        if prod is None:
            raise InputError(f"product '{product}' is not in the catalog", Where(catalog, field="--product"))
    from ..media.models import check_model

    check_model(model)
    opts = CheckOptions(language=language, speech_model=model)
    report = check_clip(clip, product=prod, catalog=cat, provenance=prov,
                        enhancements=remix.get("enhancements", remix) if remix else None, options=opts)
    if as_json:
        sys.stdout.write(json.dumps(report.to_json(), indent=2) + "\n")
    else:
        table = Table(title=f"{esc(clip.name)}: tier [bold]{report.tier}[/bold]", title_justify="left")
        for col in ("tier", "rule", "status", "evidence"):
            table.add_column(col)
        for r in report.results:
            rule = r.rule
            name = rule.title + (" (advisory)" if rule.advisory else "")
            table.add_row(rule.tier, esc(name), f"[{_STYLE[r.status]}]{r.status}[/]", esc(r.reason))
        console.print(table)
        if report.unverified:
            console.print("not verified (give the LIVE or the catalog): " + ", ".join(report.unverified))
    raise typer.Exit(0 if report.meets("basic") else 1)
