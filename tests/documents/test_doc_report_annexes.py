"""检验报告 and 告知书 as a signatory reads them: the conclusion with the sign-off, panel items with
their experts, amended rows marked with the originals in an annex, one objection route, and
re-issued notices that say what they replace."""

from __future__ import annotations

import dataclasses
import re
from datetime import date

import pytest
from conftest import flat

from app.documents import examples
from app.documents.data import AmendmentLine, ItemLine, Judgement, PanelLine, PanelMemberLine
from app.documents.flow import MINUS
from app.documents.notice import render_notice
from app.documents.test_report import AMENDED_MARK, render_test_report, statements
from app.documents.wording import objection_route, objection_sentence
from app.errors import ValidationError

PANEL_ITEM = ItemLine("阻燃性能", "", "专家组验证评价", "", Judgement.PASS, rule_trace=("none", "5"), expert_panel=True,
                      note="未发现明显安全风险")
PANEL = PanelLine(
    item="阻燃性能",
    members=(PanelMemberLine("张明", "武汉纺织大学", "教授", "同意"),
             PanelMemberLine("李华", "湖北省纤维检验局", "高级工程师", "同意，建议补充试验"),
             PanelMemberLine("周平", "华中科技大学", "副教授", "同意")),
    conclusion="现有标准无阻燃性能检验方法，经专家组验证评价，该项目未发现明显安全风险。",
    judgement=Judgement.PASS,
    evaluated_on=date(2026, 5, 28),
    justification="参照同类产品使用条件评价",
)


def _report_with_panel():
    d = examples.test_report()
    return dataclasses.replace(d, items=(*d.items, PANEL_ITEM), panels=(PANEL,))


def _amended_report():
    d = examples.test_report(number="HBZJ-FX2026-0001-A1", replaces="HBZJ-FX2026-0001")
    items = list(d.items)
    # 泄漏电流 was issued as 1.20 mA (不符合); the amendment found 0.62 mA
    k = next(i for i, it in enumerate(items) if it.item == "泄漏电流")
    items[k] = dataclasses.replace(items[k], result_text="0.62", judgement=Judgement.PASS)
    amendment = AmendmentLine("泄漏电流", original_result="1.20", amended_result="0.62", original_unit="mA",
                              amended_unit="mA", original_judgement=Judgement.FAIL, amended_judgement=Judgement.PASS,
                              reason="测试电压设置错误，复测后更正", amended_by="张晓明", amended_on=date(2026, 6, 8))
    return dataclasses.replace(d, items=tuple(items), amendments=(amendment,),
                               amendment_reason="测试电压设置错误，复测后更正")


def _page_of(texts: list[str], needle: str) -> int:
    hits = [n for n, t in enumerate(texts) if needle in flat(t)]
    assert hits, needle
    return hits[0]


@pytest.mark.parametrize("extra", [0, 3, 6, 9, 12, 15, 18, 24])
def test_the_conclusion_and_the_signoff_are_on_one_page_of_a_45_item_report(extra, pages):
    """However long the information table grows (more basis standards), the sign-off is never alone."""
    d = examples.test_report(n_items=45)
    codes = tuple(f"GB/T {30000 + n}-2020《某某产品 第{n}部分：通用技术要求》" for n in range(extra))
    d = dataclasses.replace(d, basis_standards=d.basis_standards + codes)
    texts = pages(render_test_report(d))
    signed = _page_of(texts, f"批准：{d.signoff.approved_by}")
    assert _page_of(texts, flat(d.conclusion)[:30]) == signed
    assert _page_of(texts, "检验结论") == signed
    assert "签发日期" in flat(texts[signed])
    if signed == 0:
        assert len(texts) >= 3


def test_panel_items_refer_to_an_annex_listing_members_date_and_opinion(pages):
    d = _report_with_panel()
    f = flat("".join(pages(render_test_report(d))))
    assert "阻燃性能（专家组评价）" in f
    assert "见附页一" in f and "附页一专家组验证评价" in f
    for m in PANEL.members:
        for text in (m.name, m.affiliation, m.title, m.opinion):
            assert flat(text) in f
    assert flat(PANEL.conclusion) in f and flat(PANEL.justification) in f
    assert "评价日期2026年5月28日" in f and "专家人数3人" in f
    assert f.index("附页一专家组验证评价") > f.index("检验结果")
    assert f.index("报告结束") > f.index(flat(PANEL.members[-1].opinion))


