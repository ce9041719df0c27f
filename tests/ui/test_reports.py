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
from PySide6.QtPrintSupport import QPrinter

from app.documents.package import verify_package
from app.services import documents, notifications
from app.ui import ops

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
    assert ops.wait_idle()
    index = p.task_box.findText(KETTLE, Qt.MatchFlag.MatchStartsWith)
    p.task_box.setCurrentIndex(index)
    assert ops.wait_idle()
    return p


def _approved(page) -> documents.SampleReportRow:
    [row] = [r for r in page.rows if r.approved]
    return row


def test_preview_save_and_print_a_test_report(page, tmp_path: Path, monkeypatch):
    row = _approved(page)
    assert page.samples.rowCount() == len(documents.task_report_rows(page.ctx, page.task_id))
    assert not page.preview_button.isEnabled()  # nothing selected yet
    assert page.select_sample(row.sample_number)
    assert page.preview_button.isEnabled()
    page.preview_button.click()
    assert ops.wait_idle()

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
    assert ops.wait_idle()
    assert page.rows and row.sample_number not in {r.sample_number for r in page.rows}
    page.open(sample_id=row.sample_id)
    assert ops.wait_idle()
    assert page.task_box.currentText().startswith(KETTLE)
    assert page.selected_sample().sample_id == row.sample_id and page.preview_button.isEnabled()


def test_write_the_notices_and_record_a_delivery(page, tmp_path: Path, monkeypatch):
    row = _approved(page)
    page.tabs.setCurrentIndex(1)
    assert row.sample_number in page.awaiting.text()
    assert page.notice_table.rowCount() == 0 and page.generate_button.isEnabled()

    monkeypatch.setattr(page, "ask_folder", lambda caption: str(tmp_path / "letters"))
    page.generate_button.click()
    assert ops.wait_idle()
    written = sorted((tmp_path / "letters").glob("*.pdf"))
    assert len(written) == 3
    assert page.notice_table.rowCount() == 3 and not page.create_button.isEnabled()
    assert "3" in page.status.text()

    page.notice_table.selectRow(1)
    notice = page.selected_notice()
    assert notice.out_of_province and page.notice_table.item(1, 4).text()
    page.preview_notice_button.click()
    assert ops.wait_idle()
    assert page.viewer.page_count() == _pages(notifications.notice_pdf(page.ctx, notice.id))
    assert notice.recipient in page.viewer.title.text()

    page.delivery_button.click()
    dialog = page.dialog
    assert dialog is not None and dialog.isVisible()
    today = dt.date.today()
    dialog.sent.setDate(QDate(today))
    dialog.method.setCurrentIndex(dialog.method.findData("post"))
    dialog.acknowledged.set_date(today - dt.timedelta(days=1))  # before it was sent
    dialog.note.setPlainText("挂号信回执")
    dialog.submit()
    assert ops.wait_idle()
    assert dialog.isVisible() and "签收日期不能早于送达日期" in dialog.error.text()
    assert dialog.note.toPlainText() == "挂号信回执"  # what was typed is kept

    dialog.acknowledged.set_date(today)
    dialog.submit()
    assert ops.wait_idle()
    assert not dialog.isVisible() and page.dialog is None
    [saved] = [n for n in notifications.list_notifications(page.ctx, page.task_id).rows if n.id == notice.id]
    assert (saved.sent_date, saved.method, saved.acknowledged_date, saved.ack_note) == (today, "post", today, "挂号信回执")
    [cells] = [[page.notice_table.item(r, c).text() for c in range(page.notice_table.columnCount())]
               for r in range(page.notice_table.rowCount())
               if page.notice_table.item(r, 1).text() == notice.document_number]
    assert saved.state_label in cells and today.isoformat() in cells


def test_analysis_monthly_ledger_and_package(page, tmp_path: Path, monkeypatch):
    page.tabs.setCurrentIndex(2)
    page.analysis_button.click()
    assert ops.wait_idle()
    assert page.viewer.page_count() == _pages(documents.analysis_pdf(page.ctx, page.task_id))

    today = dt.date.today()
    page.month.setDate(QDate(today.year, today.month, 1))
    page.monthly_button.click()
    assert ops.wait_idle()
    assert page.viewer.page_count() == _pages(documents.monthly_pdf(page.ctx, today.year, today.month))

    monkeypatch.setattr(page, "ask_save_path", lambda caption, name, filt: str(tmp_path / name))
    page.monthly_excel_button.click()
    assert ops.wait_idle()
    assert load_workbook(tmp_path / f"风险信息月报-{today:%Y-%m}.xlsx")["月报"]["A1"].value

    page.tabs.setCurrentIndex(3)
    page.ledger_button.click()
    assert ops.wait_idle()
    ledger = load_workbook(tmp_path / f"样品台账-{KETTLE}.xlsx").active
    assert ledger.max_row == page.samples.rowCount() + 1

    monkeypatch.setattr(page, "ask_folder", lambda caption: str(tmp_path))
    page.package_button.click()
    assert ops.wait_idle()
    package = tmp_path / f"{KETTLE}.zip"
    assert verify_package(package).ok and str(package) in page.status.text()
