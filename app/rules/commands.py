"""The JSON façade of the rules for ``riskmon rules …``.

Each function takes what ``json.loads`` returned (or the command-line strings), returns a
JSON-ready dict, and raises ``RuleInputError`` — one line of Chinese naming the offending
field — for input it cannot evaluate (the command then exits 2).
"""

from __future__ import annotations

from typing import Any

from app.rules._input import as_object, parse_date
from app.rules.calendar import WorkingCalendar
from app.rules.errors import RuleInputError, describe
from app.rules.notify import notify_from_payload
from app.rules.panel import panel_from_payload
from app.rules.risk import grade, parse_factors
from app.rules.selection import parse_selection_input, select_standards
from app.rules.stats import cluster_from_payload, trend_from_payload
from app.rules.uscc import validate

__all__ = [
    "RuleInputError",
    "cluster_command",
    "deadline_command",
    "notify_command",
    "panel_command",
    "risk_command",
    "standard_command",
    "trend_command",
    "uscc_command",
]

MAX_WORKING_DAYS = 366


def _working_days(value: int | str) -> int:
    if isinstance(value, bool):
        raise RuleInputError("working_days", f"应为正整数，实际为 {describe(value)}")
    if isinstance(value, str):
        text = value.strip()
        if not text.isdigit():
            raise RuleInputError("working_days", f"应为正整数，实际为 {describe(value)}")
        value = int(text)
    if not isinstance(value, int) or not 1 <= value <= MAX_WORKING_DAYS:
        raise RuleInputError("working_days", f"应为 1–{MAX_WORKING_DAYS} 的整数，实际为 {describe(value)}")
    return value


def deadline_command(completed: str, working_days: int | str, calendar: WorkingCalendar) -> dict[str, Any]:
    """``{"completed", "working_days", "deadline", "provisional"}`` (Article 18 ¶1)."""
    if not isinstance(completed, str):
        raise RuleInputError("completed", f"应为 YYYY-MM-DD 格式的日期，实际为 {describe(completed)}")
    day = parse_date(completed, "completed")
    n = _working_days(working_days)
    return calendar.deadline(day, n).to_dict()


def _object(payload: object) -> None:
    as_object(payload, "")


def standard_command(payload: object) -> dict[str, Any]:
    """``{"items": [...], "warnings": [...]}`` (Articles 16–17)."""
    _object(payload)
    return select_standards(parse_selection_input(payload)).to_dict()


def notify_command(payload: object) -> dict[str, Any]:
    """``{"notify": [...]}`` (Article 18 ¶2)."""
    _object(payload)
    return notify_from_payload(payload)


def panel_command(payload: object) -> dict[str, Any]:
    """``{"valid", "problems", "warnings"}`` (Article 5)."""
    _object(payload)
    return panel_from_payload(payload)


def risk_command(payload: object, model: dict[str, Any]) -> dict[str, Any]:
    """``{"level", "name", "color", "notice", "factors", "model"}`` (Articles 19–20)."""
    _object(payload)
    return grade(parse_factors(payload, model), model).to_dict()


def trend_command(payload: object) -> dict[str, Any]:
    """``{"rates", "trend", "enough_data"}``: a rising problem rate over rounds (Article 12 (一))."""
    _object(payload)
    return trend_from_payload(payload)


def cluster_command(payload: object) -> dict[str, Any]:
    """``{"groups", "enough_data"}``: groups whose rate is above the rest (Article 12 (二))."""
    _object(payload)
    return cluster_from_payload(payload)


def uscc_command(code: str) -> tuple[int, dict[str, Any]]:
    """(exit status, result): 0 and ``{"valid": true, ...}``, or 1 and ``{"valid": false, "reason"}``."""
    if not isinstance(code, str):
        raise RuleInputError("code", f"应为字符串，实际为 {describe(code)}")
    result = validate(code)
    return (0 if result.valid else 1), result.to_dict()
