"""检验与判定: the results grid of one sample — for each item the basis and method chosen by Articles 16–17
with the rule trace, the requirement, the value and its judgement — expert panels for the items that
cannot be tested (Article 5), completion of initial monitoring (starts the Article 18 clock), the
report's compile → review → approve, amendments of approved results, the reporting date and major
hazards (Article 18 ¶3).

Typed values are kept per item as drafts until saved (switching items or a refresh never loses them);
a draft remembers the version of the result it was started on, so a result changed meanwhile on
another workstation is reported as a conflict, never overwritten.

The drafts and what each button may do live in a presenter without widgets
(``app.ui.presenters.testing``); the buttons render the services' ``allowed_actions`` and re-derive
no role or state rule.
"""

from __future__ import annotations

import datetime as dt
from html import escape

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QBrush, QFont, QKeySequence, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QCompleter,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app import clock
from app.errors import ConflictError, RiskmonError, ValidationError
from app.services import hazard, permissions, reports, testing, users
from app.services.context import Context
from app.ui import style
from app.ui.application import settings
from app.ui.dialogs.basis_dialog import BasisDialog
from app.ui.dialogs.bulk_entry import BulkEntryDialog
from app.ui.dialogs.hazard_dialog import HazardDialog
from app.ui.dialogs.panel_dialog import PanelDialog, PanelForm
from app.ui.dialogs.signing import ReportSignDialog, SignDialog, SignItem
from app.ui.dialogs.steps import DateDialog, NoteDialog, StepDialog
from app.ui.dialogs.unlock_key import ensure_key_unlocked
from app.ui.legend import Key, Legend
from app.ui.ops import bus, run_op
from app.ui.pages.worklist import WorkListView
from app.ui.presenters.testing import Draft, TestingPresenter  # noqa: F401 - Draft is also read as testing.Draft
from app.ui.widgets import FieldErrors, remember_columns, title_label

JUDGEMENT_COLOURS = {"pass": style.colour(style.PASS), "fail": style.colour(style.FAIL),
                     "undetermined": style.colour(style.CANCELLED)}
NO_BASIS_COLOUR = style.colour(style.NOTE)  # an item with no basis: an expert panel evaluates it
WARNING_COLOUR = style.colour(style.WARNING)  # an item with a warning of the rules
EDIT_FIELDS = ("value", "unit", "judgement", "reason", "amendment_reason")
COLUMNS = ("item", "requirement", "value", "unit", "judgement", "basis", "method", "rules")


def local_time(value: dt.datetime | None) -> str:
    """A stored timestamp on the lab's wall clock."""
    return clock.local_text(value)


class MessageBar(QFrame):
    """A message across the top of the page (errors, conflicts with a 重新载入 button, notices)."""

    STYLES = style.MESSAGE_BARS

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("message")
        row = QHBoxLayout(self)
        row.setContentsMargins(8, 4, 4, 4)
        self.label = QLabel()
        self.label.setObjectName("message_text")
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.reload_button = QPushButton(self.tr("Reload"))
        self.reload_button.setObjectName("reload")
        self.close_button = QPushButton("×")
        self.close_button.setFixedWidth(28)
        self.close_button.setFlat(True)
        self.close_button.setToolTip(self.tr("Close"))
        row.addWidget(self.label, 1)
        row.addWidget(self.reload_button)
        row.addWidget(self.close_button)
        self.close_button.clicked.connect(self.clear)
        self.kind = ""
        self.hide()

    def show_message(self, text: str, kind: str = "error", reload: bool = False) -> None:
        self.kind = kind
        self.setStyleSheet(self.STYLES.get(kind, ""))
        self.label.setText(text)
        self.reload_button.setVisible(reload)
        self.show()

    def clear(self) -> None:
        self.kind = ""
        self.label.clear()
        self.hide()

    def text(self) -> str:
        return self.label.text() if self.isVisible() or self.kind else ""


