"""风险信息 page: an entry with a key-risk reason (Article 12) and a linked sample is saved and listed;
the filters and the month's figures."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog

from app import clock
from app.services import risk as risk_service
from app.services import users
from app.services.context import Context
from tests.ui.helpers import settle


def open_page(qtbot, ctx: Context):
    from app.ui.pages.risk import RiskPage

    page = RiskPage(ctx)
    qtbot.addWidget(page)
    page.resize(1200, 760)
    # every year, every source: the demo's entries are spread over the last weeks
    page.year.setValue(page.year.minimum())
    page.source.setCurrentIndex(0)
    page.key.setCurrentIndex(0)
    page.status.setCurrentIndex(0)
    page.text.clear()
    before = page.loaded
    page.refresh()
    qtbot.waitUntil(lambda: page.loaded > before, timeout=10000)
    settle(qtbot)
    return page


def reload(qtbot, page) -> None:
    before = page.loaded
    page.refresh()
    qtbot.waitUntil(lambda: page.loaded > before, timeout=10000)
    settle(qtbot)


def test_a_key_risk_entry_with_a_linked_sample_is_saved_and_listed(qtbot, demo_ctx):
    tech = Context(demo_ctx.db, users.authenticate(demo_ctx.db, "liuyang", "demo1234"))
    page = open_page(qtbot, tech)
    demo_entries = len(page.entries)
    assert demo_entries == len(risk_service.list_info(tech))
    sample = risk_service.sample_choices(tech)[0]

    dialog = page.new_entry()
    dialog.title.setText("电商平台销售的电热水壶温升超标")
    dialog.product.setText("电热水壶")
    dialog.region.setText("武汉市")
    dialog.description.setPlainText("监测发现同一型号两批次温升超标，网络销量较大。")
    dialog.key_box.setChecked(True)
    dialog.add_sample(sample.number)
    dialog.add_sample("NO-SUCH-SAMPLE")
    dialog.save()
    settle(qtbot)
    # no source, no Article 12 item, an unknown sample: all named at once, nothing lost
    text = dialog.error_text.text()
    assert "信息来源" in text and "第十二条" in text and "NO-SUCH-SAMPLE" in text
    assert dialog.isVisible() and dialog.title.text() == "电商平台销售的电热水壶温升超标"
    assert dialog.key_box.styleSheet() and dialog.samples.styleSheet()

    dialog.source.setCurrentIndex(dialog.source.findData(5))
    dialog.reasons[1].setChecked(True)
    dialog.reasons[4].setChecked(True)
    dialog.samples.item(1).setSelected(True)
    dialog.remove_button.click()
    dialog.save()
    settle(qtbot)
    assert dialog.result() == QDialog.DialogCode.Accepted
    entry = dialog.saved
    assert entry.data.key_reasons == (1, 4) and entry.data.sample_numbers == (sample.number,)

    qtbot.waitUntil(lambda: len(page.entries) == demo_entries + 1, timeout=10000)
    settle(qtbot)
    row = next(r for r in range(page.table.rowCount()) if page.table.item(r, 2).text() == entry.data.title)
    assert page.table.item(row, 1).text() == "（五）技术机构发现的"
    assert page.table.item(row, 5).text() == "重点风险"
    assert page.table.item(row, 7).text() == sample.number
    page.table.selectRow(row)
    detail = page.detail.toPlainText()
    assert sample.number in detail and "消费者和社会高度关注的" in detail

    # filters: key risk only, the source, the month
    page.key.setCurrentIndex(page.key.findData(False))
    reload(qtbot, page)
    assert entry.id not in {e.id for e in page.entries}
    page.key.setCurrentIndex(page.key.findData(True))
    page.source.setCurrentIndex(page.source.findData(5))
    reload(qtbot, page)
    assert entry.id in {e.id for e in page.entries} and all(e.data.source == 5 for e in page.entries)
    today = clock.today()
    page.source.setCurrentIndex(0)
    page.key.setCurrentIndex(0)
    page.year.setValue(today.year)
    page.month_box.setCurrentIndex(page.month_box.findData(today.month))
    reload(qtbot, page)
    assert page.month is not None and entry.id in {e.id for e in page.month.entries}
    assert str(page.month.total) in page.summary.toPlainText()

    # and edited: the key flag off clears the reasons
    page.table.selectRow(next(r for r, e in enumerate(page.entries) if e.id == entry.id))
    edit = page.edit_entry()
    assert edit.reasons[4].isChecked() and edit.samples.count() == 1
    edit.key_box.setChecked(False)
    edit.status.setCurrentIndex(edit.status.findData("assessing"))
    edit.save()
    settle(qtbot)
    assert edit.result() == QDialog.DialogCode.Accepted
    changed = risk_service.get_info(tech, entry.id)
    assert not changed.data.key_risk and changed.data.key_reasons == () and changed.data.status == "assessing"
    assert not page.delete_button.isEnabled()  # only administrators delete entries
    assert page.delete_button.toolTip() == "只有管理员才能删除风险信息。"


def test_a_signatory_only_reads_the_register(qtbot, demo_ctx):
    signatory = Context(demo_ctx.db, users.authenticate(demo_ctx.db, "zhaomin", "demo1234"))
    page = open_page(qtbot, signatory)
    assert page.new_entry() is None and not page.new_button.isVisibleTo(page)
    page.table.selectRow(0)
    dialog = page.edit_entry()
    assert dialog.read_only and not dialog.save_button.isVisibleTo(dialog)


def test_major_information_reported_at_once_is_recorded_in_the_form(qtbot, demo_ctx):
    """即时报送 (Article 11): a key entry records when, to whom and how it went out at once; without
    the recipient the form says what is missing and keeps what was typed."""
    page = open_page(qtbot, demo_ctx)
    dialog = page.new_entry()
    dialog.title.setText("儿童连帽衫帽绳可抽出")
    dialog.source.setCurrentIndex(dialog.source.findData(5))
    dialog.key_box.setChecked(True)
    dialog.reasons[1].setChecked(True)
    dialog.immediate.setChecked(True)
    dialog.report_method.setCurrentIndex(dialog.report_method.findData("phone"))
    dialog.save()
    settle(qtbot)
    assert dialog.isVisible() and "报送的对象" in dialog.error_text.text()
    assert dialog.title.text() == "儿童连帽衫帽绳可抽出"
    dialog.reported_to.setText("湖北省市场监督管理局质量监督处")
    dialog.save()
    settle(qtbot)
    assert dialog.result() == QDialog.DialogCode.Accepted
    saved = dialog.saved.data
    assert (saved.reported_to, saved.report_method) == ("湖北省市场监督管理局质量监督处", "phone")
    assert saved.reported_at is not None
    again = page.new_entry()  # an ordinary entry records no 即时报送
    assert not again.immediate.isChecked()
    again.reject()
