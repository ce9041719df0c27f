"""Records → documents on the demo lab: test reports, notices, analysis and monthly reports, the
ledger, the export package, and the Excel sampling import."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import shutil
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from app import clock
from app.documents.data import Judgement, Measure, PartyRole, PlaceType
from app.documents.excel import write_template
from app.documents.excel_columns import SAMPLING_COLUMNS
from app.documents.package import verify_package
from app.errors import NotFoundError, ValidationError
from app.services import demo, documents, imports, reports, risk, samples, testing, users
from app.services.context import Context
from app.services.excel_import import ImportRowsError
from app.store.db import DB_FILENAME, bootstrap
from app.store.models import Report
from app.store.uow import UnitOfWork
from tests.services.amending import amend_approved

KETTLE = "HBFX-2026-DQ-01"
KIDS = "WHFX-2026-FZ-03"


def _ctx(db, username: str) -> Context:
    return Context(db, users.authenticate(db, username, demo.DEMO_PASSWORD))


@pytest.fixture(scope="module")
def demo_file(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An SQLite file holding the demo lab, loaded once for this module; tests copy it."""
    home = tmp_path_factory.mktemp("documents-demo")
    shutil.copyfile(request.getfixturevalue("_sqlite_template"), home / DB_FILENAME)
    database = bootstrap(None, home=home)
    demo.load_demo(database, actor="test")
    database.dispose()  # the last connection closes: WAL is checkpointed into the file
    return home / DB_FILENAME


