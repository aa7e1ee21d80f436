"""What the bench reads from the Chromium DevTools Protocol: network events, WebSocket frames, link emulation.

`NetworkLog` attaches a CDP session to a Playwright page (`Network.enable`) and keeps the events the
browser rows need. The summaries are pure functions of the recorded events, so they are unit-tested
without a browser:

- `wire_summary`: bytes on the wire of a page load, the sum of `Network.loadingFinished.encodedDataLength`
  (compressed bytes plus headers; the WebSocket is not an HTTP load and is not counted), the number of
  JavaScript files, and which `Content-Encoding` and `Cache-Control` the responses carried.
- `script_runs`: the server's script runs seen on the WebSocket, each from its first frame (`new_session`,
  which Streamlit sends when a run starts) to its `script_finished` frame, in ms of the browser's receive
  timestamps. The frames are Streamlit `ForwardMsg` protobufs; only their top-level field numbers are read
  (FORWARD_MSG_FIELDS), so the bench process never imports streamlit.
"""

from __future__ import annotations

import base64
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from playwright.sync_api import CDPSession, Page

# Field numbers of streamlit's ForwardMsg (proto/streamlit/proto/ForwardMsg.proto); a test checks them
# against the installed streamlit.
FORWARD_MSG_FIELDS = {"new_session": 4, "script_finished": 6}
SCRIPT_FINISHED_OK = 0  # ForwardMsg.ScriptFinishedStatus.FINISHED_SUCCESSFULLY
# "Office link" of the issue: 20 Mbit/s each way, 40 ms round trip (Chromium adds it to every request).
OFFICE_LINK = {"offline": False, "latency": 40, "downloadThroughput": 20_000_000 / 8,
               "uploadThroughput": 20_000_000 / 8}


@dataclass
class NetworkLog:
    """Network events of one page, recorded over a CDP session (`NetworkLog.attach(page)`)."""

    session: CDPSession | None = None
    responses: dict[str, dict[str, Any]] = field(default_factory=dict)  # requestId -> Network.Response
    finished: dict[str, float] = field(default_factory=dict)  # requestId -> encodedDataLength
    frames: list[tuple[float, bytes]] = field(default_factory=list)  # (timestamp s, payload) received

    @classmethod
    def attach(cls, page: Page) -> NetworkLog:
        """Start recording `page`'s network events (before navigating it)."""
        session = page.context.new_cdp_session(page)
        log = cls(session)
        session.on("Network.responseReceived", log._response)
        session.on("Network.loadingFinished", log._finished)
        session.on("Network.webSocketFrameReceived", log._frame)
        session.send("Network.enable")
        return log

    def emulate(self, conditions: Mapping[str, Any]) -> None:
        """Network.emulateNetworkConditions on this page (e.g. OFFICE_LINK)."""
        assert self.session is not None
        self.session.send("Network.emulateNetworkConditions", dict(conditions))

    def clear(self) -> None:
        """Forget what was recorded so far (between two loads of the same page)."""
        self.responses.clear()
        self.finished.clear()
        self.frames.clear()

    def _response(self, event: dict[str, Any]) -> None:
        self.responses[event["requestId"]] = {**event["response"], "type": event.get("type")}

    def _finished(self, event: dict[str, Any]) -> None:
        self.finished[event["requestId"]] = float(event.get("encodedDataLength") or 0)

    def _frame(self, event: dict[str, Any]) -> None:
        response = event["response"]
        if response.get("opcode") == 2:  # binary: base64 in payloadData; Streamlit sends nothing else
            self.frames.append((float(event["timestamp"]), base64.b64decode(response.get("payloadData") or "")))


# --- bytes on the wire ----------------------------------------------------------------------------------------

def header(headers: Mapping[str, str], name: str) -> str | None:
    """A response header by case-insensitive name (CDP keeps the server's spelling)."""
    wanted = name.lower()
    return next((v for k, v in headers.items() if k.lower() == wanted), None)


def is_javascript(response: Mapping[str, Any]) -> bool:
    """A script response: CDP resource type Script, or a .js / .mjs URL."""
    path = str(response.get("url", "")).split("?", 1)[0]
    return response.get("type") == "Script" or path.endswith((".js", ".mjs"))


def wire_summary(responses: Mapping[str, Mapping[str, Any]], finished: Mapping[str, float]) -> dict[str, Any]:
    """Bytes on the wire (sum of encodedDataLength of finished loads), JS files, encodings and caching."""
    js = [rid for rid, r in responses.items() if is_javascript(r)]
    encodings = Counter((header(responses[rid].get("headers", {}), "content-encoding") or "none") for rid in js)
    caching = Counter((header(responses[rid].get("headers", {}), "cache-control") or "none") for rid in js)
    return {
        "bytes": round(sum(finished.values())), "requests": len(finished),
        "js_files": len(js), "js_bytes": round(sum(finished.get(rid, 0.0) for rid in js)),
        "js_content_encoding": dict(encodings.most_common()), "js_cache_control": dict(caching.most_common()),
        "js_compressed_share": round(sum(n for e, n in encodings.items() if e != "none") / len(js), 3) if js else None,
    }


# --- script runs on the WebSocket -----------------------------------------------------------------------------

def top_level_fields(payload: bytes) -> list[tuple[int, int | bytes]]:
    """(field number, value) of each top-level field of a protobuf message: varints as ints, others as bytes."""
    fields: list[tuple[int, int | bytes]] = []
    pos = 0
    while pos < len(payload):
        tag, pos = _varint(payload, pos)
        number, wire = tag >> 3, tag & 7
        if wire == 0:
            value, pos = _varint(payload, pos)
            fields.append((number, value))
        elif wire == 2:
            size, pos = _varint(payload, pos)
            fields.append((number, payload[pos:pos + size]))
            pos += size
        elif wire in (1, 5):  # fixed64, fixed32
            width = 8 if wire == 1 else 4
            fields.append((number, payload[pos:pos + width]))
            pos += width
        else:
            raise ValueError(f"unsupported protobuf wire type {wire}")
    return fields


def _varint(data: bytes, pos: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        if pos >= len(data):
            raise ValueError("truncated protobuf varint")
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, pos
        shift += 7


def script_runs(frames: Iterable[tuple[float, bytes]]) -> list[dict[str, Any]]:
    """Each script run in `frames`: ms from its `new_session` frame to its `script_finished`, and its status."""
    runs: list[dict[str, Any]] = []
    started: float | None = None
    for timestamp, payload in frames:
        for number, value in top_level_fields(payload):
            if number == FORWARD_MSG_FIELDS["new_session"]:
                started = timestamp
            elif number == FORWARD_MSG_FIELDS["script_finished"] and started is not None:
                status = value if isinstance(value, int) else -1
                runs.append({"ms": round((timestamp - started) * 1000, 3), "ok": status == SCRIPT_FINISHED_OK})
                started = None
    return runs
