"""The main window: navigation on the left, one page at a time on the right."""

from __future__ import annotations

import importlib
import importlib.util
import re
from collections.abc import Callable

from PySide6.QtCore import QByteArray, QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from app.errors import ValidationError
from app.services import worklist
from app.services.context import Context, role_names
from app.ui import style
from app.ui.application import set_signed_in, settings
from app.ui.ops import bus, run_op

#: the pages in navigation order: (key, module under app.ui.pages, class); a page module not written
#: yet shows a placeholder
PAGES = (
    ("dashboard", "dashboard", "DashboardPage"),
    ("inbox", "worklist", "InboxPage"),
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
#: the search boxes of the pages (object names): a scanned sample number typed into one opens the sample
SEARCH_BOXES = frozenset({"filter", "picker", "search"})
#: the navigation counts are re-read this long after the last change (a burst of changes: one query)
COUNT_DELAY_MS = 400


def unknown_page_message(key: str) -> str | None:
    """Why ``key`` names no page (Chinese, listing the valid keys), or ``None`` when it names one.
    ``page:tab`` names a page and one of its tabs (``risk:intelligence``)."""
    if key.partition(":")[0] in PAGE_KEYS:
        return None
    return f"没有名为“{key}”的页面。可用的页面：{'、'.join(PAGE_KEYS)}"


class PlaceholderPage(QWidget):
    def __init__(self, title: str, parent=None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        label = QLabel(title)
        label.setStyleSheet(style.PAGE_TITLE)
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
        set_signed_in(ctx.user.username)
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
        self.nav.setStyleSheet(style.NAVIGATION_LIST)
        self.stack = QStackedWidget()
        row.addWidget(self.nav)
        row.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.nav.currentRowChanged.connect(self._show)
        user_label = QLabel(f"{ctx.user.label} · {role_names(sorted(ctx.user.roles))}")
        self.statusBar().addPermanentWidget(user_label)
        self._build_pages()
        self._restore()
        self._titles = {key: self.nav.item(i).text() for i, key in enumerate(self._keys)}
        self.counts: worklist.Counts | None = None
        self._counting = False
        self._count_again = False
        self._count_timer = QTimer(self)
        self._count_timer.setSingleShot(True)
        self._count_timer.setInterval(COUNT_DELAY_MS)
        self._count_timer.timeout.connect(self.refresh_counts)
        bus.changed.connect(self._changed)
        self.scan_message = QLabel()
        self.scan_message.setObjectName("scan_message")
        self.scan_message.setStyleSheet(style.ERROR_TEXT_STRONG)
        self.statusBar().addWidget(self.scan_message, 1)
        self._scan_re: re.Pattern[str] | None = None
        self._load_scan_pattern()
        QApplication.instance().installEventFilter(self)
        self.refresh_counts()

    # (key, title, factory), in the order of PAGES
    def _page_specs(self) -> list[tuple[str, str, Callable[[], QWidget]]]:
        titles = {
            "dashboard": self.tr("Dashboard"),
            "inbox": self.tr("For me to handle"),
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
        """The navigation and one empty slot per page; a page itself is built when first shown
        (``page``), so start-up pays for the first page only."""
        self._factories: dict[str, Callable[[], QWidget]] = {}
        self._built: set[str] = set()
        for index, (key, title, factory) in enumerate(self._page_specs()):
            self._keys.append(key)
            self.nav.addItem(QListWidgetItem(title))
            self._factories[key] = factory
            slot = QWidget()
            slot.setObjectName(f"slot_{key}")
            self.stack.addWidget(slot)
            if index < 10:
                action = QAction(self)
                action.setShortcut(QKeySequence(f"Ctrl+{(index + 1) % 10}"))
                action.triggered.connect(lambda _=False, i=index: self.nav.setCurrentRow(i))
                self.addAction(action)
        refresh = QAction(self)
        refresh.setShortcut(QKeySequence(QKeySequence.StandardKey.Refresh))
        refresh.triggered.connect(self.refresh_current)
        self.addAction(refresh)
        help_menu = self.menuBar().addMenu(self.tr("&Help"))
        self.about_action = help_menu.addAction(self.tr("&About Riskmon"))
        self.about_action.setObjectName("about")
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)
        self.about_action.triggered.connect(self.show_about)
        self.nav.setCurrentRow(0)

    def show_about(self) -> None:
        # deferred: the About dialog and its service are not loaded at start-up
        from app.ui.dialogs.about import show_about

        show_about(self.ctx, self)

    def _show(self, row: int) -> None:
        if row < 0:
            return
        self.page(self._keys[row])
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
        """Page ``key``, built now if it has not been shown yet."""
        index = self._keys.index(key)
        if key not in self._built:
            self._built.add(key)
            page = self._factories[key]()
            page.setObjectName(f"page_{key}")
            slot = self.stack.widget(index)
            current = self.stack.currentIndex()
            self.stack.blockSignals(True)
            try:
                self.stack.insertWidget(index, page)
                self.stack.removeWidget(slot)
                if current == index:
                    self.stack.setCurrentIndex(index)
            finally:
                self.stack.blockSignals(False)
            slot.deleteLater()
        return self.stack.widget(index)

    def built_pages(self) -> list[str]:
        """The keys of the pages built so far (shown at least once), in navigation order."""
        return [key for key in self._keys if key in self._built]

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

    # ------------------------------------------------------------------ counts in the navigation
    def _changed(self, kinds) -> None:
        if set(kinds or ()) - {"settings"} or not kinds:
            self._count_timer.start()
        if "settings" in set(kinds or ()):
            self._load_scan_pattern()

    def refresh_counts(self) -> None:
        """Re-read the numbers beside 检验与判定 and 待我处理 on a worker (one query at a time)."""
        if self._counting:
            self._count_again = True
            return
        self._counting = True
        run_op(worklist.counts, self.ctx, on_done=self._show_counts, on_error=self._counts_failed)

    def _counts_failed(self, _exc: BaseException) -> None:
        self._counting = False  # the numbers stay as they were; the pages themselves say what failed

    def _show_counts(self, counts: worklist.Counts) -> None:
        self._counting = False
        if not isValid(self.nav):
            return  # the window was closed while the numbers were read
        self.counts = counts
        for key, n in (("testing", counts.work), ("inbox", counts.inbox)):
            if key in self._keys:
                self.nav.item(self._keys.index(key)).setText(
                    f"{self._titles[key]}  ({n:,})" if n else self._titles[key])
        if self._count_again:
            self._count_again = False
            self.refresh_counts()

    # ------------------------------------------------------------------ scanned labels
    def _load_scan_pattern(self) -> None:
        def done(pattern: str) -> None:
            self._scan_re = re.compile(pattern) if pattern else None

        run_op(worklist.scan_pattern, self.ctx, on_done=done, on_error=lambda _exc: None)

    def is_search_box(self, obj: QObject) -> bool:
        return (isinstance(obj, QLineEdit) and (obj.objectName() in SEARCH_BOXES or bool(obj.property("sample_scan")))
                and self.stack.isAncestorOf(obj))

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if (event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent)
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self._scan_re is not None
                and self.is_search_box(obj)):
            code = obj.text().strip()
            if code and len(code) <= worklist.SCAN_MAX and self._scan_re.fullmatch(code):
                self.open_scanned(code, obj)
                return True
        return super().eventFilter(obj, event)

    def open_scanned(self, code: str, box: QLineEdit | None = None) -> None:
        """A label's sample number (typed by a barcode reader, then Enter): open that sample, or say
        that no sample has that number."""
        self.scan_message.clear()

        def done(result: worklist.ScanResult) -> None:
            if result.sample_id is None:
                self.scan_message.setText(result.message)
                if box is not None:
                    box.selectAll()  # the next scan replaces it
                return
            if box is not None and box.objectName() != "picker":
                box.clear()  # a list's filter is not left on one number
            self.go("testing", sample_id=result.sample_id)

        run_op(worklist.find_by_code, self.ctx, code, on_done=done,
               on_error=lambda exc: self.scan_message.setText(getattr(exc, "message", "") or str(exc)))

    def _restore(self) -> None:
        geometry = settings().value("main/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt override
        QApplication.instance().removeEventFilter(self)
        settings().setValue("main/geometry", self.saveGeometry())
        super().closeEvent(event)

