"""The reports page's buttons follow the one permission model: change what
``app.services.permissions`` answers and the buttons change with it (enabled state and the reason as
their tooltip), while the service performing the action refuses with the same reason."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QDate, Qt

from app import clock
from app.errors import PermissionDenied, ValidationError
from app.services import demo, monthly_reports, permissions, users
from app.services.context import Context
from tests.ui.helpers import settle

KETTLE = "HBFX-2026-DQ-01"
DENIED = "测试：本周暂停该操作。"


def _as(ctx, username: str) -> Context:
    return Context(ctx.db, users.authenticate(ctx.db, username, demo.DEMO_PASSWORD))


def _page(qtbot, ctx):
    from app.ui.pages.reports import ReportsPage

    p = ReportsPage(ctx)
    qtbot.addWidget(p)
    p.resize(1280, 800)
    p.show()
    p.refresh()
    settle(qtbot)
    p.task_box.setCurrentIndex(p.task_box.findText(KETTLE, Qt.MatchFlag.MatchStartsWith))
    settle(qtbot)
    p.month.setDate(QDate(clock.today()))
    settle(qtbot)
    return p


def _deny(monkeypatch, name: str, *actions: str, kind: str = "state") -> None:
    """``permissions.<name>`` answers as before except that ``actions`` are refused for DENIED."""
    real = getattr(permissions, name)

    def patched(*args, **kwargs):
        a = real(*args, **kwargs)
        return permissions.Allowed(
            permissions.Action(x.name, False, DENIED, kind) if x.name in actions else x for x in a.values())

    monkeypatch.setattr(permissions, name, patched)


def test_the_analysis_buttons_render_the_model(qtbot, demo_ctx, monkeypatch):
    tech = _page(qtbot, _as(demo_ctx, "wangjian"))
    assert tech.compile_analysis_button.isEnabled()  # as the model says today
    _deny(monkeypatch, "analysis_report_actions", "compile")
    again = _page(qtbot, _as(demo_ctx, "wangjian"))
    assert not again.compile_analysis_button.isEnabled()
    assert DENIED in again.compile_analysis_button.toolTip()
    # the service asks the same function: refused with the same words
    with pytest.raises(ValidationError, match=DENIED):
        from app.services import analysis_reports

        analysis_reports.compile_analysis(again.ctx, again.task_id)


def test_the_monthly_buttons_render_the_model(qtbot, demo_ctx, monkeypatch):
    tech = _page(qtbot, _as(demo_ctx, "wangjian"))
    assert tech.compile_monthly_button.isEnabled() and not tech.submit_monthly_button.isEnabled()
    assert "尚未编制" in tech.submit_monthly_button.toolTip()
    # a signatory compiles nothing: the reason is the model's, in its words
    signatory = _page(qtbot, _as(demo_ctx, "zhaomin"))
    assert not signatory.compile_monthly_button.isEnabled()
    assert signatory.compile_monthly_button.toolTip() == "只有检验员或审核人才能编制风险信息月报。"

    _deny(monkeypatch, "monthly_report_actions", "compile", kind="role")
    again = _page(qtbot, _as(demo_ctx, "wangjian"))
    assert not again.compile_monthly_button.isEnabled() and again.compile_monthly_button.toolTip() == DENIED
    today = clock.today()
    with pytest.raises(PermissionDenied, match=DENIED):
        monthly_reports.compile_monthly(again.ctx, today.year, today.month)


def test_the_consent_button_renders_the_model(qtbot, demo_ctx, monkeypatch):
    admin = _page(qtbot, _as(demo_ctx, "admin"))
    assert admin.consent_button.isEnabled()
    _deny(monkeypatch, "publication_actions", "record_consent", kind="role")
    again = _page(qtbot, _as(demo_ctx, "admin"))
    assert not again.consent_button.isEnabled() and DENIED in again.consent_button.toolTip()
    assert again.record_consent() is None


# ----------------------------------------------------------------------------------- notices (告知书)
def test_the_notice_buttons_render_the_model(qtbot, demo_ctx, monkeypatch, tmp_path):
    from app.services import notifications
    from app.ui.pages.reports import DeliveryDialog

    tech = _page(qtbot, _as(demo_ctx, "wangjian"))
    assert tech.notices.rows and tech.generate_button.isEnabled()
    tech.notice_table.selectRow(0)
    assert tech.delivery_button.isEnabled()
    assert DeliveryDialog(tech.selected_notice(), tech, ctx=tech.ctx).add_receipt_button.isEnabled()

    _deny(monkeypatch, "notice_actions", "generate", "deliver", "attach_receipt")
    again = _page(qtbot, _as(demo_ctx, "wangjian"))
    for button in (again.generate_button, again.create_button):
        assert not button.isEnabled() and button.toolTip() == DENIED
    again.notice_table.selectRow(0)
    notice = again.selected_notice()
    assert not again.delivery_button.isEnabled() and again.delivery_button.toolTip() == DENIED
    dialog = DeliveryDialog(notice, again, ctx=again.ctx)
    assert not dialog.add_receipt_button.isEnabled() and dialog.add_receipt_button.toolTip() == DENIED
    # the notification service asks the same function
    with pytest.raises(ValidationError, match=DENIED):
        notifications.generate_notices(again.ctx, again.task_id, tmp_path / "letters")
    with pytest.raises(ValidationError, match=DENIED):
        notifications.record_delivery(again.ctx, notice.id, notice.version, sent_date=clock.today(), method="post")
    with pytest.raises(ValidationError, match=DENIED):
        notifications.add_receipt(again.ctx, notice.id, tmp_path / "receipt.png")
    assert not (tmp_path / "letters").exists()



# ----------------------------------------------------------------------------------- tasks page: risk level, catalog
def _tasks_page(qtbot, ctx):
    from app.ui.pages.tasks import TasksPage

    page = TasksPage(ctx)
    qtbot.addWidget(page)
    page.resize(1280, 800)
    page.show()
    before = page.loaded
    page.refresh()
    qtbot.waitUntil(lambda: page.loaded > before, timeout=10000)
    settle(qtbot)
    page.table.selectRow(0)
    settle(qtbot)
    assert page.current_task() is not None
    page.catalog.refresh()
    qtbot.waitUntil(lambda: page.catalog.loaded > 0, timeout=10000)
    page.catalog.table.selectRow(0)
    assert page.catalog.current() is not None
    return page


def test_the_risk_level_and_catalog_buttons_render_the_model(qtbot, demo_ctx, monkeypatch):
    from app.services import catalog, risk

    tech = _tasks_page(qtbot, _as(demo_ctx, "wangjian"))
    assert tech.propose_button.isEnabled()
    assert tech.catalog.new_button.isEnabled() and tech.catalog.version_button.isEnabled()
    assert tech.catalog.edit_button.text() == "修改"
    assert not tech.catalog.delete_button.isEnabled()  # a technician deletes no standard: the model's words
    assert tech.catalog.delete_button.toolTip() == "只有管理员才能删除标准。"
    signatory = _tasks_page(qtbot, _as(demo_ctx, "zhaomin"))
    assert not signatory.propose_button.isEnabled()
    assert signatory.propose_button.toolTip() == "只有检验员或审核人才能提出风险预警等级建议。"
    assert not signatory.catalog.import_button.isEnabled() and signatory.catalog.edit_button.text() == "查看"

    _deny(monkeypatch, "risk_actions", "propose", kind="role")
    _deny(monkeypatch, "catalog_actions", "edit", "import", "delete", kind="role")
    again = _tasks_page(qtbot, demo_ctx)  # the administrator
    assert not again.propose_button.isEnabled() and again.propose_button.toolTip() == DENIED
    assert again.propose_risk() is None
    c = again.catalog
    for button in (c.new_button, c.version_button, c.import_button, c.delete_button):
        assert not button.isEnabled() and button.toolTip() == DENIED
    assert c.edit_button.text() == "查看" and c.new_standard() is None
    with pytest.raises(PermissionDenied, match=DENIED):
        risk.save_proposal(again.ctx, again.current_task().id, None)
    standard = c.current()
    with pytest.raises(PermissionDenied, match=DENIED):
        catalog.delete_standard(again.ctx, standard.id, standard.version)


# ----------------------------------------------------------------------------------- settings: key and audit log
def test_the_signing_key_and_audit_buttons_render_the_model(qtbot, demo_ctx, monkeypatch):
    from app.services import integrity, labkey
    from app.ui.pages.settings_audit import AuditTab
    from app.ui.pages.settings_key import SigningKeyTab

    tech = SigningKeyTab(_as(demo_ctx, "wangjian"))
    qtbot.addWidget(tech)
    assert not tech.create_button.isEnabled() and tech.create_button.toolTip() == "只有管理员才能生成签章密钥。"
    assert tech.import_button.toolTip() == "只有管理员才能导入签章证书。"
    audit = AuditTab(_as(demo_ctx, "wangjian"))
    qtbot.addWidget(audit)
    assert not audit.verify_button.isEnabled()
    assert audit.export_button.toolTip() == "只有管理员或审核人或授权签字人才能导出审计检查点。"

    _deny(monkeypatch, "signing_key_actions", "generate", "import", kind="role")
    _deny(monkeypatch, "audit_actions", "verify", "sign_checkpoint", "export_checkpoints", kind="role")
    key = SigningKeyTab(demo_ctx)
    qtbot.addWidget(key)
    for button in (key.create_button, key.import_button):
        assert not button.isEnabled() and button.toolTip() == DENIED
    assert key.create_key() is None and key.status.text() == DENIED
    tab = AuditTab(demo_ctx)
    qtbot.addWidget(tab)
    qtbot.waitUntil(lambda: tab.view is not None, timeout=10000)
    for button in (tab.verify_button, tab.anchor_button, tab.sign_button, tab.export_button):
        assert not button.isEnabled() and button.toolTip() == DENIED
    with pytest.raises(PermissionDenied, match=DENIED):
        labkey.create_key(demo_ctx, "a long enough password")
    with pytest.raises(PermissionDenied, match=DENIED):
        integrity.verify(demo_ctx)
    with pytest.raises(PermissionDenied, match=DENIED):
        integrity.make_checkpoint(demo_ctx)


# ----------------------------------------------------------------------------------- testing page: bulk entry
def test_the_bulk_entry_button_renders_the_model(qtbot, demo_ctx, monkeypatch):
    from app.services import testing
    from app.ui.pages.testing import TestingPage

    def page(ctx):
        p = TestingPage(ctx)
        qtbot.addWidget(p)
        return p

    assert page(_as(demo_ctx, "wangjian")).bulk_button.isEnabled()
    signatory = page(_as(demo_ctx, "zhaomin"))
    assert not signatory.bulk_button.isEnabled() and signatory.bulk_button.toolTip() == "只有检验员才能批量录入检验结果。"
    _deny(monkeypatch, "bench_actions", "bulk_entry", kind="role")
    again = page(_as(demo_ctx, "wangjian"))
    assert not again.bulk_button.isEnabled() and again.bulk_button.toolTip() == DENIED
    assert again.open_bulk_entry() is None
    with pytest.raises(PermissionDenied, match=DENIED):
        testing.enter_results_bulk(again.ctx, "外观", [])
    settle(qtbot)


# ----------------------------------------------------------------------------------- upload page: the password
def test_only_who_may_send_is_asked_for_the_provincial_password(qtbot, demo_ctx, monkeypatch):
    from app.ui.pages.sync import SyncPage

    def page(ctx):
        p = SyncPage(ctx)
        qtbot.addWidget(p)
        p.runner.stop(wait=10)
        return p

    asked = []
    monkeypatch.setattr(SyncPage, "ask_password", lambda self, reason, **_kw: asked.append(reason))
    tech = page(_as(demo_ctx, "wangjian"))
    tech._credentials_needed("需要省级系统密码。")
    assert asked == ["需要省级系统密码。"]
    reviewer = page(_as(demo_ctx, "chenjing"))  # a reviewer does not operate the upload
    reviewer._credentials_needed("需要省级系统密码。")
    assert asked == ["需要省级系统密码。"]
    assert reviewer.message.text() == "需要省级系统密码。\n只有检验员或授权签字人或管理员才能上传到省级系统。"
    _deny(monkeypatch, "upload_queue_actions", "send", kind="role")
    again = page(_as(demo_ctx, "wangjian"))
    again._credentials_needed("需要省级系统密码。")
    assert len(asked) == 1 and again.message.text().endswith(DENIED)
    settle(qtbot)
