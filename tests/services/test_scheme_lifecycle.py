"""The scheme's lifecycle of Article 14: internal review by another person, the issuing authority's
confirmation (document number, date, file) before any sampling, the full history, and revisions
that keep tested samples on the version they were tested under."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from app.errors import PermissionDenied, ValidationError
from app.services import catalog, imports, samples, tasks, testing, users
from app.services.context import Context, CurrentUser
from app.services.excel_import import ImportRowsError
from app.services.users import AuthenticationError
from tests.services.conftest import PASSWORD, PDF, STANDARDS, audit_ok, confirm, lab_day, ready_task
from tests.services.test_documents_service import _row, _workbook
from tests.services.test_workflow import form

NOT_CONFIRMED = "该任务的监测方案尚未经任务下达部门确认（当前：已通过内部审核），不能登记样品。"


def _submitted(lab, number: str = "L-01", drafter=None):
    catalog.import_standards(lab.tech, STANDARDS)
    task = tasks.create_task(lab.tech, tasks.TaskInput(number=number, title="电热水壶风险监测", batches_planned=5,
                                                        issuing_authority="湖北省市场监督管理局"))
    drafter = drafter or lab.tech
    scheme = tasks.create_scheme(drafter, task.id, tasks.SchemeInput(
        "电热水壶",
        (tasks.SchemeItemInput("泄漏电流", unit="mA"), tasks.SchemeItemInput("额定功率", important=True)),
        (tasks.SchemeStandardInput("GB 90010-2020", "mandatory"), tasks.SchemeStandardInput("GB/T 90001-2023")),
    ))
    return task, tasks.submit_scheme(drafter, scheme.id, scheme.version)


def _reviewed(lab, number: str = "L-01"):
    task, scheme = _submitted(lab, number)
    return task, tasks.review_scheme(lab.rev, scheme.id, scheme.version, accept=True, password=PASSWORD)


def _count(lab, task_id: int) -> int:
    with lab.tech.uow() as uow:
        from sqlalchemy import func, select

        from app.store.models import Sample

        return uow.session.scalar(select(func.count()).select_from(Sample).where(Sample.task_id == task_id))


def test_sampling_is_refused_until_the_authority_confirms(lab, tmp_path: Path):
    bare = tasks.create_task(lab.tech, tasks.TaskInput(number="L-00", title="无方案"))
    with pytest.raises(ValidationError, match="还没有监测方案"):
        samples.register_sample(lab.tech, form(bare.id, None))
    task, scheme = _reviewed(lab)
    with pytest.raises(ValidationError) as err:
        samples.register_sample(lab.tech, form(task.id, None))
    assert err.value.errors == {"scheme_id": NOT_CONFIRMED}
    with pytest.raises(ValidationError, match="尚未经任务下达部门确认"):  # naming the scheme changes nothing
        samples.register_sample(lab.tech, form(task.id, scheme.id))
    with pytest.raises(ValidationError) as err:  # bulk: every row named, nothing written
        samples.register_samples(lab.tech, [form(task.id, scheme.id), form(task.id, None, batch_number="B2")])
    assert err.value.errors["row2.scheme_id"] == f"第 2 行：{NOT_CONFIRMED}"
    path = _workbook(tmp_path / "early.xlsx", [_row(1, task.data.number)])
    with pytest.raises(ImportRowsError) as caught:  # the Excel import says so for the whole file
        imports.import_sampling(lab.tech, path, task_id=task.id)
    assert "尚未经任务下达部门确认（当前：已通过内部审核）" in caught.value.message
    assert _count(lab, task.id) == 0

    confirmed = confirm(lab, scheme)
    assert confirmed.status == "confirmed" and confirmed.authority_document == "鄂市监质函〔2026〕1号"
    one = samples.register_sample(lab.tech, form(task.id, None))  # the only confirmed scheme is taken
    assert samples.get_sample(lab.tech, one.id).data.scheme_id == scheme.id
    assert len(imports.import_sampling(lab.tech, path, task_id=task.id).samples) == 1
    assert audit_ok(lab.db)


def test_the_reviewer_is_not_the_drafter_and_signs_with_a_password(lab):
    both = users.create_user_unchecked(lab.db, actor="test", username="both", display_name="两者",
                                       roles=["technician", "reviewer"], password=PASSWORD)
    both_ctx = Context(lab.db, CurrentUser(both.id, both.username, both.display_name, frozenset(both.roles)))
    task, scheme = _submitted(lab, drafter=both_ctx)
    assert scheme.actions["review"] == "方案须由拟定人和提交人以外的审核人审核。"
    with pytest.raises(PermissionDenied, match="拟定人和提交人以外"):
        tasks.review_scheme(both_ctx, scheme.id, scheme.version, accept=True, password=PASSWORD)
    with pytest.raises(AuthenticationError, match="密码错误"):
        tasks.review_scheme(lab.rev, scheme.id, scheme.version, accept=True, password="wrong")
    assert tasks.get_scheme(lab.tech, scheme.id).status == "submitted"  # nothing written
    with pytest.raises(ValidationError, match="修改意见"):
        tasks.review_scheme(lab.rev, scheme.id, scheme.version, accept=False, comment="  ", password=PASSWORD)
    with pytest.raises(PermissionDenied):
        tasks.review_scheme(lab.sig, scheme.id, scheme.version, accept=True, password=PASSWORD)
    reviewed = tasks.review_scheme(lab.rev, scheme.id, scheme.version, accept=True, password=PASSWORD)
    assert reviewed.status == "reviewed" and reviewed.allowed("confirm")  # any lab user records the confirmation
    assert tasks.get_scheme(lab.tech, scheme.id).allowed("confirm") and not reviewed.allowed("review")


def test_returns_and_submissions_are_all_kept_in_order(lab):
    task, scheme = _submitted(lab)
    scheme = tasks.review_scheme(lab.rev, scheme.id, scheme.version, accept=False, comment="请补充耐久性要求。",
                                 password=PASSWORD)
    assert scheme.status == "returned" and scheme.allowed("edit") is False  # the reviewer may not edit
    again = tasks.get_scheme(lab.tech, scheme.id)
    assert again.allowed("edit") and again.allowed("submit") and not again.allowed("confirm")
    again = tasks.update_scheme(lab.tech, again.id, again.version, dataclasses.replace(
        again.data, items=(*again.data.items, tasks.SchemeItemInput("耐久性", unit="次"))))
    again = tasks.submit_scheme(lab.tech, again.id, again.version)
    again = tasks.review_scheme(lab.rev, again.id, again.version, accept=True, comment="同意。", password=PASSWORD)
    final = confirm(lab, again, "鄂市监质函〔2026〕7号")
    steps = [(h.kind, h.actor, h.comment, h.document_number) for h in final.history]
    assert steps == [
        ("drafted", "TECH", "", ""),
        ("submitted", "TECH", "", ""),
        ("returned", "REV", "请补充耐久性要求。", ""),
        ("submitted", "TECH", "", ""),
        ("reviewed", "REV", "同意。", ""),
        ("confirmed", "TECH", "", "鄂市监质函〔2026〕7号"),
    ]
    assert [h.at for h in final.history] == sorted(h.at for h in final.history)
    last = final.confirmation
    assert last is not None and last.document_date == lab_day(lab.db) and last.has_file
    assert "文号 鄂市监质函〔2026〕7号" in last.text and "第1版" in last.text
    assert tasks.confirmation_file(lab.tech, last.id) == ("确认函.pdf", PDF)
    assert not final.allowed("edit") and "修订方案" in final.actions["edit"]
    assert audit_ok(lab.db)


def test_the_confirmation_needs_a_document_number_a_date_and_a_real_file(lab, tmp_path: Path, monkeypatch):
    task, submitted = _submitted(lab)
    today = lab_day(lab.db)
    good = tasks.ConfirmationInput("鄂市监质函〔2026〕3号", today, content=PDF, filename="a.pdf")
    with pytest.raises(ValidationError, match="须先通过内部审核"):  # not reviewed yet
        tasks.confirm_scheme(lab.tech, submitted.id, submitted.version, good)
    scheme = tasks.review_scheme(lab.rev, submitted.id, submitted.version, accept=True, password=PASSWORD)
    with pytest.raises(ValidationError) as err:
        tasks.confirm_scheme(lab.tech, scheme.id, scheme.version, tasks.ConfirmationInput(
            "  ", today + dt.timedelta(days=1), content=b"not a scan", filename="a.pdf"))
    e = err.value.errors
    assert e["document_number"] == "请填写任务下达部门确认文件的文号。"
    assert "不能晚于今天" in e["document_date"]
    assert "不是 PDF、JPEG 或 PNG" in e["file"]
    with pytest.raises(ValidationError) as err:
        tasks.confirm_scheme(lab.tech, scheme.id, scheme.version, dataclasses.replace(good, content=None))
    assert "请选择任务下达部门的确认文件" in err.value.errors["file"]
    with pytest.raises(ValidationError, match="不能早于内部审核通过的日期"):
        tasks.confirm_scheme(lab.tech, scheme.id, scheme.version,
                             dataclasses.replace(good, document_date=today - dt.timedelta(days=30)))
    monkeypatch.setattr(tasks, "CONFIRMATION_FILE_LIMIT", 10)
    big = tmp_path / "big.png"
    big.write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 100)
    with pytest.raises(ValidationError, match="超过"):
        tasks.confirm_scheme(lab.tech, scheme.id, scheme.version,
                             tasks.ConfirmationInput("鄂市监质函〔2026〕3号", today, file=big))
    assert tasks.get_scheme(lab.tech, scheme.id).status == "reviewed"  # nothing half written
    monkeypatch.undo()
    scan = tmp_path / "扫描件.jpeg"
    scan.write_bytes(b"\xff\xd8\xff\xe0" + b"1" * 50)
    done = tasks.confirm_scheme(lab.tech, scheme.id, scheme.version,
                                tasks.ConfirmationInput("鄂市监质函〔2026〕3号", today, file=scan))
    assert done.status == "confirmed" and done.confirmation.filename == "扫描件.jpeg"
    assert tasks.confirmation_file(lab.tech, done.confirmation.id)[1].startswith(b"\xff\xd8\xff")


def test_a_revision_keeps_tested_samples_on_the_version_they_were_tested_under(lab):
    task_id, v1_id = ready_task(lab)
    tested = samples.register_sample(lab.tech, form(task_id, v1_id))
    waiting = samples.register_sample(lab.tech, form(task_id, v1_id, batch_number="B2"))
    tested = samples.receive_sample(lab.tech, tested.id, tested.version, lab_day(lab.db), "样品完好")
    testing.start_testing(lab.tech, tested.id, samples.get_sample(lab.tech, tested.id).version, lab_day(lab.db))

    v1 = tasks.get_scheme(lab.tech, v1_id)
    assert v1.allowed("revise") and v1.samples == 2 and v1.tested_samples == 1
    with pytest.raises(PermissionDenied):
        tasks.revise_scheme(lab.rev, v1.id, v1.version)
    v2 = tasks.revise_scheme(lab.tech, v1.id, v1.version, "增加噪声项目的限值说明")
    assert (v2.revision, v2.status, v2.previous_id) == (2, "draft", v1.id)
    assert v2.data == v1.data  # a copy of the items and standards
    assert "已按第 1 版检验的 1 个样品仍保留在第 1 版" in v2.message
    assert "1 个尚未检验的样品在第 2 版确认后改按新版本" in v2.message
    v1 = tasks.get_scheme(lab.tech, v1.id)
    assert v1.status == "confirmed" and "尚未确认的修订版本" in v1.actions["revise"]
    with pytest.raises(ValidationError, match="尚未确认的修订版本"):
        tasks.revise_scheme(lab.tech, v1.id, v1.version)
    # the confirmed version stays in force until the revision is confirmed
    meanwhile = samples.register_sample(lab.tech, form(task_id, v2.id, batch_number="B3"))
    assert samples.get_sample(lab.tech, meanwhile.id).data.scheme_id == v1.id

    items = (*v2.data.items[:-1], dataclasses.replace(v2.data.items[-1], notes="限值按 GB 4706.1"))
    v2 = tasks.update_scheme(lab.tech, v2.id, v2.version, dataclasses.replace(v2.data, items=items))
    v2 = tasks.submit_scheme(lab.tech, v2.id, v2.version)
    v2 = tasks.review_scheme(lab.rev, v2.id, v2.version, accept=True, password=PASSWORD)
    v2 = confirm(lab, v2, "鄂市监质函〔2026〕9号")
    assert v2.status == "confirmed" and "1 个已检验的样品仍按第 1 版" in v2.message
    v1 = tasks.get_scheme(lab.tech, v1.id)
    assert v1.status == "superseded" and not v1.allowed("revise")
    assert samples.get_sample(lab.tech, tested.id).data.scheme_id == v1.id
    assert samples.get_sample(lab.tech, waiting.id).data.scheme_id == v2.id
    assert samples.get_sample(lab.tech, meanwhile.id).data.scheme_id == v2.id
    later = samples.register_sample(lab.tech, form(task_id, v1.id, batch_number="B4"))
    assert samples.get_sample(lab.tech, later.id).data.scheme_id == v2.id
    # one history for both versions, in order
    assert [(h.revision, h.kind) for h in v2.history] == [
        (1, "drafted"), (1, "submitted"), (1, "reviewed"), (1, "confirmed"),
        (2, "revised"), (2, "submitted"), (2, "reviewed"), (1, "superseded"), (2, "confirmed")]
    assert v2.history[4].comment == "由第 1 版修订：增加噪声项目的限值说明"
    assert audit_ok(lab.db)
