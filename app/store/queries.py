"""Small query helpers shared by the services: settings, users, the lab record, counters."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, Connection, bindparam, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.visitors import InternalTraversal

from app import clock
from app.errors import ValidationError
from app.store.tables import SETTING_DEFAULTS
from app.store.tables import samples as _samples_table
from app.store.tables import settings as _settings_table
from app.timezones import zone

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from app.store.models import Organisation

# ---- conditions the planner must weigh right ------------------------------------------------------


class Likelihood(ColumnElement[bool]):
    """A condition and how often it is true: on SQLite ``likelihood(condition, p)``, which the query
    planner takes instead of what its statistics suggest; elsewhere the condition itself."""

    inherit_cache = True

    def __init__(self, condition: ColumnElement[bool], probability: float) -> None:
        self.condition = condition  # (no Boolean type of its own: SQLite would get "… = 1" added)
        self.probability = probability

    _traverse_internals = [("condition", InternalTraversal.dp_clauseelement),
                           ("probability", InternalTraversal.dp_plain_obj)]


@compiles(Likelihood)
def _likelihood_default(element: Likelihood, compiler: Any, **kw: Any) -> str:
    return str(compiler.process(element.condition, **kw))


@compiles(Likelihood, "sqlite")
def _likelihood_sqlite(element: Likelihood, compiler: Any, **kw: Any) -> str:
    return f"likelihood({compiler.process(element.condition, **kw)}, {float(element.probability)!r})"


def open_clock() -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    """The samples whose Article 18 clock runs (completed, not reported yet): the WHERE of the
    partial index ``ix_samples_open_clock``, which these terms make SQLite use. Its statistics count
    ``reported_date`` as a column of many distinct values and would look the NULLs up in that
    column's own index — every sample not reported, then sorted — where the partial index gives
    the open ones in deadline order (a tenth of the time with 25,000 open of 100,000)."""
    s = _samples_table.c
    return s.completed_date.is_not(None), Likelihood(s.reported_date.is_(None), 0.9)


# ---- settings --------------------------------------------------------------------------------


def get_setting(session: Session | Connection, key: str) -> Any:
    """The stored value of a lab-wide setting, or its declared default."""
    return get_settings(session, key)[key]


@functools.cache
def _settings_select(orm: bool) -> Any:
    """In a session, the mapped columns, not the table's: an ORM statement, so that the session
    flushes a changed setting before it is read back; on a plain connection (Core only, the ORM
    not loaded) the table's."""
    if orm:
        # deferred: a session means the ORM is loaded; a connection's reader does not load it
        from app.store.models import Setting

        key, value = Setting.key, Setting.value
    else:
        key, value = _settings_table.c.key, _settings_table.c.value
    return select(key, value).where(key.in_(bindparam("keys", expanding=True)))


def get_settings(session: Session | Connection, *keys: str) -> dict[str, Any]:
    """Several settings in one statement: each key's stored value, or its declared default
    (``session``: a session, or a connection for what works with Core alone)."""
    unknown = [key for key in keys if key not in SETTING_DEFAULTS]
    if unknown:
        raise KeyError(f"unknown setting {unknown[0]!r}")
    values = {key: SETTING_DEFAULTS[key] for key in keys}
    values.update(session.execute(_settings_select(not isinstance(session, Connection)), {"keys": list(keys)}).all())
    return values


def all_settings(session: Session) -> dict[str, Any]:
    """Every declared setting with its current value (stored or default)."""
    # deferred: the ORM classes load with the first session (app.store.db), not at start-up
    from app.store.models import Setting

    values = dict(SETTING_DEFAULTS)
    for row in session.scalars(select(Setting)):
        if row.key in values:
            values[row.key] = row.value
    return values


def set_setting(session: Session, key: str, value: Any) -> None:
    """Store a lab-wide setting (it must be declared in ``SETTING_DEFAULTS``)."""
    if key not in SETTING_DEFAULTS:
        raise ValidationError(f"未知的设置项：{key}", field=key)
    # deferred: the ORM classes load with the first session (app.store.db), not at start-up
    from app.store.models import Setting

    row = session.scalar(select(Setting).where(Setting.key == key))
    if row is None:
        session.add(Setting(key=key, value=value))
    elif row.value != value:
        row.value = value


# ---- the lab ---------------------------------------------------------------------------------


def organisation(session: Session) -> Organisation | None:
    """The lab record (one row, id 1), or None before it is set up."""
    # deferred: the ORM classes load with the first session (app.store.db), not at start-up
    from app.store.models import Organisation

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
    # deferred: the ORM classes load with the first session (app.store.db), not at start-up
    from app.store.models import SampleNumberCounter

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


def lab_timezone(session: Session | Connection) -> Any:
    """The lab's time zone (setting ``display_timezone``, Asia/Shanghai by default): the one in
    which "today" and every displayed time are read, whatever the machine's own zone. Found through
    ``app.timezones.zone``, which answers even on a machine without a zone database."""
    return lab_zone(get_setting(session, "display_timezone"))


def lab_zone(name: Any) -> Any:
    """The time zone the setting ``display_timezone`` names (read by the caller), made the lab's."""
    name = str(name or DEFAULT_TIMEZONE)
    clock.set_lab_zone(name)  # so that the interface reads the same today without a query
    return zone(name)


def lab_today(session: Session | Connection) -> Any:
    """Today's date in the lab's time zone."""
    return clock.today(lab_timezone(session))

