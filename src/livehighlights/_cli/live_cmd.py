"""``livehighlights live`` (follow a LIVE while it runs), ``auto on|off`` (Auto LIVE Highlights) and the live demo.

    livehighlights live --video rtmp://host/live/KEY --events events.jsonl --catalog catalog.json --auto-post
    livehighlights live --video recording.mp4 --speed 4 --events - --catalog catalog.json --review
    livehighlights live --resume live_0123456789ab
    livehighlights auto off --seller myshop
"""

from __future__ import annotations

import signal
import sys
import threading
import time
from pathlib import Path
from typing import Annotated, Any

import typer

from ..errors import InputError, Where
from .output import console, err_console, esc

__all__ = ["auto", "demo_live", "live", "register"]

ConfigOpt = Annotated[Path | None, typer.Option("--config", help="Configuration file (TOML; default "
                                                "$LIVEHIGHLIGHTS_CONFIG or config.toml in the user config folder).")]
SellerOpt = Annotated[str, typer.Option("--seller", help="The seller (shop) name.")]


def _open(config_path: Path | None) -> tuple[Any, Any]:
    from ..publish import load_config
    from ..store import open_store

    cfg = load_config(config_path)
    return cfg, open_store(cfg.db, media_root=Path(cfg.media) if cfg.media else None)


def _ms(ms: int) -> str:
    s = ms / 1000
    return f"{int(s // 60)}:{s % 60:06.3f}"


class _Printer:
    """Prints what the follower does as it happens (one line each)."""

    def __init__(self) -> None:
        self.t0 = time.monotonic()
        self.lock = threading.Lock()
        self.noted: set[str] = set()

    def say(self, text: str) -> None:
        with self.lock:
            console.print(f"[dim]{time.monotonic() - self.t0:7.1f}s[/dim] {text}", soft_wrap=True)

    def moment(self, m: Any) -> None:
        self.say(f"moment  {_ms(m.start_ms)}-{_ms(m.end_ms)} {esc(m.kind)} "
                 f"{esc(m.product_id or '-')} score {m.score:.2f}")

    def report(self, r: Any) -> None:
        clip = esc(r.clip) if r.clip else "no clip"
        self.say(f"clip    {esc(r.highlight_id)} {_ms(r.start_ms)}-{_ms(r.end_ms)} tier {esc(r.tier or '-')}: {clip}")
        for p in r.posts:
            self.say(f"post    {esc(p.id)} to {esc(p.destination)}: {esc(p.state)}")
        for n in r.notes:
            self.say(f"[yellow]note[/yellow]    {esc(n)}")

    def post(self, p: Any) -> None:
        where = f" {esc(p.remote_url)}" if p.remote_url else ""
        reason = f" ({esc(p.reason)})" if p.reason and p.state != "published" else ""
        self.say(f"post    {esc(p.id)} to {esc(p.destination)}: [bold]{esc(p.state)}[/bold]{where}{reason}")

    def note(self, text: str) -> None:
        self.noted.add(text)
        self.say(f"[yellow]warning[/yellow] {esc(text)}")

    def callbacks(self) -> dict[str, Any]:
        return {"on_moment": self.moment, "on_report": self.report, "on_post": self.post, "on_note": self.note}


def _run(follower: Any, printer: _Printer) -> Any:
    """Run the follower; Ctrl-C (or SIGTERM) stops it cleanly the first time, at once the second."""
    def stop(signum: int, _frame: Any) -> None:
        printer.say("stopping: finishing the moments in hand (Ctrl-C again to quit at once)")
        follower.stop()
        signal.signal(signal.SIGINT, signal.default_int_handler)

    before = signal.signal(signal.SIGINT, stop)
    before_term = signal.signal(signal.SIGTERM, stop)
    try:
        return follower.run()
    finally:
        signal.signal(signal.SIGINT, before)
        signal.signal(signal.SIGTERM, before_term)


def _summary(res: Any, printer: _Printer) -> None:
    posted = sum(1 for p in res.posts if p.state == "published")
    ing = res.ingest
    printer.say(f"LIVE {esc(res.live_id)}: {len(res.moments)} moment(s), {len(res.candidates)} kept, "
                f"{posted} post(s) published; events: {ing.stored} stored, {ing.duplicates} repeated, "
                f"{ing.bad} unreadable, {res.late_events} late")
    for p in [*ing.problems, *(w for w in res.warnings if w not in printer.noted)]:
        err_console.print(f"[yellow]warning:[/yellow] {esc(p)}", soft_wrap=True)
    for f in res.failures:
        err_console.print(f"[red]failed:[/red] {esc(f)}", soft_wrap=True)
    if res.end is not None:
        e = res.end
        printer.say(f"ended ({esc(e.ended_by)}) at {_ms(e.end_ms)}; posts updated: {e.feeds_updated} feed(s), "
                    f"{e.webhooks_updated} webhook(s)")
        for f in e.failures:
            err_console.print(f"[yellow]warning:[/yellow] {esc(f)}", soft_wrap=True)
        if e.review is not None:
            printer.say(f"review list: [bold]{esc(e.review)}[/bold] (in {e.review_s:.1f} s)")
    else:
        printer.say(f"stopped before the LIVE ended: continue with [bold]livehighlights live --resume "
                    f"{esc(res.live_id)}[/bold]")


