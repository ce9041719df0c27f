"""设置 → 审计与完整性: the audit log's head, its signed checkpoints, and 校验.

校验 runs the three checks of ``riskmon audit verify`` (the hash chain, every business row against
the log, the signed checkpoints) on a worker and lists what it found; 核对外部检查点… does the same
against a file exported earlier or an upload package's manifest. 签署检查点 signs the chain's head
with the lab key (asking for the key's password when it is locked); 导出检查点… writes every
checkpoint with its certificate to a file to keep away from the lab's database.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.errors import RiskmonError
from app.services import integrity, permissions
from app.services.context import Context
from app.services.labkey import KeyLocked
from app.ui import style
from app.ui.dialogs.task_dialogs import alive
from app.ui.dialogs.unlock_key import UnlockKeyDialog
from app.ui.ops import bus, run_op
from app.ui.pages.tasks import fill_table, make_table

OK_STYLE = style.OK_TEXT_STRONG
BAD_STYLE = style.ERROR_TEXT_STRONG


def reason_label(reason: str) -> str:
    labels = {
        "manual": QCoreApplication.translate("AuditTab", "By hand"),
        "daily": QCoreApplication.translate("AuditTab", "Daily"),
        "upload": QCoreApplication.translate("AuditTab", "At upload"),
        "demo": QCoreApplication.translate("AuditTab", "Demo"),
    }
    return labels.get(reason, reason)


class AuditTab(QWidget):
    """The audit log's integrity: head, checkpoints, verification."""

    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.view: integrity.Overview | None = None
        self.report: integrity.IntegrityReport | None = None
        self.dialog = None
        # verify / sign a checkpoint / export them: the permission model, as the integrity service decides it
        self.allowed = permissions.audit_actions(ctx.user)
        layout = QVBoxLayout(self)
        intro = QLabel(self.tr(
            "Every change to a record is kept in a hash-chained audit log. Verifying checks the chain, "
            "compares every record with the log (a record changed outside Riskmon is named), and checks "
            "the checkpoints: the chain's head signed with the lab key. Each upload package carries the "
            "latest checkpoint; export them now and then and keep the file outside the lab's database."))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.head = QLabel()
        self.head.setObjectName("audit_head")
        self.head.setWordWrap(True)
        self.head.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.head)
        buttons = QHBoxLayout()
        self.verify_button = QPushButton(self.tr("Verify"))
        self.verify_button.setObjectName("verify_audit")
        self.verify_button.clicked.connect(lambda: self.verify())
        self.anchor_button = QPushButton(self.tr("Check against a file…"))
        self.anchor_button.setObjectName("verify_anchor")
        self.anchor_button.setToolTip(self.tr("Checkpoints exported earlier, or the manifest.json of an upload package"))
        self.anchor_button.clicked.connect(lambda: self.verify_anchor())
        self.sign_button = QPushButton(self.tr("Sign a checkpoint"))
        self.sign_button.setObjectName("sign_checkpoint")
        self.sign_button.clicked.connect(lambda: self.sign())
        self.export_button = QPushButton(self.tr("Export checkpoints…"))
        self.export_button.setObjectName("export_checkpoints")
        self.export_button.clicked.connect(lambda: self.export())
        self.actions = {self.verify_button: "verify", self.anchor_button: "verify",
                        self.sign_button: "sign_checkpoint", self.export_button: "export_checkpoints"}
        for b, action in self.actions.items():
            b.setEnabled(self.allowed.allowed(action))
            if not self.allowed.allowed(action):
                b.setToolTip(self.allowed.reason(action))
            buttons.addWidget(b)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.verdict = QLabel()
        self.verdict.setObjectName("audit_verdict")
        self.verdict.setWordWrap(True)
        layout.addWidget(self.verdict)
        self.details = QPlainTextEdit()
        self.details.setObjectName("audit_details")
        self.details.setReadOnly(True)
        self.details.setMaximumHeight(160)
        self.details.hide()
        layout.addWidget(self.details)
        layout.addWidget(QLabel(self.tr("Signed checkpoints")))
        self.table = make_table([self.tr("Signed at"), self.tr("Entry"), self.tr("Hash"), self.tr("Made"),
                                 self.tr("Signed by")], "checkpoints", stretch=2, widths=[140, 80, 180, 90])
        layout.addWidget(self.table, 1)
        bus.changed.connect(self._changed)
        self.reload()

    # ------------------------------------------------------------------ data
    def _changed(self, what: set) -> None:
        if alive(self) and what & {"audit", "labkey"}:
            self.reload()

    def reload(self) -> None:
        run_op(integrity.overview, self.ctx, on_done=self._show, on_error=self._failed)

    def _show(self, view: integrity.Overview) -> None:
        if not alive(self):
            return
        self.view = view
        self.head.setText(self.tr("Audit log: %1 entries; head: entry %2, hash %3")
                          .replace("%1", str(view.entries)).replace("%2", str(view.head_seq))
                          .replace("%3", view.head_hash))
        sign = self.allowed.get_action("sign_checkpoint")
        self.sign_button.setEnabled(sign.allowed and view.has_key)
        if not sign.allowed:
            self.sign_button.setToolTip(sign.reason)
        elif not view.has_key:
            self.sign_button.setToolTip(self.tr("The lab has no signing key yet (Settings → Signing key)."))
        fill_table(self.table, [
            (cp.seq, [f"{cp.at.astimezone(view.tz):%Y-%m-%d %H:%M}", str(cp.seq), cp.head_hash[:16] + "…",
                      reason_label(cp.reason), cp.actor])
            for cp in view.checkpoints
        ])

    def _failed(self, exc: BaseException) -> None:
        if not alive(self):
            return
        self.verdict.setStyleSheet(BAD_STYLE)
        self.verdict.setText(exc.message if isinstance(exc, RiskmonError) else str(exc))

    # ------------------------------------------------------------------ actions
    def verify(self, anchor: Path | None = None) -> None:
        self.verdict.setStyleSheet("")
        self.verdict.setText(self.tr("Verifying…"))
        run_op(integrity.verify, self.ctx, anchor, on_done=self._verified, on_error=self._failed)

    def verify_anchor(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, self.tr("Checkpoints to check against"), "",
                                              self.tr("Checkpoints or manifest (*.json)"))
        if name:
            self.verify(Path(name))

    def _verified(self, report: integrity.IntegrityReport) -> None:
        if not alive(self):
            return
        self.report = report
        if report.ok:
            self.verdict.setStyleSheet(OK_STYLE)
            self.verdict.setText(self.tr("No tampering found: chain, records and checkpoints agree."))
        else:
            self.verdict.setStyleSheet(BAD_STYLE)
            self.verdict.setText(self.tr("Tampering found: %1 problem(s), listed below.")
                                 .replace("%1", str(len(report.problems))))
        self.details.setPlainText("\n".join(report.lines()))
        self.details.show()

    def sign(self) -> None:
        run_op(integrity.make_checkpoint, self.ctx, on_done=self._signed, on_error=self._sign_failed)

    def _signed(self, cp: integrity.Checkpoint) -> None:
        if not alive(self):
            return
        self.verdict.setStyleSheet(OK_STYLE)
        self.verdict.setText(self.tr("Checkpoint signed at entry %1.").replace("%1", str(cp.seq)))
        bus.changed.emit({"audit"})

    def _sign_failed(self, exc: BaseException) -> None:
        if not alive(self):
            return
        if isinstance(exc, KeyLocked):
            self.dialog = UnlockKeyDialog(self.ctx, parent=self)
            if self.dialog.exec() and self.dialog.unlocked is not None:
                self.sign()
            return
        self._failed(exc)

    def export(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, self.tr("Export checkpoints"), "riskmon-checkpoints.json",
                                              self.tr("Checkpoints (*.json)"))
        if name:
            run_op(integrity.export_file, self.ctx, Path(name), on_done=self._exported, on_error=self._failed)

    def _exported(self, path: Path) -> None:
        if alive(self):
            self.verdict.setStyleSheet(OK_STYLE)
            self.verdict.setText(self.tr("Checkpoints exported to %1. Keep the file outside the lab's database.")
                                 .replace("%1", str(path)))
