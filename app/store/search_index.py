"""The text index of the sample list (样品列表的全文索引): trigrams of the texts a filter looks in.

The sample list's text filter looks for each word in the sample number, product name, brand,
model (规格型号) and batch number, and in the name and USCC of the sampled party, nominal
producer and platform operator. A scan of every sample is fine at 10,000 rows and not at a
province's 1,000,000; so words of three or more characters first ask a trigram index for the
*candidates*, and the list's own ``LIKE`` conditions are then applied to those rows only. The
index never decides a result: it only has to find a superset of the rows ``LIKE`` finds
(trigrams fold the case of non-ASCII letters, ``LIKE`` on SQLite does not, so the index may
give a few rows more, never fewer).

* **SQLite**: two FTS5 tables with the ``trigram`` tokenizer, external-content over ``samples``
  and ``enterprises`` (the text is not stored twice), kept current by triggers in the same
  transaction as every insert, update and delete, whoever writes (services, imports, the demo).
  ``check`` runs FTS5's integrity check against the base tables and looks for the triggers
  (a table rebuilt by a later migration loses its triggers); ``rebuild`` recreates everything
  from the base tables.
* **PostgreSQL**: GIN ``gin_trgm_ops`` indexes on the same columns, which ``ILIKE`` uses
  directly. The ``pg_trgm`` extension is created where the role may; where it may not, the
  indexes are left out and a notice is logged and shown: the filter then scans, with the same
  results.

These tables and triggers are not business records: they are not audited, ``audit verify`` does
not compare them (``NON_BUSINESS_TABLES``), and the schema comparison of the migrations skips
them (:data:`INDEX_NAMES`).
"""

from __future__ import annotations

import logging
import weakref
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, text

from app.store import notice_backlog, risk_counts

log = logging.getLogger(__name__)

#: A word shorter than this is never looked up in the index: trigrams need three characters (and
#: SQLite 3.40's trigram tokenizer wrongly finds nothing for a two-character CJK ``LIKE``).
MIN_INDEXED = 3

SAMPLE_COLUMNS = ("number", "product_name", "brand", "model_spec", "batch_number")
ENTERPRISE_COLUMNS = ("name", "uscc")

SAMPLES_FTS = "samples_fts"
ENTERPRISES_FTS = "enterprises_fts"
_FTS = {SAMPLES_FTS: ("samples", SAMPLE_COLUMNS), ENTERPRISES_FTS: ("enterprises", ENTERPRISE_COLUMNS)}
_SHADOW = ("data", "idx", "docsize", "config")
#: Every table of the index, shadow tables included (SQLite), and the dashboard's table of the
#: problem samples awaiting a notice (:mod:`app.store.notice_backlog`, kept the same way).
INDEX_TABLES = frozenset(
    [*_FTS] + [f"{name}_{suffix}" for name in _FTS for suffix in _SHADOW] + [notice_backlog.TABLE, risk_counts.TABLE]
)
TRIGGERS = frozenset(f"{name}_{op}" for name in _FTS for op in ("ai", "ad", "au"))
PG_EXTENSION = "pg_trgm"
#: PostgreSQL: (index name, table, column)
PG_INDEXES = tuple(
    [(f"ix_samples_{c}_trgm", "samples", c) for c in SAMPLE_COLUMNS]
    + [(f"ix_enterprises_{c}_trgm", "enterprises", c) for c in ENTERPRISE_COLUMNS]
)
#: Names the comparison of the migrated schema with the models leaves out.
INDEX_NAMES = frozenset(INDEX_TABLES | {name for name, _t, _c in PG_INDEXES} | notice_backlog.NAMES
                        | risk_counts.NAMES)



def include_name(name: str | None, type_: str, parent_names: Any) -> bool:
    """For alembic's schema comparison (``include_name``): leave the text index out (it is made by
    migration 0011 and ``db reindex``, not described by the models)."""
    return name not in INDEX_NAMES


