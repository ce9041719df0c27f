"""The import graph, read from the source (every import, also those inside functions).

The layers and the directions between them are written down once, here (``../shared/DESIGN.md``
and README's "How the code is arranged" show the same table). Layers are listed from the top;
a module may import its own layer and every layer further down, except where
:data:`ONLY_THROUGH_SERVICES` says otherwise. Layers on one row sit side by side and do not
import each other. The ground is the small set of modules every layer may import.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

#: layer → the modules (and packages) that make it up
LAYER_MODULES: dict[str, tuple[str, ...]] = {
    "cli": ("app.cli", "app.__main__"),  # the `riskmon` command, above everything
    "ui": ("app.ui",),  # PySide6 only here; nothing imports it but the cli
    "services": ("app.services",),  # use cases: one function per user action
    "documents": ("app.documents",),  # reportlab PDFs, Excel templates and exports
    "sync": ("app.sync",),  # provincial gateway: outbox, HTTP client, credentials
    "formats": ("app.formats",),  # the export/upload package format that documents and sync share
    "security": ("app.security",),  # the lab key's cryptography over bytes
    "store": ("app.store",),  # SQLAlchemy models, engine, unit of work, audit chain
    "rules": ("app.rules",),  # the regulation as pure functions
    # the ground: no business of its own; every layer may import it
    "ground": (
        "app",  # the version
        "app.errors",
        "app.config",
        "app.resources",
        "app.ruledata",  # the shipped rule data, read into the rules' types (so it imports app.rules)
        "app.fileio",  # the one file writer
        "app.timezones",
        "app.clock",  # the lab's today and now
        "app.logs",
    ),
}

#: from the top down; a tuple is one floor of layers side by side
LAYERS: tuple[tuple[str, ...], ...] = (
    ("cli",),
    ("ui",),
    ("services",),
    ("documents", "sync"),
    ("formats",),
    ("security",),
    ("store",),
    ("rules",),
    ("ground",),
)

#: the GUI reaches these layers only through services …
ONLY_THROUGH_SERVICES: dict[str, frozenset[str]] = {"ui": frozenset({"store", "sync"})}
#: … except the composition root, which builds the database and holds the instance lock
COMPOSITION_ROOT: dict[str, frozenset[str]] = {"app.ui.main": frozenset({"app.store.db", "app.store.lock"})}
#: imports by a ground module of a layer above the ground (the ruled data fills the rules' types)
GROUND_REACHES: dict[str, frozenset[str]] = {"app.ruledata": frozenset({"rules"})}


def layer_of(module: str) -> str | None:
    """The layer of a module (the longest matching prefix), or ``None`` if it has none."""
    best: tuple[int, str] | None = None
    for layer, prefixes in LAYER_MODULES.items():
        for prefix in prefixes:
            exact = prefix == "app"
            if module == prefix or (not exact and module.startswith(prefix + ".")):
                if best is None or len(prefix) > best[0]:
                    best = (len(prefix), layer)
    return None if best is None else best[1]


def _floor(layer: str) -> int:
    return next(i for i, row in enumerate(LAYERS) if layer in row)


def allowed(importer: str, imported: str) -> bool:
    """Whether module ``importer`` may import module ``imported`` (both under ``app``)."""
    src, dst = layer_of(importer), layer_of(imported)
    if src is None or dst is None:
        return False
    if src == dst or dst == "ground":
        return True
    if src == "ground":
        return dst in GROUND_REACHES.get(importer, frozenset())
    if dst in ONLY_THROUGH_SERVICES.get(src, frozenset()):
        return imported in COMPOSITION_ROOT.get(importer, frozenset())
    return _floor(src) < _floor(dst)


@dataclass(frozen=True)
class Import:
    path: Path
    line: int
    importer: str
    imported: str

    def where(self, root: Path) -> str:
        return f"{self.path.relative_to(root).as_posix()}:{self.line}"


def _module_name(path: Path, root: Path = ROOT) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules(root: Path) -> dict[str, Path]:
    return {_module_name(p, root): p for p in (root / "app").rglob("*.py")}


def _targets(node: ast.AST, package: str) -> list[str]:
    """The names an import statement reaches: ``from a import b`` reaches ``a`` and ``a.b``."""
    if isinstance(node, ast.Import):
        return [a.name for a in node.names]
    if isinstance(node, ast.ImportFrom):
        base = node.module or ""
        if node.level:
            parts = package.split(".")
            base = ".".join(parts[: len(parts) - node.level + 1] + ([node.module] if node.module else []))
        return [base, *(f"{base}.{a.name}" for a in node.names)]
    return []


def imports(root: Path = ROOT) -> list[Import]:
    """Every import of a module of ``app`` by a module of ``app`` under ``root``, with its line:
    ``from a import b`` counts as an import of ``a.b`` when that is a module, else of ``a``."""
    files = _modules(root)
    out: list[Import] = []
    for name, path in sorted(files.items()):
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets = _targets(node, package)
            if not targets:
                continue
            if isinstance(node, ast.ImportFrom):
                base, *names = targets
                reached = {n for n in names if n in files} or ({base} if base in files else set())
            else:
                reached = {t for t in targets if t in files}
            out.extend(Import(path, node.lineno, name, m) for m in sorted(reached) if m != name)
    return out


def layer_violations(root: Path = ROOT) -> list[str]:
    """``file:line: importer → imported`` for every import the table does not allow, and every
    module that belongs to no layer."""
    problems = [f"{p.relative_to(root).as_posix()}: {name} belongs to no layer (add it to LAYER_MODULES)"
                for name, p in sorted(_modules(root).items()) if layer_of(name) is None]
    for imp in imports(root):
        if not allowed(imp.importer, imp.imported):
            problems.append(f"{imp.where(root)}: {imp.importer} ({layer_of(imp.importer)}) imports "
                            f"{imp.imported} ({layer_of(imp.imported)})")
    return problems


def test_every_import_goes_down_the_layers():
    problems = layer_violations()
    assert not problems, "imports against the layers:\n" + "\n".join(problems)


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(("module", "text", "expected"), [
    # an upward import hidden inside a function
    ("app/store/models.py", "import os\n\n\ndef f():\n    from app.services import upload\n",
     "app/store/models.py:5: app.store.models (store) imports app.services.upload (services)"),
    # the GUI reaching past the services to the gateway
    ("app/ui/page.py", "from app.sync.worker import run_forever\n",
     "app/ui/page.py:1: app.ui.page (ui) imports app.sync.worker (sync)"),
    # side by side: sync does not import documents
    ("app/sync/outbox.py", "from app.documents import excel\n",
     "app/sync/outbox.py:1: app.sync.outbox (sync) imports app.documents.excel (documents)"),
    # a relative import is resolved too
    ("app/rules/risk.py", "from ..store import models\n",
     "app/rules/risk.py:1: app.rules.risk (rules) imports app.store.models (store)"),
])
def test_an_upward_import_is_found_with_its_file_and_line(tmp_path, module, text, expected):
    base = {f"app/{pkg}/__init__.py": "" for pkg in ("ui", "services", "documents", "sync", "store", "rules")}
    base.update({"app/__init__.py": "", "app/services/upload.py": "", "app/sync/worker.py": "",
                 "app/documents/excel.py": "", "app/store/models.py": "", "app/errors.py": ""})
    root = _tree(tmp_path, {**base, module: text})
    assert layer_violations(root) == [expected]


def test_downward_imports_and_the_composition_root_pass(tmp_path):
    root = _tree(tmp_path, {
        "app/__init__.py": "", "app/errors.py": "", "app/ui/__init__.py": "", "app/store/__init__.py": "",
        "app/store/db.py": "from app.errors import RiskmonError\n",
        "app/ui/main.py": "def run():\n    from app.store import db\n",
        "app/ui/view.py": "from app.store import db\n",
    })
    assert layer_violations(root) == ["app/ui/view.py:1: app.ui.view (ui) imports app.store.db (store)"]


def test_a_module_outside_every_layer_is_named(tmp_path):
    root = _tree(tmp_path, {"app/__init__.py": "", "app/helpers.py": ""})
    assert layer_violations(root) == ["app/helpers.py: app.helpers belongs to no layer (add it to LAYER_MODULES)"]


def test_nothing_imports_the_gui_but_the_command_line():
    for imp in imports():
        if layer_of(imp.imported) == "ui" and layer_of(imp.importer) != "ui":
            assert layer_of(imp.importer) == "cli", imp.where(ROOT)


def import_graph(prefix: str) -> dict[str, set[str]]:
    """Module → the modules under ``prefix`` it imports (a package counts as its ``__init__``)."""
    graph: dict[str, set[str]] = {name: set() for name in _modules(ROOT) if name.startswith(prefix)}
    for imp in imports():
        if imp.importer in graph and imp.imported.startswith(prefix):
            graph[imp.importer].add(imp.imported)
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
