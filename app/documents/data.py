"""Document data: the typed, frozen values the document layer turns into PDFs and workbooks.

This module is the contract between ``app.services`` (which maps database rows to these
classes) and ``app.documents`` (which never touches the database). Everything here is plain
data: strings, numbers, ``datetime.date``, enums, tuples and other classes of this module.

* Text fields are already in the words the reader should see (Chinese), except the enums,
  which carry their own Chinese ``label``.
* Sequence fields accept any iterable (a list is fine) and are stored as tuples, so every
  object is immutable and hashable.
* Optional dates are ``None`` when unknown; optional text is ``""``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from enum import Enum, IntEnum, StrEnum
from typing import Any

from app.rules.calendar import is_on_time  # the one rule of Article 18 ¶1: on or before the day
from app.rules.selection import NO_BASIS_LABEL, R_NONE, rule_label


def _tuples(obj: object) -> None:
    """Store every list/iterable field of a frozen dataclass as a tuple."""
    for f in fields(obj):  # type: ignore[arg-type]
        value = getattr(obj, f.name)
        if isinstance(value, list | set | frozenset) or (
            isinstance(value, Iterable) and not isinstance(value, str | bytes | tuple | Mapping | Enum)
        ):
            object.__setattr__(obj, f.name, tuple(value))


# --------------------------------------------------------------------------- enumerations


class PlaceType(StrEnum):
    """抽样场所类型: where the sample was taken (values as in the rules' ``place``)."""

    PRODUCER = "producer"  # 生产企业
    PHYSICAL_SELLER = "physical_seller"  # 实体店（实体销售者）
    E_PLATFORM = "e_platform"  # 电商平台

    @property
    def label(self) -> str:
        return {"producer": "生产企业", "physical_seller": "实体店", "e_platform": "电商平台"}[self.value]

    @classmethod
    def from_label(cls, text: str) -> PlaceType:
        """Accepts the Chinese label or the English value; raises ``ValueError`` otherwise."""
        t = text.strip()
        for member in cls:
            if t in (member.value, member.label):
                return member
        aliases = {"生产者": cls.PRODUCER, "生产单位": cls.PRODUCER, "销售者": cls.PHYSICAL_SELLER,
                   "实体销售者": cls.PHYSICAL_SELLER, "实体店铺": cls.PHYSICAL_SELLER, "网购": cls.E_PLATFORM,
                   "电商": cls.E_PLATFORM, "网络平台": cls.E_PLATFORM}
        if t in aliases:
            return aliases[t]
        raise ValueError(text)


class PartyRole(StrEnum):
    """The role in which an enterprise is named or notified (Article 18 ¶2)."""

    SAMPLED_PRODUCER = "sampled_producer"  # 被抽样生产者
    SAMPLED_SELLER = "sampled_seller"  # 被抽样销售者
    NOMINAL_PRODUCER = "nominal_producer"  # 标称生产企业
    PLATFORM_OPERATOR = "platform_operator"  # 电商平台经营者

    @property
    def label(self) -> str:
        return {
            "sampled_producer": "被抽样生产者",
            "sampled_seller": "被抽样销售者",
            "nominal_producer": "标称生产企业",
            "platform_operator": "电商平台经营者",
        }[self.value]


class Judgement(StrEnum):
    """单项判定 of one test item."""

    PASS = "pass"  # 符合
    FAIL = "fail"  # 不符合
    NOT_JUDGED = "not_judged"  # 不判定（无要求，仅提供数据）

    @property
    def label(self) -> str:
        return {"pass": "符合", "fail": "不符合", "not_judged": "/"}[self.value]


class RiskLevel(StrEnum):
    """风险预警等级 (Article 19), with its name, colour and suggested publication (Article 20)."""

    I = "I"  # noqa: E741  Ⅰ 特别严重
    II = "II"  # Ⅱ 严重
    III = "III"  # Ⅲ 较严重
    IV = "IV"  # Ⅳ 一般

    @property
    def label(self) -> str:
        """E.g. ``II级（严重）``. Latin numerals: the shipped fonts have no Ⅰ–Ⅳ glyphs."""
        return f"{self.value}级（{self.level_name}）"

    @property
    def level_name(self) -> str:
        return {"I": "特别严重", "II": "严重", "III": "较严重", "IV": "一般"}[self.value]

    @property
    def color(self) -> str:
        return {"I": "red", "II": "orange", "III": "yellow", "IV": "blue"}[self.value]

    @property
    def color_label(self) -> str:
        return {"I": "红色", "II": "橙色", "III": "黄色", "IV": "蓝色"}[self.value]

    @property
    def notice(self) -> str:
        return {"I": "风险警示公告", "II": "风险警示通报", "III": "风险警示通告", "IV": "风险提示通告"}[self.value]


class InfoSource(IntEnum):
    """产品质量安全风险信息来源 (Article 10 (一)–(九))."""

    PRODUCER_SELLER_REPORT = 1  # 生产者、销售者报告的
    CONSUMER_COMPLAINT = 2  # 消费者投诉、举报的
    REGULATOR_ROUTINE = 3  # 市场监管部门日常监管中发现的
    AGENCY_NOTICE = 4  # 政府有关部门、社会组织或单位通报的
    TECHNICAL_INSTITUTION = 5  # 技术机构发现的
    INJURY = 6  # 产品伤害信息
    RECALL_WARNING = 7  # 有关组织、部门、企业等发布的产品召回、预警信息
    MEDIA = 8  # 网络及媒体报道的
    OTHER = 9  # 其他渠道采集的

    @property
    def label(self) -> str:
        return _INFO_SOURCE_LABELS[self.value]

    @property
    def clause(self) -> str:
        return f"第十条（{_CN_NUM[self.value]}）"


_CN_NUM = {1: "一", 2: "二", 3: "三", 4: "四", 5: "五", 6: "六", 7: "七", 8: "八", 9: "九"}

_INFO_SOURCE_LABELS = {
    1: "生产者、销售者报告",
    2: "消费者投诉、举报",
    3: "市场监管部门日常监管中发现",
    4: "政府有关部门、社会组织或单位通报",
    5: "技术机构发现",
    6: "产品伤害信息",
    7: "产品召回、预警信息",
    8: "网络及媒体报道",
    9: "其他渠道采集",
}


class KeyRiskCriterion(IntEnum):
    """重点风险信息 criteria (Article 12).

    The published text numbers its items (一)(二)(三)(三)(四)(五)(六): "(三)" twice. This enum
    counts them in order, 1–7, and ``label`` quotes the text.
    """

    HIGH_HAZARD = 1  # 危害较大、风险程度较高以及危害程度呈上升趋势的
    SYSTEMIC = 2  # 行业性、区域性和系统性质量安全问题
    MAJOR_ACCIDENT = 3  # 可能导致重大产品质量安全事故
    PUBLIC_CONCERN = 4  # 消费者和社会高度关注
    GOVERNMENT = 5  # 地方党委政府部署的，或应对突发事件需要的
    AGENCY_MAJOR_ISSUE = 6  # 有关行政部门通报有重大质量安全问题的
    OTHER = 7  # 其他需要纳入的

    @property
    def label(self) -> str:
        return {
            1: "涉及人体健康和人身、财产安全且危害较大、风险程度较高以及危害程度呈上升趋势",
            2: "涉及行业性、区域性和系统性质量安全问题",
            3: "可能存在导致重大产品质量安全事故发生",
            4: "消费者和社会高度关注",
            5: "地方党委政府部署或应对产品质量安全突发事件需要",
            6: "有关行政部门通报有重大质量安全问题",
            7: "其他需要纳入",
        }[self.value]

    @property
    def short_label(self) -> str:
        return {1: "危害大/上升", 2: "行业性/区域性", 3: "可能致重大事故", 4: "社会高度关注",
                5: "党委政府部署", 6: "部门通报重大问题", 7: "其他"}[self.value]


class Measure(IntEnum):
    """处理措施 available after analysis (Article 23 (一)–(六))."""

    WRITTEN_NOTICE = 1  # 书面告知相关生产者、经营者，督促整改并反馈；必要时约谈
    CASE_REFERRAL = 2  # 作为案件线索移送属地（或省外企业所在地）市场监管部门
    REPORT_UPWARD = 3  # 向上级部门报告或向同级政府有关部门通报
    PUBLIC_WARNING = 4  # 向社会发布风险提示或消费警示
    DEFECT_OR_STANDARD = 5  # 提出缺陷产品认定或标准制修订建议
    OTHER = 6  # 依法采取的其他处置措施

    @property
    def label(self) -> str:
        return {
            1: "书面告知相关生产者、经营者，督促采取有效措施消除质量安全隐患或者降低风险，并按时反馈整改落实措施；必要时约谈",
            2: "对涉嫌违反产品质量安全等相关法律法规的，作为案件线索移送属地市场监管部门或有关行政执法部门依法处理；"
            "标称生产企业在省外的，移送企业所在地同级市场监管部门处理",
            3: "向上级部门报告或向同级政府有关部门通报风险监测情况",
            4: "向社会发布风险提示或消费警示",
            5: "向有关机构提出缺陷产品认定或标准制修订建议",
            6: "依法采取的其他处置措施",
        }[self.value]

    @property
    def clause(self) -> str:
        return f"第二十三条（{_CN_NUM[self.value]}）"


class StationKind(IntEnum):
    """风险信息监测采集站点 kinds (Article 11 (一)–(五))."""

    KEY_ENTERPRISE = 1  # 重点生产经营企业监测采集站
    TECHNICAL_INSTITUTION = 2  # 承担监督抽查任务的检验检测机构、公共检测中心等技术机构
    KEY_PLACE = 3  # 重点行业和特定场所（医疗机构、交通事故处置机构等）
    HOTLINE_12315 = 4  # 各级 12315 指挥中心
    ASSOCIATION = 5  # 有关行业协会、社会组织

    @property
    def label(self) -> str:
        return {1: "重点生产经营企业", 2: "技术机构", 3: "重点行业和特定场所", 4: "12315指挥中心",
                5: "行业协会、社会组织"}[self.value]


# --------------------------------------------------------------------------- common parts


@dataclass(frozen=True, slots=True)
class LabInfo:
    """The technical institution (检验检测机构) that issues the document."""

    name: str
    cma_number: str = ""  # 资质认定（CMA）证书编号
    address: str = ""
    phone: str = ""
    postcode: str = ""
    email: str = ""


@dataclass(frozen=True, slots=True)
class PartyInfo:
    """An enterprise named in a document.

    ``roles`` lists the roles the party has for this sample (a seller may also be the nominal
    producer); ``out_of_province`` is true when its USCC division is outside Hubei (Article 23 (二)).
    """

    name: str
    uscc: str = ""  # 统一社会信用代码
    address: str = ""
    roles: tuple[PartyRole, ...] = ()
    out_of_province: bool = False
    contact: str = ""  # 联系人
    phone: str = ""

    def __post_init__(self) -> None:
        _tuples(self)
        object.__setattr__(self, "roles", tuple(PartyRole(r) for r in self.roles))

    @property
    def roles_label(self) -> str:
        return "、".join(r.label for r in self.roles)


@dataclass(frozen=True, slots=True)
class OnlineShop:
    """E-commerce sampling details (电商平台抽样): the shop, the page and the order."""

    shop_name: str = ""  # 网店名称
    url: str = ""  # 网店或商品网址
    order_number: str = ""  # 订单号
    logistics_number: str = ""  # 物流单号


@dataclass(frozen=True, slots=True)
class ItemLine:
    """One test item of a sample: requirement, result and judgement (检验项目).

    ``requirement_text`` and ``result_text`` are already formatted (e.g. ``≤0.75``, ``1.20``);
    ``rule_trace`` is the standard-selection trace of Articles 16–17 (``("16.1", "17.1")``).
    ``expert_panel`` marks an item evaluated by an expert panel (Article 5) instead of tested.
    """

    item: str
    requirement_text: str = ""
    result_text: str = ""
    unit: str = ""
    judgement: Judgement = Judgement.NOT_JUDGED
    basis_code: str = ""  # 依据标准编号
    basis_clause: str = ""  # 依据条款
    method_code: str = ""  # 检验方法标准
    method_clause: str = ""
    rule_trace: tuple[str, ...] = ()
    expert_panel: bool = False
    note: str = ""

    def __post_init__(self) -> None:
        _tuples(self)
        object.__setattr__(self, "judgement", Judgement(self.judgement))

    @property
    def basis_text(self) -> str:
        """``GB 4706.19-2008 13.2``, ``专家组评价`` for a panel evaluation, or 无判定依据（需专家组评价）
        for an item that Articles 16–17 left without a basis (rule ``none``)."""
        if self.expert_panel and not self.basis_code:
            return "专家组评价"
        if not self.basis_code and R_NONE in self.rule_trace:
            return NO_BASIS_LABEL
        return " ".join(p for p in (self.basis_code, self.basis_clause) if p)

    @property
    def trace_text(self) -> str:
        """The Articles 16–17 trace as shown to people: ``16.3 → 16.1``; ``none`` in words."""
        return " → ".join(rule_label(r) for r in self.rule_trace)


@dataclass(frozen=True, slots=True)
class SignOff:
    """编制 / 审核 / 批准: who compiled, reviewed and approved, and when; with each person's
    signature image (PNG or JPEG bytes, checked when the lab stored it), or ``None`` without one."""

    compiled_by: str = ""
    compiled_at: date | None = None
    reviewed_by: str = ""
    reviewed_at: date | None = None
    approved_by: str = ""
    approved_at: date | None = None
    compiled_signature: bytes | None = None
    reviewed_signature: bytes | None = None
    approved_signature: bytes | None = None


@dataclass(frozen=True, slots=True)
class PanelMemberLine:
    """One member of an expert panel (专家组成员): name, affiliation (工作单位), title (职称), own opinion."""

    name: str
    affiliation: str = ""
    title: str = ""
    opinion: str = ""


@dataclass(frozen=True, slots=True)
class PanelLine:
    """专家组验证评价 of one item that could not be tested (Article 5): who, when and what they found."""

    item: str
    members: tuple[PanelMemberLine, ...]
    conclusion: str  # 专家组意见
    judgement: Judgement = Judgement.NOT_JUDGED
    evaluated_on: date | None = None  # 评价日期
    justification: str = ""  # 评价依据、说明

    def __post_init__(self) -> None:
        _tuples(self)
        object.__setattr__(self, "judgement", Judgement(self.judgement))


@dataclass(frozen=True, slots=True)
class AmendmentLine:
    """更正说明: one result an amended report changes (ISO/IEC 17025 7.8.8), as the replaced report
    issued it and as this report states it, with the reason, who amended it and when."""

    item: str
    original_result: str
    amended_result: str
    original_unit: str = ""
    amended_unit: str = ""
    original_judgement: Judgement = Judgement.NOT_JUDGED
    amended_judgement: Judgement = Judgement.NOT_JUDGED
    reason: str = ""
    amended_by: str = ""
    amended_on: date | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "original_judgement", Judgement(self.original_judgement))
        object.__setattr__(self, "amended_judgement", Judgement(self.amended_judgement))


