"""Excel templates, all-or-nothing import, ledger and results export."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from openpyxl import load_workbook

from app.documents import examples
from app.documents.data import LedgerRow, PlaceType
from app.documents.excel import (
    LEDGER_HEADERS,
    RESULT_HEADERS,
    write_results,
    write_sample_ledger,
    write_template,
)
from app.documents.excel_columns import CATALOG_COLUMNS, OP_CHOICES, PLACE_CHOICES, SAMPLING_COLUMNS
from app.errors import ValidationError
from app.services.excel_import import (
    ImportRowsError,
    catalog_to_rules,
    parse_date,
    read_catalog_rows,
    read_sampling_rows,
)

TODAY = date(2026, 6, 30)


def _fill(template, rows: list[dict[str, object]], sheet: str, columns) -> None:
    """Type ``rows`` into the template's data sheet the way a user would."""
    wb = load_workbook(template)
    ws = wb[sheet]
    for r, rec in enumerate(rows, start=2):
        for c, col in enumerate(columns, start=1):
            if col.key in rec:
                ws.cell(row=r, column=c, value=rec[col.key])
    wb.save(template)


def _examples(template, sheet: str) -> list[dict[str, object]]:
    wb = load_workbook(template)
    ws = wb["示例"]
    headers = [c.value for c in ws[1]]
    columns = SAMPLING_COLUMNS if sheet == "抽样信息" else CATALOG_COLUMNS
    keys = {c.header: c.key for c in columns}
    out = []
    for values in ws.iter_rows(min_row=2, values_only=True):
        out.append({keys[h]: v for h, v in zip(headers, values, strict=True) if v is not None})
    return out


@pytest.fixture
def sampling_template(tmp_path):
    return write_template("sampling", tmp_path / "抽样信息模板.xlsx")


@pytest.fixture
def catalog_template(tmp_path):
    return write_template("catalog", tmp_path / "标准目录模板.xlsx")


def test_sampling_template_has_chinese_headers_instructions_and_drop_downs(sampling_template):
    wb = load_workbook(sampling_template)
    assert wb.sheetnames == ["抽样信息", "说明", "示例"]
    ws = wb["抽样信息"]
    assert [c.value for c in ws[1]] == [c.header for c in SAMPLING_COLUMNS]
    lists = [dv for dv in ws.data_validations.dataValidation if dv.type == "list"]
    assert any(dv.formula1 == '"' + ",".join(PLACE_CHOICES) + '"' for dv in lists)
    place_col = next(i for i, c in enumerate(SAMPLING_COLUMNS) if c.key == "place_type")
    letter = chr(ord("A") + place_col)
    assert any(f"{letter}2:" in str(dv.sqref) for dv in lists)
    uscc_col = next(i for i, c in enumerate(SAMPLING_COLUMNS) if c.key == "sampled_uscc") + 1
    assert ws.column_dimensions[ws.cell(row=1, column=uscc_col).column_letter].number_format == "@"
    text = " ".join(str(c.value) for row in wb["说明"].iter_rows() for c in row if c.value)
    assert "第十八条" in text and "至少 2 人" in text


def test_catalog_template_has_requirement_type_list(catalog_template):
    ws = load_workbook(catalog_template)["标准目录"]
    formulas = [dv.formula1 for dv in ws.data_validations.dataValidation if dv.type == "list"]
    assert '"' + ",".join(OP_CHOICES) + '"' in formulas


def test_sampling_template_round_trip(sampling_template):
    rows = _examples(sampling_template, "抽样信息")
    _fill(sampling_template, rows, "抽样信息", SAMPLING_COLUMNS)
    got = read_sampling_rows(sampling_template, today=TODAY)
    assert [r.row for r in got] == [2, 3]
    first, second = got
    assert first.place_type is PlaceType.E_PLATFORM and second.place_type is PlaceType.PRODUCER
    assert first.sampling_date == date(2026, 5, 20)
    assert first.samplers == ("陈立", "赵敏")
    assert first.sampled_uscc == rows[0]["sampled_uscc"]
    assert first.order_number == "3398127746610293847"
    assert second.production_date == "2026年4月"
    assert first.production_date == date(2026, 5, 12)
    # traceability fields of their own, quantities split into number and unit
    assert first.sampling_record_number == "CY-2026-017-0001" and first.test_category == "风险监测"
    assert (first.test_quantity, first.backup_quantity, first.lot_size, first.quantity_unit) == ("2", "2", "50", "台")
    assert second.seal_numbers == ("FT20260521001", "FT20260521002")


