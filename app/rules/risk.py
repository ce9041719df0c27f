"""The proposed risk warning level (风险预警等级), Articles 19–20.

Levels Ⅰ 特别严重 red, Ⅱ 严重 orange, Ⅲ 较严重 yellow, Ⅳ 一般 blue. The scoring model is data
(``resources/rules/risk_model.json``, replaceable by an administrator) and every grade names
the model and version it came from. Steps (default model):

1. risk S/H/M/L from the severity × probability matrix;
2. base level: S → Ⅱ, H → Ⅲ, M and L → Ⅳ;
3. one point each for urgent (紧急程度), regional or industry scope (影响范围), frequency ≥ 0.3
   (发生频率), persistent (持续时间); one point raises one level, two or more raise two;
4. Ⅰ only when the matrix says S, otherwise at most Ⅱ;
5. the suggested publication (Article 20) follows the level.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from app.errors import RiskmonError
from app.rules._input import as_choice, as_int, as_number, as_object, member
from app.rules.errors import RuleInputError, describe

LEVELS = ("IV", "III", "II", "I")  # lowest to highest
RISKS = ("S", "H", "M", "L")
URGENCY = ("normal", "urgent")
SCOPE = ("single", "regional", "industry")
DURATION = ("new", "persistent")
FACTOR_NAMES_ZH = {
    "severity": "危害程度",
    "probability": "发生概率",
    "urgency": "紧急程度",
    "scope": "影响范围",
    "frequency": "发生频率",
    "duration": "持续时间",
}
#: the Chinese words for the coded factor values, as a reader sees them (紧急, not ``urgent``)
FACTOR_VALUES_ZH = {
    "urgency": {"normal": "一般", "urgent": "紧急"},
    "scope": {"single": "单一企业或批次", "regional": "区域性", "industry": "行业性/系统性"},
    "duration": {"new": "新发现", "persistent": "持续存在"},
}


def factor_value_zh(factor: str, value: object) -> str:
    """``紧急`` for (``urgency``, ``urgent``); an unknown value is shown as it is."""
    return FACTOR_VALUES_ZH.get(factor, {}).get(str(value), str(value))


def reason_zh(reason: str) -> str:
    """A point reason in words: ``紧急程度：urgent（+1）`` (as grades saved before the labels were
    used read) becomes ``紧急程度：紧急（+1）``; a reason already in words is returned unchanged."""
    for factor, values in FACTOR_VALUES_ZH.items():
        head = f"{FACTOR_NAMES_ZH[factor]}："
        if reason.startswith(head):
            rest = reason[len(head):]
            for code, label in values.items():
                if rest.startswith(f"{code}（"):
                    return head + label + rest[len(code):]
    return reason


class RiskModelError(RiskmonError):
    """The risk model file is not usable."""


def validate_model(model: object) -> None:
    """Check the structure of a risk model; ``RiskModelError`` says what is wrong."""

    def fail(what: str) -> None:
        raise RiskModelError(f"风险分级模型无效：{what}")

    if not isinstance(model, Mapping):
        fail("应为 JSON 对象")
    for key in ("name", "version", "probabilities", "matrix", "base_level", "points", "levels", "notices"):
        if key not in model:
            fail(f"缺少 {key}")
    if not isinstance(model["name"], str) or not isinstance(model["version"], str):
        fail("name 和 version 应为字符串")
    probs = model["probabilities"]
    if not isinstance(probs, list) or not probs:
        fail("probabilities 应为非空列表")
    matrix = model["matrix"]
    for p in probs:
        row = matrix.get(p) if isinstance(matrix, Mapping) else None
        if not isinstance(row, list) or len(row) != 4 or any(r not in RISKS for r in row):
            fail(f"matrix 中 {p} 一行应为 4 个 S/H/M/L")
    base = model["base_level"]
    if not isinstance(base, Mapping) or any(base.get(r) not in LEVELS for r in RISKS):
        fail("base_level 应为 S/H/M/L 到 I–IV 的对应")
    points = model["points"]
    if not isinstance(points, Mapping):
        fail("points 应为对象")
    for factor, values in (("urgency", URGENCY), ("scope", SCOPE), ("duration", DURATION)):
        table = points.get(factor)
        if not isinstance(table, Mapping) or any(not isinstance(table.get(v), int) for v in values):
            fail(f"points.{factor} 应给出 {'、'.join(values)} 的分值")
    freq = points.get("frequency")
    if not isinstance(freq, Mapping) or not isinstance(freq.get("threshold"), int | float) or not isinstance(
        freq.get("points"), int
    ):
        fail("points.frequency 应有 threshold 和 points")
    raise_by = model.get("raise_by_points", [0, 1, 2])
    if not isinstance(raise_by, list) or not raise_by or any(not isinstance(x, int) or x < 0 for x in raise_by):
        fail("raise_by_points 应为非负整数列表")
    for lv in LEVELS:
        info = model["levels"].get(lv) if isinstance(model["levels"], Mapping) else None
        if not isinstance(info, Mapping) or not isinstance(info.get("name"), str) or not isinstance(info.get("color"), str):
            fail(f"levels.{lv} 应有 name 和 color")
        if not isinstance(model["notices"], Mapping) or not isinstance(model["notices"].get(lv), str):
            fail(f"notices.{lv} 应为字符串")
    if model.get("highest_level_otherwise", "II") not in LEVELS:
        fail("highest_level_otherwise 应为 I–IV")


@dataclass(frozen=True, slots=True)
class RiskFactors:
    severity: int  # 危害程度 1–4 (EU RAG injury level)
    probability: str  # 发生概率, e.g. ">1/100"
    urgency: str  # 紧急程度 normal | urgent
    scope: str  # 影响范围 single | regional | industry
    frequency: float  # 发生频率: problem batches / batches monitored, 0–1
    duration: str  # 持续时间 new | persistent


def _normalize_probability(value: object) -> object:
    if not isinstance(value, str):
        return value
    s = "".join(value.split()).replace("≤", "<=").replace("＞", ">").replace("＜", "<").replace("／", "/")
    return s


def parse_factors(payload: object, model: Mapping[str, Any]) -> RiskFactors:
    obj = as_object(payload, "")
    severity = as_int(member(obj, "severity", ""), "severity")
    if not 1 <= severity <= 4:
        raise RuleInputError("severity", f"应为 1–4 的整数，实际为 {severity}")
    raw_prob = member(obj, "probability", "")
    probability = _normalize_probability(raw_prob)
    if probability not in model["probabilities"]:
        raise RuleInputError(
            "probability", f"应为 {'、'.join(model['probabilities'])} 之一，实际为 {describe(raw_prob)}"
        )
    urgency = as_choice(member(obj, "urgency", ""), "urgency", URGENCY)
    scope = as_choice(member(obj, "scope", ""), "scope", SCOPE)
    frequency = as_number(member(obj, "frequency", ""), "frequency")
    if not 0 <= frequency <= 1:
        raise RuleInputError("frequency", f"应为 0–1 之间的比例（问题批次/监测批次），实际为 {frequency}")
    duration = as_choice(member(obj, "duration", ""), "duration", DURATION)
    return RiskFactors(severity, str(probability), urgency, scope, frequency, duration)


@dataclass(frozen=True, slots=True)
class RiskGrade:
    level: str  # I..IV
    name: str
    color: str
    notice: str  # Article 20 publication form
    risk: str  # S/H/M/L from the matrix
    base_level: str
    points: int
    reasons: tuple[str, ...]
    factors: RiskFactors
    model_name: str
    model_version: str

    def to_dict(self) -> dict[str, Any]:
        f = self.factors
        return {
            "level": self.level,
            "name": self.name,
            "color": self.color,
            "notice": self.notice,
            "factors": {
                "severity": f.severity,
                "probability": f.probability,
                "urgency": f.urgency,
                "scope": f.scope,
                "frequency": f.frequency,
                "duration": f.duration,
                "risk": self.risk,
                "base_level": self.base_level,
                "points": self.points,
                "point_reasons": list(self.reasons),
            },
            "model": {"name": self.model_name, "version": self.model_version},
        }


def grade(factors: RiskFactors, model: Mapping[str, Any]) -> RiskGrade:
    """The proposed warning level of ``factors`` under ``model`` (validated beforehand)."""
    risk = model["matrix"][factors.probability][factors.severity - 1]
    base = model["base_level"][risk]
    table = model["points"]
    reasons: list[str] = []
    points = 0
    for factor in ("urgency", "scope", "duration"):
        value = getattr(factors, factor)
        p = int(table[factor][value])
        if p:
            points += p
            reasons.append(f"{FACTOR_NAMES_ZH[factor]}：{factor_value_zh(factor, value)}（+{p}）")
    freq = table["frequency"]
    if factors.frequency >= freq["threshold"] and freq["points"]:
        points += int(freq["points"])
        reasons.append(f"{FACTOR_NAMES_ZH['frequency']}：{factors.frequency} ≥ {freq['threshold']}（+{freq['points']}）")
    raise_by = model.get("raise_by_points", [0, 1, 2])
    steps = raise_by[min(points, len(raise_by) - 1)]
    index = min(LEVELS.index(base) + steps, len(LEVELS) - 1)
    if LEVELS[index] == "I" and risk not in model.get("level_I_requires_risk", ["S"]):
        index = min(index, LEVELS.index(model.get("highest_level_otherwise", "II")))
    level = LEVELS[index]
    info = model["levels"][level]
    return RiskGrade(
        level=level,
        name=info["name"],
        color=info["color"],
        notice=model["notices"][level],
        risk=risk,
        base_level=base,
        points=points,
        reasons=tuple(reasons),
        factors=factors,
        model_name=model["name"],
        model_version=model["version"],
    )
