"""The front-end bundles reach the browser compressed, byte-identical, and cached for a year; without a
compressed copy Streamlit still serves them (uncompressed)."""

from __future__ import annotations

import gzip
import re
import urllib.request
from pathlib import Path

import brotli
import pytest

from intel.web import static
from tests.browser.conftest import StreamlitServer

BUNDLE = re.compile(r'src="\./(static/js/[^"]+\.js)"')


def _fetch(url: str, encoding: str | None) -> tuple[bytes, dict[str, str]]:
    request = urllib.request.Request(url, headers={"Accept-Encoding": encoding} if encoding else {})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.read(), {k.lower(): v for k, v in response.headers.items()}


def _source(tmp_path: Path) -> Path:
    source = tmp_path / "source"
    (source / "js").mkdir(parents=True)
    (source / "js" / "index.AbC12_-x.js").write_text("console.log('talent');\n" * 500)
    (source / "js" / "tiny.Zz9Zz9Zz.js").write_text("1")
    (source / "media").mkdir()
    (source / "media" / "logo.Qq1Qq1Qq.png").write_bytes(b"\x89PNG" + bytes(4000))
    return source


def test_build_writes_brotli_and_gzip_that_decode_to_the_original(tmp_path: Path) -> None:
    report = static.build(tmp_path / "out", source=_source(tmp_path))
    bundle = report.folder / "js" / "index.AbC12_-x.js"
    original = bundle.read_bytes()
    assert brotli.decompress(Path(f"{bundle}.br").read_bytes()) == original
    assert gzip.decompress(Path(f"{bundle}.gz").read_bytes()) == original
    assert report.compressed == 1 and report.files == 3  # the 1-byte script and the PNG gain nothing
    assert not Path(f"{report.folder}/js/tiny.Zz9Zz9Zz.js.br").exists()
    assert not Path(f"{report.folder}/media/logo.Qq1Qq1Qq.png.gz").exists()
    assert report.folder.name.startswith("streamlit-")  # a Streamlit upgrade builds a new copy


def test_build_keeps_an_existing_copy_unless_forced(tmp_path: Path) -> None:
    source = _source(tmp_path)
    first = static.build(tmp_path / "out", source=source)
    (source / "js" / "new.Nn1Nn1Nn.js").write_text("x" * 5000)
    assert static.build(tmp_path / "out", source=source).files == first.files
    assert static.build(tmp_path / "out", source=source, force=True).files == first.files + 1
    assert [p.name for p in (tmp_path / "out").iterdir()] == [first.folder.name]  # no staging folder left


def test_only_content_hashed_names_are_immutable() -> None:
    assert static.immutable("", "/static/js/index.DormvYxC.js")
    assert static.immutable("", "/static/media/KaTeX_AMS-Regular.BQhdFMY1.woff2")
    assert not static.immutable("", "/static/js/vendor.js")


def test_no_copy_means_no_middleware(tmp_path: Path) -> None:
    assert static.middleware(tmp_path / "nothing-built") == []


def test_preloaded_bundles_are_found_by_name_in_the_copy(tmp_path: Path) -> None:
    report = static.build(tmp_path / "out", source=_source(tmp_path))
    assert static.preload_urls(report.folder, ("index", "PlotlyChart")) == ("/static/js/index.AbC12_-x.js",)


def test_a_preloaded_bundle_brings_the_modules_it_imports(tmp_path: Path) -> None:
    source = _source(tmp_path)
    (source / "js" / "Chart.Cc1Cc1Cc.js").write_text('import{a}from"./dep.Dd1Dd1Dd.js";import"./side.Ss1Ss1Ss.js";')
    (source / "js" / "dep.Dd1Dd1Dd.js").write_text('export*from"./deeper.Ee1Ee1Ee.js";import{b}from"./dep.Dd1Dd1Dd.js"')
    (source / "js" / "deeper.Ee1Ee1Ee.js").write_text("export const a = 1")
    (source / "js" / "side.Ss1Ss1Ss.js").write_text("window.x = 1")
    report = static.build(tmp_path / "out", source=source)
    assert static.preload_urls(report.folder, ("Chart",)) == (
        "/static/js/Chart.Cc1Cc1Cc.js", "/static/js/dep.Dd1Dd1Dd.js", "/static/js/side.Ss1Ss1Ss.js",
        "/static/js/deeper.Ee1Ee1Ee.js")


@pytest.mark.slow
def test_the_server_sends_the_bundles_compressed_and_immutable(tmp_path: Path) -> None:
    root = tmp_path / "static"
    static.build(root)
    with StreamlitServer(tmp_path / "server.log", env={"INTEL_DEMO": "1", "REDIS_URL": None,
                                                       "INTEL_STATIC_DIR": str(root)}) as server:
        index, _ = _fetch(server.url + "/", None)
        path = BUNDLE.search(index.decode()).group(1)  # type: ignore[union-attr]
        plain, plain_headers = _fetch(f"{server.url}/{path}", None)
        as_br, br_headers = _fetch(f"{server.url}/{path}", "br, gzip")
        as_gz, gz_headers = _fetch(f"{server.url}/{path}", "gzip")
        _, page_headers = _fetch(server.url + "/talent?talent=1", None)
        preloaded = re.findall(r"<(/static/js/[^>]+)>; rel=modulepreload; crossorigin", page_headers["link"])
        fetched = {url.split("/")[-1].split(".")[0]: _fetch(server.url + url, "br")[1] for url in preloaded}
    assert preloaded[0].startswith("/static/js/PlotlyChart.") and "DataFrame" in fetched
    assert fetched["PlotlyChart"]["content-encoding"] == fetched["DataFrame"]["content-encoding"] == "br"
    assert index.decode().count("/static/js/") > 10  # Streamlit's own preloads are not announced again
    assert not any(f'"./static/js/{url.split("/")[-1]}"' in index.decode() for url in preloaded)
    original = (static.streamlit_static_source().parent / path).read_bytes()
    assert plain == original and "content-encoding" not in plain_headers
    assert br_headers["content-encoding"] == "br" and brotli.decompress(as_br) == original
    assert gz_headers["content-encoding"] == "gzip" and gzip.decompress(as_gz) == original
    assert len(as_br) < len(original) / 2
    for headers in (plain_headers, br_headers, gz_headers):
        assert "immutable" in headers["cache-control"] and "max-age=315360000" in headers["cache-control"]
        assert headers["vary"] == "Accept-Encoding"


@pytest.mark.slow
def test_without_a_copy_streamlit_serves_the_bundles_itself(tmp_path: Path) -> None:
    with StreamlitServer(tmp_path / "server.log", env={"INTEL_DEMO": "1", "REDIS_URL": None,
                                                       "INTEL_STATIC_DIR": str(tmp_path / "none")}) as server:
        index, _ = _fetch(server.url + "/", None)
        path = BUNDLE.search(index.decode()).group(1)  # type: ignore[union-attr]
        body, headers = _fetch(f"{server.url}/{path}", "br, gzip")
        _, page_headers = _fetch(server.url + "/", None)
        log = server.log_tail(200)
    assert "link" not in page_headers
    assert body == (static.streamlit_static_source().parent / path).read_bytes()
    assert "content-encoding" not in headers
    assert "no compressed static bundles" in log
