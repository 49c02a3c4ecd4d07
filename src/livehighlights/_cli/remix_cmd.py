"""``livehighlights remix``: quick post edit of a highlight (the lead registers it: ``app.command()(remix)``)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..errors import InputError, Where
from .output import console, err_console, esc
from .store_cmd import DbOpt, MediaOpt, SellerOpt, cli_store, stored_highlight


def remix(
    clip: Annotated[str, typer.Argument(
        help="A highlight id (h_...), HIGHLIGHTS.json#RANK, HIGHLIGHTS.json (with --rank) or a clip file.")],
    out: Annotated[Path, typer.Option("--out", help="The remix to write (.mp4); its sidecar goes beside it.")],
    style: Annotated[str, typer.Option("--style", help="Built-in style (classic, bold, minimal) or a .toml file.")]
    = "classic",
    rank: Annotated[int | None, typer.Option("--rank", help="Rank of the highlight in HIGHLIGHTS.json.")] = None,
    catalog: Annotated[Path | None, typer.Option("--catalog", help="Product catalog (for a clip file).")] = None,
    product: Annotated[str | None, typer.Option("--product", help="Id of the clip's product in the catalog.")] = None,
    plan: Annotated[Path | None, typer.Option("--plan", help="Bind to an upcoming LIVE plan (JSON: title, start).")]
    = None,
    live_on: Annotated[bool, typer.Option("--live-on/--live-off", help="Whether the LIVE is still running.")] = False,
    contact_sheet: Annotated[Path | None, typer.Option("--contact-sheet", help="Also write a 3x4 frame grid (PNG).")]
    = None,
    debug_boxes: Annotated[bool, typer.Option(
        "--debug-boxes", help="Mark on the contact sheet the face, product, LIVE marks and our elements.")] = False,
    size: Annotated[str, typer.Option("--size", help="1080x1920 or 720x1280.")] = "1080x1920",
    framing: Annotated[str, typer.Option(
        "--framing", help="Landscape source: auto, follow (crop around the subject) or fit (whole).")] = "auto",
    music: Annotated[Path | None, typer.Option("--music", help="Your own music file (instead of the style's).")] = None,
    no_music: Annotated[bool, typer.Option("--no-music", help="No background music.")] = False,
    language: Annotated[str | None, typer.Option("--language", help="Speech and card language (e.g. en, es, id).")]
    = None,
    preset: Annotated[str, typer.Option(
        "--preset", help="x264 preset: ultrafast (fastest) ... veryfast (smallest files).")] = "ultrafast",
    overwrite: Annotated[bool, typer.Option("--overwrite", help="Replace an existing file that is not a remix.")]
    = False,
    db: DbOpt = None,
    media_root: MediaOpt = None,
    seller: SellerOpt = "default",
) -> None:
    """Remix a highlight into a post-ready 9:16 short: subtitles, stickers, LIVE cues, end card, music."""
    from ..remix import Encoder, RemixOptions, resolve_source
    from ..remix import remix as run_remix
    from ..remix.reuse import StoredWindow, attach_stored

    if music is not None and no_music:
        raise InputError("--music and --no-music contradict each other", Where(field="--music"))
    if preset not in ("ultrafast", "superfast", "veryfast", "faster", "fast", "medium"):
        raise InputError(f"unknown preset '{preset}'", Where(field="--preset"))
    stored = stored_highlight(clip, db, media_root, seller)
    if stored is not None:
        live_catalog = Path(stored.live.catalog) if stored.live.catalog else None
        if catalog is None and live_catalog is not None and not live_catalog.is_file():
            raise InputError(f"catalog '{live_catalog}' of the highlight's LIVE not found (give --catalog)",
                             Where(field="--catalog"))
        source = resolve_source(str(stored.clip), catalog=catalog or live_catalog,
                                product_id=product or stored.record.product_id)
        r = stored.record
        attach_stored(source, StoredWindow(r.start_ms, r.end_ms, r.transcript))  # its words: not recognised again
    else:
        source = resolve_source(clip, rank=rank, catalog=catalog, product_id=product)
    _check_outputs(source, out, contact_sheet, (catalog, music, plan), overwrite)
    opts = RemixOptions(style=style, size=size, live_on=live_on, plan=plan, music=music, no_music=no_music,
                        language=language, contact_sheet=contact_sheet, encoder=Encoder(preset=preset),
                        debug_boxes=debug_boxes, framing=framing)
    with err_console.status("remixing..."):
        result = run_remix(source, out, opts)
    for w in result.warnings:
        err_console.print(f"[yellow]warning:[/yellow] {esc(w)}", soft_wrap=True)
    e = result.data["enhancements"]
    console.print(f"remix: [bold]{esc(result.output)}[/bold] ({esc(result.data['style']['name'])}, "
                  f"{esc(', '.join(e['elements']))}) in {result.timings['total']:.1f} s")
    if e["subtitles"]["status"] != "burned":
        console.print(f"subtitles: {esc(e['subtitles']['status'])}")
    sheet = f"\ncontact sheet: {esc(result.contact_sheet)}" if result.contact_sheet else ""
    console.print(f"sidecar: {esc(result.sidecar)}{sheet}")
    if stored is not None:
        from ..remix.batch import keep_remix

        with cli_store(db, media_root) as store:
            kept = keep_remix(store, stored.record.id, result)
        console.print(f"stored as remix {esc(kept.id)} of highlight {esc(stored.record.id)}")


def remix_process_option() -> None:
    """What ``process --remix STYLE`` does after the clips are cut (for the lead)::

        from ..remix import remix_highlights
        results = remix_highlights(result.report_path, remix_style, out / "remix")
    """


def _check_outputs(source: object, out: Path, sheet: Path | None, given: tuple[Path | None, ...],
                   overwrite: bool) -> None:
    """Refuse, before any work, to write over an input (the clip, the LIVE's recording, the report, the
    catalog, the music, the plan) or over a file that is not one of our remixes (without --overwrite)."""
    from ..check.sidecar import remix_path
    from ..outputs import check_output_file

    prov = getattr(source, "provenance", None) or {}
    inputs = [getattr(source, "clip", None), getattr(source, "report", None), getattr(source, "catalog_path", None),
              prov.get("live_recording") if isinstance(prov, dict) else None, *given]
    check_output_file(out, inputs=inputs, overwrite=overwrite, ours=lambda p: remix_path(p).exists())
    if sheet is not None:
        check_output_file(sheet, inputs=[*inputs, out], overwrite=True, option="--contact-sheet")
