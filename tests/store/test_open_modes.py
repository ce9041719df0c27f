"""How a SQLite file is opened: read-only when this user may not write it or its folder (reading
works, writing says why), and a relative ``sqlite:///lab.db`` never creates a database by surprise."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from app import cli
from app.errors import DatabaseError
from app.store import db as dbmod
from app.store.db import bootstrap, sqlite_open_mode

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def lab_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A current database with an audited user in it, closed (no -wal/-shm left)."""
    path = tmp_path_factory.mktemp("lab") / "riskmon.db"
    assert cli.main(["--database-url", f"sqlite:///{path}", "--home", str(path.parent), "db", "upgrade"]) == 0
    from app.services import users

    db = bootstrap(f"sqlite:///{path}", home=path.parent)
    try:
        users.create_user_unchecked(db, actor="test", username="boss", display_name="BOSS", roles=["administrator"],
                                    password="correct horse")
    finally:
        db.dispose()
    assert not Path(f"{path}-wal").exists()
    return path


def _copy(lab_db: Path, folder: Path) -> Path:
    folder.mkdir()
    shutil.copyfile(lab_db, folder / "riskmon.db")
    return folder / "riskmon.db"


def _deny_writes(monkeypatch: pytest.MonkeyPatch, *paths: Path) -> None:
    """What a non-root user sees in a read-only folder (chmod does not stop root)."""
    denied = {p.resolve() for p in paths}
    real = os.access

    def access(path, mode, *a, **kw):
        if mode & os.W_OK and Path(path).resolve() in denied:
            return False
        return real(path, mode, *a, **kw)

    monkeypatch.setattr(dbmod.os, "access", access)


