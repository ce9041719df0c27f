"""The documents layer's name for the one file writer, :mod:`app.fileio` (defined there, once)."""

from __future__ import annotations

from app.fileio import (
    atomic_open,
    atomic_path,
    atomic_write_bytes,
    atomic_write_with,
    current_umask,
    no_space_message,
    output_error,
    output_target,
    safe_file_name,
    write_files,
)

__all__ = [
    "atomic_open",
    "atomic_path",
    "atomic_write_bytes",
    "atomic_write_with",
    "current_umask",
    "no_space_message",
    "output_error",
    "output_target",
    "safe_file_name",
    "write_files",
]
