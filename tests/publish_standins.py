"""Local stand-ins for the destinations, following their documented request and response shapes, with faults.

- :class:`TikTokStandIn`: the Content Posting API (creator_info/query, video/init FILE_UPLOAD with its chunking
  rules, PUT chunks with Content-Range, status/fetch, the OAuth refresh), its error shapes
  (``{"data": ..., "error": {"code", "message", "log_id"}}``) and faults.
- :class:`ShopStandIn`: TikTok Shop's creator video endpoints with the Partner API's request signing.
- :class:`WebhookReceiver`: checks the HMAC signature and the timestamp window, keeps the first delivery of
  each Idempotency-Key.

Faults are scripted per endpoint (``server.script("init", "429", "lost")``: the next requests to it get these),
or random (``fail_rate``, ``hang_rate``). ``lost``: the request is acted on, then the connection is dropped with
no answer. ``hang``: acted on, then the answer waits until :meth:`release` (or ``hang_s``). ``hold``: the request
waits *before* it is acted on. ``drop`` (uploads): waits, then breaks without keeping anything. Each stand-in
runs in a thread on 127.0.0.1 (port 0).
"""

from __future__ import annotations

import email.parser
import email.policy
import hashlib
import hmac
import json
import random
import re
import threading
import time
import uuid
from collections import defaultdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

