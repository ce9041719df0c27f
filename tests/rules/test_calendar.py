"""Working days and the five-working-day deadline (Article 18 ¶1); calendar import parsing."""

from __future__ import annotations

import datetime as dt
import itertools

import chinese_calendar
import pytest

from app.ruledata import default_calendar, load_statutory_holidays
from app.rules.calendar import (
    YEAR_COMPLETE,
    YEAR_OFFICIAL,
    YEAR_PARTIAL,
    YEAR_PRESUMED,
    CalendarImportError,
    CalendarRangeError,
    CalendarRow,
    DeadlineResult,
    WorkingCalendar,
    chinesecalendar_official,
    is_on_time,
    parse_calendar_rows,
)
from app.rules.commands import deadline_command
from app.rules.errors import RuleInputError

D = dt.date.fromisoformat
CAL = default_calendar()
_, OFFICIAL_YEARS = chinesecalendar_official()


def oracle_deadline(completed: dt.date, n: int) -> dt.date:
    """A plain day-by-day walk over chinesecalendar's own is_workday (official years only)."""
    day, count = completed, 0
    while count < n:
        day += dt.timedelta(days=1)
        if chinese_calendar.is_workday(day):
            count += 1
    return day


def holiday_blocks(year: int) -> list[tuple[dt.date, dt.date]]:
    """Runs of consecutive non-working days that contain an official holiday."""
    days = sorted(d for d in chinese_calendar.holidays if d.year == year)
    blocks: list[list[dt.date]] = []
    for d in days:
        if blocks and (d - blocks[-1][-1]).days <= 3 and all(
            not chinese_calendar.is_workday(blocks[-1][-1] + dt.timedelta(days=k))
            for k in range(1, (d - blocks[-1][-1]).days)
        ):
            blocks[-1].append(d)
        else:
            blocks.append([d])
    return [(b[0], b[-1]) for b in blocks]


# --- the worked examples -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("completed", "deadline"),
    [
        ("2026-09-30", "2026-10-13"),  # Oct 1–7 off; Oct 10 (Sat) adjusted working day
        ("2026-02-12", "2026-02-26"),  # Feb 14 (Sat) adjusted; Feb 15–23 off
        ("2026-04-30", "2026-05-11"),  # May 1–5 off; May 9 (Sat) adjusted
        ("2025-01-24", "2025-02-07"),  # Jan 26 (Sun) adjusted; Jan 28–Feb 4 off
        ("2025-04-25", "2025-05-06"),  # Apr 27 (Sun) adjusted; May 1–5 off
        ("2025-09-30", "2025-10-14"),  # Oct 1–8 off; Oct 11 (Sat) adjusted
        ("2026-03-02", "2026-03-09"),  # an ordinary week: Tue..Fri, Mon
    ],
)
def test_worked_examples(completed: str, deadline: str) -> None:
    result = CAL.deadline(D(completed))
    assert result == DeadlineResult(D(completed), 5, D(deadline), False)


@pytest.mark.parametrize(("year", "n_blocks"), [(2025, 6), (2026, 7)])
def test_every_official_holiday_block_against_a_plain_walk(year: int, n_blocks: int) -> None:
    # New Year, Spring Festival, Qingming, Labour Day, Dragon Boat, Mid-Autumn, National Day
    # (in 2025 Mid-Autumn falls inside the National Day block).
    blocks = holiday_blocks(year)
    assert len(blocks) == n_blocks
    for start, end in blocks:
        for offset, n in itertools.product(range(-8, (end - start).days + 2), (1, 2, 5, 10)):
            completed = start + dt.timedelta(days=offset)
            got = CAL.deadline(completed, n)
            want = oracle_deadline(completed, n)
            assert got.deadline == want, (completed, n)
            assert got.provisional is (want.year not in OFFICIAL_YEARS)
            # The deadline itself is a working day, and exactly n working days are counted.
            assert CAL.is_working_day(got.deadline)
            assert CAL.working_days_between(completed, got.deadline) == n


def test_completion_day_is_not_counted() -> None:
    monday = D("2026-03-02")
    assert CAL.deadline(monday, 1).deadline == D("2026-03-03")
    saturday = D("2026-03-07")
    assert CAL.deadline(saturday, 1).deadline == D("2026-03-09")


# --- provisional years ----------------------------------------------------------------------------


