"""Every case of the shared rule contract, run through the real command.

The cases are read from ``../shared/spec/cases/``. Without them the contract is not checked at all:
on a developer's machine the tests say so and skip; in CI (``CI=true``) they fail.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .casecompare import mismatches
from .helpers import SPEC_CASES, assert_usage_error, in_ci, run_rules, spec_cases_missing

CASE_FILES = sorted(SPEC_CASES.glob("*.json")) if SPEC_CASES.is_dir() else []
MISSING = spec_cases_missing()


def require_spec_cases() -> None:
    """Skip without the shared cases, except in CI, where their absence is a failure."""
    if MISSING:
        if in_ci():
            pytest.fail(f"{MISSING}: the rule contract cannot be checked (CI=true)", pytrace=False)
        pytest.skip(MISSING)


def _run_case(case: dict, tmp_path: Path, via_stdin: bool):
    args = [case["command"], *case.get("args", [])]
    stdin = None
    if "input" in case:
        text = json.dumps(case["input"], ensure_ascii=False)
        if via_stdin:
            args.append("-")
            stdin = text
        else:
            path = tmp_path / "case.json"
            path.write_text(text, encoding="utf-8")
            args.append(str(path))
    return run_rules(args, tmp_path, stdin)


@pytest.mark.parametrize("case_file", CASE_FILES or [None], ids=[p.stem for p in CASE_FILES] or ["no-cases"])
def test_spec_case(case_file: Path | None, tmp_path: Path) -> None:
    require_spec_cases()
    assert case_file is not None
    case = json.loads(case_file.read_text(encoding="utf-8"))
    # Alternate file and standard input so both ways of passing CASE.json are exercised.
    run = _run_case(case, tmp_path, via_stdin=CASE_FILES.index(case_file) % 2 == 1)
    assert run.returncode == case["exit"], (run.stdout, run.stderr)
    if case["exit"] == 2:
        assert_usage_error(run)
        return
    assert "Traceback" not in run.stderr
    out = run.json()
    assert mismatches(case["expected"], out) == []


def test_spec_cases_are_there() -> None:
    require_spec_cases()
    assert {json.loads(p.read_text(encoding="utf-8"))["command"] for p in CASE_FILES} >= {
        "deadline",
        "standard",
        "notify",
        "panel",
        "risk",
        "uscc",
    }


@pytest.mark.parametrize(("ci", "outcome"), [("true", "failed"), ("", "skipped")])
def test_missing_cases_fail_in_ci_and_skip_elsewhere(tmp_path: Path, ci: str, outcome: str) -> None:
    import os
    import subprocess
    import sys

    env = {**os.environ, "RISKMON_SPEC_CASES": str(tmp_path / "no-such-folder"), "CI": ci, "PYTHONPATH": str(
        Path(__file__).resolve().parents[2])}
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-o", "addopts=",
         f"{__file__}::test_spec_cases_are_there", f"{__file__}::test_spec_case"],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120,
    )
    summary = proc.stdout.strip().splitlines()[-1]
    assert f"2 {outcome}" in summary, proc.stdout
    assert proc.returncode == (1 if outcome == "failed" else 0), proc.stdout
    if outcome == "failed":
        assert "CI=true" in proc.stdout


# --- the comparison helper itself ---------------------------------------------------------------


def test_object_extra_keys_allowed_missing_key_reported() -> None:
    assert mismatches({"a": 1}, {"a": 1, "b": 2}) == []
    assert mismatches({"a": 1, "c": 3}, {"a": 1}) == ["$.c: missing"]


def test_numbers_by_value_but_not_booleans() -> None:
    assert mismatches({"v": 10}, {"v": 10.0}) == []
    assert mismatches({"v": 0.05}, {"v": 0.05}) == []
    assert mismatches({"v": 1}, {"v": True}) != []
    assert mismatches({"v": True}, {"v": 1}) != []
    assert mismatches({"v": 1}, {"v": "1"}) != []
    assert mismatches({"v": 1}, {"v": 1.5}) != []


def test_lists_same_length_in_order() -> None:
    assert mismatches({"rules": ["16.1", "17.1"]}, {"rules": ["16.1", "17.1"]}) == []
    assert mismatches({"rules": ["16.1", "17.1"]}, {"rules": ["17.1", "16.1"]}) != []
    assert mismatches({"rules": ["16.1"]}, {"rules": ["16.1", "17.1"]}) != []
    assert mismatches({"notify": []}, {"notify": [{"roles": ["x"]}]}) != []


def test_list_entries_are_objects_compared_as_subsets() -> None:
    exp = {"notify": [{"roles": ["sampled_seller"], "out_of_province": False}]}
    act = {"notify": [{"roles": ["sampled_seller"], "name": "某", "out_of_province": False}]}
    assert mismatches(exp, act) == []
    act["notify"][0]["out_of_province"] = True
    assert mismatches(exp, act) != []


def test_items_matched_by_item_name_not_position() -> None:
    exp = {"items": [{"item": "B", "rules": ["17.2"]}]}
    act = {"items": [{"item": "A", "rules": ["16.1"]}, {"item": "B", "rules": ["17.2"], "basis": None}]}
    assert mismatches(exp, act) == []
    assert mismatches({"items": [{"item": "C"}]}, act) == ["$.items[item=C]: missing"]
    assert mismatches({"items": [{"item": "A", "rules": ["17.2"]}]}, act) != []


def test_warnings_min() -> None:
    assert mismatches({"warnings_min": 1}, {"warnings": ["x"]}) == []
    assert mismatches({"warnings_min": 2}, {"warnings": ["x"]}) != []
    assert mismatches({"warnings_min": 1}, {}) != []


def test_nested_objects_and_type_mismatch() -> None:
    exp = {"basis": {"requirement": {"op": "<=", "value": 0.25}}}
    assert mismatches(exp, {"basis": {"code": "GB 1", "requirement": {"op": "<=", "value": 0.25, "unit": "mA"}}}) == []
    assert mismatches(exp, {"basis": None}) != []
    assert mismatches({"basis": None}, {"basis": None}) == []
    assert mismatches({"basis": None}, {"basis": {}}) != []


def test_usage_error_checker_rejects_tracebacks() -> None:
    from .helpers import Run

    assert_usage_error(Run(2, "", "riskmon: 输入字段 x 无效：缺少此字段\n"), "x")
    with pytest.raises(AssertionError):
        assert_usage_error(Run(2, "", "Traceback (most recent call last):\n  boom\n"))
    with pytest.raises(AssertionError):
        assert_usage_error(Run(1, "", "riskmon: x\n"))
