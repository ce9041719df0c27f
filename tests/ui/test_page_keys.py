"""``riskmon gui --page`` with a key no page has is a usage error in Chinese listing the valid keys,
said before any database or window is opened; the window itself refuses such a key the same way."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.errors import ValidationError
from app.ui.main_window import PAGE_KEYS, unknown_page_message


def test_an_unknown_page_is_a_usage_error_listing_the_pages(tmp_path: Path):
    out = tmp_path / "shot.png"
    home = tmp_path / "home"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    env.pop("RISKMON_DATABASE_URL", None)
    proc = subprocess.run(
        [sys.executable, "-m", "app", "--home", str(home), "gui", "--demo", "--screenshot", str(out),
         "--page", "nosuchpage"],
        capture_output=True, text=True, timeout=120, env=env,
    )
    assert proc.returncode == 2, proc
    assert "Traceback" not in proc.stderr and "内部错误" not in proc.stderr
    (line,) = proc.stderr.strip().splitlines()
    assert line.startswith("riskmon: --page：没有名为“nosuchpage”的页面。可用的页面：")
    assert all(key in line for key in PAGE_KEYS)
    assert "dashboard、inbox、tasks、samples、testing、panels、reports、sync、risk、settings" in line
    assert not out.exists() and not home.exists()  # refused before anything was opened or written


def test_every_key_names_a_page_of_the_window_and_others_are_refused(qtbot, sqlite_db, monkeypatch):
    from app.services.context import SYSTEM, Context
    from app.ui.main_window import MainWindow, PlaceholderPage

    # the pages themselves are not the point here: each is a placeholder with its title
    monkeypatch.setattr(MainWindow, "_factory", lambda self, title, module, cls: (lambda: PlaceholderPage(title)))
    assert unknown_page_message("sync") is None and unknown_page_message("Sync")
    window = MainWindow(Context(sqlite_db, SYSTEM), lab_name="荆楚")
    qtbot.addWidget(window)
    assert tuple(window._keys) == PAGE_KEYS
    assert window.show_page("settings").objectName() == "page_settings"
    with pytest.raises(ValidationError) as caught:
        window.show_page("nosuchpage")
    assert "可用的页面：dashboard、" in caught.value.message
    assert window.stack.currentWidget().objectName() == "page_settings"  # nothing changed