# --------------------------------------------------------------------------- test report


@dataclass(frozen=True, slots=True)
class TestReportData:
    """检验报告 of one sample.

    For an amended report (ISO/IEC 17025 7.8.8) ``replaces_number`` is the number of the report
    it replaces and ``amendment_reason`` says why; the report then states 本报告替代 XXX 号报告,
    marks the changed rows and lists ``amendments`` (the original values) in an annex. Items
    evaluated by an expert panel refer to an annex listing ``panels``. Objections go to
    ``objection_to`` (the lab when empty) within ``objection_days`` days, in the words the
    sample's notices use.
    """

    __test__ = False  # not a pytest test class

    report_number: str  # 报告编号，每页页眉
    lab: LabInfo
    sample_number: str  # 样品编号
    product_name: str  # 产品名称
    place_type: PlaceType  # 抽样场所类型
    sampled: PartyInfo  # 被抽样单位
    items: tuple[ItemLine, ...]
    conclusion: str  # 检验结论
    signoff: SignOff
    issue_date: date  # 签发日期
    task_number: str = ""  # 任务编号
    task_title: str = ""  # 任务名称
    task_source: str = ""  # 任务来源（下达任务的市场监管部门）
    replaces_number: str = ""
    amendment_reason: str = ""
    amendments: tuple[AmendmentLine, ...] = ()  # 更正说明: the results changed from the replaced report
    panels: tuple[PanelLine, ...] = ()  # 专家组验证评价 of the panel items
    objection_days: int = 15  # 异议/复检申请期限（日）
    objection_to: str = ""  # 异议受理单位
    objection_contact: str = ""  # 地址、电话
    brand: str = ""  # 商标
    model_spec: str = ""  # 规格型号
    batch_number: str = ""  # 生产日期/批号 (batch)
    production_date: date | str | None = None  # 生产日期 (as printed, a date or text such as 2026年5月)
    sample_quantity: str = ""  # 样品数量 (test and backup quantities with their unit)
    sample_state: str = ""  # 样品状态 (condition on receipt)
    sampling_record_number: str = ""  # 抽样单编号
    test_category: str = "风险监测"  # 检验类别
    lot_size: str = ""  # 抽样基数, with its unit
    seal_numbers: tuple[str, ...] = ()  # 封条编号
    sampling_date: date | None = None
    sampling_place: str = ""  # 抽样地点
    samplers: tuple[str, ...] = ()  # 抽样人员
    received_date: date | None = None  # 收样日期
    test_start: date | None = None
    test_end: date | None = None
    nominal_producer: PartyInfo | None = None  # 标称生产企业
    platform_operator: PartyInfo | None = None  # 电商平台经营者
    online_shop: OnlineShop | None = None
    basis_standards: tuple[str, ...] = ()  # 检验依据
    remarks: str = ""  # 备注
    #: the lab's CMA mark (PNG/JPEG bytes), top left of page 1 with the certificate number under it;
    #: ``None``: no mark and no CMA claim
    cma_mark: bytes | None = None
    #: the lab's seal (检验检测专用章, PNG/JPEG bytes) over the issue date; ``None``: the report says it
    #: is not sealed
    seal: bytes | None = None
    confidential: bool = True  # 内部资料 注意保密 on every page (Article 8)

    #: issued with the lab's key: the verification payload printed as a QR code on page 1
    verification: str = ""
    #: issued while the lab had no signing key: page 1 says 未签名
    unsigned: bool = False

    def __post_init__(self) -> None:
        _tuples(self)
        object.__setattr__(self, "place_type", PlaceType(self.place_type))

    @property
    def problems_found(self) -> bool:
        return any(i.judgement is Judgement.FAIL for i in self.items)

    @property
    def failed_items(self) -> tuple[ItemLine, ...]:
        return tuple(i for i in self.items if i.judgement is Judgement.FAIL)


