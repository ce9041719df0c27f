"""Records → the test report's annexes and the notices' wording, on the demo lab: expert panels with
their members, amended results with their originals, re-issued notices, and one objection route."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader

from app.documents.data import Judgement
from app.documents.wording import objection_route
from app.services import demo, documents, notifications, reports, samples, tasks, testing, users
from app.services.context import Context
from app.store.db import DB_FILENAME, bootstrap
from tests.services.amending import amend_approved

KETTLE = "HBFX-2026-DQ-01"
KIDS = "WHFX-2026-FZ-03"


@pytest.fixture(scope="module")
def demo_file(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("annexes-demo")
    shutil.copyfile(request.getfixturevalue("_sqlite_template"), home / DB_FILENAME)
    database = bootstrap(None, home=home)
    demo.load_demo(database, actor="test")
    database.dispose()
    return home / DB_FILENAME


@pytest.fixture
def db(demo_file: Path, tmp_path: Path):
    shutil.copyfile(demo_file, tmp_path / DB_FILENAME)
    database = bootstrap(None, home=tmp_path)
    yield database
    database.dispose()


def _ctx(db, username: str) -> Context:
    return Context(db, users.authenticate(db, username, demo.DEMO_PASSWORD))


def _text(pdf: bytes) -> str:
    return "".join("".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages)


def _approve(db, sample_id: int, *, notices: bool = False) -> reports.ReportInfo:
    tech, rev, sig = _ctx(db, "wangjian"), _ctx(db, "chenjing"), _ctx(db, "zhaomin")
    r = reports.compile_report(tech, sample_id, samples.get_sample(tech, sample_id).version)
    r = reports.review_report(rev, r.id, r.version, demo.DEMO_PASSWORD)
    return reports.approve_report(sig, r.id, r.version, demo.DEMO_PASSWORD, issue_notices=notices)


def _platform_sample(ctx: Context) -> documents.SampleReportRow:
    rows = documents.task_report_rows(ctx, documents.task_id_by_number(ctx, KETTLE))
    [row] = [r for r in rows if r.approved and r.place_type == "e_platform"]
    return row


def _amend(db, sample_id: int, item: str, value: str, reason: str) -> None:
    tech = _ctx(db, "wangjian")
    [row] = [r for r in testing.results_grid(tech, sample_id).rows if r.item == item]
    amend_approved(tech, _ctx(db, "zhaomin"), demo.DEMO_PASSWORD, row.id, row.version, value_text=value,
                   unit=row.unit, amendment_reason=reason)


def test_a_panel_item_lists_its_experts_in_the_report(db):
    admin = _ctx(db, "admin")
    rows = documents.task_report_rows(admin, documents.task_id_by_number(admin, KIDS))
    sample = next(r for r in rows if r.status == "completed")
    _approve(db, sample.sample_id)

    data = documents.test_report_data(admin, sample.sample_id)
    [panel] = data.panels
    assert panel.item == "阻燃性能" and len(panel.members) >= 3
    assert all(m.name and m.affiliation and m.title for m in panel.members)
    assert panel.conclusion and panel.evaluated_on is not None
    assert panel.judgement is next(i.judgement for i in data.items if i.item == "阻燃性能")

    text = _text(documents.test_report_pdf(admin, sample.sample_id))
    assert "附页一专家组验证评价" in text
    for m in panel.members:
        assert m.name in text and m.affiliation in text
    assert "".join(panel.conclusion.split()) in text


def test_an_amended_report_marks_the_changed_rows_and_keeps_the_originals(db):
    admin = _ctx(db, "admin")
    row = _platform_sample(admin)
    before = documents.test_report_data(admin, row.sample_id)
    assert before.amendments == ()
    _amend(db, row.sample_id, "温升", "60", "温升测点位置记录错误，复核后更正")
    _amend(db, row.sample_id, "温升", "61", "复核原始记录，取第二次测量值")
    approved = _approve(db, row.sample_id)

    data = documents.test_report_data(admin, row.sample_id)
    assert data.report_number == approved.number and data.replaces_number == row.report_number
    [a] = data.amendments
    original = next(i for i in before.items if i.item == "温升")
    assert (a.item, a.original_result, a.original_unit, a.original_judgement) == (
        "温升", original.result_text, original.unit, Judgement.FAIL)
    assert (a.amended_result, a.amended_judgement) == ("61", Judgement.PASS)
    assert a.reason == "温升测点位置记录错误，复核后更正；复核原始记录，取第二次测量值"
    assert a.amended_by == "王建" and a.amended_on is not None

    text = _text(documents.test_report_pdf(admin, row.sample_id))
    n = next(k for k, it in enumerate(data.items, 1) if it.item == "温升")
    assert f"{n}*温升" in text and "附页一更正说明" in text
    assert f"温升{original.result_text}K不符合61K符合" in text

    # amending back to the issued value leaves nothing to list
    _amend(db, row.sample_id, "温升", original.result_text, "按原始记录恢复")
    _amend(db, row.sample_id, "温升", "62", "再次复核")
    compiled = reports.compile_report(_ctx(db, "wangjian"), row.sample_id,
                                      samples.get_sample(_ctx(db, "wangjian"), row.sample_id).version)
    data = documents.test_report_data(admin, row.sample_id)
    assert data.report_number == compiled.number and data.replaces_number == approved.number
    assert [(a.item, a.original_result, a.amended_result) for a in data.amendments] == [("温升", "61", "62")]


def test_reissued_notices_name_the_notices_they_replace(db):
    admin = _ctx(db, "admin")
    row = _platform_sample(admin)
    first = notifications.create_notifications(admin, row.sample_id)
    assert first and all(n.document_number for n in first)
    _amend(db, row.sample_id, "额定功率", "-11.5", "功率计读数抄录错误")
    _approve(db, row.sample_id)

    notices = documents.notices_for_sample(admin, row.sample_id)
    by_name = {n.recipient: n.document_number for n in first}
    assert {n.addressee.name for n in notices} == set(by_name)
    for n in notices:
        assert n.replaces_notice == by_name[n.addressee.name] != n.notice_number
        assert n.replaces_report == row.report_number
    reissued = notifications.create_notifications(admin, row.sample_id)
    pdf = notifications.notice_pdf(admin, reissued[0].id)
    text = _text(pdf)
    assert f"本告知书替代{by_name[reissued[0].recipient]}号告知书" in text
    assert "异议或复检申请期限自收到本告知书之日起重新计算" in text


def test_the_report_and_the_notices_name_the_tasks_objection_authority(db):
    admin, tech = _ctx(db, "admin"), _ctx(db, "wangjian")
    row = _platform_sample(admin)
    data = documents.test_report_data(admin, row.sample_id)
    # by default: the issuing authority, reached through the lab
    assert data.objection_to == "湖北省市场监督管理局" == data.task_source
    assert data.objection_contact.startswith(f"可经{data.lab.name}转交")
    for n in documents.notices_for_sample(admin, row.sample_id):
        assert (n.objection_to, n.objection_contact, n.objection_days) == (
            data.objection_to, data.objection_contact, data.objection_days)

    task_id = documents.task_id_by_number(admin, KETTLE)
    task = tasks.get_task(tech, task_id)
    tasks.update_task(tech, task_id, task.version, tasks.TaskInput(**{
        **task.data.__dict__, "objection_authority": "湖北省市场监督管理局产品质量安全监督管理处"}))
    data = documents.test_report_data(admin, row.sample_id)
    assert data.objection_to == "湖北省市场监督管理局产品质量安全监督管理处"
    route = "".join(objection_route(data.objection_to, data.objection_contact).split())
    from app.documents.notice import render_notice
    from app.documents.test_report import render_test_report

    assert route in _text(render_test_report(data))
    for n in documents.notices_for_sample(admin, row.sample_id):
        assert route in _text(render_notice(n))


def test_without_an_authority_objections_go_to_the_lab(db):
    from app.services.documents._common import objection_route as route_of
    from app.store.models import MonitoringTask

    admin = _ctx(db, "admin")
    row = _platform_sample(admin)
    lab = documents.test_report_data(admin, row.sample_id).lab
    assert route_of(None, lab) == (lab.name, f"地址：{lab.address}，电话：{lab.phone}")
    task = MonitoringTask(number="X", title="X", issuing_authority=" ", objection_authority="")
    assert route_of(task, lab)[0] == lab.name
    task.objection_authority = "武汉市市场监督管理局"
    assert route_of(task, lab) == ("武汉市市场监督管理局", f"可经{lab.name}转交；地址：{lab.address}，电话：{lab.phone}")


def test_the_analysis_reports_own_sentences_write_dates_without_leading_zeros(db):
    import re

    admin = _ctx(db, "admin")
    data = documents.analysis_data(admin, documents.task_id_by_number(admin, KETTLE))
    assert re.search(r"于\d{4}年\d{1,2}月\d{1,2}日至\d{4}年\d{1,2}月\d{1,2}日", data.summary)
    texts = [data.summary, *(data.analysis_paragraphs), data.risk.rationale if data.risk else ""]
    assert not any(re.search(r"年0\d月|月0\d日|\d{4}-\d{2}-\d{2}", t) for t in texts), texts
