"""Engine bootstrap, schema migrations and backups.

Nothing here runs at import: callers build a :class:`Database` with :func:`bootstrap`.

* SQLite (the embedded default, ``riskmon.db`` in the user data folder): WAL journal, foreign
  keys on, a 10 s busy timeout, set on every connection.
* PostgreSQL (several workstations, ``RISKMON_DATABASE_URL`` read by the caller): a short
  connect timeout so a server that is down fails fast with a clear message.

Schema changes go through Alembic only (``db/``); :meth:`Database.upgrade` backs an existing
SQLite file up under ``home/backups/`` before it migrates it, and puts the backup back if the
migration fails. On PostgreSQL the migration runs in one transaction.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session, sessionmaker

from app.errors import DatabaseError
from app.resources import migrations_path

if TYPE_CHECKING:
    from app.store.uow import UnitOfWork

DB_FILENAME = "riskmon.db"
BACKUP_DIRNAME = "backups"
SQLITE_BUSY_TIMEOUT_S = 10
PG_CONNECT_TIMEOUT_S = 5
_PG_MIGRATION_LOCK = 0x52_49_53_4B_4D_4F_4E_01  # "RISKMON" + 1: serialises concurrent upgrades

SchemaState = Literal["missing", "behind", "current", "newer"]


def default_home() -> Path:
    """The per-user data folder (see ``app.config``)."""
    from app.config import default_home as _default_home

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


def head_revision() -> str:
    """The newest migration this program knows."""
    head = _script_directory().get_current_head()
    assert head is not None
    return head


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

    def __init__(self, engine: Engine, *, home: Path) -> None:
        self.engine = engine
        self.url: URL = engine.url
        self.home = home
        self.backend: str = engine.dialect.name  # "sqlite" or "postgresql"
        self.session_factory = sessionmaker(bind=engine, expire_on_commit=False, autoflush=True)
        from app.store import audit  # registers the audit listeners on Session

        audit.install(self.session_factory)

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

    def session(self) -> Session:
        """A new session (use :class:`app.store.uow.UnitOfWork` in use cases)."""
        return self.session_factory()

    def unit_of_work(self, actor: str) -> UnitOfWork:
        """A :class:`~app.store.uow.UnitOfWork` on this database for ``actor``."""
        from app.store.uow import UnitOfWork

        return UnitOfWork(self, actor)

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()

    def __repr__(self) -> str:
        return f"<Database {_describe(self.url)}>"

    def _connect(self) -> Connection:
        try:
            return self.engine.connect()
        except sa_exc.DBAPIError as exc:
            raise _connection_error(self.url, exc) from exc

    # ---- schema -------------------------------------------------------------------------

    def current_revision(self) -> str | None:
        """The migration the database is at, or None when it has not been created."""
        from alembic.runtime.migration import MigrationContext

        with self._connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()

    def schema_status(self) -> SchemaStatus:
        """Where the database stands against the migrations of this program."""
        script = _script_directory()
        head = script.get_current_head()
        current = self.current_revision()
        if current is None:
            state: SchemaState = "missing"
        elif current == head:
            state = "current"
        else:
            try:
                script.get_revision(current)
                state = "behind"
            except Exception:
                state = "newer"
        return SchemaStatus(state, current, head)

    def check_schema(self) -> None:
        """Raise DatabaseError unless the schema is exactly what this program expects."""
        status = self.schema_status()
        if status.state == "current":
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

    def upgrade(self) -> Path | None:
        """Migrate to the newest schema. Returns the backup made first (SQLite only), if any.

        A SQLite file that already holds an older schema is copied to ``home/backups/`` first
        and restored from that copy if the migration fails. PostgreSQL migrates in one
        transaction, under an advisory lock so two workstations do not migrate at once.
        """
        from alembic import command

        status = self.schema_status()
        if status.state == "newer":
            self.check_schema()  # raises with the message
        if status.state == "current":
            return None
        if status.state == "missing":
            self._refuse_foreign_tables()
        backup: Path | None = None
        path = self.sqlite_path
        if self.is_sqlite and path is not None and status.state == "behind":
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
            backup = self.backup(self.home / BACKUP_DIRNAME / f"riskmon-{stamp}-{status.current}.db")
        try:
            with self._connect() as conn:
                if self.is_sqlite:
                    # Batch migrations copy tables: keys are checked after, not during.
                    conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
                    conn.commit()
                try:
                    with conn.begin():
                        if self.backend == "postgresql":
                            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_MIGRATION_LOCK})
                        steps = _data_steps(status.current)
                        command.upgrade(_alembic_config(conn), "head")
                        for step in steps:
                            step(conn)
                        if self.is_sqlite:
                            bad = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                            if bad:
                                raise DatabaseError(f"迁移后外键检查失败：{bad[:3]}")
                finally:
                    if self.is_sqlite:
                        conn.exec_driver_sql("PRAGMA foreign_keys=ON")
                        conn.commit()
        except Exception as exc:
            if backup is not None and path is not None:
                self.engine.dispose()
                _restore_sqlite(backup, path)
            if isinstance(exc, DatabaseError):
                raise
            where = f"，已从备份 {backup} 恢复原数据库" if backup else ""
            raise DatabaseError(f"数据库升级失败{where}：{exc}") from exc
        return backup

    def _refuse_foreign_tables(self) -> None:
        """A database without our revision must not hold tables of something else."""
        from sqlalchemy import inspect

        from app.store.models import Base

        with self._connect() as conn:
            existing = set(inspect(conn).get_table_names()) - {"alembic_version"}
        # A SQLite file belongs to one program; a PostgreSQL database may be shared.
        clash = existing if self.is_sqlite else existing & set(Base.metadata.tables)
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
        from app.documents._io import atomic_path, no_space_message  # the one file writer (stdlib only)

        try:
            with atomic_path(out) as tmp:  # regular files only, through links, the umask; .part removed on failure
                src = sqlite3.connect(f"file:{src_path}?mode=ro", uri=True, timeout=SQLITE_BUSY_TIMEOUT_S)
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
        from app.documents._io import atomic_path, no_space_message  # the one file writer (stdlib only)

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
# bootstrap
# --------------------------------------------------------------------------------------------


def bootstrap(url: str | None = None, *, home: Path | None = None, echo: bool = False) -> Database:
    """Build the engine for ``url`` (default: SQLite ``home/riskmon.db``) and check it opens.

    ``home`` (default: the per-user data folder) also holds the backups made before upgrades.
    Raises DatabaseError with a Chinese message when the database cannot be opened or reached;
    nothing is written in that case (an empty SQLite file may be created for a new database).
    The schema is not checked here: call :meth:`Database.check_schema` or
    :meth:`Database.upgrade`.
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
    if backend == "sqlite":
        engine = _sqlite_engine(parsed, echo=echo)
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
    return Database(engine, home=home)


def _sqlite_engine(url: URL, *, echo: bool) -> Engine:
    database = url.database or ""
    memory = database in ("", ":memory:")
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
        kw: dict[str, Any] = {}
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
            if not memory:
                cur.execute("PRAGMA journal_mode=WAL")
                cur.execute("PRAGMA synchronous=NORMAL")
        finally:
            cur.close()

    return engine


def _pg_engine(url: URL, *, echo: bool) -> Engine:
    if url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    connect_args: dict[str, Any] = {}
    if "connect_timeout" not in url.query:
        connect_args["connect_timeout"] = PG_CONNECT_TIMEOUT_S
    try:
        return create_engine(url, echo=echo, pool_pre_ping=True, connect_args=connect_args)
    except ImportError as exc:  # the driver is missing
        raise DatabaseError(f"缺少 PostgreSQL 驱动（{exc.name}），请安装 psycopg。") from exc


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
