"""The sample list as a Qt table model that never holds more than a window of rows.

After Anki's browser table: the view asks for any row of the full list (the row count is the
number of samples the filter gives), and the model keeps a small cache of pages. A row that is
not cached yet shows empty while its page is fetched by an operation on a worker thread; when
the page arrives its rows are announced with ``dataChanged``. Filtering and sorting are done by
the database (:mod:`app.services.sample_list`); a new filter or order starts a new
*generation*, and results of an older generation are dropped when they arrive.

Fetching is bounded: at most two page fetches run at once, and of the pages asked for while
they run only the last few are kept (the ones the view is showing now), so dragging the scroll
bar over 100,000 rows does not queue hundreds of queries.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from shiboken6 import isValid

from app.services import sample_list
from app.services.context import Context
from app.services.sample_list import SampleQuery, SampleRow
from app.ui.ops import run_op

Runner = Callable[..., Any]

ROW_ROLE = Qt.ItemDataRole.UserRole + 1  # the SampleRow of a line (None while loading)
PROBLEM_BRUSH = QBrush(QColor("#fde7e7"))


class SampleTableModel(QAbstractTableModel):
    """Rows of :func:`sample_list.page`, fetched lazily; ``loaded(total)`` after each (re)load."""

    loaded = Signal(int)
    failed = Signal(object)
    busy_changed = Signal(bool)

    COLUMNS = (
        "number",
        "task",
        "product",
        "brand",
        "batch",
        "place",
        "sampled_party",
        "sampling_date",
        "received_date",
        "status",
    )
    MAX_IN_FLIGHT = 2
    MAX_WANTED = 4

    def __init__(self, ctx: Context, parent=None, *, page_size: int = 200, max_pages: int = 40,
                 runner: Runner = run_op) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.page_size = page_size
        self.max_pages = max_pages
        self._run = runner
        self.query = SampleQuery()
        self.sort_key = sample_list.DEFAULT_SORT
        self.descending = True
        self.started = False
        self.total = 0
        self._pages: OrderedDict[int, list[SampleRow]] = OrderedDict()
        self._in_flight: set[int] = set()
        self._wanted: list[int] = []
        self._generation = 0
        self._loading = False
        self._resetting = False  # a new filter or order is being counted: fetch no page of it yet
        self.fetches = 0  # page fetches started (for tests and the status line)
        self._headers = {
            "number": self.tr("Sample no."),
            "task": self.tr("Task"),
            "product": self.tr("Product"),
            "brand": self.tr("Brand"),
            "batch": self.tr("Batch no."),
            "place": self.tr("Place type"),
            "sampled_party": self.tr("Sampled party"),
            "sampling_date": self.tr("Sampling date"),
            "received_date": self.tr("Received on"),
            "status": self.tr("Status"),
        }
        self.place_names = {
            "producer": self.tr("Producer"),
            "physical_seller": self.tr("Physical seller"),
            "e_platform": self.tr("E-commerce platform"),
        }
        self.status_names = {
            "registered": self.tr("Registered"),
            "received": self.tr("Received"),
            "testing": self.tr("In testing"),
            "completed": self.tr("Testing completed"),
            "compiled": self.tr("Report compiled"),
            "reviewed": self.tr("Report reviewed"),
            "approved": self.tr("Report approved"),
            "reported": self.tr("Reported"),
        }

    # ------------------------------------------------------------------------------ Qt interface
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else self.total

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._headers[self.COLUMNS[section]]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self.row_at(index.row())
        if row is None:
            if role == Qt.ItemDataRole.DisplayRole and index.column() == 0:
                return "…"
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, self.COLUMNS[index.column()])
        if role == ROW_ROLE:
            return row
        if role == Qt.ItemDataRole.BackgroundRole and row.problems_found:
            return PROBLEM_BRUSH
        if role == Qt.ItemDataRole.ToolTipRole and row.problems_found:
            return self.tr("Problems were found in this sample.")
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.COLUMNS):
            return
        key = self.COLUMNS[column]
        descending = order == Qt.SortOrder.DescendingOrder
        if (key, descending) == (self.sort_key, self.descending) and self.started:
            return
        self.sort_key, self.descending = key, descending
        if self.started:
            self.reload()

    # ------------------------------------------------------------------------------ reading rows
    def _text(self, row: SampleRow, column: str) -> str:
        match column:
            case "number":
                return row.number
            case "task":
                return row.task_number
            case "product":
                return row.product_name
            case "brand":
                return row.brand
            case "batch":
                return row.batch_number
            case "place":
                return self.place_names.get(row.place_type, row.place_type)
            case "sampled_party":
                return row.sampled_party
            case "sampling_date":
                return row.sampling_date.isoformat() if row.sampling_date else ""
            case "received_date":
                return row.received_date.isoformat() if row.received_date else ""
            case "status":
                return self.status_names.get(row.status, row.status)
        return ""

    def row_at(self, r: int) -> SampleRow | None:
        """The row ``r`` when its page is cached; otherwise None, and the page is asked for."""
        if not 0 <= r < self.total:
            return None
        p, i = divmod(r, self.page_size)
        rows = self._pages.get(p)
        if rows is None:
            self._want(p)
            return None
        self._pages.move_to_end(p)
        return rows[i] if i < len(rows) else None

    def cached_pages(self) -> list[int]:
        return sorted(self._pages)

    def column_of(self, key: str) -> int:
        return self.COLUMNS.index(key)

    @property
    def loading(self) -> bool:
        return self._loading

    # ------------------------------------------------------------------------------ loading
    def set_query(self, query: SampleQuery) -> None:
        self.query = query
        self.reload()

    def reload(self) -> None:
        """Count and fetch the first page for the current filter and order (drops older results)."""
        self.started = True
        self._generation += 1
        generation = self._generation
        self._resetting = True
        self._set_busy(True)
        self._run(
            sample_list.first_page,
            self.ctx,
            self.query,
            self.sort_key,
            self.descending,
            self.page_size,
            on_done=lambda result: self._first_page(generation, result),
            on_error=lambda exc: self._failed(generation, exc),
        )

    def refresh(self) -> None:
        """Re-read after a change, keeping the rows the view shows (no reset: scroll position stays)."""
        if not self.started:
            return
        if self._resetting:  # the rows shown are of an older filter: count afresh
            self.reload()
            return
        self._generation += 1
        generation = self._generation
        keep = list(self._pages)[-3:]  # the most recently shown pages
        self._set_busy(True)
        self._run(
            _count_and_pages,
            self.ctx,
            self.query,
            self.sort_key,
            self.descending,
            self.page_size,
            keep,
            on_done=lambda result: self._refreshed(generation, result),
            on_error=lambda exc: self._failed(generation, exc),
        )

    def _first_page(self, generation: int, result: sample_list.FirstPage) -> None:
        if not isValid(self) or generation != self._generation:
            return  # a newer filter or order was asked for meanwhile
        self.beginResetModel()
        self.total = result.total
        self._pages.clear()
        self._in_flight.clear()
        self._wanted.clear()
        if result.rows:
            self._pages[0] = result.rows
        self._resetting = False
        self.endResetModel()
        self._set_busy(False)
        self.loaded.emit(self.total)

    def _refreshed(self, generation: int, result: tuple[int, dict[int, list[SampleRow]]]) -> None:
        if not isValid(self) or generation != self._generation:
            return
        total, pages = result
        if total > self.total:
            self.beginInsertRows(QModelIndex(), self.total, total - 1)
            self.total = total
            self.endInsertRows()
        elif total < self.total:
            self.beginRemoveRows(QModelIndex(), total, self.total - 1)
            self.total = total
            self.endRemoveRows()
        self._pages = OrderedDict(pages)
        self._in_flight.clear()
        self._wanted.clear()
        if self.total:
            self.dataChanged.emit(self.index(0, 0), self.index(self.total - 1, len(self.COLUMNS) - 1))
        self._set_busy(False)
        self.loaded.emit(self.total)

    def _failed(self, generation: int, exc: BaseException) -> None:
        if not isValid(self) or generation != self._generation:
            return
        self._resetting = False
        self._set_busy(False)
        self.failed.emit(exc)

    def _want(self, p: int) -> None:
        if p in self._in_flight:
            return
        if p in self._wanted:
            self._wanted.remove(p)
        self._wanted.append(p)
        del self._wanted[: -self.MAX_WANTED]
        self._pump()

    def _pump(self) -> None:
        if self._resetting:
            return
        while self._wanted and len(self._in_flight) < self.MAX_IN_FLIGHT:
            p = self._wanted.pop()  # the most recent first: what the view shows now
            if p in self._pages:
                continue
            self._in_flight.add(p)
            self.fetches += 1
            generation = self._generation
            self._run(
                sample_list.page,
                self.ctx,
                self.query,
                self.sort_key,
                self.descending,
                p * self.page_size,
                self.page_size,
                total=self.total,
                on_done=lambda rows, p=p, g=generation: self._got_page(g, p, rows),
                on_error=lambda exc, p=p, g=generation: self._page_failed(g, p, exc),
            )

    def _got_page(self, generation: int, p: int, rows: list[SampleRow]) -> None:
        if not isValid(self) or generation != self._generation:
            return
        self._in_flight.discard(p)
        self._pages[p] = rows
        while len(self._pages) > self.max_pages:
            self._pages.popitem(last=False)
        first = p * self.page_size
        last = min(first + self.page_size, self.total) - 1
        if last >= first:
            self.dataChanged.emit(self.index(first, 0), self.index(last, len(self.COLUMNS) - 1))
        self._pump()

    def _page_failed(self, generation: int, p: int, exc: BaseException) -> None:
        if not isValid(self) or generation != self._generation:
            return
        self._in_flight.discard(p)
        self.failed.emit(exc)

    def _set_busy(self, busy: bool) -> None:
        if busy != self._loading:
            self._loading = busy
            self.busy_changed.emit(busy)


def _count_and_pages(ctx: Context, query: SampleQuery, sort_key: str, descending: bool, page_size: int,
                     pages: list[int]) -> tuple[int, dict[int, list[SampleRow]]]:
    """Runs on a worker: the new total and fresh copies of the pages the view shows."""
    total = sample_list.count(ctx, query)
    out: dict[int, list[SampleRow]] = {}
    for p in sorted(set(pages) | {0}):
        if p * page_size < total:
            out[p] = sample_list.page(ctx, query, sort_key, descending, p * page_size, page_size, total=total)
    return total, out