def _copy(demo_file: Path, home: Path):
    shutil.copyfile(demo_file, home / DB_FILENAME)
    return bootstrap(None, home=home)


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def lab(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """The demo lab on each backend, shared by the tests of this module that write nothing it reads."""
    if request.param == "sqlite":
        database = _copy(request.getfixturevalue("demo_file"), tmp_path_factory.mktemp("shared"))
    else:
        from app.store.models import Base
        from tests.conftest import _pg_reset_sql

        database = bootstrap(request.getfixturevalue("_pg_template_url"), home=tmp_path_factory.mktemp("pg"))
        with database.engine.begin() as conn:
            conn.exec_driver_sql(_pg_reset_sql(Base.metadata))
        demo.load_demo(database, actor="test")
    yield database
    database.dispose()


@pytest.fixture
def sqlite_lab(demo_file: Path, tmp_path: Path):
    """A fresh copy of the demo lab for a test that changes it."""
    database = _copy(demo_file, tmp_path)
    yield database
    database.dispose()


def _admin(db) -> Context:
    return _ctx(db, "admin")


def _rows(ctx: Context, task: str):
    return documents.task_report_rows(ctx, documents.task_id_by_number(ctx, task))


def _platform_sample(ctx: Context) -> documents.SampleReportRow:
    """The demo's approved e-commerce sample with problems."""
    [row] = [r for r in _rows(ctx, KETTLE) if r.approved and r.place_type == "e_platform"]
    assert row.problems_found
    return row


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _approve(db, sample_id: int) -> reports.ReportInfo:
    tech, rev, sig = _ctx(db, "wangjian"), _ctx(db, "chenjing"), _ctx(db, "zhaomin")
    detail = samples.get_sample(tech, sample_id)
    r = reports.compile_report(tech, sample_id, detail.version)
    r = reports.review_report(rev, r.id, r.version, demo.DEMO_PASSWORD)
    return reports.approve_report(sig, r.id, r.version, demo.DEMO_PASSWORD)


# ----------------------------------------------------------------------------------- notices
def test_the_platform_problem_sample_notifies_three_parties(lab):
    ctx = _admin(lab)
    row = _platform_sample(ctx)
    report = documents.test_report_data(ctx, row.sample_id)
    notices = documents.notices_for_sample(ctx, row.sample_id)

    assert [n.addressee.name for n in notices] == [
        report.sampled.name, report.nominal_producer.name, report.platform_operator.name]
    assert [n.addressee.roles for n in notices] == [
        (PartyRole.SAMPLED_SELLER,), (PartyRole.NOMINAL_PRODUCER,), (PartyRole.PLATFORM_OPERATOR,)]
    # the online shop is in Wuhan; the nominal producer (Zhongshan) and the platform (Hangzhou) are not
    assert [n.addressee.out_of_province for n in notices] == [False, True, True]
    assert [n.addressee.uscc[2:4] for n in notices] == ["42", "44", "33"]
    assert len({n.notice_number for n in notices}) == 3
    for n in notices:
        assert n.confidential  # Article 8
        assert n.report_number == row.report_number
        assert n.objection_days == documents.OBJECTION_DAYS
        assert n.failed_items == report.failed_items and n.failed_items
        assert n.on_behalf_of == "湖北省市场监督管理局"


def test_a_seller_that_is_also_the_nominal_producer_gets_one_notice_with_both_roles(sqlite_lab):
    db = sqlite_lab
    tech = _ctx(db, "wangjian")
    [row] = [r for r in _rows(tech, KETTLE) if r.place_type == "physical_seller" and r.status == "completed"]
    detail = samples.get_sample(tech, row.sample_id)
    data = samples.copy_input(detail, nominal_producer=detail.data.sampled)
    samples.update_sample(tech, row.sample_id, detail.version, data)
    _approve(db, row.sample_id)

    [notice] = documents.notices_for_sample(tech, row.sample_id)
    assert notice.addressee.name == detail.data.sampled.name
    assert notice.addressee.roles == (PartyRole.SAMPLED_SELLER, PartyRole.NOMINAL_PRODUCER)
    assert not notice.addressee.out_of_province


def test_no_problem_no_notice_and_the_panel_item_is_marked(sqlite_lab):
    db = sqlite_lab
    ctx = _admin(db)
    clean = [r for r in _rows(ctx, KIDS) if r.status == "completed" and not r.problems_found]
    assert clean, "the demo has a completed children's-wear sample without problems"
    _approve(db, clean[0].sample_id)

    assert documents.notices_for_sample(ctx, clean[0].sample_id) == []
    report = documents.test_report_data(ctx, clean[0].sample_id)
    assert not report.problems_found
    assert report.conclusion.startswith("经抽样检验，所检项目符合")
    panel = [i for i in report.items if i.expert_panel]
    assert [i.item for i in panel] == ["阻燃性能"]
    assert panel[0].basis_text == "专家组评价" and panel[0].judgement is Judgement.PASS
    assert "专家组验证评价" in report.conclusion


def test_notices_wait_for_the_approved_report(lab):
    ctx = _admin(lab)
    completed = [r for r in _rows(ctx, KETTLE) if r.status == "completed"]
    with pytest.raises(ValidationError, match="尚未编制检验报告"):
        documents.notices_for_sample(ctx, completed[0].sample_id)


# ----------------------------------------------------------------------------------- test report
def test_the_test_report_pdf_names_the_report_the_sample_and_the_failed_items(lab):
    ctx = _admin(lab)
    row = _platform_sample(ctx)
    data = documents.test_report_data(ctx, row.sample_id)
    assert data.report_number == row.report_number and data.sample_number == row.sample_number
    assert data.place_type is PlaceType.E_PLATFORM and data.online_shop and data.online_shop.order_number
    assert data.signoff.compiled_by and data.signoff.reviewed_by and data.signoff.approved_by
    assert len({data.signoff.compiled_by, data.signoff.reviewed_by, data.signoff.approved_by}) == 3
    assert data.issue_date == data.signoff.approved_at
    failed = [i.item for i in data.failed_items]
    assert failed and all(f"“{name}”" in data.conclusion for name in failed)
    passed = [i.item for i in data.items if i.judgement is Judgement.PASS]
    assert passed and not any(f"“{name}”" in data.conclusion for name in passed)

    text = _pdf_text(documents.test_report_pdf(ctx, row.sample_id))
    assert row.report_number in text and row.sample_number in text
    for name in failed:
        assert name in text
    assert "不符合" in text


def test_the_report_carries_the_traceability_fields_and_the_labs_marks(lab):
    ctx = _admin(lab)
    row = _platform_sample(ctx)
    detail = samples.get_sample(ctx, row.sample_id).data
    data = documents.test_report_data(ctx, row.sample_id)
    assert data.sampling_record_number == detail.sampling_record_number and data.sampling_record_number
    assert data.sample_state == detail.condition_on_receipt == "原包装未开封，拆封后样品完好"
    assert data.test_category == "风险监测" and data.lot_size == "200台"
    assert data.sample_quantity == "检验 3台，备样 3台" and data.seal_numbers == detail.seal_numbers
    # the demo lab's marks: the CMA mark, the seal of an approved report, each signer's signature
    assert data.cma_mark and data.seal
    assert data.signoff.compiled_signature and data.signoff.reviewed_signature and data.signoff.approved_signature
    assert len({data.signoff.compiled_signature, data.signoff.reviewed_signature,
                data.signoff.approved_signature}) == 3
    assert all(n.sampling_record_number == data.sampling_record_number
               for n in documents.notices_for_sample(ctx, row.sample_id))
    # the issued PDF carries them, and says nothing is missing
    text = "".join(_pdf_text(documents.test_report_pdf(ctx, row.sample_id)).split())
    assert data.sampling_record_number in text and "本报告未加盖" not in text and "未签名。" not in text


def test_a_report_not_yet_approved_has_no_seal_and_says_so(sqlite_lab):
    tech = _ctx(sqlite_lab, "wangjian")
    [row] = [r for r in _rows(tech, KETTLE) if r.completed_date and not r.report_number][:1]
    detail = samples.get_sample(tech, row.sample_id)
    reports.compile_report(tech, row.sample_id, detail.version)
    data = documents.test_report_data(tech, row.sample_id)
    assert data.seal is None and data.cma_mark is not None
    assert data.signoff.compiled_signature is not None and data.signoff.approved_signature is None
    text = "".join(_pdf_text(documents.test_report_pdf(tech, row.sample_id)).split())
    assert "本报告未加盖检验检测专用章。" in text and "批准人未签名" not in text


def test_an_amended_report_replaces_the_old_one_and_the_package_keeps_what_was_issued(sqlite_lab):
    db = sqlite_lab
    tech = _ctx(db, "wangjian")
    row = _platform_sample(tech)
    grid = testing.results_grid(tech, row.sample_id)
    [temp] = [r for r in grid.rows if r.item == "温升"]
    assert temp.judgement == "fail"
    amend_approved(tech, _ctx(db, "zhaomin"), demo.DEMO_PASSWORD, temp.id, temp.version, value_text="60",
                   amendment_reason="温升测点位置记录错误，复核后更正")
    detail = samples.get_sample(tech, row.sample_id)
    new = reports.compile_report(tech, row.sample_id, detail.version)

    data = documents.test_report_data(tech, row.sample_id)
    assert data.report_number == new.number != row.report_number
    assert data.replaces_number == row.report_number
    assert "温升测点位置记录错误" in data.amendment_reason
    assert "尚未批准" in data.remarks
    assert [i.judgement for i in data.items if i.item == "温升"] == [Judgement.PASS]
    text = _pdf_text(documents.test_report_pdf(tech, row.sample_id))
    assert f"本报告替代 {row.report_number} 号报告" in text.replace("\n", "")

    # until the replacement is approved, the package carries the approved report as it was issued
    with UnitOfWork(db, actor="test") as uow:
        package = documents.build_task_package(uow.session, documents.task_id_by_number(tech, KETTLE))
    manifest = verify_package(package).manifest
    [sample] = manifest["samples"]
    assert sample["report_number"] == row.report_number
    [temp_result] = [r for r in sample["results"] if r["item"] == "温升"]
    assert (temp_result["result"], temp_result["judgement"]) == ("71", "fail")


def test_unknown_numbers_say_so(lab):
    ctx = _admin(lab)
    with pytest.raises(NotFoundError, match="NOPE"):
        documents.task_id_by_number(ctx, "NOPE")
    with pytest.raises(NotFoundError, match="X-1"):
        documents.sample_id_by_number(ctx, "X-1")


# ----------------------------------------------------------------------------------- package
def _rezip(data: bytes, change) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, change(info.filename, src.read(info.filename)))
    return out.getvalue()


