"""The migrations build exactly the schema the models describe, on both backends."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, select, text

from app.errors import DatabaseError
from app.resources import migrations_path
from app.store import search_index
from app.store.db import Database, bootstrap, head_revision
from app.store.models import Base, MonitoringTask
from app.store.uow import UnitOfWork


def _diff(database: Database) -> list:
    with database.engine.connect() as conn:
        # the sample list's text index (FTS5 tables, pg_trgm indexes) is made by migration 0011, not the models
        ctx = MigrationContext.configure(conn, opts={"compare_type": True, "include_name": search_index.include_name})
        return compare_metadata(ctx, Base.metadata)


def _upgrade_fresh_and_compare(url: str | None, home: Path) -> None:
    database = bootstrap(url, home=home)
    try:
        assert database.schema_status().state == "missing"
        with pytest.raises(DatabaseError, match="riskmon db upgrade"):
            database.check_schema()
        assert database.upgrade() is None  # nothing to back up in a new database
        assert database.current_revision() == head_revision()
        database.check_schema()
        assert _diff(database) == []
        assert database.upgrade() is None  # already current: no-op
    finally:
        database.dispose()


def test_sqlite_upgrade_matches_models(tmp_path: Path) -> None:
    _upgrade_fresh_and_compare(None, tmp_path)


@pytest.mark.postgres
def test_postgresql_upgrade_matches_models(pg_empty_url: str, tmp_path: Path) -> None:
    _upgrade_fresh_and_compare(pg_empty_url, tmp_path)


def test_db_fixture_is_current(db: Database) -> None:
    assert db.current_revision() == head_revision()
    db.check_schema()


# ---- upgrading an older database: backup first, nothing half-done on failure -----------------

_EXTRA = '''
import sqlalchemy as sa
from alembic import op

revision = "9999"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table("extra_test", sa.Column("id", sa.Integer, primary_key=True))
{more}


def downgrade():
    op.drop_table("extra_test")
'''


def _scripts_with_0002(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *, fail: bool) -> None:
    """Point the program at a copy of ``db/`` holding one more migration (9999) after the head."""
    from app.store import db as dbmod

    dst = tmp_path / "scripts"
    shutil.copytree(migrations_path(), dst, ignore=shutil.ignore_patterns("__pycache__"))
    more = '    op.execute("INSERT INTO no_such_table VALUES (1)")' if fail else ""
    (dst / "versions" / "9999_extra.py").write_text(_EXTRA.format(more=more, head=head_revision()),
                                                    encoding="utf-8")
    monkeypatch.setattr(dbmod, "migrations_path", lambda: dst)


def _add_task(database: Database) -> None:
    with UnitOfWork(database, "admin") as uow:
        uow.session.add(MonitoringTask(number="T-OLD", title="旧数据"))
        uow.commit()


def _tables(database: Database) -> set[str]:
    return set(inspect(database.engine).get_table_names())


def test_sqlite_behind_is_backed_up_then_migrated(
    sqlite_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _add_task(sqlite_db)
    head = head_revision()
    _scripts_with_0002(tmp_path, monkeypatch, fail=False)
    assert sqlite_db.schema_status().state == "behind"
    with pytest.raises(DatabaseError, match="版本较旧"):
        sqlite_db.check_schema()
    backup = sqlite_db.upgrade()
    assert backup is not None and backup.parent == sqlite_db.home / "backups"
    assert sqlite_db.current_revision() == "9999"
    assert "extra_test" in _tables(sqlite_db)
    with sqlite3.connect(backup) as copy:
        assert copy.execute("SELECT version_num FROM alembic_version").fetchone()[0] == head
        assert copy.execute("SELECT number FROM monitoring_tasks").fetchall() == [("T-OLD",)]


def test_sqlite_failed_upgrade_restores_backup(
    sqlite_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _add_task(sqlite_db)
    head = head_revision()
    _scripts_with_0002(tmp_path, monkeypatch, fail=True)
    with pytest.raises(DatabaseError, match="数据库升级失败：no such table.*已全部撤销，数据库保持升级前的状态"):
        sqlite_db.upgrade()
    assert not (sqlite_db.sqlite_path.parent / "riskmon.db.upgrading").exists()
    assert sqlite_db.current_revision() == head
    assert "extra_test" not in _tables(sqlite_db)
    with sqlite_db.session() as s:
        assert s.scalars(select(MonitoringTask.number)).all() == ["T-OLD"]


@pytest.mark.postgres
def test_postgresql_failed_upgrade_changes_nothing(
    pg_empty_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = bootstrap(pg_empty_url, home=tmp_path)
    try:
        database.upgrade()
        _add_task(database)
        head = head_revision()
        _scripts_with_0002(tmp_path, monkeypatch, fail=True)
        with pytest.raises(DatabaseError, match="数据库升级失败"):
            database.upgrade()
        assert database.current_revision() == head
        assert "extra_test" not in _tables(database)
        assert not (tmp_path / "backups").exists()  # PostgreSQL relies on the transaction
        with database.session() as s:
            assert s.scalars(select(MonitoringTask.number)).all() == ["T-OLD"]
    finally:
        database.dispose()


def test_newer_database_is_refused(db: Database) -> None:
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = 'f00d'"))
    try:
        assert db.schema_status().state == "newer"
        with pytest.raises(DatabaseError, match="数据库版本比本程序新.*请升级程序"):
            db.check_schema()
        with pytest.raises(DatabaseError, match="请升级程序"):
            db.upgrade()
    finally:
        with db.engine.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": head_revision()})


def test_sqlite_file_of_another_program_is_not_migrated(tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
    database = bootstrap(f"sqlite:///{other}", home=tmp_path)
    try:
        with pytest.raises(DatabaseError, match="invoices.*不是 Riskmon 数据库"):
            database.upgrade()
        assert _tables(database) == {"invoices"}
    finally:
        database.dispose()
