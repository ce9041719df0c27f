"""专家组验证评价 (Article 5): an item that cannot be tested is evaluated by a panel of at least three
experts (fewer only with a recorded justification), none of them from the sampled or the nominal
enterprise. The Article 5 check runs as the members are typed, so problems show before saving.

The dialog stays open while the page records the evaluation: ``submitted(PanelForm)`` on 保存, then
the page calls :meth:`PanelDialog.finish` or :meth:`PanelDialog.fail` (the error is shown, nothing
typed is lost).
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.errors import RiskmonError
from app.services import testing
from app.ui import style
from app.ui.widgets import FieldErrors, remember_columns, show_error

CONFLICT_BRUSH = style.brush(style.FAIL)
COLUMNS = ("name", "affiliation", "title", "opinion")


@dataclass(frozen=True)
class PanelForm:
    members: tuple[testing.PanelMemberInput, ...]
    conclusion: str
    finding: str  # pass | fail | ""
    justification: str


class PanelDialog(QDialog):
    submitted = Signal(object)

    def __init__(self, sample_number: str, item: str, parties: list[str] | tuple[str, ...],
                 existing: testing.PanelInfo | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.parties = list(parties)
        self.item = item
        self.setWindowTitle(self.tr("Expert panel evaluation"))
        self.resize(860, 640)
        layout = QVBoxLayout(self)
        head = QLabel(self.tr("Sample %1 · item %2").replace("%1", sample_number).replace("%2", item))
        head.setStyleSheet(style.TITLE)
        layout.addWidget(head)
        note = QLabel(
            self.tr(
                "This item cannot be tested: a panel of at least three experts evaluates the product's quality "
                "and safety (Article 5). Experts from the sampled or the nominal enterprise may not sit on it."
            )
        )
        note.setWordWrap(True)
        layout.addWidget(note)
        parties_label = QLabel(self.tr("Parties: %1").replace("%1", "、".join(self.parties) or "—"))
        parties_label.setObjectName("parties")
        parties_label.setWordWrap(True)
        parties_label.setStyleSheet(style.MUTED_TEXT)
        layout.addWidget(parties_label)

        members_box = QGroupBox(self.tr("Members"))
        mlayout = QVBoxLayout(members_box)
        self.members = QTableWidget(0, 4)
        self.members.setObjectName("members")
        self.members.setMinimumHeight(160)
        self.members.setHorizontalHeaderLabels(
            [self.tr("Name"), self.tr("Affiliation"), self.tr("Title"), self.tr("Opinion")]
        )
        self.members.verticalHeader().setVisible(False)
        self.members.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.members.setEditTriggers(
            QAbstractItemView.EditTrigger.AllEditTriggers & ~QAbstractItemView.EditTrigger.CurrentChanged
        )
        header = self.members.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.members.setColumnWidth(0, 110)
        self.members.setColumnWidth(1, 220)
        self.members.setColumnWidth(2, 110)
        remember_columns(header, "panel_dialog/members")
        mlayout.addWidget(self.members)
        row = QHBoxLayout()
        self.add_button = QPushButton(self.tr("Add member"))
        self.add_button.setObjectName("add_member")
        self.remove_button = QPushButton(self.tr("Remove member"))
        self.remove_button.setObjectName("remove_member")
        row.addWidget(self.add_button)
        row.addWidget(self.remove_button)
        row.addStretch(1)
        mlayout.addLayout(row)
        self.check_label = QLabel()
        self.check_label.setObjectName("check")
        self.check_label.setWordWrap(True)
        mlayout.addWidget(self.check_label)
        layout.addWidget(members_box, 1)

        form = QFormLayout()
        self.justification = QPlainTextEdit()
        self.justification.setObjectName("justification")
        self.justification.setTabChangesFocus(True)
        self.justification.setMaximumHeight(60)
        self.justification.setPlaceholderText(self.tr("Only when the panel has fewer than three members"))
        form.addRow(self.tr("Why fewer than three"), self.justification)
        self.conclusion = QPlainTextEdit()
        self.conclusion.setObjectName("conclusion")
        self.conclusion.setTabChangesFocus(True)
        self.conclusion.setMaximumHeight(80)
        form.addRow(self.tr("Conclusion"), self.conclusion)
        finding_row = QHBoxLayout()
        self.finding_box = QWidget()
        self.finding_box.setLayout(finding_row)
        finding_row.setContentsMargins(0, 0, 0, 0)
        self.no_problem = QRadioButton(self.tr("No problem found"))
        self.no_problem.setObjectName("finding_pass")
        self.problem = QRadioButton(self.tr("Problem found"))
        self.problem.setObjectName("finding_fail")
        group = QButtonGroup(self)
        group.addButton(self.no_problem)
        group.addButton(self.problem)
        finding_row.addWidget(self.no_problem)
        finding_row.addWidget(self.problem)
        finding_row.addStretch(1)
        form.addRow(self.tr("Finding"), self.finding_box)
        layout.addLayout(form)

        self.error = QLabel()
        self.error.setObjectName("error")
        layout.addWidget(self.error)
        self.errors = FieldErrors(
            {"members": self.members, "conclusion": self.conclusion, "finding": self.finding_box,
             "justification": self.justification},
            self.error,
        )
        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton(self.tr("Save evaluation"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setObjectName("save")
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

        self.add_button.clicked.connect(lambda: self.add_member())
        self.remove_button.clicked.connect(self.remove_member)
        QShortcut(QKeySequence("Ctrl+N"), self, activated=lambda: self.add_member())
        QShortcut(QKeySequence("Ctrl+Return"), self, activated=self.submit)
        self.members.itemChanged.connect(lambda _item: self.recheck())
        self.justification.textChanged.connect(self.recheck)
        # the error of the last save is about what was typed then: any change of the input takes it away
        self.conclusion.textChanged.connect(self.errors.clear)
        self.no_problem.toggled.connect(lambda _on: self.errors.clear())
        self.problem.toggled.connect(lambda _on: self.errors.clear())

        existing_members = existing.members if existing else ()
        for m in existing_members:
            self.add_member(m)
        for _ in range(max(0, 3 - len(existing_members))):
            self.add_member()
        if existing is not None:
            self.justification.setPlainText(existing.justification)
            self.conclusion.setPlainText(existing.conclusion)
            self.no_problem.setChecked(existing.finding == "pass")
            self.problem.setChecked(existing.finding == "fail")
        self.recheck()
        self.members.setCurrentCell(0, 0)
        self.members.setFocus()

    # ------------------------------------------------------------------ members
    def add_member(self, member: testing.PanelMemberInput | None = None) -> int:
        self.members.blockSignals(True)
        r = self.members.rowCount()
        self.members.insertRow(r)
        for c, key in enumerate(COLUMNS):
            self.members.setItem(r, c, QTableWidgetItem(getattr(member, key) if member else ""))
        self.members.blockSignals(False)
        self.recheck()
        return r

    def set_member(self, row: int, name: str, affiliation: str = "", title: str = "", opinion: str = "") -> None:
        """Fill one row (as typing would); adds rows as needed."""
        while self.members.rowCount() <= row:
            self.add_member()
        for c, value in enumerate((name, affiliation, title, opinion)):
            self.members.item(row, c).setText(value)

    def remove_member(self) -> None:
        rows = sorted({i.row() for i in self.members.selectedIndexes()} or {self.members.currentRow()}, reverse=True)
        for r in rows:
            if r >= 0:
                self.members.removeRow(r)
        self.recheck()

    def _rows(self) -> list[tuple[int, testing.PanelMemberInput]]:
        out = []
        for r in range(self.members.rowCount()):
            values = [(self.members.item(r, c).text() if self.members.item(r, c) else "").strip() for c in range(4)]
            if any(values):
                out.append((r, testing.PanelMemberInput(*values)))
        return out

    def member_inputs(self) -> list[testing.PanelMemberInput]:
        return [m for _, m in self._rows()]

    def recheck(self) -> dict:
        """The Article 5 check of what is typed now; marks conflicting and duplicate members.

        The error of the last save goes: the check below speaks for the input as it is now."""
        self.errors.clear()
        rows = self._rows()
        named = [(r, m) for r, m in rows if m.name]
        result = testing.check_panel([m for _, m in named], self.parties, self.justification.toPlainText())
        flagged = {d.get("member") for d in result["details"] if d.get("member")}
        self.members.blockSignals(True)
        for r in range(self.members.rowCount()):
            for c in range(4):
                item = self.members.item(r, c)
                if item is None:
                    continue
                hit = item.row() in {x for x, m in named if m.name in flagged} and c in (0, 1)
                item.setBackground(CONFLICT_BRUSH if hit else QBrush())
        self.members.blockSignals(False)
        lines = [d["reason"] for d in result["details"]]
        if any(not m.name for _, m in rows):
            lines.append(self.tr("A row without a name is not a member: fill in the name or remove the row."))
        if result["problems"] or any(not m.name for _, m in rows):
            self.check_label.setStyleSheet(style.ERROR_TEXT)
        elif result["warnings"]:
            self.check_label.setStyleSheet(style.WARNING_TEXT)
        else:
            self.check_label.setStyleSheet(style.DONE_TEXT)
            lines = [self.tr("%n member(s); no conflict of interest.", "", len(named))]
        self.check_label.setText("\n".join(lines))
        self.last_check = result
        return result

    # ------------------------------------------------------------------ saving
    def form(self) -> PanelForm:
        finding = "pass" if self.no_problem.isChecked() else "fail" if self.problem.isChecked() else ""
        return PanelForm(
            members=tuple(self.member_inputs()),
            conclusion=self.conclusion.toPlainText().strip(),
            finding=finding,
            justification=self.justification.toPlainText().strip(),
        )

    def submit(self) -> None:
        self.errors.clear()
        self.save_button.setEnabled(False)
        self.submitted.emit(self.form())

    def finish(self) -> None:
        self.save_button.setEnabled(True)
        self.accept()

    def fail(self, exc: BaseException) -> None:
        self.save_button.setEnabled(True)
        if isinstance(exc, RiskmonError):
            self.errors.show(exc)
        else:
            show_error(self, exc)

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt override
        # Enter edits the table's cells; it must not close the dialog half filled
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not event.modifiers():
            return
        super().keyPressEvent(event)
