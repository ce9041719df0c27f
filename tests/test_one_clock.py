"""One clock: the machine's time is read in app/clock.py only, and "today" is the lab's.

At half past midnight in Wuhan a UTC machine is still on the day before. The walk below freezes the
program's clock there and goes from sampling to a delivered notice: every date the forms accept, the
deadline, the report, the ledger and the board must say the lab's day.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from app import clock
from app.services import dashboard, notifications, reports, samples, testing
from app.services.documents import ledger, test_report
from app.store.queries import lab_today
from app.store.uow import UnitOfWork
from tests.services.conftest import PASSWORD, make_lab, ready_task

ROOT = Path(__file__).resolve().parents[1]

# The ways Python and Qt read the machine's clock or zone.
MACHINE_CLOCK = re.compile(
    r"\bdate\.today\(|\bdatetime\.(now|utcnow|today)\(|QDate\.currentDate\(|QDateTime\.current\w*\("
    r"|\.astimezone\(\)|\btime\.localtime\(|\btime\.strftime\("
)


def test_the_machine_clock_is_read_in_one_module():
    found = []
    for path in sorted((ROOT / "app").rglob("*.py")):
        if path == ROOT / "app" / "clock.py":
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if MACHINE_CLOCK.search(line.split("#", 1)[0]):
                found.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()}")
    assert not found, "read the time through app.clock:\n" + "\n".join(found)


def test_the_checker_sees_a_machine_clock_call(tmp_path):
    assert MACHINE_CLOCK.search("today = dt.date.today()")
    assert MACHINE_CLOCK.search("edit.setDate(QDate.currentDate())")
    assert MACHINE_CLOCK.search("when.astimezone().strftime('%H')")
    assert not MACHINE_CLOCK.search("when.astimezone(clock.lab_zone())")


SELLER = samples.PartyInput(name="武汉市江岸区顺和家电商行", uscc="92420102MA4K0ABC8E")
PRODUCER = samples.PartyInput(name="佛山市顺德区美厨电器有限公司", uscc="91440606MA51XY2N0L")


@pytest.mark.lab_time
def test_half_past_midnight_in_wuhan_is_the_same_day_everywhere(sqlite_db, lab_clock):
    moment = lab_clock(dt.datetime(2026, 6, 15, 0, 30))
    lab = make_lab(sqlite_db)
    day = dt.date(2026, 6, 15)
    assert moment.date() == dt.date(2026, 6, 14)  # the UTC machine is still on the 14th
    assert clock.today() == day and clock.now().hour == 0
    with UnitOfWork(lab.db, actor="test") as uow:
        assert lab_today(uow.session) == day

    task_id, scheme_id = ready_task(lab)
    # sampled, received and tested "today": the lab's today is not a date in the future
    s = samples.register_sample(lab.tech, samples.SampleInput(
        task_id=task_id, scheme_id=scheme_id, place_type="physical_seller", sampled=SELLER,
        nominal_producer=PRODUCER, product_name="电热水壶", brand="康泰", model_spec="KT-1718",
        batch_number="20260601", declared_standards=("GB/T 90001",), sampling_date=day,
        sampling_place="店内货架", samplers=("王建", "刘洋"), test_quantity="3", backup_quantity="3",
        received_date=day))
    grid = testing.start_testing(lab.tech, s.id, s.version)  # the test date defaults to the lab's today
    rows = {r.item: r for r in grid.rows}
    for item, value in (("泄漏电流", "0.31"), ("额定功率", "1.0")):
        testing.record_result(lab.tech, rows[item].id, rows[item].version, value_text=value)
    testing.record_result(lab.tech, rows["外观"].id, rows["外观"].version, value_text="平整", judgement="pass",
                          reason="目测平整")
    members = [testing.PanelMemberInput(n, "某大学") for n in ("甲", "乙", "丙")]
    testing.record_panel(lab.tech, s.id, "噪声", members=members, conclusion="无风险", finding="pass")
    grid = testing.complete_initial_monitoring(lab.tech, s.id, testing.results_grid(lab.tech, s.id).sample_version,
                                               day)
    report = reports.compile_report(lab.tech, s.id, samples.get_sample(lab.tech, s.id).version)
    report = reports.review_report(lab.rev, report.id, report.version, PASSWORD)
    report = reports.approve_report(lab.sig, report.id, report.version, PASSWORD)
    assert clock.local(report.approved_at).date() == day
    assert test_report.test_report_data(lab.tech, s.id).issue_date == day

    # the deadline counts five working days from the lab's day, on the board and in the ledger
    board = dashboard.load_board(lab.tech)
    (row,) = board.rows
    assert board.today == day
    assert row.completed == day and row.deadline > day and row.state == "ok"
    assert row.days_left == 5  # 2026-06-15 is a Monday: the five working days are still all ahead
    (line,) = ledger.ledger_rows(lab.tech, task_id)
    assert (line.completed_date, line.deadline) == (day, row.deadline)

    # a notice delivered today (the lab's) is neither in the future nor before the approval
    first = notifications.create_notifications(lab.tech, s.id)[0]
    sent = notifications.record_delivery(lab.tech, first.id, first.version, sent_date=day, method="post")
    assert sent.sent_date == day
    with pytest.raises(Exception, match="晚于|未来|今天"):
        notifications.record_delivery(lab.tech, first.id, sent.version, sent_date=day + dt.timedelta(days=1),
                                      method="post")


@pytest.mark.lab_time
def test_a_form_offers_the_lab_s_today(qtbot, lab_clock):
    from PySide6.QtCore import QDate

    from app.ui.widgets import OptionalDateEdit

    lab_clock(dt.datetime(2026, 6, 15, 0, 30))
    edit = OptionalDateEdit(None)
    qtbot.addWidget(edit)
    assert edit.edit.date() == QDate(2026, 6, 15)
    assert clock.local_text(dt.datetime(2026, 6, 14, 16, 30, tzinfo=dt.UTC)) == "2026-06-15 00:30"
