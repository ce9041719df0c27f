"""The one file writer: every file Riskmon writes for a user goes through :func:`atomic_open`.

Part of the ground every layer may import (like ``app.errors``): the store writes backups and the
upload worker hand-upload packages with it, the documents layer everything else
(``app.documents._io`` names the same functions for it).

What it guarantees, for a target ``path``:

* **Regular files only.** A target that exists and is not a regular file — a device such as
  ``/dev/full``, a FIFO, a socket, a folder — is refused with :class:`~app.errors.OutputError`
  and left exactly as it was; nothing is written. A read-only file is refused too.
* **Through symbolic links.** A link is resolved to its final target and the *target* is
  replaced (the temporary file is made in the target's folder), so the link stays a link and
  points at the new content — as ``open(path, "w")`` would, but atomically. A link loop, or a
  link to something that is not a regular file, is refused like any other such target.
* **All or nothing.** The content goes to a temporary file beside the target, is flushed and
  fsynced, then renamed over the target (``os.replace``); readers see the old file or the new
  one, never half of one. On any failure — an exception from the caller's writer, a full disk,
  Ctrl+C (``KeyboardInterrupt``) — the temporary file is removed and the target is untouched.
* **Ordinary permissions.** A new file gets ``0o666`` less the process's umask (``0644`` under
  umask ``022``), as any program's output would, not ``mkstemp``'s private ``0600``; a file that
  is replaced keeps its mode. (Ownership and hard links are not kept: the target is a new file.)
* **No OSError, no traceback.** A file-system error becomes an ``OutputError`` whose message, in
  Chinese, names the file or folder and says what to do: no permission, read-only disk, disk
  full (ENOSPC/EDQUOT: 磁盘空间不足), folder missing, name too long.

:func:`atomic_path` gives the same guarantees to writers that need a file name rather than a file
object (SQLite's backup API, ``pg_dump``).
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

from app.errors import OutputError

_KINDS = (
    (stat.S_ISCHR, "设备"),
    (stat.S_ISBLK, "设备"),
    (stat.S_ISFIFO, "命名管道"),
    (stat.S_ISSOCK, "套接字"),
    (stat.S_ISLNK, "无法解析的符号链接"),
)


def no_space_message(folder: str | os.PathLike) -> str:
    return f"磁盘空间不足：文件夹 {folder} 所在的磁盘已满，未写入。请清理磁盘空间或选择其他位置后重试。"


def output_error(exc: OSError, path: str | os.PathLike) -> OutputError:
    """The :class:`OutputError` for ``exc``, met while writing ``path`` (named as the user gave it)."""
    p = Path(path)
    folder = p.parent
    code = exc.errno
    if code in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        text = no_space_message(folder)
    elif code in (errno.EACCES, errno.EPERM):
        text = (f"没有权限写入 {p}：请检查文件夹 {folder} 的权限，或关闭正在使用该文件的程序（如 Excel）后重试。"
                "未写入。")
    elif code == errno.EROFS:
        text = f"文件夹 {folder} 所在的磁盘是只读的，无法写入 {p.name}。请选择其他位置。"
    elif code == errno.ENOENT:
        text = f"文件夹 {folder} 不存在或无法在其中建立文件，未写入 {p.name}。请选择其他位置。"
    elif code == errno.ENOTDIR:
        text = f"{p} 的上级路径中有一项不是文件夹，未写入。请选择其他位置。"
    elif code == errno.EISDIR:
        text = f"输出位置 {p} 是文件夹，不是文件，未写入。请指定文件名。"
    elif code == errno.ENAMETOOLONG:
        text = f"文件名或路径过长：{p}。请使用较短的文件名或文件夹后重试。"
    elif code == errno.ELOOP:
        text = f"输出位置 {p} 是循环的符号链接，未写入。"
    elif code == errno.EEXIST:
        text = f"{folder} 已存在但不是文件夹，未写入 {p.name}。请选择其他位置。"
    else:
        text = f"无法写入 {p}：{exc.strerror or exc}。"
    return OutputError(text, path=p)


# ----------------------------------------------------------------------------------- target and mode
def output_target(path: str | os.PathLike) -> Path:
    """The regular file that writing ``path`` will replace or create: symbolic links resolved, the
    folder created if needed. Raises :class:`OutputError` when that is not (or cannot be) a regular
    file this process may replace."""
    shown = Path(path)
    if not str(path).strip():
        raise OutputError("没有指定输出文件。", path=shown)
    try:
        target = Path(os.path.realpath(shown))
        try:
            st = os.stat(target, follow_symlinks=False)
        except FileNotFoundError:
            target.parent.mkdir(parents=True, exist_ok=True)
            return target
    except OSError as exc:
        raise output_error(exc, shown) from None
    if stat.S_ISDIR(st.st_mode):
        raise OutputError(f"输出位置 {shown} 是文件夹，不是文件，未写入。请指定文件名。", path=shown)
    if not stat.S_ISREG(st.st_mode):
        kind = next((label for test, label in _KINDS if test(st.st_mode)), "特殊文件")
        raise OutputError(f"输出位置 {shown} 不是普通文件（{kind}），未写入。", path=shown)
    if not os.access(target, os.W_OK):
        raise OutputError(f"文件 {shown} 是只读的，未写入。请选择其他文件名，或先取消该文件的只读属性。", path=shown)
    return target


_umask_lock = threading.Lock()


def current_umask() -> int:
    """The process's umask, read without changing it where the system allows (Linux
    ``/proc/self/status``); elsewhere set and restored under a lock."""
    with contextlib.suppress(OSError, ValueError):
        with open("/proc/self/status", encoding="ascii", errors="replace") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    with _umask_lock:
        old = os.umask(0o022)
        os.umask(old)
    return old


def _mode_for(target: Path) -> int:
    try:
        return stat.S_IMODE(os.stat(target).st_mode)  # a replaced file keeps its mode
    except OSError:
        return 0o666 & ~current_umask()


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable where the platform allows it (not on Windows)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _ours(exc: OSError, *names: object) -> bool:
    """Whether ``exc`` is about the output (not, say, a font file a renderer could not read)."""
    return exc.filename is None or any(str(exc.filename) == str(n) for n in names)


# ----------------------------------------------------------------------------------- writers
@contextlib.contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """A temporary file name beside ``path``'s target for a writer that needs a name (the file
    exists, empty); when the block ends without error the file gets its mode, is fsynced and
    renamed over the target. On any failure it is removed. See the module's guarantees."""
    shown = Path(path)
    target = output_target(shown)
    tmp: str | None = None
    try:
        try:
            fd, tmp = tempfile.mkstemp(prefix=f".{target.name[:40]}.", suffix=".part", dir=target.parent)
            os.close(fd)
            os.chmod(tmp, _mode_for(target))
        except OSError as exc:
            raise output_error(exc, shown) from None
        try:
            yield Path(tmp)
        except OSError as exc:
            if _ours(exc, tmp, target, shown):
                raise output_error(exc, shown) from None
            raise
        try:
            fd = os.open(tmp, os.O_RDWR | getattr(os, "O_BINARY", 0))
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
            os.replace(tmp, target)
        except OSError as exc:
            raise output_error(exc, shown) from None
        tmp = None
        _fsync_folder(target.parent)
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


