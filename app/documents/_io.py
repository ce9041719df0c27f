"""Atomic file writing: a temporary file in the target folder, fsynced, then renamed over."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO


@contextlib.contextmanager
def atomic_open(path: str | os.PathLike) -> Iterator[BinaryIO]:
    """Open a temporary file beside ``path`` for binary writing; on success rename it to ``path``.

    On an exception the temporary file is removed and ``path`` is left as it was.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


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
    out.mkdir(parents=True, exist_ok=True)
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
