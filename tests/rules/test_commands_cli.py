"""The ``riskmon rules`` commands end to end: exit codes, one-line errors, standard input."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

from .helpers import PROJECT_ROOT, assert_usage_error, run_rules

RULES_DIR = PROJECT_ROOT / "app" / "rules"


def test_deadline_provisional_through_the_command(tmp_path: Path) -> None:
    run = run_rules(["deadline", "--completed", "2099-12-01", "--working-days", "3"], tmp_path)
    assert run.returncode == 0, run.stderr
    out = run.json()
    assert out["working_days"] == 3 and out["provisional"] is True
    assert out["deadline"] == "2099-12-04"


@pytest.mark.parametrize(
    ("args", "word"),
    [
        (["deadline", "--completed", "2026-02-30"], "completed"),
        (["deadline", "--completed", "2026-09-30", "--working-days", "x"], "working_days"),
    ],
)
def test_deadline_bad_arguments(tmp_path: Path, args: list[str], word: str) -> None:
    assert_usage_error(run_rules(args, tmp_path), word)


def test_deadline_past_the_last_year_names_the_date_given_and_the_range(tmp_path: Path) -> None:
    # Issue 14: the message blamed ``completed`` but quoted 2100-01-01, a date nobody typed.
    run = run_rules(["deadline", "--completed", "2099-12-28"], tmp_path)
    assert_usage_error(run, "completed", "2099-12-28", "2004–2099")
    assert "2100" not in run.stderr


@pytest.mark.parametrize(
    ("command", "stdin", "word"),
    [
        ("standard", "{not json", "JSON"),
        ("standard", "[1, 2]", "JSON 对象"),
        ("standard", json.dumps({"test_date": "2026-03-10", "declared": [], "items": ["x"]}), "catalog"),
        ("notify", json.dumps({"problems_found": True, "place": "producer"}), "sampled"),
        ("risk", json.dumps({"severity": 9, "probability": ">1/2"}), "severity"),
    ],
)
def test_unusable_input_exits_2_with_one_line(tmp_path: Path, command: str, stdin: str, word: str) -> None:
    run = run_rules([command, "-"], tmp_path, stdin=stdin)
    assert_usage_error(run, word)


def test_uscc_exit_codes(tmp_path: Path) -> None:
    ok = run_rules(["uscc", " 914403001922038216 "], tmp_path)
    assert ok.returncode == 0 and ok.json()["valid"] is True
    bad = run_rules(["uscc", "91440300192203821Z"], tmp_path)
    assert bad.returncode == 1 and bad.json()["valid"] is False and "第 18 位" in bad.json()["reason"]


def test_risk_output_names_the_model(tmp_path: Path) -> None:
    payload = {"severity": 2, "probability": ">1/1000", "urgency": "normal", "scope": "industry",
               "frequency": 0.4, "duration": "new"}
    run = run_rules(["risk", "-"], tmp_path, stdin=json.dumps(payload))
    assert run.returncode == 0, run.stderr
    out = run.json()
    assert out["level"] == "II" and out["model"]["name"] and out["model"]["version"]


# --- the rules stay pure and light ------------------------------------------------------------------------

FORBIDDEN_MODULES = {"sqlalchemy", "PySide6", "httpx", "reportlab", "keyring", "alembic", "os", "pathlib", "shutil"}
FORBIDDEN_CALLS = {"open"}


@pytest.mark.parametrize("path", sorted(RULES_DIR.glob("*.py")), ids=lambda p: p.name)
def test_rules_modules_do_no_io_and_import_no_heavy_layer(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or ""]
        else:
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                assert node.func.id not in FORBIDDEN_CALLS, (path.name, node.lineno)
            continue
        for name in names:
            assert name.split(".")[0] not in FORBIDDEN_MODULES, (path.name, name)


def test_rules_import_path_stays_light() -> None:
    code = (
        "import sys, app.rules.commands, app.ruledata;"
        "heavy = sorted({m.split('.')[0] for m in sys.modules} & {'sqlalchemy', 'PySide6', 'httpx', 'reportlab'});"
        "print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=PROJECT_ROOT, check=True)
    assert out.stdout.strip() == "[]"
