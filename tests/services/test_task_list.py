"""The monitoring task list: filters, sorting by every column and paging done in SQL."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from app.errors import ValidationError
from app.services import samples, task_list, tasks
from app.services.task_list import TaskQuery
from tests.services.conftest import TODAY, ready_task
from tests.services.test_sample_list import _input


@pytest.fixture
def listed(any_lab):
    """Five tasks: one with an approved scheme and three samples, one with two draft schemes, one closed."""
    lab = any_lab
    first_id, scheme_id = ready_task(lab)  # T-01, 电热水壶风险监测
    rng = random.Random(3)
    samples.register_samples(lab.tech, [_input(first_id, scheme_id, i, rng) for i in range(3)])
    specs = [
        ("A-02", "Alpha", "Wuhan", "national", "Kettles", 2025, 12, dt.date(2025, 6, 1), None, "active"),
        ("B-03", "Bravo", "Hubei", "county", "Chargers", None, None, None, dt.date(2026, 3, 1), "closed"),
        ("C-04", "Charlie", "Xiaogan", "municipal", "Toys", 2027, 5, dt.date(2027, 1, 5), dt.date(2027, 2, 1),
         "draft"),
        ("D-05", "Delta", "", "provincial", "Lamps", TODAY.year, 30, None, None, "completed"),
    ]
    ids = {"T-01": first_id}
    for number, title, authority, level, category, year, planned, sampling, report, status in specs:
        info = tasks.create_task(lab.tech, tasks.TaskInput(
            number=number, title=title, issuing_authority=authority, authority_level=level,
            product_category=category, plan_year=year, batches_planned=planned, sampling_deadline=sampling,
            report_deadline=report, status=status,
        ))
        ids[number] = info.id
    for product in ("Lamp A", "Lamp B"):
        tasks.create_scheme(lab.tech, ids["D-05"], tasks.SchemeInput(
            product=product, items=(tasks.SchemeItemInput("Glow"),),
        ))
    return lab, ids


def everything(ctx, query=TaskQuery(), sort="number", descending=False):
    return task_list.page(ctx, query, sort, descending, 0, 1000)


def test_rows_match_the_task_service_and_count_scheme_and_sample_subqueries(listed):
    lab, ids = listed
    rows = everything(lab.tech)
    assert [r.number for r in rows] == ["A-02", "B-03", "C-04", "D-05", "T-01"]
    assert task_list.count(lab.tech, TaskQuery()) == 5
    by_number = {r.number: r for r in rows}
    assert by_number["T-01"].sampled == 3 and by_number["T-01"].schemes == 1
    assert by_number["D-05"].sampled == 0 and by_number["D-05"].schemes == 2
    for row in rows:
        assert row.info() == tasks.get_task(lab.tech, row.id)


def test_text_filter_closed_tasks_and_plan_year(listed):
    lab, ids = listed
    ctx = lab.tech

    def numbers(query: TaskQuery) -> list[str]:
        found = [r.number for r in everything(ctx, query)]
        assert task_list.count(ctx, query) == len(found)
        return found

    assert numbers(TaskQuery(text="电热水壶")) == ["T-01"]  # title
    assert numbers(TaskQuery(text="c-04")) == ["C-04"]  # number, any case
    assert numbers(TaskQuery(text="hubei")) == ["B-03"]  # issuing authority
    assert numbers(TaskQuery(text="LAMPS")) == ["D-05"]  # product category
    assert numbers(TaskQuery(text="a  ALPHA")) == ["A-02"]  # every word must occur
    assert numbers(TaskQuery(text="%")) == [] and numbers(TaskQuery(text="_")) == []  # LIKE signs are literal
    assert numbers(TaskQuery(include_closed=False)) == ["A-02", "C-04", "D-05", "T-01"]
    assert numbers(TaskQuery(text="b", include_closed=False)) == []
    assert numbers(TaskQuery(plan_year=TODAY.year)) == ["D-05", "T-01"]
    assert numbers(TaskQuery(plan_year=1999)) == []


@pytest.mark.parametrize("key", task_list.SORT_KEYS)
def test_every_column_sorts_in_sql_with_ties_broken_by_id(listed, key):
    lab, ids = listed
    ctx = lab.tech
    rows = everything(ctx)
    postgres = getattr(ctx.db, "backend", "sqlite") == "postgresql"
    value = {
        "number": lambda r: r.number,
        "title": lambda r: r.title,
        "authority": lambda r: r.issuing_authority or None,  # empty is stored as NULL
        "level": lambda r: task_list.LEVELS.index(r.authority_level),
        "year": lambda r: r.plan_year,
        "planned": lambda r: r.batches_planned,
        "sampled": lambda r: r.sampled,
        "schemes": lambda r: r.schemes,
        "sampling_deadline": lambda r: r.sampling_deadline,
        "report_deadline": lambda r: r.report_deadline,
        "status": lambda r: task_list.STATUSES.index(r.status),
    }[key]

    def order(r):  # NULL: first ascending on SQLite, last on PostgreSQL
        v = value(r)
        return ((1 if postgres else 0), 0, r.id) if v is None else ((0 if postgres else 1), v, r.id)

    ascending = [r.id for r in everything(ctx, sort=key)]
    assert ascending == [r.id for r in sorted(rows, key=order)]
    assert [r.id for r in everything(ctx, sort=key, descending=True)] == ascending[::-1]


def test_pages_do_not_overlap_and_bad_arguments_are_refused(listed):
    lab, ids = listed
    ctx = lab.tech
    whole = [r.id for r in task_list.page(ctx, TaskQuery(), "sampled", True, 0, 100)]
    paged = [r.id for offset in range(0, 6, 2) for r in task_list.page(ctx, TaskQuery(), "sampled", True, offset, 2)]
    assert paged == whole and len(whole) == 5
    assert task_list.page(ctx, TaskQuery(), "number", False, 5, 10) == []
    with pytest.raises(ValidationError):
        task_list.page(ctx, TaskQuery(), "notes")
    with pytest.raises(ValidationError):
        task_list.page(ctx, TaskQuery(), "number", False, -1, 10)
