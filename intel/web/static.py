"""Streamlit's front-end bundles served compressed, from a copy built once, with year-long caching.

Streamlit serves its JavaScript uncompressed (8.7 MB for a cold load of the talent page) and keeps
compression out of the Python process on purpose: compressing on every request costs CPU the script
runs need. So the bundles are compressed once, ahead of time (`build`: a copy of Streamlit's
`static/static` folder with a `.br` and a `.gz` beside every compressible file), and served by
ServeStatic (the ASGI successor of WhiteNoise), which negotiates `Accept-Encoding`, sends `Vary`,
answers conditional and range requests, and marks the content-hashed bundles immutable. Requests for
anything else, and every request when no copy matches the installed Streamlit, fall through to
Streamlit unchanged.

Streamlit loads each element's code when the first such element arrives over the WebSocket, so the
1.2 MB Plotly bundle used to be requested only after the page's script had run (~2 s into a cold load
here). `PreloadBundles` adds a `Link: rel=modulepreload` header for the bundles our pages draw with to
every HTML response, and the browser fetches them while it is still starting the app.

Streamlit's files are found with `importlib.util.find_spec`, which locates the package without running it
(this package never imports streamlit).
"""

from __future__ import annotations

import gzip
import importlib.metadata
import importlib.util
import logging
import os
import re
import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import brotli
from starlette.middleware import Middleware

log = logging.getLogger(__name__)

URL_PREFIX = "/static/"  # where Streamlit's index.html asks for its bundles
COMPRESSIBLE = re.compile(r"\.(js|mjs|css|json|svg|txt|html|map|ttf|otf|eot|wasm)$")
# Vite names bundles `Name.HASH.ext` (an 8-character base64url hash): their content never changes.
HASHED = re.compile(r"\.[0-9A-Za-z_-]{8}\.\w+$")
BROTLI_QUALITY = 9  # 11 saves another ~10 % but takes ~25x longer (40 s vs 2 s for the whole folder here)
GZIP_LEVEL = 9
MIN_BYTES = 1024  # smaller files gain nothing from compression
# The element bundles the talent, compare and roster pages need: Plotly charts and the data grid.
PRELOAD = ("PlotlyChart", "DataFrame")


@dataclass(frozen=True)
class BuildReport:
    """What `build` wrote."""

    folder: Path
    files: int
    compressed: int
    original_bytes: int
    brotli_bytes: int


def streamlit_static_source() -> Path:
    """The folder of Streamlit's bundles (`streamlit/static/static`) in the installed package."""
    spec = importlib.util.find_spec("streamlit")
    if spec is None or spec.origin is None:
        raise FileNotFoundError("streamlit is not installed")
    return Path(spec.origin).resolve().parent / "static" / "static"


def build_folder(root: Path) -> Path:
    """The compressed copy for the installed Streamlit version under `root` (a new version builds anew)."""
    return root / f"streamlit-{importlib.metadata.version('streamlit')}"


def build(root: Path, *, source: Path | None = None, force: bool = False) -> BuildReport:
    """Copy Streamlit's bundles under `root` and write `.br` and `.gz` files beside them (atomically)."""
    source = source or streamlit_static_source()
    target = build_folder(root)
    if target.is_dir() and not force:
        return _report(target)
    root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".static-", dir=root))
    try:
        shutil.copytree(source, staging, dirs_exist_ok=True)
        todo = [p for p in staging.rglob("*") if p.is_file() and _compressible(p)]
        with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
            list(pool.map(_compress, todo))  # brotli and zlib release the GIL while they work
        if target.exists():
            shutil.rmtree(target)
        staging.rename(target)  # readers see the old copy or the whole new one, never half of it
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    report = _report(target)
    log.info("static bundles compressed into %s: %d of %d files, %.1f MB -> %.1f MB (brotli)", target,
             report.compressed, report.files, report.original_bytes / 1e6, report.brotli_bytes / 1e6)
    return report


def _compressible(path: Path) -> bool:
    return bool(COMPRESSIBLE.search(path.name)) and path.stat().st_size >= MIN_BYTES


