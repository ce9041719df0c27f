"""One Riskmon window per SQLite file on a machine.

The GUI holds an :class:`InstanceLock` on ``<db file>.lock`` for as long as it runs. The lock is
``fcntl.flock`` on an open file, so the operating system drops it when the process ends, even
if it crashes: a stale lock file never blocks anyone. Where ``fcntl`` does not exist
(Windows), ``msvcrt.locking`` is used.
"""

from __future__ import annotations

import os
from pathlib import Path
from types import TracebackType

from app.errors import AlreadyRunningError, DatabaseError


class InstanceLock:
    """An exclusive, non-blocking lock next to the database file ``db_path``."""

    def __init__(self, db_path: Path | str) -> None:
        db_path = Path(db_path)
        self.path = db_path.with_name(db_path.name + ".lock")
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> InstanceLock:
        if self._fd is not None:
            return self
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise DatabaseError(f"无法创建锁文件 {self.path}：{exc.strerror or exc}") from exc
        try:
            _lock(fd)
        except OSError as exc:
            os.close(fd)
            raise AlreadyRunningError(
                "该数据库已被另一个 Riskmon 窗口使用：请切换到那个窗口，或关闭它后再打开。"
                f"（锁文件 {self.path}）"
            ) from exc
        try:
            os.ftruncate(fd, 0)
            os.write(fd, f"{os.getpid()}\n".encode())
        except OSError:
            pass  # the pid is informative only
        self._fd = fd
        return self

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is None:
            return
        try:
            _unlock(fd)
        finally:
            os.close(fd)

    def __enter__(self) -> InstanceLock:
        return self.acquire()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()


try:
    import fcntl

    def _lock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)

except ImportError:  # pragma: no cover - Windows
    import msvcrt

    def _lock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)  # type: ignore[attr-defined]