@pytest.mark.parametrize(("text", "expected"), [
    ("4 台", ("4", "台")), ("4台", ("4", "台")), (4, ("4", "")), (2.5, ("2.5", "")), ("1,000 件", ("1000", "件")),
    ("0.5 kg", ("0.5", "kg")), ("", ("", "")), (None, ("", "")),
    ("四台", None), ("4 台（检验 2 台）", None), ("-3 台", None), ("4 5", None),
])
def test_quantities_are_a_number_and_a_unit(text, expected):
    from app.services.excel_import import parse_quantity

    assert parse_quantity(text) == expected


def test_bad_quantities_and_repeated_record_numbers_are_listed(sampling_template):
    good = _examples(sampling_template, "抽样信息")[1]
    rows = [
        dict(good, sample_number="S-1"),
        dict(good, sample_number="S-2", sample_quantity="若干"),  # row 3
        dict(good, sample_number="S-3", sampling_record_number="CY-2026-017-0002"),  # row 4: repeats row 2
        dict(good, sample_number="S-4", sampling_record_number="CY-4", lot_size="2 箱"),  # row 5: another unit
    ]
    _fill(sampling_template, rows, "抽样信息", SAMPLING_COLUMNS)
    with pytest.raises(ImportRowsError) as e:
        read_sampling_rows(sampling_template, today=TODAY)
    msg = e.value.message
    assert e.value.bad_rows == (3, 4, 5)
    assert "第3行“样品数量”：“若干”应写作数量加单位，如 4 台" in msg
    assert "第4行“抽样单编号”：抽样单编号“CY-2026-017-0002”与第2行重复" in msg
    assert "第5行“抽样基数”：单位“箱”与样品数量的单位“台”不一致" in msg


def test_bad_rows_anywhere_reject_the_whole_file_and_are_all_listed(sampling_template):
    good = _examples(sampling_template, "抽样信息")
    rows = [dict(good[1], sample_number=f"S-{i:03d}", sampling_record_number=f"CY-{i}") for i in range(1, 8)]
    rows[1] = dict(rows[1], sampled_uscc="91420100MA4KXY7122")  # row 3: wrong check character
    rows[3] = dict(rows[3], place_type="超市")  # row 5: not a place type
    rows[4] = dict(rows[4], samplers="陈立", sampling_date="2026-13-01")  # row 6: two problems
    rows[5] = dict(good[0], sample_number="S-001", shop_url="", nominal_name="")  # row 7: dup + e-commerce gaps
    _fill(sampling_template, rows, "抽样信息", SAMPLING_COLUMNS)
    with pytest.raises(ImportRowsError) as e:
        read_sampling_rows(sampling_template, today=TODAY)
    err = e.value
    assert isinstance(err, ValidationError)
    assert err.bad_rows == (3, 5, 6, 7)
    msg = err.message
    assert "未导入任何数据" in msg
    assert "第3行“被抽样单位统一社会信用代码”" in msg and "第 18 位校验码" in msg
    assert "第5行“抽样场所类型”：“超市”不是有效的抽样场所类型" in msg
    assert "第6行“抽样人员”" in msg and "第6行“抽样日期”" in msg
    assert "第7行“样品编号”：样品编号“S-001”与第2行重复" in msg
    assert "第7行“网址”：电商平台抽样时必填" in msg and "第7行“标称生产企业名称”" in msg
    assert len([p for p in err.problems if p.row == 6]) == 2


def test_future_sampling_date_and_rounded_numbers_are_caught(sampling_template):
    row = dict(_examples(sampling_template, "抽样信息")[1], sampling_date=date(2026, 7, 5),
               sampled_uscc=914201001922038216.0)
    _fill(sampling_template, [row], "抽样信息", SAMPLING_COLUMNS)
    with pytest.raises(ImportRowsError) as e:
        read_sampling_rows(sampling_template, today=TODAY)
    assert "晚于今天" in e.value.message
    assert "文本" in e.value.message