def test_the_task_package_verifies_and_tampering_is_detected(lab):
    ctx = _admin(lab)
    row = _platform_sample(ctx)
    task_id = documents.task_id_by_number(ctx, KETTLE)
    with UnitOfWork(lab, actor="test") as uow:  # usable inside another unit of work
        package = documents.build_task_package(uow.session, task_id)
    report = verify_package(package)
    assert report.ok, report.problems
    m = report.manifest
    approved = [r.sample_number for r in _rows(ctx, KETTLE) if r.approved]
    assert [s["sample_number"] for s in m["samples"]] == approved == [row.sample_number]
    assert m["report_numbers"] == [row.report_number]
    assert [n["out_of_province"] for n in m["notifications"]] == [False, True, True]
    assert all(n["file"] in {f["name"] for f in m["files"]} for n in m["notifications"])
    assert m["analysis"] is None  # no saved risk proposal: an automatic grade is not uploaded
    names = zipfile.ZipFile(io.BytesIO(package)).namelist()
    assert names[0] == "manifest.json" and f"reports/{row.report_number}.pdf" in names

    tampered = _rezip(package, lambda name, b: b[:-1] + b"!" if name.startswith("reports/") else b)
    bad = verify_package(tampered)
    assert not bad.ok and "hash_mismatch" in bad.codes
    trimmed = _rezip(package, lambda name, b: b[:100] if name.startswith("notices/") else b)
    assert "size_mismatch" in verify_package(trimmed).codes

    with pytest.raises(ValidationError, match="还没有已批准的检验报告"):
        with UnitOfWork(lab, actor="test") as uow:
            documents.build_task_package(uow.session, documents.task_id_by_number(ctx, KIDS))


