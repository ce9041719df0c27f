"""Engine bootstrap, schema migrations and backups.

Nothing here runs at import: callers build a :class:`Database` with :func:`bootstrap`.

* SQLite (the embedded default, ``riskmon.db`` in the user data folder): WAL journal, foreign
  keys on, a 10 s busy timeout, set on every connection.
* PostgreSQL (several workstations, ``RISKMON_DATABASE_URL`` read by the caller): a short
  connect timeout so a server that is down fails fast with a clear message.

Schema changes go through Alembic only (``db/``). :meth:`Database.upgrade` migrates in one
transaction on both backends: on SQLite through a connection of its own on which the driver opens
no transaction by itself and the engine emits ``BEGIN IMMEDIATE`` (SQLAlchemy's recipe for
transactional DDL with pysqlite, see :func:`_sqlite_transaction_engine`), so a ``CREATE TABLE``
is undone with the rest when the migration fails or the process is killed. An existing SQLite
file is also copied to ``home/backups/`` first, and a marker ``riskmon.db.upgrading`` next to it
says a migration is under way: found at the next start, it is checked (and the backup put back if
the file is not as before) and removed.

A SQLite file in a folder (or a file) this user may not write is opened read-only: reading works,
writing fails with a message that says so (:meth:`Database.require_writable`). A relative path in
an explicit ``sqlite:///name.db`` URL opens an existing file (with a notice naming the absolute
path) but creates none unless the caller allows it (``riskmon db upgrade``).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import URL, make_url

from app import clock
from app.config import default_home as _default_home
from app.errors import DatabaseError
from app.fileio import atomic_path, no_space_message
from app.logs import migration_logging
from app.resources import migrations_path
from app.store import audit
from app.store.tables import metadata, postgresql_options
from app.store.uow import UnitOfWork

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

DB_FILENAME = "riskmon.db"
BACKUP_DIRNAME = "backups"
UPGRADE_MARKER_SUFFIX = ".upgrading"  # riskmon.db.upgrading: a migration of riskmon.db is under way
SQLITE_BUSY_TIMEOUT_S = 10
PG_CONNECT_TIMEOUT_S = 5
_SESSION_FACTORY_LOCK = threading.Lock()
_PG_MIGRATION_LOCK = 0x52_49_53_4B_4D_4F_4E_01  # "RISKMON" + 1: serialises concurrent upgrades

SchemaState = Literal["missing", "behind", "current", "newer"]
SqliteMode = Literal["rw", "ro", "immutable"]


def default_home() -> Path:
    """The per-user data folder (see ``app.config``)."""
    return _default_home()


def _alembic_config(connection: Connection | None = None) -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_path()))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def _script_directory() -> Any:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_alembic_config())


def _data_steps(current: str | None) -> list[Any]:
    """The data steps of the migrations between ``current`` and the head, oldest first.

    A migration that must rewrite records (not only the schema) names a function as its
    ``data_step`` (``"module:function"``) instead of calling it: the step runs after the last
    migration, in the same transaction, when the tables match the program's models — so the
    function may use the models as they are now, whatever later migrations added.
    """
    import importlib

    script = _script_directory()
    revisions = list(script.iterate_revisions("heads", current or "base"))
    steps = []
    for rev in reversed(revisions):  # iterate_revisions goes from the head down
        target = getattr(rev.module, "data_step", None)
        if target:
            module, _, name = str(target).partition(":")
            steps.append(getattr(importlib.import_module(module), name))
    return steps


_REVISION_LINE = re.compile(r"""^(down_revision|revision)\s*(?::[^=\n]*)?=\s*(None|'[^'\n]*'|"[^"\n]*")""",
                            re.MULTILINE)


def known_revisions() -> dict[str, str | None]:
    """Each migration this program knows, with the one it follows (``None`` for the first), read from
    the ``revision`` and ``down_revision`` lines of the migration files — without importing
    alembic, so that opening a database costs one plain query (a test checks this against
    alembic's own reading of the same folder)."""
    graph: dict[str, str | None] = {}
    for path in sorted((migrations_path() / "versions").glob("*.py")):
        found = dict(m.groups() for m in _REVISION_LINE.finditer(path.read_text(encoding="utf-8")))
        if "revision" not in found:
            continue
        down = found.get("down_revision", "None")
        graph[found["revision"][1:-1]] = None if down == "None" else down[1:-1]
    return graph


def head_revision() -> str:
    """The newest migration this program knows: the one no other migration follows."""
    graph = known_revisions()
    heads = set(graph) - set(graph.values())
    if len(heads) != 1:
        raise DatabaseError(f"程序的数据库迁移脚本不完整或有分支（{sorted(heads)}），请重新安装程序。")
    return heads.pop()


def _describe(url: URL) -> str:
    """The URL without its password, for messages."""
    return url.render_as_string(hide_password=True)


@dataclass
class SchemaStatus:
    state: SchemaState
    current: str | None
    head: str


