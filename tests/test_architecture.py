"""The package layering written in each `intel/*/__init__.py` docstring holds, read from the imports with `ast`.

Module-level imports are what Python runs at import time, so cycles among them are errors; imports inside
functions run later and are counted separately (a cycle through one is reported, not failed).
Imports under `if TYPE_CHECKING:` never run and are ignored.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
INTEL = ROOT / "intel"
MIGRATION_SCRIPTS = INTEL / "db" / "migrations"  # Alembic runs these; they are not modules of the package

# Each intel package (or top-level module) -> the other intel packages/modules it may import, as written in
# its __init__ docstring. A name allows that module and everything under it ("intel.cache.store" allows
# only the store, not the rest of the cache). Imports within the package itself are always allowed.
LAYERS: dict[str, set[str]] = {
    "intel.errors": set(),
    "intel.config": {"intel.errors"},
    "intel.metrics": {"intel.config", "intel.errors"},  # a leaf: every layer may record into it
    "intel.db": {"intel.config", "intel.errors"},
    "intel.text": {"intel.db", "intel.config", "intel.errors"},
    "intel.analytics": {"intel.db", "intel.text", "intel.config", "intel.errors"},
    "intel.cache": {"intel.analytics", "intel.db", "intel.metrics", "intel.config", "intel.errors"},
    "intel.accounts": {"intel.db", "intel.cache.store", "intel.config", "intel.errors"},
    "intel.demo": {"intel.text", "intel.campaigns", "intel.db", "intel.config", "intel.errors"},
    "intel.ingest": {"intel.text", "intel.campaigns.rules", "intel.campaigns.money", "intel.accounts", "intel.db",
                     "intel.metrics", "intel.config", "intel.errors"},
    "intel.connectors": {"intel.ingest", "intel.text", "intel.accounts", "intel.db", "intel.metrics", "intel.config",
                         "intel.errors"},
    "intel.jobs": {"intel.alerts", "intel.connectors", "intel.campaigns", "intel.cache", "intel.runtime",
                   "intel.accounts", "intel.db", "intel.metrics", "intel.config", "intel.errors"},
    "intel.campaigns": {"intel.db", "intel.analytics", "intel.config", "intel.errors"},
    "intel.alerts": {"intel.campaigns", "intel.analytics", "intel.connectors.crypto", "intel.db", "intel.metrics",
                     "intel.config", "intel.errors"},
    "intel.views": {"intel.analytics", "intel.cache.provider"},
    "intel.reports": {"intel.analytics", "intel.views", "intel.config", "intel.errors"},
    # the composition root builds engines, stores and the provider; it never reaches up to callers
    "intel.runtime": {"intel.alerts", "intel.db", "intel.cache", "intel.analytics", "intel.text", "intel.config",
                      "intel.errors"},
    "intel.web": {"intel.service", "intel.accounts", "intel.runtime", "intel.metrics", "intel.config",
                  "intel.errors"},
}
# Only these may import intel.service or intel.web (the UI and the HTTP side live above them).
CALLERS_OF_SERVICE_AND_WEB = ("intel.service", "intel.web", "intel.cli", "intel.cli_connectors", "intel.cli_report",
                              "intel.__main__")

@dataclass(frozen=True)
class Import:
    """One import statement's target module, as seen from `source`."""

    source: str
    target: str
    module_level: bool
    line: int


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def source_files(folder: Path) -> dict[str, Path]:
    """Module name -> file of every module under `folder` (Alembic's migration scripts excepted)."""
    return {module_name(p): p for p in sorted(folder.rglob("*.py")) if MIGRATION_SCRIPTS not in p.parents}


INTEL_MODULES = source_files(INTEL)


