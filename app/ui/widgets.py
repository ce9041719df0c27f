"""Small widgets and helpers shared by the pages: error display that marks fields, an optional
date edit, password re-entry for signing, confirmation, table column state."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import QByteArray, QCoreApplication, QDate, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app import clock
from app.errors import ConflictError, RiskmonError
from app.ui import style
from app.ui.application import settings, user_key
from app.ui.ops import bus, run_op


def show_error(parent: QWidget | None, exc: BaseException, title: str | None = None) -> None:
    """A user error in a message box; anything else goes to the exception hook (logged)."""
    if isinstance(exc, RiskmonError):
        QMessageBox.warning(parent, title or QCoreApplication.translate("Widgets", "Cannot do that"), exc.message)
        return
    import sys

    sys.excepthook(type(exc), exc, exc.__traceback__)


def confirm(parent: QWidget, title: str, text: str) -> bool:
    return QMessageBox.question(parent, title, text) == QMessageBox.StandardButton.Yes


class FieldErrors:
    """Marks the widgets of the fields a ValidationError names, and shows the messages.

    ``widgets`` maps a field key (``"sampled.uscc"``) to its widget; ``label`` receives the text
    of every message. Nothing typed is cleared.
    """

    def __init__(self, widgets: dict[str, QWidget], label: QLabel) -> None:
        self.widgets = widgets
        self.label = label
        self.label.setStyleSheet(style.ERROR_TEXT)
        self.label.setWordWrap(True)
        self._marked: list[QWidget] = []

    def clear(self) -> None:
        for w in self._marked:
            w.setStyleSheet("")
            w.setToolTip("")
        self._marked = []
        self.label.clear()

    def show(self, exc: RiskmonError | dict[str, str]) -> None:
        self.clear()
        errors = exc if isinstance(exc, dict) else getattr(exc, "errors", {}) or {}
        lines = []
        for key, message in errors.items():
            widget = self.widgets.get(key) or self.widgets.get(key.split(".")[0])
            if widget is not None:
                widget.setStyleSheet(style.FIELD_ERROR)
                widget.setToolTip(message)
                self._marked.append(widget)
            lines.append(message)
        if not lines and isinstance(exc, RiskmonError):
            lines.append(exc.message)
        self.label.setText("\n".join(lines))
        if self._marked:
            self._marked[0].setFocus()

    def mark(self, key: str, message: str | None) -> None:
        """As-you-type check of one field (None clears it)."""
        widget = self.widgets.get(key)
        if widget is None:
            return
        if message:
            widget.setStyleSheet(style.FIELD_ERROR)
            widget.setToolTip(message)
            if widget not in self._marked:
                self._marked.append(widget)
        else:
            widget.setStyleSheet("")
            widget.setToolTip("")
            if widget in self._marked:
                self._marked.remove(widget)


def error_label() -> QLabel:
    """The label under a form that says what is wrong with it (selectable, to copy into a question)."""
    label = QLabel()
    label.setObjectName("errors")
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class FormSection(QWidget):
    """One editable section of a page: a form, the messages of its field errors under it, and a save
    button with a status line beside it ("Saved."). Fields added with a key are marked when a
    service's ValidationError names them; ``note`` sits between the form and the errors."""

    def __init__(self, save_text: str, save_name: str, *, note: QWidget | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.form = QFormLayout()
        layout.addLayout(self.form)
        if note is not None:
            layout.addWidget(note)
        self.error_text = error_label()
        layout.addWidget(self.error_text)
        self.errors = FieldErrors({}, self.error_text)
        row = QHBoxLayout()
        self.save_button = QPushButton(save_text)
        self.save_button.setObjectName(save_name)
        self.status = QLabel()
        row.addWidget(self.save_button)
        row.addWidget(self.status, 1)
        layout.addLayout(row)

    def add_row(self, label: str, field: QWidget, key: str | None = None) -> None:
        """A row of the form; ``key`` names the field in a service's errors."""
        self.form.addRow(label, field)
        if key is not None:
            self.errors.widgets[key] = field

    def set_editable(self, editable: bool) -> None:
        """Fields read-only and no save button for someone who may only look."""
        for field in self.errors.widgets.values():
            field.setReadOnly(not editable)
        self.save_button.setVisible(editable)

    def begin(self) -> None:
        """Before a save: the last attempt's messages go."""
        self.errors.clear()
        self.status.clear()


def form_buttons(dialog: QDialog, layout: QVBoxLayout, fields: dict[str, QWidget], save_text: str,
                 cancel_text: str, *, ok: bool = False) -> QPushButton:
    """The foot of a form dialog: the field errors' label (``dialog.error_text``, ``dialog.errors``)
    and the save and cancel buttons, save calling ``dialog.save``; returns the save button
    (a Save button, or an OK one with ``ok``)."""
    dialog.error_text = error_label()
    layout.addWidget(dialog.error_text)
    dialog.errors = FieldErrors(fields, dialog.error_text)
    accept = QDialogButtonBox.StandardButton.Ok if ok else QDialogButtonBox.StandardButton.Save
    buttons = QDialogButtonBox(accept | QDialogButtonBox.StandardButton.Cancel)
    save = buttons.button(accept)
    save.setText(save_text)
    buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(cancel_text)
    buttons.accepted.connect(dialog.save)
    buttons.rejected.connect(dialog.reject)
    layout.addWidget(buttons)
    return save


class OptionalDateEdit(QWidget):
    """A date that may be empty: a check box turns the date on."""

    changed = Signal()

    def __init__(self, value: dt.date | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.enabled = QCheckBox()
        self.edit = QDateEdit()
        self.edit.setCalendarPopup(True)
        self.edit.setDisplayFormat("yyyy-MM-dd")
        row.addWidget(self.enabled)
        row.addWidget(self.edit, 1)
        self.enabled.toggled.connect(self.edit.setEnabled)
        self.enabled.toggled.connect(lambda _=False: self.changed.emit())
        self.edit.dateChanged.connect(lambda _=None: self.changed.emit())
        self.set_date(value)

    def set_date(self, value: dt.date | None) -> None:
        self.enabled.setChecked(value is not None)
        self.edit.setEnabled(value is not None)
        self.edit.setDate(QDate(value) if value else QDate(clock.today()))

    def date(self) -> dt.date | None:
        if not self.enabled.isChecked():
            return None
        return self.edit.date().toPython()


class PasswordDialog(QDialog):
    """Password re-entry before signing (审核/批准). ``check(password)`` raises on a wrong one."""

    def __init__(self, title: str, text: str, check: Callable[[str], object], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._check = check
        self.password_text = ""
        self.setWindowTitle(title)
        layout = QVBoxLayout(self)
        info = QLabel(text)
        info.setWordWrap(True)
        layout.addWidget(info)
        form = QFormLayout()
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(self.tr("Password"), self.password)
        layout.addLayout(form)
        self.error = QLabel()
        self.error.setStyleSheet(style.ERROR_TEXT)
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._ok)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _ok(self) -> None:
        try:
            self._check(self.password.text())
        except RiskmonError as exc:
            self.error.setText(exc.message)
            self.password.selectAll()
            return
        self.password_text = self.password.text()
        self.accept()


#: column states changed and not yet written. A QSettings object writes its file when it goes, and a
#: table that sizes its columns emits one resize per column (at start-up the dashboard wrote its
#: settings 25 times, 0.38 s): changes are kept here and written together once the header is quiet
_pending_columns: dict[str, QByteArray] = {}
_flush_timer: QTimer | None = None


def flush_column_state() -> None:
    """Write the column states changed since the last write (one settings write for them all)."""
    if _flush_timer is not None:
        _flush_timer.stop()
    if _pending_columns:
        stored = settings()
        for key, state in _pending_columns.items():
            stored.setValue(key, state)
        _pending_columns.clear()
        stored.sync()


def _column_state_changed(key: str, state: QByteArray) -> None:
    global _flush_timer
    _pending_columns[key] = state
    if _flush_timer is None:
        _flush_timer = QTimer()
        _flush_timer.setSingleShot(True)
        _flush_timer.setInterval(800)
        _flush_timer.timeout.connect(flush_column_state)
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(flush_column_state)  # what changed just before the program closes
    _flush_timer.start()


def remember_columns(header: QHeaderView, key: str) -> bool:
    """Restore a table's column widths/order from QSettings and save them when they change: the
    signed-in person's own, so that colleagues at one workstation each keep theirs. True when widths
    were restored (a table that sizes its columns to its first contents leaves them as they are)."""
    key = user_key(f"columns/{key}")
    state = _pending_columns.get(key)
    if state is None:
        state = settings().value(key)
    restored = False
    if isinstance(state, QByteArray) and not state.isEmpty():
        # how columns resize is the table's own (a state saved before a column was made to stretch
        # would otherwise fix it at its old width): only widths and order come from the settings
        modes = [header.sectionResizeMode(c) for c in range(header.count())]
        stretch_last = header.stretchLastSection()
        if header.restoreState(state):
            restored = True
            for c, mode in enumerate(modes):
                if c < header.count() and header.sectionResizeMode(c) != mode:
                    header.setSectionResizeMode(c, mode)
            header.setStretchLastSection(stretch_last)

    def save(*_args) -> None:
        _column_state_changed(key, header.saveState())

    header.sectionResized.connect(save)
    header.sectionMoved.connect(save)
    header.sortIndicatorChanged.connect(save)
    return restored


def list_view(model, name: str, *, widths: dict[str, int], sort: tuple[str, Qt.SortOrder],
              remember: str, stretch: str | None = None, multi_select: bool = False, movable: bool = False,
              sort_keys: dict[str, str] | None = None) -> QTableView:
    """The table of a list page over a lazily fetched model (the sample list, the work list): whole
    rows selected, read-only, one line per row, column widths by column key (remembered per person
    under ``remember``), sorted by header clicks in SQL — the header's sort, restored or the default
    ``sort``, is handed to the model (``sort_keys`` maps a column to its sort key where they differ).
    The model has ``COLUMNS``, ``column_of(key)``, ``sort_key`` and ``descending``."""
    view = QTableView()
    view.setObjectName(name)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection if multi_select
                          else QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setDefaultSectionSize(26)
    view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    header = view.horizontalHeader()
    header.setSectionsMovable(movable)
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(stretch is None)
    for key, width in widths.items():
        view.setColumnWidth(model.column_of(key), width)
    if stretch is not None:
        header.setSectionResizeMode(model.column_of(stretch), QHeaderView.ResizeMode.Stretch)
    header.setSortIndicator(model.column_of(sort[0]), sort[1])
    remember_columns(header, remember)
    section = header.sortIndicatorSection()
    if 0 <= section < len(model.COLUMNS):
        key = model.COLUMNS[section]
        model.sort_key = (sort_keys or {}).get(key, key)
        model.descending = header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
    view.setSortingEnabled(True)
    return view

class SavingDialog(QDialog):
    """A form whose save runs on a worker: errors mark fields and keep what was typed; a conflicting
    edit offers to close and reload. Subclasses set ``self.errors`` (a :class:`FieldErrors`) and call
    ``self._run(service_fn, *args, changed={"task"})``."""

    errors: FieldErrors

    def __init__(self, ctx, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.saved = None
        self.busy = False
        self._changed: set[str] = set()

    def _run(self, fn, *args, changed: set[str], **kwargs) -> None:
        if self.busy:
            return
        self.busy = True
        self._changed = set(changed)
        self.setEnabled(False)
        self.errors.clear()
        run_op(fn, *args, on_done=self._done, on_error=self._failed, **kwargs)

    def _done(self, result) -> None:
        self.busy = False
        self.setEnabled(True)
        self.saved = result
        bus.changed.emit(set(self._changed))
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.busy = False
        self.setEnabled(True)
        if isinstance(exc, ConflictError):
            self.errors.show(exc)
            title = QCoreApplication.translate("Widgets", "Changed by someone else")
            question = QCoreApplication.translate(
                "Widgets", "Close this form and reload? What you typed here will be lost."
            )
            if confirm(self, title, exc.message + "\n\n" + question):
                bus.changed.emit(set(self._changed))
                self.reject()
            return
        if isinstance(exc, RiskmonError):
            self.errors.show(exc)
            return
        show_error(self, exc)


def title_label(text: str) -> QLabel:
    label = QLabel(text)
    label.setStyleSheet(style.PAGE_TITLE)
    return label