def test_a_stored_report_pdf_is_the_one_the_package_carries(sqlite_lab):
    ctx = _admin(sqlite_lab)
    row = _platform_sample(ctx)
    with UnitOfWork(sqlite_lab, actor="test") as uow:
        stored = documents.store_report_pdf(uow.session, uow.session.get(Report, row.report_id))
        uow.commit()
    with UnitOfWork(sqlite_lab, actor="test") as uow:
        package = documents.build_task_package(uow.session, documents.task_id_by_number(ctx, KETTLE))
        report = uow.session.get(Report, row.report_id)
        assert report.file_sha256 == hashlib.sha256(stored).hexdigest()
    with zipfile.ZipFile(io.BytesIO(package)) as zf:
        assert zf.read(f"reports/{row.report_number}.pdf") == stored
    assert row.report_number in _pdf_text(stored)


def test_the_approved_analysis_report_goes_into_the_package_as_issued(sqlite_lab, tmp_path: Path):
    from app.services import analysis_reports

    ctx = _admin(sqlite_lab)
    task_id = documents.task_id_by_number(ctx, KETTLE)
    proposal = risk.save_proposal(ctx, task_id, risk.ProposalFactors(severity=3, probability=">1/1000",
                                                                       scope="regional", frequency=0.5),
                                  confirmed=risk.FACTORS)
    # a saved proposal alone is no analysis report: nothing is uploaded for it
    assert not documents.export_task_package(ctx, task_id, tmp_path).contents.analysis
    tech, rev, sig = _ctx(sqlite_lab, "wangjian"), _ctx(sqlite_lab, "chenjing"), _ctx(sqlite_lab, "zhaomin")
    a = analysis_reports.compile_analysis(tech, task_id)
    a = reports.review_report(rev, a.id, a.version, demo.DEMO_PASSWORD)
    a = reports.approve_report(sig, a.id, a.version, demo.DEMO_PASSWORD)
    result = documents.export_task_package(ctx, task_id, tmp_path)
    assert result.path == tmp_path / f"{KETTLE}.zip" and result.contents.analysis
    m = verify_package(result.path).manifest
    assert m["analysis"]["proposed_level"] == {1: "I", 2: "II", 3: "III", 4: "IV"}[proposal.level_number]
    assert m["analysis"]["file"] in {f["name"] for f in m["files"]}
    with zipfile.ZipFile(result.path) as zf, UnitOfWork(sqlite_lab, actor="test") as uow:
        assert zf.read(m["analysis"]["file"]) == bytes(uow.session.get(Report, a.id).pdf)
    with zipfile.ZipFile(result.path) as zf:
        assert documents.analysis_pdf(ctx, task_id) == zf.read(m["analysis"]["file"])  # as issued


