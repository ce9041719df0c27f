"""The migrations build exactly the schema the models describe, on both backends."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from app.errors import DatabaseError
from app.store.db import Database, bootstrap, head_revision
from app.store.models import Base


def _diff(database: Database) -> list:
    with database.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
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
