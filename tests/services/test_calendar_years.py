"""A year's holiday notice is announced only as a whole (spec/RULES.md §1, issue 14): rows of an
incomplete year override the days they name while its deadlines stay provisional; a full-notice
import or an administrator's mark makes the year announced, audited; bad requests change nothing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select

from app.errors import PermissionDenied, ValidationError
from app.ruledata import default_calendar
from app.services import calendar, testing
from app.store.models import AuditLog, CalendarOverride, CalendarYear
from app.store.uow import UnitOfWork

D = dt.date.fromisoformat
OFFICIAL = default_calendar().official_years
LAST_OFFICIAL = max(OFFICIAL)
YEAR = 2028  # no shipped notice (chinesecalendar covers 2004–2026 today)


def notice(tmp_path: Path, name: str, rows: str) -> Path:
    path = tmp_path / name
    path.write_text("date,kind,name\n" + rows, encoding="utf-8")
    return path


def marks(db) -> dict[int, bool]:
    with UnitOfWork(db, "test") as uow:
        return {m.year: m.complete for m in uow.session.scalars(select(CalendarYear))}


def test_a_partial_import_stays_provisional_until_the_year_is_marked_complete(any_lab, tmp_path: Path):
    assert YEAR not in OFFICIAL
    partial = notice(tmp_path, "may.csv", f"{YEAR}-05-03,holiday,劳动节\n")
    assert calendar.import_calendar(any_lab.admin, partial) == calendar.CalendarImport(1, None)
    # Oct 2–3 are still presumed: the deadline across National Day is provisional
    d = testing.reporting_deadline(any_lab.tech, D(f"{YEAR}-09-28"))
    assert d.provisional is True
    view = calendar.year_days(any_lab.admin, YEAR)
    assert view.state == "partial" and view.state_label == "已录入（不完整，暂定）" and view.provisional
    oct2 = next(x for x in view.days if x.date == D(f"{YEAR}-10-02"))
    assert oct2.source == "statutory" and "暂定" in oct2.source_label

    with pytest.raises(PermissionDenied):
        calendar.set_year_complete(any_lab.tech, YEAR)
    calendar.set_year_complete(any_lab.admin, YEAR, source="国办发明电〔2027〕X号")
    assert testing.reporting_deadline(any_lab.tech, D(f"{YEAR}-09-28")).provisional is False
    view = calendar.year_days(any_lab.admin, YEAR)
    assert (view.state, view.state_label, view.provisional, view.source) == (
        "complete", "已录入（完整）", False, "国办发明电〔2027〕X号")
    oct2 = next(x for x in view.days if x.date == D(f"{YEAR}-10-02"))
    assert oct2.source == "statutory_complete" and "暂定" not in oct2.source_label

    calendar.set_year_complete(any_lab.admin, YEAR, False)
    assert testing.reporting_deadline(any_lab.tech, D(f"{YEAR}-09-28")).provisional is True
    with UnitOfWork(any_lab.db, "test") as uow:
        audit = uow.session.execute(
            select(AuditLog.action, AuditLog.actor).where(AuditLog.table_name == "calendar_years")
            .order_by(AuditLog.seq)).all()
    assert audit == [("insert", "boss"), ("update", "boss")]


def test_a_full_notice_import_marks_its_year(any_lab, tmp_path: Path):
    full = notice(tmp_path, "2028.csv",
                  f"{YEAR - 1}-12-31,holiday,元旦\n{YEAR}-01-01,holiday,元旦\n{YEAR}-10-02,holiday,国庆节\n"
                  f"{YEAR}-10-07,workday,国庆节调休上班\n")
    result = calendar.import_calendar(any_lab.admin, full, "国办发明电〔2027〕X号", complete=True)
    assert result == calendar.CalendarImport(4, YEAR)
    assert marks(any_lab.db) == {YEAR: True}  # not the year before, named only for New Year's Eve
    assert calendar.year_days(any_lab.admin, YEAR).state == "complete"
    assert calendar.year_days(any_lab.admin, YEAR - 1).state == "partial"
    # a full notice of a year the program ships is stored, and the year stays official
    shipped = notice(tmp_path, "shipped.csv", f"{LAST_OFFICIAL}-03-04,holiday,临时放假\n")
    assert calendar.import_calendar(any_lab.admin, shipped, complete=True) == calendar.CalendarImport(
        1, None, LAST_OFFICIAL)
    assert calendar.year_days(any_lab.admin, LAST_OFFICIAL).state == "official"
    assert marks(any_lab.db) == {YEAR: True}


def test_marking_is_refused_with_a_reason_and_changes_nothing(any_lab, tmp_path: Path):
    with pytest.raises(ValidationError, match=f"{YEAR} 年还没有录入任何"):
        calendar.set_year_complete(any_lab.admin, YEAR)
    with pytest.raises(ValidationError, match="随程序提供"):
        calendar.set_year_complete(any_lab.admin, LAST_OFFICIAL)
    with pytest.raises(ValidationError) as err:
        calendar.set_year_complete(any_lab.admin, 2100)
    assert "2004–2099" in err.value.message and "2100" in err.value.message
    # an entry outside the supported years never widens the range
    far = notice(tmp_path, "far.csv", f"{YEAR}-05-03,holiday,劳动节\n2100-01-04,holiday,x\n")
    with pytest.raises(ValidationError) as err:
        calendar.import_calendar(any_lab.admin, far, complete=True)
    assert "2100-01-04" in err.value.message and "2004–2099" in err.value.message
    assert marks(any_lab.db) == {}
    with UnitOfWork(any_lab.db, "test") as uow:
        assert uow.session.scalars(select(CalendarOverride)).all() == []


def test_removing_the_last_entry_of_a_complete_year_withdraws_the_mark(lab, tmp_path: Path):
    calendar.import_calendar(lab.admin, notice(tmp_path, "n.csv", f"{YEAR}-05-03,holiday,劳动节\n"), complete=True)
    calendar.set_day(lab.admin, D(f"{YEAR}-05-04"), "holiday", "劳动节", "")
    days = [d for d in calendar.year_days(lab.admin, YEAR).days if d.id is not None]
    calendar.remove_override(lab.admin, days[0].id)
    assert marks(lab.db) == {YEAR: True}  # a correction keeps the year complete
    calendar.remove_override(lab.admin, days[1].id)
    assert marks(lab.db) == {YEAR: False}
    assert calendar.year_days(lab.admin, YEAR).state == "presumed"


def test_every_year_has_a_state(lab, tmp_path: Path):
    calendar.import_calendar(lab.admin, notice(tmp_path, "a.csv", f"{YEAR}-05-03,holiday,劳动节\n"))
    calendar.import_calendar(lab.admin, notice(tmp_path, "b.csv", f"{YEAR + 1}-05-03,holiday,劳动节\n"), complete=True)
    states = {s.year: s for s in calendar.year_states(lab.admin)}
    assert min(states) == 2004 and max(states) == 2099
    assert states[LAST_OFFICIAL].label == "官方" and not states[LAST_OFFICIAL].provisional
    assert states[YEAR].label == "已录入（不完整，暂定）" and states[YEAR].entered == 1 and states[YEAR].provisional
    assert states[YEAR + 1].label == "已录入（完整）" and not states[YEAR + 1].provisional
    assert states[YEAR + 2].label == "推定（暂定）" and states[YEAR + 2].provisional
