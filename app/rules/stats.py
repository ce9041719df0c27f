"""Problem rates across rounds and groups (Articles 12, 19; ``spec/RULES.md`` §7).

Counts in, statistics out: the project aggregates in SQL and computes here on counts, never on
rows. Pure Python (``math`` only), so no statistics package ships with the workstation; the tests
compare with SciPy on random counts.

* :func:`wilson` — the problem rate with its Wilson 95 % interval.
* :func:`trend` — Cochran–Armitage test for a rising rate over ordered rounds (12 (一) 危害程度呈
  上升趋势).
* :func:`cluster` — each group's rate against the rest of the groups, one-sided Fisher exact test
  with Benjamini–Hochberg adjusted values (12 (二) 行业性、区域性).

Every float in the JSON output is rounded to 6 decimals; decisions (``rising``, ``above``) are taken
before rounding.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from app.rules._input import as_list, as_number, as_object, join, member
from app.rules.errors import RuleInputError, describe, type_name

Z95 = 1.959963984540054
DEFAULT_ALPHA = 0.05
DIGITS = 6


def _r(value: float | None) -> float | None:
    return None if value is None else round(value, DIGITS)


# --------------------------------------------------------------------------------------------
# Counts
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Count:
    """One round or group: ``problems`` of ``tested`` samples had a problem."""

    label: str
    tested: int
    problems: int

    def __post_init__(self) -> None:
        if self.tested < 0 or self.problems < 0:
            raise ValueError("counts must not be negative")
        if self.problems > self.tested:
            raise ValueError("problems must not exceed tested")

    @property
    def rate(self) -> float | None:
        return self.problems / self.tested if self.tested else None


def wilson(problems: int, tested: int, z: float = Z95) -> tuple[float, float] | None:
    """The Wilson score interval of ``problems / tested``; None when nothing was tested."""
    if tested <= 0:
        return None
    n, x = tested, problems
    z2 = z * z
    centre = (x + z2 / 2) / (n + z2)
    half = z / (n + z2) * math.sqrt(x * (n - x) / n + z2 / 4)
    return max(0.0, centre - half), min(1.0, centre + half)


def _rate_fields(c: Count) -> dict[str, Any]:
    interval = wilson(c.problems, c.tested)
    return {
        "label": c.label,
        "tested": c.tested,
        "problems": c.problems,
        "rate": _r(c.rate),
        "wilson_low": _r(interval[0]) if interval else None,
        "wilson_high": _r(interval[1]) if interval else None,
    }


def normal_sf(z: float) -> float:
    """``1 − Φ(z)`` for the standard normal, accurate in the far tail."""
    return 0.5 * math.erfc(z / math.sqrt(2.0))


# --------------------------------------------------------------------------------------------
# Trend over rounds (Cochran–Armitage)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Trend:
    z: float
    p_one_sided: float
    rising: bool


def cochran_armitage(rounds: list[Count], alpha: float = DEFAULT_ALPHA) -> Trend | None:
    """The one-sided test for a rate rising with the round's order; None without enough data
    (fewer than two rounds with samples, or no variation: no problem at all, or all failed)."""
    used = [c for c in rounds if c.tested > 0]
    if len(used) < 2:
        return None
    big_n = sum(c.tested for c in used)
    p_bar = sum(c.problems for c in used) / big_n
    t_stat = sum(t * (c.problems - c.tested * p_bar) for t, c in enumerate(used))
    s1 = sum(c.tested * t for t, c in enumerate(used))
    s2 = sum(c.tested * t * t for t, c in enumerate(used))
    variance = p_bar * (1 - p_bar) * (s2 - s1 * s1 / big_n)
    if variance <= 0:
        return None
    z = t_stat / math.sqrt(variance)
    p = normal_sf(z)
    return Trend(z, p, p < alpha)


def trend(rounds: list[Count], alpha: float = DEFAULT_ALPHA) -> dict[str, Any]:
    """``riskmon rules trend``: the rates with intervals and the trend test."""
    result = cochran_armitage(rounds, alpha)
    return {
        "rates": [_rate_fields(c) for c in rounds],
        "trend": None if result is None else {
            "z": _r(result.z), "p_one_sided": _r(result.p_one_sided), "rising": result.rising,
        },
        "enough_data": result is not None,
    }


# --------------------------------------------------------------------------------------------
# Groups against the rest (Fisher exact, Benjamini–Hochberg)
# --------------------------------------------------------------------------------------------


def _log_comb(n: int, k: int) -> float:
    return math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)


def _tail(k: int, end: int, step: int, row1: int, col1: int, total: int) -> float:
    """The hypergeometric probabilities from ``k`` to ``end`` (inclusive, by ``step`` ±1) summed, where
    they only fall along the way (the caller starts on the far side of the mode): each term from the
    last by the ratio of neighbours, stopping once a term no longer changes the sum (double precision)."""
    rest = total - row1 - col1
    term = math.exp(_log_comb(row1, k) + _log_comb(total - row1, col1 - k) - _log_comb(total, col1))
    acc = term
    while k != end and term > acc * 1e-17:
        if step > 0:
            term *= (row1 - k) * (col1 - k) / ((k + 1) * (rest + k + 1))
        else:
            term *= k * (rest + k) / ((row1 - k + 1) * (col1 - k + 1))
        k += step
        acc += term
    return acc


def fisher_greater(a: int, b: int, c: int, d: int) -> float:
    """One-sided Fisher exact p for ``[[a, b], [c, d]]``: the first row's odds greater than the
    second's — the hypergeometric probability of ``a`` or more in the first cell given the margins.
    Summed from the side of the mode away from the bulk (the upper tail above the mode, else one
    minus the lower tail), so the cost is that of the terms that matter, not of the group's size."""
    row1, col1, total = a + b, a + c, a + b + c + d
    lo, hi = max(0, col1 - (total - row1)), min(row1, col1)
    if a <= lo:
        return 1.0
    mode = (row1 + 1) * (col1 + 1) // (total + 2)
    if a > mode:
        p = _tail(a, hi, 1, row1, col1, total)
    else:
        p = 1.0 - _tail(a - 1, lo, -1, row1, col1, total)
    return min(1.0, max(0.0, p))


