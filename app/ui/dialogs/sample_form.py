"""抽样单: the sampling form, for a new sample or an existing one.

The form adapts to the place type (生产企业 / 实体销售者 / 电商平台: the platform box with shop,
URL, order and logistics numbers and the unpacking record shows only for platform samples),
checks as the user types (USCC, at least two samplers, dates in order — marking only fields the
user has touched until the first save), and never clears what was typed when something is wrong.
A USCC the lab already knows offers to fill the enterprise from the register. Photos are
attached from files; for a new sample they are kept aside and attached right after it is saved.

The dialog is opened with ``show()``/``open()``; everything that touches the database runs as an
operation. Tests fill the widgets and call :meth:`SampleFormDialog.save` directly.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QDate, Qt, QUrl, Signal
from PySide6.QtGui import QAction, QDesktopServices, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QStyle,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from app import clock
from app.documents._io import atomic_write_bytes
from app.errors import ConflictError, RiskmonError, ValidationError
from app.services import sample_list, samples, tasks
from app.services.context import Context
from app.ui import style
from app.ui.ops import bus, run_op
from app.ui.widgets import FieldErrors, OptionalDateEdit, confirm, show_error

#: statuses after which the sampling record is frozen (update_sample refuses)
FROZEN = ("compiled", "reviewed", "approved", "reported")
#: what "register another like this one" clears: the things that differ from sample to sample
COPY_CLEARS = dict(
    batch_number="",
    production_date=None,
    seal_numbers=(),
    sampling_record_number="",
    condition_on_receipt="",
    order_number="",
    logistics_number="",
    shop_url="",
    unpacking_evidence="",
    notes="",
)


@dataclass(frozen=True)
class FormData:
    """What the form needs from the database, read in one operation."""

    tasks: list[tasks.TaskInfo]
    schemes: dict[int, list[tasks.SchemeInfo]]
    detail: samples.SampleDetail | None
    initial: samples.SampleInput | None
    copied_from: str = ""
    today: dt.date | None = None  # the lab's today: the latest date the pickers offer


def load_form_data(ctx: Context, sample_id: int | None = None, copy_of: int | None = None) -> FormData:
    """Runs on a worker: tasks with their schemes, the sample (to edit) or its copy (to register)."""
    task_list = tasks.list_tasks(ctx)
    schemes = {t.id: tasks.list_schemes(ctx, t.id) for t in task_list}
    detail = samples.get_sample(ctx, sample_id) if sample_id is not None else None
    initial, copied_from = None, ""
    if copy_of is not None:
        source = samples.get_sample(ctx, copy_of)
        initial, copied_from = samples.copy_input(source, **COPY_CLEARS), source.number
    return FormData(task_list, schemes, detail, initial, copied_from, samples.lab_date(ctx))


@dataclass(frozen=True)
class SaveResult:
    summary: samples.SampleSummary
    attachments: tuple[samples.AttachmentInfo, ...]
    attachment_errors: tuple[str, ...]


def register_with_files(ctx: Context, data: samples.SampleInput, files: list[tuple[Path, str]],
                        today: dt.date | None = None, duplicate_reason: str | None = None) -> SaveResult:
    """Runs on a worker: register the sample, then attach the files chosen before it existed.
    ``duplicate_reason``: why a sample like one already registered is registered anyway."""
    summary = samples.register_sample(ctx, data, today=today, duplicate_reason=duplicate_reason)
    infos, problems = [], []
    for path, kind in files:
        try:
            infos.append(samples.add_attachment(ctx, summary.id, path, kind))
        except RiskmonError as exc:
            problems.append(exc.message)
    return SaveResult(summary, tuple(infos), tuple(problems))


# ----------------------------------------------------------------------------------- small widgets
class _EntryLine(QLineEdit):
    """A line whose Enter adds its text to a list instead of pressing the dialog's button."""

    submitted = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.submitted.emit()
            event.accept()
            return
        super().keyPressEvent(event)


