"""No import cycles: a static import graph of every module of the project, package by package.

Every ``import`` and ``from ... import`` counts, also those inside functions (a lazy import
hides a cycle at import time but it is still a cycle in the design); imports under
``if TYPE_CHECKING:`` do not (they never run).  A package that is not cycle-free yet is listed in
``KNOWN_CYCLES`` with its cycles; the test fails when one is added or when one disappears (so the
list is kept true).  And every module of ``ontologies`` imports in a fresh interpreter.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("corpora", "ontologies", "nlp_pipeline", "labeling_functions", "review", "clinlabel")
#: package -> cycles (each a sorted tuple of module names) that exist today and are owned elsewhere
KNOWN_CYCLES: dict[str, set[tuple[str, ...]]] = {}


def _modules(package: str) -> dict[str, Path]:
    out = {}
    for path in sorted((ROOT / package).rglob("*.py")):
        rel = path.relative_to(ROOT).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or \
        (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(module: str, path: Path, known: set[str]) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    is_pkg = path.name == "__init__.py"
    base = module.split(".") if is_pkg else module.split(".")[:-1]
    found: set[str] = set()

    def resolve(name: str) -> str | None:
        while name and name not in known:
            name = name.rpartition(".")[0]
        return name or None

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            for alias in node.names:
                target = resolve(alias.name)
                if target:
                    found.add(target)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                anchor = base[: len(base) - node.level + 1]
                prefix = ".".join(anchor + ([node.module] if node.module else []))
            else:
                prefix = node.module or ""
            for alias in node.names:
                target = resolve(f"{prefix}.{alias.name}") or resolve(prefix)
                if target:
                    found.add(target)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    found.discard(module)
    return found


def _cycles(graph: dict[str, set[str]]) -> set[tuple[str, ...]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: set[tuple[str, ...]] = set()
    counter = [0]

    def strong(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.add(tuple(sorted(comp)))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 5000))
    for v in sorted(graph):
        if v not in index:
            strong(v)
    return out


def _graph(package: str) -> dict[str, set[str]]:
    mods = _modules(package)
    known = set(mods)
    graph = {}
    for name, path in mods.items():
        # a package's __init__ is imported with any of its modules: it is not an edge of its own
        graph[name] = {t for t in _imports(name, path, known) if not name.startswith(t + ".")}
    return graph


def test_the_graph_sees_cycles(tmp_path, monkeypatch):
    """The checker itself: a lazy import inside a function closes a cycle."""
    pkg = tmp_path / "cyc"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from .b import f\n")
    (pkg / "b.py").write_text("def f():\n    from . import a\n")
    (pkg / "c.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .a import f\n")
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    graph = _graph("cyc")
    assert _cycles(graph) == {("cyc.a", "cyc.b")}
    assert graph["cyc.c"] == set()


@pytest.mark.parametrize("package", PACKAGES)
def test_no_import_cycles(package):
    cycles = _cycles(_graph(package))
    assert cycles == KNOWN_CYCLES.get(package, set()), (
        f"import cycles in {package}: {sorted(cycles)}; move the shared code into a leaf module")


def test_ontologies_modules_import_in_reverse_order():
    """Every ontologies module imports in a fresh interpreter, leaves first reversed (so nothing
    works only because another module happened to be imported before it)."""
    mods = sorted(_modules("ontologies"), reverse=True)
    code = "import importlib, sys\nfor m in sys.argv[1:]:\n    importlib.import_module(m)\n"
    proc = subprocess.run([sys.executable, "-c", code, *mods], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-2000:]
