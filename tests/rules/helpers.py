"""Running ``python -m app rules …`` in a subprocess for the command-level tests."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parents[2]
#: The shared rule contract's cases (``../shared/spec/cases/`` beside the project); another
#: folder with ``RISKMON_SPEC_CASES``.
SPEC_CASES = Path(os.environ.get("RISKMON_SPEC_CASES") or PROJECT_ROOT.parent / "shared" / "spec" / "cases")
#: The statistics cases (``spec/RULES.md`` §7), beside the others.
SPEC_STATS_CASES = SPEC_CASES.parent / "cases-stats"


def in_ci() -> bool:
    """Running in continuous integration (``CI=true``, as CI services set it)."""
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


def spec_cases_missing() -> str:
    """Why the contract's cases cannot be read ("" when they can)."""
    if not SPEC_CASES.is_dir():
        return f"the shared rule cases folder is absent ({SPEC_CASES})"
    if not any(SPEC_CASES.glob("*.json")):
        return f"the shared rule cases folder holds no case ({SPEC_CASES})"
    return ""


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)


def run_rules(args: list[str], home: Path, stdin: str | None = None) -> Run:
    env = {k: v for k, v in os.environ.items() if k not in ("RISKMON_DATABASE_URL",)}
    env["RISKMON_HOME"] = str(home)  # never the user's own database
    env["PYTHONPATH"] = str(PROJECT_ROOT)
    env["PYTHONIOENCODING"] = "utf-8"
    proc = subprocess.run(
        [sys.executable, "-m", "app", "rules", *args],
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=PROJECT_ROOT,
        env=env,
        timeout=60,
    )
    return Run(proc.returncode, proc.stdout, proc.stderr)


def assert_usage_error(run: Run, *must_name: str) -> None:
    """Exit 2, one line on stderr that names the given words, no traceback."""
    assert run.returncode == 2, (run.returncode, run.stdout, run.stderr)
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1, run.stderr
    assert "Traceback" not in run.stderr
    assert lines[0].startswith("riskmon: ")
    for word in must_name:
        assert word in lines[0], (word, lines[0])
