"""Signing a report: 审核 (review, or return to the compiler with a comment) and 批准 (approval),
each with the signer's password typed again. A wrong password keeps the dialog open and signs nothing.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QFormLayout,
    QPlainTextEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from app.ui.widgets import ERROR_STYLE, PasswordDialog


class SignDialog(PasswordDialog):
    """``mode`` "review" offers the choice to return the report with a comment; "approve" only signs.

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
            self.comment.setStyleSheet(ERROR_STYLE)
            self.comment.setFocus()
            return
        super()._ok()

