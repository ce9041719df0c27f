"""Every colour and mark a list paints is named in the legend under it: the sample list, the bench's
work list and a sample's results on 检验与判定 — against the demo lab."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush

from app.services import testing
from app.services.worklist import WorkQuery
from app.ui import style
from app.ui.legend import Key, Legend
from tests.ui.helpers import as_user, settle
from tests.ui.test_testing import make_page

pytestmark = pytest.mark.usefixtures("no_windows_left_over")

CJK = re.compile(r"[\u4e00-\u9fff]")
PAINT = (Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ForegroundRole)


def painted(model) -> set[str]:
    """The colours a lazy table model gives the rows it has loaded."""
    out = set()
    for n, _row in model.cached_rows():
        for c in range(model.columnCount()):
            for role in PAINT:
                brush = model.data(model.index(n, c), role)
                if isinstance(brush, QBrush) and brush.style() != Qt.BrushStyle.NoBrush:
                    out.add(brush.color().name())
    return out


def explained(legend: Legend) -> None:
    """Each key is in Chinese and written out in the legend."""
    assert legend.keys and legend.isVisibleTo(legend.window())
    for key in legend.keys:
        assert CJK.search(key.text), key
        assert key.text in legend.plain_text()
    assert legend.plain_text().startswith("图例")


def test_the_legend_shows_each_key_and_answers_what_a_colour_means(qtbot, riskmon_app):
    legend = Legend([Key("逾期", background=style.FAIL), Key("重要性能指标", mark="★"),
                     Key("有提示的项目", foreground=style.URGENT)])
    qtbot.addWidget(legend)
    assert legend.colours() == {style.FAIL, style.URGENT}
    assert legend.marks() == {"★"}
    assert legend.text_of(style.FAIL.upper()) == "逾期" and legend.text_of(style.PASS) == ""
    assert "★" in legend.plain_text() and "逾期" in legend.plain_text()
    legend.set_keys([])
    assert not legend.isVisibleTo(legend.parentWidget() or legend) and legend.colours() == set()


def test_the_work_list_legend_names_each_colour_of_its_rows(qtbot, lab_db):  # noqa: F811
    page = make_page(qtbot, as_user(lab_db, "wangjian"))
    page.refresh()
    settle(qtbot)
    view = page.worklist
    view.set_query(WorkQuery(mine=False))
    settle(qtbot)
    used = painted(view.model)
    assert style.FAIL in used  # the demo has an overdue sample
    named = view.legend.colours()
    assert used <= named, used - named
    # every light the model can paint, and the major hazard's red number, whether shown now or not
    assert set(style.DEADLINE_LIGHTS.values()) | {style.URGENT} <= named
    assert view.legend.text_of(style.FAIL) == view.model.state_names["overdue"] == "已超期"
    explained(view.legend)


def test_the_sample_list_legend_names_the_problem_colour(qtbot, lab_db):  # noqa: F811
    from app.ui.pages.samples import SamplesPage

    page = SamplesPage(as_user(lab_db, "wangjian"))
    qtbot.addWidget(page)
    page.resize(1280, 800)
    page.show()
    page.refresh()
    settle(qtbot)
    used = painted(page.model)
    assert style.PROBLEM_ROW in used  # the demo has samples that found problems
    assert used <= page.legend.colours()
    assert "问题" in page.legend.text_of(style.PROBLEM_ROW)
    explained(page.legend)


def test_the_results_legend_names_each_colour_and_mark_of_the_grid(qtbot, lab_db):  # noqa: F811
    from app.ui.pages.testing import JUDGEMENT_COLOURS

    tech = as_user(lab_db, "wangjian")
    page = make_page(qtbot, tech)
    named = page.legend.colours()
    assert {c.name() for c in JUDGEMENT_COLOURS.values()} <= named
    used: set[str] = set()
    marks: set[str] = set()
    samples = [c.id for c in testing.find_samples(tech, "", statuses=("testing", "completed"))][:8]
    assert samples
    for sid in samples:
        page.open(sample_id=sid)
        settle(qtbot)
        for r in range(page.table.rowCount()):
            for c in range(page.table.columnCount()):
                cell = page.table.item(r, c)
                for brush in (cell.background(), cell.foreground()):
                    if brush.style() != Qt.BrushStyle.NoBrush:
                        used.add(brush.color().name())
                marks |= {m for m in ("★", "✎") if m in cell.text()}
    assert style.FAIL in used and "★" in marks  # a failed item and an important item among them
    assert used <= named, used - named
    assert marks <= page.legend.marks()
    assert "重要" in page.legend.plain_text()
    explained(page.legend)