def live(
    video: Annotated[str | None, typer.Option("--video", help="The LIVE's video: an HLS/RTMP/FLV URL, a playlist, "
                                              "or a recording played as if live.")] = None,
    events: Annotated[str | None, typer.Option("--events", help="Events: a JSON Lines file that grows, - (standard "
                                               "input), store (pushed over HTTP), tiktok:@USER, analytics:URL.")]
    = None,
    catalog: Annotated[Path | None, typer.Option("--catalog", help="Product catalog (JSON).")] = None,
    seller: SellerOpt = "default",
    auto_post: Annotated[bool, typer.Option("--auto-post", help="Switch Auto LIVE Highlights on and post each "
                                            "good moment (auto off stops it, also mid-LIVE).")] = False,
    review: Annotated[bool, typer.Option("--review", help="Post nothing: keep every moment for review.")] = False,
    to: Annotated[str | None, typer.Option("--to", help="Destinations of automatic posts, comma-separated "
                                           "(default: the seller's settings).")] = None,
    style: Annotated[str | None, typer.Option("--style", help="Remix style of automatic posts.")] = None,
    room_url: Annotated[str | None, typer.Option("--room-url", help="The LIVE room's link (in each caption).")]
    = None,
    title: Annotated[str | None, typer.Option("--title", help="The LIVE's title.")] = None,
    resume: Annotated[str | None, typer.Option("--resume", help="Continue following this LIVE (after a crash).")]
    = None,
    speed: Annotated[float, typer.Option("--speed", help="A recording played as if live: this many times "
                                         "real time.")] = 1.0,
    out: Annotated[Path | None, typer.Option("--out", help="Export the review list here when the LIVE ends.")]
    = None,
    end_after: Annotated[float, typer.Option("--end-after", help="No new video for this many seconds: the LIVE "
                                             "has ended.")] = 60.0,
    no_deliver: Annotated[bool, typer.Option("--no-deliver", help="Leave delivery to the workers "
                                             "(livehighlights worker).")] = False,
    worker: Annotated[bool, typer.Option("--worker", help="Be a follower worker: take up every LIVE that needs a "
                                         "follower (new ones, and those of a worker that died) until stopped.")]
    = False,
    max_lives: Annotated[int, typer.Option("--max-lives", help="--worker: LIVEs followed at once.")] = 4,
    detach: Annotated[bool, typer.Option("--detach", help="Register the LIVE for a follower worker (livehighlights "
                                         "worker --follow, or live --worker) and return at once.")] = False,
    config: ConfigOpt = None,
) -> None:
    """Follow a LIVE while it runs: each moment found, cut, checked, remixed with LIVE cues and auto-posted."""
    from ..live.follower import FollowOptions
    from ..live.session import resume_follow, start_follow
    from ..publish.base import PUBLISHERS

    if worker:
        if video or events or resume or detach:
            raise InputError("--worker takes up the LIVEs that need a follower: leave out --video, --events, "
                             "--resume and --detach", Where(field="--worker"))
        _work(config, max_lives)
        return
    if auto_post and review:
        raise InputError("--auto-post and --review contradict each other", Where(field="--review"))
    dests = [d.strip() for d in to.split(",") if d.strip()] if to else None
    for d in dests or []:
        PUBLISHERS.get(d, Where(field="--to"))
    printer = _Printer()
    cfg, store = _open(config)
    with store:
        if resume is not None:
            if detach:
                raise InputError("--detach registers a new LIVE: a worker resumes LIVEs by itself",
                                 Where(field="--detach"))
            if video is not None or catalog is not None:
                raise InputError("--resume takes the LIVE's own video and catalog: leave out --video and --catalog",
                                 Where(field="--resume"))
            from ..live.events import open_event_source

            src = open_event_source(events) if events else None
            follower = resume_follow(store, cfg, resume, seller=seller, event_source=src, **printer.callbacks())
            printer.say(f"resuming LIVE {esc(resume)} from {_ms(follower.resumed_from_ms or 0)}")
        else:
            if not video:
                raise InputError("say where the LIVE's video comes from with --video", Where(field="--video"))
            if not events:
                raise InputError("say where the LIVE's events come from with --events", Where(field="--events"))
            if catalog is not None and not catalog.is_file():
                raise InputError("catalog not found", Where(catalog, field="--catalog"))
            opts = FollowOptions(mode="auto" if auto_post else "review" if review else "settings",
                                 destinations=dests, style=style, room_url=room_url, end_after_s=end_after,
                                 deliver=not no_deliver, out_dir=str(out.resolve()) if out else None)
            if detach:
                from ..live.session import register_follow

                live_id = register_follow(store, video=video, events=events, catalog=catalog, seller=seller,
                                          title=title, options=opts, speed=speed)
                printer.say(f"LIVE [bold]{esc(live_id)}[/bold] registered: a follower worker takes it up "
                            f"(livehighlights worker --follow)")
                return
            follower = start_follow(store, cfg, video=video, events=events, catalog=catalog, seller=seller,
                                    title=title, options=opts, speed=speed, **printer.callbacks())
            printer.say(f"following LIVE [bold]{esc(follower.ctx.live_id)}[/bold] "
                        f"({'auto-posting' if auto_post else 'review only' if review else 'per the settings'})")
        res = _run(follower, printer)
        _summary(res, printer)


