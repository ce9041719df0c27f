"""The bench's work list as a Qt table model that never holds more than a window of rows.

A :class:`~app.ui.models.lazy_table.LazyTableModel` over :mod:`app.services.worklist`: the database
counts, filters and sorts (by the Article 18 deadline unless a header is clicked); each row carries
its clock, coloured as on the dashboard.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from app.services import worklist
from app.services.context import Context
from app.services.worklist import WorkQuery, WorkRow
from app.ui import style
from app.ui.legend import Key
from app.ui.models.lazy_table import ROW_ROLE, LazyTableModel, Runner
from app.ui.ops import run_op

__all__ = ["CLOCK_BRUSHES", "ROW_ROLE", "WorkTableModel"]

#: the dashboard's traffic light
CLOCK_BRUSHES = {state: style.brush(light) for state, light in style.DEADLINE_LIGHTS.items()}


class WorkTableModel(LazyTableModel):
    """Rows of :func:`worklist.page`, fetched lazily; ``loaded(total)`` after each (re)load."""

    COLUMNS = ("number", "task", "product", "status", "received_date", "completed_date", "deadline", "days_left")
    #: the order each column sorts by (the clock's columns all sort by the deadline)
    SORT_OF = {"completed_date": "deadline", "days_left": "deadline"}
    count_rows = staticmethod(worklist.count)
    page_rows = staticmethod(worklist.page)

    def __init__(self, ctx: Context, parent=None, *, query: WorkQuery | None = None, page_size: int = 200,
                 runner: Runner = run_op) -> None:
        super().__init__(ctx, parent, query=query or WorkQuery(), sort_key=worklist.DEFAULT_SORT, descending=False,
                         page_size=page_size, runner=runner)
        self.headers = {
            "number": self.tr("Sample no."),
            "task": self.tr("Task"),
            "product": self.tr("Product"),
            "status": self.tr("Status"),
            "received_date": self.tr("Received on"),
            "completed_date": self.tr("Completed on"),
            "deadline": self.tr("Report by"),
            "days_left": self.tr("Working days left"),
        }
        self.status_names = {
            "received": self.tr("Received: testing not started"),
            "testing": self.tr("In testing"),
            "completed": self.tr("Completed: report to compile"),
            "compiled": self.tr("Report compiled: to review"),
            "reviewed": self.tr("Report reviewed: to approve"),
            "approved": self.tr("Report approved: to report"),
        }
        self.state_names = {
            "overdue": self.tr("Overdue"),
            "due_soon": self.tr("Due today or next working day"),
            "ok": self.tr("On time"),
            "reported": self.tr("Reported"),
            "none": self.tr("Not yet complete"),
        }

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.COLUMNS):
            return
        key = self.COLUMNS[column]
        key = self.SORT_OF.get(key, key)
        descending = order == Qt.SortOrder.DescendingOrder
        if (key, descending) == (self.sort_key, self.descending) and self.started:
            return
        self.sort_key, self.descending = key, descending
        if self.started:
            self.reload()

    def first_rows(self):
        return worklist.first_page, (self.ctx, self.query, self.sort_key, self.descending, self.page_size)

    # ------------------------------------------------------------------------------ reading rows
    def cell_text(self, row: WorkRow, column: str) -> str:
        match column:
            case "number":
                return row.number
            case "task":
                return row.task_number
            case "product":
                return row.product_name
            case "status":
                return self.status_names.get(row.status, row.status)
            case "received_date":
                return row.received_date.isoformat() if row.received_date else ""
            case "completed_date":
                return row.completed_date.isoformat() if row.completed_date else ""
            case "deadline":
                if row.deadline is None:
                    return ""
                return row.deadline.isoformat() + (self.tr(" (provisional)") if row.provisional else "")
            case "days_left":
                if row.days_left is None or row.state == "reported":
                    return self.state_names.get(row.state, "") if row.state == "reported" else ""
                if row.days_left < 0:
                    return self.tr("%1 late").replace("%1", str(-row.days_left))
                return str(row.days_left)
        return ""

    def row_data(self, row: WorkRow, column: str, role: int) -> Any:
        if role == Qt.ItemDataRole.BackgroundRole and column in ("deadline", "days_left"):
            return CLOCK_BRUSHES.get(row.state)
        if role == Qt.ItemDataRole.ToolTipRole:
            tips = [self.state_names.get(row.state, "")] if column in ("deadline", "days_left") else []
            if row.major_hazard:
                tips.append(self.tr("Major hazard"))
            if row.problems_found:
                tips.append(self.tr("Problems were found in this sample."))
            return "\n".join(t for t in tips if t) or None
        if role == Qt.ItemDataRole.ForegroundRole and column == "number" and row.major_hazard:
            return style.brush(style.URGENT)
        return None

    def legend(self) -> list[Key]:
        """What the colours of :meth:`row_data` mean, for the legend under the list: the deadline's
        light (Article 18 ¶1) and a major hazard's sample number."""
        lights = [Key(self.state_names[state], background=colour) for state, colour in style.DEADLINE_LIGHTS.items()]
        return [*lights, Key(self.tr("Sample number in red: a major hazard was flagged"), foreground=style.URGENT,
                             mark="■")]
