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
from app.ui import ops

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
    assert ops.wait_idle()
    p.task_box.setCurrentIndex(p.task_box.findText(KETTLE, Qt.MatchFlag.MatchStartsWith))
    assert ops.wait_idle()
    p.month.setDate(QDate(clock.today()))
    assert ops.wait_idle()
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
