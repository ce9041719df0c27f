"""The working-day calendar of the lab: shipped official notices, statutory holidays, and the
administrator's entries (which override both). Every deadline in the program comes from
:func:`working_calendar` and ``app.rules.calendar`` — one function family, used everywhere.

A year's entered notice counts as announced only once it is marked complete (通知已完整录入),
by a full-notice import or by an administrator (``calendar_years``, audited like every table);
until then its rows override the days they name and its deadlines stay provisional.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from sqlalchemy import select

from app import ruledata
from app.errors import ValidationError
from app.rules.calendar import (
    YEAR_COMPLETE,
    YEAR_OFFICIAL,
    YEAR_PARTIAL,
    YEAR_PRESUMED,
    CalendarRangeError,
    CalendarRow,
    WorkingCalendar,
    notice_year,
    parse_calendar_rows,
)
from app.services._common import get_or_404
from app.services.context import Context
from app.store import tables
from app.store.uow import UnitOfWork

KIND_LABELS = {"holiday": "放假", "workday": "调休上班"}
SOURCE_LABELS = {
    "override": "本机构录入",
    "official": "国务院办公厅通知（随程序提供）",
    "statutory": "按《全国年节及纪念日放假办法》推定（暂定）",
    "statutory_complete": "法定节假日（该年通知已完整录入）",
    "week": "",
}
YEAR_STATE_LABELS = {
    YEAR_OFFICIAL: "官方",
    YEAR_COMPLETE: "已录入（完整）",
    YEAR_PARTIAL: "已录入（不完整，暂定）",
    YEAR_PRESUMED: "推定（暂定）",
}


@dataclass(frozen=True)
class CalendarDay:
    id: int | None  # the override row, if the day comes from one
    date: dt.date
    kind: str  # holiday | workday
    name: str
    source: str  # override | official | statutory (presumed) | statutory_complete (the year's notice is complete)
    detail: str  # the override's source text (e.g. the notice's number)

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)

    @property
    def source_label(self) -> str:
        return SOURCE_LABELS.get(self.source, self.source)


# read on every deadline the lists show: columns, not entities, and each statement built once
@functools.cache
def _rows_select():
    c = tables.calendar_overrides.c
    return select(c.date, c.kind, c.name, c.source).order_by(c.date)


@functools.cache
def _years_select():
    c = tables.calendar_years.c
    return select(c.year).where(c.complete.is_(True))


def _rows(session) -> list[CalendarRow]:
    return [CalendarRow(date, kind, name or "", source or "override")
            for date, kind, name, source in session.execute(_rows_select())]


def _complete_years(session) -> frozenset[int]:
    return frozenset(session.scalars(_years_select()))


def calendar_data(db) -> tuple[list[CalendarRow], frozenset[int]]:
    """The lab's calendar rows and the years marked complete (for ``riskmon rules deadline``)."""
    with UnitOfWork(db, actor="system") as uow:
        return _rows(uow.session), _complete_years(uow.session)


def calendar_rows(session) -> tuple[list[CalendarRow], frozenset[int]]:
    """The lab's calendar rows and the years marked complete, as :func:`calendar_for` reads them."""
    return _rows(session), _complete_years(session)


def calendar_for(session) -> WorkingCalendar:
    return ruledata.default_calendar(_rows(session), _complete_years(session))


def working_calendar(ctx: Context) -> WorkingCalendar:
    with ctx.uow() as uow:
        return calendar_for(uow.session)


def _source(info) -> str:
    if info.source == "statutory" and not info.provisional:
        return "statutory_complete"  # a statutory day of a year whose notice the lab entered completely
    return info.source


def _year_days(session, year: int, cal: WorkingCalendar) -> list[CalendarDay]:
    # deferred: the ORM classes load with the first session (app.store.db), not at start-up
    from app.store.models import CalendarOverride

    overrides = {
        o.date: o
        for o in session.scalars(
            select(CalendarOverride).where(
                CalendarOverride.date >= dt.date(year, 1, 1), CalendarOverride.date <= dt.date(year, 12, 31)
            )
        )
    }
    out: list[CalendarDay] = []
    day = dt.date(year, 1, 1)
    while day.year == year:
        info = cal.day_info(day)
        weekend = day.weekday() >= 5
        if (info.working and weekend) or (not info.working and not weekend) or day in overrides:
            o = overrides.get(day)
            out.append(
                CalendarDay(
                    id=o.id if o else None,
                    date=day,
                    kind="workday" if info.working else "holiday",
                    name=info.name or "",
                    source="override" if o else _source(info),
                    detail=(o.source or "") if o else "",
                )
            )
        day += dt.timedelta(days=1)
    return out


