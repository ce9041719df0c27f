"""The import templates' format: the columns of each sheet and the sheets' names.

Both the template writer (``app.documents.excel.write_template``) and the import reader
(``app.services.excel_import``) lay out the same columns, so they are written down once, here.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.documents.data import PlaceType
from app.rules.standards import GRADES


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    header: str
    required: bool = False
    kind: str = "text"  # text | code | date | date_or_text | number | choice
    choices: tuple[str, ...] = ()
    width: int = 16
    note: str = ""


PLACE_CHOICES = tuple(p.label for p in PlaceType)

SAMPLING_COLUMNS: tuple[Column, ...] = (
    Column("sample_number", "样品编号", True, "code", width=16, note="本机构唯一的样品编号"),
    Column("task_number", "任务编号", True, "code", width=16, note="下达任务的编号"),
    Column("product_name", "产品名称", True, width=14),
    Column("brand", "商标", width=10),
    Column("model_spec", "规格型号", width=16),
    Column("batch_number", "批号", False, "code", width=12),
    Column("production_date", "生产日期", False, "date_or_text", width=12, note="日期，或标注的文字（如 2026年5月）"),
    Column("place_type", "抽样场所类型", True, "choice", PLACE_CHOICES, width=12, note="下拉选择：生产企业、实体店、电商平台"),
    Column("sampling_date", "抽样日期", True, "date", width=12, note="不得晚于今天"),
    Column("sampling_place", "抽样地点", False, width=24),
    Column("sampling_record_number", "抽样单编号", False, "code", width=16, note="抽样单上的编号，同一任务内不得重复"),
    Column("test_category", "检验类别", False, width=10, note="留空为“风险监测”；复检样品填“复检”"),
    Column("samplers", "抽样人员", True, width=14, note="至少 2 人，姓名之间用顿号“、”分隔"),
    Column("sample_quantity", "样品数量", False, width=12, note="检验样品的数量和单位，如 4 台"),
    Column("backup_quantity", "备用样品数量", False, width=12, note="备用样品的数量，单位同样品数量，如 4 台"),
    Column("lot_size", "抽样基数", False, width=12, note="抽样时该批产品的数量，单位同样品数量，如 200 台"),
    Column("seal_numbers", "封条编号", False, "code", width=18, note="多个编号之间用顿号“、”分隔"),
    Column("sampled_name", "被抽样单位名称", True, width=24),
    Column("sampled_uscc", "被抽样单位统一社会信用代码", True, "code", width=22, note="18 位，GB 32100-2015"),
    Column("sampled_address", "被抽样单位地址", False, width=28),
    Column("nominal_name", "标称生产企业名称", False, width=24, note="实体店、电商平台抽样时必填"),
    Column("nominal_uscc", "标称生产企业统一社会信用代码", False, "code", width=22, note="标签上有则填写"),
    Column("nominal_address", "标称生产企业地址", False, width=28),
    Column("platform_name", "电商平台经营者名称", False, width=22, note="电商平台抽样时必填"),
    Column("platform_uscc", "电商平台经营者统一社会信用代码", False, "code", width=22, note="电商平台抽样时必填"),
    Column("shop_name", "网店名称", False, width=20, note="电商平台抽样时必填"),
    Column("shop_url", "网址", False, width=30, note="电商平台抽样时必填，以 http:// 或 https:// 开头"),
    Column("order_number", "订单号", False, "code", width=22, note="电商平台抽样时必填"),
    Column("logistics_number", "物流单号", False, "code", width=18),
    Column("remarks", "备注", False, width=24),
)

OP_CHOICES = ("≤", "<", "≥", ">", "=", "范围", "文字")

CATALOG_COLUMNS: tuple[Column, ...] = (
    Column("code", "标准编号", True, "code", width=18, note="带年代号，如 GB 4706.19-2008"),
    Column("title", "标准名称", False, width=30),
    Column("effective", "实施日期", True, "date", width=12),
    Column("abolished", "废止日期", False, "date", width=12, note="现行有效的留空"),
    Column("item", "检验项目", True, width=18),
    Column("grade", "等级", False, "choice", GRADES, width=10,
           note="通用要求留空；分等级的要求每个等级另填一行（同一检验项目），下拉选择等级"),
    Column("clause", "条款", False, "code", width=8),
    Column("op", "要求类型", True, "choice", OP_CHOICES, width=10,
           note="下拉选择：≤ < ≥ > = 填“限值”；范围 填“下限”“上限”；文字 填“文字要求”"),
    Column("value", "限值", False, "number", width=10),
    Column("low", "下限", False, "number", width=10),
    Column("high", "上限", False, "number", width=10),
    Column("unit", "单位", False, width=10),
    Column("text", "文字要求", False, width=30),
    Column("method_code", "检验方法标准编号", False, "code", width=18),
    Column("method_clause", "方法条款", False, "code", width=10),
)

#: 往期监测数据: earlier rounds' counts per category, year, item and region (the cross-round analysis)
HISTORY_COLUMNS: tuple[Column, ...] = (
    Column("category", "产品类别", True, width=16, note="与监测任务的“产品类别”一致，如 电热水壶"),
    Column("year", "年度", True, "number", width=8, note="计划年度（轮次），如 2024"),
    Column("item", "检验项目", False, width=18,
           note="留空：该地区该年度的批次合计（问题批次数）；填写：该项目的检验批次数和不合格批次数"),
    Column("region", "地区", True, width=14, note="被抽样单位所在的市（州），如 襄阳市；省外企业填“省外”"),
    Column("tested", "检验批次数", True, "number", width=10, note="非负整数"),
    Column("problems", "问题批次数", True, "number", width=10, note="非负整数，不大于检验批次数"),
)

SHEETS = {"sampling": "抽样信息", "catalog": "标准目录", "history": "往期监测数据"}
