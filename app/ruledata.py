"""Rule data shipped with the application: the risk model, statutory holidays, the calendar.

``app.rules`` does no I/O; this module reads ``resources/rules/`` and hands plain data to it.
The shipped parts are read once and cached, so building a calendar (with a fresh set of
overrides from the database) is cheap.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from functools import lru_cache
from types import MappingProxyType
from typing import Any

from app.errors import RiskmonError
from app.resources import resource_path
from app.rules.calendar import WorkingCalendar, chinesecalendar_official
from app.rules.risk import validate_model

RISK_MODEL_FILE = "risk_model.json"
STATUTORY_HOLIDAYS_FILE = "statutory_holidays.json"
HUBEI_DIVISIONS_FILE = "hubei_divisions.json"
HAZARD_CLASSES_FILE = "hazard_classes.json"


class RuleDataError(RiskmonError):
    """A shipped rule data file is missing or damaged."""


def _read_json(name: str) -> Any:
    path = resource_path("rules", name)
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RuleDataError(f"缺少规则数据文件 {name}，请重新安装程序") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise RuleDataError(f"规则数据文件 {name} 无法读取或已损坏：{exc}") from None


@lru_cache(maxsize=1)
def _risk_model() -> dict[str, Any]:
    model = _read_json(RISK_MODEL_FILE)
    validate_model(model)
    return model


def load_risk_model() -> dict[str, Any]:
    """The risk grading model (``resources/rules/risk_model.json``), validated; a fresh copy."""
    return json.loads(json.dumps(_risk_model()))


@lru_cache(maxsize=1)
def _hazard_classes() -> dict[str, Any]:
    data = _read_json(HAZARD_CLASSES_FILE)
    try:
        classes = {}
        for code, c in data["classes"].items():
            severity = c["severity"]
            if not isinstance(severity, int) or isinstance(severity, bool) or not 1 <= severity <= 4:
                raise ValueError(f"{code} 的 severity 应为 1–4 的整数")
            classes[str(code)] = {"name": str(c["name"]), "severity": severity,
                                  "keywords": [str(k) for k in c.get("keywords", [])]}
        items = {str(k): str(v) for k, v in (data.get("items") or {}).items()}
        unknown = sorted(v for v in items.values() if v not in classes)
        if unknown:
            raise ValueError(f"items 中的类别 {'、'.join(unknown)} 未在 classes 中定义")
        return {"name": str(data.get("name", "")), "version": str(data.get("version", "")),
                "classes": classes, "items": items}
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise RuleDataError(f"规则数据文件 {HAZARD_CLASSES_FILE} 格式错误：{exc}") from None


def load_hazard_classes() -> dict[str, Any]:
    """The hazard class table of test items (``resources/rules/hazard_classes.json``): ``classes``
    (code → name, severity 1–4, keywords) and ``items`` (item name → class code); a fresh copy."""
    return json.loads(json.dumps(_hazard_classes()))


def hazard_class_of(item: str, table: dict[str, Any] | None = None) -> str:
    """The hazard class code of a test item by the table: its own entry for the item, else the
    first class with a keyword in the item's name; "" when none. The default of a scheme item's
    class (a person may set another in the scheme)."""
    table = table or _hazard_classes()
    name = (item or "").strip()
    if name in table["items"]:
        return str(table["items"][name])
    lowered = name.lower()
    for code, c in table["classes"].items():
        if any(k and k.lower() in lowered for k in c["keywords"]):
            return str(code)
    return ""


@lru_cache(maxsize=1)
def load_hubei_divisions() -> tuple[MappingProxyType[str, str], MappingProxyType[str, str], str]:
    """Hubei's prefecture-level divisions (4-digit code → 武汉市 …), the county-level cities under the
    province (6-digit code → 仙桃市 …) and the name of the rest of ``4290`` (read-only)."""
    data = _read_json(HUBEI_DIVISIONS_FILE)
    try:
        prefectures = {str(k): str(v) for k, v in data["prefectures"].items() if len(str(k)) == 4}
        county = {str(k): str(v) for k, v in data.get("county_level", {}).items() if len(str(k)) == 6}
        other = str(data.get("other", "湖北省"))
    except (KeyError, TypeError, AttributeError) as exc:
        raise RuleDataError(f"规则数据文件 {HUBEI_DIVISIONS_FILE} 格式错误：{exc}") from None
    if not prefectures:
        raise RuleDataError(f"规则数据文件 {HUBEI_DIVISIONS_FILE} 中没有任何市（州）")
    return MappingProxyType(prefectures), MappingProxyType(county), other


@lru_cache(maxsize=1)
def load_statutory_holidays() -> MappingProxyType[int, MappingProxyType[dt.date, str]]:
    """Year → {date: name} of the statutory holidays of 《全国年节及纪念日放假办法》 (read-only)."""
    data = _read_json(STATUTORY_HOLIDAYS_FILE)
    try:
        years = {
            int(year): MappingProxyType({dt.date.fromisoformat(d): str(name) for d, name in days.items()})
            for year, days in data["years"].items()
        }
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise RuleDataError(f"规则数据文件 {STATUTORY_HOLIDAYS_FILE} 格式错误：{exc}") from None
    return MappingProxyType(years)


@lru_cache(maxsize=1)
def _official() -> tuple[MappingProxyType[dt.date, tuple[str, str]], frozenset[int]]:
    days, years = chinesecalendar_official()
    return MappingProxyType(days), years


@lru_cache(maxsize=1)
def _shipped_calendar() -> WorkingCalendar:
    days, years = _official()
    return WorkingCalendar(days, years, load_statutory_holidays())


def default_calendar(overrides: Iterable[object] = (), complete_years: Iterable[int] = ()) -> WorkingCalendar:
    """The working calendar: shipped official days and statutory holidays, plus ``overrides``.

    ``overrides`` are the database's calendar rows (``CalendarRow``, mappings or objects with
    ``date``, ``kind``, ``name``, ``source``); ``complete_years`` the years whose notice the lab
    entered completely (only those become announced). Without either, the same cached calendar
    (with its working-day index) is returned each time.
    """
    rows = list(overrides)
    complete = frozenset(complete_years)
    if not rows and not complete:
        return _shipped_calendar()
    days, years = _official()
    return WorkingCalendar(days, years, load_statutory_holidays(), rows, complete)
