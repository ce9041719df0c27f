"""A day at the bench in batches: several reports signed with one password (each its own change, a
refused one listed with its reason), one item entered for many samples (all or nothing), the
letters of the chosen samples only, and what a signer reads before signing."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.errors import ValidationError
from app.services import notifications, reports, review, samples, testing, users
from app.services.context import Context, CurrentUser
from app.services.users import AuthenticationError
from tests.services.conftest import PASSWORD, audit_ok, ready_task
from tests.services.test_workflow import _completed, _tested_sample


def _allround(lab) -> Context:
    info = users.create_user_unchecked(lab.db, actor="t", username="allround", display_name="全能",
                                       roles=["technician", "reviewer", "signatory"], password=PASSWORD)
    return Context(lab.db, CurrentUser(info.id, info.username, info.display_name, frozenset(info.roles)))


def _compiled(lab, ctx, task) -> reports.ReportInfo:
    s = _completed(lab, task)
    return reports.compile_report(ctx, s.id, samples.get_sample(ctx, s.id).version)


@pytest.fixture
def counted_passwords(monkeypatch):
    """How many times a password was checked against its hash."""
    calls = []
    real = users._verify

    def verify(stored, password):
        calls.append(password)
        return real(stored, password)

    monkeypatch.setattr(users, "_verify", verify)
    return calls


def test_several_reports_signed_with_one_password_and_a_refused_one_listed(lab, counted_passwords):
    me = _allround(lab)
    task = ready_task(lab)
    a, b = _compiled(lab, lab.tech, task), _compiled(lab, lab.tech, task)
    mine = _compiled(lab, me, task)

    # a wrong password signs nothing
    with pytest.raises(AuthenticationError):
        reports.review_reports(me, [(a.id, a.version), (b.id, b.version)], "wrong")
    assert {reports.get_report(me, x.id).status for x in (a, b)} == {"compiled"}

    counted_passwords.clear()
    out = reports.review_reports(me, [(a.id, a.version), (mine.id, mine.version), (b.id, b.version)], PASSWORD)
    assert len(counted_passwords) == 1  # asked, and checked, once
    assert [(o.number, o.signed) for o in out] == [(a.number, True), (mine.number, False), (b.number, True)]
    assert out[1].reason == "不能审核自己编制的报告。"
    assert reports.get_report(me, mine.id).status == "compiled"  # nothing half written
    # the same check words the GUI's refusal
    assert reports.get_report(me, mine.id).allowed_actions.reason("review") == "不能审核自己编制的报告。"

    mine = reports.review_report(lab.rev, mine.id, mine.version, PASSWORD)
    a, b = (o.info for o in out if o.signed)
    stale = b.version - 1  # someone else's change since: a conflict, listed, the others still signed
    counted_passwords.clear()
    out = reports.approve_reports(me, [(a.id, a.version), (mine.id, mine.version), (b.id, stale)], PASSWORD,
                                  issue_notices=True)
    assert len(counted_passwords) == 1
    assert [o.signed for o in out] == [True, False, False]
    assert "自己编制" in out[1].reason and "已被其他用户修改" in out[2].reason
    assert reports.get_report(me, a.id).status == "approved"
    assert reports.get_report(me, b.id).status == "reviewed"
    assert out[0].info.approved_by == "全能"
    # each signature is its own audited change, and the chain holds
    assert audit_ok(lab.db)

    with pytest.raises(ValidationError, match="选择"):
        reports.approve_reports(me, [], PASSWORD)


def test_a_bulk_entry_with_one_bad_value_saves_nothing(lab):
    task = ready_task(lab)
    first, rows1 = _tested_sample(lab, task)
    second, rows2 = _tested_sample(lab, task)
    task_id = task[0]
    assert "泄漏电流" in testing.bulk_items(lab.tech, task_id)
    assert "噪声" not in testing.bulk_items(lab.tech, task_id)  # no basis: an expert panel's, not entered here
    grid = testing.bulk_rows(lab.tech, task_id, "泄漏电流")
    assert [g.sample_number for g in grid] == sorted([first.number, second.number])
    assert all(g.numeric and g.required_unit == "mA" for g in grid)

    entries = [testing.BulkEntry(grid[0].result_id, grid[0].version, "0.12"),
               testing.BulkEntry(grid[1].result_id, grid[1].version, "0,3x")]
    with pytest.raises(ValidationError) as err:
        testing.enter_results_bulk(lab.tech, "泄漏电流", entries)
    assert list(err.value.errors) == [str(grid[1].result_id)]
    assert "不是数值" in err.value.errors[str(grid[1].result_id)] and grid[1].sample_number in err.value.message
    assert [g.value_text for g in testing.bulk_rows(lab.tech, task_id, "泄漏电流")] == ["", ""]  # nothing saved

    entries[1] = testing.BulkEntry(grid[1].result_id, grid[1].version, "0.31")
    saved = testing.enter_results_bulk(lab.tech, "泄漏电流", entries)
    assert [r.judgement for r in saved] == [testing.auto_judgement(grid[0].requirement, "0.12", "mA"), "fail"]
    assert [(g.value_text, g.judgement) for g in testing.bulk_rows(lab.tech, task_id, "泄漏电流")] == [
        ("0.12", "pass"), ("0.31", "fail")]
    with pytest.raises(Exception, match="已被其他用户修改"):  # the versions shown before are stale now
        testing.enter_results_bulk(lab.tech, "泄漏电流", entries)
    assert audit_ok(lab.db)


def _approved_problem(lab, task) -> samples.SampleDetail:
    s = _completed(lab, task)  # 泄漏电流 0.31 fails
    r = reports.compile_report(lab.tech, s.id, samples.get_sample(lab.tech, s.id).version)
    r = reports.review_report(lab.rev, r.id, r.version, PASSWORD)
    reports.approve_report(lab.sig, r.id, r.version, PASSWORD)
    return s


def test_notices_are_written_for_the_selected_samples_only(lab, tmp_path: Path):
    task = ready_task(lab)
    one, other = _approved_problem(lab, task), _approved_problem(lab, task)
    task_id = task[0]
    everything = notifications.plan_notices(lab.tech, task_id)
    assert set(everything.sample_ids) == {one.id, other.id}

    plan = notifications.plan_notices(lab.tech, task_id, [one.id])
    assert plan.sample_ids == (one.id,) and len(plan.notices) == 2  # the seller and the nominal producer
    assert all(not n.issued and n.sample_number == one.number for n in plan.notices)
    assert notifications.list_notifications(lab.tech, task_id).rows == ()  # planning writes nothing

    batch = notifications.generate_notices(lab.tech, task_id, tmp_path / "out", sample_ids=[one.id])
    assert sorted(p.name for p in batch.paths) == sorted(n.file_name for n in plan.notices)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(n.file_name for n in plan.notices)
    records = notifications.list_notifications(lab.tech, task_id)
    assert {r.sample_number for r in records.rows} == {one.number}  # the other sample untouched
    assert records.awaiting == (other.number,)
    again = notifications.plan_notices(lab.tech, task_id, [one.id])
    assert [(n.file_name, n.issued) for n in again.notices] == [(n.file_name, True) for n in plan.notices]

    quiet = _completed(lab, task)  # completed, not approved: nothing to tell
    with pytest.raises(ValidationError, match=quiet.number):
        notifications.plan_notices(lab.tech, task_id, [one.id, quiet.id])
    with pytest.raises(ValidationError, match=quiet.number):
        notifications.generate_notices(lab.tech, task_id, tmp_path / "none", sample_ids=[quiet.id])
    with pytest.raises(ValidationError, match="选择"):
        notifications.generate_notices(lab.tech, task_id, tmp_path / "none", sample_ids=[])
    assert not (tmp_path / "none").exists()


def test_the_signer_reads_the_report_its_failures_and_its_amendments(lab):
    from tests.services.amending import amend_approved

    task = ready_task(lab)
    s = _completed(lab, task)
    r1 = reports.compile_report(lab.tech, s.id, samples.get_sample(lab.tech, s.id).version)
    ctx = review.review_context(lab.rev, r1.id)
    assert ctx.pdf.startswith(b"%PDF") and ctx.report.number == r1.number and ctx.sample_number == s.number
    assert [(n.item, n.requirement, n.result) for n in ctx.nonconforming] == [("泄漏电流", "≤0.25 mA", "0.31 mA")]
    assert not ctx.is_amendment and ctx.changes == ()

    r1 = reports.review_report(lab.rev, r1.id, r1.version, PASSWORD)
    reports.approve_report(lab.sig, r1.id, r1.version, PASSWORD)
    row = next(r for r in testing.results_grid(lab.tech, s.id).rows if r.item == "泄漏电流")
    amend_approved(lab.tech, lab.sig, PASSWORD, row.id, row.version, value_text="0.21", amendment_reason="抄录错误")
    r2 = reports.compile_report(lab.tech, s.id, samples.get_sample(lab.tech, s.id).version)
    ctx = review.review_context(lab.rev, r2.id)
    assert ctx.is_amendment and ctx.replaces_number == r1.number and ctx.amendment_reason == "抄录错误"
    [change] = ctx.changes
    assert (change.item, change.original["value_text"], change.amended["value_text"], change.reason,
            change.amended_by) == ("泄漏电流", "0.31", "0.21", "抄录错误", "TECH")
    assert ctx.nonconforming == ()
