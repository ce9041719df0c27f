"""登录 and first start (create the administrator or load the demo lab)."""

from __future__ import annotations

import sys
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
)

from app.errors import RiskmonError, ValidationError
from app.services.context import CurrentUser
from app.ui import style
from app.ui.ops import run_op


class LoginDialog(QDialog):
    """User name and password; ``authenticate(username, password) -> CurrentUser`` may raise.

    The check runs on a worker (argon2 takes a noticeable moment of CPU), the dialog stays
    responsive and takes no second press meanwhile; ``prepare()``, if given, runs once on the GUI
    thread while the first check is under way (e.g. loading the main window's code)."""

    def __init__(self, authenticate: Callable[[str, str], CurrentUser], lab_name: str = "", parent=None,
                 prepare: Callable[[], None] | None = None) -> None:
        super().__init__(parent)
        self._authenticate = authenticate
        self._prepare = prepare
        self._checking = False
        self.user: CurrentUser | None = None
        self.setWindowTitle(self.tr("Sign in — Riskmon"))
        self.setMinimumWidth(380)
        layout = QVBoxLayout(self)
        title = QLabel(self.tr("Product quality safety risk monitoring workstation"))
        title.setStyleSheet(style.LOGIN_TITLE)
        layout.addWidget(title)
        if lab_name:
            layout.addWidget(QLabel(lab_name))
        form = QFormLayout()
        self.username = QLineEdit()
        self.username.setObjectName("username")
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(self.tr("User name"), self.username)
        form.addRow(self.tr("Password"), self.password)
        layout.addLayout(form)
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setStyleSheet(style.ERROR_TEXT)
        self.error.setWordWrap(True)
        layout.addWidget(self.error)
        buttons = QDialogButtonBox()
        self.ok = buttons.addButton(self.tr("Sign in"), QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.tr("Quit"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self._try)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.username.setFocus()

    def _try(self) -> None:
        if self._checking:
            return
        self._checking = True
        self.ok.setEnabled(False)
        self.setCursor(Qt.CursorShape.BusyCursor)
        run_op(self._authenticate, self.username.text().strip(), self.password.text(),
               on_done=self._signed_in, on_error=self._refused)
        prepare, self._prepare = self._prepare, None
        if prepare is not None:
            prepare()

    def _checked(self) -> None:
        self._checking = False
        self.ok.setEnabled(True)
        self.unsetCursor()

    def _signed_in(self, user: CurrentUser) -> None:
        self._checked()
        self.user = user
        self.accept()

    def _refused(self, exc: BaseException) -> None:
        self._checked()
        if not isinstance(exc, RiskmonError):
            sys.excepthook(type(exc), exc, exc.__traceback__)
            return
        self.error.setText(exc.message)
        self.password.selectAll()
        self.password.setFocus()


class FirstRunDialog(QDialog):
    """A new, empty lab database: create the administrator account, or load the demo lab."""

    CREATE, DEMO = 1, 2

    def __init__(
        self,
        create_admin: Callable[[str, str, str], CurrentUser],
        load_demo: Callable[[], CurrentUser],
        parent=None,
    ) -> None:
        super().__init__(parent)
        self._create_admin = create_admin
        self._load_demo = load_demo
        self.user: CurrentUser | None = None
        self.setWindowTitle(self.tr("Welcome to Riskmon"))
        self.setMinimumWidth(460)
        layout = QVBoxLayout(self)
        intro = QLabel(
            self.tr(
                "This lab database is new. Create the administrator account to start, "
                "or load the demo lab to try the program."
            )
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.username = QLineEdit("admin")
        self.username.setObjectName("username")
        self.display_name = QLineEdit()
        self.display_name.setObjectName("display_name")
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password2 = QLineEdit()
        self.password2.setObjectName("password2")
        self.password2.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(self.tr("User name"), self.username)
        form.addRow(self.tr("Full name"), self.display_name)
        form.addRow(self.tr("Password (at least 8 characters)"), self.password)
        form.addRow(self.tr("Password again"), self.password2)
        layout.addLayout(form)
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setStyleSheet(style.ERROR_TEXT)
        self.error.setWordWrap(True)
        layout.addWidget(self.error)
        buttons = QDialogButtonBox()
        self.create_button = QPushButton(self.tr("Create administrator"))
        self.create_button.setObjectName("create")
        self.demo_button = QPushButton(self.tr("Load the demo lab"))
        self.demo_button.setObjectName("demo")
        buttons.addButton(self.create_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.demo_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.tr("Quit"), QDialogButtonBox.ButtonRole.RejectRole)
        self.create_button.clicked.connect(self._create)
        self.demo_button.clicked.connect(self._demo)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _create(self) -> None:
        if self.password.text() != self.password2.text():
            self.error.setText(self.tr("The two passwords differ."))
            return
        try:
            self.user = self._create_admin(
                self.username.text().strip(), self.display_name.text().strip(), self.password.text()
            )
        except ValidationError as exc:
            self.error.setText(exc.message)
            return
        self.accept()

    def _demo(self) -> None:
        answer = QMessageBox.question(
            self,
            self.tr("Load the demo lab"),
            self.tr("Fill this database with a fictional demo lab? You will be signed in as its administrator."),
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.setCursor(Qt.CursorShape.WaitCursor)
        try:
            self.user = self._load_demo()
        except RiskmonError as exc:
            self.error.setText(exc.message)
            return
        finally:
            self.unsetCursor()
        self.accept()
