"""Generate ``resources/rules/statutory_holidays.json``: the statutory public holidays of each year.

《全国年节及纪念日放假办法》 (as revised by State Council Decree No. 795, in force 2025-01-01)
gives everyone 13 days off: New Year's Day (1 day), Spring Festival (4 days: lunar New Year's
Eve and the 1st to 3rd of the first lunar month), Qingming (1 day, the day of the solar term
清明), Labour Day (May 1–2), Dragon Boat Festival (5th day of the 5th lunar month), Mid-Autumn
Festival (15th day of the 8th lunar month) and National Day (October 1–3).

The lunar dates and the solar term come from ``lunar-python`` and are cross-checked against
``lunardate``. Neither is a runtime dependency: install them only to run this script, e.g.

    pip install --target /tmp/lunargen lunar-python lunardate
    PYTHONPATH=/tmp/lunargen python tests/rules/gen_statutory_holidays.py

The output is committed; ``tests/rules/test_statutory_holidays.py`` checks it against the
official holidays that ``chinesecalendar`` ships for the years it covers.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

FIRST_YEAR = 2004
LAST_YEAR = 2099  # lunardate covers 1900–2099
OUTPUT = Path(__file__).resolve().parents[2] / "resources" / "rules" / "statutory_holidays.json"


def lunar_to_solar(year: int, month: int, day: int) -> dt.date:
    from lunar_python import Lunar

    solar = Lunar.fromYmd(year, month, day).getSolar()
    result = dt.date(solar.getYear(), solar.getMonth(), solar.getDay())
    import lunardate

    check = lunardate.LunarDate(year, month, day).to_solar_date()
    if check != result:
        raise SystemExit(f"lunar libraries disagree on {year}-{month}-{day}: {result} vs {check}")
    return result


def qingming(year: int) -> dt.date:
    from lunar_python import Solar

    for day in range(1, 11):
        if Solar.fromYmd(year, 4, day).getLunar().getJieQi() == "清明":
            return dt.date(year, 4, day)
    raise SystemExit(f"no 清明 found in April {year}")


def holidays_of(year: int) -> dict[str, str]:
    new_year = lunar_to_solar(year, 1, 1)
    days: list[tuple[dt.date, str]] = [(dt.date(year, 1, 1), "元旦")]
    days += [(new_year + dt.timedelta(days=k), "春节") for k in (-1, 0, 1, 2)]
    days.append((qingming(year), "清明节"))
    days += [(dt.date(year, 5, 1), "劳动节"), (dt.date(year, 5, 2), "劳动节")]
    days.append((lunar_to_solar(year, 5, 5), "端午节"))
    days.append((lunar_to_solar(year, 8, 15), "中秋节"))
    days += [(dt.date(year, 10, d), "国庆节") for d in (1, 2, 3)]
    out: dict[str, str] = {}
    for day, name in sorted(days):
        if day.year != year:  # cannot happen for these festivals; guard anyway
            raise SystemExit(f"{name} of {year} falls on {day}")
        # Mid-Autumn can fall on October 1–3: the day is then off once, under both names.
        out[day.isoformat()] = f"{out[day.isoformat()]}、{name}" if day.isoformat() in out else name
    return out


def main() -> int:
    data = {
        "source": "《全国年节及纪念日放假办法》（2024年11月10日国务院令第795号修订，2025年1月1日起施行）",
        "note": "Statutory holidays only (no bridging or adjusted working days); used for years "
        "whose State Council notice is not known, and marked provisional there.",
        "generator": "tests/rules/gen_statutory_holidays.py (lunar-python, cross-checked with lunardate)",
        "first_year": FIRST_YEAR,
        "last_year": LAST_YEAR,
        "years": {str(y): holidays_of(y) for y in range(FIRST_YEAR, LAST_YEAR + 1)},
    }
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {OUTPUT} ({LAST_YEAR - FIRST_YEAR + 1} years)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
