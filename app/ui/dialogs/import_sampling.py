"""导入抽样单 from the Excel template into one task: the file is read and checked on a worker (a
progress dialog, 取消 works), the warnings are listed for the user to confirm before anything is
written, then the samples are registered on a worker (progress again), all or nothing."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from app.services.context import Context
from app.ui.ops import run_op
from app.ui.widgets import show_error

if TYPE_CHECKING:  # openpyxl (through the import service) loads when an import starts
    from app.services import imports

# a message box lists at most this many bad rows; the rest are in its details
SHOWN_PROBLEMS = 15


class SamplingImport(QObject):
    """One import of ``path`` into task ``task_id``; ``finished(result or None)`` at the end (None:
    refused, cancelled, or not confirmed — nothing written)."""

    finished = Signal(object)

    def __init__(self, ctx: Context, task_id: int, parent: QWidget) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.task_id = task_id
        self.widget = parent
        self.plan: imports.ImportPlan | None = None
        self.result: imports.ImportResult | None = None

    def start(self, path: str) -> None:
        # deferred: the import services bring python-calamine; loaded when a file is imported
        from app.services import imports

        run_op(imports.check_sampling, self.ctx, path, task_id=self.task_id,
               progress_title=self.tr("Reading and checking the sampling file…"), parent=self.widget,
               on_done=self._checked, on_error=self._failed, on_cancel=self._cancelled)

    def confirm(self, plan: imports.ImportPlan) -> bool:
        """Ask whether to register the file despite its warnings (replaced in tests)."""
        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("Check before importing"),
                          self.tr("%n sample(s) are ready to import into task %1. Please check first:", "",
                                  plan.count).replace("%1", plan.task_number),
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self.widget)
        box.setInformativeText("\n".join(plan.warnings) + "\n\n" + self.tr("Import anyway?"))
        box.setDefaultButton(QMessageBox.StandardButton.No)
        return box.exec() == QMessageBox.StandardButton.Yes

    def _checked(self, plan: imports.ImportPlan) -> None:
        # deferred: the import services bring python-calamine; loaded when a file is imported
        from app.services import imports

        self.plan = plan
        if plan.warnings and not self.confirm(plan):
            self.finished.emit(None)
            return
        run_op(imports.register_plan, self.ctx, plan, accept_warnings=bool(plan.warnings),
               progress_title=self.tr("Registering %n sample(s)…", "", plan.count), parent=self.widget,
               on_done=self._registered, on_error=self._failed, on_cancel=self._cancelled)

    def _cancelled(self) -> None:
        """取消: the transaction was rolled back, nothing written."""
        self.finished.emit(None)

    def _registered(self, result: imports.ImportResult) -> None:
        self.result = result
        self.finished.emit(result)

    def _failed(self, exc: BaseException) -> None:
        # deferred: the import services bring python-calamine; loaded when a file is imported
        from app.services.excel_import import ImportRowsError

        if isinstance(exc, ImportRowsError) and exc.problems:
            lines = [str(p) for p in exc.problems]
            box = QMessageBox(QMessageBox.Icon.Warning, self.tr("Nothing was imported"),
                              exc.message.splitlines()[0], QMessageBox.StandardButton.Ok, self.widget)
            shown = lines[:SHOWN_PROBLEMS]
            more = len(lines) - len(shown)
            box.setInformativeText("\n".join(shown) + (
                "\n" + self.tr("… and %n more (see the details)", "", more) if more else ""))
            box.setDetailedText("\n".join(lines))
            box.exec()
        else:
            show_error(self.widget, exc)
        self.finished.emit(None)
