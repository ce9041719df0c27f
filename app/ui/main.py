"""Start the GUI: open (and upgrade) the database, sign in, show the main window."""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

from app.config import Paths
from app.errors import RiskmonError
from app.services.context import Context

#: the daily audit checkpoint starts this long after the main window is shown (not during start-up)
CHECKPOINT_DELAY_MS = 15_000
#: the ORM (SQLAlchemy's and the mapped classes), which start-up does without, is loaded on a thread of
#: its own this long after the main window is shown, so that the first page that needs it opens at once
ORM_WARMUP_DELAY_MS = 2_000


def _configure_logging(paths: Paths) -> Path | None:
    # deferred: the log set-up (logging.handlers) loads when the GUI starts, not with this module
    from app import logs

    return logs.configure(paths.log_file)


#: what start-up needs below the GUI (SQLAlchemy's Core and the tables, the services of sign-in and of
#: the first page — not the ORM: they read and write with Core statements), imported before PySide6:
#: once PySide6 is imported, its import hook reads the source of each newly imported module (to look
#: for ``__feature__``), a quarter of a second over these alone. The last three are loaded later in
#: start-up anyway (the lab's time zone, the dashboard's text, the official calendar) and are large
#: to read: 55 ms after PySide6, 10 ms before.
_DATA_LAYER = ("app.store.db", "app.store.lock", "app.services.signin", "app.services.lab",
               "app.services.context", "app.services.worklist", "app.services.dashboard",
               "zoneinfo", "html", "chinese_calendar")


def _load_data_layer() -> None:
    import importlib

    for name in _DATA_LAYER:
        importlib.import_module(name)


def run_gui(paths: Paths, *, demo: bool = False, screenshot: Path | None = None, page: str | None = None) -> int:
    _load_data_layer()
    # deferred: Qt and the GUI load after the data layer (see _DATA_LAYER), not when this module is imported
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtWidgets import QMessageBox

    from app.ui.application import ExceptionHook, create_application

    temp_home: str | None = None
    if demo:
        temp_home = tempfile.mkdtemp(prefix="riskmon-demo-")
        paths = Paths(home=Path(temp_home), database_url=f"sqlite:///{Path(temp_home) / 'riskmon.db'}",
                      logs=paths.log_dir)  # the demo's folder is removed at the end; its log is kept
    log_file = _configure_logging(paths)
    app = create_application(sys.argv[:1])
    ExceptionHook(log_file).install()
    try:
        return _run(app, paths, demo=demo, screenshot=screenshot, page=page)
    except RiskmonError as exc:
        if screenshot is not None:
            raise
        QMessageBox.critical(None, QCoreApplication.translate("App", "Riskmon"), exc.message)
        return 2
    finally:
        if temp_home:
            shutil.rmtree(temp_home, ignore_errors=True)


def _run(app, paths: Paths, *, demo: bool, screenshot: Path | None, page: str | None) -> int:
    # deferred: the data layer is loaded by _load_data_layer() before PySide6; the dialogs need Qt
    from app.services import lab as lab_service
    from app.services import signin
    from app.store.db import bootstrap
    from app.store.lock import InstanceLock
    from app.ui.dialogs.login import FirstRunDialog, LoginDialog

    db = bootstrap(paths.database_url, home=paths.home)
    lock = None
    try:
        if db.sqlite_path is not None and not demo:
            lock = InstanceLock(db.sqlite_path)
            lock.acquire()
        db.upgrade()
        _settle()
        if demo:
            from app.services import demo as demo_service  # the demo's data and catalog: only here

            demo_service.load_demo(db, actor="demo")
            user = signin.authenticate(db, demo_service.DEMO_USER, demo_service.DEMO_PASSWORD)
        elif not signin.has_users(db):
            dialog = FirstRunDialog(
                create_admin=lambda u, n, p: _create_first_administrator(db, u, n, p),
                load_demo=lambda: _load_demo_and_sign_in(db),
            )
            if not dialog.exec() or dialog.user is None:
                return 0
            user = dialog.user
        else:
            lab = lab_service.lab_name_unchecked(db)
            # the password is checked on a worker (argon2 takes a moment); meanwhile the GUI thread
            # loads the main window's code, so the window follows the check without a second wait
            login = LoginDialog(lambda u, p: signin.authenticate(db, u, p), lab_name=lab,
                                prepare=_prepare_main_window)
            if not login.exec() or login.user is None:
                return 0
            user = login.user
        # deferred: Qt and the main window load after the data layer (_prepare_main_window, during sign-in)
        from PySide6.QtCore import QTimer

        from app.ui.main_window import MainWindow

        ctx = Context(db, user)
        window = MainWindow(ctx, lab_name=lab_service.lab_name_unchecked(db))
        if screenshot is not None:
            return _screenshot(app, window, screenshot, page)
        window.show()
        _settle()
        QTimer.singleShot(ORM_WARMUP_DELAY_MS, lambda: _warm_orm(db))
        QTimer.singleShot(CHECKPOINT_DELAY_MS, lambda: _daily_checkpoint(ctx))
        return app.exec()
    finally:
        if lock is not None:
            lock.release()
        db.dispose()


