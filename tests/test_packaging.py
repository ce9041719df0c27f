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


def test_the_runtime_is_lean_and_the_rest_are_extras():
    runtime = _names(PROJECT["project"]["dependencies"])
    extras = {k: _names(v) for k, v in PROJECT["project"]["optional-dependencies"].items()}
    assert not runtime & {"pytest", "pytest-qt", "ruff", "hypothesis", "pypdf", "pyinstaller", "psycopg"}
    assert {"tzdata", "truststore", "platformdirs"} <= runtime
    assert extras["postgres"] == {"psycopg"}
    assert "psycopg[binary]" in PROJECT["project"]["optional-dependencies"]["postgres"][0]
    assert {"pytest", "ruff"} <= extras["dev"] and extras["dist"] == {"pyinstaller"}


def _recipe(makefile: str, target: str) -> tuple[str, str]:
    """The prerequisites and the recipe of ``target`` in the Makefile."""
    match = re.search(rf"(?m)^{re.escape(target)}:([^\n]*)\n((?:\t[^\n]*\n)*)", makefile)
    assert match, target
    return match.group(1), match.group(2)


def test_make_run_installs_the_runtime_only_and_make_test_what_the_tests_need():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    _, runtime = _recipe(makefile, "$(STAMP)")
    assert "pip install -q -e .\n" in runtime and "[" not in runtime
    assert _recipe(makefile, "run")[0].split() == ["venv"]
    extras = re.search(r"(?m)^DEV_EXTRAS := (.+)$", makefile).group(1).split(",")
    assert set(extras) == {"dev", "postgres", "dist"}
    assert "'.[$(DEV_EXTRAS)]'" in _recipe(makefile, "$(DEV_STAMP)")[1]
    for target in ("test", "lint"):
        assert "dev-venv" in _recipe(makefile, target)[0].split(), target


def test_make_dist_freezes_from_a_runtime_venv_pinned_by_the_constraints():
    """The bundle gets the runtime, psycopg and PyInstaller at the versions of constraints.txt;
    the dev venv's test tools (and what they bring, numpy) are not installed where it is built."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    prerequisites, recipe = _recipe(makefile, "$(DIST_STAMP)")
    assert prerequisites.split() == ["pyproject.toml", "constraints.txt"]
    assert "-c constraints.txt -e '.[postgres,dist]'" in recipe and "dev" not in recipe
    assert _recipe(makefile, "dist")[0].split() == ["$(DIST_STAMP)"]
    assert "$(DIST_VENV)/bin/pyinstaller" in _recipe(makefile, "dist")[1]
    pins = {}
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            name, _, version = line.partition("==")
            assert version, f"not pinned: {line}"
            pins[re.sub(r"[-_.]+", "-", name).lower()] = version
    wanted = PROJECT["project"]["dependencies"] + PROJECT["project"]["optional-dependencies"]["postgres"] + \
        PROJECT["project"]["optional-dependencies"]["dist"]
    for name in _names(wanted):
        assert re.sub(r"[-_.]+", "-", name) in pins, f"{name} is not pinned in constraints.txt (make constraints)"
    assert not {"pytest", "ruff", "hypothesis", "scipy", "numpy", "pypdf", "pygments"} & set(pins)


def test_without_the_postgres_extra_the_message_says_how_to_install_it(monkeypatch):
    import sys

    import pytest

    from app.errors import DatabaseError
    from app.store.db import bootstrap

    for name in [m for m in sys.modules if m == "psycopg" or m.startswith("psycopg.")] + ["psycopg"]:
        monkeypatch.setitem(sys.modules, name, None)
    with pytest.raises(DatabaseError) as caught:
        bootstrap("postgresql://lab@127.0.0.1:9/riskmon")
    assert "riskmon[postgres]" in caught.value.message and "Traceback" not in caught.value.message