def test_missing_required_column_and_empty_sheet(tmp_path, sampling_template):
    with pytest.raises(ImportRowsError) as e:
        read_sampling_rows(sampling_template, today=TODAY)
    assert "没有任何数据行" in e.value.message
    wb = load_workbook(sampling_template)
    wb["抽样信息"].delete_cols(1)
    wb.save(sampling_template)
    with pytest.raises(ImportRowsError) as e:
        read_sampling_rows(sampling_template, today=TODAY)
    assert "缺少必需的列：样品编号" in e.value.message
    junk = tmp_path / "not.xlsx"
    junk.write_text("hello")
    with pytest.raises(ImportRowsError) as e:
        read_sampling_rows(junk)
    assert ".xlsx" in e.value.message


def test_rows_are_numbered_as_excel_numbers_them_and_cells_read_as_typed(sampling_template):
    """Blank rows above the header and between data rows do not shift the row numbers of the
    messages; a whole number typed in a text column reads as "3", not "3.0"."""
    good = _examples(sampling_template, "抽样信息")[1]
    rows = [dict(good, sample_number="S-1", sampling_record_number="R-1", brand=3.0),
            {}, dict(good, sample_number="S-2", sampling_record_number="R-2", samplers="张三")]
    _fill(sampling_template, rows, "抽样信息", SAMPLING_COLUMNS)
    wb = load_workbook(sampling_template)
    wb["抽样信息"].insert_rows(1, amount=2)  # the header on row 3, data on rows 4 (good), 5 (blank), 6 (bad)
    wb.save(sampling_template)
    with pytest.raises(ImportRowsError) as e:
        read_sampling_rows(sampling_template, today=TODAY)
    assert [p.row for p in e.value.problems] == [6]
    assert "抽样人员至少 2 人" in e.value.message
    _fill(sampling_template, [{}, {}, {}, {}, {}, {"sample_number": None}], "抽样信息", SAMPLING_COLUMNS)
    wb = load_workbook(sampling_template)
    wb["抽样信息"].delete_rows(6)
    wb.save(sampling_template)
    got = read_sampling_rows(sampling_template, today=TODAY)
    assert [(r.row, r.sample_number, r.brand) for r in got] == [(4, "S-1", "3")]
    wb = load_workbook(sampling_template)
    wb["抽样信息"].delete_rows(1, 10)  # nothing left, not even the header
    wb.save(sampling_template)
    with pytest.raises(ImportRowsError, match="是空的"):
        read_sampling_rows(sampling_template, today=TODAY)


def test_catalog_round_trip_feeds_the_rule_contract(catalog_template):
    rows = _examples(catalog_template, "标准目录")
    rows.append({"code": "GB/T 14561-2003", "effective": date(2004, 1, 1), "abolished": date(2020, 7, 1),
                 "item": "额定功率", "clause": "5.2", "op": "<=", "value": "5", "unit": "%"})
    _fill(catalog_template, rows, "标准目录", CATALOG_COLUMNS)
    got = read_catalog_rows(catalog_template)
    assert [r.code for r in got] == ["GB 4706.19-2008", "GB/T 14561-2019", "GB 4706.19-2008", "GB/T 14561-2003"]
    assert got[1].requirement.to_dict() == {"op": "range", "low": -10, "high": 5, "unit": "%"}
    assert got[3].requirement.to_dict() == {"op": "<=", "value": 5, "unit": "%"}
    assert got[3].abolished == date(2020, 7, 1)
    catalog = catalog_to_rules(got)
    gb = next(c for c in catalog if c["code"] == "GB 4706.19-2008")
    assert set(gb["items"]) == {"泄漏电流", "标志和说明"}
    assert gb["items"]["泄漏电流"]["method"] == {"code": "GB 4706.19-2008", "clause": "13.2"}


