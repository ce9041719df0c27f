"""The working-day calendar of the lab: shipped official notices, statutory holidays, and the
administrator's entries (which override both). Every deadline in the program comes from
:func:`working_calendar` and ``app.rules.calendar`` — one function family, used everywhere.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from app import ruledata
from app.errors import ValidationError
from app.rules.calendar import CalendarRow, WorkingCalendar, parse_calendar_rows
from app.services._common import get_or_404
from app.services.context import Context
from app.store.models import CalendarOverride
from app.store.uow import UnitOfWork

KIND_LABELS = {"holiday": "放假", "workday": "调休上班"}
SOURCE_LABELS = {
    "override": "本机构录入",
    "official": "国务院办公厅通知（随程序提供）",
    "statutory": "按《全国年节及纪念日放假办法》推定（暂定）",
    "week": "",
}


@dataclass(frozen=True)
class CalendarDay:
    id: int | None  # the override row, if the day comes from one
    date: dt.date
    kind: str  # holiday | workday
    name: str
    source: str  # override | official | statutory
    detail: str  # the override's source text (e.g. the notice's number)

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)

    @property
    def source_label(self) -> str:
        return SOURCE_LABELS.get(self.source, self.source)


def _rows(session) -> list[CalendarRow]:
    return [
        CalendarRow(o.date, o.kind, o.name or "", o.source or "override")
        for o in session.scalars(select(CalendarOverride).order_by(CalendarOverride.date))
    ]


def override_rows(db) -> list[CalendarRow]:
    with UnitOfWork(db, actor="system") as uow:
        return _rows(uow.session)


def calendar_for(session) -> WorkingCalendar:
    return ruledata.default_calendar(_rows(session))


def working_calendar(ctx: Context) -> WorkingCalendar:
    with ctx.uow() as uow:
        return calendar_for(uow.session)


def _year_days(session, year: int) -> list[CalendarDay]:
    cal = calendar_for(session)
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
                    source="override" if o else info.source,
                    detail=(o.source or "") if o else "",
                )
            )
        day += dt.timedelta(days=1)
    return out


def year_view(db, year: int) -> list[CalendarDay]:
    with UnitOfWork(db, actor="system") as uow:
        return _year_days(uow.session, year)


def year_days(ctx: Context, year: int) -> tuple[list[CalendarDay], bool]:
    """The year's holidays and adjusted working days, and whether the year is provisional."""
    with ctx.uow() as uow:
        cal = calendar_for(uow.session)
        return _year_days(uow.session, year), cal.is_provisional_year(year)


def _store(session, rows: list[CalendarRow], source: str | None) -> int:
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
    try:
        return path.read_text(encoding="utf-8-sig"), fmt
    except FileNotFoundError as exc:
        raise ValidationError(f"找不到文件：{path}") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ValidationError(f"无法读取 {path.name}（需要 UTF-8 编码）：{exc}") from exc


def import_file(db, path: Path, *, actor: str, source: str | None = None) -> int:
    """``riskmon calendar import``: validate every row, then store all of them or none."""
    text, fmt = _read(Path(path))
    rows = parse_calendar_rows(text, fmt)
    with UnitOfWork(db, actor=actor) as uow:
        n = _store(uow.session, rows, source or Path(path).name)
        uow.commit()
    return n


def import_calendar(ctx: Context, path: Path, source: str | None = None) -> int:
    ctx.require("administrator", action="导入工作日历")
    text, fmt = _read(Path(path))
    rows = parse_calendar_rows(text, fmt)
    with ctx.uow() as uow:
        n = _store(uow.session, rows, source or Path(path).name)
        uow.commit()
    return n


def set_day(ctx: Context, day: dt.date, kind: str, name: str, source: str) -> None:
    ctx.require("administrator", action="修改工作日历")
    if kind not in KIND_LABELS:
        raise ValidationError({"kind": "请选择“放假”或“调休上班”。"})
    with ctx.uow() as uow:
        _store(uow.session, [CalendarRow(day, kind, name.strip(), "override")], source.strip() or "本机构录入")
        uow.commit()


def remove_override(ctx: Context, override_id: int) -> None:
    ctx.require("administrator", action="修改工作日历")
    with ctx.uow() as uow:
        uow.session.delete(get_or_404(uow.session, CalendarOverride, override_id, "该日历记录"))
        uow.commit()


def known_years(ctx: Context) -> tuple[int, int]:
    """The first and last year the working calendar can answer for."""
    with ctx.uow() as uow:
        cal = calendar_for(uow.session)
        return cal.first_year, cal.last_year
