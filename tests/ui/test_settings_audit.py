"""设置 → 审计与完整性: the head and the demo lab's checkpoints are listed; 校验 says nothing was
tampered with, then names a record changed outside the program; 签署检查点 adds a row."""

from __future__ import annotations

import sqlite3

from app.services import integrity
from app.ui.pages.settings_audit import AuditTab
from tests.ui.helpers import settle


def _tab(qtbot, ctx) -> AuditTab:
    tab = AuditTab(ctx)
    qtbot.addWidget(tab)
    qtbot.waitUntil(lambda: tab.view is not None, timeout=10000)
    return tab


def test_verify_then_tamper_then_sign(qtbot, demo_ctx):
    tab = _tab(qtbot, demo_ctx)
    assert "哈希" in tab.head.text() and str(tab.view.head_seq) in tab.head.text()
    assert tab.table.rowCount() == len(tab.view.checkpoints) >= 1
    assert tab.sign_button.isEnabled()

    tab.verify_button.click()
    qtbot.waitUntil(lambda: tab.report is not None, timeout=20000)
    assert tab.report.ok and "未发现篡改" in tab.verdict.text()

    demo_ctx.db.dispose()
    con = sqlite3.connect(demo_ctx.db.sqlite_path)
    con.execute("UPDATE samples SET brand = '冒牌' WHERE id = 3")
    con.commit()
    con.close()
    tab.report = None
    tab.verify_button.click()
    qtbot.waitUntil(lambda: tab.report is not None, timeout=20000)
    assert not tab.report.ok and "发现篡改" in tab.verdict.text()
    assert "表 samples 第 3 行" in tab.details.toPlainText()

    before = tab.table.rowCount()
    tab.sign_button.click()  # a checkpoint signs the chain (which is intact), not the rows
    qtbot.waitUntil(lambda: tab.table.rowCount() == before + 1, timeout=20000)
    assert "已签署检查点" in tab.verdict.text() or "Checkpoint signed" in tab.verdict.text()
    settle(qtbot)


def test_a_technician_cannot_verify(qtbot, demo_ctx):
    from app.services import users
    from app.services.context import Context

    tech = Context(demo_ctx.db, users.authenticate(demo_ctx.db, "wangjian", "demo1234"))
    tab = _tab(qtbot, tech)
    assert not tab.verify_button.isEnabled() and not tab.sign_button.isEnabled()
    assert integrity.VERIFY_ROLES
