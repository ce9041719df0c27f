"""抽样: the list of every sample (filtered and sorted by the database) and the sampling form.

The list is a :class:`~app.ui.models.sample_table.SampleTableModel`: it never loads more than a
window of rows, so it opens as fast on 100,000 samples as on ten. Typing in the filter waits a
quarter of a second before asking; an answer to an older filter is dropped. Column widths, the
order and the last filter are remembered on this machine.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QDate, QItemSelectionModel, QModelIndex, Qt, QTimer
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrinterInfo
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from app import clock
from app.documents._io import atomic_write_bytes
from app.errors import RiskmonError
from app.services import labels, sample_list, tasks
from app.services.context import Context
from app.services.sample_list import SampleQuery, SampleRow
from app.ui import style
from app.ui.application import settings
from app.ui.dialogs.import_sampling import SamplingImport
from app.ui.dialogs.labels_dialog import LabelDialog, prepare_printer, print_pdf
from app.ui.dialogs.receive_dialog import ReceiveDialog
from app.ui.dialogs.sample_form import SampleFormDialog
from app.ui.legend import Legend
from app.ui.models.sample_table import ROW_ROLE, SampleTableModel
from app.ui.ops import bus, run_op
from app.ui.widgets import list_view, show_error, title_label

FILTER_DELAY_MS = 250
SETTINGS = "samples/filter"


class DateFilter(QWidget):
    """A date bound of the filter that may be off."""

    def __init__(self, label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.enabled = QCheckBox(label)
        self.edit = QDateEdit()
        self.edit.setCalendarPopup(True)
        self.edit.setDisplayFormat("yyyy-MM-dd")
        self.edit.setDate(QDate(clock.today()))
        self.edit.setEnabled(False)
        row.addWidget(self.enabled)
        row.addWidget(self.edit)
        self.enabled.toggled.connect(self.edit.setEnabled)

    def value(self) -> dt.date | None:
        return self.edit.date().toPython() if self.enabled.isChecked() else None

    def set_value(self, value: dt.date | None) -> None:
        self.enabled.setChecked(value is not None)
        if value is not None:
            self.edit.setDate(QDate(value))


class SamplesPage(QWidget):
    def __init__(self, ctx: Context, parent: QWidget | None = None, *, page_size: int = 200) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.forms: dict[int | None, SampleFormDialog] = {}
        self.task_list: list[tasks.TaskInfo] = []
        self._restoring = False
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(title_label(self.tr("Sampling")))
        top.addStretch(1)
        layout.addLayout(top)

        # actions
        self.new_action = self._action(self.tr("New sample"), "Ctrl+N", self.new_sample,
                                       self.tr("Register a new sample (Ctrl+N)"))
        self.open_action = self._action(self.tr("Open"), None, self.open_selected,
                                        self.tr("Open the selected sample's form (Enter or double-click)"))
        self.copy_action = self._action(self.tr("Register another like this"), "Ctrl+Shift+N", self.copy_selected,
                                        self.tr("A new form filled from the selected sample (Ctrl+Shift+N)"))
        self.receive_action = self._action(self.tr("Receive…"), "Ctrl+R", self.receive_selected,
                                           self.tr("Record that the selected samples arrived at the lab, and their "
                                                   "condition (Ctrl+R)"))
        self.testing_action = self._action(self.tr("Go to testing"), "Ctrl+T", self.go_testing,
                                           self.tr("Enter the results of the selected sample (Ctrl+T)"))
        self.copy_number_action = self._action(self.tr("Copy sample number"), None, self.copy_number,
                                               self.tr("Copy the selected sample numbers to the clipboard"))
        self.labels_action = self._action(self.tr("Print labels…"), "Ctrl+Shift+P", self.print_labels,
                                          self.tr("Print labels of the selected samples: number as QR and bar code, "
                                                  "product, task and sampling date (Ctrl+Shift+P)"))
        self.find_action = self._action(self.tr("Find"), "Ctrl+F", self._focus_filter,
                                        self.tr("Search the list (Ctrl+F)"))
        self.import_action = self._action(self.tr("Import from Excel…"), None, self.import_sampling,
                                          self.tr("Register the samples of a filled-in sampling template into the "
                                                  "task chosen in the list: all rows or none"))
        self.importing: SamplingImport | None = None
        buttons = QHBoxLayout()
        for action in (self.new_action, self.open_action, self.copy_action, self.receive_action, self.testing_action,
                       self.labels_action, self.import_action):
            button = QToolButton()
            button.setDefaultAction(action)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.count_label = QLabel()
        self.count_label.setObjectName("count")
        buttons.addWidget(self.count_label)
        layout.addLayout(buttons)

        # the filter
        filters = QHBoxLayout()
        self.filter = QLineEdit()
        self.filter.setObjectName("filter")
        self.filter.setClearButtonEnabled(True)
        self.filter.setPlaceholderText(self.tr("Search number, product, brand, batch or enterprise (Ctrl+F)"))
        self.task_filter = QComboBox()
        self.task_filter.setObjectName("task_filter")
        self.task_filter.addItem(self.tr("All tasks"), None)
        self.task_filter.setMinimumContentsLength(14)
        self.task_filter.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.status_filter = QComboBox()
        self.status_filter.setObjectName("status_filter")
        self.status_filter.addItem(self.tr("All statuses"), None)
        self.place_filter = QComboBox()
        self.place_filter.setObjectName("place_filter")
        self.place_filter.addItem(self.tr("All place types"), None)
        self.date_from = DateFilter(self.tr("Sampled from"))
        self.date_to = DateFilter(self.tr("to"))
        filters.addWidget(self.filter, 3)
        filters.addWidget(self.task_filter, 2)
        filters.addWidget(self.status_filter)
        filters.addWidget(self.place_filter)
        filters.addWidget(self.date_from)
        filters.addWidget(self.date_to)
        layout.addLayout(filters)

        # the table
        self.model = SampleTableModel(ctx, self, page_size=page_size)
        for key, text in self.model.status_names.items():
            self.status_filter.addItem(text, key)
        for key, text in self.model.place_names.items():
            self.place_filter.addItem(text, key)
        self.table = list_view(
            self.model, "samples", remember="samples", multi_select=True, movable=True,
            widths={"number": 175, "task": 135, "product": 110, "brand": 60, "batch": 80, "place": 84,
                    "sampled_party": 185, "sampling_date": 85, "received_date": 85},
            sort=(sample_list.DEFAULT_SORT, Qt.SortOrder.DescendingOrder))
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        layout.addWidget(self.table, 1)
        self.legend = Legend(self.model.legend())
        layout.addWidget(self.legend)
        open_key = QAction(self.table)
        open_key.setShortcuts([QKeySequence(Qt.Key.Key_Return), QKeySequence(Qt.Key.Key_Enter)])
        open_key.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        open_key.triggered.connect(self.open_selected)
        self.table.addAction(open_key)
        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setStyleSheet(style.ERROR_TEXT)
        self.message.setWordWrap(True)
        self.message.setVisible(False)
        layout.addWidget(self.message)

        # wiring
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(FILTER_DELAY_MS)
        self._timer.timeout.connect(self.apply_filter)
        self.filter.textChanged.connect(lambda _t: self._timer.start())
        self.filter.returnPressed.connect(self.apply_filter)
        for combo in (self.task_filter, self.status_filter, self.place_filter):
            combo.currentIndexChanged.connect(lambda _i: self.apply_filter())
        for bound in (self.date_from, self.date_to):
            bound.enabled.toggled.connect(lambda _on: self.apply_filter())
            bound.edit.dateChanged.connect(lambda _d: self._timer.start())
        self.table.doubleClicked.connect(lambda index: self.open_row(index))
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._update_actions())
        self.model.loaded.connect(self._loaded)
        self.model.modelReset.connect(self.table.scrollToTop)  # a new filter or order starts at the top
        self.model.busy_changed.connect(lambda _b: self._show_count())
        self.model.failed.connect(self._failed)
        bus.changed.connect(self._changed)
        self._restore_filter()
        self._update_actions()

    def _action(self, text: str, shortcut: str | None, slot, tip: str) -> QAction:
        action = QAction(text, self)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.setStatusTip(tip)
        action.setToolTip(tip)
        action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)
        return action

    # ------------------------------------------------------------------------------ filter
    def query(self) -> SampleQuery:
        return SampleQuery(
            text=self.filter.text().strip(),
            task_id=self.task_filter.currentData(),
            status=self.status_filter.currentData(),
            place_type=self.place_filter.currentData(),
            date_from=self.date_from.value(),
            date_to=self.date_to.value(),
        )

    def apply_filter(self) -> None:
        if self._restoring:
            return
        self._timer.stop()
        query = self.query()
        self._save_filter(query)
        if query == self.model.query and self.model.started:
            return
        if query.date_from and query.date_to and query.date_from > query.date_to:
            self._say(self.tr("The end date is before the start date."))
            return
        self.model.set_query(query)

    def _save_filter(self, q: SampleQuery) -> None:
        s = settings()
        s.setValue(f"{SETTINGS}/text", q.text)
        s.setValue(f"{SETTINGS}/task", q.task_id if q.task_id is not None else "")
        s.setValue(f"{SETTINGS}/status", q.status or "")
        s.setValue(f"{SETTINGS}/place", q.place_type or "")
        s.setValue(f"{SETTINGS}/from", q.date_from.isoformat() if q.date_from else "")
        s.setValue(f"{SETTINGS}/to", q.date_to.isoformat() if q.date_to else "")

    def _restore_filter(self) -> None:
        s = settings()
        self._restoring = True
        try:
            self.filter.setText(str(s.value(f"{SETTINGS}/text", "") or ""))
            for combo, key in ((self.status_filter, "status"), (self.place_filter, "place")):
                combo.setCurrentIndex(max(0, combo.findData(str(s.value(f"{SETTINGS}/{key}", "") or "") or None)))
            for bound, key in ((self.date_from, "from"), (self.date_to, "to")):
                text = str(s.value(f"{SETTINGS}/{key}", "") or "")
                try:
                    bound.set_value(dt.date.fromisoformat(text) if text else None)
                except ValueError:
                    bound.set_value(None)
            task = str(s.value(f"{SETTINGS}/task", "") or "")
            self._wanted_task = int(task) if task.isdigit() else None
        finally:
            self._restoring = False
        self._timer.stop()
        self.model.query = self.query()

    def _focus_filter(self) -> None:
        self.filter.setFocus()
        self.filter.selectAll()

    # ------------------------------------------------------------------------------ loading
    def refresh(self) -> None:
        """Called when the page is shown: the tasks of the filter, and the list."""
        run_op(tasks.list_tasks, self.ctx, on_done=self._tasks_loaded, on_error=self._failed)
        if self.model.started:
            self.model.refresh()
        else:
            self.model.reload()

    def _tasks_loaded(self, task_list: list[tasks.TaskInfo]) -> None:
        if not isValid(self):
            return
        self.task_list = task_list
        current = self.task_filter.currentData()
        if current is None:
            current = getattr(self, "_wanted_task", None)
            self._wanted_task = None
        self._restoring = True
        try:
            self.task_filter.clear()
            self.task_filter.addItem(self.tr("All tasks"), None)
            for t in task_list:
                self.task_filter.addItem(f"{t.data.number} {t.data.title}", t.id)
            self.task_filter.setCurrentIndex(max(0, self.task_filter.findData(current)))
        finally:
            self._restoring = False
        if self.task_filter.currentData() != self.model.query.task_id:
            self.apply_filter()

    def _loaded(self, total: int) -> None:
        self.message.setVisible(False)
        self._show_count()
        self._update_actions()

    def _show_count(self) -> None:
        if self.model.loading:
            self.count_label.setText(self.tr("Searching…"))
        else:
            self.count_label.setText(self.tr("%n sample(s)", "", self.model.total))

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, RiskmonError):
            self._say(exc.message)
        else:
            show_error(self, exc)
        self._show_count()

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def _changed(self, kinds) -> None:
        # a hidden page catches up in refresh() when it is shown again
        if kinds & {"sample", "result", "report", "task"} and self.model.started and self.isVisible():
            self.model.refresh()
        if "task" in kinds:
            run_op(tasks.list_tasks, self.ctx, on_done=self._tasks_loaded, on_error=lambda _e: None)

    # ------------------------------------------------------------------------------ selection
    def selected_rows(self) -> list[SampleRow]:
        out = []
        for index in self.table.selectionModel().selectedRows():
            row = self.model.data(index, ROW_ROLE)
            if row is not None:
                out.append(row)
        if not out:
            current = self.table.currentIndex()
            if current.isValid() and self.table.selectionModel().isSelected(current):
                row = self.model.data(current, ROW_ROLE)
                if row is not None:
                    out.append(row)
        return out

    def current_row(self) -> SampleRow | None:
        rows = self.selected_rows()
        return rows[0] if rows else None

    def select_row(self, r: int) -> None:
        index = self.model.index(r, 0)
        self.table.setCurrentIndex(index)
        self.table.selectionModel().select(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        )

    def _update_actions(self) -> None:
        rows = self.selected_rows()
        one = len(rows) == 1
        self.open_action.setEnabled(one)
        self.copy_action.setEnabled(one)
        self.testing_action.setEnabled(one)
        self.copy_number_action.setEnabled(bool(rows))
        self.labels_action.setEnabled(bool(rows))
        self.receive_action.setEnabled(any(r.status == "registered" for r in rows))

    def _context_menu(self, pos) -> None:
        index = self.table.indexAt(pos)
        if index.isValid() and not self.table.selectionModel().isRowSelected(index.row(), QModelIndex()):
            self.select_row(index.row())
        self._update_actions()
        menu = QMenu(self)
        for action in (self.open_action, self.copy_action, self.receive_action, self.testing_action,
                       self.copy_number_action, self.labels_action):
            menu.addAction(action)
        menu.addSeparator()
        menu.addAction(self.new_action)
        menu.popup(self.table.viewport().mapToGlobal(pos))
        self._menu = menu

    # ------------------------------------------------------------------------------ actions
    def open(self, sample_id: int | None = None, **_kwargs) -> None:
        """Cross-page navigation: ``go("samples", sample_id=…)`` opens that sample's form."""
        if sample_id is not None:
            self.open_form(sample_id)

    def open_form(self, sample_id: int | None = None, copy_of: int | None = None) -> SampleFormDialog:
        key = sample_id
        if key is not None and key in self.forms:
            form = self.forms[key]
            form.show()
            form.raise_()
            form.activateWindow()
            return form
        form = SampleFormDialog(self.ctx, sample_id, copy_of=copy_of, parent=self)
        form.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        if key is not None:
            self.forms[key] = form
            form.destroyed.connect(lambda _o=None, k=key: self.forms.pop(k, None))
        form.show()
        return form

    def new_sample(self) -> SampleFormDialog:
        return self.open_form()

    def import_sampling(self, path: str | None = None) -> SamplingImport | None:
        """导入抽样单 into the task chosen in the task filter: the file is checked on a worker, its
        warnings confirmed, then registered (progress and 取消 on both)."""
        task_id = self.task_filter.currentData()
        if task_id is None:
            self._say(self.tr("Choose the task to import into in the task list first."))
            return None
        if self.importing is not None:
            return self.importing
        if path is None:
            folder = str(settings().value("samples/import_folder", str(Path.home())))
            path, _ = QFileDialog.getOpenFileName(self, self.tr("Import sampling records"), folder,
                                                  self.tr("Excel files (*.xlsx)"))
            if not path:
                return None
            settings().setValue("samples/import_folder", str(Path(path).parent))
        self.importing = SamplingImport(self.ctx, task_id, self)
        self.importing.finished.connect(self._imported)
        self.importing.start(path)
        return self.importing

    def _imported(self, result) -> None:
        self.importing = None
        if result is None:
            return
        self._say(self.tr("Imported %n sample(s) into task %1.", "", result.count).replace("%1", result.task_number))
        bus.changed.emit({"sample"})

    def open_row(self, index: QModelIndex) -> SampleFormDialog | None:
        row = self.model.data(index, ROW_ROLE)
        return self.open_form(row.id) if row is not None else None

    def open_selected(self) -> SampleFormDialog | None:
        row = self.current_row()
        return self.open_form(row.id) if row is not None else None

    def copy_selected(self) -> SampleFormDialog | None:
        row = self.current_row()
        return self.open_form(None, copy_of=row.id) if row is not None else None

    def go_testing(self) -> None:
        row = self.current_row()
        window = self.window()
        if row is not None and hasattr(window, "go"):
            window.go("testing", sample_id=row.id)

    def copy_number(self) -> None:
        rows = self.selected_rows()
        if rows:
            QGuiApplication.clipboard().setText("\n".join(r.number for r in rows))

    def receive_selected(self) -> ReceiveDialog | None:
        """收样: a dialog asks for the day and the samples' condition (样品状态)."""
        rows = [(r.id, r.version, r.number) for r in self.selected_rows() if r.status == "registered"]
        if not rows:
            return None
        self.receive_dialog = ReceiveDialog(self.ctx, rows, self)
        self.receive_dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.receive_dialog.open()
        return self.receive_dialog

    # ------------------------------------------------------------------------------ labels
    def print_labels(self) -> LabelDialog | None:
        """打印标签…: the layout is asked, the PDF made on a worker, then printed or (no printer) saved."""
        ids = [r.id for r in self.selected_rows()]
        if not ids:
            return None
        dialog = LabelDialog(len(ids), self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._make_labels(ids, dialog.chosen_layout(), dialog.first_position()))
        self.label_dialog = dialog
        dialog.open()
        return dialog

    def _make_labels(self, ids: list[int], layout: str, first_position: int) -> None:
        self.count_label.setText(self.tr("Making labels…"))
        run_op(labels.sample_labels_pdf, self.ctx, ids, layout, first_position=first_position,
               on_done=lambda pdf: self._labels_ready(pdf, layout), on_error=self._labels_failed)

    def _labels_failed(self, exc: BaseException) -> None:
        if not isValid(self):
            return
        self._show_count()
        show_error(self, exc)

    def _labels_ready(self, pdf: bytes, layout: str) -> None:
        if not isValid(self):
            return
        self._show_count()
        if self.available_printers():
            printer = QPrinter(QPrinter.PrinterMode.HighResolution)
            prepare_printer(printer, layout)
            if self.ask_print(printer):
                pages = print_pdf(printer, pdf)
                self.last_labels = pdf
                if not pages:
                    show_error(self, RiskmonError(self.tr("The labels could not be sent to the printer.")))
            return
        path = self.ask_save_path(self.tr("No printer found: save the labels as PDF"), "样品标签.pdf")
        if not path:
            return
        if path.suffix.lower() != ".pdf":
            path = path.with_name(path.name + ".pdf")
        try:
            atomic_write_bytes(path, pdf)
        except RiskmonError as exc:
            show_error(self, exc)
            return
        except OSError as exc:
            show_error(self, RiskmonError(self.tr("Could not write %1: %2").replace("%1", str(path))
                                          .replace("%2", exc.strerror or str(exc))))
            return
        settings().setValue("files/last_folder", str(path.parent))
        self.last_labels = pdf
        self.inform(self.tr("Print labels"),
                    self.tr("No printer found: the labels were saved as a PDF instead: %1").replace("%1", str(path)))

    def available_printers(self) -> list[str]:
        """The printers of this machine (replaced in tests)."""
        return [p.printerName() for p in QPrinterInfo.availablePrinters()]

    def ask_print(self, printer: QPrinter) -> bool:
        """The print dialog (replaced in tests)."""
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle(self.tr("Print labels"))
        return dialog.exec() == QPrintDialog.DialogCode.Accepted

    def ask_save_path(self, caption: str, name: str) -> Path | None:
        """Where to save the labels PDF (a dialog; replaced in tests)."""
        folder = str(settings().value("files/last_folder", str(Path.home())))
        path, _ = QFileDialog.getSaveFileName(self, caption, str(Path(folder) / name), self.tr("PDF files (*.pdf)"))
        return Path(path) if path else None

    def inform(self, title: str, text: str) -> None:
        """A message (replaced in tests)."""
        QMessageBox.information(self, title, text)
