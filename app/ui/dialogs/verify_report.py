"""核验报告: is a PDF someone brought in a document this lab issued, unchanged since?

:func:`verify_report_file` reads the file and checks it on a worker (``verify.verify_pdf``, offline,
against every key the lab has signed with); :class:`VerifyDialog` shows the verdict in large text —
green for 真实, red otherwise — with its one line and the document's kind, number and date when the
file carries them.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QVBoxLayout, QWidget

from app.errors import ValidationError
from app.services import verify
from app.services.context import Context
from app.ui import style
from app.ui.dialogs.task_dialogs import alive
from app.ui.ops import run_op
from app.ui.widgets import show_error

MAX_PDF_BYTES = 200 * 1024 * 1024


class VerifyDialog(QDialog):
    """The verdict on one file. ``status`` shows :attr:`verdict.label` in large text."""

    def __init__(self, verdict: verify.ReportVerdict, file_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.verdict = verdict
        self.setObjectName("verify_report")
        self.setWindowTitle(self.tr("Verify a report"))
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        name = QLabel(self.tr("File: %1").replace("%1", file_name))
        name.setObjectName("file")
        name.setWordWrap(True)
        name.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(name)
        colour = style.OK if verdict.ok else style.URGENT
        self.status = QLabel(verdict.label)
        self.status.setObjectName("status")
        self.status.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.status.setStyleSheet(style.verdict(colour))
        layout.addWidget(self.status)
        self.line = QLabel(verdict.line)
        self.line.setObjectName("line")
        self.line.setWordWrap(True)
        self.line.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.line)
        self.fields: dict[str, QLabel] = {}
        form = QFormLayout()
        for key, label, value in (("kind", self.tr("Document"), verdict.kind),
                                  ("number", self.tr("Number"), verdict.number),
                                  ("date", self.tr("Date"), verdict.date)):
            if value:
                field = QLabel(value)
                field.setObjectName(key)
                field.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
                form.addRow(label, field)
                self.fields[key] = field
        if self.fields:
            layout.addLayout(form)
        if not verdict.ok:
            hint = QLabel(self.tr("Do not rely on this file: ask the lab for the document as issued, or compare it "
                                  "with the lab's own copy."))
            hint.setObjectName("hint")
            hint.setWordWrap(True)
            hint.setStyleSheet(style.MUTED_TEXT)
            layout.addWidget(hint)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("Close"))
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)


def read_and_verify(ctx: Context, path: str | Path) -> verify.ReportVerdict:
    """The file's verdict (a worker's job); a file that cannot be read is a ValidationError."""
    p = Path(path)
    try:
        if not p.is_file():
            raise ValidationError(f"找不到文件：{p}")
        if p.stat().st_size > MAX_PDF_BYTES:
            raise ValidationError(f"文件过大（超过 {MAX_PDF_BYTES // (1024 * 1024)} MB），不是本机构签发的报告。")
        data = p.read_bytes()
    except OSError as exc:
        raise ValidationError(f"无法读取文件 {p}：{exc.strerror or exc}") from exc
    return verify.verify_pdf(ctx.db, data)


def verify_report_file(ctx: Context, parent: QWidget, path: str | Path, shown=None) -> None:
    """Check ``path`` off the GUI thread and open :class:`VerifyDialog` over ``parent``;
    ``shown(dialog)`` is called with it (the page keeps it)."""

    def done(verdict: verify.ReportVerdict) -> None:
        if not alive(parent):
            return
        dialog = VerifyDialog(verdict, Path(path).name, parent)
        if shown is not None:
            shown(dialog)
        dialog.open()

    run_op(read_and_verify, ctx, str(path), on_done=done,
           on_error=lambda exc: alive(parent) and show_error(parent, exc))
