"""Counts of approved results kept for 风险研判 across rounds (Articles 12, 13), kept by triggers.

The 风险研判 view, the analysis report's and the monthly report's cross-round section and the
risk-level evidence ask, for one product category, how many batches were tested and how many had
problems per round, test item, region, enterprise size and place type. Asked of the samples, the
question reads every result of ten rounds (a million item results at a province's size);
``risk_counts`` holds the answer already counted, a few hundred rows per task:

* one row per (task, item, division, place type, enterprise size) with ``tested`` and
  ``problems``; ``item`` "" is the row of the batches (a sample tested, ``problems_found`` a
  problem), any other ``item`` the results of that test item (a result with a judgement tested,
  ``fail`` a problem);
* a sample counts while a test report of it is ``approved`` (the report in force: an amendment
  supersedes the old one and approves the new one);
* ``division`` is the sampled party's region code, else the division digits of its USCC (""
  without either), ``size`` its enterprise size ("" unknown) — turned into names when read.

Rows are keyed by the task, not by its category and plan year, so a task's category or year
changed later needs no recount. Triggers on ``reports``, ``samples``, ``item_results`` and
``enterprises`` add and subtract the contribution of what changed, in the same transaction as
every change (services, imports, anything), on SQLite and PostgreSQL alike: the cost of approving
a report is that of its own sample, whatever the size of the history. A row may fall to zero and
stay; readers and the comparison leave zero rows out.

Not a business record (``NON_BUSINESS_TABLES``): not audited, not compared by ``audit verify``;
``riskmon db check`` compares it with the base rows (:data:`DEFINITION`) and ``riskmon db
reindex`` rebuilds it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from app.store.kept_table import KeptTable

TABLE = "risk_counts"
KEY = ("task_id", "item", "division", "place_type", "size")
_APPROVED = ("EXISTS (SELECT 1 FROM reports r WHERE r.sample_id = {x} AND r.kind = 'test' "
             "AND r.status = 'approved'{extra})")
_DIVISION = "coalesce({e}.region_code, substr({e}.uscc, 3, 6), '')"
_SIZE = "coalesce({e}.size, '')"
_PROBLEM = "CASE WHEN {s}.problems_found THEN 1 ELSE 0 END"
_FAIL = "CASE WHEN {i}.judgement = 'fail' THEN 1 ELSE 0 END"
_UPSERT = (f" ON CONFLICT ({', '.join(KEY)}) DO UPDATE SET tested = {TABLE}.tested + excluded.tested, "
           f"problems = {TABLE}.problems + excluded.problems;")
_INSERT = f"INSERT INTO {TABLE} ({', '.join(KEY)}, tested, problems) "

#: the definition: the rows the table holds, counted from the base rows (zero rows left out)
DEFINITION = (
    f"SELECT s.task_id, '' AS item, {_DIVISION.format(e='e')} AS division, s.place_type, {_SIZE.format(e='e')} AS size, "
    f"count(*) AS tested, sum({_PROBLEM.format(s='s')}) AS problems "
    "FROM samples s LEFT JOIN enterprises e ON e.id = s.sampled_party_id "
    f"WHERE {_APPROVED.format(x='s.id', extra='')} "
    f"GROUP BY s.task_id, {_DIVISION.format(e='e')}, s.place_type, {_SIZE.format(e='e')} "
    "UNION ALL "
    f"SELECT s.task_id, i.item, {_DIVISION.format(e='e')}, s.place_type, {_SIZE.format(e='e')}, count(*), "
    f"sum({_FAIL.format(i='i')}) "
    "FROM item_results i JOIN samples s ON s.id = i.sample_id LEFT JOIN enterprises e ON e.id = s.sampled_party_id "
    f"WHERE i.judgement IS NOT NULL AND {_APPROVED.format(x='s.id', extra='')} "
    f"GROUP BY s.task_id, i.item, {_DIVISION.format(e='e')}, s.place_type, {_SIZE.format(e='e')}"
)
KEPT = f"SELECT {', '.join(KEY)}, tested, problems FROM {TABLE} WHERE tested <> 0 OR problems <> 0"

SQLITE_TRIGGERS = (
    "risk_counts_reports_ai", "risk_counts_reports_au", "risk_counts_reports_ad",
    "risk_counts_samples_au",
    "risk_counts_items_ai", "risk_counts_items_au", "risk_counts_items_ad",
    "risk_counts_enterprises_au",
)
PG_FUNCTIONS = ("risk_counts_sample", "risk_counts_on_reports", "risk_counts_on_samples", "risk_counts_on_items",
                "risk_counts_on_enterprises")
PG_TRIGGERS = (("risk_counts_reports", "reports"), ("risk_counts_samples", "samples"),
               ("risk_counts_items", "item_results"), ("risk_counts_enterprises", "enterprises"))
NAMES = frozenset({TABLE, *SQLITE_TRIGGERS})
KEPT_TABLE = KeptTable(TABLE, SQLITE_TRIGGERS, PG_TRIGGERS, PG_FUNCTIONS)


# ----------------------------------------------------------------------------------- contributions
def _sample(x: str, sign: str, when: str = "") -> str:
    """SQL adding ``sign`` (1 or -1) times the whole contribution of sample ``x`` as the rows stand
    (only ``when`` that condition holds)."""
    cond = f" AND {when}" if when else ""
    return (
        f"{_INSERT}SELECT s.task_id, '', {_DIVISION.format(e='e')}, s.place_type, {_SIZE.format(e='e')}, {sign}, "
        f"{sign} * {_PROBLEM.format(s='s')} FROM samples s LEFT JOIN enterprises e ON e.id = s.sampled_party_id "
        f"WHERE s.id = {x}{cond}{_UPSERT} "
        f"{_INSERT}SELECT s.task_id, i.item, {_DIVISION.format(e='e')}, s.place_type, {_SIZE.format(e='e')}, "
        f"{sign} * count(*), {sign} * sum({_FAIL.format(i='i')}) "
        "FROM item_results i JOIN samples s ON s.id = i.sample_id LEFT JOIN enterprises e ON e.id = s.sampled_party_id "
        f"WHERE i.sample_id = {x} AND i.judgement IS NOT NULL{cond} "
        f"GROUP BY s.task_id, i.item, {_DIVISION.format(e='e')}, s.place_type, {_SIZE.format(e='e')}{_UPSERT}"
    )


def _moved_sample(row: str, sign: str) -> str:
    """SQL adding ``sign`` times the contribution of the sample row ``row`` (``old`` or ``new``:
    its own columns as they were or are), when it is approved; other tables as they stand."""
    where = f"WHERE {_APPROVED.format(x=f'{row}.id', extra='')}"
    return (
        f"{_INSERT}SELECT {row}.task_id, '', {_DIVISION.format(e='e')}, {row}.place_type, {_SIZE.format(e='e')}, "
        f"{sign}, {sign} * {_PROBLEM.format(s=row)} FROM (SELECT 1 AS one) one "
        f"LEFT JOIN enterprises e ON e.id = {row}.sampled_party_id {where}{_UPSERT} "
        f"{_INSERT}SELECT {row}.task_id, i.item, {_DIVISION.format(e='e')}, {row}.place_type, {_SIZE.format(e='e')}, "
        f"{sign} * count(*), {sign} * sum({_FAIL.format(i='i')}) "
        f"FROM item_results i LEFT JOIN enterprises e ON e.id = {row}.sampled_party_id "
        f"{where} AND i.sample_id = {row}.id AND i.judgement IS NOT NULL "
        f"GROUP BY i.item, {_DIVISION.format(e='e')}, {_SIZE.format(e='e')}{_UPSERT}"
    )


def _item(row: str, sign: str) -> str:
    """SQL adding ``sign`` times the contribution of the item result ``row`` (``old``/``new``)."""
    return (
        f"{_INSERT}SELECT s.task_id, {row}.item, {_DIVISION.format(e='e')}, s.place_type, {_SIZE.format(e='e')}, "
        f"{sign}, {sign} * {_FAIL.format(i=row)} "
        "FROM samples s LEFT JOIN enterprises e ON e.id = s.sampled_party_id "
        f"WHERE s.id = {row}.sample_id AND {row}.judgement IS NOT NULL "
        f"AND {_APPROVED.format(x='s.id', extra='')}{_UPSERT}"
    )


def _enterprise(row: str, sign: str) -> str:
    """SQL adding ``sign`` times the contribution of every approved sample of the sampled party
    ``row`` (``old``/``new``), with that row's region and size."""
    where = f"WHERE s.sampled_party_id = {row}.id AND {_APPROVED.format(x='s.id', extra='')}"
    return (
        f"{_INSERT}SELECT s.task_id, '', {_DIVISION.format(e=row)}, s.place_type, {_SIZE.format(e=row)}, "
        f"{sign} * count(*), {sign} * sum({_PROBLEM.format(s='s')}) FROM samples s {where} "
        f"GROUP BY s.task_id, s.place_type{_UPSERT} "
        f"{_INSERT}SELECT s.task_id, i.item, {_DIVISION.format(e=row)}, s.place_type, {_SIZE.format(e=row)}, "
        f"{sign} * count(*), {sign} * sum({_FAIL.format(i='i')}) "
        f"FROM item_results i JOIN samples s ON s.id = i.sample_id {where} AND i.judgement IS NOT NULL "
        f"GROUP BY s.task_id, i.item, s.place_type{_UPSERT}"
    )


