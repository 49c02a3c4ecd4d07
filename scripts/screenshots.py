"""Screenshots of the Seller Center's main pages, at desktop and phone width, into docs/screenshots/.

    python scripts/screenshots.py [--minutes 3] [--out docs/screenshots]

It simulates a LIVE with the project's simulator, processes it with the real ``process`` into a store of its own
(a temporary folder), adds a seller account, a LIVE plan, a quick post edit and a post to the local feed, serves
the app with Uvicorn on a free port and photographs each page with Debian's Chromium (Playwright).
"""

from __future__ import annotations

import argparse
import socket
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--hide-scrollbars"]
WIDTHS = {"desktop": (1280, 860), "phone": (390, 844)}
USER, PASSWORD = "demo-seller", "screenshots only"
SHOP_URL = "https://shop.example/p/{product_id}"


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _prepare(root: Path, minutes: float) -> tuple[object, str, str, str]:
    from livehighlights.pipeline import ProcessOptions, process
    from livehighlights.publish import Deliverer, Outbox, PostChoices, PostRequest
    from livehighlights.publish.config import PublishConfig
    from livehighlights.remix import RemixOptions
    from livehighlights.sim import SimConfig, simulate
    from livehighlights.store import open_store
    from livehighlights.web.accounts import create_user

    print(f"simulating a {minutes:g}-minute LIVE ...", flush=True)
    live = simulate(SimConfig(minutes=minutes, seed=7, resolution="720p"),
                    root / "live")
    store = open_store(f"sqlite:///{root / 'app.db'}", media_root=root / "media")
    print("processing it ...", flush=True)
    res = process(live.recording, live.events, root / "out", catalog_path=live.catalog,
                  options=ProcessOptions(seller="Daily Deals Studio", title="Friday beauty & home deals"),
                  store=store)
    seller = store.seller("Daily Deals Studio")
    create_user(store, seller.id, USER, PASSWORD)
    store.add_plan(seller.id, "Weekend flash sale", datetime.now(UTC) + timedelta(days=2))
    hs = store.highlights(seller.id, res.live_id)
    config = PublishConfig(product_url=SHOP_URL)
    outbox = Outbox(store, config)
    d = Deliverer(store, config)
    for h in hs[:2]:
        q = outbox.create(seller.id, PostRequest(h.id, "local", choices=PostChoices("PUBLIC_TO_EVERYONE"),
                                                 force=True))
        d.deliver(q.post.id)
    if hs:
        from livehighlights.remix.batch import keep_remix
        from livehighlights.remix.render import remix
        from livehighlights.remix.source import resolve

        src = resolve(str(store.media.path(hs[0].clip)), catalog=Path(live.catalog), product_id=hs[0].product_id)
        print("remixing the best highlight ...", flush=True)
        keep_remix(store, hs[0].id, remix(src, root / "remix.mp4", RemixOptions(style="classic")))
    return store, seller.id, res.live_id, hs[0].id if hs else ""


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--minutes", type=float, default=3.0)
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[1] / "docs" / "screenshots")
    a = ap.parse_args(argv)
    if not Path(CHROMIUM).exists():
        print(f"error: Chromium is not installed at {CHROMIUM} (apt-get install chromium)", file=sys.stderr)
        return 2
    import uvicorn
    from playwright.sync_api import sync_playwright

    from livehighlights.publish.config import PublishConfig
    from livehighlights.web.app import create_app
    from livehighlights.web.settings import WebSettings

    a.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="lh-shots-") as tmp:
        root = Path(tmp)
        store, _sid, live_id, hid = _prepare(root, a.minutes)
        settings = WebSettings(signin_burst=1000, signin_per_min=1000,
                               publish=PublishConfig(queue=f"sqlite:///{root / 'queue.db'}", product_url=SHOP_URL))
        port = _port()
        server = uvicorn.Server(uvicorn.Config(create_app(settings, store), host="127.0.0.1", port=port,
                                               log_level="warning"))
        threading.Thread(target=server.run, daemon=True).start()
        while not server.started:
            time.sleep(0.05)
        base = f"http://127.0.0.1:{port}"
        pages = {"lives": "/lives", "live": f"/lives/{live_id}", "highlight": f"/highlights/{hid}",
                 "post": f"/highlights/{hid}/post", "quick-edit": f"/highlights/{hid}/remix", "plans": "/plans",
                 "auto": "/auto", "live-view": f"/lives/{live_id}/live", "upload": "/upload", "feed": "/feed",
                 "signin": "/signin"}
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            for kind, (w, h) in WIDTHS.items():
                ctx = browser.new_context(viewport={"width": w, "height": h}, device_scale_factor=1)
                anon = ctx.new_page()
                anon.goto(base + "/signin")
                anon.screenshot(path=str(a.out / f"signin-{kind}.png"))
                pg = ctx.new_page()
                pg.goto(base + "/signin")
                pg.fill("[data-testid=signin-username]", USER)
                pg.fill("[data-testid=signin-password]", PASSWORD)
                pg.click("[data-testid=signin-submit]")
                pg.wait_for_url(base + "/lives")
                for name, path in pages.items():
                    if name == "signin":
                        continue
                    pg.goto(base + path)
                    pg.wait_for_load_state("networkidle") if name not in ("live-view",) else pg.wait_for_timeout(800)
                    pg.wait_for_timeout(300)
                    out = a.out / f"{name}-{kind}.png"
                    pg.screenshot(path=str(out), full_page=name not in ("highlight",) or kind == "desktop")
                    print(out, flush=True)
                ctx.close()
            browser.close()
        server.should_exit = True
        time.sleep(0.5)
        store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
