"""依据说明: why an item has its basis — every standard named for the sample (declared, enterprise,
scheme) and every stated quality, in the order the steps of Articles 16–17 met them, with the step
that judged each, whether it was chosen, replaced or rejected, and why (``spec/RULES.md`` §2)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.services import testing
from app.ui import style
from app.ui.widgets import remember_columns

OUTCOME_COLOURS = {"chosen": style.colour(style.PASS), "replaced": style.colour(style.PENDING),
                   "rejected": style.colour(style.NEUTRAL)}
COLUMNS = ("n", "name", "step", "outcome", "reason")
NOTE_STYLE = style.NOTE_BOX


class BasisDialog(QDialog):
    """Read-only: the candidates of one item, as ``testing.basis_explanation`` returns them."""

    def __init__(self, sample_number: str, explanation: testing.BasisExplanation,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.explanation = explanation
        self.setWindowTitle(self.tr("Basis explanation"))
        self.resize(900, 480)
        layout = QVBoxLayout(self)
        head = QLabel(self.tr("Sample %1 · item %2").replace("%1", sample_number).replace("%2", explanation.item))
        head.setStyleSheet(style.TITLE)
        layout.addWidget(head)
        info = QFormLayout()
        for text, value, name in (
            (self.tr("Basis"), explanation.basis_text, "basis"),
            (self.tr("Method"), explanation.method_text or "—", "method"),
            (self.tr("Rules applied"), explanation.trace_text or "—", "trace"),
        ):
            label = QLabel(value)
            label.setObjectName(name)
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            info.addRow(text, label)
        layout.addLayout(info)
        self.note = QLabel(explanation.note)
        self.note.setObjectName("note")
        self.note.setWordWrap(True)
        self.note.setStyleSheet(NOTE_STYLE)
        self.note.setVisible(bool(explanation.note))
        layout.addWidget(self.note)

        self.table = QTableWidget(len(explanation.candidates), len(COLUMNS))
        self.table.setObjectName("candidates")
        self.table.setHorizontalHeaderLabels(
            [self.tr("No."), self.tr("Standard or stated quality"), self.tr("Step"), self.tr("Outcome"),
             self.tr("Reason")]
        )
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for c, width in enumerate((40, 170, 110, 95)):
            self.table.setColumnWidth(c, width)
        remember_columns(header, "basis_dialog/candidates")
        for r, cand in enumerate(explanation.candidates):
            values = (str(r + 1), cand.name, cand.step_label, cand.outcome_text, cand.reason)
            for c, value in enumerate(values):
                cell = QTableWidgetItem(value)
                cell.setToolTip(cand.step_text if COLUMNS[c] == "step" else cand.reason)
                if COLUMNS[c] == "outcome":
                    cell.setBackground(QBrush(OUTCOME_COLOURS.get(cand.outcome, style.colour(style.WHITE))))
                    cell.setData(Qt.ItemDataRole.UserRole, cand.outcome)
                self.table.setItem(r, c, cell)
        self.table.resizeRowsToContents()
        layout.addWidget(self.table, 1)
        self.empty = QLabel(self.tr("No standard or stated quality was named for this item."))
        self.empty.setObjectName("empty")
        self.empty.setVisible(not explanation.candidates and not explanation.note)
        layout.addWidget(self.empty)
        legend = QLabel(self.tr("Listed in the order the steps of Articles 16–17 considered them; "
                                "hold the pointer over a step for its clause."))
        legend.setWordWrap(True)
        legend.setStyleSheet(style.MUTED_TEXT)
        layout.addWidget(legend)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def rows(self) -> list[tuple[str, ...]]:
        """The table as shown (for tests and copying)."""
        return [
            tuple(self.table.item(r, c).text() for c in range(self.table.columnCount()))
            for r in range(self.table.rowCount())
        ]
