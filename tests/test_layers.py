"""The import graph, read from the source (every import, also those inside functions)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path, package: str) -> set[str]:
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            base = node.module
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + [node.module])
            out.add(base)
            out.update(f"{base}.{a.name}" for a in node.names)
    return out


def import_graph(prefix: str) -> dict[str, set[str]]:
    """Module → the modules under ``prefix`` it imports (a package counts as its ``__init__``)."""
    files = {_module_name(p): p for p in (ROOT / "app").rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in files.items():
        if not name.startswith(prefix):
            continue
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        graph[name] = {m for m in _imports(path, package) if m in files and m.startswith(prefix) and m != name}
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
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


def _collapse(graph: dict[str, set[str]], package: str) -> dict[str, set[str]]:
    """The modules of ``package`` as one node (a package may import its own modules freely)."""
    def node(name: str) -> str:
        return package if name == package or name.startswith(package + ".") else name

    out: dict[str, set[str]] = {}
    for name, deps in graph.items():
        out.setdefault(node(name), set()).update(node(d) for d in deps)
    for name, deps in out.items():
        deps.discard(name)
    return out


def test_no_service_module_imports_another_in_a_loop():
    graph = _collapse(import_graph("app.services"), "app.services.documents")
    assert _cycle(graph) is None, " → ".join(_cycle(graph) or [])


def test_the_report_workflow_reads_downward():
    graph = import_graph("app.services")
    # the workflow calls one function that freezes and queues; documents never call back up
    assert "app.services.deliverables" in graph["app.services.reports"]
    for name, deps in graph.items():
        if name.startswith("app.services.documents") or name == "app.services.records":
            assert not deps & {"app.services.reports", "app.services.deliverables", "app.services.upload",
                               "app.services.notifications"}, name
    assert "app.services.upload" not in graph["app.services.deliverables"]
