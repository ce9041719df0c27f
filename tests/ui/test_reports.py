"""报告与告知 page on the demo lab: preview, save and print a test report in the in-app viewer, write
the notices in batch and record a delivery, the analysis and monthly reports, ledger and package."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QLabel

from app import clock
from app.documents.package import verify_package
from app.services import documents, notifications
from tests.ui.helpers import settle

KETTLE = "HBFX-2026-DQ-01"


def _pages(data: bytes) -> int:
    return len(PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def page(qtbot, demo_ctx):
    from app.ui.pages.reports import ReportsPage

    p = ReportsPage(demo_ctx)
    qtbot.addWidget(p)
    p.resize(1130, 760)
    p.show()
    p.refresh()
    settle(qtbot)
    index = p.task_box.findText(KETTLE, Qt.MatchFlag.MatchStartsWith)
    p.task_box.setCurrentIndex(index)
    settle(qtbot)
    return p


def _approved(page) -> documents.SampleReportRow:
    [row] = [r for r in page.rows if r.approved]
    return row


def test_preview_save_and_print_a_test_report(qtbot, page, tmp_path: Path, monkeypatch):
    row = _approved(page)
    assert page.samples.rowCount() == len(documents.task_report_rows(page.ctx, page.task_id))
    assert not page.preview_button.isEnabled()  # nothing selected yet
    assert page.select_sample(row.sample_number)
    assert page.preview_button.isEnabled()
    page.preview_button.click()
    settle(qtbot)

    expected = _pages(documents.test_report_pdf(page.ctx, row.sample_id))
    viewer = page.viewer
    assert viewer.page_count() == expected >= 2
    assert row.report_number in viewer.title.text()
    assert viewer.current_page() == 0 and not viewer.prev_button.isEnabled()
    viewer.next_page()
    assert viewer.current_page() == 1 and viewer.page_spin.value() == 2
    viewer.set_zoom(1.0)
    viewer.zoom_in()
    assert viewer.zoom_factor() == pytest.approx(1.25)

    monkeypatch.setattr(viewer, "ask_save_path", lambda caption, name: str(tmp_path / "saved"))
    saved = viewer.save_as()
    assert saved == tmp_path / "saved.pdf" and saved.read_bytes() == viewer.data

    def to_file(printer: QPrinter) -> bool:
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(tmp_path / "printed.pdf"))
        return True

    monkeypatch.setattr(viewer, "ask_print", to_file)
    assert viewer.print_document() == expected
    assert _pages((tmp_path / "printed.pdf").read_bytes()) == expected

    # a sample without a report cannot be previewed
    [open_row] = [r for r in page.rows if not r.has_report][:1]
    page.select_sample(open_row.sample_number)
    assert not page.preview_button.isEnabled()

    # another page hands over a sample: its task is shown and the sample selected
    kids = page.task_box.findText("WHFX", Qt.MatchFlag.MatchStartsWith)
    page.task_box.setCurrentIndex(kids)
    settle(qtbot)
    assert page.rows and row.sample_number not in {r.sample_number for r in page.rows}
    page.open(sample_id=row.sample_id)
    settle(qtbot)
    assert page.task_box.currentText().startswith(KETTLE)
    assert page.selected_sample().sample_id == row.sample_id and page.preview_button.isEnabled()


def test_write_the_notices_and_record_a_delivery(qtbot, page, tmp_path: Path, monkeypatch):
    row = _approved(page)
    page.tabs.setCurrentIndex(1)
    # the demo issued the approved problem sample's notices after its approval: none is awaited
    assert row.sample_number not in page.awaiting.text() and "3 份告知书尚未送达" in page.awaiting.text()
    assert page.notice_table.rowCount() == 3 and not page.create_button.isEnabled()
    assert page.generate_button.isEnabled()

    monkeypatch.setattr(page, "ask_folder", lambda caption: str(tmp_path / "letters"))
    page.notice_table.selectRow(0)  # the letters of the selected notice's sample, confirmed before writing
    page.generate_button.click()
    settle(qtbot)
    assert page.notice_dialog.files.rowCount() == 3
    page.notice_dialog.accept()
    settle(qtbot)
    written = sorted((tmp_path / "letters").glob("*.pdf"))
    assert len(written) == 3
    assert page.notice_table.rowCount() == 3 and not page.create_button.isEnabled()
    assert "3" in page.status.text()

    page.notice_table.selectRow(1)
    notice = page.selected_notice()
    assert notice.out_of_province and page.notice_table.item(1, 4).text()
    page.preview_notice_button.click()
    settle(qtbot)
    assert page.viewer.page_count() == _pages(notifications.notice_pdf(page.ctx, notice.id))
    assert notice.recipient in page.viewer.title.text()

    page.delivery_button.click()
    dialog = page.dialog
    assert dialog is not None and dialog.isVisible()
    today = clock.today()
    dialog.sent.setDate(QDate(today))
    dialog.method.setCurrentIndex(dialog.method.findData("post"))
    dialog.acknowledged.set_date(today - dt.timedelta(days=1))  # before it was sent
    dialog.note.setPlainText("挂号信回执")
    dialog.submit()
    settle(qtbot)
    assert dialog.isVisible() and "签收日期不能早于送达日期" in dialog.error.text()
    assert dialog.note.toPlainText() == "挂号信回执"  # what was typed is kept

    dialog.acknowledged.set_date(today)
    dialog.submit()
    settle(qtbot)
    assert not dialog.isVisible() and page.dialog is None
    [saved] = [n for n in notifications.list_notifications(page.ctx, page.task_id).rows if n.id == notice.id]
    assert (saved.sent_date, saved.method, saved.acknowledged_date, saved.ack_note) == (today, "post", today, "挂号信回执")
    [cells] = [[page.notice_table.item(r, c).text() for c in range(page.notice_table.columnCount())]
               for r in range(page.notice_table.rowCount())
               if page.notice_table.item(r, 1).text() == notice.document_number]
    assert saved.state_label in cells and today.isoformat() in cells


def test_analysis_monthly_ledger_and_package(qtbot, page, tmp_path: Path, monkeypatch):
    page.tabs.setCurrentIndex(2)
    page.analysis_button.click()
    settle(qtbot)
    assert page.viewer.page_count() == _pages(documents.analysis_pdf(page.ctx, page.task_id))

    today = clock.today()
    page.month.setDate(QDate(today.year + 1, today.month, 1))  # a month to come cannot be chosen
    assert page.month.date().toPython() <= today
    page.month.setDate(QDate(today.year, today.month, 1))
    page.monthly_button.click()
    settle(qtbot)
    assert page.viewer.page_count() == _pages(documents.monthly_pdf(page.ctx, today.year, today.month))

    monkeypatch.setattr(page, "ask_save_path", lambda caption, name, filt: str(tmp_path / name))
    page.monthly_excel_button.click()
    settle(qtbot)
    assert load_workbook(tmp_path / f"风险信息月报-{today:%Y-%m}.xlsx")["月报"]["A1"].value

    page.tabs.setCurrentIndex(3)
    page.ledger_button.click()
    settle(qtbot)
    ledger = load_workbook(tmp_path / f"样品台账-{KETTLE}.xlsx").active
    assert ledger.max_row == page.samples.rowCount() + 1

    monkeypatch.setattr(page, "ask_folder", lambda caption: str(tmp_path))
    page.package_button.click()
    settle(qtbot)
    package = tmp_path / f"{KETTLE}.zip"
    assert verify_package(package).ok and str(package) in page.status.text()


# ---------------------------------------------------------------------------------------------- the analysis report
def _as(ctx, username: str):
    from app.services import demo, users
    from app.services.context import Context

    return Context(ctx.db, users.authenticate(ctx.db, username, demo.DEMO_PASSWORD))


def _analysis_page(qtbot, ctx):
    """The page of one user (each signs in at their own workstation), on the kettle task's analysis tab."""
    from app.ui.pages.reports import ReportsPage

    p = ReportsPage(ctx)
    qtbot.addWidget(p)
    p.resize(1130, 760)
    p.show()
    p.refresh()
    settle(qtbot)
    p.task_box.setCurrentIndex(p.task_box.findText(KETTLE, Qt.MatchFlag.MatchStartsWith))
    settle(qtbot)
    p.tabs.setCurrentIndex(2)
    assert p.analysis is not None and p.analysis.task_id == p.task_id
    return p