def _compress(path: Path) -> None:
    data = path.read_bytes()
    Path(f"{path}.br").write_bytes(brotli.compress(data, quality=BROTLI_QUALITY))
    Path(f"{path}.gz").write_bytes(gzip.compress(data, compresslevel=GZIP_LEVEL, mtime=0))


def _report(folder: Path) -> BuildReport:
    files = [p for p in folder.rglob("*") if p.is_file() and p.suffix not in {".br", ".gz"}]
    compressed = [p for p in files if Path(f"{p}.br").exists()]
    return BuildReport(folder=folder, files=len(files), compressed=len(compressed),
                       original_bytes=sum(p.stat().st_size for p in compressed),
                       brotli_bytes=sum(Path(f"{p}.br").stat().st_size for p in compressed))


def immutable(path: str, url: str) -> bool:
    """True for a content-hashed bundle, which may be cached for a year without revalidation."""
    return bool(HASHED.search(url))


def middleware(root: Path) -> list[Middleware]:
    """Middleware serving the compressed copy under `root` at /static/ and announcing the bundles our pages
    need; none when no copy is built (Streamlit then serves its bundles itself)."""
    folder = build_folder(root)
    if not folder.is_dir():
        log.warning("no compressed static bundles in %s: Streamlit serves them uncompressed "
                    "(run `python -m intel static build`)", folder)
        return []
    from servestatic import ServeStaticASGI  # scans the folder once, at start

    # Non-hashed files (none in Streamlit's folder today) are revalidated hourly; no CORS header: only our
    # own pages load these.
    served = Middleware(ServeStaticASGI, root=str(folder), prefix=URL_PREFIX, max_age=3600,
                        immutable_file_test=immutable, allow_all_origins=False)
    return [served, Middleware(PreloadBundles, urls=preload_urls(folder))]


def preload_urls(folder: Path, names: tuple[str, ...] = PRELOAD) -> tuple[str, ...]:
    """The URLs of the bundles named `names` (`Name.HASH.js`) in the built folder and of the modules they import
    (a browser finds those only after fetching the bundle); a missing bundle is logged."""
    js, found_all = folder / "js", []
    for name in names:
        found = sorted(js.glob(f"{name}.*.js"))
        if len(found) != 1:
            log.warning("bundle %s not found once in %s (found %d): not preloaded", name, folder, len(found))
            continue
        found_all.append(found[0].name)
    ordered, already = dict.fromkeys(m for name in found_all for m in _with_imports(js, name)), _preloaded_by_index()
    return tuple(f"{URL_PREFIX}js/{m}" for m in ordered if m not in already)


def _preloaded_by_index() -> set[str]:
    """The modules Streamlit's own index.html already loads or preloads."""
    try:
        index = (streamlit_static_source().parent / "index.html").read_text(encoding="utf-8")
    except (FileNotFoundError, UnicodeDecodeError):
        return set()
    return set(re.findall(r'"\./static/js/([^"]+\.js)"', index))


_IMPORT = re.compile(rb'(?:from|import)\s*"\./([^"/]+\.js)"')


def _with_imports(js: Path, name: str) -> list[str]:
    """`name` first, then every module it imports statically, transitively (Vite's `from"./X.js"`)."""
    seen: dict[str, None] = {}
    todo = [name]
    while todo:
        module = todo.pop(0)
        if module in seen or not (js / module).is_file():
            continue
        seen[module] = None
        todo += [m.decode() for m in _IMPORT.findall((js / module).read_bytes())]
    return list(seen)


class PreloadBundles:
    """ASGI middleware: every HTML response carries `Link: <bundle>; rel=modulepreload` for `urls`."""

    def __init__(self, app: Any, urls: tuple[str, ...]) -> None:
        self.app = app
        self.link = ", ".join(f"<{url}>; rel=modulepreload; crossorigin" for url in urls).encode("latin-1")

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http" or not self.link:
            await self.app(scope, receive, send)
            return

        async def announce(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                named = dict(headers)
                # A page with its own Content-Security-Policy (a share link's report) loads none of the app.
                if named.get(b"content-type", b"").startswith(b"text/html") and b"content-security-policy" not in named:
                    message = {**message, "headers": [*headers, (b"link", self.link)]}
            await send(message)

        await self.app(scope, receive, announce)
