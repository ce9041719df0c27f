"""Migration 0012 on the demo lab as schema 0011 held it, both backends: the counts kept for
风险研判 are created and filled from the approved results (and agree with them), each scheme
item gets its hazard class from the table (泄漏电流 → 触电), and the audit log accounts for it."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import inspect, text

from app import ruledata
from app.services import demo
from app.store import risk_counts
from app.store.db import _alembic_config, _sqlite_transaction_engine, bootstrap, head_revision
from app.store.uow import UnitOfWork
from tests.store.test_migrations import _diff


def _check(url: str | None, home: Path) -> None:
    database = bootstrap(url, home=home)
    try:
        database.upgrade()
        demo.load_demo(database, actor="test")
        with database.engine.connect() as conn:
            wanted = sorted(tuple(r) for r in conn.exec_driver_sql(risk_counts.DEFINITION))
        assert wanted  # the demo lab has approved results to count
        engine = database.engine
        if database.is_sqlite:  # SQLite alters by copying tables: foreign keys off, as the program migrates
            engine = _sqlite_transaction_engine(database.engine.url, foreign_keys=False)
        with engine.connect() as conn, conn.begin():
            command.downgrade(_alembic_config(conn), "0011")
        if engine is not database.engine:
            engine.dispose()
        assert database.current_revision() == "0011"
        assert risk_counts.TABLE not in inspect(database.engine).get_table_names()
        assert "hazard_class" not in {c["name"] for c in inspect(database.engine).get_columns("scheme_items")}

        database.upgrade()
        assert database.current_revision() == head_revision()
        assert _diff(database) == []  # the schema the models describe (as test_migrations compares it)
        with database.engine.connect() as conn:
            assert risk_counts.check(conn) == []
            kept = sorted(tuple(r) for r in conn.exec_driver_sql(risk_counts.KEPT))
            assert kept == wanted
            classes = dict(conn.execute(text("SELECT name, hazard_class FROM scheme_items")).all())
        assert classes["泄漏电流"] == "electric_shock"
        table = ruledata.load_hazard_classes()
        assert all(code == (ruledata.hazard_class_of(name, table) or None) for name, code in classes.items())
        with UnitOfWork(database, actor="test") as uow:
            from app.store.audit import verify_chain, verify_rows

            assert not [m.message() for m in verify_rows(uow.session)]
            assert verify_chain(uow.session).ok
    finally:
        database.dispose()


def test_sqlite_0012_on_the_demo_lab(tmp_path: Path) -> None:
    _check(None, tmp_path)


@pytest.mark.postgres
def test_postgresql_0012_on_the_demo_lab(pg_empty_url: str, tmp_path: Path) -> None:
    _check(pg_empty_url, tmp_path)