def _sign(qtbot, p, password: str) -> None:
    p.analysis_dialog.password.setText(password)
    p.analysis_dialog._ok()
    settle(qtbot)


def _text(label: QLabel) -> str:
    """What a rich-text label shows."""
    doc = QTextDocument()
    doc.setHtml(label.text())
    return doc.toPlainText()


def _history(p) -> list[list[str]]:
    t = p.analysis_history
    return [[t.item(r, c).text() for c in range(t.columnCount())] for r in range(t.rowCount())]


def test_the_analysis_report_is_compiled_reviewed_and_approved_on_the_page(qtbot, demo_ctx):
    from app.services import demo, upload
    from app.services.documents import analysis as analysis_documents

    tech = _analysis_page(qtbot, _as(demo_ctx, "wangjian"))
    state = tech.analysis_state
    assert "尚未编制" in _text(state) and "1 份已批准的检验报告" in _text(state)
    assert tech.analysis_history.rowCount() == 0
    assert tech.compile_analysis_button.isEnabled() and tech.compile_analysis_button.text() == "编制"
    assert not tech.review_analysis_button.isEnabled() and "只有审核人" in tech.review_analysis_button.toolTip()
    assert not tech.approve_analysis_button.isEnabled()
    assert "只有授权签字人才能批准报告。" in tech.approve_analysis_button.toolTip()

    # the children's wear task has no approved test report yet: nothing to compile, and the page says why
    tech.task_box.setCurrentIndex(tech.task_box.findText("WHFX", Qt.MatchFlag.MatchStartsWith))
    settle(qtbot)
    assert not tech.compile_analysis_button.isEnabled()
    assert "还没有已批准的检验报告" in _text(state) and "还没有已批准的检验报告" in tech.compile_analysis_button.toolTip()
    tech.task_box.setCurrentIndex(tech.task_box.findText(KETTLE, Qt.MatchFlag.MatchStartsWith))
    settle(qtbot)

    qtbot.mouseClick(tech.compile_analysis_button, Qt.MouseButton.LeftButton)
    settle(qtbot)
    number = f"{KETTLE}-FX"
    assert f"{number} · 已编制，待审核" in _text(state) and "王建 编制" in _text(state)
    assert tech.compile_analysis_button.text() == "重新编制" and tech.compile_analysis_button.isEnabled()
    assert not tech.review_analysis_button.isEnabled()  # a technician neither reviews nor approves
    assert _history(tech)[0][:2] == [number, "已编制"] and _history(tech)[0][2].startswith("王建")
    assert number in tech.status.text()

    # the reviewer returns it with a comment; a comment is required
    rev = _analysis_page(qtbot, _as(demo_ctx, "chenjing"))
    assert rev.review_analysis_button.isEnabled() and not rev.compile_analysis_button.isEnabled()
    assert not rev.approve_analysis_button.isEnabled()
    qtbot.mouseClick(rev.review_analysis_button, Qt.MouseButton.LeftButton)
    dialog = rev.analysis_dialog
    assert dialog is not None and dialog.isVisible()
    assert any(number in label.text() and "王建" in label.text() for label in dialog.findChildren(QLabel))
    dialog.back.setChecked(True)
    _sign(qtbot, rev, demo.DEMO_PASSWORD)
    assert "写明" in dialog.error.text() and dialog.isVisible()
    dialog.comment.setPlainText("风险等级依据请补充说明")
    _sign(qtbot, rev, demo.DEMO_PASSWORD)
    assert rev.analysis_dialog is None
    assert "已退回编制人" in _text(rev.analysis_state) and "审核人退回：风险等级依据请补充说明" in _text(rev.analysis_state)
    # the compiler's page followed the change, and the compiler compiles again
    assert "审核人退回：风险等级依据请补充说明" in _text(state) and _history(tech)[0][1] == "已退回"
    assert tech.compile_analysis_button.text() == "重新编制"
    tech.compile_analysis_button.click()
    settle(qtbot)
    assert "已编制，待审核" in _text(state) and "退回" not in _text(state)

    # a wrong password signs nothing; the right one does
    rev.review_analysis()
    _sign(qtbot, rev, "wrong password")
    assert rev.analysis_dialog.error.text() == "密码错误，未签署。" and rev.analysis.current.status == "compiled"
    _sign(qtbot, rev, demo.DEMO_PASSWORD)
    assert rev.analysis_dialog is None and "已审核，待批准" in _text(rev.analysis_state)
    assert "陈静 审核" in _text(rev.analysis_state)
    assert not tech.compile_analysis_button.isEnabled() and "正等待批准" in tech.compile_analysis_button.toolTip()
    assert not tech.approve_analysis_button.isEnabled()  # still only a signatory's

    sig = _analysis_page(qtbot, _as(demo_ctx, "zhaomin"))
    assert sig.approve_analysis_button.isEnabled() and not sig.review_analysis_button.isEnabled()
    qtbot.mouseClick(sig.approve_analysis_button, Qt.MouseButton.LeftButton)
    assert sig.analysis_dialog.option is None  # no notices with an analysis report
    _sign(qtbot, sig, demo.DEMO_PASSWORD)
    text = _text(sig.analysis_state)
    assert f"{number} · 已批准" in text and "王建 编制" in text and "陈静 审核" in text and "赵敏 批准" in text
    assert not sig.approve_analysis_button.isEnabled()
    [row] = _history(sig)
    assert row[:2] == [number, "已批准"] and row[3].startswith("陈静") and row[4].startswith("赵敏")
    assert [r.kind for r in upload.overview(demo_ctx).rows].count("analysis_report") == 1  # queued with the approval

    # the preview shows the issued PDF: the frozen bytes
    qtbot.mouseClick(sig.analysis_button, Qt.MouseButton.LeftButton)
    settle(qtbot)
    issued = documents.analysis_pdf(sig.ctx, sig.task_id)
    assert sig.viewer.data == issued and sig.viewer.page_count() == _pages(issued) >= 1
    assert number in sig.viewer.title.text()

    # a change after approval is a new report that replaces it, with a reason
    assert tech.compile_analysis_button.text() == "重新编制…"
    qtbot.mouseClick(tech.compile_analysis_button, Qt.MouseButton.LeftButton)
    reason = tech.analysis_dialog
    reason.submit()
    assert reason.isVisible() and reason.error.text() == "请填写说明。"
    reason.edit.setPlainText("补充风险等级评估依据")
    reason.submit()
    settle(qtbot)
    assert tech.analysis_dialog is None and not reason.isVisible()
    assert f"{number}-2 · 已编制，待审核" in _text(state) and f"替代 {number}：补充风险等级评估依据" in _text(state)
    history = _history(tech)
    assert [h[0] for h in history] == [f"{number}-2", number] and history[0][5] == number
    assert [h[1] for h in history] == ["已编制", "已批准"]  # the approved one stays in force until replaced

    # a row of the history is previewed as recorded: the original as it was issued
    assert not tech.history_preview_button.isEnabled()
    tech.analysis_history.selectRow(1)
    qtbot.mouseClick(tech.history_preview_button, Qt.MouseButton.LeftButton)
    settle(qtbot)
    original = tech.selected_history()
    assert original.number == number
    assert tech.viewer.data == analysis_documents.report_pdf(tech.ctx, original.id) == issued


