"""An item that Articles 16–17 left without a basis (rule ``none``) reads 无判定依据（需专家组评价） in the
test report's 依据条款 and the results workbook's 标准选择依据; the code ``none`` is never printed."""

from __future__ import annotations

from conftest import flat

from app.documents import examples
from app.documents.data import ItemLine, Judgement
from app.documents.excel import RESULT_HEADERS, result_values
from app.documents.test_report import render_test_report

NO_BASIS = "无判定依据（需专家组评价）"


def test_item_line_labels() -> None:
    line = ItemLine("烧水能效", "—", "82.5", "%", Judgement.NOT_JUDGED, rule_trace=("none",))
    assert line.basis_text == NO_BASIS and line.trace_text == NO_BASIS
    panel = ItemLine("阻燃性能", "", "专家组验证评价", "", Judgement.PASS, rule_trace=("none", "5"), expert_panel=True)
    assert panel.basis_text == "专家组评价" and panel.trace_text == f"{NO_BASIS} → 5"
    standard = ItemLine("温升", "≤65", "40", "K", Judgement.PASS, "GB 4706.19-2008", "11.8", rule_trace=("16.3", "16.1"))
    assert standard.basis_text == "GB 4706.19-2008 11.8" and standard.trace_text == "16.3 → 16.1"


def test_report_and_workbook_say_it_in_words(pages) -> None:
    report = examples.test_report()
    assert any(it.rule_trace == ("none",) for it in report.items)
    text = flat("".join(pages(render_test_report(report))))
    assert flat(NO_BASIS) in text
    column = RESULT_HEADERS.index("标准选择依据（条款）")
    traces = [row[column] for row in result_values([report])]
    assert NO_BASIS in traces and not any("none" in t for t in traces)
