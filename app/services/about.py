"""What the About dialog shows: the program, its licence, where its data is, which database is in use
and which lab it serves."""

from __future__ import annotations

from dataclasses import dataclass

from app import __version__, logs
from app.services.context import Context
from app.services.lab import get_lab

#: the licence of the program, as in pyproject.toml (an SPDX expression)
LICENCE = "LicenseRef-Proprietary"
#: the components shipped with the program under their own licences
THIRD_PARTY = (
    ("Qt for Python", "LGPL-3.0-only"),
    ("Droid Sans Fallback", "Apache-2.0"),
    ("Bitstream Vera", "Bitstream-Vera"),
    ("reportlab", "BSD-3-Clause"),
    ("SQLAlchemy, Alembic", "MIT"),
)


@dataclass(frozen=True)
class AboutInfo:
    version: str
    licence: str
    data_folder: str
    database: str  # the SQLite file, or the server's URL without its password
    lab_name: str
    cma_number: str
    log_file: str
    third_party: tuple[tuple[str, str], ...] = THIRD_PARTY


def about(ctx: Context) -> AboutInfo:
    db = ctx.db
    path = getattr(db, "sqlite_path", None)
    if path is not None:
        database = str(path)
    else:
        url = getattr(db, "url", "")
        render = getattr(url, "render_as_string", None)
        database = render(hide_password=True) if render else str(url)
    lab = get_lab(ctx)
    log_file = logs.current_log_file()
    return AboutInfo(
        version=__version__,
        licence=LICENCE,
        data_folder=str(getattr(db, "home", "") or ""),
        database=database,
        lab_name=lab.name,
        cma_number=lab.cma_number,
        log_file=str(log_file) if log_file else "",
    )
