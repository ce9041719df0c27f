"""Problem rates across rounds and groups (``spec/RULES.md`` §7): the contract's cases through the
real command, the edge cases the contract names, bad input, and the statistics compared with SciPy
on random counts."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.rules import stats
from app.rules.errors import RuleInputError

from .casecompare import mismatches
from .helpers import SPEC_STATS_CASES, assert_usage_error, in_ci, run_rules

STATS_CASES = sorted(SPEC_STATS_CASES.glob("*.json")) if SPEC_STATS_CASES.is_dir() else []


def _require_cases() -> None:
    if not STATS_CASES:
        why = f"the shared statistics cases are absent ({SPEC_STATS_CASES})"
        if in_ci():
            pytest.fail(f"{why}: the statistics contract cannot be checked (CI=true)", pytrace=False)
        pytest.skip(why)


@pytest.mark.parametrize("case_file", STATS_CASES or [None], ids=[p.stem for p in STATS_CASES] or ["no-cases"])
def test_contract_case(case_file: Path | None, tmp_path: Path) -> None:
    _require_cases()
    assert case_file is not None
    case = json.loads(case_file.read_text(encoding="utf-8"))
    text = json.dumps(case["input"], ensure_ascii=False)
    if STATS_CASES.index(case_file) % 2:
        run = run_rules([case["command"], "-"], tmp_path, text)
    else:
        (tmp_path / "case.json").write_text(text, encoding="utf-8")
        run = run_rules([case["command"], str(tmp_path / "case.json")], tmp_path)
    assert run.returncode == case["exit"], run.stderr
    if case["exit"] == 0:
        assert mismatches(case["expected"], run.json()) == []


def _counts(*triples: tuple[str, int, int]) -> list[stats.Count]:
    return [stats.Count(label, n, x) for label, n, x in triples]


def test_a_single_round_or_no_variation_is_not_enough_for_a_trend():
    assert stats.trend([]) == {"rates": [], "trend": None, "enough_data": False}
    one = stats.trend(_counts(("2025", 40, 3)))
    assert one["trend"] is None and not one["enough_data"] and one["rates"][0]["rate"] == 0.075
    none_failed = stats.trend(_counts(("2024", 40, 0), ("2025", 50, 0)))
    assert none_failed["trend"] is None and none_failed["rates"][0]["wilson_low"] == 0.0
    all_failed = stats.trend(_counts(("2024", 10, 10), ("2025", 12, 12)))
    assert all_failed["trend"] is None and all_failed["rates"][1]["wilson_high"] == 1.0


def test_a_round_without_samples_is_left_out_and_the_scores_close_up():
    gap = stats.trend(_counts(("2021", 40, 1), ("2022", 0, 0), ("2023", 45, 3), ("2024", 50, 5), ("2025", 48, 9)))
    closed = stats.trend(_counts(("2021", 40, 1), ("2023", 45, 3), ("2024", 50, 5), ("2025", 48, 9)))
    assert gap["trend"] == closed["trend"] and gap["trend"]["rising"]
    assert gap["rates"][1] == {"label": "2022", "tested": 0, "problems": 0, "rate": None,
                               "wilson_low": None, "wilson_high": None}


def test_groups_without_samples_and_a_group_alone():
    out = stats.cluster(_counts(("武汉市", 0, 0), ("襄阳市", 20, 5)))
    assert not out["enough_data"]
    assert out["groups"][0]["rate"] is None and out["groups"][0]["p_value"] is None and not out["groups"][0]["above"]
    alone = out["groups"][1]
    assert alone["rest_rate"] is None and alone["p_value"] == 1 and alone["q_value"] == 1 and not alone["above"]
    assert stats.cluster([]) == {"groups": [], "enough_data": False}


def test_a_group_below_the_rest_is_never_above():
    out = stats.cluster(_counts(("甲", 200, 0), ("乙", 200, 40)), alpha=0.05)
    assert [g["above"] for g in out["groups"]] == [False, True]


@pytest.mark.parametrize(("payload", "field"), [
    ({"rounds": {}}, "rounds"),
    ({}, "rounds"),
    ({"rounds": [{"label": 2023, "tested": 1, "problems": 0}]}, "rounds[0].label"),
    ({"rounds": [{"label": "a", "tested": 3.0, "problems": 0}]}, "rounds[0].tested"),
    ({"rounds": [{"label": "a", "tested": "3", "problems": 0}]}, "rounds[0].tested"),
    ({"rounds": [{"label": "a", "tested": True, "problems": 0}]}, "rounds[0].tested"),
    ({"rounds": [{"label": "a", "tested": 3, "problems": -1}]}, "rounds[0].problems"),
    ({"rounds": [{"label": "a", "tested": 3, "problems": 4}]}, "rounds[0].problems"),
    ({"rounds": [{"label": "a", "tested": 3}]}, "rounds[0].problems"),
    ({"rounds": [], "alpha": 0}, "alpha"),
    ({"rounds": [], "alpha": 1}, "alpha"),
    ({"rounds": [], "alpha": "0.05"}, "alpha"),
])
def test_bad_trend_input_names_the_field(payload, field):
    with pytest.raises(RuleInputError) as err:
        stats.trend_from_payload(payload)
    assert f"输入字段 {field} 无效" in err.value.message


def test_bad_input_through_the_command_is_one_line(tmp_path: Path):
    run = run_rules(["cluster", "-"], tmp_path, json.dumps({"groups": [{"label": "x", "tested": 2, "problems": 3}]}))
    assert_usage_error(run, "groups[0].problems")


# ------------------------------------------------------------------------------ against SciPy
scipy_stats = pytest.importorskip("scipy.stats")
counts = st.integers(min_value=1, max_value=400).flatmap(lambda n: st.tuples(st.just(n), st.integers(0, n)))


@settings(max_examples=300, deadline=None)
@given(counts)
def test_wilson_matches_scipy(nx):
    n, x = nx
    low, high = stats.wilson(x, n)
    ci = scipy_stats.binomtest(x, n).proportion_ci(confidence_level=0.95, method="wilson")
    assert low == pytest.approx(ci.low, abs=1e-9) and high == pytest.approx(ci.high, abs=1e-9)


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 60), st.integers(0, 60), st.integers(0, 60), st.integers(0, 60))
def test_fisher_matches_scipy(a, b, c, d):
    if a + b == 0 or c + d == 0:
        return
    expected = scipy_stats.fisher_exact([[a, b], [c, d]], alternative="greater").pvalue
    assert stats.fisher_greater(a, b, c, d) == pytest.approx(expected, rel=1e-9, abs=1e-12)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(min_value=0, max_value=1), min_size=1, max_size=30))
def test_benjamini_hochberg_matches_scipy(ps):
    expected = scipy_stats.false_discovery_control(ps, method="bh")
    assert stats.benjamini_hochberg(ps) == pytest.approx(list(expected), abs=1e-12)


@settings(max_examples=200, deadline=None)
@given(st.lists(counts, min_size=2, max_size=8))
def test_cochran_armitage_is_the_normal_tail_of_the_trend_score(rounds):
    import numpy as np

    cs = [stats.Count(str(i), n, x) for i, (n, x) in enumerate(rounds)]
    result = stats.cochran_armitage(cs)
    n = np.array([c.tested for c in cs], float)
    x = np.array([c.problems for c in cs], float)
    t = np.arange(len(cs), dtype=float)
    p_bar = x.sum() / n.sum()
    var = p_bar * (1 - p_bar) * ((n * t * t).sum() - (n * t).sum() ** 2 / n.sum())
    if var <= 1e-12:
        assert result is None or math.isfinite(result.z)
        return
    z = (t * (x - n * p_bar)).sum() / math.sqrt(var)
    assert result is not None
    assert result.z == pytest.approx(z, rel=1e-9, abs=1e-9)
    assert result.p_one_sided == pytest.approx(scipy_stats.norm.sf(z), rel=1e-9, abs=1e-15)
    reversed_result = stats.cochran_armitage(list(reversed(cs)))
    assert reversed_result is not None and reversed_result.z == pytest.approx(-result.z, rel=1e-9, abs=1e-9)