def _approves(row: str) -> str:
    return f"({row}.kind = 'test' AND {row}.status = 'approved' AND {row}.sample_id IS NOT NULL)"


def _others(row: str) -> str:
    """Another test report of the same sample is approved (the sample counts whatever ``row`` is)."""
    return _APPROVED.format(x=f"{row}.sample_id", extra=f" AND r.id <> {row}.id")


# ----------------------------------------------------------------------------------- DDL
def _columns(integer: str) -> str:
    return (f"task_id {integer} NOT NULL, item VARCHAR(200) NOT NULL, division VARCHAR(12) NOT NULL, "
            f"place_type VARCHAR(16) NOT NULL, size VARCHAR(10) NOT NULL, tested {integer} NOT NULL, "
            f"problems {integer} NOT NULL, PRIMARY KEY ({', '.join(KEY)})")


OLD, NEW = "old", "new"


def _sqlite_ddl() -> list[str]:
    lose, gain = _approves("old"), _approves("new")
    return [
        f"CREATE TABLE {TABLE} ({_columns('INTEGER')}) WITHOUT ROWID",
        f"CREATE TRIGGER risk_counts_reports_ai AFTER INSERT ON reports WHEN {gain} AND NOT {_others('new')} "
        f"BEGIN {_sample('new.sample_id', '1')} END",
        # a report that stops counting, then one that starts (the same row: both, or neither)
        "CREATE TRIGGER risk_counts_reports_au AFTER UPDATE OF kind, status, sample_id ON reports "
        f"WHEN {lose} OR {gain} BEGIN "
        f"{_sample('old.sample_id', '-1', f'{lose} AND NOT {_others(OLD)}')} "
        f"{_sample('new.sample_id', '1', f'{gain} AND NOT {_others(NEW)}')} "
        "END",
        f"CREATE TRIGGER risk_counts_reports_ad AFTER DELETE ON reports WHEN {lose} AND NOT {_others('old')} "
        f"BEGIN {_sample('old.sample_id', '-1')} END",
        "CREATE TRIGGER risk_counts_samples_au AFTER UPDATE OF task_id, place_type, sampled_party_id, problems_found "
        f"ON samples BEGIN {_moved_sample('old', '-1')} {_moved_sample('new', '1')} END",
        f"CREATE TRIGGER risk_counts_items_ai AFTER INSERT ON item_results BEGIN {_item('new', '1')} END",
        "CREATE TRIGGER risk_counts_items_au AFTER UPDATE OF sample_id, item, judgement ON item_results "
        f"BEGIN {_item('old', '-1')} {_item('new', '1')} END",
        f"CREATE TRIGGER risk_counts_items_ad AFTER DELETE ON item_results BEGIN {_item('old', '-1')} END",
        "CREATE TRIGGER risk_counts_enterprises_au AFTER UPDATE OF region_code, uscc, size ON enterprises "
        f"BEGIN {_enterprise('old', '-1')} {_enterprise('new', '1')} END",
    ]


