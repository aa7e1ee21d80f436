"""A small HTTP server for the platform stand-ins: routing by method and path, call counters, queued faults.

A platform subclasses `PlatformServer` and implements `route(request) -> Reply`; `start()` serves it on a
free port of 127.0.0.1 in a daemon thread, `stop()` shuts it down.
"""

from __future__ import annotations

import html
import json
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit


@dataclass
class Request:
    """What a handler gets: method, path, query, headers (lower-case names), form or JSON body."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes

    def form(self) -> dict[str, str]:
        """The body as an application/x-www-form-urlencoded form."""
        return dict(parse_qsl(self.body.decode("utf-8", "replace"), keep_blank_values=True))

    def json(self) -> Any:
        """The body as JSON (None when empty or not JSON)."""
        try:
            return json.loads(self.body or b"null")
        except ValueError:
            return None

    def bearer(self) -> str | None:
        """The token of an `Authorization: Bearer …` header."""
        value = self.headers.get("authorization", "")
        return value[7:].strip() if value.lower().startswith("bearer ") else None


@dataclass
class Reply:
    """A response: status, body (dict → JSON, str → HTML), extra headers."""

    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)

    def encoded(self) -> tuple[bytes, str]:
        if isinstance(self.body, str):
            return self.body.encode(), "text/html; charset=utf-8"
        return json.dumps(self.body if self.body is not None else {}).encode(), "application/json"


def redirect(location: str) -> Reply:
    """A 302 to `location`."""
    return Reply(302, "", {"Location": location})


@dataclass
class Fault:
    """Answer the next `times` calls whose path contains `path` with `reply` instead of the real answer."""

    path: str
    reply: Reply
    times: int = 1


class PlatformServer:
    """Base of the platform stand-ins: start/stop, counters (`calls[path]`), queued faults."""

    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()
        self.faults: list[Fault] = []
        self.lock = threading.RLock()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """http://127.0.0.1:PORT (no trailing slash)."""
        assert self._httpd is not None, "start() the server first"
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    def start(self) -> PlatformServer:
        """Serve on a free port in a daemon thread."""
        handler = _handler(self.dispatch)
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        name=type(self).__name__, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and release the port."""
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def fail(self, path: str, reply: Reply, times: int = 1) -> None:
        """Queue a fault for the next `times` calls to paths containing `path`."""
        with self.lock:
            self.faults.append(Fault(path, reply, times))

    def dispatch(self, request: Request) -> Reply:
        with self.lock:
            self.calls[request.path] += 1
            for fault in self.faults:
                if fault.path in request.path and fault.times > 0:
                    fault.times -= 1
                    return fault.reply
        return self.route(request)

    def route(self, request: Request) -> Reply:
        """The platform's answer to `request` (subclasses)."""
        raise NotImplementedError

    def total_calls(self, prefix: str = "") -> int:
        """Calls received on paths starting with `prefix`."""
        with self.lock:
            return sum(n for path, n in self.calls.items() if path.startswith(prefix))


def _handler(dispatch: Callable[[Request], Reply]) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body are two writes: no 40 ms delayed-ACK stall per call

        def _serve(self) -> None:
            parts = urlsplit(self.path)
            length = int(self.headers.get("content-length") or 0)
            body = self.rfile.read(length) if length else b""
            request = Request(self.command, parts.path, dict(parse_qsl(parts.query, keep_blank_values=True)),
                              {k.lower(): v for k, v in self.headers.items()}, body)
            try:
                reply = dispatch(request)
            except Exception as exc:  # a bug in the stand-in: say so as a 500 the client sees
                reply = Reply(500, {"error": {"message": f"stand-in error: {exc!r}"}})
            data, kind = reply.encoded()
            self.send_response(reply.status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_DELETE = _serve

        def log_message(self, format: str, *args: Any) -> None:  # quiet: tests read counters, not logs
            pass

    return Handler


def consent_page(platform: str, action: str, fields: dict[str, str], who: str) -> str:
    """The stand-in authorisation page: who is signed in, an Approve and a Deny button (POST to `action`)."""
    hidden = "".join(f"<input type=hidden name='{html.escape(k, quote=True)}' value='{html.escape(v, quote=True)}'>"
                     for k, v in fields.items())
    return (f"<!doctype html><html lang=en><head><meta charset=utf-8><title>Authorize on {platform}</title></head>"
            f"<body><h1>{html.escape(platform)}</h1><p>Signed in as {html.escape(who)}. Allow the app to read "
            f"your profile and posts?</p><form method=post action='{html.escape(action, quote=True)}'>{hidden}"
            "<button type=submit name=decision value=approve>Approve</button> "
            "<button type=submit name=decision value=deny>Deny</button></form></body></html>")


def error_page(message: str, status: int = 400) -> Reply:
    """A plain HTML error (what the platforms show for a bad client id or redirect URI)."""
    return Reply(status, f"<!doctype html><title>Error</title><p>{html.escape(message)}</p>")
