"""报告与告知: a task's test reports (preview, save, print), the notices of its problem samples
(Article 18 ¶2) with their delivery, the task's analysis report (风险监测分析报告) with its
compile → review → approve and history, the monthly report, the sample ledger and the export
package for upload by hand.

Every document is rendered by a service on a worker and shown in the in-app viewer on the right;
the viewer saves and prints what it shows. File and folder choices go through ``ask_save_path`` /
``ask_folder`` so tests can answer them.
"""

from __future__ import annotations

import tempfile
from html import escape
from pathlib import Path

from PySide6.QtCore import QDate, Qt, QUrl
from PySide6.QtGui import QAction, QBrush, QDesktopServices, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from app import clock
from app.documents._io import atomic_write_bytes
from app.documents.package import verify_package
from app.errors import ConflictError, RiskmonError
from app.services import (
    analysis_reports,
    documents,
    monthly_reports,
    notifications,
    permissions,
    publication,
    reports,
    samples,
    tasks,
    users,
)
from app.services.context import Context
from app.services.documents import analysis as analysis_documents
from app.ui import style
from app.ui.application import settings
from app.ui.dialogs.consent_dialog import ConsentDialog
from app.ui.dialogs.export_notice import confirm_export
from app.ui.dialogs.monthly_submission import SubmissionDialog
from app.ui.dialogs.notice_batch import NoticeBatchDialog
from app.ui.dialogs.signing import ReportSignDialog, SignDialog, SignItem
from app.ui.dialogs.steps import NoteDialog, StepDialog
from app.ui.dialogs.unlock_key import ensure_key_unlocked
from app.ui.dialogs.verify_report import verify_report_file
from app.ui.ops import bus, run_op
from app.ui.pages.testing import local_time
from app.ui.pdf_viewer import PdfViewer
from app.ui.widgets import OptionalDateEdit, remember_columns, show_error, title_label

PROBLEM_COLOUR = style.colour(style.FAIL)
STATE_COLOURS = {"not_sent": style.colour(style.PENDING), "sent": style.colour(style.REPORTED),
                 "acknowledged": style.colour(style.PASS)}
ANALYSIS_STYLES = {  # the analysis report's status line, by status
    "": style.boxed(style.BLANK, style.BLANK_BORDER),
    "draft": style.boxed(style.NOTE, style.NOTE_BORDER),
    "compiled": style.boxed(style.REPORTED, style.REPORTED_BORDER),
    "reviewed": style.boxed(style.REPORTED, style.REPORTED_BORDER),
    "approved": style.boxed(style.PASS, style.PASS_BORDER),
}
SUPERSEDED_COLOUR = style.colour(style.NEUTRAL)
REFRESH_ON = {"task", "sample", "result", "report", "notification", "consent"}


def _item(text: str, data: object = None, tip: str = "") -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    if data is not None:
        item.setData(Qt.ItemDataRole.UserRole, data)
    item.setToolTip(tip or text)
    return item


def _table(name: str, headers: list[str], stretch: int, widths: tuple[int, ...] = ()) -> QTableWidget:
    t = QTableWidget(0, len(headers))
    t.setObjectName(name)
    t.setHorizontalHeaderLabels(headers)
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    t.verticalHeader().setVisible(False)
    t.setWordWrap(False)
    header = t.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(False)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    header.setMinimumSectionSize(36)
    for column, width in enumerate(widths):
        if column != stretch:
            header.resizeSection(column, width)
    return t


class DeliveryDialog(StepDialog):
    """送达登记 of one notice: sent date, method, acknowledgement. Tests fill it and call ``submit()``."""

    def __init__(self, row: notifications.NotificationInfo, parent: QWidget | None = None,
                 ctx: Context | None = None) -> None:
        super().__init__(
            self.tr("Record delivery"),
            self.tr("Notice %1 to %2").replace("%1", row.document_number).replace("%2", row.recipient),
            self.tr("Save"),
            parent,
        )
        self.row = row
        self.sent = QDateEdit()
        self.sent.setObjectName("sent_date")
        self.sent.setCalendarPopup(True)
        self.sent.setDisplayFormat("yyyy-MM-dd")
        self.sent.setDateRange(QDate(samples.EARLIEST_DATE), QDate(clock.today()))  # as record_delivery checks
        self.sent.setDate(QDate(row.sent_date) if row.sent_date else QDate(clock.today()))
        self.method = QComboBox()
        self.method.setObjectName("method")
        for key in ("post", "email", "hand", "platform", "other"):
            self.method.addItem(notifications.METHOD_LABELS[key], key)
        if row.method:
            self.method.setCurrentIndex(max(0, self.method.findData(row.method)))
        self.acknowledged = OptionalDateEdit(row.acknowledged_date)
        self.acknowledged.setObjectName("acknowledged_date")
        self.acknowledged.edit.setDateRange(QDate(samples.EARLIEST_DATE), QDate(clock.today()))
        self.note = QPlainTextEdit(row.ack_note)
        self.note.setObjectName("ack_note")
        self.note.setTabChangesFocus(True)
        self.note.setMaximumHeight(80)
        self.form.addRow(self.tr("Sent on"), self.sent)
        self.form.addRow(self.tr("Delivery method"), self.method)
        self.form.addRow(self.tr("Acknowledged on"), self.acknowledged)
        self.form.addRow(self.tr("Acknowledgement note"), self.note)
        self.ctx = ctx
        self.receipts = QListWidget()
        self.receipts.setObjectName("receipts")
        self.receipts.setMaximumHeight(70)
        self.receipts.itemDoubleClicked.connect(lambda _item: self.open_receipt())
        self.add_receipt_button = QPushButton(self.tr("Add scan…"))
        self.add_receipt_button.setObjectName("add_receipt")
        self.add_receipt_button.setToolTip(self.tr("Keep a scan of the signed receipt (PDF, JPEG or PNG, at most "
                                                   "20 MB)"))
        self.add_receipt_button.clicked.connect(lambda: self.add_receipt())
        self.open_receipt_button = QPushButton(self.tr("Open"))
        self.open_receipt_button.setObjectName("open_receipt")
        self.open_receipt_button.clicked.connect(lambda: self.open_receipt())
        box = QVBoxLayout()
        box.addWidget(self.receipts)
        line = QHBoxLayout()
        line.addWidget(self.add_receipt_button)
        line.addWidget(self.open_receipt_button)
        line.addStretch(1)
        box.addLayout(line)
        self.form.addRow(self.tr("Receipt scans"), box)
        for receipt in row.receipts:
            self._list_receipt(receipt)
        self._receipt_buttons()
        self.receipts.itemSelectionChanged.connect(self._receipt_buttons)
        self.errors.widgets.update({"sent_date": self.sent, "method": self.method,
                                    "acknowledged_date": self.acknowledged, "ack_note": self.note})
        self.sent.setFocus()

    # -- receipt scans (回执扫描件): kept at once, whether or not the delivery is saved
    def _list_receipt(self, receipt: notifications.ReceiptInfo) -> None:
        item = QListWidgetItem(f"{receipt.filename}（{max(1, round(receipt.size / 1024))} KB）")
        item.setData(Qt.ItemDataRole.UserRole, receipt.id)
        self.receipts.addItem(item)

    def _receipt_buttons(self) -> None:
        attach = self.row.allowed_actions.get_action("attach_receipt")
        self.add_receipt_button.setEnabled(self.ctx is not None and attach.allowed)
        self.add_receipt_button.setToolTip(self.tr("Keep a scan of the signed receipt (PDF, JPEG or PNG, at most "
                                                   "20 MB)") if attach.allowed else attach.reason)
        self.open_receipt_button.setEnabled(self.ctx is not None and bool(self.receipts.selectedItems()
                                                                           or self.receipts.count() == 1))

    def ask_receipt_file(self) -> str | None:
        """The scan to add (a dialog; tests replace this method)."""
        folder = str(settings().value("files/last_folder", str(Path.home())))
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Receipt scan"), folder,
                                              self.tr("Scans (*.pdf *.jpg *.jpeg *.png)"))
        return path or None

    def add_receipt(self, path: str | Path | None = None) -> None:
        if self.ctx is None or not self.add_receipt_button.isEnabled():
            return
        path = path or self.ask_receipt_file()
        if not path:
            return
        self.add_receipt_button.setEnabled(False)
        run_op(notifications.add_receipt, self.ctx, self.row.id, Path(path), on_done=self._receipt_added,
               on_error=self._receipt_failed)

    def _receipt_added(self, receipt: notifications.ReceiptInfo) -> None:
        bus.changed.emit({"notification"})
        if not isValid(self):
            return
        self.errors.clear()
        self._list_receipt(receipt)
        self.receipts.setCurrentRow(self.receipts.count() - 1)
        self._receipt_buttons()

    def _receipt_failed(self, exc: BaseException) -> None:
        if not isValid(self):
            return
        self._receipt_buttons()
        if isinstance(exc, RiskmonError):
            self.errors.show(exc)
        else:
            show_error(self, exc)

    def open_receipt(self) -> None:
        items = self.receipts.selectedItems() or ([self.receipts.item(0)] if self.receipts.count() == 1 else [])
        if self.ctx is None or not items:
            return
        run_op(notifications.receipt_content, self.ctx, items[0].data(Qt.ItemDataRole.UserRole),
               on_done=self._write_and_open, on_error=self._receipt_failed)

    def _write_and_open(self, result: tuple[str, bytes]) -> None:
        if not isValid(self):
            return
        filename, content = result
        path = Path(tempfile.mkdtemp(prefix="riskmon-receipt-")) / Path(filename).name
        try:
            atomic_write_bytes(path, content)
        except RiskmonError as exc:
            show_error(self, exc)
            return
        self.open_file(path)

    def open_file(self, path: Path) -> None:
        """Open with the system's viewer (tests replace this method)."""
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

    def values(self) -> dict:
        return {
            "sent_date": self.sent.date().toPython(),
            "method": self.method.currentData(),
            "acknowledged_date": self.acknowledged.date(),
            "ack_note": self.note.toPlainText(),
        }


