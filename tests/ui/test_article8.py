"""Article 8 in the 报告与告知 page: every export asks once, naming what leaves the lab and quoting
Article 8 (a "no" writes nothing); the files carry the mark; an administrator records the task's
公开同意 and only then can a publication-ready copy without the mark be exported."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import QDate, Qt

from app import clock
from app.rules.publication import ARTICLE_8, MARK
from app.services import demo, publication, users
from app.services.context import Context
from tests.ui.helpers import settle

pytestmark = pytest.mark.lab_time  # dates against the lab's today: also run under TZ=UTC

KETTLE = "HBFX-2026-DQ-01"
TITLE = "导出风险监测信息（第八条）"


def _page(qtbot, ctx: Context):
    from app.ui.pages.reports import ReportsPage

    p = ReportsPage(ctx)
    qtbot.addWidget(p)
    p.resize(1130, 760)
    p.show()
    p.refresh()
    settle(qtbot)
    p.task_box.setCurrentIndex(p.task_box.findText(KETTLE, Qt.MatchFlag.MatchStartsWith))
    settle(qtbot)
    p.tabs.setCurrentIndex(3)
    return p


@pytest.fixture
def page(qtbot, demo_ctx, tmp_path: Path, monkeypatch):
    p = _page(qtbot, demo_ctx)
    monkeypatch.setattr(p, "ask_save_path", lambda caption, name, filt: str(tmp_path / name))
    monkeypatch.setattr(p, "ask_folder", lambda caption: str(tmp_path))
    return p


def test_every_export_asks_once_naming_it_and_quoting_article_8(qtbot, page, tmp_path: Path, export_notices, monkeypatch):
    page.ledger_button.click()
    settle(qtbot)
    [(title, text)] = export_notices
    assert title == TITLE and f"样品台账：任务 {KETTLE}" in text and MARK in text and ARTICLE_8 in text
    ws = load_workbook(tmp_path / f"样品台账-{KETTLE}.xlsx").active
    assert ws.oddHeader.center.text == MARK and ws.oddFooter.left.text == ARTICLE_8

    # "cancel": no file chosen, nothing written
    export_notices.answer = False
    chosen = []
    monkeypatch.setattr(page, "ask_save_path", lambda *a: chosen.append(a) or str(tmp_path / "no.xlsx"))
    page.results_button.click()
    settle(qtbot)
    assert len(export_notices) == 2 and "检验结果汇总" in export_notices[-1][1]
    assert not chosen and not (tmp_path / "no.xlsx").exists()
    export_notices.answer = True
    monkeypatch.setattr(page, "ask_save_path", lambda caption, name, filt: str(tmp_path / name))

    page.results_button.click()
    settle(qtbot)
    ws = load_workbook(tmp_path / f"检验结果-{KETTLE}.xlsx").active
    assert ws.oddHeader.left.text == f"检验结果汇总 · 任务 {KETTLE}" and ws.oddFooter.left.text == ARTICLE_8

    page.package_button.click()
    settle(qtbot)
    assert "任务导出包" in export_notices[-1][1] and (tmp_path / f"{KETTLE}.zip").is_file()

    page.monthly_excel_button.click()
    settle(qtbot)
    assert "风险信息月报" in export_notices[-1][1] and ARTICLE_8 in export_notices[-1][1]

    # a PDF saved from the viewer: the issued report carries the mark itself
    [row] = [r for r in page.rows if r.approved]
    page.select_sample(row.sample_number)
    page.preview_button.click()
    settle(qtbot)
    monkeypatch.setattr(page.viewer, "ask_save_path", lambda caption, name: str(tmp_path / "report"))
    before = len(export_notices)
    assert page.viewer.save_as() == tmp_path / "report.pdf"
    assert len(export_notices) == before + 1 and row.report_number in export_notices[-1][1]


def test_a_consent_recorded_by_the_administrator_unlocks_a_public_copy(qtbot, demo_ctx, page, tmp_path: Path,
                                                                       export_notices):
    tech = Context(demo_ctx.db, users.authenticate(demo_ctx.db, "wangjian", demo.DEMO_PASSWORD))
    theirs = _page(qtbot, tech)
    assert not theirs.consent_button.isEnabled() and theirs.record_consent() is None
    assert "只有管理员才能登记公开同意。" in theirs.consent_button.toolTip()
    assert not page.public_box.isEnabled() and "没有公开同意记录" in page.consent_label.text()

    dialog = page.record_consent()
    assert dialog is not None and dialog.authority.text()  # the task's issuing authority, to start from
    dialog.authority.clear()
    dialog.save()
    settle(qtbot)
    assert dialog.isVisible() and "部门" in dialog.error_text.text() and "文号" in dialog.error_text.text()
    assert dialog.consent_date.maximumDate() == QDate(clock.today())  # no consent from the future
    dialog.authority.setText("湖北省市场监督管理局")
    dialog.document_number.setText("鄂市监质函〔2026〕12号")
    dialog.save()
    settle(qtbot)
    assert not dialog.isVisible()
    qtbot.waitUntil(lambda: page.public_box.isEnabled(), timeout=10000)
    assert "鄂市监质函〔2026〕12号" in page.consent_label.text()
    assert page.consent_button.text() == "修改公开同意…"

    page.public_box.setChecked(True)
    page.ledger_button.click()
    settle(qtbot)
    consent = publication.get_consent(demo_ctx, page.task_id)
    assert "可公开版本" in export_notices[-1][1] and consent.line in export_notices[-1][1]
    ws = load_workbook(tmp_path / f"样品台账-{KETTLE}-公开.xlsx").active
    assert not ws.oddHeader.center.text and ws.oddFooter.left.text == consent.line
    # the package for the regulator never becomes public
    page.package_button.click()
    settle(qtbot)
    assert ARTICLE_8 in export_notices[-1][1] and "可公开版本" not in export_notices[-1][1]
