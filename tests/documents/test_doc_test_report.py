"""检验报告: content of every page, page numbering, parties, items and statements."""

from __future__ import annotations

import dataclasses
import re

import pytest
from conftest import flat

from app.documents import examples
from app.documents.data import ItemLine, Judgement, PlaceType
from app.documents.test_report import (
    END_MARK,
    ITEM_HEADERS,
    STATEMENTS,
    render_test_report,
    write_test_report,
)
from app.errors import ValidationError


@pytest.fixture(scope="module")
def ecommerce_pdf() -> bytes:
    return render_test_report(examples.test_report())


@pytest.fixture(scope="module")
def long_report():
    return examples.test_report(n_items=40, number="HBZJ-FX2026-0040", sample_number="FX2026-0040")


@pytest.fixture(scope="module")
def long_pdf(long_report) -> bytes:
    return render_test_report(long_report)


def test_report_number_and_page_x_of_y_on_every_page(long_pdf, long_report, pages):
    texts = pages(long_pdf)
    assert len(texts) >= 3, "a 40-item report should span several pages"
    total = len(texts)
    for n, text in enumerate(texts, 1):
        f = flat(text)
        assert f"报告编号：{long_report.report_number}" in f, f"page {n} lacks the report number"
        assert f"第{n}页共{total}页" in f, f"page {n} lacks 第 {n} 页 共 {total} 页"
        assert long_report.lab.name in f


def test_items_table_repeats_its_header_on_every_page_it_spans(long_pdf, long_report, pages):
    texts = [flat(t) for t in pages(long_pdf)]
    header = "".join(ITEM_HEADERS)
    rows = [f"{n}{flat(it.item)}" for n, it in enumerate(long_report.items, 1)]
    pages_with_items = [t for t in texts if any(r in t for r in rows)]
    assert len(pages_with_items) >= 2
    for t in pages_with_items:
        assert header in t
    everything = "".join(texts)
    for n, it in enumerate(long_report.items, 1):
        assert f"{n}{flat(it.item)}" in everything, f"row {n} ({it.item}) missing"
    failed = sum(1 for it in long_report.items if it.judgement is Judgement.FAIL)
    assert everything.count("不符合") >= failed


def test_end_mark_only_after_the_last_item(long_pdf, long_report, pages):
    texts = [flat(t) for t in pages(long_pdf)]
    mark = flat(END_MARK)
    assert mark in texts[-1]
    assert all(mark not in t for t in texts[:-1])
    assert texts[-1].index(flat(long_report.items[-1].item)) < texts[-1].index(mark)


def test_e_commerce_sample_names_all_three_parties_and_the_order(ecommerce_pdf, pages):
    data = examples.test_report()
    f = flat("".join(pages(ecommerce_pdf)))
    assert "电商平台" in f
    for party in (data.sampled, data.nominal_producer, data.platform_operator):
        assert party is not None
        assert party.name in f
        assert party.uscc in f
    assert data.online_shop is not None
    assert data.online_shop.shop_name in f
    assert data.online_shop.order_number in f
    assert "item.example-mall.com" in f
    assert "电商平台经营者" in f


def test_producer_sample_has_no_platform_section(pages):
    data = examples.test_report(place=PlaceType.PRODUCER)
    f = flat("".join(pages(render_test_report(data))))
    assert "生产企业" in f
    assert "电商平台经营者" not in f
    assert data.sampled.name in f


def test_sample_description_items_judgements_statements_and_signoff(ecommerce_pdf, pages):
    data = examples.test_report()
    f = flat("".join(pages(ecommerce_pdf)))
    for text in (data.product_name, data.sample_number, data.brand, data.task_title, data.conclusion, "检验依据"):
        assert flat(text) in f, text
    for standard in data.basis_standards:
        assert flat(standard) in f
    for it in data.items:
        assert flat(it.item) in f
        assert flat(it.result_text) in f
    assert "≤0.75" in f and "1.20" in f and "mA" in f
    assert "±" in f and "°C" in f  # ℃ is drawn as °C: the fonts have no ℃ glyph
    assert "不符合" in f and "符合" in f
    for s in STATEMENTS[:2]:
        assert flat(s) in f
    s = data.signoff
    for label, name in (("编制", s.compiled_by), ("审核", s.reviewed_by), ("批准", s.approved_by)):
        assert f"{label}：{name}" in f
    assert "2026年6月3日" in f
    assert not re.search(r"[\u25a1\ufffd]", f), "no boxes or replacement characters"


def test_amended_report_states_what_it_replaces_and_why(pages):
    data = examples.test_report(number="HBZJ-FX2026-0001-A1", replaces="HBZJ-FX2026-0001")
    f = flat("".join(pages(render_test_report(data))))
    assert "本报告替代HBZJ-FX2026-0001号报告" in f
    assert flat(data.amendment_reason) in f