class YearDays(NamedTuple):
    """A year as 设置 → 工作日日历 shows it."""

    days: list[CalendarDay]  # holidays and adjusted working days (weekends not listed)
    provisional: bool  # deadlines depending on the year are provisional
    state: str  # official | complete | partial | presumed (``app.rules.calendar.YEAR_STATES``)
    source: str = ""  # what the lab noted when it marked the year complete

    @property
    def state_label(self) -> str:
        return YEAR_STATE_LABELS[self.state]


@dataclass(frozen=True)
class YearState:
    year: int
    state: str
    entered: int  # rows the lab entered for the year

    @property
    def label(self) -> str:
        return YEAR_STATE_LABELS[self.state]

    @property
    def provisional(self) -> bool:
        return self.state in (YEAR_PARTIAL, YEAR_PRESUMED)


def _year(session, year: int) -> YearDays:
    # deferred: the ORM classes load with the first session (app.store.db), not at start-up
    from app.store.models import CalendarYear

    cal = calendar_for(session)
    state = cal.year_state(year)
    mark = session.scalar(select(CalendarYear).where(CalendarYear.year == year))
    source = (mark.source or "") if mark is not None and mark.complete else ""
    return YearDays(_year_days(session, year, cal), cal.is_provisional_year(year), state, source)


def year_view(db, year: int) -> YearDays:
    with UnitOfWork(db, actor="system") as uow:
        return _year(uow.session, year)


def year_days(ctx: Context, year: int) -> YearDays:
    """The year's holidays and adjusted working days, whether it is provisional, and its state."""
    with ctx.uow() as uow:
        return _year(uow.session, year)


def year_states(ctx: Context) -> list[YearState]:
    """Every year the calendar can answer for, with what is known of it (官方 / 已录入 / 推定)."""
    # deferred: the ORM classes load with the first session (app.store.db), not at start-up
    from app.store.models import CalendarOverride

    with ctx.uow() as uow:
        cal = calendar_for(uow.session)
        counts: dict[int, int] = {}
        for day in uow.session.scalars(select(CalendarOverride.date)):
            counts[day.year] = counts.get(day.year, 0) + 1
        return [YearState(y, cal.year_state(y), counts.get(y, 0)) for y in range(cal.first_year, cal.last_year + 1)]


def _check_range(rows: list[CalendarRow]) -> None:
    """Entries only for years the program has statutory data for: an entry never widens the range."""
    shipped = ruledata.default_calendar()
    bad = sorted({r.date for r in rows if not shipped.first_year <= r.date.year <= shipped.last_year})
    if bad:
        raise CalendarRangeError(bad[0], shipped.first_year, shipped.last_year, "date")


def _store(session, rows: list[CalendarRow], source: str | None) -> int:
    # deferred: the ORM classes load with the first session (app.store.db), not at start-up
    from app.store.models import CalendarOverride

    _check_range(rows)
    existing = {
        o.date: o
        for o in session.scalars(select(CalendarOverride).where(CalendarOverride.date.in_([r.date for r in rows])))
    }
    for r in rows:
        o = existing.get(r.date) or CalendarOverride(date=r.date)
        o.kind = r.kind
        o.name = r.name or None
        o.source = source or (r.source if r.source not in ("", "import") else None) or "导入"
        session.add(o)
    return len(rows)


def _read(path: Path) -> tuple[str, str]:
    suffix = path.suffix.lower()
    fmt = {".csv": "csv", ".json": "json"}.get(suffix)
    if fmt is None:
        raise ValidationError(f"不支持的文件类型 {suffix or '（无扩展名）'}：请使用 .csv 或 .json。")
    # deferred: not a start-up module (the calendar service is); only an imported file is decoded
    from app.services.office_text import decode_office_text

    try:
        raw = path.read_bytes()
    except FileNotFoundError as exc:
        raise ValidationError(f"找不到文件：{path}") from exc
    except OSError as exc:
        raise ValidationError(f"无法读取 {path.name}：{exc.strerror or exc}") from exc
    decoded = decode_office_text(raw)  # UTF-8 with or without BOM, or GB18030 as Excel/WPS save it
    if decoded is None:
        raise ValidationError(f"无法识别 {path.name} 的文字编码：请另存为 UTF-8 或 GB18030（GBK）编码。")
    return decoded[0], fmt


class CalendarImport(NamedTuple):
    """What an import did: rows stored, and the year marked complete (a full-notice import)."""

    count: int
    completed_year: int | None = None  # None: not a full-notice import, or a year shipped officially
    official_year: int | None = None  # a full notice of a year the program already ships


