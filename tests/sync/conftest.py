from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.sync.sandbox import RunningSandbox, start_sandbox

from .helpers import MemoryKeyring

DEMO_USER = "demo"
DEMO_PASSWORD = "demo-password"


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    """keyring's process-wide backend replaced by an in-memory one for the test."""
    import keyring

    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[RunningSandbox]:
    """The provincial-system sandbox on 127.0.0.1 (any free port), state in ``tmp_path``."""
    running = start_sandbox(state_path=tmp_path / "sandbox.sqlite3", seed=7, hang_seconds=1.0)
    try:
        yield running
    finally:
        running.stop()