_MB = 1024 * 1024


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that went away (a killed worker, a timed-out request) is no error of the stand-in's."""
        import sys

        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class StandIn:
    """Base: a threaded HTTP server with scripted faults."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.scripts: dict[str, list[str]] = defaultdict(list)
        self.requests: list[tuple[str, str]] = []  # (endpoint, fault or "ok")
        self.arrived = threading.Event()  # set when a ``hang`` or ``hold`` request arrives
        self.release_evt = threading.Event()
        self.hang_s = 30.0
        self.fail_rate = 0.0
        self.hang_rate = 0.0
        self.rng = random.Random(7)
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                outer.handle(self, body)

            do_GET = do_POST = do_PUT = _serve  # noqa: N815

        self.httpd = _Server(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> StandIn:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
        self.httpd.shutdown()
        self.httpd.server_close()

    def script(self, endpoint: str, *faults: str) -> None:
        with self.lock:
            self.scripts[endpoint].extend(faults)

    def release(self) -> None:
        self.release_evt.set()

    def fault_for(self, endpoint: str) -> str:
        with self.lock:
            if self.scripts[endpoint]:
                fault = self.scripts[endpoint].pop(0)
            elif self.fail_rate and self.rng.random() < self.fail_rate:
                fault = "500"
            elif self.hang_rate and self.rng.random() < self.hang_rate:
                fault = "hang"
            else:
                fault = "ok"
            self.requests.append((endpoint, fault))
            return fault

    def wait_and_drop(self, h: BaseHTTPRequestHandler) -> None:
        """``hang``: wait for :meth:`release` (or ``hang_s``), then drop the connection with no answer."""
        self.arrived.set()
        self.release_evt.wait(self.hang_s)
        h.close_connection = True

    def hold(self) -> None:
        self.arrived.set()
        self.release_evt.wait(self.hang_s)

    @staticmethod
    def reply(h: BaseHTTPRequestHandler, status: int, doc: Any, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(doc).encode()
        h.send_response(status)
        h.send_header("Content-Type", "application/json")
        h.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            h.send_header(k, v)
        h.end_headers()
        h.wfile.write(data)

    def handle(self, h: BaseHTTPRequestHandler, body: bytes) -> None:  # pragma: no cover - overridden
        raise NotImplementedError


# ---- TikTok Content Posting API ------------------------------------------------------------------------------
class TikTokStandIn(StandIn):
    """The Content Posting API's Direct Post flow (see the module's note). ``published``: publish ids that
    reached PUBLISH_COMPLETE, with their title and the SHA-256 of the bytes received."""

    def __init__(self, token: str = "act.good", privacy: tuple[str, ...] = ("PUBLIC_TO_EVERYONE", "SELF_ONLY"),
                 max_duration_s: int = 600) -> None:
        super().__init__()
        self.tokens = {token}
        self.refresh_tokens = {"rft.good": "act.refreshed"}
        self.privacy = list(privacy)
        self.max_duration_s = max_duration_s
        self.publishes: dict[str, dict[str, Any]] = {}
        self.published: dict[str, dict[str, Any]] = {}
        self.polls_to_complete = 1

    def _err(self, h: BaseHTTPRequestHandler, status: int, code: str, msg: str = "") -> None:
        self.reply(h, status, {"data": {}, "error": {"code": code, "message": msg, "log_id": uuid.uuid4().hex[:12]}})

    def _ok(self, h: BaseHTTPRequestHandler, data: dict[str, Any]) -> None:
        self.reply(h, 200, {"data": data, "error": {"code": "ok", "message": "", "log_id": uuid.uuid4().hex[:12]}})

    def handle(self, h: BaseHTTPRequestHandler, body: bytes) -> None:
        path = urlsplit(h.path).path
        if path == "/v2/oauth/token/":
            return self._token(h, body)
        if path.startswith("/upload/"):
            return self._put(h, path.rsplit("/", 1)[-1], body)
        endpoint = {"/v2/post/publish/creator_info/query/": "creator_info", "/v2/post/publish/video/init/": "init",
                    "/v2/post/publish/status/fetch/": "status"}.get(path)
        if endpoint is None:
            return self._err(h, 404, "not_found", path)
        fault = self.fault_for(endpoint)
        if fault == "hold":
            self.hold()
        auth = h.headers.get("Authorization", "")
        if not auth.startswith("Bearer ") or auth[7:] not in self.tokens:
            return self._err(h, 401, "access_token_invalid", "The access token is invalid or not found")
        if fault in ("429", "rate_limit_exceeded"):
            return self._err(h, 429, "rate_limit_exceeded", "Too many requests")
        if fault == "500":
            return self.reply(h, 500, {"error": {"code": "internal_error", "message": "oops", "log_id": "x"}})
        if fault.startswith("spam_risk") or fault.startswith("unaudited"):
            return self._err(h, 403, fault, "refused")
        doc = json.loads(body or b"{}")
        if endpoint == "creator_info":
            result: Any = {"creator_avatar_url": "", "creator_username": "shopper", "creator_nickname": "Shopper",
                           "privacy_level_options": self.privacy, "comment_disabled": False, "duet_disabled": False,
                           "stitch_disabled": True, "max_video_post_duration_sec": self.max_duration_s}
        elif endpoint == "init":
            result = self._init(h, doc)
            if result is None:
                return None
        else:
            result = self._status(h, doc)
            if result is None:
                return None
        if fault in ("lost", "hang"):
            if fault == "hang":
                self.wait_and_drop(h)
            h.close_connection = True
            return None
        self._ok(h, result)
        return None

    def _token(self, h: BaseHTTPRequestHandler, body: bytes) -> None:
        form = {k: v[0] for k, v in parse_qs(body.decode()).items()}
        new = self.refresh_tokens.get(form.get("refresh_token", ""))
        if form.get("grant_type") != "refresh_token" or not new or not form.get("client_secret"):
            return self.reply(h, 400, {"error": "invalid_grant", "error_description": "bad refresh token"})
        self.tokens.add(new)
        return self.reply(h, 200, {"access_token": new, "expires_in": 86400, "refresh_token": "rft.good",
                                   "refresh_expires_in": 31536000, "open_id": "u1", "scope": "video.publish",
                                   "token_type": "Bearer"})

    def _init(self, h: BaseHTTPRequestHandler, doc: dict[str, Any]) -> dict[str, Any] | None:
        pi, si = doc.get("post_info") or {}, doc.get("source_info") or {}
        title = pi.get("title", "")
        if pi.get("privacy_level") not in self.privacy:
            return self._err(h, 400, "invalid_params", "privacy_level_option_mismatch")
        if len(title.encode("utf-16-le")) // 2 > 2200:
            return self._err(h, 400, "invalid_params", "title too long")
        if si.get("source") != "FILE_UPLOAD":
            return self._err(h, 400, "invalid_params", "source")
        size, cs, count = si.get("video_size", 0), si.get("chunk_size", 0), si.get("total_chunk_count", 0)
        ok = (size < 5 * _MB and cs == size and count == 1) or (
            size >= 5 * _MB and 5 * _MB <= cs <= 64 * _MB and count == size // cs and count <= 1000
            and size - cs * (count - 1) <= 128 * _MB)
        if not ok:
            return self._err(h, 400, "invalid_params", f"chunking {size}/{cs}/{count} breaks the rules")
        pid = "v_pub_file~v2-1." + uuid.uuid4().hex[:18]
        with self.lock:
            self.publishes[pid] = {"size": size, "cs": cs, "count": count, "chunks": {}, "title": title,
                                   "post_info": pi, "status": "PROCESSING_UPLOAD", "polls": 0}
        return {"publish_id": pid, "upload_url": f"{self.url}/upload/{pid}"}

    def _put(self, h: BaseHTTPRequestHandler, pid: str, body: bytes) -> None:
        fault = self.fault_for("upload")
        if fault == "hold":
            self.hold()
        if fault == "drop":  # the connection breaks mid-chunk: nothing of it is kept
            self.wait_and_drop(h)
            return None
        if fault == "500":
            return self.reply(h, 500, {"error": "oops"})
        pub = self.publishes.get(pid)
        m = re.fullmatch(r"bytes (\d+)-(\d+)/(\d+)", h.headers.get("Content-Range", ""))
        if pub is None or m is None:
            return self.reply(h, 400, {"error": "bad upload"})
        first, last, total = map(int, m.groups())
        i = first // pub["cs"] if pub["count"] > 1 else 0
        exp_first = i * pub["cs"]
        exp_last = pub["size"] - 1 if i == pub["count"] - 1 else exp_first + pub["cs"] - 1
        if total != pub["size"] or first != exp_first or last != exp_last or len(body) != last - first + 1:
            return self.reply(h, 416, {"error": "range does not match the chunking"})
        with self.lock:
            pub["chunks"][i] = body
            complete = len(pub["chunks"]) == pub["count"]
            if complete and pub["status"] == "PROCESSING_UPLOAD":
                pub["status"] = "PROCESSING_DOWNLOAD"
        if fault in ("lost", "hang"):
            if fault == "hang":
                self.wait_and_drop(h)
            h.close_connection = True
            return None
        h.send_response(201 if complete else 206)
        h.send_header("Content-Length", "0")
        h.end_headers()
        return None

    def _status(self, h: BaseHTTPRequestHandler, doc: dict[str, Any]) -> dict[str, Any] | None:
        pub = self.publishes.get(doc.get("publish_id", ""))
        if pub is None:
            return self._err(h, 400, "invalid_params", "publish_id not found")
        with self.lock:
            if pub["status"] == "PROCESSING_DOWNLOAD":
                pub["polls"] += 1
                if pub["polls"] >= self.polls_to_complete:
                    pub["status"] = "PUBLISH_COMPLETE"
                    data = b"".join(pub["chunks"][i] for i in range(pub["count"]))
                    self.published[doc["publish_id"]] = {"title": pub["title"], "sha256": hashlib.sha256(data)
                                                         .hexdigest(), "post_info": pub["post_info"]}
            out: dict[str, Any] = {"status": pub["status"], "uploaded_bytes": sum(map(len, pub["chunks"].values()))}
            if pub["status"] == "PUBLISH_COMPLETE":
                out["publicaly_available_post_id"] = [int(hashlib.sha1(doc["publish_id"].encode()).hexdigest()[:12],
                                                          16)]
        return out


# ---- TikTok Shop ----------------------------------------------------------------------------------------------
def shop_sign(secret: str, path: str, params: dict[str, str], body: bytes) -> str:
    """The Partner API's signature, as its documentation describes it (written again here, on purpose)."""
    items = sorted((k, v) for k, v in params.items() if k not in ("sign", "access_token"))
    base = secret + path + "".join(k + v for k, v in items)
    return hmac.new(secret.encode(), base.encode() + body + secret.encode(), hashlib.sha256).hexdigest()