class Database:
    """One database: its engine, session factory, and maintenance operations."""

    def __init__(self, engine: Engine, *, home: Path, sqlite_mode: SqliteMode = "rw",
                 read_only_reason: str = "") -> None:
        self.engine = engine
        self.url: URL = engine.url
        self.home = home
        self.backend: str = engine.dialect.name  # "sqlite" or "postgresql"
        #: "ro"/"immutable": a SQLite file this user may not write, opened read-only
        self.sqlite_mode: SqliteMode = sqlite_mode
        #: why (in Chinese, e.g. "数据文件夹 … 只读"), when read-only
        self.read_only_reason = read_only_reason
        #: things the user should be told about opening this database (one Chinese line each):
        #: a relative path, a read-only folder, an interrupted upgrade found and resolved
        self.notices: list[str] = []
        self._session_factory: sessionmaker[Session] | None = None  # made with the first session

    # ---- basics -------------------------------------------------------------------------

    @property
    def is_sqlite(self) -> bool:
        return self.backend == "sqlite"

    @property
    def sqlite_path(self) -> Path | None:
        """The SQLite file, or None (PostgreSQL or in-memory)."""
        if not self.is_sqlite or not self.url.database or self.url.database == ":memory:":
            return None
        return Path(self.url.database)

    @property
    def read_only(self) -> bool:
        return self.sqlite_mode != "rw"

    def require_writable(self, what: str = "保存更改") -> None:
        """Raise DatabaseError (saying why) when this database was opened read-only."""
        if self.read_only:
            raise DatabaseError(
                f"{self.read_only_reason}，数据库只能以只读方式打开，无法{what}：请检查文件夹和文件的写权限，"
                "或把数据文件夹复制到可写的位置后再操作。"
            )

    @property
    def session_factory(self) -> sessionmaker[Session]:
        """The sessions' factory, with the audit log's session events: made when the first session
        is, so that what works with Core statements alone (sign-in, the first page) does not load
        the ORM."""
        if self._session_factory is None:
            with _SESSION_FACTORY_LOCK:  # two threads' first sessions make one factory
                if self._session_factory is None:
                    # deferred: the ORM (and the mapped classes) load with the first session, not at start-up
                    from sqlalchemy.orm import sessionmaker

                    from app.store import models  # noqa: F401 - the classes a session works with, mapped

                    factory = sessionmaker(bind=self.engine, expire_on_commit=False, autoflush=True)
                    audit.install(factory)
                    self._session_factory = factory
        return self._session_factory

    @session_factory.setter
    def session_factory(self, factory: sessionmaker[Session]) -> None:
        self._session_factory = factory

    def session(self) -> Session:
        """A new session (use :class:`app.store.uow.UnitOfWork` in use cases)."""
        return self.session_factory()

    def unit_of_work(self, actor: str) -> UnitOfWork:
        """A :class:`~app.store.uow.UnitOfWork` on this database for ``actor``."""
        return UnitOfWork(self, actor)

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()

    @contextlib.contextmanager
    def one_transaction(self) -> Iterator[Database]:
        """This database as seen from one transaction: every unit of work on the view it yields
        joins that transaction (its own commit only releases a savepoint), and the whole is
        committed when the ``with`` block ends, or rolled back if it raises or the process dies.

        For work that must be all or nothing although it goes through many use cases (loading
        the demo lab). A SQLite file is written through a connection of
        :func:`_sqlite_transaction_engine` (``BEGIN IMMEDIATE``, real savepoints): other
        processes may read meanwhile; writers wait.
        """
        self.require_writable()
        own = self.sqlite_path is not None
        engine = _sqlite_transaction_engine(self.url, foreign_keys=True) if own else self.engine
        try:
            try:
                conn = engine.connect()
                trans = conn.begin()
            except sa_exc.DBAPIError as exc:
                raise _connection_error(self.url, exc) from exc
            try:
                view = Database.__new__(Database)
                view.__dict__.update(self.__dict__)
                view.notices = []
                # deferred: the ORM loads with the first session (see session_factory)
                from sqlalchemy.orm import sessionmaker

                from app.store import models  # noqa: F401 - mapped before the session is used

                view.session_factory = sessionmaker(
                    bind=conn, expire_on_commit=False, autoflush=True, join_transaction_mode="create_savepoint"
                )
                audit.install(view.session_factory)
                yield view
                try:
                    trans.commit()
                except sa_exc.DBAPIError as exc:
                    raise _connection_error(self.url, exc) from exc
            finally:
                with contextlib.suppress(sa_exc.SQLAlchemyError):
                    if trans.is_active:
                        trans.rollback()
                    conn.close()
        finally:
            if own:
                engine.dispose()

    @contextlib.contextmanager
    def maintenance(self) -> Iterator[Connection]:
        """One connection in one transaction that covers DDL too (a SQLite file: ``BEGIN
        IMMEDIATE`` on a connection of :func:`_sqlite_transaction_engine`), committed when the
        block ends, rolled back if it raises: for index maintenance (``riskmon db reindex``)."""
        self.require_writable("重建索引")
        own = self.sqlite_path is not None
        engine = _sqlite_transaction_engine(self.url, foreign_keys=True) if own else self.engine
        try:
            try:
                conn = engine.connect()
            except sa_exc.DBAPIError as exc:
                raise _connection_error(self.url, exc) from exc
            with conn, conn.begin():
                yield conn
        finally:
            if own:
                engine.dispose()

    def __repr__(self) -> str:
        return f"<Database {_describe(self.url)}>"

    def _connect(self) -> Connection:
        try:
            return self.engine.connect()
        except sa_exc.DBAPIError as exc:
            raise _connection_error(self.url, exc) from exc

    # ---- schema -------------------------------------------------------------------------

    def current_revision(self) -> str | None:
        """The migration the database is at, or None when it has not been created (one plain query
        of alembic's version table; alembic itself is imported by ``upgrade`` only)."""
        with self._connect() as conn:
            return _version_of(conn)

    def schema_status(self) -> SchemaStatus:
        """Where the database stands against the migrations of this program."""
        graph = known_revisions()
        head = head_revision()
        current = self.current_revision()
        if current is None:
            state: SchemaState = "missing"
        elif current == head:
            state = "current"
        else:
            state = "behind" if current in graph else "newer"
        return SchemaStatus(state, current, head)

    def check_schema(self) -> None:
        """Raise DatabaseError unless the schema is exactly what this program expects."""
        status = self.schema_status()
        if status.state == "current":
            self._read_lab_zone()
            return
        if status.state == "newer":
            raise DatabaseError(
                f"数据库版本比本程序新（数据库 {status.current}，程序只认识到 {status.head}），"
                "请升级程序后再打开此数据库。"
            )
        if status.state == "missing":
            raise DatabaseError("数据库尚未创建：请先运行 riskmon db upgrade。")
        raise DatabaseError(
            f"数据库版本较旧（{status.current}，需要 {status.head}）：请先运行 riskmon db upgrade。"
        )

    def _read_lab_zone(self) -> None:
        """Tell the clock the lab's time zone (the setting ``display_timezone``) as the database is
        opened, so that the first "today" of the session is already the lab's."""
        try:
            with self._connect() as conn:
                value = conn.execute(text("SELECT value FROM settings WHERE key = 'display_timezone'")).scalar()
        except (sa_exc.SQLAlchemyError, DatabaseError):
            return  # the default zone stands; the services read the setting again when they need it
        if isinstance(value, str):  # JSON text on SQLite, already decoded on PostgreSQL
            with contextlib.suppress(ValueError):
                value = json.loads(value)
        clock.set_lab_zone(value if isinstance(value, str) else None)

    def upgrade(self) -> Path | None:
        """Migrate to the newest schema. Returns the backup made first (SQLite file only), if any.

        The migration and the data steps after it run in one transaction: PostgreSQL under an
        advisory lock so two workstations do not migrate at once; a SQLite file under its write
        lock (``BEGIN IMMEDIATE``) on a connection that makes DDL transactional. A SQLite file that
        already holds an older schema is copied to ``home/backups/`` first; if the file is not as
        before after a failed migration, that copy is put back. A migration cut off (the process
        killed, the machine off) leaves a marker that the next start resolves.
        """
        path = self.sqlite_path
        if path is not None:
            self._recover_interrupted_upgrade()
        status = self.schema_status()
        if status.state == "newer":
            self.check_schema()  # raises with the message
        if status.state == "current":
            return None
        self.require_writable("升级数据库")
        if status.state == "missing":
            self._refuse_foreign_tables()
        if path is not None:
            return self._upgrade_sqlite_file(path)
        try:
            with self._connect() as conn:
                if self.is_sqlite:  # in memory: nothing outlives the process anyway
                    conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
                    conn.commit()
                try:
                    with conn.begin():
                        if self.backend == "postgresql":
                            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_MIGRATION_LOCK})
                        _migrate(conn, _current_revision(conn))
                    # what a migration had to tell (PostgreSQL without pg_trgm: text filters scan)
                    self.notices.extend(conn.info.pop("riskmon_notices", []))
                finally:
                    if self.is_sqlite:
                        conn.exec_driver_sql("PRAGMA foreign_keys=ON")
                        conn.commit()
        except DatabaseError:
            raise
        except Exception as exc:
            raise DatabaseError(f"数据库升级失败，数据库未作改动：{_detail(exc)}") from exc
        return None

    def _upgrade_sqlite_file(self, path: Path) -> Path | None:
        marker = upgrade_marker(path)
        engine = _sqlite_transaction_engine(self.url, foreign_keys=False)
        backup: Path | None = None
        before: str | None = None
        started = False
        try:
            try:
                conn = engine.connect()
            except sa_exc.DBAPIError as exc:
                raise _connection_error(self.url, exc) from exc
            with conn:
                with conn.begin():  # BEGIN IMMEDIATE: the write lock, held to the commit
                    before = _current_revision(conn)
                    head = head_revision()
                    if before == head:  # someone else upgraded it meanwhile
                        return None
                    if before is not None:
                        # under the write lock: the copy is exactly what is migrated
                        stamp = clock.utcnow().strftime("%Y%m%dT%H%M%SZ")
                        backup = self.backup(self.home / BACKUP_DIRNAME / f"riskmon-{stamp}-{before}.db")
                    _write_marker(marker, before, head, backup)
                    started = True
                    _migrate(conn, before)
                    self.notices.extend(conn.info.pop("riskmon_notices", []))  # (SQLite without trigram FTS5)
            # committed
            with contextlib.suppress(OSError):
                marker.unlink()
        except Exception as exc:  # (KeyboardInterrupt: rolled back; the marker is resolved at the next start)
            if not started:
                if isinstance(exc, DatabaseError):
                    raise
                if isinstance(exc, sa_exc.DBAPIError):
                    raise _connection_error(self.url, exc) from exc
                raise DatabaseError(f"数据库升级失败，数据库未作改动：{_detail(exc)}") from exc
            engine.dispose()
            self.engine.dispose()
            outcome = self._after_failed_upgrade(path, marker, before, backup)
            raise DatabaseError(f"数据库升级失败：{_detail(exc).rstrip('。')}。{outcome}") from exc
        finally:
            engine.dispose()
        return backup

    def _after_failed_upgrade(self, path: Path, marker: Path, before: str | None, backup: Path | None) -> str:
        """After a migration that raised (and was rolled back): check the file is as before, else
        put the backup back. Returns what happened, for the message."""
        try:
            same = _same_schema(path, backup, before)
        except Exception:  # noqa: BLE001 - cannot even read it: treat as changed
            same = False
        if same:
            with contextlib.suppress(OSError):
                marker.unlink()
            where = f"（升级前的备份在 {backup}）" if backup else ""
            return f"升级在一个事务中进行，已全部撤销，数据库保持升级前的状态{where}。"
        if backup is not None:
            _restore_sqlite(backup, path)
            with contextlib.suppress(OSError):
                marker.unlink()
            return f"已从备份 {backup} 恢复升级前的数据库。"
        return f"数据库可能处于不完整的状态（未能确认），请勿使用该文件：{path}。"

    def _recover_interrupted_upgrade(self) -> None:
        """Resolve the marker of a migration that did not finish (the process was killed).

        Under the write lock (so not while another process is still migrating): if the file is at
        the revision the migration went to, it finished; if it is at the one it came from with the
        same tables as before (a transaction cut off is undone by SQLite), nothing was changed;
        else the backup made before it is put back. The user is told in :attr:`notices`.
        """
        path = self.sqlite_path
        if path is None:
            return
        marker = upgrade_marker(path)
        if not marker.exists():
            return
        info = _read_marker(marker)
        before, after = info.get("from"), info.get("to")
        backup = Path(info["backup"]) if info.get("backup") else None
        if self.read_only:
            self.notices.append(
                f"上次数据库升级未正常结束（发现 {marker.name}），但{self.read_only_reason}，无法检查和清理："
                "请让有写权限的用户打开一次数据库。"
            )
            return
        engine = _sqlite_transaction_engine(self.url, foreign_keys=True)
        try:
            with engine.connect() as conn, conn.begin():  # waits for a migration still running
                if not marker.exists():
                    return  # it finished meanwhile
                current = _current_revision(conn)
                healthy = conn.exec_driver_sql("PRAGMA quick_check").scalar() == "ok"
        except sa_exc.OperationalError as exc:
            if "locked" in str(exc.orig).lower() or "busy" in str(exc.orig).lower():
                raise DatabaseError("数据库正在被另一个程序升级（或锁定），请稍后重试。") from exc
            raise _connection_error(self.url, exc) from exc
        except sa_exc.DBAPIError as exc:
            raise _connection_error(self.url, exc) from exc
        finally:
            engine.dispose()
        steps = f"{before or '空数据库'} → {after}"
        if healthy and current == after and after is not None:
            marker.unlink(missing_ok=True)
            self.notices.append(f"上次的数据库升级（{steps}）已完成。")
            return
        if healthy and current == before and _same_schema(path, backup, before):
            marker.unlink(missing_ok=True)
            self.notices.append(
                f"上次的数据库升级（{steps}）被中断。升级在一个事务中进行，中断时已全部撤销："
                f"数据库仍是升级前的版本（{before or '空数据库'}），数据未受影响。"
            )
            return
        self.engine.dispose()
        if backup is not None and backup.is_file():
            _restore_sqlite(backup, path)
            marker.unlink(missing_ok=True)
            self.notices.append(f"上次的数据库升级（{steps}）被中断，数据库不完整：已从备份 {backup} 恢复升级前的数据库。")
            return
        if before is None:
            # it was an empty, new database: set the unfinished one aside and start again
            stamp = clock.utcnow().strftime("%Y%m%dT%H%M%SZ")
            aside = path.with_name(f"{path.name}.interrupted-{stamp}")
            _move_sqlite(path, aside)
            marker.unlink(missing_ok=True)
            self.notices.append(
                f"上次新建数据库时升级被中断，文件不完整：已移到 {aside}，将重新新建数据库。"
            )
            return
        raise DatabaseError(
            f"上次的数据库升级（{steps}）被中断，数据库不完整，且找不到升级前的备份"
            f"{f' {backup}' if backup else ''}：请从你自己的备份恢复 {path}，然后删除 {marker}。"
        )

    def _refuse_foreign_tables(self) -> None:
        """A database without our revision must not hold tables of something else."""
        from sqlalchemy import inspect

        with self._connect() as conn:
            existing = set(inspect(conn).get_table_names()) - {"alembic_version"}
        # A SQLite file belongs to one program; a PostgreSQL database may be shared.
        clash = existing if self.is_sqlite else existing & set(metadata.tables)
        if clash:
            names = "、".join(sorted(clash)[:5])
            raise DatabaseError(
                f"该数据库已含有其他数据表（{names}），既不是空数据库也不是 Riskmon 数据库："
                "请选择新的数据库文件或空数据库。"
            )

    # ---- backup -------------------------------------------------------------------------

    def backup(self, out: Path) -> Path:
        """Write a consistent copy of the database to ``out`` while it stays in use.

        SQLite: sqlite3's online backup API. PostgreSQL: ``pg_dump`` (custom format) when it is
        on PATH. Returns ``out``.
        """
        out = Path(out)
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DatabaseError(f"无法创建备份文件夹 {out.parent}：{exc.strerror or exc}") from exc
        if self.is_sqlite:
            return self._backup_sqlite(out)
        if self.backend == "postgresql":
            return self._backup_pg(out)
        raise DatabaseError(f"不支持备份此类数据库：{self.backend}")

    def _backup_sqlite(self, out: Path) -> Path:
        src_path = self.sqlite_path
        if src_path is None:
            raise DatabaseError("内存数据库无法备份。")
        if out.resolve() == src_path.resolve():
            raise DatabaseError("备份文件不能与数据库文件相同。")
        try:
            with atomic_path(out) as tmp:  # regular files only, through links, the umask; .part removed on failure
                src = sqlite3.connect(_sqlite_uri(src_path, "immutable" if self.sqlite_mode == "immutable" else "ro"),
                                      uri=True, timeout=SQLITE_BUSY_TIMEOUT_S)
                try:
                    dst = sqlite3.connect(tmp)
                    try:
                        src.backup(dst)
                    finally:
                        dst.close()
                finally:
                    src.close()
        except sqlite3.Error as exc:
            if getattr(exc, "sqlite_errorcode", None) == 13:  # SQLITE_FULL
                raise DatabaseError(no_space_message(out.parent)) from exc
            raise DatabaseError(f"备份数据库到 {out} 失败：{exc}") from exc
        return out

    def _backup_pg(self, out: Path) -> Path:
        exe = shutil.which("pg_dump")
        if exe is None:
            raise DatabaseError(
                "未找到 pg_dump：请安装 PostgreSQL 客户端工具后重试，或由数据库管理员在服务器上备份。"
            )
        url = self.url
        env = dict(os.environ)
        if url.password:
            env["PGPASSWORD"] = str(url.password)
        libpq = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
        with atomic_path(out) as tmp:  # regular files only, through links, the umask; removed on failure
            try:
                proc = subprocess.run(
                    [exe, "--format=custom", f"--file={tmp}", f"--dbname={libpq}"],
                    env=env,
                    capture_output=True,
                    text=True,
                    timeout=3600,
                )
            except (OSError, subprocess.SubprocessError) as exc:
                raise DatabaseError(f"运行 pg_dump 失败：{exc}") from exc
            if proc.returncode != 0:
                if "No space left on device" in proc.stderr or "Disk quota exceeded" in proc.stderr:
                    raise DatabaseError(no_space_message(out.parent))
                raise DatabaseError(f"pg_dump 备份失败：{proc.stderr.strip()[:500]}")
        return out