# --------------------------------------------------------------------------- notification


@dataclass(frozen=True, slots=True)
class NoticeData:
    """告知书: the result of a problem sample told to one party (Article 18 ¶2).

    One notice per party; ``addressee.roles`` says in which role(s) it is told. ``issuer`` is the
    organising market regulator, or the technical institution entrusted by it (then
    ``on_behalf_of`` names the regulator). The party may raise an objection or apply for a re-test
    within ``objection_days`` days of receipt, to ``objection_to`` (address/contact in
    ``objection_contact``). ``confidential`` prints 内部资料 注意保密: monitoring information may not
    be made public without the organising regulator's consent (Article 8). A notice re-issued for
    an amended report names the notice it replaces (``replaces_notice``) and the report its report
    replaced (``replaces_report``); the objection period then runs again from its receipt.
    """

    notice_number: str  # 告知书编号
    addressee: PartyInfo
    lab: LabInfo
    issuer: str  # 告知单位
    product_name: str
    place_type: PlaceType
    sampled: PartyInfo  # 被抽样单位 (may be the addressee)
    failed_items: tuple[ItemLine, ...]
    report_number: str
    issue_date: date
    on_behalf_of: str = ""  # 委托告知的市场监管部门
    task_number: str = ""
    task_title: str = ""
    brand: str = ""
    model_spec: str = ""
    batch_number: str = ""
    production_date: date | str | None = None
    sampling_date: date | None = None
    sampling_place: str = ""
    sampling_record_number: str = ""  # 抽样单编号
    nominal_producer: PartyInfo | None = None
    platform_operator: PartyInfo | None = None
    online_shop: OnlineShop | None = None
    basis_standards: tuple[str, ...] = ()
    objection_days: int = 15  # 异议/复检申请期限（日）
    objection_to: str = ""  # 向何处提出
    objection_contact: str = ""  # 地址、电话
    replaces_notice: str = ""  # 被替代的告知书编号
    replaces_report: str = ""  # 被替代的检验报告编号
    feedback_days: int | None = None  # 整改反馈期限 (Article 23 (一)); None: not asked
    contact_person: str = ""
    contact_phone: str = ""
    confidential: bool = True

    #: issued with the lab's key: the verification payload printed as a QR code on page 1
    verification: str = ""
    #: issued while the lab had no signing key: page 1 says 未签名
    unsigned: bool = False

    def __post_init__(self) -> None:
        _tuples(self)
        object.__setattr__(self, "place_type", PlaceType(self.place_type))