def test_amended_rows_are_marked_and_the_originals_kept_in_the_annex(pages):
    d = _amended_report()
    texts = pages(render_test_report(d))
    f = flat("".join(texts))
    row = next(n for n, it in enumerate(d.items, 1) if it.item == "泄漏电流")
    assert f"{row}{AMENDED_MARK}泄漏电流" in f
    others = [n for n, it in enumerate(d.items, 1) if it.item != "泄漏电流"]
    assert not any(f"{n}{AMENDED_MARK}{flat(d.items[n - 1].item)}" in f for n in others)
    assert f"序号后标“{AMENDED_MARK}”" in f and "附页一“更正说明”" in f  # the footnote
    annex = f[f.index("附页一更正说明"):]
    assert "原结果原判定更正后结果更正后判定更正原因更正人更正日期" in annex
    assert "泄漏电流1.20mA不符合0.62mA符合测试电压设置错误，复测后更正张晓明2026年6月8日" in annex
    assert "本报告替代HBZJ-FX2026-0001号报告" in annex


def test_both_annexes_are_numbered_in_order(pages):
    d = dataclasses.replace(_amended_report(), items=(*_amended_report().items, PANEL_ITEM), panels=(PANEL,))
    f = flat("".join(pages(render_test_report(d))))
    assert f.index("附页一专家组验证评价") < f.index("附页二更正说明")
    assert "见附页二“更正说明”" in f and "见附页一" in f


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"amendments": _amended_report().amendments, "replaces_number": "", "amendment_reason": ""}, "amendments"),
        ({"panels": (dataclasses.replace(PANEL, item="不存在的项目"),)}, "panels.不存在的项目"),
        ({"objection_days": 0}, "objection_days"),
    ],
)
def test_inconsistent_annexes_are_refused_in_chinese(change, field):
    with pytest.raises(ValidationError) as e:
        render_test_report(dataclasses.replace(examples.test_report(), **change))
    assert field in e.value.errors
    assert re.search(r"[\u4e00-\u9fff]", e.value.message)


def test_the_report_and_its_notices_give_the_same_objection_route_in_the_same_words(pages):
    d = examples.test_report()
    route = flat(objection_route(d.objection_to, d.objection_contact))
    report_text = flat("".join(pages(render_test_report(d))))
    assert route in report_text
    assert flat(objection_sentence(d.objection_days, d.objection_to, d.objection_contact, received="本报告")) in \
        report_text
    assert any(s.startswith("如对检验结果有异议") for s in statements(d))
    for n in examples.notices_for(d):
        notice_text = flat("".join(pages(render_notice(n))))
        assert route in notice_text
        assert flat(objection_sentence(n.objection_days, n.objection_to, n.objection_contact,
                                       received="本告知书")) in notice_text
    assert "十五日内向本机构提出" not in report_text


def test_a_reissued_notice_names_the_notice_it_replaces_and_restarts_the_period(pages):
    d = _amended_report()
    n = dataclasses.replace(examples.notices_for(d)[0], replaces_notice="GZ-FX2026-0001-1",
                            replaces_report="HBZJ-FX2026-0001")
    f = flat("".join(pages(render_notice(n))))
    assert "替代编号为GZ-FX2026-0001-1的告知书" in f
    assert "检验报告HBZJ-FX2026-0001已更正为检验报告HBZJ-FX2026-0001-A1" in f
    assert "本告知书替代GZ-FX2026-0001-1号告知书，原告知书作废" in f
    assert "异议或复检申请期限自收到本告知书之日起重新计算" in f
    first = flat("".join(pages(render_notice(examples.notices_for(examples.test_report())[0]))))
    assert "替代" not in first and "重新计算" not in first


def test_negative_values_in_the_annex_use_the_minus_sign(pages):
    d = examples.test_report(number="R-2", replaces="R-1")
    k = next(i for i, it in enumerate(d.items) if it.item == "输入功率和电流")
    a = AmendmentLine("输入功率和电流", "-12.5", "-8.1", "%", "%", Judgement.FAIL, Judgement.PASS, "读数错误", "张晓明",
                      date(2026, 6, 9))
    items = list(d.items)
    items[k] = dataclasses.replace(items[k], result_text="-8.1", judgement=Judgement.PASS)
    f = flat("".join(pages(render_test_report(dataclasses.replace(d, items=tuple(items), amendments=(a,))))))
    assert f"{MINUS}12.5%不符合{MINUS}8.1%符合" in f