class StringListEdit(QWidget):
    """A short list of texts (samplers, standards, seals): type one, Enter adds it; Delete removes.

    ``values()`` includes a text still in the entry line, so a name typed but not yet added
    counts (and is saved) as well.
    """

    changed = Signal()

    def __init__(self, placeholder: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(4)
        self.entry = _EntryLine()
        self.entry.setPlaceholderText(placeholder)
        self.add_button = QPushButton(self.tr("Add"))
        self.add_button.setAutoDefault(False)
        self.remove_button = QPushButton(self.tr("Remove"))
        self.remove_button.setAutoDefault(False)
        self.list = QListWidget()
        self.list.setFlow(QListWidget.Flow.LeftToRight)
        self.list.setWrapping(True)
        self.list.setSpacing(2)
        self.list.setMaximumHeight(54)
        self.list.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        grid.addWidget(self.entry, 0, 0)
        grid.addWidget(self.add_button, 0, 1)
        grid.addWidget(self.list, 1, 0)
        grid.addWidget(self.remove_button, 1, 1, Qt.AlignmentFlag.AlignTop)
        self.entry.submitted.connect(self.add_entry)
        self.add_button.clicked.connect(self.add_entry)
        self.remove_button.clicked.connect(self.remove_selected)
        self.entry.textChanged.connect(lambda _t: self.changed.emit())
        self.list.itemChanged.connect(lambda _i: self.changed.emit())
        delete = QAction(self.list)
        delete.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
        delete.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        delete.triggered.connect(self.remove_selected)
        self.list.addAction(delete)

    def _add(self, text: str) -> None:
        item = QListWidgetItem(text)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
        self.list.addItem(item)

    def add_entry(self) -> None:
        text = self.entry.text().strip()
        if not text:
            return
        self.list.blockSignals(True)
        self._add(text)
        self.list.blockSignals(False)
        self.entry.clear()  # emits changed

    def remove_selected(self) -> None:
        rows = sorted((self.list.row(i) for i in self.list.selectedItems()), reverse=True)
        if not rows and self.list.count():
            rows = [self.list.count() - 1]
        for r in rows:
            self.list.takeItem(r)
        self.changed.emit()

    def values(self) -> tuple[str, ...]:
        out = [self.list.item(i).text().strip() for i in range(self.list.count())]
        out.append(self.entry.text().strip())
        return tuple(v for v in out if v)

    def set_values(self, values) -> None:
        self.list.blockSignals(True)
        self.list.clear()
        for v in values:
            self._add(str(v))
        self.list.blockSignals(False)
        self.entry.clear()
        self.changed.emit()


class PartyBox(QGroupBox):
    """An enterprise on the form: USCC first (checked as typed, looked up in the register)."""

    changed = Signal(str)  # the field key that changed

    def __init__(self, key: str, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key = key
        self.ctx = ctx
        self.found: sample_list.EnterpriseInfo | None = None
        self._asked = ""
        form = QFormLayout(self)
        self.uscc = QLineEdit()
        self.uscc.setMaxLength(24)
        self.uscc.setPlaceholderText(self.tr("18 characters"))
        self.fill_button = QPushButton()
        self.fill_button.setAutoDefault(False)
        self.fill_button.setVisible(False)
        self.fill_button.setStyleSheet(style.LEFT_ALIGNED)
        self.fill_button.setStatusTip(self.tr("Fill in the name, address and contact the lab has on record"))
        self.name = QLineEdit()
        self.address = QLineEdit()
        self.contact = QLineEdit()
        self.phone = QLineEdit()
        self.size = QComboBox()
        for value, text in [
            (None, ""),
            ("large", self.tr("Large")),
            ("medium", self.tr("Medium")),
            ("small", self.tr("Small")),
            ("micro", self.tr("Micro")),
        ]:
            self.size.addItem(text, value)
        form.addRow(self.tr("USCC"), self.uscc)
        form.addRow("", self.fill_button)
        form.addRow(self.tr("Enterprise name"), self.name)
        form.addRow(self.tr("Address"), self.address)
        contact_row = QHBoxLayout()
        contact_row.addWidget(self.contact, 1)
        contact_row.addWidget(QLabel(self.tr("Phone")))
        contact_row.addWidget(self.phone, 1)
        form.addRow(self.tr("Contact"), contact_row)
        form.addRow(self.tr("Enterprise size"), self.size)
        for attr in ("uscc", "name", "address", "contact", "phone", "size"):
            getattr(self, attr).setObjectName(f"{key}.{attr}")
        self.uscc.textChanged.connect(self._uscc_changed)
        self.uscc.editingFinished.connect(lambda: self.changed.emit(f"{self.key}.uscc!"))
        for attr in ("name", "address", "contact", "phone"):
            getattr(self, attr).textChanged.connect(lambda _t, a=attr: self.changed.emit(f"{self.key}.{a}"))
        self.size.currentIndexChanged.connect(lambda _i: self.changed.emit(f"{self.key}.size"))
        self.fill_button.clicked.connect(self.fill_from_register)

    def fields(self) -> dict[str, QWidget]:
        return {f"{self.key}.{a}": getattr(self, a) for a in ("uscc", "name", "address", "contact", "phone", "size")}

    def party(self) -> samples.PartyInput:
        return samples.PartyInput(
            name=self.name.text(),
            uscc=self.uscc.text(),
            address=self.address.text(),
            contact=self.contact.text(),
            phone=self.phone.text(),
            size=self.size.currentData(),
        )

    def set_party(self, party: samples.PartyInput) -> None:
        self.uscc.setText(party.uscc)
        self.name.setText(party.name)
        self.address.setText(party.address)
        self.contact.setText(party.contact)
        self.phone.setText(party.phone)
        self.size.setCurrentIndex(max(0, self.size.findData(party.size)))

    # -- register lookup
    def _uscc_changed(self, text: str) -> None:
        self.changed.emit(f"{self.key}.uscc")
        code = text.strip().upper()
        self.fill_button.setVisible(False)
        self.found = None
        if len(code) != 18 or samples.check_uscc(code) is not None:
            return
        self._asked = code
        run_op(sample_list.find_enterprise, self.ctx, code, on_done=lambda e, c=code: self._found(c, e),
               on_error=lambda _exc: None)

    def _found(self, code: str, enterprise: sample_list.EnterpriseInfo | None) -> None:
        if not isValid(self):  # the form was closed meanwhile
            return
        if code != self.uscc.text().strip().upper() or enterprise is None:
            return  # typed on since: a stale answer
        self.found = enterprise
        typed = self.party()
        if (typed.name.strip(), typed.address.strip(), typed.contact.strip(), typed.phone.strip()) == (
            enterprise.name, enterprise.address, enterprise.contact, enterprise.phone
        ):
            return
        self.fill_button.setText(self.tr("Fill in from the register: {name}").format(name=enterprise.name))
        self.fill_button.setVisible(True)

    def fill_from_register(self) -> None:
        e = self.found
        if e is None:
            return
        self.name.setText(e.name)
        self.address.setText(e.address)
        self.contact.setText(e.contact)
        self.phone.setText(e.phone)
        self.size.setCurrentIndex(max(0, self.size.findData(e.size)))
        self.fill_button.setVisible(False)


class ClaimsEdit(QWidget):
    """明示质量状况: item, source, requirement (op with value and unit, or a text)."""

    changed = Signal()
    SOURCES = ("label", "instructions", "advertising", "sample")
    OPS = ("<=", "<", ">=", ">", "=", "range", "text")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.table = QTableWidget(0, 6)
        self.table.setObjectName("claims")
        self.table.setHorizontalHeaderLabels(
            [self.tr("Test item"), self.tr("Stated on"), self.tr("Requirement"), self.tr("Limit value"), self.tr("Unit"),
             self.tr("Text requirement")]
        )
        self.table.horizontalHeaderItem(3).setToolTip(self.tr("For a range type the two ends as low~high, e.g. 4.0~8.5"))
        self.table.verticalHeader().setVisible(False)
        self.table.setMaximumHeight(110)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        for col, width in enumerate((90, 82, 70, 70, 52)):
            self.table.setColumnWidth(col, width)
        buttons = QVBoxLayout()
        self.add_button = QPushButton(self.tr("Add"))
        self.add_button.setAutoDefault(False)
        self.remove_button = QPushButton(self.tr("Remove"))
        self.remove_button.setAutoDefault(False)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.add_button.clicked.connect(lambda: self.add_claim())
        self.remove_button.clicked.connect(self.remove_selected)
        self.table.itemChanged.connect(lambda _i: self.changed.emit())
        self._source_names = {
            "label": self.tr("On the label"),
            "instructions": self.tr("In the instructions"),
            "advertising": self.tr("In advertising"),
            "sample": self.tr("Sample itself"),
        }
        self._op_names = {"<=": "≤", "<": "<", ">=": "≥", ">": ">", "=": "=", "range": self.tr("range"),
                          "text": self.tr("text")}

    def add_claim(self, claim: dict | None = None) -> int:
        claim = claim or {}
        req = claim.get("requirement") or {}
        r = self.table.rowCount()
        self.table.blockSignals(True)
        self.table.insertRow(r)
        source = QComboBox()
        for key in self.SOURCES:
            source.addItem(self._source_names[key], key)
        source.setCurrentIndex(max(0, source.findData(claim.get("source", "label"))))
        op = QComboBox()
        for key in self.OPS:
            op.addItem(self._op_names[key], key)
        op.setCurrentIndex(max(0, op.findData(req.get("op", "<="))))
        if req.get("op") == "range":
            value = f"{_num(req.get('low'))}~{_num(req.get('high'))}"
        else:
            value = _num(req.get("value"))
        self.table.setItem(r, 0, QTableWidgetItem(str(claim.get("item", ""))))
        self.table.setCellWidget(r, 1, source)
        self.table.setCellWidget(r, 2, op)
        self.table.setItem(r, 3, QTableWidgetItem(value))
        self.table.setItem(r, 4, QTableWidgetItem(str(req.get("unit", "") or "")))
        self.table.setItem(r, 5, QTableWidgetItem(str(req.get("text", "") or "")))
        self.table.blockSignals(False)
        source.currentIndexChanged.connect(lambda _i: self.changed.emit())
        op.currentIndexChanged.connect(lambda _i: self.changed.emit())
        self.changed.emit()
        return r

    def remove_selected(self) -> None:
        rows = sorted({i.row() for i in self.table.selectedIndexes()}, reverse=True)
        if not rows and self.table.rowCount():
            rows = [self.table.currentRow() if self.table.currentRow() >= 0 else self.table.rowCount() - 1]
        for r in rows:
            self.table.removeRow(r)
        self.changed.emit()

    def _text(self, r: int, c: int) -> str:
        item = self.table.item(r, c)
        return item.text().strip() if item else ""

    def claims(self) -> tuple[dict, ...]:
        """The rows as claim dicts; numbers that do not parse stay text, for validation to name."""
        out = []
        for r in range(self.table.rowCount()):
            item = self._text(r, 0)
            value, unit, text = self._text(r, 3), self._text(r, 4), self._text(r, 5)
            if not (item or value or text):
                continue  # an empty row
            source = self.table.cellWidget(r, 1).currentData()
            op = self.table.cellWidget(r, 2).currentData()
            if op == "text":
                req: dict = {"op": "text", "text": text}
            elif op == "range":
                parts = value.replace("～", "~").split("~")
                req = {"op": "range", "unit": unit, "low": _number(parts[0])}
                if len(parts) > 1:
                    req["high"] = _number(parts[1])
            else:
                req = {"op": op, "value": _number(value), "unit": unit}
            out.append({"item": item, "source": source, "requirement": req})
        return tuple(out)

    def set_claims(self, claims) -> None:
        self.table.setRowCount(0)
        for c in claims:
            self.add_claim(dict(c))
        self.changed.emit()


def condition_combo() -> QComboBox:
    """样品状态: the usual wordings to choose from, or any text typed."""
    combo = QComboBox()
    combo.setEditable(True)
    combo.setObjectName("condition_on_receipt")
    combo.addItems(["", *samples.CONDITION_CHOICES])
    combo.setCurrentIndex(0)
    combo.lineEdit().setPlaceholderText(
        QCoreApplication.translate("SampleFormDialog", "Choose or type the condition of the sample on arrival"))
    return combo


def _number(text: str):
    text = text.strip()
    try:
        value = float(text)
    except ValueError:
        return text
    return int(value) if value.is_integer() and "." not in text and "e" not in text.lower() else value


def _num(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class AttachmentsBox(QGroupBox):
    """Photos and other files of the sample: add from files, open, remove."""

    changed = Signal()

    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.sample_id: int | None = None
        self.pending: list[tuple[Path, str]] = []
        self.setTitle(self.tr("Photos and attachments"))
        layout = QHBoxLayout(self)
        self.list = QListWidget()
        self.list.setObjectName("attachments")
        self.list.setMaximumHeight(96)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        side = QVBoxLayout()
        self.kind = QComboBox()
        self.kind.setObjectName("attachment_kind")
        self._kinds = {"photo": self.tr("Photo"), "unpacking": self.tr("Unpacking record"), "other": self.tr("Other")}
        for key, text in self._kinds.items():
            self.kind.addItem(text, key)
        self.add_button = QPushButton(self.tr("Add files…"))
        self.open_button = QPushButton(self.tr("Open"))
        self.remove_button = QPushButton(self.tr("Remove"))
        for b in (self.add_button, self.open_button, self.remove_button):
            b.setAutoDefault(False)
        side.addWidget(self.kind)
        side.addWidget(self.add_button)
        side.addWidget(self.open_button)
        side.addWidget(self.remove_button)
        side.addStretch(1)
        layout.addWidget(self.list, 1)
        layout.addLayout(side)
        self.add_button.clicked.connect(self.choose_files)
        self.open_button.clicked.connect(self.open_selected)
        self.remove_button.clicked.connect(self.remove_selected)
        self.list.itemDoubleClicked.connect(lambda _i: self.open_selected())

    def _label(self, kind: str, name: str, size: int | None) -> str:
        size_text = f"{size / 1024:.0f} KB" if size is not None else self.tr("to be attached on saving")
        return f"{self._kinds.get(kind, kind)} · {name} · {size_text}"

    def set_attachments(self, sample_id: int | None, infos) -> None:
        self.sample_id = sample_id
        self.list.clear()
        for a in infos:
            self._show(a)
        for path, kind in self.pending:
            item = QListWidgetItem(self._label(kind, path.name, None))
            item.setData(Qt.ItemDataRole.UserRole, ("pending", str(path)))
            self.list.addItem(item)

    def _show(self, info: samples.AttachmentInfo) -> None:
        item = QListWidgetItem(self._label(info.kind, info.filename, info.size))
        item.setData(Qt.ItemDataRole.UserRole, ("saved", info.id))
        item.setToolTip(f"SHA-256 {info.sha256}")
        self.list.addItem(item)

    def choose_files(self) -> None:
        paths, _filter = QFileDialog.getOpenFileNames(
            self, self.tr("Add photos or files"), "",
            self.tr("Images (*.jpg *.jpeg *.png *.heic *.bmp);;PDF (*.pdf);;All files (*)"),
        )
        if paths:
            self.add_files([Path(p) for p in paths])

    def add_files(self, paths: list[Path], kind: str | None = None) -> None:
        kind = kind or self.kind.currentData()
        if self.sample_id is None:
            for path in paths:
                self.pending.append((Path(path), kind))
                item = QListWidgetItem(self._label(kind, Path(path).name, None))
                item.setData(Qt.ItemDataRole.UserRole, ("pending", str(path)))
                self.list.addItem(item)
            self.changed.emit()
            return
        sample_id = self.sample_id
        run_op(_attach_all, self.ctx, sample_id, [Path(p) for p in paths], kind,
               on_done=self._attached, on_error=lambda exc: show_error(self, exc))

    def _attached(self, result: tuple[list[samples.AttachmentInfo], list[str]]) -> None:
        if not isValid(self):
            return
        infos, problems = result
        for info in infos:
            self._show(info)
        if infos:
            bus.changed.emit({"attachment"})
        if problems:
            show_error(self, ValidationError("\n".join(problems)))

    def _selected(self) -> list[QListWidgetItem]:
        items = self.list.selectedItems()
        if not items and self.list.currentItem() is not None:
            items = [self.list.currentItem()]
        return items

    def open_selected(self) -> None:
        for item in self._selected():
            state, ref = item.data(Qt.ItemDataRole.UserRole)
            if state == "pending":
                self.open_file(Path(ref))
            else:
                run_op(samples.attachment_content, self.ctx, ref, on_done=self._write_and_open,
                       on_error=lambda exc: show_error(self, exc))

    def _write_and_open(self, result: tuple[str, bytes]) -> None:
        if not isValid(self):
            return
        filename, content = result
        folder = Path(tempfile.mkdtemp(prefix="riskmon-attachment-"))
        path = folder / Path(filename).name
        try:
            atomic_write_bytes(path, content)
        except RiskmonError as exc:  # disk full, …: one clear message, no traceback
            show_error(self, exc)
            return
        self.open_file(path)

    def open_file(self, path: Path) -> None:
        """Hand the file to the desktop's viewer (replaced in tests)."""
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

    def confirm(self, title: str, text: str) -> bool:
        return confirm(self, title, text)

    def remove_selected(self) -> None:
        items = self._selected()
        if not items:
            return
        if not self.confirm(self.tr("Remove attachments"), self.tr("Remove the selected attachments from the sample?")):
            return
        ids = []
        for item in items:
            state, ref = item.data(Qt.ItemDataRole.UserRole)
            if state == "pending":
                self.pending = [(p, k) for p, k in self.pending if str(p) != ref]
                self.list.takeItem(self.list.row(item))
            else:
                ids.append(ref)
        if ids:
            run_op(_remove_all, self.ctx, ids, on_done=lambda _r, ids=ids: self._removed(ids),
                   on_error=lambda exc: show_error(self, exc))
        self.changed.emit()

    def _removed(self, ids: list[int]) -> None:
        if not isValid(self):
            return
        for r in reversed(range(self.list.count())):
            state, ref = self.list.item(r).data(Qt.ItemDataRole.UserRole)
            if state == "saved" and ref in ids:
                self.list.takeItem(r)
        bus.changed.emit({"attachment"})


def _attach_all(ctx: Context, sample_id: int, paths: list[Path], kind: str):
    infos, problems = [], []
    for path in paths:
        try:
            infos.append(samples.add_attachment(ctx, sample_id, path, kind))
        except RiskmonError as exc:
            problems.append(exc.message)
    return infos, problems


def _remove_all(ctx: Context, ids: list[int]) -> None:
    for attachment_id in ids:
        samples.remove_attachment(ctx, attachment_id)


# ----------------------------------------------------------------------------------- the form
class SampleFormDialog(QDialog):
    """New sample (``sample_id=None``, optionally ``copy_of`` another), or edit one."""

    saved = Signal(object)  # SampleSummary
    ready = Signal()

    def __init__(self, ctx: Context, sample_id: int | None = None, *, copy_of: int | None = None,
                 today: dt.date | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.sample_id = sample_id
        self.copy_of = copy_of
        self.today = today
        self.detail: samples.SampleDetail | None = None
        self.form_data: FormData | None = None
        self.loaded = False
        self.saving = False
        self.dirty = False
        self._filling = False
        self._touched: set[str] = set()
        self._show_all = False
        self.last_saved: samples.SampleSummary | None = None
        self.setObjectName("sample_form")
        self.setWindowTitle(self.tr("Sampling form"))
        self.resize(1200, 760)
        self._build()
        self.load()

    # -- building
    def _build(self) -> None:
        outer = QVBoxLayout(self)
        self.heading = QLabel(self.tr("Loading…"))
        self.heading.setStyleSheet(style.TITLE)
        self.heading.setWordWrap(True)
        outer.addWidget(self.heading)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.body = QWidget()
        self.scroll.setWidget(self.body)
        columns = QHBoxLayout(self.body)
        left, right = QVBoxLayout(), QVBoxLayout()
        columns.addLayout(left, 1)
        columns.addLayout(right, 1)
        outer.addWidget(self.scroll, 1)

        # task, scheme, place
        box = QGroupBox(self.tr("Task and place"))
        form = QFormLayout(box)
        self.task = QComboBox()
        self.task.setObjectName("task_id")
        self.scheme = QComboBox()
        self.scheme.setObjectName("scheme_id")
        self.scheme_note = QLabel()
        self.scheme_note.setWordWrap(True)
        self.scheme_note.setStyleSheet(style.WARNING_TEXT)
        self.scheme_note.setVisible(False)
        self.place = QComboBox()
        self.place.setObjectName("place_type")
        for key, text in [
            ("producer", self.tr("Producer")),
            ("physical_seller", self.tr("Physical seller")),
            ("e_platform", self.tr("E-commerce platform")),
        ]:
            self.place.addItem(text, key)
        form.addRow(self.tr("Monitoring task"), self.task)
        form.addRow(self.tr("Scheme"), self.scheme)
        form.addRow("", self.scheme_note)
        form.addRow(self.tr("Place type"), self.place)
        left.addWidget(box)

        self.sampled = PartyBox("sampled", self.ctx)
        self.nominal = PartyBox("nominal_producer", self.ctx)
        left.addWidget(self.sampled)
        left.addWidget(self.nominal)

        self.platform_box = QGroupBox(self.tr("E-commerce platform"))
        self.platform_box.setObjectName("platform_box")
        pf = QVBoxLayout(self.platform_box)
        self.platform = PartyBox("platform_operator", self.ctx)
        self.platform.setTitle(self.tr("Platform operator"))
        pf.addWidget(self.platform)
        shop = QFormLayout()
        self.shop_name = QLineEdit()
        self.shop_url = QLineEdit()
        self.shop_url.setPlaceholderText("https://")
        self.order_number = QLineEdit()
        self.logistics_number = QLineEdit()
        self.unpacking_evidence = QPlainTextEdit()
        self.unpacking_evidence.setPlaceholderText(
            self.tr("How the parcel was opened and recorded (video, photos, witnesses)")
        )
        self.unpacking_evidence.setMaximumHeight(60)
        shop.addRow(self.tr("Shop name"), self.shop_name)
        shop.addRow(self.tr("Shop or product URL"), self.shop_url)
        shop.addRow(self.tr("Order no."), self.order_number)
        shop.addRow(self.tr("Logistics no."), self.logistics_number)
        shop.addRow(self.tr("Unpacking record"), self.unpacking_evidence)
        pf.addLayout(shop)
        left.addWidget(self.platform_box)
        left.addStretch(1)

        # the product
        box = QGroupBox(self.tr("Product"))
        form = QFormLayout(box)
        self.product_name = QLineEdit()
        self.brand = QLineEdit()
        self.model_spec = QLineEdit()
        self.batch_number = QLineEdit()
        self.production_date = OptionalDateEdit()
        self.grade = QLineEdit()
        self.declared_standards = StringListEdit(self.tr("e.g. GB/T 90001-2023, Enter to add"))
        self.published_enterprise_standard = QLineEdit()
        self.published_enterprise_standard.setPlaceholderText(self.tr("Only with evidence from the public platform"))
        self.claims = ClaimsEdit()
        form.addRow(self.tr("Product name"), self.product_name)
        row = QHBoxLayout()
        row.addWidget(self.brand, 1)
        row.addWidget(QLabel(self.tr("Model")))
        row.addWidget(self.model_spec, 1)
        form.addRow(self.tr("Brand"), row)
        row = QHBoxLayout()
        row.addWidget(self.batch_number, 1)
        row.addWidget(QLabel(self.tr("Production date")))
        row.addWidget(self.production_date, 1)
        form.addRow(self.tr("Batch no."), row)
        form.addRow(self.tr("Grade"), self.grade)
        form.addRow(self.tr("Declared standards"), self.declared_standards)
        form.addRow(self.tr("Published enterprise standard"), self.published_enterprise_standard)
        claims_label = QLabel(self.tr("Declared quality (label, instructions, advertising or the sample itself)"))
        claims_label.setWordWrap(True)
        form.addRow(claims_label)
        form.addRow(self.claims)
        right.addWidget(box)

        # sampling
        box = QGroupBox(self.tr("Sampling"))
        form = QFormLayout(box)
        self.sampling_date = QDateEdit()
        self.sampling_date.setCalendarPopup(True)
        self.sampling_date.setDisplayFormat("yyyy-MM-dd")
        self.sampling_date.setDate(QDate(clock.today()))
        self.received_date = OptionalDateEdit()
        self.condition_on_receipt = condition_combo()
        self.sampling_record_number = QLineEdit()
        self.sampling_record_number.setMaxLength(samples.RECORD_NUMBER_MAX)
        self.sampling_record_number.setPlaceholderText(self.tr("Number on the sampling record, unique in the task"))
        self.test_category = QComboBox()
        self.test_category.setEditable(True)
        self.test_category.addItems(list(samples.TEST_CATEGORIES))
        self.sampling_place = QLineEdit()
        self.samplers = StringListEdit(self.tr("Name, Enter to add (at least two)"))
        self.lot_size = QLineEdit()
        self.test_quantity = QLineEdit()
        self.backup_quantity = QLineEdit()
        self.quantity_unit = QLineEdit()
        self.quantity_unit.setMaximumWidth(80)
        self.unit_price = QLineEdit()
        self.seal_numbers = StringListEdit(self.tr("Seal no., Enter to add"))
        self.notes = QPlainTextEdit()
        self.notes.setMaximumHeight(50)
        self.progress_label = QLabel()
        self.progress_label.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.sampling_date, 1)
        row.addWidget(QLabel(self.tr("Received on")))
        row.addWidget(self.received_date, 1)
        form.addRow(self.tr("Sampling date"), row)
        form.addRow("", self.progress_label)
        self._sampling_form = form
        form.addRow(self.tr("Condition on receipt"), self.condition_on_receipt)
        row = QHBoxLayout()
        row.addWidget(self.sampling_record_number, 1)
        row.addWidget(QLabel(self.tr("Test category")))
        row.addWidget(self.test_category)
        form.addRow(self.tr("Sampling record no."), row)
        form.addRow(self.tr("Sampling place"), self.sampling_place)
        form.addRow(self.tr("Samplers"), self.samplers)
        row = QHBoxLayout()
        row.addWidget(self.lot_size, 1)
        row.addWidget(QLabel(self.tr("Unit")))
        row.addWidget(self.quantity_unit)
        form.addRow(self.tr("Lot size"), row)
        row = QHBoxLayout()
        row.addWidget(self.test_quantity, 1)
        row.addWidget(QLabel(self.tr("Backup")))
        row.addWidget(self.backup_quantity, 1)
        form.addRow(self.tr("Test quantity"), row)
        form.addRow(self.tr("Unit price (yuan)"), self.unit_price)
        form.addRow(self.tr("Seal numbers"), self.seal_numbers)
        form.addRow(self.tr("Notes"), self.notes)
        right.addWidget(box)
        self.attachments = AttachmentsBox(self.ctx)
        right.addWidget(self.attachments)
        right.addStretch(1)

        names = [
            "product_name", "brand", "model_spec", "batch_number", "production_date", "grade",
            "published_enterprise_standard", "sampling_date", "received_date", "sampling_place", "lot_size",
            "test_quantity", "backup_quantity", "quantity_unit", "unit_price", "notes", "shop_name", "shop_url",
            "order_number", "logistics_number", "unpacking_evidence", "samplers", "seal_numbers",
            "declared_standards", "sampling_record_number", "test_category", "condition_on_receipt",
        ]
        for name in names:
            getattr(self, name).setObjectName(name)

        # errors and buttons
        self.error_label = QLabel()
        self.error_label.setObjectName("errors")
        self.errors_scroll = QScrollArea()
        self.errors_scroll.setWidgetResizable(True)
        self.errors_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.errors_scroll.setMaximumHeight(70)
        self.errors_scroll.setWidget(self.error_label)
        self.errors_scroll.setVisible(False)
        outer.addWidget(self.errors_scroll)
        self.errors = FieldErrors(self._field_widgets(), self.error_label)
        buttons = QHBoxLayout()
        self.status_label = QLabel()
        self.status_label.setObjectName("status")
        self.status_label.setStyleSheet(style.DONE_TEXT)
        buttons.addWidget(self.status_label, 1)
        self.save_button = QPushButton(self.tr("Save"))
        self.save_button.setObjectName("save")
        self.save_button.setToolTip(self.tr("Save the sampling record (Ctrl+S)"))
        self.save_new_button = QPushButton(self.tr("Save and register another like this"))
        self.save_new_button.setObjectName("save_new")
        self.save_new_button.setToolTip(
            self.tr("Save, then start a new form with the same task, place, parties and samplers (Ctrl+Shift+S)")
        )
        self.close_button = QPushButton(self.tr("Close"))
        for b in (self.save_button, self.save_new_button, self.close_button):
            b.setAutoDefault(False)
            buttons.addWidget(b)
        outer.addLayout(buttons)
        self.save_button.clicked.connect(lambda: self.save())
        self.save_new_button.clicked.connect(lambda: self.save(another=True))
        self.close_button.clicked.connect(self.reject)
        for shortcut, slot in [
            (QKeySequence.StandardKey.Save, lambda: self.save()),
            (QKeySequence("Ctrl+Shift+S"), lambda: self.save(another=True)),
        ]:
            action = QAction(self)
            action.setShortcut(QKeySequence(shortcut))
            action.triggered.connect(slot)
            self.addAction(action)

        # changes
        self.task.currentIndexChanged.connect(self._task_changed)
        self.scheme.currentIndexChanged.connect(lambda _i: self._edited("scheme_id"))
        self.place.currentIndexChanged.connect(self._place_changed)
        for box in (self.sampled, self.nominal, self.platform):
            box.changed.connect(self._party_edited)
        for name in ("product_name", "brand", "model_spec", "batch_number", "grade", "published_enterprise_standard",
                     "sampling_place", "lot_size", "test_quantity", "backup_quantity", "quantity_unit", "unit_price",
                     "shop_name", "shop_url", "order_number", "logistics_number", "sampling_record_number"):
            getattr(self, name).textChanged.connect(lambda _t, n=name: self._edited(n))
        for name in ("test_category", "condition_on_receipt"):
            getattr(self, name).currentTextChanged.connect(lambda _t, n=name: self._edited(n))
        for name in ("notes", "unpacking_evidence"):
            getattr(self, name).textChanged.connect(lambda n=name: self._edited(n))
        for name in ("samplers", "seal_numbers", "declared_standards", "production_date", "received_date"):
            getattr(self, name).changed.connect(lambda n=name: self._edited(n))
        self.claims.changed.connect(lambda: self._edited("claims"))
        self.sampling_date.dateChanged.connect(lambda _d: self._edited("sampling_date"))
        self.attachments.changed.connect(lambda: self._edited("attachments"))
        self._place_changed()
        self.body.setEnabled(False)
        self.save_button.setEnabled(False)
        self.save_new_button.setEnabled(False)

    def _field_widgets(self) -> dict[str, QWidget]:
        widgets: dict[str, QWidget] = {"task_id": self.task, "scheme_id": self.scheme, "place_type": self.place}
        for box in (self.sampled, self.nominal, self.platform):
            widgets.update(box.fields())
        for name in ("shop_name", "shop_url", "order_number", "logistics_number", "unpacking_evidence",
                     "product_name", "brand", "model_spec", "batch_number", "grade", "published_enterprise_standard",
                     "sampling_place", "lot_size", "test_quantity", "backup_quantity", "quantity_unit", "unit_price",
                     "notes", "sampling_record_number", "test_category", "condition_on_receipt"):
            widgets[name] = getattr(self, name)
        widgets["sampling_date"] = self.sampling_date
        widgets["production_date"] = self.production_date.edit
        widgets["received_date"] = self.received_date.edit
        widgets["samplers"] = self.samplers.list
        widgets["seal_numbers"] = self.seal_numbers.list
        widgets["declared_standards"] = self.declared_standards.list
        widgets["claims"] = self.claims.table
        return widgets

    # -- loading
    def load(self) -> None:
        self.loaded = False
        run_op(load_form_data, self.ctx, self.sample_id, self.copy_of, on_done=self._loaded,
               on_error=self._load_failed)

    def _load_failed(self, exc: BaseException) -> None:
        if not isValid(self):
            return
        self.heading.setText(self.tr("The sample could not be loaded."))
        show_error(self, exc)

    def _loaded(self, data: FormData) -> None:
        if not isValid(self):
            return
        self.form_data = data
        self.detail = data.detail
        self._filling = True
        try:
            self.set_date_range(self.today or data.today or clock.today())
            self._fill_tasks(data)
            if data.detail is not None:
                self._fill(data.detail.data)
                self.attachments.set_attachments(data.detail.id, data.detail.attachments)
            elif data.initial is not None:
                self._fill(data.initial)
                self.attachments.set_attachments(None, ())
            else:
                self.attachments.set_attachments(None, ())
        finally:
            self._filling = False
        self._touched = set()
        self._show_all = False
        self.dirty = False
        self._heading()
        frozen = self.detail is not None and self.detail.status in FROZEN
        self.body.setEnabled(True)
        for w in self.body.findChildren(QGroupBox):
            if w is not self.attachments:
                w.setEnabled(not frozen)
        self.save_button.setEnabled(not frozen)
        self.save_new_button.setEnabled(not frozen)
        self.loaded = True
        self._revalidate()
        if self.detail is None and data.initial is None:
            self.task.setFocus()
        else:
            self.product_name.setFocus()
        self.ready.emit()

    def set_date_range(self, today: dt.date) -> None:
        """No date in the future (the lab's today) and none before 2000-01-01 in the pickers."""
        for edit in (self.sampling_date, self.production_date.edit, self.received_date.edit):
            edit.setDateRange(QDate(samples.EARLIEST_DATE), QDate(today))

    def _heading(self) -> None:
        d = self.detail
        if d is None:
            if self.form_data and self.form_data.copied_from:
                text = self.tr("New sample (copied from {number})").format(number=self.form_data.copied_from)
            else:
                text = self.tr("New sample")
            self.heading.setText(text)
            self.setWindowTitle(self.tr("Sampling form — new sample"))
            self.progress_label.setText("")
            self._sampling_form.setRowVisible(self.progress_label, False)
            return
        status = sample_list.STATUS_LABELS.get(d.status, d.status)
        text = self.tr("Sample {number} · {status} · task {task}").format(number=d.number, status=status,
                                                                        task=d.task_number)
        if d.status in FROZEN:
            text += "\n" + self.tr("The report has been compiled: the sampling record can no longer be changed.")
        self.heading.setText(text)
        self.setWindowTitle(self.tr("Sampling form — {number}").format(number=d.number))
        parts = []
        if d.test_started_date:
            parts.append(self.tr("Testing started {date}").format(date=d.test_started_date.isoformat()))
        if d.completed_date:
            parts.append(self.tr("completed {date}").format(date=d.completed_date.isoformat()))
        self.progress_label.setText(" · ".join(parts))
        self._sampling_form.setRowVisible(self.progress_label, bool(parts))

    def _fill_tasks(self, data: FormData) -> None:
        self.task.blockSignals(True)
        self.task.clear()
        current = data.detail.data.task_id if data.detail else (data.initial.task_id if data.initial else None)
        for t in data.tasks:
            if t.data.status == "closed" and t.id != current:
                continue
            self.task.addItem(f"{t.data.number} — {t.data.title}", t.id)
        if current is not None:
            self.task.setCurrentIndex(max(0, self.task.findData(current)))
        self.task.blockSignals(False)
        self.task.setEnabled(data.detail is None)  # a sample stays with its task
        self._fill_schemes()

    def _fill_schemes(self) -> None:
        data = self.form_data
        task_id = self.task.currentData()
        keep = self.scheme.currentData()
        if self.detail is not None and keep is None:
            keep = self.detail.data.scheme_id
        self.scheme.blockSignals(True)
        self.scheme.clear()
        schemes = data.schemes.get(task_id, []) if data and task_id is not None else []
        confirmed = [s for s in schemes if s.in_force]  # Article 14: sampling under the confirmed version
        for s in confirmed:
            self.scheme.addItem(self.tr("%1 (version %2)").replace("%1", s.data.product).replace("%2", str(s.revision)),
                                s.id)
        for s in schemes:  # an existing sample keeps the version it was registered or tested under
            if not s.in_force and s.id == keep:
                self.scheme.addItem(self.tr("%1 (version %2, not in force)").replace("%1", s.data.product)
                                    .replace("%2", str(s.revision)), s.id)
        if self.detail is not None and self.detail.data.scheme_id is None:
            self.scheme.addItem(self.tr("(no scheme)"), None)  # registered before schemes were required
        self.scheme.setCurrentIndex(max(0, self.scheme.findData(keep)) if keep is not None else 0)
        self.scheme.blockSignals(False)
        if task_id is not None and not confirmed and self.detail is None:
            if schemes:
                # deferred: task_dialogs brings openpyxl (via risk_evidence); only a task's schemes need it
                from app.ui.dialogs.task_dialogs import scheme_status_labels

                latest = max(schemes, key=lambda s: ({"draft": 1, "returned": 2, "submitted": 3, "reviewed": 4}
                                                     .get(s.status, 0), s.id))
                note = self.tr("The scheme of this task is not yet confirmed by the issuing authority (now: %1): "
                               "samples can be registered once it is confirmed (Article 14).") \
                    .replace("%1", scheme_status_labels().get(latest.status, latest.status))
            else:
                note = self.tr("This task has no scheme yet: samples can be registered once its scheme has passed the "
                               "internal review and been confirmed by the issuing authority (Article 14).")
            self.scheme_note.setText(note)
            self.scheme_note.setVisible(True)
        else:
            self.scheme_note.setVisible(False)

    def _fill(self, d: samples.SampleInput) -> None:
        if d.task_id is not None:
            self.task.setCurrentIndex(max(0, self.task.findData(d.task_id)))
            self._fill_schemes()
            self.scheme.setCurrentIndex(max(0, self.scheme.findData(d.scheme_id)))
        self.place.setCurrentIndex(max(0, self.place.findData(d.place_type)))
        self.sampled.set_party(d.sampled)
        self.nominal.set_party(d.nominal_producer)
        self.platform.set_party(d.platform_operator)
        for name in ("shop_name", "shop_url", "order_number", "logistics_number", "product_name", "brand",
                     "model_spec", "batch_number", "grade", "published_enterprise_standard", "sampling_place",
                     "lot_size", "test_quantity", "backup_quantity", "quantity_unit", "unit_price",
                     "sampling_record_number"):
            getattr(self, name).setText(getattr(d, name))
        self.test_category.setCurrentText(d.test_category)
        self.condition_on_receipt.setCurrentText(d.condition_on_receipt)
        self.unpacking_evidence.setPlainText(d.unpacking_evidence)
        self.notes.setPlainText(d.notes)
        self.production_date.set_date(d.production_date)
        self.received_date.set_date(d.received_date)
        if d.sampling_date:
            self.sampling_date.setDate(QDate(d.sampling_date))
        self.declared_standards.set_values(d.declared_standards)
        self.samplers.set_values(d.samplers)
        self.seal_numbers.set_values(d.seal_numbers)
        self.claims.set_claims(d.claims)
        self._place_changed()

    # -- the data
    def data(self) -> samples.SampleInput:
        place = self.place.currentData()
        online = place == "e_platform"
        return samples.SampleInput(
            task_id=self.task.currentData(),
            scheme_id=self.scheme.currentData(),
            place_type=place,
            sampled=self.sampled.party(),
            nominal_producer=self.nominal.party(),
            platform_operator=self.platform.party() if online else samples.PartyInput(),
            shop_name=self.shop_name.text() if online else "",
            shop_url=self.shop_url.text() if online else "",
            order_number=self.order_number.text() if online else "",
            logistics_number=self.logistics_number.text() if online else "",
            unpacking_evidence=self.unpacking_evidence.toPlainText() if online else "",
            product_name=self.product_name.text(),
            brand=self.brand.text(),
            model_spec=self.model_spec.text(),
            batch_number=self.batch_number.text(),
            production_date=self.production_date.date(),
            grade=self.grade.text(),
            declared_standards=self.declared_standards.values(),
            published_enterprise_standard=self.published_enterprise_standard.text(),
            claims=self.claims.claims(),
            sampling_date=self.sampling_date.date().toPython(),
            sampling_place=self.sampling_place.text(),
            samplers=self.samplers.values(),
            lot_size=self.lot_size.text(),
            test_quantity=self.test_quantity.text(),
            backup_quantity=self.backup_quantity.text(),
            quantity_unit=self.quantity_unit.text(),
            unit_price=self.unit_price.text(),
            seal_numbers=self.seal_numbers.values(),
            sampling_record_number=self.sampling_record_number.text(),
            test_category=self.test_category.currentText(),
            received_date=self.received_date.date(),
            condition_on_receipt=self.condition_on_receipt.currentText(),
            notes=self.notes.toPlainText(),
        )

    def problems(self) -> dict[str, str]:
        """Every problem of the form as it stands (the service's own checks, run here as typed)."""
        data = self.data()
        errors = samples.validate(data, self.today or (self.form_data.today if self.form_data else None))
        d = self.detail
        for key, message in samples.check_dates(
            data.sampling_date, data.received_date, d.test_started_date if d else None, d.completed_date if d else None
        ).items():
            errors.setdefault("received_date" if key in ("test_started_date", "completed_date") else key, message)
        return errors

    # -- reacting to edits
    def _edited(self, key: str) -> None:
        if self._filling:
            return
        self.dirty = True
        self._touched.add(key)
        self._revalidate()

    def _party_edited(self, key: str) -> None:
        if self._filling:
            return
        if key.endswith("!"):  # left the USCC field: now say what is wrong with it
            self._touched.add(key[:-1])
            self._revalidate()
            return
        if key.endswith(".uscc"):
            box = {"sampled": self.sampled, "nominal_producer": self.nominal, "platform_operator": self.platform}[
                key.split(".")[0]
            ]
            if len(box.uscc.text().strip()) < 18:  # still typing: not wrong yet
                self.dirty = True
                self._revalidate()
                return
        self._edited(key)

    def _task_changed(self, _index: int) -> None:
        self._fill_schemes()
        self._edited("task_id")

    def _place_changed(self, _index: int = 0) -> None:
        place = self.place.currentData()
        self.platform_box.setVisible(place == "e_platform")
        if place == "producer":
            self.sampled.setTitle(self.tr("Sampled producer"))
            self.nominal.setTitle(self.tr("Nominal producer (leave empty when it is the sampled producer)"))
        elif place == "physical_seller":
            self.sampled.setTitle(self.tr("Sampled seller"))
            self.nominal.setTitle(self.tr("Nominal producer"))
        else:
            self.sampled.setTitle(self.tr("Sampled online seller"))
            self.nominal.setTitle(self.tr("Nominal producer"))
        self._edited("place_type")

    def _revalidate(self) -> dict[str, str]:
        if not self.loaded:
            return {}
        errors = self.problems()
        shown = errors if self._show_all else {k: v for k, v in errors.items() if k in self._touched}
        for key in self.errors.widgets:
            self.errors.mark(key, shown.get(key))
        self.error_label.setText("\n".join(shown.values()))
        self.errors_scroll.setVisible(bool(shown))
        return errors

    # -- saving
    def save(self, another: bool = False, duplicate_reason: str | None = None) -> None:
        if not self.loaded or self.saving:
            return
        self._another = another
        self._show_all = True
        errors = self._revalidate()
        if errors:
            self.errors.show(errors)
            self.errors_scroll.setVisible(True)
            self._reveal_first_error()
            return
        data = self.data()
        self.saving = True
        self.save_button.setEnabled(False)
        self.save_new_button.setEnabled(False)
        self.status_label.setText(self.tr("Saving…"))
        if self.detail is None:
            files = list(self.attachments.pending)
            run_op(register_with_files, self.ctx, data, files, self.today, duplicate_reason,
                   on_done=lambda r: self._saved(r, data, another), on_error=self._save_failed)
        else:
            run_op(samples.update_sample, self.ctx, self.detail.id, self.detail.version, data, today=self.today,
                   on_done=lambda s: self._saved(SaveResult(s, (), ()), data, another), on_error=self._save_failed)

    def _reveal_first_error(self) -> None:
        marked = [w for w in self.errors.widgets.values() if w.styleSheet()]
        if marked:
            self.scroll.ensureWidgetVisible(marked[0])

    def _done_saving(self) -> None:
        self.saving = False
        self.save_button.setEnabled(True)
        self.save_new_button.setEnabled(True)

    def _save_failed(self, exc: BaseException) -> None:
        if not isValid(self):
            return
        self._done_saving()
        self.status_label.setText("")
        self.errors_scroll.setVisible(True)
        if isinstance(exc, ConflictError):
            self.errors.show(exc)
            if self.confirm(self.tr("Changed by someone else"),
                            exc.message + "\n\n" + self.tr("Reload the sample? What you typed here will be replaced.")):
                self.load()
            return
        if isinstance(exc, samples.DuplicateSampleError) and self.detail is None:
            self.errors.show(exc)
            self._register_anyway(exc)
            return
        if isinstance(exc, RiskmonError):
            self.errors.show(exc)  # marks the fields, keeps everything typed
            self._reveal_first_error()
            return
        show_error(self, exc)

    def _register_anyway(self, exc: samples.DuplicateSampleError) -> None:
        """A likely duplicate: the warning, and 仍然登记 with a reason (kept in the sample's notes)."""
        self._duplicate_of = exc.existing
        if not self.ask_register_anyway(exc.message):
            return
        reason = self.ask_duplicate_reason(exc.existing)
        if reason is None:
            return
        self.save(another=getattr(self, "_another", False), duplicate_reason=reason)

    def duplicate_warning(self, text: str) -> QDialog:
        """The duplicate warning in one window: what is alike, why it is not a duplicate (typed
        here), 仍然登记 — offered once a reason is typed — and 取消."""
        dialog = QDialog(self)
        dialog.setObjectName("duplicate_warning")
        dialog.setWindowTitle(self.tr("Possible duplicate"))
        layout = QVBoxLayout(dialog)
        top = QHBoxLayout()
        icon = QLabel()
        icon.setPixmap(self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning).pixmap(40, 40))
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        top.addWidget(icon)
        message = QLabel(text)
        message.setWordWrap(True)
        top.addWidget(message, 1)
        layout.addLayout(top)
        ask = QLabel(self.tr("Why is this sample not a duplicate of %1? The reason is kept in the sample's notes.")
                     .replace("%1", getattr(self, "_duplicate_of", "")))
        ask.setWordWrap(True)
        layout.addWidget(ask)
        dialog.reason = QPlainTextEdit()
        dialog.reason.setObjectName("duplicate_reason")
        dialog.reason.setTabChangesFocus(True)
        dialog.reason.setMaximumHeight(90)
        layout.addWidget(dialog.reason)
        buttons = QDialogButtonBox()
        dialog.anyway = buttons.addButton(self.tr("Register anyway"), QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.tr("Cancel"), QDialogButtonBox.ButtonRole.RejectRole)
        dialog.anyway.setEnabled(False)
        dialog.reason.textChanged.connect(
            lambda: dialog.anyway.setEnabled(bool(dialog.reason.toPlainText().strip())))
        buttons.accepted.connect(dialog.accept)
        buttons.rejected.connect(dialog.reject)
        layout.addWidget(buttons)
        dialog.resize(560, dialog.sizeHint().height())
        dialog.reason.setFocus()
        return dialog

    def ask_register_anyway(self, text: str) -> bool:
        """The duplicate warning (:meth:`duplicate_warning`; replaced in tests): True for 仍然登记,
        and the reason typed in it is what :meth:`ask_duplicate_reason` gives."""
        dialog = self.duplicate_warning(text)
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        self._duplicate_reason = dialog.reason.toPlainText() if accepted else None
        dialog.deleteLater()
        return accepted

    def ask_duplicate_reason(self, existing: str) -> str | None:
        """Why this is not a duplicate of ``existing``, as typed in the warning (replaced in tests);
        None when cancelled."""
        return getattr(self, "_duplicate_reason", None)

    def _saved(self, result: SaveResult, data: samples.SampleInput, another: bool) -> None:
        bus.changed.emit({"sample"})
        if not isValid(self):
            return
        self._done_saving()
        summary = result.summary
        self.last_saved = summary
        self.dirty = False
        self.saved.emit(summary)
        message = self.tr("Saved sample {number}.").format(number=summary.number)
        if result.attachment_errors:
            show_error(self, ValidationError("\n".join(result.attachment_errors)))
        if another:
            self._start_copy(data, summary.number)
            self.status_label.setText(message)
            return
        self.status_label.setText(message)
        self.accept()

    def _start_copy(self, data: samples.SampleInput, number: str) -> None:
        """A fresh form for the next sample of the batch: same task, place, parties, samplers."""
        self.sample_id = None
        self.detail = None
        self.attachments.pending = []
        copy = replace(data, **COPY_CLEARS)
        self.form_data = replace(self.form_data, detail=None, initial=copy, copied_from=number)
        self._filling = True
        try:
            self.task.setEnabled(True)
            self._fill(copy)
            self.attachments.set_attachments(None, ())
        finally:
            self._filling = False
        self._touched = set()
        self._show_all = False
        self.errors.clear()
        self.errors_scroll.setVisible(False)
        self._heading()
        self._revalidate()
        self.product_name.setFocus()
        self.product_name.selectAll()

    # -- closing
    def confirm(self, title: str, text: str) -> bool:
        """Yes/no question (replaced in tests)."""
        return confirm(self, title, text)

    def reject(self) -> None:
        if self.dirty and not self.confirm(self.tr("Discard changes"),
                                           self.tr("Close the form and discard what was typed?")):
            return
        super().reject()

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt override
        if self.dirty and not self.confirm(self.tr("Discard changes"),
                                           self.tr("Close the form and discard what was typed?")):
            event.ignore()
            return
        self.dirty = False
        super().closeEvent(event)
