"""打印标签: the layout of the sample labels, and printing a labels PDF at its true size.

The dialog asks for the layout (A4 label sheets of 3 × 8 labels of 70 × 37 mm, or a 60 × 40 mm
label printer) and, for sheets, the first free label of a sheet already partly used. Printing
renders each PDF page at the printer's resolution onto the whole paper (no scaling to the
printable area, which would move the labels off the sheet's die-cut positions).
"""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QRect, QSize, QSizeF
from PySide6.QtGui import QPageLayout, QPageSize, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.services import labels

PRINT_DPI_MAX = 600


class LabelDialog(QDialog):
    """Layout and first position for the labels of ``count`` samples; read ``chosen_layout()`` and
    ``first_position()`` after it is accepted. Tests set the widgets and call ``accept()``."""

    def __init__(self, count: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("label_dialog")
        self.setWindowTitle(self.tr("Print labels"))
        self.setMinimumWidth(420)
        v = QVBoxLayout(self)
        intro = QLabel(self.tr("Labels of %n sample(s): one per portion (test and backup portions get one each).",
                               "", count))
        intro.setWordWrap(True)
        v.addWidget(intro)
        form = QFormLayout()
        self.layout_box = QComboBox()
        self.layout_box.setObjectName("label_layout")
        self.layout_box.addItem(self.tr("A4 label sheet (3 × 8 labels, 70 × 37 mm)"), labels.SHEET)
        self.layout_box.addItem(self.tr("Label printer (one 60 × 40 mm label per page)"), labels.PRINTER)
        self.position = QSpinBox()
        self.position.setObjectName("first_position")
        self.position.setRange(1, 24)
        self.position.setToolTip(self.tr("On a sheet already partly used: the first free label, counted row by row"))
        form.addRow(self.tr("Layout"), self.layout_box)
        form.addRow(self.tr("Start at label"), self.position)
        self._form = form
        v.addLayout(form)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Print…"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        v.addWidget(buttons)
        self.layout_box.currentIndexChanged.connect(self._layout_changed)
        self._layout_changed()

    def _layout_changed(self, _index: int = 0) -> None:
        self._form.setRowVisible(self.position, self.chosen_layout() == labels.SHEET)

    def chosen_layout(self) -> str:
        return str(self.layout_box.currentData())

    def first_position(self) -> int:
        return self.position.value() if self.chosen_layout() == labels.SHEET else 1


def page_layout(layout: str) -> QPageLayout:
    """The paper of a label layout, without margins (the labels' own padding keeps off the edges)."""
    if layout == labels.PRINTER:
        size = QPageSize(QSizeF(60, 40), QPageSize.Unit.Millimeter, "60 × 40 mm",
                         QPageSize.SizeMatchPolicy.ExactMatch)
        points = size.size(QPageSize.Unit.Millimeter)
        orientation = (QPageLayout.Orientation.Landscape if points.width() < points.height()
                       else QPageLayout.Orientation.Portrait)
        return QPageLayout(size, orientation, QMarginsF(0, 0, 0, 0))
    return QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait, QMarginsF(0, 0, 0, 0))


def prepare_printer(printer: QPrinter, layout: str) -> None:
    printer.setFullPage(True)
    printer.setPageLayout(page_layout(layout))
    printer.setDocName("样品标签")


def print_pdf(printer: QPrinter, data: bytes) -> int:
    """Print every page of the PDF ``data`` at its true size from the paper's top left corner;
    returns the number of pages sent (0 when the PDF or the printer cannot be opened)."""
    document = QPdfDocument()
    buffer = QBuffer()
    buffer.setData(QByteArray(bytes(data)))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document.load(buffer)
    if document.status() != QPdfDocument.Status.Ready or document.pageCount() == 0:
        return 0
    painter = QPainter()
    if not painter.begin(printer):
        return 0
    device_dpi = printer.resolution()
    dpi = min(device_dpi, PRINT_DPI_MAX)
    printed = 0
    try:
        for n in range(document.pageCount()):
            if printed:
                printer.newPage()
            points = document.pagePointSize(n)
            image = document.render(n, QSize(max(1, round(points.width() / 72 * dpi)),
                                             max(1, round(points.height() / 72 * dpi))))
            # full page: the painter's origin is the paper's top left corner
            target = QRect(0, 0, round(points.width() / 72 * device_dpi), round(points.height() / 72 * device_dpi))
            painter.drawImage(target, image)
            printed += 1
    finally:
        painter.end()
        document.close()
        buffer.close()
    return printed
