"""Typography of the documents, read back from the PDFs: no identifier, standard code or number with
its unit broken across lines, GB/T 9704 dates, the minus sign U+2212, the unit printed once, no
one-character last lines, titles broken at word boundaries."""

from __future__ import annotations

import dataclasses
import re
import subprocess
from datetime import date

import pytest
from conftest import HAVE_POPPLER, flat

from app.documents import analysis, examples, fonts, monthly, notice, test_report
from app.documents.data import ItemLine, Judgement
from app.documents.flow import MINUS, fmt_date, minus_signs

# What must never be broken: the numbers a reader copies, and codes with their prefix.
_CODE = re.compile(r"(?:[A-Z]{2,5}(?:/[A-Z]{1,5})?|Q/[A-Z0-9]+) \d[\d.]*-\d{4}")


def _lines(text: str) -> list[str]:
    return [flat(line) for line in text.splitlines()]


def _unbroken(pages: list[str], needles) -> None:
    """Every occurrence of each needle in the document lies within one line of text."""
    whole = flat("".join(pages))
    lines = [line for page in pages for line in _lines(page)]
    for needle in {flat(n) for n in needles if n}:
        total = whole.count(needle)
        assert total, f"{needle} is not in the document"
        inline = sum(line.count(needle) for line in lines)
        assert inline == total, f"{needle} is broken across lines ({total - inline} of {total})"


def _identifiers(d) -> list[str]:
    out = [d.report_number, d.sample_number, d.task_number, d.sampling_record_number, d.sampled.uscc, d.lab.phone]
    for party in (d.nominal_producer, d.platform_operator):
        if party is not None:
            out.append(party.uscc)
    if d.online_shop is not None:
        out.append(d.online_shop.order_number)
    for standard in d.basis_standards:
        out.extend(_CODE.findall(standard))
    for it in d.items:
        out.extend(x for x in (it.basis_code, it.method_code) if x)
    return out


@pytest.fixture(scope="module")
def long_report():
    # 45 items and a long list of basis standards: the information table fills most of page 1
    base = examples.test_report(n_items=45, number="HBFX-2026-DQ-01-0001", sample_number="HBFX-2026-DQ-01-0001")
    codes = tuple(f"Q/WHKT {n:04d}-2024《企业标准 第{n}部分》" for n in range(1, 9))
    return dataclasses.replace(base, basis_standards=base.basis_standards + codes)


def test_identifiers_and_standard_codes_are_never_broken_across_lines(long_report, pages):
    texts = pages(test_report.render_test_report(long_report))
    _unbroken(texts, _identifiers(long_report))
    assert "Q/WHKT 0001-2024" in "".join(texts)  # the code keeps its space, on one line

    for n in examples.notices_for(long_report):
        texts = pages(notice.render_notice(n))
        _unbroken(texts, [n.notice_number, n.report_number, n.addressee.uscc, n.contact_phone,
                          *(it.basis_code for it in n.failed_items)])

    # the analysis report's detail table has narrow columns: a task-style sample number is wider than its cell
    a = examples.analysis()
    a = dataclasses.replace(a, failed_items=tuple(
        dataclasses.replace(f, sample_number=f"HBFX-2026-DQ-01-{n:04d}", basis_code="Q/WHKT 0001-2024")
        for n, f in enumerate(a.failed_items, 1)))
    texts = pages(analysis.render_analysis(a))
    _unbroken(texts, [a.report_number, a.task_number, *(f.sample_number for f in a.failed_items),
                      *(f.basis_code for f in a.failed_items)])


def test_numbers_keep_their_units_and_codes_their_prefix_when_wrapped():
    text = "依据 GB/T 14561-2019 和 Q/WHKT 0001-2024 检验，间隙 3 mm，数量 3 台，电压 220 V，温升 ≤ 60 K，范围 −10～5 %。" * 2
    for width in range(60, 420, 9):
        lines = fonts.wrap(text, width, 10)
        joined = "\n".join(lines)
        for unit in ("GB/T 14561-2019", "Q/WHKT 0001-2024", "3 mm", "3 台", "220 V", "≤ 60 K", "−10～5 %"):
            if fonts.string_width(unit, 10) <= width:
                assert joined.count(unit) == 2, (width, unit, lines)


