"""样品标签: the number as text, QR code and Code 128 on each label; both layouts; portions marked."""

from __future__ import annotations

import datetime as dt
import io
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from app.documents import labels
from app.documents.labels import SampleLabel
from app.errors import ValidationError
from tests.documents.conftest import flat

LABELS = [
    SampleLabel("T-2026-FX-001-0001", "电热水壶（不锈钢，1.7 L）", "鄂市监风测〔2026〕3号", dt.date(2026, 3, 2),
                (labels.TEST_PORTION, labels.BACKUP_PORTION)),
    SampleLabel("T-01-0002", "儿童学生用品——铅笔、橡皮擦及卷笔刀套装（一个很长的产品名称）", "T-01", dt.date(2026, 3, 3)),
]


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


def _decoder() -> None:
    """zbarimg and pdftoppm, or a skip outside CI (in CI their absence is a failure)."""
    missing = [tool for tool in ("zbarimg", "pdftoppm") if shutil.which(tool) is None]
    if missing and not _in_ci():
        pytest.skip(f"{', '.join(missing)} not installed (make installs zbar-tools and poppler-utils)")
    assert not missing, f"{missing} missing in CI"


def decoded(pdf: bytes, tmp_path: Path) -> list[list[str]]:
    """What zbarimg reads on each page rendered at 300 dpi, as ``TYPE:text`` lines."""
    _decoder()
    src = tmp_path / "labels.pdf"
    src.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "300", "-png", str(src), str(tmp_path / "page")], check=True)
    out = []
    for page in sorted(tmp_path.glob("page*.png")):
        read = subprocess.run(["zbarimg", "-q", str(page)], capture_output=True, text=True).stdout
        out.append(sorted(line for line in read.splitlines() if line))
    return out


def page_sizes(pdf: bytes) -> list[tuple[float, float]]:
    from pypdf import PdfReader

    return [(float(p.mediabox.width), float(p.mediabox.height)) for p in PdfReader(io.BytesIO(pdf)).pages]


def test_the_sheet_has_every_portion_with_its_number_as_text_qr_and_code128(tmp_path, pages):
    pdf = labels.labels_pdf(LABELS, labels.SHEET)
    sizes = page_sizes(pdf)
    assert len(sizes) == 1 and (round(sizes[0][0]), round(sizes[0][1])) == (595, 842)
    text = flat(pages(pdf)[0])
    assert text.count("T-2026-FX-001-0001") == 2 and text.count("T-01-0002") == 1
    assert "测试样" in text and "备份样" in text and "电热水壶" in text and "鄂市监风测〔2026〕3号" in text
    assert "2026-03-02" in text
    [codes] = decoded(pdf, tmp_path)  # (zbar may report equal codes of one image once)
    assert set(codes) == {"QR-Code:T-2026-FX-001-0001", "QR-Code:T-01-0002", "CODE-128:T-2026-FX-001-0001",
                          "CODE-128:T-01-0002"}


def test_the_label_printer_gets_one_60_by_40_page_per_portion(tmp_path, pages):
    pdf = labels.labels_pdf(LABELS, labels.PRINTER)
    sizes = page_sizes(pdf)
    assert len(sizes) == 3
    assert all(abs(w - 60 * 72 / 25.4) < 0.5 and abs(h - 40 * 72 / 25.4) < 0.5 for w, h in sizes)
    texts = [flat(t) for t in pages(pdf)]
    assert "测试样" in texts[0] and "备份样" in texts[1] and "样" not in texts[2].replace("抽样", "")
    assert "T-01-0002" in texts[2]
    for page, number in zip(decoded(pdf, tmp_path), ["T-2026-FX-001-0001"] * 2 + ["T-01-0002"], strict=True):
        assert page == [f"CODE-128:{number}", f"QR-Code:{number}"]


def test_a_sheet_starts_at_a_free_position_and_runs_on_to_a_second_sheet(pages):
    many = [SampleLabel(f"T-01-{i:04d}", "电吹风", "T-01", dt.date(2026, 3, 1)) for i in range(1, 21)]
    pdf = labels.labels_pdf(many, labels.SHEET, first_position=10)  # 15 on the first sheet, 5 on the second
    texts = [flat(t) for t in pages(pdf)]
    assert len(texts) == 2
    assert "T-01-0015" in texts[0] and "T-01-0016" in texts[1] and "T-01-0020" in texts[1]


def test_a_number_code128_cannot_hold_gets_the_qr_code_only(tmp_path):
    pdf = labels.labels_pdf([SampleLabel("样品-0003", "电吹风", "T-01", None)], labels.PRINTER)
    assert decoded(pdf, tmp_path) == [["QR-Code:样品-0003"]]


def test_bad_requests_are_refused_in_chinese():
    with pytest.raises(ValidationError, match="请先选择"):
        labels.labels_pdf([], labels.SHEET)
    with pytest.raises(ValidationError, match="起始位置"):
        labels.labels_pdf(LABELS, labels.SHEET, first_position=25)
    with pytest.raises(ValidationError, match="版式"):
        labels.labels_pdf(LABELS, "a5")


def test_the_same_labels_give_the_same_bytes():
    assert labels.labels_pdf(LABELS, labels.SHEET) == labels.labels_pdf(LABELS, labels.SHEET)
