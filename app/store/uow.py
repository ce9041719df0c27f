"""Unit of work: one session per use case, rolled back unless committed.

    with UnitOfWork(db, actor="zhang") as uow:
        sample = uow.session.get(Sample, sample_id)
        sample.status = "received"
        uow.commit()

Database errors leave as :mod:`app.errors` exceptions with a Chinese message:

* a stale version (someone else saved the record first) → ``ConflictError``;
* a duplicate value of a unique field → ``ValidationError`` naming the field (``ConflictError``
  for internal keys such as number counters), other constraint failures → ``ValidationError``;
* a lost or refused connection, a locked SQLite file → ``DatabaseError``;
* a PostgreSQL deadlock or serialisation failure → ``ConflictError`` (try again).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, NoReturn

from sqlalchemy import exc as sa_exc

from app.errors import ConflictError, DatabaseError, RiskmonError, ValidationError
from app.store.tables import metadata

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from app.store.db import Database

#: Chinese names of the unique fields a user can type, by "table.column".
UNIQUE_FIELD_LABELS: dict[str, str] = {
    "users.username": "用户名",
    "enterprises.uscc": "统一社会信用代码",
    "monitoring_tasks.number": "任务编号",
    "samples.number": "样品编号",
    "reports.number": "报告编号",
    "standards.code": "标准编号",
    "standard_items.standard_id,item": "该标准中的检验项目",
    "scheme_items.scheme_id,name": "该方案中的检验项目",
    "scheme_standards.scheme_id,code": "该方案中的标准",
    "calendar_overrides.date": "该日期的节假日调整",
    "settings.key": "设置项",
    "risk_information_samples.risk_information_id,sample_id": "该风险信息与样品的关联",
}
#: Unique keys that only collide when two users act at once: a conflict, not bad input.
CONFLICT_KEYS = frozenset(
    {"sample_number_counters.scope", "sync_outbox.idempotency_key", "audit_log.hash", "audit_log.seq",
     "login_throttle.username"}
)


def _constraint_index() -> dict[str, str]:
    """Constraint/index name → "table.col1,col2" for every unique key and primary key."""
    out: dict[str, str] = {}
    for table in metadata.tables.values():
        for cons in table.constraints:
            cols = ",".join(c.name for c in getattr(cons, "columns", []))
            if cons.name and cols:
                out[str(cons.name)] = f"{table.name}.{cols}"
        for idx in table.indexes:
            if idx.unique and idx.name:
                out[str(idx.name)] = f"{table.name}." + ",".join(c.name for c in idx.columns)
    return out


_CONSTRAINTS = _constraint_index()


class UnitOfWork:
    """A session for one use case. ``actor`` (the user name) goes into the audit log."""

    def __init__(self, db: Database, actor: str) -> None:
        self.db = db
        self.actor = actor
        self._session: Session | None = None
        self.committed = False

    @property
    def session(self) -> Session:
        if self._session is None:
            raise RuntimeError("UnitOfWork used outside its 'with' block")
        return self._session

    def __enter__(self) -> UnitOfWork:
        self._session = self.db.session()
        self._session.info["actor"] = self.actor
        self.committed = False
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        session = self._session
        self._session = None
        if session is None:
            return
        try:
            if session.in_transaction():
                session.rollback()
        except sa_exc.SQLAlchemyError:
            pass  # the connection is gone: nothing to roll back
        finally:
            session.close()
        if isinstance(exc, sa_exc.SQLAlchemyError):
            translated = translate_error(exc, self.db)
            if translated is not None:
                raise translated from exc

    def commit(self) -> None:
        try:
            self.session.commit()
        except sa_exc.SQLAlchemyError as exc:
            self._rollback_quietly()
            raise_translated(exc, self.db)
        self.committed = True

    def flush(self) -> None:
        """Write pending changes now (e.g. to get new ids); errors are translated."""
        try:
            self.session.flush()
        except sa_exc.SQLAlchemyError as exc:
            self._rollback_quietly()
            raise_translated(exc, self.db)

    def rollback(self) -> None:
        self.session.rollback()

    def _rollback_quietly(self) -> None:
        try:
            self.session.rollback()
        except sa_exc.SQLAlchemyError:
            pass


class CoreUnit:
    """One transaction on a plain connection for a use case that reads and writes with Core
    statements only (sign-in and the first page at start-up): no session, so the ORM need not be
    loaded. ``conn`` answers ``execute``/``scalar``/``scalars`` as a session does; a change is
    audited by the caller (``app.store.audit.record_updates`` …), as the upload worker's are.
    Nothing is kept unless :meth:`commit` is called; errors leave as :mod:`app.errors` exceptions,
    as from a :class:`UnitOfWork`."""

    def __init__(self, db: Database, actor: str) -> None:
        self.db = db
        self.actor = actor
        self._conn: Any = None
        self._tx: Any = None

    @property
    def conn(self) -> Any:
        if self._conn is None:
            raise RuntimeError("CoreUnit used outside its 'with' block")
        return self._conn

    def __enter__(self) -> CoreUnit:
        try:
            self._conn = self.db.engine.connect()
            self._tx = self._conn.begin()
        except sa_exc.SQLAlchemyError as exc:
            self._close()
            raise_translated(exc, self.db)
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._close()
        if isinstance(exc, sa_exc.SQLAlchemyError):
            translated = translate_error(exc, self.db)
            if translated is not None:
                raise translated from exc

    def commit(self) -> None:
        try:
            self._tx.commit()
        except sa_exc.SQLAlchemyError as exc:
            self._close()
            raise_translated(exc, self.db)

    def _close(self) -> None:
        conn, tx, self._conn, self._tx = self._conn, self._tx, None, None
        try:
            if tx is not None and tx.is_active:
                tx.rollback()
        except sa_exc.SQLAlchemyError:
            pass  # the connection is gone: nothing to roll back
        finally:
            if conn is not None:
                try:
                    conn.close()
                except sa_exc.SQLAlchemyError:
                    pass


# --------------------------------------------------------------------------------------------
# Error translation
# --------------------------------------------------------------------------------------------

_SQLITE_UNIQUE = re.compile(r"UNIQUE constraint failed: (.+)$")
_SQLITE_NOT_NULL = re.compile(r"NOT NULL constraint failed: (\w+)\.(\w+)")
_SQLITE_CHECK = re.compile(r"CHECK constraint failed: (\w+)")


def raise_translated(exc: BaseException, db: Database | None = None) -> NoReturn:
    """Raise the user-facing error for ``exc`` (:func:`translate_error`), or ``exc`` itself when it
    is a bug; called in the ``except`` block that caught it."""
    translated = translate_error(exc, db)
    if translated is None:
        raise exc
    raise translated from exc


def translate_error(exc: BaseException, db: Database | None = None) -> RiskmonError | None:
    """The user-facing error for a SQLAlchemy exception, or None when it is a bug. ``db`` (when
    given) lets a full disk name the folder of the SQLite file."""
    if isinstance(exc, RiskmonError):
        return exc
    if _stale(exc):
        return ConflictError()
    if isinstance(exc, sa_exc.IntegrityError):
        return _integrity_error(exc)
    if isinstance(exc, sa_exc.DBAPIError):
        orig = exc.orig
        sqlstate = getattr(orig, "sqlstate", None)
        if sqlstate in ("40001", "40P01"):
            return ConflictError("其他用户正在同时修改相同的记录，请重试。")
        text = str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__
        low = text.lower()
        if "locked" in low or "busy" in low:
            return DatabaseError("数据库正忙（被其他程序或窗口锁定），请稍后重试。")
        if _disk_full(orig, low, sqlstate):  # not a network problem: say so before the catch-all below
            return _disk_full_error(db)
        if "readonly" in low or "read-only" in low or sqlstate == "25006":
            where = getattr(db, "sqlite_path", None) if db is not None else None
            place = f"数据库文件 {where}" if where is not None else "数据库"
            return DatabaseError(f"{place}只读（文件或其所在文件夹不可写，或以只读方式打开），本次修改未保存。"
                                 "请检查文件权限，或改用可写入的数据目录。")
        if exc.connection_invalidated or isinstance(exc, sa_exc.OperationalError | sa_exc.InterfaceError):
            return DatabaseError(f"数据库连接失败或已中断：{text}。请检查网络和数据库服务器后重试。")
        return None
    return None


def _stale(exc: BaseException) -> bool:
    """The ORM's version check failed (``StaleDataError``): someone changed the row meanwhile. Only
    a session raises it, so the ORM is loaded whenever it can happen; what works with Core alone
    does not load it for this check."""
    orm_exc = sys.modules.get("sqlalchemy.orm.exc")
    return orm_exc is not None and isinstance(exc, orm_exc.StaleDataError)


def _disk_full(orig: object, low: str, sqlstate: str | None) -> bool:
    """SQLite's SQLITE_FULL ("database or disk is full"), PostgreSQL's disk_full (53100), ENOSPC."""
    return (getattr(orig, "sqlite_errorcode", None) == 13 or sqlstate == "53100" or "disk is full" in low
            or "no space left on device" in low or "disk quota exceeded" in low)


def _disk_full_error(db: Database | None) -> DatabaseError:
    path = getattr(db, "sqlite_path", None) if db is not None else None
    if path is not None:
        return DatabaseError(f"磁盘空间不足：数据库所在的文件夹 {Path(path).resolve().parent} 所在磁盘已满，"
                             "本次操作未保存。请清理磁盘空间后重试。")
    if db is not None and getattr(db, "is_sqlite", False):
        return DatabaseError("磁盘空间不足：临时文件所在的磁盘已满，本次操作未保存。请清理磁盘空间后重试。")
    return DatabaseError("数据库服务器磁盘空间不足，本次操作未保存。请联系数据库管理员清理空间后重试。")


def _integrity_error(exc: sa_exc.IntegrityError) -> RiskmonError:
    orig: Any = exc.orig
    sqlstate = getattr(orig, "sqlstate", None)
    msg = str(orig)
    diag = getattr(orig, "diag", None)
    constraint = getattr(diag, "constraint_name", None) if diag else None

    key: str | None = None
    if sqlstate == "23505" or "UNIQUE constraint failed" in msg:
        if constraint:
            key = _CONSTRAINTS.get(constraint)
        else:
            m = _SQLITE_UNIQUE.search(msg)
            if m:
                parts = [p.strip() for p in m.group(1).split(",")]
                table = parts[0].split(".")[0]
                key = table + "." + ",".join(p.split(".", 1)[1] for p in parts)
        if key in CONFLICT_KEYS:
            return ConflictError("其他用户同时创建了相同的记录，请重试。")
        label = UNIQUE_FIELD_LABELS.get(key or "")
        field = key.split(".", 1)[1] if key and "," not in key else None
        if label:
            return ValidationError(f"{label}已存在，不能重复。", field=field)
        return ValidationError(f"记录重复：{key or msg.splitlines()[0]}。", field=field)
    if sqlstate == "23503" or "FOREIGN KEY constraint failed" in msg:
        return ValidationError("引用的记录不存在，或该记录仍被其他记录引用，不能删除。")
    if sqlstate == "23502" or "NOT NULL constraint failed" in msg:
        column = getattr(diag, "column_name", None) if diag else None
        m = _SQLITE_NOT_NULL.search(msg)
        if m:
            column = m.group(2)
        return ValidationError(f"必填项缺少：{column or '未知字段'}。", field=column)
    if sqlstate == "23514" or "CHECK constraint failed" in msg:
        name = constraint
        m = _SQLITE_CHECK.search(msg)
        if m:
            name = m.group(1)
        return ValidationError(f"取值不在允许范围内（{name or '检查约束'}）。")
    return ValidationError(f"数据不符合数据库约束：{msg.splitlines()[0] if msg else type(orig).__name__}。")
