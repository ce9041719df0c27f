"""The main window: navigation on the left, one page at a time on the right."""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable

from PySide6.QtCore import QByteArray, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.errors import ValidationError
from app.services.context import Context, role_names
from app.ui.application import settings

#: the pages in navigation order: (key, module under app.ui.pages, class); a page module not written
#: yet shows a placeholder
PAGES = (
    ("dashboard", "dashboard", "DashboardPage"),
    ("tasks", "tasks", "TasksPage"),
    ("samples", "samples", "SamplesPage"),
    ("testing", "testing", "TestingPage"),
    ("panels", "panels", "PanelsPage"),
    ("reports", "reports", "ReportsPage"),
    ("sync", "sync", "SyncPage"),
    ("risk", "risk", "RiskPage"),
    ("settings", "settings", "SettingsPage"),
)
#: what ``show_page`` (and ``riskmon gui --page``) accepts
PAGE_KEYS = tuple(key for key, _module, _cls in PAGES)


def unknown_page_message(key: str) -> str | None:
    """Why ``key`` names no page (Chinese, listing the valid keys), or ``None`` when it names one."""
    if key in PAGE_KEYS:
        return None
    return f"没有名为“{key}”的页面。可用的页面：{'、'.join(PAGE_KEYS)}"


class PlaceholderPage(QWidget):
    def __init__(self, title: str, parent=None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        label = QLabel(title)
        label.setStyleSheet("font-size: 16pt; font-weight: bold;")
        layout.addWidget(label)
        note = QLabel(self.tr("This part of the workflow is not available in this version yet."))
        note.setWordWrap(True)
        layout.addWidget(note)
        layout.addStretch(1)

    def refresh(self) -> None:
        pass


class MainWindow(QMainWindow):
    """``pages`` are (key, title, factory) triples; a factory builds the page from the context."""

    def __init__(self, ctx: Context, lab_name: str = "", parent=None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(self.tr("Riskmon — product quality safety risk monitoring") + (f" — {lab_name}" if lab_name else ""))
        self.resize(1280, 800)
        self._keys: list[str] = []
        central = QWidget()
        row = QHBoxLayout(central)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        self.nav = QListWidget()
        self.nav.setObjectName("nav")
        self.nav.setFixedWidth(150)
        self.nav.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.nav.setStyleSheet(
            "QListWidget { background: #1f3a5f; color: white; border: none; font-size: 11pt; }"
            "QListWidget::item { padding: 10px 12px; }"
            "QListWidget::item:selected { background: #2f5d8a; }"
        )
        self.stack = QStackedWidget()
        row.addWidget(self.nav)
        row.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.nav.currentRowChanged.connect(self._show)
        user_label = QLabel(f"{ctx.user.label} · {role_names(sorted(ctx.user.roles))}")
        self.statusBar().addPermanentWidget(user_label)
        self._build_pages()
        self._restore()

    # (key, title, factory), in the order of PAGES
    def _page_specs(self) -> list[tuple[str, str, Callable[[], QWidget]]]:
        titles = {
            "dashboard": self.tr("Dashboard"),
            "tasks": self.tr("Tasks"),
            "samples": self.tr("Sampling"),
            "testing": self.tr("Testing"),
            "panels": self.tr("Expert panels"),
            "reports": self.tr("Reports & notices"),
            "sync": self.tr("Upload"),
            "risk": self.tr("Risk information"),
            "settings": self.tr("Settings"),
        }
        return [(key, titles[key], self._factory(titles[key], module, cls)) for key, module, cls in PAGES]

    def _factory(self, title: str, module: str, cls: str) -> Callable[[], QWidget]:
        name = f"app.ui.pages.{module}"
        if importlib.util.find_spec(name) is None:
            return lambda: PlaceholderPage(title)
        return lambda: getattr(importlib.import_module(name), cls)(self.ctx)

    def _build_pages(self) -> None:
        for index, (key, title, factory) in enumerate(self._page_specs()):
            self._keys.append(key)
            self.nav.addItem(QListWidgetItem(title))
            page = factory()
            page.setObjectName(f"page_{key}")
            self.stack.addWidget(page)
            if index < 9:
                action = QAction(self)
                action.setShortcut(QKeySequence(f"Ctrl+{index + 1}"))
                action.triggered.connect(lambda _=False, i=index: self.nav.setCurrentRow(i))
                self.addAction(action)
        refresh = QAction(self)
        refresh.setShortcut(QKeySequence(QKeySequence.StandardKey.Refresh))
        refresh.triggered.connect(self.refresh_current)
        self.addAction(refresh)
        self.nav.setCurrentRow(0)

    def _show(self, row: int) -> None:
        if row < 0:
            return
        self.stack.setCurrentIndex(row)
        page = self.stack.currentWidget()
        if hasattr(page, "refresh"):
            page.refresh()

    def show_page(self, key: str) -> QWidget:
        """Show page ``key`` (one of ``PAGE_KEYS``); another key is a ``ValidationError`` naming the valid ones."""
        if key not in self._keys:
            raise ValidationError(unknown_page_message(key) or f"没有名为“{key}”的页面。", field="page")
        self.nav.setCurrentRow(self._keys.index(key))
        return self.stack.currentWidget()

    def page(self, key: str) -> QWidget:
        return self.stack.widget(self._keys.index(key))

    def go(self, key: str, **kwargs) -> QWidget:
        """Show page ``key``; with arguments, hand them to its ``open(**kwargs)`` (e.g. sample_id)."""
        page = self.show_page(key)
        if kwargs and hasattr(page, "open"):
            page.open(**kwargs)
        return page

    def refresh_current(self) -> None:
        page = self.stack.currentWidget()
        if hasattr(page, "refresh"):
            page.refresh()

    def _restore(self) -> None:
        geometry = settings().value("main/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt override
        settings().setValue("main/geometry", self.saveGeometry())
        super().closeEvent(event)