# ----------------------------------------------------------------------------------- analysis
def test_analysis_counts_agree_with_the_ledger(lab):
    ctx = _admin(lab)
    task_id = documents.task_id_by_number(ctx, KETTLE)
    ledger = documents.ledger_rows(ctx, task_id)
    approved = {r.sample_number for r in _rows(ctx, KETTLE) if r.approved}
    tested = [r for r in ledger if r.sample_number in approved]  # only approved results count
    assert tested and len(tested) < len([r for r in ledger if r.completed_date is not None])
    a = documents.analysis_data(ctx, task_id)

    assert a.batches_sampled == len(ledger) and a.batches_tested == len(tested)
    assert a.problem_batches == sum(1 for r in tested if r.problems_found)
    by_place = {r.label: (r.batches, r.problem) for r in a.by_place_type}
    for place in PlaceType:
        rows = [r for r in tested if r.place_type is place]
        if rows:
            assert by_place[place.label] == (len(rows), sum(1 for r in rows if r.problems_found))
    for rows in (a.by_region, a.by_enterprise_size):
        assert sum(r.batches for r in rows) == a.batches_tested
        assert sum(r.problem for r in rows) == a.problem_batches
    failed_pairs = sorted((r.sample_number, item) for r in tested for item in r.failed_items)
    assert sorted((f.sample_number, f.item) for f in a.failed_items) == failed_pairs
    assert {i.item: i.failed for i in a.by_item} == {
        item: sum(1 for s, i in failed_pairs if i == item) for _, item in failed_pairs}
    assert any(r.label.startswith("省外") for r in a.by_region)

    # no saved proposal: no level (未研判), the six factors still to decide with the evidence so far
    assert a.risk is None
    assert [f.name for f in a.risk_pending] == ["危害程度", "发生概率", "紧急程度", "影响范围", "发生频率", "持续时间"]
    assert all(f.value.startswith("待确认") for f in a.risk_pending)
    measures = {m.measure: m.detail for m in a.measures}
    assert Measure.WRITTEN_NOTICE in measures
    assert "中山市华艺电器有限公司" in measures[Measure.CASE_REFERRAL]  # out-of-province nominal producer
    text = _pdf_text(documents.analysis_pdf(ctx, task_id))
    assert "风险监测分析报告" in text and KETTLE in text


def test_analysis_uses_the_latest_saved_proposal(sqlite_lab):
    ctx = _admin(sqlite_lab)
    task_id = documents.task_id_by_number(ctx, KETTLE)
    risk.save_proposal(ctx, task_id, risk.ProposalFactors(severity=1, probability=">1/10"), confirmed=risk.FACTORS)
    latest = risk.save_proposal(ctx, task_id, risk.ProposalFactors(severity=4, probability=">1/100",
                                                                     urgency="urgent"), note="已有伤害事件报告",
                                confirmed=risk.FACTORS)
    a = documents.analysis_data(ctx, task_id)
    assert a.risk.level.value == {1: "I", 2: "II", 3: "III", 4: "IV"}[latest.level_number] == "I"
    assert a.risk.model_name == latest.model_name and "已有伤害事件报告" in a.risk.rationale
    assert "尚未保存" not in a.risk.rationale
    names = [f.name for f in a.risk.factors]
    assert "危害程度" in names and "point_reasons" not in names
    kinds = [m.measure for m in a.measures]
    assert Measure.REPORT_UPWARD in kinds and Measure.PUBLIC_WARNING in kinds  # level I (Article 20)


