"""A day at the bench: sample labels from the list (printed, or saved as a PDF without a printer),
the duplicate-sample warning with 仍然登记, the forms' date ranges, and receipt scans of notices."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QDate, Qt
from PySide6.QtPrintSupport import QPrinter

from app import clock
from app.services import labels, notifications, samples
from tests.ui import test_samples as _samples
from tests.ui.helpers import settle
from tests.ui.test_reports import KETTLE
from tests.ui.test_samples import TODAY, fill, open_new

lab = _samples.lab  # the sampling page's fixtures
page = _samples.page


def _register(lab, n: int, **kw) -> samples.SampleSummary:
    base = dict(
        task_id=lab.task_id, scheme_id=lab.scheme_id, place_type="producer",
        sampled=samples.PartyInput("武汉市康泰电器有限公司", "91420100MA4K1A2B88"), product_name="电热水壶",
        batch_number=f"B-{n}", sampling_date=TODAY - dt.timedelta(days=3), sampling_place="成品仓库",
        samplers=("王建", "刘洋"), test_quantity="3", backup_quantity="3")
    return samples.register_sample(lab.tech, samples.SampleInput(**{**base, **kw}))


def _text(pdf: bytes) -> str:
    return "".join("".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf)).pages)


# ------------------------------------------------------------------------------------------ labels
def test_without_a_printer_the_labels_are_saved_as_a_pdf_with_a_message(qtbot, page, lab, tmp_path: Path):
    first, second = _register(lab, 1), _register(lab, 2, backup_quantity="")
    page.refresh()
    settle(qtbot)
    assert not page.labels_action.isEnabled()
    page.table.selectAll()
    page._update_actions()
    assert page.labels_action.isEnabled()
    said: list[str] = []
    page.available_printers = lambda: []
    page.ask_save_path = lambda caption, name: tmp_path / "标签"  # typed without .pdf
    page.inform = lambda title, text: said.append(text)
    dialog = page.print_labels()
    assert dialog.position.isVisibleTo(dialog)  # the sheet layout asks where to start
    dialog.position.setValue(3)
    dialog.accept()
    settle(qtbot)
    saved = tmp_path / "标签.pdf"
    assert saved.is_file() and said and "未找到打印机，已改为保存 PDF" in said[0] and str(saved) in said[0]
    pdf = saved.read_bytes()
    text = _text(pdf)
    assert text.count(first.number) == 2 and text.count(second.number) == 1  # two portions, one portion
    assert "测试样" in text and "备份样" in text
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1
    if shutil.which("zbarimg") and shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-r", "300", "-png", str(saved), str(tmp_path / "p")], check=True)
        read = subprocess.run(["zbarimg", "-q", str(next(tmp_path.glob("p*.png")))], capture_output=True,
                              text=True).stdout
        assert f"CODE-128:{first.number}" in read and f"QR-Code:{second.number}" in read


def test_with_a_printer_each_label_is_a_60_by_40_page(qtbot, page, lab, tmp_path: Path):
    one = _register(lab, 1)
    page.refresh()
    settle(qtbot)
    page.select_row(0)
    page._update_actions()
    out = tmp_path / "printed.pdf"

    def to_file(printer: QPrinter) -> bool:
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(out))
        return True

    page.available_printers = lambda: ["标签打印机"]
    page.ask_print = to_file
    page.ask_save_path = lambda *_a: pytest.fail("a printer exists: nothing to save")
    dialog = page.print_labels()
    dialog.layout_box.setCurrentIndex(dialog.layout_box.findData(labels.PRINTER))
    assert not dialog.position.isVisibleTo(dialog)
    dialog.accept()
    settle(qtbot)
    pages = PdfReader(str(out)).pages
    assert len(pages) == 2  # 测试样 and 备份样
    w, h = float(pages[0].mediabox.width), float(pages[0].mediabox.height)
    assert abs(w - 60 / 25.4 * 72) < 2 and abs(h - 40 / 25.4 * 72) < 2, (w, h)
    assert page.last_labels.startswith(b"%PDF") and one.number in _text(page.last_labels)


# ------------------------------------------------------------------------------------------ duplicates
def test_a_duplicate_is_warned_of_and_registered_anyway_with_a_reason(qtbot, page, lab):
    form = open_new(page, qtbot)
    fill(form, qtbot, "producer", "电热水壶")
    form.save()
    settle(qtbot)
    first = form.last_saved
    assert first is not None

    form = open_new(page, qtbot)
    fill(form, qtbot, "producer", "电热水壶")
    asked: list[str] = []
    reasons: list[str | None] = [None]
    form.ask_register_anyway = lambda text: asked.append(text) or len(asked) > 1
    form.ask_duplicate_reason = lambda existing: reasons.pop(0)
    form.save()
    settle(qtbot)
    assert form.last_saved is None and len(asked) == 1 and first.number in asked[0]
    assert first.number in form.error_label.text() and form.isVisible()  # warned, kept, nothing saved
    reasons[:] = ["  "]
    form.save()  # 仍然登记 with an empty reason
    settle(qtbot)
    assert form.last_saved is None and "请填写仍然登记的原因" in form.error_label.text()
    reasons[:] = ["同一批次的另一规格"]
    form.save()
    settle(qtbot)
    assert form.last_saved is not None and form.last_saved.number != first.number
    notes = samples.get_sample(lab.tech, form.last_saved.id).data.notes
    assert notes == f"重复登记说明：同一批次的另一规格（与样品 {first.number} 相似）"


def test_the_duplicate_warning_takes_the_reason_in_the_same_window(qtbot, page, lab):
    from PySide6.QtWidgets import QDialog

    form = open_new(page, qtbot)
    fill(form, qtbot, "producer", "电热水壶")
    form.save()
    settle(qtbot)
    first = form.last_saved
    form = open_new(page, qtbot)
    fill(form, qtbot, "producer", "电热水壶")
    offered: list[bool] = []
    build = form.duplicate_warning

    def answered(text: str) -> QDialog:
        dialog = build(text)
        assert first.number in text and dialog.findChild(type(dialog.reason), "duplicate_reason") is dialog.reason
        offered.append(dialog.anyway.isEnabled())  # no reason yet: 仍然登记 not offered
        dialog.reason.setPlainText("  ")
        offered.append(dialog.anyway.isEnabled())
        dialog.reason.setPlainText("同一批次的另一规格")
        offered.append(dialog.anyway.isEnabled())
        dialog.exec = lambda: (dialog.anyway.click(), QDialog.DialogCode.Accepted)[1]
        return dialog

    form.duplicate_warning = answered
    form.save()
    settle(qtbot)
    assert offered == [False, False, True]
    assert form.last_saved is not None and form.last_saved.number != first.number
    notes = samples.get_sample(lab.tech, form.last_saved.id).data.notes
    assert notes == f"重复登记说明：同一批次的另一规格（与样品 {first.number} 相似）"


# ------------------------------------------------------------------------------------------ dates
def test_the_date_pickers_offer_nothing_in_the_future_or_before_2000(qtbot, page, lab):
    form = open_new(page, qtbot)
    today = samples.lab_date(lab.tech)
    for edit in (form.sampling_date, form.production_date.edit, form.received_date.edit):
        assert edit.minimumDate() == QDate(2000, 1, 1) and edit.maximumDate() == QDate(today)
    form.sampling_date.setDate(QDate(today).addDays(5))
    assert form.sampling_date.date() == QDate(today)
    form.sampling_date.setDate(QDate(1999, 12, 31))
    assert form.sampling_date.date() == QDate(2000, 1, 1)
    # the service refuses the same (an import or another client)
    problems = samples.validate(samples.SampleInput(sampling_date=dt.date(1999, 5, 1),
                                                    production_date=dt.date(1998, 1, 1)), today)
    assert "2000-01-01" in problems["sampling_date"] and "2000-01-01" in problems["production_date"]

    from app.ui.dialogs.receive_dialog import ReceiveDialog

    saved = _register(lab, 7)
    dialog = ReceiveDialog(lab.tech, [(saved.id, saved.version, saved.number)], page)
    qtbot.addWidget(dialog)
    settle(qtbot)
    assert dialog.date.maximumDate() == QDate(today) and dialog.date.minimumDate() == QDate(2000, 1, 1)


# ------------------------------------------------------------------------------------------ receipts
@pytest.fixture
def reports_page(qtbot, demo_ctx):
    from app.ui.pages.reports import ReportsPage

    p = ReportsPage(demo_ctx)
    qtbot.addWidget(p)
    p.resize(1130, 760)
    p.show()
    p.refresh()
    settle(qtbot)
    p.task_box.setCurrentIndex(p.task_box.findText(KETTLE, Qt.MatchFlag.MatchStartsWith))
    settle(qtbot)
    return p


def test_a_receipt_scan_is_added_to_the_delivery_record_and_opened_from_it(qtbot, reports_page, tmp_path: Path):
    page = reports_page
    page.tabs.setCurrentIndex(1)
    page.notice_table.selectRow(0)
    notice = page.selected_notice()
    page.delivery_button.click()
    dialog = page.dialog
    assert dialog.receipts.count() == 0 and not dialog.open_receipt_button.isEnabled()
    (tmp_path / "not-a-scan.pdf").write_bytes(b"hello")
    dialog.ask_receipt_file = lambda: str(tmp_path / "not-a-scan.pdf")
    dialog.add_receipt_button.click()
    settle(qtbot)
    assert dialog.receipts.count() == 0 and "不是 PDF、JPEG 或 PNG" in dialog.error.text()

    scan = tmp_path / "scan.png"
    scan.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 100)
    dialog.ask_receipt_file = lambda: str(scan)
    dialog.add_receipt_button.click()
    settle(qtbot)
    assert dialog.receipts.count() == 1 and dialog.error.text() == ""
    assert dialog.receipts.item(0).text().startswith(f"送达回执-{notice.id}-")
    opened: list[Path] = []
    dialog.open_file = opened.append
    dialog.open_receipt_button.click()
    settle(qtbot)
    assert opened and opened[0].read_bytes() == scan.read_bytes() and opened[0].suffix == ".png"

    dialog.sent.setDate(QDate(clock.today()))
    dialog.submit()
    settle(qtbot)
    assert page.dialog is None
    [row] = [n for n in page.notices.rows if n.id == notice.id]
    assert len(row.receipts) == 1
    # the record shows it: the tooltip names it, and the dialog lists it when opened again
    r = next(r for r in range(page.notice_table.rowCount()) if page.notice_table.item(r, 1).text()
             == notice.document_number)
    assert row.receipts[0].filename in page.notice_table.item(r, 0).toolTip()
    page.notice_table.selectRow(r)
    page.delivery_button.click()
    assert page.dialog.receipts.count() == 1
    page.dialog.reject()
    assert notifications.get_notification(page.ctx, notice.id).receipts == row.receipts
