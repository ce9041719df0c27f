"""Migration 0003 (calendar_years, standard_items.grades) on a database with data, both backends:
entries stay and their years are not marked complete (an administrator confirms each year); down and
up again leave the schema as the models describe it."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from app.services import calendar as calendar_service
from app.store import search_index
from app.store.db import Database, _alembic_config, bootstrap, head_revision
from app.store.models import Base


def _to(database: Database, revision: str, *, down: bool = False) -> None:
    with database.engine.connect() as conn, conn.begin():
        (command.downgrade if down else command.upgrade)(_alembic_config(conn), revision)


def _check(url: str | None, home: Path) -> None:
    database = bootstrap(url, home=home)
    try:
        _to(database, "0002")
        with database.engine.begin() as conn:
            conn.execute(text(
                "INSERT INTO calendar_overrides (date, kind, name, source, version, created_at, updated_at) "
                "VALUES ('2028-05-03', 'holiday', '劳动节', '导入', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"))
            conn.execute(text(
                "INSERT INTO standards (code, base_code, kind, effective, version, created_at, updated_at) "
                "VALUES ('GB/T 22849-2014', 'GB/T 22849', 'recommended_national', '2014-12-01', 1, "
                "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"))
            conn.execute(text(
                "INSERT INTO standard_items (standard_id, item, version, created_at, updated_at) "
                "SELECT id, '起球', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP FROM standards"))
        _to(database, "head")
        assert database.current_revision() == head_revision()
        view = calendar_service.year_view(database, 2028)
        assert view.state == "partial" and view.provisional  # kept, and still to be confirmed
        with database.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM calendar_years")).scalar() == 0
            assert conn.execute(text("SELECT grades FROM standard_items")).scalar() is None
        _to(database, "0002", down=True)
        names = set(inspect(database.engine).get_table_names())
        assert "calendar_years" not in names and "calendar_overrides" in names
        assert "grades" not in {c["name"] for c in inspect(database.engine).get_columns("standard_items")}
        _to(database, "head")
        with database.engine.connect() as conn:
            assert compare_metadata(MigrationContext.configure(
                conn, opts={"compare_type": True, "include_name": search_index.include_name}), Base.metadata) == []
            assert conn.execute(text("SELECT item FROM standard_items")).scalar() == "起球"
    finally:
        database.dispose()


def test_sqlite_0003_with_data(tmp_path: Path) -> None:
    _check(None, tmp_path)


@pytest.mark.postgres
def test_postgresql_0003_with_data(pg_empty_url: str, tmp_path: Path) -> None:
    _check(pg_empty_url, tmp_path)