def test_the_childrens_wear_analysis_counts_the_panel_items(sqlite_lab):
    ctx = _admin(sqlite_lab)
    task_id = documents.task_id_by_number(ctx, KIDS)
    assert documents.analysis_data(ctx, task_id).batches_tested == 0  # nothing approved yet
    for row in _rows(ctx, KIDS):
        if row.status == "completed":
            _approve(sqlite_lab, row.sample_id)
    a = documents.analysis_data(ctx, task_id)
    tested = [r for r in documents.ledger_rows(ctx, task_id) if r.completed_date is not None]
    assert tested
    assert a.batches_tested == len(tested) and a.problem_batches == sum(1 for r in tested if r.problems_found)
    assert "阻燃性能" not in {i.item for i in a.by_item}  # the panels found no problem
    assert documents.analysis_pdf(ctx, task_id)[:5] == b"%PDF-"


# ----------------------------------------------------------------------------------- monthly, ledger
def test_monthly_report_from_the_register(lab, tmp_path: Path):
    ctx = _admin(lab)  # entries of 2025 touch nothing the other tests read
    entries = [
        risk.RiskInfoInput(received_date=dt.date(2025, 3, 20), source=2, title="投诉：充电器冒烟", product="充电器",
                           key_risk=True, key_reasons=(1, 4)),
        risk.RiskInfoInput(received_date=dt.date(2025, 3, 3), source=8, title="媒体报道燃气灶召回", product="燃气灶",
                           description="某品牌熄火保护失效"),
        risk.RiskInfoInput(received_date=dt.date(2025, 4, 1), source=5, title="下月的信息"),
    ]
    for e in entries:
        risk.create_info(ctx, e)
    m = documents.monthly_data(ctx, 2025, 3)
    assert [e.serial for e in m.entries] == ["202503-001", "202503-002"]
    assert [e.product for e in m.entries] == ["燃气灶", "充电器"]  # in order of receipt
    assert m.entries[0].description == "媒体报道燃气灶召回：某品牌熄火保护失效"
    assert [e.is_key for e in m.entries] == [False, True]
    assert "2条" in m.summary and "重点风险信息1条" in m.summary
    pdf = documents.write_monthly(ctx, 2025, 3, tmp_path / "m.pdf")
    assert "充电器" in _pdf_text(pdf.read_bytes())
    xlsx = documents.write_monthly(ctx, 2025, 3, tmp_path / "m.xlsx")
    ws = load_workbook(xlsx)["月报"]
    assert "202503-002" in [c.value for c in ws["A"]]
    with pytest.raises(ValidationError, match=".pdf 或 .xlsx"):
        documents.write_monthly(ctx, 2025, 3, tmp_path / "m.txt")


def test_the_ledger_lists_every_sample_of_the_task(lab, tmp_path: Path):
    ctx = _admin(lab)
    task_id = documents.task_id_by_number(ctx, KETTLE)
    rows = documents.ledger_rows(ctx, task_id)
    listed = _rows(ctx, KETTLE)
    assert [r.sample_number for r in rows] == [r.sample_number for r in listed]
    platform = _platform_sample(ctx)
    [prow] = [r for r in rows if r.sample_number == platform.sample_number]
    assert prow.report_number == platform.report_number and prow.on_time is True
    assert all(r.problems_found is None for r in rows if r.completed_date is None)
    path = documents.write_ledger(ctx, task_id, tmp_path / "ledger.xlsx")
    ws = load_workbook(path).active
    values = [[c.value for c in row] for row in ws.iter_rows()]
    assert values[0][0] == "样品编号" and len(values) == len(rows) + 1
    assert platform.report_number in values[[v[0] for v in values].index(platform.sample_number)]


