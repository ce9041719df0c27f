"""The demo lab loads through the services on SQLite and on PostgreSQL, and leaves an intact audit chain."""

from __future__ import annotations

import datetime as dt

from app import clock
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


def test_demo_lab_has_a_queued_major_hazard_and_an_issued_monthly_report(db):
    from sqlalchemy import select

    from app.services import monthly_reports, risk
    from app.store.models import HazardReport, SyncOutbox
    from app.store.queries import lab_today
    from app.store.uow import UnitOfWork
    from app.sync import outbox

    demo.load_demo(db, actor="test")
    ctx = Context(db, users.authenticate(db, "wangjian", demo.DEMO_PASSWORD))
    with UnitOfWork(db, actor="test") as uow:
        h = uow.session.scalars(select(HazardReport)).one()
        assert (h.status, h.method, h.risk_information_id is not None) == ("reported", "upload", True)
        item = uow.session.get(SyncOutbox, h.outbox_id)
        assert (item.kind, item.state) == ("hazard", "pending")
        assert outbox.KIND_LABELS["hazard"] == "重大风险隐患报告"  # as `riskmon sync --list` names it
        today = lab_today(uow.session)
        info_id = h.risk_information_id
    # the register entry of the hazard shows its 即时报送 from the hazard record
    entry = risk.get_info(ctx, info_id)
    assert entry.immediate is not None and entry.immediate.via.startswith("重大质量安全风险隐患报告")
    last = today.replace(day=1) - dt.timedelta(days=1)
    work = monthly_reports.month_work(ctx, last.year, last.month)
    assert work.current is not None and work.current.status == "approved" and work.current.has_pdf
    assert (work.current.compiled_by, work.current.reviewed_by, work.current.approved_by) == ("王建", "陈静", "赵敏")
    assert len(work.submissions) == 1 and work.submissions[0].method == "email"


def test_demo_scales_for_benchmarks(sqlite_db):
    summary = demo.load_demo(sqlite_db, actor="test", samples=300, today=clock.today())
    assert summary.samples == 310 and summary.generated == 300
    assert audit_ok(sqlite_db)