def test_a_label_keeps_the_code_after_it():
    for width in range(120, 420, 7):
        lines = fonts.wrap("经某某检验检测中心检验（检验报告编号：2026-BG-0001），该批次产品存在不符合项目。", width, 10.5)
        assert not any(line.endswith(("编", "编号", "编号：")) for line in lines), (width, lines)


def test_no_paragraph_ends_with_a_one_character_line():
    text = ("如对检验结果有异议，可自收到本告知书之日起15日内，向湖北省市场监督管理局书面提出异议或申请复检；"
            "逾期未提出的，视为对检验结果无异议。本告知书所涉风险监测信息，未经组织风险监测的市场监管部门同意，"
            "任何单位和个人不得擅自公开。")
    widows = 0
    for width in range(150, 480, 3):
        lines = fonts.wrap(text, width, 10.5, 21)
        assert "".join(lines) == text
        last = [ch for ch in lines[-1] if ch not in "，。；：）"]
        widows += len(last) == 1
        assert all(fonts.string_width(line, 10.5) <= width + 1e-6 for line in lines[1:])
    assert widows == 0
    # the notice's own case: "…不得擅自公" / "开。"
    assert fonts.wrap("任何单位和个人不得擅自公开。", fonts.string_width("任何单位和个人不得擅自公", 10.5) + 0.1,
                      10.5)[-1] == "公开。"


def test_a_code_wider_than_its_cell_is_set_smaller_not_split(pages):
    from app.documents.flow import Text

    t = Text("HBFX-2026-DQ-01-0001", 9)
    width = fonts.string_width("HBFX-2026-DQ-01-0001", 9) * 0.85
    t.wrap(width, 1000)
    assert t._lines == ("HBFX-2026-DQ-01-0001",)
    assert t._size < 9 and fonts.string_width("HBFX-2026-DQ-01-0001", t._size) <= width


def test_titles_break_at_word_boundaries():
    title = "2026年湖北省电动自行车用锂离子蓄电池及充电器产品质量安全风险监测"
    width = fonts.string_width(title, 14) * 0.6
    lines = fonts.wrap_title(title, width, 14)
    assert len(lines) == 2 and "".join(lines) == title
    assert lines[1].startswith(("及", "产品质量安全", "风险监测")) or lines[0].endswith(("年", "省"))
    assert all(fonts.string_width(line, 14) <= width for line in lines)
    # a Latin word and a code are never cut
    lines = fonts.wrap_title("GB/T 14561-2019 电热水壶能效限定值及能效等级专项风险监测分析报告", 150, 14)
    assert any("GB/T 14561-2019" in line for line in lines)


def test_dates_have_no_leading_zeros_in_any_document(long_report, pages):
    assert fmt_date(date(2026, 9, 3)) == "2026年9月3日"
    docs = [test_report.render_test_report(long_report), notice.render_notice(examples.notices_for(long_report)[0]),
            analysis.render_analysis(examples.analysis()), monthly.render_monthly(examples.monthly())]
    for pdf in docs:
        text = flat("".join(pages(pdf)))
        assert re.search(r"\d{4}年\d{1,2}月\d{1,2}日", text)
        assert not re.search(r"年0\d月|月0\d日", text), re.findall(r".{8}(?:年0\d月|月0\d日).{4}", text)
        assert not re.search(r"(?<![\w-])\d{4}-\d{2}-\d{2}(?!\d)", text)


def test_minus_signs_are_u2212_and_hyphens_in_codes_stay(pages):
    assert minus_signs("-10～5") == f"{MINUS}10～5"
    assert minus_signs("≤-0.5") == f"≤{MINUS}0.5"
    assert minus_signs("GB/T 4706.1-2005 2026-BG-0001 HY-1801") == "GB/T 4706.1-2005 2026-BG-0001 HY-1801"
    d = examples.test_report()
    d = dataclasses.replace(d, items=(*d.items, ItemLine("低温性能", "-20～-5", "-12.5", "°C", Judgement.PASS,
                                                           "GB 4706.1-2005", "19.1")))
    for pdf in (test_report.render_test_report(d), notice.render_notice(examples.notices_for(d)[0])):
        text = flat("".join(pages(pdf)))
        assert f"{MINUS}10%～+5%" in text and "-10%" not in text
    text = flat("".join(pages(test_report.render_test_report(d))))
    assert f"{MINUS}20～{MINUS}5" in text and f"{MINUS}12.5" in text


