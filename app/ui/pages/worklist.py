"""The bench's work list (shown by 检验与判定 when no sample is open) and the 待我处理 inbox page.

The work list is a :class:`~app.ui.models.work_table.WorkTableModel`: the database filters, sorts
(by the Article 18 deadline) and pages, so it opens as fast on 100,000 samples as on ten. The
inbox lists what waits for the signed-in user by their roles (:func:`app.services.worklist.inbox`);
a double-click opens the page and record each line is about.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from app import clock
from app.services import tasks, worklist
from app.services.context import Context
from app.services.worklist import WorkQuery
from app.ui import style
from app.ui.application import settings
from app.ui.legend import Legend
from app.ui.models.work_table import ROW_ROLE, WorkTableModel
from app.ui.ops import bus, run_op
from app.ui.widgets import list_view, remember_columns, show_error, title_label

SETTINGS = "testing/worklist"
WATCHED = {"sample", "result", "report", "panel", "task", "catalog"}


def _alive(widget: QWidget) -> bool:
    return isValid(widget)


class WorkListView(QWidget):
    """The samples waiting for work, filtered (mine/all, status, task, deadline colour) and in deadline
    order; ``open_requested(sample_id)`` on a double-click or Enter."""

    open_requested = Signal(int)

    def __init__(self, ctx: Context, parent: QWidget | None = None, *, page_size: int = 200) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._restoring = True
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        filters = QHBoxLayout()
        self.who = QComboBox()
        self.who.setObjectName("work_who")
        self.who.addItem(self.tr("My samples"), True)
        self.who.addItem(self.tr("All samples"), False)
        self.who.setToolTip(self.tr("My samples: the ones you registered, received, tested or completed"))
        self.status = QComboBox()
        self.status.setObjectName("work_status")
        self.task = QComboBox()
        self.task.setObjectName("work_task")
        self.task.addItem(self.tr("All tasks"), None)
        self.task.setMinimumContentsLength(16)
        self.task.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.deadline = QComboBox()
        self.deadline.setObjectName("work_deadline")
        self.model = WorkTableModel(ctx, self, query=worklist.default_query(ctx), page_size=page_size)
        self.status.addItem(self.tr("All waiting statuses"), None)
        for key in worklist.WORK_STATUSES:
            self.status.addItem(self.model.status_names[key], key)
        self.deadline.addItem(self.tr("Any deadline"), None)
        for key, text in (("overdue", self.tr("Overdue (red)")),
                          ("due_soon", self.tr("Due today or next working day (orange)")),
                          ("ok", self.tr("On time (green)")),
                          ("none", self.tr("Not yet complete"))):
            self.deadline.addItem(text, key)
        filters.addWidget(QLabel(self.tr("Show")))
        filters.addWidget(self.who)
        filters.addWidget(self.status)
        filters.addWidget(self.task, 1)
        filters.addWidget(self.deadline)
        filters.addStretch(1)
        self.count_label = QLabel()
        self.count_label.setObjectName("work_count")
        filters.addWidget(self.count_label)
        layout.addLayout(filters)

        self.table = list_view(
            self.model, "worklist", remember="testing/worklist", stretch="product", sort_keys=WorkTableModel.SORT_OF,
            widths={"number": 190, "task": 140, "product": 150, "status": 180, "received_date": 90,
                    "completed_date": 90, "deadline": 110, "days_left": 110},
            sort=("deadline", Qt.SortOrder.AscendingOrder))
        layout.addWidget(self.table, 1)
        self.legend = Legend(self.model.legend())
        layout.addWidget(self.legend)
        self.hint = QLabel(self.tr("Double-click a sample (or press Enter) to open it; scan a label into the "
                                   "sample box to open that sample."))
        self.hint.setObjectName("work_hint")
        self.hint.setStyleSheet(style.MUTED_TEXT)
        layout.addWidget(self.hint)
        open_key = QAction(self.table)
        open_key.setShortcuts([QKeySequence(Qt.Key.Key_Return), QKeySequence(Qt.Key.Key_Enter)])
        open_key.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        open_key.triggered.connect(self.open_current)
        self.table.addAction(open_key)

        self.table.doubleClicked.connect(lambda index: self.open_row(index.row()))
        for combo in (self.who, self.status, self.task, self.deadline):
            combo.currentIndexChanged.connect(lambda _i: self.apply_filter())
        self.model.loaded.connect(lambda _n: self._show_count())
        self.model.busy_changed.connect(lambda _b: self._show_count())
        self.model.modelReset.connect(self.table.scrollToTop)
        self.model.failed.connect(lambda exc: show_error(self, exc))
        bus.changed.connect(self._changed)
        self._restore_filter()
        self._restoring = False

    # ------------------------------------------------------------------------------ filter
    def query(self) -> WorkQuery:
        return WorkQuery(mine=bool(self.who.currentData()), status=self.status.currentData(),
                         task_id=self.task.currentData(), deadline=self.deadline.currentData())

    def set_query(self, query: WorkQuery) -> None:
        """Show ``query`` (the filter boxes follow)."""
        self._restoring = True
        try:
            self.who.setCurrentIndex(self.who.findData(query.mine))
            self.status.setCurrentIndex(max(0, self.status.findData(query.status)))
            self.deadline.setCurrentIndex(max(0, self.deadline.findData(query.deadline)))
            if query.task_id is not None and self.task.findData(query.task_id) < 0:
                self.task.addItem(str(query.task_id), query.task_id)
            self.task.setCurrentIndex(max(0, self.task.findData(query.task_id)))
        finally:
            self._restoring = False
        self.apply_filter()

    def apply_filter(self) -> None:
        if self._restoring:
            return
        query = self.query()
        settings().setValue(SETTINGS, [int(query.mine), query.status or "", query.task_id or 0, query.deadline or ""])
        if query != self.model.query or not self.model.started:
            self.model.set_query(query)

    def _restore_filter(self) -> None:
        saved = settings().value(SETTINGS)
        if not isinstance(saved, list) or len(saved) != 4:
            self.who.setCurrentIndex(self.who.findData(self.model.query.mine))
            return
        mine, status, task_id, deadline = saved
        self.who.setCurrentIndex(0 if str(mine) in ("1", "true", "True") else 1)
        self.status.setCurrentIndex(max(0, self.status.findData(status or None)))
        self.deadline.setCurrentIndex(max(0, self.deadline.findData(deadline or None)))
        self._saved_task = int(task_id or 0) or None
        self.model.query = self.query()
        if self._saved_task:
            self.model.query = WorkQuery(self.model.query.mine, self.model.query.status, self._saved_task,
                                         self.model.query.deadline)

    # ------------------------------------------------------------------------------ loading
    def refresh(self) -> None:
        """Re-read the list (keeping the scroll position) and the tasks of the filter."""
        if self.model.started:
            self.model.refresh()
        else:
            self.model.reload()
        run_op(tasks.list_tasks, self.ctx, include_closed=False, on_done=self._fill_tasks,
               on_error=lambda _exc: None)

    def _fill_tasks(self, infos: list[tasks.TaskInfo]) -> None:
        if not _alive(self):
            return
        wanted = self.model.query.task_id
        self._restoring = True
        try:
            self.task.clear()
            self.task.addItem(self.tr("All tasks"), None)
            for info in infos:
                self.task.addItem(f"{info.data.number} {info.data.title}", info.id)
            self.task.setCurrentIndex(max(0, self.task.findData(wanted)))
        finally:
            self._restoring = False
        if self.task.currentData() != wanted:  # the task is gone or closed
            self.apply_filter()

    def _changed(self, kinds) -> None:
        if _alive(self) and self.model.started and WATCHED & set(kinds or ()):
            self.model.refresh()

    def _show_count(self) -> None:
        if self.model.loading:
            self.count_label.setText(self.tr("Loading…"))
        elif self.model.total == 0 and self.model.query.mine:
            self.count_label.setText(self.tr("None of your samples is waiting; choose “All samples” to see the "
                                             "others."))
        else:
            self.count_label.setText(self.tr("%1 samples waiting").replace("%1", f"{self.model.total:,}"))

    # ------------------------------------------------------------------------------ opening
    def open_row(self, row: int) -> None:
        data = self.model.row_at(row)
        if data is not None:
            self.open_requested.emit(data.id)

    def open_current(self) -> None:
        index = self.table.currentIndex()
        if index.isValid():
            self.open_row(index.row())

    def rows(self) -> list[worklist.WorkRow]:
        """The rows loaded so far, in order (for tests and screenshots)."""
        return [row for _n, row in self.model.cached_rows()]

    def row_of(self, sample_id: int) -> int:
        for n, row in self.model.cached_rows():
            if row.id == sample_id:
                return n
        return -1

    def current_row(self) -> worklist.WorkRow | None:
        index = self.table.currentIndex()
        return self.model.data(index, ROW_ROLE) if index.isValid() else None


class InboxPage(QWidget):
    """待我处理: reports to review or approve, items needing an expert panel, notices to deliver and
    failed uploads — whatever the user's roles let them act on."""

    COLUMNS = ("kind", "title", "subject", "detail", "since")
    counted = Signal(int)

    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.box: worklist.Inbox | None = None
        self.items: list[worklist.InboxItem] = []
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(title_label(self.tr("For me to handle")))
        top.addStretch(1)
        self.refresh_button = QPushButton(self.tr("Refresh"))
        self.refresh_button.setObjectName("inbox_refresh")
        self.refresh_button.clicked.connect(self.refresh)
        top.addWidget(self.refresh_button)
        layout.addLayout(top)
        self.summary = QLabel()
        self.summary.setObjectName("inbox_summary")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.kind_names = {
            "review": self.tr("Report to review"),
            "approve": self.tr("Report to approve"),
            "panel": self.tr("Needs an expert panel"),
            "notice": self.tr("Notice to deliver"),
            "upload": self.tr("Upload failed"),
        }
        self.table = QTableWidget(0, len(self.COLUMNS))
        self.table.setObjectName("inbox")
        self.table.setHorizontalHeaderLabels(
            [self.tr("What"), self.tr("Report / sample"), self.tr("Product / recipient"), self.tr("To do"),
             self.tr("Since")]
        )
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for c, width in enumerate((120, 200, 200, 420)):
            self.table.setColumnWidth(c, width)
        header.setStretchLastSection(True)
        remember_columns(header, "inbox")
        layout.addWidget(self.table, 1)
        self.empty = QLabel(self.tr("Nothing waits for you."))
        self.empty.setObjectName("inbox_empty")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setStyleSheet(style.EMPTY_LIST)
        self.empty.hide()
        layout.addWidget(self.empty)
        hint = QLabel(self.tr("Double-click a line (or press Enter) to open it. Reports you compiled are not "
                              "listed: another person reviews and approves them."))
        hint.setStyleSheet(style.MUTED_TEXT)
        hint.setWordWrap(True)
        layout.addWidget(hint)
        open_key = QAction(self.table)
        open_key.setShortcuts([QKeySequence(Qt.Key.Key_Return), QKeySequence(Qt.Key.Key_Enter)])
        open_key.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        open_key.triggered.connect(lambda: self.open_row(self.table.currentRow()))
        self.table.addAction(open_key)
        self.table.cellDoubleClicked.connect(lambda row, _c: self.open_row(row))
        bus.changed.connect(self._changed)

    def refresh(self) -> None:
        run_op(worklist.inbox, self.ctx, on_done=self._show, on_error=self._failed)

    def _failed(self, exc: BaseException) -> None:
        if _alive(self):
            show_error(self, exc)

    def _changed(self, kinds) -> None:
        if _alive(self) and self.isVisible() and set(kinds or ()) & (WATCHED | {"notification", "upload"}):
            self.refresh()

    def _show(self, box: worklist.Inbox) -> None:
        if not _alive(self):
            return
        self.box = box
        self.items = list(box.items)
        self.table.setRowCount(len(self.items))
        for r, item in enumerate(self.items):
            since = item.since
            if isinstance(since, dt.datetime):
                since_text = clock.local_text(since)
            else:
                since_text = since.isoformat() if since else ""
            for c, text in enumerate((self.kind_names.get(item.kind, item.kind), item.title, item.subject,
                                      item.detail, since_text)):
                cell = QTableWidgetItem(text)
                cell.setToolTip(text)
                self.table.setItem(r, c, cell)
        parts = [f"{self.kind_names[k]} {n}" for k, n in box.counts.items() if n]
        shown = len(self.items)
        text = " · ".join(parts) if parts else self.tr("Nothing waits for you.")
        if shown < box.total:
            text += " " + self.tr("(the first %1 are listed)").replace("%1", str(shown))
        self.summary.setText(text)
        self.table.setVisible(bool(self.items))
        self.empty.setVisible(not self.items)
        if self.items and self.table.currentRow() < 0:
            self.table.setCurrentCell(0, 0)
        self.counted.emit(box.total)

    def open_row(self, row: int) -> None:
        if not 0 <= row < len(self.items):
            return
        item = self.items[row]
        window = self.window()
        if not hasattr(window, "go"):
            return
        if item.kind in ("review", "approve"):
            if item.sample_id is not None:
                window.go("testing", sample_id=item.sample_id)
            else:
                window.go("reports", task_id=item.task_id)
        elif item.kind == "panel":
            window.go("testing", sample_id=item.sample_id, item=item.item)
        elif item.kind == "notice":
            window.go("reports", task_id=item.task_id, sample_id=item.sample_id)
        elif item.kind == "upload":
            window.go("sync", outbox_id=item.outbox_id)
