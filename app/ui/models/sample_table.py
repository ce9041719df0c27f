"""The sample list as a Qt table model that never holds more than a window of rows.

A :class:`~app.ui.models.lazy_table.LazyTableModel` over :mod:`app.services.sample_list`: the
database counts, filters, sorts and pages; the model keeps a small cache of pages and fetches the
ones the view shows on a worker thread.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from app.services import sample_list
from app.services.context import Context
from app.services.sample_list import SampleQuery, SampleRow
from app.ui import style
from app.ui.legend import Key
from app.ui.models.lazy_table import ROW_ROLE, LazyTableModel, Runner
from app.ui.ops import run_op

__all__ = ["PROBLEM_BRUSH", "ROW_ROLE", "SampleTableModel"]

PROBLEM_BRUSH = style.brush(style.PROBLEM_ROW)


class SampleTableModel(LazyTableModel):
    """Rows of :func:`sample_list.page`, fetched lazily; ``loaded(total)`` after each (re)load."""

    COLUMNS = sample_list.SORT_KEYS
    count_rows = staticmethod(sample_list.count)
    page_rows = staticmethod(sample_list.page)

    def __init__(self, ctx: Context, parent=None, *, page_size: int = 200, max_pages: int = 40,
                 runner: Runner = run_op) -> None:
        super().__init__(ctx, parent, query=SampleQuery(), sort_key=sample_list.DEFAULT_SORT, descending=True,
                         page_size=page_size, max_pages=max_pages, runner=runner)
        self.headers = {
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

    # ------------------------------------------------------------------------------ reading rows
    def cell_text(self, row: SampleRow, column: str) -> str:
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
                status = self.status_names.get(row.status, row.status)
                return f"{status}（{row.state_note}）" if row.state_note else status
        return ""

    def row_data(self, row: SampleRow, column: str, role: int) -> Any:
        if role == Qt.ItemDataRole.BackgroundRole and row.problems_found:
            return PROBLEM_BRUSH
        if role == Qt.ItemDataRole.ToolTipRole and row.problems_found:
            return self.tr("Problems were found in this sample.")
        return None

    def legend(self) -> list[Key]:
        """What the colours of :meth:`row_data` mean, for the legend under the list."""
        return [Key(self.tr("Problems were found in the sample"), background=style.PROBLEM_ROW)]

    def first_rows(self):
        return sample_list.first_page, (self.ctx, self.query, self.sort_key, self.descending, self.page_size)
