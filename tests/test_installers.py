"""The installers: the PyInstaller spec's Windows branch (two programs, windowed GUI, icon, version
resource), the NSIS script (compiled where makensis is installed) and ``make deb`` (built only when
RISKMON_TEST_DEB=1: it needs a PyInstaller bundle, which takes minutes)."""

from __future__ import annotations

import os
import re
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


@pytest.mark.slow
@pytest.mark.skipif(os.environ.get("RISKMON_TEST_DEB") != "1",
                    reason="builds a PyInstaller bundle and a .deb: set RISKMON_TEST_DEB=1 "
                           "(RISKMON_DEB_BUNDLE=dist/riskmon reuses a bundle)")
def test_make_deb(tmp_path: Path):
    if shutil.which("dpkg-deb") is None:
        pytest.skip("dpkg-deb is not installed")
    bundle = Path(os.environ.get("RISKMON_DEB_BUNDLE") or tmp_path / "dist" / "riskmon")
    if not (bundle / "riskmon").exists():
        pyinstaller = Path(sys.executable).with_name("pyinstaller")
        build = subprocess.run([str(pyinstaller), "--noconfirm", "--distpath", str(bundle.parent), "--workpath",
                                str(tmp_path / "build"), "build.spec"], cwd=ROOT, capture_output=True, text=True,
                               timeout=1500)
        assert build.returncode == 0, build.stderr[-3000:]
    proc = subprocess.run(["scripts/build-deb.sh", str(bundle), str(tmp_path / "out")], cwd=ROOT,
                          capture_output=True, text=True, timeout=900,
                          env={**os.environ, "DEB_COMPRESS": "gzip", "DEB_LEVEL": "1"})
    assert proc.returncode == 0, proc.stderr
    deb = Path(proc.stdout.strip().splitlines()[-1])
    assert re.fullmatch(rf"riskmon_{re.escape(__version__)}_\w+\.deb", deb.name)
    info = subprocess.run(["dpkg-deb", "--field", str(deb), "Package", "Version", "Depends"], capture_output=True,
                          text=True, check=True).stdout
    assert "Package: riskmon" in info and f"Version: {__version__}" in info and "libxcb-cursor0" in info
    listing = subprocess.run(["dpkg-deb", "--contents", str(deb)], capture_output=True, text=True, check=True).stdout
    for path in ("./usr/bin/riskmon", "./opt/riskmon/riskmon", "./usr/share/applications/riskmon.desktop",
                 "./usr/share/metainfo/riskmon.metainfo.xml", "./usr/share/icons/hicolor/256x256/apps/riskmon.png",
                 "./usr/share/icons/hicolor/16x16/apps/riskmon.png", "./usr/share/icons/hicolor/scalable/apps/riskmon.svg",
                 "./usr/share/doc/riskmon/riskmon-sync.service"):
        assert re.search(rf"\s{re.escape(path)}(\s|$)", listing), path
    assert "root/root" in listing
    unpacked = tmp_path / "unpacked"
    subprocess.run(["dpkg-deb", "-x", str(deb), str(unpacked)], check=True)
    wrapper = (unpacked / "usr" / "bin" / "riskmon").read_text()
    assert 'exec /opt/riskmon/riskmon "$@"' in wrapper
    version = subprocess.run([str(unpacked / "opt" / "riskmon" / "riskmon"), "--version"], capture_output=True,
                             text=True, timeout=120)
    assert version.stdout.strip() == f"riskmon {__version__}", version.stderr
