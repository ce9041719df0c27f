"""Every time-zone lookup of the program goes through ``zone()``.

A lab workstation may have no system zone database at all (Windows never has one; a trimmed
Debian/UOS/Kylin image or a container may lack ``/usr/share/zoneinfo``). ``zoneinfo`` then falls
back to the ``tzdata`` package, a runtime dependency bundled with the program. Should even that be
missing, ``zone()`` still answers: an unknown name is read as the lab's default, and China Standard
Time is a fixed UTC+8 without daylight saving since 1991, so the fallback gives the same wall-clock
times for every timestamp the program stores.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

DEFAULT_TIMEZONE = "Asia/Shanghai"

# 中国标准时间 (Beijing time): what Asia/Shanghai is for every date after 1991.
CHINA_STANDARD_TIME = dt.timezone(dt.timedelta(hours=8), "CST")


@lru_cache(maxsize=16)
def zone(name: str | None = None) -> dt.tzinfo:
    """The time zone called ``name`` (default Asia/Shanghai); never raises."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    for candidate in (name or DEFAULT_TIMEZONE, DEFAULT_TIMEZONE):
        try:
            return ZoneInfo(candidate)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            continue
    return CHINA_STANDARD_TIME