def benjamini_hochberg(p_values: list[float]) -> list[float]:
    """BH-adjusted values in the input order: monotone from the largest p down, capped at 1."""
    m = len(p_values)
    order = sorted(range(m), key=lambda i: p_values[i])
    adjusted = [0.0] * m
    running = 1.0
    for rank in range(m, 0, -1):
        i = order[rank - 1]
        running = min(running, p_values[i] * m / rank)
        adjusted[i] = min(1.0, running)
    return adjusted


@dataclass(frozen=True)
class GroupResult:
    count: Count
    rest_rate: float | None
    p_value: float | None
    q_value: float | None
    above: bool


def compare_groups(groups: list[Count], alpha: float = DEFAULT_ALPHA) -> tuple[list[GroupResult], bool]:
    """Each group against the rest; ``enough_data`` is False with fewer than two tested groups."""
    tested = [g for g in groups if g.tested > 0]
    enough = len(tested) >= 2
    big_n = sum(g.tested for g in groups)
    big_x = sum(g.problems for g in groups)
    raw: dict[int, tuple[float | None, float]] = {}
    for i, g in enumerate(groups):
        if g.tested == 0:
            continue
        rest_n, rest_x = big_n - g.tested, big_x - g.problems
        if rest_n == 0:
            raw[i] = (None, 1.0)
            continue
        p = fisher_greater(g.problems, g.tested - g.problems, rest_x, rest_n - rest_x)
        raw[i] = (rest_x / rest_n, p)
    keys = list(raw)
    q = dict(zip(keys, benjamini_hochberg([raw[k][1] for k in keys]), strict=True))
    out = []
    for i, g in enumerate(groups):
        if i not in raw:
            out.append(GroupResult(g, None, None, None, False))
            continue
        rest_rate, p = raw[i]
        above = bool(enough and q[i] < alpha and rest_rate is not None and g.rate is not None and g.rate > rest_rate)
        out.append(GroupResult(g, rest_rate, p, q[i], above))
    return out, enough


def cluster(groups: list[Count], alpha: float = DEFAULT_ALPHA) -> dict[str, Any]:
    """``riskmon rules cluster``: which groups have a rate above the rest."""
    results, enough = compare_groups(groups, alpha)
    return {
        "groups": [
            {**_rate_fields(r.count), "rest_rate": _r(r.rest_rate), "p_value": _r(r.p_value),
             "q_value": _r(r.q_value), "above": r.above}
            for r in results
        ],
        "enough_data": enough,
    }


# --------------------------------------------------------------------------------------------
# JSON input
# --------------------------------------------------------------------------------------------


def _count_int(value: object, path: str) -> int:
    if type(value) is not int:  # JSON integers only: 3.0, "3" and true are refused
        raise RuleInputError(path, f"应为非负整数，实际为{type_name(value)} {describe(value)}")
    if value < 0:
        raise RuleInputError(path, f"不能为负数，实际为 {value}")
    return value


def parse_counts(payload: object, key: str) -> tuple[list[Count], float]:
    """``{key: [{"label", "tested", "problems"}, ...], "alpha"?}`` → counts and alpha."""
    obj = as_object(payload, "")
    entries = as_list(member(obj, key, ""), key)
    counts = []
    for i, entry in enumerate(entries):
        path = join(key, i)
        e = as_object(entry, path)
        label = member(e, "label", path)
        if not isinstance(label, str):
            raise RuleInputError(join(path, "label"), f"应为字符串，实际为{type_name(label)} {describe(label)}")
        tested = _count_int(member(e, "tested", path), join(path, "tested"))
        problems = _count_int(member(e, "problems", path), join(path, "problems"))
        if problems > tested:
            raise RuleInputError(join(path, "problems"), f"问题批次数 {problems} 大于检验批次数 {tested}")
        counts.append(Count(label, tested, problems))
    alpha = DEFAULT_ALPHA
    if "alpha" in obj:
        raw = as_number(obj["alpha"], "alpha")
        if not 0 < raw < 1:
            raise RuleInputError("alpha", f"应为 0 与 1 之间（不含）的数，实际为 {describe(raw)}")
        alpha = float(raw)
    return counts, alpha


def trend_from_payload(payload: object) -> dict[str, Any]:
    counts, alpha = parse_counts(payload, "rounds")
    return trend(counts, alpha)


def cluster_from_payload(payload: object) -> dict[str, Any]:
    counts, alpha = parse_counts(payload, "groups")
    return cluster(counts, alpha)
