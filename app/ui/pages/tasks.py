"""监测任务: tasks received from the regulator, their schemes (方案) with internal review, the issuing
authority's confirmation and revisions (Article 14), the proposed risk level of each task (Articles 19–20), and the standards catalog."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QCoreApplication, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app import clock
from app.errors import RiskmonError
from app.services import catalog as catalog_service
from app.services import permissions
from app.services import risk as risk_service
from app.services import tasks as task_service
from app.services.context import Context
from app.services.samples import lab_date
from app.services.task_list import TaskQuery, TaskRow
from app.services.texts import requirement_text
from app.ui import style, widgets
from app.ui.application import settings
from app.ui.dialogs.catalog_dialogs import ProblemsDialog, StandardDialog, effective_text
from app.ui.dialogs.task_dialogs import (
    ConfirmDialog,
    ReviewDialog,
    ReviseDialog,
    RiskProposalDialog,
    SchemeDialog,
    SchemeHistory,
    TaskDialog,
    alive,
    revision_text,
    scheme_status_labels,
    standard_role_labels,
)
from app.ui.models.task_table import TaskTableModel
from app.ui.ops import bus, run_op

ID_ROLE = Qt.ItemDataRole.UserRole


# ----------------------------------------------------------------------------------- helpers
def make_table(columns: list[str], name: str, stretch: int | None = None,
               widths: list[int] | None = None) -> QTableWidget:
    """A read-only, row-selecting table whose column widths are remembered on this machine."""
    table = QTableWidget(0, len(columns))
    table.setObjectName(name)
    table.setHorizontalHeaderLabels(columns)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setAlternatingRowColors(True)
    table.verticalHeader().setVisible(False)
    table.setWordWrap(False)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(True)
    header.setDefaultSectionSize(110)
    for c, width in enumerate(widths or []):
        table.setColumnWidth(c, width)
    if stretch is not None and not widths:
        table.setColumnWidth(stretch, 260)
    widgets.remember_columns(header, name)
    return table


def make_view(model, name: str, widths: list[int]) -> QTableView:
    """A read-only, row-selecting view of a lazily fetched model, sorted by header clicks (in SQL)."""
    view = QTableView()
    view.setObjectName(name)
    view.setModel(model)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setAlternatingRowColors(True)
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 8)
    view.setWordWrap(False)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(True)
    header.setDefaultSectionSize(110)
    header.setSortIndicatorShown(True)
    for c, width in enumerate(widths):
        view.setColumnWidth(c, width)
    widgets.remember_columns(header, name)
    return view


def fill_table(table: QTableWidget, rows: list[tuple[Any, list[str]]], keep_id: Any = None) -> None:
    """Rows of (id, cell texts); the previously selected id stays selected."""
    table.setUpdatesEnabled(False)
    table.blockSignals(True)
    table.setRowCount(len(rows))
    select_row = -1
    for r, (ident, cells) in enumerate(rows):
        for c, text in enumerate(cells):
            item = QTableWidgetItem(text)
            item.setData(ID_ROLE, ident)
            item.setToolTip(text if len(text) > 20 else "")
            table.setItem(r, c, item)
        if ident == keep_id and keep_id is not None:
            select_row = r
    table.blockSignals(False)
    table.setUpdatesEnabled(True)
    if select_row >= 0:
        table.selectRow(select_row)
    elif table.rowCount():
        table.clearSelection()


def selected_id(table: QTableWidget) -> Any:
    rows = table.selectionModel().selectedRows() if table.selectionModel() else []
    if not rows:
        return None
    item = table.item(rows[0].row(), 0)
    return item.data(ID_ROLE) if item else None


def select_id(table: QTableWidget, ident: Any) -> bool:
    for r in range(table.rowCount()):
        item = table.item(r, 0)
        if item is not None and item.data(ID_ROLE) == ident and not table.isRowHidden(r):
            table.selectRow(r)
            table.scrollToItem(item)
            return True
    return False


def date_text(value) -> str:
    return value.isoformat() if value else ""


def add_shortcut(widget: QWidget, keys: QKeySequence | str, slot: Callable[[], Any], tip: str = "") -> QAction:
    action = QAction(widget)
    action.setShortcut(QKeySequence(keys))
    action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    action.triggered.connect(slot)
    if tip:
        action.setStatusTip(tip)
    widget.addAction(action)
    return action


def restore_splitter(splitter: QSplitter, key: str) -> None:
    state = settings().value(f"splitters/{key}")
    if isinstance(state, QByteArray) and not state.isEmpty():
        splitter.restoreState(state)
    splitter.splitterMoved.connect(lambda *_: settings().setValue(f"splitters/{key}", splitter.saveState()))


def _load_task_detail(ctx: Context, task_id: int):
    """The task's schemes (every version), its risk proposals and the lab's today."""
    return task_service.list_schemes(ctx, task_id), risk_service.list_proposals(ctx, task_id), lab_date(ctx)


# ----------------------------------------------------------------------------------- the page
class TasksPage(QWidget):
    """Tasks and schemes on the first tab, the standards catalog on the second."""

    def __init__(self, ctx: Context, parent: QWidget | None = None, *, page_size: int = 200) -> None:
        super().__init__(parent)
        self.ctx = ctx
        #: create / edit tasks, draft schemes: the permission model, with the reason when not
        self.task_permissions = task_service.task_permissions(ctx)
        # proposing a task's warning level (Articles 19–20), as the risk service decides it
        self.risk_permissions = permissions.risk_actions(ctx.user)
        self.model = TaskTableModel(ctx, self, page_size=page_size)
        self._task_id: int | None = None  # the task whose schemes are shown
        self._selecting = False
        self.schemes: list[task_service.SchemeInfo] = []
        self.proposals: list[risk_service.ProposalInfo] = []
        self.loaded = 0  # task lists received (tests wait on it)
        self.details_loaded = 0
        self._generation = 0
        self._wanted_task: int | None = None
        self._wanted_scheme: int | None = None
        self.dialog = None  # the dialog opened last (tests drive it)
        self.today: Any = None  # the lab's today, with the task's details

        layout = QVBoxLayout(self)
        layout.addWidget(widgets.title_label(self.tr("Monitoring tasks")))
        self.tabs = QTabWidget()
        self.tabs.setObjectName("tabs")
        layout.addWidget(self.tabs, 1)
        tasks_tab = QWidget()
        self.tabs.addTab(tasks_tab, self.tr("Tasks and schemes"))
        self.catalog = CatalogPanel(ctx, self)
        self.tabs.addTab(self.catalog, self.tr("Standards catalog"))
        self.tabs.setCurrentIndex(int(settings().value("tasks/tab", 0) or 0))
        self.tabs.currentChanged.connect(self._tab_changed)

        outer = QVBoxLayout(tasks_tab)
        bar = QHBoxLayout()
        self.filter = QLineEdit(str(settings().value("tasks/filter", "") or ""))
        self.filter.setObjectName("task_filter")
        self.filter.setClearButtonEnabled(True)
        self.filter.setPlaceholderText(self.tr("Filter by number, title, authority or product category"))
        self.filter.textChanged.connect(self._filter_changed)
        self.show_closed = QCheckBox(self.tr("Show closed tasks"))
        self.show_closed.setChecked(settings().value("tasks/show_closed", "true") in (True, "true"))
        self.show_closed.toggled.connect(self._filter_changed)
        self.new_task_button = QPushButton(self.tr("New task"))
        self.new_task_button.setObjectName("new_task")
        self.new_task_button.setToolTip(self.tr("New monitoring task (Ctrl+N)"))
        self.new_task_button.clicked.connect(self.new_task)
        self.edit_task_button = QPushButton(self.tr("Edit task"))
        self.edit_task_button.setObjectName("edit_task")
        self.edit_task_button.setToolTip(self.tr("Edit the selected task (Ctrl+E)"))
        self.edit_task_button.clicked.connect(self.edit_task)
        bar.addWidget(self.filter, 1)
        bar.addWidget(self.show_closed)
        bar.addWidget(self.new_task_button)
        bar.addWidget(self.edit_task_button)
        outer.addLayout(bar)

        self.split = QSplitter(Qt.Orientation.Vertical)
        self.split.setObjectName("tasks_split")
        outer.addWidget(self.split, 1)
        self.table = make_view(self.model, "tasks/tasks", widths=[130, 235, 150, 85, 50, 60, 55, 55, 95, 95, 70])
        self.table.horizontalHeader().setSortIndicator(
            self.model.column_of(self.model.sort_key), Qt.SortOrder.DescendingOrder
        )
        self.table.setSortingEnabled(True)  # the model sorts in SQL
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._task_selected())
        self.table.doubleClicked.connect(lambda _i: self.edit_task())
        self.model.loaded.connect(self._show_tasks)
        self.model.failed.connect(self._load_failed)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(250)
        self._debounce.timeout.connect(self._apply_filter)
        self.split.addWidget(self.table)

        lower = QSplitter(Qt.Orientation.Horizontal)
        lower.setObjectName("tasks_lower")
        self.split.addWidget(lower)

        scheme_box = QGroupBox(self.tr("Schemes of the selected task"))
        sl = QVBoxLayout(scheme_box)
        self.scheme_table = make_table(
            [self.tr("Product"), self.tr("Version"), self.tr("Status"), self.tr("Item count"), self.tr("Important"),
             self.tr("Candidate standards"), self.tr("Catalog")],
            "tasks/schemes.v2", widths=[110, 56, 200, 50, 60, 220, 100],
        )
        self.scheme_table.itemSelectionChanged.connect(self._scheme_selected)
        self.scheme_table.doubleClicked.connect(lambda _i: self.edit_scheme())
        sl.addWidget(self.scheme_table, 2)
        buttons = QHBoxLayout()
        self.new_scheme_button = QPushButton(self.tr("New scheme"))
        self.new_scheme_button.setObjectName("new_scheme")
        self.new_scheme_button.clicked.connect(self.new_scheme)
        self.edit_scheme_button = QPushButton(self.tr("Edit scheme"))
        self.edit_scheme_button.setObjectName("edit_scheme")
        self.edit_scheme_button.clicked.connect(self.edit_scheme)
        self.submit_button = QPushButton(self.tr("Submit for review"))
        self.submit_button.setObjectName("submit_scheme")
        self.submit_button.clicked.connect(self.submit_scheme)
        self.review_button = QPushButton(self.tr("Pass review…"))
        self.review_button.setObjectName("review_scheme")
        self.review_button.clicked.connect(self.review_scheme)
        self.return_button = QPushButton(self.tr("Return (comment)…"))
        self.return_button.setObjectName("return_scheme")
        self.return_button.clicked.connect(self.return_scheme)
        self.confirm_button = QPushButton(self.tr("Record authority confirmation…"))
        self.confirm_button.setObjectName("confirm_scheme")
        self.confirm_button.clicked.connect(self.confirm_scheme)
        self.revise_button = QPushButton(self.tr("Revise scheme…"))
        self.revise_button.setObjectName("revise_scheme")
        self.revise_button.clicked.connect(self.revise_scheme)
        self.action_buttons = {"submit": self.submit_button, "review": self.review_button,
                               "return": self.return_button, "confirm": self.confirm_button,
                               "revise": self.revise_button}
        for b in (self.new_scheme_button, self.edit_scheme_button, *self.action_buttons.values()):
            buttons.addWidget(b)
        buttons.addStretch(1)
        sl.addLayout(buttons)
        self.scheme_message = QLabel()
        self.scheme_message.setObjectName("scheme_message")
        self.scheme_message.setWordWrap(True)
        self.scheme_message.setStyleSheet(style.DONE_TEXT)
        self.scheme_message.setVisible(False)
        sl.addWidget(self.scheme_message)
        detail_split = QSplitter(Qt.Orientation.Horizontal)
        detail_split.setObjectName("scheme_detail_split")
        self.scheme_detail = QTextBrowser()
        self.scheme_detail.setObjectName("scheme_detail")
        self.scheme_detail.setOpenLinks(False)
        detail_split.addWidget(self.scheme_detail)
        self.scheme_history = SchemeHistory(ctx, self)
        detail_split.addWidget(self.scheme_history)
        detail_split.setStretchFactor(0, 2)
        detail_split.setStretchFactor(1, 3)
        sl.addWidget(detail_split, 3)
        lower.addWidget(scheme_box)

        risk_box = QGroupBox(self.tr("Proposed risk warning level (Articles 19–20)"))
        rl = QVBoxLayout(risk_box)
        self.proposal_table = make_table(
            [self.tr("Proposed on"), self.tr("Level"), self.tr("Publication"), self.tr("Proposed by"), self.tr("Risk model"),
             self.tr("Note")],
            "tasks/proposals", widths=[120, 100, 110, 70, 200, 120],
        )
        rl.addWidget(self.proposal_table, 1)
        row = QHBoxLayout()
        self.propose_button = QPushButton(self.tr("Propose level…"))
        self.propose_button.setObjectName("propose_risk")
        self.propose_button.setToolTip(self.tr("Grade the task's risk with the risk model (Ctrl+R)"))
        self.propose_button.clicked.connect(self.propose_risk)
        row.addWidget(self.propose_button)
        row.addStretch(1)
        rl.addLayout(row)
        lower.addWidget(risk_box)
        lower.setStretchFactor(0, 3)
        lower.setStretchFactor(1, 2)
        self.split.setSizes([260, 420])
        restore_splitter(self.split, "tasks/vertical")
        restore_splitter(lower, "tasks/lower")

        add_shortcut(tasks_tab, "Ctrl+N", self.new_task, self.tr("New monitoring task"))
        add_shortcut(tasks_tab, "Ctrl+E", self.edit_task, self.tr("Edit the selected task"))
        add_shortcut(tasks_tab, "Ctrl+Shift+N", self.new_scheme, self.tr("New scheme for the selected task"))
        add_shortcut(tasks_tab, "Ctrl+R", self.propose_risk, self.tr("Propose a risk level for the selected task"))
        add_shortcut(tasks_tab, "Ctrl+F", self.filter.setFocus, self.tr("Filter the tasks"))
        self._update_buttons()
        bus.changed.connect(self._changed)

    # -- roles
    def can_edit_tasks(self) -> bool:
        """From the permission model (app.services.permissions.task_actions)."""
        return self.task_permissions.allowed("create")

    # -- loading
    def refresh(self) -> None:
        query = self.task_query()
        if not self.model.started or query != self.model.query:
            self._debounce.stop()
            self.model.set_query(query)
        else:
            self.model.refresh()
        if self.tabs.currentWidget() is self.catalog:
            self.catalog.refresh()

    def open(self, task_id: int | None = None, scheme_id: int | None = None, tab: str | None = None, **_kw) -> None:
        """Cross-page navigation: show a task (and one of its schemes), or the catalog tab."""
        if tab == "catalog":
            self.tabs.setCurrentWidget(self.catalog)
            return
        self.tabs.setCurrentIndex(0)
        self._wanted_task = task_id
        self._wanted_scheme = scheme_id
        if task_id is not None:
            self.filter.clear()
            already = self.current_task_id() == task_id
            if self.task_query() != self.model.query or not self.select_task(task_id):
                self.refresh()
            elif already:
                self._task_selected(force=True)  # reload its schemes, then select the one asked for

    def _changed(self, kinds) -> None:
        if not alive(self):
            return
        if {"task", "sample", "result", "risk"} & set(kinds or ()):
            self.refresh()

    def _tab_changed(self, index: int) -> None:
        settings().setValue("tasks/tab", index)
        if self.tabs.widget(index) is self.catalog:
            self.catalog.refresh()

    def _load_failed(self, exc: BaseException) -> None:
        if alive(self):
            widgets.show_error(self, exc)

    def _show_tasks(self, _total: int = 0) -> None:
        """The model (re)loaded: keep the task shown selected, or the one asked for, else the first."""
        if not alive(self):
            return
        keep = self._wanted_task if self._wanted_task is not None else self._task_id
        self._selecting = True
        try:
            if keep is None or not self.select_task(keep):
                self.table.clearSelection()
                if self.model.total:
                    self.table.selectRow(0)
        finally:
            self._selecting = False
        self._wanted_task = None
        self.loaded += 1
        self._task_selected(force=True)

    def task_query(self) -> TaskQuery:
        return TaskQuery(text=self.filter.text().strip(), include_closed=self.show_closed.isChecked())

    def _filter_changed(self, *_args) -> None:
        settings().setValue("tasks/filter", self.filter.text())
        settings().setValue("tasks/show_closed", self.show_closed.isChecked())
        self._debounce.start()

    def _apply_filter(self) -> None:
        query = self.task_query()
        if self.model.started and query != self.model.query:
            self.model.set_query(query)

    # -- selection
    def current_row(self) -> TaskRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def current_task_id(self) -> int | None:
        row = self.current_row()
        return row.id if row else None

    def current_task(self) -> task_service.TaskInfo | None:
        row = self.current_row()
        return row.info() if row else None

    def current_scheme(self) -> task_service.SchemeInfo | None:
        ident = selected_id(self.scheme_table)
        return next((s for s in self.schemes if s.id == ident), None)

    def select_task(self, task_id: int) -> bool:
        """Select a task of the rows read so far (False when it is not among them)."""
        r = self.model.row_of(task_id)
        if r is None:
            return False
        self.table.selectRow(r)
        self.table.scrollTo(self.model.index(r, 0))
        return True

    def select_scheme(self, scheme_id: int) -> bool:
        return select_id(self.scheme_table, scheme_id)

    def _task_selected(self, force: bool = False) -> None:
        if self._selecting:
            return
        task = self.current_task()
        ident = task.id if task else None
        if not force and ident == self._task_id and ident is not None:
            self._update_buttons()
            return  # the same task again (a refreshed row): its schemes are shown already
        self._task_id = ident
        self._generation += 1
        generation = self._generation
        if task is None:
            self.schemes, self.proposals = [], []
            fill_table(self.scheme_table, [])
            fill_table(self.proposal_table, [])
            self.scheme_detail.clear()
            self._update_buttons()
            return
        self._update_buttons()
        run_op(_load_task_detail, self.ctx, task.id,
               on_done=lambda result: self._show_detail(generation, result), on_error=self._load_failed)

    def _show_detail(self, generation: int, result) -> None:
        if not alive(self) or generation != self._generation:
            return
        schemes, proposals, self.today = result
        keep = self._wanted_scheme if self._wanted_scheme is not None else selected_id(self.scheme_table)
        self._wanted_scheme = None
        # the newest version of each scheme first, its earlier versions under it
        schemes = sorted(schemes, key=lambda s: (self._root_of(schemes, s), -s.revision))
        self.schemes, self.proposals = schemes, proposals
        statuses = scheme_status_labels()
        rows = []
        for s in schemes:
            d = s.data
            status = statuses.get(s.status, s.status)
            if s.in_force:
                status = self.tr("%1 (in force)").replace("%1", status)
            rows.append((s.id, [
                d.product, revision_text(s.revision), status, str(len(d.items)),
                str(sum(1 for i in d.items if i.important)), "、".join(x.code for x in d.standards),
                self.tr("%n missing", "", len(s.warnings)) if s.warnings else self.tr("All in catalog"),
            ]))
        fill_table(self.scheme_table, rows, keep)
        if selected_id(self.scheme_table) is None and self.scheme_table.rowCount():
            self.scheme_table.selectRow(0)
        for r, s in enumerate(schemes):
            if s.warnings:
                self.scheme_table.item(r, 6).setBackground(style.brush(style.PENDING))
            colour = {"confirmed": style.CONFIRMED, "returned": style.PROBLEM_ROW, "superseded": style.NEUTRAL}.get(s.status)
            if colour:
                self.scheme_table.item(r, 2).setBackground(style.brush(colour))
        prop_rows = []
        for p in proposals:
            prop_rows.append((p.id, [
                clock.local_text(p.proposed_at), p.label, p.notice, p.proposed_by,
                f"{p.model_name} {p.model_version}", p.note,
            ]))
        fill_table(self.proposal_table, prop_rows)
        for r, p in enumerate(proposals):
            bg, fg = style.LEVELS.get(p.color, style.LEVEL_UNKNOWN)
            cell = self.proposal_table.item(r, 1)
            cell.setBackground(style.brush(bg))
            cell.setForeground(style.brush(fg))
        self.details_loaded += 1
        self._scheme_selected()

    @staticmethod
    def _root_of(schemes: list[task_service.SchemeInfo], s: task_service.SchemeInfo) -> int:
        by_id = {x.id: x for x in schemes}
        while s.previous_id is not None and s.previous_id in by_id:
            s = by_id[s.previous_id]
        return s.id

    def _scheme_selected(self) -> None:
        scheme = self.current_scheme()
        self._update_buttons()
        if scheme is None:
            self.scheme_history.clear()
            self.scheme_detail.setHtml(
                "<p>" + self.tr("No scheme yet. A technician drafts the scheme; it passes the internal review and is "
                                "then confirmed by the authority that issued the task. Samples can be registered "
                                "once it is confirmed.")
                + "</p>" if self.current_task() else ""
            )
            return
        self.scheme_detail.setHtml(self._scheme_html(scheme))
        self.scheme_history.show_history(scheme.history)

    def _scheme_html(self, s: task_service.SchemeInfo) -> str:
        from html import escape

        roles = standard_role_labels()
        comment_label = escape(self.tr("Review comment"))
        important_label = escape(self.tr("important performance item"))
        items_label = escape(self.tr("Test items"))
        standards_label = escape(self.tr("Candidate standards"))
        parts = [f"<b>{escape(s.data.product)}</b> {escape(revision_text(s.revision))} — "
                 f"{escape(scheme_status_labels().get(s.status, s.status))}"]
        if s.authority_document:
            parts.append("<p>" + escape(self.tr("Confirmed by the issuing authority: %1, dated %2")
                                        .replace("%1", s.authority_document)
                                        .replace("%2", s.authority_date.isoformat() if s.authority_date else "—"))
                         + "</p>")
        if s.samples:
            parts.append("<p>" + escape(self.tr("Samples under this version: %1 (tested or testing: %2)")
                                        .replace("%1", str(s.samples)).replace("%2", str(s.tested_samples)))
                         + "</p>")
        if s.review_comment and s.status in ("returned", "reviewed"):
            parts.append(f"<p><b>{comment_label}：</b>{escape(s.review_comment)}</p>")
        for w in s.warnings:
            parts.append(f"<p style='color:{style.WARNING}'>⚠ {escape(w)}</p>")
        items = "".join(
            f"<li>{escape(i.name)}{' (' + escape(i.unit) + ')' if i.unit else ''}"
            f"{' — <b>' + important_label + '</b>' if i.important else ''}</li>"
            for i in s.data.items
        )
        parts.append(f"<p><b>{items_label}</b></p><ul>{items}</ul>")
        stds = "".join(f"<li>{escape(x.code)} — {escape(roles.get(x.role, x.role))}</li>" for x in s.data.standards)
        parts.append(f"<p><b>{standards_label}</b></p><ul>{stds or '<li>—</li>'}</ul>")
        return "".join(parts)

    def _update_buttons(self) -> None:
        task = self.current_task()
        scheme = self.current_scheme()
        allowed = self.task_permissions  # the task actions depend on the user alone
        self.new_task_button.setEnabled(self.can_edit_tasks())
        self.new_task_button.setToolTip(self.task_permissions.reason("create"))
        self.edit_task_button.setEnabled(task is not None and allowed.allowed("edit"))
        self.edit_task_button.setToolTip(allowed.reason("edit"))
        self.new_scheme_button.setEnabled(task is not None and allowed.allowed("draft_scheme"))
        self.new_scheme_button.setToolTip(allowed.reason("draft_scheme"))
        editable = scheme is not None and scheme.allowed("edit")
        self.edit_scheme_button.setEnabled(scheme is not None)
        self.edit_scheme_button.setText(self.tr("Edit scheme") if editable or scheme is None else self.tr("View scheme"))
        propose = self.risk_permissions.get_action("propose")
        self.propose_button.setEnabled(propose.allowed and task is not None)
        self.propose_button.setToolTip(self.tr("Grade the task's risk with the risk model (Ctrl+R)") if propose.allowed
                                       else propose.reason)
        what = {
            "submit": self.tr("Send the scheme to the internal review (a reviewer other than its drafter)."),
            "review": self.tr("Pass the internal review, signed with your password."),
            "return": self.tr("Send the scheme back to its drafter with what must be changed."),
            "confirm": self.tr("Record the issuing authority's confirmation: its document number, date and file."),
            "revise": self.tr("Draft a new version of the confirmed scheme; this one stays in force until the new one "
                              "is confirmed."),
        }
        for action, button in self.action_buttons.items():
            why = scheme.actions.get(action, "") if scheme is not None else self.tr("Select a scheme first.")
            button.setEnabled(scheme is not None and not why)
            button.setToolTip(what[action] if not why else why)  # a disabled action says why

    # -- actions
    def _open(self, dialog, after: Callable[[Any], None] | None = None):
        self.dialog = dialog
        if after is not None:
            dialog.accepted.connect(lambda: after(dialog))
        dialog.open()
        return dialog

    def new_task(self) -> TaskDialog | None:
        if not self.can_edit_tasks():
            return None
        return self._open(TaskDialog(self.ctx, None, self), self._task_saved)

    def edit_task(self) -> TaskDialog | None:
        task = self.current_task()
        if task is None or not self.can_edit_tasks():
            return None
        return self._open(TaskDialog(self.ctx, task, self), self._task_saved)

    def _task_saved(self, dialog: TaskDialog) -> None:
        if dialog.saved is not None:
            self._wanted_task = dialog.saved.id

    def new_scheme(self) -> SchemeDialog | None:
        task = self.current_task()
        if task is None or not self.task_permissions.allowed("draft_scheme"):
            return None
        return self._open(SchemeDialog(self.ctx, task, None, self), self._scheme_saved)

    def edit_scheme(self) -> SchemeDialog | None:
        task, scheme = self.current_task(), self.current_scheme()
        if task is None or scheme is None:
            return None
        read_only = not scheme.allowed("edit")
        return self._open(SchemeDialog(self.ctx, task, scheme, self, read_only=read_only), self._scheme_saved)

    def _scheme_saved(self, dialog) -> None:
        saved = getattr(dialog, "saved", None)
        if saved is not None:
            self._wanted_task = saved.task_id
            self._wanted_scheme = saved.id
            self.show_message(saved.message)

    def show_message(self, text: str) -> None:
        """What the last scheme action did beyond its status (e.g. which samples keep a version)."""
        self.scheme_message.setText(text)
        self.scheme_message.setVisible(bool(text))

    def confirm(self, title: str, text: str) -> bool:
        """Yes/no question (tests replace it)."""
        return widgets.confirm(self, title, text)

    def _transition(self, fn, scheme: task_service.SchemeInfo) -> None:
        def done(info: task_service.SchemeInfo) -> None:
            self._wanted_scheme = info.id
            bus.changed.emit({"task"})

        def failed(exc: BaseException) -> None:
            if alive(self):
                widgets.show_error(self, exc)
                if isinstance(exc, RiskmonError):
                    self.refresh()

        run_op(fn, self.ctx, scheme.id, scheme.version, on_done=done, on_error=failed)

    def submit_scheme(self) -> None:
        scheme = self.current_scheme()
        if scheme is None or not self.submit_button.isEnabled():
            return
        text = self.tr("Submit the scheme for %1 for review? It cannot be changed until a reviewer returns it.")
        if scheme.warnings:
            text += "\n\n" + "\n".join(scheme.warnings)
        if self.confirm(self.tr("Submit scheme"), text.replace("%1", scheme.data.product)):
            self._transition(task_service.submit_scheme, scheme)

    def review_scheme(self) -> ReviewDialog | None:
        scheme = self.current_scheme()
        if scheme is None or not self.review_button.isEnabled():
            return None
        return self._open(ReviewDialog(self.ctx, scheme, self, mode="review"), self._scheme_saved)

    def return_scheme(self) -> ReviewDialog | None:
        scheme = self.current_scheme()
        if scheme is None or not self.return_button.isEnabled():
            return None
        return self._open(ReviewDialog(self.ctx, scheme, self, mode="return"), self._scheme_saved)

    def confirm_scheme(self) -> ConfirmDialog | None:
        task, scheme = self.current_task(), self.current_scheme()
        if task is None or scheme is None or not self.confirm_button.isEnabled():
            return None
        return self._open(ConfirmDialog(self.ctx, task, scheme, self, today=self.today), self._scheme_saved)

    def revise_scheme(self) -> ReviseDialog | None:
        scheme = self.current_scheme()
        if scheme is None or not self.revise_button.isEnabled():
            return None
        return self._open(ReviseDialog(self.ctx, scheme, self), self._scheme_saved)

    def propose_risk(self) -> RiskProposalDialog | None:
        task = self.current_task()
        if task is None or not self.propose_button.isEnabled():
            return None
        return self._open(RiskProposalDialog(self.ctx, task, self))


# ----------------------------------------------------------------------------------- catalog
class CatalogPanel(QWidget):
    """标准库: every version of every standard, its items' requirements and methods; import."""

    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.standards: list[catalog_service.StandardInfo] = []
        self.loaded = 0
        self.imported: catalog_service.ImportSummary | None = None
        self.import_error: RiskmonError | None = None
        self.dialog = None
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.filter = QLineEdit(str(settings().value("catalog/filter", "") or ""))
        self.filter.setObjectName("catalog_filter")
        self.filter.setClearButtonEnabled(True)
        self.filter.setPlaceholderText(self.tr("Filter by code or title"))
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(250)
        self._timer.timeout.connect(self.refresh)
        self.filter.textChanged.connect(self._filter_changed)
        bar.addWidget(self.filter, 1)
        self.new_button = QPushButton(self.tr("New standard"))
        self.new_button.clicked.connect(self.new_standard)
        self.version_button = QPushButton(self.tr("New version"))
        self.version_button.setToolTip(self.tr("A new version of the selected standard, with its items copied"))
        self.version_button.clicked.connect(self.new_version)
        self.edit_button = QPushButton(self.tr("Edit"))
        self.edit_button.clicked.connect(self.edit_standard)
        self.delete_button = QPushButton(self.tr("Delete"))
        self.delete_button.clicked.connect(self.delete_standard)
        self.import_button = QPushButton(self.tr("Import…"))
        self.import_button.setObjectName("import_catalog")
        self.import_button.setToolTip(self.tr("Import standards from the Excel template or a CSV file (all or nothing)"))
        self.import_button.clicked.connect(lambda: self.import_catalog())
        self.template_button = QPushButton(self.tr("Excel template…"))
        self.template_button.clicked.connect(lambda: self.write_template())
        for b in (self.new_button, self.version_button, self.edit_button, self.delete_button, self.import_button,
                  self.template_button):
            bar.addWidget(b)
        layout.addLayout(bar)

        split = QSplitter(Qt.Orientation.Vertical)
        layout.addWidget(split, 1)
        self.table = make_table(
            [self.tr("Standard code"), self.tr("Title"), self.tr("Kind"), self.tr("Effective from"), self.tr("Abolished on"),
             self.tr("Status"), self.tr("Item count")],
            "catalog/standards", widths=[170, 380, 170, 95, 95, 80, 50],
        )
        self.table.itemSelectionChanged.connect(self._selected)
        self.table.doubleClicked.connect(lambda _i: self.edit_standard())
        split.addWidget(self.table)
        detail = QWidget()
        dl = QVBoxLayout(detail)
        dl.setContentsMargins(0, 0, 0, 0)
        self.versions = QLabel()
        self.versions.setObjectName("versions")
        self.versions.setWordWrap(True)
        dl.addWidget(self.versions)
        self.items = make_table(
            [self.tr("Test item"), self.tr("Clause"), self.tr("Requirement"), self.tr("Method")],
            "catalog/items", widths=[200, 70, 300, 200],
        )
        dl.addWidget(self.items, 1)
        split.addWidget(detail)
        restore_splitter(split, "catalog/vertical")
        # edit, import, delete: the permission model, as the catalog service decides it
        self.allowed = catalog_service.catalog_permissions(ctx)
        for button, action in ((self.new_button, "edit"), (self.import_button, "import")):
            button.setEnabled(self.allowed.allowed(action))
            if not self.allowed.allowed(action):
                button.setToolTip(self.allowed.reason(action))
        add_shortcut(self, "Ctrl+N", self.new_standard, self.tr("New standard"))
        add_shortcut(self, "Ctrl+E", self.edit_standard, self.tr("Edit the selected standard"))
        add_shortcut(self, "Ctrl+I", lambda: self.import_catalog(), self.tr("Import standards"))
        add_shortcut(self, "Ctrl+F", self.filter.setFocus, self.tr("Filter the standards"))
        self._selected()
        bus.changed.connect(self._changed)

    def _changed(self, kinds) -> None:
        if alive(self) and "catalog" in set(kinds or ()) and self.isVisible():
            self.refresh()

    def _filter_changed(self, text: str) -> None:
        settings().setValue("catalog/filter", text)
        self._timer.start()

    def refresh(self) -> None:
        run_op(catalog_service.list_standards, self.ctx, self.filter.text(), on_done=self._show,
               on_error=lambda exc: alive(self) and widgets.show_error(self, exc))

    def _show(self, standards: list[catalog_service.StandardInfo]) -> None:
        if not alive(self):
            return
        keep = selected_id(self.table)
        self.standards = standards
        kinds = kind_labels()
        rows = [
            (s.id, [s.code, s.title, kinds.get(s.kind, s.kind), date_text(s.effective), date_text(s.abolished),
                    effective_text(s), str(len(s.items))])
            for s in standards
        ]
        fill_table(self.table, rows, keep)
        self.loaded += 1
        self._selected()

    def current(self) -> catalog_service.StandardInfo | None:
        ident = selected_id(self.table)
        return next((s for s in self.standards if s.id == ident), None)

    def _selected(self) -> None:
        s = self.current()
        edit, delete = self.allowed.get_action("edit"), self.allowed.get_action("delete")
        self.edit_button.setEnabled(s is not None)
        self.edit_button.setText(self.tr("Edit") if edit.allowed else self.tr("View"))
        self.edit_button.setToolTip("" if edit.allowed else edit.reason)
        self.version_button.setEnabled(s is not None and edit.allowed)
        self.version_button.setToolTip(self.tr("A new version of the selected standard, with its items copied")
                                       if edit.allowed else edit.reason)
        self.delete_button.setEnabled(s is not None and delete.allowed)
        self.delete_button.setToolTip("" if delete.allowed else delete.reason)
        if s is None:
            self.versions.setText(self.tr("Select a standard to see its items."))
            fill_table(self.items, [])
            return
        others = [x for x in self.standards if x.base_code == s.base_code]
        lines = []
        for v in sorted(others, key=lambda x: (x.effective or x.code, x.code)):
            span = date_text(v.effective) + " – " + (date_text(v.abolished) or self.tr("current"))
            lines.append(("▶ " if v.id == s.id else "") + f"{v.code}（{span}）")
        self.versions.setText(self.tr("Versions of %1: ").replace("%1", s.base_code) + "；".join(lines))
        rows = []
        for n, i in enumerate(s.items):
            method = f"{i.method_code} {i.method_clause}".strip()
            requirement = "；".join(
                [requirement_text(i.requirement)] * bool(i.requirement)
                + [f"{grade}：{requirement_text(req)}" for grade, req in (i.grades or {}).items()])
            rows.append((n, [i.item, i.clause, requirement, method]))
        fill_table(self.items, rows)

    # -- editing
    def _open(self, dialog):
        self.dialog = dialog
        dialog.open()
        return dialog

    def new_standard(self) -> StandardDialog | None:
        if not self.allowed.allowed("edit"):
            return None
        return self._open(StandardDialog(self.ctx, None, self))

    def new_version(self) -> StandardDialog | None:
        s = self.current()
        if s is None or not self.allowed.allowed("edit"):
            return None
        return self._open(StandardDialog(self.ctx, None, self, template=s))

    def edit_standard(self) -> StandardDialog | None:
        s = self.current()
        if s is None:
            return None
        read_only = not self.allowed.allowed("edit")
        return self._open(StandardDialog(self.ctx, s, self, read_only=read_only))

    def confirm(self, title: str, text: str) -> bool:
        return widgets.confirm(self, title, text)

    def delete_standard(self) -> None:
        s = self.current()
        if s is None or not self.allowed.allowed("delete"):
            return
        if not self.confirm(self.tr("Delete standard"),
                            self.tr("Delete %1 from the catalog? Results already judged keep their basis.")
                            .replace("%1", s.code)):
            return
        run_op(catalog_service.delete_standard, self.ctx, s.id, s.version,
               on_done=lambda _r: bus.changed.emit({"catalog"}),
               on_error=lambda exc: alive(self) and widgets.show_error(self, exc))

    # -- files
    def ask_open_path(self) -> str:
        start = str(settings().value("catalog/last_dir", "") or "")
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Import standards"), start, self.tr("Catalog files (*.xlsx *.csv);;All files (*)")
        )
        return path

    def ask_save_path(self) -> str:
        start = str(settings().value("catalog/last_dir", "") or "")
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Save the Excel template"), str(Path(start) / self.tr("standards_catalog_template.xlsx")),
            self.tr("Excel workbook (*.xlsx)"),
        )
        return path

    def import_catalog(self, path: str | Path | None = None) -> None:
        """Read and import a file off the GUI thread, with progress and cancel; all or nothing."""
        if not self.allowed.allowed("import"):
            return
        path = path or self.ask_open_path()
        if not path:
            return
        settings().setValue("catalog/last_dir", str(Path(path).parent))
        self.imported = None
        self.import_error = None
        run_op(catalog_service.import_catalog_file, self.ctx, Path(path),
               progress_title=self.tr("Importing the standards catalog…"), parent=self,
               on_done=self._imported, on_error=self._import_failed)

    def _imported(self, summary: catalog_service.ImportSummary) -> None:
        self.imported = summary
        bus.changed.emit({"catalog"})
        if alive(self):
            self.refresh()
            self.show_message(
                self.tr("Import finished"),
                self.tr("Imported %1 standard version(s) with %2 item(s).")
                .replace("%1", str(summary.standards)).replace("%2", str(summary.items)),
            )

    def _import_failed(self, exc: BaseException) -> None:
        if not alive(self):
            return
        if isinstance(exc, RiskmonError):
            self.import_error = exc
            self.dialog = ProblemsDialog(self.tr("Import rejected"),
                                         self.tr("Nothing was imported. Fix every row listed below and import the "
                                                 "file again."), exc.message, self)
            self.dialog.open()
            return
        widgets.show_error(self, exc)

    def show_message(self, title: str, text: str) -> None:
        QMessageBox.information(self, title, text)

    def write_template(self, path: str | Path | None = None) -> None:
        path = path or self.ask_save_path()
        if not path:
            return
        settings().setValue("catalog/last_dir", str(Path(path).parent))
        run_op(catalog_service.write_catalog_template, Path(path),
               on_done=lambda p: alive(self) and self.show_message(
                   self.tr("Template saved"), self.tr("The Excel template was saved to %1.").replace("%1", str(p))),
               on_error=lambda exc: alive(self) and widgets.show_error(self, exc))


def kind_labels() -> dict[str, str]:
    return {
        "mandatory_national": QCoreApplication.translate("CatalogLabels", "Mandatory national (GB)"),
        "recommended_national": QCoreApplication.translate("CatalogLabels", "Recommended national (GB/T)"),
        "guidance_national": QCoreApplication.translate("CatalogLabels", "National guidance (GB/Z)"),
        "industry": QCoreApplication.translate("CatalogLabels", "Industry"),
        "local": QCoreApplication.translate("CatalogLabels", "Local"),
        "group": QCoreApplication.translate("CatalogLabels", "Group"),
        "enterprise": QCoreApplication.translate("CatalogLabels", "Enterprise"),
    }