NOTICE_NO_FTS = (
    "本机的 SQLite 不支持 FTS5 trigram 全文索引（{detail}）：样品列表的文字筛选不使用索引，结果不变，"
    "样品很多时会较慢。换用带较新 SQLite（3.34 及以上）的程序版本后运行 riskmon db reindex。"
)
NOTICE_NO_TRGM = (
    "PostgreSQL 未能启用 pg_trgm 扩展（{detail}）：样品列表的文字筛选不使用索引，结果不变，"
    "样品很多时会较慢。请数据库管理员在该数据库中运行 CREATE EXTENSION pg_trgm; 后再运行 riskmon db reindex。"
)


# ----------------------------------------------------------------------------------- SQLite DDL
def _sqlite_ddl(name: str) -> list[str]:
    table, columns = _FTS[name]
    cols = ", ".join(columns)
    new = ", ".join(f"new.{c}" for c in columns)
    old = ", ".join(f"old.{c}" for c in columns)
    delete = f"INSERT INTO {name}({name}, rowid, {cols}) VALUES ('delete', old.id, {old});"
    insert = f"INSERT INTO {name}(rowid, {cols}) VALUES (new.id, {new});"
    return [
        f"CREATE VIRTUAL TABLE {name} USING fts5({cols}, content='{table}', content_rowid='id', "
        "tokenize='trigram')",
        f"CREATE TRIGGER {name}_ai AFTER INSERT ON {table} BEGIN {insert} END",
        f"CREATE TRIGGER {name}_ad AFTER DELETE ON {table} BEGIN {delete} END",
        f"CREATE TRIGGER {name}_au AFTER UPDATE OF id, {cols} ON {table} BEGIN {delete} {insert} END",
        f"INSERT INTO {name}({name}) VALUES ('rebuild')",
    ]


def _sqlite_drop(conn: Connection) -> None:
    for name in _FTS:
        for op in ("ai", "ad", "au"):
            conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}_{op}")
    existing = _sqlite_names(conn)
    for name in _FTS:
        if name in existing:
            conn.exec_driver_sql(f"DROP TABLE {name}")
        for suffix in _SHADOW:  # left behind when the virtual table itself was broken
            if f"{name}_{suffix}" in existing and name not in existing:
                conn.exec_driver_sql(f"DROP TABLE {name}_{suffix}")


def _sqlite_names(conn: Connection) -> set[str]:
    return set(conn.exec_driver_sql("SELECT name FROM sqlite_master").scalars())


# ----------------------------------------------------------------------------------- PostgreSQL
def _pg_trgm_schema(conn: Connection) -> str | None:
    return conn.execute(
        text("SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
             "WHERE e.extname = :name"),
        {"name": PG_EXTENSION},
    ).scalar()


def _pg_enable(conn: Connection) -> tuple[str | None, str]:
    """The schema of pg_trgm, creating the extension where allowed; (None, why) where not.

    Tried in ``public`` first (one copy for every schema of the database), then in the current
    schema; each attempt in a savepoint, so a refusal leaves the migration's transaction usable.
    """
    schema = _pg_trgm_schema(conn)
    if schema:
        return schema, ""
    detail = ""
    for where in (" SCHEMA public", ""):
        try:
            with conn.begin_nested():
                conn.exec_driver_sql(f'CREATE EXTENSION IF NOT EXISTS "{PG_EXTENSION}"{where}')
        except Exception as exc:  # no privilege, not installed on the server, no such schema
            detail = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
            continue
        return _pg_trgm_schema(conn), ""
    return None, detail


def _pg_create(conn: Connection, schema: str) -> None:
    for name, table, column in PG_INDEXES:
        conn.exec_driver_sql(
            f'CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({column} "{schema}".gin_trgm_ops)'
        )


def _pg_drop(conn: Connection) -> None:
    for name, _table, _column in PG_INDEXES:
        conn.exec_driver_sql(f"DROP INDEX IF EXISTS {name}")


