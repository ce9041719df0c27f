"""设置 → 印章与签名 (administrators): the CMA mark, the lab's seal (检验检测专用章) and the signature
of everyone who compiles, reviews or approves reports.

Each image is uploaded from a file, replaced or removed; the service checks it (PNG or JPEG, readable,
at most 2 MB) and a refusal is shown here, with nothing stored. Test reports issued from then on
carry the images (the CMA mark top left of page 1, the seal over the issue date, each signature
beside the typed name); reports already issued keep the ones they were issued with.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.errors import RiskmonError
from app.services import lab_assets
from app.services.context import Context
from app.ui import style, widgets
from app.ui.application import settings
from app.ui.dialogs.task_dialogs import alive
from app.ui.ops import bus, run_op

MISSING_STYLE = style.WARNING_TEXT
PREVIEW_STYLE = style.PREVIEW_BOX


@dataclass(frozen=True)
class MarksView:
    """What the tab shows, read in one operation: the list and the images for the previews."""

    assets: lab_assets.LabAssets
    images: dict[tuple[str, int | None], bytes]


def load_marks(ctx: Context) -> MarksView:
    """Runs on a worker."""
    assets = lab_assets.list_assets(ctx)
    wanted: list[tuple[str, int | None]] = [("cma_mark", None), ("seal", None)]
    wanted += [("signature", s.user_id) for s in assets.signers if s.signature is not None]
    images = {}
    for kind, user_id in wanted:
        content = lab_assets.asset_content(ctx, kind, user_id)
        if content is not None:
            images[(kind, user_id)] = content
    return MarksView(assets, images)


def _pixmap(content: bytes | None, width: int, height: int) -> QPixmap | None:
    """The image scaled into width × height; None when Qt cannot read it."""
    if not content:
        return None
    pixmap = QPixmap()
    if not pixmap.loadFromData(content):
        return None
    return pixmap.scaled(width, height, Qt.AspectRatioMode.KeepAspectRatio,
                         Qt.TransformationMode.SmoothTransformation)


def _describe(info: lab_assets.AssetInfo) -> str:
    kind = "PNG" if info.media_type == "image/png" else "JPEG"
    when = info.updated_at[:10]
    return QCoreApplication.translate("MarksTab", "%1, %2 KB, uploaded %3").replace("%1", kind).replace(
        "%2", f"{max(1, round(info.size / 1024))}").replace("%3", when)


class _MarkRow:
    """One of the lab's marks: preview, state, upload and remove."""

    def __init__(self, tab: MarksTab, kind: str, title: str, missing: str, grid: QGridLayout, row: int) -> None:
        self.kind = kind
        self.missing = missing
        self.title = QLabel(title)
        self.title.setStyleSheet(style.BOLD)
        self.preview = QLabel()
        self.preview.setObjectName(f"{kind}_preview")
        self.preview.setFixedSize(150, 110 if kind == "seal" else 90)
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setStyleSheet(PREVIEW_STYLE)
        self.state = QLabel()
        self.state.setObjectName(f"{kind}_state")
        self.state.setWordWrap(True)
        self.upload = QPushButton(QCoreApplication.translate("MarksTab", "Upload…"))
        self.upload.setObjectName(f"{kind}_upload")
        self.upload.clicked.connect(lambda: tab.upload(kind))
        self.remove = QPushButton(QCoreApplication.translate("MarksTab", "Remove"))
        self.remove.setObjectName(f"{kind}_remove")
        self.remove.clicked.connect(lambda: tab.remove(kind))
        buttons = QVBoxLayout()
        buttons.addWidget(self.upload)
        buttons.addWidget(self.remove)
        buttons.addStretch(1)
        text = QVBoxLayout()
        text.addWidget(self.title)
        text.addWidget(self.state)
        text.addStretch(1)
        grid.addWidget(self.preview, row, 0)
        grid.addLayout(text, row, 1)
        grid.addLayout(buttons, row, 2)

    def show(self, info: lab_assets.AssetInfo | None, content: bytes | None) -> None:
        pixmap = _pixmap(content, self.preview.width() - 6, self.preview.height() - 6)
        self.preview.clear()
        if pixmap is not None:
            self.preview.setPixmap(pixmap)
        else:
            self.preview.setText(QCoreApplication.translate("MarksTab", "(none)") if info is None else QCoreApplication.translate("MarksTab", "(no preview)"))
        if info is None:
            self.state.setText(self.missing)
            self.state.setStyleSheet(MISSING_STYLE)
            self.upload.setText(QCoreApplication.translate("MarksTab", "Upload…"))
        else:
            self.state.setText(_describe(info))
            self.state.setStyleSheet("")
            self.upload.setText(QCoreApplication.translate("MarksTab", "Replace…"))
        self.remove.setEnabled(info is not None)


