"""Small dialogs for one step of the work on a sample: a date (start of testing, completion of initial
monitoring, reporting to the regulator) or a note (a major hazard, a reason to reopen testing).

They stay open while the page runs the service call: ``submitted`` is emitted on OK, the page calls
:meth:`StepDialog.finish` when the call succeeded or :meth:`StepDialog.fail` with the error, which
is shown in the dialog with everything typed kept. Tests fill the fields and call ``submit()``.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app import clock
from app.errors import RiskmonError
from app.ui.widgets import FieldErrors, show_error


class StepDialog(QDialog):
    submitted = Signal()

    def __init__(self, title: str, text: str, ok_text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(460)
        layout = QVBoxLayout(self)
        self.info = QLabel(text)
        self.info.setWordWrap(True)
        layout.addWidget(self.info)
        self.form = QFormLayout()
        layout.addLayout(self.form)
        self.error = QLabel()
        self.error.setObjectName("error")
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox()
        self.ok: QPushButton = self.buttons.addButton(ok_text, QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok.setObjectName("ok")
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.errors = FieldErrors({}, self.error)

    def check(self) -> dict[str, str]:
        """Problems found before the service is called (field → message)."""
        return {}

    def submit(self) -> None:
        problems = self.check()
        if problems:
            self.errors.show(problems)
            return
        self.errors.clear()
        self.ok.setEnabled(False)
        self.submitted.emit()

    def finish(self) -> None:
        self.ok.setEnabled(True)
        self.accept()

    def fail(self, exc: BaseException) -> None:
        self.ok.setEnabled(True)
        if isinstance(exc, RiskmonError):
            self.errors.show(exc)
        else:
            show_error(self, exc)


class DateDialog(StepDialog):
    """One date; ``field`` is the service's name for it (so its error marks the date edit)."""

    def __init__(self, title: str, text: str, label: str, ok_text: str, *, value: dt.date | None = None,
                 field: str = "date", parent: QWidget | None = None) -> None:
        super().__init__(title, text, ok_text, parent)
        self.edit = QDateEdit()
        self.edit.setObjectName("date")
        self.edit.setCalendarPopup(True)
        self.edit.setDisplayFormat("yyyy-MM-dd")
        self.edit.setDate(QDate(value) if value else QDate(clock.today()))
        self.form.addRow(label, self.edit)
        self.preview = QLabel()  # e.g. the deadline the date would set
        self.preview.setObjectName("preview")
        self.preview.setWordWrap(True)
        self.form.addRow("", self.preview)
        self.errors.widgets[field] = self.edit
        self.edit.setFocus()

    def date(self) -> dt.date:
        return self.edit.date().toPython()

    def set_date(self, value: dt.date) -> None:
        self.edit.setDate(QDate(value))


class NoteDialog(StepDialog):
    """A note that must not be empty; ``field`` is the service's name for it."""

    def __init__(self, title: str, text: str, label: str, ok_text: str, *, value: str = "", field: str = "note",
                 parent: QWidget | None = None) -> None:
        super().__init__(title, text, ok_text, parent)
        self.field = field
        self.edit = QPlainTextEdit(value)
        self.edit.setObjectName("note")
        self.edit.setTabChangesFocus(True)
        self.edit.setMinimumHeight(90)
        self.form.addRow(label, self.edit)
        self.errors.widgets[field] = self.edit
        self.edit.setFocus()

    def text(self) -> str:
        return self.edit.toPlainText().strip()

    def check(self) -> dict[str, str]:
        if not self.text():
            return {self.field: self.tr("Please write the note.")}
        return {}
