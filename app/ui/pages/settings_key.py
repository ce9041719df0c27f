"""设置 → 签章密钥: the lab's signing key, which signs every issued document.

Shows the active key (subject, validity, 演示 with a warning that a demo key must not sign real
reports, whether it is unlocked on this computer) and the earlier keys, kept so that what they signed
can still be verified. Administrators generate a self-signed key (生成密钥…) or import a CA-issued
PKCS#12 file (导入证书…); anyone who issues documents unlocks the key (解锁…). The password is
never stored in the database; 在本机记住密码 keeps it in this computer's keyring.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.errors import CredentialsStoreError, RiskmonError, ValidationError
from app.services import labkey, permissions
from app.services.context import Context
from app.ui import style, widgets
from app.ui.application import settings
from app.ui.dialogs.steps import StepDialog
from app.ui.dialogs.task_dialogs import alive
from app.ui.dialogs.unlock_key import UnlockKeyDialog, not_remembered_text, remember_box
from app.ui.ops import bus, run_op
from app.ui.pages.tasks import fill_table, make_table

DEMO_STYLE = style.ERROR_TEXT_STRONG
OK_STYLE = style.OK_TEXT_STRONG
MAX_CERTIFICATE_BYTES = 1_000_000  # as labkey.import_key: a PKCS#12 file is a few kilobytes


def _day(value) -> str:
    return f"{value:%Y-%m-%d}" if value is not None else ""


def _short_fingerprint(fingerprint: str) -> str:
    """SHA-256 of the certificate, the first 16 hex digits in groups of four (as people compare it)."""
    head = fingerprint[:16].upper()
    return " ".join(head[i:i + 4] for i in range(0, len(head), 4))


def key_kind(info: labkey.KeyInfo) -> str:
    if info.demo:
        return QCoreApplication.translate("SigningKey", "Demo key")
    if info.self_signed:
        return QCoreApplication.translate("SigningKey", "Self-signed")
    return QCoreApplication.translate("SigningKey", "CA-issued certificate")


class CreateKeyDialog(StepDialog):
    """生成密钥: a self-signed key naming the lab, protected by a password typed twice."""

    def __init__(self, ctx: Context, replaces: labkey.KeyInfo | None = None, parent: QWidget | None = None) -> None:
        text = self.tr("A new key is generated for the lab: its certificate names the lab and its CMA number. It "
                       "becomes the active key and signs every document issued from now on.")
        if replaces is not None:
            text += "\n" + self.tr("It replaces %1; documents signed with earlier keys can still be verified."
                                   ).replace("%1", replaces.subject)
        text += "\n" + self.tr("The password protects the key in the database and cannot be recovered: everyone "
                               "who issues documents needs it.")
        super().__init__(self.tr("Generate a signing key"), text, self.tr("Generate"), parent)
        self.ctx = ctx
        self.created: labkey.KeyInfo | None = None
        self.warning = ""  # set when the key was created but the keyring refused the password
        self.setMinimumWidth(540)
        self.info.setWordWrap(True)
        self.error.setWordWrap(True)
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password2 = QLineEdit()
        self.password2.setObjectName("password2")
        self.password2.setEchoMode(QLineEdit.EchoMode.Password)
        self.remember = remember_box()
        self.form.addRow(self.tr("Key password (at least %1 characters)").replace("%1", str(labkey.MIN_PASSWORD)),
                         self.password)
        self.form.addRow(self.tr("Password again"), self.password2)
        self.form.addRow("", self.remember)
        self.errors.widgets.update({"password": self.password, "password2": self.password2})
        self.submitted.connect(self._create)
        self.password.setFocus()

    def check(self) -> dict[str, str]:
        if len(self.password.text()) < labkey.MIN_PASSWORD:
            return {"password": self.tr("The key's password needs at least %1 characters.")
                    .replace("%1", str(labkey.MIN_PASSWORD))}
        if self.password.text() != self.password2.text():
            return {"password2": self.tr("The two passwords differ.")}
        return {}

    def _create(self) -> None:
        run_op(labkey.create_key, self.ctx, self.password.text(), remember=self.remember.isChecked(),
               on_done=self._done, on_error=self._failed)

    def _done(self, info: labkey.KeyInfo) -> None:
        self.created = info
        bus.changed.emit({"labkey"})
        if alive(self):
            self.finish()

    def _failed(self, exc: BaseException) -> None:
        if not alive(self):
            return
        if isinstance(exc, CredentialsStoreError):  # the key exists and is unlocked; only not remembered
            self.warning = not_remembered_text(exc)
            bus.changed.emit({"labkey"})
            self.finish()
            return
        self.fail(exc)


class ImportKeyDialog(StepDialog):
    """导入证书: a CA-issued PKCS#12 file (.p12/.pfx) and its password."""

    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(
            self.tr("Import a certificate"),
            self.tr("Import the lab's certificate with its private key, as issued by a certification authority "
                    "(PKCS#12, .p12 or .pfx). It becomes the active key; the file's password also protects it in "
                    "the database."),
            self.tr("Import"), parent)
        self.ctx = ctx
        self.imported: labkey.KeyInfo | None = None
        self.warning = ""
        self.setMinimumWidth(560)
        self.info.setWordWrap(True)
        self.error.setWordWrap(True)
        row = QWidget()
        rl = QHBoxLayout(row)
        rl.setContentsMargins(0, 0, 0, 0)
        self.path = QLineEdit()
        self.path.setObjectName("file")
        self.path.setPlaceholderText(self.tr("certificate file (.p12, .pfx)"))
        self.browse = QPushButton(self.tr("Choose…"))
        self.browse.setObjectName("browse")
        self.browse.clicked.connect(self.choose_file)
        rl.addWidget(self.path, 1)
        rl.addWidget(self.browse)
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.remember = remember_box()
        self.form.addRow(self.tr("Certificate file"), row)
        self.form.addRow(self.tr("Password of the file"), self.password)
        self.form.addRow("", self.remember)
        self.errors.widgets.update({"file": self.path, "password": self.password})
        self.submitted.connect(self._import)
        self.path.setFocus()

    def ask_open_path(self) -> str:
        start = str(settings().value("settings/last_dir", "") or "")
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Choose the certificate file"), start,
                                              self.tr("PKCS#12 certificates (*.p12 *.pfx);;All files (*)"))
        if path:
            settings().setValue("settings/last_dir", str(Path(path).parent))
        return path

    def choose_file(self) -> None:
        path = self.ask_open_path()
        if path:
            self.path.setText(path)

    def check(self) -> dict[str, str]:
        if not self.path.text().strip():
            return {"file": self.tr("Choose the certificate file.")}
        if not self.password.text():
            return {"password": self.tr("Type the password of the certificate file.")}
        return {}

    def _import(self) -> None:
        run_op(_import_file, self.ctx, self.path.text().strip(), self.password.text(),
               remember=self.remember.isChecked(), on_done=self._done, on_error=self._failed)

    def _done(self, info: labkey.KeyInfo) -> None:
        self.imported = info
        bus.changed.emit({"labkey"})
        if alive(self):
            self.finish()

    def _failed(self, exc: BaseException) -> None:
        if not alive(self):
            return
        if isinstance(exc, CredentialsStoreError):
            self.warning = not_remembered_text(exc)
            bus.changed.emit({"labkey"})
            self.finish()
            return
        self.fail(exc)


