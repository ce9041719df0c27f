"""The log file, set up in one place for the GUI and the commands that run for long (``sync``,
``db upgrade``) or fail unexpectedly.

* ``riskmon.log`` in the user log folder (``config.Paths.log_dir``), rotated at 2 MB with four
  older files kept: five files, 10 MB at most, however long a workstation runs.
* A traceback is written once, by :func:`log_exception`, through the one handler.
* Alembic's INFO lines ("Context impl SQLiteImpl", "Will assume transactional DDL") are left out:
  every start inspects the schema. Only while a migration runs (:func:`migration_logging`) are its
  lines ("Running upgrade 0004 -> 0005") kept.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from logging.handlers import RotatingFileHandler
from pathlib import Path

MAX_BYTES = 2 * 1024 * 1024
BACKUP_COUNT = 4  # riskmon.log, riskmon.log.1 … riskmon.log.4
FORMAT = "%(asctime)s %(levelname)s [%(process)d] %(name)s: %(message)s"

log = logging.getLogger("riskmon")
_lock = threading.Lock()
_handler: RotatingFileHandler | None = None


def configure(log_file: Path, *, level: int = logging.INFO) -> Path | None:
    """Send the program's log to ``log_file`` (rotating); returns it, or ``None`` when the folder
    cannot be written (the program then runs without a log file). Calling it again for the same
    file changes nothing; for another file, the old handler is closed."""
    global _handler
    with _lock:
        root = logging.getLogger()
        target = Path(log_file).absolute()
        if _handler is not None:
            if Path(_handler.baseFilename) == target:
                return target
            root.removeHandler(_handler)
            _handler.close()
            _handler = None
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            handler = RotatingFileHandler(target, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT,
                                          encoding="utf-8", delay=True)
        except OSError:
            return None
        handler.setFormatter(logging.Formatter(FORMAT))
        root.addHandler(handler)
        if root.level == logging.NOTSET or root.level > level:
            root.setLevel(level)
        quiet_alembic()
        _handler = handler
        return target


def current_log_file() -> Path | None:
    """The file the log goes to, if :func:`configure` set one."""
    handler = _handler
    return Path(handler.baseFilename) if handler is not None else None


def quiet_alembic() -> None:
    logging.getLogger("alembic").setLevel(logging.WARNING)


@contextmanager
def migration_logging() -> Iterator[None]:
    """Alembic's INFO lines are kept while a migration runs (which revisions ran, and when)."""
    logger = logging.getLogger("alembic")
    before = logger.level
    logger.setLevel(logging.INFO)
    try:
        yield
    finally:
        logger.setLevel(before)


def log_exception(message: str, exc_info: object = True) -> Path | None:
    """Write ``message`` and the traceback once to the log file; returns the file, or ``None``
    when there is none (nothing is written elsewhere: no traceback reaches a user)."""
    target = current_log_file()
    if target is None:
        return None
    log.error(message, exc_info=exc_info)  # type: ignore[arg-type]
    for handler in logging.getLogger().handlers:
        try:
            handler.flush()
        except Exception:  # noqa: BLE001 - logging must never raise
            pass
    return target


def close() -> None:
    """Detach and close the log file (tests, and a process about to hand its files over)."""
    global _handler
    with _lock:
        if _handler is not None:
            logging.getLogger().removeHandler(_handler)
            _handler.close()
            _handler = None
