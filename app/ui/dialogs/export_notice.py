"""The one question asked before anything leaves the lab (Article 8): what is exported, the mark it
carries and the sentence of Article 8 — or, for a publication-ready copy, the consent it rests on.

Every export action calls :func:`confirm_export` once per export (a batch of notices is one export).
Tests replace :data:`ask` to answer without a modal dialog.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox, QWidget

from app.services.publication import ARTICLE_8, MARK


def message(what: str, consent: str = "") -> str:
    """The question's text: what leaves the lab, then Article 8 (or the consent of a public copy)."""
    head = QCoreApplication.translate("ExportNotice", "About to export: %1").replace("%1", what)
    if consent:
        public = QCoreApplication.translate(
            "ExportNotice", "Publication-ready copy without the confidentiality mark, on the consent: %1")
        return head + "\n\n" + public.replace("%1", consent)
    marked = QCoreApplication.translate("ExportNotice", "It is marked %1. %2")
    rest = QCoreApplication.translate("ExportNotice", "Hand it only to those entitled to it.")
    return head + "\n\n" + marked.replace("%1", MARK).replace("%2", ARTICLE_8) + "\n\n" + rest


def _ask(parent: QWidget | None, title: str, text: str) -> bool:
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.NoButton, parent)
    box.setObjectName("export_notice")
    export = box.addButton(QCoreApplication.translate("ExportNotice", "Export"), QMessageBox.ButtonRole.AcceptRole)
    box.addButton(QCoreApplication.translate("ExportNotice", "Cancel"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(export)
    box.exec()
    return box.clickedButton() is export


#: shows the question and returns whether to go on (tests put an answer here)
ask: Callable[[QWidget | None, str, str], bool] = _ask


def confirm_export(parent: QWidget | None, what: str, *, consent: str = "") -> bool:
    """Ask once before an export; False when the user cancels (nothing is written then)."""
    title = QCoreApplication.translate("ExportNotice", "Information leaving the lab (Article 8)")
    return ask(parent, title, message(what, consent))
