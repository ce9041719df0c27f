"""Small query helpers shared by the services: settings, users, the lab record, counters."""

from __future__ import annotations

import functools
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from app import clock
from app.errors import ValidationError
from app.store.models import SETTING_DEFAULTS, Organisation, SampleNumberCounter, Setting
from app.timezones import zone

# ---- settings --------------------------------------------------------------------------------


def get_setting(session: Session, key: str) -> Any:
    """The stored value of a lab-wide setting, or its declared default."""
    return get_settings(session, key)[key]


@functools.cache
def _settings_select():
    # the mapped columns, not the table's: an ORM statement, so the session flushes a changed
    # setting before it is read back
    return select(Setting.key, Setting.value).where(Setting.key.in_(bindparam("keys", expanding=True)))


def get_settings(session: Session, *keys: str) -> dict[str, Any]:
    """Several settings in one statement: each key's stored value, or its declared default."""
    unknown = [key for key in keys if key not in SETTING_DEFAULTS]
    if unknown:
        raise KeyError(f"unknown setting {unknown[0]!r}")
    values = {key: SETTING_DEFAULTS[key] for key in keys}
    values.update(session.execute(_settings_select(), {"keys": list(keys)}).all())
    return values


def all_settings(session: Session) -> dict[str, Any]:
    """Every declared setting with its current value (stored or default)."""
    values = dict(SETTING_DEFAULTS)
    for row in session.scalars(select(Setting)):
        if row.key in values:
            values[row.key] = row.value
    return values


def set_setting(session: Session, key: str, value: Any) -> None:
    """Store a lab-wide setting (it must be declared in ``SETTING_DEFAULTS``)."""
    if key not in SETTING_DEFAULTS:
        raise ValidationError(f"未知的设置项：{key}", field=key)
    row = session.scalar(select(Setting).where(Setting.key == key))
    if row is None:
        session.add(Setting(key=key, value=value))
    elif row.value != value:
        row.value = value


# ---- the lab ---------------------------------------------------------------------------------


def organisation(session: Session) -> Organisation | None:
    """The lab record (one row, id 1), or None before it is set up."""
    return session.get(Organisation, 1)


# ---- counters --------------------------------------------------------------------------------


def next_sequence(session: Session, scope: str, count: int = 1) -> int:
    """Draw the next number of ``scope`` (e.g. a task number) and advance the counter.

    With ``count`` > 1, a block of consecutive numbers is drawn; the first is returned.

    The counter row is locked for the rest of the transaction (``SELECT … FOR UPDATE`` on
    PostgreSQL; on SQLite the transaction takes the write lock first), so two workstations
    never draw the same value; call it early in the unit of work. A counter created at the
    same moment by someone else surfaces as ``ConflictError`` on commit: try again.
    """
    conn = session.connection()
    if conn.dialect.name == "sqlite":
        raw = conn.connection.dbapi_connection
        if raw is not None and not raw.in_transaction:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
    counter = session.scalar(
        select(SampleNumberCounter)
        .where(SampleNumberCounter.scope == scope)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if count < 1:
        raise ValueError("count must be at least 1")
    if counter is None:
        session.add(SampleNumberCounter(scope=scope, next_value=1 + count))
        return 1
    value = counter.next_value
    counter.next_value = value + count
    return value


DEFAULT_TIMEZONE = "Asia/Shanghai"  # as app.timezones.DEFAULT_TIMEZONE


def lab_timezone(session: Session) -> Any:
    """The lab's time zone (setting ``display_timezone``, Asia/Shanghai by default): the one in
    which "today" and every displayed time are read, whatever the machine's own zone. Found through
    ``app.timezones.zone``, which answers even on a machine without a zone database."""
    return lab_zone(get_setting(session, "display_timezone"))


def lab_zone(name: Any) -> Any:
    """The time zone the setting ``display_timezone`` names (read by the caller), made the lab's."""
    name = str(name or DEFAULT_TIMEZONE)
    clock.set_lab_zone(name)  # so that the interface reads the same today without a query
    return zone(name)


def lab_today(session: Session) -> Any:
    """Today's date in the lab's time zone."""
    return clock.today(lab_timezone(session))