# --------------------------------------------------------------------------------------------
# migrations: one transaction, and a marker while it runs
# --------------------------------------------------------------------------------------------


def _detail(exc: BaseException) -> str:
    """One line about a failure, for a message (the driver's words, without the SQL)."""
    if isinstance(exc, DatabaseError):
        return exc.message
    orig = getattr(exc, "orig", None) or exc
    text = str(orig).strip()
    return text.splitlines()[0] if text else type(orig).__name__


def _version_of(conn: Connection) -> str | None:
    """``alembic_version``'s one row without alembic: None when the table is missing or empty."""
    if not conn.dialect.has_table(conn, "alembic_version"):
        return None
    rows = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    if len(rows) > 1:
        raise DatabaseError(f"数据库的版本记录有多行（{'、'.join(rows)}），无法判断其版本。")
    return rows[0] if rows else None


def _current_revision(conn: Connection) -> str | None:
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(conn).get_current_revision()


def _migrate(conn: Connection, before: str | None) -> None:
    """Alembic's migrations from ``before`` to the head, then their data steps, on ``conn`` (in
    its transaction)."""
    from alembic import command

    steps = _data_steps(before)
    with migration_logging():  # "Running upgrade 0004 -> 0005" in the log; silent otherwise
        command.upgrade(_alembic_config(conn), "head")
    for step in steps:
        step(conn)
    if before is not None:
        # What the migrations did to existing rows (new columns' defaults, data steps) goes into
        # the audit log as the migration's own entries, so ``audit verify`` finds rows and log agree.
        audit.record_unlogged_changes(conn, f"migration:{head_revision()}")
    if conn.dialect.name == "sqlite":
        # the batch migrations copy tables with foreign keys off: check them once, at the end
        bad = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        if bad:
            raise DatabaseError(f"迁移后外键检查失败：{bad[:3]}")


