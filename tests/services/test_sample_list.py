"""The big sample list: filters, sorting and paging done in SQL, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from app.errors import ValidationError
from app.services import sample_list, samples, tasks
from app.services.sample_list import SampleQuery
from app.store.models import PLACE_TYPES, SAMPLE_STATUSES, Sample
from tests.services.conftest import TODAY, confirmed_scheme, ready_task

PRODUCERS = [
    samples.PartyInput("武汉市康泰电器有限公司", "91420100MA4K1A2B88", "武汉市东西湖区金银湖路 18 号", "李伟", "027-8356 1200",
                       "medium"),
    samples.PartyInput("孝感美佳电器制造有限公司", "91420900MA49C3D41U"),
    samples.PartyInput("Foshan Meichu Appliances Co.", "91440606MA51XY2N0L"),
]
SELLER = samples.PartyInput("武汉市江岸区顺和家电商行", "92420102MA4K0ABC8E")
PLATFORM = samples.PartyInput("杭州某某网络科技有限公司", "91330100MA27ABCD4M")
BRANDS = ["康泰", "Midea", "MIDEA-X", "美佳", "", "50%_off"]


def _input(task_id: int, scheme_id: int, i: int, rng: random.Random) -> samples.SampleInput:
    place = PLACE_TYPES[i % 3]
    online = place == "e_platform"
    return samples.SampleInput(
        task_id=task_id,
        scheme_id=scheme_id,
        place_type=place,
        sampled=PRODUCERS[i % 3] if place == "producer" else SELLER,
        nominal_producer=samples.PartyInput() if place == "producer" else PRODUCERS[(i + 1) % 3],
        platform_operator=PLATFORM if online else samples.PartyInput(),
        shop_name="旗舰店" if online else "",
        shop_url=f"https://shop.example.com/{i}" if online else "",
        order_number=f"DD{i:06d}" if online else "",
        logistics_number=f"SF{i:06d}" if online else "",
        product_name=rng.choice(["电热水壶", "养生壶", "Kettle Pro"]),
        brand=BRANDS[i % len(BRANDS)],
        batch_number=f"B{rng.randint(1, 5):02d}" if i % 4 else "",
        sampling_date=TODAY - dt.timedelta(days=rng.randint(0, 9)),
        sampling_place="" if online else "仓库",
        samplers=("王建", "刘洋"),
        received_date=TODAY if i % 2 else None,
    )


@pytest.fixture
def listed(any_lab):
    """Two tasks, 29 samples of every place type; a few moved on to later statuses."""
    rng = random.Random(7)
    task_id, scheme_id = ready_task(any_lab)
    other = tasks.create_task(any_lab.tech, tasks.TaskInput(number="A-02", title="另一个任务", plan_year=TODAY.year))
    confirmed_scheme(any_lab, other.id)  # sampling follows the scheme's confirmation (Article 14)
    rows = [_input(task_id, scheme_id, i, rng) for i in range(24)]
    rows += [_input(other.id, None, i, rng) for i in range(24, 29)]
    created = samples.register_samples(any_lab.tech, rows)
    with any_lab.tech.uow() as uow:  # later statuses, set directly: the list only reads them
        for s, status in zip(created[:6], ["testing", "completed", "approved", "reported", "compiled", "reviewed"],
                             strict=True):
            uow.session.get(Sample, s.id).status = status
        uow.commit()
    return any_lab, task_id, other.id


def everything(ctx, query=SampleQuery(), sort="number", descending=False):
    return sample_list.page(ctx, query, sort, descending, 0, 1000)


def test_count_and_text_filter_cover_number_product_brand_batch_and_enterprises(listed):
    lab, task_id, other_id = listed
    ctx = lab.tech
    rows = everything(ctx)
    assert sample_list.count(ctx, SampleQuery()) == len(rows) == 29

    def ids(text: str) -> set[int]:
        query = SampleQuery(text=text)
        found = {r.id for r in everything(ctx, query)}
        assert sample_list.count(ctx, query) == len(found)
        return found

    detail = {r.id: samples.get_sample(ctx, r.id).data for r in rows}
    by_number = {r.id: r.number for r in rows}

    def expect(pred) -> set[int]:
        return {i for i, d in detail.items() if pred(i, d)}

    assert ids("养生") == expect(lambda i, d: "养生" in d.product_name)
    # ASCII case is ignored on both backends
    assert ids("midea") == expect(lambda i, d: "midea" in d.brand.lower()) != set()
    assert ids("kettle") == expect(lambda i, d: "Kettle" in d.product_name) != set()
    assert ids("B03") == expect(lambda i, d: d.batch_number == "B03")
    assert ids(by_number[rows[5].id]) == {rows[5].id}
    # enterprises: sampled party, nominal producer and platform operator, by name or USCC
    assert ids("康泰") == expect(
        lambda i, d: "康泰" in d.brand or "康泰" in d.sampled.name or "康泰" in d.nominal_producer.name
    )
    assert ids("杭州某某") == expect(lambda i, d: d.place_type == "e_platform") != set()
    assert ids("92420102") == expect(lambda i, d: d.place_type != "producer")
    # every word must match somewhere
    assert ids("养生 Midea") == ids("养生") & ids("midea")
    # LIKE wildcards are taken literally
    assert ids("50%_") == expect(lambda i, d: "50%_" in d.brand) != set()
    assert ids("5_%") == set()
    assert ids("   ") == set(detail)


def test_task_status_place_and_date_filters(listed):
    lab, task_id, other_id = listed
    ctx = lab.tech
    rows = everything(ctx)
    assert {r.id for r in everything(ctx, SampleQuery(task_id=other_id))} == {
        r.id for r in rows if r.task_number == "A-02"
    }
    assert len(everything(ctx, SampleQuery(task_id=other_id))) == 5
    for status in SAMPLE_STATUSES:
        got = everything(ctx, SampleQuery(status=status))
        assert [r.id for r in got] == [r.id for r in rows if r.status == status]
    assert sample_list.count(ctx, SampleQuery(status="approved")) == 1
    for place in PLACE_TYPES:
        assert sample_list.count(ctx, SampleQuery(place_type=place)) == sum(r.place_type == place for r in rows)
    lo, hi = TODAY - dt.timedelta(days=6), TODAY - dt.timedelta(days=3)
    got = everything(ctx, SampleQuery(date_from=lo, date_to=hi))
    assert [r.id for r in got] == [r.id for r in rows if lo <= r.sampling_date <= hi]
    combined = SampleQuery(text="电热", task_id=task_id, place_type="physical_seller", date_to=hi)
    assert [r.id for r in everything(ctx, combined)] == [
        r.id for r in rows
        if "电热" in r.product_name and r.task_number == "T-01" and r.place_type == "physical_seller"
        and r.sampling_date <= hi
    ]


SORT_FIELDS = {
    "number": lambda r: r.number,
    "task": lambda r: r.task_number,
    "product": lambda r: r.product_name,
    "brand": lambda r: r.brand or None,
    "batch": lambda r: r.batch_number or None,
    "place": lambda r: PLACE_TYPES.index(r.place_type),
    "sampled_party": lambda r: r.sampled_party,
    "sampling_date": lambda r: r.sampling_date,
    "received_date": lambda r: r.received_date,
    "status": lambda r: SAMPLE_STATUSES.index(r.status),
}


def test_pages_in_every_sort_order_tile_the_sorted_list(listed):
    lab, _, _ = listed
    ctx = lab.tech
    rows = everything(ctx)
    nulls_small = ctx.db.backend == "sqlite"  # where each database puts NULL by default
    assert set(SORT_FIELDS) == set(sample_list.SORT_KEYS)
    for key, field, descending in [(k, f, d) for k, f in SORT_FIELDS.items() for d in (False, True)]:
        def sort_key(r, field=field):
            v = field(r)
            null_rank = 0 if (v is None) == nulls_small else 1
            return (null_rank, v if v is not None else 0, r.id)

        expected = sorted(rows, key=sort_key, reverse=descending)
        got = []
        for offset in range(0, 35, 6):
            got += sample_list.page(ctx, SampleQuery(), key, descending, offset, 6)
        assert [r.id for r in got] == [r.id for r in expected], (key, descending)
        if key != "number":  # the order is the column's, not the id's
            assert [r.id for r in got] != sorted(r.id for r in got)


def test_rows_carry_what_the_list_shows(listed):
    lab, task_id, _ = listed
    ctx = lab.tech
    row = sample_list.page(ctx, SampleQuery(place_type="producer", task_id=task_id), "number", False, 0, 1)[0]
    detail = samples.get_sample(ctx, row.id)
    assert (row.number, row.task_number, row.product_name, row.brand, row.place_type) == (
        detail.number, detail.task_number, detail.data.product_name, detail.data.brand, "producer"
    )
    assert row.sampled_party == detail.data.sampled.name
    assert (row.status, row.version, row.sampling_date) == (detail.status, detail.version, detail.data.sampling_date)
    assert sample_list.page(ctx, SampleQuery(), "number", False, 100, 10) == []
    first = sample_list.first_page(ctx, SampleQuery(text="旗舰店-nothing"))
    assert (first.total, first.rows) == (0, [])
    first = sample_list.first_page(ctx, SampleQuery(task_id=task_id), limit=5)
    assert first.total == 24 and len(first.rows) == 5


def test_bad_queries_are_refused_in_chinese(listed):
    lab, _, _ = listed
    ctx = lab.tech
    with pytest.raises(ValidationError, match="未知的样品状态"):
        sample_list.count(ctx, SampleQuery(status="lost"))
    with pytest.raises(ValidationError, match="未知的抽样场所类型"):
        sample_list.page(ctx, SampleQuery(place_type="moon"))
    with pytest.raises(ValidationError) as err:
        sample_list.count(ctx, SampleQuery(date_from=TODAY, date_to=TODAY - dt.timedelta(days=1)))
    assert "date_to" in err.value.errors
    with pytest.raises(ValidationError, match="不能按"):
        sample_list.page(ctx, SampleQuery(), "id; DROP TABLE samples")
    with pytest.raises(ValidationError):
        sample_list.page(ctx, SampleQuery(), "number", False, -1, 10)


def test_find_enterprise_by_uscc(listed):
    lab, _, _ = listed
    ctx = lab.tech
    found = sample_list.find_enterprise(ctx, " 91420100ma4k1a2b88 ")
    assert found is not None
    assert (found.name, found.address, found.contact, found.size) == (
        "武汉市康泰电器有限公司", "武汉市东西湖区金银湖路 18 号", "李伟", "medium"
    )
    assert sample_list.find_enterprise(ctx, "91420100MA4K1A2B89") is None  # bad check character
    assert sample_list.find_enterprise(ctx, "9142") is None
    assert sample_list.find_enterprise(ctx, "91110108MA01XY211M") is None  # valid, not in the register


def test_claims_are_checked_before_saving():
    """明示质量状况 on the form: item, source and requirement are checked (samples.check_claims)."""
    good = {"item": "热效率", "source": "label", "requirement": {"op": ">=", "value": 90, "unit": "%"}}
    assert samples.check_claims([good, {"item": "外观", "source": "sample",
                                        "requirement": {"op": "text", "text": "无毛刺"}}]) is None
    assert samples.check_claims([good, {**good, "source": "tv"}]).startswith("第 2 条明示质量状况（热效率）的来源")
    bad_value = {**good, "requirement": {"op": ">=", "value": "九十", "unit": "%"}}
    assert "限值无效" in samples.check_claims([bad_value])
    assert "上限无效" in samples.check_claims([{**good, "requirement": {"op": "range", "low": 1}}])
    assert samples.check_claims([{**good, "item": " "}]) == "第 1 条明示质量状况缺少检验项目。"
    data = samples.SampleInput(claims=(bad_value,))
    assert "限值无效" in samples.validate(data)["claims"]
    assert "claims" not in samples.validate(samples.SampleInput(claims=(good,)))


def test_a_few_matches_are_sorted_not_walked_with_the_same_rows(listed):
    """With the filter's count given, a selective text filter is sorted after one scan (SQLite):
    the rows and their order are the same as when the order's index is walked."""
    lab, _, _ = listed
    ctx = lab.tech
    for text in ("Kettle", "B0", "康泰"):
        query = SampleQuery(text=text)
        total = sample_list.count(ctx, query)
        for key in sample_list.SORT_KEYS:
            for descending in (False, True):
                walked = sample_list.page(ctx, query, key, descending, 1, 4)
                sorted_ = sample_list.page(ctx, query, key, descending, 1, 4, total=total)
                assert [r.id for r in walked] == [r.id for r in sorted_], (text, key, descending)
    stmt = sample_list.page_statement(SampleQuery(text="x"), "brand", True, walk_index=False)
    assert "+" in str(stmt.compile(dialect=ctx.db.engine.dialect)).split("ORDER BY")[1]
