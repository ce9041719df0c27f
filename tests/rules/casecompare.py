"""Compare a command's JSON output with a case's ``expected``, as the cases' README says.

* an object: every expected key is present and matches (extra keys are fine);
* ``items`` (objects with an ``item`` key): each expected entry matches the actual entry with
  the same ``item``;
* ``warnings_min: N``: the output's ``warnings`` has at least N entries;
* any other list: same length, matched in order;
* numbers by value (``10`` equals ``10.0``; ``true`` is not ``1``).
"""

from __future__ import annotations

from typing import Any


def _is_number(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool)


def mismatches(expected: Any, actual: Any, path: str = "$") -> list[str]:
    """Every difference, as ``path: reason``; empty when ``actual`` satisfies ``expected``."""
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return [f"{path}: expected an object, got {actual!r}"]
        out: list[str] = []
        for key, exp in expected.items():
            if key == "warnings_min":
                warnings = actual.get("warnings")
                if not isinstance(warnings, list) or len(warnings) < exp:
                    out.append(f"{path}.warnings: expected at least {exp} entries, got {warnings!r}")
                continue
            if key not in actual:
                out.append(f"{path}.{key}: missing")
                continue
            if key == "items" and isinstance(exp, list) and all(isinstance(e, dict) and "item" in e for e in exp):
                out.extend(_match_items(exp, actual[key], f"{path}.items"))
                continue
            out.extend(mismatches(exp, actual[key], f"{path}.{key}"))
        return out
    if isinstance(expected, list):
        if not isinstance(actual, list):
            return [f"{path}: expected a list, got {actual!r}"]
        if len(expected) != len(actual):
            return [f"{path}: expected {len(expected)} entries, got {len(actual)}: {actual!r}"]
        out = []
        for i, (e, a) in enumerate(zip(expected, actual, strict=True)):
            out.extend(mismatches(e, a, f"{path}[{i}]"))
        return out
    if _is_number(expected):
        if not _is_number(actual) or expected != actual:
            return [f"{path}: expected {expected!r}, got {actual!r}"]
        return []
    if type(expected) is not type(actual) or expected != actual:
        return [f"{path}: expected {expected!r}, got {actual!r}"]
    return []


def _match_items(expected: list[dict[str, Any]], actual: Any, path: str) -> list[str]:
    if not isinstance(actual, list):
        return [f"{path}: expected a list, got {actual!r}"]
    by_item = {a.get("item"): a for a in actual if isinstance(a, dict)}
    out: list[str] = []
    for exp in expected:
        name = exp["item"]
        if name not in by_item:
            out.append(f"{path}[item={name}]: missing")
        else:
            out.extend(mismatches(exp, by_item[name], f"{path}[item={name}]"))
    return out
