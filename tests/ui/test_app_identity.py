"""The program's identity on a desktop: its icon (SVG source, PNG sizes and .ico rendered from it),
the window icon and desktop file name, the About dialog, the riskmon-gui entry point and the Linux
desktop entry with its AppStream metadata."""

from __future__ import annotations

import configparser
import io
import re
import shutil
import subprocess
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageStat

from app import __version__
from app.resources import ICON_SIZES, icon_paths, resource_path

ROOT = Path(__file__).resolve().parents[2]
LINUX = ROOT / "packaging" / "linux"


def _render(size: int) -> Image.Image:
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_icons", ROOT / "scripts" / "make_icons.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return Image.open(io.BytesIO(module.render(size))).convert("RGBA")


@pytest.mark.parametrize("size", ICON_SIZES)
def test_each_png_is_the_svg_rendered_at_its_size(size: int):
    path = resource_path("icons", f"riskmon-{size}.png")
    assert path in icon_paths() and path.is_file()
    shipped = Image.open(path).convert("RGBA")
    assert shipped.size == (size, size)
    difference = ImageStat.Stat(ImageChops.difference(shipped, _render(size))).mean
    assert max(difference) < 2.0, "run scripts/make_icons.py after changing riskmon.svg"


def test_the_windows_icon_holds_every_size():
    ico = Image.open(resource_path("icons", "riskmon.ico"))
    assert sorted(ico.ico.sizes()) == [(s, s) for s in ICON_SIZES]
    assert resource_path("icons", "riskmon.svg").read_text(encoding="utf-8").lstrip().startswith("<?xml")


def test_the_application_has_its_icon_and_desktop_file_name(riskmon_app):
    from PySide6.QtGui import QGuiApplication

    icon = riskmon_app.windowIcon()
    assert not icon.isNull()
    assert {s.width() for s in icon.availableSizes()} >= {16, 32, 48, 256}
    assert QGuiApplication.desktopFileName() == "riskmon"
    assert riskmon_app.applicationVersion() == __version__


def test_the_about_dialog(demo_ctx, qtbot):
    from app.services.about import LICENCE
    from app.ui.main_window import MainWindow

    window = MainWindow(demo_ctx, lab_name="荆楚")
    qtbot.addWidget(window)
    assert window.about_action in window.menuBar().actions()[0].menu().actions()
    window.about_action.trigger()
    qtbot.waitUntil(lambda: getattr(window, "_about_dialog", None) is not None, timeout=10_000)
    dialog = window._about_dialog
    fields = {key: label.text() for key, label in dialog.fields.items()}
    assert fields["version"] == __version__
    assert LICENCE in fields["licence"] and "专有" in fields["licence"]
    assert fields["database"] == str(demo_ctx.db.sqlite_path)
    assert fields["data_folder"] == str(demo_ctx.db.home)
    assert fields["lab"].startswith(demo_ctx_lab_name(demo_ctx))
    assert dialog.windowTitle() == "关于 Riskmon"
    assert not dialog.findChild(type(dialog.fields["lab"]), "logo").pixmap().isNull()
    dialog.close()


def demo_ctx_lab_name(ctx) -> str:
    from app.services.lab import get_lab

    return get_lab(ctx).name


def test_the_licence_shown_is_the_one_declared():
    from app.services.about import LICENCE

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["license"] == LICENCE


def test_riskmon_gui_starts_the_gui():
    from app import cli

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["gui-scripts"]["riskmon-gui"] == "app.cli:gui_main"
    assert cli.gui_argv([]) == ["gui"]
    assert cli.gui_argv(["--home", "/d", "--demo"]) == ["--home", "/d", "gui", "--demo"]
    assert cli.gui_argv(["--database-url=sqlite:///x.db", "--page", "samples"]) == [
        "--database-url=sqlite:///x.db", "gui", "--page", "samples"]
    args = cli.build_parser().parse_args(cli.gui_argv(["--home", "/d", "--demo"]))
    assert args.func is cli.cmd_gui and args.demo and args.home == "/d"


def test_the_desktop_entry():
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # keys are case-sensitive
    entry.read(LINUX / "riskmon.desktop", encoding="utf-8")
    d = entry["Desktop Entry"]
    assert d["Type"] == "Application" and d["Icon"] == "riskmon" and d["Terminal"] == "false"
    assert d["Exec"].split()[0] == "riskmon" and d["StartupWMClass"] == "riskmon"
    assert "Office" in d["Categories"].split(";") and d["Categories"].endswith(";")
    assert "风险监测" in d["GenericName[zh_CN]"]
    if shutil.which("desktop-file-validate"):
        proc = subprocess.run(["desktop-file-validate", str(LINUX / "riskmon.desktop")], capture_output=True, text=True)
        assert proc.returncode == 0 and not proc.stdout.strip(), proc.stdout


def test_the_appstream_metadata():
    root = ET.parse(LINUX / "riskmon.metainfo.xml").getroot()
    assert root.tag == "component" and root.get("type") == "desktop-application"
    assert root.findtext("id") == "riskmon"
    assert root.find("launchable").text == "riskmon.desktop"
    assert root.findtext("metadata_license") == "CC0-1.0"
    assert root.findtext("project_license").lower() == "licenseref-proprietary"
    versions = [r.get("version") for r in root.iter("release")]
    assert versions and versions[0] == __version__, "add a <release> for the new version"
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", root.find("releases/release").get("date"))
    if shutil.which("appstreamcli"):
        proc = subprocess.run(["appstreamcli", "validate", "--no-net", str(LINUX / "riskmon.metainfo.xml")],
                              capture_output=True, text=True)
        problems = [line for line in proc.stdout.splitlines() if re.match(r"[EW]: ", line)]
        # the desktop file name "riskmon" (QGuiApplication.desktopFileName) is not reverse-DNS: a warning
        assert all("cid-desktopapp-is-not-rdns" in line for line in problems), proc.stdout
