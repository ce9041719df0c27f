"""The monitoring task list as a lazily fetched table model over :mod:`app.services.task_list`."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from app.services import task_list
from app.services.context import Context
from app.services.task_list import TaskQuery, TaskRow
from app.ui.dialogs.task_dialogs import authority_labels, task_status_labels
from app.ui.models.lazy_table import ROW_ROLE, LazyTableModel, Runner
from app.ui.ops import run_op

__all__ = ["ROW_ROLE", "TaskTableModel"]


class TaskTableModel(LazyTableModel):
    """Rows of :func:`task_list.page`, fetched lazily; sorted and filtered by the database."""

    COLUMNS = task_list.SORT_KEYS
    count_rows = staticmethod(task_list.count)
    page_rows = staticmethod(task_list.page)

    def __init__(self, ctx: Context, parent=None, *, page_size: int = 200, max_pages: int = 20,
                 runner: Runner = run_op) -> None:
        super().__init__(ctx, parent, query=TaskQuery(), sort_key=task_list.DEFAULT_SORT, descending=True,
                         page_size=page_size, max_pages=max_pages, runner=runner)
        self.headers = {
            "number": self.tr("Task no."),
            "title": self.tr("Title"),
            "authority": self.tr("Issuing authority"),
            "level": self.tr("Level"),
            "year": self.tr("Year"),
            "planned": self.tr("Planned"),
            "sampled": self.tr("Sampled"),
            "schemes": self.tr("Scheme count"),
            "sampling_deadline": self.tr("Sampling deadline"),
            "report_deadline": self.tr("Report deadline"),
            "status": self.tr("Status"),
        }
        self.level_names = authority_labels()
        self.status_names = task_status_labels()

    def cell_text(self, row: TaskRow, column: str) -> str:
        match column:
            case "number":
                return row.number
            case "title":
                return row.title
            case "authority":
                return row.issuing_authority
            case "level":
                return self.level_names.get(row.authority_level, row.authority_level)
            case "year":
                return str(row.plan_year or "")
            case "planned":
                return "" if row.batches_planned is None else str(row.batches_planned)
            case "sampled":
                return str(row.sampled)
            case "schemes":
                return str(row.schemes)
            case "sampling_deadline":
                return row.sampling_deadline.isoformat() if row.sampling_deadline else ""
            case "report_deadline":
                return row.report_deadline.isoformat() if row.report_deadline else ""
            case "status":
                return self.status_names.get(row.status, row.status)
        return ""

    def row_data(self, row: TaskRow, column: str, role: int) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole:
            text = self.cell_text(row, column)
            return text if len(text) > 20 else None
        return None

    def row_of(self, task_id: int) -> int | None:
        """The row number of a cached task, or None."""
        return next((n for n, row in self.cached_rows() if row.id == task_id), None)
