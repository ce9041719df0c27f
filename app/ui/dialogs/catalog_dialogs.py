"""Dialogs of the standards catalog (标准库): one standard version with its items' structured
requirements and methods, and the list of problems of a rejected import file."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app import clock
from app.rules.standards import GRADES
from app.services import catalog as catalog_service
from app.services.context import Context
from app.ui import widgets
from app.ui.widgets import FieldErrors, OptionalDateEdit, error_label

#: requirement types offered in the editor: (op, shown sign)
OPS = (("", "—"), ("<=", "≤"), ("<", "<"), (">=", "≥"), (">", ">"), ("=", "="), ("range", None), ("text", None))


def op_label(op: str, sign: str | None) -> str:
    if op == "range":
        return QCoreApplication.translate("CatalogLabels", "Range (low–high)")
    if op == "text":
        return QCoreApplication.translate("CatalogLabels", "Text")
    return sign or ""


def _number_or_text(text: str):
    """A number typed in a cell, or the text itself (the service then says what is wrong)."""
    text = text.strip().replace("，", ".").replace("－", "-")
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        return text
    return int(value) if value.is_integer() and "." not in text and "e" not in text.lower() else value


def _num_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class StandardDialog(widgets.SavingDialog):
    """One version of a standard: code with year, title, effective/abolished dates, and items.

    An item with per-grade requirements (质量等级) has one more row per grade: the same item name,
    the grade chosen in the Grade column, and that grade's requirement; the row without a grade
    holds the general requirement, the clause and the method.
    """

    ITEM, GRADE, CLAUSE, OP, VALUE, LOW, HIGH, UNIT, TEXT, METHOD, METHOD_CLAUSE = range(11)

    def __init__(self, ctx: Context, standard: catalog_service.StandardInfo | None = None,
                 parent: QWidget | None = None, *, template: catalog_service.StandardInfo | None = None,
                 read_only: bool = False) -> None:
        super().__init__(ctx, parent)
        self.standard = standard
        self.read_only = read_only
        source = standard or template
        if read_only:
            self.setWindowTitle(self.tr("Standard (read only)"))
        elif standard:
            self.setWindowTitle(self.tr("Edit standard"))
        elif template:
            self.setWindowTitle(self.tr("New version of a standard"))
        else:
            self.setWindowTitle(self.tr("New standard"))
        self.resize(1100, 620)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        code = source.code if standard else (source.base_code + "-" if source else "")
        self.code = QLineEdit(code)
        self.code.setObjectName("code")
        self.code.setPlaceholderText(self.tr("with its year, e.g. GB 4706.19-2008"))
        self.title = QLineEdit(source.title if source else "")
        self.title.setObjectName("title")
        self.effective = OptionalDateEdit(source.effective if standard else None)
        self.effective.setObjectName("effective")
        self.abolished = OptionalDateEdit(source.abolished if standard else None)
        self.abolished.setObjectName("abolished")
        form.addRow(self.tr("Standard code *"), self.code)
        form.addRow(self.tr("Title"), self.title)
        form.addRow(self.tr("Effective from"), self.effective)
        form.addRow(self.tr("Abolished on (empty while current)"), self.abolished)
        layout.addLayout(form)

        box = QGroupBox(self.tr("Items, requirements and methods"))
        inner = QVBoxLayout(box)
        self.items = QTableWidget(0, 11)
        self.items.setObjectName("items")
        self.items.setHorizontalHeaderLabels([
            self.tr("Test item"), self.tr("Grade"), self.tr("Clause"), self.tr("Requirement"), self.tr("Limit"),
            self.tr("Lower limit"), self.tr("Upper limit"), self.tr("Unit"), self.tr("Text requirement"),
            self.tr("Method standard"), self.tr("Method clause"),
        ])
        self.items.horizontalHeaderItem(self.GRADE).setToolTip(
            self.tr("Empty: the general requirement. A grade (e.g. 合格品): that grade's requirement, chosen when "
                    "the product declares the standard with the grade"))
        self.items.verticalHeader().setVisible(False)
        header = self.items.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        for col, width in ((self.ITEM, 150), (self.GRADE, 80), (self.CLAUSE, 60), (self.OP, 120), (self.VALUE, 70), (self.LOW, 70),
                           (self.HIGH, 70), (self.UNIT, 60), (self.TEXT, 200), (self.METHOD, 150),
                           (self.METHOD_CLAUSE, 80)):
            self.items.setColumnWidth(col, width)
        widgets.remember_columns(header, "catalog/standard_items")
        inner.addWidget(self.items)
        row = QHBoxLayout()
        self.add_button = QPushButton(self.tr("Add item"))
        self.add_button.clicked.connect(lambda: self.add_item(focus=True))
        self.remove_button = QPushButton(self.tr("Remove item"))
        self.remove_button.clicked.connect(self._remove)
        row.addWidget(self.add_button)
        row.addWidget(self.remove_button)
        row.addStretch(1)
        inner.addLayout(row)
        layout.addWidget(box, 1)

        self.error_text = error_label()
        layout.addWidget(self.error_text)
        self.errors = FieldErrors(
            {"code": self.code, "title": self.title, "effective": self.effective, "abolished": self.abolished,
             "items": self.items},
            self.error_text,
        )
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText(self.tr("Save"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Close") if read_only else self.tr("Cancel"))
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        for item in (source.items if source else ()):
            self.add_item(item)
        if not source and not read_only:
            self.add_item()
        if read_only:
            self.save_button.setVisible(False)
            self.add_button.setVisible(False)
            self.remove_button.setVisible(False)
            for w in (self.code, self.title):
                w.setReadOnly(True)
            self.effective.setEnabled(False)
            self.abolished.setEnabled(False)
            self.items.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)

    # -- rows
    def add_item(self, item: catalog_service.StandardItemInput | None = None, *, focus: bool = False) -> int:
        """Rows for ``item``: its general requirement, then one row per grade; the first row's index."""
        item = item or catalog_service.StandardItemInput("")
        first = self._add_row(item.item, "", item.requirement, item.clause, item.method_code, item.method_clause)
        if item.requirement is None and item.grades:
            self.items.removeRow(first)  # only per-grade requirements: no general row
            first = -1
        for grade, requirement in (item.grades or {}).items():
            r = self._add_row(item.item, grade, requirement, "" if first >= 0 else item.clause,
                              "" if first >= 0 else item.method_code, "" if first >= 0 else item.method_clause)
            first = r if first < 0 else first
        if focus:
            self.items.setCurrentCell(first, self.ITEM)
            self.items.editItem(self.items.item(first, self.ITEM))
        return first

    def _add_row(self, name: str, grade: str, req: dict | None, clause: str, method: str, method_clause: str) -> int:
        req = req or {}
        r = self.items.rowCount()
        self.items.insertRow(r)
        values = {
            self.ITEM: name, self.CLAUSE: clause, self.VALUE: _num_text(req.get("value")),
            self.LOW: _num_text(req.get("low")), self.HIGH: _num_text(req.get("high")),
            self.UNIT: str(req.get("unit") or ""), self.TEXT: str(req.get("text") or ""),
            self.METHOD: method, self.METHOD_CLAUSE: method_clause,
        }
        for col, text in values.items():
            self.items.setItem(r, col, QTableWidgetItem(text))
        combo = QComboBox()
        for op, sign in OPS:
            combo.addItem(op_label(op, sign), op)
        combo.setCurrentIndex(max(combo.findData(str(req.get("op") or "")), 0))
        combo.setEnabled(not self.read_only)
        self.items.setCellWidget(r, self.OP, combo)
        grades = QComboBox()
        grades.addItem(QCoreApplication.translate("CatalogLabels", "(general)"), "")
        for g in GRADES:
            grades.addItem(g, g)
        if grade and grades.findData(grade) < 0:
            grades.addItem(grade, grade)
        grades.setCurrentIndex(max(grades.findData(grade), 0))
        grades.setEnabled(not self.read_only)
        self.items.setCellWidget(r, self.GRADE, grades)
        return r

    def set_item(self, row: int, item: str, op: str = "", *, clause: str = "", value="", low="", high="",
                 unit: str = "", text: str = "", method: str = "", method_clause: str = "", grade: str = "") -> None:
        for col, v in ((self.ITEM, item), (self.CLAUSE, clause), (self.VALUE, value), (self.LOW, low),
                       (self.HIGH, high), (self.UNIT, unit), (self.TEXT, text), (self.METHOD, method),
                       (self.METHOD_CLAUSE, method_clause)):
            self.items.item(row, col).setText(str(v))
        combo: QComboBox = self.items.cellWidget(row, self.OP)
        combo.setCurrentIndex(combo.findData(op))
        grades: QComboBox = self.items.cellWidget(row, self.GRADE)
        grades.setCurrentIndex(max(grades.findData(grade), 0))

    def _remove(self) -> None:
        r = self.items.currentRow()
        if r >= 0:
            self.items.removeRow(r)

    def _cell(self, r: int, c: int) -> str:
        item = self.items.item(r, c)
        return item.text().strip() if item else ""

    def _requirement(self, r: int) -> dict | None:
        combo: QComboBox = self.items.cellWidget(r, self.OP)
        op = combo.currentData() if combo else ""
        if not op:
            return None
        if op == "text":
            return {"op": "text", "text": self._cell(r, self.TEXT)}
        if op == "range":
            return {"op": "range", "low": _number_or_text(self._cell(r, self.LOW)),
                    "high": _number_or_text(self._cell(r, self.HIGH)), "unit": self._cell(r, self.UNIT)}
        return {"op": op, "value": _number_or_text(self._cell(r, self.VALUE)), "unit": self._cell(r, self.UNIT)}

    def data(self) -> catalog_service.StandardInput:
        """The rows as items: rows of one item name with a grade add that grade's requirement to it."""
        items: dict[str, dict] = {}
        order: list[dict] = []  # rows without a name stay, for the service to say what is missing
        for r in range(self.items.rowCount()):
            name = self._cell(r, self.ITEM)
            requirement = self._requirement(r)
            grades_combo: QComboBox = self.items.cellWidget(r, self.GRADE)
            grade = (grades_combo.currentData() if grades_combo else "") or ""
            if not name and requirement is None and not self._cell(r, self.METHOD):
                continue
            entry = items.get(name) if name else None
            if entry is None:
                entry = {"item": name, "clause": "", "requirement": None, "method_code": "", "method_clause": "",
                         "grades": {}}
                order.append(entry)
                if name:
                    items[name] = entry
            if grade:
                entry["grades"][grade] = requirement
            else:
                entry["requirement"] = requirement
            if not entry["clause"]:
                entry["clause"] = self._cell(r, self.CLAUSE)
            if not entry["method_code"]:
                entry["method_code"] = self._cell(r, self.METHOD)
                entry["method_clause"] = self._cell(r, self.METHOD_CLAUSE)
        return catalog_service.StandardInput(
            code=self.code.text().strip(), title=self.title.text(), effective=self.effective.date(),
            abolished=self.abolished.date(),
            items=tuple(catalog_service.StandardItemInput(**{**e, "grades": e["grades"] or None})
                        for e in order),
        )

    def save(self) -> None:
        if self.read_only:
            return
        kwargs = {}
        if self.standard is not None:
            kwargs = {"standard_id": self.standard.id, "version": self.standard.version}
        self._run(catalog_service.save_standard, self.ctx, self.data(), changed={"catalog"}, **kwargs)


