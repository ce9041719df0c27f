"""An in-app PDF viewer (Qt PDF): page navigation, zoom, save and print.

The documents are rendered by ``app.documents`` to bytes; the viewer shows them without writing a
file. Printing renders each page with ``QPdfDocument.render`` at the printer's resolution (capped,
so a 1200 dpi printer does not get gigantic bitmaps) and scales it into the printable area.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QRect, QSize, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.documents._io import atomic_write_bytes
from app.errors import RiskmonError
from app.ui import style
from app.ui.application import settings
from app.ui.dialogs.export_notice import confirm_export
from app.ui.widgets import show_error

ZOOM_STEP = 1.25
ZOOM_MIN, ZOOM_MAX = 0.25, 6.0
PRINT_DPI_MAX = 300


class PdfViewer(QWidget):
    """Shows one PDF at a time. ``loaded(pages)`` fires after a document is shown."""

    loaded = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._data = b""
        self._buffer: QBuffer | None = None
        self.file_name = "document.pdf"  # suggested name when saving
        self.document = QPdfDocument(self)
        self.view = QPdfView(self)
        self.view.setObjectName("pdf_view")
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setPageSpacing(8)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        bar = QHBoxLayout()
        self.title = QLabel()
        self.title.setObjectName("pdf_title")
        self.title.setStyleSheet(style.BOLD)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.title.setWordWrap(True)
        self.prev_button = self._button("◀", self.tr("Previous page (Page Up)"), self.previous_page)
        self.page_spin = QSpinBox()
        self.page_spin.setObjectName("pdf_page")
        self.page_spin.setMinimum(1)
        self.page_spin.setMaximum(1)
        self.page_spin.setToolTip(self.tr("Go to page"))
        self.page_spin.valueChanged.connect(lambda v: self.go_to(v - 1))
        self.pages_label = QLabel("/ 0")
        self.next_button = self._button("▶", self.tr("Next page (Page Down)"), self.next_page)
        self.zoom_out_button = self._button("−", self.tr("Zoom out (Ctrl+-)"), self.zoom_out)
        self.zoom_label = QLabel()
        self.zoom_label.setMinimumWidth(44)
        self.zoom_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.zoom_in_button = self._button("+", self.tr("Zoom in (Ctrl++)"), self.zoom_in)
        self.fit_width_button = self._button(self.tr("Fit width"), self.tr("Fit the page width (Ctrl+0)"),
                                             self.fit_width)
        self.fit_page_button = self._button(self.tr("Whole page"), self.tr("Show whole pages"), self.fit_page)
        self.save_button = self._button(self.tr("Save PDF…"), self.tr("Save this document as a PDF file (Ctrl+S)"),
                                        self.save_as)
        self.print_button = self._button(self.tr("Print…"), self.tr("Print this document (Ctrl+P)"),
                                         self.print_document)
        for w in (self.prev_button, self.page_spin, self.pages_label, self.next_button):
            bar.addWidget(w)
        bar.addSpacing(10)
        for w in (self.zoom_out_button, self.zoom_label, self.zoom_in_button, self.fit_width_button,
                  self.fit_page_button):
            bar.addWidget(w)
        bar.addStretch(1)
        head = QHBoxLayout()
        head.addWidget(self.title, 1)
        head.addWidget(self.save_button)
        head.addWidget(self.print_button)
        layout.addLayout(head)
        layout.addLayout(bar)

        self.stack = QStackedWidget()
        self.empty = QLabel(self.tr("Nothing to show yet: choose a document and press Preview."))
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.empty.setStyleSheet(style.INACTIVE_TEXT)
        self.stack.addWidget(self.empty)
        self.stack.addWidget(self.view)
        layout.addWidget(self.stack, 1)

        self.view.pageNavigator().currentPageChanged.connect(self._page_changed)
        self.view.zoomFactorChanged.connect(lambda _z: self._update_zoom_label())
        self.view.zoomModeChanged.connect(lambda _m: self._update_zoom_label())
        for keys, slot in (
            (QKeySequence.StandardKey.ZoomIn, self.zoom_in),
            (QKeySequence.StandardKey.ZoomOut, self.zoom_out),
            (QKeySequence("Ctrl+0"), self.fit_width),
            (QKeySequence(Qt.Key.Key_PageDown), self.next_page),
            (QKeySequence(Qt.Key.Key_PageUp), self.previous_page),
        ):
            action = QAction(self)
            action.setShortcut(keys)
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(slot)
            self.addAction(action)
        self._update_state()

    def _button(self, text: str, tip: str, slot) -> QToolButton:
        b = QToolButton()
        b.setText(text)
        b.setToolTip(tip)
        b.setStatusTip(tip)
        b.setAutoRaise(False)
        b.clicked.connect(slot)
        return b

    # ------------------------------------------------------------------ loading
    def load_bytes(self, data: bytes, title: str = "", file_name: str = "") -> bool:
        """Show ``data``; False (and nothing shown) when it is not a readable PDF."""
        self.document.close()
        buffer = QBuffer(self)
        buffer.setData(QByteArray(bytes(data)))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document.load(buffer)
        if self._buffer is not None:
            self._buffer.deleteLater()
        self._buffer = buffer
        ok = self.document.status() == QPdfDocument.Status.Ready and self.document.pageCount() > 0
        self._data = bytes(data) if ok else b""
        self.title.setText(title if ok else "")
        if file_name:
            self.file_name = file_name
        self.page_spin.blockSignals(True)
        self.page_spin.setMaximum(max(1, self.page_count()))
        self.page_spin.setValue(1)
        self.page_spin.blockSignals(False)
        self.pages_label.setText(f"/ {self.page_count()}")
        self.stack.setCurrentWidget(self.view if ok else self.empty)
        if ok:
            self.go_to(0)
        self._update_state()
        if ok:
            self.loaded.emit(self.page_count())
        return ok

    def clear(self) -> None:
        self.document.close()
        self._data = b""
        self.title.clear()
        self.pages_label.setText("/ 0")
        self.stack.setCurrentWidget(self.empty)
        self._update_state()

    @property
    def data(self) -> bytes:
        return self._data

    def page_count(self) -> int:
        return self.document.pageCount() if self._data else 0

    def current_page(self) -> int:
        return self.view.pageNavigator().currentPage()

    # ------------------------------------------------------------------ navigation and zoom
    def go_to(self, page: int) -> None:
        if not self.page_count():
            return
        page = max(0, min(page, self.page_count() - 1))
        self.view.pageNavigator().jump(page, QPointF(), self.view.zoomFactor())

    def next_page(self) -> None:
        self.go_to(self.current_page() + 1)

    def previous_page(self) -> None:
        self.go_to(self.current_page() - 1)

    def _page_changed(self, page: int) -> None:
        self.page_spin.blockSignals(True)
        self.page_spin.setValue(page + 1)
        self.page_spin.blockSignals(False)
        self._update_state()

    def zoom_factor(self) -> float:
        return float(self.view.zoomFactor())

    def set_zoom(self, factor: float) -> None:
        self.view.setZoomMode(QPdfView.ZoomMode.Custom)
        self.view.setZoomFactor(max(ZOOM_MIN, min(ZOOM_MAX, factor)))
        self._update_zoom_label()

    def zoom_in(self) -> None:
        self.set_zoom(self._effective_zoom() * ZOOM_STEP)

    def zoom_out(self) -> None:
        self.set_zoom(self._effective_zoom() / ZOOM_STEP)

    def _effective_zoom(self) -> float:
        """The zoom now on screen, also in a fit mode (where zoomFactor keeps the last custom value)."""
        if self.view.zoomMode() == QPdfView.ZoomMode.Custom or not self.page_count():
            return self.zoom_factor()
        points = self.document.pagePointSize(max(0, self.current_page()))
        if points.width() <= 0:
            return self.zoom_factor()
        dpi_scale = self.logicalDpiX() / 72.0
        width = self.view.viewport().width() - 2 * self.view.documentMargins().left()
        return max(ZOOM_MIN, width / (points.width() * dpi_scale))

    def fit_width(self) -> None:
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self._update_zoom_label()

    def fit_page(self) -> None:
        self.view.setZoomMode(QPdfView.ZoomMode.FitInView)
        self._update_zoom_label()

    def _update_zoom_label(self) -> None:
        mode = self.view.zoomMode()
        if mode == QPdfView.ZoomMode.FitToWidth:
            self.zoom_label.setText(self.tr("Width"))
        elif mode == QPdfView.ZoomMode.FitInView:
            self.zoom_label.setText(self.tr("Page"))
        else:
            self.zoom_label.setText(f"{self.zoom_factor():.0%}")

    def _update_state(self) -> None:
        has = bool(self.page_count())
        page = self.current_page() if has else 0
        self.prev_button.setEnabled(has and page > 0)
        self.next_button.setEnabled(has and page < self.page_count() - 1)
        for w in (self.page_spin, self.zoom_in_button, self.zoom_out_button, self.fit_width_button,
                  self.fit_page_button, self.save_button, self.print_button):
            w.setEnabled(has)
        self._update_zoom_label()

    # ------------------------------------------------------------------ save and print
    def ask_save_path(self, caption: str, name: str) -> str | None:
        """The file to save to (a dialog; tests replace this method)."""
        folder = str(settings().value("files/last_folder", str(Path.home())))
        path, _ = QFileDialog.getSaveFileName(self, caption, str(Path(folder) / name), self.tr("PDF files (*.pdf)"))
        return path or None

    def save_as(self) -> Path | None:
        if not self._data:
            return None
        if not confirm_export(self, self.title.text() or self.file_name):  # Article 8, before it leaves the lab
            return None
        chosen = self.ask_save_path(self.tr("Save PDF"), self.file_name)
        if not chosen:
            return None
        path = Path(chosen)
        if path.suffix.lower() != ".pdf":
            path = path.with_suffix(path.suffix + ".pdf") if path.suffix else path.with_suffix(".pdf")
        try:
            atomic_write_bytes(path, self._data)
        except RiskmonError as exc:  # not a regular file, no permission, disk full: the writer's message
            show_error(self, exc)
            return None
        except OSError as exc:
            show_error(self, RiskmonError(self.tr("Could not write %1: %2").replace("%1", str(path))
                                          .replace("%2", exc.strerror or str(exc))))
            return None
        settings().setValue("files/last_folder", str(path.parent))
        return path

    def ask_print(self, printer: QPrinter) -> bool:
        """Let the user choose the printer and pages (a dialog; tests replace this method)."""
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle(self.tr("Print"))
        dialog.setMinMax(1, max(1, self.page_count()))
        return dialog.exec() == QPrintDialog.DialogCode.Accepted

    def print_document(self, printer: QPrinter | None = None) -> int:
        """Print (after ``ask_print``); returns the number of pages sent to the printer."""
        if not self.page_count():
            return 0
        if printer is None:
            printer = QPrinter(QPrinter.PrinterMode.HighResolution)
            printer.setDocName(self.title.text() or self.file_name)
            printer.setFromTo(1, self.page_count())
            if not self.ask_print(printer):
                return 0
        return self.render_to(printer)

    def render_to(self, printer: QPrinter) -> int:
        first, last = printer.fromPage(), printer.toPage()
        if first <= 0 or last <= 0:
            first, last = 1, self.page_count()
        last = min(last, self.page_count())
        painter = QPainter()
        if not painter.begin(printer):
            return 0
        dpi = min(printer.resolution(), PRINT_DPI_MAX)
        printed = 0
        try:
            for n in range(first - 1, last):
                if printed:
                    printer.newPage()
                points = self.document.pagePointSize(n)
                size = QSize(max(1, round(points.width() / 72 * dpi)), max(1, round(points.height() / 72 * dpi)))
                image = self.document.render(n, size)
                area = painter.viewport()
                scale = min(area.width() / size.width(), area.height() / size.height())
                w, h = int(size.width() * scale), int(size.height() * scale)
                target = QRect(area.x() + (area.width() - w) // 2, area.y() + (area.height() - h) // 2, w, h)
                painter.drawImage(target, image)
                printed += 1
        finally:
            painter.end()
        return printed
