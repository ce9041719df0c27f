"""上报同步: the uploads of final results and analysis reports to 湖北省产品质量安全监督管理信息系统
(Article 18 ¶1) — every queued item (one per approved report: a test report's results with its
notices, notices issued later, the task's analysis report) with its content, report and sample,
its state, attempts, next attempt, last error and the province's receipt number; retry, cancel,
export for upload by hand through the provincial portal and confirm it; "sync now"; and the
background uploader that sends approvals as they happen. An item superseded by an amending report
is listed greyed with the reason, and nothing can be done with it."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QAction, QBrush, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.errors import ConflictError, RiskmonError
from app.services import permissions, upload
from app.services.context import Context
from app.services.upload import KeyringStatus
from app.ui import style
from app.ui.application import settings
from app.ui.dialogs.export_notice import confirm_export
from app.ui.ops import bus, run_op
from app.ui.sync_runner import SyncRunner
from app.ui.widgets import confirm, remember_columns, show_error, title_label

log = logging.getLogger(__name__)

STATE_COLOURS = {
    "accepted": style.colour(style.PASS),
    "delivered_by_hand": style.colour(style.DELIVERED_BY_HAND),
    "retry": style.colour(style.PENDING),
    "attention": style.colour(style.FAIL),
    "sending": style.colour(style.SENDING),
    "cancelled": style.colour(style.CANCELLED),
    "superseded": style.colour(style.NEUTRAL),
}
SUPERSEDED_TEXT = style.colour(style.SUPERSEDED)


def _alive(obj: QObject) -> bool:
    try:
        import shiboken6

        return shiboken6.isValid(obj)
    except ImportError:  # pragma: no cover - shiboken6 ships with PySide6
        return True


def _when(value: dt.datetime | None) -> str:
    return f"{value:%Y-%m-%d %H:%M}" if value else ""


def _short_when(value: dt.datetime | None) -> str:
    """Month, day and time, for the list (the year is in the tooltip)."""
    return f"{value:%m-%d %H:%M}" if value else ""


def _colour_key(row: upload.UploadRow) -> str | None:
    if row.state == "failed":
        return "attention" if row.needs_attention else "retry"
    return row.state if row.state in STATE_COLOURS else None


class PasswordPrompt(QDialog):
    """Asks for the provincial password once per session; offers to keep it in the OS keyring when
    this machine has a secure one (and the user may), and says so when it has not."""

    def __init__(self, username: str, url: str, reason: str, keyring: KeyringStatus | None, can_save: bool,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Password of the provincial system"))
        self.setMinimumWidth(480)
        layout = QVBoxLayout(self)
        intro = QLabel(self.tr("Uploads to the provincial information system need the lab's account. The password "
                               "is kept in memory until Riskmon closes."))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.reason = QLabel(reason)
        self.reason.setObjectName("reason")
        self.reason.setWordWrap(True)
        self.reason.setStyleSheet(style.WARNING_TEXT)
        self.reason.setVisible(bool(reason))
        layout.addWidget(self.reason)
        form = QFormLayout()
        account = QLabel(f"{username}（{url}）" if url else username)
        account.setObjectName("account")
        account.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow(self.tr("Account"), account)
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(self.tr("Password"), self.password)
        layout.addLayout(form)
        self.save = QCheckBox(self.tr("Save in the system keyring of this computer"))
        self.save.setObjectName("save")
        layout.addWidget(self.save)
        self.keyring_note = QLabel()
        self.keyring_note.setObjectName("keyring_note")
        self.keyring_note.setWordWrap(True)
        self.keyring_note.setStyleSheet(style.WARNING_TEXT)
        layout.addWidget(self.keyring_note)
        self.set_saving(keyring, can_save)
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setStyleSheet(style.ERROR_TEXT)
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.password.setFocus()

    def set_saving(self, keyring: KeyringStatus | None, can_save: bool) -> None:
        """Whether the password may be kept in the keyring: this machine has a secure one and the
        user may (also once the page has read it, when the dialog opened first)."""
        available = keyring is not None and keyring.available
        self.save.setEnabled(available and can_save)
        if not self.save.isEnabled():
            self.save.setChecked(False)
        if not available:
            self.keyring_note.setText(keyring.message if keyring is not None and keyring.message else
                                      self.tr("The system keyring cannot be used: the password is not saved."))
        elif not can_save:
            self.keyring_note.setText(self.tr("Only an administrator can save the password in the keyring."))
        else:
            self.keyring_note.setText("")
        self.keyring_note.setVisible(bool(self.keyring_note.text()))

    @property
    def password_text(self) -> str:
        return self.password.text()

    def accept(self) -> None:
        if not self.password.text():
            self.error.setText(self.tr("Enter the password."))
            return
        super().accept()


class HandDeliveryDialog(QDialog):
    """Confirms that a package was uploaded by hand through the provincial web portal."""

    def __init__(self, row: upload.UploadRow, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.row = row
        self.setWindowTitle(self.tr("Confirm upload by hand"))
        self.setMinimumWidth(460)
        layout = QVBoxLayout(self)
        text = QLabel(self.tr("Confirm that this package was uploaded through the web portal of the provincial "
                              "system. It will no longer be sent online."))
        text.setWordWrap(True)
        layout.addWidget(text)
        form = QFormLayout()
        form.addRow(self.tr("Task"), QLabel(row.task_number))
        form.addRow(self.tr("Content"), QLabel(row.kind_label))
        self.receipt = QLineEdit()
        self.receipt.setObjectName("receipt")
        self.receipt.setMaxLength(100)
        self.receipt.setPlaceholderText(self.tr("As shown by the portal, if it gave one"))
        form.addRow(self.tr("Receipt no."), self.receipt)
        layout.addLayout(form)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.receipt.setFocus()


class SyncPage(QWidget):
    #: the list's columns, in order (tests find cells by these names)
    COLUMNS = ("id", "task", "kind", "report", "sample", "state", "attempts", "when", "receipt", "notes")

    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.view: upload.SyncOverview | None = None
        self.rows: list[upload.UploadRow] = []
        self.conn: upload.Connection | None = None
        self.loaded = False
        self.password_dialog: PasswordPrompt | None = None
        self.hand_dialog: HandDeliveryDialog | None = None
        self._asked_automatically = False  # the background run asks for the password once per session
        self._user_started = False  # the last start came from the user: a refusal asks again
        self._after_password: list = []
        self._syncing = False
        self._watching: QObject | None = None
        self.runner = SyncRunner(ctx)

        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(title_label(self.tr("Upload to the provincial system")))
        top.addStretch(1)
        self.which = QComboBox()
        self.which.setObjectName("which")
        for key, text in (("all", self.tr("All")), ("open", self.tr("Not yet delivered")),
                          ("attention", self.tr("Needs attention")), ("done", self.tr("Done"))):
            self.which.addItem(text, key)
        saved = str(settings().value("sync/which", "all") or "all")
        self.which.setCurrentIndex(max(0, self.which.findData(saved)))
        self.which.setStatusTip(self.tr("Which uploads to list"))
        top.addWidget(self.which)
        self.filter = QLineEdit(str(settings().value("sync/filter", "") or ""))
        self.filter.setObjectName("filter")
        self.filter.setClearButtonEnabled(True)
        self.filter.setMinimumWidth(220)
        self.filter.setPlaceholderText(self.tr("Task, report, sample or receipt no."))
        self.filter.setStatusTip(self.tr("Show the uploads whose task, report, sample or receipt number (or content) matches"))
        top.addWidget(self.filter)
        layout.addLayout(top)

        note = QLabel(self.tr("Final results and analysis reports are also uploaded to the Hubei product quality "
                              "safety supervision information system (Article 18). Approving a report queues it "
                              "here: a test report with its sample's notices, or the task's analysis report; each "
                              "is recorded once by the province, however often it is sent."))
        note.setWordWrap(True)
        note.setStyleSheet(style.MUTED_TEXT)
        layout.addWidget(note)
        self.connection_label = QLabel()
        self.connection_label.setObjectName("connection")
        self.connection_label.setWordWrap(True)
        self.connection_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.connection_label)
        self.keyring_label = QLabel()
        self.keyring_label.setObjectName("keyring")
        self.keyring_label.setWordWrap(True)
        self.keyring_label.setStyleSheet(style.WARNING_TEXT)
        self.keyring_label.hide()
        layout.addWidget(self.keyring_label)
        self.runner_label = QLabel()
        self.runner_label.setObjectName("runner_state")
        self.runner_label.setWordWrap(True)
        layout.addWidget(self.runner_label)

        buttons = QHBoxLayout()
        self.sync_button = self._button("sync_now", self.tr("Sync now"), "Ctrl+U",
                                        self.tr("Send everything that is due to the provincial system now"),
                                        self.sync_now, buttons)
        self.retry_button = self._button("retry", self.tr("Retry"), "Ctrl+R",
                                         self.tr("Send the selected upload again at once"), self.retry, buttons)
        self.cancel_button = self._button("cancel", self.tr("Cancel upload"), "Ctrl+Shift+Del",
                                          self.tr("Take the selected upload out of the queue"), self.cancel, buttons)
        self.export_button = self._button("export", self.tr("Export for upload by hand…"), "Ctrl+E",
                                          self.tr("Write the package to a folder, to upload it through the "
                                                  "provincial web portal"), self.export, buttons)
        self.confirm_button = self._button("confirm_hand", self.tr("Confirm upload by hand…"), "Ctrl+D",
                                           self.tr("Record that the package was uploaded through the portal, with "
                                                   "its receipt number"), self.confirm_hand, buttons)
        self.password_button = self._button("password", self.tr("Password…"), None,
                                            self.tr("Enter the password of the provincial system for this session"),
                                            lambda: self.ask_password("", user=True), buttons)
        buttons.addStretch(1)
        layout.addLayout(buttons)

        split = QSplitter(Qt.Orientation.Vertical)
        self.table = QTableWidget(0, len(self.COLUMNS))
        self.table.setObjectName("uploads")
        self.table.setHorizontalHeaderLabels(
            [self.tr("No."), self.tr("Task"), self.tr("Content"), self.tr("Report no."), self.tr("Sample no."),
             self.tr("State"), self.tr("Tries"), self.tr("Time"), self.tr("Receipt no."),
             self.tr("Last error / note")]
        )
        for c, tip in ((self.COLUMNS.index("attempts"), self.tr("Attempts")),
                       (self.COLUMNS.index("when"), self.tr("The next attempt while waiting; the time the province "
                                                            "accepted it once accepted"))):
            self.table.horizontalHeaderItem(c).setToolTip(tip)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        # widths for typical contents in this font, so that the list fits a 1280-pixel window; the last
        # column (error or note) takes the rest, and every cell has its full text as a tooltip
        fm = self.table.fontMetrics()
        for c, sample in enumerate(("9999", "HBFX-2026-DQ-01", "分析报告", "2026-BG-00001", "HBFX-2026-DQ-01-0004",
                                    "失败，需人工处理", "次数", "11-30 08:10", "HBJG-2026-900001")):
            self.table.setColumnWidth(c, fm.horizontalAdvance(sample) + 16)
        header.setStretchLastSection(True)
        remember_columns(header, "sync/uploads")  # not "sync/list": that held the widths of fewer columns
        split.addWidget(self.table)

        detail = QGroupBox(self.tr("Selected upload"))
        form = QFormLayout(detail)
        self.detail_state = QLabel()
        self.detail_state.setObjectName("detail_state")
        self.detail_report = QLabel()
        self.detail_report.setObjectName("detail_report")
        self.detail_receipt = QLabel()
        self.detail_receipt.setObjectName("detail_receipt")
        self.detail_key = QLabel()
        self.detail_key.setObjectName("detail_key")
        self.detail_error = QLabel()
        self.detail_error.setObjectName("detail_error")
        self.detail_note = QLabel()
        self.detail_note.setObjectName("detail_note")
        for w in (self.detail_state, self.detail_report, self.detail_receipt, self.detail_key, self.detail_error,
                  self.detail_note):
            w.setWordWrap(True)
            w.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow(self.tr("State"), self.detail_state)
        form.addRow(self.tr("Approved report"), self.detail_report)
        form.addRow(self.tr("Receipt no."), self.detail_receipt)
        form.addRow(self.tr("Upload key"), self.detail_key)
        form.addRow(self.tr("Last error"), self.detail_error)
        form.addRow(self.tr("Note"), self.detail_note)
        form.setRowVisible(self.detail_note, False)
        self.detail_form = form
        split.addWidget(detail)
        split.setStretchFactor(0, 4)
        split.setStretchFactor(1, 1)
        layout.addWidget(split, 1)

        bottom = QHBoxLayout()
        self.counts_label = QLabel()
        self.counts_label.setObjectName("counts")
        bottom.addWidget(self.counts_label, 1)
        layout.addLayout(bottom)
        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.message)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(250)
        self._timer.timeout.connect(self.refresh)
        self.filter.textEdited.connect(lambda _t: self._timer.start())
        self.filter.returnPressed.connect(self.refresh)
        self.which.currentIndexChanged.connect(lambda _i: self.refresh())
        self.table.currentCellChanged.connect(lambda *_: self._show_detail())
        action = QAction(self)
        action.setShortcut(QKeySequence("Ctrl+F"))
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(self._focus_filter)
        self.addAction(action)

        self.runner.running_changed.connect(self._runner_changed)
        self.runner.summary.connect(self._runner_summary)
        self.runner.item.connect(self._runner_item)
        self.runner.credentials_needed.connect(self._credentials_needed)
        self.runner.failed.connect(self._runner_failed)
        runner = self.runner
        self.destroyed.connect(lambda *_: runner.stop())
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(lambda: runner.stop(wait=3.0))
        bus.changed.connect(self._changed)
        self._update_buttons()
        self._show_runner_state()
        # start the background uploader as soon as the window opens, if an address is configured
        QTimer.singleShot(0, self.check_connection)

    # ------------------------------------------------------------------ helpers
    def _button(self, name: str, text: str, keys: str | None, tip: str, slot, row: QHBoxLayout) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.setStatusTip(tip)
        button.setToolTip(f"{tip} ({keys})" if keys else tip)
        button.clicked.connect(lambda _=False: slot())
        row.addWidget(button)
        if keys:
            action = QAction(self)
            action.setShortcut(QKeySequence(keys))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(lambda _=False, b=button: b.isEnabled() and b.click())
            self.addAction(action)
        return button

    def _focus_filter(self) -> None:
        self.filter.setFocus()
        self.filter.selectAll()

    def confirm(self, title: str, text: str) -> bool:
        """A yes/no question (replaced in tests)."""
        return confirm(self, title, text)

    def choose_folder(self) -> str:
        """The folder to export into (replaced in tests); empty when cancelled."""
        start = str(settings().value("sync/export_folder", "") or str(Path.home()))
        return QFileDialog.getExistingDirectory(self, self.tr("Export for upload by hand"), start)

    def _say(self, text: str, sheet: str = "") -> None:
        self.message.setText(text)
        self.message.setStyleSheet(sheet)

    def _error(self, exc: BaseException) -> None:
        if not _alive(self):
            return
        if isinstance(exc, ConflictError):
            self._say(exc.message, style.ERROR_TEXT)
            self.refresh()
        elif isinstance(exc, RiskmonError):
            self._say(exc.message, style.ERROR_TEXT)
        else:
            show_error(self, exc)

    def showEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        window = self.window()
        if window is not self and window is not self._watching:
            window.installEventFilter(self)  # stop the uploader when the window closes
            self._watching = window

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if obj is self._watching and event.type() == QEvent.Type.Close:
            self.runner.stop(wait=1.0)
        return False

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt override
        self.runner.stop(wait=1.0)
        super().closeEvent(event)

    # ------------------------------------------------------------------ connection and runner
    def check_connection(self) -> None:
        """Read the provincial address; start the background uploader when one is configured."""
        if _alive(self):
            run_op(upload.connection, self.ctx, on_done=self._connection_known,
                   on_error=lambda exc: log.warning("provincial settings not readable: %s", exc))

    def _connection_known(self, conn: upload.Connection) -> None:
        if not _alive(self):
            return
        changed = self.conn is not None and (conn.url, conn.username) != (self.conn.url, self.conn.username)
        self.conn = conn
        self._show_connection()
        if changed and self.runner.is_running():
            self.runner.stop(wait=2.0)
        if conn.configured and not self.runner.is_running() and (changed or not self._asked_automatically):
            self.runner.start()
        self._update_buttons()

    def _show_connection(self) -> None:
        conn = self.conn
        if conn is None:
            return
        if not conn.url:
            self.connection_label.setText(self.tr("No address of the provincial system is set: enter it in Settings "
                                                  "→ Provincial system, or export packages for upload by hand."))
            self.connection_label.setStyleSheet(style.WARNING_TEXT)
        elif conn.problem:
            self.connection_label.setText(conn.problem)
            self.connection_label.setStyleSheet(style.ERROR_TEXT)
        else:
            self.connection_label.setText(self.tr("Provincial system: %1 · account %2")
                                          .replace("%1", conn.url).replace("%2", conn.username))
            self.connection_label.setStyleSheet("")

    def _show_runner_state(self) -> None:
        if self.runner.is_running():
            text = self.tr("Background upload is on: due items are sent at once and after every approval.")
            sheet = ""
        elif self.password_dialog is not None or self._waiting_for_password():
            text = self.tr("Background upload is paused until the password of the provincial system is entered.")
            sheet = style.WARNING_TEXT
        else:
            text = self.tr("Background upload is off.")
            sheet = style.MUTED_TEXT
        self.runner_label.setText(text)
        self.runner_label.setStyleSheet(sheet)

    def _waiting_for_password(self) -> bool:
        return self._asked_automatically and not self.runner.is_running() and bool(self.conn and self.conn.configured)

    def _runner_changed(self, _running: bool) -> None:
        if _alive(self):
            self._show_runner_state()

    def _runner_summary(self, summary) -> None:
        if not _alive(self):
            return
        if summary.claimed:
            self._say(summary.describe())
        bus.changed.emit({"upload"})

    def _runner_item(self, outcome) -> None:
        if not _alive(self):
            return
        self._say(upload.outcome_line(outcome), style.ERROR_TEXT if outcome.outcome == "failed" else "")
        if self.loaded:
            self._timer.start()

    def _runner_failed(self, exc: BaseException) -> None:
        if not _alive(self):
            return
        if isinstance(exc, RiskmonError):
            self._say(exc.message, style.ERROR_TEXT)
        else:
            self._say(self.tr("The background upload stopped after an unexpected error; the details are in the "
                              "log file."), style.ERROR_TEXT)
        self._show_runner_state()

    def _credentials_needed(self, reason: str) -> None:
        if not _alive(self):
            return
        user = self._user_started
        self._user_started = False
        if self.password_dialog is not None:
            return
        # whoever may send the queue may type the password for it (the permission model's "send")
        send = permissions.upload_queue_actions(self.ctx.user).get_action("send")
        if send.allowed and (user or not self._asked_automatically):
            self.ask_password(reason, user=user)
        else:
            self._asked_automatically = True
            self._say(reason if send.allowed else f"{reason}\n{send.reason}", style.WARNING_TEXT)
        self._show_runner_state()

    # ------------------------------------------------------------------ password
    def ask_password(self, reason: str, *, user: bool = False, then=None) -> None:
        """Ask for the password (non-modal to the program, modal to this window)."""
        if then is not None:
            self._after_password.append(then)
        if self.password_dialog is not None:
            return
        if not user:
            self._asked_automatically = True
        conn = self.conn
        view = self.view
        can_save = view is not None and view.allowed_actions.allowed("save_password")
        keyring = view.keyring if view is not None else None
        if keyring is None:
            try:
                keyring = upload.keyring_status()
            except Exception:  # noqa: BLE001 - a broken keyring module: treat as none
                keyring = None
        dialog = PasswordPrompt(conn.username if conn else "", conn.url if conn else "", reason, keyring, can_save,
                                self)
        dialog.setObjectName("password_prompt")
        dialog.accepted.connect(lambda: self._password_given(dialog))
        dialog.rejected.connect(lambda: self._password_declined(dialog))
        self.password_dialog = dialog
        self._show_runner_state()
        dialog.open()

    def _password_given(self, dialog: PasswordPrompt) -> None:
        self.password_dialog = None
        dialog.deleteLater()
        username = self.conn.username if self.conn else ""
        password = dialog.password_text
        self.runner.session.set(username, password)
        if dialog.save.isChecked() and dialog.save.isEnabled():
            run_op(upload.save_password, self.ctx, password, on_done=lambda _i: self._say(
                self.tr("The password was saved in the system keyring.")), on_error=self._error)
        then, self._after_password = self._after_password, []
        self._user_started = True
        if then:
            for fn in then:
                fn()
        elif self.conn is not None and self.conn.configured:
            self.runner.start()
        self._show_runner_state()

    def _password_declined(self, dialog: PasswordPrompt) -> None:
        self.password_dialog = None
        self._after_password = []
        dialog.deleteLater()
        self._say(self.tr("No password entered: nothing is uploaded until you choose Sync now."), style.WARNING_TEXT)
        self._show_runner_state()

    # ------------------------------------------------------------------ list
    def _changed(self, kinds) -> None:
        kinds = set(kinds)
        if "report" in kinds:
            self.runner.wake()  # an approval may have queued an upload
        if "settings" in kinds:
            self.check_connection()
        if self.loaded and kinds & {"upload", "report", "settings"}:
            self._timer.start()

    def refresh(self) -> None:
        which = self.which.currentData() or "all"
        text = self.filter.text().strip()
        settings().setValue("sync/which", which)
        settings().setValue("sync/filter", text)
        # a list asked for earlier may come back later than this one: only the newest is shown
        self._asked = getattr(self, "_asked", 0) + 1
        asked = self._asked
        run_op(upload.overview, self.ctx, which=which, text=text,
               on_done=lambda view: self._show(view) if asked == self._asked else None, on_error=self._error)

    def _show(self, view: upload.SyncOverview) -> None:
        if not _alive(self):
            return
        current = self.selected()
        self.view = view
        self.rows = list(view.rows)
        self.loaded = True
        conn = upload.Connection(view.url, view.username, view.problem)
        if self.conn is None or (conn.url, conn.username) != (self.conn.url, self.conn.username):
            self._connection_known(conn)
        self.conn = conn
        self._show_connection()
        if self.password_dialog is not None:  # asked for before the page knew the keyring and the user's rights
            self.password_dialog.set_saving(view.keyring, view.allowed_actions.allowed("save_password"))
        if not view.keyring.available and view.keyring.message:
            self.keyring_label.setText(view.keyring.message)
            self.keyring_label.show()
        else:
            self.keyring_label.hide()
        self.table.setRowCount(len(self.rows))
        state_column = self.COLUMNS.index("state")
        for r, row in enumerate(self.rows):
            if row.next_attempt_at is not None:
                when, when_tip = row.next_attempt_at, self.tr("Next attempt: %1")
            else:
                when, when_tip = row.accepted_at, self.tr("Accepted: %1")
            notes = "；".join(x for x in (row.note, row.last_error) if x)
            values = {
                "id": (str(row.id), ""),
                "task": (row.task_number, ""),
                "kind": (row.kind_label, ""),
                "report": (row.report_number, ""),
                "sample": (row.sample_number, ""),
                "state": (row.state_label, row.note),
                "attempts": (str(row.attempts), ""),
                "when": (_short_when(when), when_tip.replace("%1", _when(when)) if when else ""),
                "receipt": (row.receipt_number, ""),
                "notes": (notes, "\n".join(x for x in (row.note, row.last_error) if x)),
            }
            key = _colour_key(row)
            for c, name in enumerate(self.COLUMNS):
                value, tip = values[name]
                cell = QTableWidgetItem(value)
                cell.setToolTip(tip or value)
                cell.setData(Qt.ItemDataRole.UserRole, row.state)
                if key is not None and c == state_column:
                    cell.setBackground(QBrush(STATE_COLOURS[key]))
                if row.superseded:
                    cell.setForeground(QBrush(SUPERSEDED_TEXT))
                if name in ("id", "attempts"):
                    cell.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(r, c, cell)
        c = view.counts
        self.counts_label.setText(
            self.tr("Waiting %1 · sending %2 · accepted %3 · failed %4 (needing attention %5) · uploaded by hand %6 "
                    "· cancelled %7 · superseded %8")
            .replace("%1", str(c.get("pending", 0))).replace("%2", str(c.get("sending", 0)))
            .replace("%3", str(c.get("accepted", 0))).replace("%4", str(c.get("failed", 0)))
            .replace("%5", str(c.get("needs_attention", 0))).replace("%6", str(c.get("delivered_by_hand", 0)))
            .replace("%7", str(c.get("cancelled", 0))).replace("%8", str(c.get("superseded", 0)))
        )
        wanted, self._wanted_item = getattr(self, "_wanted_item", None), None
        index = next((i for i, x in enumerate(self.rows) if x.id == (wanted or (current and current.id))),
                     0 if self.rows else -1)
        if index >= 0:
            self.table.setCurrentCell(index, 0)
        self._show_detail()
        self._show_runner_state()

    def selected(self) -> upload.UploadRow | None:
        row = self.table.currentRow()
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def open(self, outbox_id: int | None = None, **_kw) -> None:
        """Cross-page navigation (e.g. from 待我处理): select one upload, once the list shows it."""
        if outbox_id is not None and not self.select_item(outbox_id):
            self._wanted_item = outbox_id
            self.refresh()

    def select_item(self, item_id: int) -> bool:
        for r, row in enumerate(self.rows):
            if row.id == item_id:
                self.table.setCurrentCell(r, 0)
                return True
        return False

    def _show_detail(self) -> None:
        row = self.selected()
        self.detail_state.setText(row.state_label if row else "")
        report = ""
        if row is not None:
            report = " · ".join(x for x in (row.kind_label, row.report_number,
                                            self.tr("sample %1").replace("%1", row.sample_number)
                                            if row.sample_number else "") if x)
        self.detail_report.setText(report)
        self.detail_receipt.setText(row.receipt_number if row else "")
        self.detail_key.setText(row.idempotency_key if row else "")
        self.detail_error.setText(row.last_error if row else "")
        self.detail_note.setText(row.note if row else "")
        self.detail_form.setRowVisible(self.detail_note, bool(row and row.note))
        self._update_buttons()

    def _update_buttons(self) -> None:
        """Enabled state and tooltip of each button from ``allowed_actions`` (the services' permission model)."""
        row = self.selected()
        view = self.view
        operate = view is not None and view.allowed_actions.allowed("send")
        self.sync_button.setEnabled(operate and not self._syncing)
        self.password_button.setEnabled(operate and bool(self.conn and self.conn.configured))
        for button, action in ((self.retry_button, "retry"), (self.cancel_button, "cancel"),
                               (self.export_button, "export"), (self.confirm_button, "confirm")):
            allowed = row is not None and row.allowed_actions.allowed(action)
            why = row.allowed_actions.reason(action) if row is not None else ""
            button.setEnabled(allowed)
            base = button.toolTip().split("\n")[0]
            button.setToolTip(base + "\n" + why if why and not allowed else base)

    # ------------------------------------------------------------------ actions
    def sync_now(self) -> None:
        """One pass now, with its result shown; asks for the password when there is none."""
        conn = self.conn
        if conn is not None and not conn.url:
            self._say(self.tr("Set the address of the provincial system in Settings first."), style.ERROR_TEXT)
            return
        self._syncing = True
        self._update_buttons()
        self._say(self.tr("Uploading…"))
        run_op(upload.sync_once, self.ctx, session=self.runner.session, on_done=self._synced,
               on_error=self._sync_failed)

    def _synced(self, summary) -> None:
        if not _alive(self):
            return
        self._syncing = False
        self._update_buttons()
        bus.changed.emit({"upload"})
        if summary.credentials_problem:
            if self.conn is not None:
                self.runner.session.forget(self.conn.username)
            self._say(summary.describe(), style.WARNING_TEXT)
            self.ask_password(summary.stop_reason or "", user=True, then=self.sync_now)
            return
        self._say(summary.describe(), style.ERROR_TEXT if summary.failed else "")
        if self.conn is not None and self.conn.configured and not self.runner.is_running():
            self.runner.start()

    def _sync_failed(self, exc: BaseException) -> None:
        if not _alive(self):
            return
        self._syncing = False
        self._update_buttons()
        self._error(exc)

    def _done(self, text: str):
        def done(_result) -> None:
            if _alive(self):
                self._say(text)
            bus.changed.emit({"upload"})

        return done

    def retry(self) -> None:
        row = self.selected()
        if row is None or not row.allowed_actions.allowed("retry"):
            return

        def done(_r) -> None:
            self.runner.wake()
            bus.changed.emit({"upload"})
            if _alive(self):
                self._say(self.tr("Queued again: it is sent at the next pass."))

        run_op(upload.retry, self.ctx, row.id, row.version, on_done=done, on_error=self._error)

    def cancel(self) -> None:
        row = self.selected()
        if row is None or not row.allowed_actions.allowed("cancel"):
            return
        if not self.confirm(self.tr("Cancel upload"),
                            self.tr("Take this upload out of the queue? It stays listed as cancelled and can be "
                                    "queued again with Retry.")):
            return
        run_op(upload.cancel, self.ctx, row.id, row.version, on_done=self._done(self.tr("The upload was cancelled.")),
               on_error=self._error)

    def export(self) -> None:
        row = self.selected()
        if row is None or not row.allowed_actions.allowed("export"):
            return
        what = " ".join(x for x in (row.kind_label, row.task_number, row.report_number, row.sample_number) if x)
        if not confirm_export(self, self.tr("Upload package for upload by hand: %1").replace("%1", what)):
            return
        folder = self.choose_folder()
        if not folder:
            return
        settings().setValue("sync/export_folder", folder)

        def done(path: Path) -> None:
            bus.changed.emit({"upload"})
            if _alive(self):
                self._say(self.tr("Written to %1. Upload it through the provincial web portal, then confirm the "
                                  "upload by hand here.").replace("%1", str(path)))

        run_op(upload.export_for_hand_delivery, self.ctx, row.id, folder, on_done=done, on_error=self._error)

    def confirm_hand(self) -> None:
        row = self.selected()
        if row is None or not row.allowed_actions.allowed("confirm"):
            return
        dialog = HandDeliveryDialog(row, self)
        dialog.setObjectName("hand_dialog")
        dialog.accepted.connect(lambda: self._hand_confirmed(dialog))
        dialog.finished.connect(lambda _r: setattr(self, "hand_dialog", None))
        self.hand_dialog = dialog
        dialog.open()

    def _hand_confirmed(self, dialog: HandDeliveryDialog) -> None:
        row = dialog.row
        receipt = dialog.receipt.text().strip()
        dialog.deleteLater()
        run_op(upload.confirm_delivered_by_hand, self.ctx, row.id, receipt,
               on_done=self._done(self.tr("Recorded as uploaded by hand.")), on_error=self._error)
