"""The problem samples still awaiting a notice (待告知), kept by triggers for the dashboard.

The dashboard shows how many samples whose issued report found problems have no notice sent yet
(Article 18 ¶2). Asked of the samples, that question reads every problem sample of the lab's
history (tens of thousands at a province's size) to find the few still open; ``notice_backlog``
holds exactly those few: a sample id is in it when the sample has problems, its report is issued
(``approved`` or ``reported``) and none of its notifications has a sent date. Triggers on
``samples`` and ``notifications`` recompute a sample's entry in the same transaction as every
change that could alter it (services, imports, anything), on SQLite and PostgreSQL alike.

Not a business record (``NON_BUSINESS_TABLES``): not audited, not compared by ``audit verify``;
``riskmon db check`` compares it with its definition and ``riskmon db reindex`` rebuilds it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from app.store.kept_table import KeptTable

TABLE = "notice_backlog"
_ISSUED = "('approved', 'reported')"
#: the definition: the sample ids that belong in the table
DEFINITION = (
    f"SELECT s.id FROM samples s WHERE s.problems_found AND s.status IN {_ISSUED} AND NOT EXISTS "
    "(SELECT 1 FROM notifications n WHERE n.sample_id = s.id AND n.sent_date IS NOT NULL)"
)
SQLITE_TRIGGERS = ("notice_backlog_samples_ai", "notice_backlog_samples_au", "notice_backlog_samples_ad",
                   "notice_backlog_notifications_ai", "notice_backlog_notifications_au",
                   "notice_backlog_notifications_ad")
PG_FUNCTIONS = ("notice_backlog_refresh", "notice_backlog_on_samples", "notice_backlog_on_notifications")
PG_TRIGGERS = (("notice_backlog_samples", "samples"), ("notice_backlog_notifications", "notifications"))
NAMES = frozenset({TABLE, *SQLITE_TRIGGERS})
KEPT_TABLE = KeptTable(TABLE, SQLITE_TRIGGERS, PG_TRIGGERS, PG_FUNCTIONS)


def _refresh(x: str) -> str:
    """SQL putting sample ``x`` in the table or out of it, by the definition."""
    return (f"DELETE FROM {TABLE} WHERE sample_id = {x}; "
            f"INSERT INTO {TABLE} (sample_id) SELECT s.id FROM samples s WHERE s.id = {x} AND s.problems_found "
            f"AND s.status IN {_ISSUED} AND NOT EXISTS (SELECT 1 FROM notifications n WHERE n.sample_id = s.id "
            "AND n.sent_date IS NOT NULL);")


def _sqlite_ddl() -> list[str]:
    return [
        f"CREATE TABLE {TABLE} (sample_id INTEGER PRIMARY KEY)",
        f"CREATE TRIGGER notice_backlog_samples_ai AFTER INSERT ON samples BEGIN {_refresh('new.id')} END",
        "CREATE TRIGGER notice_backlog_samples_au AFTER UPDATE OF id, problems_found, status ON samples "
        f"BEGIN DELETE FROM {TABLE} WHERE sample_id = old.id; {_refresh('new.id')} END",
        f"CREATE TRIGGER notice_backlog_samples_ad AFTER DELETE ON samples BEGIN "
        f"DELETE FROM {TABLE} WHERE sample_id = old.id; END",
        f"CREATE TRIGGER notice_backlog_notifications_ai AFTER INSERT ON notifications BEGIN "
        f"{_refresh('new.sample_id')} END",
        "CREATE TRIGGER notice_backlog_notifications_au AFTER UPDATE OF sample_id, sent_date ON notifications "
        f"BEGIN {_refresh('old.sample_id')} {_refresh('new.sample_id')} END",
        f"CREATE TRIGGER notice_backlog_notifications_ad AFTER DELETE ON notifications BEGIN "
        f"{_refresh('old.sample_id')} END",
    ]


def _pg_ddl() -> list[str]:
    return [
        f"CREATE TABLE {TABLE} (sample_id integer PRIMARY KEY)",
        "CREATE FUNCTION notice_backlog_refresh(x integer) RETURNS void LANGUAGE plpgsql "
        f"SET search_path FROM CURRENT AS $$ BEGIN {_refresh('x')} END $$",
        "CREATE FUNCTION notice_backlog_on_samples() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT "
        f"AS $$ BEGIN IF TG_OP <> 'INSERT' THEN DELETE FROM {TABLE} WHERE sample_id = OLD.id; END IF; "
        "IF TG_OP <> 'DELETE' THEN PERFORM notice_backlog_refresh(NEW.id); END IF; RETURN NULL; END $$",
        "CREATE FUNCTION notice_backlog_on_notifications() RETURNS trigger LANGUAGE plpgsql "
        "SET search_path FROM CURRENT AS $$ BEGIN "
        "IF TG_OP <> 'INSERT' THEN PERFORM notice_backlog_refresh(OLD.sample_id); END IF; "
        "IF TG_OP <> 'DELETE' THEN PERFORM notice_backlog_refresh(NEW.sample_id); END IF; RETURN NULL; END $$",
        "CREATE TRIGGER notice_backlog_samples AFTER INSERT OR DELETE OR UPDATE OF id, problems_found, status "
        "ON samples FOR EACH ROW EXECUTE FUNCTION notice_backlog_on_samples()",
        "CREATE TRIGGER notice_backlog_notifications AFTER INSERT OR DELETE OR UPDATE OF sample_id, sent_date "
        "ON notifications FOR EACH ROW EXECUTE FUNCTION notice_backlog_on_notifications()",
    ]


def install(conn: Connection) -> None:
    """Create the table and its triggers, and fill it from the rows there (migration 0011)."""
    for statement in _sqlite_ddl() if conn.dialect.name == "sqlite" else _pg_ddl():
        conn.exec_driver_sql(statement)
    conn.exec_driver_sql(f"INSERT INTO {TABLE} (sample_id) {DEFINITION}")


def uninstall(conn: Connection) -> None:
    KEPT_TABLE.drop(conn)


def present(conn: Connection) -> bool:
    return KEPT_TABLE.present(conn)


def check(conn: Connection) -> list[str]:
    """What is wrong with the table (in Chinese), or nothing."""
    if not present(conn):
        return [f"待告知样品表 {TABLE} 不存在"]
    problems = []
    missing = KEPT_TABLE.missing_triggers(conn)
    if missing:
        problems.append(f"待告知样品表缺少触发器 {'、'.join(missing)}")
    extra = conn.exec_driver_sql(f"SELECT count(*) FROM (SELECT sample_id FROM {TABLE} EXCEPT {DEFINITION}) x").scalar()
    lacking = conn.exec_driver_sql(f"SELECT count(*) FROM ({DEFINITION} EXCEPT SELECT sample_id FROM {TABLE}) x").scalar()
    if extra or lacking:
        problems.append(f"待告知样品表与样品和告知记录不一致（多 {extra} 条，少 {lacking} 条）")
    return problems


def rebuild(conn: Connection) -> None:
    uninstall(conn)
    install(conn)


def ready(session: Any) -> bool:
    """Whether this session's database has the table (only a yes is remembered, per engine)."""
    return KEPT_TABLE.ready(session)
