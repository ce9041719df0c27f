"""The shipped statutory holidays (《全国年节及纪念日放假办法》) against the official notices."""

from __future__ import annotations

import datetime as dt

import chinese_calendar
import pytest

from app.ruledata import load_statutory_holidays
from app.rules.calendar import chinesecalendar_official

STATUTORY = load_statutory_holidays()
_, OFFICIAL_YEARS = chinesecalendar_official()
CURRENT_RULE_FROM = 2025  # Decree No. 795: Spring Festival from New Year's Eve, Labour Day May 1–2
FESTIVALS_FROM = 2008  # Qingming, Dragon Boat and Mid-Autumn became holidays in 2008


def test_covers_the_official_years_and_the_future() -> None:
    years = set(STATUTORY)
    assert years == set(range(min(years), max(years) + 1))
    assert min(years) <= min(OFFICIAL_YEARS)
    assert max(years) >= 2060


@pytest.mark.parametrize("year", sorted(STATUTORY))
def test_thirteen_days_of_the_right_festivals(year: int) -> None:
    days = STATUTORY[year]
    names = list(days.values())
    count = {n: sum(n in x.split("、") for x in names) for n in ("元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节")}
    assert count == {"元旦": 1, "春节": 4, "清明节": 1, "劳动节": 2, "端午节": 1, "中秋节": 1, "国庆节": 3}
    assert all(d.year == year for d in days)
    assert days[dt.date(year, 1, 1)] == "元旦"
    assert [d.day for d, n in days.items() if n == "劳动节"] == [1, 2]
    spring = sorted(d for d, n in days.items() if n == "春节")
    assert [(b - a).days for a, b in zip(spring, spring[1:], strict=False)] == [1, 1, 1]
    assert dt.date(year, 1, 21) <= spring[1] <= dt.date(year, 2, 20)  # lunar New Year's Day
    qingming = next(d for d, n in days.items() if n == "清明节")
    assert qingming.month == 4 and 4 <= qingming.day <= 6
    dragon = next(d for d, n in days.items() if n == "端午节")
    assert dt.date(year, 5, 25) <= dragon <= dt.date(year, 6, 25)
    mid_autumn = next(d for d, n in days.items() if "中秋节" in n)
    assert dt.date(year, 9, 7) <= mid_autumn <= dt.date(year, 10, 8)


def _official_years_with_festivals() -> list[int]:
    return sorted(y for y in OFFICIAL_YEARS if y >= FESTIVALS_FROM and y in STATUTORY)


@pytest.mark.parametrize("year", _official_years_with_festivals())
def test_lunar_and_solar_term_dates_are_official_holidays(year: int) -> None:
    """Each year chinesecalendar also covers: our lunar and Qingming dates are days off there."""
    for day, name in STATUTORY[year].items():
        eve = name == "春节" and day == min(d for d, n in STATUTORY[year].items() if n == "春节")
        if year < CURRENT_RULE_FROM and (eve or (name == "劳动节" and day.day == 2)):
            continue  # statutory only from 2025
        assert not chinese_calendar.is_workday(day), (day, name)


def test_current_rule_years_match_in_full() -> None:
    years = [y for y in OFFICIAL_YEARS if y >= CURRENT_RULE_FROM]
    assert years, "chinesecalendar should cover 2025 at least"
    for year in years:
        for day, name in STATUTORY[year].items():
            assert not chinese_calendar.is_workday(day), (day, name)


def test_known_future_dates() -> None:
    # Lunar New Year 2027 is 6 February, 2028 is 26 January; Mid-Autumn 2028 is 3 October.
    assert STATUTORY[2027][dt.date(2027, 2, 5)] == "春节"
    assert STATUTORY[2027][dt.date(2027, 2, 6)] == "春节"
    assert STATUTORY[2028][dt.date(2028, 1, 25)] == "春节"
    assert STATUTORY[2028][dt.date(2028, 10, 3)] == "中秋节、国庆节"
