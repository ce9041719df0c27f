"""What the tables kept by triggers have in common (``notice_backlog``, ``risk_counts``).

Each such table answers one question of the dashboard or the 风险研判 view from a few rows instead
of the lab's whole history, and is kept current by triggers in the same transaction as the change
that alters it, on SQLite and PostgreSQL alike. The module that owns a table says what it holds
(its definition, its triggers); this one drops it, says whether it is there, and lists the
triggers that are missing, for ``riskmon db check`` and ``riskmon db reindex``.
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection


class KeptTable:
    """A table kept by triggers: its name, its SQLite triggers, and its PostgreSQL triggers (name,
    table) with the functions they call."""

    def __init__(self, table: str, sqlite_triggers: Sequence[str], pg_triggers: Sequence[tuple[str, str]],
                 pg_functions: Sequence[str]) -> None:
        self.table = table
        self.sqlite_triggers = tuple(sqlite_triggers)
        self.pg_triggers = tuple(pg_triggers)
        self.pg_functions = tuple(pg_functions)
        self._ready: weakref.WeakKeyDictionary[Any, bool] = weakref.WeakKeyDictionary()

    def drop(self, conn: Connection) -> None:
        """The triggers, their functions and the table, whichever of them are there."""
        if conn.dialect.name == "sqlite":
            for name in self.sqlite_triggers:
                conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
        else:
            for name, table in self.pg_triggers:
                conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name} ON {table}")
            for name in reversed(self.pg_functions):
                conn.exec_driver_sql(f"DROP FUNCTION IF EXISTS {name}")
        conn.exec_driver_sql(f"DROP TABLE IF EXISTS {self.table}")

    def present(self, conn: Connection) -> bool:
        if conn.dialect.name == "sqlite":
            names = set(conn.exec_driver_sql("SELECT name FROM sqlite_master").scalars())
            return self.table in names
        return conn.exec_driver_sql(f"SELECT to_regclass('{self.table}') IS NOT NULL").scalar() is True

    def missing_triggers(self, conn: Connection) -> list[str]:
        """The table's triggers that are not in the database (PostgreSQL: in its own schema)."""
        if conn.dialect.name == "sqlite":
            names = set(conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'trigger'").scalars())
            return [t for t in self.sqlite_triggers if t not in names]
        names = set(conn.exec_driver_sql(
            "SELECT t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE NOT t.tgisinternal AND n.nspname = current_schema()"
        ).scalars())
        return [t for t, _table in self.pg_triggers if t not in names]

    def ready(self, session: Any) -> bool:
        """Whether this session's database has the table (only a yes is remembered, per engine);
        ``session``: a session, or a connection."""
        if isinstance(session, Connection):
            engine, conn = session.engine, session
        else:
            bind = session.get_bind()
            engine, conn = getattr(bind, "engine", bind), session.connection()
        if self._ready.get(engine):
            return True
        found = self.present(conn)
        if found:
            self._ready[engine] = True
        return found
