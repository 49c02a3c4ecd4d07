"""``livehighlights serve``, ``user add`` and ``token add|list|revoke``: the Seller Center from the command line.

    livehighlights serve --host 127.0.0.1 --port 8000
    livehighlights user add ana@shop.example --seller "Ana's shop"          # asks for the password twice
    printf '%s\\n' "$PW" | livehighlights user add ana --password-stdin
    livehighlights token add follower --seller "Ana's shop"                 # prints the token once
    livehighlights token list
    livehighlights token revoke tok_0123456789abcdef
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from ..errors import InputError, Where
from .output import console, err_console, esc
from .store_cmd import DbOpt, MediaOpt, SellerOpt, cli_store

__all__ = ["register", "serve", "token_app", "user_app"]

user_app = typer.Typer(no_args_is_help=True, help="Seller Center accounts.")
token_app = typer.Typer(no_args_is_help=True, help="API tokens for machines (the live follower, scripts).")


def serve(
    db: DbOpt = None,
    media_root: MediaOpt = None,
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option("--workers", min=1, help="Server processes.")] = 1,
    proxy_headers: Annotated[bool, typer.Option(
        "--proxy-headers/--no-proxy-headers", help="Trust X-Forwarded-For/Proto from 127.0.0.1 (behind a proxy).")]
    = True,
) -> None:
    """Start the Seller Center (pages at /, REST API at /api, its documentation at /docs)."""
    import os

    import uvicorn

    from ..store import open_store
    from ..web.settings import WebSettings

    settings = WebSettings.from_env(host=host, db=db, media_root=media_root)
    with open_store(settings.db, media_root=settings.media_root) as store:  # a bad store is said before serving
        url = store.url
    if db:
        os.environ["LIVEHIGHLIGHTS_DB"] = db  # the server processes read their settings from the environment
    if media_root:
        os.environ["LIVEHIGHLIGHTS_MEDIA"] = str(media_root)
    os.environ["LIVEHIGHLIGHTS_HOST"] = host
    err_console.print(f"Seller Center on http://{host}:{port}/ over {esc(url)}"
                      + ("" if settings.secure_cookies else " (cookies without Secure: serve it over HTTPS with "
                         "LIVEHIGHLIGHTS_SECURE_COOKIES=1 in production)"))
    uvicorn.run("livehighlights.web.app:create_app", factory=True, host=host, port=port, workers=workers,
                proxy_headers=proxy_headers, log_level="info", server_header=False)


def _password(stdin: bool) -> str:
    from ..web.accounts import check_password

    if stdin:
        pw = sys.stdin.readline().rstrip("\r\n")
        if not pw:
            raise InputError("no password on standard input", Where(field="--password-stdin"))
    else:
        import getpass

        pw = getpass.getpass("Password: ")
        check_password(pw)
        if getpass.getpass("Password again: ") != pw:
            raise InputError("the two passwords differ", Where(field="password"))
    check_password(pw)
    return pw


@user_app.command("add")
def user_add(
    username: Annotated[str, typer.Argument(help="The name to sign in with (e.g. an e-mail address).")],
    seller: SellerOpt = "default",
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Read the password from standard "
                                                 "input (one line) instead of asking twice.")] = False,
    db: DbOpt = None,
    media_root: MediaOpt = None,
) -> None:
    """Create a Seller Center account of a seller (shop)."""
    from ..web.accounts import create_user, normal_username

    name = normal_username(username)
    pw = _password(password_stdin)
    with cli_store(db, media_root) as store:
        shop = store.seller(seller)
        user = create_user(store, shop.id, name, pw)
    console.print(f"user [bold]{esc(user.username)}[/bold] of seller {esc(shop.name)} ({user.id}) created")


@token_app.command("add")
def token_add(
    name: Annotated[str, typer.Argument(help="What the token is for (e.g. follower-studio-1).")],
    seller: SellerOpt = "default",
    db: DbOpt = None,
    media_root: MediaOpt = None,
) -> None:
    """Make an API token and print it once (only its hash is kept)."""
    from ..web.tokens import create_token

    with cli_store(db, media_root) as store:
        new = create_token(store, store.seller(seller).id, name)
    err_console.print(f"token {new.record.id} '{esc(new.record.name)}' made; it is shown this once:")
    sys.stdout.write(new.token + "\n")


@token_app.command("list")
def token_list(seller: SellerOpt = "default", db: DbOpt = None, media_root: MediaOpt = None) -> None:
    """List the seller's API tokens (never the tokens themselves)."""
    from rich.table import Table

    from ..web.tokens import tokens

    with cli_store(db, media_root) as store:
        rows = tokens(store, store.seller(seller).id)
    if not rows:
        console.print("no API tokens")
        return
    table = Table("id", "name", "starts with", "made", "last used", "revoked")
    for t in rows:
        table.add_row(t.id, esc(t.name), t.prefix + "…", f"{t.created_at:%Y-%m-%d %H:%M}",
                      f"{t.last_used_at:%Y-%m-%d %H:%M}" if t.last_used_at else "-",
                      f"{t.revoked_at:%Y-%m-%d %H:%M}" if t.revoked_at else "")
    console.print(table)


@token_app.command("revoke")
def token_revoke(token_id: Annotated[str, typer.Argument(help="The token's id (tok_...).")],
                 seller: SellerOpt = "default", db: DbOpt = None, media_root: MediaOpt = None) -> None:
    """Revoke an API token: it is refused from now on."""
    from ..web.tokens import revoke_token

    with cli_store(db, media_root) as store:
        got = revoke_token(store, store.seller(seller).id, token_id)
    if got is None:
        raise InputError(f"seller '{seller}' has no token with id '{token_id}'", Where(field="TOKEN_ID"))
    console.print(f"token {got.id} '{esc(got.name)}' revoked")


def register(app: typer.Typer) -> None:
    """Add ``serve``, ``user`` and ``token`` to the CLI."""
    app.command()(serve)
    app.add_typer(user_app, name="user")
    app.add_typer(token_app, name="token")