def test_nobody_reviews_the_analysis_report_they_compiled(qtbot, demo_ctx):
    from app.services import demo, reports, users

    info = users.create_user_unchecked(demo_ctx.db, actor="test", username="allround", display_name="全能",
                                       roles=["technician", "reviewer"], password=demo.DEMO_PASSWORD)
    p = _analysis_page(qtbot, _as(demo_ctx, info.username))
    p.compile_analysis()
    settle(qtbot)
    assert p.analysis.current.status == "compiled"
    assert not p.review_analysis_button.isEnabled() and "不能审核自己编制的报告。" in p.review_analysis_button.toolTip()
    p._sign_analysis("review")  # even past the disabled button, the service refuses
    _sign(qtbot, p, demo.DEMO_PASSWORD)
    assert p.analysis_message.isVisibleTo(p) and p.analysis_message.text() == "不能审核自己编制的报告。"
    assert reports.get_report(p.ctx, p.analysis.current.id).status == "compiled"


# ---------------------------------------------------------------------------------------------- the monthly report
def test_the_monthly_report_is_compiled_reviewed_approved_and_sent_on_the_page(qtbot, demo_ctx):
    from app.services import demo, monthly_reports

    tech = _analysis_page(qtbot, _as(demo_ctx, "wangjian"))
    today = QDate(clock.today())
    tech.month.setDate(today)
    settle(qtbot)
    state = tech.monthly_state
    assert "尚未编制" in state.text() and tech.compile_monthly_button.isEnabled()
    assert not tech.review_monthly_button.isEnabled() and not tech.submit_monthly_button.isEnabled()
    tech.compile_monthly_button.click()
    settle(qtbot)
    number = f"YB-{today.year():04d}-{today.month():02d}"
    assert number in state.text() and "王建" in state.text() and number in tech.status.text()
    assert not tech.review_monthly_button.isEnabled()  # the compiler does not review it

    rev = _analysis_page(qtbot, _as(demo_ctx, "chenjing"))
    rev.month.setDate(today)
    settle(qtbot)
    assert rev.review_monthly_button.isEnabled() and not rev.approve_monthly_button.isEnabled()
    rev.review_monthly_button.click()
    rev.monthly_dialog.password.setText("wrong")
    rev.monthly_dialog._ok()
    settle(qtbot)
    assert rev.monthly_dialog is not None and rev.monthly_dialog.isVisible()  # a wrong password signs nothing
    rev.monthly_dialog.password.setText(demo.DEMO_PASSWORD)
    rev.monthly_dialog._ok()
    settle(qtbot)
    assert "陈静" in rev.monthly_state.text()

    sig = _analysis_page(qtbot, _as(demo_ctx, "zhaomin"))
    sig.month.setDate(today)
    settle(qtbot)
    assert sig.approve_monthly_button.isEnabled()
    sig.approve_monthly_button.click()
    sig.monthly_dialog.password.setText(demo.DEMO_PASSWORD)
    sig.monthly_dialog._ok()
    settle(qtbot)
    assert "赵敏" in sig.monthly_state.text() and sig.submit_monthly_button.isEnabled()

    # 报送: the recipient is required; then the record shows on the page
    sig.submit_monthly_button.click()
    dialog = sig.monthly_dialog
    dialog.recipient.setText("")
    dialog.submit()
    assert dialog.isVisible() and dialog.error.text()
    dialog.recipient.setText("湖北省市场监督管理局")
    dialog.receipt.setText("鄂市监收〔2026〕9号")
    dialog.submit()
    settle(qtbot)
    assert "鄂市监收〔2026〕9号" in sig.monthly_state.text()
    work = monthly_reports.month_work(sig.ctx, today.year(), today.month())
    assert work.current.status == "approved" and len(work.submissions) == 1
    assert not sig.compile_monthly_button.isEnabled()  # a signatory does not compile