def _sqlite_transaction_engine(url: URL, *, foreign_keys: bool) -> Engine:
    """An engine (no pool) on the SQLite file of ``url`` whose transactions cover DDL too.

    Python's sqlite3 module, in its default (legacy) transaction control, opens a transaction only
    before INSERT/UPDATE/DELETE, so ``CREATE TABLE`` is committed at once whatever SQLAlchemy's
    ``begin()`` says. SQLAlchemy's recipe for pysqlite ("Serializable isolation / Savepoints /
    Transactional DDL"): the driver's own handling off (``isolation_level = None``) in the
    ``connect`` event, and BEGIN emitted in the ``begin`` event — here ``BEGIN IMMEDIATE``, which
    takes the write lock at once (waiting the busy timeout), so a migration never meets a writer
    halfway. Savepoints (``begin_nested``) are real ones on these connections.

    The pragmas are set in ``connect``, outside any transaction (``foreign_keys`` is silently
    ignored inside one): off for a migration, whose batch steps copy and drop tables.
    """
    from sqlalchemy.pool import NullPool

    engine = create_engine(
        url, poolclass=NullPool, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S, "check_same_thread": False}
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # the driver emits no BEGIN/COMMIT of its own
        cur = dbapi_conn.cursor()
        try:
            cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_S * 1000}")
            cur.execute(f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=FULL")  # the commit is on disk before the marker goes
        finally:
            cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def upgrade_marker(path: Path) -> Path:
    """The file that says a migration of the SQLite file ``path`` is under way."""
    return path.with_name(path.name + UPGRADE_MARKER_SUFFIX)


def _write_marker(marker: Path, before: str | None, after: str, backup: Path | None) -> None:
    body = json.dumps(
        {"from": before, "to": after, "backup": str(backup) if backup else None,
         "started": clock.utcnow().isoformat(timespec="seconds"), "pid": os.getpid()},
        ensure_ascii=False,
    )
    tmp = marker.with_name(marker.name + ".part")
    try:
        tmp.write_text(body, encoding="utf-8")
        os.replace(tmp, marker)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise DatabaseError(f"无法在数据文件夹 {marker.parent} 中写入升级标记：{exc.strerror or exc}") from exc


def _read_marker(marker: Path) -> dict[str, Any]:
    try:
        data = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _schema_of(path: Path) -> set[tuple[str, str, str]]:
    """(type, name, sql) of every table, index, view and trigger of the SQLite file ``path``."""
    conn = sqlite3.connect(_sqlite_uri(path, "ro"), uri=True, timeout=SQLITE_BUSY_TIMEOUT_S)
    try:
        rows = conn.execute("SELECT type, name, coalesce(sql, '') FROM sqlite_master").fetchall()
    finally:
        conn.close()
    return {(str(t), str(n), str(q)) for t, n, q in rows}


def _same_schema(path: Path, backup: Path | None, before: str | None) -> bool:
    """Whether ``path`` holds the same tables (and indexes…) as before a migration from ``before``:
    as its ``backup``, or none at all for a new database."""
    now = _schema_of(path)
    if backup is not None and backup.is_file():
        return now == _schema_of(backup)
    if before is None:
        return not now
    return True  # no copy to compare with: the revision has to do


def _move_sqlite(path: Path, to: Path) -> None:
    """Move a SQLite file aside with its journal files (which stay its own)."""
    for suffix in ("-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError):
            os.replace(str(path) + suffix, str(to) + suffix)
    os.replace(path, to)


# --------------------------------------------------------------------------------------------
# bootstrap
# --------------------------------------------------------------------------------------------


def bootstrap(url: str | None = None, *, home: Path | None = None, echo: bool = False,
              new_relative_ok: bool = False) -> Database:
    """Build the engine for ``url`` (default: SQLite ``home/riskmon.db``) and check it opens.

    ``home`` (default: the per-user data folder) also holds the backups made before upgrades.
    Raises DatabaseError with a Chinese message when the database cannot be opened or reached;
    nothing is written in that case (an empty SQLite file may be created for a new database).
    The schema is not checked here: call :meth:`Database.check_schema` or
    :meth:`Database.upgrade`.

    SQLite: a file (or its folder) this user may not write is opened read-only
    (:attr:`Database.read_only`); a relative path in ``url`` (``sqlite:///lab.db``, other than
    ``home``'s own ``riskmon.db``) opens an existing file with a notice naming it, and creates a
    new one only with ``new_relative_ok`` (``riskmon db upgrade``); a migration found cut off is
    resolved (see :meth:`Database.upgrade`). What the user should know is in
    :attr:`Database.notices`.
    """
    home = Path(home) if home is not None else default_home()
    if url is None:
        try:
            home.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DatabaseError(f"无法创建数据文件夹 {home}：{exc.strerror or exc}") from exc
        url = URL.create("sqlite", database=str(home / DB_FILENAME)).render_as_string()
    try:
        parsed = make_url(url)
    except sa_exc.ArgumentError as exc:
        raise DatabaseError(f"数据库地址格式不正确：{url!s:.200}") from exc

    backend = parsed.get_backend_name()
    notices: list[str] = []
    mode: SqliteMode = "rw"
    reason = ""
    if backend == "sqlite":
        if url is not None and _is_relative_sqlite(parsed, home):
            notices.append(_relative_notice(parsed, url, new_relative_ok))
        mode, reason = sqlite_open_mode(_sqlite_file(parsed))
        if mode != "rw":
            notices.append(f"{reason}：数据库以只读方式打开，可以查看，不能保存更改。")
        engine = _sqlite_engine(parsed, echo=echo, mode=mode)
    elif backend == "postgresql":
        engine = _pg_engine(parsed, echo=echo)
    else:
        raise DatabaseError(f"不支持的数据库类型 {backend}：请使用 SQLite 文件或 PostgreSQL。")

    try:
        with engine.connect() as conn:
            if backend == "sqlite":
                # Reads the header: a file that is not a database fails here, unchanged.
                conn.exec_driver_sql("SELECT count(*) FROM sqlite_master").scalar()
            else:
                conn.exec_driver_sql("SELECT 1").scalar()
    except sa_exc.DBAPIError as exc:
        engine.dispose()
        raise _connection_error(parsed, exc) from exc
    database = Database(engine, home=home, sqlite_mode=mode, read_only_reason=reason)
    database.notices.extend(notices)
    if database.sqlite_path is not None:
        try:
            database._recover_interrupted_upgrade()
        except BaseException:
            database.dispose()
            raise
    return database


def _sqlite_file(url: URL) -> Path | None:
    """The file of a SQLite URL as given (None in memory)."""
    database = url.database or ""
    if database in ("", ":memory:") or database.startswith("file:"):
        return None
    return Path(database).expanduser()


def _is_relative_sqlite(url: URL, home: Path) -> bool:
    """A SQLite URL naming a file relative to the current folder (``sqlite:///lab.db``), other than
    the data folder's own database (``--home data`` makes ``sqlite:///data/riskmon.db``)."""
    path = _sqlite_file(url)
    if path is None or path.is_absolute():
        return False
    return path != Path(home).expanduser() / DB_FILENAME


def _relative_notice(url: URL, given: str, new_ok: bool) -> str:
    """The warning for a relative SQLite path; DatabaseError when it would make a new database."""
    path = _sqlite_file(url)
    assert path is not None
    full = path.resolve()
    shown = f"sqlite:///{url.database}"
    if full.exists():
        return f"注意：数据库地址 {shown} 是相对路径（相对于当前文件夹），打开的是 {full}。"
    if not new_ok:
        raise DatabaseError(
            f"数据库地址 {shown} 是相对路径（相对于当前文件夹），指向 {full}，该文件不存在。"
            "为免在意外的位置新建空数据库，未创建任何文件：请写绝对路径（如 sqlite:////绝对路径/lab.db，"
            "斜杠后再加一条斜杠），或确认位置后运行 riskmon db upgrade 新建数据库。"
        )
    return f"注意：数据库地址 {shown} 是相对路径（相对于当前文件夹），将在 {full} 新建数据库。"


def _writable(path: Path) -> bool:
    return os.access(path, os.W_OK)


def sqlite_open_mode(path: Path | None) -> tuple[SqliteMode, str]:
    """How to open the SQLite file ``path``, and why (in Chinese) when not read-write.

    * "rw": the file and its folder may be written (or the file is new and its folder may be);
    * "ro" (``?mode=ro``): the file or its folder is read-only. SQLite reads a WAL-mode file
      read-only through its ``-shm``/``-wal`` files, which it creates if the folder allows;
    * "immutable" (``?immutable=1``): a read-only folder holding a WAL-mode file without those
      files (they are removed when the last connection closes). SQLite cannot open it with
      ``mode=ro`` then; with no WAL file there is nothing that ``immutable`` would miss.

    A new file in a read-only folder, or a WAL file without its ``-shm`` in a read-only folder
    (its last changes would be missed), raises DatabaseError.
    """
    if path is None:
        return "rw", ""
    folder = path.resolve().parent
    if not path.exists():
        if folder.is_dir() and not _writable(folder):
            raise DatabaseError(
                f"数据文件夹 {folder} 只读，无法在其中新建数据库 {path.name}：请检查文件夹的写权限，"
                "或用 --home 指定可写的数据文件夹。"
            )
        return "rw", ""
    folder_ok = _writable(folder)
    if folder_ok and _writable(path):
        return "rw", ""
    reason = f"数据库文件 {path.resolve()} 只读" if folder_ok else f"数据文件夹 {folder} 只读"
    if folder_ok or not _is_wal_file(path):
        return "ro", reason
    wal, shm = Path(f"{path.resolve()}-wal"), Path(f"{path.resolve()}-shm")
    if wal.exists() and shm.exists():
        return "ro", reason
    if not wal.exists() or wal.stat().st_size == 0:
        return "immutable", reason
    raise DatabaseError(
        f"{reason}，而数据库的日志文件 {wal.name} 中还有未合并的更改，缺少 {shm.name}，无法只读打开："
        "请让有写权限的用户打开一次数据库，或把整个数据文件夹复制到可写的位置。"
    )


def _is_wal_file(path: Path) -> bool:
    """Whether the SQLite file's header says WAL mode (file format bytes 18–19 are 2)."""
    try:
        with path.open("rb") as fh:
            header = fh.read(20)
    except OSError:
        return False
    return len(header) == 20 and header[18] == 2


def _sqlite_uri(path: Path, mode: SqliteMode) -> str:
    """A ``file:`` URI for sqlite3 (``uri=True``) opening ``path`` read-only."""
    uri = path.resolve().as_uri()
    return uri + ("?immutable=1" if mode == "immutable" else "?mode=ro")


def _sqlite_engine(url: URL, *, echo: bool, mode: SqliteMode = "rw") -> Engine:
    database = url.database or ""
    memory = database in ("", ":memory:")
    kw: dict[str, Any] = {}
    if not memory:
        path = Path(database).expanduser()
        if path.is_dir():
            raise DatabaseError(f"数据库路径是一个文件夹，不是文件：{path}")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DatabaseError(
                f"无法创建数据库所在的文件夹 {path.parent}：{exc.strerror or exc}"
            ) from exc
        url = url.set(database=str(path.resolve()))
        if mode != "rw":
            uri = _sqlite_uri(path, mode)
            kw["creator"] = lambda: sqlite3.connect(
                uri, uri=True, timeout=SQLITE_BUSY_TIMEOUT_S, check_same_thread=False
            )
    else:
        from sqlalchemy.pool import StaticPool

        kw = {"poolclass": StaticPool}
    engine = create_engine(
        url,
        echo=echo,
        connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S, "check_same_thread": False},
        **kw,
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        cur = dbapi_conn.cursor()
        try:
            cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_S * 1000}")
            cur.execute("PRAGMA foreign_keys=ON")
            if not memory and mode == "rw":
                cur.execute("PRAGMA journal_mode=WAL")
                cur.execute("PRAGMA synchronous=NORMAL")
        finally:
            cur.close()

    return engine


def _pg_engine(url: URL, *, echo: bool) -> Engine:
    postgresql_options()
    if url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    connect_args: dict[str, Any] = {}
    if "connect_timeout" not in url.query:
        connect_args["connect_timeout"] = PG_CONNECT_TIMEOUT_S
    try:
        return create_engine(url, echo=echo, pool_pre_ping=True, connect_args=connect_args)
    except ImportError as exc:  # the driver is missing
        raise DatabaseError(
            f"缺少 PostgreSQL 驱动（{exc.name}）：请安装 pip install 'riskmon[postgres]'"
            "（源码目录中：.venv/bin/pip install -e '.[postgres]'；安装包已带有该驱动）。"
        ) from exc


def _connection_error(url: URL, exc: BaseException) -> DatabaseError:
    """A Chinese message for a failure to open or reach a database."""
    orig = getattr(exc, "orig", exc)
    detail = str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__
    if url.get_backend_name() == "sqlite":
        low = detail.lower()
        if "not a database" in low or "malformed" in low or "encrypted" in low:
            return DatabaseError(f"文件 {url.database} 不是 Riskmon 数据库（SQLite）文件，或已损坏。")
        if "locked" in low or "busy" in low:
            return DatabaseError(f"数据库 {url.database} 正被其他程序锁定，请稍后重试。")
        if "readonly" in low or "read-only" in low:
            return DatabaseError(f"数据库文件 {url.database} 只读，无法写入：请检查文件权限。")
        return DatabaseError(f"无法打开数据库文件 {url.database}：{detail}")
    return DatabaseError(
        f"无法连接 PostgreSQL 数据库 {_describe(url)}：{detail}。"
        "请检查服务器是否运行，以及地址、端口、用户名和密码是否正确。"
    )


def _restore_sqlite(backup: Path, path: Path) -> None:
    """Put a backup made by :meth:`Database.upgrade` back in place of ``path``."""
    for suffix in ("-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError):
            Path(str(path) + suffix).unlink()
    shutil.copyfile(backup, path)
