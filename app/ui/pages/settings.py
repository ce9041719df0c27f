"""设置: the lab and its CMA number, users and roles, the working-day calendar, number patterns,
the provincial connection and the interface language.

Lab-wide settings live in the database (administrators change them); the interface language and
window state are kept per machine (QSettings).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app import clock
from app.errors import ConflictError, RiskmonError
from app.services import calendar as calendar_service
from app.services import lab as lab_service
from app.services import samples as sample_service
from app.services import upload as upload_service
from app.services import users as user_service
from app.services.context import ROLES, Context
from app.ui import style, widgets
from app.ui.application import LANGUAGES, settings, ui_language
from app.ui.dialogs.catalog_dialogs import ProblemsDialog
from app.ui.dialogs.task_dialogs import alive, fill_combo
from app.ui.labels import (  # re-exported: other screens import them from here
    day_kind_labels,
    day_source_labels,
    role_labels,
    weekday_names,
    year_state_labels,
)
from app.ui.ops import bus, run_op
from app.ui.pages.settings_audit import AuditTab
from app.ui.pages.settings_key import SigningKeyTab
from app.ui.pages.settings_marks import MarksTab
from app.ui.pages.tasks import fill_table, make_table, select_id, selected_id
from app.ui.widgets import FieldErrors, FormSection, form_buttons

YEAR_STATE_COLOURS = {"official": style.YEAR_OFFICIAL, "complete": style.YEAR_COMPLETE, "partial": style.YEAR_PARTIAL,
                      "presumed": style.YEAR_PRESUMED}


def _failed_into(errors: FieldErrors, parent: QWidget, reload: str | None = None):
    """Show a service's refusal on the form's fields; a stale record also reloads the lists."""

    def failed(exc: BaseException) -> None:
        if not alive(parent):
            return
        if isinstance(exc, ConflictError) and reload:
            bus.changed.emit({reload})
        if isinstance(exc, RiskmonError):
            errors.show(exc)
        else:
            widgets.show_error(parent, exc)

    return failed


# ----------------------------------------------------------------------------------- dialogs
class UserDialog(QDialog):
    """Add a user, or change a user's name, roles and whether the account is active."""

    def __init__(self, ctx: Context, user: user_service.UserInfo | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.user = user
        self.saved: user_service.UserInfo | None = None
        self.setWindowTitle(self.tr("Edit user") if user else self.tr("Add user"))
        self.setMinimumWidth(460)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.username = QLineEdit(user.username if user else "")
        self.username.setObjectName("username")
        self.username.setReadOnly(user is not None)
        self.display_name = QLineEdit(user.display_name if user else "")
        self.display_name.setObjectName("display_name")
        roles_box = QWidget()
        roles_box.setObjectName("roles")
        rl = QHBoxLayout(roles_box)
        rl.setContentsMargins(0, 0, 0, 0)
        self.roles: dict[str, QCheckBox] = {}
        for role, text in role_labels().items():
            box = QCheckBox(text)
            box.setObjectName(f"role_{role}")
            box.setChecked(bool(user and role in user.roles))
            rl.addWidget(box)
            self.roles[role] = box
        self.active = QCheckBox(self.tr("Account active"))
        self.active.setObjectName("active")
        self.active.setChecked(user.active if user else True)
        form.addRow(self.tr("User name"), self.username)
        form.addRow(self.tr("Full name"), self.display_name)
        form.addRow(self.tr("Roles"), roles_box)
        form.addRow("", self.active)
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password2 = QLineEdit()
        self.password2.setObjectName("password2")
        self.password2.setEchoMode(QLineEdit.EchoMode.Password)
        if user is None:
            form.addRow(self.tr("Password (at least 8 characters)"), self.password)
            form.addRow(self.tr("Password again"), self.password2)
            self.active.setVisible(False)
        layout.addLayout(form)
        form_buttons(
            self, layout,
            {"username": self.username, "display_name": self.display_name, "roles": roles_box,
             "password": self.password, "password2": self.password2},
            self.tr("Save"), self.tr("Cancel"),
        )

    def chosen_roles(self) -> list[str]:
        return [r for r in ROLES if self.roles[r].isChecked()]

    def save(self) -> None:
        self.errors.clear()
        if self.user is None:
            # every problem of the form at once, not one per press of 保存
            found = user_service.validate_new_user(self.username.text().strip(), self.display_name.text(),
                                                   self.chosen_roles(), self.password.text())
            if self.password.text() != self.password2.text():
                found["password2"] = self.tr("The two passwords differ.")
            if found:
                self.errors.show(found)
                return
            run_op(user_service.create_user, self.ctx, username=self.username.text().strip(),
                   display_name=self.display_name.text(), roles=self.chosen_roles(), password=self.password.text(),
                   on_done=self._done, on_error=_failed_into(self.errors, self))
        else:
            run_op(user_service.update_user, self.ctx, self.user.id, version=self.user.version,
                   display_name=self.display_name.text(), roles=self.chosen_roles(), active=self.active.isChecked(),
                   on_done=self._done, on_error=_failed_into(self.errors, self, "user"))

    def _done(self, info: user_service.UserInfo) -> None:
        self.saved = info
        bus.changed.emit({"user"})
        self.accept()


class ResetPasswordDialog(QDialog):
    """An administrator sets a new password for a user (who should change it after signing in)."""

    def __init__(self, ctx: Context, user: user_service.UserInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.user = user
        self.done_ok = False
        self.setWindowTitle(self.tr("Reset password"))
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("New password for %1").replace("%1", user.display_name)))
        form = QFormLayout()
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password2 = QLineEdit()
        self.password2.setObjectName("password2")
        self.password2.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(self.tr("New password (at least 8 characters)"), self.password)
        form.addRow(self.tr("Password again"), self.password2)
        layout.addLayout(form)
        form_buttons(self, layout, {"password": self.password}, self.tr("Set password"), self.tr("Cancel"), ok=True)

    def save(self) -> None:
        self.errors.clear()
        if self.password.text() != self.password2.text():
            self.errors.show({"password": self.tr("The two passwords differ.")})
            return
        run_op(user_service.set_password, self.ctx, self.user.id, self.password.text(),
               on_done=self._done, on_error=_failed_into(self.errors, self))

    def _done(self, _result) -> None:
        self.done_ok = True
        self.accept()


