"""Where the data lives and which database to open.

Order of precedence: command-line option, environment variable, default.
* data directory: ``--home`` / ``RISKMON_HOME`` / the user data directory (platformdirs);
* database: ``--database-url`` / ``RISKMON_DATABASE_URL`` / SQLite file ``riskmon.db`` in the data
  directory.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

APP_NAME = "riskmon"


@dataclass(frozen=True)
class Paths:
    home: Path
    database_url: str
    #: the folder of the log files; ``None``: ``home/logs`` (a data folder chosen with --home or
    #: RISKMON_HOME keeps its logs with it); the default data folder logs to the user log folder
    logs: Path | None = None

    @property
    def log_dir(self) -> Path:
        return self.logs if self.logs is not None else self.home / "logs"

    @property
    def log_file(self) -> Path:
        return self.log_dir / "riskmon.log"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def default_home() -> Path:
    import platformdirs

    return platformdirs.user_data_path(APP_NAME, appauthor=False)


def default_log_dir() -> Path:
    """The user log folder: ``%LOCALAPPDATA%\\riskmon\\Logs`` on Windows, ``~/.local/state/riskmon/log``
    on Linux."""
    import platformdirs

    return platformdirs.user_log_path(APP_NAME, appauthor=False)


def resolve(home: str | os.PathLike | None = None, database_url: str | None = None) -> Paths:
    chosen = home or os.environ.get("RISKMON_HOME")
    home_path = Path(chosen or default_home()).expanduser()
    url = database_url or os.environ.get("RISKMON_DATABASE_URL") or ""
    if not url:
        url = f"sqlite:///{(home_path / 'riskmon.db').as_posix()}"
    return Paths(home=home_path, database_url=url, logs=None if chosen else default_log_dir())


def redact_url(url: str) -> str:
    """The URL without its password, for messages and logs."""
    if "://" not in url or "@" not in url:
        return url
    scheme, rest = url.split("://", 1)
    creds, host = rest.rsplit("@", 1)
    user = creds.split(":", 1)[0]
    return f"{scheme}://{user}:***@{host}" if ":" in creds else f"{scheme}://{user}@{host}"