def effective_text(info: catalog_service.StandardInfo, today: dt.date | None = None) -> str:
    """现行 / 已废止 / 尚未实施 for the catalog list."""
    today = today or clock.today()
    if info.abolished and info.abolished <= today:
        return QCoreApplication.translate("CatalogLabels", "Abolished")
    if info.effective and info.effective > today:
        return QCoreApplication.translate("CatalogLabels", "Not yet in force")
    return QCoreApplication.translate("CatalogLabels", "Current")


class ProblemsDialog(QDialog):
    """Every problem of a rejected file, to read, copy and fix in one pass."""

    def __init__(self, title: str, intro: str, message: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.resize(720, 420)
        layout = QVBoxLayout(self)
        label = QLabel(intro)
        label.setWordWrap(True)
        layout.addWidget(label)
        self.text = QPlainTextEdit(message)
        self.text.setObjectName("problems")
        self.text.setReadOnly(True)
        layout.addWidget(self.text, 1)
        buttons = QDialogButtonBox()
        copy = buttons.addButton(self.tr("Copy"), QDialogButtonBox.ButtonRole.ActionRole)
        copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(message))
        close = buttons.addButton(self.tr("Close"), QDialogButtonBox.ButtonRole.RejectRole)
        close.setDefault(True)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.setWindowModality(Qt.WindowModality.WindowModal)
