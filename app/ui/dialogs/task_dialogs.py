"""Dialogs of 监测任务: the task form, the scheme editor (方案) with its history, the scheme's internal
review (审核) or return, the issuing authority's confirmation (确认) and a revision (Article 14), and
the risk-level proposal of a task (Articles 19–20).

Each dialog saves through a service call on a worker (``run_op``) and stays open, with what the
user typed, when the service refuses: the fields it names are marked. Tests fill the widgets and
call the save slots directly.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import shiboken6
from PySide6.QtCore import QCoreApplication, QDate, QSize, Qt, QTimer, QUrl
from PySide6.QtGui import QBrush, QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app import clock
from app.documents._io import atomic_write_bytes
from app.errors import RiskmonError
from app.rules.standards import StandardCodeError, normalize_code
from app.services import catalog as catalog_service
from app.services import risk as risk_service
from app.services import risk_evidence
from app.services import tasks as task_service
from app.services.context import Context
from app.ui import style, widgets
from app.ui.labels import (  # re-exported: the task pages and dialogs import them from here
    authority_labels,
    duration_labels,
    revision_text,
    scheme_event_labels,
    scheme_status_labels,
    scope_labels,
    severity_labels,
    standard_role_labels,
    task_status_labels,
    urgency_labels,
)
from app.ui.ops import run_op
from app.ui.widgets import FieldErrors, OptionalDateEdit, error_label, form_buttons

WARNING_BRUSH = style.brush(style.PENDING)


def alive(widget: QWidget) -> bool:
    """False once Qt has deleted the widget (a late operation result must then be dropped)."""
    return shiboken6.isValid(widget)


def fill_combo(combo: QComboBox, labels: dict, current=None) -> None:
    combo.clear()
    for key, text in labels.items():
        combo.addItem(text, key)
    if current is not None:
        index = combo.findData(current)
        if index >= 0:
            combo.setCurrentIndex(index)


_SavingDialog = widgets.SavingDialog


# ----------------------------------------------------------------------------------- task
class TaskDialog(_SavingDialog):
    """New or changed 风险监测任务."""

    NO_YEAR = 1999
    NO_BATCHES = -1

    def __init__(self, ctx: Context, task: task_service.TaskInfo | None = None, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.task = task
        self.setWindowTitle(self.tr("Edit task") if task else self.tr("New monitoring task"))
        self.setMinimumWidth(560)
        data = task.data if task else task_service.TaskInput(plan_year=None)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.number = QLineEdit(data.number)
        self.number.setObjectName("number")
        self.number.setPlaceholderText(self.tr("as on the task letter, e.g. HBFX-2026-DQ-01"))
        self.title = QLineEdit(data.title)
        self.title.setObjectName("title")
        self.authority = QLineEdit(data.issuing_authority)
        self.authority.setObjectName("issuing_authority")
        self.authority.setPlaceholderText(self.tr("e.g. Hubei Provincial Administration for Market Regulation"))
        self.objection = QLineEdit(data.objection_authority)
        self.objection.setObjectName("objection_authority")
        self.objection.setPlaceholderText(self.tr("the issuing authority, when left empty"))
        self.objection.setToolTip(self.tr("Where the notified parties send objections and re-test applications; "
                                          "the test report and the notices name it in the same words."))
        self.level = QComboBox()
        self.level.setObjectName("authority_level")
        fill_combo(self.level, authority_labels(), data.authority_level)
        self.category = QLineEdit(data.product_category)
        self.category.setObjectName("product_category")
        self.year = QSpinBox()
        self.year.setObjectName("plan_year")
        self.year.setRange(self.NO_YEAR, 2100)
        self.year.setSpecialValueText(self.tr("(not set)"))
        self.year.setValue(data.plan_year or (self.NO_YEAR if task else _this_year()))
        self.batches = QSpinBox()
        self.batches.setObjectName("batches_planned")
        self.batches.setRange(self.NO_BATCHES, 1_000_000)
        self.batches.setSpecialValueText(self.tr("(not set)"))
        self.batches.setValue(self.NO_BATCHES if data.batches_planned is None else data.batches_planned)
        self.sampling_deadline = OptionalDateEdit(data.sampling_deadline)
        self.sampling_deadline.setObjectName("sampling_deadline")
        self.report_deadline = OptionalDateEdit(data.report_deadline)
        self.report_deadline.setObjectName("report_deadline")
        self.status = QComboBox()
        self.status.setObjectName("status")
        fill_combo(self.status, task_status_labels(), data.status)
        self.notes = QPlainTextEdit(data.notes)
        self.notes.setObjectName("notes")
        self.notes.setFixedHeight(70)
        form.addRow(self.tr("Task number *"), self.number)
        form.addRow(self.tr("Task title *"), self.title)
        form.addRow(self.tr("Issuing authority"), self.authority)
        form.addRow(self.tr("Authority level"), self.level)
        form.addRow(self.tr("Objections and re-tests to"), self.objection)
        form.addRow(self.tr("Product category"), self.category)
        form.addRow(self.tr("Plan year"), self.year)
        form.addRow(self.tr("Batches planned"), self.batches)
        form.addRow(self.tr("Sampling deadline"), self.sampling_deadline)
        form.addRow(self.tr("Report deadline"), self.report_deadline)
        form.addRow(self.tr("Status"), self.status)
        form.addRow(self.tr("Notes"), self.notes)
        layout.addLayout(form)
        self.save_button = form_buttons(
            self, layout,
            {
                "number": self.number, "title": self.title, "issuing_authority": self.authority,
                "objection_authority": self.objection, "authority_level": self.level,
                "product_category": self.category, "plan_year": self.year,
                "batches_planned": self.batches, "sampling_deadline": self.sampling_deadline,
                "report_deadline": self.report_deadline, "status": self.status, "notes": self.notes,
            },
            self.tr("Save"), self.tr("Cancel"),
        )
        self.number.setFocus()

    def data(self) -> task_service.TaskInput:
        return task_service.TaskInput(
            number=self.number.text(),
            title=self.title.text(),
            issuing_authority=self.authority.text(),
            authority_level=self.level.currentData(),
            product_category=self.category.text(),
            plan_year=None if self.year.value() == self.NO_YEAR else self.year.value(),
            batches_planned=None if self.batches.value() == self.NO_BATCHES else self.batches.value(),
            sampling_deadline=self.sampling_deadline.date(),
            report_deadline=self.report_deadline.date(),
            status=self.status.currentData(),
            notes=self.notes.toPlainText(),
            objection_authority=self.objection.text(),
        )

    def save(self) -> None:
        if self.task is None:
            self._run(task_service.create_task, self.ctx, self.data(), changed={"task"})
        else:
            self._run(task_service.update_task, self.ctx, self.task.id, self.task.version, self.data(), changed={"task"})


def _this_year() -> int:

    return clock.today().year


# ----------------------------------------------------------------------------------- scheme history
class SchemeHistory(QTreeWidget):
    """Every step of a scheme (all its versions) in order: when, version, who, what, and the comment
    or the authority's document. A confirmation's file opens on double-click (or :meth:`open_file_of`)."""

    WHEN, VERSION, WHO, WHAT, DETAIL = range(5)

    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("scheme_history")
        self.setColumnCount(5)
        self.setHeaderLabels([self.tr("When"), self.tr("Version"), self.tr("By"), self.tr("Step"),
                              self.tr("Comment or document")])
        self.setRootIsDecorated(False)
        self.setAlternatingRowColors(True)
        # long comments and document lines wrap (Chinese breaks between characters) instead of being cut
        self.setWordWrap(True)
        self.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.setUniformRowHeights(False)
        header = self.header()
        for column in (self.WHEN, self.VERSION, self.WHO, self.WHAT):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        header.sectionResized.connect(lambda column, _old, _new: self._fit_rows() if column == self.DETAIL else None)
        self.itemDoubleClicked.connect(lambda item, _c: self.open_file_of(item.data(0, Qt.ItemDataRole.UserRole)))
        self.opened: list[Path] = []  # files written for the viewer (tests read it)

    def show_history(self, history) -> None:
        self.clear()
        labels = scheme_event_labels()
        for e in history:
            detail = []
            if e.document_number:
                detail.append(self.tr("Document %1").replace("%1", e.document_number))
            if e.document_date:
                detail.append(self.tr("dated %1").replace("%1", e.document_date.isoformat()))
            if e.filename:
                detail.append(self.tr("file %1 (double-click to open)").replace("%1", e.filename))
            if e.comment:
                detail.append(e.comment)
            item = QTreeWidgetItem([f"{e.at:%Y-%m-%d %H:%M}", revision_text(e.revision), e.actor,
                                    labels.get(e.kind, e.kind), "；".join(detail)])
            item.setData(0, Qt.ItemDataRole.UserRole, e.id if e.has_file else None)
            item.setToolTip(self.DETAIL, "；".join(detail))
            if e.kind == "returned":
                item.setForeground(self.WHAT, style.brush(style.ERROR))
            elif e.kind == "confirmed":
                item.setForeground(self.WHAT, style.brush(style.DONE))
            self.addTopLevelItem(item)
        self._fit_rows()
        if self.topLevelItemCount():
            self.scrollToItem(self.topLevelItem(self.topLevelItemCount() - 1))

    def _fit_rows(self) -> None:
        """Each row as tall as its wrapped comment or document line at the column's width."""
        width = max(60, self.columnWidth(self.DETAIL) - 12)
        metrics = self.fontMetrics()
        flags = int(Qt.AlignmentFlag.AlignLeft) | int(Qt.TextFlag.TextWordWrap)
        for i in range(self.topLevelItemCount()):
            item = self.topLevelItem(i)
            rect = metrics.boundingRect(0, 0, width, 10_000, flags, item.text(self.DETAIL))
            item.setSizeHint(self.DETAIL, QSize(width, max(metrics.height(), rect.height()) + 4))

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._fit_rows()

    def open_file_of(self, event_id: int | None) -> None:
        if event_id is None:
            return
        run_op(task_service.confirmation_file, self.ctx, event_id, on_done=self._write_and_open,
               on_error=lambda exc: widgets.show_error(self, exc) if alive(self) else None)

    def _write_and_open(self, result: tuple[str, bytes]) -> None:
        if not alive(self):
            return
        filename, content = result
        path = Path(tempfile.mkdtemp(prefix="riskmon-scheme-")) / Path(filename).name
        try:
            atomic_write_bytes(path, content)
        except RiskmonError as exc:  # disk full, …: one clear message, no traceback
            widgets.show_error(self, exc)
            return
        self.opened.append(path)
        self.open_file(path)

    def open_file(self, path: Path) -> None:
        """Hand the file to the desktop's viewer (replaced in tests)."""
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