def _pg_present(conn: Connection) -> set[str]:
    names = [name for name, _t, _c in PG_INDEXES]
    rows = conn.execute(
        text("SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND indexname = ANY(:n)"),
        {"n": names},
    ).scalars()
    return set(rows)


# ----------------------------------------------------------------------------------- install / check
def install_all(conn: Connection) -> str:
    """Migration 0011: the text index and the notice backlog, filled from the rows there. Returns
    a notice for the user, or "" (PostgreSQL without pg_trgm: the notice is also logged)."""
    notice_backlog.install(conn)
    return install(conn)


def install(conn: Connection) -> str:
    """Create the text index on a migrated schema and fill it from the rows there.

    Returns a notice for the user, or "" (PostgreSQL without pg_trgm: the notice is also logged).
    """
    if conn.dialect.name == "sqlite":
        missing = _sqlite_without_trigram(conn)
        if missing:
            notice = NOTICE_NO_FTS.format(detail=missing)
            log.warning("%s", notice)
            return notice
        for name in _FTS:
            for statement in _sqlite_ddl(name):
                conn.exec_driver_sql(statement)
        return ""
    return _pg_install(conn)


def _sqlite_without_trigram(conn: Connection) -> str:
    """Why this SQLite cannot hold the index (FTS5 with the trigram tokenizer, SQLite 3.34 or
    newer), or "" when it can."""
    try:
        conn.exec_driver_sql("CREATE VIRTUAL TABLE temp.riskmon_fts_probe USING fts5(x, tokenize='trigram')")
        conn.exec_driver_sql("DROP TABLE temp.riskmon_fts_probe")
    except Exception as exc:
        version = conn.exec_driver_sql("SELECT sqlite_version()").scalar()
        return f"SQLite {version}：{str(getattr(exc, 'orig', None) or exc).strip().splitlines()[0]}"
    return ""


def _pg_install(conn: Connection) -> str:
    schema, detail = _pg_enable(conn)
    if schema is None:
        notice = NOTICE_NO_TRGM.format(detail=detail or "没有权限")
        log.warning("%s", notice)
        return notice
    _pg_create(conn, schema)
    return ""


def uninstall(conn: Connection) -> None:
    """Drop the index and the notice backlog (the downgrade of migration 0011). The extension
    stays: others may use it."""
    notice_backlog.uninstall(conn)
    if conn.dialect.name == "sqlite":
        _sqlite_drop(conn)
    else:
        _pg_drop(conn)


@dataclass(frozen=True)
class IndexCheck:
    """What ``riskmon db check`` found: ``problems`` empty when the index is sound."""

    backend: str
    problems: tuple[str, ...]
    detail: str = ""  # what was checked, in words

    @property
    def ok(self) -> bool:
        return not self.problems


def check(conn: Connection) -> IndexCheck:
    """Whether the index (and the notice backlog) is present, complete and agrees with the base tables."""
    problems: list[str] = [*notice_backlog.check(conn), *risk_counts.check(conn)]
    if conn.dialect.name == "sqlite":
        names = _sqlite_names(conn)
        for name, (table, _columns) in _FTS.items():
            if name not in names:
                problems.append(f"全文索引 {name} 不存在")
                continue
            missing = sorted(t for t in (f"{name}_ai", f"{name}_ad", f"{name}_au") if t not in names)
            if missing:
                problems.append(f"全文索引 {name} 缺少触发器 {'、'.join(missing)}（{table} 的改动不再进入索引）")
            try:  # rank 1: also compare with the base table (external content); writes nothing
                conn.exec_driver_sql(f"INSERT INTO {name}({name}, rank) VALUES ('integrity-check', 1)")
            except Exception as exc:
                detail = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
                problems.append(f"全文索引 {name} 与 {table} 不一致或已损坏（{detail}）")
        return IndexCheck("sqlite", tuple(problems), "FTS5 trigram：samples_fts、enterprises_fts；待告知样品表；风险研判计数表")
    schema = _pg_trgm_schema(conn)
    if schema is None:
        problems.append("pg_trgm 扩展未启用：文字筛选不使用索引（结果不变，较慢）")
    else:
        present = _pg_present(conn)
        missing = [name for name, _t, _c in PG_INDEXES if name not in present]
        if missing:
            problems.append(f"缺少 pg_trgm 索引 {'、'.join(missing)}")
        invalid = conn.execute(
            text("SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                 "JOIN pg_namespace n ON n.oid = c.relnamespace "
                 "WHERE n.nspname = current_schema() AND c.relname = ANY(:n) AND NOT i.indisvalid"),
            {"n": [name for name, _t, _c in PG_INDEXES]},
        ).scalars().all()
        if invalid:
            problems.append(f"pg_trgm 索引无效 {'、'.join(invalid)}")
    return IndexCheck("postgresql", tuple(problems), "pg_trgm GIN：samples、enterprises 的文字列；待告知样品表；风险研判计数表")


