"""Technical requirements (技术要求) as allowed sets, and "stricter than" (Article 16–17).

A requirement is one of the JSON shapes of the rule contract::

    {"op": "<=" | "<" | ">=" | ">" | "=", "value": 0.05, "unit": "mg/m3"}
    {"op": "range", "low": -10, "high": 5, "unit": "%"}       # both ends inclusive
    {"op": "text", "text": "表面应平整，无裂纹、毛刺"}

A numeric requirement allows an interval of values in its unit. Requirement A is *stricter*
than B when the set A allows is a proper subset of the set B allows. Requirements in different
units, or a text requirement against anything but the identical text, are incomparable.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from app.rules._input import as_number, as_object, as_str, join, member
from app.rules.errors import RuleInputError, describe

Number = int | float

BOUND_OPS = ("<=", "<", ">=", ">", "=")
OPS = (*BOUND_OPS, "range", "text")
_OP_ALIASES = {"≤": "<=", "≥": ">=", "＜": "<", "＞": ">", "==": "=", "＝": "="}
_OP_SIGNS = {"<=": "≤", "<": "<", ">=": "≥", ">": ">", "=": "="}


def normalize_unit(unit: str) -> str:
    """The comparison key of a unit: NFKC (``m³`` → ``m3``, ``％`` → ``%``), no spaces."""
    return "".join(unicodedata.normalize("NFKC", unit).split())


def _normalize_text(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).split())


@dataclass(frozen=True, slots=True)
class Interval:
    """A set of real numbers: ``low``..``high`` with open or closed ends (infinite ends open)."""

    low: float
    low_closed: bool
    high: float
    high_closed: bool

    def contains(self, x: float) -> bool:
        if x < self.low or (x == self.low and not self.low_closed):
            return False
        return not (x > self.high or (x == self.high and not self.high_closed))

    def issubset(self, other: Interval) -> bool:
        if self.low < other.low or (self.low == other.low and self.low_closed and not other.low_closed):
            return False
        return not (
            self.high > other.high or (self.high == other.high and self.high_closed and not other.high_closed)
        )


@dataclass(frozen=True, slots=True)
class Requirement:
    """One requirement. ``value`` for the bound ops, ``low``/``high`` for ``range``, ``text`` for text."""

    op: str
    unit: str = ""
    value: Number | None = None
    low: Number | None = None
    high: Number | None = None
    text: str | None = None

    @property
    def is_text(self) -> bool:
        return self.op == "text"

    @property
    def interval(self) -> Interval | None:
        """The allowed set, or None for a text requirement."""
        inf = math.inf
        match self.op:
            case "<=":
                return Interval(-inf, False, self.value, True)
            case "<":
                return Interval(-inf, False, self.value, False)
            case ">=":
                return Interval(self.value, True, inf, False)
            case ">":
                return Interval(self.value, False, inf, False)
            case "=":
                return Interval(self.value, True, self.value, True)
            case "range":
                return Interval(self.low, True, self.high, True)
        return None

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape, numbers as given."""
        if self.op == "text":
            return {"op": "text", "text": self.text}
        if self.op == "range":
            return {"op": "range", "low": self.low, "high": self.high, "unit": self.unit}
        return {"op": self.op, "value": self.value, "unit": self.unit}

    def render(self) -> str:
        """Readable Chinese rendering: ``≤0.05 mg/m3``, ``-10～5 %``, or the text itself."""
        if self.op == "text":
            return self.text or ""
        unit = f" {self.unit}" if self.unit else ""
        if self.op == "range":
            return f"{format_number(self.low)}～{format_number(self.high)}{unit}"
        return f"{_OP_SIGNS[self.op]}{format_number(self.value)}{unit}"

    def __str__(self) -> str:
        return self.render()


def format_number(value: Number | None) -> str:
    """``10.0`` → ``10``, ``0.05`` → ``0.05``, ``1e-05`` → ``0.00001``."""
    if value is None:
        return ""
    if isinstance(value, int):
        return str(value)
    if value.is_integer():
        return str(int(value))
    text = format(Decimal(repr(value)), "f")
    return text