def _work(config: Path | None, capacity: int) -> None:
    from ..live.workers import FollowerPool

    if capacity < 1:
        raise InputError(f"must be at least 1, got {capacity}", Where(field="--max-lives"))
    printer = _Printer()
    cfg, store = _open(config)
    with store:
        pool = FollowerPool(store, cfg, capacity=capacity, on_event=printer.say)
        before = signal.signal(signal.SIGINT, pool.request_stop)
        before_term = signal.signal(signal.SIGTERM, pool.request_stop)
        printer.say(f"follower worker {esc(pool.owner)}: taking up LIVEs that need a follower (Ctrl-C stops)")
        try:
            pool.run()
        finally:
            signal.signal(signal.SIGINT, before)
            signal.signal(signal.SIGTERM, before_term)


def auto(
    state: Annotated[str, typer.Argument(help="on, off, or status.")] = "status",
    seller: SellerOpt = "default",
    to: Annotated[str | None, typer.Option("--to", help="Destinations of automatic posts, comma-separated.")] = None,
    style: Annotated[str | None, typer.Option("--style", help="Remix style of automatic posts.")] = None,
    config: ConfigOpt = None,
) -> None:
    """Switch Auto LIVE Highlights on or off (also in the middle of a LIVE: off keeps moments for review)."""
    from ..store.settings import auto_settings, set_auto_settings

    if state not in ("on", "off", "status"):
        raise InputError(f"'{state}' is not on, off or status", Where(field="STATE"))
    _, store = _open(config)
    with store:
        sid = store.seller(seller).id
        dests = [d.strip() for d in to.split(",") if d.strip()] if to else None
        if state == "status" and dests is None and style is None:
            s = auto_settings(store, sid)
        else:
            s = set_auto_settings(store, sid, auto_post=None if state == "status" else state == "on",
                                  destinations=dests, style=style)
        console.print(f"Auto LIVE Highlights for {esc(seller)}: [bold]{'on' if s.auto_post else 'off'}[/bold] "
                      f"(to {esc(', '.join(s.destinations) or '-')}, at most {s.max_per_live} per LIVE and "
                      f"{s.max_per_product} per product, style {esc(s.style or 'classic')})")


def demo_live(out: Path, minutes: float, seed: int, speed: float = 1.0) -> None:
    """The whole automatic flow on one machine: a simulated LIVE streamed as if live, followed, auto-posted to
    the local feed (the demo seller gives the standing consent and switches Auto LIVE Highlights on)."""
    from ..live.clock import play_events
    from ..live.follower import FollowOptions
    from ..live.session import start_follow
    from ..publish import Outbox, PostChoices
    from ..sim import SimConfig, simulate
    from ..store.settings import set_auto_settings

    live_dir = out / "live"
    with err_console.status(f"simulating a {minutes:g}-minute LIVE..."):
        sim = simulate(SimConfig(minutes=minutes, seed=seed), live_dir)
    console.print(f"simulated a {minutes:g}-minute LIVE in [bold]{esc(live_dir)}[/bold]")
    stream = out / "stream"
    stream.mkdir(parents=True, exist_ok=True)
    events = stream / "events.jsonl"
    events.write_text("")
    cfg, store = _open(None)
    printer = _Printer()
    with store:
        sid = store.seller("demo").id
        Outbox(store, cfg).give_consent(sid, "local", PostChoices("PUBLIC_TO_EVERYONE"))
        set_auto_settings(store, sid, auto_post=True, destinations=["local"])
        console.print("seller 'demo': standing consent to post to the local feed, Auto LIVE Highlights on")
        opts = FollowOptions(mode="auto", destinations=["local"], room_url="https://example.com/live/demo",
                             out_dir=str((out / "highlights").resolve()), end_after_s=30)
        follower = start_follow(store, cfg, video=str(sim.recording), events=str(events), catalog=sim.catalog,
                                seller="demo", title="demo LIVE", options=opts, speed=speed, **printer.callbacks())
        player = threading.Thread(target=play_events, args=(sim.events, events, follower.clock), daemon=True)
        player.start()
        printer.say(f"streaming the LIVE at {speed:g}x and following it as {esc(follower.ctx.live_id)}: moments "
                    "are confirmed once their orders are in (about 90 s after a pitch ends)")
        res = _run(follower, printer)
        _summary(res, printer)
        feed = store.media.path(f"feed/{sid}/feed.json")
        if feed.is_file():
            console.print(f"local feed: [bold]{esc(feed)}[/bold]")
    if res.end is None:
        sys.exit(130)


def register(app: typer.Typer) -> None:
    """Add ``live`` and ``auto`` to the command line."""
    app.command()(live)
    app.command()(auto)
