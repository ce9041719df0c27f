"""Amending an issued result needs an authorised signatory's approval — a second person, with their
password, checked against the database — and afterwards every place that shows the sample or its
reports says what happened (原报告已被更正，替代报告待编制 / 已由 … 替代)."""

from __future__ import annotations

import pytest

from app.errors import PermissionDenied, ValidationError
from app.services import documents, reports, sample_list, samples, testing, users
from app.services.context import Context, CurrentUser
from app.services.users import AuthenticationError
from tests.services.conftest import PASSWORD, audit_ok
from tests.services.test_testing_more import _approved


def _row(lab, sample_id: int, item: str = "泄漏电流") -> testing.ResultRow:
    return next(r for r in testing.results_grid(lab.tech, sample_id).rows if r.item == item)


def _everywhere(lab, sample_id: int) -> dict[str, str]:
    """The sample's state as each view shows it: the testing page, the reports page, the sample list, the ledger."""
    work = reports.sample_work(lab.tech, sample_id)
    task_id = samples.get_sample(lab.tech, sample_id).data.task_id
    row = next(r for r in documents.task_report_rows(lab.tech, task_id) if r.sample_id == sample_id)
    listed = next(r for r in sample_list.page(lab.tech, sample_list.SampleQuery()) if r.id == sample_id)
    ledger = next(r for r in documents.ledger_rows(lab.tech, task_id) if r.sample_number == listed.number)
    return {"testing": work.state_note, "reports": row.status_label, "list": listed.state_note, "ledger": ledger.status}


def test_an_amendment_waits_for_a_signatory_then_the_report_is_to_be_replaced(any_lab):
    lab = any_lab
    s, r1 = _approved(lab)
    row = _row(lab, s.id)
    asked = reports.amend_result(lab.tech, row.id, row.version, value_text="0.21", amendment_reason="抄录错误")
    assert asked.status == "pending" and asked.amended["value_text"] == "0.21"
    # nothing changes until it is approved: the result, the sample, the report in force
    assert _row(lab, s.id).value_text == row.value_text and samples.get_sample(lab.tech, s.id).status == "approved"
    assert all("结果更正待授权签字人批准" in text for text in _everywhere(lab, s.id).values())
    with pytest.raises(ValidationError, match="已有一项更正"):  # one pending amendment per result
        reports.amend_result(lab.tech, row.id, row.version, value_text="0.22", amendment_reason="再改")

    # only an authorised signatory, with the right password
    with pytest.raises(PermissionDenied):
        reports.approve_amendment(lab.rev, asked.id, asked.version, PASSWORD)
    with pytest.raises(AuthenticationError, match="密码错误"):
        reports.approve_amendment(lab.sig, asked.id, asked.version, "wrong password")
    assert reports.list_amendments(lab.tech, s.id)[0].status == "pending"  # nothing written
    a = reports.approve_amendment(lab.sig, asked.id, asked.version, PASSWORD)
    assert a.status == "approved" and a.decided_by == "SIG" and a.decided_at is not None
    assert _row(lab, s.id).value_text == "0.21" and _row(lab, s.id).judgement == "pass"
    with pytest.raises(ValidationError, match="已批准"):
        reports.approve_amendment(lab.sig, a.id, a.version, PASSWORD)

    expected = f"原报告 {r1.number} 已被更正，替代报告待编制"
    assert all(expected in text for text in _everywhere(lab, s.id).values()), _everywhere(lab, s.id)
    assert reports.get_report(lab.tech, r1.id).state_text == f"已批准；{expected}"

    r2 = reports.compile_report(lab.tech, s.id, samples.get_sample(lab.tech, s.id).version)
    assert r2.replaces_number == r1.number and r2.amendment_reason == "抄录错误"
    assert all(f"替代报告 {r2.number} 待审核" in text for text in _everywhere(lab, s.id).values())
    r2 = reports.review_report(lab.rev, r2.id, r2.version, PASSWORD)
    reports.approve_report(lab.sig, r2.id, r2.version, PASSWORD)
    assert reports.get_report(lab.tech, r1.id).state_text == f"已被替代；已由 {r2.number} 替代"
    assert not any(_everywhere(lab, s.id)[k] for k in ("testing", "list"))  # the replacement is in force
    assert audit_ok(lab.db)


def test_the_amender_cannot_approve_their_own_amendment(lab):
    s, _r1 = _approved(lab)
    both = users.create_user(lab.admin, username="both", display_name="双角色", roles=["technician", "signatory"],
                             password=PASSWORD)
    me = Context(lab.db, CurrentUser(both.id, both.username, both.display_name, frozenset(both.roles)))
    row = _row(lab, s.id)
    asked = reports.amend_result(me, row.id, row.version, value_text="0.21", amendment_reason="抄录错误")
    with pytest.raises(PermissionDenied, match="另一位授权签字人"):
        reports.approve_amendment(me, asked.id, asked.version, PASSWORD)
    with pytest.raises(PermissionDenied, match="另一位授权签字人"):
        reports.reject_amendment(me, asked.id, asked.version, PASSWORD, "不同意")
    assert reports.approve_amendment(lab.sig, asked.id, asked.version, PASSWORD).decided_by == "SIG"


def test_a_refused_amendment_changes_nothing_and_a_pending_one_holds_the_replacement_back(lab):
    s, r1 = _approved(lab)
    row = _row(lab, s.id)
    asked = reports.amend_result(lab.tech, row.id, row.version, value_text="0.21", amendment_reason="抄录错误")
    other = _row(lab, s.id, "额定功率")
    second = reports.amend_result(lab.tech, other.id, other.version, value_text="12", amendment_reason="功率复测")
    reports.approve_amendment(lab.sig, second.id, second.version, PASSWORD)
    # the sample waits for its replacement report, but not while an amendment is undecided
    with pytest.raises(ValidationError, match="待授权签字人批准"):
        reports.compile_report(lab.tech, s.id, samples.get_sample(lab.tech, s.id).version)
    assert "另有结果更正待授权签字人批准" in reports.sample_work(lab.tech, s.id).state_note

    with pytest.raises(ValidationError, match="理由"):
        reports.reject_amendment(lab.sig, asked.id, asked.version, PASSWORD, " ")
    refused = reports.reject_amendment(lab.sig, asked.id, asked.version, PASSWORD, "原始记录无误")
    assert refused.status == "rejected" and refused.decision_comment == "原始记录无误"
    assert _row(lab, s.id).value_text == row.value_text  # unchanged
    history = {a.item: a for a in reports.sample_work(lab.tech, s.id).amendments}
    assert history["泄漏电流"].status_label == "已退回" and history["额定功率"].status_label == "已批准"
    r2 = reports.compile_report(lab.tech, s.id, samples.get_sample(lab.tech, s.id).version)
    assert r2.amendment_reason == "功率复测"  # only what was approved
    assert audit_ok(lab.db)
