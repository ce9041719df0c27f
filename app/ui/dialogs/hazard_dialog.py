"""重大质量安全风险隐患 (Article 18 ¶3): the record of a major hazard found in a sample — what was
found, the measures, the items concerned (the sample's nonconforming ones, preselected) or the
reason when there are none, to whom and how it is reported — with the report's preview beside it.

The page runs the service calls: ``preview_requested`` (the PDF marked 预览, nothing written),
``save_requested`` (found, not reported yet: the dashboard's clock runs) and ``submitted`` (reported
at once). Errors are shown in the dialog with everything typed kept. Tests fill the fields and
call ``submit()``, ``save()`` or ``preview()``.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDateTime, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app import clock
from app.errors import RiskmonError
from app.services.hazard import HazardForm, HazardInput
from app.timezones import zone
from app.ui import style
from app.ui.pdf_viewer import PdfViewer
from app.ui.widgets import FieldErrors, show_error

METHODS = ("upload", "phone", "hand")


class HazardDialog(QDialog):
    submitted = Signal()
    save_requested = Signal()
    preview_requested = Signal()

    def __init__(self, form: HazardForm, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.form_data = form
        self.draft = form.draft
        self.setWindowTitle(self.tr("Major quality and safety hazard — %1").replace("%1", form.sample_number))
        self.resize(1180, 760)
        outer = QVBoxLayout(self)
        split = QSplitter(Qt.Orientation.Horizontal)
        left = QWidget()
        layout = QVBoxLayout(left)
        layout.setContentsMargins(0, 0, 6, 0)
        info = QLabel(self.tr(
            "A major quality and safety hazard found during monitoring is reported at once to the organising "
            "authority (Article 18). The report is issued, signed when the lab has its key, and entered in the "
            "risk register."))
        info.setWordWrap(True)
        layout.addWidget(info)
        fields = QFormLayout()
        layout.addLayout(fields)
        sample = QLabel(f"{form.sample_number}　{form.product_name}　{form.task_number}")
        sample.setObjectName("hazard_sample")
        fields.addRow(self.tr("Sample"), sample)

        self.description = self._text("description", 80)
        fields.addRow(self.tr("What was found"), self.description)
        self.measures = self._text("measures", 50)
        fields.addRow(self.tr("Measures taken"), self.measures)

        self.items = QListWidget()
        self.items.setObjectName("items")
        self.items.setMaximumHeight(110)
        for c in form.candidates:
            label = f"{c.item}：{c.value}{(' ' + c.unit) if c.unit else ''}"
            label += "（" + (self.tr("expert panel") if c.judgement == "panel" else self.tr("nonconforming")) + "）"
            it = QListWidgetItem(label)
            it.setData(Qt.ItemDataRole.UserRole, c.item)
            it.setFlags(it.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            it.setCheckState(Qt.CheckState.Checked)
            self.items.addItem(it)
        if form.candidates:
            fields.addRow(self.tr("Items concerned"), self.items)
        else:
            self.items.hide()
            none = QLabel(self.tr("No item of this sample is nonconforming or found by an expert panel: "
                                  "say why it is a major hazard."))
            none.setObjectName("no_items")
            none.setWordWrap(True)
            none.setStyleSheet(style.ERROR_TEXT)
            fields.addRow(self.tr("Items concerned"), none)
        self.reason = self._text("reason", 50)
        self.reason_label = QLabel()
        fields.addRow(self.reason_label, self.reason)
        self.items.itemChanged.connect(lambda _i: self._update())

        self.zone = zone(form.timezone)  # times are the lab's, whatever the machine's zone
        now = _qt(clock.now(self.zone))
        self.found_at = QDateTimeEdit(now)
        self.found_at.setObjectName("found_at")
        self.found_at.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.found_at.setCalendarPopup(True)
        self.found_at.setMaximumDateTime(now.addSecs(300))
        fields.addRow(self.tr("Found at"), self.found_at)

        self.recipient = QLineEdit(form.recipient)
        self.recipient.setObjectName("recipient")
        self.recipient.setPlaceholderText(self.tr("The authority that organised the monitoring"))
        fields.addRow(self.tr("Report to"), self.recipient)
        self.method = QComboBox()
        self.method.setObjectName("method")
        for key, text in zip(METHODS, (self.tr("Upload to the provincial system (ahead of the queue)"),
                                       self.tr("By phone"), self.tr("In person or in writing")), strict=True):
            self.method.addItem(text, key)
        self.method.currentIndexChanged.connect(lambda _i: self._update())
        fields.addRow(self.tr("How"), self.method)
        self.contact = QLineEdit()
        self.contact.setObjectName("contact_person")
        self.contact.setPlaceholderText(self.tr("Name and post of the person told"))
        fields.addRow(self.tr("Person told"), self.contact)
        self.told_at = QDateTimeEdit(now)
        self.told_at.setObjectName("told_at")
        self.told_at.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.told_at.setCalendarPopup(True)
        self.told_at.setMaximumDateTime(now.addSecs(300))
        fields.addRow(self.tr("Told at"), self.told_at)
        self.receipt = QLineEdit()
        self.receipt.setObjectName("receipt")
        self.receipt.setPlaceholderText(self.tr("Receipt number or a note (optional)"))
        fields.addRow(self.tr("Receipt"), self.receipt)

        if form.draft is not None:
            d = form.draft
            self.description.setPlainText(d.description)
            self.measures.setPlainText(d.measures)
            self.reason.setPlainText(d.reason)
            self.recipient.setText(d.recipient or form.recipient)
            self.found_at.setDateTime(_qt(d.found_at.astimezone(self.zone)))
            if d.method in METHODS:
                self.method.setCurrentIndex(METHODS.index(d.method))
            for i in range(self.items.count()):
                it = self.items.item(i)
                it.setCheckState(Qt.CheckState.Checked if it.data(Qt.ItemDataRole.UserRole) in d.items
                                 else Qt.CheckState.Unchecked)

        self.error = QLabel()
        self.error.setObjectName("error")
        layout.addWidget(self.error)
        layout.addStretch(1)
        left.setMinimumWidth(440)
        split.addWidget(left)
        self.viewer = PdfViewer()
        self.viewer.setObjectName("hazard_preview")
        split.addWidget(self.viewer)
        split.setStretchFactor(1, 1)
        outer.addWidget(split, 1)

        self.buttons = QDialogButtonBox()
        self.preview_button: QPushButton = self.buttons.addButton(self.tr("Preview"),
                                                                  QDialogButtonBox.ButtonRole.ActionRole)
        self.preview_button.setObjectName("preview")
        self.save_button: QPushButton = self.buttons.addButton(self.tr("Save, report later"),
                                                               QDialogButtonBox.ButtonRole.ActionRole)
        self.save_button.setObjectName("save")
        self.ok: QPushButton = self.buttons.addButton(self.tr("Report now"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok.setObjectName("ok")
        self.ok.setStyleSheet(style.HAZARD_BUTTON)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        self.preview_button.clicked.connect(self.preview)
        self.save_button.clicked.connect(self.save)
        outer.addWidget(self.buttons)
        self.errors = FieldErrors({"description": self.description, "measures": self.measures, "items": self.items,
                                   "reason": self.reason, "recipient": self.recipient, "method": self.method,
                                   "contact_person": self.contact, "found_at": self.found_at,
                                   "told_at": self.told_at, "receipt": self.receipt}, self.error)
        self._update()
        self.description.setFocus()

    def _text(self, name: str, height: int) -> QPlainTextEdit:
        edit = QPlainTextEdit()
        edit.setObjectName(name)
        edit.setTabChangesFocus(True)
        edit.setMinimumHeight(height)
        return edit

    def _update(self) -> None:
        required = not self.chosen_items()
        self.reason_label.setText(self.tr("Reason (required)") if required else self.tr("Reason"))
        told = self.method.currentData() in ("phone", "hand")
        self.contact.setEnabled(told)
        self.told_at.setEnabled(told)

    def chosen_items(self) -> tuple[str, ...]:
        out = []
        for i in range(self.items.count()):
            it = self.items.item(i)
            if it.checkState() == Qt.CheckState.Checked:
                out.append(it.data(Qt.ItemDataRole.UserRole))
        return tuple(out)

    def set_method(self, method: str) -> None:
        self.method.setCurrentIndex(METHODS.index(method))

    def data(self) -> HazardInput:
        method = self.method.currentData()
        told = method in ("phone", "hand")
        return HazardInput(
            description=self.description.toPlainText(), measures=self.measures.toPlainText(),
            items=self.chosen_items(), reason=self.reason.toPlainText(), recipient=self.recipient.text(),
            method=method, contact_person=self.contact.text() if told else "", receipt=self.receipt.text(),
            found_at=self._aware(self.found_at.dateTime()),
            told_at=self._aware(self.told_at.dateTime()) if told else None,
        )

    def check(self) -> dict[str, str]:
        problems = {}
        if not self.description.toPlainText().strip():
            problems["description"] = self.tr("Describe the hazard found.")
        if not self.chosen_items() and not self.reason.toPlainText().strip():
            problems["reason"] = self.tr("No item is chosen: say why it is a major hazard.")
        return problems

    def _busy(self, busy: bool) -> None:
        for b in (self.ok, self.save_button, self.preview_button):
            b.setEnabled(not busy)

    def _go(self, signal) -> None:
        problems = self.check()
        if problems:
            self.errors.show(problems)
            return
        self.errors.clear()
        self._busy(True)
        signal.emit()

    def submit(self) -> None:
        self._go(self.submitted)

    def save(self) -> None:
        self._go(self.save_requested)

    def preview(self) -> None:
        self._go(self.preview_requested)

    def show_preview(self, pdf: bytes) -> None:
        self._busy(False)
        self.viewer.load_bytes(pdf, self.tr("Preview"), f"{self.form_data.sample_number}-hazard.pdf")

    def _aware(self, value: QDateTime) -> dt.datetime:
        return value.toPython().replace(tzinfo=self.zone)

    def finish(self) -> None:
        self._busy(False)
        self.accept()

    def fail(self, exc: BaseException) -> None:
        self._busy(False)
        if isinstance(exc, RiskmonError):
            self.errors.show(exc)
        else:
            show_error(self, exc)


def _qt(value: dt.datetime) -> QDateTime:
    """A wall-clock time of the lab's zone as the edit shows it."""
    return QDateTime(value.replace(tzinfo=None, microsecond=0))

