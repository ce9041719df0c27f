"""Imports of the app's own modules sit at the top of a module. One left inside a function says why,
in a comment on its line or directly above its block of imports (one comment may head the block):

* ``# deferred: …`` — it would load a heavy library (reportlab, openpyxl, SQLAlchemy, Qt, …) or a
  module start-up does not need, or slow ``riskmon --help``;
* ``# cycle: …`` — the imported module imports this one.

A linter directive alone (``# noqa``, ``# type: ignore``) is no reason.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
_IMPORTS = (ast.Import, ast.ImportFrom)
_DIRECTIVE = re.compile(r"#\s*(noqa\b|type:\s*ignore\b|pragma\b|fmt:)", re.IGNORECASE)


def _imported(node: ast.Import | ast.ImportFrom, package: str) -> list[str]:
    """The module names an import statement names, a relative one resolved against ``package``."""
    if isinstance(node, ast.Import):
        return [a.name for a in node.names]
    base = node.module or ""
    if node.level:
        parts = package.split(".")
        base = ".".join(parts[: len(parts) - node.level + 1] + ([node.module] if node.module else []))
    return [base]


def _of_app(node: ast.Import | ast.ImportFrom, package: str) -> bool:
    return any(m == "app" or m.startswith("app.") for m in _imported(node, package))


def _reasons(source: str) -> dict[int, str]:
    """Line → the comment on it, when that comment gives a reason (not just a linter directive)."""
    out: dict[int, str] = {}
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type == tokenize.COMMENT and not _DIRECTIVE.match(tok.string) and tok.string.strip("# "):
            out[tok.start[0]] = tok.string
    return out


def _explained(stmt: ast.stmt, block: list[ast.stmt], reasons: dict[int, str], lines: list[str]) -> bool:
    """A comment on one of the lines of ``stmt`` or of the imports just before it in its block, or on
    the comment lines directly above one of them."""
    i = block.index(stmt)
    first = i
    while first > 0 and isinstance(block[first - 1], _IMPORTS):
        first -= 1
    for member in block[first : i + 1]:
        if any(n in reasons for n in range(member.lineno, member.end_lineno + 1)):
            return True
        n = member.lineno - 1
        while n >= 1 and lines[n - 1].lstrip().startswith("#"):
            if n in reasons:
                return True
            n -= 1
    return False


def unexplained(source: str, module: str, where: str) -> list[str]:
    """``where:line: statement`` for each import of an ``app`` module inside a function of ``source``
    (the text of module ``module``) that has no comment saying why."""
    package = module if where.endswith("__init__.py") else module.rpartition(".")[0]
    reasons, lines = _reasons(source), source.splitlines()
    found: list[str] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for value in ast.iter_fields(node):
            children = value[1] if isinstance(value[1], list) else [value[1]]
            for child in children:
                if not isinstance(child, ast.AST):
                    continue
                if (in_function and isinstance(child, _IMPORTS) and _of_app(child, package)
                        and not _explained(child, children, reasons, lines)):
                    found.append(f"{where}:{child.lineno}: {lines[child.lineno - 1].strip()}")
                visit(child, in_function or isinstance(child, _FUNCTIONS))

    visit(ast.parse(source), False)
    return found


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def test_every_import_of_the_app_inside_a_function_says_why():
    problems: list[str] = []
    for path in sorted((ROOT / "app").rglob("*.py")):
        problems += unexplained(path.read_text(encoding="utf-8"), _module_name(path),
                                path.relative_to(ROOT).as_posix())
    assert not problems, ("imports of app modules inside functions without a comment saying why "
                          "(# deferred: … or # cycle: …; or move them to the top):\n" + "\n".join(problems))


PLANTED = '''\
import json

from app.errors import ValidationError


def uncommented():
    from app.documents.excel import write_template

    return write_template


def not_directly_above():
    # deferred: openpyxl loads only when a spreadsheet is written

    from app.documents.excel import write_template

    return write_template


def only_a_directive():
    from app.services import imports  # noqa: F401


def header_of_another_block(kind):
    if kind:  # deferred: openpyxl loads only when a spreadsheet is written
        from app.documents.excel import write_template

        return write_template
    return None


def relative():
    from ..store import models

    return models


def on_its_line():
    from app.documents.excel import write_template  # deferred: openpyxl, only for a spreadsheet

    return write_template


def above():
    """A docstring."""
    # cycle: app.security.payload imports this module
    from app.security.payload import embed

    return embed


def a_block_under_one_comment():
    # deferred: reportlab loads only when a PDF is made
    import io

    from app.documents.analysis import render_analysis
    from app.services.records import current_analysis

    return io, render_analysis, current_analysis


def not_of_the_app():
    import zipfile

    return zipfile, json, ValidationError
'''


def test_a_planted_import_without_a_reason_is_named_with_its_file_and_line():
    assert unexplained(PLANTED, "app.services.planted", "app/services/planted.py") == [
        "app/services/planted.py:7: from app.documents.excel import write_template",
        "app/services/planted.py:15: from app.documents.excel import write_template",
        "app/services/planted.py:21: from app.services import imports  # noqa: F401",
        "app/services/planted.py:26: from app.documents.excel import write_template",
        "app/services/planted.py:33: from ..store import models",
    ]


@pytest.mark.parametrize("comment", ["# deferred: openpyxl loads only when a spreadsheet is written",
                                     "# cycle: app.documents.excel imports this module"])
def test_a_comment_above_or_on_the_line_explains_it(comment):
    above = f"def f():\n    {comment}\n    from app.documents.excel import write_template\n"
    on_line = f"def f():\n    from app.documents.excel import write_template  {comment}\n"
    assert unexplained(above, "app.x", "app/x.py") == []
    assert unexplained(on_line, "app.x", "app/x.py") == []
    assert unexplained(above.replace(comment, ""), "app.x", "app/x.py") == [
        "app/x.py:3: from app.documents.excel import write_template"]
