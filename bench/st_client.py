"""A Streamlit client for `python -m bench`: speaks the browser's protocol to `/_stcore/stream`, no browser.

What the frontend does, read from Streamlit 1.67's server (`streamlit/web/server/starlette/
starlette_websocket.py`) and kept here: one HTTP GET of the page (the index; a reverse proxy's sticky
cookie arrives here), one of `/_stcore/health` (sets the `_streamlit_xsrf` cookie), then the WebSocket
upgrade carrying every cookie, an `Origin` and the subprotocols `streamlit, <xsrf cookie>`. Each run is a
BackMsg `rerun_script` with a ClientState (query string, page, widget states, context info); the server
answers with ForwardMsgs — `new_session` at the start of a run, deltas, `page_info_changed` when the script
sets query parameters, and `script_finished`. The client keeps what the browser keeps between runs: the
current query string and page hash, and the value of every widget the user changed.

`StreamlitClient.run()` sends one rerun and returns a `Run` (elapsed seconds from sending to that run's
`script_finished`, headings, exceptions, selectbox options), so a caller can check what was rendered.
"""

from __future__ import annotations

import asyncio
import logging
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.Element_pb2 import Element
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

log = logging.getLogger(__name__)

XSRF_COOKIE = "_streamlit_xsrf"
STREAM_PATH = "/_stcore/stream"
MAX_MESSAGE_BYTES = 64 * 1024 * 1024  # a page's ForwardMsgs (Plotly figures, dataframes) exceed websockets' 1 MiB
RUN_TIMEOUT_S = 60.0
FINISHED_EARLY = ForwardMsg.ScriptFinishedStatus.FINISHED_EARLY_FOR_RERUN


class ProtocolError(RuntimeError):
    """The server did something a browser would show as broken: closed the socket, or never finished a run."""


@dataclass
class Selectbox:
    """A selectbox as the server described it: widget id, label and the shown (formatted) options."""

    id: str
    label: str
    options: list[str]


@dataclass
class Run:
    """What one script run sent: its elapsed time and the parts a bench checks."""

    seconds: float
    status: str
    headings: list[str] = field(default_factory=list)
    exceptions: list[str] = field(default_factory=list)
    selectboxes: dict[str, Selectbox] = field(default_factory=dict)
    messages: int = 0
    bytes: int = 0