def _mark(session, year: int, complete: bool, source: str | None) -> None:
    # deferred: the ORM classes load with the first session (app.store.db), not at start-up
    from app.store.models import CalendarYear

    mark = session.scalar(select(CalendarYear).where(CalendarYear.year == year))
    if mark is None:
        if not complete:
            return
        mark = CalendarYear(year=year)
        session.add(mark)
    if mark.complete != complete or (complete and source and mark.source != source):
        mark.complete = complete
        if complete:
            mark.source = (source or "").strip()[:200] or mark.source
    session.flush()


def _import(session, path: Path, rows: list[CalendarRow], source: str | None, complete: bool) -> CalendarImport:
    label = source or Path(path).name
    n = _store(session, rows, label)
    if not complete:
        return CalendarImport(n)
    year = notice_year(rows)
    if year in ruledata.default_calendar().official_years:
        return CalendarImport(n, None, year)
    _mark(session, year, True, label)
    return CalendarImport(n, year)


def import_file(db, path: Path, *, actor: str, source: str | None = None, complete: bool = False) -> CalendarImport:
    """``riskmon calendar import [--complete]``: validate every row, then store all of them or none.

    With ``complete`` the file is the whole notice of one year (the year most of its rows fall
    in: a notice may name the last day of the year before), which is then marked complete.
    """
    text, fmt = _read(Path(path))
    rows = parse_calendar_rows(text, fmt)
    with UnitOfWork(db, actor=actor) as uow:
        result = _import(uow.session, path, rows, source, complete)
        uow.commit()
    return result


def import_calendar(ctx: Context, path: Path, source: str | None = None, *, complete: bool = False) -> CalendarImport:
    ctx.require("administrator", action="导入工作日历")
    text, fmt = _read(Path(path))
    rows = parse_calendar_rows(text, fmt)
    with ctx.uow() as uow:
        result = _import(uow.session, path, rows, source, complete)
        uow.commit()
    return result


def _set_complete(session, year: int, complete: bool, source: str | None) -> None:
    # deferred: the ORM classes load with the first session (app.store.db), not at start-up
    from app.store.models import CalendarOverride

    cal = ruledata.default_calendar()
    if not cal.first_year <= year <= cal.last_year:
        raise CalendarRangeError(year, cal.first_year, cal.last_year, "year")
    if year in cal.official_years:
        raise ValidationError(f"{year} 年的放假通知已随程序提供（官方），无需标记。", field="year")
    if complete:
        entered = session.scalar(
            select(CalendarOverride.id).where(
                CalendarOverride.date >= dt.date(year, 1, 1), CalendarOverride.date <= dt.date(year, 12, 31)
            ).limit(1)
        )
        if entered is None:
            raise ValidationError(
                f"{year} 年还没有录入任何放假或调休日期：请先导入或录入该年的放假通知，再标记为已完整录入。", field="year"
            )
    _mark(session, year, complete, source)


def set_year_complete(ctx: Context, year: int, complete: bool = True, source: str = "") -> None:
    """通知已完整录入: an administrator says the year's notice is (or is not) entered completely."""
    ctx.require("administrator", action="修改工作日历")
    with ctx.uow() as uow:
        _set_complete(uow.session, year, complete, source)
        uow.commit()


def mark_year_complete(db, year: int, *, actor: str, complete: bool = True, source: str | None = None) -> None:
    """``riskmon calendar complete YEAR``."""
    with UnitOfWork(db, actor=actor) as uow:
        _set_complete(uow.session, year, complete, source)
        uow.commit()


def set_day(ctx: Context, day: dt.date, kind: str, name: str, source: str) -> None:
    ctx.require("administrator", action="修改工作日历")
    if kind not in KIND_LABELS:
        raise ValidationError({"kind": "请选择“放假”或“调休上班”。"})
    with ctx.uow() as uow:
        _store(uow.session, [CalendarRow(day, kind, name.strip(), "override")], source.strip() or "本机构录入")
        uow.commit()


def remove_override(ctx: Context, override_id: int) -> None:
    """Remove an entered day; a year left without entries is no longer marked complete."""
    # deferred: the ORM classes load with the first session (app.store.db), not at start-up
    from app.store.models import CalendarOverride

    ctx.require("administrator", action="修改工作日历")
    with ctx.uow() as uow:
        row = get_or_404(uow.session, CalendarOverride, override_id, "该日历记录")
        year = row.date.year
        uow.session.delete(row)
        uow.session.flush()
        left = uow.session.scalar(
            select(CalendarOverride.id).where(
                CalendarOverride.date >= dt.date(year, 1, 1), CalendarOverride.date <= dt.date(year, 12, 31)
            ).limit(1)
        )
        if left is None:
            _mark(uow.session, year, False, None)
        uow.commit()


def known_years(ctx: Context) -> tuple[int, int]:
    """The first and last year the working calendar can answer for."""
    with ctx.uow() as uow:
        cal = calendar_for(uow.session)
        return cal.first_year, cal.last_year
