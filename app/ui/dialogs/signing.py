"""Signing a report: 审核 (review, or return to the compiler with a comment) and 批准 (approval),
each with the signer's password typed again. A wrong password keeps the dialog open and signs nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QSizePolicy,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from app.errors import RiskmonError
from app.services import review, users
from app.ui import style
from app.ui.ops import run_op
from app.ui.pdf_viewer import PdfViewer
from app.ui.widgets import PasswordDialog, show_error


class SignDialog(PasswordDialog):
    """The short signing dialog of an analysis or monthly report and of a result amendment (test
    reports are signed in :class:`ReportSignDialog`, wherever they are signed).

    ``mode`` "review" offers the choice to return the report with a comment; "approve" only signs.

    ``check(password)`` raises on a wrong password (e.g. ``users.confirm_password``); after
    ``accepted``, read :attr:`password_text`, :attr:`accept_report` and :attr:`comment_text`.
    With ``option`` (a text), the dialog also shows that choice as a check box, checked unless
    ``option_checked`` is false (e.g. to issue the notices with the approval); read :attr:`option_chosen`.
    ``choices`` (sign, return, what the comment is missing) words the "review" choice for another
    decision, e.g. a signatory approving or refusing a result amendment.
    """

    def __init__(self, mode: str, title: str, text: str, check: Callable[[str], object],
                 parent: QWidget | None = None, *, option: str = "", option_tip: str = "",
                 option_checked: bool = True, choices: tuple[str, str, str] | None = None) -> None:
        super().__init__(title, text, check, parent)
        self.mode = mode
        self.setMinimumWidth(480)
        self.password.setObjectName("password")
        self.sign = QRadioButton()
        self.back = QRadioButton()
        self.comment = QPlainTextEdit()
        self.comment.setObjectName("comment")
        self.comment.setTabChangesFocus(True)
        self.comment.setMaximumHeight(90)
        self.missing_comment = self.tr("Write the comment for the compiler when returning the report.")
        if mode == "review":
            self.sign.setText(self.tr("Reviewed: pass it on for approval"))
            self.back.setText(self.tr("Return it to the compiler"))
            if choices is not None:
                self.sign.setText(choices[0])
                self.back.setText(choices[1])
                self.missing_comment = choices[2]
            self.sign.setChecked(True)
            group = QButtonGroup(self)
            group.addButton(self.sign)
            group.addButton(self.back)
            box = QVBoxLayout()
            box.addWidget(self.sign)
            box.addWidget(self.back)
            form = QFormLayout()
            form.addRow(self.tr("Decision") if choices is None else self.tr("Your decision"), box)
            form.addRow(self.tr("Comment"), self.comment)
            self.comment.setPlaceholderText(self.tr("Required when returning the report") if choices is None
                                            else self.tr("Required when refusing"))
            layout = self.layout()
            assert isinstance(layout, QVBoxLayout)
            layout.insertLayout(1, form)
            self.back.toggled.connect(lambda _on: self.comment.setStyleSheet(""))
        else:
            self.sign.setChecked(True)
        self.option: QCheckBox | None = None
        if option:
            self.option = QCheckBox(option)
            self.option.setObjectName("option")
            self.option.setChecked(option_checked)
            self.option.setToolTip(option_tip)
            layout = self.layout()
            assert isinstance(layout, QVBoxLayout)
            layout.insertWidget(layout.count() - 2, self.option)  # above the error line and the buttons
        self.password.setFocus()

    @property
    def option_chosen(self) -> bool:
        return self.option is not None and self.option.isChecked()

    @property
    def accept_report(self) -> bool:
        return not self.back.isChecked()

    @property
    def comment_text(self) -> str:
        return self.comment.toPlainText().strip()

    def _ok(self) -> None:
        if self.mode == "review" and not self.accept_report and not self.comment_text:
            self.error.setText(self.missing_comment)
            self.comment.setStyleSheet(style.FIELD_ERROR)
            self.comment.setFocus()
            return
        super()._ok()



@dataclass(frozen=True)
class SignItem:
    """One report offered for signing, with whether this user may sign it and why not."""

    report_id: int
    version: int
    number: str
    sample_number: str
    product: str
    allowed: bool
    reason: str = ""
    problems: bool = False


class ReportSignDialog(QDialog):
    """审核 (``mode`` "review") or 批准 ("approve") of one or several test reports, read in context:
    each report's PDF as it would be issued, its nonconforming items (不符合项目) and, for a report
    replacing another, the amended results against the originals. The password is typed once for
    all of them; a report this user may not sign is listed with the reason and left unsigned.

    After ``accepted``: :attr:`password_text`, :attr:`accept_report`, :attr:`comment_text`,
    :attr:`option_chosen` and :attr:`ids_versions` (every listed report: the service gives each
    refused one its reason)."""

    def __init__(self, ctx, mode: str, items: list[SignItem], parent: QWidget | None = None, *,
                 option: str = "", option_tip: str = "") -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.mode = mode
        self.items = list(items)
        self.contexts: dict[int, object] = {}
        self.password_text = ""
        self.setObjectName("report_sign")
        self.setWindowTitle(self.tr("Review reports") if mode == "review" else self.tr("Approve reports"))
        self.resize(1200, 740)
        signable = [i for i in self.items if i.allowed]

        left = QWidget()
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        intro = QLabel(
            (self.tr("Read each report before you sign: its PDF is on the right. %n report(s) can be signed "
                     "with your password, typed once.", "", len(signable)))
            if mode == "review" else
            self.tr("Read each report before you approve it: its PDF is on the right. %n report(s) can be "
                    "approved with your password, typed once.", "", len(signable)))
        intro.setWordWrap(True)
        lv.addWidget(intro)
        self.list = QTableWidget(len(self.items), 4)
        self.list.setObjectName("reports")
        self.list.setHorizontalHeaderLabels([self.tr("Report no."), self.tr("Sample no."), self.tr("Product"),
                                             self.tr("Signing")])
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.list.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.verticalHeader().setVisible(False)
        # why a report is left unsigned is read whole: the numbers take their own width, the product
        # its own up to a limit, the signing column the rest; a long text wraps and its row grows to
        # it, and the list is as high as its rows (a scroll bar only beyond a third of the screen)
        self.list.setWordWrap(True)
        self.list.setTextElideMode(Qt.TextElideMode.ElideNone)
        rows = self.list.verticalHeader()
        rows.setMinimumSectionSize(rows.defaultSectionSize())
        header = self.list.horizontalHeader()
        for column in (0, 1):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        for r, it in enumerate(self.items):
            state = self.tr("Will be signed") if it.allowed else it.reason
            for c, text in enumerate((it.number, it.sample_number, it.product, state)):
                cell = QTableWidgetItem(text)
                cell.setToolTip(text)
                if not it.allowed:
                    cell.setForeground(style.brush(style.WARNING))
                self.list.setItem(r, c, cell)
        header.resizeSection(2, min(max(self.list.sizeHintForColumn(2), header.sectionSizeHint(2)), 180))
        # a column narrower or wider: its texts wrap again, once the header has laid out all its sections
        self._fit_later = QTimer(self, singleShot=True, interval=0, timeout=self._fit_list)
        header.sectionResized.connect(lambda *_: self._fit_later.start())
        self._fit_list()
        self.list.itemSelectionChanged.connect(self._selected)
        lv.addWidget(self.list)

        self.nonconforming_label = QLabel()
        self.nonconforming_label.setObjectName("nonconforming_label")
        self.nonconforming_label.setStyleSheet(style.BOLD)
        lv.addWidget(self.nonconforming_label)
        self.nonconforming = QTableWidget(0, 4)
        self.nonconforming.setObjectName("nonconforming")
        self.nonconforming.setHorizontalHeaderLabels([self.tr("Item"), self.tr("Requirement"), self.tr("Result"),
                                                      self.tr("Basis")])
        self._plain_table(self.nonconforming, 3, (130, 150, 110))
        lv.addWidget(self.nonconforming, 1)

        self.changes_box = QGroupBox(self.tr("Changes against the original report"))
        self.changes_box.setObjectName("changes_box")
        cv = QVBoxLayout(self.changes_box)
        self.replaces_label = QLabel()
        self.replaces_label.setObjectName("replaces")
        self.replaces_label.setWordWrap(True)
        cv.addWidget(self.replaces_label)
        self.changes = QTableWidget(0, 5)
        self.changes.setObjectName("changes")
        self.changes.setHorizontalHeaderLabels([self.tr("Item"), self.tr("Original"), self.tr("Amended"),
                                                self.tr("Reason"), self.tr("Asked by / approved by")])
        self._plain_table(self.changes, 3, (110, 100, 100, 0, 150))
        cv.addWidget(self.changes)
        self.changes_box.hide()
        lv.addWidget(self.changes_box, 1)
        # takes the room of the two tables when neither has anything to show
        self.filler = QWidget()
        self.filler.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)
        self.filler.hide()
        lv.addWidget(self.filler, 1)

        self.sign = QRadioButton()
        self.back = QRadioButton()
        self.comment = QPlainTextEdit()
        self.comment.setObjectName("comment")
        self.comment.setTabChangesFocus(True)
        self.comment.setMaximumHeight(60)
        self.sign.setChecked(True)
        form = QFormLayout()
        if mode == "review":
            self.sign.setText(self.tr("Reviewed: pass it on for approval"))
            self.back.setText(self.tr("Return it to the compiler"))
            group = QButtonGroup(self)
            group.addButton(self.sign)
            group.addButton(self.back)
            box = QHBoxLayout()
            box.addWidget(self.sign)
            box.addWidget(self.back)
            box.addStretch(1)
            form.addRow(self.tr("Decision"), box)
            self.comment.setPlaceholderText(self.tr("Required when returning the report"))
            form.addRow(self.tr("Comment"), self.comment)
            self.back.toggled.connect(lambda _on: self.comment.setStyleSheet(""))
        self.option: QCheckBox | None = None
        if option:
            self.option = QCheckBox(option)
            self.option.setObjectName("option")
            self.option.setChecked(True)
            self.option.setToolTip(option_tip)
            form.addRow("", self.option)
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(self.tr("Password"), self.password)
        lv.addLayout(form)
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setWordWrap(True)
        self.error.setStyleSheet(style.ERROR_TEXT)
        lv.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("Sign %n report(s)", "", len(signable)) if mode == "review"
                               else self.tr("Approve %n report(s)", "", len(signable)))
        self.ok_button.setEnabled(bool(signable))
        buttons.accepted.connect(self._ok)
        buttons.rejected.connect(self.reject)
        lv.addWidget(buttons)

        self.viewer = PdfViewer()
        self.viewer.setObjectName("viewer")
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(self.viewer)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([560, 620])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        if self.items:
            first = next((r for r, it in enumerate(self.items) if it.allowed), 0)
            self.list.selectRow(first)
        self.password.setFocus()

    def _fit_list(self) -> None:
        """Rows as high as their wrapped texts, and the list of reports as high as its rows, up to a
        third of the screen."""
        self.list.resizeRowsToContents()
        screen = self.screen()
        cap = screen.availableGeometry().height() // 3 if screen is not None else 260
        frame = 2 * self.list.frameWidth()
        wanted = self.list.verticalHeader().length() + self.list.horizontalHeader().sizeHint().height() + frame
        self.list.setFixedHeight(min(wanted, cap))

    @staticmethod
    def _plain_table(t: QTableWidget, stretch: int, widths: tuple[int, ...]) -> None:
        t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        t.verticalHeader().setVisible(False)
        t.setWordWrap(False)
        header = t.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
        for column, width in enumerate(widths):
            if column != stretch and width:
                header.resizeSection(column, width)

    # ------------------------------------------------------------------ the report read
    def current_item(self) -> SignItem | None:
        rows = self.list.selectionModel().selectedRows() if self.list.selectionModel() else []
        return self.items[rows[0].row()] if rows else None

    def _selected(self) -> None:
        item = self.current_item()
        if item is None:
            return
        if item.report_id in self.contexts:
            self._show(self.contexts[item.report_id])
            return
        self.nonconforming_label.setText(self.tr("Loading report %1…").replace("%1", item.number))
        run_op(review.review_context, self.ctx, item.report_id, on_done=self._loaded, on_error=self._failed)

    def _loaded(self, context) -> None:
        if not isValid(self):
            return
        self.contexts[context.report.id] = context
        current = self.current_item()
        if current is not None and current.report_id == context.report.id:
            self._show(context)

    def _failed(self, exc: BaseException) -> None:
        if not isValid(self):
            return
        if isinstance(exc, RiskmonError):
            self.nonconforming_label.setText(exc.message)
        else:
            show_error(self, exc)

    def _show(self, context) -> None:
        r = context.report
        self.viewer.load_bytes(context.pdf, self.tr("Test report %1 (sample %2)").replace("%1", r.number)
                               .replace("%2", context.sample_number), f"{r.number}.pdf")
        bad = context.nonconforming
        if bad:
            self.nonconforming_label.setText(self.tr("Nonconforming items: %1 of %2 item(s)")
                                             .replace("%1", str(len(bad))).replace("%2", str(context.items_total)))
            self.nonconforming_label.setStyleSheet(style.ERROR_TEXT_STRONG)
        else:
            self.nonconforming_label.setText(self.tr("No nonconforming item: all %1 item(s) conform.")
                                             .replace("%1", str(context.items_total)))
            self.nonconforming_label.setStyleSheet(style.DONE_TEXT_STRONG)
        self.nonconforming.setRowCount(len(bad))
        self.nonconforming.setVisible(bool(bad))  # no empty grid under "all items conform"
        for row, n in enumerate(bad):
            reason = f"{n.result}（{n.reason}）" if n.reason else n.result
            for c, text in enumerate((n.item, n.requirement, reason, n.basis)):
                cell = QTableWidgetItem(text)
                cell.setToolTip(text)
                self.nonconforming.setItem(row, c, cell)
        self.changes_box.setVisible(context.is_amendment)
        self.filler.setVisible(not bad and not context.is_amendment)
        if context.is_amendment:
            self.replaces_label.setText(self.tr("Replaces report %1. Reason: %2").replace("%1", context.replaces_number)
                                        .replace("%2", context.amendment_reason or "—"))
            self.changes.setRowCount(len(context.changes))
            for row, a in enumerate(context.changes):
                who = a.amended_by + (f" / {a.decided_by}" if a.decided_by else "")
                for c, text in enumerate((a.item, _snap(a.original), _snap(a.amended), a.reason, who)):
                    cell = QTableWidgetItem(text)
                    cell.setToolTip(text)
                    self.changes.setItem(row, c, cell)

    # ------------------------------------------------------------------ the decision
    @property
    def accept_report(self) -> bool:
        return not self.back.isChecked()

    @property
    def comment_text(self) -> str:
        return self.comment.toPlainText().strip()

    @property
    def option_chosen(self) -> bool:
        return self.option is not None and self.option.isChecked()

    @property
    def ids_versions(self) -> list[tuple[int, int]]:
        return [(i.report_id, i.version) for i in self.items]

    def _ok(self) -> None:
        if self.mode == "review" and not self.accept_report and not self.comment_text:
            self.error.setText(self.tr("Write the comment for the compiler when returning the report."))
            self.comment.setStyleSheet(style.FIELD_ERROR)
            self.comment.setFocus()
            return
        role = "reviewer" if self.mode == "review" else "signatory"
        try:
            users.confirm_password(self.ctx, self.password.text(), role)
        except RiskmonError as exc:
            self.error.setText(exc.message)
            self.password.selectAll()
            self.password.setFocus()
            return
        self.password_text = self.password.text()
        self.accept()


def _snap(d: dict) -> str:
    """A result as recorded in an amendment: value, unit and judgement."""
    value = d.get("value_text") or "—"
    unit = d.get("unit") or ""
    judgement = {"pass": "符合", "fail": "不符合", "undetermined": "未判定"}.get(d.get("judgement") or "", "")
    text = f"{value} {unit}".strip() if unit and unit not in value else value
    return f"{text}（{judgement}）" if judgement else text