def test_deadline_crossing_into_a_year_without_official_data_is_provisional() -> None:
    last = max(OFFICIAL_YEARS)
    inside = CAL.deadline(dt.date(last, 12, 21))
    assert inside.deadline.year == last and inside.provisional is False
    crossing = CAL.deadline(dt.date(last, 12, 29))
    assert crossing.deadline.year == last + 1
    assert crossing.provisional is True
    # New Year's Day of the next year is a statutory holiday, never a working day.
    assert not CAL.is_working_day(dt.date(last + 1, 1, 1))


def test_2026_12_28_crosses_into_2027() -> None:
    if 2027 in OFFICIAL_YEARS:
        pytest.skip("chinesecalendar now ships 2027")
    r = CAL.deadline(D("2026-12-28"))
    assert (r.deadline, r.provisional) == (D("2027-01-05"), True)  # Dec 29, 30, 31, (Jan 1 off), Jan 4, 5


def test_provisional_year_uses_statutory_holidays_not_weekends_only() -> None:
    if 2027 in OFFICIAL_YEARS:
        pytest.skip("chinesecalendar now ships 2027")
    # Lunar New Year 2027 is Sat 6 February: Eve Fri 5 Feb and Mon 8 Feb are statutory days off.
    r = CAL.deadline(D("2027-02-03"))
    assert r == DeadlineResult(D("2027-02-03"), 5, D("2027-02-12"), True)
    statutory = load_statutory_holidays()
    for year in range(max(OFFICIAL_YEARS) + 1, max(statutory) + 1):
        for day in statutory[year]:
            assert not CAL.is_working_day(day), day
        assert CAL.day_info(dt.date(year, 10, 2)).provisional


def test_out_of_range_is_a_clear_error() -> None:
    for day in (D("2003-12-31"), D("2100-06-01")):
        with pytest.raises(CalendarRangeError) as err:
            CAL.deadline(day)
        assert "超出" in err.value.message and day.isoformat() in err.value.message
    with pytest.raises(CalendarRangeError):
        CAL.deadline(dt.date(CAL.last_year, 12, 30))  # the deadline would fall after the data


def test_a_deadline_after_the_range_names_the_date_given_and_the_range() -> None:
    # Issue 14: --completed 2099-12-28 blamed ``completed`` but quoted 2100-01-01.
    with pytest.raises(CalendarRangeError) as err:
        CAL.deadline(D("2099-12-28"))
    message = err.value.message
    assert err.value.field == "completed"
    assert "2099-12-28" in message and "2100" not in message.replace("2004–2099", "")
    assert "2004–2099" in message and "第 5 个工作日" in message


# --- overrides --------------------------------------------------------------------------------------


def test_overrides_beat_shipped_data_but_announce_the_year_only_when_complete() -> None:
    rows = [
        CalendarRow(D("2027-02-04"), "holiday", "春节", "notice"),
        CalendarRow(D("2027-02-09"), "holiday", "春节", "notice"),
        CalendarRow(D("2027-02-20"), "workday", "春节调休上班", "notice"),
    ]
    cal = default_calendar(rows)
    r = cal.deadline(D("2027-02-03"))
    # Feb 4 off (override), 5 and 8 statutory, 9 off (override): 10, 11, 12, 15, 16.
    assert r.deadline == D("2027-02-16")
    assert cal.is_working_day(D("2027-02-20")) and cal.day_info(D("2027-02-20")).source == "override"
    if 2027 not in OFFICIAL_YEARS:
        assert r.provisional is True and 2027 not in cal.announced_years
        assert cal.year_state(2027) == YEAR_PARTIAL
        done = default_calendar(rows, complete_years=[2027])
        assert done.deadline(D("2027-02-03")) == DeadlineResult(D("2027-02-03"), 5, D("2027-02-16"), False)
        assert 2027 in done.announced_years and done.year_state(2027) == YEAR_COMPLETE
    # The shared shipped calendar is untouched.
    assert default_calendar().deadline(D("2027-02-03")).deadline == D("2027-02-12")


def test_a_partial_import_keeps_the_year_provisional() -> None:
    # Issue 14: one row of 2028 made the presumed National Day look official.
    cal = default_calendar([CalendarRow(D("2028-05-03"), "holiday", "劳动节", "notice")])
    r = cal.deadline(D("2028-09-28"))  # Oct 2–3 2028 are presumed statutory days
    assert r.provisional is True
    assert cal.day_info(D("2028-10-02")).provisional and cal.day_info(D("2028-10-02")).source == "statutory"
    assert cal.year_state(2028) == YEAR_PARTIAL and cal.is_provisional_year(2028)
    assert not cal.is_working_day(D("2028-05-03"))  # the row still overrides the day it names
    # Marked complete, the same rows announce the year.
    done = default_calendar([CalendarRow(D("2028-05-03"), "holiday", "劳动节", "notice")], complete_years={2028})
    assert done.deadline(D("2028-09-28")).provisional is False
    assert done.year_state(2028) == YEAR_COMPLETE and not done.is_provisional_year(2028)


