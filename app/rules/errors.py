"""The one error the rules raise for unusable input."""

from __future__ import annotations

from app.errors import ValidationError


class RuleInputError(ValidationError):
    """Input a rule cannot evaluate (输入无效).

    ``field`` is the offending key as a path (``catalog[2].effective``, ``sampled.uscc``);
    ``message`` is one line of Chinese that names it, for ``riskmon: <message>`` or a dialog.
    """

    def __init__(self, field: str, reason: str) -> None:
        self.reason = " ".join(str(reason).split())
        message = f"输入字段 {field} 无效：{self.reason}" if field else self.reason
        super().__init__(message, field=field or None)


def describe(value: object) -> str:
    """A short rendering of a bad value for an error message."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        text = value if len(value) <= 40 else value[:37] + "…"
        return f"“{text}”"
    if isinstance(value, dict):
        return "一个对象"
    if isinstance(value, list):
        return "一个列表"
    return str(value)


def type_name(value: object) -> str:
    """The JSON type of ``value`` in Chinese."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "布尔值"
    if isinstance(value, int | float):
        return "数字"
    if isinstance(value, str):
        return "字符串"
    if isinstance(value, list):
        return "列表"
    if isinstance(value, dict):
        return "对象"
    return type(value).__name__