@contextlib.contextmanager
def atomic_open(path: str | os.PathLike) -> Iterator[BinaryIO]:
    """Open a temporary file beside ``path``'s target for binary writing; when the block ends
    without error it replaces the target. See the module's guarantees: a target that is not a
    regular file is refused, a symbolic link is written through, the umask is respected, the
    temporary file goes on any failure (``path`` is then left as it was), and every file-system
    error is an :class:`~app.errors.OutputError` naming ``path``."""
    shown = Path(path)
    with atomic_path(shown) as tmp:
        try:
            fh = open(tmp, "wb")  # noqa: SIM115 - closed below, also when the writer fails
        except OSError as exc:
            raise output_error(exc, shown) from None
        with fh:
            yield fh
            try:
                fh.flush()
            except OSError as exc:
                raise output_error(exc, shown) from None


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> Path:
    with atomic_open(path) as fh:
        fh.write(data)
    return Path(path)


def atomic_write_with(path: str | os.PathLike, writer: Callable[[BinaryIO], None]) -> Path:
    """Let ``writer`` fill the temporary file, then rename it into place."""
    with atomic_open(path) as fh:
        writer(fh)
    return Path(path)


_NAME_KEEP = frozenset("-_.()")
_WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}


def safe_file_name(text: str, *, max_len: int = 120) -> str:
    """A file name made from ``text``: letters (Chinese too), digits and ``-_.()`` kept, the rest ``_``.

    Never empty, never ``.``/``..``, no trailing dot or space, not a Windows device name.
    """
    out = "".join(ch if ch.isalnum() or ch in _NAME_KEEP else "_" for ch in text.strip())
    out = out.strip(". ")[:max_len].rstrip(". ")
    if not out or set(out) <= {"."}:
        out = "_"
    if out.split(".")[0].upper() in _WINDOWS_RESERVED:
        out = "_" + out
    return out


def write_files(
    files: list[tuple[str, bytes | Callable[[], bytes]]],
    folder: str | os.PathLike,
    *,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> list[Path]:
    """Write named bytes into ``folder`` (created if needed), each atomically; a name used twice
    (ignoring case) gets ``-2``, ``-3`` …. The bytes may be a function that makes them, called
    just before the file is written. ``progress(done, total)`` follows each file; the batch stops
    before the next file when ``cancelled()`` is true, keeping the files already written."""
    out = Path(folder)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise OutputError(f"输出位置 {out} 不是文件夹，未写入。请选择一个文件夹。", path=out) from None
    except OSError as exc:
        raise output_error(exc, out) from None
    used: set[str] = set()
    paths: list[Path] = []
    total = len(files)
    for n, (name, data) in enumerate(files, 1):
        if cancelled is not None and cancelled():
            break
        stem, dot, ext = name.rpartition(".")
        if not dot:
            stem, ext = name, "pdf"
        k = 1
        while name.lower() in used:
            k += 1
            name = f"{stem}-{k}.{ext}"
        used.add(name.lower())
        paths.append(atomic_write_bytes(out / name, data() if callable(data) else data))
        if progress is not None:
            progress(n, total)
    return paths
