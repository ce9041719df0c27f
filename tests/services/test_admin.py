"""Administration behind 设置 and the standards catalog: lab details, settings with their checks,
users and passwords, the working calendar, catalog files (CSV and Excel) and scheme checks."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from app.errors import ConflictError, PermissionDenied, ValidationError
from app.services import calendar, catalog, tasks, users
from app.services import lab as lab_service
from app.services.context import Context
from tests.services.conftest import PASSWORD, STANDARDS

CSV_HEADER = "code,title,effective,abolished,item,clause,op,value,low,high,unit,text,method_code,method_clause\n"
GOOD_ROWS = [
    "GB 4706.19-2008,液体加热器的特殊要求,2009-12-01,,泄漏电流,13.2,<=,0.75,,,mA,,GB 4706.19-2008,13.2\n",
    "GB 4706.19-2008,液体加热器的特殊要求,2009-12-01,,标志和说明,7,text,,,,,应符合第7章,,\n",
    "GB/T 14561-2019,消费类电器产品能效,2020-07-01,,额定功率,5.3,range,,-10,5,%,,GB/T 14561-2019,6.3\n",
]


def write(path: Path, rows: list[str], encoding: str = "utf-8") -> Path:
    path.write_text(CSV_HEADER + "".join(rows), encoding=encoding)
    return path


def test_lab_details_and_settings_are_checked(any_lab):
    info = lab_service.save_lab(any_lab.admin, name=" 荆楚检验中心 ", cma_number="241712050999", address="", phone="",
                        version=None)
    assert info.name == "荆楚检验中心" and lab_service.get_lab(any_lab.tech).cma_number == "241712050999"
    with pytest.raises(ValidationError) as err:
        lab_service.save_lab(any_lab.admin, name="", cma_number="CMA-1", address="", phone="", version=info.version)
    assert set(err.value.errors) == {"name", "cma_number"}
    with pytest.raises(ConflictError):
        lab_service.save_lab(any_lab.admin, name="x", cma_number="", address="", phone="", version=info.version + 5)
    with pytest.raises(PermissionDenied):
        lab_service.save_lab(any_lab.tech, name="x", cma_number="", address="", phone="", version=info.version)

    with pytest.raises(ValidationError) as err:
        lab_service.save_settings(any_lab.admin, {"sample_number_pattern": "FX-{seq:04d}", "report_number_pattern": "{seq}",
                                          "provincial_url": "ftp://x"})
    assert "{task}" in err.value.errors["sample_number_pattern"]
    assert "{year}" in err.value.errors["report_number_pattern"]
    assert "provincial_url" in err.value.errors
    assert lab_service.get_settings(any_lab.tech)["sample_number_pattern"] == "{task}-{seq:04d}"  # nothing saved
    saved = lab_service.save_settings(any_lab.admin, {"sample_number_pattern": " {task}-{year}-{seq:03d} ",
                                              "provincial_url": "https://sjjg.example.cn/api",
                                              "provincial_user": "jc-lab"})
    assert saved["sample_number_pattern"] == "{task}-{year}-{seq:03d}"
    assert lab_service.get_settings(any_lab.tech)["provincial_url"] == "https://sjjg.example.cn/api"
    with pytest.raises(PermissionDenied):
        lab_service.save_settings(any_lab.tech, {"provincial_user": "me"})


@pytest.mark.parametrize(
    ("number", "problem"),
    [("241712050999", None), ("", None), (" 2417 1205 0999 ", None), ("２４１７１２０５０９９９", None),
     ("171700100123", None), ("CMA0001", "只能由数字"), ("24171205099", "12 位"), ("2417120509990", "12 位"),
     ("243512050999", "发证机关代码"), ("241712050000", "流水号")],
)
def test_cma_certificate_numbers(number, problem):
    from app.rules import cma

    found = cma.problem(number)
    assert (found is None) if problem is None else (problem in found and "241712050999" in found)


def test_a_bad_cma_number_is_refused_and_a_good_one_stored_without_spaces(any_lab):
    with pytest.raises(ValidationError) as err:
        lab_service.save_lab(any_lab.admin, name="荆楚检验中心", cma_number="17170010012", address="", phone="",
                             version=None)
    assert "12 位" in err.value.errors["cma_number"]
    info = lab_service.save_lab(any_lab.admin, name="荆楚检验中心", cma_number="1717 0010 0123", address="", phone="",
                                version=lab_service.get_lab(any_lab.tech).version)
    assert info.cma_number == "171700100123"
    info = lab_service.save_lab(any_lab.admin, name="荆楚检验中心", cma_number="", address="", phone="",
                                version=info.version)
    assert info.cma_number == ""


@pytest.mark.parametrize(
    ("url", "problem"),
    [("https://sjjg.example.cn/api", None), ("http://127.0.0.1:8765", None), ("http://localhost:8765/x", None),
     ("http://[::1]:8765", None), ("HTTPS://SJJG.example.cn", None),
     ("http://sjjg.example.cn/api", "https://"), ("http://192.168.1.20:8765", "https://"),
     ("http://127.0.0.1.example.com", "https://"), ("ftp://x", "https://"), ("https://", "https://"),
     ("sjjg.example.cn", "https://"), ("https://a b.cn", "空格"), ("https://x.cn:99999", "格式不正确")],
)
def test_provincial_address_only_https_or_this_machine(url, problem):
    found = lab_service.provincial_url_problem(url)
    assert (found is None) if problem is None else (problem in found)


def test_provincial_connection_needs_a_user_name(any_lab):
    with pytest.raises(ValidationError) as err:
        lab_service.save_settings(any_lab.admin, {"provincial_url": "http://sjjg.example.cn", "provincial_user": " "})
    assert set(err.value.errors) == {"provincial_url", "provincial_user"}  # both at once
    assert lab_service.get_settings(any_lab.tech)["provincial_url"] == ""  # nothing saved
    with pytest.raises(ValidationError) as err:
        lab_service.save_settings(any_lab.admin, {"provincial_url": "https://sjjg.example.cn"})
    assert "用户名" in err.value.errors["provincial_user"]
    lab_service.save_settings(any_lab.admin, {"provincial_url": "https://sjjg.example.cn", "provincial_user": "jc"})
    with pytest.raises(ValidationError):  # the stored address still needs its user name
        lab_service.save_settings(any_lab.admin, {"provincial_user": ""})
    assert lab_service.save_settings(any_lab.admin, {"provincial_url": "", "provincial_user": ""})["provincial_url"] == ""


@pytest.mark.parametrize(
    ("pattern", "problem"),
    [("{task}-{seq:04d}", None), ("{task}/{year}{month:02d}{day:02d}-{seq}", None), ("{task}-{seq:04d", "无效"),
     ("{task}-{nope}", "无效"), ("{task}", "{seq}"), ("", "请填写"), ("{task}-{seq:q}", "无效"),
     ("{task}" + "x" * 60 + "{seq}", "64")],
)
def test_sample_number_patterns(pattern, problem):
    found = lab_service.check_sample_pattern(pattern)
    assert (found is None) if problem is None else (problem in found)


def test_report_number_preview():
    assert lab_service.preview_report_number("{year}-BG-{seq:04d}", 7, dt.date(2026, 3, 1)) == "2026-BG-0007"
    with pytest.raises(ValidationError):
        lab_service.preview_report_number("BG-{seq:04d}")


def test_users_roles_and_passwords(lab):
    listed = users.list_users(lab.admin)
    assert {u.username for u in listed} == {"tech", "tech2", "rev", "sig", "boss"}
    with pytest.raises(PermissionDenied):
        users.list_users(lab.tech)
    with pytest.raises(PermissionDenied):
        users.create_user(lab.tech, username="x1", display_name="X", roles=["technician"], password=PASSWORD)
    new = users.create_user(lab.admin, username="sunli", display_name="孙丽", roles=["reviewer"], password="12345678")
    with pytest.raises(ValidationError) as err:
        users.create_user(lab.admin, username="sunli", display_name="", roles=[], password="short")
    assert set(err.value.errors) >= {"display_name", "roles", "password"}
    changed = users.update_user(lab.admin, new.id, version=new.version, display_name="孙丽", roles=["technician"],
                                active=False)
    assert changed.roles == ("technician",) and not changed.active
    with pytest.raises(users.AuthenticationError):
        users.authenticate(lab.db, "sunli", "12345678")

    me = users.get_me(lab.tech)
    assert me.username == "tech"
    with pytest.raises(ValidationError) as err:
        users.change_own_password(lab.tech, "wrong password", "short")
    assert set(err.value.errors) == {"current_password", "new_password"}
    users.change_own_password(lab.tech, PASSWORD, "a new password")
    assert users.authenticate(lab.db, "tech", "a new password").username == "tech"
    with pytest.raises(PermissionDenied):
        users.set_password(lab.tech, lab.rev.user.id, "whatever123")
    users.set_password(lab.admin, lab.rev.user.id, "reset by admin")
    assert users.authenticate(lab.db, "rev", "reset by admin").username == "rev"


def test_calendar_import_with_a_bad_line_changes_nothing(lab, tmp_path: Path):
    year = calendar.known_years(lab.admin)[1]
    before, provisional, _state, _source = calendar.year_days(lab.admin, year)
    bad = tmp_path / "notice.csv"
    bad.write_text(f"date,kind,name\n{year}-01-01,holiday,元旦\n{year}-13-01,holiday,坏\n{year}-02-01,nap,坏\n",
                   encoding="utf-8")
    with pytest.raises(ValidationError) as err:
        calendar.import_calendar(lab.admin, bad)
    assert "第 3 行" in err.value.message and "第 4 行" in err.value.message
    assert calendar.year_days(lab.admin, year)[:2] == (before, provisional)
    good = tmp_path / "notice.json"
    good.write_text(f'[{{"date": "{year}-10-09", "kind": "workday", "name": "国庆节调休"}}]', encoding="utf-8")
    with pytest.raises(PermissionDenied):
        calendar.import_calendar(lab.tech, good)
    assert calendar.import_calendar(lab.admin, good).count == 1
    days, provisional, state, _source = calendar.year_days(lab.admin, year)
    added = [d for d in days if d.date == dt.date(year, 10, 9)]
    # one entered row overrides its day; the rest of the year is still presumed (RULES.md §1)
    assert added and added[0].kind == "workday" and added[0].source == "override"
    assert provisional and state == "partial"
    calendar.remove_override(lab.admin, added[0].id)
    assert calendar.year_days(lab.admin, year)[0] == before


def test_catalog_csv_with_a_bad_row_in_the_middle_imports_nothing(lab, tmp_path: Path):
    rows = [GOOD_ROWS[0], "GB 4706.19,无年代号,2009-12-01,,温升,11.8,≤,65,,,K,,,\n", GOOD_ROWS[1],
            "GB/T 14561-2019,消费类电器产品能效,2020-07-01,,待机功率,5.4,range,,9,5,%,,,\n", GOOD_ROWS[2]]
    path = write(tmp_path / "catalog.csv", rows)
    with pytest.raises(catalog.CatalogImportError) as err:
        catalog.import_catalog_file(lab.tech, path)
    assert err.value.bad_rows == (3, 5)
    assert "第3行“标准编号”" in err.value.message and "第5行“下限”" in err.value.message
    assert catalog.list_standards(lab.tech) == []

    done = catalog.import_catalog_file(lab.tech, write(tmp_path / "gbk.csv", GOOD_ROWS, "gb18030"))
    assert (done.standards, done.items) == (2, 3)
    std = {s.code: s for s in catalog.list_standards(lab.tech)}
    assert std["GB/T 14561-2019"].items[0].requirement == {"op": "range", "low": -10, "high": 5, "unit": "%"}
    assert std["GB 4706.19-2008"].items[1].requirement == {"op": "text", "text": "应符合第7章"}
    assert std["GB 4706.19-2008"].effective == dt.date(2009, 12, 1)


def test_catalog_csv_problems(lab, tmp_path: Path):
    missing = tmp_path / "m.csv"
    missing.write_text("code,title\nGB 1-2000,x\n", encoding="utf-8")
    with pytest.raises(catalog.CatalogImportError, match="缺少必需的列"):
        catalog.read_catalog_file(missing)
    with pytest.raises(catalog.CatalogImportError, match="不支持的文件类型"):
        catalog.read_catalog_file(tmp_path / "x.txt")
    rows = [GOOD_ROWS[0], GOOD_ROWS[0], "GB 4706.19-2008,,2010-01-01,,温升,,<=,,,,K,,,\n"]
    with pytest.raises(catalog.CatalogImportError) as err:
        catalog.read_catalog_file(write(tmp_path / "dup.csv", rows))
    text = err.value.message
    assert "与第2行重复" in text and "实施/废止日期与第2行不一致" in text and "必须填写限值" in text
    # the Chinese headers of the Excel template are accepted too
    zh = tmp_path / "zh.csv"
    zh.write_text("标准编号,实施日期,检验项目,要求类型,限值,单位\nGB 1-2000,2000/1/2,甲,≥,3,mm\n", encoding="utf-8")
    assert catalog.read_catalog_file(zh)[0].items[0].requirement == {"op": ">=", "value": 3, "unit": "mm"}


def test_catalog_excel_template_round_trip(lab, tmp_path: Path):
    from openpyxl import load_workbook

    template = catalog.write_catalog_template(tmp_path / "template.xlsx")
    wb = load_workbook(template)
    ws = wb["标准目录"]
    ws.append(["GB 4706.19-2008", "液体加热器", dt.date(2009, 12, 1), None, "泄漏电流", None, "13.2", "≤", 0.75, None,
               None, "mA", None, "GB 4706.19-2008", "13.2"])
    ws.append(["GB 4706.19-2008", "液体加热器", dt.date(2009, 12, 1), None, "温升", None, "11.8", "≤", None, None, None,
               "K", None, None, None])
    ws.append(["GB 4706.19-2008", "液体加热器", dt.date(2009, 12, 1), None, "标志", None, "7", "文字", None, None, None,
               None, "应符合第7章", None, None])
    wb.save(template)
    with pytest.raises(ValidationError) as err:
        catalog.import_catalog_file(lab.tech, template)
    assert getattr(err.value, "bad_rows", None) == (3,)
    assert catalog.list_standards(lab.tech) == []
    ws.cell(row=3, column=9, value=65)
    wb.save(template)
    done = catalog.import_catalog_file(lab.tech, template)
    assert (done.standards, done.items) == (1, 3)
    items = catalog.list_standards(lab.tech)[0].items
    assert items[1].requirement == {"op": "<=", "value": 65, "unit": "K"}



def _graded_template(tmp_path: Path, rows: list[dict[str, object]]) -> Path:
    """The catalog template with ``rows`` ({column header: value}) typed into its data sheet."""
    from openpyxl import load_workbook

    template = catalog.write_catalog_template(tmp_path / "graded.xlsx")
    wb = load_workbook(template)
    ws = wb["标准目录"]
    headers = [c.value for c in ws[1]]
    for rec in rows:
        ws.append([rec.get(h) for h in headers])
    wb.save(template)
    return template


GRADED_ROWS = [
    {"标准编号": "GB/T 22849-2014", "标准名称": "针织T恤衫", "实施日期": dt.date(2014, 12, 1), "检验项目": "耐洗色牢度",
     "条款": "5.1", "要求类型": "≥", "限值": 3, "单位": "级", "检验方法标准编号": "GB/T 3921-2008", "方法条款": "A"},
    {"标准编号": "GB/T 22849-2014", "实施日期": dt.date(2014, 12, 1), "检验项目": "耐洗色牢度", "等级": "优等品",
     "要求类型": "≥", "限值": 4, "单位": "级"},
    {"标准编号": "GB/T 22849-2014", "实施日期": dt.date(2014, 12, 1), "检验项目": "耐洗色牢度", "等级": "一等品",
     "要求类型": "≥", "限值": 3.5, "单位": "级"},
]


def test_catalog_excel_template_takes_per_grade_rows(lab, tmp_path: Path):
    from openpyxl import load_workbook

    from app.rules.standards import GRADES

    template = _graded_template(tmp_path, GRADED_ROWS)
    ws = load_workbook(template)["标准目录"]
    assert any(dv.formula1 == '"' + ",".join(GRADES) + '"' for dv in ws.data_validations.dataValidation)
    done = catalog.import_catalog_file(lab.tech, template)
    assert (done.standards, done.items) == (1, 1)
    (item,) = catalog.list_standards(lab.tech)[0].items
    assert item.item == "耐洗色牢度" and item.clause == "5.1"
    assert item.requirement == {"op": ">=", "value": 3, "unit": "级"}
    assert item.method_code == "GB/T 3921-2008" and item.method_clause == "A"
    assert item.grades == {"优等品": {"op": ">=", "value": 4, "unit": "级"},
                           "一等品": {"op": ">=", "value": 3.5, "unit": "级"}}


def test_catalog_excel_refuses_an_unknown_grade_on_its_row(lab, tmp_path: Path):
    rows = [*GRADED_ROWS[:2], dict(GRADED_ROWS[2], 等级="特等品")]
    with pytest.raises(ValidationError) as err:
        catalog.import_catalog_file(lab.tech, _graded_template(tmp_path, rows))
    assert getattr(err.value, "bad_rows", None) == (4,)
    assert "第4行“等级”" in err.value.message and "特等品" in err.value.message
    assert catalog.list_standards(lab.tech) == []

def test_scheme_warns_about_standards_missing_from_the_catalog(lab):
    catalog.import_standards(lab.tech, STANDARDS)
    assert catalog.unknown_codes(lab.tech, ["GB 90010-2020", "GB/T 90001", "GB/T 90001-2019", "QB/T 1-2000",
                                            "not a code"]) == ["GB/T 90001-2019", "QB/T 1-2000"]
    task = tasks.create_task(lab.tech, tasks.TaskInput(number="T-9", title="测试任务"))
    data = tasks.SchemeInput(
        product="电热水壶", items=(tasks.SchemeItemInput("泄漏电流"),),
        standards=(tasks.SchemeStandardInput("GB 90010-2020", "mandatory"),
                   tasks.SchemeStandardInput("QB/T 90020-2019", "similar")),
    )
    assert tasks.scheme_warnings(lab.tech, data) == [
        "候选标准 QB/T 90020-2019 不在标准库中：判定时无法引用它的技术要求和检验方法，请先在标准库中添加。"
    ]
    scheme = tasks.create_scheme(lab.tech, task.id, data)
    assert len(scheme.warnings) == 1 and [h.kind for h in scheme.history] == ["drafted"]
    scheme = tasks.submit_scheme(lab.tech, scheme.id, scheme.version)
    scheme = tasks.review_scheme(lab.rev, scheme.id, scheme.version, accept=False, comment="补充标准",
                                 password=PASSWORD)
    scheme = tasks.submit_scheme(lab.tech, scheme.id, scheme.version)
    history = tasks.get_scheme(lab.tech, scheme.id).history
    assert [(h.actor, h.label, h.comment) for h in history] == [
        ("TECH", "拟定", ""), ("TECH", "提交审核", ""), ("REV", "退回修改", "补充标准"), ("TECH", "提交审核", "")]


def test_the_technician_cannot_use_admin_services(lab):
    other = Context(lab.db, lab.tech.user)
    for call in (lambda: users.list_users(other), lambda: calendar.set_day(other, dt.date(2026, 5, 6), "holiday",
                                                                           "x", "")):
        with pytest.raises(PermissionDenied):
            call()


def test_a_cancelled_catalog_import_writes_nothing(lab, tmp_path: Path):
    rows = [f"GB {98100 + n}-2024,标准{n},2024-01-01,,项目,1,<=,{n + 1},,,mg,,,\n" for n in range(30)]
    path = write(tmp_path / "many.csv", rows)
    seen = []

    class Stop(Exception):
        pass

    def progress(done: int, total: int) -> None:
        seen.append((done, total))
        if len(seen) > 1 and done >= 10:  # the user pressed 取消 half-way through the import
            raise Stop()

    with pytest.raises(Stop):
        catalog.import_catalog_file(lab.tech, path, progress=progress)
    assert catalog.list_standards(lab.tech) == []
    done = catalog.import_catalog_file(lab.tech, path, progress=lambda d, t: seen.append((d, t)))
    assert done.standards == 30 and seen[-1] == (30, 30)
