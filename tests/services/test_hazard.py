"""Article 18 ¶3: a major quality-safety hazard is a record — described, its items or the reason,
reported at once to the organising authority (uploaded ahead of the queue, or by phone or by hand),
its letter frozen, its 即时报送 entry in the risk register, and the dashboard's clock."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from app.documents.package import verify_package
from app.errors import PermissionDenied, ValidationError
from app.services import dashboard, hazard, risk, samples, testing, upload
from app.services.hazard import HazardInput
from app.store.models import HazardReport, RiskInformation, RiskInformationSample, Sample
from app.store.queries import set_setting
from app.store.types import utcnow
from app.store.uow import UnitOfWork
from app.sync import outbox
from app.sync.worker import claim_due
from tests.services.conftest import audit_ok
from tests.services.test_upload import approved, outbox_rows
from tests.services.test_workflow import _completed, _tested_sample

AUTHORITY = "湖北省市场监督管理局"


def _hazard(**kw) -> HazardInput:
    base = dict(description="泄漏电流严重超标，存在触电风险", measures="已封存备用样品", items=("泄漏电流",),
                recipient=AUTHORITY, method="upload")
    base.update(kw)
    return HazardInput(**base)


def _text(pdf: bytes) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)


def test_a_hazard_needs_a_description(lab):
    s = _completed(lab)
    with pytest.raises(ValidationError, match="请描述"):
        hazard.report_hazard(lab.tech, s.id, _hazard(description="  "))
    with pytest.raises(PermissionDenied):
        hazard.report_hazard(lab.admin, s.id, _hazard())
    assert outbox_rows(lab.db) == []


def test_an_all_conforming_sample_needs_a_reason(lab):
    s, rows = _tested_sample(lab)
    testing.record_result(lab.tech, rows["泄漏电流"].id, rows["泄漏电流"].version, value_text="0.10")
    form = hazard.hazard_form(lab.tech, s.id)
    assert form.candidates == () and form.reason_required
    with pytest.raises(ValidationError, match="均未判定为不符合") as e:
        hazard.report_hazard(lab.tech, s.id, _hazard(items=()))
    assert "reason" in e.value.errors
    with pytest.raises(ValidationError, match="不是该样品的不符合"):
        hazard.report_hazard(lab.tech, s.id, _hazard(items=("泄漏电流",), reason="x"))
    with UnitOfWork(lab.db, actor="test") as uow:  # nothing half written
        assert uow.session.scalar(select(HazardReport.id)) is None
        assert not uow.session.get(Sample, s.id).major_hazard
    info = hazard.report_hazard(lab.tech, s.id, _hazard(items=(), reason="标签缺少警示，结构存在明显缺陷"))
    assert info.reported and info.items == () and info.reason


def test_reported_hazard_is_queued_ahead_of_older_results_and_linked(any_lab):
    lab = any_lab
    report, first = approved(lab)  # an older result item
    d = samples.get_sample(lab.tech, first).data
    s = _completed(lab, (d.task_id, d.scheme_id))
    with UnitOfWork(lab.db, actor="test") as uow:
        uow.session.get(Sample, s.id).task.issuing_authority = AUTHORITY
        uow.commit()
    form = hazard.hazard_form(lab.tech, s.id)
    assert [c.item for c in form.candidates] == ["泄漏电流"] and form.recipient == AUTHORITY
    assert form.candidates[0].judgement == "fail" and form.candidates[0].value == "0.31"
    info = hazard.report_hazard(lab.tech, s.id, _hazard(recipient=""))  # the task's authority by default
    assert info.status == "reported" and info.number.endswith("-YH-0001") and info.recipient == AUTHORITY
    assert info.reported_at is not None and info.outbox_id is not None and info.items == ("泄漏电流",)
    items = outbox_rows(lab.db)
    assert [i.kind for i in items] == ["result", "hazard"]
    hz = items[1]
    assert (hz.sample_id, hz.state) == (s.id, "pending")
    check = verify_package(outbox.get_package(lab.db, hz.id))
    assert check.ok, check.problems
    m = check.manifest
    assert m["package_kind"] == "hazard" and m["samples"] == [] and m["hazard"]["number"] == info.number
    assert m["hazard"]["items"][0]["item"] == "泄漏电流"
    # the older result item is due first by time; the hazard is claimed first all the same
    claims = claim_due(lab.db, now=utcnow() + dt.timedelta(seconds=1), limit=1, lease=60)
    assert [c.id for c in claims] == [hz.id]
    assert claims[0].meta["kind"] == "hazard" and claims[0].meta["report_number"] == info.number
    rows = {r.id: r for r in upload.list_uploads(lab.tech)}
    assert rows[hz.id].kind_label == "重大风险隐患报告"

    with UnitOfWork(lab.db, actor="test") as uow:
        h = uow.session.get(HazardReport, info.id)
        ri = uow.session.get(RiskInformation, h.risk_information_id)
        assert (ri.source, ri.key_risk, ri.status, ri.key_reasons) == (5, True, "reported", [3])
        assert uow.session.scalar(select(RiskInformationSample.sample_id)
                                  .where(RiskInformationSample.risk_information_id == ri.id)) == s.id
        smp = uow.session.get(Sample, s.id)
        assert smp.major_hazard and smp.major_hazard_reported_at is not None
        assert smp.major_hazard_note == info.description
    listed = risk.list_info(lab.tech)
    assert any(r.data.title.startswith("重大质量安全风险隐患") and r.status_label == "已报送" for r in listed)
    pdf = hazard.hazard_pdf(lab.tech, info.id)
    text = _text(pdf)
    assert "重大质量安全风险隐患报告" in text and info.number in text and "泄漏电流" in text
    assert "未签名" in text  # the test lab has no key
    with pytest.raises(ValidationError, match="已上报"):
        hazard.save_hazard(lab.tech, s.id, _hazard(), hazard_id=info.id, version=info.version)
    assert audit_ok(lab.db)


def test_a_hazard_told_by_phone_is_a_record_without_an_upload(lab):
    s = _completed(lab)
    with pytest.raises(ValidationError, match="接报人"):
        hazard.report_hazard(lab.tech, s.id, _hazard(method="phone"))
    told = utcnow() - dt.timedelta(minutes=30)
    info = hazard.report_hazard(lab.tech, s.id, _hazard(method="phone", contact_person="省局质量处 王科长",
                                                         told_at=told, receipt="电话记录 2 分钟"))
    assert info.method_label == "电话" and info.contact_person == "省局质量处 王科长"
    assert abs((info.reported_at - told).total_seconds()) < 1 and info.outbox_id is None
    assert outbox_rows(lab.db) == []
    summary = info.summary()
    assert "电话" in summary and "王科长" in summary and "电话记录" in summary and info.recipient in summary
    assert "王科长" in _text(hazard.hazard_pdf(lab.tech, info.id))
    info = hazard.record_receipt(lab.tech, info.id, info.version, "省局回复：已收悉")
    assert info.receipt == "省局回复：已收悉"


def test_a_hazard_found_is_on_the_dashboard_until_it_is_reported(lab):
    s = _completed(lab)
    assert dashboard.load_board(lab.tech).major_hazards_pending == 0
    found = utcnow() - dt.timedelta(hours=30)
    draft = hazard.save_hazard(lab.tech, s.id, _hazard(found_at=found))
    board = dashboard.load_board(lab.tech)
    assert board.major_hazards_pending == 1
    (p,) = board.pending_hazards
    assert (p.id, p.sample_id) == (draft.id, s.id) and p.overdue and 29.9 < p.hours < 30.2
    with UnitOfWork(lab.db, actor="test") as uow:
        set_setting(uow.session, "hazard_report_hours", 48)
        uow.commit()
    assert not dashboard.load_board(lab.tech).pending_hazards[0].overdue
    assert "待上报" in hazard.hazard_form(lab.tech, s.id).draft.summary()
    info = hazard.report_hazard(lab.tech, s.id, _hazard(found_at=found), hazard_id=draft.id, version=draft.version)
    assert info.id == draft.id and info.found_at == found
    board = dashboard.load_board(lab.tech)
    assert board.major_hazards_pending == 0 and board.pending_hazards == ()


def test_the_preview_writes_nothing(lab):
    s = _completed(lab)
    pdf = hazard.preview_hazard(lab.tech, s.id, _hazard())
    assert "预览" in _text(pdf)
    with UnitOfWork(lab.db, actor="test") as uow:
        assert uow.session.scalar(select(HazardReport.id)) is None
        assert not uow.session.get(Sample, s.id).major_hazard


def test_the_sandbox_accepts_the_hazard_upload_first(lab, tmp_path, monkeypatch):
    from app.sync.credentials import CredentialStore
    from app.sync.sandbox import start_sandbox
    from tests.services.test_upload import DEMO_PASSWORD, point_at
    from tests.sync.helpers import MemoryKeyring

    monkeypatch.delenv("RISKMON_PROVINCIAL_URL", raising=False)
    monkeypatch.delenv("RISKMON_PROVINCIAL_USER", raising=False)
    approved(lab)
    first = outbox_rows(lab.db)[0]
    d = samples.get_sample(lab.tech, first.sample_id).data
    smp = _completed(lab, (d.task_id, d.scheme_id))
    info = hazard.report_hazard(lab.tech, smp.id, _hazard())
    running = start_sandbox(port=0, state_path=tmp_path / "sandbox.sqlite3", seed=3)
    try:
        point_at(lab, running)
        seen = []
        summary = upload.sync_once(lab.tech, password=DEMO_PASSWORD, store=CredentialStore(backend=MemoryKeyring()),
                                   progress=seen.append)
        assert summary.accepted == 2 and running.counts()["accepted"] == 2
    finally:
        running.stop()
    rows = {r.id: r for r in upload.list_uploads(lab.tech)}
    assert rows[info.outbox_id].state == "accepted"
    info = hazard.get_hazard(lab.tech, info.id)
    assert info.receipt.startswith("HBJG-")  # the province's receipt, shown in the banner
    assert info.receipt in info.summary()
