"""报告与告知: a task's test reports (preview, save, print), the notices of its problem samples
(Article 18 ¶2) with their delivery, the analysis and monthly reports, the sample ledger and the
export package for upload by hand.

Every document is rendered by a service on a worker and shown in the in-app viewer on the right;
the viewer saves and prints what it shows. File and folder choices go through ``ask_save_path`` /
``ask_folder`` so tests can answer them.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QAction, QBrush, QColor, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.documents.package import verify_package
from app.services import documents, notifications, samples, tasks
from app.services.context import Context
from app.ui.application import settings
from app.ui.dialogs.steps import StepDialog
from app.ui.ops import bus, run_op
from app.ui.pdf_viewer import PdfViewer
from app.ui.widgets import OptionalDateEdit, remember_columns, show_error, title_label

PROBLEM_COLOUR = QColor("#f8d0d0")
STATE_COLOURS = {"not_sent": QColor("#ffe2b8"), "sent": QColor("#e3ecf7"), "acknowledged": QColor("#d5f0d5")}
REFRESH_ON = {"task", "sample", "result", "report", "notification"}


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

    def __init__(self, row: notifications.NotificationInfo, parent: QWidget | None = None) -> None:
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
        self.sent.setDate(QDate(row.sent_date) if row.sent_date else QDate.currentDate())
        self.method = QComboBox()
        self.method.setObjectName("method")
        for key in ("post", "email", "hand", "platform", "other"):
            self.method.addItem(notifications.METHOD_LABELS[key], key)
        if row.method:
            self.method.setCurrentIndex(max(0, self.method.findData(row.method)))
        self.acknowledged = OptionalDateEdit(row.acknowledged_date)
        self.acknowledged.setObjectName("acknowledged_date")
        self.note = QPlainTextEdit(row.ack_note)
        self.note.setObjectName("ack_note")
        self.note.setTabChangesFocus(True)
        self.note.setMaximumHeight(80)
        self.form.addRow(self.tr("Sent on"), self.sent)
        self.form.addRow(self.tr("Delivery method"), self.method)
        self.form.addRow(self.tr("Acknowledged on"), self.acknowledged)
        self.form.addRow(self.tr("Acknowledgement note"), self.note)
        self.errors.widgets.update({"sent_date": self.sent, "method": self.method,
                                    "acknowledged_date": self.acknowledged, "ack_note": self.note})
        self.sent.setFocus()

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
        row.addWidget(self.preview_button)
        row.addWidget(self.open_testing_button)
        row.addStretch(1)
        v.addLayout(row)
        hint = QLabel(self.tr("A report is issued once approved; a report not yet approved is marked as such."))
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #666;")
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
        self.generate_button.setToolTip(self.tr("Write every notice of the task into a folder (Ctrl+G)"))
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
                              "warning level (Articles 19–20) and the measures of Article 23. Without a saved "
                              "risk-level proposal the level is computed and marked as such."))
        text.setWordWrap(True)
        a.addWidget(text)
        self.analysis_button = QPushButton(self.tr("Preview analysis report"))
        self.analysis_button.setObjectName("preview_analysis")
        self.analysis_button.clicked.connect(self.preview_analysis)
        a.addWidget(self.analysis_button, 0, Qt.AlignmentFlag.AlignLeft)
        v.addWidget(analysis)

        monthly = QGroupBox(self.tr("Monthly risk-information report (Article 11)"))
        m = QVBoxLayout(monthly)
        row = QHBoxLayout()
        month_label = QLabel(self.tr("Month:"))
        self.month = QDateEdit()
        self.month.setObjectName("month")
        self.month.setDisplayFormat("yyyy-MM")
        self.month.setCalendarPopup(True)
        self.month.setDate(QDate.currentDate())
        month_label.setBuddy(self.month)
        row.addWidget(month_label)
        row.addWidget(self.month)
        row.addStretch(1)
        m.addLayout(row)
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
        v.addStretch(1)
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
        lv.addWidget(self.ledger_button, 0, Qt.AlignmentFlag.AlignLeft)
        v.addWidget(ledger)

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
            self.awaiting.setStyleSheet("background: #fff4d6; border: 1px solid #e0b040; padding: 4px;")
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
            if not n.report_current:
                tip = self.tr("This notice belongs to a report that was replaced.")
            for c, value in enumerate(values):
                item = _item(value, n.id, tip)
                item.setBackground(QBrush(STATE_COLOURS[n.state] if n.report_current else QColor("#eeeeee")))
                self.notice_table.setItem(r, c, item)
            if n.id == keep:
                self.notice_table.selectRow(r)
        self._update_buttons()

    # ------------------------------------------------------------------ selection
    def selected_sample(self) -> documents.SampleReportRow | None:
        rows = self.samples.selectionModel().selectedRows() if self.samples.selectionModel() else []
        if not rows:
            return None
        sample_id = self.samples.item(rows[0].row(), 0).data(Qt.ItemDataRole.UserRole)
        return next((r for r in self.rows if r.sample_id == sample_id), None)

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

    def _can_notify(self) -> bool:
        return any(self.ctx.user.has(r) for r in notifications.DELIVERY_ROLES)

    def _update_buttons(self) -> None:
        has_task = self.task_id is not None
        sample = self.selected_sample()
        notice = self.selected_notice()
        self.preview_button.setEnabled(bool(sample and sample.has_report))
        self.open_testing_button.setEnabled(sample is not None)
        self.create_button.setEnabled(bool(has_task and self._can_notify() and self.notices and self.notices.awaiting))
        self.generate_button.setEnabled(bool(has_task and self._can_notify() and self.notices
                                             and (self.notices.rows or self.notices.awaiting)))
        self.preview_notice_button.setEnabled(bool(notice and notice.report_current))
        self.delivery_button.setEnabled(bool(notice and notice.report_current and self._can_notify()))
        for b in (self.analysis_button, self.ledger_button, self.package_button):
            b.setEnabled(has_task)

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
        run_op(documents.analysis_pdf, self.ctx, self.task_id,
               on_done=self._show_pdf(title, f"{number}-分析报告.pdf"), on_error=self._error)

    def _month(self) -> tuple[int, int]:
        d = self.month.date()
        return d.year(), d.month()

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
        path = self.ask_save_path(self.tr("Save monthly report"), f"风险信息月报-{year}-{month:02d}.xlsx",
                                  self.tr("Excel workbooks (*.xlsx)"))
        if not path:
            return
        run_op(documents.write_monthly, self.ctx, year, month, self._xlsx(path),
               on_done=lambda p: self.status.setText(self.tr("Saved %1").replace("%1", str(p))), on_error=self._error)

    def export_ledger(self) -> None:
        if self.task_id is None:
            return
        number = self.task_box.currentText().split()[0] if self.task_box.currentText() else "task"
        path = self.ask_save_path(self.tr("Export sample ledger"), f"样品台账-{number}.xlsx",
                                  self.tr("Excel workbooks (*.xlsx)"))
        if not path:
            return
        run_op(documents.write_ledger, self.ctx, self.task_id, self._xlsx(path),
               on_done=lambda p: self.status.setText(self.tr("Saved %1").replace("%1", str(p))), on_error=self._error)

    def export_package(self) -> None:
        if self.task_id is None:
            return
        folder = self.ask_folder(self.tr("Folder for the export package"))
        if not folder:
            return
        run_op(_export_and_verify, self.ctx, self.task_id, folder, on_done=self._package_done, on_error=self._error)

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
        if self.task_id is None:
            return
        run_op(notifications.create_task_notifications, self.ctx, self.task_id, on_done=self._records_created,
               on_error=self._error)

    def _records_created(self, count: int) -> None:
        self.status.setText(self.tr("%n notification record(s) created.", "", count))
        bus.changed.emit({"notification"})
        self.load_task()

    def generate_notices(self) -> None:
        if self.task_id is None or not self.generate_button.isEnabled():
            return
        folder = self.ask_folder(self.tr("Folder for the notices"))
        if not folder:
            return
        run_op(notifications.generate_notices, self.ctx, self.task_id, folder,
               progress_title=self.tr("Writing notices…"), parent=self,
               on_done=self._notices_written, on_error=self._error)

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
        self.dialog = DeliveryDialog(notice, self)
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

    # ------------------------------------------------------------------ errors
    def _error(self, exc: BaseException) -> None:
        show_error(self, exc)


def _export_and_verify(ctx: Context, task_id: int, folder: str):
    """Write the package, then check the file as the provincial side will."""
    export = documents.export_task_package(ctx, task_id, folder)
    return export, verify_package(export.path)
