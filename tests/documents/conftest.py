"""Helpers for the document tests: PDF text per page (pdftotext, or pypdf without poppler)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

HAVE_POPPLER = shutil.which("pdftotext") is not None and shutil.which("pdffonts") is not None


def pdf_pages_text(pdf: bytes, tmp_path: Path) -> list[str]:
    """The text of every page, in order."""
    if HAVE_POPPLER:
        src = tmp_path / "doc.pdf"
        src.write_bytes(pdf)
        out = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(src), "-"], capture_output=True, check=True)
        pages = out.stdout.decode("utf-8").split("\f")
        if pages and not pages[-1].strip():
            pages = pages[:-1]
        return pages
    import io

    from pypdf import PdfReader

    return [p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf)).pages]


def flat(text: str) -> str:
    """Text without whitespace, so a phrase is found across a line break."""
    return "".join(text.split())


@pytest.fixture
def pages(tmp_path):
    def _pages(pdf: bytes) -> list[str]:
        return pdf_pages_text(pdf, tmp_path)

    return _pages


@pytest.fixture
def fonts_of(tmp_path):
    """Rows of ``pdffonts``: (name, type, embedded) — skipped when poppler is absent."""
    if not HAVE_POPPLER:
        pytest.skip("poppler-utils (pdffonts) not installed")

    def _fonts(pdf: bytes) -> list[tuple[str, str, bool]]:
        src = tmp_path / "fonts.pdf"
        src.write_bytes(pdf)
        out = subprocess.run(["pdffonts", str(src)], capture_output=True, check=True, text=True).stdout
        rows = []
        for line in out.splitlines()[2:]:
            parts = line.split()
            # name type [type2] encoding emb sub uni id gen
            emb = parts[-5] == "yes"
            rows.append((parts[0], parts[1], emb))
        return rows

    return _fonts