class ShopStandIn(StandIn):
    """TikTok Shop creator videos: upload, post with product_link_info, status; signed requests."""

    def __init__(self, app_key: str = "appkey", secret: str = "appsecret", token: str = "shoptoken",
                 version: str = "202409", products: tuple[str, ...] = ("p1", "p2", "p3")) -> None:
        super().__init__()
        self.app_key, self.secret, self.token, self.version = app_key, secret, token, version
        self.products = set(products)
        self.files: dict[str, bytes] = {}
        self.videos: dict[str, dict[str, Any]] = {}

    def _r(self, h: BaseHTTPRequestHandler, code: int, msg: str, data: Any = None, status: int = 200,
           headers: dict[str, str] | None = None) -> None:
        self.reply(h, status, {"code": code, "message": msg, "request_id": uuid.uuid4().hex[:16], "data": data},
                   headers)

    def handle(self, h: BaseHTTPRequestHandler, body: bytes) -> None:
        parts = urlsplit(h.path)
        params = {k: v[0] for k, v in parse_qs(parts.query).items()}
        prefix = f"/affiliate_creator/{self.version}/videos"
        if not parts.path.startswith(prefix):
            return self._r(h, 36009404, "path not found", status=404)
        tail = parts.path[len(prefix):]
        endpoint = "upload" if tail == "/video_files" else "create" if tail == "" else "status"
        fault = self.fault_for(endpoint)
        multipart = (h.headers.get("Content-Type") or "").startswith("multipart/")
        expected = shop_sign(self.secret, parts.path, params, b"" if multipart else body)
        if params.get("app_key") != self.app_key or not hmac.compare_digest(params.get("sign", ""), expected):
            return self._r(h, 106001, "Invalid signature", status=401)
        if abs(time.time() - int(params.get("timestamp", "0"))) > 300:
            return self._r(h, 106002, "Timestamp expired", status=401)
        if h.headers.get("x-tts-access-token") != self.token:
            return self._r(h, 105002, "Invalid access token", status=401)
        if fault == "too_often":
            return self._r(h, 36009003, "Posting too often, please try again later", status=429,
                           headers={"Retry-After": "1"})
        if fault == "daily_quota":
            return self._r(h, 36009004, "Daily quota exceeded for video posting")
        if fault == "500":
            return self._r(h, 1, "internal error", status=500)
        if endpoint == "upload":
            msg = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
                f"Content-Type: {h.headers['Content-Type']}\r\n\r\n".encode() + body)
            files = [p for p in msg.iter_parts() if p.get_param("name", header="content-disposition") == "data"]
            if not files:
                return self._r(h, 36009400, "no file part 'data'")
            data = files[0].get_payload(decode=True)
            if len(data) > 100 * _MB:
                return self._r(h, 36009401, "file too large")
            fid = "file_" + uuid.uuid4().hex[:12]
            with self.lock:
                self.files[fid] = data
            result: Any = {"file_id": fid}
        elif endpoint == "create":
            doc = json.loads(body or b"{}")
            vi, pl = doc.get("video_info") or {}, doc.get("product_link_info") or {}
            anchor = str(pl.get("title", ""))
            if vi.get("file_id") not in self.files:
                return self._r(h, 36009402, "file_id not found")
            if pl.get("product_id") not in self.products:
                return self._r(h, 36009405, "product not found")
            if not anchor or len(anchor) >= 30 or not re.fullmatch(r"[\w ]+", anchor):
                return self._r(h, 36009406, "product anchor title must be under 30 characters, no punctuation")
            vid = "vid_" + uuid.uuid4().hex[:12]
            with self.lock:
                self.videos[vid] = {"file_id": vi["file_id"], "title": vi.get("title"), "product_id":
                                    pl["product_id"], "anchor": anchor, "polls": 0, "ai": vi.get("is_ai_generated"),
                                    "sha256": hashlib.sha256(self.files[vi["file_id"]]).hexdigest()}
            result = {"video_id": vid}
        else:
            v = self.videos.get(tail.strip("/"))
            if v is None:
                return self._r(h, 36009407, "video not found")
            with self.lock:
                v["polls"] += 1
            result = {"video_id": tail.strip("/"), "status": "SUCCESS" if v["polls"] >= 2 else "PROCESSING",
                      "share_url": f"https://shop.example/video/{tail.strip('/')}"}
        if fault in ("lost", "hang"):
            if fault == "hang":
                self.wait_and_drop(h)
            h.close_connection = True
            return None
        return self._r(h, 0, "Success", result)