def parse_requirement(data: object, path: str = "requirement") -> Requirement:
    """Read a requirement dict; raises ``RuleInputError`` naming the bad key."""
    obj = as_object(data, path)
    raw_op = member(obj, "op", path)
    op = _OP_ALIASES.get(raw_op, raw_op) if isinstance(raw_op, str) else raw_op
    if isinstance(op, str):
        op = op.strip()
    if op not in OPS:
        raise RuleInputError(join(path, "op"), f"应为 {'、'.join(OPS)} 之一，实际为 {describe(raw_op)}")
    if op == "text":
        return Requirement(op="text", text=as_str(member(obj, "text", path), join(path, "text")))
    unit_raw = member(obj, "unit", path, required=False, default="")
    if unit_raw is None:
        unit_raw = ""
    unit = as_str(unit_raw, join(path, "unit"), allow_empty=True)
    if op == "range":
        low = as_number(member(obj, "low", path), join(path, "low"))
        high = as_number(member(obj, "high", path), join(path, "high"))
        if low > high:
            raise RuleInputError(join(path, "low"), f"下限 {format_number(low)} 大于上限 {format_number(high)}")
        return Requirement(op="range", unit=unit, low=low, high=high)
    value = as_number(member(obj, "value", path), join(path, "value"))
    return Requirement(op=op, unit=unit, value=value)


RequirementLike = Requirement | Mapping[str, Any]


def as_requirement(value: RequirementLike, path: str = "requirement") -> Requirement:
    """A ``Requirement`` as is, or parsed from its JSON dict."""
    return value if isinstance(value, Requirement) else parse_requirement(value, path)


def comparable(a: RequirementLike, b: RequirementLike) -> bool:
    """Whether "stricter" can be decided between ``a`` and ``b`` at all."""
    a, b = as_requirement(a), as_requirement(b)
    if a.is_text or b.is_text:
        return a.is_text and b.is_text and _normalize_text(a.text or "") == _normalize_text(b.text or "")
    return normalize_unit(a.unit) == normalize_unit(b.unit)


def same_allowed_set(a: RequirementLike, b: RequirementLike) -> bool | None:
    """Whether ``a`` and ``b`` allow the same values (``= 5`` and ``range 5..5`` do); None if incomparable."""
    a, b = as_requirement(a), as_requirement(b)
    if not comparable(a, b):
        return None
    if a.is_text:
        return True
    return a.interval == b.interval


def stricter(a: RequirementLike, b: RequirementLike) -> bool | None:
    """True when ``a`` allows a proper subset of what ``b`` allows; None when incomparable.

    A strict partial order: irreflexive, asymmetric and transitive on comparable requirements.
    Two overlapping ranges where neither contains the other are comparable but neither is
    stricter (both directions give False).
    """
    a, b = as_requirement(a), as_requirement(b)
    if not comparable(a, b):
        return None
    if a.is_text:
        return False  # identical texts
    ia, ib = a.interval, b.interval
    assert ia is not None and ib is not None
    return ia != ib and ia.issubset(ib)


def allows(req: RequirementLike, value: Number, unit: str | None = None) -> bool:
    """Whether a measured ``value`` meets ``req`` (ends as the op says: ``range`` inclusive).

    ``unit``, when given, must be the requirement's unit. A text requirement cannot judge a
    number: ``RuleInputError``.
    """
    req = as_requirement(req)
    if req.is_text:
        raise RuleInputError("requirement", "文字要求无法用数值自动判定")
    if unit is not None and normalize_unit(unit) != normalize_unit(req.unit):
        raise RuleInputError("unit", f"测得值单位 {describe(unit)} 与要求单位 {describe(req.unit)} 不一致")
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise RuleInputError("value", f"测得值应为有限的数字，实际为 {describe(value)}")
    interval = req.interval
    assert interval is not None
    return interval.contains(value)