class StreamlitClient:
    """One simulated browser tab on a Streamlit app (use `async with StreamlitClient.open(...)`)."""

    def __init__(self, base_url: str, path: str, query: str) -> None:
        self.base_url = base_url.rstrip("/")
        self.path = "/" + path.strip("/")
        self.query = query
        self.page_script_hash = ""
        self.cookies: dict[str, str] = {}
        self.widgets: dict[str, WidgetState] = {}
        self.session_id = ""
        self.selectboxes: dict[str, Selectbox] = {}  # of the last run, by label: what the user can pick from
        self._ws: websockets.ClientConnection | None = None

    @classmethod
    async def open(cls, base_url: str, path: str = "/", query: dict[str, str] | None = None) -> StreamlitClient:
        """Load the page as a browser does (GET page, GET health, WebSocket); not yet run."""
        client = cls(base_url, path, urlencode(query or {}))
        await asyncio.to_thread(client._http_get, f"{client.path}?{client.query}" if client.query else client.path)
        await asyncio.to_thread(client._http_get, "/_stcore/health")
        await client._connect()
        return client

    async def __aenter__(self) -> StreamlitClient:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.close()

    async def close(self) -> None:
        """Close the WebSocket (the server ends the session)."""
        if self._ws is not None:
            await self._ws.close()
            self._ws = None

    @property
    def url(self) -> str:
        """The URL the browser would show now."""
        return f"{self.base_url}{self.path}" + (f"?{self.query}" if self.query else "")

    def _http_get(self, path: str) -> None:
        request = urllib.request.Request(self.base_url + path, headers=self._cookie_header())  # noqa: S310 (bench URL)
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            response.read()
            self._keep_cookies(response.headers.get_all("Set-Cookie") or [])

    def _keep_cookies(self, headers: list[str]) -> None:
        for header in headers:
            parsed: SimpleCookie = SimpleCookie()
            parsed.load(header)
            self.cookies.update({name: morsel.value for name, morsel in parsed.items()})

    def _cookie_header(self) -> dict[str, str]:
        return {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}

    async def _connect(self) -> None:
        split = urlsplit(self.base_url)
        ws_url = f"{'wss' if split.scheme == 'https' else 'ws'}://{split.netloc}{STREAM_PATH}"
        # Positional, as the frontend sends them: what to select, the XSRF token, the session to resume.
        resume = [self.session_id] if self.session_id else []
        subprotocols = ["streamlit", self.cookies.get(XSRF_COOKIE, "-"), *resume]
        self._ws = await websockets.connect(
            ws_url, subprotocols=[websockets.Subprotocol(p) for p in subprotocols], max_size=MAX_MESSAGE_BYTES,
            additional_headers={"Origin": f"{split.scheme}://{split.netloc}", **self._cookie_header()},
            open_timeout=30, ping_interval=None)  # the browser sends no WebSocket pings either

    async def reconnect(self) -> None:
        """Drop the WebSocket and open a new one asking to resume this session, as the frontend does after a
        network blip; the server resumes it only if this is the process that holds it."""
        await self.close()
        await self._connect()

    # --- runs ---------------------------------------------------------------------------------------------

    def set_widget(self, widget_id: str, *, string_value: str) -> None:
        """Change a widget as the user would (kept for every later run, as the frontend keeps it)."""
        self.widgets[widget_id] = WidgetState(id=widget_id, string_value=string_value)

    async def run(self, timeout_s: float = RUN_TIMEOUT_S) -> Run:
        """Send one rerun_script and read until its script_finished; the run's elapsed seconds and content."""
        if self._ws is None:
            raise ProtocolError("not connected")
        started = time.perf_counter()
        try:
            await self._ws.send(self._rerun_message().SerializeToString())
            return await asyncio.wait_for(self._read_run(started), timeout_s)
        except TimeoutError as exc:
            raise ProtocolError(f"no script_finished within {timeout_s:.0f} s") from exc
        except websockets.ConnectionClosed as exc:
            raise ProtocolError(f"WebSocket closed during a run ({exc})") from exc

    def _rerun_message(self) -> BackMsg:
        msg = BackMsg()
        state = msg.rerun_script
        state.query_string = self.query
        state.page_script_hash = self.page_script_hash
        if not self.page_script_hash:
            state.page_name = self.path.strip("/")  # the first run names the page by its URL path, like the frontend
        state.widget_states.widgets.extend(self.widgets.values())
        info = state.context_info
        info.timezone, info.timezone_offset, info.locale = "UTC", 0, "en-US"
        info.url, info.is_embedded, info.color_scheme = self.url, False, "light"
        return msg

    async def _read_run(self, started: float) -> Run:
        assert self._ws is not None
        run = Run(seconds=0.0, status="")
        while True:
            raw = await self._ws.recv()
            if isinstance(raw, str):
                raise ProtocolError("text frame from the server")
            msg = ForwardMsg()
            msg.ParseFromString(raw)
            run.messages += 1
            run.bytes += len(raw)
            if self._take(msg, run):
                run.seconds = time.perf_counter() - started
                self.selectboxes = run.selectboxes
                return run

    def _take(self, msg: ForwardMsg, run: Run) -> bool:
        """Fold one ForwardMsg into the run and the client state; True when it ends the run."""
        kind = msg.WhichOneof("type")
        if kind == "new_session":
            self.session_id = msg.new_session.initialize.session_id or self.session_id
            self.page_script_hash = msg.new_session.page_script_hash or self.page_script_hash
        elif kind == "navigation":
            self.page_script_hash = msg.navigation.page_script_hash or self.page_script_hash
        elif kind == "page_info_changed":
            self.query = msg.page_info_changed.query_string
        elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            _element(msg.delta.new_element, run)
        elif kind == "script_finished":
            if msg.script_finished == FINISHED_EARLY:
                return False  # a newer run takes over; its own script_finished follows
            run.status = ForwardMsg.ScriptFinishedStatus.Name(msg.script_finished)
            return True
        return False


def _element(element: Element, run: Run) -> None:
    kind = element.WhichOneof("type")
    if kind == "heading":
        run.headings.append(element.heading.body)
    elif kind == "exception":
        run.exceptions.append(f"{element.exception.type}: {element.exception.message}")
    elif kind == "selectbox":
        box = element.selectbox
        run.selectboxes[box.label] = Selectbox(box.id, box.label, list(box.options))


def http_error_text(exc: BaseException) -> str:
    """One line for an error while loading the page or upgrading (for the bench's error list)."""
    if isinstance(exc, urllib.error.HTTPError):
        return f"HTTP {exc.code} on {exc.url}"
    return f"{type(exc).__name__}: {exc}"
