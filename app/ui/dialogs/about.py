"""关于 Riskmon: the version, the licence, the data folder, the database in use and the lab."""

from __future__ import annotations

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices, QIcon
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.services import about as about_service
from app.services.context import Context
from app.ui import style
from app.ui.ops import run_op


class AboutDialog(QDialog):
    """Shows an :class:`~app.services.about.AboutInfo`; ``fields`` holds the value labels by key."""

    def __init__(self, info: about_service.AboutInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.info = info
        self.setObjectName("about")
        self.setWindowTitle(self.tr("About Riskmon"))
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        head = QHBoxLayout()
        logo = QLabel()
        logo.setObjectName("logo")
        logo.setPixmap(QIcon(self.windowIcon()).pixmap(64, 64))
        head.addWidget(logo)
        title = QLabel("<b style='font-size:16pt'>Riskmon</b><br>"
                       + self.tr("Workstation for industrial product quality safety risk monitoring"))
        title.setWordWrap(True)
        head.addWidget(title, 1)
        layout.addLayout(head)
        form = QFormLayout()
        self.fields: dict[str, QLabel] = {}
        lab = info.lab_name + (f"（CMA {info.cma_number}）" if info.cma_number else "")
        rows = (
            ("version", self.tr("Version"), info.version),
            ("licence", self.tr("Licence"), self.tr("Proprietary software (%1)").replace("%1", info.licence)),
            ("lab", self.tr("Laboratory"), lab or self.tr("(not set)")),
            ("data_folder", self.tr("Data folder"), info.data_folder),
            ("database", self.tr("Database"), info.database),
            ("log_file", self.tr("Log file"), info.log_file or self.tr("(no log file)")),
        )
        for key, label, value in rows:
            field = QLabel(value)
            field.setObjectName(key)
            field.setWordWrap(True)
            field.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.fields[key] = field
            form.addRow(label, field)
        layout.addLayout(form)
        parts = QLabel(self.tr("Included components and their licences: %1").replace(
            "%1", "；".join(f"{name} {licence}" for name, licence in info.third_party)))
        parts.setObjectName("third_party")
        parts.setWordWrap(True)
        parts.setStyleSheet(style.MUTED_TEXT)
        layout.addWidget(parts)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.open_folder = QPushButton(self.tr("Open data folder"))
        self.open_folder.setObjectName("open_folder")
        self.open_folder.setEnabled(bool(info.data_folder))
        self.open_folder.clicked.connect(self._open_folder)
        buttons.addButton(self.open_folder, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _open_folder(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(self.info.data_folder))


def show_about(ctx: Context, parent: QWidget | None = None) -> None:
    """Read what to show on a worker, then open the dialog (non-modal to the rest of the program)."""

    def done(info: about_service.AboutInfo) -> None:
        dialog = AboutDialog(info, parent)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        if parent is not None:
            parent._about_dialog = dialog  # for tests and to keep it alive

    run_op(about_service.about, ctx, on_done=done)
