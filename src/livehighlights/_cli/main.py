"""``livehighlights`` command: demo, simulate, process, moments."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from ..errors import InputError, LiveHighlightsError, Where
from ..rules import DEFAULT_SPEECH_MODEL, MAX_CLIPS_PER_LIVE, MAX_CLIPS_PER_PRODUCT, MULTILINGUAL_SPEECH_MODEL
from . import simulate_live_cmd as sl
from .output import console, err_console, esc, highlights_table, moments_table, print_warnings
from .store_cmd import DbOpt, MediaOpt, SellerOpt, cli_store

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Find the moments of a live-shopping LIVE that sold, and cut them into clips.")

WeightOpt = Annotated[list[str] | None, typer.Option(
    "--weight", help="Score weight NAME=VALUE (gmv, gpm, engagement, traffic, profit); repeatable.")]
OffsetOpt = Annotated[float | None, typer.Option(
    "--offset", help="The recording starts this many seconds into the event log (default: detected when obvious).")]
LiveStartOpt = Annotated[str | None, typer.Option(
    "--live-start", help="The recording's start as an ISO time, for a log of clock times (default: the log's first).")]


def _progress() -> Progress:
    return Progress(TextColumn("{task.description:<10}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                    TimeElapsedColumn(), console=err_console, transient=True)


PriorsOpt = Annotated[Path | None, typer.Option(
    "--priors", help="The seller's past LIVEs (JSON, see livehighlights.detect.priors): baselines for short LIVEs.")]


def _detect_options(weights: list[str] | None, priors: Path | None = None) -> Any:
    from ..detect import DetectOptions
    from ..detect.priors import load_priors

    parsed: dict[str, float] = {}
    for item in weights or []:
        name, sep, value = item.partition("=")
        try:
            if not sep:
                raise ValueError
            parsed[name.strip()] = float(value)
        except ValueError:
            raise InputError(f"--weight '{item}' is not NAME=NUMBER", Where(field="--weight")) from None
    opts = DetectOptions.from_dict({"weights": parsed}) if parsed else DetectOptions()
    opts.priors = load_priors(priors)
    return opts


@app.command()
def simulate(
    out: Annotated[Path, typer.Option("--out", help="Folder to write the LIVE into.")],
    minutes: Annotated[float, typer.Option(help="Length of the LIVE.")] = 3.0,
    seed: Annotated[int, typer.Option(help="Random seed (same seed, same LIVE).")] = 0,
    resolution: Annotated[str, typer.Option(help="720p or 1080p.")] = "720p",
    orientation: Annotated[str, typer.Option(help="portrait (9:16) or landscape (16:9).")] = "portrait",
    difficulty: Annotated[str, typer.Option(help="default or hard.")] = "default",
    live: sl.LiveOpt = False, speed: sl.SpeedOpt = 1.0, serve: sl.ServeOpt = "hls", port: sl.PortOpt = 0,
    to: sl.ToOpt = None, rtmp_listen: sl.RtmpListenOpt = False, push: sl.PushOpt = None, token: sl.TokenOpt = None,
    drop: sl.DropOpt = None, source: sl.FromOpt = None,
) -> None:
    """Write a synthetic live-shopping LIVE: recording.mp4, events.jsonl, catalog.json, truth.json (with --live,
    then stream it in real time: HLS, RTMP or a growing file, and its events as their time comes)."""
    if live:
        sl.simulate_live(out, None if source else lambda d: _simulate(d, minutes, seed, resolution, orientation,
                                                                      difficulty), source=source, speed=speed,
                         serve=serve, port=port, to=to, rtmp_listen=rtmp_listen, push=push, token=token, drop=drop)
        return
    _simulate(out, minutes, seed, resolution, orientation, difficulty)


def _simulate(out: Path, minutes: float, seed: int, resolution: str, orientation: str, difficulty: str) -> Any:
    from ..sim import SimConfig
    from ..sim import simulate as run_sim

    cfg = SimConfig(minutes=minutes, seed=seed, resolution=resolution, orientation=orientation,
                    difficulty=difficulty)
    with _progress() as bar:
        task = bar.add_task("simulate", total=100)

        def progress(step: str, fraction: float) -> None:
            bar.update(task, description=step, completed=int(fraction * 100))

        result = run_sim(cfg, out, progress=progress)
    console.print(f"simulated a {minutes:g}-minute LIVE in [bold]{esc(out)}[/bold]: "
                  f"{esc(result.recording.name)}, {esc(result.events.name)} ({result.n_events} events), "
                  f"{esc(result.catalog.name)}, {esc(result.truth.name)}")
    return result


@app.command()
def process(
    recording: Annotated[Path, typer.Argument(help="The LIVE's recording (MP4).")],
    events: Annotated[Path, typer.Option("--events", help="Event log (JSON Lines, JSON or CSV), or a chat log.")],
    out: Annotated[Path, typer.Option("--out", help="Output folder.")],
    catalog: Annotated[Path | None, typer.Option("--catalog", help="Product catalog (JSON).")] = None,
    strict: Annotated[bool, typer.Option(help="Malformed event lines are fatal.")] = False,
    no_clips: Annotated[bool, typer.Option("--no-clips", help="Plan only, cut no clip files.")] = False,
    no_analysis: Annotated[bool, typer.Option(
        "--no-analysis", help="Metrics only: no speech or vision on the candidates, no compliance report.")] = False,
    language: Annotated[str | None, typer.Option(help="The LIVE's local language (e.g. en, es, id).")] = None,
    speech_model: Annotated[str, typer.Option(
        "--speech-model", help=f"{DEFAULT_SPEECH_MODEL} (default), {MULTILINGUAL_SPEECH_MODEL} (multilingual), a "
        "model folder or a cached hub name.")] = DEFAULT_SPEECH_MODEL,
    remix: Annotated[str | None, typer.Option(
        "--remix", help="Also remix every clip with this style (classic, bold, minimal or a .toml file).")] = None,
    max_clips: Annotated[int, typer.Option(help="At most this many clips per LIVE.")] = MAX_CLIPS_PER_LIVE,
    max_per_product: Annotated[int, typer.Option(help="At most this many clips per product.")] = MAX_CLIPS_PER_PRODUCT,
    weight: WeightOpt = None,
    priors: PriorsOpt = None,
    db: DbOpt = None,
    media_root: MediaOpt = None,
    seller: SellerOpt = "default",
    title: Annotated[str | None, typer.Option(help="The LIVE's title in the store (default: the file's name).")]
    = None,
    offset: OffsetOpt = None,
    live_start: LiveStartOpt = None,
) -> None:
    """Find the highlights of a recorded LIVE, store them and cut them into clips (DIR/highlights.json,
    DIR/clips/). Run again on the same LIVE, it updates the same records and reuses the work already stored."""
    from ..pipeline import ProcessOptions
    from ..plan import PlanOptions
    from ..understand import UnderstandOptions

    if remix is not None:
        from ..remix import load_style

        load_style(remix)  # a bad style fails before any work
        if no_clips:
            raise InputError("--remix needs clips (drop --no-clips)", Where(field="--remix"))
    if not no_analysis:
        from ..media.models import check_model

        check_model(speech_model)  # an unknown model fails before any work, not as every clip's "unknown"
    understand = None if no_analysis else UnderstandOptions(speech_model=speech_model, language=language)
    opts = ProcessOptions(detect=_detect_options(weight, priors), strict=strict, render=not no_clips,
                          plan=PlanOptions(max_per_live=max_clips, max_per_product=max_per_product),
                          understand=understand, seller=seller, title=title, offset_s=offset,
                          live_start=live_start)
    _process(recording, events, out, catalog, opts, remix, db=db, media_root=media_root)


def _process(recording: Path, events: Path, out: Path, catalog: Path | None, opts: Any,
             remix_style: str | None = None, *, db: str | None = None, media_root: Path | None = None) -> None:
    from ..jobs.priority import lower_this_thread
    from ..outputs import check_output_dir
    from ..pipeline import process as run_process

    check_output_dir(out, inputs=[recording, events, catalog])
    lower_this_thread()  # batch work: a remix or a live follower beside it keeps the cores (jobs.priority)

    remixes: list[Any] = []
    with cli_store(db, media_root) as store, _progress() as bar:
        tasks: dict[str, Any] = {}

        def progress(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done, total=total)

        result = run_process(recording, events, out, catalog_path=catalog, options=opts, progress=progress,
                             store=store)
        if remix_style is not None and result.highlights:
            from ..remix.batch import remix_records

            stored = {r.id: r for r in store.highlights(store.seller(opts.seller).id, result.live_id)}
            todo = [(stored[h.id], h.clip.stem) for h in result.highlights if h.clip is not None]
            remixes = remix_records(store, todo, remix_style, result.out_dir / "remix", catalog=catalog,
                                    progress=lambda done, total: progress("remix", done, total))
    print_warnings(result.warnings)
    cat = None
    if catalog is not None:
        from ..sources import load_catalog

        cat = load_catalog(catalog)
    console.print(highlights_table(result, cat))
    if not result.highlights:
        console.print(f"[yellow]no highlight found[/yellow] among {len(result.moments)} moments "
                      f"({len(result.rejected)} rejected; reasons in the report)")
    console.print(f"LIVE:   [bold]{esc(result.live_id)}[/bold] ({len(result.highlights)} highlights stored"
                  + (f", {result.reused_jobs} found done and reused" if result.reused_jobs else "") + ")")
    console.print(f"report: [bold]{esc(result.report_path)}[/bold]")
    if opts.render and result.highlights:
        console.print(f"clips:  [bold]{esc(result.out_dir / 'clips')}[/bold]")
    if remix_style is not None and result.highlights:
        for r in remixes:
            console.print(f"remix:  [bold]{esc(r.output)}[/bold]")


@app.command()
def moments(
    events: Annotated[Path, typer.Argument(help="Event log (JSON Lines, JSON or CSV), or a chat log.")],
    catalog: Annotated[Path | None, typer.Option("--catalog", help="Product catalog (JSON).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON list to stdout.")] = False,
    strict: Annotated[bool, typer.Option(help="Malformed event lines are fatal.")] = False,
    duration: Annotated[float | None, typer.Option(help="LIVE length in seconds (default: last event).")] = None,
    weight: WeightOpt = None,
    priors: PriorsOpt = None,
    offset: OffsetOpt = None,
    live_start: LiveStartOpt = None,
    remember: Annotated[Path | None, typer.Option(
        "--remember", help="Append this LIVE to a priors file (the seller's past LIVEs, for --priors).")] = None,
) -> None:
    """Find moments from an event log alone, with no recording."""
    from ..engine import check_live_length, detect, detect_stream
    from ..sources import load_catalog, load_events
    from ..sources.stream import stream_events
    from ..timebase import s_to_ms

    if duration is not None:
        check_live_length(duration * 1000, Where(field="--duration"))
    cat = load_catalog(catalog) if catalog else None
    opts = _detect_options(weight, priors)
    # a JSON Lines log of relative times is streamed (memory bounded by the LIVE's length, not its events)
    stream = stream_events(events, strict=strict, catalog=cat) if (
        remember is None and live_start is None and offset is None) else None
    if stream is not None:
        detection = detect_stream(stream, s_to_ms(duration) if duration is not None else None, opts, cat)
        print_warnings([*(cat.warnings if cat is not None else []), *stream.warnings, *detection.warnings])
    else:
        log = load_events(events, strict=strict, catalog=cat, live_start=live_start, offset_s=offset)
        end_ms = s_to_ms(duration) if duration is not None else log.span_ms[1] + 1000
        if log.stats.get("format") == "minutes":
            opts.resolution_s = 60  # per-minute totals: each minute is a candidate
        detection = detect(log.events, end_ms, opts, cat)
        print_warnings([*(cat.warnings if cat is not None else []), *log.warnings, *detection.warnings])
    found = detection.moments
    if remember is not None:
        from ..detect.priors import remember as remember_live
        from ..detect.priors import summarise
        from ..signals import build_timeline

        n = remember_live(remember, summarise(build_timeline(log.events, end_ms, cat)))
        err_console.print(f"remembered in {esc(remember)} ({n} past LIVE{'s' if n != 1 else ''})", soft_wrap=True)
    if as_json:
        sys.stdout.write(json.dumps([m.to_json() for m in found], indent=2) + "\n")
    else:
        console.print(moments_table(found))


@app.command()
def demo(
    out: Annotated[Path, typer.Option("--out", help="Folder for the simulated LIVE and its highlights.")] = Path(
        "livehighlights-demo"),
    minutes: Annotated[float | None, typer.Option(help="Length of the simulated LIVE (default 6, with --live 3).")]
    = None,
    seed: Annotated[int, typer.Option(help="Random seed (5: three pitches, two that sell, and a giveaway).")] = 5,
    live_flow: Annotated[bool, typer.Option("--live", help="The automatic flow: stream the LIVE as if live, follow "
                                            "it, auto-post to the local feed.")] = False,
    speed: Annotated[float, typer.Option(help="With --live: stream this many times real time.")] = 1.0,
) -> None:
    """Simulate a short LIVE, process it, and print its highlights (or, with --live, follow and auto-post it)."""
    if live_flow:
        from .live_cmd import demo_live

        demo_live(out, minutes or 3.0, seed, speed)
        return
    minutes = minutes or 6.0
    live = out / "live"
    sim = _simulate(live, minutes, seed, "720p", "portrait", "default")
    from ..pipeline import ProcessOptions

    _process(sim.recording, sim.events, out / "highlights", sim.catalog, ProcessOptions())


from .check_cmd import check  # noqa: E402
from .remix_cmd import remix  # noqa: E402
from .store_cmd import highlights, lives  # noqa: E402

app.command()(check)
app.command()(remix)
app.command()(lives)
app.command()(highlights)

from .post_cmd import register as _register_publishing  # noqa: E402

_register_publishing(app)
from .live_cmd import register as _register_live  # noqa: E402

_register_live(app)

from .web_cmd import register as _register_web  # noqa: E402

_register_web(app)


def run() -> None:
    """Entry point: one-line errors and a non-zero exit instead of tracebacks."""
    try:
        app()
    except LiveHighlightsError as err:
        err_console.print(f"[red]error:[/red] {esc(err)}", soft_wrap=True, markup=True)
        sys.exit(2)
    except KeyboardInterrupt:
        err_console.print("[red]interrupted[/red]")
        sys.exit(130)


if __name__ == "__main__":
    run()
