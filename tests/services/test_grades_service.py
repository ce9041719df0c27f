"""Graded declarations through the services (RULES.md §2, issue 14): a sample declaring
"GB/T 90002-2024 一等品" is registered and tested against the grade's requirement, the grade is kept
with the basis and named in the trace; the catalog stores per-grade requirements from its form and
from a CSV file, and refuses a grade it does not know."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from app.errors import ValidationError
from app.services import catalog, samples, testing
from tests.services.conftest import ready_task
from tests.services.test_workflow import SAMPLING, form

GRADED = catalog.StandardInput(
    code="GB/T 90002-2024", title="性能分等（测试）", effective=dt.date(2024, 7, 1),
    items=(
        catalog.StandardItemInput(
            "额定功率", "5.3", {"op": "range", "low": -10, "high": 10, "unit": "%"}, "GB/T 90002-2024", "6.3",
            grades={"一等品": {"op": "range", "low": -5, "high": 5, "unit": "%"},
                    "合格品": {"op": "range", "low": -10, "high": 10, "unit": "%"}},
        ),
    ),
)


def test_a_graded_declaration_is_tested_against_its_grade(any_lab):
    lab = any_lab
    task_id, scheme_id = ready_task(lab)
    catalog.save_standard(lab.tech, GRADED)
    s = samples.register_sample(lab.tech, form(task_id, scheme_id, declared_standards=("GB/T 90002-2024 一等品",),
                                                received_date=SAMPLING + dt.timedelta(days=1)))
    grid = testing.start_testing(lab.tech, s.id, s.version, SAMPLING + dt.timedelta(days=2))
    row = {r.item: r for r in grid.rows}["额定功率"]
    assert row.requirement == {"op": "range", "low": -5, "high": 5, "unit": "%"}
    assert row.basis["code"] == "GB/T 90002-2024" and row.basis["grade"] == "一等品"
    assert row.basis_text == "GB/T 90002-2024 一等品 第 5.3 条"
    assert row.rule_trace == ("16.1",) and row.trace_text == "16.1（一等品）"
    assert "明示等级：一等品" in row.explanation
    # the grade decides the judgement: 7 % passes the general requirement, not the first grade's
    judged = testing.record_result(lab.tech, row.id, row.version, value_text="7")
    assert judged.judgement == "fail"


def test_a_grade_that_is_no_grade_is_refused_on_the_form(lab):
    task_id, scheme_id = ready_task(lab)
    errors = samples.validate(form(task_id, scheme_id, declared_standards=("GB/T 90002-2024 特等品",)))
    assert "特等品" in errors["declared_standards"] and "合格品" in errors["declared_standards"]
    assert "declared_standards" not in samples.validate(
        form(task_id, scheme_id, declared_standards=("GB/T 90002-2024合格品", "GB 18401-2010 B类")))


def test_the_catalog_keeps_per_grade_requirements(any_lab):
    saved = catalog.save_standard(any_lab.tech, GRADED)
    item = saved.items[0]
    assert item.grades == dict(GRADED.items[0].grades)
    with any_lab.tech.uow() as uow:
        entry = catalog.catalog_entries(uow.session, ["GB/T 90002"])[0]
    assert entry["items"]["额定功率"]["grades"]["一等品"]["low"] == -5

    bad = catalog.StandardInput(code="GB/T 90003-2024", effective=dt.date(2024, 1, 1), items=(
        catalog.StandardItemInput("起球", grades={"特等品": {"op": ">=", "value": 4, "unit": "级"}}),))
    with pytest.raises(ValidationError, match="特等品"):
        catalog.save_standard(any_lab.tech, bad)
    bad = catalog.StandardInput(code="GB/T 90003-2024", effective=dt.date(2024, 1, 1), items=(
        catalog.StandardItemInput("起球", grades={"合格品": {"op": ">=", "unit": "级"}}),))
    with pytest.raises(ValidationError, match="合格品的技术要求有误"):
        catalog.save_standard(any_lab.tech, bad)
    # lower-case or full-width letters are the same grade
    ok = catalog.StandardInput(code="GB 90004-2024", effective=dt.date(2024, 1, 1), items=(
        catalog.StandardItemInput("甲醛含量", grades={"Ａ类": {"op": "<=", "value": 20, "unit": "mg/kg"},
                                                  "b类": {"op": "<=", "value": 75, "unit": "mg/kg"}}),))
    assert set(catalog.save_standard(any_lab.tech, ok).items[0].grades) == {"A类", "B类"}


CSV = ("code,title,effective,abolished,item,grade,clause,op,value,low,high,unit,text,method_code,method_clause\n"
       "GB/T 22849-2014,针织T恤衫,2014-12-01,,耐洗色牢度,,5.1,>=,3,,,级,,GB/T 3921-2008,A\n"
       "GB/T 22849-2014,针织T恤衫,2014-12-01,,耐洗色牢度,优等品,,>=,4,,,级,,,\n"
       "GB/T 22849-2014,针织T恤衫,2014-12-01,,耐洗色牢度,一等品,,>=,3.5,,,级,,,\n"
       "GB/T 22849-2014,针织T恤衫,2014-12-01,,起球,合格品,5.2,>=,3,,,级,,,\n"
       "GB/T 22849-2014,针织T恤衫,2014-12-01,,pH值,,5.3,range,,4.0,8.5,,,,\n")


def test_a_catalog_file_with_a_grade_column(lab, tmp_path: Path):
    path = tmp_path / "graded.csv"
    path.write_text(CSV, encoding="utf-8")
    done = catalog.import_catalog_file(lab.tech, path)
    assert (done.standards, done.items) == (1, 3)
    items = {i.item: i for i in catalog.list_standards(lab.tech)[0].items}
    colour = items["耐洗色牢度"]
    assert colour.requirement == {"op": ">=", "value": 3, "unit": "级"} and colour.clause == "5.1"
    assert colour.method_code == "GB/T 3921-2008" and colour.method_clause == "A"
    assert colour.grades == {"优等品": {"op": ">=", "value": 4, "unit": "级"},
                             "一等品": {"op": ">=", "value": 3.5, "unit": "级"}}
    assert items["起球"].requirement is None and items["起球"].grades == {"合格品": {"op": ">=", "value": 3, "unit": "级"}}
    assert items["pH值"].grades is None

    bad = tmp_path / "bad.csv"
    bad.write_text(CSV.replace(",一等品,", ",特等品,") + CSV.splitlines()[2] + "\n", encoding="utf-8")
    with pytest.raises(catalog.CatalogImportError) as err:
        catalog.import_catalog_file(lab.tech, bad)
    assert err.value.bad_rows == (4, 7)
    assert "第4行“等级”" in err.value.message and "特等品" in err.value.message
    assert "第7行“检验项目”" in err.value.message and "优等品" in err.value.message and "重复" in err.value.message
