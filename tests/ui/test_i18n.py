"""The interface is Chinese by default: every source string has a zh_CN translation, and the
committed .ts holds every string the code uses (run ``python scripts/i18n.py update``)."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("i18n", ROOT / "scripts" / "i18n.py")
i18n = importlib.util.module_from_spec(spec)
spec.loader.exec_module(i18n)


def test_every_zh_cn_string_is_translated():
    missing = i18n.untranslated()
    assert not missing, "untranslated zh_CN strings:\n" + "\n".join(f"{c}: {s}" for c, s in missing)


def test_the_translation_file_covers_the_code(tmp_path: Path):
    fresh = tmp_path / "fresh.ts"
    i18n.lupdate(fresh)
    in_code = {(c, s) for c, s, _, _ in i18n.messages(fresh)}
    committed = {(c, s) for c, s, _, _ in i18n.messages()}
    new = sorted(in_code - committed)
    assert not new, "strings missing from resources/i18n/riskmon_zh_CN.ts:\n" + "\n".join(f"{c}: {s}" for c, s in new)


def test_the_compiled_translation_is_current(tmp_path: Path):
    qm = tmp_path / "check.qm"
    i18n.lrelease(i18n.TS, qm)
    assert qm.read_bytes() == i18n.QM.read_bytes(), "run: python scripts/i18n.py update"


def test_translator_is_installed_at_start(riskmon_app):
    from PySide6.QtCore import QCoreApplication

    assert QCoreApplication.translate("MainWindow", "Dashboard") == "工作台"


def test_no_empty_boxes_the_cjk_font_is_registered(riskmon_app):
    from PySide6.QtGui import QFontDatabase

    from app.resources import CJK_FONT_NAME

    assert CJK_FONT_NAME in QFontDatabase.families()
    assert CJK_FONT_NAME in riskmon_app.font().families()


def test_layers():
    """PySide6 only in app/ui; app/rules pure (no database, Qt or network library)."""
    out = subprocess.run(
        [sys.executable, "-c",
         "import sys, app.rules.selection, app.rules.calendar, app.rules.commands, app.services.samples;"
         "bad=[m for m in sys.modules if m.split('.')[0] in ('PySide6',)];print(bad)"],
        capture_output=True, text=True, cwd=ROOT, check=True,
    )
    assert out.stdout.strip() == "[]"
    for path in (ROOT / "app").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        rel = path.relative_to(ROOT).as_posix()
        if not rel.startswith("app/ui/"):
            assert "PySide6" not in text, rel
        if rel.startswith("app/rules/"):
            for lib in ("sqlalchemy", "httpx", "PySide6", "open("):
                assert lib not in text, f"{rel} uses {lib}"
