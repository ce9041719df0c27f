"""The one clock of the program: the machine's time is read here and nowhere else.

A lab works on Beijing time whatever its workstation's clock is set to: a Windows machine left on
UTC, a server in another zone, or a container without a zone at all. Every "today" a rule compares
with (the Article 18 deadline, the latest date a form accepts, a report's or a notice's date) and
every time a person reads is therefore in the **lab's time zone** — the setting
``display_timezone``, Asia/Shanghai by default — and never in the machine's own zone:

- :func:`utcnow` — the moment, timezone-aware UTC (the form every timestamp is stored in);
- :func:`now` / :func:`today` — that moment on the lab's wall clock, and its date;
- :func:`local` / :func:`local_text` — a stored timestamp as the lab reads it.

The lab's zone is the one last read from the database (``app.store.queries.lab_timezone`` tells
this module through :func:`set_lab_zone`), so the interface can ask for today without a query on
the GUI thread. A ground module: every layer may import it; it imports nothing of the program but
``app.timezones``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from app.timezones import DEFAULT_TIMEZONE, zone


def _machine_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


# What the program takes for "now"; tests put a fixed moment here (see tests/conftest.py).
_source: Callable[[], dt.datetime] = _machine_now
_lab_zone_name: str = DEFAULT_TIMEZONE


def set_lab_zone(name: str | None) -> None:
    """The lab's time zone by its name (an unknown name reads as Asia/Shanghai, see ``zone``)."""
    global _lab_zone_name
    _lab_zone_name = str(name or DEFAULT_TIMEZONE)


def lab_zone() -> dt.tzinfo:
    """The lab's time zone."""
    return zone(_lab_zone_name)


def utcnow() -> dt.datetime:
    """The current moment, timezone-aware UTC."""
    return _source().astimezone(dt.UTC)


def now(tz: dt.tzinfo | None = None) -> dt.datetime:
    """The current moment on the lab's wall clock (or on ``tz``'s)."""
    return utcnow().astimezone(tz or lab_zone())


def today(tz: dt.tzinfo | None = None) -> dt.date:
    """Today's date in the lab's time zone (or in ``tz``)."""
    return now(tz).date()


def local(value: dt.datetime | None, tz: dt.tzinfo | None = None) -> dt.datetime | None:
    """A stored timestamp as the lab reads it; a naive value is taken as UTC (as stored)."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(tz or lab_zone())


def local_text(value: dt.datetime | None, fmt: str = "%Y-%m-%d %H:%M", tz: dt.tzinfo | None = None) -> str:
    """A stored timestamp as text on the lab's wall clock; "" for none."""
    moment = local(value, tz)
    return moment.strftime(fmt) if moment is not None else ""