def test_long_cell_text_is_wrapped_not_lost(pages):
    long_item = "可触及部件的表面温升及在非正常工作条件下（干烧、堵转、控制器短路）外壳变形与绝缘电阻的综合评价" * 2
    data = examples.test_report()
    data = dataclasses.replace(data, items=(*data.items, ItemLine(long_item, "应符合标准要求", "符合", "",
                                                                  Judgement.PASS, "GB 4706.1-2005", "19.13")))
    f = flat("".join(pages(render_test_report(data))))
    assert flat(long_item) in f


def test_fonts_are_embedded(ecommerce_pdf, fonts_of):
    rows = fonts_of(ecommerce_pdf)
    assert rows
    assert all(emb for _, _, emb in rows), rows
    assert any("DroidSansFallback" in name for name, _, _ in rows)
    assert all(t == "TrueType" for _, t, _ in rows)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"report_number": " "}, "report_number"),
        ({"items": ()}, "items"),
        ({"replaces_number": "R-1", "amendment_reason": ""}, "amendment_reason"),
    ],
)
def test_unusable_data_is_rejected_in_chinese(change, field):
    data = dataclasses.replace(examples.test_report(), **change)
    with pytest.raises(ValidationError) as e:
        render_test_report(data)
    assert field in e.value.errors
    assert re.search(r"[\u4e00-\u9fff]", e.value.message)


def test_write_is_atomic_and_leaves_no_temporary_file(tmp_path):
    target = tmp_path / "out" / "r.pdf"
    write_test_report(examples.test_report(), target)
    assert target.read_bytes().startswith(b"%PDF")
    assert [p.name for p in target.parent.iterdir()] == ["r.pdf"]


def test_the_same_data_gives_the_same_bytes():
    """Packages are content-addressed for upload idempotency: rebuilding a PDF must not change it."""
    from app.documents import examples
    from app.documents.test_report import render_test_report

    data = examples.test_report()
    assert render_test_report(data) == render_test_report(data)


# ----------------------------------------------------------------------------------- traceability, marks
def _images(pdf: bytes) -> list[tuple[int, int]]:
    """(width, height) in pixels of every image on page 1."""
    import io

    from pypdf import PdfReader

    page = PdfReader(io.BytesIO(pdf)).pages[0]
    xobjects = page["/Resources"].get("/XObject") or {}
    out = []
    for obj in xobjects.values():
        o = obj.get_object()
        if o.get("/Subtype") == "/Image":
            out.append((int(o["/Width"]), int(o["/Height"])))
    return out


def test_the_item_is_identified_with_its_sampling_record_and_condition(ecommerce_pdf, pages):
    """ISO/IEC 17025 7.8.2.1: identification and condition of the item."""
    data = examples.test_report()
    f = flat(pages(ecommerce_pdf)[0])
    assert f"抽样单编号{data.sampling_record_number}" in f
    assert f"样品状态{flat(data.sample_state)}" in f
    assert f"检验类别{data.test_category}" in f
    assert f"抽样基数{data.lot_size}" in f
    assert f"样品数量{flat(data.sample_quantity)}" in f
    assert "封条编号" + "、".join(data.seal_numbers) in f


def test_marks_are_placed_where_labs_place_them(pages):
    data = examples.test_report(marks=True)
    pdf = render_test_report(data)
    first = flat(pages(pdf)[0])
    assert data.lab.cma_number in first  # under the CMA mark
    assert "本报告未加盖检验检测专用章" not in first and "未签名" not in first
    # the CMA mark, the seal and three signatures, resampled for print (not the uploaded pixels)
    sizes = _images(pdf)
    assert len(sizes) == 5
    assert all(w <= 320 and h <= 320 for w, h in sizes), sizes
    # the same data gives the same bytes, images included (frozen documents are content-addressed)
    assert render_test_report(data) == pdf


def test_missing_marks_are_said_plainly_and_no_cma_is_claimed(ecommerce_pdf, pages):
    data = examples.test_report()
    f = flat(pages(ecommerce_pdf)[0])
    assert "本报告未加盖检验检测专用章；编制人、审核人、批准人未签名。" in f
    assert data.lab.cma_number not in f and "CMA" not in f  # no mark, no claim
    assert _images(ecommerce_pdf) == []
    # with the seal, a single missing signature is named alone
    marked = examples.test_report(marks=True)
    partial = dataclasses.replace(marked, signoff=dataclasses.replace(marked.signoff, reviewed_signature=None))
    f = flat(pages(render_test_report(partial))[0])
    assert "专用章。审核人未签名。" not in f and "本报告未加盖检验检测专用章" not in f
    assert "审核人未签名。" in f and "编制人、审核人" not in f
    # a person who has not signed off yet (a draft) is not said to be missing a signature
    draft = dataclasses.replace(marked, seal=None, signoff=dataclasses.replace(
        marked.signoff, approved_by="", approved_at=None, approved_signature=None))
    f = flat(pages(render_test_report(draft))[0])
    assert "本报告未加盖检验检测专用章。" in f and "批准人未签名" not in f


def test_every_page_is_marked_confidential(long_pdf, pages):
    texts = [flat(t) for t in pages(long_pdf)]
    assert all("内部资料注意保密" in t for t in texts)
    assert "未经组织风险监测的市场监管部门同意" in "".join(texts)
