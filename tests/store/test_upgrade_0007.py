"""Migration 0007 (the scheme lifecycle) on the demo lab as schema 0006 held it, both backends.

The demo lab is loaded at the head and taken down to 0006 (where a scheme was "approved" by the
lab, with no history and no authority's document), one of its samples losing its scheme as if
registered with "（无方案）". :meth:`Database.upgrade` then runs 0007 with its data step
(:func:`app.services.tasks.upgrade_0007`): every scheme is confirmed again with a synthetic history
that says the authority's document was never recorded, the sample gets its task's current scheme,
and the audit log accounts for every row.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import inspect, text

from app.services import demo, tasks, users
from app.services.context import Context
from app.store.db import _alembic_config, _sqlite_transaction_engine, bootstrap, head_revision
from app.store.uow import UnitOfWork
from tests.store.test_migrations import _diff


def _check(url: str | None, home: Path) -> None:
    database = bootstrap(url, home=home)
    try:
        database.upgrade()
        demo.load_demo(database, actor="test")
        engine = database.engine
        if database.is_sqlite:  # SQLite alters by copying tables: foreign keys off, as the program migrates
            engine = _sqlite_transaction_engine(database.engine.url, foreign_keys=False)
        with engine.connect() as conn, conn.begin():
            command.downgrade(_alembic_config(conn), "0006")
        if engine is not database.engine:
            engine.dispose()
        assert database.current_revision() == "0006"
        assert "scheme_events" not in inspect(database.engine).get_table_names()
        with database.engine.begin() as conn:
            statuses = set(conn.execute(text("SELECT status FROM schemes")).scalars())
            assert statuses == {"approved"}
            orphan = conn.execute(text("SELECT id FROM samples ORDER BY id DESC")).scalars().first()
            conn.execute(text("UPDATE samples SET scheme_id = NULL WHERE id = :i"), {"i": orphan})

        database.upgrade()
        assert database.current_revision() == head_revision()
        assert _diff(database) == []  # the schema the models describe (as test_migrations compares it)
        with database.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM samples WHERE scheme_id IS NULL")).scalar() == 0
            actors = set(conn.execute(text("SELECT DISTINCT actor FROM audit_log WHERE actor LIKE 'migration:%'"))
                         .scalars())
            # the data step's own entries, and what the migrations did to existing rows
            assert actors == {"migration:0007", f"migration:{head_revision()}"}

        ctx = Context(database, users.authenticate(database, "wangjian", demo.DEMO_PASSWORD))
        for task in tasks.list_tasks(ctx):
            for scheme in tasks.list_schemes(ctx, task.id):
                assert scheme.status == "confirmed"
                kinds = [h.kind for h in scheme.history]
                assert kinds[0] == "drafted" and kinds[-1] == "confirmed" and "submitted" in kinds
                last = scheme.history[-1]
                assert last.comment == tasks.MIGRATED_CONFIRMATION and not last.has_file
                assert last.actor  # who confirmed in the old program
                assert scheme.allowed("revise")  # a confirmed scheme can now be revised
        with UnitOfWork(database, actor="test") as uow:
            from app.store.audit import verify_chain, verify_rows

            assert not [m.message() for m in verify_rows(uow.session)]
            assert verify_chain(uow.session).ok
    finally:
        database.dispose()


def test_sqlite_0007_on_the_demo_lab(tmp_path: Path) -> None:
    _check(None, tmp_path)


@pytest.mark.postgres
def test_postgresql_0007_on_the_demo_lab(pg_empty_url: str, tmp_path: Path) -> None:
    _check(pg_empty_url, tmp_path)
