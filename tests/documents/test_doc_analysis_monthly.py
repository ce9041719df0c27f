"""分析报告 and 风险信息月报 (PDF and Excel)."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from conftest import flat
from openpyxl import load_workbook

from app.documents import examples
from app.documents.analysis import render_analysis
from app.documents.data import (
    CountRow,
    InfoSource,
    KeyRiskCriterion,
    Measure,
    RiskInfoEntry,
    RiskLevel,
    RiskProposal,
)
from app.documents.monthly import render_monthly, source_counts, write_monthly_excel
from app.errors import ValidationError


@pytest.fixture(scope="module")
def analysis_pdf() -> bytes:
    return render_analysis(examples.analysis())


def test_analysis_report_counts_tables_and_chart_labels(analysis_pdf, pages):
    d = examples.analysis()
    texts = pages(analysis_pdf)
    f = flat("".join(texts))
    assert "风险监测分析报告" in f and d.report_number in f
    assert f"问题检出率{d.problem_rate * 100:.1f}%" in f
    for it in d.by_item:
        assert flat(it.item) in f and flat(it.basis) in f
    for rows in (d.by_region, d.by_place_type, d.by_enterprise_size):
        for r in rows:
            assert flat(r.label) in f
    # chart labels are text too (legend and axis names)
    assert "监测批次" in f and "问题批次" in f and "各项目不符合批次" in f
    for fi in d.failed_items:
        assert fi.sample_number in f
    total = len(texts)
    for n, t in enumerate(texts, 1):
        assert f"第{n}页共{total}页" in flat(t)
        assert d.report_number in flat(t)


def test_analysis_report_proposed_level_factors_and_measures(analysis_pdf, pages):
    d = examples.analysis()
    f = flat("".join(pages(analysis_pdf)))
    assert d.risk is not None
    assert "II级严重" in f
    assert "严重（橙色）" in f  # the level, its colour, factors and caveat: one table, one type size
    assert "建议发布形式风险警示通报" in f
    assert f"分级模型{d.risk.model_name}（版本{d.risk.model_version}）" in f
    for factor in d.risk.factors:
        assert flat(factor.name) in f and flat(factor.value) in f
    for m in d.measures:
        assert flat(m.measure.label) in f
        assert m.measure.clause in f
    assert "最终等级由组织风险监测的市场监管部门研判确定" in f


def test_level_colours_follow_article_19(pages):
    d = examples.analysis()
    for level, colour in ((RiskLevel.I, "红色"), (RiskLevel.III, "黄色"), (RiskLevel.IV, "蓝色")):
        risk = RiskProposal(level, "riskmon-default", "1")
        f = flat("".join(pages(render_analysis(dataclasses.replace(d, risk=risk)))))
        assert f"{level.level_name}（{colour}）" in f
        assert f"建议发布形式{level.notice}" in f


def test_risk_proposal_from_rule_output():
    out = {"level": "III", "name": "较严重", "color": "yellow", "notice": "风险警示通告",
           "factors": {"severity": 2, "probability": ">1/1000", "urgency": "normal", "frequency": 0.1}}
    r = RiskProposal.from_rule_output(out, model_name="m", model_version="2")
    assert r.level is RiskLevel.III and r.color == "yellow"
    shown = {f.name: f.value for f in r.factors}
    assert shown["危害程度"].startswith("2") and shown["紧急程度"] == "一般" and shown["发生频率"] == "10%"


def test_analysis_without_risk_or_measures_still_renders(pages):
    d = dataclasses.replace(examples.analysis(), risk=None, measures=(), by_region=(), failed_items=())
    f = flat("".join(pages(render_analysis(d))))
    assert "本次监测未提出风险预警等级建议" in f


def test_inconsistent_counts_are_rejected():
    d = dataclasses.replace(examples.analysis(), by_region=(CountRow("武汉市", 3, 5),))
    with pytest.raises(ValidationError) as e:
        render_analysis(d)
    assert "武汉市" in e.value.message


def test_measure_list_is_article_23():
    assert [m.clause for m in Measure] == [f"第二十三条（{c}）" for c in "一二三四五六"]


def test_monthly_pdf_sources_key_risk_and_entries(pages):
    d = examples.monthly()
    f = flat("".join(pages(render_monthly(d))))
    assert "产品质量安全风险信息月报" in f and "2026年6月" in f
    for s in InfoSource:  # all nine sources listed, zeros included
        assert flat(s.label) in f
    for e in d.entries:
        assert e.serial in f and flat(e.description) in f
    for e in d.key_entries:
        for c in e.key_risk:
            assert flat(c.label) in f
    assert "即时报送：2026年6月3日16:30" in f  # 08:30 UTC shown in Asia/Shanghai time


def test_monthly_counts_by_source():
    counts = {s: (n, k) for s, n, k in source_counts(examples.monthly())}
    assert counts[InfoSource.CONSUMER_COMPLAINT] == (1, 1)
    assert counts[InfoSource.TECHNICAL_INSTITUTION] == (1, 0)
    assert counts[InfoSource.OTHER] == (0, 0)
    assert len(counts) == 9


def test_monthly_zero_report(pages):
    d = dataclasses.replace(examples.monthly(), entries=(), summary="")
    assert "零报告" in flat("".join(pages(render_monthly(d))))


def test_monthly_refuses_entries_of_another_month():
    d = examples.monthly()
    stray = RiskInfoEntry("X-1", date(2026, 7, 1), InfoSource.OTHER, "p", "d", key_risk=(KeyRiskCriterion.OTHER,))
    with pytest.raises(ValidationError) as e:
        render_monthly(dataclasses.replace(d, entries=(*d.entries, stray)))
    assert "X-1" in e.value.message


def test_monthly_excel(tmp_path):
    d = examples.monthly()
    path = write_monthly_excel(d, tmp_path / "m.xlsx")
    wb = load_workbook(path)
    ws = wb["月报"]
    rows = list(ws.iter_rows(values_only=True))
    header_at = next(i for i, r in enumerate(rows) if r[0] == "编号")
    body = rows[header_at + 1:]
    assert [r[0] for r in body] == [e.serial for e in d.entries]
    assert body[0][1].date() == d.entries[0].received_date
    assert body[0][2] == d.entries[0].source.label
    assert "危害较大" in body[0][6] and body[1][6] in (None, "")
    stats = {r[0]: r[1:] for r in wb["来源统计"].iter_rows(min_row=2, values_only=True)}
    assert stats["合计"] == (len(d.entries), len(d.key_entries))
    assert stats[InfoSource.MEDIA.label] == (1, 1)


def test_monthly_sign_off_names_and_dates(pages):
    d = examples.monthly()
    f = flat("".join(pages(render_monthly(d))))
    assert "填报与审核" in f
    assert f"填报人：{d.compiled_by}日期：2026年7月2日" in f
    assert f"审核批准：{d.approved_by}日期：2026年7月3日" in f


def test_monthly_sign_off_left_blank_to_sign_by_hand_and_never_alone(pages):
    from app.documents.monthly import BLANK_NAME

    d = dataclasses.replace(examples.monthly(), approved_by="", approved_on=None)
    texts = [flat(t) for t in pages(render_monthly(d))]
    assert f"审核批准：{flat(BLANK_NAME)}日期：年月日" in texts[-1]
    # the sign-off goes over with at least the last entry, under the repeated header
    last = texts[-1]
    assert "填报与审核" in last and d.entries[-1].serial in last and "风险信息摘要" in last
    # with few entries all of it is on one page, the header once
    short = dataclasses.replace(d, entries=d.entries[:1])
    texts = [flat(t) for t in pages(render_monthly(short))]
    assert len(texts) == 1 and texts[0].count("风险信息摘要") == 1 and "填报与审核" in texts[0]


def test_monthly_excel_has_the_sign_off(tmp_path):
    d = examples.monthly()
    ws = load_workbook(write_monthly_excel(d, tmp_path / "m.xlsx"))["月报"]
    rows = [r for r in ws.iter_rows(values_only=True) if r and r[0] in ("填报人", "审核批准")]
    assert [(r[0], r[1], r[3]) for r in rows] == [("填报人", d.compiled_by, "2026年7月2日"),
                                                 ("审核批准", d.approved_by, "2026年7月3日")]
    assert ws.oddHeader.center.text == "内部资料 注意保密"
