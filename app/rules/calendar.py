"""Working days (工作日) and the five-working-day reporting deadline, Article 18 ¶1.

> 技术机构应在初次风险监测工作完成后 5 个工作日内，将风险监测结果报送组织实施风险监测的市场监管部门。

A day is a working day when it is Monday–Friday and not an official holiday, or when it is an
official adjusted working day (调休上班日). Days come, in order of precedence, from

1. overrides supplied by the caller (an administrator's entries or import of a year's notice,
   kept in the database): each row decides the day it names;
2. the official State Council notices shipped in ``chinesecalendar`` (the years it covers are
   found at run time);
3. for a year with neither, the statutory holidays of 《全国年节及纪念日放假办法》 (weekends
   plus New Year's Day, Spring Festival ×4, Qingming, Labour Day ×2, Dragon Boat, Mid-Autumn,
   National Day ×3).

A year is *announced* only as a whole (``spec/RULES.md`` §1): when the shipped notices cover it,
or when the caller says that the lab entered that year's notice completely (``complete_years``).
Every other year is *provisional* — also a year with some entered rows: they override the
presumed days they name, but the days they do not name are still presumed — and every result
that depends on a provisional year says so. :meth:`WorkingCalendar.year_state` tells the four
cases apart (official, entered complete, entered incomplete, presumed).

``deadline(completed, n)`` is the n-th working day strictly after ``completed``; a result
reported on or before it is on time. A sorted index of working-day ordinals, built a year at a
time on demand, makes each deadline a binary search.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

from app.errors import ValidationError
from app.rules._input import MAX_JSON_DEPTH, json_depth_exceeds
from app.rules.errors import RuleInputError, describe

HOLIDAY = "holiday"
WORKDAY = "workday"
ROW_KINDS = (HOLIDAY, WORKDAY)
_KIND_ALIASES = {
    "holiday": HOLIDAY,
    "休": HOLIDAY,
    "休息": HOLIDAY,
    "放假": HOLIDAY,
    "假日": HOLIDAY,
    "节假日": HOLIDAY,
    "workday": WORKDAY,
    "班": WORKDAY,
    "上班": WORKDAY,
    "调休上班": WORKDAY,
    "工作日": WORKDAY,
}

# Where a day's status came from.
SOURCE_OVERRIDE = "override"
SOURCE_OFFICIAL = "official"
SOURCE_STATUTORY = "statutory"
SOURCE_WEEK = "week"

# What is known about a year (``WorkingCalendar.year_state``).
YEAR_OFFICIAL = "official"  # 官方: the shipped State Council notice
YEAR_COMPLETE = "complete"  # 已录入（完整）: the lab entered the whole notice and marked it complete
YEAR_PARTIAL = "partial"  # 已录入（不完整，暂定）: some rows entered, the rest presumed
YEAR_PRESUMED = "presumed"  # 推定（暂定）: the statutory holidays only
YEAR_STATES = (YEAR_OFFICIAL, YEAR_COMPLETE, YEAR_PARTIAL, YEAR_PRESUMED)


@dataclass(frozen=True, slots=True)
class CalendarRow:
    """One entry of a year's notice: ``kind`` is ``holiday`` (放假) or ``workday`` (调休上班)."""

    date: dt.date
    kind: str
    name: str
    source: str = "import"


@dataclass(frozen=True, slots=True)
class DayInfo:
    """What the calendar says about one day."""

    date: dt.date
    working: bool
    name: str | None  # the holiday (or the holiday an adjusted working day belongs to)
    source: str  # override | official | statutory | week
    provisional: bool


class DeadlineResult(NamedTuple):
    """``deadline`` is the ``working_days``-th working day after ``completed``."""

    completed: dt.date
    working_days: int
    deadline: dt.date
    provisional: bool  # depends on a year whose official notice is not known

    def to_dict(self) -> dict[str, Any]:
        return {
            "completed": self.completed.isoformat(),
            "working_days": self.working_days,
            "deadline": self.deadline.isoformat(),
            "provisional": self.provisional,
        }


