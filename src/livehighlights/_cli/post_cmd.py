"""``livehighlights post``, ``posts``, ``publishers`` and ``consent``: the outbox from the command line.

    livehighlights post h_0123456789abcdef --to tiktok --privacy SELF_ONLY
    livehighlights post out/highlights.json#1 --to webhook --no-wait
    livehighlights post cancel post_0123456789abcdef
    livehighlights post resolve post_0123456789abcdef --posted --url https://...
    livehighlights posts --live live_0123456789ab --json
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from ..errors import InputError, Where
from .output import console, err_console, esc

__all__ = ["consent", "post", "posts", "publishers", "register"]

ConfigOpt = Annotated[Path | None, typer.Option("--config", help="Configuration file (TOML; default "
                                                "$LIVEHIGHLIGHTS_CONFIG or config.toml in the user config folder).")]
SellerOpt = Annotated[str, typer.Option("--seller", help="The seller (shop) name.")]


def _open(config_path: Path | None) -> tuple[Any, Any]:
    from ..publish import load_config
    from ..store import open_store

    cfg = load_config(config_path)
    store = open_store(cfg.db, media_root=Path(cfg.media) if cfg.media else None)
    return cfg, store


def _highlight_id(ref: str) -> str:
    """A store id, or ``highlights.json#RANK`` (the report's ``id`` of that rank)."""
    if "#" not in ref:
        return ref
    path_s, _, rank_s = ref.rpartition("#")
    path = Path(path_s)
    if not rank_s.isdigit():
        raise InputError(f"'{rank_s}' is not a rank (use HIGHLIGHTS.json#1)", Where(path))
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError("file not found", Where(path)) from None
    except (OSError, ValueError) as e:
        raise InputError(f"cannot read it as JSON ({e})", Where(path)) from None
    for h in doc.get("highlights", []) if isinstance(doc, dict) else []:
        if isinstance(h, dict) and h.get("rank") == int(rank_s):
            if not h.get("id"):
                raise InputError(f"highlight #{rank_s} has no store id (process the LIVE with this version)",
                                 Where(path, field="id"))
            return str(h["id"])
    raise InputError(f"no highlight of rank {rank_s}", Where(path))


