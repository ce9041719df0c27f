"""Opening databases: defaults, connection settings, bad input, backups, the instance lock."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest
from sqlalchemy import select, text

from app.errors import AlreadyRunningError, DatabaseError
from app.store import db as dbmod
from app.store.db import DB_FILENAME, Database, bootstrap
from app.store.lock import InstanceLock
from app.store.models import MonitoringTask
from app.store.uow import UnitOfWork


def test_default_url_is_sqlite_file_in_home(tmp_path: Path) -> None:
    home = tmp_path / "new" / "home"
    database = bootstrap(home=home)
    try:
        assert database.is_sqlite
        assert database.sqlite_path == (home / DB_FILENAME).resolve()
        assert database.home == home
    finally:
        database.dispose()


def test_sqlite_pragmas_on_every_connection(sqlite_db: Database) -> None:
    conns = [sqlite_db.engine.connect() for _ in range(2)]  # two pooled connections
    try:
        for conn in conns:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 10000
    finally:
        for conn in conns:
            conn.close()


def test_folder_that_cannot_be_created(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    with pytest.raises(DatabaseError, match="无法创建"):
        bootstrap(f"sqlite:///{blocker}/sub/riskmon.db", home=tmp_path)
    with pytest.raises(DatabaseError, match="无法创建数据文件夹"):
        bootstrap(home=blocker / "home")
    assert blocker.read_text() == "x"


def test_path_is_a_directory(tmp_path: Path) -> None:
    with pytest.raises(DatabaseError, match="文件夹"):
        bootstrap(f"sqlite:///{tmp_path}", home=tmp_path)


def test_not_a_database_file_is_left_unchanged(tmp_path: Path) -> None:
    bogus = tmp_path / "notes.db"
    content = "这不是数据库。 just text, long enough to fill a header page " * 40
    bogus.write_text(content)
    with pytest.raises(DatabaseError, match="不是 Riskmon 数据库"):
        bootstrap(f"sqlite:///{bogus}", home=tmp_path)
    assert bogus.read_text() == content
    assert not (tmp_path / "notes.db-wal").exists()


def test_bad_url_and_unsupported_backend(tmp_path: Path) -> None:
    with pytest.raises(DatabaseError, match="格式不正确"):
        bootstrap("not a url at all", home=tmp_path)
    with pytest.raises(DatabaseError, match="不支持的数据库类型"):
        bootstrap("mysql://u@localhost/x", home=tmp_path)


def test_postgresql_down_fails_fast(tmp_path: Path) -> None:
    # Port 1 on localhost: connection refused at once; the connect timeout bounds the rest.
    start = time.monotonic()
    with pytest.raises(DatabaseError, match="无法连接 PostgreSQL") as info:
        bootstrap("postgresql+psycopg://riskmon:secret@127.0.0.1:1/riskmon", home=tmp_path)
    assert time.monotonic() - start < dbmod.PG_CONNECT_TIMEOUT_S + 3
    assert "secret" not in info.value.message  # the password is never shown


def test_plain_postgresql_scheme_uses_psycopg() -> None:
    from sqlalchemy.engine import make_url

    engine = dbmod._pg_engine(make_url("postgresql://riskmon@127.0.0.1:1/riskmon"), echo=False)
    try:
        assert engine.url.drivername == "postgresql+psycopg"
    finally:
        engine.dispose()


def _count_tasks(database: Database) -> int:
    with database.session() as s:
        return len(s.scalars(select(MonitoringTask)).all())


def test_sqlite_backup_is_consistent_while_in_use(sqlite_db: Database, tmp_path: Path) -> None:
    with UnitOfWork(sqlite_db, "admin") as uow:
        uow.session.add_all([MonitoringTask(number=f"T{i}", title="任务") for i in range(3)])
        uow.commit()
    # A reader holds a connection open (WAL) while the backup runs.
    with sqlite_db.engine.connect() as reader:
        reader.execute(text("SELECT count(*) FROM monitoring_tasks")).scalar()
        out = sqlite_db.backup(tmp_path / "out" / "copy.db")
    assert out.exists()
    with sqlite3.connect(out) as copy:
        assert copy.execute("SELECT count(*) FROM monitoring_tasks").fetchone()[0] == 3
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    with pytest.raises(DatabaseError, match="不能与数据库文件相同"):
        sqlite_db.backup(sqlite_db.sqlite_path)  # type: ignore[arg-type]


@pytest.mark.postgres
def test_postgresql_backup_with_pg_dump(pg_db: Database, tmp_path: Path) -> None:
    if dbmod.shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is not installed")
    out = pg_db.backup(tmp_path / "pg.dump")
    assert out.stat().st_size > 0
    assert out.read_bytes()[:5] == b"PGDMP"  # custom-format archive


@pytest.mark.postgres
def test_postgresql_backup_without_pg_dump(pg_db: Database, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(dbmod.shutil, "which", lambda name: None)
    with pytest.raises(DatabaseError, match="未找到 pg_dump"):
        pg_db.backup(tmp_path / "pg.dump")
    assert not (tmp_path / "pg.dump").exists()


def test_instance_lock(tmp_path: Path) -> None:
    path = tmp_path / DB_FILENAME
    first = InstanceLock(path).acquire()
    try:
        with pytest.raises(AlreadyRunningError, match="另一个 Riskmon 窗口"):
            InstanceLock(path).acquire()
        with InstanceLock(tmp_path / "other.db") as other:  # another file: independent
            assert other.held
    finally:
        first.release()
    with InstanceLock(path) as again:  # released: can be taken again
        assert again.held
    assert not again.held