class CalendarRangeError(RuleInputError):
    """A date (or a year) the calendar has no data for at all.

    The message names what the caller gave — the date, or the year — and the supported range;
    with ``after`` (a number of working days) it says that the result would fall after the range,
    still naming only the date given.
    """

    def __init__(
        self, day: dt.date | int, first: int, last: int, field: str = "date", *, after: int | None = None
    ) -> None:
        self.day = day
        self.first_year = first
        self.last_year = last
        supported = f"工作日历支持的范围（{first}–{last} 年）"
        if isinstance(day, int):
            reason = f"年份 {day} 超出{supported}"
        elif after is not None:
            reason = f"日期 {day.isoformat()} 之后第 {after} 个工作日已超出{supported}"
        else:
            reason = f"日期 {day.isoformat()} 超出{supported}"
        super().__init__(field, reason)


def _row_attr(row: object, name: str) -> Any:
    if isinstance(row, Mapping):
        return row.get(name)
    return getattr(row, name, None)


def _as_row(row: object) -> CalendarRow:
    """An override row from a ``CalendarRow``, a (date, kind, name[, source]) tuple, a mapping or an object."""
    if isinstance(row, CalendarRow):
        return row
    if isinstance(row, tuple) and not hasattr(row, "_fields"):
        row = dict(zip(("date", "kind", "name", "source"), row, strict=False))
    day = _row_attr(row, "date")
    if isinstance(day, str):
        try:
            day = dt.date.fromisoformat(day.strip())
        except ValueError:
            day = None
    if isinstance(day, dt.datetime):
        day = day.date()
    kind = _KIND_ALIASES.get(str(_row_attr(row, "kind") or "").strip().lower())
    if not isinstance(day, dt.date) or kind is None:
        raise RuleInputError("overrides", f"日历条目无效（应有日期和 holiday/workday 类型）：{describe(str(row))}")
    return CalendarRow(day, kind, str(_row_attr(row, "name") or ""), str(_row_attr(row, "source") or "override"))


