"""The one file writer (``app.fileio``): regular files only, through symbolic links, the
user's umask, nothing left behind on failure, and every file-system error one Chinese message."""

from __future__ import annotations

import contextlib
import errno
import gc
import os
import socket
import sqlite3
import stat
import sys
from pathlib import Path

import pytest

from app import fileio as _io
from app.errors import OutputError
from app.fileio import atomic_open, atomic_write_bytes, atomic_write_with, output_target, write_files

posix = pytest.mark.skipif(os.name != "posix", reason="POSIX file types and modes")


@pytest.fixture
def dev_full():
    """``/dev/full``, put back as the device it is should a broken writer replace it (as root)."""
    path = Path("/dev/full")
    if not path.exists() or not stat.S_ISCHR(path.stat().st_mode):
        pytest.skip("no /dev/full here")
    yield path
    if not stat.S_ISCHR(os.lstat(path).st_mode) and os.geteuid() == 0:
        path.unlink()
        os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(1, 7))
        os.chmod(path, 0o666)


@contextlib.contextmanager
def umask(mask: int):
    old = os.umask(mask)
    try:
        yield
    finally:
        os.umask(old)


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".part"))


# ----------------------------------------------------------------------------------- what is refused
@posix
def test_a_device_is_refused_and_stays_a_device(dev_full, tmp_path):
    with pytest.raises(OutputError) as e:
        atomic_write_bytes(dev_full, b"x" * 100)
    assert e.value.message == "输出位置 /dev/full 不是普通文件（设备），未写入。"
    assert stat.S_ISCHR(os.lstat(dev_full).st_mode)
    # a link to it is resolved and refused the same way; the link stays a link
    link = tmp_path / "out.pdf"
    link.symlink_to(dev_full)
    with pytest.raises(OutputError, match="不是普通文件（设备）"):
        atomic_write_bytes(link, b"x")
    assert link.is_symlink() and stat.S_ISCHR(os.lstat(dev_full).st_mode)
    assert leftovers(tmp_path) == [] and leftovers(Path("/dev")) == []


@posix
def test_a_fifo_is_refused_and_stays_a_fifo(tmp_path):
    fifo = tmp_path / "pipe.xlsx"
    os.mkfifo(fifo)
    with pytest.raises(OutputError, match="不是普通文件（命名管道）"):
        atomic_write_bytes(fifo, b"x")  # refused before it is opened: no hang waiting for a reader
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert leftovers(tmp_path) == []


@posix
def test_a_socket_is_refused(tmp_path):
    path = tmp_path / "s.pdf"
    with socket.socket(socket.AF_UNIX) as s:
        s.bind(str(path))
        with pytest.raises(OutputError, match="不是普通文件（套接字）"):
            atomic_write_bytes(path, b"x")
    assert stat.S_ISSOCK(os.lstat(path).st_mode)