def _when(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        at = datetime.fromisoformat(text)
    except ValueError:
        raise InputError(f"'{text}' is not an ISO-8601 time (e.g. 2026-12-03T18:30+01:00)",
                         Where(field="--at")) from None
    return at if at.tzinfo is not None else at.astimezone()  # no zone given: the machine's local time


def _show(p: Any) -> str:
    where = p.remote_url or p.remote_id or ""
    return f"{p.id} → {p.destination}: [bold]{p.state}[/bold]" + (f" {esc(where)}" if where else "") + (
        f" ({esc(p.reason)})" if p.reason and p.state != "published" else "")


def post(
    target: Annotated[str, typer.Argument(help="HIGHLIGHT (a store id or HIGHLIGHTS.json#RANK), or 'cancel' / "
                                          "'resolve' followed by a post id.")],
    post_id: Annotated[str | None, typer.Argument(help="The post id (after 'cancel' or 'resolve').")] = None,
    to: Annotated[str | None, typer.Option("--to", help="Publisher: local, webhook, tiktok, tiktok-shop.")] = None,
    remix: Annotated[str | None, typer.Option("--remix", help="Post the stored remix of this style.")] = None,
    at: Annotated[str | None, typer.Option("--at", help="Post at this time (ISO-8601).")] = None,
    force: Annotated[bool, typer.Option("--force", help="Post a clip below Basic anyway.")] = False,
    no_wait: Annotated[bool, typer.Option("--no-wait", help="Queue it and return (a worker delivers it).")] = False,
    privacy: Annotated[str | None, typer.Option("--privacy", help="PUBLIC_TO_EVERYONE, MUTUAL_FOLLOW_FRIENDS, "
                                                "FOLLOWER_OF_CREATOR or SELF_ONLY (TikTok asks for it).")] = None,
    no_comment: Annotated[bool, typer.Option("--no-comment", help="Turn comments off.")] = False,
    no_duet: Annotated[bool, typer.Option("--no-duet", help="Turn duets off.")] = False,
    no_stitch: Annotated[bool, typer.Option("--no-stitch", help="Turn stitches off.")] = False,
    brand_content: Annotated[bool, typer.Option("--brand-content", help="Disclose a paid partnership.")] = False,
    brand_organic: Annotated[bool, typer.Option("--brand-organic", help="Disclose promoting your own business.")]
    = False,
    caption: Annotated[str | None, typer.Option("--caption", help="Caption (default: built from the highlight).")]
    = None,
    account: Annotated[str, typer.Option("--account", help="Destination account.")] = "default",
    posted: Annotated[bool, typer.Option("--posted/--not-posted", help="resolve: found on the destination?")]
    = False,
    url: Annotated[str | None, typer.Option("--url", help="resolve: the post's URL on the destination.")] = None,
    timeout: Annotated[float, typer.Option("--timeout", help="Seconds to wait for delivery.")] = 900.0,
    seller: SellerOpt = "default",
    config: ConfigOpt = None,
) -> None:
    """Post a highlight (queue it and, unless --no-wait, deliver it now with progress); or cancel a queued post;
    or settle an unknown one."""
    from ..publish import Outbox, PostChoices, PostRequest, Worker, make_queue, submit

    if target in ("cancel", "resolve"):
        if not post_id:
            raise InputError(f"'post {target}' needs a post id", Where(field="POST_ID"))
        cfg, store = _open(config)
        with store:
            outbox = Outbox(store, cfg)
            sid = store.seller(seller).id
            p = outbox.cancel(sid, post_id) if target == "cancel" else outbox.resolve(sid, post_id, posted=posted,
                                                                                      url=url)
            console.print(_show(p))
        return
    if post_id is not None:
        raise InputError(f"unexpected argument '{post_id}'", Where(field="HIGHLIGHT"))
    if not to:
        raise InputError("say where to post it with --to (see livehighlights publishers)", Where(field="--to"))
    hid = _highlight_id(target)
    cfg, store = _open(config)
    with store:
        outbox = Outbox(store, cfg)
        sid = store.seller(seller).id
        q = make_queue(cfg.queue)
        choices = PostChoices(privacy, no_comment, no_duet, no_stitch, brand_content, brand_organic)
        req = PostRequest(hid, to, account=account, remix=remix, at=_when(at), force=force, caption=caption,
                          choices=choices)
        queued = submit(outbox, q, sid, req)
        p = queued.post
        console.print(("queued " if queued.new else "already in the outbox: ") + _show(p))
        if no_wait or p.settled or p.not_before > datetime.now(UTC):
            if p.not_before > datetime.now(UTC) and not p.settled:
                console.print(f"scheduled for {p.not_before.isoformat()}: a worker posts it then")
            return
        _deliver_now(store, cfg, q, outbox, sid, p.id, timeout, Worker)


def _deliver_now(store: Any, cfg: Any, q: Any, outbox: Any, sid: str, pid: str, timeout: float, worker: Any) -> None:
    import time

    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TransferSpeedColumn

    end = time.monotonic() + timeout
    with Progress(TextColumn("upload"), BarColumn(), DownloadColumn(), TransferSpeedColumn(), console=err_console,
                  transient=True) as bar:
        task = bar.add_task("upload", total=None)

        def progress(post_id: str, done: int, total: int) -> None:
            if post_id == pid:
                bar.update(task, completed=done, total=total)

        def settled() -> bool:
            p = outbox.get(sid, pid)
            return p is None or p.settled or p.state == "unknown" or time.monotonic() > end

        worker(store, cfg, q, progress=progress).run(until=settled)
    p = outbox.get(sid, pid)
    console.print(_show(p))
    if p.state == "failed":
        sys.exit(1)
    if p.state == "unknown":
        err_console.print(f"[yellow]post {p.id} may or may not be on {esc(p.destination)}: a worker keeps asking; "
                          "see livehighlights posts[/yellow]")
        sys.exit(3)
    if not p.settled:
        console.print(f"still {p.state}: a worker (livehighlights worker) finishes it")


def posts(
    live: Annotated[str | None, typer.Option("--live", help="Only this LIVE's posts.")] = None,
    state: Annotated[str | None, typer.Option("--state", help="Only posts in this state.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON list to stdout.")] = False,
    seller: SellerOpt = "default",
    config: ConfigOpt = None,
) -> None:
    """List the seller's posts and where each stands."""
    from rich.table import Table

    from ..publish import POST_STATES, Outbox

    if state is not None and state not in POST_STATES:
        raise InputError(f"'{state}' is not a post state ({', '.join(POST_STATES)})", Where(field="--state"))
    cfg, store = _open(config)
    with store:
        rows = Outbox(store, cfg).posts(store.seller(seller).id, live, state)
    if as_json:
        sys.stdout.write(json.dumps([p.to_json() for p in rows], indent=2, ensure_ascii=False) + "\n")
        return
    if not rows:
        console.print("no posts" + (f" for LIVE {esc(live)}" if live else ""))
        return
    table = Table("post", "highlight", "to", "rendition", "state", "tries", "link / reason", "created")
    for p in rows:
        table.add_row(p.id, p.highlight_id, p.destination + ("" if p.account == "default" else f":{p.account}"),
                      p.rendition + (" auto" if p.auto else "") + (" forced" if p.forced else ""), p.state,
                      str(p.attempts), esc(p.remote_url or p.reason or p.remote_id or ""),
                      p.created_at.strftime("%Y-%m-%d %H:%M"))
    console.print(table)


def publishers(config: ConfigOpt = None) -> None:
    """The registered publishers and whether each is configured."""
    from rich.table import Table

    from ..publish import PUBLISHERS, load_config

    cfg = load_config(config)
    table = Table("publisher", "posts to", "configured")
    for name, cls in PUBLISHERS.items():
        missing = cls(cfg).missing()
        table.add_row(name, cls.title, "yes" if missing is None else f"no: {esc(missing)}")
    console.print(table)


def consent(
    to: Annotated[str, typer.Option("--to", help="Publisher the standing consent is for.")],
    privacy: Annotated[str | None, typer.Option("--privacy", help="Privacy level of auto-posts.")] = None,
    no_comment: Annotated[bool, typer.Option("--no-comment")] = False,
    no_duet: Annotated[bool, typer.Option("--no-duet")] = False,
    no_stitch: Annotated[bool, typer.Option("--no-stitch")] = False,
    brand_content: Annotated[bool, typer.Option("--brand-content")] = False,
    brand_organic: Annotated[bool, typer.Option("--brand-organic")] = False,
    revoke: Annotated[bool, typer.Option("--revoke", help="Withdraw the consent: auto-posting stops.")] = False,
    resume: Annotated[bool, typer.Option("--resume", help="Resume auto-posting paused by the destination.")] = False,
    account: Annotated[str, typer.Option("--account")] = "default",
    seller: SellerOpt = "default",
    config: ConfigOpt = None,
) -> None:
    """Give (or withdraw) the standing consent Auto LIVE Highlights posts under, with its choices."""
    from ..publish import Outbox, PostChoices

    cfg, store = _open(config)
    with store:
        outbox = Outbox(store, cfg)
        sid = store.seller(seller).id
        if revoke:
            n = outbox.revoke_consent(sid, to, account)
            console.print(f"withdrew {n} consent(s) to auto-post to {esc(to)}")
            return
        if resume:
            outbox.resume(to, account)
            console.print(f"auto-posting to {esc(to)} account {esc(account)} resumed")
            return
        c = outbox.give_consent(sid, to, PostChoices(privacy, no_comment, no_duet, no_stitch, brand_content,
                                                     brand_organic), account)
        console.print(f"consent {c.id}: auto-posts to {esc(to)} with {esc(json.dumps(c.choices.to_json()))} "
                      f"(given {c.given_at.isoformat()})")


def register(app: typer.Typer) -> None:
    """Add the publishing commands (and ``worker``) to the CLI."""
    from .worker_cmd import worker

    for fn in (post, posts, publishers, consent, worker):
        app.command()(fn)