# --------------------------------------------------------------------------- analysis report


@dataclass(frozen=True, slots=True)
class CountRow:
    """A row of a breakdown table: ``problem`` problem batches among ``batches`` monitored."""

    label: str
    batches: int
    problem: int

    @property
    def rate(self) -> float:
        return self.problem / self.batches if self.batches else 0.0


@dataclass(frozen=True, slots=True)
class ItemProblemCount:
    """Problems by test item (问题项目统计)."""

    item: str
    tested: int
    failed: int
    basis: str = ""  # e.g. ``GB 4706.19-2008 13.2``

    @property
    def rate(self) -> float:
        return self.failed / self.tested if self.tested else 0.0


@dataclass(frozen=True, slots=True)
class FailedItemDetail:
    """One failed item of one sample, for the analysis report's detail table."""

    sample_number: str
    enterprise: str  # 标称生产企业（或被抽样单位）
    item: str
    result_text: str
    requirement_text: str
    unit: str = ""
    basis_code: str = ""
    basis_clause: str = ""
    region: str = ""
    place_type: PlaceType | None = None
    report_number: str = ""


@dataclass(frozen=True, slots=True)
class RiskFactor:
    """One factor of the risk model as shown to the reader: ``危害程度: 4（致命）``."""

    name: str
    value: str
    source: str = ""  # 依据: where the value came from (evidence), as confirmed by a person