def _pg_ddl() -> list[str]:
    lose, gain = _approves("OLD"), _approves("NEW")
    fn = "RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$ BEGIN "
    return [
        f"CREATE TABLE {TABLE} ({_columns('integer')})",
        "CREATE FUNCTION risk_counts_sample(x integer, sign integer) RETURNS void LANGUAGE plpgsql "
        f"SET search_path FROM CURRENT AS $$ BEGIN {_sample('x', 'sign')} END $$",
        f"CREATE FUNCTION risk_counts_on_reports() {fn}"
        f"IF TG_OP <> 'INSERT' THEN IF {lose} AND NOT {_others('OLD')} THEN "
        "PERFORM risk_counts_sample(OLD.sample_id, -1); END IF; END IF; "
        f"IF TG_OP <> 'DELETE' THEN IF {gain} AND NOT {_others('NEW')} THEN "
        "PERFORM risk_counts_sample(NEW.sample_id, 1); END IF; END IF; RETURN NULL; END $$",
        f"CREATE FUNCTION risk_counts_on_samples() {fn}{_moved_sample('OLD', '-1')} {_moved_sample('NEW', '1')} "
        "RETURN NULL; END $$",
        f"CREATE FUNCTION risk_counts_on_items() {fn}"
        f"IF TG_OP <> 'INSERT' THEN {_item('OLD', '-1')} END IF; "
        f"IF TG_OP <> 'DELETE' THEN {_item('NEW', '1')} END IF; RETURN NULL; END $$",
        f"CREATE FUNCTION risk_counts_on_enterprises() {fn}{_enterprise('OLD', '-1')} {_enterprise('NEW', '1')} "
        "RETURN NULL; END $$",
        "CREATE TRIGGER risk_counts_reports AFTER INSERT OR DELETE OR UPDATE OF kind, status, sample_id "
        "ON reports FOR EACH ROW EXECUTE FUNCTION risk_counts_on_reports()",
        "CREATE TRIGGER risk_counts_samples AFTER UPDATE OF task_id, place_type, sampled_party_id, problems_found "
        "ON samples FOR EACH ROW EXECUTE FUNCTION risk_counts_on_samples()",
        "CREATE TRIGGER risk_counts_items AFTER INSERT OR DELETE OR UPDATE OF sample_id, item, judgement "
        "ON item_results FOR EACH ROW EXECUTE FUNCTION risk_counts_on_items()",
        "CREATE TRIGGER risk_counts_enterprises AFTER UPDATE OF region_code, uscc, size "
        "ON enterprises FOR EACH ROW EXECUTE FUNCTION risk_counts_on_enterprises()",
    ]