def rebuild(conn: Connection) -> str:
    """Drop and recreate the index and the notice backlog from the base tables (``riskmon db
    reindex``). Returns a notice (PostgreSQL without pg_trgm), or ""."""
    notice_backlog.rebuild(conn)
    risk_counts.rebuild(conn)
    if conn.dialect.name == "sqlite":
        _sqlite_drop(conn)
        return install(conn)
    _pg_drop(conn)
    return _pg_install(conn)


# ----------------------------------------------------------------------------------- use by queries
_READY: weakref.WeakKeyDictionary[Any, bool] = weakref.WeakKeyDictionary()
_TOLD: weakref.WeakSet[Any] = weakref.WeakSet()


def ready(session: Any) -> bool:
    """Whether queries on this session's database may ask the index (it exists). Only a yes is
    remembered per engine: a database without the index is asked again next time (cheaply), so
    an index made by ``db reindex`` is used from then on."""
    bind = session.get_bind()
    engine = getattr(bind, "engine", bind)
    if _READY.get(engine):
        return True
    conn = session.connection()
    if conn.dialect.name == "sqlite":
        found = {SAMPLES_FTS, ENTERPRISES_FTS} <= _sqlite_names(conn)
    else:
        found = len(_pg_present(conn)) == len(PG_INDEXES)
        if not found and engine not in _TOLD:
            _TOLD.add(engine)
            log.warning("PostgreSQL: the pg_trgm indexes of the sample list are missing; text filters scan")
    if found:
        _READY[engine] = True
    return found


def forget(engine: Any) -> None:
    """Ask again whether the index exists (after it was dropped, e.g. in tests)."""
    _READY.pop(engine, None)


def _caseless(ch: str) -> bool:
    o = ord(ch)
    if o < 0x80:
        return not ch.isalpha() and ch.isprintable()  # digits, punctuation, symbols
    return (0x3000 <= o <= 0x303F or 0x3400 <= o <= 0x4DBF or 0x4E00 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF
            or 0x20000 <= o <= 0x2FA1F  # CJK punctuation and ideographs
            or 0xFF01 <= o <= 0xFF20 or 0xFF3B <= o <= 0xFF40 or 0xFF5B <= o <= 0xFF65)  # full-width, no letters


def exact(word: str) -> bool:
    """Whether the trigram index finds exactly the texts ``LIKE '%word%'`` finds (SQLite).

    True when no character of ``word`` has a case: CJK ideographs and punctuation, ASCII digits
    and punctuation. No character folds to one of these, and ``LIKE`` folds none of them, so
    "the folded text contains the word" and "the text contains the word" are the same test.
    (ASCII letters are left out: U+212A KELVIN SIGN folds to ``k`` for trigrams, not for LIKE.)
    """
    return len(word) >= MIN_INDEXED and all(_caseless(ch) for ch in word)


def fts_phrase(word: str) -> str:
    """An FTS5 query for ``word`` as one phrase: every character literal (quotes doubled)."""
    return '"' + word.replace('"', '""') + '"'