@dataclass(frozen=True, slots=True)
class RoundRate:
    """One round (plan year) of a product category: problems of tested, with the Wilson 95 % interval."""

    label: str  # 2025年
    tested: int
    problems: int
    low: float | None = None  # None: nothing tested
    high: float | None = None
    source: str = ""  # 本系统 | 往期导入 | ""

    @property
    def rate(self) -> float | None:
        return self.problems / self.tested if self.tested else None


@dataclass(frozen=True, slots=True)
class ItemTrend:
    """A test item's problems by round and the trend test in words."""

    item: str
    rounds: tuple[str, ...]  # "2/120" per round, "/" when not tested
    trend: str


@dataclass(frozen=True, slots=True)
class CrossRound:
    """风险研判 across rounds of the task's product category (Articles 12, 13)."""

    category: str
    rounds: tuple[RoundRate, ...]
    trend: str  # the trend result in words
    items: tuple[ItemTrend, ...] = ()
    candidates: tuple[str, ...] = ()  # key-risk candidates found (重点风险信息候选), one line each
    method: str = ""
    notes: tuple[str, ...] = ()


_FACTOR_LABELS = {
    "severity": "危害程度",
    "probability": "伤害概率",
    "urgency": "紧急程度",
    "scope": "影响范围",
    "frequency": "发生频率",
    "duration": "持续时间",
    "risk": "风险矩阵结果",
    "points": "升级分值",
}
_FACTOR_VALUES = {
    "urgency": {"normal": "一般", "urgent": "紧急"},
    "scope": {"single": "单一企业或批次", "regional": "区域性", "industry": "行业性/系统性"},
    "duration": {"new": "新发现", "persistent": "持续存在"},
    "risk": {"S": "严重(S)", "H": "高(H)", "M": "中(M)", "L": "低(L)"},
    "severity": {1: "1（轻微，可逆）", 2: "2（需就医）", 3: "3（住院或功能丧失）", 4: "4（致命或严重残疾）"},
}


