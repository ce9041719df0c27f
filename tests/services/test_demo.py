"""The demo lab loads through the services on SQLite and on PostgreSQL, and leaves an intact audit chain."""

from __future__ import annotations

import datetime as dt

from app.services import dashboard, demo, users
from app.services.context import Context
from tests.services.conftest import audit_ok


def test_demo_lab_loads(db):
    summary = demo.load_demo(db, actor="test")
    assert summary.tasks == 2 and summary.samples == 10
    admin = users.authenticate(db, demo.DEMO_USER, demo.DEMO_PASSWORD)
    board = dashboard.load_board(Context(db, admin))
    states = {r.state for r in board.rows}
    assert "overdue" in states and "ok" in states
    assert {t.number for t in board.tasks} == {"HBFX-2026-DQ-01", "WHFX-2026-FZ-03"}
    assert board.awaiting_notification >= 1  # the approved e-commerce sample with problems
    assert audit_ok(db)


def test_demo_scales_for_benchmarks(sqlite_db):
    summary = demo.load_demo(sqlite_db, actor="test", samples=300, today=dt.date.today())
    assert summary.samples == 310 and summary.generated == 300
    assert audit_ok(sqlite_db)