def install(conn: Connection) -> None:
    """Create the table and its triggers, and fill it from the rows there (migration 0012)."""
    for statement in _sqlite_ddl() if conn.dialect.name == "sqlite" else _pg_ddl():
        conn.exec_driver_sql(statement)
    conn.exec_driver_sql(f"{_INSERT}{DEFINITION}")


def uninstall(conn: Connection) -> None:
    KEPT_TABLE.drop(conn)


def present(conn: Connection) -> bool:
    return KEPT_TABLE.present(conn)


def check(conn: Connection) -> list[str]:
    """What is wrong with the kept counts (in Chinese), or nothing: the triggers are there and
    every row agrees with the counts of the base rows."""
    if not present(conn):
        return [f"风险研判计数表 {TABLE} 不存在"]
    problems = []
    missing = KEPT_TABLE.missing_triggers(conn)
    if missing:
        problems.append(f"风险研判计数表缺少触发器 {'、'.join(missing)}")
    counted = f"SELECT * FROM ({DEFINITION}) d"
    extra = conn.exec_driver_sql(f"SELECT count(*) FROM ({KEPT} EXCEPT {counted}) x").scalar()
    lacking = conn.exec_driver_sql(f"SELECT count(*) FROM ({counted} EXCEPT {KEPT}) x").scalar()
    if extra or lacking:
        problems.append(f"风险研判计数表与检验结果不一致（{max(extra, lacking)} 组计数不符）")
    return problems


def rebuild(conn: Connection) -> None:
    uninstall(conn)
    install(conn)


def ready(session: Any) -> bool:
    """Whether this session's database has the table (only a yes is remembered, per engine)."""
    return KEPT_TABLE.ready(session)