def _import_file(ctx: Context, path: str, password: str, *, remember: bool) -> labkey.KeyInfo:
    """Read the certificate file (a worker's job) and import it."""
    p = Path(path)
    try:
        if not p.is_file():
            raise ValidationError({"file": f"找不到证书文件：{path}"})
        if p.stat().st_size > MAX_CERTIFICATE_BYTES:
            raise ValidationError({"file": "证书文件过大（超过 1 MB），不是 PKCS#12 证书。"})
        data = p.read_bytes()
    except OSError as exc:
        raise ValidationError({"file": f"无法读取证书文件 {path}：{exc.strerror or exc}"}) from exc
    return labkey.import_key(ctx, data, password, remember=remember)


def _load_keys(ctx: Context) -> list[labkey.KeyInfo]:
    """The lab's keys, once the active one is unlocked where that needs no question (the demo key, a
    password remembered in the keyring or set in the environment), so that 本机状态 is what signing finds."""
    labkey.ensure_unlocked(ctx)
    return labkey.list_keys(ctx)


class SigningKeyTab(QWidget):
    """The 签章密钥 tab of the settings page."""

    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        # generate / import: the permission model, as the signing-key service decides it
        self.allowed = permissions.signing_key_actions(ctx.user)
        self.keys: list[labkey.KeyInfo] = []
        self.active: labkey.KeyInfo | None = None
        self.loaded = 0
        self.dialog: StepDialog | None = None
        outer = QVBoxLayout(self)
        intro = QLabel(self.tr("Test reports, notices, analysis reports and export packages are signed with the "
                               "lab's signing key when they are issued, so that anyone can verify that a document "
                               "came from the lab unchanged."))
        intro.setWordWrap(True)
        outer.addWidget(intro)

        box = QGroupBox(self.tr("Active signing key"))
        box.setObjectName("active_key")
        bl = QVBoxLayout(box)
        self.none_label = QLabel(self.tr("The lab has no signing key yet: documents are issued unsigned (marked "
                                         "未签名). An administrator can generate a key or import a certificate."))
        self.none_label.setObjectName("no_key")
        self.none_label.setWordWrap(True)
        self.none_label.setStyleSheet(style.WARNING_TEXT)
        bl.addWidget(self.none_label)
        self.details = QWidget()
        form = QFormLayout(self.details)
        form.setContentsMargins(0, 0, 0, 0)
        self.subject = QLabel()
        self.subject.setObjectName("subject")
        self.subject.setWordWrap(True)
        self.subject.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.kind = QLabel()
        self.kind.setObjectName("kind")
        self.validity = QLabel()
        self.validity.setObjectName("validity")
        self.fingerprint = QLabel()
        self.fingerprint.setObjectName("fingerprint")
        self.fingerprint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.state = QLabel()
        self.state.setObjectName("unlocked")
        self.state.setWordWrap(True)
        form.addRow(self.tr("Holder"), self.subject)
        form.addRow(self.tr("Kind"), self.kind)
        form.addRow(self.tr("Valid"), self.validity)
        form.addRow(self.tr("Fingerprint (SHA-256)"), self.fingerprint)
        form.addRow(self.tr("On this computer"), self.state)
        bl.addWidget(self.details)
        self.demo_warning = QLabel(self.tr("This is a demo key (演示): documents it signs are marked as demonstrations "
                                           "and must not be used as real reports. Generate the lab's own key or "
                                           "import its certificate before issuing real reports."))
        self.demo_warning.setObjectName("demo_warning")
        self.demo_warning.setWordWrap(True)
        self.demo_warning.setStyleSheet(DEMO_STYLE)
        bl.addWidget(self.demo_warning)
        outer.addWidget(box)

        row = QHBoxLayout()
        self.create_button = QPushButton(self.tr("Generate key…"))
        self.create_button.setObjectName("create_key")
        self.create_button.clicked.connect(lambda: self.create_key())
        self.import_button = QPushButton(self.tr("Import certificate…"))
        self.import_button.setObjectName("import_key")
        self.import_button.clicked.connect(lambda: self.import_key())
        self.unlock_button = QPushButton(self.tr("Unlock…"))
        self.unlock_button.setObjectName("unlock_key")
        self.unlock_button.clicked.connect(lambda: self.unlock_key())
        for b in (self.create_button, self.import_button, self.unlock_button):
            row.addWidget(b)
        self.status = QLabel()
        self.status.setObjectName("status")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        row.addWidget(self.status, 1)
        outer.addLayout(row)
        for button, action, tip in (
            (self.create_button, "generate", self.tr("Generate a self-signed key naming the lab and its CMA number")),
            (self.import_button, "import", self.tr("Import a certificate issued by a certification authority "
                                                   "(.p12/.pfx)")),
        ):
            button.setEnabled(self.allowed.allowed(action))
            button.setToolTip(tip if self.allowed.allowed(action) else self.allowed.reason(action))

        earlier = QGroupBox(self.tr("Earlier keys"))
        earlier.setObjectName("earlier_keys")
        el = QVBoxLayout(earlier)
        note = QLabel(self.tr("Kept so that documents they signed can still be verified; they sign nothing new."))
        note.setWordWrap(True)
        note.setStyleSheet(style.MUTED_TEXT)
        el.addWidget(note)
        self.table = make_table([self.tr("Holder"), self.tr("Kind"), self.tr("Valid from"), self.tr("Valid until"),
                                 self.tr("Fingerprint")], "settings/keys", stretch=0,
                                widths=[420, 130, 100, 100, 170])
        self.table.setObjectName("keys")
        el.addWidget(self.table, 1)
        outer.addWidget(earlier, 1)
        for w in (self.none_label, self.details, self.demo_warning):
            w.hide()  # until the keys are loaded
        self.unlock_button.setEnabled(False)
        bus.changed.connect(self._changed)

    # ------------------------------------------------------------------ loading
    def showEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        if not self.loaded:
            self.refresh()

    def refresh(self) -> None:
        run_op(_load_keys, self.ctx, on_done=self._show,
               on_error=lambda exc: alive(self) and self._failed(exc))

    def _changed(self, kinds) -> None:
        if alive(self) and {"labkey", "lab"} & set(kinds or ()):
            self.refresh()

    def _show(self, keys: list[labkey.KeyInfo]) -> None:
        if not alive(self):
            return
        self.loaded += 1
        self.keys = keys
        self.active = next((k for k in keys if k.active), None)
        k = self.active
        self.none_label.setVisible(k is None)
        self.details.setVisible(k is not None)
        self.demo_warning.setVisible(k is not None and k.demo)
        self.unlock_button.setEnabled(k is not None)
        if k is None:
            self.unlock_button.setToolTip(self.tr("The lab has no signing key to unlock."))
        else:
            self.subject.setText(k.subject)
            self.kind.setText(key_kind(k))
            self.kind.setStyleSheet(DEMO_STYLE if k.demo else "")
            self.validity.setText(self.tr("%1 to %2").replace("%1", _day(k.not_before)).replace("%2", _day(k.not_after)))
            self.fingerprint.setText(_short_fingerprint(k.fingerprint))
            self.fingerprint.setToolTip(k.fingerprint)
            if k.unlocked:
                self.state.setText(self.tr("Unlocked: documents issued here are signed with it."))
                self.state.setStyleSheet(OK_STYLE)
                self.unlock_button.setToolTip(self.tr("Unlocked already; unlock again to remember the password "
                                                      "on this computer"))
            else:
                self.state.setText(self.tr("Locked: its password is asked for before the next document is "
                                           "issued."))
                self.state.setStyleSheet(style.WARNING_TEXT)
                self.unlock_button.setToolTip(self.tr("Type the key's password to unlock it on this computer"))
        earlier = [e for e in keys if not e.active]
        fill_table(self.table, [(e.id, [e.subject, key_kind(e), _day(e.not_before), _day(e.not_after),
                                        _short_fingerprint(e.fingerprint)]) for e in earlier])
        for r, e in enumerate(earlier):
            for c in range(self.table.columnCount()):
                self.table.item(r, c).setForeground(style.brush(style.INACTIVE))
            self.table.item(r, 4).setToolTip(e.fingerprint)

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, RiskmonError):
            self.show_status(exc.message, error=True)
        else:
            widgets.show_error(self, exc)

    def show_status(self, text: str, *, error: bool = False, warning: bool = False) -> None:
        self.status.setText(text)
        self.status.setStyleSheet(style.ERROR_TEXT if error else style.WARNING_TEXT if warning else "")

    # ------------------------------------------------------------------ actions
    def _open(self, dialog: StepDialog, done) -> StepDialog:
        self.dialog = dialog
        self.status.clear()

        def finished(result: int) -> None:
            if self.dialog is dialog:
                self.dialog = None
            if result and alive(self):
                done(dialog)

        dialog.finished.connect(finished)
        dialog.open()
        return dialog

    def create_key(self) -> CreateKeyDialog | None:
        if not self.allowed.allowed("generate"):
            self.show_status(self.allowed.reason("generate"), error=True)
            return None
        return self._open(CreateKeyDialog(self.ctx, self.active, self), self._created)

    def _created(self, dialog: CreateKeyDialog) -> None:
        if dialog.warning:
            self.show_status(self.tr("The signing key was generated and is the active key.") + " " + dialog.warning,
                             warning=True)
        else:
            self.show_status(self.tr("The signing key was generated and is the active key."))

    def import_key(self) -> ImportKeyDialog | None:
        if not self.allowed.allowed("import"):
            self.show_status(self.allowed.reason("import"), error=True)
            return None
        return self._open(ImportKeyDialog(self.ctx, self), self._imported)

    def _imported(self, dialog: ImportKeyDialog) -> None:
        text = self.tr("The certificate was imported and is the active key.")
        self.show_status(text + (" " + dialog.warning if dialog.warning else ""), warning=bool(dialog.warning))

    def unlock_key(self) -> UnlockKeyDialog | None:
        if self.active is None:
            self.show_status(self.tr("The lab has no signing key to unlock."), error=True)
            return None
        return self._open(UnlockKeyDialog(self.ctx, self.active, self), self._unlocked)

    def _unlocked(self, dialog: UnlockKeyDialog) -> None:
        if dialog.unlocked is not None and dialog.remember.isChecked():
            self.show_status(self.tr("The signing key is unlocked; its password is remembered on this computer."))
        elif dialog.warning:
            self.show_status(dialog.warning, warning=True)
        else:
            self.show_status(self.tr("The signing key is unlocked until Riskmon is closed."))