def _settle() -> None:
    """What start-up has loaded so far (modules, mappers, the window) stays for the whole session:
    keep it out of every later garbage collection (``gc.freeze``, cheap and repeatable), so the
    collector's timer on the GUI thread (app.ui.application.GarbageCollector) scans only what the
    work creates, not the whole program each time during start-up."""
    import gc

    gc.freeze()


def _prepare_main_window() -> None:
    """Import the main window and its first page (the code start-up must load anyway)."""
    # deferred: the main window's code loads here, on the GUI thread while the password is checked
    import importlib

    from app.ui import main_window

    _key, module, _cls = main_window.PAGES[0]
    importlib.import_module(f"app.ui.pages.{module}")
    _settle()


def _warm_orm(db) -> None:
    """Load the ORM and map the classes on a thread of their own, once the window is up (sign-in and
    the first page do without it; most other pages read through sessions)."""
    import threading

    def warm() -> None:
        try:
            db.session_factory  # noqa: B018 - made on first use: imports the ORM and the models
            # deferred: the ORM is what this thread loads
            from sqlalchemy.orm import configure_mappers

            configure_mappers()
        except Exception:  # noqa: BLE001 - only a head start: the first session does the same and reports
            pass

    threading.Thread(target=warm, name="orm-warm-up", daemon=True).start()


def _daily_checkpoint(ctx) -> None:
    """Once a day, sign the audit chain's head with the lab key if it unlocks without asking; on
    a thread of its own (no Qt there), never in the way of the work: it starts
    ``CHECKPOINT_DELAY_MS`` after the window is shown, when the first page has its data."""
    import threading

    # deferred: the audit checkpoint's code is not loaded at start-up
    from app.services.integrity import checkpoint_if_due

    threading.Thread(target=checkpoint_if_due, args=(ctx.db,),
                     kwargs={"actor": ctx.user.username, "reason": "daily"}, daemon=True).start()


def _load_demo_and_sign_in(db):
    # deferred: the demo's data and catalog (and reportlab) load only for the demo
    from app.services import demo as demo_service
    from app.services import signin

    demo_service.load_demo(db, actor="demo")
    return signin.authenticate(db, demo_service.DEMO_USER, demo_service.DEMO_PASSWORD)


def _create_first_administrator(db, username: str, display_name: str, password: str):
    # deferred: the accounts' service (and the ORM) load only on a new lab's first start
    from app.services import users

    return users.create_first_administrator(db, username=username, display_name=display_name, password=password)


def _screenshot(app, window, out: Path, page: str | None) -> int:
    # deferred: app.ui modules import PySide6, which loads after the data layer
    from app.ui import ops

    window.resize(1280, 800)
    window.show()
    if page:  # "risk:intelligence": a page, then one of its tabs
        key, _sep, tab = page.partition(":")
        shown = window.show_page(key)
        if tab and hasattr(shown, "open"):
            shown.open(tab=tab)
    for _ in range(3):
        app.processEvents()
        ops.wait_idle(30)
    app.processEvents()
    # deferred: only a screenshot writes a file
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice

    from app.documents._io import atomic_write_bytes

    png = QByteArray()
    buffer = QBuffer(png)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not window.grab().save(buffer, "PNG"):
        raise RiskmonError(f"无法生成截图：{out}")
    buffer.close()
    atomic_write_bytes(Path(out), bytes(png))  # the one file writer: regular files only, the umask
    window.close()
    return 0