def test_a_spring_festival_only_import_leaves_mid_autumn_presumed() -> None:
    if 2027 in OFFICIAL_YEARS:
        pytest.skip("chinesecalendar now ships 2027")
    rows = [CalendarRow(D(f"2027-02-{d:02d}"), "holiday", "春节", "notice") for d in range(5, 12)]
    r = default_calendar(rows).deadline(D("2027-09-14"))
    assert (r.deadline, r.provisional) == (D("2027-09-22"), True)


def test_year_states() -> None:
    last = max(OFFICIAL_YEARS)
    cal = default_calendar([CalendarRow(dt.date(last + 2, 5, 6), "holiday", "x")], complete_years=[last + 3])
    assert cal.year_state(last) == YEAR_OFFICIAL
    assert cal.year_state(last + 1) == YEAR_PRESUMED
    assert cal.year_state(last + 2) == YEAR_PARTIAL
    # A year marked complete is announced (the lab says the notice has no days beyond the statutory ones).
    assert cal.year_state(last + 3) == YEAR_COMPLETE
    assert cal.announced_years == OFFICIAL_YEARS | {last + 3}
    assert cal.entered_years == {last + 2}
    with pytest.raises(CalendarRangeError) as err:
        cal.year_state(2100)
    assert err.value.field == "year" and "2100" in err.value.message and "2004–2099" in err.value.message


def test_override_in_an_official_year() -> None:
    cal = default_calendar([{"date": "2026-03-04", "kind": "holiday", "name": "临时放假", "source": "admin"}])
    assert cal.deadline(D("2026-03-02")).deadline == D("2026-03-10")
    assert CAL.deadline(D("2026-03-02")).deadline == D("2026-03-09")


def test_override_rows_as_objects() -> None:
    class Row:  # like an ORM row
        date = D("2026-03-07")
        kind = "workday"
        name = "调休上班"
        source = "db"

    cal = default_calendar([Row()])
    assert cal.deadline(D("2026-03-06"), 1).deadline == D("2026-03-07")


def test_index_agrees_with_day_by_day_classification() -> None:
    cal = default_calendar([CalendarRow(D("2028-03-01"), "holiday", "x"), CalendarRow(D("2024-03-02"), "workday", "y")])
    start, end = D("2023-06-01"), D("2029-06-30")
    day = start
    while day < end:
        expected = cal.day_info(day).working
        nxt = cal.deadline(day - dt.timedelta(days=1), 1).deadline
        assert (nxt == day) is expected, day
        day += dt.timedelta(days=1)


def test_building_a_calendar_does_no_work_until_asked() -> None:
    days, years = chinesecalendar_official()
    cal = WorkingCalendar(days, years, load_statutory_holidays(), [])
    assert cal._wd == []  # noqa: SLF001 - the lazy index
    cal.deadline(D("2026-03-02"))
    assert len(cal._wd) < 300  # one year built  # noqa: SLF001


# --- the function family ----------------------------------------------------------------------------


def test_working_days_left_and_on_time() -> None:
    deadline = CAL.deadline(D("2026-09-30")).deadline  # 2026-10-13
    assert CAL.working_days_left(deadline, D("2026-09-30")) == 5
    assert CAL.working_days_left(deadline, D("2026-10-07")) == 5  # still in the holiday
    assert CAL.working_days_left(deadline, D("2026-10-12")) == 1
    assert CAL.working_days_left(deadline, deadline) == 0
    assert CAL.working_days_left(deadline, D("2026-10-14")) == -1
    assert CAL.working_days_left(deadline, D("2026-10-19")) == -4
    assert is_on_time(deadline, deadline) and is_on_time(deadline, D("2026-10-01"))
    assert not is_on_time(deadline, D("2026-10-14"))


def test_deadline_command() -> None:
    out = deadline_command("2026-09-30", 5, CAL)
    assert out == {"completed": "2026-09-30", "working_days": 5, "deadline": "2026-10-13", "provisional": False}
    assert deadline_command("2026-09-30", "1", CAL)["deadline"] == "2026-10-08"


