"""Time zones on a machine without a system zone database (every Windows workstation, trimmed
Debian/UOS/Kylin images): the program reads Asia/Shanghai from the bundled ``tzdata`` package, and
answers with China Standard Time even if that were missing too."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

from app.timezones import CHINA_STANDARD_TIME, zone

KETTLE = "HBFX-2026-DQ-01"


def test_zone_is_asia_shanghai_and_unknown_names_fall_back():
    when = dt.datetime(2026, 7, 1, 4, 0, tzinfo=dt.UTC)
    assert when.astimezone(zone()).hour == 12
    assert when.astimezone(zone("Asia/Shanghai")).hour == 12
    assert when.astimezone(zone("Mars/Olympus_Mons")).hour == 12
    assert when.astimezone(zone("../../etc/passwd")).hour == 12


def test_without_any_zone_database_china_standard_time_is_used(monkeypatch, tmp_path: Path):
    import zoneinfo

    zone.cache_clear()
    for name in [m for m in sys.modules if m == "tzdata" or m.startswith("tzdata.")] + ["tzdata"]:
        monkeypatch.setitem(sys.modules, name, None)  # the bundled package gone too
    zoneinfo.reset_tzpath([str(tmp_path)])
    zoneinfo.ZoneInfo.clear_cache()
    try:
        tz = zone("Asia/Shanghai")
        assert tz is CHINA_STANDARD_TIME
        assert dt.datetime(2026, 1, 1, 16, 30, tzinfo=dt.UTC).astimezone(tz).date() == dt.date(2026, 1, 2)
    finally:
        zoneinfo.reset_tzpath()
        zoneinfo.ZoneInfo.clear_cache()
        zone.cache_clear()


def _env(home: Path, empty: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RISKMON_DATABASE") and k != "TZ"}
    env.update(RISKMON_HOME=str(home), RISKMON_FAST_PASSWORD_HASH="1", PYTHONTZPATH=str(empty),
               TZ="UTC", QT_QPA_PLATFORM="offscreen")
    return env


def test_documents_and_the_gui_without_a_system_zone_database(tmp_path: Path):
    """A test report, an export package and the demo dashboard, each in its own process with the
    system zone database hidden (PYTHONTZPATH an empty folder, TZ=UTC). The bundled tzdata is what
    makes this work: pyhanko, the PDF signer, itself needs a zone (Europe/Brussels) on import."""
    empty = tmp_path / "no-zoneinfo"
    empty.mkdir()
    env = _env(tmp_path / "home", empty)

    def run(*args: str) -> subprocess.CompletedProcess:
        proc = subprocess.run([sys.executable, "-m", "app", *args], capture_output=True, text=True, env=env,
                              timeout=300, cwd=tmp_path)
        assert proc.returncode == 0, proc.stderr
        assert "Traceback" not in proc.stderr
        return proc

    run("demo")
    pdf = tmp_path / "report.pdf"
    run("report", "test", "--sample", f"{KETTLE}-0004", "--out", str(pdf))
    assert pdf.read_bytes().startswith(b"%PDF")
    run("export-package", "--task", KETTLE, "--out", str(tmp_path / "pkg"))
    assert (tmp_path / "pkg" / f"{KETTLE}.zip").is_file()
    shot = tmp_path / "shot.png"
    run("--home", str(tmp_path / "gui-home"), "gui", "--demo", "--screenshot", str(shot))
    assert shot.stat().st_size > 10_000
