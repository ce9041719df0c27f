"""风险信息月报 as an issued record (Article 11): compiled (the month's register frozen), reviewed and
approved by different people with their passwords, frozen as PDF and workbook, and each 报送 kept."""

from __future__ import annotations

import datetime as dt
import hashlib
import io

import openpyxl
import pytest
from pypdf import PdfReader
from sqlalchemy import select

from app.errors import ConflictError, PermissionDenied, ValidationError
from app.services import documents, monthly_reports, reports, risk
from app.services.context import Context, CurrentUser
from app.services.users import AuthenticationError
from app.store.models import Report, ReportSubmission
from app.store.uow import UnitOfWork
from tests.services.conftest import PASSWORD, audit_ok, lab_day


def _text(pdf: bytes) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)


def _entry(lab, day: dt.date, title: str, *, key: bool = False, **kw) -> risk.RiskInfo:
    return risk.create_info(lab.tech, risk.RiskInfoInput(
        received_date=day, source=3, title=title, product="电热水壶", region="武汉市",
        key_risk=key, key_reasons=(1,) if key else (), **kw))


def _issued(lab, year: int, month: int) -> reports.ReportInfo:
    m = monthly_reports.compile_monthly(lab.tech, year, month)
    m = reports.review_report(lab.rev, m.id, m.version, PASSWORD)
    return reports.approve_report(lab.sig, m.id, m.version, PASSWORD)


def test_compiled_reviewed_and_approved_by_different_people_then_frozen(any_lab):
    lab = any_lab
    today = lab_day(lab.db)
    at = dt.datetime.combine(today, dt.time(9, 30), tzinfo=dt.UTC)
    _entry(lab, today, "某品牌电热水壶泄漏电流超标", key=True, reported_at=at, reported_to="湖北省市场监督管理局",
           report_method="phone")
    _entry(lab, today, "消费者投诉水壶异味")
    work = monthly_reports.month_work(lab.tech, today.year, today.month)
    assert (work.register_entries, work.current, work.can_compile) == (2, None, True)
    # before anything is compiled, a preview is a draft: 草稿 on every page
    assert all("草稿" in p.extract_text() for p in PdfReader(io.BytesIO(
        documents.monthly_pdf(lab.tech, today.year, today.month))).pages)

    with pytest.raises(PermissionDenied):
        monthly_reports.compile_monthly(lab.sig, today.year, today.month)
    m = monthly_reports.compile_monthly(lab.tech, today.year, today.month)
    number = f"YB-{today.year:04d}-{today.month:02d}"
    assert (m.kind, m.status, m.number) == ("monthly", "compiled", number)
    with pytest.raises(PermissionDenied, match="自己编制"):
        both = Context(lab.db, CurrentUser(lab.tech.user.id, "tech", "TECH", frozenset({"technician", "reviewer"})))
        reports.review_report(both, m.id, m.version, PASSWORD)
    with pytest.raises(ValidationError, match="须先审核"):
        reports.approve_report(lab.sig, m.id, m.version, PASSWORD)
    with pytest.raises(AuthenticationError, match="密码错误"):
        reports.review_report(lab.rev, m.id, m.version, "wrong password")
    returned = reports.review_report(lab.rev, m.id, m.version, PASSWORD, accept=False, comment="请补充处理情况")
    assert (returned.status, returned.return_comment) == ("draft", "请补充处理情况")
    with pytest.raises(ConflictError):
        monthly_reports.compile_monthly(lab.tech, today.year, today.month, m.version)  # a stale page
    m = monthly_reports.compile_monthly(lab.tech, today.year, today.month, returned.version)
    m = reports.review_report(lab.rev, m.id, m.version, PASSWORD)
    assert not monthly_reports.month_work(lab.tech, today.year, today.month).can_compile  # waits for approval
    draft = _text(documents.monthly_pdf(lab.tech, today.year, today.month)).replace(" ", "")
    assert "草稿" in draft and "批准后出具" in draft
    m = reports.approve_report(lab.sig, m.id, m.version, PASSWORD)
    assert (m.status, m.compiled_by, m.reviewed_by, m.approved_by, m.has_pdf) == (
        "approved", "TECH", "REV", "SIG", True)

    pdf = documents.monthly_pdf(lab.tech, today.year, today.month)
    text = _text(pdf).replace(" ", "")
    assert "草稿" not in text and "填报人：TECH" in text and "审核人：REV" in text and "批准人：SIG" in text
    assert "以电话报送湖北省市场监督管理局" in text  # the key entry's 即时报送 from the register
    with UnitOfWork(lab.db, actor="test") as uow:
        row = uow.session.get(Report, m.id)
        assert row.file_sha256 == hashlib.sha256(pdf).hexdigest()
        assert row.workbook_sha256 == hashlib.sha256(row.workbook).hexdigest()

    # the register changes afterwards: the issued report does not
    _entry(lab, today, "后来登记的风险信息")
    assert documents.monthly_pdf(lab.tech, today.year, today.month) == pdf
    assert monthly_reports.report_pdf(lab.tech, m.id) == pdf
    work = monthly_reports.month_work(lab.tech, today.year, today.month)
    assert (work.register_entries, work.compiled_entries, work.register_changed) == (3, 2, True)
    assert work.can_compile and work.needs_reason
    assert audit_ok(lab.db)