@pytest.mark.parametrize(
    ("completed", "n", "field"),
    [
        ("2026-13-01", 5, "completed"),
        ("yesterday", 5, "completed"),
        ("", 5, "completed"),
        ("2026-09-30", "five", "working_days"),
        ("2026-09-30", 0, "working_days"),
        ("2026-09-30", "-3", "working_days"),
        ("2026-09-30", 1000, "working_days"),
        ("2200-01-01", 5, "completed"),
    ],
)
def test_deadline_command_rejects(completed: str, n, field: str) -> None:
    with pytest.raises(RuleInputError) as err:
        deadline_command(completed, n, CAL)
    assert err.value.field == field and field in err.value.message


# --- importing a year's notice -------------------------------------------------------------------------


def test_parse_csv_with_and_without_header() -> None:
    text = "date,kind,name\n2027-01-01,holiday,元旦\n\n2027-02-20,workday,春节调休上班\n"
    rows = parse_calendar_rows(text, "csv")
    assert rows == [
        CalendarRow(D("2027-01-01"), "holiday", "元旦", "import"),
        CalendarRow(D("2027-02-20"), "workday", "春节调休上班", "import"),
    ]
    rows = parse_calendar_rows("\ufeff日期,类型,名称,来源\n2027/01/01,放假,元旦,国办发明电〔2026〕1号\n", "csv")
    assert rows == [CalendarRow(D("2027-01-01"), "holiday", "元旦", "国办发明电〔2026〕1号")]
    rows = parse_calendar_rows("2027-10-09,上班,国庆节调休上班\n", "csv")
    assert rows[0].kind == "workday"


def test_parse_csv_lists_every_bad_row_with_its_line() -> None:
    text = (
        "date,kind,name\n"
        "2027-01-01,holiday,元旦\n"
        "2027-02-30,holiday,春节\n"
        "2027-02-06,vacation,春节\n"
        "2027-02-07,holiday,\n"
        "2027-01-01,holiday,元旦\n"
    )
    with pytest.raises(CalendarImportError) as err:
        parse_calendar_rows(text, "csv")
    assert [line for line, _ in err.value.problems] == [3, 4, 5, 6]
    msg = err.value.message
    for part in ("第 3 行", "2027-02-30", "第 4 行", "vacation", "第 5 行", "名称", "第 6 行", "重复"):
        assert part in msg
    assert "\n" not in msg


def test_parse_json_rows_and_line_numbers() -> None:
    text = """[
  {"date": "2027-01-01", "kind": "holiday", "name": "元旦"},
  {"date": "2027-02-20", "kind": "workday", "name": "春节调休上班", "source": "notice"}
]"""
    rows = parse_calendar_rows(text, "json")
    assert rows[1] == CalendarRow(D("2027-02-20"), "workday", "春节调休上班", "notice")
    bad = """[
  {"date": "2027-01-01", "kind": "holiday", "name": "元旦"},
  {"date": "2027-01-32", "kind": "holiday", "name": "x"},
  {"kind": "rest", "name": "y"},
  "2027-05-01"
]"""
    with pytest.raises(CalendarImportError) as err:
        parse_calendar_rows(bad, "json")
    assert [line for line, _ in err.value.problems] == [3, 4, 5]


@pytest.mark.parametrize(
    ("text", "fmt"),
    [("{", "json"), ('{"date": "2027-01-01"}', "json"), ("[]", "json"), ("", "csv"), ("date,kind,name\n", "csv")],
)
def test_parse_rejects_unusable_files(text: str, fmt: str) -> None:
    with pytest.raises(CalendarImportError) as err:
        parse_calendar_rows(text, fmt)
    assert "第" in err.value.message


def test_parse_unknown_format() -> None:
    with pytest.raises(RuleInputError):
        parse_calendar_rows("", "xlsx")


def test_parse_csv_header_in_any_order() -> None:
    rows = parse_calendar_rows("name,kind,date\n元旦,holiday,2027-01-01\n", "csv")
    assert rows == [CalendarRow(D("2027-01-01"), "holiday", "元旦", "import")]


def test_override_rows_as_tuples_are_validated() -> None:
    cal = default_calendar([("2026-03-04", "holiday", "临时放假")])
    assert not cal.is_working_day(D("2026-03-04"))
    with pytest.raises(RuleInputError):
        default_calendar([("2026-03-04", "off", "x")])
    with pytest.raises(RuleInputError):
        default_calendar([{"date": "someday", "kind": "holiday", "name": "x"}])