def test_the_ledger_marks_a_late_sample_and_counts_issued_and_delivered_notices(sqlite_lab):
    ctx = _admin(sqlite_lab)
    task_id = documents.task_id_by_number(ctx, KETTLE)
    rows = {r.sample_number: r for r in documents.ledger_rows(ctx, task_id)}
    late = rows[f"{KETTLE}-0001"]  # initial monitoring done 7 working days ago, not reported: deadline passed
    assert late.reported_date is None and late.deadline < clock.today() and late.on_time is False
    waiting = rows[f"{KETTLE}-0002"]  # done 4 working days ago: still within the five
    assert waiting.reported_date is None and waiting.on_time is None
    # the day the ledger is made decides: before the deadline the late sample was still pending
    early = {r.sample_number: r for r in documents.ledger_rows(ctx, task_id, today=late.deadline)}
    assert early[f"{KETTLE}-0001"].on_time is None
    platform = _platform_sample(ctx)
    prow = rows[platform.sample_number]
    assert (prow.notified_parties, prow.delivered_parties) == (3, 0)  # issued, none delivered yet
    from app.services import notifications

    first = next(n for n in notifications.list_notifications(ctx, task_id).rows
                 if n.sample_id == platform.sample_id and n.report_current)
    notifications.record_delivery(ctx, first.id, first.version, sent_date=clock.today(), method="post")
    prow = {r.sample_number: r for r in documents.ledger_rows(ctx, task_id)}[platform.sample_number]
    assert (prow.notified_parties, prow.delivered_parties) == (3, 1)


def test_a_monthly_report_for_a_month_to_come_is_refused(lab, tmp_path: Path):
    ctx = _admin(lab)
    today = dt.date(2026, 11, 30)
    for year, month in ((2026, 12), (2027, 5)):
        with pytest.raises(ValidationError) as err:
            documents.monthly_data(ctx, year, month, today=today)
        assert "尚未到来" in err.value.errors["month"] and f"{year}年{month}月" in err.value.message
    with pytest.raises(ValidationError):
        documents.write_monthly(ctx, 2099, 1, tmp_path / "m.pdf")
    assert not (tmp_path / "m.pdf").exists()
    assert documents.monthly_data(ctx, 2026, 11, today=today).month == 11  # the current month is fine


def test_a_monthly_report_not_compiled_is_a_draft_signed_by_nobody(lab):
    ctx = _ctx(lab, "wangjian")
    today = clock.today()
    earlier = today.replace(day=1) - dt.timedelta(days=40)  # the demo lab issues last month's report only
    m = documents.monthly_data(ctx, earlier.year, earlier.month, today=today)
    # the month's report is a record (compiled, reviewed, approved): until then a preview is a draft
    assert m.draft and (m.compiled_by, m.compiled_on, m.approved_by, m.approved_on) == ("", None, "", None)


# ----------------------------------------------------------------------------------- Excel import
_HEADER = {c.key: c.header for c in SAMPLING_COLUMNS}


def _row(n: int, task: str, **changes) -> dict:
    row = {
        "sample_number": f"DR-{n:03d}", "task_number": task, "product_name": "电热水壶", "brand": "康泰",
        "place_type": "实体店", "sampling_date": clock.today() - dt.timedelta(days=3),
        "sampling_place": "武汉市江岸区解放大道 1 号", "samplers": "王建、刘洋",
        "sampled_name": "武汉市江岸区顺和家电商行", "sampled_uscc": "92420102MA4K0ABC8E",
        "nominal_name": "宜昌鑫达家电有限公司", "nominal_uscc": "91420500MA49H7J808", "remarks": "导入测试",
    }
    row.update(changes)
    return row


def _workbook(path: Path, rows: list[dict]) -> Path:
    write_template("sampling", path)
    wb = load_workbook(path)
    ws = wb["抽样信息"]
    headers = [c.value.lstrip("*") if isinstance(c.value, str) else c.value for c in ws[1]]
    for r in rows:
        ws.append([r.get(next(k for k, h in _HEADER.items() if h == header), None) for header in headers])
    wb.save(path)
    return path


def _count(ctx: Context, task: str) -> int:
    return len(_rows(ctx, task))


def test_a_bad_row_in_the_middle_imports_nothing_and_is_listed(lab, tmp_path: Path):
    ctx = _ctx(lab, "wangjian")
    task_id = documents.task_id_by_number(ctx, KETTLE)
    before = _count(ctx, KETTLE)
    path = _workbook(tmp_path / "bad.xlsx", [
        _row(1, KETTLE),
        _row(2, KETTLE, place_type="电商平台", platform_name="杭州某某网络科技有限公司",
             platform_uscc="91330100MA27ABCD4M", shop_name="旗舰店", shop_url="https://shop.example.com/1",
             order_number="DD1"),  # no logistics number: the sampling form requires one
        _row(3, KETTLE),
    ])
    with pytest.raises(ImportRowsError) as caught:
        imports.import_sampling(ctx, path, task_id=task_id)
    err = caught.value
    assert err.bad_rows == (3,)  # Excel row 3: the second data row
    assert [(p.row, p.column) for p in err.problems] == [(3, _HEADER["logistics_number"])]
    assert "第3行" in err.message and "物流单号" in err.message
    assert _count(ctx, KETTLE) == before


