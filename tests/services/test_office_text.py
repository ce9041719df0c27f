"""CSV files as offices save them (Excel/WPS on a Chinese Windows: GB18030 without a BOM; Excel's
"CSV UTF-8": with a BOM; an editor: plain UTF-8) are read for the holiday calendar and the catalog."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from app import cli
from app.services import catalog
from app.services.office_text import decode_office_text

from .test_admin import CSV_HEADER, GOOD_ROWS

NOTICE = "日期,类型,名称\n2031-10-01,holiday,国庆节\n2031-10-02,holiday,国庆节\n2031-09-28,workday,国庆节调休\n"
ENCODINGS = {
    "utf-8": lambda t: t.encode("utf-8"),
    "utf-8-bom": lambda t: codecs.BOM_UTF8 + t.encode("utf-8"),
    "gb18030": lambda t: t.encode("gb18030"),
    "utf-16": lambda t: t.encode("utf-16"),
}


@pytest.mark.parametrize("name", ENCODINGS)
def test_the_encoding_is_detected(name: str):
    text = "日期,类型,名称\n2031-10-01,holiday,国庆节·中秋节\n"
    assert decode_office_text(ENCODINGS[name](text)) == (text, {"utf-8-bom": "utf-8-sig"}.get(name, name))


def test_bytes_that_are_no_text_are_refused():
    assert decode_office_text(b"PK\x03\x04\x00\x00\xff\xfe\x80") is None
    assert decode_office_text(b"\x81\x30") is None  # a cut-off GB18030 sequence


@pytest.mark.parametrize("name", ["utf-8", "utf-8-bom", "gb18030"])
def test_a_holiday_notice_in_each_encoding(tmp_path: Path, monkeypatch, capsys, name: str):
    monkeypatch.delenv("RISKMON_DATABASE_URL", raising=False)
    home = tmp_path / "home"
    path = tmp_path / "notice.csv"
    path.write_bytes(ENCODINGS[name](NOTICE))
    assert cli.main(["--home", str(home), "db", "upgrade"]) == 0
    assert cli.main(["--home", str(home), "calendar", "import", str(path)]) == 0, capsys.readouterr().err
    capsys.readouterr()
    assert cli.main(["--home", str(home), "calendar", "show", "2031"]) == 0
    out = capsys.readouterr().out
    assert "国庆节" in out and "国庆节调休" in out


def test_an_unreadable_notice_says_which_encodings_work(tmp_path: Path, monkeypatch, capsys):
    monkeypatch.delenv("RISKMON_DATABASE_URL", raising=False)
    home = tmp_path / "home"
    path = tmp_path / "notice.csv"
    path.write_bytes(b"\x81\x30\x00\x00")
    assert cli.main(["--home", str(home), "db", "upgrade"]) == 0
    assert cli.main(["--home", str(home), "calendar", "import", str(path)]) == 2
    err = capsys.readouterr().err
    assert "无法识别 notice.csv 的文字编码" in err and "GB18030" in err and "Traceback" not in err


@pytest.mark.parametrize("name", ["utf-8", "utf-8-bom", "gb18030"])
def test_a_catalog_csv_in_each_encoding(lab, tmp_path: Path, name: str):
    path = tmp_path / "catalog.csv"
    path.write_bytes(ENCODINGS[name](CSV_HEADER + "".join(GOOD_ROWS)))
    done = catalog.import_catalog_file(lab.tech, path)
    assert (done.standards, done.items) == (2, 3)
    titles = {s.title for s in catalog.list_standards(lab.tech)}
    assert titles == {"液体加热器的特殊要求", "消费类电器产品能效"}