def test_the_unit_is_printed_once_beside_the_unit_column():
    from app.services.documents._common import requirement_and_unit

    assert requirement_and_unit({"op": "<=", "value": 0.2, "unit": "mA"}, "mA") == ("≤0.2", "mA")
    assert requirement_and_unit({"op": "range", "low": -10, "high": 5, "unit": "%"}, "%") == ("-10～5", "%")
    # a result recorded without a unit takes the requirement's for the column
    assert requirement_and_unit({"op": ">=", "value": 85, "unit": "%"}, "") == ("≥85", "%")
    # another unit than the result's is kept; a text requirement is as it is
    assert requirement_and_unit({"op": "<=", "value": 0.2, "unit": "mA"}, "µA") == ("≤0.2 mA", "µA")
    assert requirement_and_unit({"op": "text", "text": "表面应平整"}, "") == ("表面应平整", "")
    assert requirement_and_unit(None, "K") == ("", "K")


def test_justified_lines_fill_the_width_without_spacing_out_codes(tmp_path):
    from app.documents.flow import BODY_W, MARGIN_X, PAGE_W, Meta, Text, _gap, build_pdf

    line = "经荆楚产品质量检验检测中心检验（检验报告编号：2026-BG-0003），该批"
    # the space goes after each Chinese character and after each Latin run, never inside one
    assert fonts.gap_count(line) == len(line) - len("2026-BG-0003") + 1 - 1
    width = fonts.string_width(line, 10.5) + 30
    assert abs(_gap(line, width, 10.5) * fonts.gap_count(line) - 30) < 1e-6
    assert _gap("检验报告", 200, 10.5) == 0  # gaps wider than 0.6 of a character: left as it is

    # in the PDF every line of a justified paragraph but the last ends at the right margin
    text = ("在2026年湖北省电热水壶产品质量安全风险监测中，某某检验检测中心（受湖北省市场监督管理局委托）对通过电商平台"
            "购买的电热水壶进行了抽样检验（检验报告编号：2026-BG-0003、GB/T 14561-2019），该批次产品存在不符合项目。") * 2
    pdf = build_pdf([Text(text, 10.5, leading=17.5, indent=21, align="justify")], Meta("t", "a"),
                    lambda c, page, total: None)
    src = tmp_path / "j.pdf"
    src.write_bytes(pdf)
    if not HAVE_POPPLER:
        pytest.skip("poppler-utils not installed")
    out = subprocess.run(["pdftotext", "-bbox-layout", str(src), "-"], capture_output=True, text=True, check=True)
    rights = [float(x) for x in re.findall(r'<line xMin="[\d.]+" yMin="[\d.]+" xMax="([\d.]+)"', out.stdout)]
    assert len(rights) >= 4
    right = PAGE_W - MARGIN_X
    assert all(abs(r - right) < 1.0 for r in rights[:-1]), (rights, right, BODY_W)
    assert rights[-1] < right - 5
    texts = flat(subprocess.run(["pdftotext", "-raw", str(src), "-"], capture_output=True, text=True).stdout)
    assert "2026-BG-0003" in texts and "GB/T14561-2019" in texts


def test_a_notice_is_set_tighter_rather_than_leave_its_seal_alone_on_page_two():
    import io

    from pypdf import PdfReader

    from app.documents.flow import Meta, build_pdf

    def pages(pdf: bytes) -> list:
        return PdfReader(io.BytesIO(pdf)).pages

    base = examples.notices_for(examples.test_report())[0]
    base = dataclasses.replace(base, replaces_notice="GZ-FX2026-0001-1", replaces_report="HBZJ-FX2026-0000")
    seen_tight = False
    for k in range(10):
        extra = tuple(dataclasses.replace(base.failed_items[0], item=f"附加项目{n}") for n in range(k))
        d = dataclasses.replace(base, failed_items=base.failed_items + extra)
        counts = []
        for compact in (False, True):
            counts.append(len(pages(build_pdf(notice.build_story(d, compact=compact), Meta("t", "a"),
                                              lambda c, page, total: None))))
        rendered = len(pages(notice.render_notice(d)))
        assert rendered == min(counts)
        seen_tight |= counts == [2, 1]
    assert seen_tight, "no case where only the tighter setting fits one page"
