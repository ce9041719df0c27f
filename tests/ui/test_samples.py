"""抽样 page: the sampling form driven through its widgets, and the lazy sample list."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget
from shiboken6 import isValid
from sqlalchemy import insert, select

from app import clock
from app.services import sample_list, samples
from app.services.sample_list import SampleQuery
from app.store.models import Enterprise, Sample
from app.ui.style import FIELD_ERROR
from tests.services.conftest import make_lab, ready_task
from tests.ui.helpers import settle

TODAY = clock.today()
PRODUCER = samples.PartyInput("武汉市康泰电器有限公司", "91420100MA4K1A2B88", "武汉市东西湖区金银湖路 18 号", "李伟")
SELLER = samples.PartyInput("武汉市江岸区顺和家电商行", "92420102MA4K0ABC8E", "武汉市江岸区解放大道 1001 号")
NOMINAL = samples.PartyInput("佛山市顺德区美厨电器有限公司", "91440606MA51XY2N0L")
PLATFORM = samples.PartyInput("杭州某某网络科技有限公司", "91330100MA27ABCD4M")


@pytest.fixture
def lab(sqlite_db, riskmon_app):
    lab = make_lab(sqlite_db)
    lab.task_id, lab.scheme_id = ready_task(lab)
    return lab


def forget_ui_state() -> None:
    from app.ui.application import settings

    settings().remove("samples")
    settings().remove("columns/samples")


@pytest.fixture
def page(qtbot, lab):
    from app.ui.pages.samples import SamplesPage

    forget_ui_state()
    page = SamplesPage(lab.tech, page_size=50)
    qtbot.addWidget(page)
    page.resize(1200, 700)
    page.show()
    page.refresh()
    settle(qtbot)
    yield page
    settle(qtbot)



def open_new(page, qtbot):
    form = page.new_sample()
    qtbot.waitUntil(lambda: form.loaded, timeout=10000)
    return form


def closed(form) -> bool:
    """The form went away (it deletes itself when closed)."""
    return not isValid(form) or not form.isVisible()


def type_party(qtbot, box, party: samples.PartyInput) -> None:
    qtbot.keyClicks(box.uscc, party.uscc)
    box.name.setText(party.name)
    box.address.setText(party.address)


def add_names(qtbot, widget, *names: str) -> None:
    for name in names:
        widget.entry.setText(name)
        qtbot.keyClick(widget.entry, Qt.Key.Key_Return)


def fill(form, qtbot, place: str, product: str) -> None:
    form.place.setCurrentIndex(form.place.findData(place))
    type_party(qtbot, form.sampled, PRODUCER if place == "producer" else SELLER)
    if place != "producer":
        type_party(qtbot, form.nominal, NOMINAL)
    if place == "e_platform":
        type_party(qtbot, form.platform, PLATFORM)
        form.shop_name.setText("康泰官方旗舰店")
        qtbot.keyClicks(form.shop_url, "https://shop.example.com/kt/1")
        form.order_number.setText("DD20260001")
        form.logistics_number.setText("SF20260001")
        form.unpacking_evidence.setPlainText("拆封全程录像")
    else:
        form.sampling_place.setText("成品仓库")
    form.product_name.setText(product)
    form.brand.setText("康泰")
    form.batch_number.setText("B-01")
    form.sampling_date.setDate(TODAY - dt.timedelta(days=2))
    add_names(qtbot, form.samplers, "王建", "刘洋")
    add_names(qtbot, form.declared_standards, "GB/T 90001-2023")
    form.test_quantity.setText("3")
    form.unit_price.setText("129.5")


def rows_of(page) -> list[sample_list.SampleRow]:
    return [page.model.row_at(r) for r in range(page.model.total)]


def test_one_sample_of_each_place_type_through_the_form_shows_in_the_list(qtbot, page, lab):
    assert page.model.total == 0
    for n, place in enumerate(("producer", "physical_seller", "e_platform"), start=1):
        form = open_new(page, qtbot)
        assert form.task.currentData() == lab.task_id and form.scheme.currentData() == lab.scheme_id
        fill(form, qtbot, place, f"电热水壶{n}")
        form.claims.add_claim({"item": "热效率", "source": "label",
                               "requirement": {"op": ">=", "value": 90, "unit": "%"}})
        assert form.problems() == {}
        qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
        settle(qtbot)
        assert form.last_saved is not None and closed(form)
        settle(qtbot)
        assert page.model.total == n
    rows = rows_of(page)
    assert {r.place_type for r in rows} == {"producer", "physical_seller", "e_platform"}
    assert {r.product_name for r in rows} == {"电热水壶1", "电热水壶2", "电热水壶3"}
    online = next(r for r in rows if r.place_type == "e_platform")
    assert page.model.data(page.model.index(rows.index(online), page.model.column_of("place"))) == "电商平台"
    assert page.model.data(page.model.index(0, page.model.column_of("status"))) == "已登记"
    d = samples.get_sample(lab.tech, online.id).data
    assert (d.shop_url, d.order_number, d.logistics_number, d.unpacking_evidence) == (
        "https://shop.example.com/kt/1", "DD20260001", "SF20260001", "拆封全程录像"
    )
    assert d.platform_operator.uscc == PLATFORM.uscc and d.nominal_producer.name == NOMINAL.name
    assert d.samplers == ("王建", "刘洋") and d.declared_standards == ("GB/T 90001-2023",)
    assert d.claims == ({"item": "热效率", "source": "label",
                         "requirement": {"op": ">=", "value": 90, "unit": "%"}},)
    assert d.unit_price == "129.5"
    producer = next(r for r in rows if r.place_type == "producer")
    assert samples.get_sample(lab.tech, producer.id).data.shop_url == ""


def test_bad_uscc_and_one_sampler_are_marked_as_typed_and_on_save_and_nothing_is_lost(qtbot, page, lab):
    form = open_new(page, qtbot)
    assert form.error_label.text() == ""  # an untouched form is not red all over
    qtbot.keyClicks(form.sampled.uscc, "91420100MA4K1A2B8")  # 17 characters: still typing
    assert form.sampled.uscc.styleSheet() == ""
    qtbot.keyClicks(form.sampled.uscc, "9")  # 18, wrong check character
    assert form.sampled.uscc.styleSheet() == FIELD_ERROR
    assert "第 18 位校验码应为" in form.sampled.uscc.toolTip()
    add_names(qtbot, form.samplers, "王建")
    assert form.samplers.list.styleSheet() == FIELD_ERROR
    assert form.samplers.list.toolTip() == "抽样人员不得少于 2 人。"
    assert "抽样人员不得少于 2 人。" in form.error_label.text()
    form.sampled.name.setText("武汉市康泰电器有限公司")
    form.product_name.setText("电热水壶")
    form.sampling_place.setText("仓库")
    form.received_date.set_date(TODAY)
    form.sampling_date.setDate(TODAY - dt.timedelta(days=1))

    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    settle(qtbot)
    assert form.isVisible() and form.last_saved is None
    text = form.error_label.text()
    assert "校验码" in text and "抽样人员不得少于 2 人。" in text
    assert sample_list.count(lab.tech, SampleQuery()) == 0
    # everything typed is still there
    assert form.sampled.uscc.text() == "91420100MA4K1A2B89"
    assert form.sampled.name.text() == "武汉市康泰电器有限公司"
    assert form.samplers.values() == ("王建",)
    assert form.product_name.text() == "电热水壶" and form.received_date.date() == TODAY

    # a received date before the sampling date is marked too
    form.received_date.set_date(TODAY - dt.timedelta(days=3))
    assert form.received_date.edit.styleSheet() == FIELD_ERROR
    form.received_date.set_date(TODAY)

    form.sampled.uscc.setText("91420100MA4K1A2B88")
    add_names(qtbot, form.samplers, "刘洋")
    assert form.sampled.uscc.styleSheet() == "" and form.samplers.list.styleSheet() == ""
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    settle(qtbot)
    assert form.last_saved is not None
    settle(qtbot)
    assert page.model.total == 1 and page.model.row_at(0).status == "received"


def test_service_refusal_marks_fields_and_keeps_the_form(qtbot, page, lab, monkeypatch):
    form = open_new(page, qtbot)
    fill(form, qtbot, "producer", "电热水壶")

    def refuse(*_a, **_k):
        from app.errors import ValidationError

        raise ValidationError({"product_name": "产品名称与方案不符。"})

    monkeypatch.setattr(samples, "register_sample", refuse)
    form.save()
    settle(qtbot)
    assert form.product_name.styleSheet() == FIELD_ERROR and "产品名称与方案不符" in form.error_label.text()
    assert form.product_name.text() == "电热水壶" and form.isVisible() and form.save_button.isEnabled()


def test_switching_the_place_type_shows_and_hides_the_platform_fields(qtbot, page):
    form = open_new(page, qtbot)
    assert form.place.currentData() == "producer"
    assert not form.platform_box.isVisible()
    form.place.setCurrentIndex(form.place.findData("e_platform"))
    assert form.platform_box.isVisible() and form.shop_url.isVisible()
    assert form.sampled.title() == "被抽样网店经营者"
    form.shop_name.setText("某某旗舰店")
    form.place.setCurrentIndex(form.place.findData("physical_seller"))
    assert not form.platform_box.isVisible() and form.sampled.title() == "被抽样销售者"
    assert form.data().shop_name == ""  # not saved for a shop in the street…
    form.place.setCurrentIndex(form.place.findData("e_platform"))
    assert form.shop_name.text() == "某某旗舰店"  # …but not lost either
    assert form.data().shop_name == "某某旗舰店"
    # the platform's own checks only apply to platform samples
    form.save()
    assert "platform_operator.name" in form.problems() and form.order_number.styleSheet() == FIELD_ERROR
    form.place.setCurrentIndex(form.place.findData("producer"))
    assert "order_number" not in form.problems()
    form.dirty = False


def test_a_known_uscc_offers_to_fill_the_enterprise_from_the_register(qtbot, page, lab):
    samples.register_sample(lab.tech, samples.SampleInput(
        task_id=lab.task_id, scheme_id=lab.scheme_id, sampled=PRODUCER, product_name="电热水壶",
        sampling_date=TODAY, sampling_place="仓库", samplers=("王建", "刘洋")))
    form = open_new(page, qtbot)
    qtbot.keyClicks(form.sampled.uscc, PRODUCER.uscc.lower())
    qtbot.waitUntil(lambda: form.sampled.fill_button.isVisible(), timeout=5000)
    assert PRODUCER.name in form.sampled.fill_button.text()
    assert form.sampled.name.text() == ""  # offered, not imposed
    qtbot.mouseClick(form.sampled.fill_button, Qt.MouseButton.LeftButton)
    assert (form.sampled.name.text(), form.sampled.address.text(), form.sampled.contact.text()) == (
        PRODUCER.name, PRODUCER.address, PRODUCER.contact
    )
    assert not form.sampled.fill_button.isVisible()
    # an unknown (valid) code offers nothing
    qtbot.keyClicks(form.nominal.uscc, NOMINAL.uscc)
    settle(qtbot)
    assert not form.nominal.fill_button.isVisible()
    form.dirty = False


def test_register_another_like_this_keeps_the_batch_context(qtbot, page, lab):
    form = open_new(page, qtbot)
    fill(form, qtbot, "physical_seller", "电热水壶")
    add_names(qtbot, form.seal_numbers, "FT-001")
    qtbot.mouseClick(form.save_new_button, Qt.MouseButton.LeftButton)
    settle(qtbot)
    first = form.last_saved
    assert first is not None and form.isVisible()
    assert first.number in form.status_label.text() and first.number in form.heading.text()
    # same place, parties and samplers; the batch and seals are the next sample's own
    assert form.place.currentData() == "physical_seller" and form.sampled.name.text() == SELLER.name
    assert form.samplers.values() == ("王建", "刘洋") and form.product_name.text() == "电热水壶"
    assert form.batch_number.text() == "" and form.seal_numbers.values() == ()
    form.batch_number.setText("B-02")
    form.save()
    settle(qtbot)
    assert form.last_saved.id != first.id and closed(form)
    settle(qtbot)
    assert page.model.total == 2
    assert {r.batch_number for r in rows_of(page)} == {"B-01", "B-02"}
    # and from the list: a new form filled from the selected sample
    page.select_row(0)
    copy = page.copy_selected()
    qtbot.waitUntil(lambda: copy.loaded, timeout=10000)
    assert copy.detail is None and copy.sampled.uscc.text() == SELLER.uscc and copy.batch_number.text() == ""
    copy.dirty = False


def test_attachments_from_files_on_a_saved_and_on_a_new_sample(qtbot, page, lab, tmp_path: Path, monkeypatch):
    photo = tmp_path / "现场照片.png"
    photo.write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 2048)
    # a new sample: the file waits until the sample exists
    form = open_new(page, qtbot)
    fill(form, qtbot, "producer", "电热水壶")
    form.attachments.add_files([photo], "photo")
    assert form.attachments.list.count() == 1 and "现场照片.png" in form.attachments.list.item(0).text()
    form.save()
    settle(qtbot)
    sample_id = form.last_saved.id
    detail = samples.get_sample(lab.tech, sample_id)
    assert [a.filename for a in detail.attachments] == ["现场照片.png"]

    # an existing sample: attached at once, opened, removed
    settle(qtbot)
    page.select_row(0)
    edit = page.open_selected()
    qtbot.waitUntil(lambda: edit.loaded, timeout=10000)
    assert edit.attachments.list.count() == 1
    second = tmp_path / "unpacking.jpg"
    second.write_bytes(b"\xff\xd8\xff" + b"1" * 4096)
    edit.attachments.add_files([second], "unpacking")
    settle(qtbot)
    assert edit.attachments.list.count() == 2
    assert "unpacking.jpg" in edit.attachments.list.item(1).text()
    assert len(samples.get_sample(lab.tech, sample_id).attachments) == 2
    opened = []
    monkeypatch.setattr(edit.attachments, "open_file", lambda path: opened.append(Path(path).read_bytes()))
    edit.attachments.list.setCurrentRow(1)
    edit.attachments.open_selected()
    settle(qtbot)
    assert opened == [second.read_bytes()]
    monkeypatch.setattr(edit.attachments, "confirm", lambda *_a: True)
    edit.attachments.list.setCurrentRow(0)
    edit.attachments.remove_selected()
    settle(qtbot)
    assert [a.filename for a in samples.get_sample(lab.tech, sample_id).attachments] == ["unpacking.jpg"]
    assert edit.attachments.list.count() == 1


def _bulk_samples(lab, n: int) -> None:
    """Many samples at once, straight into the table (test data for the list only)."""
    samples.register_sample(lab.tech, samples.SampleInput(
        task_id=lab.task_id, scheme_id=lab.scheme_id, sampled=PRODUCER, product_name="电热水壶",
        sampling_date=TODAY, sampling_place="仓库", samplers=("王建", "刘洋")))
    with lab.db.engine.begin() as conn:
        party = conn.execute(select(Enterprise.id)).scalar_one()
        now = dt.datetime.now(dt.UTC)
        conn.execute(insert(Sample.__table__), [
            dict(task_id=lab.task_id, number=f"BULK-{i:05d}", status="registered",
                 place_type=("producer", "physical_seller", "e_platform")[i % 3], sampled_party_id=party,
                 product_name=("电热水壶", "养生壶", "咖啡机")[i % 3], brand=f"品牌{i % 7}", batch_number=f"P{i}",
                 sampling_date=TODAY - dt.timedelta(days=i % 50), declared_standards=[], version_evidence={},
                 claims=[], samplers=["王建", "刘洋"], seal_numbers=[], problems_found=i % 11 == 0,
                 major_hazard=False, version=1, created_at=now, updated_at=now)
            for i in range(n)
        ])


def test_the_list_fetches_pages_as_it_scrolls_and_sorts_and_filters_in_sql(qtbot, page, lab):
    _bulk_samples(lab, 400)
    page.refresh()
    settle(qtbot)
    model = page.model
    assert model.total == 401
    assert model.cached_pages() == [0]  # only the first page was read
    assert page.count_label.text() == "共 401 个样品"
    fetches = model.fetches
    page.table.scrollToBottom()
    qtbot.waitUntil(lambda: 8 in model.cached_pages(), timeout=5000)
    settle(qtbot)
    assert model.fetches - fetches <= 3  # the pages in between were never read
    last = sample_list.page(lab.tech, SampleQuery(), "sampling_date", True, 400, 1)[0]
    assert model.row_at(400).id == last.id

    # sorting: a click on a header orders in SQL
    number_column = model.column_of("number")
    page.table.sortByColumn(number_column, Qt.SortOrder.AscendingOrder)
    settle(qtbot)
    assert (model.sort_key, model.descending) == ("number", False)
    assert model.cached_pages() == [0]
    expected = sample_list.page(lab.tech, SampleQuery(), "number", False, 0, 3)
    assert [model.row_at(r).number for r in range(3)] == [r.number for r in expected] == [
        "BULK-00000", "BULK-00001", "BULK-00002"]

    # filtering: typed text waits for a pause, then counts in SQL
    page.filter.setText("养生")  # (QTest types ASCII only)
    assert model.query.text == ""  # not yet: the typing may go on
    qtbot.waitUntil(lambda: model.query.text == "养生" and not model.loading, timeout=5000)
    settle(qtbot)
    assert model.total == sample_list.count(lab.tech, SampleQuery(text="养生")) == 133
    assert {model.row_at(r).product_name for r in range(min(model.total, 50))} == {"养生壶"}
    page.place_filter.setCurrentIndex(page.place_filter.findData("e_platform"))
    settle(qtbot)
    assert model.total == sample_list.count(lab.tech, SampleQuery(text="养生", place_type="e_platform"))

    # an answer to an older filter is dropped when it comes late
    model.set_query(SampleQuery(text="咖啡"))
    model.set_query(SampleQuery(text="BULK-001"))
    settle(qtbot)
    assert model.total == 100 and model.row_at(0).number.startswith("BULK-001")


def test_the_filter_and_columns_are_remembered(qtbot, page, lab):
    from app.ui.pages.samples import SamplesPage

    page.filter.setText("康泰")
    page.status_filter.setCurrentIndex(page.status_filter.findData("received"))
    settle(qtbot)
    page.table.setColumnWidth(0, 222)
    again = SamplesPage(lab.tech)
    qtbot.addWidget(again)
    assert again.filter.text() == "康泰" and again.status_filter.currentData() == "received"
    assert again.model.query == SampleQuery(text="康泰", status="received")
    assert again.table.columnWidth(0) == 222


class _Window(QWidget):
    """Stands in for the main window: records cross-page navigation."""

    def __init__(self) -> None:
        super().__init__()
        self.went = []

    def go(self, key: str, **kwargs) -> None:
        self.went.append((key, kwargs))


def test_double_click_opens_the_form_and_the_menu_goes_to_testing(qtbot, lab):
    from PySide6.QtWidgets import QVBoxLayout

    from app.ui.pages.samples import SamplesPage

    saved = samples.register_sample(lab.tech, samples.SampleInput(
        task_id=lab.task_id, scheme_id=lab.scheme_id, sampled=PRODUCER, product_name="电热水壶",
        sampling_date=TODAY, sampling_place="仓库", samplers=("王建", "刘洋")))
    forget_ui_state()
    window = _Window()
    qtbot.addWidget(window)
    page = SamplesPage(lab.tech)
    QVBoxLayout(window).addWidget(page)
    window.resize(1200, 600)
    window.show()
    page.refresh()
    settle(qtbot)
    assert page.model.total == 1
    rect = page.table.visualRect(page.model.index(0, 1))
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    form = page.forms.get(saved.id)
    assert form is not None
    qtbot.waitUntil(lambda: form.loaded, timeout=10000)
    assert form.detail.number == saved.number and form.product_name.text() == "电热水壶"
    assert page.open_selected() is form  # one form per sample
    form.close()
    page.select_row(0)
    page.testing_action.trigger()
    assert window.went == [("testing", {"sample_id": saved.id})]
    # receive from the list: the dialog asks for the condition (样品状态)
    assert page.receive_action.isEnabled()
    page.receive_action.trigger()
    dialog = page.receive_dialog
    assert dialog.isVisible() and saved.number in dialog.findChild(QLabel).text()
    dialog.save()
    settle(qtbot)
    assert dialog.isVisible() and "样品状态" in dialog.error_text.text()
    assert samples.get_sample(lab.tech, saved.id).status == "registered"
    dialog.condition.setCurrentIndex(dialog.condition.findText("封样完好，封条无破损"))
    dialog.save()
    settle(qtbot)
    settle(qtbot)
    detail = samples.get_sample(lab.tech, saved.id)
    assert detail.status == "received" and detail.data.condition_on_receipt == "封样完好，封条无破损"
    assert detail.data.received_date == TODAY
    assert page.model.row_at(0).status == "received"


def test_receiving_refuses_a_day_before_sampling_and_takes_typed_text(qtbot, page, lab):
    from app.ui.dialogs.receive_dialog import ReceiveDialog

    saved = samples.register_sample(lab.tech, samples.SampleInput(
        task_id=lab.task_id, scheme_id=lab.scheme_id, sampled=PRODUCER, product_name="电热水壶",
        sampling_date=TODAY - dt.timedelta(days=1), sampling_place="仓库", samplers=("王建", "刘洋")))
    dialog = ReceiveDialog(lab.tech, [(saved.id, saved.version, saved.number)], page)
    qtbot.addWidget(dialog)
    dialog.open()
    dialog.date.setDate(dialog.date.date().addDays(-3))
    dialog.condition.setCurrentText("外包装轻微压痕，样品完好")
    dialog.save()
    settle(qtbot)
    assert dialog.isVisible() and "收样日期不能早于抽样日期" in dialog.error_text.text()
    assert dialog.date.styleSheet() == FIELD_ERROR
    assert dialog.condition.currentText() == "外包装轻微压痕，样品完好"  # nothing typed is lost
    dialog.date.setDate(dialog.date.date().addDays(3))
    dialog.save()
    settle(qtbot)
    assert not dialog.isVisible()
    assert samples.get_sample(lab.tech, saved.id).data.condition_on_receipt == "外包装轻微压痕，样品完好"


def test_the_form_records_the_sampling_record_number_and_refuses_a_repeat(qtbot, page, lab):
    first = samples.register_sample(lab.tech, samples.SampleInput(
        task_id=lab.task_id, scheme_id=lab.scheme_id, sampled=PRODUCER, product_name="电热水壶",
        sampling_date=TODAY, sampling_place="仓库", samplers=("王建", "刘洋"), sampling_record_number="CY-0001"))
    form = open_new(page, qtbot)
    fill(form, qtbot, "producer", "电热水壶")
    assert form.test_category.currentText() == "风险监测"
    form.sampling_record_number.setText("CY-0001")
    form.condition_on_receipt.setCurrentText("完好")  # a condition without a received date is marked
    assert form.condition_on_receipt.styleSheet() == FIELD_ERROR
    form.received_date.set_date(TODAY)
    assert form.condition_on_receipt.styleSheet() == ""
    form.save()
    settle(qtbot)
    assert form.isVisible() and form.last_saved is None
    assert form.sampling_record_number.styleSheet() == FIELD_ERROR
    assert first.number in form.error_label.text() and "CY-0001" in form.error_label.text()
    form.sampling_record_number.setText("CY-0002")
    form.test_category.setCurrentText("复检")
    form.save()
    settle(qtbot)
    assert form.last_saved is not None
    d = samples.get_sample(lab.tech, form.last_saved.id).data
    assert (d.sampling_record_number, d.test_category, d.condition_on_receipt) == ("CY-0002", "复检", "完好")
    # the form shows them again, and "register another like this" does not copy the record number
    again = page.open_form(form.last_saved.id)
    qtbot.waitUntil(lambda: again.loaded, timeout=10000)
    assert again.sampling_record_number.text() == "CY-0002" and again.condition_on_receipt.currentText() == "完好"
    assert again.test_category.currentText() == "复检"
    again.close()
    settle(qtbot)
    copy = page.open_form(None, copy_of=form.last_saved.id)
    qtbot.waitUntil(lambda: copy.loaded, timeout=10000)
    assert copy.sampling_record_number.text() == "" and copy.condition_on_receipt.currentText() == ""
    copy.dirty = False


def test_a_task_without_a_confirmed_scheme_says_so(qtbot, page, lab):
    from app.services import tasks

    tasks.create_task(lab.tech, tasks.TaskInput(number="T-02", title="无方案任务", plan_year=TODAY.year))
    form = open_new(page, qtbot)
    assert not form.scheme_note.isVisible()
    form.task.setCurrentIndex(form.task.findText("T-02 — 无方案任务"))
    # Article 14: no sampling before the issuing authority confirmed the scheme; no "(no scheme)" choice
    assert form.scheme_note.isVisible() and "还没有监测方案" in form.scheme_note.text()
    assert form.scheme.count() == 0
    form.task.setCurrentIndex(form.task.findData(lab.task_id))
    assert not form.scheme_note.isVisible() and form.scheme.currentData() == lab.scheme_id
    form.dirty = False


def test_a_stale_edit_is_refused_and_the_form_offers_to_reload(qtbot, page, lab, monkeypatch):
    saved = samples.register_sample(lab.tech, samples.SampleInput(
        task_id=lab.task_id, scheme_id=lab.scheme_id, sampled=PRODUCER, product_name="电热水壶",
        sampling_date=TODAY, sampling_place="仓库", samplers=("王建", "刘洋")))
    form = page.open_form(saved.id)
    qtbot.waitUntil(lambda: form.loaded, timeout=10000)
    form.brand.setText("康泰")
    # someone else saves first
    other = samples.get_sample(lab.tech2, saved.id)
    samples.update_sample(lab.tech2, saved.id, other.version, replace(other.data, model_spec="KT-2"))
    asked = []
    monkeypatch.setattr(form, "confirm", lambda title, text: asked.append(text) or True)
    form.save()
    settle(qtbot)
    assert asked and "已被其他用户修改" in asked[0]
    assert form.detail.data.model_spec == "KT-2" and form.brand.text() == ""  # reloaded, as chosen
    form.brand.setText("康泰")
    form.save()
    settle(qtbot)
    assert samples.get_sample(lab.tech, saved.id).data.brand == "康泰"


def test_a_sample_with_a_compiled_report_is_shown_read_only(qtbot, page, lab):
    saved = samples.register_sample(lab.tech, samples.SampleInput(
        task_id=lab.task_id, scheme_id=lab.scheme_id, sampled=PRODUCER, product_name="电热水壶",
        sampling_date=TODAY, sampling_place="仓库", samplers=("王建", "刘洋")))
    with lab.tech.uow() as uow:
        uow.session.get(Sample, saved.id).status = "compiled"
        uow.commit()
    form = page.open_form(saved.id)
    qtbot.waitUntil(lambda: form.loaded, timeout=10000)
    assert "不能再修改" in form.heading.text()
    assert not form.save_button.isEnabled() and not form.product_name.isEnabled()
    assert form.attachments.isEnabled()  # photos may still be added
