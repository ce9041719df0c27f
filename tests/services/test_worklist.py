"""The work list of the bench and the 待我处理 inbox, on SQLite and PostgreSQL: which samples wait,
whose they are, their deadline colour (the dashboard's), the order, and what each role is asked to do."""

from __future__ import annotations

import datetime as dt

import pytest

from app.errors import ValidationError
from app.services import dashboard, notifications, reports, samples, testing, worklist
from app.services.calendar import working_calendar
from app.services.worklist import WorkQuery
from app.store.models import SyncOutbox
from app.store.uow import UnitOfWork
from tests.services.conftest import PASSWORD, TODAY, ready_task
from tests.services.test_workflow import OUT_OF_PROVINCE, SELLER, form

pytestmark = pytest.mark.lab_time  # dates against the lab's today: also run under TZ=UTC


def _register(lab, task, n: int, ctx=None, *, received: bool = True):
    task_id, scheme_id = task
    s = samples.register_sample(
        ctx or lab.tech,
        form(task_id, scheme_id, place_type="physical_seller", sampled=SELLER, nominal_producer=OUT_OF_PROVINCE,
             batch_number=f"B-{n}", sampling_date=TODAY - dt.timedelta(days=60),
             received_date=(TODAY - dt.timedelta(days=50)) if received else None),
    )
    return s


def _complete(lab, s, completed: dt.date, ctx=None):
    ctx = ctx or lab.tech
    grid = testing.start_testing(ctx, s.id, s.version, TODAY - dt.timedelta(days=49))
    rows = {r.item: r for r in grid.rows}
    for item, value in (("泄漏电流", "0.31"), ("额定功率", "1.0")):
        testing.record_result(ctx, rows[item].id, rows[item].version, value_text=value)
    testing.record_result(ctx, rows["外观"].id, rows["外观"].version, value_text="平整", judgement="pass",
                          reason="目测平整")
    members = [testing.PanelMemberInput(n, "某大学") for n in ("甲", "乙", "丙")]
    testing.record_panel(ctx, s.id, "噪声", members=members, conclusion="无风险", finding="pass")
    grid = testing.results_grid(ctx, s.id)
    testing.complete_initial_monitoring(ctx, s.id, grid.sample_version, completed)


@pytest.fixture
def bench(any_lab):
    """Six samples: registered only; received (tech); in testing (tech2); completed long ago,
    yesterday and today (tech)."""
    lab = any_lab
    task = ready_task(lab)
    ns = {
        "registered": _register(lab, task, 1, received=False),
        "received": _register(lab, task, 2),
        "testing": _register(lab, task, 3),
        "old": _register(lab, task, 4),
        "recent": _register(lab, task, 5),
        "today": _register(lab, task, 6),
    }
    testing.start_testing(lab.tech2, ns["testing"].id, ns["testing"].version, TODAY - dt.timedelta(days=3))
    long_ago = TODAY - dt.timedelta(days=40)
    _complete(lab, ns["old"], long_ago)
    _complete(lab, ns["recent"], TODAY - dt.timedelta(days=3))
    _complete(lab, ns["today"], TODAY)
    return lab, task, {k: v.id for k, v in ns.items()}


def numbers(rows) -> list[str]:
    return [r.number for r in rows]


def test_the_work_list_holds_the_waiting_samples_in_deadline_order(bench):
    lab, _task, ids = bench
    rows = worklist.list_work(lab.tech)
    assert [r.id for r in rows] == [ids["old"], ids["recent"], ids["today"], ids["received"], ids["testing"]]
    assert worklist.count(lab.tech, WorkQuery()) == 5  # the registered one is not waiting at the bench
    old = rows[0]
    assert old.state == "overdue" and old.days_left < 0 and old.deadline > old.completed_date
    assert rows[3].state == "none" and rows[3].deadline is None
    # the clock is the dashboard's, sample by sample
    board = {r.sample_id: r for r in dashboard.load_board(lab.tech, today=TODAY).rows}
    for r in rows[:3]:
        assert (r.deadline, r.state, r.days_left) == (board[r.id].deadline, board[r.id].state, board[r.id].days_left)
    # other orders, and pages that neither overlap nor skip
    by_number = worklist.page(lab.tech, WorkQuery(), "number", True, 0, 10)
    assert numbers(by_number) == sorted(numbers(rows), reverse=True)
    paged = [r.id for off in range(0, 5, 2) for r in worklist.page(lab.tech, WorkQuery(), "deadline", False, off, 2)]
    assert paged == [r.id for r in rows]
    first = worklist.first_page(lab.tech, WorkQuery(), limit=2)
    assert first.total == 5 and [r.id for r in first.rows] == paged[:2]


def test_filters_mine_status_task_and_deadline_colour(bench):
    lab, task, ids = bench
    mine = {r.id for r in worklist.list_work(lab.tech, WorkQuery(mine=True))}
    assert mine == {ids["received"], ids["testing"], ids["old"], ids["recent"], ids["today"]}  # tech registered all
    # tech2 only started testing one of them: that makes it theirs
    assert [r.id for r in worklist.list_work(lab.tech2, WorkQuery(mine=True))] == [ids["testing"]]
    assert worklist.list_work(lab.rev, WorkQuery(mine=True)) == []
    assert worklist.default_query(lab.tech).mine and not worklist.default_query(lab.rev).mine
    assert [r.id for r in worklist.list_work(lab.tech, WorkQuery(status="testing"))] == [ids["testing"]]
    assert worklist.count(lab.tech, WorkQuery(task_id=task[0])) == 5
    assert worklist.count(lab.tech, WorkQuery(task_id=task[0] + 1000)) == 0
    states = {r.id: r.state for r in worklist.list_work(lab.tech)}
    for colour in ("overdue", "due_soon", "ok"):
        got = {r.id for r in worklist.list_work(lab.tech, WorkQuery(deadline=colour))}
        assert got == {i for i, st in states.items() if st == colour}, colour
        assert worklist.count(lab.tech, WorkQuery(deadline=colour)) == len(got)
    assert {r.id for r in worklist.list_work(lab.tech, WorkQuery(deadline="none"))} == {ids["received"], ids["testing"]}
    assert ids["old"] in {r.id for r in worklist.list_work(lab.tech, WorkQuery(deadline="overdue"))}
    with pytest.raises(ValidationError):
        worklist.count(lab.tech, WorkQuery(status="registered"))
    with pytest.raises(ValidationError):
        worklist.page(lab.tech, WorkQuery(), "nonsense")


