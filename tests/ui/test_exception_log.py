"""An unhandled exception in the GUI: its traceback is written to the log file once, and the user
sees a short message naming the file."""

from __future__ import annotations

import sys
from pathlib import Path

from app import logs
from app.ui.application import ExceptionHook


def test_the_traceback_is_written_once(tmp_path: Path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text: shown.append(text))
    log_file = logs.configure(tmp_path / "logs" / "riskmon.log")
    try:
        try:
            raise ZeroDivisionError("division in a slot")
        except ZeroDivisionError:
            ExceptionHook(log_file)(*sys.exc_info())
    finally:
        logs.close()
    text = log_file.read_text(encoding="utf-8")
    assert text.count("Traceback (most recent call last)") == 1
    assert text.count("ZeroDivisionError: division in a slot") == 1
    assert len(shown) == 1 and str(log_file) in shown[0] and "Traceback" not in shown[0]