@dataclass(frozen=True, slots=True)
class RiskProposal:
    """The proposed warning level (Articles 19–20) and how the model reached it.

    The institution proposes; the regulator decides. ``model_name`` and ``model_version`` are
    printed with the grade.
    """

    level: RiskLevel
    model_name: str
    model_version: str
    factors: tuple[RiskFactor, ...] = ()
    name: str = ""  # defaults to the level's name (特别严重…)
    color: str = ""  # red | orange | yellow | blue; defaults to the level's colour
    notice: str = ""  # defaults to Article 20's publication for the level
    rationale: str = ""

    def __post_init__(self) -> None:
        _tuples(self)
        level = RiskLevel(self.level)
        object.__setattr__(self, "level", level)
        if not self.name:
            object.__setattr__(self, "name", level.level_name)
        if not self.color:
            object.__setattr__(self, "color", level.color)
        if not self.notice:
            object.__setattr__(self, "notice", level.notice)

    @classmethod
    def from_rule_output(
        cls, output: Mapping[str, object], *, model_name: str, model_version: str, rationale: str = ""
    ) -> RiskProposal:
        """Build from the ``riskmon rules risk`` output (``level``, ``name``, ``color``, ``notice``, ``factors``)."""
        raw = output.get("factors") or {}
        factors: list[RiskFactor] = []
        if isinstance(raw, Mapping):
            for key, value in raw.items():
                label = _FACTOR_LABELS.get(str(key), str(key))
                table = _FACTOR_VALUES.get(str(key), {})
                shown = table.get(value, value) if not isinstance(value, list | dict) else value
                if key == "frequency" and isinstance(value, int | float):
                    shown = f"{value:.0%}"
                factors.append(RiskFactor(label, str(shown)))
        return cls(
            level=RiskLevel(str(output["level"])),
            model_name=model_name,
            model_version=model_version,
            factors=tuple(factors),
            name=str(output.get("name") or ""),
            color=str(output.get("color") or ""),
            notice=str(output.get("notice") or ""),
            rationale=rationale,
        )


@dataclass(frozen=True, slots=True)
class RecommendedMeasure:
    """A measure of Article 23 proposed in the analysis report, with the specifics."""

    measure: Measure
    detail: str = ""


@dataclass(frozen=True, slots=True)
class AnalysisData:
    """风险监测分析报告 of one task (Articles 18–20, 23)."""

    report_number: str
    lab: LabInfo
    task_number: str
    task_title: str
    issue_date: date
    issuing_authority: str = ""  # 下达任务的市场监管部门
    product_category: str = ""
    period_start: date | None = None  # 抽样时间段
    period_end: date | None = None
    batches_planned: int = 0
    batches_sampled: int = 0
    batches_tested: int = 0
    problem_batches: int = 0
    summary: str = ""  # 概述
    by_item: tuple[ItemProblemCount, ...] = ()
    by_region: tuple[CountRow, ...] = ()
    by_place_type: tuple[CountRow, ...] = ()
    by_enterprise_size: tuple[CountRow, ...] = ()  # 企业规模（大型/中型/小型/微型）
    failed_items: tuple[FailedItemDetail, ...] = ()
    analysis_paragraphs: tuple[str, ...] = ()  # 风险分析
    risk: RiskProposal | None = None
    #: no proposal saved: the level is 未研判 and these factors are still to decide (with the evidence so far)
    risk_pending: tuple[RiskFactor, ...] = ()
    cross_round: CrossRound | None = None
    measures: tuple[RecommendedMeasure, ...] = ()
    signoff: SignOff = field(default_factory=SignOff)
    confidential: bool = True
    draft: bool = False  # not approved yet: every page is marked 草稿

    #: issued with the lab's key: the verification payload printed as a QR code on page 1
    verification: str = ""
    #: issued while the lab had no signing key: page 1 says 未签名
    unsigned: bool = False

    def __post_init__(self) -> None:
        _tuples(self)

    @property
    def problem_rate(self) -> float:
        return self.problem_batches / self.batches_tested if self.batches_tested else 0.0


