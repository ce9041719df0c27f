"""A Qt table model over a list that is counted, sorted, filtered and paged by the database.

After Anki's browser table: the view asks for any row of the full list (the row count is the
number of rows the filter gives), and the model keeps a small cache of pages. A row that is
not cached yet shows empty while its page is fetched by an operation on a worker thread; when
the page arrives its rows are announced with ``dataChanged``. A new filter or order starts a new
*generation*, and results of an older generation are dropped when they arrive.

Fetching is bounded: at most two page fetches run at once, and of the pages asked for while
they run only the last few are kept (the ones the view is showing now), so dragging the scroll
bar over 100,000 rows does not queue hundreds of queries.

A subclass names its columns (``COLUMNS``, with header texts in ``headers``), the service
functions that count and page (``count_rows(ctx, query)`` and
``page_rows(ctx, query, sort_key, descending, offset, limit, *, total)``, as static methods),
and how a row reads (:meth:`cell_text`, and :meth:`row_data` for other roles).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from shiboken6 import isValid

from app.services.context import Context
from app.ui.ops import run_op

Runner = Callable[..., Any]
CountFn = Callable[[Context, Any], int]
PageFn = Callable[..., list]

ROW_ROLE = Qt.ItemDataRole.UserRole + 1  # the row object of a line (None while loading)


class LazyTableModel(QAbstractTableModel):
    """Rows of ``page_rows``, fetched lazily; ``loaded(total)`` after each (re)load."""

    loaded = Signal(int)
    failed = Signal(object)
    busy_changed = Signal(bool)

    COLUMNS: tuple[str, ...] = ()
    MAX_IN_FLIGHT = 2
    MAX_WANTED = 4

    # -- what a subclass provides
    count_rows: CountFn
    page_rows: PageFn

    def cell_text(self, row: Any, column: str) -> str:
        raise NotImplementedError

    def row_data(self, row: Any, column: str, role: int) -> Any:
        """Roles other than display text and ``ROW_ROLE`` (background, tool tip, …)."""
        return None

    def first_rows(self) -> tuple[Callable[..., Any], tuple]:
        """The worker call that counts and reads the first page; its result has ``total`` and ``rows``."""
        return _first_page, (type(self).count_rows, type(self).page_rows, self.ctx, self.query,
                             self.sort_key, self.descending, self.page_size)

    # -- the model
    def __init__(self, ctx: Context, parent=None, *, query: Any, sort_key: str, descending: bool,
                 page_size: int = 200, max_pages: int = 40, runner: Runner = run_op) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.page_size = page_size
        self.max_pages = max_pages
        self._run = runner
        self.query = query
        self.sort_key = sort_key
        self.descending = descending
        self.started = False
        self.total = 0
        self.headers: dict[str, str] = {}
        self._pages: OrderedDict[int, list[Any]] = OrderedDict()
        self._in_flight: set[int] = set()
        self._wanted: list[int] = []
        self._generation = 0
        self._loading = False
        self._resetting = False  # a new filter or order is being counted: fetch no page of it yet
        self.fetches = 0  # page fetches started (for tests and the status line)

    # ------------------------------------------------------------------------------ Qt interface
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else self.total

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            key = self.COLUMNS[section]
            return self.headers.get(key, key)
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
            return self.cell_text(row, self.COLUMNS[index.column()])
        if role == ROW_ROLE:
            return row
        return self.row_data(row, self.COLUMNS[index.column()], role)

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
    def row_at(self, r: int) -> Any:
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

    def cached_rows(self) -> list[tuple[int, Any]]:
        """(row number, row) of every cached row, in order."""
        out: list[tuple[int, Any]] = []
        for p in sorted(self._pages):
            out.extend((p * self.page_size + i, row) for i, row in enumerate(self._pages[p]))
        return out

    def cached_pages(self) -> list[int]:
        return sorted(self._pages)

    def column_of(self, key: str) -> int:
        return self.COLUMNS.index(key)

    @property
    def loading(self) -> bool:
        return self._loading

    # ------------------------------------------------------------------------------ loading
    def set_query(self, query: Any) -> None:
        self.query = query
        self.reload()

    def reload(self) -> None:
        """Count and fetch the first page for the current filter and order (drops older results)."""
        self.started = True
        self._generation += 1
        generation = self._generation
        self._resetting = True
        self._set_busy(True)
        fn, args = self.first_rows()
        self._run(
            fn,
            *args,
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
            type(self).count_rows,
            type(self).page_rows,
            self.ctx,
            self.query,
            self.sort_key,
            self.descending,
            self.page_size,
            keep,
            on_done=lambda result: self._refreshed(generation, result),
            on_error=lambda exc: self._failed(generation, exc),
        )

    def _first_page(self, generation: int, result: Any) -> None:
        if not isValid(self) or generation != self._generation:
            return  # a newer filter or order was asked for meanwhile
        self.beginResetModel()
        self.total = result.total
        self._pages.clear()
        self._in_flight.clear()
        self._wanted.clear()
        if result.rows:
            self._pages[0] = list(result.rows)
        self._resetting = False
        self.endResetModel()
        self._set_busy(False)
        self.loaded.emit(self.total)

    def _refreshed(self, generation: int, result: tuple[int, dict[int, list[Any]]]) -> None:
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
                type(self).page_rows,
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

    def _got_page(self, generation: int, p: int, rows: list[Any]) -> None:
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


class FirstRows:
    """The total of a filter and its first rows (what a generic first fetch returns)."""

    __slots__ = ("total", "rows")

    def __init__(self, total: int, rows: list[Any]) -> None:
        self.total = total
        self.rows = rows


def _first_page(count_rows: CountFn, page_rows: PageFn, ctx: Context, query: Any, sort_key: str,
                descending: bool, limit: int) -> FirstRows:
    """Runs on a worker: the count and the first page in one operation."""
    total = count_rows(ctx, query)
    rows = page_rows(ctx, query, sort_key, descending, 0, limit, total=total) if total else []
    return FirstRows(total, rows)


def _count_and_pages(count_rows: CountFn, page_rows: PageFn, ctx: Context, query: Any, sort_key: str,
                     descending: bool, page_size: int, pages: list[int]) -> tuple[int, dict[int, list[Any]]]:
    """Runs on a worker: the new total and fresh copies of the pages the view shows."""
    total = count_rows(ctx, query)
    out: dict[int, list[Any]] = {}
    for p in sorted(set(pages) | {0}):
        if p * page_size < total:
            out[p] = page_rows(ctx, query, sort_key, descending, p * page_size, page_size, total=total)
    return total, out
