"""The 检验与判定 presenter without widgets: drafts, what is saved how, and every button state taken
from the snapshots' ``allowed_actions`` (never re-derived)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from app.services import permissions, reports, testing
from app.services.context import ROLES, CurrentUser
from app.ui.presenters.testing import BUTTONS, NO_AMENDMENT, NO_BASIS, NO_REPORT, PANEL_ITEM, TestingPresenter

ME, OTHER = 1, 2


def user(*roles: str) -> CurrentUser:
    return CurrentUser(ME, "me", "我", frozenset(roles))


def row(rid: int, *, version: int = 1, basis: dict | None = None, numeric: bool = True, needs_panel: bool = False):
    return SimpleNamespace(id=rid, version=version, item=f"项目{rid}", basis={"code": "GB 1"} if basis is None else basis,
                           numeric=numeric, needs_panel=needs_panel, panel_id=None)


def work(u: CurrentUser, status: str, *, rows=(), report_status: str | None = None, has_approved_report=False,
         compiled_by=OTHER):
    rows = tuple(rows) or (row(10), row(11))
    report = None
    if report_status is not None:
        report = SimpleNamespace(status=report_status, allowed_actions=permissions.report_actions(
            u, status=report_status, compiled_by_id=compiled_by))
    return SimpleNamespace(
        sample_id=7, status=status, report=report, has_approved_report=has_approved_report,
        grid=SimpleNamespace(rows=rows),
        allowed_actions=permissions.sample_actions(u, status=status, items=len(rows),
                                                   has_approved_report=has_approved_report),
    )


def test_drafts_survive_a_reload_and_adopt_the_new_version_after_a_conflict():
    p = TestingPresenter()
    p.show(work(user("technician"), "testing"))
    p.row_id = 10
    first = p.edit(p.current_row(), value="3.5", unit="W", judgement="", reason="", amendment_reason="")
    assert first.version == 1 and p.drafts[10].value == "3.5"
    again = p.edit(p.current_row(), value="3.6", unit="W", judgement="", reason="", amendment_reason="")
    assert again.version == 1  # a draft keeps the version it was started on
    p.adopt_after = 10
    p.show(work(user("technician"), "testing", rows=(row(10, version=4),)))
    assert p.drafts[10].version == 4 and p.drafts[10].value == "3.6" and p.adopt_after is None
    p.show(work(user("technician"), "testing", rows=(row(12),)))  # the item is gone: so is its draft
    assert p.drafts == {}


def test_saving_enters_while_testing_and_amends_once_results_were_issued():
    p = TestingPresenter()
    p.show(work(user("technician"), "testing"))
    r = p.work.grid.rows[0]
    p.edit(r, value="9", unit="", judgement="fail", reason="", amendment_reason="")
    fn, version, kwargs = p.save_call(r, value="9", unit="", judgement="fail", reason="", amendment_reason="x")
    assert fn is testing.record_result and version == 1 and kwargs["judgement"] is None  # numeric: judged by the rule
    p.show(work(user("technician"), "approved", has_approved_report=True))
    fn, _version, kwargs = p.save_call(r, value="9", unit="", judgement="", reason="", amendment_reason="录入错误")
    assert fn is reports.amend_result and kwargs["amendment_reason"] == "录入错误"
    p.saved(r.id)
    assert r.id not in p.drafts


@pytest.mark.parametrize("status", permissions.SAMPLE_STATUSES)
@pytest.mark.parametrize("role", ROLES)
def test_sample_buttons_are_the_permission_model(role, status):
    u = user(role)
    p = TestingPresenter()
    w = work(u, status, has_approved_report=status in ("approved", "reported"))
    p.show(w)
    states = p.buttons()
    assert set(states) == set(BUTTONS)
    for button, action in (("start", "start"), ("complete", "complete"), ("reopen", "reopen"),
                           ("compile", "compile"), ("reported", "mark_reported"), ("hazard", "report_hazard")):
        a = w.allowed_actions[action]
        assert (states[button].enabled, states[button].reason) == (a.allowed, a.reason), (button, role, status)


@pytest.mark.parametrize("report_status", permissions.REPORT_STATUSES)
@pytest.mark.parametrize("role", ROLES)
def test_report_buttons_are_the_permission_model(role, report_status):
    u = user(role)
    p = TestingPresenter()
    p.show(work(u, "compiled", report_status=report_status))
    states = p.buttons()
    for action in ("review", "approve"):
        a = p.work.report.allowed_actions[action]
        assert (states[action].enabled, states[action].reason) == (a.allowed, a.reason)


def test_the_cases_of_the_issue():
    p = TestingPresenter()
    p.show(work(user("technician"), "reviewed", report_status="reviewed"))
    assert p.buttons()["approve"].reason == "只有授权签字人才能批准报告。"
    # after completion, compiling is refused for what is true now, not "only after completion"
    assert "只有已完成初次风险监测" not in p.buttons()["compile"].reason
    p.show(work(user("signatory"), "reviewed", report_status="reviewed"))
    assert p.buttons()["approve"].enabled
    assert p.buttons()["review"].reason == "只有审核人才能审核报告。"
    p.show(work(user("signatory"), "compiled", report_status="compiled", compiled_by=ME))
    assert p.buttons()["approve"].reason == "报告当前状态为“已编制”，须先审核再批准。"


def test_no_report_no_amendment_and_items_that_take_no_value():
    p = TestingPresenter()
    rows = (row(10), row(11, basis={"source": "panel"}), row(12, basis={}, needs_panel=True))
    p.show(work(user("technician"), "testing", rows=rows))
    states = p.buttons()
    assert states["review"].reason == NO_REPORT and states["approve_amendment"].reason == NO_AMENDMENT
    p.row_id = 10
    assert p.buttons()["save"].enabled and p.editable() and not p.buttons()["panel"].enabled
    p.row_id = 11
    assert p.buttons()["save"].reason == PANEL_ITEM
    p.show(work(user("technician"), "testing", rows=(row(13, basis={}, needs_panel=True),)))
    p.work.grid.rows[0].basis = None
    p.row_id = 13
    assert p.buttons()["save"].reason == NO_BASIS and p.buttons()["panel"].enabled
    p.loading = True  # nothing acts while a reload runs
    assert not any(s.enabled for name, s in p.buttons().items() if name != "discard")


def test_amendment_buttons_follow_the_amendment_snapshot():
    p = TestingPresenter()
    p.show(work(user("signatory"), "completed", has_approved_report=True))
    mine = SimpleNamespace(allowed_actions=permissions.amendment_actions(user("signatory"), status="pending",
                                                                         amended_by_id=ME))
    theirs = SimpleNamespace(allowed_actions=permissions.amendment_actions(user("signatory"), status="pending",
                                                                           amended_by_id=OTHER))
    assert p.buttons(mine)["approve_amendment"].reason == "不能批准自己提出的更正：须由另一位授权签字人批准。"
    assert p.buttons(theirs)["approve_amendment"].enabled and p.buttons(theirs)["refuse_amendment"].enabled