class CalendarDayDialog(QDialog):
    """Add a holiday or an adjusted working day (overrides the shipped calendar)."""

    def __init__(self, ctx: Context, year: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.saved = False
        self.setWindowTitle(self.tr("Add a calendar day"))
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.day = QDateEdit()
        self.day.setObjectName("date")
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("yyyy-MM-dd")
        today = clock.today()
        self.day.setDate(QDate(today if today.year == year else dt.date(year, 1, 1)))
        self.kind = QComboBox()
        self.kind.setObjectName("kind")
        fill_combo(self.kind, day_kind_labels(), "holiday")
        self.name = QLineEdit()
        self.name.setObjectName("name")
        self.name.setPlaceholderText(self.tr("e.g. Spring Festival"))
        self.source = QLineEdit()
        self.source.setObjectName("source")
        self.source.setPlaceholderText(self.tr("e.g. the number of the State Council notice"))
        form.addRow(self.tr("Date"), self.day)
        form.addRow(self.tr("Kind"), self.kind)
        form.addRow(self.tr("Holiday name"), self.name)
        form.addRow(self.tr("Source"), self.source)
        layout.addLayout(form)
        form_buttons(
            self, layout, {"date": self.day, "kind": self.kind, "name": self.name, "source": self.source},
            self.tr("Save"), self.tr("Cancel"),
        )

    def save(self) -> None:
        self.errors.clear()
        run_op(calendar_service.set_day, self.ctx, self.day.date().toPython(), self.kind.currentData(),
               self.name.text(), self.source.text(), on_done=self._done, on_error=_failed_into(self.errors, self))

    def _done(self, _r) -> None:
        self.saved = True
        bus.changed.emit({"calendar"})
        self.accept()


# ----------------------------------------------------------------------------------- the page
class SettingsPage(QWidget):
    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        #: what the user may change in each section, and why not (the permission model)
        self.sections = lab_service.settings_sections(ctx)
        self.is_admin = self.sections.allowed("lab")
        self.lab: lab_service.LabInfo | None = None
        self.values: dict = {}
        self.users: list[user_service.UserInfo] = []
        self.days: list[calendar_service.CalendarDay] = []
        self.provisional = False
        self.loaded = 0
        self.dialog = None
        self.keyring = None  # KeyringStatus, once known
        layout = QVBoxLayout(self)
        layout.addWidget(widgets.title_label(self.tr("Settings")))
        if not self.is_admin:
            note = QLabel(self.tr("Lab-wide settings can only be changed by an administrator."))
            note.setStyleSheet(style.MUTED_TEXT)
            layout.addWidget(note)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("tabs")
        layout.addWidget(self.tabs, 1)
        self.tabs.addTab(self._lab_tab(), self.tr("Lab"))
        self.marks_tab: MarksTab | None = None
        if self.is_admin:  # the CMA mark, the seal and signatures: administrators only
            self.marks_tab = MarksTab(ctx)
            self.tabs.addTab(self.marks_tab, self.tr("Marks and signatures"))
        self.users_admin: QWidget | None = None
        self.tabs.addTab(self._users_tab(), self.tr("Users") if self.is_admin else self.tr("My account"))
        self.tabs.addTab(self._calendar_tab(), self.tr("Working calendar"))
        self.tabs.addTab(self._numbers_tab(), self.tr("Numbering"))
        self.tabs.addTab(self._provincial_tab(), self.tr("Provincial system"))
        self.key_tab = SigningKeyTab(ctx)
        self.tabs.addTab(self.key_tab, self.tr("Signing key"))
        self.audit_tab = AuditTab(ctx)
        self.tabs.addTab(self.audit_tab, self.tr("Audit and integrity"))
        self.tabs.addTab(self._language_tab(), self.tr("Language"))
        self.tabs.setCurrentIndex(int(settings().value("settings/tab", 0) or 0))
        self.tabs.currentChanged.connect(lambda i: settings().setValue("settings/tab", i))
        bus.changed.connect(self._changed)

    # ------------------------------------------------------------------ lab
    def _lab_tab(self) -> QWidget:
        tab = QWidget()
        outer = QVBoxLayout(tab)
        self.lab_form = section = FormSection(self.tr("Save lab details"), "save_lab")
        self.lab_name = QLineEdit()
        self.lab_name.setObjectName("lab_name")
        self.cma = QLineEdit()
        self.cma.setObjectName("cma_number")
        self.cma.setPlaceholderText(self.tr("number on the CMA certificate"))
        self.address = QLineEdit()
        self.address.setObjectName("address")
        self.phone = QLineEdit()
        self.phone.setObjectName("phone")
        section.add_row(self.tr("Lab name *"), self.lab_name, "name")
        section.add_row(self.tr("CMA certificate number"), self.cma, "cma_number")
        section.add_row(self.tr("Address"), self.address, "address")
        section.add_row(self.tr("Telephone"), self.phone, "phone")
        section.save_button.clicked.connect(self.save_lab)
        section.set_editable(self.is_admin)
        outer.addWidget(section)
        outer.addStretch(1)
        return tab

    def save_lab(self) -> None:
        self.lab_form.begin()
        run_op(lab_service.save_lab, self.ctx, name=self.lab_name.text(), cma_number=self.cma.text(),
               address=self.address.text(), phone=self.phone.text(),
               version=self.lab.version if self.lab else None,
               on_done=self._lab_saved, on_error=_failed_into(self.lab_form.errors, self, "lab"))

    def _lab_saved(self, info: lab_service.LabInfo) -> None:
        self._show_lab(info)
        self.lab_form.status.setText(self.tr("Saved."))
        bus.changed.emit({"lab"})

    def _show_lab(self, info: lab_service.LabInfo) -> None:
        self.lab = info
        self.lab_name.setText(info.name)
        self.cma.setText(info.cma_number)
        self.address.setText(info.address)
        self.phone.setText(info.phone)

    # ------------------------------------------------------------------ users
    def _users_tab(self) -> QWidget:
        tab = QWidget()
        outer = QVBoxLayout(tab)
        if self.is_admin:
            box = QGroupBox(self.tr("Users and roles"))
            box.setObjectName("users_admin")
            self.users_admin = box
            bl = QVBoxLayout(box)
            self.user_table = make_table(
                [self.tr("User name"), self.tr("Full name"), self.tr("Roles"), self.tr("Active"),
                 self.tr("Last sign-in")],
                "settings/users", widths=[120, 120, 300, 60, 150],
            )
            self.user_table.doubleClicked.connect(lambda _i: self.edit_user())
            bl.addWidget(self.user_table, 1)
            row = QHBoxLayout()
            self.add_user_button = QPushButton(self.tr("Add user"))
            self.add_user_button.setObjectName("add_user")
            self.add_user_button.clicked.connect(self.add_user)
            self.edit_user_button = QPushButton(self.tr("Edit user"))
            self.edit_user_button.clicked.connect(self.edit_user)
            self.reset_button = QPushButton(self.tr("Reset password"))
            self.reset_button.clicked.connect(self.reset_password)
            for b in (self.add_user_button, self.edit_user_button, self.reset_button):
                row.addWidget(b)
            row.addStretch(1)
            bl.addLayout(row)
            outer.addWidget(box, 1)
            outer.addWidget(self._locks_box())
        mine = QGroupBox(self.tr("My account"))
        mine.setObjectName("my_account")
        ml = QVBoxLayout(mine)
        who = ", ".join(role_labels().get(r, r) for r in sorted(self.ctx.user.roles, key=ROLES.index))
        ml.addWidget(QLabel(self.tr("Signed in as %1 (%2). Roles: %3")
                            .replace("%1", self.ctx.user.display_name).replace("%2", self.ctx.user.username)
                            .replace("%3", who)))
        self.password_form = section = FormSection(self.tr("Change my password"), "change_password")
        self.current_password = QLineEdit()
        self.current_password.setObjectName("current_password")
        self.current_password.setEchoMode(QLineEdit.EchoMode.Password)
        self.new_password = QLineEdit()
        self.new_password.setObjectName("new_password")
        self.new_password.setEchoMode(QLineEdit.EchoMode.Password)
        self.new_password2 = QLineEdit()
        self.new_password2.setObjectName("new_password2")
        self.new_password2.setEchoMode(QLineEdit.EchoMode.Password)
        section.add_row(self.tr("Current password"), self.current_password, "current_password")
        section.add_row(self.tr("New password (at least 8 characters)"), self.new_password, "new_password")
        section.add_row(self.tr("New password again"), self.new_password2)
        section.save_button.clicked.connect(self.change_password)
        ml.addWidget(section)
        outer.addWidget(mine)
        if not self.is_admin:
            outer.addStretch(1)
        return tab

    def _locks_box(self) -> QGroupBox:
        """登录锁定: user names locked after failed passwords (shared by every workstation), and unlocking."""
        box = QGroupBox(self.tr("Locked sign-ins"))
        box.setObjectName("login_locks")
        bl = QVBoxLayout(box)
        note = QLabel(self.tr("After 5 wrong passwords in a row a user name is locked for a while, longer after each "
                              "further failure, on every workstation. Unlock it once you know who it was."))
        note.setWordWrap(True)
        bl.addWidget(note)
        self.lock_table = make_table([self.tr("User name"), self.tr("Failed attempts"), self.tr("Locked until")],
                                     "settings/login_locks", widths=[160, 100, 200])
        self.lock_table.setMaximumHeight(140)
        bl.addWidget(self.lock_table)
        row = QHBoxLayout()
        self.unlock_button = QPushButton(self.tr("Unlock sign-in"))
        self.unlock_button.setObjectName("unlock_login")
        self.unlock_button.setEnabled(False)
        self.unlock_button.clicked.connect(self.unlock_login)
        self.lock_table.itemSelectionChanged.connect(
            lambda: self.unlock_button.setEnabled(selected_id(self.lock_table) is not None))
        self.lock_status = QLabel()
        self.lock_status.setObjectName("lock_status")
        row.addWidget(self.unlock_button)
        row.addWidget(self.lock_status, 1)
        bl.addLayout(row)
        self.locks: list[user_service.LoginLockInfo] = []
        return box

    def load_locks(self) -> None:
        if self.users_admin is not None:
            run_op(user_service.list_login_locks, self.ctx, on_done=self._show_locks,
                   on_error=lambda exc: alive(self) and widgets.show_error(self, exc))

    def _show_locks(self, locks: list[user_service.LoginLockInfo]) -> None:
        if not alive(self):
            return
        self.locks = locks
        rows = [(lock.username, [lock.username, str(lock.failures),
                                 clock.local_text(lock.locked_until, "%Y-%m-%d %H:%M:%S") if lock.locked
                                 else self.tr("Not now (locked again at the next failure)")])
                for lock in locks]
        fill_table(self.lock_table, rows, selected_id(self.lock_table))
        self.unlock_button.setEnabled(selected_id(self.lock_table) is not None)

    def unlock_login(self) -> None:
        name = selected_id(self.lock_table)
        if name is None:
            return
        run_op(user_service.unlock_login, self.ctx, name, on_done=lambda _r: self._unlocked(name),
               on_error=lambda exc: alive(self) and widgets.show_error(self, exc))

    def _unlocked(self, name: str) -> None:
        if not alive(self):
            return
        self.lock_status.setText(self.tr("%1 can sign in again.").replace("%1", name))
        self.load_locks()

    def current_user(self) -> user_service.UserInfo | None:
        ident = selected_id(self.user_table) if self.users_admin is not None else None
        return next((u for u in self.users if u.id == ident), None)

    def _open(self, dialog):
        self.dialog = dialog
        dialog.open()
        return dialog

    def add_user(self) -> UserDialog | None:
        if not self.is_admin:
            return None
        return self._open(UserDialog(self.ctx, None, self))

    def edit_user(self) -> UserDialog | None:
        user = self.current_user()
        if user is None:
            return None
        return self._open(UserDialog(self.ctx, user, self))

    def reset_password(self) -> ResetPasswordDialog | None:
        user = self.current_user()
        if user is None:
            return None
        return self._open(ResetPasswordDialog(self.ctx, user, self))

    def change_password(self) -> None:
        self.password_form.begin()
        if self.new_password.text() != self.new_password2.text():
            self.password_form.errors.show({"new_password": self.tr("The two new passwords differ.")})
            return
        run_op(user_service.change_own_password, self.ctx, self.current_password.text(), self.new_password.text(),
               on_done=self._password_changed, on_error=_failed_into(self.password_form.errors, self))

    def _password_changed(self, _r) -> None:
        for w in (self.current_password, self.new_password, self.new_password2):
            w.clear()
        self.password_form.status.setText(self.tr("Your password was changed."))

    def _show_users(self, found: list[user_service.UserInfo]) -> None:
        self.users = found
        roles = role_labels()
        rows = [
            (u.id, [u.username, u.display_name, "、".join(roles.get(r, r) for r in u.roles),
                    self.tr("Yes") if u.active else self.tr("No"),
                    clock.local_text(u.last_login_at)])
            for u in found
        ]
        fill_table(self.user_table, rows, selected_id(self.user_table))
        for r, u in enumerate(found):
            if not u.active:
                for c in range(self.user_table.columnCount()):
                    self.user_table.item(r, c).setForeground(style.brush(style.INACTIVE))

    # ------------------------------------------------------------------ calendar
    def _calendar_tab(self) -> QWidget:
        tab = QWidget()
        outer = QHBoxLayout(tab)
        self.year_table = make_table([self.tr("Year"), self.tr("Holiday notice")], "settings/calendar_years",
                                     widths=[60, 200])
        self.year_table.setObjectName("calendar_years")
        self.year_table.setMaximumWidth(300)
        self.year_table.itemSelectionChanged.connect(self._year_selected)
        outer.addWidget(self.year_table)
        right = QVBoxLayout()
        outer.addLayout(right, 1)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("Year")))
        self.cal_year = QSpinBox()
        self.cal_year.setObjectName("calendar_year")
        self.cal_year.setRange(2000, 2100)
        self.cal_year.setValue(clock.today().year)
        self.cal_year.valueChanged.connect(lambda _v: self.load_calendar())
        row.addWidget(self.cal_year)
        self.cal_state = QLabel()
        self.cal_state.setObjectName("calendar_state")
        row.addWidget(self.cal_state)
        self.cal_note = QLabel()
        self.cal_note.setObjectName("calendar_note")
        self.cal_note.setWordWrap(True)
        row.addWidget(self.cal_note, 1)
        right.addLayout(row)
        self.day_table = make_table(
            [self.tr("Date"), self.tr("Weekday"), self.tr("Kind"), self.tr("Holiday name"), self.tr("Source"),
             self.tr("Notice number")],
            "settings/calendar", widths=[100, 80, 130, 120, 260, 200],
        )
        self.day_table.itemSelectionChanged.connect(self._day_selected)
        right.addWidget(self.day_table, 1)
        row = QHBoxLayout()
        self.add_day_button = QPushButton(self.tr("Add day…"))
        self.add_day_button.clicked.connect(self.add_day)
        self.remove_day_button = QPushButton(self.tr("Remove day"))
        self.remove_day_button.setToolTip(self.tr("Only days entered by the lab can be removed"))
        self.remove_day_button.clicked.connect(self.remove_day)
        self.import_calendar_button = QPushButton(self.tr("Import a year's notice…"))
        self.import_calendar_button.setObjectName("import_calendar")
        self.import_calendar_button.setToolTip(
            self.tr("CSV (date,kind,name) or JSON list; every line is checked and nothing is imported if one is bad")
        )
        self.import_calendar_button.clicked.connect(lambda: self.import_calendar())
        self.import_complete = QCheckBox(self.tr("The file is the whole notice"))
        self.import_complete.setObjectName("import_complete")
        self.import_complete.setToolTip(
            self.tr("Mark the notice's year complete after the import: its deadlines are then no longer provisional")
        )
        self.complete_button = QPushButton(self.tr("Notice entered completely"))
        self.complete_button.setObjectName("mark_complete")
        self.complete_button.setToolTip(
            self.tr("Every holiday and adjusted working day of the year's State Council notice is entered: "
                    "the year is no longer provisional")
        )
        self.complete_button.clicked.connect(lambda: self.mark_complete())
        for b in (self.add_day_button, self.remove_day_button, self.import_calendar_button, self.import_complete,
                  self.complete_button):
            row.addWidget(b)
            b.setVisible(self.is_admin)
        row.addStretch(1)
        right.addLayout(row)
        self._day_selected()
        self.year_state = None  # calendar_service.YearDays of the year shown
        self.years: list[calendar_service.YearState] = []
        return tab

    def load_calendar(self) -> None:
        year = self.cal_year.value()
        run_op(calendar_service.year_days, self.ctx, year, on_done=lambda r: self._show_days(year, r),
               on_error=lambda exc: alive(self) and self._year_failed(year, exc))
        run_op(calendar_service.year_states, self.ctx, on_done=self._show_years,
               on_error=lambda exc: alive(self) and widgets.show_error(self, exc))

    def _year_failed(self, year: int, exc: BaseException) -> None:
        if year != self.cal_year.value():
            return
        if isinstance(exc, RiskmonError):  # a year the program has no data for: say so on the page
            self.days, self.provisional, self.year_state = [], True, None
            fill_table(self.day_table, [])
            self.cal_state.setText("")
            self.cal_note.setText(exc.message)
            self.cal_note.setStyleSheet(style.ERROR_TEXT)
            self._day_selected()
            return
        widgets.show_error(self, exc)

    def _show_years(self, years: list[calendar_service.YearState]) -> None:
        if not alive(self):
            return
        self.years = years
        labels = year_state_labels()
        rows = [(y.year, [str(y.year), labels[y.state]]) for y in years]
        self.year_table.blockSignals(True)
        fill_table(self.year_table, rows, self.cal_year.value())
        for r, y in enumerate(years):
            self.year_table.item(r, 1).setBackground(style.brush(YEAR_STATE_COLOURS[y.state]))
        self.year_table.blockSignals(False)
        select_id(self.year_table, self.cal_year.value())

    def _year_selected(self) -> None:
        year = selected_id(self.year_table)
        if year is not None and year != self.cal_year.value():
            self.cal_year.setValue(int(year))

    def _show_days(self, year: int, result: calendar_service.YearDays) -> None:
        if not alive(self) or year != self.cal_year.value():
            return
        self.year_state = result
        self.days, self.provisional = result.days, result.provisional
        kinds = day_kind_labels()
        sources = day_source_labels()
        names = weekday_names()
        rows = [
            (d.date.isoformat(), [d.date.isoformat(), names[d.date.weekday()], kinds.get(d.kind, d.kind), d.name,
                                  sources.get(d.source, d.source), d.detail])
            for d in self.days
        ]
        fill_table(self.day_table, rows, selected_id(self.day_table))
        for r, d in enumerate(self.days):
            colour = style.HOLIDAY if d.kind == "holiday" else style.WORKDAY
            self.day_table.item(r, 2).setBackground(style.brush(colour))
        self.cal_state.setText(year_state_labels()[result.state])
        self.cal_state.setStyleSheet(style.tinted(YEAR_STATE_COLOURS[result.state], "2px 6px"))
        if result.state == "partial":
            self.cal_note.setText(self.tr("Only part of the %1 notice is entered: the entered days count, the other "
                                          "holidays are presumed and deadlines stay provisional. Mark the notice "
                                          "complete once every day of it is entered.").replace("%1", str(year)))
            self.cal_note.setStyleSheet(style.WARNING_TEXT)
        elif self.provisional:
            self.cal_note.setText(self.tr("No official holiday notice for %1 yet: the statutory holidays are assumed "
                                          "and deadlines are provisional. Import the notice when it is published.")
                                  .replace("%1", str(year)))
            self.cal_note.setStyleSheet(style.WARNING_TEXT)
        else:
            self.cal_note.setText(self.tr("Holidays and adjusted working days of %1 (weekends not listed).")
                                  .replace("%1", str(year)))
            self.cal_note.setStyleSheet("")
        if result.state == "complete":
            self.complete_button.setText(self.tr("Notice not complete"))
            self.complete_button.setToolTip(self.tr("Withdraw the mark: deadlines depending on the year become "
                                                    "provisional again"))
        else:
            self.complete_button.setText(self.tr("Notice entered completely"))
            self.complete_button.setToolTip(
                self.tr("Every holiday and adjusted working day of the year's State Council notice is entered: "
                        "the year is no longer provisional"))
        self.complete_button.setEnabled(result.state in ("partial", "complete"))
        self._day_selected()

    def current_day(self) -> calendar_service.CalendarDay | None:
        ident = selected_id(self.day_table)
        return next((d for d in self.days if d.date.isoformat() == ident), None)

    def _day_selected(self) -> None:
        day = self.current_day()
        self.remove_day_button.setEnabled(day is not None and day.id is not None)

    def add_day(self) -> CalendarDayDialog | None:
        if not self.is_admin:
            return None
        return self._open(CalendarDayDialog(self.ctx, self.cal_year.value(), self))

    def confirm(self, title: str, text: str) -> bool:
        return widgets.confirm(self, title, text)

    def remove_day(self) -> None:
        day = self.current_day()
        if day is None or day.id is None:
            return
        if self.confirm(self.tr("Remove day"), self.tr("Remove %1 from the lab's calendar entries?")
                        .replace("%1", day.date.isoformat())):
            run_op(calendar_service.remove_override, self.ctx, day.id,
                   on_done=lambda _r: bus.changed.emit({"calendar"}),
                   on_error=lambda exc: alive(self) and widgets.show_error(self, exc))

    def ask_open_path(self, title: str, filters: str) -> str:
        start = str(settings().value("settings/last_dir", "") or "")
        path, _ = QFileDialog.getOpenFileName(self, title, start, filters)
        if path:
            settings().setValue("settings/last_dir", str(Path(path).parent))
        return path

    def mark_complete(self, complete: bool | None = None) -> None:
        """通知已完整录入: mark the shown year's notice complete (or withdraw the mark)."""
        shown = self.year_state
        if not self.is_admin or shown is None:
            return
        year = self.cal_year.value()
        if complete is None:
            complete = shown.state != "complete"
        if complete:
            question = self.tr("Is every holiday and adjusted working day of the %1 State Council notice entered? "
                               "Deadlines depending on %1 will no longer be provisional.")
        else:
            question = self.tr("Mark the %1 notice as not completely entered? Deadlines depending on %1 become "
                               "provisional again.")
        if not self.confirm(self.tr("Holiday notice"), question.replace("%1", str(year))):
            return
        run_op(calendar_service.set_year_complete, self.ctx, year, complete,
               on_done=lambda _r: bus.changed.emit({"calendar"}),
               on_error=lambda exc: alive(self) and widgets.show_error(self, exc))

    def import_calendar(self, path: str | Path | None = None) -> None:
        path = path or self.ask_open_path(self.tr("Import a holiday notice"),
                                          self.tr("Calendar files (*.csv *.json);;All files (*)"))
        if not path:
            return
        run_op(calendar_service.import_calendar, self.ctx, Path(path), complete=self.import_complete.isChecked(),
               on_done=self._calendar_imported, on_error=self._calendar_import_failed)

    def _calendar_imported(self, result: calendar_service.CalendarImport) -> None:
        bus.changed.emit({"calendar"})
        if not alive(self):
            return
        text = self.tr("%n day(s) imported.", "", result.count)
        if result.completed_year is not None:
            text += " " + self.tr("The notice of %1 is marked complete.").replace("%1", str(result.completed_year))
            self.cal_year.setValue(result.completed_year)
        elif result.official_year is not None:
            text += " " + self.tr("The notice of %1 is shipped with the program (official).").replace(
                "%1", str(result.official_year))
        self.show_message(self.tr("Calendar imported"), text)

    def _calendar_import_failed(self, exc: BaseException) -> None:
        if not alive(self):
            return
        if isinstance(exc, RiskmonError):
            message = exc.message.replace("；第 ", "\n第 ").replace("。第 ", "。\n第 ")
            self.dialog = ProblemsDialog(self.tr("Calendar import rejected"),
                                         self.tr("Nothing was imported. Fix every line listed below and import the "
                                                 "file again."), message, self)
            self.dialog.open()
            return
        widgets.show_error(self, exc)

    def show_message(self, title: str, text: str) -> None:
        QMessageBox.information(self, title, text)

    # ------------------------------------------------------------------ numbering
    def _numbers_tab(self) -> QWidget:
        tab = QWidget()
        outer = QVBoxLayout(tab)
        self.sample_pattern = QLineEdit()
        self.sample_pattern.setObjectName("sample_number_pattern")
        self.sample_pattern.textChanged.connect(self.update_previews)
        self.sample_preview = QLabel()
        self.sample_preview.setObjectName("sample_preview")
        self.report_pattern = QLineEdit()
        self.report_pattern.setObjectName("report_number_pattern")
        self.report_pattern.textChanged.connect(self.update_previews)
        self.report_preview = QLabel()
        self.report_preview.setObjectName("report_preview")
        help_text = QLabel(self.tr(
            "Placeholders: {task} task number, {seq:04d} running number (per task for samples, per year for "
            "reports, 4 digits), {year}, {month:02d}, {day:02d} (sampling date). A sample pattern needs {task} and "
            "{seq}; a report pattern needs {year} and {seq}, so that numbers never repeat."
        ))
        help_text.setWordWrap(True)
        help_text.setStyleSheet(style.MUTED_TEXT)
        self.numbers_form = section = FormSection(self.tr("Save patterns"), "save_patterns", note=help_text)
        section.add_row(self.tr("Sample number pattern"), self.sample_pattern, "sample_number_pattern")
        section.add_row(self.tr("Example"), self.sample_preview)
        section.add_row(self.tr("Report number pattern"), self.report_pattern, "report_number_pattern")
        section.add_row(self.tr("Example"), self.report_preview)
        section.save_button.clicked.connect(self.save_patterns)
        section.set_editable(self.is_admin)
        outer.addWidget(section)
        outer.addStretch(1)
        return tab

    def update_previews(self) -> None:
        """Live example numbers; a bad pattern is marked at once, and cannot be saved."""
        ok = True
        problem = lab_service.check_sample_pattern(self.sample_pattern.text())
        if problem:
            self.sample_preview.setText(problem)
            self.sample_preview.setStyleSheet(style.ERROR_TEXT)
            ok = False
        else:
            self.sample_preview.setText(sample_service.preview_number(self.sample_pattern.text(), "HBFX-2026-DQ-01", 1))
            self.sample_preview.setStyleSheet(style.BOLD)
        self.numbers_form.errors.mark("sample_number_pattern", problem)
        problem = lab_service.check_report_pattern(self.report_pattern.text())
        if problem:
            self.report_preview.setText(problem)
            self.report_preview.setStyleSheet(style.ERROR_TEXT)
            ok = False
        else:
            self.report_preview.setText(lab_service.preview_report_number(self.report_pattern.text(), 1))
            self.report_preview.setStyleSheet(style.BOLD)
        self.numbers_form.errors.mark("report_number_pattern", problem)
        self.sample_preview.setWordWrap(True)
        self.report_preview.setWordWrap(True)
        self.numbers_form.save_button.setEnabled(ok and self.is_admin)

    def save_patterns(self) -> None:
        self.numbers_form.begin()
        values = {"sample_number_pattern": self.sample_pattern.text(),
                  "report_number_pattern": self.report_pattern.text()}
        run_op(lab_service.save_settings, self.ctx, values,
               on_done=lambda v: self._settings_saved(v, self.numbers_form.status),
               on_error=_failed_into(self.numbers_form.errors, self))

    def _settings_saved(self, values: dict, status: QLabel) -> None:
        self.values = values
        if alive(self):
            status.setText(self.tr("Saved."))
        bus.changed.emit({"settings"})

    # ------------------------------------------------------------------ provincial system
    def _provincial_tab(self) -> QWidget:
        tab = QWidget()
        outer = QVBoxLayout(tab)
        intro = QLabel(self.tr("Final results and analysis reports are uploaded to the Hubei product quality safety "
                               "supervision information system."))
        intro.setWordWrap(True)
        outer.addWidget(intro)
        self.provincial_form = section = FormSection(self.tr("Save connection"), "save_provincial")
        self.provincial_url = QLineEdit()
        self.provincial_url.setObjectName("provincial_url")
        self.provincial_url.setPlaceholderText("https://")
        self.provincial_user = QLineEdit()
        self.provincial_user.setObjectName("provincial_user")
        section.add_row(self.tr("Address of the provincial system"), self.provincial_url, "provincial_url")
        section.add_row(self.tr("User name at the provincial system"), self.provincial_user, "provincial_user")
        section.save_button.clicked.connect(self.save_provincial)
        section.set_editable(self.is_admin)
        outer.addWidget(section)

        box = QGroupBox(self.tr("Password of the provincial system"))
        bl = QVBoxLayout(box)
        self.keyring_note = QLabel(self.tr("Checking the system keyring…"))
        self.keyring_note.setObjectName("keyring_note")
        self.keyring_note.setWordWrap(True)
        bl.addWidget(self.keyring_note)
        prow = QHBoxLayout()
        self.provincial_password = QLineEdit()
        self.provincial_password.setObjectName("provincial_password")
        self.provincial_password.setEchoMode(QLineEdit.EchoMode.Password)
        self.provincial_password.setPlaceholderText(self.tr("Password"))
        self.keyring_save = QPushButton(self.tr("Save password to the system keyring"))
        self.keyring_save.setObjectName("save_keyring")
        self.keyring_save.clicked.connect(self.save_keyring_password)
        self.keyring_save.setEnabled(False)
        self.keyring_save.setToolTip(self.sections.reason("provincial"))
        prow.addWidget(self.provincial_password, 1)
        prow.addWidget(self.keyring_save)
        bl.addLayout(prow)
        self.keyring_status_label = QLabel()
        self.keyring_status_label.setWordWrap(True)
        bl.addWidget(self.keyring_status_label)
        outer.addWidget(box)
        outer.addStretch(1)
        return tab

    def save_provincial(self) -> None:
        self.provincial_form.begin()
        values = {"provincial_url": self.provincial_url.text(), "provincial_user": self.provincial_user.text()}
        run_op(lab_service.save_settings, self.ctx, values,
               on_done=lambda v: self._settings_saved(v, self.provincial_form.status),
               on_error=_failed_into(self.provincial_form.errors, self))

    def load_keyring_status(self) -> None:
        run_op(_keyring_status, on_done=self._show_keyring, on_error=lambda exc: self._show_keyring(None, exc))

    def _show_keyring(self, status, exc: BaseException | None = None) -> None:
        if not alive(self):
            return
        self.keyring = status
        if status is None:
            self.keyring_note.setText(self.tr("The system keyring cannot be used: %1")
                                      .replace("%1", getattr(exc, "message", None) or str(exc)))
            self.keyring_note.setStyleSheet(style.WARNING_TEXT)
            self.keyring_save.setEnabled(False)
        elif status.available:
            self.keyring_note.setText(self.tr("The password is kept in the system keyring of this computer (%1), "
                                              "never in the database.").replace("%1", status.backend_name))
            self.keyring_note.setStyleSheet("")
            self.keyring_save.setEnabled(self.sections.allowed("provincial"))
        else:
            self.keyring_note.setText(status.message or "")
            self.keyring_note.setStyleSheet(style.WARNING_TEXT_STRONG)
            self.keyring_save.setEnabled(False)
            self.provincial_password.setEnabled(False)

    def save_keyring_password(self) -> None:
        """Through the upload service, which checks the user's role (and the saved user name)."""
        password = self.provincial_password.text()
        self.keyring_status_label.clear()
        run_op(_store_password, self.ctx, password, on_done=self._keyring_saved, on_error=self._keyring_failed)

    def _keyring_saved(self, _r) -> None:
        if alive(self):
            self.provincial_password.clear()
            self.keyring_status_label.setText(self.tr("The password was saved to the system keyring."))
            self.keyring_status_label.setStyleSheet("")

    def _keyring_failed(self, exc: BaseException) -> None:
        if not alive(self):
            return
        if isinstance(exc, RiskmonError):
            self.keyring_status_label.setText(exc.message)
            self.keyring_status_label.setStyleSheet(style.ERROR_TEXT)
            return
        widgets.show_error(self, exc)

    # ------------------------------------------------------------------ language
    def _language_tab(self) -> QWidget:
        tab = QWidget()
        outer = QVBoxLayout(tab)
        form = QFormLayout()
        self.language = QComboBox()
        self.language.setObjectName("language")
        fill_combo(self.language, LANGUAGES, ui_language())
        self.language.currentIndexChanged.connect(self._language_changed)
        form.addRow(self.tr("Interface language"), self.language)
        outer.addLayout(form)
        self.language_note = QLabel(self.tr("The language is kept on this computer and applied the next time Riskmon "
                                            "starts."))
        self.language_note.setObjectName("language_note")
        self.language_note.setWordWrap(True)
        outer.addWidget(self.language_note)
        outer.addStretch(1)
        return tab

    def _language_changed(self, _index: int) -> None:
        code = self.language.currentData()
        settings().setValue("ui/language", code)
        self.language_note.setText(self.tr("Saved: Riskmon will start in %1 next time.")
                                   .replace("%1", LANGUAGES.get(code, code)))

    # ------------------------------------------------------------------ loading
    def refresh(self) -> None:
        run_op(_load_settings, self.ctx, self.is_admin, on_done=self._show,
               on_error=lambda exc: alive(self) and widgets.show_error(self, exc))
        self.load_calendar()
        if self.keyring is None:
            self.load_keyring_status()

    def _changed(self, kinds) -> None:
        if not alive(self):
            return
        kinds = set(kinds or ())
        if "calendar" in kinds:
            self.load_calendar()
        if {"user", "lab", "settings"} & kinds:
            self.refresh()

    def _show(self, result) -> None:
        if not alive(self):
            return
        lab, values, found = result
        self._show_lab(lab)
        self.values = values
        self.sample_pattern.setText(str(values.get("sample_number_pattern") or ""))
        self.report_pattern.setText(str(values.get("report_number_pattern") or ""))
        self.provincial_url.setText(str(values.get("provincial_url") or ""))
        self.provincial_user.setText(str(values.get("provincial_user") or ""))
        if found is not None and self.users_admin is not None:
            self._show_users(found)
            self.load_locks()
        self.update_previews()
        self.loaded += 1


def _load_settings(ctx: Context, is_admin: bool):
    return (lab_service.get_lab(ctx), lab_service.get_settings(ctx),
            user_service.list_users(ctx) if is_admin else None)


def _keyring_status():
    return upload_service.keyring_status()


def _store_password(ctx: Context, password: str):
    return upload_service.save_password(ctx, password)
