"""Input nesting is limited before parsing (issue 14): 200,000 nested arrays gave "内部错误
（RecursionError）", named no field and wrote a traceback to the log."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.rules._input import MAX_JSON_DEPTH, json_depth_exceeds, loads
from app.rules.errors import RuleInputError

from .helpers import PROJECT_ROOT, assert_usage_error, run_rules

# strings full of the characters that could fool a scan that does not know JSON strings
tricky_text = st.text(alphabet='[]{}"\\/ab,:中\n\t', max_size=12)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | tricky_text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(tricky_text, inner, max_size=4),
    max_leaves=60,
)


def depth(value: object) -> int:
    if isinstance(value, list):
        return 1 + max((depth(v) for v in value), default=0)
    if isinstance(value, dict):
        return 1 + max((depth(v) for v in value.values()), default=0)
    return 0


def nested(n: int) -> str:
    return "[" * n + "]" * n


@settings(max_examples=400, deadline=None)
@given(json_values, st.booleans())
def test_the_depth_found_without_parsing_is_the_depth(value: object, ascii_only: bool) -> None:
    text = json.dumps(value, ensure_ascii=ascii_only)
    d = depth(value)
    for limit in {max(d - 1, 0), d, d + 1}:
        assert json_depth_exceeds(text, limit) is (d > limit), (text, limit)


def test_the_limit_is_exact() -> None:
    assert loads(nested(MAX_JSON_DEPTH)) is not None
    for text in (nested(MAX_JSON_DEPTH + 1), "[" * 200_000, '{"a":' * 150 + "1" + "}" * 150, nested(200_000)):
        with pytest.raises(RuleInputError) as err:
            loads(text)
        assert str(MAX_JSON_DEPTH) in err.value.message and "\n" not in err.value.message
    # brackets inside strings are text, not nesting
    assert loads(json.dumps({"note": "[" * 500 + "\\\"{" * 300})) is not None


@pytest.mark.parametrize("text", [nested(200_000), "[" * 200_000, '{"a":' * 5000 + "1" + "}" * 5000])
def test_the_command_refuses_deep_input_in_one_line_and_logs_nothing(tmp_path: Path, text: str) -> None:
    run = run_rules(["standard", "-"], tmp_path, stdin=text)
    assert_usage_error(run, str(MAX_JSON_DEPTH))
    assert "内部错误" not in run.stderr and "RecursionError" not in run.stderr
    assert not (tmp_path / "logs" / "riskmon.log").exists()


def test_a_deep_calendar_file_is_refused_without_a_traceback(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    notice = tmp_path / "notice.json"
    notice.write_text(nested(200_000), encoding="utf-8")
    env = {**{k: v for k, v in os.environ.items() if k != "RISKMON_DATABASE_URL"}, "RISKMON_HOME": str(tmp_path),
           "PYTHONPATH": str(PROJECT_ROOT)}
    for args in (["db", "upgrade"], ["calendar", "import", str(notice)]):
        proc = subprocess.run([sys.executable, "-m", "app", *args], capture_output=True, text=True, env=env,
                              cwd=PROJECT_ROOT, timeout=120)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and str(MAX_JSON_DEPTH) in proc.stderr
    log = tmp_path / "logs" / "riskmon.log"  # db upgrade logs the migrations it ran; no traceback
    assert not log.exists() or "Traceback" not in log.read_text(encoding="utf-8")
