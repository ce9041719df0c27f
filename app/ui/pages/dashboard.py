"""工作台: the five-working-day clock of Article 18 for every completed sample, and what awaits."""

from __future__ import annotations

from datetime import date
from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QGroupBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.services import dashboard as dashboard_service
from app.services.context import Context
from app.ui import style
from app.ui.ops import bus, run_op
from app.ui.widgets import remember_columns

# traffic light: overdue red, due today or tomorrow orange, later green
STATE_COLOURS = {
    "overdue": style.colour(style.FAIL),
    "due_soon": style.colour(style.PENDING),
    "ok": style.colour(style.PASS),
}


class DashboardPage(QWidget):
    #: a pending major hazard was clicked: its sample's id (the window opens it on the testing page)
    hazard_opened = Signal(int)

    def __init__(self, ctx: Context, parent=None, today: date | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.today = today
        self.board: dashboard_service.Board | None = None
        layout = QVBoxLayout(self)
        title = QLabel(self.tr("Dashboard"))
        title.setStyleSheet(style.PAGE_TITLE)
        layout.addWidget(title)

        self.summary = QGridLayout()
        self.cards: dict[str, QLabel] = {}
        for col, (key, text, counts) in enumerate(
            [
                ("open", self.tr("Reports due (5 working days)"),
                 self.tr("Samples whose initial monitoring is complete and whose results are not yet reported to "
                         "the regulator (Article 18: within 5 working days).")),
                ("overdue", self.tr("Overdue"),
                 self.tr("Of those, the samples past their 5-working-day deadline.")),
                ("notify", self.tr("Samples with problems, letters not sent"),
                 self.tr("Approved samples that found problems and for which no notice has been sent yet "
                         "(Article 18 ¶2): count of samples, not of letters.")),
                ("hazards", self.tr("Major hazards awaiting report"),
                 self.tr("Major hazards found and saved but not yet reported (Article 18 ¶3).")),
                ("uploads", self.tr("Failed uploads"),
                 self.tr("Items of the upload queue whose last attempt failed, including those that need a person.")),
            ]
        ):
            box = QGroupBox(text)
            box.setToolTip(counts)
            inner = QVBoxLayout(box)
            number = QLabel("–")
            number.setObjectName(f"card_{key}")
            number.setStyleSheet(style.BIG_NUMBER)
            inner.addWidget(number)
            self.cards[key] = number
            self.summary.addWidget(box, 0, col)
        # uploads to the provincial system (Article 18 ¶1) that failed: open the 上报同步 page from here
        link_text = self.tr("Open the upload page")
        self.uploads_link = QLabel(f'<a href="sync">{link_text}</a>')
        self.uploads_link.setObjectName("uploads_link")
        self.uploads_link.linkActivated.connect(self._open_uploads)
        self.cards["uploads"].parentWidget().layout().addWidget(self.uploads_link)
        # major hazards found and not reported (Article 18 ¶3): each with its clock, a link to the sample
        self.hazard_list = QLabel()
        self.hazard_list.setObjectName("hazard_list")
        self.hazard_list.setWordWrap(True)
        self.hazard_list.setTextFormat(Qt.TextFormat.RichText)
        self.hazard_list.linkActivated.connect(self._open_hazard)
        self.cards["hazards"].parentWidget().layout().addWidget(self.hazard_list)
        layout.addLayout(self.summary)

        layout.addWidget(QLabel(self.tr("Reporting deadlines (Article 18: 5 working days after initial monitoring)")))
        self.table = QTableWidget(0, 8)
        self.table.setObjectName("deadlines")
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Sample no."),
                self.tr("Task"),
                self.tr("Product"),
                self.tr("Completed"),
                self.tr("Deadline"),
                self.tr("Working days left"),
                self.tr("Status"),
                self.tr("Problems"),
            ]
        )
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        # the product takes the spare width; the others are the person's to widen, remembered like every list's
        self._fit: dict[str, bool] = {}  # a table whose short columns still take the width of their contents
        self._columns(self.table, 2, "dashboard/deadlines")
        layout.addWidget(self.table, 3)
        self._shown = 0  # rows of the deadline list shown so far (the first page comes with the board)
        self.table.verticalScrollBar().valueChanged.connect(self._near_end)

        layout.addWidget(QLabel(self.tr("Samples per task")))
        self.tasks = QTableWidget(0, 5)
        self.tasks.setObjectName("task_counts")
        self.tasks.setHorizontalHeaderLabels(
            [self.tr("Task"), self.tr("Title"), self.tr("Planned"), self.tr("Sampled"), self.tr("With problems")]
        )
        self.tasks.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tasks.verticalHeader().setVisible(False)
        self._columns(self.tasks, 1, "dashboard/tasks")
        layout.addWidget(self.tasks, 1)
        bus.changed.connect(self._changed)  # a bound method: disconnected when the page is deleted

    def _columns(self, table: QTableWidget, stretch: int, key: str) -> None:
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
        # fitted to the first rows (dates and counts have one width; Qt's default measured 1,000 rows
        # per column, a tenth of the start-up's CPU on a large lab's board)
        header.setResizeContentsPrecision(50)
        self._fit[table.objectName()] = not remember_columns(header, key)

    def _fit_once(self, table: QTableWidget) -> None:
        """The first time a person sees the board, its short columns take the width of what they show;
        from then on they keep the widths that person leaves them (remembered)."""
        if not table.rowCount() or not self._fit.get(table.objectName()):
            return
        self._fit[table.objectName()] = False
        header = table.horizontalHeader()
        for c in range(table.columnCount()):
            if header.sectionResizeMode(c) == QHeaderView.ResizeMode.Interactive:
                table.resizeColumnToContents(c)

    def _changed(self, _kinds) -> None:
        self.refresh()

    def _open_uploads(self, _link: str = "") -> None:
        window = self.window()
        if hasattr(window, "go"):
            window.go("sync")

    def _open_hazard(self, link: str) -> None:
        sample_id = int(link.split(":", 1)[1])
        self.hazard_opened.emit(sample_id)
        window = self.window()
        if hasattr(window, "go"):
            window.go("testing", sample_id=sample_id, hazard=True)

    def _show_hazards(self, board: dashboard_service.Board) -> None:
        card = self.cards["hazards"]
        overdue = any(h.overdue for h in board.pending_hazards)
        card.setStyleSheet(style.BIG_NUMBER_URGENT if overdue else style.BIG_NUMBER)
        lines = []
        for h in board.pending_hazards:
            clock = self.tr("%1 h since found").replace("%1", f"{h.hours:.1f}")
            if h.overdue:
                clock = self.tr("%1 h since found — over the %2 h limit").replace("%1", f"{h.hours:.1f}").replace(
                    "%2", f"{h.limit_hours:g}")
            colour = style.ERROR if h.overdue else style.HAZARD_TEXT
            lines.append(f'<a href="hazard:{h.sample_id}">{escape(h.sample_number)}</a> {escape(h.product_name)}'
                         f' <span style="color:{colour}">{escape(clock)}</span>')
        self.hazard_list.setText("<br>".join(lines))
        self.hazard_list.setToolTip(
            self.tr("Article 18: a major hazard is reported at once. Click a sample to report it.")
            if lines else "")

    def refresh(self) -> None:
        run_op(dashboard_service.load_board, self.ctx, today=self.today, on_done=self._show)

    def _show(self, board: dashboard_service.Board) -> None:
        self.board = board
        self.cards["open"].setText(str(board.open_count))
        self.cards["overdue"].setText(str(board.overdue_count))
        self.cards["notify"].setText(str(board.awaiting_notification))
        self.cards["hazards"].setText(str(board.major_hazards_pending))
        self._show_hazards(board)
        uploads = self.cards["uploads"]
        uploads.setText(str(board.upload_failed))
        uploads.setStyleSheet(style.BIG_NUMBER_URGENT if board.upload_failed else style.BIG_NUMBER)
        uploads.setToolTip(
            self.tr("%n of them need a person (rejected, or exported for upload by hand)", "", board.upload_attention)
            if board.upload_failed else ""
        )
        self.table.setRowCount(0)
        self._shown = 0
        self._add_rows(board.rows)
        self.tasks.setRowCount(len(board.tasks))
        for r, t in enumerate(board.tasks):
            for c, value in enumerate([t.number, t.title, str(t.planned), str(t.sampled), str(t.with_problems)]):
                self.tasks.setItem(r, c, QTableWidgetItem(value))
        self._fit_once(self.table)
        self._fit_once(self.tasks)

    def _near_end(self, value: int) -> None:
        """The deadline list pages lazily: the next page is asked for when the last rows come into view."""
        board = getattr(self, "board", None)
        bar = self.table.verticalScrollBar()
        if (board is None or getattr(self, "_fetching", False) or self._shown >= board.open_count
                or value < bar.maximum() - 5):
            return
        self._fetching = True
        run_op(dashboard_service.deadline_page, self.ctx, self._shown, today=self.today,
               on_done=lambda rows, at=self._shown: self._more(at, rows),
               on_error=lambda _exc: setattr(self, "_fetching", False))

    def _more(self, at: int, rows) -> None:
        self._fetching = False
        if at == self._shown:  # not a page of a board shown before a refresh
            self._add_rows(rows)

    def _add_rows(self, rows) -> None:
        self._append(rows)
        if rows and self._room_for_more():  # nothing to scroll yet: the next page now
            self._near_end(0)

    def _room_for_more(self) -> bool:
        """Whether the rows shown leave the list without anything to scroll. A shown table compares
        its rows' height with its own (its scroll bar is set only once it is laid out again, after
        the rows arrived: it would ask for a second page that nobody sees); a hidden one has no
        height yet and goes by its scroll bar."""
        if self.table.isVisible():
            return self.table.verticalHeader().length() <= self.table.viewport().height()
        return self.table.verticalScrollBar().maximum() == 0

    def _append(self, rows) -> None:
        start = self._shown
        self.table.setRowCount(start + len(rows))
        self._shown = start + len(rows)
        for r, row in enumerate(rows, start):
            if row.state == "overdue":
                late = -row.days_left
                left = self.tr("%n day(s) late", "", late) if late > 0 else self.tr("Overdue")
            elif row.days_left == 0:
                left = self.tr("Due today")
            else:
                left = self.tr("%n day(s)", "", row.days_left)
            deadline = row.deadline.isoformat() + (self.tr(" (provisional)") if row.provisional else "")
            status = {
                "overdue": self.tr("Overdue"),
                "due_soon": self.tr("Due soon"),
                "ok": self.tr("In time"),
            }[row.state]
            values = [
                row.sample_number,
                row.task_number,
                row.product_name,
                row.completed.isoformat(),
                deadline,
                left,
                status,
                self.tr("Yes") if row.problems_found else "",
            ]
            brush = QBrush(STATE_COLOURS[row.state])
            for c, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setBackground(brush)
                item.setData(Qt.ItemDataRole.UserRole, row.state)
                if c == 4 and row.provisional:
                    item.setToolTip(
                        self.tr("No official holiday notice for that year yet: the deadline assumes the statutory holidays.")
                    )
                self.table.setItem(r, c, item)
