"""The log file: in the user log folder, rotated (five files of 2 MB at most), each traceback once,
and alembic's INFO lines only while a migration runs."""

from __future__ import annotations

import logging
from pathlib import Path

import platformdirs
import pytest

from app import cli, config, logs


@pytest.fixture(autouse=True)
def _detached():
    logs.close()
    yield
    logs.close()


def test_the_log_folder(monkeypatch, tmp_path: Path):
    monkeypatch.delenv("RISKMON_HOME", raising=False)
    paths = config.resolve()
    assert paths.log_dir == platformdirs.user_log_path("riskmon", appauthor=False)
    assert paths.log_file.name == "riskmon.log" and paths.log_dir != paths.home / "logs"
    # a data folder chosen for this run keeps its log with it
    assert config.resolve(tmp_path).log_file == tmp_path / "logs" / "riskmon.log"
    monkeypatch.setenv("RISKMON_HOME", str(tmp_path))
    assert config.resolve().log_file == tmp_path / "logs" / "riskmon.log"


def test_the_log_rotates_at_2_mb_and_keeps_five_files(tmp_path: Path):
    target = tmp_path / "logs" / "riskmon.log"
    assert logs.configure(target) == target
    assert logs.configure(target) == target  # idempotent: still one handler
    handlers = [h for h in logging.getLogger().handlers if getattr(h, "baseFilename", None) == str(target)]
    assert len(handlers) == 1
    line = "x" * 1000
    for _ in range(12_000):  # ≈ 12 MB
        logging.getLogger("riskmon.test").warning(line)
    logs.close()
    files = sorted(p.name for p in target.parent.iterdir())
    assert files == ["riskmon.log", "riskmon.log.1", "riskmon.log.2", "riskmon.log.3", "riskmon.log.4"]
    assert all(p.stat().st_size <= logs.MAX_BYTES for p in target.parent.iterdir())


def test_an_unexpected_error_of_a_command_is_logged_once(tmp_path: Path, monkeypatch, capsys):
    def boom(args):
        raise RuntimeError("boom in the command")

    monkeypatch.setattr(cli, "cmd_calendar", boom)
    code = cli.main(["--home", str(tmp_path), "calendar", "show", "2026"])
    err = capsys.readouterr().err
    log_file = tmp_path / "logs" / "riskmon.log"
    assert code == 2 and "Traceback" not in err and str(log_file) in err
    text = log_file.read_text(encoding="utf-8")
    assert text.count("Traceback (most recent call last)") == 1
    assert text.count("RuntimeError: boom in the command") == 1
    assert "riskmon calendar: unexpected error" in text


def test_alembic_speaks_only_while_upgrading(tmp_path: Path, monkeypatch, capsys):
    monkeypatch.delenv("RISKMON_DATABASE_URL", raising=False)
    assert cli.main(["--home", str(tmp_path), "db", "upgrade"]) == 0
    log_file = tmp_path / "logs" / "riskmon.log"
    after_upgrade = log_file.read_text(encoding="utf-8")
    assert after_upgrade.count("Running upgrade  -> 0001") == 1
    # opening an up-to-date database (every start) adds no alembic line
    assert logs.configure(log_file) == log_file
    logging.getLogger().setLevel(logging.DEBUG)
    try:
        assert cli.main(["--home", str(tmp_path), "db", "upgrade"]) == 0
        assert cli.main(["--home", str(tmp_path), "calendar", "show", "2026"]) == 0
    finally:
        logging.getLogger().setLevel(logging.WARNING)
    logs.close()
    assert log_file.read_text(encoding="utf-8") == after_upgrade
    capsys.readouterr()
