"""风险研判 on the demo lab: the rising item (电热水壶 泄漏电流) and the 襄阳市 cluster (儿童服装) are
shown with the thresholds, and confirming a candidate adds a key-risk entry to the register."""

from __future__ import annotations

from pathlib import Path

from app.services import risk as risk_service
from app.services import users
from app.services.context import Context
from tests.ui.helpers import settle


def open_view(qtbot, ctx: Context):
    from app.ui.pages.risk import RiskPage

    page = RiskPage(ctx)
    qtbot.addWidget(page)
    page.resize(1280, 800)
    page.show()
    view = page.intelligence
    page.open(tab="intelligence")
    qtbot.waitUntil(lambda: view.loaded > 0, timeout=10000)
    settle(qtbot)
    return page, view


def choose(qtbot, view, category: str) -> None:
    before = view.loaded
    view.category.setCurrentIndex(view.category.findText(category))
    qtbot.waitUntil(lambda: view.loaded > before and view.result.category == category, timeout=10000)
    settle(qtbot)


def rows(table) -> list[list[str]]:
    return [[table.item(r, c).text() for c in range(table.columnCount())] for r in range(table.rowCount())]


def test_rising_item_and_regional_cluster_and_confirming_a_candidate(qtbot, demo_ctx, tmp_path: Path):
    tech = Context(demo_ctx.db, users.authenticate(demo_ctx.db, "liuyang", "demo1234"))
    page, view = open_view(qtbot, tech)
    assert {view.category.itemText(i) for i in range(view.category.count())} == {"电热水壶", "儿童服装"}
    assert "Cochran" in view.rules.text() and "20" in view.rules.text() and "3" in view.rules.text()

    choose(qtbot, view, "电热水壶")
    table = rows(view.items)
    header = [view.items.horizontalHeaderItem(c).text() for c in range(view.items.columnCount())]
    assert header[1:5] == ["2023", "2024", "2025", "2026"]
    leak = next(r for r in table if r[0] == "泄漏电流")
    assert leak[1] == "2/120  1.7%" and leak[3] == "10/136  7.4%"
    assert "上升" in leak[-1] and "p = " in leak[-1]
    candidates = [view.candidates.item(i).text() for i in range(view.candidates.count())]
    assert any("泄漏电流" in t and "第十二条（一）" in t for t in candidates)
    # the chart follows the selected item
    view.items.selectRow(next(i for i, r in enumerate(table) if r[0] == "泄漏电流"))
    assert "泄漏电流" in view.chart.title and [p.label for p in view.chart.points] == ["2023", "2024", "2025", "2026"]
    assert "泄漏电流" in view.trend.text()
    view.grab().save(str(tmp_path / "kettles.png"))
    # enterprise sizes of this system's samples are compared the same way, in their own table
    assert "规模" in view.sizes_title.text() and "企业规模" in view.rules.text()
    sizes = rows(view.sizes)
    assert sizes and all(r[1].isdigit() and r[2].isdigit() for r in sizes), sizes

    choose(qtbot, view, "儿童服装")
    regions = {r[0]: r for r in rows(view.regions)}
    assert regions["襄阳市"][7] and regions["襄阳市"][1:3] == ["45", "15"]
    assert not regions["武汉市"][7]
    assert "数据不足" in rows(view.items)[0][4]  # 2026: nothing approved yet, never "nan"
    assert view.select_candidate("region:襄阳市")
    assert view.confirm_button.isEnabled()

    asked: list[str] = []
    view.confirm = lambda title, text: asked.append(text) or True
    before = len(risk_service.list_info(tech, key_risk=True))
    loaded = view.loaded
    view.confirm_candidate()
    qtbot.waitUntil(lambda: view.loaded > loaded, timeout=10000)
    settle(qtbot)
    assert "襄阳市" in asked[0] and "第十二条（二）" in asked[0]
    entries = risk_service.list_info(tech, key_risk=True)
    assert len(entries) == before + 1
    added = next(e for e in entries if e.data.region == "襄阳市" and e.data.product == "儿童服装")
    assert added.data.key_reasons == (2,) and added.data.source == 5
    # shown as registered; it cannot be confirmed twice
    qtbot.waitUntil(lambda: view.result.candidates[0].registered, timeout=10000)
    view.select_candidate("region:襄阳市")
    assert not view.confirm_button.isEnabled()


def test_a_signatory_sees_the_findings_but_cannot_confirm(qtbot, demo_ctx):
    signatory = Context(demo_ctx.db, users.authenticate(demo_ctx.db, "zhaomin", "demo1234"))
    _page, view = open_view(qtbot, signatory)
    assert not view.confirm_button.isVisibleTo(view) and not view.import_button.isVisibleTo(view)
    assert view.result is not None and view.result.candidates