def test_catalog_bad_rows_are_all_listed(catalog_template):
    good = _examples(catalog_template, "标准目录")[0]
    rows = [
        good,
        dict(good, item="温升", code="GB 4706.19"),  # row 3: no year
        dict(good, item="泄漏电流"),  # row 4: duplicate of row 2
        dict(good, item="电气强度", op="范围", value=None, low=5),  # row 5: range without high
        dict(good, item="耐潮湿", abolished=date(2001, 1, 1)),  # row 6: abolished before effective
        dict(good, item="结构", op="大约"),  # row 7: unknown op
        dict(good, item="爬电距离", value="abc"),  # row 8: not a number
        dict(good, item="发热", code="XYZ"),  # row 9: not a code
    ]
    _fill(catalog_template, rows, "标准目录", CATALOG_COLUMNS)
    with pytest.raises(ImportRowsError) as e:
        read_catalog_rows(catalog_template)
    assert e.value.bad_rows == (3, 4, 5, 6, 7, 8, 9)
    msg = e.value.message
    assert "应带年代号" in msg and "与第2行重复" in msg and "下限和上限" in msg
    assert "应晚于实施日期" in msg and "“大约”不是有效的要求类型" in msg and "“abc”不是数字" in msg
    assert "无法识别的标准编号" in msg


def test_parse_date_forms():
    assert parse_date("2026/5/20") == date(2026, 5, 20)
    assert parse_date("2026年5月20日") == date(2026, 5, 20)
    assert parse_date("20260520") == date(2026, 5, 20)
    assert parse_date(46162) == date(2026, 5, 20)
    assert parse_date("2026-02-30") is None
    assert parse_date("明天") is None


def test_unknown_template_kind():
    with pytest.raises(ValidationError):
        write_template("ledger", "x.xlsx")


def test_a_deadline_passed_without_a_report_is_late():
    row = LedgerRow("FX-1", "T", "电热水壶", PlaceType.PRODUCER, "某厂", deadline=date(2026, 10, 13))
    assert row.on_time is None  # the day is not known: nothing said
    assert dataclasses.replace(row, as_of=date(2026, 10, 13)).on_time is None  # the deadline day itself
    assert dataclasses.replace(row, as_of=date(2026, 10, 14)).on_time is False
    assert dataclasses.replace(row, as_of=date(2026, 10, 20), reported_date=date(2026, 10, 13)).on_time is True


def test_ledger_and_results_export(tmp_path):
    rows = [
        LedgerRow("FX2026-0001", "HBFX-2026-017", "电热水壶", PlaceType.E_PLATFORM, "武汉市某某家电商行",
                  sampling_date=date(2026, 5, 20), completed_date=date(2026, 9, 30), deadline=date(2026, 10, 13),
                  reported_date=date(2026, 10, 14), report_number="HBZJ-FX2026-0001", problems_found=True,
                  failed_items=("泄漏电流", "输入功率和电流"), notified_parties=3),
        LedgerRow("FX2026-0002", "HBFX-2026-017", "电热水壶", "producer", "湖北某某厨具制造有限公司",
                  deadline=date(2027, 1, 8), deadline_provisional=True),
    ]
    path = write_sample_ledger(rows, tmp_path / "ledger.xlsx")
    ws = load_workbook(path)["样品台账"]
    values = list(ws.iter_rows(values_only=True))
    assert values[0] == LEDGER_HEADERS
    first = dict(zip(LEDGER_HEADERS, values[1], strict=True))
    assert first["抽样场所类型"] == "电商平台" and first["是否按期"] == "否"
    assert first["检验结论"] == "存在问题" and first["不符合项目"] == "泄漏电流、输入功率和电流"
    assert first["报送期限"].date() == date(2026, 10, 13)
    second = dict(zip(LEDGER_HEADERS, values[2], strict=True))
    assert second["报送期限"] == "2027-01-08（暂定）" and second["是否按期"] in (None, "")
    assert first["告知单位数"] == 3 and first["已送达单位数"] == 0

    reports = [examples.test_report(), examples.test_report(n_items=3, number="R-2", sample_number="S-2")]
    path = write_results(reports, tmp_path / "results.xlsx")
    values = list(load_workbook(path)["检验结果"].iter_rows(values_only=True))
    assert values[0] == RESULT_HEADERS
    assert len(values) == 1 + len(reports[0].items) + 3
    leak = next(dict(zip(RESULT_HEADERS, v, strict=True)) for v in values[1:] if v[7] == "泄漏电流")
    assert leak["单项判定"] == "不符合" and leak["检验结果"] == "1.20" and leak["依据条款"] == "13.2"
    assert leak["标准选择依据（条款）"] == "16.1"