# --------------------------------------------------------------------------- monthly report


@dataclass(frozen=True, slots=True)
class RiskInfoEntry:
    """One piece of risk information collected in the month (Articles 9–12)."""

    serial: str  # 编号
    received_date: date
    source: InfoSource
    product: str
    description: str  # 风险信息摘要
    region: str = ""
    enterprise: str = ""
    key_risk: tuple[KeyRiskCriterion, ...] = ()  # empty: not 重点风险信息
    handling: str = ""  # 处理情况
    reported_at: datetime | date | None = None  # when a key-risk entry was reported at once
    reported_to: str = ""  # 即时报送: to whom
    reported_how: str = ""  # 即时报送: how (上传省级系统 / 电话 / 当面或书面送达 / 电子邮件)
    reported_via: str = ""  # the major-hazard record it was reported with (重大质量安全风险隐患报告编号)

    def __post_init__(self) -> None:
        _tuples(self)
        object.__setattr__(self, "source", InfoSource(self.source))
        object.__setattr__(self, "key_risk", tuple(KeyRiskCriterion(k) for k in self.key_risk))

    @property
    def is_key(self) -> bool:
        return bool(self.key_risk)


@dataclass(frozen=True, slots=True)
class MonthlyData:
    """风险信息月报 of a monitoring-collection station (Article 11: 风险信息报送实行月报制)."""

    year: int
    month: int
    lab: LabInfo
    station_name: str  # 风险信息监测采集站名称
    entries: tuple[RiskInfoEntry, ...]
    issue_date: date
    station_kind: StationKind = StationKind.TECHNICAL_INSTITUTION
    report_number: str = ""
    reported_to: str = ""  # 报送单位
    summary: str = ""
    compiled_by: str = ""  # 填报人; empty: signed by hand
    approved_by: str = ""  # 批准人 (审核批准 without a separate review); empty: signed by hand
    compiled_on: date | None = None  # 填报日期
    approved_on: date | None = None  # 批准日期
    confidential: bool = True
    reviewed_by: str = ""  # 审核人, when the report is a record compiled, reviewed and approved
    reviewed_on: date | None = None
    #: a record not yet approved: 草稿 on every page
    draft: bool = False
    #: issued with the lab's key: the verification payload printed as a QR code on page 1
    verification: str = ""
    #: issued while the lab had no signing key: page 1 says 未签名
    unsigned: bool = False
    #: 跨轮次风险研判 of the product categories of the month's work (Articles 12, 13), frozen with the
    #: register when the report is compiled; ``cross_round_method`` the method paragraph printed once.
    #: A report compiled before the section existed has ``cross_round_compiled`` False and no section.
    cross_rounds: tuple[CrossRound, ...] = ()
    cross_round_method: str = ""
    cross_round_compiled: bool = False

    def __post_init__(self) -> None:
        _tuples(self)
        object.__setattr__(self, "station_kind", StationKind(self.station_kind))
        if not 1 <= int(self.month) <= 12:
            raise ValueError(f"month {self.month}")

    @property
    def key_entries(self) -> tuple[RiskInfoEntry, ...]:
        return tuple(e for e in self.entries if e.is_key)

    @property
    def title_period(self) -> str:
        return f"{self.year}年{self.month}月"


# --------------------------------------------------------------------------- export package


@dataclass(frozen=True, slots=True)
class PackageTask:
    """The task of an export package (``manifest.json`` ``task``)."""

    number: str
    title: str
    issuing_authority: str = ""
    product_category: str = ""
    plan_year: int | None = None


