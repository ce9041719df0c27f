"""告知 records on the demo lab: created once per approved report, letters in batch with cancel,
delivery recorded by the right people with checked dates."""

from __future__ import annotations

import datetime as dt
import io
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader

from app import clock
from app.errors import ConflictError, PermissionDenied, ValidationError
from app.services import dashboard, demo, documents, notifications, reports, samples, testing, users
from app.services.context import Context, CurrentUser
from app.store.db import DB_FILENAME, bootstrap
from tests.services.amending import amend_approved

KETTLE = "HBFX-2026-DQ-01"


def _ctx(db, username: str) -> Context:
    return Context(db, users.authenticate(db, username, demo.DEMO_PASSWORD))


@pytest.fixture(scope="module")
def demo_file(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An SQLite file holding the demo lab, loaded once for this module."""
    home = tmp_path_factory.mktemp("notifications-demo")
    shutil.copyfile(request.getfixturevalue("_sqlite_template"), home / DB_FILENAME)
    database = bootstrap(None, home=home)
    demo.load_demo(database, actor="test")
    database.dispose()  # checkpoints the WAL into the file
    return home / DB_FILENAME


@pytest.fixture
def lab(demo_file: Path, tmp_path: Path):
    """A fresh copy of the demo lab per test."""
    shutil.copyfile(demo_file, tmp_path / DB_FILENAME)
    database = bootstrap(None, home=tmp_path)
    yield database
    database.dispose()


def _task(ctx: Context) -> int:
    return documents.task_id_by_number(ctx, KETTLE)


def test_records_are_created_once_per_approved_report(lab):
    tech = _ctx(lab, "wangjian")
    task_id = _task(tech)
    before = notifications.list_notifications(tech, task_id)
    # the demo issued the approved problem sample's notices after its approval
    assert len(before.rows) == 3 and before.awaiting == ()
    [sample_number] = {r.sample_number for r in before.rows}

    assert notifications.create_task_notifications(tech, task_id) == 0  # issued once per report
    listed = notifications.list_notifications(tech, task_id)
    assert listed.awaiting == () and listed.not_sent == 3
    assert [r.sample_number for r in listed.rows] == [sample_number] * 3
    assert [r.out_of_province for r in listed.rows] == [False, True, True]
    assert [r.roles for r in listed.rows] == [("sampled_seller",), ("nominal_producer",), ("platform_operator",)]
    assert all(r.confidential and r.report_current and r.state == "not_sent" for r in listed.rows)
    expected = [n.notice_number for n in documents.notices_for_sample(tech, listed.rows[0].sample_id)]
    assert [r.document_number for r in listed.rows] == expected
    assert listed.rows[1].roles_label == "标称生产企业" and listed.rows[1].uscc.startswith("9144")


def test_a_sample_without_an_approved_report_cannot_be_notified(lab):
    tech = _ctx(lab, "wangjian")
    completed = [r for r in documents.task_report_rows(tech, _task(tech)) if r.status == "completed"]
    with pytest.raises(ValidationError, match="尚未批准"):
        notifications.create_notifications(tech, completed[0].sample_id)


def test_recording_delivery_checks_dates_roles_and_versions(lab):
    tech = _ctx(lab, "wangjian")
    task_id = _task(tech)
    notifications.create_task_notifications(tech, task_id)
    first = notifications.list_notifications(tech, task_id).rows[0]
    today = clock.today()

    with pytest.raises(ValidationError) as bad:
        notifications.record_delivery(tech, first.id, first.version, sent_date=today + dt.timedelta(days=1),
                                      method="pigeon", acknowledged_date=today - dt.timedelta(days=1))
    assert set(bad.value.errors) == {"sent_date", "method", "acknowledged_date"}
    with pytest.raises(ValidationError) as early_ack:
        notifications.record_delivery(tech, first.id, first.version, sent_date=today, method="post",
                                      acknowledged_date=today - dt.timedelta(days=1))
    assert set(early_ack.value.errors) == {"acknowledged_date"}
    with pytest.raises(ValidationError, match="批准日期"):
        notifications.record_delivery(tech, first.id, first.version, sent_date=dt.date(2000, 1, 1), method="post")

    admin_only = Context(lab, CurrentUser(None, "boss", "主任", frozenset({"administrator"})))
    with pytest.raises(PermissionDenied):
        notifications.record_delivery(admin_only, first.id, first.version, sent_date=today, method="post")

    reviewer = _ctx(lab, "chenjing")
    sent = notifications.record_delivery(reviewer, first.id, first.version, sent_date=today, method="email",
                                         ack_note="  ")
    assert (sent.state, sent.state_label, sent.method_label) == ("sent", "已送达", "电子邮件") and sent.ack_note == ""
    with pytest.raises(ConflictError):  # the form was opened on the old version
        notifications.record_delivery(tech, first.id, first.version, sent_date=today, method="post")
    done = notifications.record_delivery(tech, sent.id, sent.version, sent_date=today, method="email",
                                         acknowledged_date=today, ack_note="对方已回传签收单")
    assert done.state == "acknowledged" and done.ack_note == "对方已回传签收单"
    assert notifications.get_notification(tech, first.id).acknowledged_date == today


def test_the_dashboard_stops_counting_a_notified_sample(lab):
    tech = _ctx(lab, "wangjian")
    task_id = _task(tech)
    awaiting = dashboard.load_board(tech).awaiting_notification
    assert awaiting >= 1
    notifications.create_task_notifications(tech, task_id)
    for r in notifications.list_notifications(tech, task_id).rows:
        notifications.record_delivery(tech, r.id, r.version, sent_date=clock.today(), method="post")
    assert dashboard.load_board(tech).awaiting_notification == awaiting - 1


def test_letters_are_written_in_batch_and_can_be_cancelled(lab, tmp_path: Path):
    tech = _ctx(lab, "wangjian")
    task_id = _task(tech)
    seen = []
    batch = notifications.generate_notices(tech, task_id, tmp_path / "all", progress=lambda d, t: seen.append((d, t)))
    assert len(batch.paths) == batch.total == 3 and not batch.cancelled
    assert seen == [(1, 3), (2, 3), (3, 3)]
    rows = notifications.list_notifications(tech, task_id).rows  # the batch created the records
    assert len(rows) == 3
    for row, path in zip(rows, batch.paths, strict=True):
        assert path.name.startswith(row.document_number) and row.recipient in path.name
        text = "".join(p.extract_text() for p in PdfReader(path).pages)
        assert row.recipient in text and "内部资料" in text and row.document_number in text

    stop_after_one = []
    partial = notifications.generate_notices(tech, task_id, tmp_path / "part",
                                             progress=lambda d, t: stop_after_one.append(d),
                                             cancelled=lambda: len(stop_after_one) >= 1)
    assert partial.cancelled and len(partial.paths) == 1
    assert sorted(p.name for p in (tmp_path / "part").iterdir()) == [partial.paths[0].name]
    assert len(notifications.list_notifications(tech, task_id).rows) == 3  # no duplicate records

    one = notifications.notice_pdf(tech, rows[2].id)
    assert rows[2].recipient in "".join(p.extract_text() for p in PdfReader(io.BytesIO(one)).pages)


def test_a_task_without_problem_samples_has_nothing_to_notify(lab, tmp_path: Path):
    tech = _ctx(lab, "wangjian")
    kids = documents.task_id_by_number(tech, "WHFX-2026-FZ-03")
    with pytest.raises(ValidationError, match="没有需要告知的样品"):
        notifications.generate_notices(tech, kids, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_a_replacement_report_needs_new_notices(lab):
    tech, rev, sig = _ctx(lab, "wangjian"), _ctx(lab, "chenjing"), _ctx(lab, "zhaomin")
    task_id = _task(tech)
    notifications.create_task_notifications(tech, task_id)
    old = notifications.list_notifications(tech, task_id).rows
    sample_id = old[0].sample_id
    letter = notifications.notice_pdf(tech, old[0].id)
    assert notifications.notice_pdf(tech, old[0].id) == letter  # frozen: the same bytes every time
    grid = testing.results_grid(tech, sample_id)
    [row] = [r for r in grid.rows if r.item == "外观"]
    amend_approved(tech, sig, demo.DEMO_PASSWORD, row.id, row.version, value_text="壶身焊缝处有明显毛刺",
                   judgement="fail", reason="复核确认", amendment_reason="补充描述")
    r = reports.compile_report(tech, sample_id, samples.get_sample(tech, sample_id).version)
    r = reports.review_report(rev, r.id, r.version, demo.DEMO_PASSWORD)
    reports.approve_report(sig, r.id, r.version, demo.DEMO_PASSWORD)

    listed = notifications.list_notifications(tech, task_id)
    assert listed.awaiting == (old[0].sample_number,)
    assert not any(x.report_current for x in listed.rows)
    assert notifications.notice_pdf(tech, old[0].id) == letter  # the replaced letter stays as issued
    # neither delivered nor given a receipt now: the permission model says so, and the service refuses
    stale = listed.rows[0]
    assert not stale.allowed_actions.allowed("deliver") and not stale.allowed_actions.allowed("attach_receipt")
    assert listed.allowed_actions.allowed("generate")
    with pytest.raises(ValidationError, match=stale.allowed_actions.reason("deliver")):
        notifications.record_delivery(tech, stale.id, stale.version, sent_date=clock.today(), method="post")
    assert notifications.get_notification(tech, stale.id).sent_date == old[0].sent_date
    assert notifications.create_task_notifications(tech, task_id) == 3
    new = [x for x in notifications.list_notifications(tech, task_id).rows if x.report_current]
    assert {x.document_number for x in new}.isdisjoint({x.document_number for x in old})
    assert all(r.number in x.document_number for x in new)