def test_the_deadline_bounds_agree_with_the_dashboard_day_by_day(any_lab):
    cal = working_calendar(any_lab.tech)
    for today in (TODAY, dt.date(2026, 10, 1), dt.date(2026, 9, 30), dt.date(2027, 2, 8)):
        bounds = worklist.deadline_bounds(cal, 5, today)
        for back in range(0, 40):
            completed = today - dt.timedelta(days=back)
            d = cal.deadline(completed, 5).deadline
            left = cal.working_days_left(d, today)
            state = dashboard.clock_state(left, d < today)
            expected = ("overdue" if completed < bounds.due_soon_from else
                        "due_soon" if completed < bounds.ok_from else "ok")
            assert state == expected, (today, completed)


def test_the_inbox_asks_each_role_for_its_part_and_never_for_ones_own_report(bench):
    lab, _task, ids = bench
    assert worklist.inbox(lab.rev).items == ()
    # a technician sees the item of the sample in testing that needs an expert panel
    tech_box = worklist.inbox(lab.tech)
    panel = [i for i in tech_box.items if i.kind == "panel"]
    assert [(i.sample_id, i.item) for i in panel] == [(ids["testing"], "噪声")]
    assert tech_box.counts["panel"] == 1

    s = samples.get_sample(lab.tech, ids["old"])
    report = reports.compile_report(lab.tech, s.id, s.version)
    review = [i for i in worklist.inbox(lab.rev).items if i.kind == "review"]
    assert [(i.report_id, i.sample_id) for i in review] == [(report.id, ids["old"])]
    assert report.number in review[0].title and "审核" in review[0].detail
    assert not [i for i in worklist.inbox(lab.tech).items if i.kind in ("review", "approve")]
    assert not [i for i in worklist.inbox(lab.sig).items if i.kind == "approve"]
    assert worklist.counts(lab.rev).inbox == 1

    report = reports.review_report(lab.rev, report.id, report.version, PASSWORD)
    assert worklist.inbox(lab.rev).items == ()
    approve = [i for i in worklist.inbox(lab.sig).items if i.kind == "approve"]
    assert [i.report_id for i in approve] == [report.id]
    reports.approve_report(lab.sig, report.id, report.version, PASSWORD)  # 泄漏电流 0.31 failed: notices
    notifications.create_notifications(lab.tech, ids["old"])
    notices = [i for i in worklist.inbox(lab.tech).items if i.kind == "notice"]
    assert notices and all(i.sample_id == ids["old"] for i in notices)
    assert worklist.inbox(lab.sig).counts["notice"] == len(notices)
    # sent: no longer waiting
    first = notifications.list_notifications(lab.tech, _task[0]).rows[0]
    notifications.record_delivery(lab.tech, first.id, first.version, sent_date=TODAY, method="post")
    assert worklist.inbox(lab.tech).counts["notice"] == len(notices) - 1

    # a failed upload waits for whoever may operate uploads
    with UnitOfWork(lab.db, actor="test") as uow:
        item = uow.session.query(SyncOutbox).first()
        item.state, item.next_attempt_at, item.last_error = "failed", None, "省级系统拒收：格式错误"
        outbox_id = item.id
        uow.commit()
    uploads = [i for i in worklist.inbox(lab.sig).items if i.kind == "upload"]
    assert [i.outbox_id for i in uploads] == [outbox_id] and "需人工处理" in uploads[0].detail
    assert not [i for i in worklist.inbox(lab.rev).items if i.kind == "upload"]
    counts = worklist.counts(lab.tech)
    assert counts.inbox == worklist.inbox(lab.tech).total
    assert counts.work == worklist.count(lab.tech, WorkQuery(mine=True))


def test_a_scanned_label_finds_its_sample_and_an_unknown_code_says_so(bench):
    lab, _task, ids = bench
    number = samples.get_sample(lab.tech, ids["testing"]).number
    assert worklist.find_by_code(lab.tech, f" {number}\n").sample_id == ids["testing"]
    missing = worklist.find_by_code(lab.tech, "T-01-9999")
    assert missing.sample_id is None and missing.message == "未找到样品编号 T-01-9999"
    pattern = worklist.scan_pattern(lab.tech)
    import re

    assert re.fullmatch(pattern, number) and re.fullmatch(pattern, "HBFX-2026-DQ-01-0001")
    assert not re.fullmatch(pattern, "HBFX-2026-DQ-01") and not re.fullmatch(pattern, "电热水壶")
    assert worklist.code_pattern("{year}{month:02d}-{task}/{seq:05d}").fullmatch("202609-A-1/00012")
    assert worklist.code_pattern("{nonsense}") is None
    with pytest.raises(ValidationError):
        worklist.find_by_code(lab.tech, "  ")