def test_the_frozen_workbook_is_what_is_exported(lab, tmp_path):
    today = lab_day(lab.db)
    _entry(lab, today, "风险信息一", key=True)
    m = _issued(lab, today.year, today.month)
    _entry(lab, today, "风险信息二")
    out = documents.write_monthly(lab.tech, today.year, today.month, tmp_path / "月报.xlsx")
    with UnitOfWork(lab.db, actor="test") as uow:
        assert out.read_bytes() == bytes(uow.session.get(Report, m.id).workbook)
    ws = openpyxl.load_workbook(out)["月报"]
    rows = [r for r in ws.iter_rows(values_only=True)]
    assert ("批准人", "SIG") == rows[6][:2]
    assert [r[0] for r in rows if r[0] and str(r[0]).startswith(f"{today.year}{today.month:02d}-")] == [
        f"{today.year}{today.month:02d}-001"]  # the entry registered later is not in the issued report
    # the key entry without 即时报送 says so in the workbook's column (empty) and the PDF
    assert "未记录" in _text(documents.monthly_pdf(lab.tech, today.year, today.month))
    pdf_out = monthly_reports.write_report(lab.tech, m.id, tmp_path / "月报.pdf")
    assert pdf_out.read_bytes() == documents.monthly_pdf(lab.tech, today.year, today.month)


def test_a_month_to_come_is_refused(lab):
    today = lab_day(lab.db)
    nxt = (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    work = monthly_reports.month_work(lab.tech, nxt.year, nxt.month)
    assert not work.can_compile and "尚未到来" in work.compile_reason
    with pytest.raises(ValidationError, match="尚未到来"):
        monthly_reports.compile_monthly(lab.tech, nxt.year, nxt.month)
    with pytest.raises(ValidationError, match="1～12"):
        monthly_reports.compile_monthly(lab.tech, today.year, 13)
    with UnitOfWork(lab.db, actor="test") as uow:
        assert uow.session.scalar(select(Report.id).where(Report.kind == "monthly")) is None


def test_submission_records_when_to_whom_how_and_the_receipt(lab):
    today = lab_day(lab.db)
    m = monthly_reports.compile_monthly(lab.tech, today.year, today.month)
    with pytest.raises(ValidationError, match="批准后才能报送"):
        monthly_reports.record_submission(lab.tech, m.id, submitted_on=today, recipient="湖北省市场监督管理局",
                                          method="email")
    m = _approve_compiled(lab, m)
    with pytest.raises(ValidationError) as bad:
        monthly_reports.record_submission(lab.tech, m.id, submitted_on=today + dt.timedelta(days=1), recipient=" ",
                                          method="pigeon")
    assert set(bad.value.errors) == {"submitted_on", "recipient", "method"}
    with pytest.raises(ValidationError, match="早于月报的批准日期"):
        monthly_reports.record_submission(lab.tech, m.id, submitted_on=today - dt.timedelta(days=1),
                                          recipient="湖北省市场监督管理局", method="email")
    with UnitOfWork(lab.db, actor="test") as uow:
        assert uow.session.scalar(select(ReportSubmission.id)) is None  # nothing half written
    s = monthly_reports.record_submission(lab.tech, m.id, submitted_on=today, recipient="湖北省市场监督管理局",
                                          method="email", receipt="鄂市监收〔2026〕88号")
    assert s.text.endswith("以电子邮件报送湖北省市场监督管理局，回执：鄂市监收〔2026〕88号")
    work = monthly_reports.month_work(lab.tech, today.year, today.month)
    assert [x.id for x in work.submissions] == [s.id] and work.can_submit
    assert audit_ok(lab.db)


def _approve_compiled(lab, m):
    m = reports.review_report(lab.rev, m.id, m.version, PASSWORD)
    return reports.approve_report(lab.sig, m.id, m.version, PASSWORD)


def test_a_replacement_supersedes_the_issued_report(lab):
    today = lab_day(lab.db)
    _entry(lab, today, "风险信息一")
    a = _issued(lab, today.year, today.month)
    with pytest.raises(ValidationError, match="更正原因"):
        monthly_reports.compile_monthly(lab.tech, today.year, today.month, a.version)
    b = monthly_reports.compile_monthly(lab.tech, today.year, today.month, a.version, reason="补录遗漏的风险信息")
    assert (b.number, b.replaces_number) == (f"{a.number}-2", a.number)
    b = _approve_compiled(lab, b)
    assert reports.get_report(lab.tech, a.id).status == "superseded"
    assert monthly_reports.month_work(lab.tech, today.year, today.month).current.id == b.id


def test_immediate_reporting_in_the_register(lab):
    today = lab_day(lab.db)
    at = dt.datetime.combine(today, dt.time(8), tzinfo=dt.UTC)
    with pytest.raises(ValidationError) as bad:
        _entry(lab, today, "一般信息", reported_at=at, reported_to="省局", report_method="phone")
    assert "reported_at" in bad.value.errors  # only key (major) information is reported at once
    with pytest.raises(ValidationError) as bad:
        _entry(lab, today, "重大信息", key=True, reported_at=at)
    assert set(bad.value.errors) == {"reported_to", "report_method"}
    info = _entry(lab, today, "重大信息", key=True, reported_at=at, reported_to="湖北省市场监督管理局",
                  report_method="upload")
    assert info.immediate is not None and info.immediate.method_label == "上传省级系统"
    assert (info.data.reported_to, info.data.report_method) == ("湖北省市场监督管理局", "upload")
