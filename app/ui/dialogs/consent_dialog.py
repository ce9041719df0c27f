"""公开同意 (Article 8): an administrator records that the organising regulator agreed to the
publication of a task's monitoring information — the authority, its document number and date."""

from __future__ import annotations

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QDateEdit,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from app import clock
from app.services import publication
from app.services.context import Context
from app.ui import style
from app.ui.widgets import FieldErrors, SavingDialog, error_label


class ConsentDialog(SavingDialog):
    """Record or correct the task's consent; ``saved`` is the :class:`publication.ConsentInfo`."""

    def __init__(self, ctx: Context, task_id: int, task_label: str, authority: str = "",
                 consent: publication.ConsentInfo | None = None, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.task_id = task_id
        self.consent = consent
        self.setWindowTitle(self.tr("Consent to publication (Article 8)"))
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        head = QLabel(self.tr("Task: %1").replace("%1", task_label))
        head.setWordWrap(True)
        layout.addWidget(head)
        note = QLabel(self.tr("Only the market regulator that organised the monitoring can agree to its publication. "
                              "With its consent on record, a publication-ready copy of the ledger and the results "
                              "can be exported without the confidentiality mark."))
        note.setWordWrap(True)
        note.setStyleSheet(style.MUTED_TEXT)
        layout.addWidget(note)
        form = QFormLayout()
        self.authority = QLineEdit(consent.authority if consent else authority)
        self.authority.setObjectName("authority")
        self.document_number = QLineEdit(consent.document_number if consent else "")
        self.document_number.setObjectName("document_number")
        self.document_number.setPlaceholderText(self.tr("e.g. 鄂市监质函〔2026〕12号"))
        self.consent_date = QDateEdit()
        self.consent_date.setObjectName("consent_date")
        self.consent_date.setCalendarPopup(True)
        self.consent_date.setDisplayFormat("yyyy-MM-dd")
        today = clock.today()
        self.consent_date.setMaximumDate(QDate(today))
        self.consent_date.setDate(QDate(consent.consent_date if consent else today))
        self.note = QPlainTextEdit(consent.note if consent else "")
        self.note.setObjectName("note")
        self.note.setFixedHeight(60)
        form.addRow(self.tr("Consenting authority"), self.authority)
        form.addRow(self.tr("Document number"), self.document_number)
        form.addRow(self.tr("Date of consent"), self.consent_date)
        form.addRow(self.tr("Note"), self.note)
        layout.addLayout(form)
        self.error_text = error_label()
        layout.addWidget(self.error_text)
        self.errors = FieldErrors({"authority": self.authority, "document_number": self.document_number,
                                   "consent_date": self.consent_date, "note": self.note}, self.error_text)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Save).setText(self.tr("Save"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def save(self) -> None:
        self._run(publication.record_consent, self.ctx, self.task_id, authority=self.authority.text(),
                  document_number=self.document_number.text(), consent_date=self.consent_date.date().toPython(),
                  note=self.note.toPlainText(), version=self.consent.version if self.consent else None,
                  changed={"consent"})
