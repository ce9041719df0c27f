"""专家评价: every expert panel evaluation (Article 5) with its members, their opinions, the conclusion
and the justification when the panel had fewer than three members; open the sample from here."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QBrush, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
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

from app.services import testing
from app.services.context import Context
from app.ui import style
from app.ui.application import settings
from app.ui.ops import bus, run_op
from app.ui.pages.testing import JUDGEMENT_COLOURS, local_time
from app.ui.widgets import remember_columns, show_error, title_label


class PanelsPage(QWidget):
    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.panels: list[testing.PanelInfo] = []
        self.loaded = False
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(title_label(self.tr("Expert panel evaluations")))
        top.addStretch(1)
        top.addWidget(QLabel(self.tr("Filter")))
        self.filter = QLineEdit(str(settings().value("panels/filter", "") or ""))
        self.filter.setObjectName("filter")
        self.filter.setClearButtonEnabled(True)
        self.filter.setMinimumWidth(280)
        self.filter.setPlaceholderText(self.tr("Sample, product, item or expert"))
        self.filter.setStatusTip(self.tr("Show the evaluations whose sample, product, item or member matches"))
        top.addWidget(self.filter)
        self.open_button = QPushButton(self.tr("Open sample"))
        self.open_button.setObjectName("open_sample")
        self.open_button.setToolTip(self.tr("Open the sample on the Testing page (Enter)"))
        top.addWidget(self.open_button)
        layout.addLayout(top)
        note = QLabel(
            self.tr("Items that cannot be tested are evaluated by a panel of at least three experts (Article 5).")
        )
        note.setStyleSheet(style.MUTED_TEXT)
        layout.addWidget(note)

        split = QSplitter(Qt.Orientation.Vertical)
        self.table = QTableWidget(0, 8)
        self.table.setObjectName("panels")
        self.table.setHorizontalHeaderLabels(
            [self.tr("Sample no."), self.tr("Product"), self.tr("Item"), self.tr("Members"), self.tr("Finding"),
             self.tr("Conclusion"), self.tr("Recorded by"), self.tr("Recorded")]
        )
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for c, width in enumerate((170, 110, 90, 180, 80, 260, 80)):
            self.table.setColumnWidth(c, width)
        header.setStretchLastSection(True)
        remember_columns(header, "panels/list")
        split.addWidget(self.table)

        detail = QGroupBox(self.tr("Evaluation"))
        dlayout = QVBoxLayout(detail)
        self.members = QTableWidget(0, 4)
        self.members.setObjectName("members")
        self.members.setHorizontalHeaderLabels(
            [self.tr("Name"), self.tr("Affiliation"), self.tr("Title"), self.tr("Opinion")]
        )
        self.members.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.members.verticalHeader().setVisible(False)
        self.members.horizontalHeader().setStretchLastSection(True)
        for c, width in enumerate((100, 200, 110)):
            self.members.setColumnWidth(c, width)
        remember_columns(self.members.horizontalHeader(), "panels/members")
        dlayout.addWidget(self.members, 1)
        form = QFormLayout()
        self.conclusion = QLabel()
        self.conclusion.setObjectName("conclusion")
        self.justification = QLabel()
        self.justification.setObjectName("justification")
        for w in (self.conclusion, self.justification):
            w.setWordWrap(True)
            w.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow(self.tr("Conclusion"), self.conclusion)
        form.addRow(self.tr("Why fewer than three"), self.justification)
        dlayout.addLayout(form)
        split.addWidget(detail)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        layout.addWidget(split, 1)
        self.count = QLabel()
        self.count.setObjectName("count")
        layout.addWidget(self.count)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(250)
        self._timer.timeout.connect(self.refresh)
        self.filter.textEdited.connect(lambda _t: self._timer.start())
        self.filter.returnPressed.connect(self.refresh)
        self.table.currentCellChanged.connect(lambda row, *_: self._show_detail(row))
        self.table.cellDoubleClicked.connect(lambda _r, _c: self.open_sample())
        self.open_button.clicked.connect(self.open_sample)
        for keys, slot, owner in (("Return", self.open_sample, self.table), ("Enter", self.open_sample, self.table),
                                  ("Ctrl+F", self._focus_filter, self)):
            action = QAction(self)
            action.setShortcut(QKeySequence(keys))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(slot)
            owner.addAction(action)
        bus.changed.connect(self._changed)
        self._update_buttons()

    def _focus_filter(self) -> None:
        self.filter.setFocus()
        self.filter.selectAll()

    def _changed(self, kinds) -> None:
        if self.loaded and set(kinds) & {"panel", "result", "sample"}:
            self.refresh()

    def refresh(self) -> None:
        text = self.filter.text().strip()
        settings().setValue("panels/filter", text)
        run_op(testing.list_panels, self.ctx, text=text, on_done=self._show,
               on_error=lambda exc: show_error(self, exc))

    def _show(self, panels: list[testing.PanelInfo]) -> None:
        current = self.selected()
        self.panels = list(panels)
        self.loaded = True
        self.table.setRowCount(len(self.panels))
        for r, p in enumerate(self.panels):
            finding = {"pass": self.tr("No problem found"), "fail": self.tr("Problem found")}.get(p.finding, "")
            members = "、".join(m.name for m in p.members)
            values = [p.sample_number, p.product_name, p.item, members, finding, p.conclusion, p.created_by,
                      local_time(p.created_at)]
            for c, value in enumerate(values):
                cell = QTableWidgetItem(value)
                cell.setToolTip(value)
                if c == 4 and p.finding:
                    cell.setBackground(QBrush(JUDGEMENT_COLOURS.get(p.finding, style.colour(style.WHITE))))
                self.table.setItem(r, c, cell)
        self.count.setText(self.tr("%n evaluation(s)", "", len(self.panels)))
        index = next((i for i, p in enumerate(self.panels) if current and p.id == current.id), 0 if self.panels else -1)
        if index >= 0:
            self.table.setCurrentCell(index, 0)
        self._show_detail(index)

    def selected(self) -> testing.PanelInfo | None:
        row = self.table.currentRow()
        return self.panels[row] if 0 <= row < len(self.panels) else None

    def _show_detail(self, row: int) -> None:
        p = self.panels[row] if 0 <= row < len(self.panels) else None
        self.members.setRowCount(len(p.members) if p else 0)
        if p is not None:
            for r, m in enumerate(p.members):
                for c, value in enumerate((m.name, m.affiliation, m.title, m.opinion)):
                    cell = QTableWidgetItem(value)
                    cell.setToolTip(value)
                    self.members.setItem(r, c, cell)
        self.conclusion.setText(p.conclusion if p else "")
        self.justification.setText((p.justification or "—") if p else "")
        self._update_buttons()

    def _update_buttons(self) -> None:
        self.open_button.setEnabled(self.selected() is not None)

    def open_sample(self) -> None:
        p = self.selected()
        if p is None:
            return
        window = self.window()
        if hasattr(window, "go"):
            window.go("testing", sample_id=p.sample_id, item=p.item)
