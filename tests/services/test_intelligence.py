"""风险研判 across rounds: counts per round, item, region and place type, imported history (all or
nothing) and key-risk candidates confirmed into the register — on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from app.errors import ValidationError
from app.rules.stats import Count, cochran_armitage
from app.services import intelligence as intel
from app.services import risk as risk_service
from app.services.excel_import import ImportRowsError
from app.store.models import (
    Enterprise,
    HistoryCount,
    ItemResult,
    MonitoringTask,
    Report,
    Sample,
)
from app.store.uow import UnitOfWork

from .conftest import audit_ok

CATEGORY = "电热水壶"
#: sampled parties: USCC division → city (襄阳 4206, 武汉 4201, 宜昌 4205), one by region code
PARTIES = {
    "xy": ("襄阳某电器商行", "92420600MA4A7G8H5K", None),
    "wh": ("武汉某家电商行", "92420102MA4K0AB1X4", None),
    "yc": ("宜昌某商贸公司", "91420500MA4B2C3D4E", None),
    "coded": ("无代码的个体户", None, "429004"),  # 仙桃市 by its region code
}


class Builder:
    """Rows written through the ORM (so audited), without the whole workflow."""

    def __init__(self, db) -> None:
        self.db = db
        self.n = 0
        self.ids: dict[str, int] = {}
        with UnitOfWork(db, actor="test") as uow:
            for key, (name, uscc, code) in PARTIES.items():
                e = Enterprise(name=name, uscc=uscc, region_code=code)
                uow.session.add(e)
                uow.session.flush()
                self.ids[key] = e.id
            uow.commit()

    def task(self, year: int | None, category: str = CATEGORY) -> int:
        self.n += 1
        with UnitOfWork(self.db, actor="test") as uow:
            t = MonitoringTask(number=f"T-{self.n:03d}", title=f"{year}年{category}", product_category=category,
                               plan_year=year, status="active")
            uow.session.add(t)
            uow.session.flush()
            uow.commit()
            return t.id

    def samples(self, task_id: int, count: int, *, problems: int = 0, party: str = "wh", place: str = "producer",
                report: str | None = "approved", fail_item: str = "泄漏电流",
                items: tuple[str, ...] = ("泄漏电流", "外观")) -> None:
        with UnitOfWork(self.db, actor="test") as uow:
            for i in range(count):
                self.n += 1
                bad = i < problems
                s = Sample(task_id=task_id, number=f"S-{self.n:05d}", status="approved" if report else "completed",
                           place_type=place, sampled_party_id=self.ids[party], product_name=CATEGORY,
                           problems_found=bad, samplers=["甲", "乙"])
                uow.session.add(s)
                uow.session.flush()
                for seq, item in enumerate(items):
                    uow.session.add(ItemResult(sample_id=s.id, item=item, seq=seq,
                                               judgement="fail" if bad and item == fail_item else "pass"))
                if report:
                    uow.session.add(Report(kind="test", sample_id=s.id, task_id=task_id, number=f"R-{self.n:05d}",
                                           status=report))
            uow.commit()


@pytest.fixture
def build(any_lab) -> Builder:
    return Builder(any_lab.db)


def test_counts_per_round_item_region_and_place(any_lab, build: Builder) -> None:
    t23, t24, t25 = build.task(2023), build.task(2024), build.task(2025)
    build.samples(t23, 10, problems=1)
    build.samples(t24, 10, problems=2, party="xy", place="e_platform")
    build.samples(t24, 5, problems=0, party="yc", place="physical_seller")
    build.samples(t25, 8, problems=4, party="coded")
    # not counted: no approved report, a superseded one, another category, a task without a year
    build.samples(t25, 3, problems=3, report=None)
    build.samples(t25, 2, problems=2, report="superseded")
    build.samples(build.task(2025, "儿童服装"), 5, problems=5)
    build.samples(build.task(None), 4, problems=4)

    result = intel.analyse(any_lab.tech, CATEGORY)
    assert result.years == (2023, 2024, 2025)
    assert [(r.year, r.tested, r.problems, r.source) for r in result.overall.rounds] == [
        (2023, 10, 1, "system"), (2024, 15, 2, "system"), (2025, 8, 4, "system")]
    leak = next(s for s in result.items if s.item == "泄漏电流")
    assert [(r.tested, r.problems) for r in leak.rounds] == [(10, 1), (15, 2), (8, 4)]
    looks = next(s for s in result.items if s.item == "外观")
    assert looks.problems == 0 and looks.tested == 33
    regions = {g.label: (g.tested, g.problems) for g in result.regions.groups}
    assert regions == {"武汉市": (10, 1), "襄阳市": (10, 2), "宜昌市": (5, 0), "仙桃市": (8, 4)}
    places = {g.label: (g.tested, g.problems) for g in result.places.groups}
    assert places == {"生产企业": (18, 5), "实体店": (5, 0), "电商平台": (10, 2)}
    assert any("未填写计划年度" in n for n in result.notes)
    # the statistics are the rules' own, on these counts
    expected = cochran_armitage([Count("2023", 10, 1), Count("2024", 15, 2), Count("2025", 8, 4)])
    assert result.overall.trend.p == pytest.approx(expected.p_one_sided)
    assert result.overall.trend.rising == expected.rising


def test_wording_without_enough_data(any_lab, build: Builder) -> None:
    build.samples(build.task(2025), 6, problems=1)
    result = intel.analyse(any_lab.tech, CATEGORY)
    assert result.overall.trend.text == "只有 1 轮数据，无法判断趋势"
    assert not result.candidates
    assert not result.places.enough_data  # one place type only
    empty = intel.analyse(any_lab.tech, "没有这个类别")
    assert empty.empty and empty.overall.trend.text == "没有已检验的数据，无法判断趋势"
    assert intel.percent(None) == "数据不足" and "nan" not in intel.p_text(None)
    with pytest.raises(ValidationError):
        intel.analyse(any_lab.tech, "  ")


def test_rising_trend_and_regional_cluster_become_candidates(any_lab, build: Builder) -> None:
    for year, problems in ((2022, 1), (2023, 3), (2024, 6), (2025, 10)):
        task = build.task(year)
        build.samples(task, 30, problems=problems, party="wh")
    build.samples(build.task(2026), 20, problems=12, party="xy")
    result = intel.analyse(any_lab.tech, CATEGORY)
    assert result.overall.trend.rising and result.overall.trend.qualifies
    assert result.overall.trend.text.startswith("问题检出率连续 5 轮上升，趋势检验 p")
    keys = {c.key: c for c in result.candidates}
    assert {"trend:", "trend:泄漏电流", "region:襄阳市"} <= set(keys)
    rising, region = keys["trend:"], keys["region:襄阳市"]
    assert rising.reason == 1 and rising.clause == "第十二条（一）"
    assert region.reason == 2 and region.region == "襄阳市" and "Fisher" in region.description
    assert "nan" not in region.description

    info = intel.confirm_candidate(any_lab.tech, region)
    assert info.data.key_risk and info.data.key_reasons == (2,) and info.data.source == 5
    assert info.data.region == "襄阳市" and info.data.product == CATEGORY
    again = {c.key: c for c in intel.analyse(any_lab.tech, CATEGORY).candidates}
    assert again["region:襄阳市"].registered and not again["trend:"].registered
    with pytest.raises(ValidationError, match="不再重复登记"):
        intel.confirm_candidate(any_lab.tech, region)
    assert len(risk_service.list_info(any_lab.tech, key_risk=True)) == 1
    with pytest.raises(Exception, match="只有"):
        intel.confirm_candidate(any_lab.sig, rising)  # a signatory alone may not record risk information
    assert audit_ok(any_lab.db)


# ------------------------------------------------------------------------------------ history
def _write(path: Path, rows: list[tuple]) -> Path:
    intel.history_template(path)
    wb = load_workbook(path)
    ws = wb["往期监测数据"]
    for r in rows:
        ws.append(list(r))
    wb.save(path)
    return path


def _history_rows(db) -> int:
    with UnitOfWork(db, actor="test") as uow:
        return uow.session.scalar(select(func.count(HistoryCount.id))) or 0


def test_history_import_all_or_nothing(any_lab, build: Builder, tmp_path: Path) -> None:
    build.samples(build.task(2026), 10, problems=1)
    good = [
        (CATEGORY, 2023, None, "襄阳市", 10, 1), (CATEGORY, 2023, "泄漏电流", "襄阳", 10, 1),
        (CATEGORY, 2023, None, "武汉市", 20, 1), (CATEGORY, 2024, None, "恩施州", 12, 2),
    ]
    bad = good + [
        (CATEGORY, 2024, None, "武汉市", 5, 6),  # problems > tested
        ("电热水瓶", 2024, None, "武汉市", 5, 1),  # unknown category
        (CATEGORY, 2024, None, "东京", 5, 1),  # unknown region
        (CATEGORY, 2026, None, "荆州市", 5, 1),  # the database has 2026
        (CATEGORY, "二〇二四", None, "荆州市", -1, 0),  # year and count not numbers
    ]
    with pytest.raises(ImportRowsError) as caught:
        intel.import_history(any_lab.tech, _write(tmp_path / "bad.xlsx", bad))
    assert caught.value.bad_rows == (6, 7, 8, 9, 10)
    text = caught.value.message
    for part in ("问题批次数 6 大于检验批次数 5", "“电热水瓶”不是本机构任何监测任务的产品类别", "“东京”不是湖北省的市（州）",
                 "2026 年已有本系统的监测任务", "不是整数", "为负数"):
        assert part in text, part
    assert _history_rows(any_lab.db) == 0  # nothing imported

    done = intel.import_history(any_lab.tech, _write(tmp_path / "good.xlsx", good))
    assert (done.rows, done.years) == (4, (2023, 2024))
    years = intel.list_history(any_lab.tech, CATEGORY)
    assert [(y.year, y.tested, y.problems, y.items) for y in years] == [(2023, 30, 2, 1), (2024, 12, 2, 0)]
    with pytest.raises(ImportRowsError, match="已导入过"):
        intel.import_history(any_lab.tech, _write(tmp_path / "again.xlsx", good[:1]))

    result = intel.analyse(any_lab.tech, CATEGORY)
    assert [(r.year, r.tested, r.problems, r.source) for r in result.overall.rounds] == [
        (2023, 30, 2, "history"), (2024, 12, 2, "history"), (2026, 10, 1, "system")]
    regions = {g.label: (g.tested, g.problems) for g in result.regions.groups}
    assert regions == {"武汉市": (30, 2), "襄阳市": (10, 1), "恩施土家族苗族自治州": (12, 2)}
    leak = next(s for s in result.items if s.item == "泄漏电流")
    assert [(r.year, r.tested, r.problems) for r in leak.rounds] == [(2023, 10, 1), (2024, 0, 0), (2026, 10, 1)]

    with pytest.raises(Exception, match="只有管理员"):
        intel.delete_history(any_lab.tech, CATEGORY, 2024)
    assert intel.delete_history(any_lab.admin, CATEGORY, 2024) == 1
    assert [y.year for y in intel.list_history(any_lab.tech)] == [2023]
    assert audit_ok(any_lab.db)


def test_history_file_problems(lab, tmp_path: Path) -> None:
    with pytest.raises(ImportRowsError, match="找不到文件"):
        intel.import_history(lab.tech, tmp_path / "none.xlsx")
    (tmp_path / "text.xlsx").write_text("not a workbook")
    with pytest.raises(ImportRowsError, match="无法读取"):
        intel.import_history(lab.tech, tmp_path / "text.xlsx")
    with pytest.raises(ImportRowsError, match="没有任何数据行"):
        intel.import_history(lab.tech, _write(tmp_path / "empty.xlsx", []))


def test_region_names() -> None:
    assert intel.normalise_region("襄阳") == "襄阳市"
    assert intel.normalise_region("恩施州") == "恩施土家族苗族自治州"
    assert intel.normalise_region("省外（广东省）") == "省外"
    assert intel.normalise_region("东京") is None


def test_history_overlapping_year_is_left_out(any_lab, build: Builder) -> None:
    build.samples(build.task(2024), 10, problems=1)
    with UnitOfWork(any_lab.db, actor="test") as uow:  # imported before the 2024 task existed
        uow.session.add(HistoryCount(category=CATEGORY, year=2024, item="", region="武汉市", tested=50, problems=9))
        uow.commit()
    result = intel.analyse(any_lab.tech, CATEGORY)
    assert [(r.tested, r.problems) for r in result.overall.rounds] == [(10, 1)]
    assert any("以系统记录为准" in n for n in result.notes)