@dataclass(frozen=True, slots=True)
class PackageSample:
    """One sample of an export package, with its results (``manifest.json`` ``samples[]``)."""

    sample_number: str
    product_name: str
    place_type: PlaceType
    sampled: PartyInfo
    report_number: str
    results: tuple[ItemLine, ...]
    conclusion: str = ""
    brand: str = ""
    model_spec: str = ""
    batch_number: str = ""
    sampling_date: date | None = None
    nominal_producer: PartyInfo | None = None
    platform_operator: PartyInfo | None = None
    replaces_number: str = ""
    report_file: str | None = None  # entry name of the report PDF in the package

    def __post_init__(self) -> None:
        _tuples(self)
        object.__setattr__(self, "place_type", PlaceType(self.place_type))

    @property
    def problems_found(self) -> bool:
        return any(r.judgement is Judgement.FAIL for r in self.results)

    @classmethod
    def from_report(cls, report: TestReportData, report_file: str | None) -> PackageSample:
        return cls(
            sample_number=report.sample_number,
            product_name=report.product_name,
            place_type=report.place_type,
            sampled=report.sampled,
            report_number=report.report_number,
            results=report.items,
            conclusion=report.conclusion,
            brand=report.brand,
            model_spec=report.model_spec,
            batch_number=report.batch_number,
            sampling_date=report.sampling_date,
            nominal_producer=report.nominal_producer,
            platform_operator=report.platform_operator,
            replaces_number=report.replaces_number,
            report_file=report_file,
        )


@dataclass(frozen=True, slots=True)
class PackageNotification:
    """One notified party (``manifest.json`` ``notifications[]``)."""

    sample_number: str
    party: PartyInfo  # roles and out_of_province are taken from here
    issue_date: date | None = None
    file: str | None = None

    @classmethod
    def from_notice(cls, notice: NoticeData, sample_number: str, file: str | None) -> PackageNotification:
        return cls(sample_number=sample_number, party=notice.addressee, issue_date=notice.issue_date, file=file)


@dataclass(frozen=True, slots=True)
class PackageAnalysis:
    """The analysis report of an export package (``manifest.json`` ``analysis``)."""

    file: str | None
    proposed_level: RiskLevel | None = None
    model_name: str = ""
    model_version: str = ""


@dataclass(frozen=True, slots=True)
class PackageManifestData:
    """Everything ``build_package`` writes into ``manifest.json`` except the file list.

    ``created_at`` must be timezone-aware; ``None`` means now. Samples and notifications may be
    given in any order: the manifest sorts them.
    """

    lab: LabInfo
    task: PackageTask
    samples: tuple[PackageSample, ...]
    notifications: tuple[PackageNotification, ...] = ()
    analysis: PackageAnalysis | None = None
    created_at: datetime | None = None
    #: what the package carries: ``task`` (a task for upload by hand), ``result`` (one approved
    #: test report), ``notice`` (notices issued after their report), ``analysis`` or ``hazard``
    package_kind: str = "task"
    #: the lab's latest signed audit checkpoint (``app.services.integrity``), so that the
    #: provincial system holds a copy of it the lab cannot change
    audit_checkpoint: Mapping[str, Any] | None = None
    #: ``package_kind`` ``hazard``: the 重大质量安全风险隐患报告 (number, sample_number, product_name,
    #: recipient, found_at, reported_at, method, description, items, file), ``samples`` empty
    hazard: Mapping[str, Any] | None = None

    def __post_init__(self) -> None:
        _tuples(self)
        if self.created_at is not None and self.created_at.tzinfo is None:
            raise ValueError("created_at must be timezone-aware")


# --------------------------------------------------------------------------- ledger (台账)


@dataclass(frozen=True, slots=True)
class LedgerRow:
    """One sample in the sample ledger export (样品台账)."""

    sample_number: str
    task_number: str
    product_name: str
    place_type: PlaceType
    sampled_name: str
    sampling_date: date | None = None
    brand: str = ""
    model_spec: str = ""
    batch_number: str = ""
    sampled_uscc: str = ""
    nominal_producer_name: str = ""
    platform_operator_name: str = ""
    shop_name: str = ""
    received_date: date | None = None
    status: str = ""  # e.g. 已抽样 / 检验中 / 已批准 / 已上报
    completed_date: date | None = None  # 初次风险监测工作完成日
    deadline: date | None = None  # 报送期限（第十八条，5个工作日）
    deadline_provisional: bool = False  # the year's official holiday notice was not known
    reported_date: date | None = None  # 结果报送日期
    report_number: str = ""
    problems_found: bool | None = None  # None: no result yet
    failed_items: tuple[str, ...] = ()
    notified_parties: int = 0  # 告知单位数: notices issued (for the sample's current report)
    delivered_parties: int = 0  # 已送达单位数: of those, delivered
    remarks: str = ""
    as_of: date | None = None  # the day the ledger was made: a deadline passed by then without a report is late

    def __post_init__(self) -> None:
        _tuples(self)
        object.__setattr__(self, "place_type", PlaceType(self.place_type))

    @property
    def on_time(self) -> bool | None:
        """是否按期: reported on or before the deadline; not reported and the deadline passed (as of the
        ledger's day) is late; None while it cannot be told yet."""
        if self.deadline is None:
            return None
        if self.reported_date is None:
            return False if self.as_of is not None and not is_on_time(self.deadline, self.as_of) else None
        return is_on_time(self.deadline, self.reported_date)
