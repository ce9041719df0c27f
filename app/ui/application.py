"""The QApplication: font, translations, exception hook.

The CJK font shipped in resources/fonts is registered at start, so no text shows empty boxes on a
machine without Chinese fonts. The interface is in Chinese by default (source strings are English
and translated through Qt Linguist files in resources/i18n); English can be chosen in 设置.
"""

from __future__ import annotations

import gc
import logging
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QObject, QSettings, QTimer, QTranslator
from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from app import __version__
from app.errors import RiskmonError
from app.resources import cjk_font_path, icon_paths, latin_font_paths, resource_path
from app.ui import qt_compat

log = logging.getLogger("riskmon.ui")

ORG = "Riskmon"
APP = "riskmon"
LANGUAGES = {"zh_CN": "中文（简体）", "en": "English"}


def settings() -> QSettings:
    """Machine-local UI state (geometry, column widths, last filters, language)."""
    return QSettings(ORG, APP)


#: the person signed in to this window: column widths are theirs, not the computer account's
_signed_in = ""


def set_signed_in(username: str) -> None:
    """Whose preferences :func:`user_key` reads (several people share a lab workstation)."""
    global _signed_in
    _signed_in = username


def user_key(key: str) -> str:
    """``key`` of the signed-in person's own preferences (``users/<name>/<key>``)."""
    return f"users/{_signed_in}/{key}" if _signed_in else key


def ui_language() -> str:
    lang = str(settings().value("ui/language", "zh_CN"))
    return lang if lang in LANGUAGES else "zh_CN"


def _register(path) -> str | None:
    font_id = QFontDatabase.addApplicationFont(str(path))
    if font_id < 0:
        log.warning("could not register %s", path)
        return None
    families = QFontDatabase.applicationFontFamilies(font_id)
    return families[0] if families else None


def register_fonts(app: QApplication) -> str | None:
    """Register the shipped fonts: the system's UI font first, then Bitstream Vera for Latin text
    (so digits never depend on the machine), then the CJK font for Chinese."""
    latin = None
    for path in latin_font_paths():
        latin = _register(path) or latin
    family = _register(cjk_font_path())
    if family:
        font = QFont(app.font())
        base = [f for f in font.families() if f and f not in (family, latin)]
        font.setFamilies([*base, *([latin] if latin else []), family])
        if font.pointSizeF() < 10:
            font.setPointSizeF(10)
        app.setFont(font)
    return family


def install_translators(app: QApplication, language: str) -> list[QTranslator]:
    translators: list[QTranslator] = []
    if language == "en":
        return translators
    qt = QTranslator(app)
    if qt.load(QLocale(language), "qtbase", "_", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(qt)
        translators.append(qt)
    ours = QTranslator(app)
    qm = resource_path("i18n", f"riskmon_{language}.qm")
    if ours.load(str(qm)):
        app.installTranslator(ours)
        translators.append(ours)
    else:
        log.warning("translation %s not found", qm)
    return translators


class ExceptionHook:
    """No traceback ever reaches a user: log it, show a short message."""

    def __init__(self, log_file: Path | None) -> None:
        self.log_file = log_file
        self._showing = False

    def install(self) -> None:
        sys.excepthook = self

    def __call__(self, exc_type, exc, tb) -> None:
        # deferred: app.logs is not imported with the main window's modules (run_gui sets logging up)
        from app import logs

        logs.log_exception("unhandled exception", (exc_type, exc, tb))  # the traceback, once
        if isinstance(exc, RiskmonError):
            message = exc.message
        else:
            message = QCoreApplication.translate("App", "An unexpected error occurred. The details were written to the log file:") + (
                f"\n{self.log_file}" if self.log_file else ""
            )
        if self._showing or QApplication.instance() is None:
            return
        self._showing = True
        try:
            QMessageBox.critical(None, QCoreApplication.translate("App", "Error"), message)
        finally:
            self._showing = False


class GarbageCollector(QObject):
    """Python's cyclic garbage collector runs on the GUI thread only.

    Left automatic, it runs in whichever thread happens to allocate: a worker thread running a
    service call could then free a Qt object caught in a reference cycle (a widget and a lambda
    connected to it) and delete it off the GUI thread, which crashes Qt. So automatic collection is
    off and a timer collects here, generation by generation, as the counts pass the thresholds
    (the approach of pyqtgraph's GarbageCollector).
    """

    def __init__(self, parent: QObject, interval_ms: int = 500) -> None:
        super().__init__(parent)
        self.threshold = gc.get_threshold()
        gc.disable()
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.check)
        self.timer.start(interval_ms)

    def check(self) -> None:
        l0, l1, l2 = gc.get_count()
        if l0 > self.threshold[0]:
            gen = 0
            if l1 > self.threshold[1]:
                gen = 2 if l2 > self.threshold[2] else 1
            gc.collect(gen)


def application_icon() -> QIcon:
    """The Riskmon icon in every shipped size (``resources/icons``)."""
    icon = QIcon()
    for path in icon_paths():
        if path.is_file():
            icon.addFile(str(path))
    return icon


def create_application(argv: list[str] | None = None) -> QApplication:
    qt_compat.install()  # before any signal is emitted: see the module
    app = QApplication.instance()
    if app is None:
        app = QApplication(argv or [sys.argv[0]])
    QCoreApplication.setOrganizationName(ORG)
    QCoreApplication.setApplicationName(APP)
    QCoreApplication.setApplicationVersion(__version__)
    app.setApplicationDisplayName("Riskmon")
    # the desktop entry (riskmon.desktop): Wayland and the task bars group windows and find the icon by it
    QGuiApplication.setDesktopFileName("riskmon")
    app.setWindowIcon(application_icon())
    register_fonts(app)
    app._riskmon_translators = install_translators(app, ui_language())  # keep references alive
    if getattr(app, "_riskmon_gc", None) is None:
        app._riskmon_gc = GarbageCollector(app)
    return app
