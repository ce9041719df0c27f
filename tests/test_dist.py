"""The PyInstaller one-folder build (``make dist``): the bundled program answers ``--version`` and
renders the demo dashboard, so resources, migrations and Qt plugins are all inside."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from app import __version__

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_bundle_runs(tmp_path: Path):
    pyinstaller = Path(sys.executable).with_name("pyinstaller")
    if not pyinstaller.exists():
        pytest.skip("PyInstaller is not installed in this environment (pip install -e '.[dist]')")
    dist, work = tmp_path / "dist", tmp_path / "build"
    build = subprocess.run(
        [str(pyinstaller), "--noconfirm", "--distpath", str(dist), "--workpath", str(work), "build.spec"],
        cwd=ROOT, capture_output=True, text=True, timeout=1500,
    )
    assert build.returncode == 0, build.stderr[-3000:]
    exe = dist / "riskmon" / "riskmon"
    env = {k: v for k, v in os.environ.items() if not k.startswith("RISKMON_DATABASE")}
    env["QT_QPA_PLATFORM"] = "offscreen"
    version = subprocess.run([str(exe), "--version"], capture_output=True, text=True, timeout=120, env=env)
    assert version.stdout.strip() == f"riskmon {__version__}", version.stderr
    shot = tmp_path / "shot.png"
    run = subprocess.run(
        [str(exe), "--home", str(tmp_path / "home"), "gui", "--demo", "--screenshot", str(shot)],
        capture_output=True, text=True, timeout=300, env=env, cwd=tmp_path,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    assert shot.stat().st_size > 20_000
    shutil.rmtree(work, ignore_errors=True)
