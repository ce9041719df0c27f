"""What pyproject.toml declares: a licence setuptools accepts without deprecation warnings, the
runtime dependencies apart from the extras, and the entry points."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _names(requirements: list[str]) -> set[str]:
    return {re.split(r"[\s\[<>=!~;]", r, maxsplit=1)[0].lower() for r in requirements}


def test_the_licence_is_an_spdx_expression():
    """A TOML table (``{ text = ... }``) makes setuptools ≥ 77 warn on every install (PEP 639)."""
    licence = PROJECT["project"]["license"]
    assert isinstance(licence, str) and re.fullmatch(r"LicenseRef-[A-Za-z0-9.-]+|[A-Za-z0-9.+-]+", licence)
    assert not any(c.startswith("License ::") for c in PROJECT["project"].get("classifiers", []))
    setuptools = next(r for r in PROJECT["build-system"]["requires"] if r.startswith("setuptools"))
    major = int(re.search(r">=\s*(\d+)", setuptools).group(1))
    assert major >= 77