def imports_of(path: Path, known: dict[str, Path] = INTEL_MODULES) -> list[Import]:
    """Every import in the file at `path`, resolved to absolute module names (`from a import b` is `a.b` when
    that is a module, else `a`)."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: list[Import] = []
    for node, module_level in _import_nodes(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [Import(name, alias.name, module_level, node.lineno) for alias in node.names]
            continue
        base = node.module or ""
        if node.level:
            anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
            base = ".".join([*anchor, base] if base else anchor)
        for alias in node.names:
            target = f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base
            found.append(Import(name, target, module_level, node.lineno))
    return found


def _import_nodes(tree: ast.AST, module_level: bool = True) -> Iterator[tuple[ast.Import | ast.ImportFrom, bool]]:
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            continue
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node, module_level
        inside = module_level and not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
        yield from _import_nodes(node, inside)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


ALL_IMPORTS = [imp for path in INTEL_MODULES.values() for imp in imports_of(path)]


def within(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def layer_of(module: str) -> str | None:
    return next((layer for layer in sorted(LAYERS, key=len, reverse=True) if within(module, layer)), None)


def cycles(edges: set[tuple[str, str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (or a self-import), via Tarjan."""
    graph: dict[str, set[str]] = {}
    for a, b in edges:
        graph.setdefault(a, set()).add(b)
        graph.setdefault(b, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in graph[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1 or node in graph[node]:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def _intel_edges(module_level_only: bool) -> set[tuple[str, str]]:
    return {(i.source, i.target) for i in ALL_IMPORTS
            if i.target in INTEL_MODULES and i.source != i.target and (i.module_level or not module_level_only)}


def test_the_import_graph_is_read_from_the_sources() -> None:
    assert "intel.analytics.compute" in INTEL_MODULES
    runtime_imports = imports_of(INTEL / "runtime.py")
    assert any(i.target == "intel.cache.provider" and i.module_level for i in runtime_imports)


def test_no_intel_module_imports_another_that_imports_it_back_at_import_time() -> None:
    assert cycles(_intel_edges(module_level_only=True)) == []


def test_function_level_imports_close_no_cycle_either() -> None:
    # function-level imports exist to break cycles lazily; a cycle here works but hides a misplaced function
    assert cycles(_intel_edges(module_level_only=False)) == []


def test_intel_never_imports_streamlit_or_the_bench() -> None:
    offending = [i for i in ALL_IMPORTS if within(i.target, "streamlit") or within(i.target, "bench")]
    assert offending == []


def _violations(layer: str) -> list[Import]:
    allowed = LAYERS[layer]
    return [i for i in ALL_IMPORTS
            if layer_of(i.source) == layer and within(i.target, "intel") and i.target != "intel"
            and not within(i.target, layer) and not any(within(i.target, a) for a in allowed)]


@pytest.mark.parametrize("layer", list(LAYERS))
def test_each_package_imports_only_what_its_docstring_allows(layer: str) -> None:
    assert _violations(layer) == []


def test_only_the_ui_side_imports_the_service_and_the_web_routes() -> None:
    offending = [i for i in ALL_IMPORTS
                 if (within(i.target, "intel.service") or within(i.target, "intel.web"))
                 and not any(within(i.source, caller) for caller in CALLERS_OF_SERVICE_AND_WEB)]
    assert offending == []


def test_the_service_never_imports_the_web_routes_or_the_command_line() -> None:
    offending = [i for i in ALL_IMPORTS
                 if within(i.source, "intel.service") and (within(i.target, "intel.web") or i.target == "intel.cli")]
    assert offending == []


def _ui_files() -> list[Path]:
    return [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py"))]


def test_the_pages_and_app_py_never_import_sqlalchemy() -> None:
    offending = [(p.name, i.target) for p in _ui_files() for i in imports_of(p) if within(i.target, "sqlalchemy")]
    assert offending == []


def test_server_py_uses_only_streamlits_public_api() -> None:
    streamlit_imports = {i.target for i in imports_of(ROOT / "server.py") if within(i.target, "streamlit")}
    assert streamlit_imports == {"streamlit"}


# The composition root is resolved by the entry layers only; everything below takes its dependencies as arguments.
# intel.jobs is one: its jobs run in worker processes, started by the CLI, with no caller to hand a runtime in.
ENTRY_LAYERS = ("intel.service", "intel.web", "intel.cli", "intel.runtime", "intel.jobs")


def test_only_the_entry_layers_resolve_the_runtime() -> None:
    offending = [i for i in ALL_IMPORTS if within(i.target, "intel.runtime")
                 and not any(within(i.source, layer) for layer in ENTRY_LAYERS)]
    assert offending == []


def test_no_module_below_the_entry_layers_calls_get_runtime() -> None:
    callers = sorted(name for name, path in INTEL_MODULES.items()
                     if "get_runtime" in path.read_text(encoding="utf-8")
                     and not any(within(name, layer) for layer in ENTRY_LAYERS))
    assert callers == []
