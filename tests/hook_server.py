"""A local Slack-style incoming webhook: records each JSON POST and answers like Slack (200 `ok`, or the
status the test queues next: 500, 429 with Retry-After, 404 `no_service`)."""

from __future__ import annotations

import json
import threading
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.services import free_port


class HookServer:
    """`url` to post to; `received` the bodies; `answers` the statuses to give next (then 200)."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self.answers: deque[int] = deque()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                status = owner.answers.popleft() if owner.answers else 200
                if status == 200:
                    owner.received.append(json.loads(body))
                text = {200: b"ok", 404: b"no_service", 429: b"rate_limited"}.get(status, b"server_error")
                self.send_response(status)
                if status == 429:
                    self.send_header("Retry-After", "120")
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(text)))
                self.end_headers()
                self.wfile.write(text)

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_port}/services/T000/B000/hook"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> HookServer:
        """Serve in a thread."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving."""
        self._server.shutdown()
        self._server.server_close()