def test_a_good_file_registers_the_samples_once(sqlite_lab, tmp_path: Path):
    ctx = _ctx(sqlite_lab, "wangjian")
    task_id = documents.task_id_by_number(ctx, KETTLE)
    before = _count(ctx, KETTLE)
    path = _workbook(tmp_path / "good.xlsx", [
        _row(1, KETTLE, production_date="2026年5月"),
        _row(2, KETTLE, place_type="生产企业", sampled_name="宜昌鑫达家电有限公司", sampled_uscc="91420500MA49H7J808",
             nominal_name="", nominal_uscc=""),
    ])
    result = imports.import_sampling(ctx, path, task_id=task_id)
    assert result.count == 2 and [s.row for s in result.samples] == [2, 3]
    assert [s.file_number for s in result.samples] == ["DR-001", "DR-002"]
    assert _count(ctx, KETTLE) == before + 2
    first = samples.get_sample(ctx, result.samples[0].sample_id)
    assert first.number == result.samples[0].number and first.status == "registered"
    assert first.data.scheme_id is not None  # the task's approved scheme
    assert "导入编号：DR-001" in first.data.notes and "生产日期（标注）：2026年5月" in first.data.notes
    assert first.data.nominal_producer.uscc == "91420500MA49H7J808"

    with pytest.raises(ImportRowsError) as again:
        imports.import_sampling(ctx, path, task_id=task_id)
    assert again.value.bad_rows == (2, 3) and "不能重复导入" in again.value.message
    assert _count(ctx, KETTLE) == before + 2


def test_import_fills_the_traceability_fields_and_refuses_a_used_record_number(sqlite_lab, tmp_path: Path):
    ctx = _ctx(sqlite_lab, "wangjian")
    task_id = documents.task_id_by_number(ctx, KETTLE)
    path = _workbook(tmp_path / "trace.xlsx", [
        _row(1, KETTLE, sampling_record_number="CY-00001", sample_quantity="4 台", backup_quantity="4",
             lot_size="120 台", seal_numbers="FT-1、FT-2", test_category="复检"),
    ])
    result = imports.import_sampling(ctx, path, task_id=task_id)
    d = samples.get_sample(ctx, result.samples[0].sample_id).data
    assert d.sampling_record_number == "CY-00001" and d.test_category == "复检"
    assert (d.test_quantity, d.backup_quantity, d.lot_size, d.quantity_unit) == ("4", "4", "120", "台")
    assert d.seal_numbers == ("FT-1", "FT-2")
    assert "CY-00001" not in d.notes and "4 台" not in d.notes  # no longer parked in the notes
    # the same sampling-record number in another file for the task: refused, naming the sample
    again = _workbook(tmp_path / "again.xlsx", [_row(7, KETTLE, sampling_record_number="CY-00001")])
    with pytest.raises(ImportRowsError) as caught:
        imports.import_sampling(ctx, again, task_id=task_id)
    assert caught.value.bad_rows == (2,)
    assert f"已用于本任务的样品 {result.samples[0].number}" in caught.value.message
    assert caught.value.problems[0].column == "抽样单编号"


def test_rows_of_another_task_are_refused(lab, tmp_path: Path):
    ctx = _ctx(lab, "wangjian")
    path = _workbook(tmp_path / "mixed.xlsx", [_row(1, KETTLE), _row(2, KIDS), _row(3, "NO-SUCH-TASK")])
    with pytest.raises(ImportRowsError) as caught:
        imports.import_sampling(ctx, path, task_id=documents.task_id_by_number(ctx, KETTLE))
    assert caught.value.bad_rows == (3, 4)
    assert "不一致" in caught.value.message and "不存在" in caught.value.message