class WorkingCalendar:
    """Working days from overrides, official notices and (provisionally) the statutory holidays.

    ``official``: date → (``holiday``|``workday``, name) for the years in ``official_years``;
    ``statutory``: year → {date: name}; ``overrides``: ``CalendarRow``s (or mappings / objects
    with ``date``, ``kind``, ``name``, ``source``). Construction is cheap; the working-day
    index is built a year at a time when first needed.
    """

    def __init__(
        self,
        official: Mapping[dt.date, tuple[str, str]],
        official_years: Iterable[int],
        statutory: Mapping[int, Mapping[dt.date, str]],
        overrides: Iterable[object] = (),
        complete_years: Iterable[int] = (),
    ) -> None:
        self._official = official
        self._official_years = frozenset(official_years)
        self._statutory = statutory
        self._overrides: dict[dt.date, CalendarRow] = {}
        for raw in overrides:
            row = _as_row(raw)
            self._overrides[row.date] = row
        self._override_years = frozenset(d.year for d in self._overrides)
        known = self._official_years | self._override_years | frozenset(statutory)
        if not known:
            raise ValueError("calendar without any year")
        self.first_year = min(known)
        self.last_year = max(known)
        self._known_years = known
        # Entered notices marked complete; a year the calendar does not know stays unknown.
        self._complete_years = frozenset(int(y) for y in complete_years) & known
        self._provisional_years = frozenset(
            y for y in known if y not in self._official_years and y not in self._complete_years
        )
        spans: list[tuple[int, int]] = []
        for y in sorted(self._provisional_years):
            a, b = dt.date(y, 1, 1).toordinal(), dt.date(y, 12, 31).toordinal()
            if spans and spans[-1][1] + 1 == a:
                spans[-1] = (spans[-1][0], b)
            else:
                spans.append((a, b))
        self._provisional_spans = tuple(spans)  # inclusive ordinal ranges of provisional years
        # Working-day index: sorted ordinals of working days in years _lo.._hi (and their dates).
        self._lo: int | None = None
        self._hi: int | None = None
        self._wd: list[int] = []
        self._wd_dates: list[dt.date] = []
        self._lo_ord = 0  # first ordinal covered
        self._hi_ord = -1  # last ordinal covered

    # -- what is known ------------------------------------------------------------------------

    @property
    def official_years(self) -> frozenset[int]:
        """Years with a shipped official notice."""
        return self._official_years

    @property
    def announced_years(self) -> frozenset[int]:
        """Years whose whole notice is known (shipped, or entered and marked complete)."""
        return self._official_years | self._complete_years

    @property
    def entered_years(self) -> frozenset[int]:
        """Years with at least one override row."""
        return self._override_years

    def is_provisional_year(self, year: int) -> bool:
        self._check_year(year, year, field="year")
        return year in self._provisional_years

    def year_state(self, year: int) -> str:
        """One of ``YEAR_STATES``: official, entered complete, entered incomplete, presumed."""
        self._check_year(year, year, field="year")
        if year in self._official_years:
            return YEAR_OFFICIAL
        if year in self._complete_years:
            return YEAR_COMPLETE
        if year in self._override_years:
            return YEAR_PARTIAL
        return YEAR_PRESUMED

    def _check_year(self, year: int, day: dt.date | int, field: str = "date") -> None:
        if year not in self._known_years:
            raise CalendarRangeError(day, self.first_year, self.last_year, field)

    # -- single days --------------------------------------------------------------------------

    def day_info(self, day: dt.date) -> DayInfo:
        year = day.year
        self._check_year(year, day)
        provisional = year in self._provisional_years
        row = self._overrides.get(day)
        if row is not None:
            return DayInfo(day, row.kind == WORKDAY, row.name or None, SOURCE_OVERRIDE, provisional)
        if year in self._official_years:
            hit = self._official.get(day)
            if hit is not None:
                return DayInfo(day, hit[0] == WORKDAY, hit[1], SOURCE_OFFICIAL, provisional)
        else:
            # No shipped notice: the statutory days (an entered notice always includes them).
            name = self._statutory.get(year, {}).get(day)
            if name is not None:
                return DayInfo(day, False, name, SOURCE_STATUTORY, provisional)
        return DayInfo(day, day.weekday() < 5, None, SOURCE_WEEK, provisional)

    def is_working_day(self, day: dt.date) -> bool:
        return self.day_info(day).working

    # -- the index ----------------------------------------------------------------------------

    def _year_working_ordinals(self, year: int) -> list[int]:
        self._check_year(year, dt.date(year, 1, 1))
        start = dt.date(year, 1, 1).toordinal()
        end = dt.date(year, 12, 31).toordinal()
        out = []
        overrides = self._overrides
        official = self._official if year in self._official_years else None
        statutory = {} if official is not None else self._statutory.get(year, {})
        for o in range(start, end + 1):
            d = dt.date.fromordinal(o)
            row = overrides.get(d)
            if row is not None:
                working = row.kind == WORKDAY
            elif official is not None and d in official:
                working = official[d][0] == WORKDAY
            elif d in statutory:
                working = False
            else:
                working = d.weekday() < 5
            if working:
                out.append(o)
        return out

    def _ensure(self, first_year: int, last_year: int) -> None:
        if self._lo is None:
            self._wd = []
            for y in range(first_year, last_year + 1):
                self._wd.extend(self._year_working_ordinals(y))
            self._lo, self._hi = first_year, last_year
        else:
            if first_year < self._lo:
                head: list[int] = []
                for y in range(first_year, self._lo):
                    head.extend(self._year_working_ordinals(y))
                self._wd = head + self._wd
                self._lo = first_year
            if last_year > self._hi:
                for y in range(self._hi + 1, last_year + 1):
                    self._wd.extend(self._year_working_ordinals(y))
                self._hi = last_year
        self._wd_dates = [dt.date.fromordinal(o) for o in self._wd]
        self._lo_ord = dt.date(self._lo, 1, 1).toordinal()
        self._hi_ord = dt.date(self._hi, 12, 31).toordinal()

    def _covered(self, ordinal: int, day: dt.date, field: str) -> None:
        if not self._lo_ord <= ordinal <= self._hi_ord:
            self._check_year(day.year, day, field)
            lo = day.year if self._lo is None else min(self._lo, day.year)
            hi = day.year if self._hi is None else max(self._hi, day.year)
            self._ensure(lo, hi)

    # -- the rule -----------------------------------------------------------------------------

    def deadline(self, completed: dt.date, n: int = 5) -> DeadlineResult:
        """The ``n``-th working day strictly after ``completed`` (the completion day is not counted)."""
        if n < 1:
            raise RuleInputError("working_days", f"工作日数应为正整数，实际为 {n}")
        o = completed.toordinal()
        if not self._lo_ord <= o <= self._hi_ord:
            self._covered(o, completed, "completed")
        j = bisect_right(self._wd, o) + n - 1
        while j >= len(self._wd):
            next_year = self._hi + 1
            if next_year not in self._known_years:
                # The deadline would fall after the data: name the date given, not one it never typed.
                raise CalendarRangeError(completed, self.first_year, self.last_year, "completed", after=n)
            self._ensure(self._lo, next_year)
        due = self._wd[j]
        provisional = False
        for a, b in self._provisional_spans:
            if a <= due and b > o:
                provisional = True
                break
        return DeadlineResult(completed, n, self._wd_dates[j], provisional)

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days in (``start``, ``end``]; negative when ``end`` is before ``start``."""
        if end < start:
            return -self.working_days_between(end, start)
        a, b = start.toordinal(), end.toordinal()
        self._covered(a, start, "date")
        self._covered(b, end, "date")
        return bisect_right(self._wd, b) - bisect_right(self._wd, a)

    def working_days_left(self, deadline: dt.date, today: dt.date) -> int:
        """Working days after ``today`` up to and including ``deadline``.

        0 means due today (or the deadline passed this very day); negative counts the working
        days by which ``today`` is past the deadline.
        """
        return self.working_days_between(today, deadline)

    def add_working_days(self, start: dt.date, n: int) -> dt.date:
        """The ``n``-th working day after ``start`` (``n >= 1``)."""
        return self.deadline(start, n).deadline


def is_on_time(deadline: dt.date, reported: dt.date) -> bool:
    """A result reported on or before the deadline day is on time (按时报送)."""
    return reported <= deadline


def clock_state(days_left: int, overdue: bool = False) -> str:
    """The Article 18 clock's traffic light: ``overdue`` (red), ``due_soon`` — due today or on the
    next working day (orange) — or ``ok`` (green)."""
    if overdue or days_left < 0:
        return "overdue"
    if days_left <= 1:
        return "due_soon"
    return "ok"


def notice_year(rows: Iterable[CalendarRow]) -> int:
    """The year a full notice is for: the year most of its rows fall in (the latest on a tie).

    A State Council notice may name a day of the year before (e.g. 31 December, the start of the
    New Year holiday); it is still the notice of the following year.
    """
    counts: dict[int, int] = {}
    for row in rows:
        counts[row.date.year] = counts.get(row.date.year, 0) + 1
    if not counts:
        raise RuleInputError("rows", "没有任何条目")
    return max(counts, key=lambda y: (counts[y], y))


# ---------------------------------------------------------------------------------------------
# Official data from chinesecalendar (a module of constants; nothing is read from disk here).


def chinesecalendar_official() -> tuple[dict[dt.date, tuple[str, str]], frozenset[int]]:
    """The State Council notices shipped in ``chinesecalendar``: (date → (kind, name), years)."""
    import chinese_calendar

    def zh(value: str) -> str:
        try:
            return chinese_calendar.Holiday(value).chinese
        except ValueError:
            return value

    days: dict[dt.date, tuple[str, str]] = {}
    for d, value in chinese_calendar.holidays.items():
        days[d] = (HOLIDAY, zh(value))
    for d, value in chinese_calendar.workdays.items():
        days[d] = (WORKDAY, f"{zh(value)}调休上班")
    years = frozenset(d.year for d in days)
    return days, years


# ---------------------------------------------------------------------------------------------
# Importing a year's notice


class CalendarImportError(ValidationError):
    """An import with bad rows; nothing is imported. ``problems`` lists (line, reason)."""

    def __init__(self, problems: list[tuple[int, str]]) -> None:
        self.problems = problems
        detail = "；".join(f"第 {line} 行：{reason}" for line, reason in problems)
        super().__init__(f"日历导入失败，共 {len(problems)} 行有误，未导入任何条目。{detail}", field="rows")


def _check_row(values: Mapping[str, Any], source: str) -> tuple[CalendarRow | None, list[str]]:
    errors: list[str] = []
    day: dt.date | None = None
    raw_date = values.get("date")
    if isinstance(raw_date, str) and raw_date.strip():
        text = raw_date.strip().replace("/", "-").replace(".", "-")
        parts = text.split("-")
        try:
            if len(parts) != 3 or len(parts[0]) != 4:
                raise ValueError
            day = dt.date(int(parts[0]), int(parts[1]), int(parts[2]))
        except ValueError:
            errors.append(f"日期 {describe(raw_date)} 无效，应为 YYYY-MM-DD")
    else:
        errors.append("缺少日期")
    raw_kind = values.get("kind")
    kind = _KIND_ALIASES.get(raw_kind.strip().lower()) if isinstance(raw_kind, str) else None
    if kind is None:
        errors.append(f"类型 {describe(raw_kind)} 无效，应为 holiday（放假）或 workday（调休上班）")
    raw_name = values.get("name")
    name = raw_name.strip() if isinstance(raw_name, str) else ""
    if not name:
        errors.append("缺少名称")
    raw_source = values.get("source")
    src = raw_source.strip() if isinstance(raw_source, str) and raw_source.strip() else source
    if errors:
        return None, errors
    assert day is not None and kind is not None
    return CalendarRow(day, kind, name, src), []


_CSV_HEADERS = {
    "date": "date",
    "日期": "date",
    "kind": "kind",
    "类型": "kind",
    "name": "name",
    "名称": "name",
    "source": "source",
    "来源": "source",
}


def _csv_records(text: str) -> list[tuple[int, dict[str, Any]]]:
    records: list[tuple[int, dict[str, Any]]] = []
    columns = ["date", "kind", "name", "source"]
    first = True
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cells = [c.strip() for c in next(csv.reader(io.StringIO(line)))]
        if first:
            first = False
            names = [_CSV_HEADERS.get(c.lower()) for c in cells]
            if "date" in names:  # a header row, in any column order
                columns = [n or c.lower() for n, c in zip(names, cells, strict=True)]
                continue
        values = {col: (cells[i] if i < len(cells) else None) for i, col in enumerate(columns)}
        records.append((lineno, values))
    return records


def _json_records(text: str) -> list[tuple[int, Any]]:
    if json_depth_exceeds(text):
        raise CalendarImportError([(1, f"JSON 嵌套超过 {MAX_JSON_DEPTH} 层，不是日历条目列表")])
    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        raise CalendarImportError([(exc.lineno, f"JSON 格式错误：{exc.msg}")]) from None
    decoder = json.JSONDecoder()
    pos = 0
    n = len(text)

    def skip(p: int) -> int:
        while p < n and text[p] in " \t\r\n\ufeff":
            p += 1
        return p

    pos = skip(pos)
    if pos >= n or text[pos] != "[":
        raise CalendarImportError([(text.count("\n", 0, pos) + 1, "JSON 顶层应为条目列表 [...]")])
    pos = skip(pos + 1)
    out: list[tuple[int, Any]] = []
    while pos < n and text[pos] != "]":
        value, end = decoder.raw_decode(text, pos)
        out.append((text.count("\n", 0, pos) + 1, value))
        pos = skip(end)
        if pos < n and text[pos] == ",":
            pos = skip(pos + 1)
    return out


def parse_calendar_rows(text: str, fmt: str, *, source: str = "import") -> list[CalendarRow]:
    """Validate an import of a year's notice, all or nothing.

    ``fmt`` is ``csv`` (columns ``date,kind,name[,source]``, header optional) or ``json`` (a list
    of objects with those keys). ``CalendarImportError`` lists every bad row with its line.
    """
    if text.startswith("\ufeff"):
        text = text[1:]
    if fmt == "csv":
        records: list[tuple[int, Any]] = list(_csv_records(text))
    elif fmt == "json":
        records = _json_records(text)
    else:
        raise RuleInputError("fmt", f"导入格式应为 csv 或 json，实际为 {describe(fmt)}")
    problems: list[tuple[int, str]] = []
    rows: list[CalendarRow] = []
    first_line: dict[dt.date, int] = {}
    for lineno, values in records:
        if not isinstance(values, Mapping):
            problems.append((lineno, "条目应为含 date、kind、name 的对象"))
            continue
        row, errors = _check_row(values, source)
        if row is not None and row.date in first_line:
            errors = [f"日期 {row.date.isoformat()} 与第 {first_line[row.date]} 行重复"]
            row = None
        if errors:
            problems.append((lineno, "，".join(errors)))
            continue
        assert row is not None
        first_line[row.date] = lineno
        rows.append(row)
    if not records and not problems:
        problems.append((1, "没有任何条目"))
    if problems:
        raise CalendarImportError(problems)
    return rows