class MarksTab(QWidget):
    """The 印章与签名 tab of the settings page (shown to administrators)."""

    COLUMNS = 4  # name, user name, roles, signature

    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.view: MarksView | None = None
        self.loaded = 0
        outer = QVBoxLayout(self)
        intro = QLabel(self.tr("Test reports carry the CMA mark at the top left of page 1, the lab's seal over the "
                               "issue date and each person's signature beside their name. Where one is missing, "
                               "the report says so instead of claiming it. PNG or JPEG, at most 2 MB; a PNG with a "
                               "transparent background looks best. Reports already issued keep the images they "
                               "were issued with."))
        intro.setWordWrap(True)
        outer.addWidget(intro)

        box = QGroupBox(self.tr("The lab's marks"))
        box.setObjectName("lab_marks")
        grid = QGridLayout(box)
        grid.setColumnStretch(1, 1)
        self.rows = {
            "cma_mark": _MarkRow(self, "cma_mark", self.tr("CMA mark"),
                                 self.tr("Not uploaded: test reports carry no CMA mark and make no CMA claim."),
                                 grid, 0),
            "seal": _MarkRow(self, "seal", self.tr("Inspection and testing seal (检验检测专用章)"),
                             self.tr("Not uploaded: approved test reports say that they are not sealed."), grid, 1),
        }
        outer.addWidget(box)

        sig_box = QGroupBox(self.tr("Signatures"))
        sig_box.setObjectName("signatures")
        sl = QVBoxLayout(sig_box)
        note = QLabel(self.tr("Everyone who compiles, reviews or approves test reports. A report names the people "
                              "who signed off; a missing signature is said on the report."))
        note.setWordWrap(True)
        note.setStyleSheet(style.MUTED_TEXT)
        sl.addWidget(note)
        self.table = QTableWidget(0, self.COLUMNS)
        self.table.setObjectName("signature_table")
        self.table.setHorizontalHeaderLabels([self.tr("Name"), self.tr("User name"), self.tr("Roles"),
                                              self.tr("Signature")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(46)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for c, width in enumerate((110, 110, 200)):
            self.table.setColumnWidth(c, width)
        widgets.remember_columns(header, "settings/signatures")
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.table.doubleClicked.connect(lambda _i: self.upload("signature"))
        sl.addWidget(self.table, 1)
        row = QHBoxLayout()
        self.sig_upload = QPushButton(self.tr("Upload signature…"))
        self.sig_upload.setObjectName("signature_upload")
        self.sig_upload.clicked.connect(lambda: self.upload("signature"))
        self.sig_remove = QPushButton(self.tr("Remove signature"))
        self.sig_remove.setObjectName("signature_remove")
        self.sig_remove.clicked.connect(lambda: self.remove("signature"))
        row.addWidget(self.sig_upload)
        row.addWidget(self.sig_remove)
        row.addStretch(1)
        sl.addLayout(row)
        outer.addWidget(sig_box, 1)

        self.status = QLabel()
        self.status.setObjectName("status")
        self.status.setWordWrap(True)
        outer.addWidget(self.status)
        self._update_buttons()
        bus.changed.connect(self._changed)

    # ------------------------------------------------------------------ loading
    def showEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        if not self.loaded:
            self.refresh()

    def refresh(self) -> None:
        run_op(load_marks, self.ctx, on_done=self._show, on_error=self._failed)

    def _changed(self, kinds) -> None:
        if alive(self) and {"lab_assets", "user"} & set(kinds or ()):
            self.refresh()

    def _show(self, view: MarksView) -> None:
        if not alive(self):
            return
        self.view = view
        a = view.assets
        self.rows["cma_mark"].show(a.cma_mark, view.images.get(("cma_mark", None)))
        self.rows["seal"].show(a.seal, view.images.get(("seal", None)))
        keep = self.selected_signer()
        labels = {
            "technician": self.tr("Compiles"),
            "reviewer": self.tr("Reviews"),
            "signatory": self.tr("Approves"),
        }
        self.table.setRowCount(len(a.signers))
        for r, s in enumerate(a.signers):
            name = s.display_name + ("" if s.active else self.tr(" (inactive)"))
            for c, text in enumerate((name, s.username, "、".join(labels[x] for x in s.roles))):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, s.user_id)
                self.table.setItem(r, c, item)
            cell = QLabel()
            cell.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
            pixmap = _pixmap(view.images.get(("signature", s.user_id)), 130, 40)
            if pixmap is not None:
                cell.setPixmap(pixmap)
                cell.setToolTip(_describe(s.signature) if s.signature else "")
            else:
                cell.setText(self.tr("No signature: reports say it is missing"))
                cell.setStyleSheet(MISSING_STYLE)
            self.table.setCellWidget(r, 3, cell)
            if s.user_id == keep:
                self.table.selectRow(r)
        self.loaded += 1
        self._update_buttons()

    def _failed(self, exc: BaseException) -> None:
        if not alive(self):
            return
        if isinstance(exc, RiskmonError):
            self.say(exc.message, error=True)
        else:
            widgets.show_error(self, exc)

    def say(self, text: str, *, error: bool = False) -> None:
        self.status.setText(text)
        self.status.setStyleSheet(style.ERROR_TEXT if error else "")

    # ------------------------------------------------------------------ selection
    def selected_signer(self) -> int | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows:
            return None
        item = self.table.item(rows[0].row(), 0)
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def select_signer(self, username: str) -> None:
        for r in range(self.table.rowCount()):
            if self.table.item(r, 1).text() == username:
                self.table.selectRow(r)
                return

    def _signer(self, user_id: int | None) -> lab_assets.Signer | None:
        if self.view is None or user_id is None:
            return None
        return next((s for s in self.view.assets.signers if s.user_id == user_id), None)

    def _update_buttons(self) -> None:
        signer = self._signer(self.selected_signer())
        self.sig_upload.setEnabled(signer is not None)
        self.sig_remove.setEnabled(signer is not None and signer.signature is not None)
        if signer is not None:
            self.sig_upload.setText(self.tr("Replace signature…") if signer.signature else self.tr("Upload signature…"))

    # ------------------------------------------------------------------ actions
    def ask_open_path(self, caption: str) -> str:
        """An image file to upload (replaced in tests)."""
        folder = str(settings().value("files/last_folder", str(Path.home())))
        path, _ = QFileDialog.getOpenFileName(self, caption, folder, self.tr("PNG or JPEG images (*.png *.jpg *.jpeg)"))
        if path:
            settings().setValue("files/last_folder", str(Path(path).parent))
        return path

    def confirm(self, title: str, text: str) -> bool:
        """Yes/no question (replaced in tests)."""
        return widgets.confirm(self, title, text)

    def _target(self, kind: str) -> tuple[int | None, str] | None:
        """(user id, what it is called) of the image ``kind`` refers to; None without a signer chosen."""
        if kind != "signature":
            return None, self.rows[kind].title.text()
        signer = self._signer(self.selected_signer())
        if signer is None:
            self.say(self.tr("Choose a person in the list first."), error=True)
            return None
        return signer.user_id, self.tr("the signature of %1").replace("%1", signer.display_name)

    def upload(self, kind: str) -> None:
        target = self._target(kind)
        if target is None:
            return
        user_id, label = target
        path = self.ask_open_path(self.tr("Choose the image: %1").replace("%1", label))
        if not path:
            return
        self.say(self.tr("Checking %1…").replace("%1", Path(path).name))
        run_op(lab_assets.save_asset_file, self.ctx, kind, Path(path), user_id=user_id,
               on_done=lambda _info: self._done(self.tr("Saved %1.").replace("%1", label)), on_error=self._failed)

    def remove(self, kind: str) -> None:
        target = self._target(kind)
        if target is None:
            return
        user_id, label = target
        if not self.confirm(self.tr("Remove image"),
                            self.tr("Remove %1? Test reports issued from now on will say that it is missing.")
                            .replace("%1", label)):
            return
        run_op(lab_assets.remove_asset, self.ctx, kind, user_id=user_id,
               on_done=lambda _r: self._done(self.tr("Removed %1.").replace("%1", label)), on_error=self._failed)

    def _done(self, text: str) -> None:
        bus.changed.emit({"lab_assets"})
        if alive(self):
            self.say(text)