def test_open_mode_choice(tmp_path: Path, lab_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _copy(lab_db, tmp_path / "data")
    assert sqlite_open_mode(path) == ("rw", "")
    _deny_writes(monkeypatch, path)
    assert sqlite_open_mode(path)[0] == "ro" and "数据库文件" in sqlite_open_mode(path)[1]
    _deny_writes(monkeypatch, path.parent)
    mode, reason = sqlite_open_mode(path)  # WAL file, no -wal/-shm, folder read-only
    assert mode == "immutable" and reason == f"数据文件夹 {path.parent.resolve()} 只读"
    Path(f"{path}-wal").write_bytes(b"x" * 100)  # changes not yet merged, and no -shm to read them
    with pytest.raises(DatabaseError, match="未合并的更改"):
        sqlite_open_mode(path)
    Path(f"{path}-shm").write_bytes(b"")
    assert sqlite_open_mode(path)[0] == "ro"
    with pytest.raises(DatabaseError, match="数据文件夹 .* 只读，无法在其中新建数据库"):
        sqlite_open_mode(path.parent / "new.db")


def test_read_only_folder_reads_and_refuses_writes(tmp_path: Path, lab_db: Path, monkeypatch, capsys) -> None:
    path = _copy(lab_db, tmp_path / "data")
    _deny_writes(monkeypatch, path.parent)
    args = ["--database-url", f"sqlite:///{path}", "--home", str(path.parent)]
    assert cli.main([*args, "user", "list"]) == 0
    out = capsys.readouterr()
    assert "boss" in out.out and "只读" in out.err
    assert cli.main([*args, "audit", "verify"]) == 0, capsys.readouterr()
    capsys.readouterr()
    # a command that writes is refused before it starts, saying why
    assert cli.main([*args, "calendar", "complete", "2031"]) == 2
    assert f"数据文件夹 {path.parent.resolve()} 只读" in capsys.readouterr().err
    # and a write that gets through anyway is stopped by SQLite (mode=ro / immutable), not written
    db = bootstrap(f"sqlite:///{path}", home=path.parent)
    try:
        assert db.read_only
        with pytest.raises(DatabaseError, match="只读"):
            db.require_writable()
        with pytest.raises(Exception, match="readonly"), db.engine.begin() as conn:
            conn.exec_driver_sql("DELETE FROM users")
        # through a unit of work (as every service writes) it is one Chinese sentence
        from app.store.models import MonitoringTask
        from app.store.uow import UnitOfWork

        with pytest.raises(DatabaseError, match="只读.*本次修改未保存"), UnitOfWork(db, "t") as uow:
            uow.session.add(MonitoringTask(number="RO-1", title="只读"))
            uow.commit()
    finally:
        db.dispose()
    assert not any(p.name.startswith("riskmon.db-") for p in path.parent.iterdir())


def test_read_only_database_cannot_be_upgraded_or_loaded(tmp_path: Path, monkeypatch, capsys) -> None:
    folder = tmp_path / "new"
    folder.mkdir()
    (folder / "riskmon.db").write_bytes(b"")
    _deny_writes(monkeypatch, folder, folder / "riskmon.db")
    assert cli.main(["--home", str(folder), "db", "upgrade"]) == 2
    err = capsys.readouterr().err
    assert "只读" in err and "无法升级数据库" in err
    assert cli.main(["--home", str(folder), "demo"]) == 2
    assert "只读" in capsys.readouterr().err
    assert (folder / "riskmon.db").read_bytes() == b""


@pytest.mark.skipif(not hasattr(os, "geteuid"), reason="POSIX permissions")
def test_really_read_only_folder(tmp_path_factory: pytest.TempPathFactory, lab_db: Path) -> None:
    """chmod 555 on the folder, 444 on the file; as root (whom chmod does not stop) the command runs
    as user nobody, when ``setpriv`` is there."""
    base = Path(os.environ.get("TMPDIR", "/tmp")) / f"riskmon-ro-{os.getpid()}"
    base.mkdir(mode=0o755)
    try:
        folder = base / "data"
        path = _copy(lab_db, folder)
        prefix: list[str] = []
        if os.geteuid() == 0:
            setpriv = shutil.which("setpriv")
            if setpriv is None:
                pytest.skip("running as root without setpriv: chmod cannot make the folder read-only")
            prefix = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"]
        path.chmod(0o444)
        folder.chmod(0o555)
        env = dict(os.environ, PYTHONPATH=str(ROOT), PYTHONDONTWRITEBYTECODE="1", HOME=str(base))
        cmd = [*prefix, sys.executable, "-m", "app", "--database-url", f"sqlite:///{path}", "--home", str(folder)]
        proc = subprocess.run([*cmd, "user", "list"], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)
        if proc.returncode != 0 and "Permission denied" in proc.stderr and prefix:
            pytest.skip(f"user nobody cannot run this Python: {proc.stderr.strip()[:200]}")
        assert proc.returncode == 0, proc.stderr
        assert "boss" in proc.stdout and "只读" in proc.stderr
        proc = subprocess.run([*cmd, "audit", "verify"], env=env, cwd=ROOT, capture_output=True, text=True,
                              timeout=120)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert "unable to open" not in proc.stderr
        proc = subprocess.run([*cmd, "calendar", "complete", "2031"], env=env, cwd=ROOT, capture_output=True,
                              text=True, timeout=120)
        assert proc.returncode == 2 and "只读" in proc.stderr and "Traceback" not in proc.stderr
    finally:
        for p in base.rglob("*"):
            p.chmod(stat.S_IRWXU | (p.stat().st_mode & 0o777))
        (base / "data").chmod(0o755)
        shutil.rmtree(base, ignore_errors=True)


# ---- relative sqlite:///lab.db -------------------------------------------------------------------


def test_relative_url_creates_nothing_unless_upgrading(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    home = tmp_path / "home"
    args = ["--database-url", "sqlite:///lab.db", "--home", str(home)]
    assert cli.main([*args, "user", "list"]) == 2
    err = capsys.readouterr().err
    assert "相对路径" in err and str(tmp_path / "lab.db") in err and "未创建" in err
    assert not (tmp_path / "lab.db").exists()
    assert cli.main([*args, "demo"]) == 2
    assert not (tmp_path / "lab.db").exists()
    with pytest.raises(DatabaseError, match="相对路径"):
        bootstrap("sqlite:///lab.db", home=home)
    assert not (tmp_path / "lab.db").exists()

    assert cli.main([*args, "db", "upgrade"]) == 0  # said so, and made it
    err = capsys.readouterr().err
    assert "相对路径" in err and f"将在 {tmp_path / 'lab.db'} 新建" in err
    assert (tmp_path / "lab.db").exists()
    assert cli.main([*args, "user", "list"]) == 0  # an existing file opens, with a warning naming it
    err = capsys.readouterr().err
    assert "相对路径" in err and f"打开的是 {tmp_path / 'lab.db'}" in err


def test_relative_home_is_not_a_relative_url(tmp_path: Path, monkeypatch, capsys) -> None:
    """``--home data`` names the data folder: its riskmon.db is made there as always."""
    monkeypatch.chdir(tmp_path)
    assert cli.main(["--home", "data", "db", "upgrade"]) == 0
    assert "相对路径" not in capsys.readouterr().err
    assert (tmp_path / "data" / "riskmon.db").exists()
