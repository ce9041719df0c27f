"""One definition of each rule (issue 14): the services ask ``app.rules`` whether a result is on time
(Article 18 ¶1) and which parties a place needs (Article 18 ¶2) instead of writing it again; the
deadline day itself is on time."""

from __future__ import annotations

import datetime as dt

import pytest

from app.rules import calendar as calendar_rules
from app.rules import notify as notify_rules
from app.services import dashboard, reports, samples, testing
from tests.services.conftest import ready_task
from tests.services.test_testing_more import _judge_all, _testing
from tests.services.test_workflow import PLATFORM, PRODUCER, SELLER, form

COMPLETED = dt.date(2026, 9, 30)
DEADLINE = dt.date(2026, 10, 13)  # RULES.md §1: Oct 1–7 off; Oct 8, 9, 10 (Saturday, adjusted), 12, 13


def _completed(lab):
    task_id, scheme_id = ready_task(lab)
    s, rows = _testing(lab, task_id, scheme_id, sampling_date=dt.date(2026, 9, 20), received_date=dt.date(2026, 9, 21))
    _judge_all(lab, s, rows)
    testing.complete_initial_monitoring(lab.tech, s.id, testing.results_grid(lab.tech, s.id).sample_version,
                                        COMPLETED)
    return s


def test_reported_on_the_deadline_day_is_on_time(any_lab):
    lab = any_lab
    s = _completed(lab)
    on_the_day = testing.sample_clock(lab.tech, s.id, today=DEADLINE)
    assert (on_the_day.deadline, on_the_day.days_left, on_the_day.state) == (DEADLINE, 0, "due_soon")
    row = next(r for r in dashboard.load_board(lab.tech, today=DEADLINE).rows if r.sample_id == s.id)
    assert row.state == "due_soon"
    day_after = DEADLINE + dt.timedelta(days=1)
    assert testing.sample_clock(lab.tech, s.id, today=day_after).state == "overdue"
    assert next(r for r in dashboard.load_board(lab.tech, today=day_after).rows if r.sample_id == s.id).state == "overdue"

    reports.mark_reported(lab.tech, s.id, samples.get_sample(lab.tech, s.id).version, DEADLINE)
    done = testing.sample_clock(lab.tech, s.id, today=day_after)
    assert (done.state, done.reported, done.on_time, done.days_left) == ("reported", DEADLINE, True, 0)


def test_the_clock_asks_the_rule_whether_a_result_is_on_time(lab, monkeypatch: pytest.MonkeyPatch):
    s = _completed(lab)
    asked: list[tuple[dt.date, dt.date]] = []
    rule = calendar_rules.is_on_time

    def spy(deadline: dt.date, reported: dt.date) -> bool:
        asked.append((deadline, reported))
        return rule(deadline, reported)

    monkeypatch.setattr(calendar_rules, "is_on_time", spy)
    testing.sample_clock(lab.tech, s.id, today=DEADLINE)
    assert asked == [(DEADLINE, DEADLINE)]
    asked.clear()
    dashboard.load_board(lab.tech, today=DEADLINE)
    # the row's clock; the overdue count finds its completion-date bound by asking the rule too
    assert (DEADLINE, DEADLINE) in asked
    reports.mark_reported(lab.tech, s.id, samples.get_sample(lab.tech, s.id).version, DEADLINE)
    asked.clear()
    assert testing.sample_clock(lab.tech, s.id).on_time is True
    assert asked == [(DEADLINE, DEADLINE)]


def test_the_sampling_form_requires_the_parties_the_rule_names(lab, monkeypatch: pytest.MonkeyPatch):
    task_id, scheme_id = ready_task(lab)
    seller = form(task_id, scheme_id, place_type="physical_seller", sampled=SELLER)
    assert "nominal_producer.name" in samples.validate(seller)
    online = form(task_id, scheme_id, place_type="e_platform", sampled=SELLER, nominal_producer=PRODUCER,
                  shop_name="某旗舰店", shop_url="https://shop.example.cn/1", order_number="1", logistics_number="2")
    assert "platform_operator.name" in samples.validate(online)
    assert "platform_operator.name" not in samples.validate(
        form(task_id, scheme_id, place_type="e_platform", sampled=SELLER, nominal_producer=PRODUCER,
             platform_operator=PLATFORM))
    # the form follows app.rules.notify: were a producer's nominal producer to be told too, it would be asked for
    rule = notify_rules.required_parties
    monkeypatch.setattr(notify_rules, "required_parties",
                        lambda place: [("sampled", "sampled_producer"), ("nominal_producer", "nominal_producer")]
                        if place == "producer" else rule(place))
    assert "nominal_producer.name" in samples.validate(form(task_id, scheme_id, place_type="producer"))