def test_a_folder_is_refused(tmp_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    with pytest.raises(OutputError, match="是文件夹，不是文件"):
        atomic_write_bytes(folder, b"x")
    assert folder.is_dir() and list(folder.iterdir()) == []


@posix
def test_a_link_loop_is_refused(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.symlink_to(b)
    b.symlink_to(a)
    with pytest.raises(OutputError):
        atomic_write_bytes(a, b"x")
    assert a.is_symlink() and b.is_symlink()


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root may write any file")
def test_a_read_only_file_is_refused(tmp_path):
    path = tmp_path / "signed.pdf"
    path.write_bytes(b"old")
    path.chmod(0o444)
    with pytest.raises(OutputError, match="只读"):
        atomic_write_bytes(path, b"new")
    assert path.read_bytes() == b"old"


def test_a_batch_into_a_file_instead_of_a_folder_is_refused(tmp_path):
    not_a_folder = tmp_path / "notices"
    not_a_folder.write_bytes(b"keep")
    with pytest.raises(OutputError, match="不是文件夹"):
        write_files([("a.pdf", b"%PDF")], not_a_folder)
    assert not_a_folder.read_bytes() == b"keep"


# ----------------------------------------------------------------------------------- links and modes
@posix
def test_a_symlink_is_written_through(tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    target = shared / "台账.xlsx"
    target.write_bytes(b"old")
    target.chmod(0o640)
    here = tmp_path / "desk"
    here.mkdir()
    link = here / "ledger.xlsx"
    link.symlink_to(os.path.relpath(target, here))
    assert atomic_write_bytes(link, b"new") == link
    assert link.is_symlink() and os.readlink(link) == os.path.relpath(target, here)
    assert target.read_bytes() == b"new" and link.read_bytes() == b"new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert leftovers(here) == [] and leftovers(shared) == []
    # a dangling link creates its target, as open(link, "w") would
    dangling = here / "new.pdf"
    dangling.symlink_to(shared / "new.pdf")
    atomic_write_bytes(dangling, b"%PDF")
    assert dangling.is_symlink() and (shared / "new.pdf").read_bytes() == b"%PDF"


@posix
@pytest.mark.parametrize(("mask", "mode"), [(0o022, 0o644), (0o027, 0o640), (0o077, 0o600)])
def test_a_new_file_gets_the_umask(tmp_path, mask, mode):
    with umask(mask):
        assert _io.current_umask() == mask
        path = atomic_write_bytes(tmp_path / "r.pdf", b"%PDF")
    assert stat.S_IMODE(path.stat().st_mode) == mode


@posix
def test_the_umask_is_read_without_proc(tmp_path, monkeypatch):
    real_open = open

    def no_proc(file, *a, **kw):
        if str(file).startswith("/proc/"):
            raise FileNotFoundError(errno.ENOENT, "no /proc", str(file))
        return real_open(file, *a, **kw)

    monkeypatch.setattr("builtins.open", no_proc)
    with umask(0o027):
        assert _io.current_umask() == 0o027
        assert os.umask(0o027) == 0o027  # … and left as it was


@posix
def test_a_replaced_file_keeps_its_mode(tmp_path):
    path = tmp_path / "private.pdf"
    path.write_bytes(b"old")
    path.chmod(0o600)
    with umask(0o022):
        atomic_write_bytes(path, b"new")
    assert path.read_bytes() == b"new"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


# ----------------------------------------------------------------------------------- failures
@pytest.mark.parametrize("failure", [ValueError("renderer failed"), KeyboardInterrupt()])
def test_a_failure_half_way_leaves_the_target_and_no_temporary_file(tmp_path, failure):
    path = tmp_path / "r.pdf"
    path.write_bytes(b"old")

    def writer(fh):
        fh.write(b"half of it")
        raise failure

    with pytest.raises(type(failure)):
        atomic_write_with(path, writer)
    assert path.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.pdf"]


def _enospc(*_a, **_kw):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def test_a_full_disk_names_the_folder(tmp_path, monkeypatch):
    folder = tmp_path / "报告"
    path = folder / "r.pdf"
    # while the caller's writer writes (e.g. openpyxl saving) …
    with pytest.raises(OutputError) as e:
        atomic_write_with(path, _enospc)
    assert "磁盘空间不足" in e.value.message and str(folder) in e.value.message
    assert not isinstance(e.value, OSError)
    # … and when the data is made durable
    monkeypatch.setattr(os, "fsync", _enospc)
    with pytest.raises(OutputError, match="磁盘空间不足") as e:
        atomic_write_bytes(path, b"%PDF")
    assert str(folder) in e.value.message
    assert not path.exists() and list(folder.iterdir()) == []


@pytest.mark.skipif(not hasattr(errno, "EDQUOT"), reason="no disk quotas here")
def test_a_quota_is_a_full_disk_too(tmp_path):
    def over_quota(fh):
        raise OSError(errno.EDQUOT, "Disk quota exceeded")

    with pytest.raises(OutputError, match="磁盘空间不足"):
        atomic_write_with(tmp_path / "r.pdf", over_quota)


@pytest.mark.parametrize(("code", "needle"), [
    (errno.EACCES, "没有权限写入"),
    (errno.EPERM, "没有权限写入"),
    (errno.EROFS, "只读"),
    (errno.ENOENT, "不存在"),
    (errno.ENOSPC, "磁盘空间不足"),
    (errno.ENAMETOOLONG, "过长"),
    (errno.EIO, "无法写入"),
])
def test_each_file_system_error_is_one_chinese_message(tmp_path, monkeypatch, code, needle):
    def refuse(*_a, **_kw):
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(_io.tempfile, "mkstemp", refuse)
    path = tmp_path / "out" / "r.pdf"
    with pytest.raises(OutputError) as e:
        atomic_write_bytes(path, b"x")
    assert needle in e.value.message
    assert str(path) in e.value.message or str(path.parent) in e.value.message


def test_a_name_too_long_is_said_so(tmp_path):
    with pytest.raises(OutputError, match="文件名或路径过长"):
        atomic_write_bytes(tmp_path / ("很长" * 200 + ".pdf"), b"x")


def test_an_error_reading_something_else_is_not_blamed_on_the_output(tmp_path):
    def writer(fh):
        open(tmp_path / "missing-font.ttf", "rb")  # noqa: SIM115 - raises

    with pytest.raises(FileNotFoundError):
        atomic_write_with(tmp_path / "r.pdf", writer)
    assert list(tmp_path.iterdir()) == []


def test_a_long_target_name_still_gets_a_temporary_file(tmp_path):
    name = "样" * 80 + ".pdf"  # 244 bytes in UTF-8: the temporary name must not be longer than the limit
    atomic_write_bytes(tmp_path / name, b"%PDF")
    assert (tmp_path / name).read_bytes() == b"%PDF"


def test_atomic_open_and_output_target_agree(tmp_path):
    target = output_target(tmp_path / "a" / "b.pdf")
    assert target.parent.is_dir()
    with atomic_open(tmp_path / "a" / "b.pdf") as fh:
        fh.write(b"1")
        assert not target.exists()
    assert target.read_bytes() == b"1"


# ----------------------------------------------------------------------------------- the writers that use it
@posix
def test_a_streamed_workbook_that_cannot_be_written_prints_nothing(tmp_path, monkeypatch):
    from app.documents.excel import write_rows

    unraisable: list[object] = []
    monkeypatch.setattr(sys, "unraisablehook", unraisable.append)
    with pytest.raises(OutputError):
        write_rows("/proc/self/ledger.xlsx", "台账", ["样品编号"], [["S-1"], ["S-2"]])
    with pytest.raises(OutputError, match="磁盘空间不足"):
        monkeypatch.setattr(os, "fsync", _enospc)
        write_rows(tmp_path / "l.xlsx", "台账", ["样品编号"], [["S-1"], ["S-2"]])
    gc.collect()
    assert unraisable == []
    assert list(tmp_path.iterdir()) == []


@posix
def test_the_database_backup_uses_the_writer(tmp_path, dev_full):
    from app.store.db import bootstrap

    db = bootstrap(f"sqlite:///{tmp_path / 'lab.db'}", home=tmp_path)
    try:
        with db.engine.begin() as conn:
            conn.exec_driver_sql("CREATE TABLE t (x)")
        with pytest.raises(OutputError, match="不是普通文件（设备）"):
            db.backup(dev_full)
        assert stat.S_ISCHR(os.lstat(dev_full).st_mode)
        shared = tmp_path / "shared"
        shared.mkdir()
        link = tmp_path / "backup.db"
        link.symlink_to(shared / "riskmon-backup.db")
        with umask(0o027):
            assert db.backup(link) == link
    finally:
        db.dispose()
    assert link.is_symlink()
    real = shared / "riskmon-backup.db"
    assert stat.S_IMODE(real.stat().st_mode) == 0o640
    with sqlite3.connect(real) as conn:
        assert conn.execute("SELECT name FROM sqlite_master").fetchall() == [("t",)]
    assert leftovers(tmp_path) == [] and leftovers(shared) == []


def test_the_hand_upload_folder_says_the_disk_is_full(tmp_path, monkeypatch):
    from app.sync.gateway import FolderGateway, PermanentError

    monkeypatch.setattr(os, "fsync", _enospc)
    with pytest.raises(PermanentError, match="磁盘空间不足") as e:
        FolderGateway(tmp_path).upload(b"PK", "key-1", {"kind": "result", "task_number": "T-1"})
    assert str(tmp_path) in e.value.message
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("text", ["database or disk is full", "could not extend file: No space left on device"])
def test_a_full_disk_under_the_database_is_not_blamed_on_the_network(tmp_path, text):
    from sqlalchemy import exc as sa_exc

    from app.store.uow import translate_error

    class Db:
        is_sqlite = True
        sqlite_path = tmp_path / "riskmon.db"

    error = translate_error(sa_exc.OperationalError("INSERT …", {}, sqlite3.OperationalError(text)), Db())
    assert error is not None
    assert "磁盘空间不足" in error.message and str(tmp_path) in error.message
    assert "网络" not in error.message
