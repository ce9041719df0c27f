"""A legend under a table: what its row and cell colours and its marks mean.

One widget for every list that colours its rows or cells (the sample list, the bench's work list,
the results of a sample on 检验与判定). The colours are the palette's (:mod:`app.ui.style`) and are
declared next to the code that paints them — a table model's ``legend()``, the testing page's keys —
so that a colour a table uses is never shown without words saying what it means.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from html import escape

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel, QWidget

from app.ui import style

WORD_JOINER = "\u2060"


def _unbroken(text: str) -> str:
    """``text`` that a line never breaks inside (Chinese breaks between any two characters): the
    legend wraps between its entries, not in the middle of one."""
    return WORD_JOINER.join(text)


@dataclass(frozen=True)
class Key:
    """One entry of a legend: a colour or a mark, and what it means."""

    text: str
    background: str = ""  # a palette colour a row or a cell is painted with
    foreground: str = ""  # a palette colour a text is written in
    mark: str = ""  # a mark written before a text (★), or the sample of a coloured text


class Legend(QLabel):
    """``图例：■ 逾期  ■ 今天或下一个工作日到期 …``: a swatch (or the mark) for each key, wrapping as
    the window narrows."""

    def __init__(self, keys: Iterable[Key] = (), parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("legend")
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setWordWrap(True)
        self.setStyleSheet(style.MUTED_TEXT)
        self.keys: tuple[Key, ...] = ()
        self.set_keys(keys)

    def set_keys(self, keys: Iterable[Key]) -> None:
        self.keys = tuple(keys)
        parts = []
        for k in self.keys:
            if k.background:
                sample = (f'<span style="background-color:{k.background}">'
                          f'&nbsp;{escape(k.mark) if k.mark else "&nbsp;&nbsp;"}&nbsp;</span>')
            elif k.foreground:
                sample = f'<span style="color:{k.foreground}; font-weight:bold">{escape(k.mark or "■")}</span>'
            else:
                sample = f"<b>{escape(k.mark)}</b>"
            parts.append(f"{sample}&nbsp;{escape(_unbroken(k.text))}")
        self.setText(escape(self.tr("Legend:")) + "&nbsp; " + "&nbsp;&nbsp; ".join(parts))
        self.setVisible(bool(self.keys))

    def plain_text(self) -> str:
        """The legend's words as a person reads them (without the marks that keep each entry on one line)."""
        return self.text().replace(WORD_JOINER, "")

    def colours(self) -> set[str]:
        """Every colour the legend explains (``#rrggbb``), backgrounds and text colours."""
        return {QColor(c).name() for k in self.keys for c in (k.background, k.foreground) if c}

    def marks(self) -> set[str]:
        return {k.mark for k in self.keys if k.mark}

    def text_of(self, colour: str) -> str:
        """What ``colour`` means ("" when the legend does not name it)."""
        name = QColor(colour).name()
        return next((k.text for k in self.keys for c in (k.background, k.foreground) if c and QColor(c).name() == name),
                    "")
