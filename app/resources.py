"""One place that finds resource files, from a source checkout and inside a PyInstaller bundle.

reportlab and Qt need real file paths, so this returns ``pathlib.Path`` objects.
"""

from __future__ import annotations

import sys
from pathlib import Path


def project_root() -> Path:
    """The folder that holds ``resources/`` and ``db/``: the bundle, or the source checkout."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle)
    return Path(__file__).resolve().parent.parent


def resource_path(*parts: str) -> Path:
    """Path of a file under ``resources/``, e.g. ``resource_path("fonts", "X.ttf")``."""
    return project_root().joinpath("resources", *parts)


def migrations_path() -> Path:
    """The Alembic script folder (``db/``)."""
    return project_root() / "db"


CJK_FONT_FILE = "DroidSansFallbackFull.ttf"
CJK_FONT_NAME = "Droid Sans Fallback"


LATIN_FONT_FILES = ("Vera.ttf", "VeraBd.ttf")  # Bitstream Vera (free licence): Latin, digits, ≤ ≥ ±
LATIN_FONT_NAME = "Bitstream Vera Sans"


def latin_font_paths() -> list[Path]:
    """The shipped Latin fonts; the CJK font has no Latin letters, digits or symbols."""
    return [resource_path("fonts", name) for name in LATIN_FONT_FILES]


def cjk_font_path() -> Path:
    """The TrueType CJK font shipped with the app (Apache-2.0, see resources/fonts/)."""
    return resource_path("fonts", CJK_FONT_FILE)


ICON_SIZES = (16, 24, 32, 48, 64, 128, 256)


def icon_paths() -> list[Path]:
    """The application icon as PNGs, 16 to 256 pixels (rendered from ``resources/icons/riskmon.svg``
    by ``scripts/make_icons.py``), smallest first."""
    return [resource_path("icons", f"riskmon-{size}.png") for size in ICON_SIZES]
