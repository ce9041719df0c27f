"""报送 of an issued monthly report: the date, the recipient, how it was sent and the receipt."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QComboBox, QDateEdit, QLineEdit, QWidget

from app import clock
from app.ui.dialogs.steps import StepDialog


class SubmissionDialog(StepDialog):
    """Fields named as the service names them, so its errors mark the right widget."""

    def __init__(self, number: str, recipient: str, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Record sending"),
                         self.tr("Monthly report %1 was sent: when, to whom, how, and the receipt if there is one.")
                         .replace("%1", number), self.tr("Record"), parent)
        self.date = QDateEdit()
        self.date.setObjectName("submitted_on")
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("yyyy-MM-dd")
        self.date.setDate(QDate(clock.today()))
        self.recipient = QLineEdit(recipient)
        self.recipient.setObjectName("recipient")
        self.method = QComboBox()
        self.method.setObjectName("method")
        for key, label in (("email", self.tr("E-mail")), ("upload", self.tr("Uploaded to the provincial system")),
                           ("post", self.tr("Post")), ("hand", self.tr("By hand")), ("other", self.tr("Other"))):
            self.method.addItem(label, key)
        self.receipt = QLineEdit()
        self.receipt.setObjectName("receipt")
        self.form.addRow(self.tr("Sent on"), self.date)
        self.form.addRow(self.tr("Sent to"), self.recipient)
        self.form.addRow(self.tr("Method"), self.method)
        self.form.addRow(self.tr("Receipt"), self.receipt)
        for field, widget in (("submitted_on", self.date), ("recipient", self.recipient), ("method", self.method),
                              ("receipt", self.receipt)):
            self.errors.widgets[field] = widget

    def values(self) -> dict:
        d = self.date.date()
        return {"submitted_on": dt.date(d.year(), d.month(), d.day()), "recipient": self.recipient.text(),
                "method": self.method.currentData(), "receipt": self.receipt.text()}

    def check(self) -> dict[str, str]:
        if not self.recipient.text().strip():
            return {"recipient": self.tr("Please enter to whom it was sent.")}
        return {}
