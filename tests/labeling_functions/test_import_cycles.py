"""No import cycles inside the labelling-function package, and a library free of corpus names.

Every ``import`` is counted, also those inside functions (a lazy import hides a cycle from the
interpreter, not from the design).  ``from . import x`` counts as importing the submodule ``x``
when it is one, else the package.  Imports by string (``importlib.import_module``) are not
edges: that is how ``presets.get_preset`` reaches a preset's module.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def import_graph(package_dir: Path) -> dict[str, set[str]]:
    """``{module: {modules of the same package it imports}}`` for every ``.py`` under ``package_dir``."""
    root = package_dir.parent
    files = {_module_name(p, root): p for p in package_dir.rglob("*.py")}
    graph: dict[str, set[str]] = {name: set() for name in files}
    for name, path in files.items():
        is_pkg = path.name == "__init__.py"
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = name.split(".") if is_pkg else name.split(".")[:-1]
                    base = base[: len(base) - (node.level - 1)]
                    mod = ".".join(base + ([node.module] if node.module else []))
                else:
                    mod = node.module or ""
                subs = [f"{mod}.{a.name}" for a in node.names if f"{mod}.{a.name}" in files]
                targets = subs if len(subs) == len(node.names) else [mod] + subs
            for target in targets:
                while target and target not in files and "." in target:
                    target = target.rsplit(".", 1)[0]  # "pkg.mod.attr" -> "pkg.mod"
                if target in files and target != name:
                    graph[name].add(target)
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as a list of modules (first == last), or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


def test_labeling_functions_has_no_import_cycle():
    graph = import_graph(ROOT / "labeling_functions")
    assert "labeling_functions.presets._pubmed" in graph["labeling_functions.presets.ncbi_disease"]  # edges are seen
    assert find_cycle(graph) is None, f"import cycle: {' -> '.join(find_cycle(graph))}"


def test_library_imports_no_preset():
    graph = import_graph(ROOT / "labeling_functions")
    for name, deps in graph.items():
        if name.startswith("labeling_functions.library"):
            assert not {d for d in deps if d.startswith("labeling_functions.presets")}, name


@pytest.mark.parametrize("source, cycle", [
    ({"__init__.py": "", "a.py": "from .b import x\n", "b.py": "def f():\n    from . import a\n"}, True),
    ({"__init__.py": "", "a.py": "from .b import x\n", "b.py": "import json\n"}, False),
    ({"__init__.py": "from .a import y\n", "a.py": "from .sub.c import z\n", "sub/__init__.py": "",
      "sub/c.py": "from ..a import y\n"}, True),
])
def test_the_cycle_finder_finds_cycles(tmp_path, source, cycle):
    pkg = tmp_path / "pkg"
    for rel, text in source.items():
        (pkg / rel).parent.mkdir(parents=True, exist_ok=True)
        (pkg / rel).write_text(text)
    assert (find_cycle(import_graph(pkg)) is not None) is cycle


#: names of the corpora whose guidelines live in presets, as they appear in identifiers
_CORPUS_NAME = re.compile(r"(cdr|ncbi|bc5|autoner|biocreative)", re.I)


def test_library_names_no_corpus():
    """No LF, word list, filter or helper of the general library is named after one corpus."""
    from labeling_functions.library import ALL_LFS

    assert not [n for n in ALL_LFS if _CORPUS_NAME.search(n)]
    for path in (ROOT / "labeling_functions" / "library").glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = [n.name for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.ClassDef))]
        names += [t.id for n in ast.walk(tree) if isinstance(n, ast.Assign) for t in n.targets if isinstance(t, ast.Name)]
        assert not [n for n in names if _CORPUS_NAME.search(n)], path.name
