"""批量录入: one test item across many samples of a task, in a grid.

Rows are the task's samples under test that have the item. A numeric item is judged as the value
is typed, by the same function the single entry uses (``testing.auto_judgement``); a text item
takes a judgement and a reason. Enter moves down to the next sample. A value that is not a number
marks its cell and nothing is saved until it is fixed or the row skipped; the service checks every
entry again and saves all of them in one unit of work, or none.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QRect, QSize, Qt
from PySide6.QtGui import QBrush, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStyledItemDelegate,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from app.errors import RiskmonError, ValidationError
from app.services import tasks, testing
from app.ui import style
from app.ui.application import settings
from app.ui.ops import bus, run_op
from app.ui.widgets import remember_columns, show_error

SAMPLE, PRODUCT, REQUIREMENT, VALUE, UNIT, JUDGEMENT, REASON = range(7)
EDITABLE = (VALUE, UNIT, REASON)
BAD = style.colour(style.FAIL)
JUDGEMENT_COLOURS = {"pass": style.colour(style.PASS), "fail": style.colour(style.FAIL), "undetermined": style.colour(style.CANCELLED)}
SKIPPED = style.colour(style.NEUTRAL)
# columns as wide as what they show (never typed at length): the sample number, the unit, the judgement
FIT = (SAMPLE, UNIT, JUDGEMENT)
REASON_WIDTH = 240  # the reason column, the last, takes the spare width; the dialog gives it 240–480


def screen_room(widget: QWidget) -> QRect | None:
    """The part of the screen a window of ``widget`` may take (None when it has no screen)."""
    screen = widget.screen()
    return screen.availableGeometry() if screen is not None else None


class _EnterMovesDown(QStyledItemDelegate):
    """While a cell is edited, Enter commits it and opens the same column on the next row."""

    def __init__(self, table: BulkTable) -> None:
        super().__init__(table)
        self.table = table

    def eventFilter(self, editor: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent) and \
                event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.commitData.emit(editor)
            self.closeEditor.emit(editor, QStyledItemDelegate.EndEditHint.NoHint)
            self.table.move_down()
            return True
        return super().eventFilter(editor, event)


class BulkTable(QTableWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, 7, parent)
        self.setItemDelegate(_EnterMovesDown(self))

    def move_down(self) -> None:
        index = self.currentIndex()
        if not index.isValid():
            return
        row = min(index.row() + 1, self.rowCount() - 1)
        self.setCurrentCell(row, index.column())
        item = self.item(row, index.column())
        if item is not None and item.flags() & Qt.ItemFlag.ItemIsEditable and row != index.row():
            self.editItem(item)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.state() != \
                QAbstractItemView.State.EditingState:
            self.move_down()
            return
        super().keyPressEvent(event)


class BulkEntryDialog(QDialog):
    def __init__(self, ctx, parent: QWidget | None = None, task_id: int | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("bulk_entry")
        self.setWindowTitle(self.tr("Bulk entry: one item, many samples"))
        self.resize(960, 480)  # until the rows come: then as large as the grid (``_fit_to_grid``)
        self._fitted = False
        self.rows: list[testing.BulkRow] = []
        self.skipped: set[int] = set()  # result ids
        self.errors: dict[int, str] = {}  # result id → what is wrong, from the service
        self._filling = False
        self._wanted_task = task_id if task_id is not None else settings().value("testing/bulk_task")
        self._after_load = ""  # the message to keep once the grid is reloaded after a save

        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        task_label = QLabel(self.tr("Task:"))
        self.task_box = QComboBox()
        self.task_box.setObjectName("task")
        self.task_box.setMinimumWidth(360)
        task_label.setBuddy(self.task_box)
        item_label = QLabel(self.tr("Test item:"))
        self.item_box = QComboBox()
        self.item_box.setObjectName("item")
        self.item_box.setMinimumWidth(220)
        item_label.setBuddy(self.item_box)
        top.addWidget(task_label)
        top.addWidget(self.task_box, 1)
        top.addSpacing(12)
        top.addWidget(item_label)
        top.addWidget(self.item_box)
        layout.addLayout(top)
        hint = QLabel(self.tr("The samples of the task under test that have this item. Type the values; Enter moves "
                              "to the next sample. A numeric item is judged as you type; a text item needs a "
                              "judgement and a reason. Rows left empty or skipped are not saved."))
        hint.setWordWrap(True)
        hint.setStyleSheet(style.MUTED_TEXT)
        layout.addWidget(hint)

        self.table = BulkTable()
        self.table.setObjectName("grid")
        self.table.setHorizontalHeaderLabels([self.tr("Sample no."), self.tr("Product"), self.tr("Requirement"),
                                              self.tr("Value"), self.tr("Unit"), self.tr("Judgement"),
                                              self.tr("Reason (text items)")])
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.AllEditTriggers
                                   & ~QAbstractItemView.EditTrigger.CurrentChanged)
        # the columns fill the width: the short ones fit what they show, the product, requirement and
        # value keep the widths people give them, and the reason (the text typed at length) takes the rest
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column in FIT:
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        for column, width in ((PRODUCT, 150), (REQUIREMENT, 170), (VALUE, 120)):
            header.resizeSection(column, width)
        header.setStretchLastSection(True)
        # not "testing/bulk_entry": that held the widths of a grid whose product column stretched
        remember_columns(header, "testing/bulk_grid")
        self.table.itemChanged.connect(self._edited)
        layout.addWidget(self.table, 1)

        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        buttons = QHBoxLayout()
        self.skip_button = QPushButton(self.tr("Skip row"))
        self.skip_button.setObjectName("skip")
        self.skip_button.setToolTip(self.tr("Leave the selected sample out of this save (its value is cleared)"))
        self.skip_button.clicked.connect(self.skip_current)
        self.save_button = QPushButton(self.tr("Save all"))
        self.save_button.setObjectName("save")
        self.save_button.setDefault(False)
        self.save_button.setAutoDefault(False)
        self.save_button.clicked.connect(self.save)
        close = QPushButton(self.tr("Close"))
        close.setAutoDefault(False)
        close.clicked.connect(self.reject)
        buttons.addWidget(self.skip_button)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(close)
        layout.addLayout(buttons)

        self.task_box.currentIndexChanged.connect(self._task_chosen)
        self.item_box.currentIndexChanged.connect(lambda _i: self.load())
        run_op(tasks.list_tasks, self.ctx, include_closed=False, on_done=self._show_tasks, on_error=self._error)

    # ------------------------------------------------------------------ loading
    def _show_tasks(self, infos) -> None:
        if not isValid(self):
            return
        self.task_box.blockSignals(True)
        self.task_box.clear()
        for info in infos:
            self.task_box.addItem(f"{info.data.number}  {info.data.title}", info.id)
        self.task_box.blockSignals(False)
        try:
            index = self.task_box.findData(int(self._wanted_task)) if self._wanted_task not in (None, "") else -1
        except (TypeError, ValueError):
            index = -1
        self.task_box.setCurrentIndex(max(index, 0) if infos else -1)
        self._task_chosen()

    def _task_chosen(self, *_args) -> None:
        task_id = self.task_box.currentData()
        if task_id is None:
            return
        settings().setValue("testing/bulk_task", task_id)
        run_op(testing.bulk_items, self.ctx, task_id, on_done=self._show_items, on_error=self._error)

    def _show_items(self, items: list[str]) -> None:
        if not isValid(self):
            return
        self.item_box.blockSignals(True)
        self.item_box.clear()
        self.item_box.addItems(items)
        self.item_box.blockSignals(False)
        if not items:
            self.rows = []
            self.table.setRowCount(0)
            self.message.setText(self.tr("No sample of this task is under test."))
            return
        self.load()

    def load(self) -> None:
        task_id, item = self.task_box.currentData(), self.item_box.currentText()
        if task_id is None or not item:
            return
        run_op(testing.bulk_rows, self.ctx, task_id, item, on_done=self._show_rows, on_error=self._error)

    def _show_rows(self, rows: list[testing.BulkRow]) -> None:
        if not isValid(self):
            return
        self.rows, self.skipped, self.errors = list(rows), set(), {}
        self._filling = True
        self.table.setRowCount(0)  # no cell widget of the item shown before stays behind
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, text in ((SAMPLE, row.sample_number), (PRODUCT, row.product_name),
                            (REQUIREMENT, row.requirement_text), (VALUE, row.value_text),
                            (UNIT, row.unit or row.required_unit), (JUDGEMENT, ""), (REASON, row.judgement_reason)):
                cell = QTableWidgetItem(text)
                editable = c in (VALUE, UNIT) or (c == REASON and not row.numeric)
                if not editable:
                    cell.setFlags(cell.flags() & ~Qt.ItemFlag.ItemIsEditable)
                cell.setToolTip(text)
                self.table.setItem(r, c, cell)
            if not row.numeric:
                box = QComboBox()
                box.setObjectName(f"judgement_{r}")
                for key, label in (("", "—"), ("pass", self.tr("Pass")), ("fail", self.tr("Fail")),
                                   ("undetermined", self.tr("Not judged"))):
                    box.addItem(label, key)
                box.setCurrentIndex(max(0, box.findData(row.judgement or "")))
                self.table.setCellWidget(r, JUDGEMENT, box)
        self._filling = False
        for r in range(len(rows)):
            self._judge(r)
        if self._after_load:
            self._say(self._after_load, ok=True)
            self._after_load = ""
        else:
            self.message.setText(self.tr("%n sample(s) under test have this item.", "", len(rows)))
            self.message.setStyleSheet("")
        if rows:
            self.table.setCurrentCell(0, VALUE)
            self._fit_to_grid()

    def _fit_to_grid(self) -> None:
        """The dialog as large as its grid — every column and every row shown, the reason column at
        least ``REASON_WIDTH`` — within the screen, around the same centre: when the first rows come, and
        then larger (never smaller) for an item of more samples."""
        first, self._fitted = not self._fitted, True
        table, header = self.table, self.table.horizontalHeader()
        for column in FIT:  # now, not at the next layout pass
            table.resizeColumnToContents(column)
        self.layout().activate()
        frame = 2 * table.frameWidth()
        columns = sum(header.sectionSize(c) for c in range(header.count()) if c != REASON)
        width = columns + min(max(REASON_WIDTH, table.sizeHintForColumn(REASON)), 2 * REASON_WIDTH) + frame
        height = header.sizeHint().height() + table.verticalHeader().length() + frame
        # what the grid lacks (or has too much of) is what the dialog grows (or shrinks) by
        wanted = (self.size() + (QSize(width, height) - table.size())).expandedTo(self.minimumSizeHint())
        screen = screen_room(self)
        if screen is not None:
            room = screen.size() - (self.frameGeometry().size() - self.size())
            if wanted.width() > room.width():  # columns beyond the screen: a scroll bar under them
                wanted.setHeight(wanted.height() + table.horizontalScrollBar().sizeHint().height())
            if wanted.height() > room.height():  # rows beyond the screen: a scroll bar beside them
                wanted.setWidth(wanted.width() + table.verticalScrollBar().sizeHint().width())
            wanted = wanted.boundedTo(room)
        if not first:
            wanted = wanted.expandedTo(self.size())
        if wanted == self.size():
            return
        centre = self.geometry().center()
        self.resize(wanted)
        if self.isVisible() and screen is not None:
            area = QRect(0, 0, wanted.width(), wanted.height())
            area.moveCenter(centre)
            area.moveLeft(max(screen.left(), min(area.left(), screen.right() - area.width())))
            area.moveTop(max(screen.top(), min(area.top(), screen.bottom() - area.height())))
            self.move(area.topLeft() + (self.pos() - self.geometry().topLeft()))

    # ------------------------------------------------------------------ typing
    def _edited(self, cell: QTableWidgetItem) -> None:
        if self._filling:
            return
        r = cell.row()
        if 0 <= r < len(self.rows):
            self.errors.pop(self.rows[r].result_id, None)
            if cell.column() == VALUE and cell.text().strip():
                self.skipped.discard(self.rows[r].result_id)
            self._judge(r)

    def _text(self, r: int, c: int) -> str:
        cell = self.table.item(r, c)
        return cell.text().strip() if cell is not None else ""

    def problem(self, r: int) -> str:
        """What is wrong with row ``r`` as typed ("" when nothing)."""
        row = self.rows[r]
        if row.result_id in self.errors:
            return self.errors[row.result_id]
        value = self._text(r, VALUE)
        if not value or row.result_id in self.skipped or not row.numeric:
            return ""
        if testing.parse_value(value) is None:
            return self.tr("not a number")
        unit = self._text(r, UNIT)
        if unit and row.required_unit and unit != row.required_unit:
            return self.tr("unit must be %1").replace("%1", row.required_unit)
        return ""

    def _judge(self, r: int) -> None:
        row = self.rows[r]
        self._filling = True
        value_cell, judgement_cell = self.table.item(r, VALUE), self.table.item(r, JUDGEMENT)
        problem = self.problem(r)
        skipped = row.result_id in self.skipped
        for c in range(self.table.columnCount()):
            cell = self.table.item(r, c)
            if cell is not None:
                cell.setBackground(QBrush(SKIPPED) if skipped else QBrush())
        if problem:
            value_cell.setBackground(QBrush(BAD))
            value_cell.setToolTip(problem)
            judgement_cell.setText(problem)
            judgement_cell.setForeground(style.brush(style.ERROR))
        else:
            value_cell.setToolTip(value_cell.text())
            judgement_cell.setForeground(QBrush())
            if skipped:
                judgement_cell.setText(self.tr("Skipped"))
            elif row.numeric:
                value = self._text(r, VALUE)
                judgement = testing.auto_judgement(row.requirement, value, self._text(r, UNIT) or row.required_unit)
                judgement_cell.setText(self.judgement_label(judgement) if value else self.tr("judged automatically"))
                if judgement:
                    judgement_cell.setBackground(QBrush(JUDGEMENT_COLOURS[judgement]))
            else:
                judgement_cell.setText("")
        self._filling = False

    def judgement_label(self, judgement: str | None) -> str:
        return {"pass": self.tr("Pass"), "fail": self.tr("Fail"), "undetermined": self.tr("Not judged")}.get(
            judgement or "", "")

    def skip_current(self) -> None:
        r = self.table.currentRow()
        if not 0 <= r < len(self.rows):
            return
        self.skipped.add(self.rows[r].result_id)
        self.errors.pop(self.rows[r].result_id, None)
        self._filling = True
        self.table.item(r, VALUE).setText("")
        self._filling = False
        self._judge(r)

    # ------------------------------------------------------------------ saving
    def entries(self) -> list[testing.BulkEntry]:
        out = []
        for r, row in enumerate(self.rows):
            value = self._text(r, VALUE)
            if not value or row.result_id in self.skipped:
                continue
            judgement = None
            if not row.numeric:
                box = self.table.cellWidget(r, JUDGEMENT)
                judgement = (box.currentData() or None) if isinstance(box, QComboBox) else None
            out.append(testing.BulkEntry(row.result_id, row.version, value, self._text(r, UNIT), judgement,
                                         self._text(r, REASON)))
        return out

    def save(self) -> None:
        bad = [self.rows[r].sample_number for r in range(len(self.rows)) if self.problem(r)]
        if bad:
            self._say(self.tr("Nothing saved: fix or skip the marked rows first (%1).").replace("%1", "、".join(bad)))
            return
        entries = self.entries()
        if not entries:
            self._say(self.tr("Nothing to save: type at least one value."))
            return
        self.save_button.setEnabled(False)
        run_op(testing.enter_results_bulk, self.ctx, self.item_box.currentText(), entries, on_done=self._saved,
               on_error=self._save_failed)

    def _say(self, text: str, ok: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(style.DONE_TEXT if ok else style.ERROR_TEXT)

    def _saved(self, rows: list) -> None:
        bus.changed.emit({"result", "sample"})
        if not isValid(self):
            return
        self.save_button.setEnabled(True)
        self._after_load = self.tr("%n result(s) saved.", "", len(rows))
        self._say(self._after_load, ok=True)
        self.load()

    def _save_failed(self, exc: BaseException) -> None:
        if not isValid(self):
            return
        self.save_button.setEnabled(True)
        if isinstance(exc, ValidationError) and exc.errors:
            by_id = {str(row.result_id): row.result_id for row in self.rows}
            self.errors = {by_id[k]: v for k, v in exc.errors.items() if k in by_id}
            for r in range(len(self.rows)):
                self._judge(r)
            self._say(self.tr("Nothing saved: %1").replace("%1", exc.message))
        elif isinstance(exc, RiskmonError):
            self._say(self.tr("Nothing saved: %1").replace("%1", exc.message))
        else:
            show_error(self, exc)

    def _error(self, exc: BaseException) -> None:
        if not isValid(self):
            return
        if isinstance(exc, RiskmonError):
            self._say(exc.message)
        else:
            show_error(self, exc)