class TestingPage(QWidget):
    def __init__(self, ctx: Context, parent: QWidget | None = None, today: dt.date | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.today = today
        self.sample_id: int | None = None
        #: the sample shown, the drafts, the item in the editor and what each action may do
        self.presenter = TestingPresenter()
        self.dialog: QWidget | None = None  # the dialog now open (tests reach it here)
        self._filling = False
        self._select_after: int | None = None
        self._focus_value_after = False
        self._conflict_row: int | None = None  # the item whose save met a newer version
        self._select_item: str | None = None
        self._open_hazard = False
        self._navigation = 0  # counts explicit loads, so a slower picker search never replaces them
        self._build()
        self._build_actions()
        bus.changed.connect(self._changed)
        self._show_empty()

    # the presenter's state, under the names the page always had
    work = property(lambda self: self.presenter.work, lambda self, v: setattr(self.presenter, "work", v))
    drafts = property(lambda self: self.presenter.drafts, lambda self, v: setattr(self.presenter, "drafts", v))
    row_id = property(lambda self: self.presenter.row_id, lambda self, v: setattr(self.presenter, "row_id", v))
    loading = property(lambda self: self.presenter.loading, lambda self, v: setattr(self.presenter, "loading", v))
    _adopt_after = property(lambda self: self.presenter.adopt_after,
                            lambda self, v: setattr(self.presenter, "adopt_after", v))

    # ================================================================== building
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(title_label(self.tr("Testing and judgement")))
        top.addStretch(1)
        top.addWidget(QLabel(self.tr("Sample")))
        self.picker = QLineEdit()
        self.picker.setObjectName("picker")
        self.picker.setMinimumWidth(300)
        self.picker.setClearButtonEnabled(True)
        self.picker.setPlaceholderText(self.tr("Sample number or product, Enter to open"))
        self.picker.setStatusTip(self.tr("Type part of a sample number or product name; pick from the list."))
        self.picker.setText(str(settings().value("testing/last_sample", "") or ""))
        self.choices = QStandardItemModel(self)
        self.completer = QCompleter(self.choices, self)
        self.completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.completer.setCompletionRole(Qt.ItemDataRole.UserRole)
        self.completer.setMaxVisibleItems(12)
        self.picker.setCompleter(self.completer)
        self.open_button = QPushButton(self.tr("Open"))
        self.open_button.setObjectName("open")
        top.addWidget(self.picker)
        top.addWidget(self.open_button)
        self.list_button = QPushButton(self.tr("Work list"))
        self.list_button.setObjectName("worklist_button")
        self.list_button.setToolTip(self.tr("Back to the samples waiting for work (Esc)"))
        self.list_button.clicked.connect(self.show_worklist)
        top.addWidget(self.list_button)
        self.bulk_button = QPushButton(self.tr("Bulk entry…"))
        self.bulk_button.setObjectName("bulk_entry")
        bulk = permissions.bench_actions(self.ctx.user).get_action("bulk_entry")
        self.bulk_button.setEnabled(bulk.allowed)
        self.bulk_button.setToolTip(self.tr("Enter one test item for many samples of a task in a grid") if bulk.allowed
                                    else bulk.reason)
        self.bulk_button.clicked.connect(self.open_bulk_entry)
        top.addWidget(self.bulk_button)
        layout.addLayout(top)
        # the work list when no sample is open; the sample's detail below otherwise
        self.views = QStackedWidget()
        self.views.setObjectName("views")
        self.worklist = WorkListView(self.ctx)
        self.worklist.open_requested.connect(self._open_from_list)
        self.views.addWidget(self.worklist)
        self.detail = QWidget()
        self.detail.setObjectName("detail")
        self.views.addWidget(self.detail)
        layout.addWidget(self.views, 1)
        layout = QVBoxLayout(self.detail)
        layout.setContentsMargins(0, 0, 0, 0)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(200)
        self._search_timer.timeout.connect(self._search)
        self.picker.textEdited.connect(lambda _t: self._search_timer.start())
        self.picker.returnPressed.connect(self.open_typed)
        self.open_button.clicked.connect(self.open_typed)
        self.completer.activated[str].connect(self.open_number)

        self.header = QLabel()
        self.header.setObjectName("header")
        self.header.setWordWrap(True)
        self.header.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.header)
        status_row = QHBoxLayout()
        self.clock = QLabel()
        self.clock.setObjectName("clock")
        self.clock.setWordWrap(True)
        self.hazard = QLabel()
        self.hazard.setObjectName("hazard")
        self.hazard.setWordWrap(True)
        status_row.addWidget(self.clock, 3)
        status_row.addWidget(self.hazard, 2)
        layout.addLayout(status_row)
        self.warnings = QLabel()
        self.warnings.setObjectName("warnings")
        self.warnings.setWordWrap(True)
        self.warnings.setStyleSheet(style.NOTE_BOX)
        layout.addWidget(self.warnings)
        self.message = MessageBar()
        self.message.reload_button.clicked.connect(self.reload_after_conflict)
        layout.addWidget(self.message)

        # the steps of the work, each enabled only when the sample's status and the user's roles allow it
        steps = QHBoxLayout()
        self.start_button = self._button("start", self.tr("Start testing…"), steps)
        self.complete_button = self._button("complete", self.tr("Initial monitoring complete…"), steps)
        self.reopen_button = self._button("reopen", self.tr("Back to testing…"), steps)
        self.compile_button = self._button("compile", self.tr("Compile report"), steps)
        self.review_button = self._button("review", self.tr("Review…"), steps)
        self.approve_button = self._button("approve", self.tr("Approve…"), steps)
        self.reported_button = self._button("reported", self.tr("Reported to regulator…"), steps)
        steps.addStretch(1)
        self.hazard_button = self._button("major_hazard", self.tr("⚠ Report major hazard…"), steps)
        self.hazard_button.setStyleSheet(style.HAZARD_BUTTON_DIMMABLE)
        layout.addLayout(steps)
        self.start_button.clicked.connect(self.start_testing)
        self.complete_button.clicked.connect(self.complete)
        self.reopen_button.clicked.connect(self.reopen)
        self.compile_button.clicked.connect(self.compile_report)
        self.review_button.clicked.connect(self.review)
        self.approve_button.clicked.connect(self.approve)
        self.reported_button.clicked.connect(self.mark_reported)
        self.hazard_button.clicked.connect(self.major_hazard)

        split = QSplitter(Qt.Orientation.Horizontal)
        left = QSplitter(Qt.Orientation.Vertical)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("results")
        self.table.setHorizontalHeaderLabels(
            [self.tr("Item"), self.tr("Requirement"), self.tr("Value"), self.tr("Unit"), self.tr("Judgement"),
             self.tr("Basis"), self.tr("Method"), self.tr("Rules")]
        )
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        # Long texts (the standard and clause, the method, a text requirement) wrap inside their cell
        # and the row grows to show them: nothing of a basis is cut off at 1280 wide. The basis and
        # the method share whatever width is left; the short columns keep the widths people give them.
        self.table.setWordWrap(True)
        self.table.setTextElideMode(Qt.TextElideMode.ElideNone)
        rows = self.table.verticalHeader()
        rows.setMinimumSectionSize(rows.defaultSectionSize())  # a one-line row as high as before
        rows.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for c, width in enumerate((110, 105, 75, 55, 60, 170, 150, 100)):
            self.table.setColumnWidth(c, width)
        for c in (COLUMNS.index("basis"), COLUMNS.index("method")):
            header.setSectionResizeMode(c, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)
        remember_columns(header, "testing/results")
        self.table.currentCellChanged.connect(lambda row, *_: self._row_changed(row))
        results = QWidget()
        rv = QVBoxLayout(results)
        rv.setContentsMargins(0, 0, 0, 0)
        rv.addWidget(self.table, 1)
        self.legend = Legend(self.legend_keys())
        rv.addWidget(self.legend)
        left.addWidget(results)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("tabs")
        report_tab = QWidget()
        form = QFormLayout(report_tab)
        self.report_fields: dict[str, QLabel] = {}
        for key, label in (
            ("number", self.tr("Report no.")),
            ("status", self.tr("Status")),
            ("compiled", self.tr("Compiled by")),
            ("reviewed", self.tr("Reviewed by")),
            ("approved", self.tr("Approved by")),
            ("replaces", self.tr("Replaces")),
            ("returned", self.tr("Returned with")),
        ):
            value = QLabel()
            value.setObjectName(f"report_{key}")
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            form.addRow(label, value)
            self.report_fields[key] = value
        self.report_fields["returned"].setStyleSheet(style.ERROR_TEXT)
        self.tabs.addTab(report_tab, self.tr("Report"))
        self.history = QTableWidget(0, 7)
        self.history.setObjectName("history")
        self.history.setHorizontalHeaderLabels(
            [self.tr("When"), self.tr("Item"), self.tr("Original"), self.tr("Amended"), self.tr("Amendment reason"),
             self.tr("By"), self.tr("Authorisation")]
        )
        self.history.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.history.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.history.itemSelectionChanged.connect(self._update_actions)
        self.history.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.history.verticalHeader().setVisible(False)
        self.history.horizontalHeader().setStretchLastSection(True)
        for c, width in enumerate((125, 90, 150, 150, 160)):
            self.history.setColumnWidth(c, width)
        remember_columns(self.history.horizontalHeader(), "testing/history")
        history_tab = QWidget()
        hv = QVBoxLayout(history_tab)
        hv.setContentsMargins(0, 0, 0, 0)
        hv.addWidget(self.history, 1)
        decide = QHBoxLayout()
        self.approve_amendment_button = QPushButton(self.tr("Approve amendment…"))
        self.approve_amendment_button.setObjectName("approve_amendment")
        self.approve_amendment_button.setToolTip(
            self.tr("An authorised signatory other than the amender approves the amendment with their password"))
        self.approve_amendment_button.clicked.connect(lambda: self.decide_amendment(True))
        self.refuse_amendment_button = QPushButton(self.tr("Refuse amendment…"))
        self.refuse_amendment_button.setObjectName("refuse_amendment")
        self.refuse_amendment_button.clicked.connect(lambda: self.decide_amendment(False))
        decide.addWidget(self.approve_amendment_button)
        decide.addWidget(self.refuse_amendment_button)
        decide.addStretch(1)
        hv.addLayout(decide)
        self.tabs.addTab(history_tab, self.tr("Amendment history"))
        left.addWidget(self.tabs)
        left.setStretchFactor(0, 3)
        left.setStretchFactor(1, 1)
        split.addWidget(left)
        split.addWidget(self._build_editor())
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setSizes([770, 360])
        layout.addWidget(split, 1)

    def _button(self, name: str, text: str, row: QHBoxLayout) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        row.addWidget(button)
        return button

    def _build_editor(self) -> QWidget:
        box = QGroupBox(self.tr("Selected item"))
        box.setObjectName("editor")
        layout = QVBoxLayout(box)
        self.item_title = QLabel()
        self.item_title.setObjectName("item_title")
        self.item_title.setStyleSheet(style.SECTION_TITLE)
        self.item_title.setWordWrap(True)
        layout.addWidget(self.item_title)
        info = QFormLayout()
        self.requirement_label = QLabel()
        self.basis_label = QLabel()
        self.method_label = QLabel()
        for w, name in ((self.requirement_label, "requirement"), (self.basis_label, "basis"),
                        (self.method_label, "method")):
            w.setObjectName(name)
            w.setWordWrap(True)
            w.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        info.addRow(self.tr("Requirement"), self.requirement_label)
        info.addRow(self.tr("Basis"), self.basis_label)
        info.addRow(self.tr("Method"), self.method_label)
        layout.addLayout(info)
        why_row = QHBoxLayout()
        why = QLabel(self.tr("Why this basis"))
        why.setStyleSheet(style.BOLD)
        why_row.addWidget(why)
        why_row.addStretch(1)
        self.candidates_button = QPushButton(self.tr("All candidates…"))
        self.candidates_button.setObjectName("candidates")
        self.candidates_button.setToolTip(
            self.tr("Every standard and stated quality considered for this item, whether chosen, replaced or "
                    "rejected, and why (Articles 16–17)"))
        self.candidates_button.clicked.connect(self.show_candidates)
        why_row.addWidget(self.candidates_button)
        layout.addLayout(why_row)
        self.explanation = QLabel()
        self.explanation.setObjectName("explanation")
        self.explanation.setWordWrap(True)
        self.explanation.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.explanation)
        self.item_warnings = QLabel()
        self.item_warnings.setObjectName("item_warnings")
        self.item_warnings.setWordWrap(True)
        self.item_warnings.setStyleSheet(style.NOTE_BOX)
        layout.addWidget(self.item_warnings)
        self.panel_summary = QLabel()
        self.panel_summary.setObjectName("panel_summary")
        self.panel_summary.setWordWrap(True)
        layout.addWidget(self.panel_summary)

        entry = QFormLayout()
        self.value = QLineEdit()
        self.value.setObjectName("value")
        self.value.setStatusTip(self.tr("The result as reported; Enter saves and moves to the next item."))
        self.unit = QLineEdit()
        self.unit.setObjectName("unit")
        self.unit.setMaximumWidth(120)
        value_row = QHBoxLayout()
        value_row.addWidget(self.value, 1)
        value_row.addWidget(QLabel(self.tr("Unit")))
        value_row.addWidget(self.unit)
        entry.addRow(self.tr("Value"), value_row)
        self.auto_judgement = QLabel()
        self.auto_judgement.setObjectName("auto_judgement")
        self.judgement = QComboBox()
        self.judgement.setObjectName("judgement")
        for text, key in ((self.tr("— choose —"), ""), (self.tr("Pass"), "pass"), (self.tr("Fail"), "fail"),
                          (self.tr("Not judged"), "undetermined")):
            self.judgement.addItem(text, key)
        judgement_row = QHBoxLayout()
        judgement_row.addWidget(self.auto_judgement)
        judgement_row.addWidget(self.judgement, 1)
        entry.addRow(self.tr("Judgement"), judgement_row)
        self.reason = QLineEdit()
        self.reason.setObjectName("reason")
        self.reason.setPlaceholderText(self.tr("Why: required for a text requirement"))
        entry.addRow(self.tr("Judgement reason"), self.reason)
        self.amendment_reason = QLineEdit()
        self.amendment_reason.setObjectName("amendment_reason")
        self.amendment_reason.setPlaceholderText(self.tr("Why the approved result is amended"))
        self.amendment_label = QLabel(self.tr("Amendment reason"))
        entry.addRow(self.amendment_label, self.amendment_reason)
        layout.addLayout(entry)
        self.edit_error = QLabel()
        self.edit_error.setObjectName("edit_error")
        layout.addWidget(self.edit_error)
        self.field_errors = FieldErrors(
            {"value": self.value, "unit": self.unit, "judgement": self.judgement, "reason": self.reason,
             "amendment_reason": self.amendment_reason},
            self.edit_error,
        )
        buttons = QHBoxLayout()
        self.save_button = QPushButton(self.tr("Save result"))
        self.save_button.setObjectName("save")
        self.discard_button = QPushButton(self.tr("Discard changes"))
        self.discard_button.setObjectName("discard")
        self.panel_button = QPushButton(self.tr("Expert panel…"))
        self.panel_button.setObjectName("panel")
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.discard_button)
        buttons.addStretch(1)
        buttons.addWidget(self.panel_button)
        layout.addLayout(buttons)
        layout.addStretch(1)
        self.save_button.clicked.connect(lambda: self.save())
        self.discard_button.clicked.connect(self.discard)
        self.panel_button.clicked.connect(self.open_panel)
        for w in (self.value, self.unit, self.reason, self.amendment_reason):
            w.textEdited.connect(lambda _t: self._edited())
            w.returnPressed.connect(lambda: self.save(next_item=True))
        self.judgement.currentIndexChanged.connect(lambda _i: self._edited())
        self.setTabOrder(self.value, self.unit)
        self.setTabOrder(self.unit, self.judgement)
        self.setTabOrder(self.judgement, self.reason)
        self.setTabOrder(self.reason, self.amendment_reason)
        self.setTabOrder(self.amendment_reason, self.save_button)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(box)
        scroll.setMinimumWidth(330)
        return scroll

    def _build_actions(self) -> None:
        def action(text: str, shortcut: str | QKeySequence, slot, tip: str = "") -> QAction:
            a = QAction(text, self)
            a.setShortcut(QKeySequence(shortcut))
            a.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            a.setStatusTip(tip)
            a.triggered.connect(slot)
            self.addAction(a)
            return a

        action(self.tr("Find sample"), "Ctrl+L", self._focus_picker, self.tr("Go to the sample picker"))
        action(self.tr("Work list"), "Esc", self._escape, self.tr("Back to the samples waiting for work"))
        action(self.tr("Save result"), QKeySequence.StandardKey.Save, lambda: self.save())
        action(self.tr("Next item"), "Alt+Down", lambda: self._move(1))
        action(self.tr("Previous item"), "Alt+Up", lambda: self._move(-1))
        action(self.tr("Start testing"), "Ctrl+T", self.start_testing)
        action(self.tr("Expert panel"), "Ctrl+E", self.open_panel)
        action(self.tr("Report major hazard"), "Ctrl+Shift+H", self.major_hazard)
        self.start_button.setToolTip(self.tr("Choose the basis of every item (Articles 16–17) and start testing (Ctrl+T)"))
        self.panel_button.setToolTip(self.tr("Record the expert panel evaluation of an item that cannot be tested (Ctrl+E)"))
        self.save_button.setToolTip(self.tr("Save the result of this item (Ctrl+S; Enter saves and goes to the next item)"))

    # ================================================================== loading
    def refresh(self) -> None:
        if self.sample_id is not None and self.views.currentWidget() is self.detail:
            self.load(self.sample_id)
        else:  # the page opens on the work list (the picker keeps the sample worked on last time)
            self.worklist.refresh()

    def show_worklist(self) -> None:
        """Back to the samples waiting for work (the sample shown stays in the picker)."""
        self.views.setCurrentWidget(self.worklist)
        self.worklist.refresh()
        self.worklist.table.setFocus()

    def open_bulk_entry(self) -> QWidget | None:
        """批量录入 of one item across the samples of a task (app.ui.dialogs.bulk_entry)."""
        if not self.bulk_button.isEnabled():
            return None

        self.bulk_dialog = BulkEntryDialog(self.ctx, self)
        self.bulk_dialog.open()
        return self.bulk_dialog

    def _open_from_list(self, sample_id: int) -> None:
        self._navigation += 1
        self.load(sample_id)

    def open(self, sample_id: int | None = None, number: str | None = None, item: str | None = None, **_kw) -> None:
        """Show one sample (from another page: ``window().go("testing", sample_id=5)``)."""
        if item is not None:
            self._select_item = item
        self._open_hazard = bool(_kw.get("hazard"))  # from the dashboard: the hazard dialog once shown
        if sample_id is not None:
            self.load(sample_id)
        elif number:
            self.open_number(number)

    def load(self, sample_id: int) -> None:
        self._navigation += 1
        if sample_id != self.sample_id:
            self.drafts.clear()
            self.row_id = None
            self.message.clear()
        self.sample_id = sample_id
        self.loading = True
        self.views.setCurrentWidget(self.detail)
        run_op(reports.sample_work, self.ctx, sample_id, today=self.today, on_done=self._show,
               on_error=self._load_failed)

    def _load_failed(self, exc: BaseException) -> None:
        self.loading = False
        self.report_error(exc)

    def _changed(self, kinds) -> None:
        if (self.sample_id is not None and self.views.currentWidget() is self.detail
                and set(kinds) & {"sample", "result", "report", "panel", "catalog"}):
            self.load(self.sample_id)

    def _escape(self) -> None:
        if self.picker.hasFocus() and self.completer.popup().isVisible():
            return
        if self.views.currentWidget() is self.detail:
            self.show_worklist()

    def _focus_picker(self) -> None:
        self.picker.setFocus()
        self.picker.selectAll()

    def _search(self) -> None:
        text = self.picker.text().strip()
        run_op(testing.find_samples, self.ctx, text, limit=20, on_done=self._fill_choices,
               on_error=lambda _exc: None)

    def _fill_choices(self, choices: list[testing.SampleChoice]) -> None:
        self.choices.clear()
        for c in choices:
            item = QStandardItem(f"{c.number}   {c.product_name} · {self.status_label(c.status)}")
            item.setData(c.number, Qt.ItemDataRole.UserRole)
            item.setData(c.id, Qt.ItemDataRole.UserRole + 1)
            self.choices.appendRow(item)
        if choices and self.picker.hasFocus():
            self.completer.complete()

    def open_typed(self) -> None:
        text = self.picker.text().strip()
        if text:
            self.open_number(text)

    def open_number(self, text: str, quiet: bool = False) -> None:
        """Open the sample with this number, or the only one that matches."""
        text = text.strip()
        navigation = self._navigation

        def done(choices: list[testing.SampleChoice]) -> None:
            if navigation != self._navigation:
                return  # another sample was opened meanwhile (e.g. from another page): it wins
            exact = [c for c in choices if c.number == text]
            if exact or len(choices) == 1:
                chosen = (exact or choices)[0]
                self.picker.setText(chosen.number)
                settings().setValue("testing/last_sample", chosen.number)
                self.load(chosen.id)
            elif quiet:
                return
            elif not choices:
                self.message.show_message(self.tr("No sample matches “%1”.").replace("%1", text), "info")
            else:
                self._fill_choices(choices)
                self.completer.complete()
                self.message.show_message(self.tr("Several samples match: pick one from the list."), "info")

        run_op(testing.find_samples, self.ctx, text, limit=20, on_done=done, on_error=self.report_error)

    # ================================================================== showing
    def _show_empty(self) -> None:
        self.views.setCurrentWidget(self.worklist)
        self.header.setText(self.tr("Open a sample by its number to enter results."))
        self.clock.clear()
        self.clock.setStyleSheet("")
        self.hazard.clear()
        self.hazard.setStyleSheet("")
        self.warnings.hide()
        self.table.setRowCount(0)
        self._fill_editor(None)
        self._update_actions()

    def _show(self, work: reports.SampleWork) -> None:
        self.loading = False
        if work.sample_id != self.sample_id:
            return  # an answer for a sample no longer shown
        self.presenter.show(work)  # drafts of items that are gone are dropped
        grid = work.grid
        if self.picker.text().strip() != grid.sample_number and not self.picker.isModified():  # not while typing
            self.picker.setText(grid.sample_number)
        settings().setValue("testing/last_sample", grid.sample_number)
        place = self.place_label(work.place_type)
        task = self.tr("Task %1").replace("%1", work.task_number)
        status = self.status_label(grid.status)
        if work.state_note:  # an issued report amended, its replacement, an amendment awaiting a signatory
            status = f"{status}（{escape(work.state_note)}）"
        elif work.has_approved_report and grid.status == "completed":
            status = self.tr("Amended: the replacement report is to be compiled")
        parties = self.tr("Parties: %1").replace("%1", "、".join(work.parties) or "—")
        self.header.setText(
            f"<b>{escape(grid.sample_number)}</b> · {escape(grid.product_name)} · {escape(task)} · {place} · "
            f"<b>{status}</b><br>{style.span(escape(parties), style.MUTED)}"
        )
        self._show_clock(work)
        self._show_hazard(work)
        if grid.warnings:
            self.warnings.setText(self.tr("Basis selection warnings:") + "\n" + "\n".join(f"• {w}" for w in grid.warnings))
            self.warnings.show()
        else:
            self.warnings.hide()
        rows = {r.id: r for r in grid.rows}
        self._fill_table(grid)
        self._show_report(work)
        self._show_history(work)
        wanted = self._select_item
        target = self._select_after if self._select_after in rows else self.row_id
        if wanted:
            target = next((r.id for r in grid.rows if r.item == wanted), target)
            self._select_item = None
        self._select_after = None
        ids = [r.id for r in grid.rows]
        index = ids.index(target) if target in ids else (0 if ids else -1)
        self.table.blockSignals(True)
        if index >= 0:
            self.table.setCurrentCell(index, 0)
        self.table.blockSignals(False)
        self._fill_editor(grid.rows[index] if index >= 0 else None)
        if self._focus_value_after and self.value.isEnabled():
            self.value.setFocus()
            self.value.selectAll()
        self._focus_value_after = False
        self._update_actions()
        if self._open_hazard:
            self._open_hazard = False
            self.major_hazard()

    def _show_clock(self, work: reports.SampleWork) -> None:
        c = work.clock
        if c is None:
            self.clock.setText(self.tr("The five-working-day reporting clock starts when initial monitoring is complete."))
            self.clock.setStyleSheet(style.MUTED_TEXT)
            self.clock.setToolTip("")
            return
        deadline = c.deadline.isoformat() + (self.tr(" (provisional)") if c.provisional else "")
        if c.state == "reported":
            timing = self.tr("on time") if c.on_time else self.tr("late")
            text = (self.tr("Completed %1 · deadline %2 · reported to the regulator %3 (%4)")
                    .replace("%1", c.completed.isoformat()).replace("%2", deadline)
                    .replace("%3", c.reported.isoformat() if c.reported else "").replace("%4", timing))
        else:
            if c.days_left < 0:
                left = self.tr("%n working day(s) late", "", -c.days_left)
            elif c.days_left == 0:
                left = self.tr("due today")
            else:
                left = self.tr("%n working day(s) left", "", c.days_left)
            text = (self.tr("Completed %1 · report to the regulator by %2 · %3")
                    .replace("%1", c.completed.isoformat()).replace("%2", deadline).replace("%3", left))
        self.clock.setText(text)
        self.clock.setStyleSheet(style.tinted(style.DEADLINE_LIGHTS.get(c.state, style.NEUTRAL)))
        self.clock.setToolTip(
            self.tr("No official holiday notice for that year yet: the deadline assumes the statutory holidays.")
            if c.provisional else self.tr("Article 18: report within five working days of completing initial monitoring.")
        )

    def _show_hazard(self, work: reports.SampleWork) -> None:
        if not work.major_hazard:
            self.hazard.clear()
            self.hazard.setStyleSheet("")
            return
        if work.hazard_summary:  # what was sent, to whom, how, and the receipt (from the record)
            self.hazard.setText("⚠ " + work.hazard_summary)
        else:
            when = local_time(work.major_hazard_reported_at)
            if when:
                text = self.tr("Major hazard reported %1: %2").replace("%1", when)
            else:
                text = self.tr("Major hazard flagged, not reported yet: %2")
            self.hazard.setText("⚠ " + text.replace("%2", work.major_hazard_note))
        self.hazard.setStyleSheet(style.HAZARD_BANNER)

    def legend_keys(self) -> list[Key]:
        """What the marks and colours of :meth:`_fill_table` mean, for the legend under the results."""
        return [
            Key(self.tr("Important performance item"), mark="★"),
            *(Key(self.judgement_label(j), background=JUDGEMENT_COLOURS[j].name()) for j in JUDGEMENT_COLOURS),
            Key(self.tr("No basis: an expert panel evaluates it"), background=NO_BASIS_COLOUR.name()),
            Key(self.tr("Item with a warning"), foreground=WARNING_COLOUR.name(), mark="■"),
            Key(self.tr("Typed, not saved yet"), mark="✎"),
        ]

    def _fill_table(self, grid: testing.ResultsGrid) -> None:
        bold = QFont(self.table.font())
        bold.setBold(True)
        self.table.setRowCount(len(grid.rows))
        for r, row in enumerate(grid.rows):
            draft = self.drafts.get(row.id)
            item_text = ("★ " if row.important else "") + row.item + ("  ✎" if draft else "")
            basis = row.basis_text if row.basis is not None else self.tr("No basis (expert panel evaluation needed)")
            values = [
                item_text,
                row.requirement_text,
                row.value_text,
                row.unit,
                self.judgement_label(row.judgement),
                basis,
                row.method_text,
                row.trace_text,
            ]
            head = "\n".join(x for x in (basis, row.method_text) if x)
            tip = "\n\n".join(x for x in (head, row.explanation, "\n".join(f"⚠ {w}" for w in row.warnings)) if x)
            for c, value in enumerate(values):
                cell = QTableWidgetItem(value)
                cell.setData(Qt.ItemDataRole.UserRole, row.id)
                if c in (0, 5, 6, 7):
                    cell.setToolTip(tip)
                if c == 4 and row.judgement:
                    cell.setBackground(QBrush(JUDGEMENT_COLOURS.get(row.judgement, style.colour(style.WHITE))))
                    cell.setData(Qt.ItemDataRole.UserRole + 1, row.judgement)
                if c == 5 and row.basis is None:
                    cell.setBackground(QBrush(NO_BASIS_COLOUR))
                if c == 0 and row.warnings:
                    cell.setForeground(QBrush(WARNING_COLOUR))
                if c == 0 and draft:
                    cell.setFont(bold)
                self.table.setItem(r, c, cell)

    def _show_report(self, work: reports.SampleWork) -> None:
        r = work.report
        f = self.report_fields
        if r is None:
            for label in f.values():
                label.clear()
            f["status"].setText(self.tr("No report yet"))
            return

        def signed(name: str, when: dt.datetime | None) -> str:
            return f"{name}  {local_time(when)}" if name else "—"

        f["number"].setText(r.number)
        f["status"].setText(self.report_status_label(r.status) + (f"（{r.state_note}）" if r.state_note else ""))
        f["compiled"].setText(signed(r.compiled_by, r.compiled_at))
        f["reviewed"].setText(signed(r.reviewed_by, r.reviewed_at))
        f["approved"].setText(signed(r.approved_by, r.approved_at))
        replaces = r.replaces_number
        if replaces and r.amendment_reason:
            replaces += f"（{r.amendment_reason}）"
        f["replaces"].setText(replaces or "—")
        f["returned"].setText(work.return_comment or "")

    def _show_history(self, work: reports.SampleWork) -> None:
        self.history.setRowCount(len(work.amendments))

        def snap(d: dict) -> str:
            value = " ".join(x for x in (d.get("value_text") or "", d.get("unit") or "") if x)
            j = self.judgement_label(d.get("judgement"))
            return f"{value} · {j}" if j else value

        for r, a in enumerate(work.amendments):
            for c, value in enumerate((local_time(a.amended_at), a.item, snap(a.original), snap(a.amended), a.reason,
                                       a.amended_by, self.amendment_state(a))):
                cell = QTableWidgetItem(value)
                cell.setToolTip(value)
                self.history.setItem(r, c, cell)
        self.tabs.setTabText(1, self.tr("Amendment history (%n)", "", len(work.amendments)))

    # ================================================================== the editor
    def current_row(self) -> testing.ResultRow | None:
        return self.presenter.current_row()

    def select_item(self, item: str) -> None:
        """Put an item in the editor (by name)."""
        if self.work is None:
            return
        for index, row in enumerate(self.work.grid.rows):
            if row.item == item:
                self.table.setCurrentCell(index, 0)
                return

    def _row_changed(self, index: int) -> None:
        if self.work is None or not (0 <= index < len(self.work.grid.rows)):
            return
        row = self.work.grid.rows[index]
        if row.id != self.row_id:
            self._fill_editor(row)
            self._update_actions()

    def _move(self, step: int) -> None:
        if self.work is None or not self.work.grid.rows:
            return
        index = max(0, min(len(self.work.grid.rows) - 1, self.table.currentRow() + step))
        self.table.setCurrentCell(index, 0)
        self.value.setFocus()
        self.value.selectAll()

    def amend_mode(self) -> bool:
        return self.presenter.amend_mode()

    def _fill_editor(self, row: testing.ResultRow | None) -> None:
        self._filling = True
        self.field_errors.clear()
        self.row_id = row.id if row else None
        self.candidates_button.setEnabled(row is not None)
        if row is None:
            self.item_title.setText(self.tr("No item selected"))
            for w in (self.requirement_label, self.basis_label, self.method_label, self.explanation,
                      self.panel_summary, self.auto_judgement):
                w.clear()
            self.item_warnings.hide()
            for w in (self.value, self.unit, self.reason, self.amendment_reason):
                w.clear()
            self.judgement.setCurrentIndex(0)
            self._filling = False
            return
        self.item_title.setText(("★ " if row.important else "") + row.item
                                + (self.tr(" (important performance item)") if row.important else ""))
        self.requirement_label.setText(row.requirement_text or "—")
        self.basis_label.setText(
            row.basis_text if row.basis is not None else self.tr("No basis (expert panel evaluation needed)"))
        self.method_label.setText(row.method_text or "—")
        self.explanation.setText(row.explanation or "—")
        if row.warnings:
            self.item_warnings.setText("\n".join(f"⚠ {w}" for w in row.warnings))
            self.item_warnings.show()
        else:
            self.item_warnings.hide()
        panel = self._panel_for(row)
        if panel is not None:
            names = "、".join(f"{m.name}（{m.affiliation}）" if m.affiliation else m.name for m in panel.members)
            text = self.tr("Expert panel: %1\nConclusion: %2").replace("%1", names).replace("%2", panel.conclusion)
            if panel.justification:
                text += "\n" + self.tr("Fewer than three because: %1").replace("%1", panel.justification)
            self.panel_summary.setText(text)
        else:
            self.panel_summary.clear()
        draft = self.drafts.get(row.id)
        self.value.setText(draft.value if draft else row.value_text)
        self.unit.setText(draft.unit if draft else row.unit)
        judgement = draft.judgement if draft else (row.judgement or "")
        self.judgement.setCurrentIndex(max(0, self.judgement.findData(judgement if not row.numeric else "")))
        self.reason.setText(draft.reason if draft else row.judgement_reason)
        self.amendment_reason.setText(draft.amendment_reason if draft else "")
        numeric = row.numeric
        self.judgement.setVisible(not numeric)
        self.auto_judgement.setVisible(numeric)
        self.reason.setEnabled(not numeric)
        self._filling = False
        self._update_auto()

    def _panel_for(self, row: testing.ResultRow) -> testing.PanelInfo | None:
        if self.work is None:
            return None
        return next((p for p in self.work.panels if p.item == row.item), None)

    def _edited(self) -> None:
        if self._filling:
            return
        row = self.current_row()
        if row is None:
            return
        self.presenter.edit(row, value=self.value.text(), unit=self.unit.text(),
                            judgement=self.judgement.currentData() or "", reason=self.reason.text(),
                            amendment_reason=self.amendment_reason.text())
        self._mark_draft(row)
        self._update_auto()
        self._update_actions()

    def _mark_draft(self, row: testing.ResultRow) -> None:
        index = self.table.currentRow()
        cell = self.table.item(index, 0) if index >= 0 else None
        if cell is not None and "✎" not in cell.text():
            cell.setText(cell.text() + "  ✎")
            font = QFont(cell.font())
            font.setBold(True)
            cell.setFont(font)

    def _update_auto(self) -> None:
        row = self.current_row()
        if row is None or not row.numeric:
            self.auto_judgement.clear()
            return
        text = self.value.text().strip()
        judgement = testing.auto_judgement(row.requirement, text, self.unit.text().strip() or row.unit)
        if not text:
            self.auto_judgement.setText(self.tr("judged automatically"))
            self.auto_judgement.setStyleSheet(style.DIMMED_TEXT)
        elif judgement is None:
            unit = (row.requirement or {}).get("unit") or ""
            if testing.parse_value(text) is None:
                self.auto_judgement.setText(self.tr("not a number"))
            else:
                self.auto_judgement.setText(self.tr("unit must be %1").replace("%1", unit))
            self.auto_judgement.setStyleSheet(style.ERROR_TEXT)
        else:
            self.auto_judgement.setText(self.judgement_label(judgement))
            colour = style.DONE if judgement == "pass" else style.ERROR
            self.auto_judgement.setStyleSheet(style.badge(JUDGEMENT_COLOURS[judgement].name(), colour))
        self.auto_judgement.setProperty("judgement", judgement or "")

    def discard(self) -> None:
        row = self.current_row()
        if row is not None:
            self.drafts.pop(row.id, None)
            if self.work is not None:
                self._fill_table(self.work.grid)
                self.table.blockSignals(True)
                self.table.setCurrentCell([r.id for r in self.work.grid.rows].index(row.id), 0)
                self.table.blockSignals(False)
            self._fill_editor(row)
            self._update_actions()

    def save(self, next_item: bool = False) -> None:
        row = self.current_row()
        if row is None or not self.save_button.isEnabled():
            return
        fn, version, kwargs = self.presenter.save_call(
            row, value=self.value.text(), unit=self.unit.text(), judgement=self.judgement.currentData() or "",
            reason=self.reason.text(), amendment_reason=self.amendment_reason.text())
        self.field_errors.clear()
        rows = self.work.grid.rows if self.work else ()
        ids = [r.id for r in rows]
        following = ids[ids.index(row.id) + 1] if next_item and row.id in ids and ids.index(row.id) + 1 < len(ids) else None

        def done(_result) -> None:
            self.drafts.pop(row.id, None)
            if following is not None:
                self._select_after = following
                self._focus_value_after = True
            else:
                self._select_after = row.id
            self.message.clear()
            if isinstance(_result, reports.AmendmentInfo) and _result.status == "pending":
                self.message.show_message(self.tr("Amendment of %1 recorded: it takes effect once an authorised "
                                                  "signatory other than you approves it.").replace("%1", row.item),
                                          "info")
            bus.changed.emit({"result", "sample"})

        def failed(exc: BaseException) -> None:
            if isinstance(exc, ValidationError) and exc.errors:
                self.field_errors.show(exc)
                self._update_actions()
            else:
                if isinstance(exc, ConflictError):
                    self._conflict_row = row.id
                self.report_error(exc)

        self.save_button.setEnabled(False)
        run_op(fn, self.ctx, row.id, version, on_done=done, on_error=failed, **kwargs)

    # ================================================================== 依据说明
    def show_candidates(self) -> None:
        """The 依据说明 of the item in the editor: every candidate standard, in step order, and why."""
        row = self.current_row()
        if row is None or self.work is None:
            return
        sample_id, number = self.work.sample_id, self.work.grid.sample_number

        def done(explanation: testing.BasisExplanation) -> None:
            if self.sample_id != sample_id:
                return  # another sample is shown by now
            self._open_dialog(BasisDialog(number, explanation, self))

        run_op(testing.basis_explanation, self.ctx, sample_id, row.item, on_done=done, on_error=self.report_error)

    # ================================================================== expert panel
    def open_panel(self) -> None:
        row = self.current_row()
        if row is None or self.work is None or not self.panel_button.isEnabled():
            return
        dialog = PanelDialog(self.work.grid.sample_number, row.item, self.work.parties, self._panel_for(row), self)
        dialog.submitted.connect(lambda form: self._save_panel(dialog, row, form))
        self._open_dialog(dialog)

    def _save_panel(self, dialog: PanelDialog, row: testing.ResultRow, form: PanelForm) -> None:
        def done(_info) -> None:
            dialog.finish()
            bus.changed.emit({"result", "panel"})

        run_op(testing.record_panel, self.ctx, self.work.sample_id, row.item, members=list(form.members),
               conclusion=form.conclusion, finding=form.finding, justification=form.justification,
               result_version=row.version, on_done=done, on_error=dialog.fail)

    # ================================================================== the steps
    def _open_dialog(self, dialog: QWidget) -> None:
        self.dialog = dialog
        dialog.finished.connect(lambda _r: setattr(self, "dialog", None) if self.dialog is dialog else None)
        dialog.open()

    def _step(self, dialog: StepDialog, call) -> None:
        """Run ``call()`` (returns (fn, args, kwargs)) when the dialog is submitted."""

        def submitted() -> None:
            fn, args, kwargs = call()

            def done(_result) -> None:
                dialog.finish()
                self.message.clear()
                bus.changed.emit({"sample", "report"})

            def failed(exc: BaseException) -> None:
                dialog.fail(exc)
                if isinstance(exc, ConflictError):
                    dialog.reject()
                    self.report_error(exc)

            run_op(fn, *args, on_done=done, on_error=failed, **kwargs)

        dialog.submitted.connect(submitted)
        self._open_dialog(dialog)

    def start_testing(self) -> None:
        w = self.work
        if w is None or not self.start_button.isEnabled():
            return
        again = w.status == "testing"
        dialog = DateDialog(
            self.tr("Re-select bases") if again else self.tr("Start testing"),
            self.tr("The basis and method of every item not yet tested are chosen by Articles 16–17 "
                    "for the date testing starts."),
            self.tr("Test date"),
            self.tr("Re-select") if again else self.tr("Start testing"),
            value=w.grid.test_started_date or self.today or clock.today(),
            field="test_started_date",
            parent=self,
        )
        self._step(dialog, lambda: (testing.start_testing, (self.ctx, w.sample_id, w.grid.sample_version, dialog.date()), {}))

    def complete(self) -> None:
        w = self.work
        if w is None or not self.complete_button.isEnabled():
            return
        dialog = DateDialog(
            self.tr("Initial monitoring complete"),
            self.tr("Every item is judged. The date initial monitoring was completed starts the clock: the results "
                    "must reach the regulator within five working days (Article 18)."),
            self.tr("Completed on"),
            self.tr("Confirm completion"),
            value=self.today or clock.today(),
            field="completed_date",
            parent=self,
        )

        def preview(*_args) -> None:
            def show(d) -> None:
                text = self.tr("Report to the regulator by %1").replace("%1", d.deadline.isoformat())
                dialog.preview.setText(text + (self.tr(" (provisional)") if d.provisional else ""))

            run_op(testing.reporting_deadline, self.ctx, dialog.date(), on_done=show,
                   on_error=lambda exc: dialog.preview.setText(getattr(exc, "message", "")))

        dialog.edit.dateChanged.connect(preview)
        preview()
        self._step(dialog, lambda: (testing.complete_initial_monitoring,
                                    (self.ctx, w.sample_id, w.grid.sample_version, dialog.date()), {}))

    def reopen(self) -> None:
        w = self.work
        if w is None or not self.reopen_button.isEnabled():
            return
        dialog = NoteDialog(self.tr("Back to testing"),
                            self.tr("The results go back to testing; the completion date is cleared."),
                            self.tr("Reason for going back"), self.tr("Back to testing"), field="reason", parent=self)
        self._step(dialog, lambda: (testing.reopen_testing, (self.ctx, w.sample_id, w.grid.sample_version, dialog.text()), {}))

    def mark_reported(self) -> None:
        w = self.work
        if w is None or not self.reported_button.isEnabled():
            return
        dialog = DateDialog(
            self.tr("Reported to the regulator"),
            self.tr("The date the results were reported to the organising market regulator (Article 18); "
                    "it stops the five-working-day clock."),
            self.tr("Reported on"),
            self.tr("Register"),
            value=w.reported_date or self.today or clock.today(),
            field="reported_date",
            parent=self,
        )
        self._step(dialog, lambda: (reports.mark_reported, (self.ctx, w.sample_id, w.grid.sample_version, dialog.date()), {}))

    def major_hazard(self) -> None:
        """重大质量安全风险隐患 (Article 18 ¶3): the record, its preview, and the report at once."""
        w = self.work
        if w is None or not self.hazard_button.isEnabled():
            return
        run_op(hazard.hazard_form, self.ctx, w.sample_id, on_done=self._open_hazard_dialog,
               on_error=self.report_error)

    def _open_hazard_dialog(self, form: hazard.HazardForm) -> None:
        if self.work is None or form.sample_id != self.work.sample_id:
            return
        dialog = HazardDialog(form, parent=self)
        draft = form.draft

        def done(_result) -> None:
            dialog.finish()
            self.message.clear()
            bus.changed.emit({"sample", "report", "hazard", "upload"})

        def call(fn, *args, **kwargs) -> None:
            run_op(fn, self.ctx, form.sample_id, dialog.data(), *args, on_done=done, on_error=dialog.fail, **kwargs)

        ids = {"hazard_id": draft.id, "version": draft.version} if draft else {}
        dialog.submitted.connect(lambda: call(hazard.report_hazard, **ids))
        dialog.save_requested.connect(lambda: call(hazard.save_hazard, **ids))
        dialog.preview_requested.connect(lambda: run_op(
            hazard.preview_hazard, self.ctx, form.sample_id, dialog.data(), hazard_id=draft.id if draft else None,
            on_done=dialog.show_preview, on_error=dialog.fail))
        self._open_dialog(dialog)

    def compile_report(self) -> None:
        w = self.work
        if w is None or not self.compile_button.isEnabled():
            return

        def done(_info) -> None:
            self.message.clear()
            bus.changed.emit({"sample", "report"})

        run_op(reports.compile_report, self.ctx, w.sample_id, w.grid.sample_version, on_done=done,
               on_error=self.report_error)

    def _sign(self, mode: str) -> None:
        """审核 or 批准 the sample's report in the one signing dialog of test reports: its PDF, its
        nonconforming items and, for a replacement, the changes against the original; the services
        check the people rules again."""
        w = self.work
        if w is None or w.report is None:
            return
        r = w.report
        allowed = r.allowed_actions.get_action(mode)
        item = SignItem(r.id, r.version, r.number, w.grid.sample_number, w.grid.product_name,
                        allowed.allowed, allowed.reason, self.problems_found())
        option = option_tip = ""
        if mode == "approve" and item.problems:
            # Article 18 ¶2: the notices can be issued with the approval, and then travel in its upload
            option = self.tr("Issue the notices with it (Article 18 ¶2)")
            option_tip = self.tr("The sample found problems: the notices to the sampled party, the nominal producer "
                                 "and the platform operator are issued with the approved report and uploaded with it.")
        dialog = ReportSignDialog(self.ctx, mode, [item], self, option=option, option_tip=option_tip)

        def signed() -> None:
            if mode == "review":
                run_op(reports.review_report, self.ctx, r.id, r.version, dialog.password_text,
                       accept=dialog.accept_report, comment=dialog.comment_text,
                       on_done=lambda _i: bus.changed.emit({"sample", "report"}), on_error=self.report_error)
            else:  # the lab's signing key is asked for (once per session) just before the report is signed
                password, notices = dialog.password_text, dialog.option_chosen
                ensure_key_unlocked(self.ctx, self, lambda: run_op(
                    reports.approve_report, self.ctx, r.id, r.version, password, issue_notices=notices,
                    on_done=lambda _i: bus.changed.emit({"sample", "report", "notification"}),
                    on_error=self.report_error))

        dialog.accepted.connect(signed)
        self._open_dialog(dialog)

    # ================================================================== amendments (更正) and their approval
    def amendment_state(self, a: reports.AmendmentInfo) -> str:
        if a.status == "pending":
            return self.tr("Awaiting a signatory's approval")
        if a.status == "rejected":
            text = self.tr("Refused by %1").replace("%1", a.decided_by or "—")
            return f"{text}：{a.decision_comment}" if a.decision_comment else text
        return self.tr("Approved by %1").replace("%1", a.decided_by) if a.decided_by else self.tr("Approved")

    def selected_amendment(self) -> reports.AmendmentInfo | None:
        rows = self.history.selectionModel().selectedRows() if self.history.selectionModel() else []
        if self.work is None or not rows or rows[0].row() >= len(self.work.amendments):
            return None
        return self.work.amendments[rows[0].row()]

    def decide_amendment(self, accept: bool) -> None:
        """批准 or 退回 a pending amendment: an authorised signatory other than the amender, with their password."""
        a = self.selected_amendment()
        button = self.approve_amendment_button if accept else self.refuse_amendment_button
        if a is None or not button.isEnabled():
            return
        text = (self.tr("Amendment of %1 asked for by %2: %3 → %4. Reason: %5")
                .replace("%1", a.item).replace("%2", a.amended_by or "—")
                .replace("%3", a.original.get("value_text") or "—").replace("%4", a.amended.get("value_text") or "—")
                .replace("%5", a.reason))
        text += "\n" + self.tr("Approved, the result changes and the issued report is to be replaced. "
                               "Type your password to sign.")
        dialog = SignDialog("review", self.tr("Authorise amendment"), text,
                            lambda password: users.confirm_password(self.ctx, password, "signatory"), self,
                            choices=(self.tr("Approve the amendment"), self.tr("Refuse the amendment"),
                                     self.tr("Write why the amendment is refused.")))
        if not accept:
            dialog.back.setChecked(True)

        def signed() -> None:
            if dialog.accept_report:
                run_op(reports.approve_amendment, self.ctx, a.id, a.version, dialog.password_text,
                       on_done=lambda _i: bus.changed.emit({"result", "sample", "report"}), on_error=self.report_error)
            else:
                run_op(reports.reject_amendment, self.ctx, a.id, a.version, dialog.password_text, dialog.comment_text,
                       on_done=lambda _i: bus.changed.emit({"result", "sample"}), on_error=self.report_error)

        dialog.accepted.connect(signed)
        self._open_dialog(dialog)

    def problems_found(self) -> bool:
        """The sample shown has an item judged as failing: its report leads to notices (Article 18 ¶2)."""
        return self.work is not None and any(r.judgement == "fail" for r in self.work.grid.rows)

    def review(self) -> None:
        if self.review_button.isEnabled():
            self._sign("review")

    def approve(self) -> None:
        if self.approve_button.isEnabled():
            self._sign("approve")

    # ================================================================== errors
    def report_error(self, exc: BaseException) -> None:
        if isinstance(exc, ConflictError):
            self.message.show_message(
                exc.message + "\n" + self.tr("Reload to see the other change; what you typed is kept."), "error",
                reload=True,
            )
        elif isinstance(exc, RiskmonError):
            self.message.show_message(exc.message, "error")
        else:
            import sys

            sys.excepthook(type(exc), exc, exc.__traceback__)
        self._update_actions()

    def reload_after_conflict(self) -> None:
        """Reload the sample; the draft whose save conflicted is kept and now edits the version just seen."""
        self.message.clear()
        self._adopt_after, self._conflict_row = self._conflict_row, None
        self.refresh()

    # ================================================================== enabling
    def _update_actions(self) -> None:
        """Render the presenter's button states: enabled, and the service's reason in the tooltip."""
        w = self.work
        states = self.presenter.buttons(self.selected_amendment())
        tips = {
            "complete": self.tr("Confirm that initial monitoring is complete: starts the five-working-day clock"),
            "reopen": self.tr("Take a completed sample back to testing to correct a result"),
            "compile": self.tr("Compile the test report (编制)"),
            "review": self.tr("Review the compiled report, or return it with a comment (审核)"),
            "approve": self.tr("Approve the reviewed report (批准)"),
            "reported": self.tr("Register the date the results were reported to the regulator"),
            "hazard": self.tr("Flag and report a major quality and safety hazard at once (Ctrl+Shift+H)"),
            "approve_amendment": self.tr(
                "An authorised signatory other than the amender approves the amendment with their password"),
        }
        buttons = {
            "start": self.start_button, "complete": self.complete_button, "reopen": self.reopen_button,
            "compile": self.compile_button, "review": self.review_button, "approve": self.approve_button,
            "reported": self.reported_button, "approve_amendment": self.approve_amendment_button,
            "refuse_amendment": self.refuse_amendment_button, "hazard": self.hazard_button,
            "save": self.save_button, "panel": self.panel_button, "discard": self.discard_button,
        }
        status = w.status if w else ""
        self.start_button.setText(self.tr("Re-select bases…") if status == "testing" else self.tr("Start testing…"))
        for name, button in buttons.items():
            state = states[name]
            base = tips.get(name, "")
            button.setEnabled(state.enabled)
            button.setToolTip(base if state.enabled or not state.reason
                              else (base + "\n" + state.reason if base else state.reason))

        row = self.current_row()
        amend = self.amend_mode()
        can_edit = self.presenter.editable()  # the fields stay as they are while a reload runs
        for wdg in (self.value, self.unit, self.judgement, self.reason, self.amendment_reason):
            wdg.setEnabled(bool(can_edit))
        if row is not None and row.numeric:
            self.reason.setEnabled(False)
        self.amendment_label.setVisible(amend)
        self.amendment_reason.setVisible(amend)
        self.save_button.setText(self.tr("Amend result") if amend else self.tr("Save result"))
        self.panel_button.setText(
            self.tr("Edit expert panel…") if row is not None and row.panel_id else self.tr("Expert panel…")
        )

    # ================================================================== labels
    def status_label(self, status: str) -> str:
        return {
            "registered": self.tr("Registered"),
            "received": self.tr("Received"),
            "testing": self.tr("Testing"),
            "completed": self.tr("Initial monitoring complete"),
            "compiled": self.tr("Report compiled"),
            "reviewed": self.tr("Report reviewed"),
            "approved": self.tr("Report approved"),
            "reported": self.tr("Reported"),
        }.get(status, status)

    def report_status_label(self, status: str) -> str:
        return {
            "draft": self.tr("Returned to the compiler"),
            "compiled": self.tr("Compiled, awaiting review"),
            "reviewed": self.tr("Reviewed, awaiting approval"),
            "approved": self.tr("Approved"),
            "superseded": self.tr("Superseded"),
        }.get(status, status)

    def place_label(self, place: str) -> str:
        return {
            "producer": self.tr("Producer"),
            "physical_seller": self.tr("Physical seller"),
            "e_platform": self.tr("E-commerce platform"),
        }.get(place, place)

    def judgement_label(self, judgement: str | None) -> str:
        return {
            "pass": self.tr("Pass"),
            "fail": self.tr("Fail"),
            "undetermined": self.tr("Not judged"),
            "panel": self.tr("Expert panel"),
        }.get(judgement or "", "")

