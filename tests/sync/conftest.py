from __future__ import annotations

import pytest

DEMO_USER = "demo"
DEMO_PASSWORD = "demo-password"


@pytest.fixture
def sandbox_options() -> dict:
    """The sandbox of these tests (``sandbox`` in tests/conftest.py): a hung request lasts a second."""
    return {"seed": 7, "hang_seconds": 1.0}