# ---- webhook receiver -----------------------------------------------------------------------------------------
class WebhookReceiver(StandIn):
    """Verifies ``X-LiveHighlights-Signature`` (HMAC-SHA256 over ``TIMESTAMP.BODY``) and the timestamp window,
    keeps the first delivery of each ``Idempotency-Key`` (repeats answered 200 and counted)."""

    def __init__(self, secret: str = "s3cret", window_s: int = 300) -> None:
        super().__init__()
        self.secret, self.window_s = secret, window_s
        self.first: dict[str, dict[str, Any]] = {}
        self.repeats: dict[str, int] = defaultdict(int)
        self.rejected: list[str] = []
        self.first_at: dict[str, float] = {}

    def check(self, h: BaseHTTPRequestHandler, body: bytes) -> bytes | None:
        ts, sig = h.headers.get("X-LiveHighlights-Timestamp", ""), h.headers.get("X-LiveHighlights-Signature", "")
        signed = body
        if (h.headers.get("Content-Type") or "").startswith("multipart/"):
            msg = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
                f"Content-Type: {h.headers['Content-Type']}\r\n\r\n".encode() + body)
            parts = {p.get_param("name", header="content-disposition"): p.get_payload(decode=True)
                     for p in msg.iter_parts()}
            signed = parts.get("payload") or b""
            if not parts.get("clip"):
                return None
        if not ts.isdigit() or abs(time.time() - int(ts)) > self.window_s:
            return None
        mac = "sha256=" + hmac.new(self.secret.encode(), ts.encode() + b"." + signed, hashlib.sha256).hexdigest()
        return signed if hmac.compare_digest(mac, sig) else None

    def handle(self, h: BaseHTTPRequestHandler, body: bytes) -> None:
        fault = self.fault_for("post")
        if fault == "hold":
            self.hold()
        signed = self.check(h, body)
        if signed is None:
            with self.lock:
                self.rejected.append(h.headers.get("Idempotency-Key", ""))
            return self.reply(h, 401, {"error": "bad signature or stale timestamp"})
        if fault == "500":
            return self.reply(h, 503, {"error": "busy"})
        if fault.isdigit():
            return self.reply(h, int(fault), {"error": f"scripted {fault}"})
        key = h.headers.get("Idempotency-Key", "")
        with self.lock:
            if key in self.first:
                self.repeats[key] += 1
            else:
                self.first[key] = json.loads(signed)
                self.first_at[key] = time.time()
        if fault in ("lost", "hang"):
            if fault == "hang":
                self.wait_and_drop(h)
            h.close_connection = True
            return None
        return self.reply(h, 200, {"id": "rcv_" + key[:8], "url": f"https://receiver.example/{key[:8]}"})

    def per_highlight(self) -> dict[str, int]:
        """Distinct keys received per highlight (1 each means no highlight was posted twice)."""
        out: dict[str, int] = defaultdict(int)
        for doc in self.first.values():
            out[doc["highlight"]["id"]] += 1
        return dict(out)