class ReportsPage(QWidget):
    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.task_id: int | None = None
        self.rows: list[documents.SampleReportRow] = []
        self.notices: notifications.TaskNotifications | None = None
        self.dialog: DeliveryDialog | None = None
        self.analysis: analysis_reports.AnalysisWork | None = None
        self.analysis_dialog: QWidget | None = None  # the analysis report's sign or reason dialog (tests reach it)
        self._analysis_busy = False  # a compile, review or approval is running
        self._pending_sample: int | None = None
        self._loading_tasks = False

        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(title_label(self.tr("Reports & notices")))
        top.addSpacing(20)
        task_label = QLabel(self.tr("Task:"))
        top.addWidget(task_label)
        self.task_box = QComboBox()
        self.task_box.setObjectName("task")
        self.task_box.setMinimumWidth(380)
        self.task_box.setToolTip(self.tr("The monitoring task whose documents are shown"))
        task_label.setBuddy(self.task_box)
        self.task_box.currentIndexChanged.connect(self._task_chosen)
        top.addWidget(self.task_box, 1)
        self.refresh_button = QPushButton(self.tr("Refresh"))
        self.refresh_button.clicked.connect(self.refresh)
        top.addWidget(self.refresh_button)
        self.verify_button = QPushButton(self.tr("Verify a report…"))
        self.verify_button.setObjectName("verify_report")
        self.verify_button.setToolTip(self.tr("Check whether a PDF someone brought in was issued by this lab and is "
                                              "unchanged since (核验)"))
        self.verify_button.clicked.connect(lambda: self.verify_report())
        top.addWidget(self.verify_button)
        self.verify_dialog: QWidget | None = None
        layout.addLayout(top)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("tabs")
        self.tabs.addTab(self._reports_tab(), self.tr("Test reports"))
        self.tabs.addTab(self._notices_tab(), self.tr("Notices"))
        self.tabs.addTab(self._analysis_tab(), self.tr("Analysis && monthly"))
        self.tabs.addTab(self._exports_tab(), self.tr("Ledger && package"))
        self.viewer = PdfViewer()
        self.viewer.setObjectName("viewer")
        self.splitter.addWidget(self.tabs)
        self.splitter.addWidget(self.viewer)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([640, 460])
        layout.addWidget(self.splitter, 1)
        self.status = QLabel()
        self.status.setObjectName("status")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.status)

        for keys, slot in (
            (QKeySequence("Ctrl+R"), self.preview_report),
            (QKeySequence("Ctrl+D"), self.record_delivery),
            (QKeySequence("Ctrl+G"), self.generate_notices),
            (QKeySequence.StandardKey.Save, self.viewer.save_as),
            (QKeySequence.StandardKey.Print, self.viewer.print_document),
        ):
            action = QAction(self)
            action.setShortcut(keys)
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(slot)
            self.addAction(action)
        bus.changed.connect(self._changed)
        self._update_buttons()

    # ------------------------------------------------------------------ tabs
    def _reports_tab(self) -> QWidget:
        w = QWidget()
        v = QVBoxLayout(w)
        self.samples = _table("samples", [self.tr("Sample no."), self.tr("Product"), self.tr("Sample status"),
                                          self.tr("Report no."), self.tr("Report status"), self.tr("Problems")], 1,
                              (178, 0, 72, 110, 72, 44))
        self.samples.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)  # several to sign at once
        remember_columns(self.samples.horizontalHeader(), "reports/samples")
        self.samples.itemSelectionChanged.connect(self._update_buttons)
        self.samples.itemDoubleClicked.connect(lambda _i: self.preview_report())
        v.addWidget(self.samples, 1)
        row = QHBoxLayout()
        self.preview_button = QPushButton(self.tr("Preview test report"))
        self.preview_button.setObjectName("preview_report")
        self.preview_button.setToolTip(self.tr("Render the selected sample's test report (Ctrl+R)"))
        self.preview_button.setStatusTip(self.preview_button.toolTip())
        self.preview_button.clicked.connect(self.preview_report)
        self.open_testing_button = QPushButton(self.tr("Open in testing"))
        self.open_testing_button.setToolTip(self.tr("Show the sample on the testing page (compile, review, approve)"))
        self.open_testing_button.clicked.connect(self._open_testing)
        self.review_button = QPushButton(self.tr("Review…"))
        self.review_button.setObjectName("review_reports")
        self.review_button.clicked.connect(lambda: self.sign_reports("review"))
        self.approve_button = QPushButton(self.tr("Approve…"))
        self.approve_button.setObjectName("approve_reports")
        self.approve_button.clicked.connect(lambda: self.sign_reports("approve"))
        row.addWidget(self.preview_button)
        row.addWidget(self.open_testing_button)
        row.addWidget(self.review_button)
        row.addWidget(self.approve_button)
        row.addStretch(1)
        v.addLayout(row)
        hint = QLabel(self.tr("A report is issued once approved; a report not yet approved is marked as such. "
                              "Select several reports (Ctrl or Shift) to review or approve them with your "
                              "password typed once. Red rows found problems."))
        hint.setWordWrap(True)
        hint.setStyleSheet(style.INACTIVE_TEXT)
        v.addWidget(hint)
        return w

    def _notices_tab(self) -> QWidget:
        w = QWidget()
        v = QVBoxLayout(w)
        self.awaiting = QLabel()
        self.awaiting.setObjectName("awaiting")
        self.awaiting.setWordWrap(True)
        v.addWidget(self.awaiting)
        self.notice_table = _table("notices", [
            self.tr("Sample no."), self.tr("Notice no."), self.tr("Addressee"), self.tr("Role"),
            self.tr("Outside Hubei"), self.tr("State"), self.tr("Sent"), self.tr("Delivery method"), self.tr("Acknowledged"),
        ], 2, (178, 150, 0, 110, 48, 64, 90, 110, 90))
        self.notice_table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        remember_columns(self.notice_table.horizontalHeader(), "reports/notices")
        self.notice_table.itemSelectionChanged.connect(self._update_buttons)
        self.notice_table.itemDoubleClicked.connect(lambda _i: self.record_delivery())
        v.addWidget(self.notice_table, 1)
        row = QHBoxLayout()
        self.create_button = QPushButton(self.tr("Create records"))
        self.create_button.setObjectName("create_notices")
        self.create_button.setToolTip(self.tr("Create the notification records of the approved problem samples"))
        self.create_button.clicked.connect(self.create_records)
        self.generate_button = QPushButton(self.tr("Write letters…"))
        self.generate_button.setObjectName("generate_notices")
        self.generate_button.setToolTip(self.tr("Write the notices of the selected samples into a folder; the "
                                                "files are listed for you to confirm first (Ctrl+G)"))
        self.generate_button.clicked.connect(self.generate_notices)
        self.preview_notice_button = QPushButton(self.tr("Preview letter"))
        self.preview_notice_button.setObjectName("preview_notice")
        self.preview_notice_button.clicked.connect(self.preview_notice)
        self.delivery_button = QPushButton(self.tr("Record delivery…"))
        self.delivery_button.setObjectName("record_delivery")
        self.delivery_button.setToolTip(self.tr("Record when and how the notice was sent and acknowledged (Ctrl+D)"))
        self.delivery_button.clicked.connect(self.record_delivery)
        for b in (self.create_button, self.generate_button, self.preview_notice_button, self.delivery_button):
            b.setStatusTip(b.toolTip())
            row.addWidget(b)
        row.addStretch(1)
        v.addLayout(row)
        return w

    def _analysis_tab(self) -> QWidget:
        w = QWidget()
        v = QVBoxLayout(w)
        analysis = QGroupBox(self.tr("Risk monitoring analysis report (task)"))
        a = QVBoxLayout(analysis)
        text = QLabel(self.tr("Counts by item, region, place and enterprise size, the failed items, the proposed "
                              "warning level (Articles 19–20) and the measures of Article 23, compiled from the "
                              "task's approved test reports, then reviewed and approved like a test report. Without "
                              "a saved risk-level proposal the level is computed and marked as such."))
        text.setWordWrap(True)
        text.setStyleSheet(style.MUTED_TEXT)
        a.addWidget(text)
        self.analysis_state = QLabel()
        self.analysis_state.setObjectName("analysis_state")
        self.analysis_state.setWordWrap(True)
        self.analysis_state.setTextFormat(Qt.TextFormat.RichText)
        self.analysis_state.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.analysis_state.setStyleSheet(ANALYSIS_STYLES[""])
        a.addWidget(self.analysis_state)
        self.analysis_message = QLabel()
        self.analysis_message.setObjectName("analysis_message")
        self.analysis_message.setWordWrap(True)
        self.analysis_message.setStyleSheet(style.ERROR_TEXT)
        self.analysis_message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.analysis_message.hide()
        a.addWidget(self.analysis_message)

        buttons = QHBoxLayout()
        self.compile_analysis_button = QPushButton(self.tr("Compile"))
        self.compile_analysis_button.setObjectName("compile_analysis")
        self.compile_analysis_button.clicked.connect(self.compile_analysis)
        self.review_analysis_button = QPushButton(self.tr("Review…"))
        self.review_analysis_button.setObjectName("review_analysis")
        self.review_analysis_button.clicked.connect(self.review_analysis)
        self.approve_analysis_button = QPushButton(self.tr("Approve…"))
        self.approve_analysis_button.setObjectName("approve_analysis")
        self.approve_analysis_button.clicked.connect(self.approve_analysis)
        self.analysis_button = QPushButton(self.tr("Preview"))
        self.analysis_button.setObjectName("preview_analysis")
        self.analysis_button.clicked.connect(self.preview_analysis)
        for b in (self.compile_analysis_button, self.review_analysis_button, self.approve_analysis_button,
                  self.analysis_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        a.addLayout(buttons)

        history_label = QLabel(self.tr("Analysis reports of the task"))
        history_label.setStyleSheet(style.BOLD)
        a.addWidget(history_label)
        self.analysis_history = _table("analysis_history", [
            self.tr("Report no."), self.tr("Status"), self.tr("Compiled by"), self.tr("Reviewed by"),
            self.tr("Approved by"), self.tr("Replaces"),
        ], 5)
        fm = self.analysis_history.fontMetrics()
        for column, sample in enumerate(("HBFX-2026-DQ-01-FX", self.tr("Superseded"), "王小明 12-31", "王小明 12-31",
                                         "王小明 12-31")):
            self.analysis_history.horizontalHeader().resizeSection(column, fm.horizontalAdvance(sample) + 8)
        self.analysis_history.setTextElideMode(Qt.TextElideMode.ElideLeft)  # a cut number keeps its distinct end
        self.analysis_history.setMinimumHeight(90)
        remember_columns(self.analysis_history.horizontalHeader(), "reports/analysis_history")
        self.analysis_history.itemSelectionChanged.connect(self._update_buttons)
        self.analysis_history.itemDoubleClicked.connect(lambda _i: self.preview_history())
        history_label.setBuddy(self.analysis_history)
        a.addWidget(self.analysis_history, 1)
        row = QHBoxLayout()
        self.history_preview_button = QPushButton(self.tr("Preview selected"))
        self.history_preview_button.setObjectName("preview_history")
        self.history_preview_button.setToolTip(self.tr("Show the selected analysis report as it was recorded "
                                                       "(an approved one as issued)"))
        self.history_preview_button.setStatusTip(self.history_preview_button.toolTip())
        self.history_preview_button.clicked.connect(self.preview_history)
        row.addWidget(self.history_preview_button)
        row.addStretch(1)
        a.addLayout(row)
        v.addWidget(analysis, 1)

        monthly = QGroupBox(self.tr("Monthly risk-information report (Article 11)"))
        m = QVBoxLayout(monthly)
        row = QHBoxLayout()
        month_label = QLabel(self.tr("Month:"))
        self.month = QDateEdit()
        self.month.setObjectName("month")
        self.month.setDisplayFormat("yyyy-MM")
        self.month.setCalendarPopup(True)
        self.month.setDate(QDate(clock.today()))
        self.month.setMaximumDate(QDate(clock.today()))  # no monthly report for a month to come
        month_label.setBuddy(self.month)
        row.addWidget(month_label)
        row.addWidget(self.month)
        row.addStretch(1)
        m.addLayout(row)
        self.month.dateChanged.connect(lambda _d: self.load_monthly())
        self.monthly: monthly_reports.MonthlyWork | None = None
        self.monthly_dialog: QWidget | None = None  # the monthly report's sign or sending dialog (tests reach it)
        self.monthly_state = QLabel()
        self.monthly_state.setObjectName("monthly_state")
        self.monthly_state.setWordWrap(True)
        self.monthly_state.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        m.addWidget(self.monthly_state)
        steps = QHBoxLayout()
        self.compile_monthly_button = QPushButton(self.tr("Compile"))
        self.compile_monthly_button.setObjectName("compile_monthly")
        self.compile_monthly_button.clicked.connect(self.compile_monthly)
        self.review_monthly_button = QPushButton(self.tr("Review…"))
        self.review_monthly_button.setObjectName("review_monthly")
        self.review_monthly_button.clicked.connect(lambda: self._sign_monthly("review"))
        self.approve_monthly_button = QPushButton(self.tr("Approve…"))
        self.approve_monthly_button.setObjectName("approve_monthly")
        self.approve_monthly_button.clicked.connect(lambda: self._sign_monthly("approve"))
        self.submit_monthly_button = QPushButton(self.tr("Record sending…"))
        self.submit_monthly_button.setObjectName("submit_monthly")
        self.submit_monthly_button.clicked.connect(self.record_monthly_submission)
        for b in (self.compile_monthly_button, self.review_monthly_button, self.approve_monthly_button,
                  self.submit_monthly_button):
            steps.addWidget(b)
        steps.addStretch(1)
        m.addLayout(steps)
        buttons = QHBoxLayout()
        self.monthly_button = QPushButton(self.tr("Preview monthly report"))
        self.monthly_button.setObjectName("preview_monthly")
        self.monthly_button.clicked.connect(self.preview_monthly)
        self.monthly_excel_button = QPushButton(self.tr("Save as Excel…"))
        self.monthly_excel_button.setObjectName("monthly_excel")
        self.monthly_excel_button.clicked.connect(self.save_monthly_excel)
        buttons.addWidget(self.monthly_button)
        buttons.addWidget(self.monthly_excel_button)
        buttons.addStretch(1)
        m.addLayout(buttons)
        v.addWidget(monthly)
        return w

    def _exports_tab(self) -> QWidget:
        w = QWidget()
        v = QVBoxLayout(w)
        ledger = QGroupBox(self.tr("Sample ledger"))
        lv = QVBoxLayout(ledger)
        t = QLabel(self.tr("Every sample of the task with its dates, the Article 18 deadline, the report and the "
                           "notified parties, as an Excel workbook."))
        t.setWordWrap(True)
        lv.addWidget(t)
        self.ledger_button = QPushButton(self.tr("Export ledger…"))
        self.ledger_button.setObjectName("export_ledger")
        self.ledger_button.clicked.connect(self.export_ledger)
        self.results_button = QPushButton(self.tr("Export results…"))
        self.results_button.setObjectName("export_results")
        self.results_button.setToolTip(self.tr("Every test item of the task's approved reports, one row each, as an "
                                               "Excel workbook"))
        self.results_button.clicked.connect(self.export_results)
        lrow = QHBoxLayout()
        lrow.addWidget(self.ledger_button)
        lrow.addWidget(self.results_button)
        lrow.addStretch(1)
        lv.addLayout(lrow)
        v.addWidget(ledger)

        public = QGroupBox(self.tr("Publication (Article 8)"))
        public.setObjectName("publication")
        uv = QVBoxLayout(public)
        self.consent_label = QLabel()
        self.consent_label.setObjectName("consent")
        self.consent_label.setWordWrap(True)
        uv.addWidget(self.consent_label)
        self.public_box = QCheckBox(self.tr("Publication-ready copy of the ledger and the results (without the "
                                            "confidentiality mark)"))
        self.public_box.setObjectName("public")
        self.public_box.setEnabled(False)
        uv.addWidget(self.public_box)
        self.consent_button = QPushButton(self.tr("Record consent…"))
        self.consent_button.setObjectName("record_consent")
        self.consent_button.setToolTip(self.tr("An administrator records the organising regulator's consent to "
                                               "publication: authority, document number, date"))
        self.consent_button.clicked.connect(self.record_consent)
        self.consent_allowed = permissions.publication_actions(self.ctx.user)
        uv.addWidget(self.consent_button, 0, Qt.AlignmentFlag.AlignLeft)
        v.addWidget(public)
        self.consent: publication.ConsentInfo | None = None
        self._show_consent(None)

        package = QGroupBox(self.tr("Export package for upload by hand"))
        pv = QVBoxLayout(package)
        t2 = QLabel(self.tr("One ZIP per task with the approved samples' results, test reports and notices, "
                            "checked after it is written. Upload it through the provincial information system "
                            "when the online upload is not used."))
        t2.setWordWrap(True)
        pv.addWidget(t2)
        self.package_button = QPushButton(self.tr("Export package…"))
        self.package_button.setObjectName("export_package")
        self.package_button.clicked.connect(self.export_package)
        pv.addWidget(self.package_button, 0, Qt.AlignmentFlag.AlignLeft)
        v.addWidget(package)
        v.addStretch(1)
        return w

    # ------------------------------------------------------------------ loading
    def refresh(self) -> None:
        run_op(tasks.list_tasks, self.ctx, on_done=self._show_tasks, on_error=self._error)

    def open(self, task_id: int | None = None, sample_id: int | None = None, **_kw) -> None:
        """Show a task (and select one of its samples); a sample alone shows its task."""
        self._pending_sample = sample_id
        if task_id is None and sample_id is not None:
            run_op(samples.get_sample, self.ctx, sample_id, on_error=self._error,
                   on_done=lambda detail: self.open(task_id=detail.data.task_id, sample_id=sample_id))
            return
        if task_id is not None:
            index = self.task_box.findData(task_id)
            if index >= 0:
                if index == self.task_box.currentIndex():
                    self.load_task()
                else:
                    self.task_box.setCurrentIndex(index)
                return
            self.task_id = task_id
            settings().setValue("reports/task", task_id)
        self.refresh()

    def _changed(self, kinds) -> None:
        if self.isVisible() and set(kinds or ()) & REFRESH_ON:
            self.load_task()

    def _show_tasks(self, infos: list[tasks.TaskInfo]) -> None:
        self._tasks = list(infos)
        wanted = self.task_id or settings().value("reports/task")
        self._loading_tasks = True
        self.task_box.clear()
        for info in infos:
            self.task_box.addItem(f"{info.data.number}  {info.data.title}", info.id)
        self._loading_tasks = False
        index = self.task_box.findData(int(wanted)) if wanted not in (None, "") else -1
        self.task_box.setCurrentIndex(index if index >= 0 else (0 if infos else -1))
        if self.task_box.currentIndex() >= 0:
            self._task_chosen(self.task_box.currentIndex())
        else:
            self.task_id = None
            self._update_buttons()

    def _task_chosen(self, index: int) -> None:
        if self._loading_tasks or index < 0:
            return
        self.task_id = self.task_box.itemData(index)
        settings().setValue("reports/task", self.task_id)
        self.load_task()

    def load_task(self) -> None:
        if self.task_id is None:
            return
        run_op(documents.task_report_rows, self.ctx, self.task_id, on_done=self._show_rows, on_error=self._error)
        run_op(notifications.list_notifications, self.ctx, self.task_id, on_done=self._show_notices,
               on_error=self._error)
        task_id = self.task_id
        run_op(publication.get_consent, self.ctx, task_id, on_error=self._error,
               on_done=lambda c: self._show_consent(c) if self.task_id == task_id else None)
        self.load_analysis()
        self.load_monthly()

    def load_analysis(self) -> None:
        if self.task_id is None:
            return
        if self.analysis is not None and self.analysis.task_id != self.task_id:  # another task: show nothing stale
            self.analysis = None
            self.analysis_history.setRowCount(0)
            self.analysis_state.clear()
            self.analysis_message.hide()
            self._update_buttons()
        run_op(analysis_reports.task_analysis, self.ctx, self.task_id, on_done=self._show_analysis,
               on_error=self._error)

    def _show_rows(self, rows: list[documents.SampleReportRow]) -> None:
        selected = self.selected_sample()
        keep = self._pending_sample or (selected.sample_id if selected else None)
        self._pending_sample = None
        self.rows = rows
        self.samples.setRowCount(len(rows))
        for r, row in enumerate(rows):
            values = [row.sample_number, row.product_name, row.status_label, row.report_number or "—",
                      row.report_status_label or self.tr("not compiled"), self.tr("Yes") if row.problems_found else ""]
            for c, value in enumerate(values):
                item = _item(value, row.sample_id)
                if row.problems_found:
                    item.setBackground(QBrush(PROBLEM_COLOUR))
                self.samples.setItem(r, c, item)
            if row.sample_id == keep:
                self.samples.selectRow(r)
        self._update_buttons()

    def _show_notices(self, data: notifications.TaskNotifications) -> None:
        selected = self.selected_notice()
        keep = selected.id if selected else None
        self.notices = data
        if data.awaiting:
            self.awaiting.setText(self.tr("Approved problem samples without notification records: %1. "
                                          "Create records or write the letters.").replace("%1", "、".join(data.awaiting)))
            self.awaiting.setStyleSheet(style.NOTE_BOX)
        else:
            self.awaiting.setText(self.tr("%n notice(s) not sent yet.", "", data.not_sent) if data.rows
                                  else self.tr("No notices: no approved sample of this task found problems."))
            self.awaiting.setStyleSheet("")
        self.notice_table.setRowCount(len(data.rows))
        for r, n in enumerate(data.rows):
            values = [
                n.sample_number, n.document_number, n.recipient, n.roles_label,
                self.tr("Yes") if n.out_of_province else "", n.state_label,
                n.sent_date.isoformat() if n.sent_date else "", n.method_label,
                n.acknowledged_date.isoformat() if n.acknowledged_date else "",
            ]
            tip = n.ack_note
            if n.receipts:
                tip = "\n".join(p for p in (tip, self.tr("Receipt scans: %1").replace(
                    "%1", "、".join(r.filename for r in n.receipts))) if p)
            if not n.report_current:
                tip = self.tr("This notice belongs to a report that was replaced.")
            for c, value in enumerate(values):
                item = _item(value, n.id, tip)
                item.setBackground(QBrush(STATE_COLOURS[n.state] if n.report_current else SUPERSEDED_COLOUR))
                self.notice_table.setItem(r, c, item)
            if n.id == keep:
                self.notice_table.selectRow(r)
        self._update_buttons()

    def _show_analysis(self, work: analysis_reports.AnalysisWork) -> None:
        if work.task_id != self.task_id:
            return  # an answer for a task no longer shown
        selected = self.selected_history()
        keep = selected.id if selected else None
        self.analysis = work
        self._show_analysis_state(work)
        table = self.analysis_history
        table.setRowCount(len(work.history))
        for r, info in enumerate(work.history):
            replaces = info.replaces_number
            values = [
                (info.number, ""),
                (self.analysis_short_status(info.status), info.return_comment),
                (self._signed_cell(info.compiled_by, info.compiled_at), ""),
                (self._signed_cell(info.reviewed_by, info.reviewed_at), ""),
                (self._signed_cell(info.approved_by, info.approved_at), ""),
                (replaces, self.tr("Replaces %1: %2").replace("%1", replaces).replace("%2", info.amendment_reason)
                 if replaces else ""),
            ]
            full = [info.number, self.analysis_status_label(info.status),
                    self._signed_full(info.compiled_by, info.compiled_at),
                    self._signed_full(info.reviewed_by, info.reviewed_at),
                    self._signed_full(info.approved_by, info.approved_at), replaces]
            for c, (value, tip) in enumerate(values):
                item = _item(value or "—", info.id, tip or full[c] or value)
                if info.status == "superseded":
                    item.setBackground(QBrush(SUPERSEDED_COLOUR))
                    item.setForeground(style.brush(style.DIMMED))
                table.setItem(r, c, item)
            if info.id == keep:
                table.selectRow(r)
        self._update_buttons()

    def _signed_cell(self, name: str, when) -> str:
        """Who and on which day (month-day), for the history table; the full time is in the tooltip."""
        return f"{name} {local_time(when)[5:10]}".strip() if name else ""

    def _signed_full(self, name: str, when) -> str:
        return f"{name}  {local_time(when)}".strip() if name else ""

    def _show_analysis_state(self, work: analysis_reports.AnalysisWork) -> None:
        r = work.current
        lines: list[str] = []
        if r is None:
            lines.append("<b>" + escape(self.tr("Not compiled yet")) + "</b>")
        else:
            lines.append(f"<b>{escape(r.number)}</b> · <b>{escape(self.analysis_status_label(r.status))}</b>")
            signed = [
                text.replace("%1", name).replace("%2", local_time(when))
                for text, name, when in (
                    (self.tr("compiled by %1, %2"), r.compiled_by, r.compiled_at),
                    (self.tr("reviewed by %1, %2"), r.reviewed_by, r.reviewed_at),
                    (self.tr("approved by %1, %2"), r.approved_by, r.approved_at),
                )
                if name
            ]
            lines.extend(escape(x) for x in signed)  # one line each: 编制, 审核, 批准
            if r.status == "draft" and r.return_comment:
                lines.append(style.span(escape(
                    self.tr("Returned by the reviewer: %1").replace("%1", r.return_comment)), style.WARNING))
            if r.replaces_number:
                lines.append(escape(self.tr("Replaces %1: %2").replace("%1", r.replaces_number)
                                    .replace("%2", r.amendment_reason or "—")))
        if not work.can_compile and work.compile_reason:
            lines.append(style.span(escape(work.compile_reason), style.WARNING))
        else:
            lines.append(style.span(escape(
                self.tr("%n approved test report(s) of the task would be counted by compiling now.", "",
                        work.approved_reports)), style.MUTED))
        self.analysis_state.setText("<br>".join(lines))
        self.analysis_state.setStyleSheet(ANALYSIS_STYLES.get(r.status if r else "", ANALYSIS_STYLES[""]))

    # ------------------------------------------------------------------ selection
    def selected_history(self) -> reports.ReportInfo | None:
        if self.analysis is None or not self.analysis_history.selectionModel():
            return None
        rows = self.analysis_history.selectionModel().selectedRows()
        if not rows:
            return None
        report_id = self.analysis_history.item(rows[0].row(), 0).data(Qt.ItemDataRole.UserRole)
        return next((r for r in self.analysis.history if r.id == report_id), None)

    def selected_sample(self) -> documents.SampleReportRow | None:
        rows = self.samples.selectionModel().selectedRows() if self.samples.selectionModel() else []
        if not rows:
            return None
        sample_id = self.samples.item(rows[0].row(), 0).data(Qt.ItemDataRole.UserRole)
        return next((r for r in self.rows if r.sample_id == sample_id), None)

    def selected_samples(self) -> list[documents.SampleReportRow]:
        rows = self.samples.selectionModel().selectedRows() if self.samples.selectionModel() else []
        ids = [self.samples.item(i.row(), 0).data(Qt.ItemDataRole.UserRole) for i in sorted(rows, key=lambda i: i.row())]
        by_id = {r.sample_id: r for r in self.rows}
        return [by_id[i] for i in ids if i in by_id]

    def selected_notices(self) -> list[notifications.NotificationInfo]:
        if self.notices is None or not self.notice_table.selectionModel():
            return []
        ids = {self.notice_table.item(i.row(), 0).data(Qt.ItemDataRole.UserRole)
               for i in self.notice_table.selectionModel().selectedRows()}
        return [n for n in self.notices.rows if n.id in ids]

    def select_sample(self, sample_number: str) -> bool:
        for r in range(self.samples.rowCount()):
            if self.samples.item(r, 0).text() == sample_number:
                self.samples.selectRow(r)
                return True
        return False

    def selected_notice(self) -> notifications.NotificationInfo | None:
        if self.notices is None or not self.notice_table.selectionModel():
            return None
        rows = self.notice_table.selectionModel().selectedRows()
        if not rows:
            return None
        nid = self.notice_table.item(rows[0].row(), 0).data(Qt.ItemDataRole.UserRole)
        return next((n for n in self.notices.rows if n.id == nid), None)

    def _update_buttons(self) -> None:
        has_task = self.task_id is not None
        sample = self.selected_sample()
        notice = self.selected_notice()
        self.preview_button.setEnabled(bool(sample and sample.has_report))
        self.open_testing_button.setEnabled(sample is not None)
        self._update_sign_buttons()
        self.preview_notice_button.setEnabled(bool(notice and notice.report_current))
        self._update_notice_buttons()
        for b in (self.analysis_button, self.ledger_button, self.package_button):
            b.setEnabled(has_task)
        self.history_preview_button.setEnabled(self.selected_history() is not None)
        self._update_analysis_buttons()

    def _update_notice_buttons(self) -> None:
        """出具 and 送达登记 of notices render the permission model (app.services.permissions.notice_actions,
        which the notification service enforces again): enabled, or the reason as the tooltip."""
        n = self.notices if self.task_id is not None else None
        generate = n.allowed_actions.get_action("generate") if n is not None else None
        for button, has_work, tip in (
            (self.create_button, bool(n and n.awaiting),
             self.tr("Create the notification records of the approved problem samples")),
            (self.generate_button, bool(n and (n.rows or n.awaiting)),
             self.tr("Write the notices of the selected samples into a folder; the files are listed for you to "
                     "confirm first (Ctrl+G)")),
        ):
            button.setEnabled(bool(generate and generate.allowed and has_work))
            button.setToolTip(generate.reason if generate is not None and not generate.allowed else tip)
        notice = self.selected_notice()
        deliver = notice.allowed_actions.get_action("deliver") if notice is not None else None
        self.delivery_button.setEnabled(bool(deliver and deliver.allowed))
        self.delivery_button.setToolTip(
            deliver.reason if deliver is not None and not deliver.allowed
            else self.tr("Record when and how the notice was sent and acknowledged (Ctrl+D)"))

    def _update_sign_buttons(self) -> None:
        """审核/批准 of the selected reports: enabled when at least one may be signed by this user; the
        tooltip names each selected report that may not, with the reason (app.services.permissions)."""
        chosen = [r for r in self.selected_samples() if r.has_report]
        for mode, button, tip in (
            ("review", self.review_button, self.tr("Review the selected compiled reports, reading each one first "
                                                   "(审核); your password is asked once")),
            ("approve", self.approve_button, self.tr("Approve the selected reviewed reports, reading each one first "
                                                     "(批准); your password is asked once")),
        ):
            refused = [f"{r.report_number}：{r.report_actions.reason(mode)}" for r in chosen
                       if not r.report_actions.allowed(mode)]
            button.setEnabled(any(r.report_actions.allowed(mode) for r in chosen))
            if not chosen:
                refused = [self.tr("Select one or more samples with a report.")]
            button.setToolTip("\n".join([tip, *refused]))
            button.setStatusTip(tip)

    def sign_reports(self, mode: str) -> ReportSignDialog | None:
        """审核 or 批准 the selected reports in one dialog: each read in context (PDF, nonconforming
        items, changes), the password typed once; one signature per report, a refused one listed."""
        button = self.review_button if mode == "review" else self.approve_button
        chosen = [r for r in self.selected_samples() if r.has_report and r.report_version is not None]
        if not chosen or not button.isEnabled():
            return None
        items = [SignItem(r.report_id, r.report_version, r.report_number, r.sample_number, r.product_name,
                          r.report_actions.allowed(mode), r.report_actions.reason(mode), r.problems_found)
                 for r in chosen]
        option = option_tip = ""
        if mode == "approve" and any(i.allowed and i.problems for i in items):
            option = self.tr("Issue the notices with it (Article 18 ¶2)")
            option_tip = self.tr("The sample found problems: the notices to the sampled party, the nominal producer "
                                 "and the platform operator are issued with the approved report and uploaded with it.")
        dialog = ReportSignDialog(self.ctx, mode, items, self, option=option, option_tip=option_tip)
        self.sign_dialog = dialog

        def signed() -> None:
            pairs = dialog.ids_versions
            if mode == "review":
                run_op(reports.review_reports, self.ctx, pairs, dialog.password_text, accept=dialog.accept_report,
                       comment=dialog.comment_text, on_done=self._signed, on_error=self._error)
            else:
                password, notices = dialog.password_text, dialog.option_chosen
                ensure_key_unlocked(self.ctx, self, lambda: run_op(
                    reports.approve_reports, self.ctx, pairs, password, issue_notices=notices,
                    on_done=self._signed, on_error=self._error))

        dialog.accepted.connect(signed)
        dialog.open()
        return dialog

    def _signed(self, outcomes: list[reports.SignOutcome]) -> None:
        self.sign_outcomes = outcomes
        done = [o.number for o in outcomes if o.signed]
        refused = [o for o in outcomes if not o.signed]
        text = self.tr("%n report(s) signed", "", len(done)) + (f"：{'、'.join(done)}" if done else "")
        if refused:
            text += "\n" + self.tr("Not signed: %1").replace(
                "%1", "；".join(f"{o.number}（{o.reason}）" for o in refused))
            box = QMessageBox(QMessageBox.Icon.Information, self.tr("Signing"), text, QMessageBox.StandardButton.Ok,
                              self)
            box.setObjectName("sign_outcome")
            self.outcome_box = box
            box.open()
        self.status.setText(text)
        bus.changed.emit({"sample", "report", "notification"})
        self.load_task()

    def analysis_permissions(self) -> dict[str, tuple[bool, str]]:
        """Whether compile / review / approve of the analysis report are allowed now, and why not: the
        task's analysis snapshot carries them (app.services.permissions.analysis_report_actions, which
        the services enforce again)."""
        w = self.analysis
        if w is None or w.task_id != self.task_id:
            none = (False, self.tr("Choose a task first."))
            return {"compile": none, "review": none, "approve": none}
        a = w.allowed_actions
        return {name: (a.allowed(name), a.reason(name)) for name in ("compile", "review", "approve")}

    def _update_analysis_buttons(self) -> None:
        w = self.analysis
        r = w.current if w is not None else None
        if w is not None and w.needs_reason:
            self.compile_analysis_button.setText(self.tr("Compile again…"))
            base = self.tr("Compile a new analysis report that replaces the approved one (a reason is needed)")
        elif r is not None and r.status in ("draft", "compiled"):
            self.compile_analysis_button.setText(self.tr("Compile again"))
            base = self.tr("Compile the analysis report again from the task as it stands now (编制)")
        else:
            self.compile_analysis_button.setText(self.tr("Compile"))
            base = self.tr("Compile the analysis report from the task's approved test reports (编制)")
        tips = {
            "compile": base,
            "review": self.tr("Review the compiled analysis report, or return it with a comment (审核)"),
            "approve": self.tr("Approve the reviewed analysis report: its PDF is issued and queued for upload (批准)"),
        }
        allowed = self.analysis_permissions()
        for key, button in (("compile", self.compile_analysis_button), ("review", self.review_analysis_button),
                            ("approve", self.approve_analysis_button)):
            ok, why = allowed[key]
            button.setEnabled(ok and not self._analysis_busy)
            button.setToolTip(tips[key] if ok or not why else tips[key] + "\n" + why)
            button.setStatusTip(tips[key])
        self.analysis_button.setToolTip(
            self.tr("Show the analysis report in force: the approved one as issued, or else the current draft "
                    "(marked 草稿)"))

    # ------------------------------------------------------------------ previews
    def _show_pdf(self, title: str, file_name: str):
        def done(data: bytes) -> None:
            self.viewer.load_bytes(data, title, file_name)
            self.status.setText(self.tr("%1: %n page(s).", "", self.viewer.page_count()).replace("%1", title))

        return done

    def preview_report(self) -> None:
        sample = self.selected_sample()
        if sample is None or not sample.has_report:
            return
        title = self.tr("Test report %1 (sample %2)").replace("%1", sample.report_number).replace(
            "%2", sample.sample_number)
        run_op(documents.test_report_pdf, self.ctx, sample.sample_id,
               on_done=self._show_pdf(title, f"{sample.report_number}.pdf"), on_error=self._error)

    def preview_notice(self) -> None:
        notice = self.selected_notice()
        if notice is None:
            return
        title = self.tr("Notice %1 to %2").replace("%1", notice.document_number).replace("%2", notice.recipient)
        run_op(notifications.notice_pdf, self.ctx, notice.id,
               on_done=self._show_pdf(title, f"{notice.document_number}-{notice.recipient}.pdf"), on_error=self._error)

    def preview_analysis(self) -> None:
        if self.task_id is None:
            return
        number = self.task_box.currentText().split()[0] if self.task_box.currentText() else ""
        title = self.tr("Analysis report of task %1").replace("%1", number)
        w = self.analysis
        if w is not None and w.task_id == self.task_id and w.current is not None:
            title = self.tr("Analysis report %1 (%2)").replace("%1", w.current.number).replace(
                "%2", self.analysis_short_status(w.current.status))
        run_op(documents.analysis_pdf, self.ctx, self.task_id,
               on_done=self._show_pdf(title, f"{number}-分析报告.pdf"), on_error=self._error)

    def preview_history(self) -> None:
        info = self.selected_history()
        if info is None:
            return
        title = self.tr("Analysis report %1 (%2)").replace("%1", info.number).replace(
            "%2", self.analysis_short_status(info.status))
        run_op(analysis_documents.report_pdf, self.ctx, info.id,
               on_done=self._show_pdf(title, f"{info.number}.pdf"), on_error=self._error)

    def _month(self) -> tuple[int, int]:
        d = self.month.date()
        return d.year(), d.month()

    # ------------------------------------------------------------------ the monthly report (Article 11)
    def load_monthly(self) -> None:
        year, month = self._month()
        run_op(monthly_reports.month_work, self.ctx, year, month, on_done=self._show_monthly, on_error=self._error)

    def _show_monthly(self, work: monthly_reports.MonthlyWork) -> None:
        if (work.year, work.month) != self._month():
            return  # another month was chosen meanwhile
        self.monthly = work
        lines = [self.tr("Register entries this month: %1").replace("%1", str(work.register_entries))]
        r = work.current
        if r is None:
            lines.append(self.tr("Not compiled yet: a preview is a draft."))
        else:
            lines.append(self.tr("Monthly report %1: %2").replace("%1", r.number).replace(
                "%2", self.analysis_status_label(r.status)))
            signed = [(self.tr("compiled by %1"), r.compiled_by), (self.tr("reviewed by %1"), r.reviewed_by),
                      (self.tr("approved by %1"), r.approved_by)]
            lines.append("，".join(text.replace("%1", name) for text, name in signed if name))
            if r.return_comment:
                lines.append(self.tr("Returned: %1").replace("%1", r.return_comment))
            if work.register_changed:
                lines.append(self.tr("The register has changed since it was compiled (%1 entries then)").replace(
                    "%1", str(work.compiled_entries)))
        for s in work.submissions:
            lines.append(self.tr("Sent: %1").replace("%1", s.text))
        if r is not None and r.status == "approved" and not work.submissions:
            lines.append(self.tr("Not sent yet: record when it goes to the regulator."))
        if not work.can_compile:
            lines.append(work.compile_reason)
        self.monthly_state.setText("\n".join(lines))
        self._update_monthly_buttons()

    def _update_monthly_buttons(self) -> None:
        """The month's buttons from its snapshot's allowed_actions (app.services.permissions
        .monthly_report_actions): enabled or not, and the reason as the tooltip."""
        w = self.monthly
        r = w.current if w else None
        allowed = w.allowed_actions if w is not None else permissions.NONE
        self.compile_monthly_button.setText(self.tr("Compile again") if r is not None else self.tr("Compile"))
        for name, button in (("compile", self.compile_monthly_button), ("review", self.review_monthly_button),
                             ("approve", self.approve_monthly_button), ("submit", self.submit_monthly_button)):
            button.setEnabled(allowed.allowed(name))
            button.setToolTip(allowed.reason(name) if w is not None else self.tr("Choose a month first."))

    def _open_monthly_dialog(self, dialog: QWidget) -> None:
        self.monthly_dialog = dialog
        dialog.finished.connect(lambda _r: setattr(self, "monthly_dialog", None)
                                if self.monthly_dialog is dialog else None)
        dialog.open()

    def _monthly_done(self, text: str):
        def done(info) -> None:
            self.status.setText(text.replace("%1", getattr(info, "number", "") or getattr(info, "report_number", "")))
            self.load_monthly()
        return done

    def compile_monthly(self) -> None:
        w = self.monthly
        if w is None or not self.compile_monthly_button.isEnabled():
            return
        version = w.current.version if w.current is not None else None
        done = self._monthly_done(self.tr("Monthly report %1 compiled: the register is frozen; it waits for review."))
        if not w.needs_reason:
            run_op(monthly_reports.compile_monthly, self.ctx, w.year, w.month, version, on_done=done,
                   on_error=self._error)
            return
        dialog = NoteDialog(
            self.tr("Compile a replacing monthly report"),
            self.tr("Monthly report %1 is approved. Compiling again starts a new report that replaces it once "
                    "approved; the approved one is kept with the reason.").replace("%1", w.current.number),
            self.tr("Reason for the amendment"), self.tr("Compile"), field="reason", parent=self)

        def submitted() -> None:
            def ok(info) -> None:
                dialog.finish()
                done(info)
            run_op(monthly_reports.compile_monthly, self.ctx, w.year, w.month, version, reason=dialog.text(),
                   on_done=ok, on_error=dialog.fail)

        dialog.submitted.connect(submitted)
        self._open_monthly_dialog(dialog)

    def _sign_monthly(self, mode: str) -> None:
        """审核 or 批准 the month's report with the signer's password typed again; the service checks
        the people rules again."""
        w = self.monthly
        button = self.review_monthly_button if mode == "review" else self.approve_monthly_button
        if w is None or w.current is None or not button.isEnabled():
            return
        r = w.current
        summary = self.tr("Monthly report %1, compiled by %2.").replace("%1", r.number).replace(
            "%2", r.compiled_by or "—")
        if mode == "review":
            title, text = self.tr("Review monthly report"), summary + "\n" + self.tr("Type your password to sign the "
                                                                                      "review.")
        else:
            title = self.tr("Approve monthly report")
            text = summary + "\n" + self.tr("Reviewed by %1. Type your password to approve it.").replace(
                "%1", r.reviewed_by or "—")
        dialog = SignDialog(mode, title, text, lambda password: users.confirm_password(self.ctx, password), self)

        def signed() -> None:
            if mode == "review":
                message = (self.tr("Monthly report %1 reviewed: it waits for approval.") if dialog.accept_report
                           else self.tr("Monthly report %1 returned to its compiler."))
                run_op(reports.review_report, self.ctx, r.id, r.version, dialog.password_text,
                       accept=dialog.accept_report, comment=dialog.comment_text,
                       on_done=self._monthly_done(message), on_error=self._error)
            else:
                password = dialog.password_text
                ensure_key_unlocked(self.ctx, self, lambda: run_op(
                    reports.approve_report, self.ctx, r.id, r.version, password,
                    on_done=self._monthly_done(self.tr("Monthly report %1 approved: issued and frozen.")),
                    on_error=self._error))

        dialog.accepted.connect(signed)
        self._open_monthly_dialog(dialog)

    def record_monthly_submission(self) -> None:
        w = self.monthly
        if w is None or w.current is None or not self.submit_monthly_button.isEnabled():
            return
        r = w.current
        dialog = SubmissionDialog(r.number, w.default_recipient, self)

        def submitted() -> None:
            def ok(info) -> None:
                dialog.finish()
                self._monthly_done(self.tr("Sending of monthly report %1 recorded."))(info)
            run_op(monthly_reports.record_submission, self.ctx, r.id, **dialog.values(), on_done=ok,
                   on_error=dialog.fail)

        dialog.submitted.connect(submitted)
        self._open_monthly_dialog(dialog)

    def preview_monthly(self) -> None:
        year, month = self._month()
        title = self.tr("Monthly risk-information report %1").replace("%1", f"{year}-{month:02d}")
        run_op(documents.monthly_pdf, self.ctx, year, month,
               on_done=self._show_pdf(title, f"风险信息月报-{year}-{month:02d}.pdf"), on_error=self._error)

    def _open_testing(self) -> None:
        sample = self.selected_sample()
        window = self.window()
        if sample is not None and hasattr(window, "go"):
            window.go("testing", sample_id=sample.sample_id)

    # ------------------------------------------------------------------ files
    def ask_save_path(self, caption: str, name: str, filter_text: str) -> str | None:
        folder = str(settings().value("files/last_folder", str(Path.home())))
        path, _ = QFileDialog.getSaveFileName(self, caption, str(Path(folder) / name), filter_text)
        if path:
            settings().setValue("files/last_folder", str(Path(path).parent))
        return path or None

    def ask_folder(self, caption: str) -> str | None:
        folder = str(settings().value("files/last_folder", str(Path.home())))
        path = QFileDialog.getExistingDirectory(self, caption, folder)
        if path:
            settings().setValue("files/last_folder", path)
        return path or None

    def _xlsx(self, path: str) -> Path:
        p = Path(path)
        return p if p.suffix.lower() == ".xlsx" else p.with_name(p.name + ".xlsx")

    def save_monthly_excel(self) -> None:
        year, month = self._month()
        what = self.tr("Monthly risk-information report %1").replace("%1", f"{year}-{month:02d}") + "（Excel）"
        if not confirm_export(self, what):
            return
        path = self.ask_save_path(self.tr("Save monthly report"), f"风险信息月报-{year}-{month:02d}.xlsx",
                                  self.tr("Excel workbooks (*.xlsx)"))
        if not path:
            return
        run_op(documents.write_monthly, self.ctx, year, month, self._xlsx(path),
               on_done=lambda p: self.status.setText(self.tr("Saved %1").replace("%1", str(p))), on_error=self._error)

    # ------------------------------------------------------------------ what leaves the lab (Article 8)
    def _show_consent(self, consent: publication.ConsentInfo | None) -> None:
        self.consent = consent
        if consent is None:
            self.consent_label.setText(self.tr("No consent to publication is recorded for this task: everything "
                                               "exported is marked 内部资料 注意保密 with Article 8."))
            self.public_box.setChecked(False)
        else:
            self.consent_label.setText(self.tr("Consent recorded by %1: %2").replace("%1", consent.recorded_by or "—")
                                       .replace("%2", consent.line))
        self.public_box.setEnabled(consent is not None)
        self.consent_button.setText(self.tr("Correct consent…") if consent else self.tr("Record consent…"))
        a = self.consent_allowed.get_action("record_consent")
        self.consent_button.setEnabled(self.task_id is not None and a.allowed)
        self.consent_button.setToolTip(self.tr("An administrator records the organising regulator's consent to "
                                               "publication: authority, document number, date")
                                       + ("" if a.allowed else "\n" + a.reason))

    def record_consent(self) -> ConsentDialog | None:
        if self.task_id is None or not self.consent_button.isEnabled():
            return None
        info = next((t for t in self._tasks if t.id == self.task_id), None) if hasattr(self, "_tasks") else None
        dialog = ConsentDialog(self.ctx, self.task_id, self.task_box.currentText(),
                               info.data.issuing_authority if info else "", self.consent, self)
        self.consent_dialog = dialog
        dialog.open()
        return dialog

    def _export(self, kind: str, then) -> None:
        """Name what leaves the lab and ask once (Article 8), then ``then(public)``."""
        if self.task_id is None:
            return
        public = kind in ("ledger", "results") and self.public_box.isEnabled() and self.public_box.isChecked()

        def described(d: publication.ExportDescription) -> None:
            consent = d.consent.line if public and d.consent else ""
            what = d.what + (self.tr(" — publication-ready copy") if consent else "")
            if confirm_export(self, what, consent=consent):
                then(bool(consent))

        run_op(publication.describe_export, self.ctx, kind, self.task_id, on_done=described, on_error=self._error)

    def export_ledger(self) -> None:
        if self.task_id is None:
            return
        task_id = self.task_id
        number = self.task_box.currentText().split()[0] if self.task_box.currentText() else "task"

        def go(public: bool) -> None:
            name = f"样品台账-{number}{'-公开' if public else ''}.xlsx"
            path = self.ask_save_path(self.tr("Export sample ledger"), name, self.tr("Excel workbooks (*.xlsx)"))
            if not path:
                return
            run_op(documents.write_ledger, self.ctx, task_id, self._xlsx(path), public=public,
                   on_done=lambda p: self.status.setText(self.tr("Saved %1").replace("%1", str(p))),
                   on_error=self._error)

        self._export("ledger", go)

    def export_results(self) -> None:
        if self.task_id is None:
            return
        task_id = self.task_id
        number = self.task_box.currentText().split()[0] if self.task_box.currentText() else "task"

        def go(public: bool) -> None:
            name = f"检验结果-{number}{'-公开' if public else ''}.xlsx"
            path = self.ask_save_path(self.tr("Export results"), name, self.tr("Excel workbooks (*.xlsx)"))
            if not path:
                return
            run_op(documents.write_results, self.ctx, task_id, self._xlsx(path), public=public,
                   on_done=lambda p: self.status.setText(self.tr("Saved %1").replace("%1", str(p))),
                   on_error=self._error)

        self._export("results", go)

    def export_package(self) -> None:
        if self.task_id is None:
            return
        task_id = self.task_id

        def go(_public: bool) -> None:
            folder = self.ask_folder(self.tr("Folder for the export package"))
            if not folder:
                return
            ensure_key_unlocked(self.ctx, self, lambda: run_op(_export_and_verify, self.ctx, task_id, folder,
                                                               on_done=self._package_done, on_error=self._error))

        self._export("package", go)

    def _package_done(self, result) -> None:
        export, report = result
        if report.ok:
            self.status.setText(self.tr("Export package written and checked: %1 (%2 sample(s), %3 notice(s)).")
                                .replace("%1", str(export.path)).replace("%2", str(len(export.contents.samples)))
                                .replace("%3", str(export.contents.notices)))
        else:
            self.status.setText(self.tr("The export package failed its check: %1").replace("%1", "；".join(report.problems)))

    # ------------------------------------------------------------------ notices
    def create_records(self) -> None:
        if self.task_id is None or not self.create_button.isEnabled():
            return
        task_id = self.task_id
        ensure_key_unlocked(self.ctx, self, lambda: run_op(notifications.create_task_notifications, self.ctx, task_id,
                                                           on_done=self._records_created, on_error=self._error))

    def _records_created(self, count: int) -> None:
        self.status.setText(self.tr("%n notification record(s) created.", "", count))
        bus.changed.emit({"notification"})
        self.load_task()

    def generate_notices(self) -> None:
        """Write the letters of the chosen samples: the samples of the selected notices (or of the
        selected test reports) are ticked; the files to be written are listed and confirmed first."""
        if self.task_id is None or not self.generate_button.isEnabled():
            return
        task_id = self.task_id
        chosen = {n.sample_id for n in self.selected_notices()} or {r.sample_id for r in self.selected_samples()}

        def go(_public: bool) -> None:
            folder = self.ask_folder(self.tr("Folder for the notices"))
            if not folder:
                return
            run_op(notifications.plan_notices, self.ctx, task_id, on_error=self._error,
                   on_done=lambda plan: self._confirm_notices(plan, chosen, folder))

        self._export("notices", go)

    def _confirm_notices(self, plan: notifications.NoticePlan, chosen: set[int], folder: str) -> None:
        dialog = NoticeBatchDialog(plan, chosen, folder, self)
        self.notice_dialog = dialog

        def write() -> None:
            sample_ids = dialog.sample_ids
            ensure_key_unlocked(self.ctx, self, lambda: run_op(
                notifications.generate_notices, self.ctx, plan.task_id, folder, sample_ids=sample_ids,
                progress_title=self.tr("Writing notices…"), parent=self, on_done=self._notices_written,
                on_error=self._error))

        dialog.accepted.connect(write)
        dialog.open()

    def _notices_written(self, batch: notifications.NoticeBatch) -> None:
        if batch.cancelled:
            text = self.tr("Cancelled: %1 of %2 notices written to %3.")
        else:
            text = self.tr("%1 of %2 notices written to %3.")
        self.status.setText(text.replace("%1", str(len(batch.paths))).replace("%2", str(batch.total))
                            .replace("%3", str(batch.folder)))
        bus.changed.emit({"notification"})
        self.load_task()

    def record_delivery(self) -> None:
        notice = self.selected_notice()
        if notice is None or not self.delivery_button.isEnabled():
            return
        self.dialog = DeliveryDialog(notice, self, ctx=self.ctx)
        self.dialog.submitted.connect(self._save_delivery)
        self.dialog.open()

    def _save_delivery(self) -> None:
        dialog = self.dialog
        if dialog is None:
            return
        v = dialog.values()
        run_op(notifications.record_delivery, self.ctx, dialog.row.id, dialog.row.version,
               sent_date=v["sent_date"], method=v["method"], acknowledged_date=v["acknowledged_date"],
               ack_note=v["ack_note"], on_done=self._delivery_saved, on_error=dialog.fail)

    def _delivery_saved(self, info: notifications.NotificationInfo) -> None:
        if self.dialog is not None:
            self.dialog.finish()
            self.dialog = None
        self.status.setText(self.tr("Delivery of %1 recorded: %2.").replace("%1", info.document_number)
                            .replace("%2", info.state_label))
        bus.changed.emit({"notification"})
        self.load_task()

    # ------------------------------------------------------------------ the analysis report
    def _open_analysis_dialog(self, dialog: QWidget) -> None:
        self.analysis_dialog = dialog
        dialog.finished.connect(lambda _r: setattr(self, "analysis_dialog", None)
                                if self.analysis_dialog is dialog else None)
        dialog.open()

    def _analysis_started(self) -> None:
        self._analysis_busy = True
        self.analysis_message.hide()
        self.analysis_message.clear()
        self._update_analysis_buttons()

    def _analysis_done(self, text: str):
        def done(info: reports.ReportInfo) -> None:
            self._analysis_busy = False
            self.status.setText(text.replace("%1", info.number))
            bus.changed.emit({"report"})
            if not self.isVisible():
                self.load_analysis()

        return done

    def _analysis_cancelled(self) -> None:
        self._analysis_busy = False
        self._update_analysis_buttons()

    def _analysis_error(self, exc: BaseException) -> None:
        self._analysis_busy = False
        if isinstance(exc, RiskmonError):
            text = exc.message
            if isinstance(exc, ConflictError):
                text += "\n" + self.tr("The analysis report was reloaded: check it and try again.")
                self.load_analysis()
            self.analysis_message.setText(text)
            self.analysis_message.show()
        else:
            show_error(self, exc)
        self._update_analysis_buttons()

    def compile_analysis(self) -> None:
        w = self.analysis
        if w is None or w.task_id != self.task_id or not self.compile_analysis_button.isEnabled():
            return
        version = w.current.version if w.current is not None else None
        done = self._analysis_done(self.tr("Analysis report %1 compiled: it waits for review."))
        if not w.needs_reason:
            self._analysis_started()
            run_op(analysis_reports.compile_analysis, self.ctx, w.task_id, version, on_done=done,
                   on_error=self._analysis_error)
            return
        approved = w.current.number if w.current is not None else ""
        dialog = NoteDialog(
            self.tr("Compile a replacing analysis report"),
            self.tr("Analysis report %1 is approved. Compiling again starts a new analysis report that replaces it "
                    "once approved; the approved one is kept with the reason.").replace("%1", approved),
            self.tr("Reason for the amendment"),
            self.tr("Compile"),
            field="reason",
            parent=self,
        )

        def submitted() -> None:
            self._analysis_started()

            def ok(info: reports.ReportInfo) -> None:
                dialog.finish()
                done(info)

            def failed(exc: BaseException) -> None:
                self._analysis_busy = False
                dialog.fail(exc)
                if isinstance(exc, ConflictError):
                    dialog.reject()
                    self._analysis_error(exc)
                self._update_analysis_buttons()

            run_op(analysis_reports.compile_analysis, self.ctx, w.task_id, version, reason=dialog.text(),
                   on_done=ok, on_error=failed)

        dialog.submitted.connect(submitted)
        self._open_analysis_dialog(dialog)

    def _sign_analysis(self, mode: str) -> None:
        """审核 or 批准 the current analysis report with the signer's password typed again (as a test
        report on the testing page); the service checks the people rules again."""
        w = self.analysis
        if w is None or w.current is None:
            return
        r = w.current
        summary = self.tr("Analysis report %1 of task %2, compiled by %3.").replace("%1", r.number).replace(
            "%2", w.task_number).replace("%3", r.compiled_by or "—")
        if mode == "review":
            title = self.tr("Review analysis report")
            text = summary + "\n" + self.tr("Type your password to sign the review.")
        else:
            title = self.tr("Approve analysis report")
            text = summary + "\n" + self.tr("Reviewed by %1. Type your password to approve it.").replace(
                "%1", r.reviewed_by or "—")
        dialog = SignDialog(mode, title, text, lambda password: users.confirm_password(self.ctx, password), self)

        def signed() -> None:
            self._analysis_started()
            if mode == "review":
                message = (self.tr("Analysis report %1 reviewed: it waits for approval.") if dialog.accept_report
                           else self.tr("Analysis report %1 returned to its compiler."))
                run_op(reports.review_report, self.ctx, r.id, r.version, dialog.password_text,
                       accept=dialog.accept_report, comment=dialog.comment_text,
                       on_done=self._analysis_done(message), on_error=self._analysis_error)
            else:
                password = dialog.password_text
                ensure_key_unlocked(self.ctx, self, lambda: run_op(
                    reports.approve_report, self.ctx, r.id, r.version, password,
                    on_done=self._analysis_done(self.tr("Analysis report %1 approved: issued and queued for upload.")),
                    on_error=self._analysis_error), cancelled=self._analysis_cancelled)

        dialog.accepted.connect(signed)
        self._open_analysis_dialog(dialog)

    def review_analysis(self) -> None:
        if self.review_analysis_button.isEnabled():
            self._sign_analysis("review")

    def approve_analysis(self) -> None:
        if self.approve_analysis_button.isEnabled():
            self._sign_analysis("approve")

    def analysis_status_label(self, status: str) -> str:
        return {
            "draft": self.tr("Returned to the compiler"),
            "compiled": self.tr("Compiled, awaiting review"),
            "reviewed": self.tr("Reviewed, awaiting approval"),
            "approved": self.tr("Approved"),
            "superseded": self.tr("Superseded"),
        }.get(status, status)

    def analysis_short_status(self, status: str) -> str:
        return {
            "draft": self.tr("Returned"),
            "compiled": self.tr("Compiled"),
            "reviewed": self.tr("Reviewed"),
            "approved": self.tr("Approved"),
            "superseded": self.tr("Superseded"),
        }.get(status, status)

    # ------------------------------------------------------------------ verification
    def ask_open_pdf(self, caption: str) -> str | None:
        folder = str(settings().value("files/last_folder", str(Path.home())))
        path, _ = QFileDialog.getOpenFileName(self, caption, folder, self.tr("PDF documents (*.pdf);;All files (*)"))
        if path:
            settings().setValue("files/last_folder", str(Path(path).parent))
        return path or None

    def verify_report(self, path: str | Path | None = None) -> None:
        """核验报告: anyone checks a PDF brought in against the lab's keys; the verdict opens in a dialog."""
        path = path or self.ask_open_pdf(self.tr("Choose the PDF to verify"))
        if path:
            verify_report_file(self.ctx, self, path, shown=lambda d: setattr(self, "verify_dialog", d))

    # ------------------------------------------------------------------ errors
    def _error(self, exc: BaseException) -> None:
        show_error(self, exc)


def _export_and_verify(ctx: Context, task_id: int, folder: str):
    """Write the package, then check the file as the provincial side will."""
    export = documents.export_task_package(ctx, task_id, folder)
    return export, verify_package(export.path)
