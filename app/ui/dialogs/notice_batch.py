"""Which letters to write (告知书): the task's samples that have parties to notify, the chosen ones
ticked, and exactly the files that will be written — sample, addressee, file name — before
anything is written."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.services import notifications


class NoticeBatchDialog(QDialog):
    """``plan`` holds every letter of the task (:func:`notifications.plan_notices`); ``chosen`` the
    sample ids ticked at first. After ``accepted``, :attr:`sample_ids` are the samples to write."""

    def __init__(self, plan: notifications.NoticePlan, chosen: set[int], folder: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plan = plan
        self.setObjectName("notice_batch")
        self.setWindowTitle(self.tr("Write notices"))
        self.resize(980, 600)
        layout = QVBoxLayout(self)
        intro = QLabel(self.tr("Tick the samples whose notices are written. Nothing is written before you "
                               "confirm; a notice not issued yet is issued (numbered, signed and queued for "
                               "upload) when it is written."))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        self.samples = QListWidget()
        self.samples.setObjectName("samples")
        seen: dict[int, str] = {}
        for n in plan.notices:
            seen.setdefault(n.sample_id, n.sample_number)
        for sid, number in seen.items():
            count = sum(1 for n in plan.notices if n.sample_id == sid)
            item = QListWidgetItem(self.tr("%1 (%n letter(s))", "", count).replace("%1", number))
            item.setData(Qt.ItemDataRole.UserRole, sid)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if sid in chosen else Qt.CheckState.Unchecked)
            self.samples.addItem(item)
        self.samples.itemChanged.connect(lambda _i: self._fill())
        splitter.addWidget(self.samples)
        self.files = QTableWidget(0, 5)
        self.files.setObjectName("files")
        self.files.setHorizontalHeaderLabels([self.tr("Sample no."), self.tr("Addressee"), self.tr("Role"),
                                              self.tr("File name"), self.tr("State")])
        self.files.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.files.verticalHeader().setVisible(False)
        self.files.setWordWrap(False)
        header = self.files.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        for column, width in ((0, 170), (1, 170), (2, 110), (4, 70)):
            header.resizeSection(column, width)
        splitter.addWidget(self.files)
        splitter.setSizes([220, 760])
        layout.addWidget(splitter, 1)
        self.summary = QLabel()
        self.summary.setObjectName("summary")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.folder = folder
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._fill()

    @property
    def sample_ids(self) -> list[int]:
        return [self.samples.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.samples.count())
                if self.samples.item(i).checkState() == Qt.CheckState.Checked]

    def planned(self) -> list[notifications.PlannedNotice]:
        chosen = set(self.sample_ids)
        return [n for n in self.plan.notices if n.sample_id in chosen]

    def _fill(self) -> None:
        rows = self.planned()
        self.files.setRowCount(len(rows))
        for r, n in enumerate(rows):
            state = self.tr("Issued") if n.issued else self.tr("Issued now")
            for c, text in enumerate((n.sample_number, n.recipient, n.roles_label, n.file_name, state)):
                cell = QTableWidgetItem(text)
                cell.setToolTip(text)
                self.files.setItem(r, c, cell)
        self.ok_button.setText(self.tr("Write %n letter(s)", "", len(rows)))
        self.ok_button.setEnabled(bool(rows))
        self.summary.setText(self.tr("%n file(s) will be written to %1.", "", len(rows)).replace("%1", self.folder)
                             if rows else self.tr("Tick at least one sample."))
