"""The installers: the PyInstaller spec's Windows branch (two programs, windowed GUI, icon, version
resource) and the NSIS script (compiled with Debian's makensis against a stand-in folder; ``make
test`` installs nsis). The ``.deb`` is built from the real bundle in ``tests/test_dist.py``."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from app import __version__

ROOT = Path(__file__).resolve().parents[1]


class _Recorder:
    made: list[tuple[str, tuple, dict]] = []

    def __init__(self, *args, **kwargs) -> None:
        self.args, self.kwargs = args, kwargs
        _Recorder.made.append((type(self).__name__, args, kwargs))
        self.scripts = self.pure = self.binaries = self.datas = []


def _run_spec(monkeypatch, platform: str) -> list[tuple[str, tuple, dict]]:
    import PyInstaller.utils.hooks as hooks

    monkeypatch.setattr(hooks, "collect_submodules", lambda name: [])
    monkeypatch.setattr(sys, "platform", platform)
    _Recorder.made = []
    names = {n: type(n, (_Recorder,), {}) for n in ("Analysis", "PYZ", "EXE", "COLLECT")}
    spec = ROOT / "build.spec"
    exec(compile(spec.read_text(encoding="utf-8"), str(spec), "exec"),  # noqa: S102 - our own spec
         {"SPECPATH": str(ROOT), "__file__": str(spec), **names})
    return _Recorder.made


def test_the_spec_on_linux_makes_one_console_program(monkeypatch):
    made = _run_spec(monkeypatch, "linux")
    exes = [kw for kind, _, kw in made if kind == "EXE"]
    assert [e["name"] for e in exes] == ["riskmon"] and exes[0]["console"] is True
    analysis = next(kw for kind, _, kw in made if kind == "Analysis")
    assert {"tzdata", "truststore"} <= set(analysis["hiddenimports"])
    assert any(dst == "resources" for _, dst in analysis["datas"])


def test_the_spec_on_windows_adds_a_windowed_program_with_icon_and_version(monkeypatch):
    import importlib.util
    import types

    if importlib.util.find_spec("pefile") is None:  # PyInstaller needs it on Windows only
        monkeypatch.setitem(sys.modules, "pefile", types.ModuleType("pefile"))
    import PyInstaller.compat

    if not hasattr(PyInstaller.compat, "win32api"):
        monkeypatch.setattr(PyInstaller.compat, "win32api", None, raising=False)
    from PyInstaller.utils.win32.versioninfo import VSVersionInfo

    made = _run_spec(monkeypatch, "win32")
    exes = {kw["name"]: kw for kind, _, kw in made if kind == "EXE"}
    assert set(exes) == {"riskmon", "riskmon-gui"}
    assert exes["riskmon"]["console"] is True and exes["riskmon-gui"]["console"] is False
    for exe in exes.values():
        assert Path(exe["icon"]).is_file() and exe["icon"].endswith("riskmon.ico")
        assert isinstance(exe["version"], VSVersionInfo)
        assert f"'ProductVersion', '{__version__}'" in str(exe["version"])
    collect = next(args for kind, args, _ in made if kind == "COLLECT")
    assert sum(1 for a in collect if type(a).__name__ == "EXE") == 2


def test_riskmon_gui_exe_starts_the_gui(monkeypatch):
    from app import cli

    called: list[str] = []
    monkeypatch.setattr(cli, "gui_main", lambda: called.append("gui") or 0)
    monkeypatch.setattr(cli, "main", lambda: called.append("cli") or 0)
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    for exe, expected in (("C:/Program Files/Riskmon/riskmon-gui.exe", "gui"), ("/opt/riskmon/riskmon", "cli")):
        monkeypatch.setattr(sys, "executable", exe)
        with pytest.raises(SystemExit):
            exec(compile((ROOT / "app" / "__main__.py").read_text(encoding="utf-8"), "__main__", "exec"),
                 {"__name__": "__main__"})
        assert called.pop() == expected


@pytest.mark.skipif(shutil.which("makensis") is None, reason="NSIS is not installed (apt-get install nsis)")
def test_the_nsis_script_compiles(tmp_path: Path):
    bundle = tmp_path / "riskmon"
    (bundle / "_internal").mkdir(parents=True)
    for name in ("riskmon.exe", "riskmon-gui.exe", "_internal/base_library.zip"):
        (bundle / name).write_bytes(b"stand-in")
    out = tmp_path / "setup.exe"
    proc = subprocess.run(["makensis", "-V2", f"-DVERSION={__version__}", f"-DBUNDLE={bundle}", f"-DOUTFILE={out}",
                           "riskmon.nsi"], cwd=ROOT / "packaging" / "windows", capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert out.read_bytes()[:2] == b"MZ"


def test_the_installer_is_per_user_without_administrator_rights():
    script = (ROOT / "packaging" / "windows" / "riskmon.nsi").read_text(encoding="utf-8")
    assert "RequestExecutionLevel user" in script and '$LOCALAPPDATA\\Programs' in script
    assert "HKLM" not in script and "SetShellVarContext all" not in script  # nothing machine-wide