# ----------------------------------------------------------------------------------- scheme
class SchemeDialog(_SavingDialog):
    """风险监测方案: product, test items (重要性能指标, unit) and candidate standards.

    Candidate standards are checked against the standards catalog as they are typed; a code the
    catalog does not hold is a warning (the scheme can still be saved), a malformed code an error.
    """

    ITEM_NAME, ITEM_IMPORTANT, ITEM_UNIT, ITEM_NOTES, ITEM_HAZARD = range(5)
    STD_CODE, STD_ROLE, STD_CATALOG = range(3)

    def __init__(self, ctx: Context, task: task_service.TaskInfo, scheme: task_service.SchemeInfo | None = None,
                 parent: QWidget | None = None, *, read_only: bool = False) -> None:
        super().__init__(ctx, parent)
        self.task = task
        self.scheme = scheme
        self.read_only = read_only
        self.unknown: set[str] = set()
        self.checks = 0  # catalog checks finished (tests wait on it)
        if read_only:
            self.setWindowTitle(self.tr("Scheme (read only)"))
        else:
            self.setWindowTitle(self.tr("Edit scheme") if scheme else self.tr("New scheme"))
        self.resize(920, 760 if scheme else 640)
        data = scheme.data if scheme else task_service.SchemeInput()
        layout = QVBoxLayout(self)
        head = QLabel(self.tr("Task: %1 %2").replace("%1", task.data.number).replace("%2", task.data.title))
        head.setWordWrap(True)
        layout.addWidget(head)
        if scheme is not None:
            state = QLabel(self.tr("%1 — %2").replace("%1", revision_text(scheme.revision))
                           .replace("%2", scheme_status_labels().get(scheme.status, scheme.status)))
            state.setObjectName("scheme_state")
            state.setStyleSheet(style.BOLD)
            layout.addWidget(state)
        form = QFormLayout()
        self.product = QLineEdit(data.product)
        self.product.setObjectName("product")
        self.product.setPlaceholderText(self.tr("the product monitored, e.g. electric kettle"))
        form.addRow(self.tr("Product *"), self.product)
        layout.addLayout(form)

        items_box = QGroupBox(self.tr("Test items"))
        items_layout = QVBoxLayout(items_box)
        self.items = QTableWidget(0, 5)
        self.items.setObjectName("items")
        self.items.setHorizontalHeaderLabels(
            [self.tr("Test item"), self.tr("Important performance item"), self.tr("Unit"), self.tr("Notes"),
             self.tr("Hazard class")]
        )
        self.items.horizontalHeaderItem(self.ITEM_HAZARD).setToolTip(self.tr(
            "The hazard class of the item suggests the severity in the risk-level proposal. By default it comes "
            "from the hazard class table (by the item's name); choose another where the table does not fit."))
        self._hazard_choices = task_service.hazard_class_choices()
        self.items.verticalHeader().setVisible(False)
        header = self.items.horizontalHeader()
        header.setSectionResizeMode(self.ITEM_NAME, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(self.ITEM_IMPORTANT, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(self.ITEM_NOTES, QHeaderView.ResizeMode.Stretch)
        items_layout.addWidget(self.items)
        row = QHBoxLayout()
        self.add_item_button = QPushButton(self.tr("Add item"))
        self.add_item_button.clicked.connect(lambda: self.add_item(focus=True))
        self.remove_item_button = QPushButton(self.tr("Remove item"))
        self.remove_item_button.clicked.connect(lambda: _remove_selected(self.items))
        self.up_button = QPushButton(self.tr("Move up"))
        self.up_button.clicked.connect(lambda: self._move_item(-1))
        self.down_button = QPushButton(self.tr("Move down"))
        self.down_button.clicked.connect(lambda: self._move_item(1))
        for b in (self.add_item_button, self.remove_item_button, self.up_button, self.down_button):
            row.addWidget(b)
        row.addStretch(1)
        items_layout.addLayout(row)
        layout.addWidget(items_box, 3)

        std_box = QGroupBox(self.tr("Candidate standards"))
        std_layout = QVBoxLayout(std_box)
        self.standards = QTableWidget(0, 3)
        self.standards.setObjectName("standards")
        self.standards.setHorizontalHeaderLabels([self.tr("Standard code"), self.tr("Kind"), self.tr("Catalog")])
        self.standards.verticalHeader().setVisible(False)
        sh = self.standards.horizontalHeader()
        sh.setSectionResizeMode(self.STD_CODE, QHeaderView.ResizeMode.Stretch)
        # the kind is a combo box in the cell: ResizeToContents would size the column to the empty
        # item (one glyph wide); it takes the width of its longest choice instead
        sh.setSectionResizeMode(self.STD_ROLE, QHeaderView.ResizeMode.Interactive)
        probe = QComboBox()
        fill_combo(probe, standard_role_labels())
        self.standards.setColumnWidth(self.STD_ROLE, max(probe.sizeHint().width() + 8,
                                                         sh.sectionSizeHint(self.STD_ROLE)))
        sh.setSectionResizeMode(self.STD_CATALOG, QHeaderView.ResizeMode.Stretch)
        std_layout.addWidget(self.standards)
        row = QHBoxLayout()
        self.add_std_button = QPushButton(self.tr("Add standard"))
        self.add_std_button.clicked.connect(lambda: self.add_standard(focus=True))
        self.remove_std_button = QPushButton(self.tr("Remove standard"))
        self.remove_std_button.clicked.connect(lambda: (_remove_selected(self.standards), self._schedule_check()))
        row.addWidget(self.add_std_button)
        row.addWidget(self.remove_std_button)
        row.addStretch(1)
        std_layout.addLayout(row)
        self.catalog_note = QLabel()
        self.catalog_note.setObjectName("catalog_warnings")
        self.catalog_note.setWordWrap(True)
        self.catalog_note.setStyleSheet(style.WARNING_TEXT)
        std_layout.addWidget(self.catalog_note)
        layout.addWidget(std_box, 2)

        self.history = SchemeHistory(ctx, self)
        if scheme is not None:
            history_box = QGroupBox(self.tr("History"))
            history_layout = QVBoxLayout(history_box)
            history_layout.addWidget(self.history)
            self.history.show_history(scheme.history)
            layout.addWidget(history_box, 2)

        self.save_button = form_buttons(
            self, layout,
            {"product": self.product, "items": self.items, "standards": self.standards, "hazard_class": self.items},
            self.tr("Save"), self.tr("Close") if read_only else self.tr("Cancel"),
        )

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(350)
        self._timer.timeout.connect(self.check_catalog)
        for item in data.items:
            self.add_item(item)
        for std in data.standards:
            self.add_standard(std)
        if not data.items and not read_only:
            self.add_item()
        self.standards.itemChanged.connect(lambda _item: self._schedule_check())
        if read_only:
            self.save_button.setVisible(False)
            for w in (self.add_item_button, self.remove_item_button, self.up_button, self.down_button,
                      self.add_std_button, self.remove_std_button):
                w.setVisible(False)
            self.product.setReadOnly(True)
            for table in (self.items, self.standards):
                table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.check_catalog()

    def done(self, result: int) -> None:  # noqa: D401 - Qt override: no late catalog check
        self._timer.stop()
        super().done(result)

    # -- rows
    def add_item(self, item: task_service.SchemeItemInput | None = None, *, focus: bool = False) -> int:
        item = item or task_service.SchemeItemInput("")
        r = self.items.rowCount()
        self.items.insertRow(r)
        self.items.setItem(r, self.ITEM_NAME, QTableWidgetItem(item.name))
        check = QTableWidgetItem(self.tr("Important"))
        flags = Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        check.setFlags(flags if not self.read_only else Qt.ItemFlag.ItemIsEnabled)
        check.setCheckState(Qt.CheckState.Checked if item.important else Qt.CheckState.Unchecked)
        self.items.setItem(r, self.ITEM_IMPORTANT, check)
        self.items.setItem(r, self.ITEM_UNIT, QTableWidgetItem(item.unit))
        self.items.setItem(r, self.ITEM_NOTES, QTableWidgetItem(item.notes))
        hazard = QComboBox()
        hazard.setObjectName("hazard_class")
        hazard.addItem(self.tr("By the table"), None)
        hazard.addItem(self.tr("(not classified)"), "")
        for code, name, severity in self._hazard_choices:
            hazard.addItem(f"{name}（{severity}）", code)
        if item.hazard_class is not None:
            hazard.setCurrentIndex(max(hazard.findData(item.hazard_class), 0))
        hazard.setEnabled(not self.read_only)
        self.items.setCellWidget(r, self.ITEM_HAZARD, hazard)
        if focus:
            self.items.setCurrentCell(r, self.ITEM_NAME)
            self.items.editItem(self.items.item(r, self.ITEM_NAME))
        return r

    def add_standard(self, std: task_service.SchemeStandardInput | None = None, *, focus: bool = False) -> int:
        std = std or task_service.SchemeStandardInput("")
        r = self.standards.rowCount()
        self.standards.blockSignals(True)
        self.standards.insertRow(r)
        self.standards.setItem(r, self.STD_CODE, QTableWidgetItem(std.code))
        role = QComboBox()
        fill_combo(role, standard_role_labels(), std.role)
        role.setEnabled(not self.read_only)
        self.standards.setCellWidget(r, self.STD_ROLE, role)
        status = QTableWidgetItem("")
        status.setFlags(Qt.ItemFlag.ItemIsEnabled)
        self.standards.setItem(r, self.STD_CATALOG, status)
        self.standards.blockSignals(False)
        if focus:
            self.standards.setCurrentCell(r, self.STD_CODE)
            self.standards.editItem(self.standards.item(r, self.STD_CODE))
        return r

    def set_item(self, row: int, name: str, important: bool = False, unit: str = "", notes: str = "",
                 hazard_class: str | None = None) -> None:
        """Fill a row; ``hazard_class`` None: by the table, "" not classified, else a class code."""
        combo: QComboBox = self.items.cellWidget(row, self.ITEM_HAZARD)
        combo.setCurrentIndex(max(combo.findData(hazard_class), 0) if hazard_class is not None else 0)
        self.items.item(row, self.ITEM_NAME).setText(name)
        self.items.item(row, self.ITEM_IMPORTANT).setCheckState(
            Qt.CheckState.Checked if important else Qt.CheckState.Unchecked
        )
        self.items.item(row, self.ITEM_UNIT).setText(unit)
        self.items.item(row, self.ITEM_NOTES).setText(notes)

    def set_standard(self, row: int, code: str, role: str = "similar") -> None:
        self.standards.item(row, self.STD_CODE).setText(code)
        combo: QComboBox = self.standards.cellWidget(row, self.STD_ROLE)
        combo.setCurrentIndex(combo.findData(role))

    def _move_item(self, step: int) -> None:
        r = self.items.currentRow()
        target = r + step
        if r < 0 or not 0 <= target < self.items.rowCount():
            return
        rows = [self._item_row(i) for i in range(self.items.rowCount())]
        rows[r], rows[target] = rows[target], rows[r]
        self.items.setRowCount(0)
        for it in rows:
            self.add_item(it)
        self.items.setCurrentCell(target, self.ITEM_NAME)

    def _item_row(self, r: int) -> task_service.SchemeItemInput:
        def text(c: int) -> str:
            item = self.items.item(r, c)
            return item.text() if item else ""

        important = self.items.item(r, self.ITEM_IMPORTANT)
        hazard = self.items.cellWidget(r, self.ITEM_HAZARD)
        return task_service.SchemeItemInput(
            name=text(self.ITEM_NAME).strip(),
            important=bool(important and important.checkState() == Qt.CheckState.Checked),
            unit=text(self.ITEM_UNIT).strip(),
            notes=text(self.ITEM_NOTES).strip(),
            hazard_class=hazard.currentData() if isinstance(hazard, QComboBox) else None,
        )

    def data(self) -> task_service.SchemeInput:
        items = [self._item_row(r) for r in range(self.items.rowCount())]
        items = [i for i in items if i.name or i.unit or i.notes]
        standards = []
        for r in range(self.standards.rowCount()):
            code = (self.standards.item(r, self.STD_CODE).text() if self.standards.item(r, self.STD_CODE) else "").strip()
            if not code:
                continue
            combo: QComboBox = self.standards.cellWidget(r, self.STD_ROLE)
            standards.append(task_service.SchemeStandardInput(code, combo.currentData()))
        return task_service.SchemeInput(product=self.product.text(), items=tuple(items), standards=tuple(standards))

    # -- catalog check
    def _schedule_check(self) -> None:
        self._timer.start()

    def check_catalog(self) -> None:
        codes = []
        for r in range(self.standards.rowCount()):
            item = self.standards.item(r, self.STD_CODE)
            if item and item.text().strip():
                codes.append(item.text().strip())
        run_op(catalog_service.unknown_codes, self.ctx, codes, on_done=self._show_check,
               on_error=lambda exc: widgets.show_error(self, exc))

    def _show_check(self, unknown: list[str]) -> None:
        if not alive(self):
            return
        self.unknown = set(unknown)
        self.checks += 1
        lines = []
        for r in range(self.standards.rowCount()):
            item = self.standards.item(r, self.STD_CODE)
            status = self.standards.item(r, self.STD_CATALOG)
            if item is None or status is None:
                continue
            text = item.text().strip()
            if not text:
                status.setText("")
                status.setBackground(QBrush())
                continue
            try:
                code = normalize_code(text)
            except StandardCodeError as exc:
                status.setText(exc.message)
                status.setBackground(style.brush(style.FIELD_ERROR_BACKGROUND))
                continue
            if code in self.unknown:
                status.setText(self.tr("Not in the standards catalog"))
                status.setBackground(WARNING_BRUSH)
                lines.append(code)
            else:
                status.setText(self.tr("In the catalog"))
                status.setBackground(QBrush())
        if lines:
            self.catalog_note.setText(
                self.tr("Not in the standards catalog: %1. Results cannot be judged against their requirements "
                        "until the standards are added to the catalog.").replace("%1", "、".join(lines))
            )
        else:
            self.catalog_note.setText("")

    def save(self) -> None:
        if self.read_only:
            return
        data = self.data()
        if self.scheme is None:
            self._run(task_service.create_scheme, self.ctx, self.task.id, data, changed={"task"})
        else:
            self._run(task_service.update_scheme, self.ctx, self.scheme.id, self.scheme.version, data, changed={"task"})


def _remove_selected(table: QTableWidget) -> None:
    rows = sorted({i.row() for i in table.selectedIndexes()} | ({table.currentRow()} if table.currentRow() >= 0 else set()),
                  reverse=True)
    for r in rows:
        table.removeRow(r)


# ----------------------------------------------------------------------------------- review
def _scheme_summary(scheme: task_service.SchemeInfo) -> QLabel:
    d = scheme.data
    important = sum(1 for i in d.items if i.important)
    summary = QLabel("\n".join([
        QCoreApplication.translate("SchemeSummary", "Product: %1 (%2)").replace("%1", d.product).replace("%2", revision_text(scheme.revision)),
        QCoreApplication.translate("SchemeSummary", "Test items: %1 (important performance items: %2)")
        .replace("%1", str(len(d.items))).replace("%2", str(important)),
        QCoreApplication.translate("SchemeSummary", "Candidate standards: %1").replace("%1", "、".join(s.code for s in d.standards) or "—"),
    ]))
    summary.setWordWrap(True)
    return summary


class ReviewDialog(_SavingDialog):
    """内部审核 (方案评审): pass the submitted scheme, or return it for changes with a comment.

    Signed: the reviewer types the password again. ``mode`` "review" passes (the comment is
    optional), "return" sends it back (the comment is required)."""

    def __init__(self, ctx: Context, scheme: task_service.SchemeInfo, parent: QWidget | None = None,
                 *, mode: str = "review") -> None:
        super().__init__(ctx, parent)
        self.scheme = scheme
        self.mode = mode
        self.setWindowTitle(self.tr("Pass the internal review") if mode == "review" else self.tr("Return the scheme"))
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        layout.addWidget(_scheme_summary(scheme))
        if scheme.warnings:
            warn = QLabel("\n".join(scheme.warnings))
            warn.setWordWrap(True)
            warn.setStyleSheet(style.WARNING_TEXT)
            layout.addWidget(warn)
        layout.addWidget(QLabel(self.tr("Review comment (optional)") if mode == "review"
                                else self.tr("What must be changed (required)")))
        self.comment = QPlainTextEdit()
        self.comment.setObjectName("comment")
        self.comment.setMinimumHeight(90)
        layout.addWidget(self.comment)
        form = QFormLayout()
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(self.tr("your password, to sign the review"))
        form.addRow(self.tr("Password"), self.password)
        layout.addLayout(form)
        self.error_text = error_label()
        layout.addWidget(self.error_text)
        self.errors = FieldErrors({"comment": self.comment, "password": self.password}, self.error_text)
        buttons = QDialogButtonBox()
        if mode == "review":
            self.accept_button = buttons.addButton(self.tr("Pass the review"), QDialogButtonBox.ButtonRole.AcceptRole)
            self.accept_button.clicked.connect(self.accept_scheme)
        else:
            self.return_button = buttons.addButton(self.tr("Return for changes"), QDialogButtonBox.ButtonRole.AcceptRole)
            self.return_button.clicked.connect(self.return_scheme)
        buttons.addButton(self.tr("Cancel"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def accept_scheme(self) -> None:
        self._run(task_service.review_scheme, self.ctx, self.scheme.id, self.scheme.version, accept=True,
                  comment=self.comment.toPlainText(), password=self.password.text(), changed={"task"})

    def return_scheme(self) -> None:
        self._run(task_service.review_scheme, self.ctx, self.scheme.id, self.scheme.version, accept=False,
                  comment=self.comment.toPlainText(), password=self.password.text(), changed={"task"})

    def _failed(self, exc: BaseException) -> None:
        super()._failed(exc)
        if alive(self) and isinstance(exc, RiskmonError) and not getattr(exc, "errors", None):
            self.password.selectAll()  # a wrong password: type it again


# ----------------------------------------------------------------------------------- confirmation
class ConfirmDialog(_SavingDialog):
    """登记任务下达部门确认 (Article 14): the issuing authority's document number, its date and the
    file it sent (a PDF or a scan), recorded after the internal review."""

    def __init__(self, ctx: Context, task: task_service.TaskInfo, scheme: task_service.SchemeInfo,
                 parent: QWidget | None = None, *, today: dt.date | None = None) -> None:
        super().__init__(ctx, parent)
        self.scheme = scheme
        self.setWindowTitle(self.tr("Record the authority's confirmation"))
        self.setMinimumWidth(600)
        layout = QVBoxLayout(self)
        authority = task.data.issuing_authority or self.tr("the issuing authority")
        intro = QLabel(self.tr("Article 14: the scheme is confirmed by the authority that issued the task (%1). "
                               "Record its confirmation as received: samples can be registered once it is recorded.")
                       .replace("%1", authority))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addWidget(_scheme_summary(scheme))
        form = QFormLayout()
        self.document_number = QLineEdit()
        self.document_number.setObjectName("document_number")
        self.document_number.setPlaceholderText(self.tr("e.g. 鄂市监质函〔2026〕12号"))
        form.addRow(self.tr("Document number *"), self.document_number)
        self.document_date = QDateEdit()
        self.document_date.setObjectName("document_date")
        self.document_date.setCalendarPopup(True)
        self.document_date.setDisplayFormat("yyyy-MM-dd")
        today = today or clock.today()
        self.document_date.setMaximumDate(QDate(today))  # not in the future
        if scheme.reviewed_at is not None:
            self.document_date.setMinimumDate(QDate(min(today, clock.local(scheme.reviewed_at).date())))
        self.document_date.setDate(QDate(today))
        form.addRow(self.tr("Date of the document *"), self.document_date)
        file_row = QHBoxLayout()
        self.file = QLineEdit()
        self.file.setObjectName("file")
        self.file.setPlaceholderText(self.tr("PDF, JPEG or PNG, at most %1 MB")
                                     .replace("%1", str(task_service.CONFIRMATION_FILE_LIMIT // (1024 * 1024))))
        self.browse_button = QPushButton(self.tr("Choose…"))
        self.browse_button.clicked.connect(self.browse)
        file_row.addWidget(self.file, 1)
        file_row.addWidget(self.browse_button)
        form.addRow(self.tr("Confirmation file *"), file_row)
        layout.addLayout(form)
        self.save_button = form_buttons(
            self, layout,
            {"document_number": self.document_number, "document_date": self.document_date, "file": self.file},
            self.tr("Record the confirmation"), self.tr("Cancel"),
        )

    def browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Choose the confirmation file"), "",
                                              self.tr("PDF or image (*.pdf *.jpg *.jpeg *.png);;All files (*)"))
        if path:
            self.file.setText(path)

    def data(self) -> task_service.ConfirmationInput:
        text = self.file.text().strip()
        return task_service.ConfirmationInput(
            document_number=self.document_number.text(), document_date=self.document_date.date().toPython(),
            file=Path(text) if text else None)

    def save(self) -> None:
        self._run(task_service.confirm_scheme, self.ctx, self.scheme.id, self.scheme.version, self.data(),
                  changed={"task", "sample"})


# ----------------------------------------------------------------------------------- revision
class ReviseDialog(_SavingDialog):
    """修订方案: a new version of the confirmed scheme, to change and have reviewed and confirmed again."""

    def __init__(self, ctx: Context, scheme: task_service.SchemeInfo, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.scheme = scheme
        self.setWindowTitle(self.tr("Revise the scheme"))
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        layout.addWidget(_scheme_summary(scheme))
        lines = [self.tr("A new version (%1) is drafted as a copy of this one. This version stays in force until "
                         "the new one has passed the internal review and been confirmed by the issuing authority.")
                 .replace("%1", revision_text(scheme.revision + 1))]
        if scheme.tested_samples:
            lines.append(self.tr("%1 sample(s) already tested under this version keep it.")
                         .replace("%1", str(scheme.tested_samples)))
        waiting = scheme.samples - scheme.tested_samples
        if waiting:
            lines.append(self.tr("%1 sample(s) not yet tested follow the new version once it is confirmed.")
                         .replace("%1", str(waiting)))
        note = QLabel("\n".join(lines))
        note.setObjectName("revision_note")
        note.setWordWrap(True)
        layout.addWidget(note)
        layout.addWidget(QLabel(self.tr("Reason for the revision")))
        self.reason = QPlainTextEdit()
        self.reason.setObjectName("reason")
        self.reason.setMinimumHeight(70)
        layout.addWidget(self.reason)
        form_buttons(
            self, layout, {"reason": self.reason},
            self.tr("Draft the new version"), self.tr("Cancel"), ok=True,
        )

    def save(self) -> None:
        self._run(task_service.revise_scheme, self.ctx, self.scheme.id, self.scheme.version,
                  self.reason.toPlainText(), changed={"task"})


# ----------------------------------------------------------------------------------- risk level
class RiskProposalDialog(_SavingDialog):
    """The proposed warning level of a task (Articles 19–20). Each factor of the risk model is shown
    with the value the evidence suggests and its source (``risk_evidence.proposal_evidence``); the
    probability is never preselected; a person ticks "Confirmed" for every factor before the proposal
    can be saved. Failed items' hazard classes can be changed here, which updates the severity
    suggestion."""

    FACTORS = ("severity", "probability", "urgency", "scope", "frequency", "duration")

    def __init__(self, ctx: Context, task: task_service.TaskInfo, parent: QWidget | None = None,
                 factors: risk_service.ProposalFactors | None = None) -> None:
        super().__init__(ctx, parent)
        self.task = task
        self.grade: risk_service.Grade | None = None
        self.evidence = None  # risk_evidence.ProposalEvidence once loaded
        self.item_classes: dict[str, str] = {}  # failed item → hazard class chosen here
        self.setWindowTitle(self.tr("Propose a risk warning level"))
        self.setMinimumWidth(900)
        layout = QVBoxLayout(self)
        head = QLabel(self.tr("Task: %1 %2").replace("%1", task.data.number).replace("%2", task.data.title))
        head.setWordWrap(True)
        layout.addWidget(head)
        intro = QLabel(self.tr("Each factor shows what the evidence suggests and where it comes from. Check or "
                               "change the value, then tick Confirmed; the proposal is saved only when every "
                               "factor is confirmed."))
        intro.setWordWrap(True)
        intro.setStyleSheet(style.MUTED_TEXT)
        layout.addWidget(intro)
        self.severity = QComboBox()
        self.severity.setObjectName("severity")
        fill_combo(self.severity, severity_labels())
        self.severity.setCurrentIndex(-1)
        self.probability = QComboBox()
        self.probability.setObjectName("probability")
        fill_combo(self.probability,
                   {p: risk_service.PROBABILITY_LABELS.get(p, p) for p in risk_service.probabilities()})
        self.probability.setCurrentIndex(-1)  # always chosen by a person
        self.probability.setPlaceholderText(self.tr("Choose…"))
        self.severity.setPlaceholderText(self.tr("Choose…"))
        self.urgency = QComboBox()
        self.urgency.setObjectName("urgency")
        fill_combo(self.urgency, urgency_labels(), "normal")
        self.scope = QComboBox()
        self.scope.setObjectName("scope")
        fill_combo(self.scope, scope_labels(), "single")
        self.frequency = QDoubleSpinBox()
        self.frequency.setObjectName("frequency")
        self.frequency.setRange(0.0, 1.0)
        self.frequency.setDecimals(4)
        self.frequency.setSingleStep(0.01)
        self.duration = QComboBox()
        self.duration.setObjectName("duration")
        fill_combo(self.duration, duration_labels(), "new")
        self.inputs = {"severity": self.severity, "probability": self.probability, "urgency": self.urgency,
                       "scope": self.scope, "frequency": self.frequency, "duration": self.duration}
        names = {"severity": self.tr("Severity of harm"), "probability": self.tr("Probability of harm"),
                 "urgency": self.tr("Urgency"), "scope": self.tr("Scope"),
                 "frequency": self.tr("Frequency (problem batches / tested batches)"),
                 "duration": self.tr("Duration")}
        grid_box = QGroupBox(self.tr("Factors and their evidence"))
        fgrid = QGridLayout(grid_box)
        for col, text in enumerate((self.tr("Factor"), self.tr("Value"), self.tr("Source (evidence)"),
                                    self.tr("Confirmed"))):
            h = QLabel(f"<b>{text}</b>")
            fgrid.addWidget(h, 0, col)
        self.sources: dict[str, QLabel] = {}
        self.confirms: dict[str, QCheckBox] = {}
        for row, f in enumerate(self.FACTORS, start=1):
            fgrid.addWidget(QLabel(names[f]), row, 0, Qt.AlignmentFlag.AlignTop)
            fgrid.addWidget(self.inputs[f], row, 1, Qt.AlignmentFlag.AlignTop)
            src = QLabel(self.tr("Gathering the evidence…"))
            src.setObjectName(f"source_{f}")
            src.setWordWrap(True)
            src.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            src.setMinimumWidth(420)
            self.sources[f] = src
            fgrid.addWidget(src, row, 2)
            check = QCheckBox(self.tr("Confirmed"))
            check.setObjectName(f"confirm_{f}")
            check.toggled.connect(self._update_save)
            self.confirms[f] = check
            fgrid.addWidget(check, row, 3, Qt.AlignmentFlag.AlignTop)
        fgrid.setColumnStretch(2, 1)
        fgrid.setColumnMinimumWidth(3, max(c.sizeHint().width() for c in self.confirms.values()) + 8)
        layout.addWidget(grid_box)

        self.items_box = QGroupBox(self.tr("Hazard class of the failed items (suggests the severity)"))
        ib = QVBoxLayout(self.items_box)
        self.items_table = QTableWidget(0, 3)
        self.items_table.setObjectName("hazard_items")
        self.items_table.setHorizontalHeaderLabels([self.tr("Failed item"), self.tr("Batches"),
                                                    self.tr("Hazard class")])
        self.items_table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.items_table.verticalHeader().setVisible(False)
        self.items_table.setMaximumHeight(130)
        ib.addWidget(self.items_table)
        layout.addWidget(self.items_box)
        self.items_box.setVisible(False)

        self.note = QPlainTextEdit()
        self.note.setObjectName("note")
        self.note.setFixedHeight(50)
        self.note.setPlaceholderText(self.tr("Reasons for the figures chosen (printed with the analysis report)"))
        form = QFormLayout()
        form.addRow(self.tr("Note"), self.note)
        layout.addLayout(form)

        result = QGroupBox(self.tr("Proposed level"))
        grid = QGridLayout(result)
        self.level_label = QLabel()
        self.level_label.setObjectName("level")
        self.level_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.level_label.setMinimumSize(190, 60)
        grid.addWidget(self.level_label, 0, 0, 3, 1)
        self.notice_label = QLabel()
        self.notice_label.setObjectName("notice")
        self.risk_label = QLabel()
        self.risk_label.setObjectName("risk")
        self.reasons_label = QLabel()
        self.reasons_label.setObjectName("reasons")
        self.reasons_label.setWordWrap(True)
        self.model_label = QLabel()
        self.model_label.setObjectName("model")
        self.model_label.setWordWrap(True)
        self.model_label.setStyleSheet(style.MUTED_TEXT)
        grid.addWidget(self.notice_label, 0, 1)
        grid.addWidget(self.risk_label, 1, 1)
        grid.addWidget(self.reasons_label, 2, 1)
        grid.addWidget(self.model_label, 3, 0, 1, 2)
        grid.setColumnStretch(1, 1)
        layout.addWidget(result)
        note = QLabel(self.tr("The lab proposes the level; the market regulator decides."))
        note.setStyleSheet(style.MUTED_TEXT)
        layout.addWidget(note)

        self.save_button = form_buttons(
            self, layout, dict(self.inputs, note=self.note),
            self.tr("Save proposal"), self.tr("Cancel"),
        )

        for combo in (self.severity, self.probability, self.urgency, self.scope, self.duration):
            combo.currentIndexChanged.connect(self.recompute)
        self.frequency.valueChanged.connect(self.recompute)
        if factors is not None:
            self.set_factors(factors)
        self.recompute()
        run_op(risk_evidence.proposal_evidence, self.ctx, self.task.id, on_done=self._got_evidence,
               on_error=lambda exc: widgets.show_error(self, exc))

    # ------------------------------------------------------------------ evidence
    def _got_evidence(self, evidence) -> None:
        if not alive(self):
            return
        self.evidence = evidence
        for fe in evidence.factors:
            self._show_suggestion(fe)
        self.items_table.setRowCount(len(evidence.items))
        for r, it in enumerate(evidence.items):
            self.items_table.setItem(r, 0, QTableWidgetItem(it.item))
            self.items_table.setItem(r, 1, QTableWidgetItem(str(it.failed)))
            combo = QComboBox()
            combo.addItem(self.tr("(not in the table)"), "")
            for code, (name, sev) in evidence.hazard_classes.items():
                combo.addItem(f"{name}（{sev}）", code)
            combo.setCurrentIndex(max(combo.findData(it.hazard_class), 0))
            combo.currentIndexChanged.connect(lambda _i, item=it.item, c=combo: self._class_changed(item, c))
            self.items_table.setCellWidget(r, 2, combo)
        self.items_box.setVisible(bool(evidence.items))
        self.recompute()

    def _show_suggestion(self, fe) -> None:
        """Put the suggested value in the field (none for the probability) and the source beside it."""
        self.sources[fe.factor].setText(fe.source)
        self.sources[fe.factor].setToolTip(fe.source)
        if fe.suggested is None:
            return
        widget = self.inputs[fe.factor]
        if isinstance(widget, QDoubleSpinBox):
            widget.setValue(float(fe.suggested))
        else:
            index = widget.findData(fe.suggested)
            if index >= 0:
                widget.setCurrentIndex(index)

    def _class_changed(self, item: str, combo: QComboBox) -> None:
        if self.evidence is None:
            return
        self.item_classes[item] = str(combo.currentData() or "")
        fe = self.evidence.severity_for(self.item_classes)
        self.confirms["severity"].setChecked(False)
        self._show_suggestion(fe)

    def source_texts(self) -> dict[str, str]:
        """The source of each factor as saved: the evidence, and a note when the value differs from it."""
        out: dict[str, str] = {}
        values = self.factors().payload() if self._complete() else {}
        for f in self.FACTORS:
            text = self.sources[f].text()
            fe = self.evidence.get(f) if self.evidence is not None else None
            if fe is not None and f == "severity" and self.item_classes:
                fe = self.evidence.severity_for(self.item_classes)
            if fe is not None and fe.suggested is not None and f in values and values[f] != fe.suggested:
                text += "（技术人员未采用提示值，按其评估选定）"
            elif f == "probability":
                text = "由技术人员评估选定。"
            out[f] = text
        return out

    # ------------------------------------------------------------------ values
    def _complete(self) -> bool:
        return self.severity.currentIndex() >= 0 and self.probability.currentIndex() >= 0

    def factors(self) -> risk_service.ProposalFactors:
        return risk_service.ProposalFactors(
            severity=int(self.severity.currentData() or 0),
            probability=str(self.probability.currentData() or ""),
            urgency=str(self.urgency.currentData()),
            scope=str(self.scope.currentData()),
            frequency=round(float(self.frequency.value()), 4),
            duration=str(self.duration.currentData()),
        )

    def set_factors(self, f: risk_service.ProposalFactors) -> None:
        for combo, value in ((self.severity, f.severity), (self.probability, f.probability),
                             (self.urgency, f.urgency), (self.scope, f.scope), (self.duration, f.duration)):
            combo.setCurrentIndex(combo.findData(value))
        self.frequency.setValue(f.frequency)
        self.recompute()

    def unconfirmed(self) -> list[str]:
        return [f for f in self.FACTORS if not self.confirms[f].isChecked()]

    def _update_save(self) -> None:
        ready = self.grade is not None and not self.unconfirmed()
        self.save_button.setEnabled(ready)
        if self.grade is not None and self.unconfirmed():
            self.save_button.setToolTip(self.tr("Confirm every factor first"))
        else:
            self.save_button.setToolTip("")

    def recompute(self) -> None:
        self.errors.clear()
        self.grade = None
        if not self._complete():
            self.level_label.setText(self.tr("Not assessed"))
            self.level_label.setStyleSheet(style.LEVEL_BADGE_EMPTY)
            missing = [] if self.severity.currentIndex() >= 0 else [self.tr("severity")]
            if self.probability.currentIndex() < 0:
                missing.append(self.tr("probability"))
            self.notice_label.setText(self.tr("Choose the %1 to see the level.").replace("%1", "、".join(missing)))
            for label in (self.risk_label, self.reasons_label, self.model_label):
                label.clear()
            self._update_save()
            return
        try:
            grade = risk_service.grade_factors(self.factors())
        except RiskmonError as exc:
            self.level_label.setText("—")
            self.level_label.setStyleSheet("")
            self.errors.show(exc)
            self._update_save()
            return
        self.grade = grade
        self.level_label.setText(f"{grade.numeral}级\n{grade.name}")
        self.level_label.setStyleSheet(style.level_badge(*style.LEVELS.get(grade.color, style.LEVEL_UNKNOWN)))
        self.level_label.setToolTip(grade.color_label)
        self.notice_label.setText(self.tr("Suggested publication (Article 20): %1").replace("%1", grade.notice))
        self.risk_label.setText(
            self.tr("Risk matrix: %1, base level %2, points %3")
            .replace("%1", grade.risk)
            .replace("%2", risk_service.LEVEL_NUMERALS[risk_service.LEVEL_NUMBERS[grade.base_level]])
            .replace("%3", str(grade.points))
        )
        self.reasons_label.setText("；".join(grade.reasons) if grade.reasons else self.tr("No raising factor."))
        self.model_label.setText(
            self.tr("Model: %1, version %2").replace("%1", grade.model_name).replace("%2", grade.model_version)
        )
        self._update_save()

    def save(self) -> None:
        if self.grade is None:
            return
        self._run(risk_service.save_proposal, self.ctx, self.task.id, self.factors(), self.note.toPlainText(),
                  confirmed=tuple(f for f in self.FACTORS if self.confirms[f].isChecked()),
                  sources=self.source_texts(), changed={"risk"})
