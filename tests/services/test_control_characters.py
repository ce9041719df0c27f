"""NUL and other control characters from a form or a pasted filter never reach the database as such:
filters and searches drop them (tabs and line breaks are spaces), saved text loses them (tabs and
line breaks kept). On SQLite and on PostgreSQL, which refuses NUL in text outright."""

from __future__ import annotations

import datetime as dt

import pytest

from app.errors import ValidationError
from app.services import catalog, risk, sample_list, samples, task_list, tasks, testing
from app.services._common import like_pattern, search_text, search_words, stored_text
from app.services.sample_list import SampleQuery
from app.services.task_list import TaskQuery
from tests.services.conftest import TODAY, audit_ok, ready_task

FILTERS = ["ab\x00c", "ab\x00c\x1b", "\x00abc\x7f", "ab\x9fc", "\tabc\n", "ab\ud800c"]


def test_the_helpers():
    assert search_text(" ab\x00c\td\r\ne\x85f\x1b\x7f\x9f\ud800 ") == "abc d  e f"
    assert search_words("a\x00b  c\nd") == ["ab", "c", "d"] and search_words("\x00\x01") == []
    assert search_words("abcdef", 3) == ["abc"] and search_text(None) == ""
    assert like_pattern("5%_\\x") == "%5\\%\\_\\\\x%"
    assert stored_text("第一行\r\n第二行\t制表\x00\x0b末\x1b") == "第一行\r\n第二行\t制表 末"
    assert stored_text("普通文字 ，全角空格　保留") == "普通文字 ，全角空格　保留"


@pytest.fixture
def one_sample(any_lab):
    task_id, scheme_id = ready_task(any_lab)
    tasks.create_task(any_lab.tech, tasks.TaskInput(number="X-abc-1", title="abc 任务", plan_year=TODAY.year))
    [created] = samples.register_samples(any_lab.tech, [samples.SampleInput(
        task_id=task_id, scheme_id=scheme_id, place_type="producer",
        sampled=samples.PartyInput("武汉市康泰电器有限公司", "91420100MA4K1A2B88", "武汉市东西湖区金银湖路 18 号",
                                   "李伟", "027-8356 1200", "medium"),
        product_name="abc 电热水壶", brand="康泰", sampling_date=TODAY - dt.timedelta(days=1),
        sampling_place="仓库", samplers=("王建", "刘洋"),
    )])
    return any_lab, created


def test_list_filters_with_control_characters_find_and_never_fail(one_sample):
    lab, created = one_sample
    for text in FILTERS:
        rows = sample_list.page(lab.tech, SampleQuery(text=text), offset=0, limit=50)
        assert [r.id for r in rows] == [created.id], repr(text)
        assert sample_list.count(lab.tech, SampleQuery(text=text)) == 1
        found = task_list.page(lab.tech, TaskQuery(text=text), offset=0, limit=50)
        assert [r.number for r in found] == ["X-abc-1"], repr(text)
    # only control characters: no filter at all
    assert sample_list.count(lab.tech, SampleQuery(text="\x00\x01")) == 1


def test_every_other_search_box_survives_a_nul(one_sample):
    lab, created = one_sample
    assert [c.id for c in testing.find_samples(lab.tech, "abc\x00")] == [created.id]
    assert [c.id for c in testing.find_samples(lab.tech, "ab\x00c 水壶")] == []  # one phrase, as before
    assert testing.list_panels(lab.tech, text="ab\x00c") == []
    assert [s.code for s in catalog.list_standards(lab.tech, "GB 900\x0010")] == ["GB 90010-2020"]
    assert catalog.list_standards(lab.tech, "100%") == []  # % is a character, not a wildcard
    assert risk.list_info(lab.tech, text="ab\x00c") == []
    assert [s.id for s in risk.sample_choices(lab.tech, "abc\x00")] == [created.id]


def test_text_saved_with_a_nul_is_stored_without_it_and_the_audit_trail_holds(any_lab):
    task = tasks.create_task(any_lab.tech, tasks.TaskInput(
        number="HBFX-2026-07", title="电热\x00水壶\x1b风险监测", plan_year=TODAY.year,
        notes="第一行\n第二行\t制表\x00",
    ))
    assert task.data.number == "HBFX-2026-07" and task.data.title == "电热水壶风险监测"
    assert task.data.notes == "第一行\n第二行\t制表"
    again = tasks.update_task(any_lab.tech, task.id, task.version, tasks.TaskInput(
        number=task.data.number, title="电热水壶\x00（修订）", plan_year=TODAY.year, notes=task.data.notes,
    ))
    assert tasks.get_task(any_lab.tech, task.id).data.title == again.data.title == "电热水壶（修订）"
    assert audit_ok(any_lab.db)


def test_a_nul_in_a_lookup_is_a_chinese_validation_error_never_a_database_error(any_lab):
    """Where a service compares raw input (the unique task number) before anything is saved:
    SQLite finds nothing and saves the cleaned text; PostgreSQL refuses the comparison, which is
    said in Chinese."""
    try:
        task = tasks.create_task(any_lab.tech, tasks.TaskInput(number="HBFX-2026-\x0008", title="电热水壶",
                                                               plan_year=TODAY.year))
    except ValidationError as exc:
        assert any_lab.db.backend == "postgresql"
        assert exc.message == "输入的内容含有不可见的控制字符（如 NUL），请删除后重试。"
    else:
        assert task.data.number == "HBFX-2026-08"
    assert audit_ok(any_lab.db)
