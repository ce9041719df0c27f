"""收样: record that samples arrived at the lab, the day and their condition (样品状态).

The condition is chosen from the usual wordings or typed; it is printed on the test report. The
samples chosen in the list are received together, all or none. Opened with ``open()``; tests fill
the widgets and call :meth:`ReceiveDialog.save`.
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
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from app import clock
from app.errors import RiskmonError
from app.services import samples
from app.services.context import Context
from app.ui import style
from app.ui.dialogs.sample_form import condition_combo
from app.ui.ops import bus, run_op
from app.ui.widgets import FieldErrors, show_error


class ReceiveDialog(QDialog):
    """Receive the samples ``rows`` (id, version, number) on one day, in one condition."""

    received = Signal(int)  # how many

    def __init__(self, ctx: Context, rows: list[tuple[int, int, str]], parent: QWidget | None = None,
                 today: dt.date | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.rows = rows
        self.saving = False
        self.setObjectName("receive_dialog")
        self.setWindowTitle(self.tr("Receive samples"))
        self.setMinimumWidth(480)
        layout = QVBoxLayout(self)
        numbers = "、".join(number for _i, _v, number in rows[:6]) + ("…" if len(rows) > 6 else "")
        intro = QLabel(self.tr("%n sample(s): ", "", len(rows)) + numbers)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.date = QDateEdit()
        self.date.setObjectName("received_date")
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("yyyy-MM-dd")
        day = today or clock.today()
        self.date.setDateRange(QDate(samples.EARLIEST_DATE), QDate(day))
        self.date.setDate(QDate(day))
        self.condition = condition_combo()
        form.addRow(self.tr("Received on"), self.date)
        form.addRow(self.tr("Condition on receipt"), self.condition)
        layout.addLayout(form)
        hint = QLabel(self.tr("The condition is printed on the test report (e.g. sample intact, seals unbroken)."))
        hint.setWordWrap(True)
        hint.setStyleSheet(style.MUTED_TEXT)
        layout.addWidget(hint)
        self.error_text = QLabel()
        self.error_text.setObjectName("errors")
        self.error_text.setWordWrap(True)
        self.error_text.setStyleSheet(style.ERROR_TEXT)
        layout.addWidget(self.error_text)
        self.errors = FieldErrors({"received_date": self.date, "condition_on_receipt": self.condition},
                                  self.error_text)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Record receipt"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.condition.setFocus()
        if today is None:  # the machine's date until the lab's (its time zone) is known
            run_op(samples.lab_date, ctx, on_done=self.set_today, on_error=lambda _exc: None)

    def set_today(self, day: dt.date) -> None:
        """The lab's today: the latest day offered (and the day shown, unless one was chosen)."""
        if not isValid(self):
            return
        untouched = self.date.date() == self.date.maximumDate()
        self.date.setDateRange(QDate(samples.EARLIEST_DATE), QDate(day))
        if untouched:
            self.date.setDate(QDate(day))

    def save(self) -> None:
        if self.saving:
            return
        self.errors.clear()
        problem = samples.check_condition(self.condition.currentText())
        if problem:  # the service's own check, before asking it
            self.errors.show({"condition_on_receipt": problem})
            return
        self.saving = True
        self.buttons.setEnabled(False)
        run_op(samples.receive_samples, self.ctx, [(i, v) for i, v, _n in self.rows], self.date.date().toPython(),
               self.condition.currentText(), on_done=self._done, on_error=self._failed)

    def _done(self, done: list[samples.SampleSummary]) -> None:
        bus.changed.emit({"sample"})
        if not isValid(self):
            return
        self.saving = False
        self.received.emit(len(done))
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        if not isValid(self):
            return
        self.saving = False
        self.buttons.setEnabled(True)
        if isinstance(exc, RiskmonError):
            self.errors.show(exc)
        else:
            show_error(self, exc)
