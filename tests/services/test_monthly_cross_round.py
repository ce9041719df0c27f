"""The monthly risk-information report carries the cross-round section (跨轮次风险研判) of the
categories of the month's work, as the analysis report does (one builder for both), frozen with the
register when the report is compiled; a month with nothing to compare says 数据不足."""

from __future__ import annotations

import datetime as dt

from openpyxl import load_workbook
from sqlalchemy import select

from app.services import documents, monthly_reports, reports
from app.services.documents.cross_round import METHOD
from app.store.models import Sample
from app.store.uow import UnitOfWork
from tests.documents.conftest import flat, pdf_pages_text
from tests.services.conftest import PASSWORD, lab_day
from tests.services.test_intelligence import Builder


def _sampled_on(db, task_id: int, day: dt.date) -> None:
    with UnitOfWork(db, actor="test") as uow:
        for s in uow.session.scalars(select(Sample).where(Sample.task_id == task_id)):
            s.sampling_date = day
        uow.commit()


def _text(pdf: bytes, tmp_path) -> str:
    return flat("\n".join(pdf_pages_text(pdf, tmp_path)))


def test_the_months_categories_with_their_rounds_frozen_at_compiling(lab, tmp_path):
    today = lab_day(lab.db)
    b = Builder(lab.db)
    for year, problems in ((today.year - 2, 1), (today.year - 1, 4)):
        b.samples(b.task(year), 30, problems=problems)
    now = b.task(today.year)
    b.samples(now, 30, problems=9, party="xy")
    _sampled_on(lab.db, now, today)

    text = _text(documents.monthly_pdf(lab.tech, today.year, today.month), tmp_path)
    section = text[text.index("三、跨轮次风险研判"):text.index("四、风险信息明细")]
    assert flat(METHOD).replace("α", "alpha") in section.replace("α", "alpha")  # the method, in one paragraph
    assert "（一）电热水壶" in section and "95%置信区间" in section
    assert "问题检出率连续3轮上升" in section and "重点风险信息候选" in section
    assert "电热水壶问题检出率呈上升趋势（第十二条（一））" in section
    assert f"{today.year}年30930.0%" in section  # the round of the month: 9 of 30

    compiled = monthly_reports.compile_monthly(lab.tech, today.year, today.month)
    b.samples(now, 30, problems=0, party="wh")  # more results approved after compiling
    live = documents.monthly_data(lab.tech, today.year, today.month)
    assert live.cross_rounds[0].rounds[-1].tested == 30  # the record keeps what it froze
    r = reports.review_report(lab.rev, compiled.id, compiled.version, PASSWORD)
    reports.approve_report(lab.sig, r.id, r.version, PASSWORD)
    issued = _text(documents.monthly_pdf(lab.tech, today.year, today.month), tmp_path)
    assert f"{today.year}年30930.0%" in issued and f"{today.year}年60915.0%" not in issued
    assert "跨轮次风险研判" in issued and "草稿" not in issued

    # the workbook of the same report carries the section as rows
    sheet = load_workbook(documents.write_monthly(lab.tech, today.year, today.month, tmp_path / "m.xlsx"))["跨轮次研判"]
    rows = [[c for c in row if c is not None] for row in sheet.iter_rows(values_only=True)]
    assert ["产品类别：电热水壶"] == rows[3][:1] and "上升" in rows[3][1]
    assert [f"{today.year}年", 30, 9, 0.3] == rows[5 + 2][:4]
    assert any(r[:1] == ["重点风险信息候选"] for r in rows)


def test_a_month_with_nothing_to_compare_says_data_are_insufficient(lab, tmp_path):
    today = lab_day(lab.db)
    text = _text(documents.monthly_pdf(lab.tech, today.year, today.month), tmp_path)
    assert "三、跨轮次风险研判" in text and "本月没有涉及产品类别的监测工作，跨轮次研判数据不足" in text

    b = Builder(lab.db)
    task = b.task(None, "儿童服装")  # no plan year: no round, no history
    b.samples(task, 5, report=None)
    _sampled_on(lab.db, task, today)
    text = _text(documents.monthly_pdf(lab.tech, today.year, today.month), tmp_path)
    section = text[text.index("三、跨轮次风险研判"):text.index("四、风险信息明细")]
    assert "（一）儿童服装" in section and "儿童服装：数据不足" in section
    assert "nan" not in section
