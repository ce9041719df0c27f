"""The lab's signing key (签章密钥), asked for once per session, just before a document is signed.

Pages call :func:`ensure_key_unlocked` right before a service call that issues a document (approving
a report, issuing notices, exporting a task package): when the lab has a key this workstation has not
unlocked, :class:`UnlockKeyDialog` asks for its password (optionally remembered in the system
keyring) and the call goes ahead only once the key is unlocked; cancelling does nothing. A lab
without a key, or a key already unlocked, goes ahead at once.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QCheckBox, QLabel, QLineEdit, QWidget

from app.errors import CredentialsStoreError, RiskmonError
from app.services import labkey
from app.services.context import Context
from app.ui import style
from app.ui.dialogs.steps import StepDialog
from app.ui.dialogs.task_dialogs import alive
from app.ui.ops import bus, run_op
from app.ui.widgets import show_error


def remember_box(parent: QWidget | None = None) -> QCheckBox:
    """在本机记住密码: keep the key's password in this computer's keyring."""
    box = QCheckBox(QCoreApplication.translate("SigningKey", "Remember the password on this computer"), parent)
    box.setObjectName("remember")
    box.setToolTip(QCoreApplication.translate(
        "SigningKey", "The password is kept in the system keyring of this computer (never in the database); the "
        "key is then unlocked without asking. Leave it off on a shared computer."))
    return box


def not_remembered_text(exc: BaseException) -> str:
    """The key is unlocked, but the keyring refused the password."""
    message = getattr(exc, "message", "") or str(exc)
    # the keyring's messages are written for the provincial-system password
    message = message.replace("省级系统密码", "签章密钥的密码")
    return QCoreApplication.translate("SigningKey", "%1 The key is unlocked for this session only.").replace(
        "%1", message)


class UnlockKeyDialog(StepDialog):
    """解锁签章密钥: the key's password and 在本机记住密码. Runs :func:`labkey.unlock` itself; a wrong
    password is shown under the field and nothing typed is lost. Tests fill :attr:`password` and
    :attr:`remember` and call ``submit()``; :attr:`unlocked` is the key once unlocked."""

    def __init__(self, ctx: Context, key: labkey.KeyInfo | None = None, parent: QWidget | None = None, *,
                 reason: str = "") -> None:
        super().__init__(self.tr("Unlock the signing key"), "", self.tr("Unlock"), parent)
        self.ctx = ctx
        self.unlocked: labkey.KeyInfo | None = None
        self._remember_failed = False
        self.warning = ""  # unlocked, but the keyring did not keep the password
        self.setObjectName("unlock_key")
        self.setMinimumWidth(520)
        text = self.tr("Documents the lab issues are signed with its signing key. Type the key's password to "
                       "unlock it on this computer until Riskmon is closed.")
        if reason:
            text = reason + "\n" + text
        self.info.setText(text)
        if key is not None:
            subject = QLabel(key.label)
            subject.setObjectName("key_subject")
            subject.setWordWrap(True)
            self.form.addRow(self.tr("Signing key"), subject)
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.form.addRow(self.tr("Key password"), self.password)
        self.remember = remember_box()
        self.form.addRow("", self.remember)
        self.error.setWordWrap(True)
        self.errors.widgets.update({"password": self.password})
        self.submitted.connect(self._unlock)
        self.password.setFocus()

    def submit(self) -> None:
        if self._remember_failed:  # unlocked already; the keyring only refused to keep the password
            self.finish()
            return
        super().submit()

    def check(self) -> dict[str, str]:
        if not self.password.text():
            return {"password": self.tr("Type the password of the signing key.")}
        return {}

    def _unlock(self) -> None:
        run_op(labkey.unlock, self.ctx, self.password.text(), remember=self.remember.isChecked(),
               on_done=self._done, on_error=self._failed)

    def _done(self, info: labkey.KeyInfo) -> None:
        self.unlocked = info
        bus.changed.emit({"labkey"})
        if alive(self):
            self.finish()

    def _failed(self, exc: BaseException) -> None:
        if not alive(self):
            return
        if isinstance(exc, CredentialsStoreError):
            # labkey.unlock keeps the key unlocked before it asks the keyring to remember the password
            self._remember_failed = True
            bus.changed.emit({"labkey"})
            self.remember.setChecked(False)
            self.remember.setEnabled(False)
            self.password.setEnabled(False)
            self.ok.setEnabled(True)
            self.ok.setText(self.tr("Continue"))
            self.warning = not_remembered_text(exc)
            self.error.setStyleSheet(style.WARNING_TEXT)
            self.error.setText(self.warning)
            return
        if isinstance(exc, RiskmonError):
            self.password.selectAll()
        self.fail(exc)


def current_dialog(parent: QWidget) -> UnlockKeyDialog | None:
    """The unlock dialog open over ``parent`` (tests reach it here)."""
    shown = [d for d in parent.findChildren(UnlockKeyDialog) if d.isVisible()]
    return shown[-1] if shown else None


def _locked_key(ctx: Context) -> tuple[bool, labkey.KeyInfo | None]:
    """(ready to sign, the locked key to ask for)."""
    if labkey.ensure_unlocked(ctx):
        return True, None
    return False, labkey.key_status(ctx)


def ensure_key_unlocked(ctx: Context, parent: QWidget, proceed: Callable[[], None],
                        cancelled: Callable[[], None] | None = None, *, reason: str = "") -> None:
    """Call ``proceed()`` once documents can be signed: at once when the lab has no key or the key
    is unlocked, else after the user unlocked it in :class:`UnlockKeyDialog` (asked once per
    session). Cancelling, or an error checking the key, calls ``cancelled()`` instead (if given)."""

    def checked(result: tuple[bool, labkey.KeyInfo | None]) -> None:
        if not alive(parent):
            return
        ready, key = result
        if ready:
            proceed()
            return
        dialog = UnlockKeyDialog(ctx, key, parent, reason=reason)
        dialog.accepted.connect(proceed)
        if cancelled is not None:
            dialog.rejected.connect(cancelled)
        dialog.finished.connect(lambda _r: dialog.deleteLater())
        dialog.open()

    def failed(exc: BaseException) -> None:
        if cancelled is not None:
            cancelled()
        if alive(parent):
            show_error(parent, exc)

    run_op(_locked_key, ctx, on_done=checked, on_error=failed)
