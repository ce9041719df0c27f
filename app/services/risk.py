"""风险信息 (Articles 10–12) and the proposed warning level of a task (Articles 19–20).

The register holds each piece of risk information the lab collects as a monitoring-collection
station (风险信息监测采集站, Article 11 (二)): when it came in, which of the nine sources of
Article 10 it came from, whether it is key risk information (重点风险信息) and for which items of
Article 12, and the samples it concerns. :func:`monthly_data` groups a month's entries the way
the monthly report (月报, Article 11: 风险信息报送实行月报制) lists them.

A risk-level proposal grades the factors of ``spec/RISK.md`` with the shipped risk model
(``app.rules.risk``); the lab proposes, the regulator decides.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import selectinload

from app import clock, ruledata
from app.errors import ValidationError
from app.rules.commands import risk_command
from app.rules.errors import RuleInputError
from app.rules.risk import DURATION, FACTOR_NAMES_ZH, SCOPE, URGENCY, reason_zh
from app.services import permissions
from app.services._common import check_version, get_or_404, like_pattern, search_text
from app.services.context import Context
from app.store.models import (
    RISK_INFO_STATUSES,
    HazardReport,
    MonitoringTask,
    RiskInformation,
    RiskInformationSample,
    RiskProposal,
    Sample,
    User,
)
from app.store.queries import organisation
from app.store.types import utcnow

_CN_NUM = {1: "一", 2: "二", 3: "三", 4: "四", 5: "五", 6: "六", 7: "七", 8: "八", 9: "九"}

#: 产品质量安全风险信息来源, Article 10 (一)–(九).
SOURCE_LABELS: dict[int, str] = {
    1: "生产者、销售者报告的",
    2: "消费者投诉、举报的",
    3: "市场监管部门日常监管中发现的",
    4: "政府有关部门、社会组织或单位通报的",
    5: "技术机构发现的",
    6: "产品伤害信息",
    7: "有关组织、部门、企业等发布的产品召回、预警信息",
    8: "网络及媒体报道的",
    9: "其他渠道采集的",
}

#: 重点风险信息, Article 12. The published text numbers its items (一)(二)(三)(三)(四)(五)(六) —
#: "(三)" twice — so the items are counted here in order, 1–7 (as ``app.documents.data``
#: ``KeyRiskCriterion`` does).
KEY_REASON_LABELS: dict[int, str] = {
    1: "涉及人体健康和人身、财产安全且危害较大、风险程度较高以及危害程度呈上升趋势的",
    2: "涉及行业性、区域性和系统性质量安全问题的",
    3: "可能存在导致重大产品质量安全事故发生的",
    4: "消费者和社会高度关注的",
    5: "地方党委政府部署的，或应对产品质量安全突发事件需要的",
    6: "有关行政部门通报有重大质量安全问题的",
    7: "其他需要纳入的",
}

STATUS_LABELS: dict[str, str] = {
    "open": "待处理",
    "assessing": "研判中",
    "reported": "已报送",
    "closed": "已办结",
}

#: Warning levels (Article 19): stored 1–4, shown Ⅰ–Ⅳ.
LEVEL_NUMBERS = {"I": 1, "II": 2, "III": 3, "IV": 4}
LEVEL_NUMERALS = {1: "Ⅰ", 2: "Ⅱ", 3: "Ⅲ", 4: "Ⅳ"}
LEVEL_COLOR_LABELS = {"red": "红色", "orange": "橙色", "yellow": "黄色", "blue": "蓝色"}
PROBABILITY_LABELS = {
    ">1/2": "＞1/2",
    ">1/10": "＞1/10",
    ">1/100": "＞1/100",
    ">1/1000": "＞1/1000",
    ">1/10000": "＞1/10 000",
    ">1/100000": "＞1/100 000",
    ">1/1000000": "＞1/1 000 000",
    "<=1/1000000": "≤1/1 000 000",
}
SEVERITY_LABELS = {
    1: "1 轻微：急救即可，可逆",
    2: "2 需就医：约 6 个月内恢复",
    3: "3 住院或功能持久丧失",
    4: "4 致命或可能致命，或＞10% 永久残疾",
}
URGENCY_LABELS = {"normal": "一般", "urgent": "紧急（已有伤害事件报告或危害呈上升趋势）"}
SCOPE_LABELS = {"single": "单一企业或批次", "regional": "区域性", "industry": "行业性/系统性"}
DURATION_LABELS = {"new": "新发现", "persistent": "持续存在（后续轮次再次发现）"}


def source_clause(source: int) -> str:
    return f"第十条（{_CN_NUM.get(source, str(source))}）"


def source_label(source: int) -> str:
    return SOURCE_LABELS.get(source, str(source))


def key_reason_label(reason: int) -> str:
    return KEY_REASON_LABELS.get(reason, str(reason))


# ----------------------------------------------------------------------------- the register
@dataclass(frozen=True)
class RiskInfoInput:
    """What the risk-information form holds."""

    received_date: dt.date | None = None
    source: int | None = None  # Article 10 (一)…(九) as 1–9
    title: str = ""
    description: str = ""
    product: str = ""
    region: str = ""
    key_risk: bool = False  # 重点风险信息
    key_reasons: tuple[int, ...] = ()  # items of Article 12, 1–7
    status: str = "open"
    sample_numbers: tuple[str, ...] = ()  # linked samples, by 样品编号
    #: 即时报送 of major information (Article 11): when, to whom, how (``IMMEDIATE_METHOD_LABELS``)
    reported_at: dt.datetime | None = None
    reported_to: str = ""
    report_method: str = ""


#: how major risk information went out at once (即时报送)
IMMEDIATE_METHOD_LABELS = {"upload": "上传省级系统", "phone": "电话", "hand": "当面或书面送达", "email": "电子邮件"}


@dataclass(frozen=True)
class Immediate:
    """即时报送 of a register entry as on record: the entry's own, or — for an entry linked to a
    reported major hazard — the hazard record's (``via`` names it)."""

    at: dt.datetime
    to: str
    method: str
    via: str = ""  # 重大质量安全风险隐患报告 number, when it went out as one

    @property
    def method_label(self) -> str:
        return IMMEDIATE_METHOD_LABELS.get(self.method, self.method)


@dataclass(frozen=True)
class LinkedSample:
    id: int
    number: str
    product_name: str
    task_number: str


@dataclass(frozen=True)
class RiskInfo:
    id: int
    version: int
    data: RiskInfoInput
    samples: tuple[LinkedSample, ...]
    created_by: str
    created_at: dt.datetime | None
    immediate: Immediate | None = None  # 即时报送 on record

    @property
    def source_label(self) -> str:
        return source_label(self.data.source or 0)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.data.status, self.data.status)

    @property
    def key_reason_labels(self) -> tuple[str, ...]:
        return tuple(key_reason_label(r) for r in self.data.key_reasons)


def _clean_numbers(numbers) -> list[str]:
    out: list[str] = []
    for n in numbers or ():
        text = str(n).strip()
        if text and text not in out:
            out.append(text)
    return out


def validate_info(data: RiskInfoInput, today: dt.date | None = None) -> dict[str, str]:
    """Every problem of the form, keyed by field; empty when it can be saved."""
    today = today or clock.today()
    errors: dict[str, str] = {}
    if data.received_date is None:
        errors["received_date"] = "请填写收到信息的日期。"
    elif data.received_date > today:
        errors["received_date"] = "收到日期不能晚于今天。"
    if data.source not in SOURCE_LABELS:
        errors["source"] = "请选择信息来源（第十条所列九类之一）。"
    if not data.title.strip():
        errors["title"] = "请填写信息标题。"
    elif len(data.title.strip()) > 300:
        errors["title"] = "信息标题不能超过 300 个字。"
    if len(data.product.strip()) > 200:
        errors["product"] = "产品名称不能超过 200 个字。"
    if len(data.region.strip()) > 100:
        errors["region"] = "地区不能超过 100 个字。"
    reasons = list(data.key_reasons)
    if any(r not in KEY_REASON_LABELS for r in reasons):
        errors["key_reasons"] = "重点风险信息的理由应为第十二条所列情形。"
    elif data.key_risk and not reasons:
        errors["key_reasons"] = "列为重点风险信息时，请选择第十二条所列的至少一种情形。"
    elif reasons and not data.key_risk:
        errors["key_reasons"] = "只有列为重点风险信息时才选择第十二条的情形。"
    if data.status not in RISK_INFO_STATUSES:
        errors["status"] = "未知的处理状态。"
    if data.reported_at is not None or data.reported_to.strip() or data.report_method:
        if not data.key_risk:
            errors["reported_at"] = "只有重点风险信息（重大质量安全风险信息）才登记即时报送。"
        elif data.reported_at is None:
            errors["reported_at"] = "请填写即时报送的时间。"
        else:
            local = clock.local(data.reported_at).date() if data.reported_at.tzinfo else data.reported_at.date()
            if local > today:
                errors["reported_at"] = "即时报送时间不能晚于今天。"
            elif data.received_date is not None and local < data.received_date:
                errors["reported_at"] = "即时报送时间不能早于收到信息的日期。"
        if data.key_risk and not data.reported_to.strip():
            errors["reported_to"] = "请填写即时报送的对象（接收报送的部门）。"
        elif len(data.reported_to.strip()) > 200:
            errors["reported_to"] = "报送对象不能超过 200 个字。"
        if data.key_risk and data.report_method not in IMMEDIATE_METHOD_LABELS:
            errors["report_method"] = "请选择即时报送的方式（上传省级系统、电话、当面或书面送达、电子邮件）。"
    return errors


def _resolve_samples(session, numbers: list[str]) -> list[Sample]:
    if not numbers:
        return []
    found = {s.number: s for s in session.scalars(select(Sample).where(Sample.number.in_(numbers)))}
    missing = [n for n in numbers if n not in found]
    if missing:
        raise ValidationError({"samples": f"找不到样品编号：{'、'.join(missing)}。"})
    return [found[n] for n in numbers]


def _user_name(session, user_id: int | None) -> str:
    if user_id is None:
        return ""
    user = session.get(User, user_id)
    return user.display_name if user else ""


def _info(session, r: RiskInformation) -> RiskInfo:
    links = sorted(r.sample_links, key=lambda link: link.sample.number)
    return RiskInfo(
        id=r.id,
        version=r.version,
        data=RiskInfoInput(
            received_date=r.received_date,
            source=r.source,
            title=r.title,
            description=r.description or "",
            product=r.product or "",
            region=r.region or "",
            key_risk=bool(r.key_risk),
            key_reasons=tuple(int(x) for x in (r.key_reasons or ())),
            status=r.status,
            sample_numbers=tuple(link.sample.number for link in links),
            reported_at=r.reported_at,
            reported_to=r.reported_to or "",
            report_method=r.report_method or "",
        ),
        samples=tuple(
            LinkedSample(link.sample.id, link.sample.number, link.sample.product_name, link.sample.task.number)
            for link in links
        ),
        created_by=_user_name(session, r.created_by_id),
        created_at=r.created_at,
        immediate=_immediate(session, r),
    )


def _immediate(session, r: RiskInformation) -> Immediate | None:
    """The entry's 即时报送: from the major-hazard record it belongs to when that was reported,
    otherwise as the entry records it."""
    h = session.scalar(select(HazardReport).where(HazardReport.risk_information_id == r.id,
                                                  HazardReport.status == "reported",
                                                  HazardReport.reported_at.is_not(None))
                       .order_by(HazardReport.reported_at).limit(1))
    if h is not None:
        return Immediate(h.reported_at, h.recipient or "", h.method or "",
                         f"重大质量安全风险隐患报告 {h.number}" if h.number else "重大质量安全风险隐患报告")
    if r.reported_at is not None:
        return Immediate(r.reported_at, r.reported_to or "", r.report_method or "")
    return None


def _apply(session, r: RiskInformation, data: RiskInfoInput) -> None:
    r.received_date = data.received_date
    r.source = int(data.source or 0)
    r.title = data.title.strip()
    r.description = data.description.strip() or None
    r.product = data.product.strip() or None
    r.region = data.region.strip() or None
    r.key_risk = bool(data.key_risk)
    r.key_reasons = sorted(set(int(x) for x in data.key_reasons)) if data.key_risk else []
    r.status = data.status
    immediate = data.key_risk and data.reported_at is not None
    r.reported_at = data.reported_at if immediate else None
    r.reported_to = data.reported_to.strip() or None if immediate else None
    r.report_method = data.report_method or None if immediate else None
    wanted = _resolve_samples(session, _clean_numbers(data.sample_numbers))
    wanted_ids = {s.id for s in wanted}
    current = {link.sample_id: link for link in r.sample_links}
    for sample_id, link in current.items():
        if sample_id not in wanted_ids:
            r.sample_links.remove(link)
    for s in wanted:
        if s.id not in current:
            r.sample_links.append(RiskInformationSample(sample=s))


def _check(session, data: RiskInfoInput, today: dt.date | None) -> None:
    """Every bad field and every unknown sample number at once, before anything is written."""
    errors = validate_info(data, today)
    try:
        _resolve_samples(session, _clean_numbers(data.sample_numbers))
    except ValidationError as exc:
        errors.update(exc.errors)
    if errors:
        raise ValidationError(errors)


def create_info(ctx: Context, data: RiskInfoInput, *, today: dt.date | None = None) -> RiskInfo:
    """登记风险信息: rejected with every bad field before anything is written."""
    permissions.risk_actions(ctx.user).require("record")
    with ctx.uow() as uow:
        _check(uow.session, data, today)
        r = RiskInformation(created_by_id=ctx.user.id)
        _apply(uow.session, r, data)
        uow.session.add(r)
        uow.session.flush()
        info = _info(uow.session, r)
        uow.commit()
    return info


def update_info(ctx: Context, info_id: int, version: int, data: RiskInfoInput, *,
                today: dt.date | None = None) -> RiskInfo:
    permissions.risk_actions(ctx.user).require("update")
    with ctx.uow() as uow:
        r = uow.session.get(RiskInformation, info_id)
        check_version(r, version, "该风险信息")
        _check(uow.session, data, today)
        _apply(uow.session, r, data)
        uow.session.flush()
        info = _info(uow.session, r)
        uow.commit()
    return info


def delete_info(ctx: Context, info_id: int, version: int) -> None:
    permissions.risk_actions(ctx.user).require("delete")
    with ctx.uow() as uow:
        r = uow.session.get(RiskInformation, info_id)
        check_version(r, version, "该风险信息")
        uow.session.delete(r)
        uow.commit()


def get_info(ctx: Context, info_id: int) -> RiskInfo:
    with ctx.uow() as uow:
        return _info(uow.session, get_or_404(uow.session, RiskInformation, info_id, "该风险信息"))


def _month_range(year: int, month: int) -> tuple[dt.date, dt.date]:
    if not 1 <= month <= 12:
        raise ValidationError({"month": "月份应为 1～12。"})
    start = dt.date(year, month, 1)
    end = dt.date(year + (month == 12), month % 12 + 1, 1)
    return start, end


def _load_options():
    return selectinload(RiskInformation.sample_links).selectinload(RiskInformationSample.sample).selectinload(
        Sample.task
    )


def list_info(
    ctx: Context,
    *,
    year: int | None = None,
    month: int | None = None,
    source: int | None = None,
    key_risk: bool | None = None,
    status: str | None = None,
    text: str = "",
) -> list[RiskInfo]:
    """The register, newest first. ``year`` alone gives the year, with ``month`` that month."""
    with ctx.uow() as uow:
        q = select(RiskInformation).options(_load_options())
        if year is not None and month is not None:
            start, end = _month_range(year, month)
            q = q.where(RiskInformation.received_date >= start, RiskInformation.received_date < end)
        elif year is not None:
            q = q.where(
                RiskInformation.received_date >= dt.date(year, 1, 1),
                RiskInformation.received_date < dt.date(year + 1, 1, 1),
            )
        if source is not None:
            q = q.where(RiskInformation.source == source)
        if key_risk is not None:
            q = q.where(RiskInformation.key_risk.is_(key_risk))
        if status:
            q = q.where(RiskInformation.status == status)
        text = search_text(text)
        if text:
            like = like_pattern(text)
            q = q.where(
                or_(
                    RiskInformation.title.ilike(like, escape="\\"),
                    RiskInformation.product.ilike(like, escape="\\"),
                    RiskInformation.region.ilike(like, escape="\\"),
                    RiskInformation.description.ilike(like, escape="\\"),
                )
            )
        q = q.order_by(RiskInformation.received_date.desc(), RiskInformation.id.desc())
        return [_info(uow.session, r) for r in uow.session.scalars(q)]


def sample_choices(ctx: Context, text: str = "", limit: int = 50) -> list[LinkedSample]:
    """Samples whose number or product contains ``text`` (for linking), newest first."""
    with ctx.uow() as uow:
        q = select(Sample).options(selectinload(Sample.task)).order_by(Sample.id.desc()).limit(limit)
        text = search_text(text)
        if text:
            like = like_pattern(text)
            q = q.where(or_(Sample.number.ilike(like, escape="\\"), Sample.product_name.ilike(like, escape="\\")))
        return [LinkedSample(s.id, s.number, s.product_name, s.task.number) for s in uow.session.scalars(q)]


# ----------------------------------------------------------------------------- monthly report
@dataclass(frozen=True)
class MonthlyEntry:
    """One entry as the monthly report lists it."""

    serial: str  # 编号 within the month, e.g. 202603-001
    id: int
    received_date: dt.date
    source: int
    source_label: str
    title: str
    description: str
    product: str
    region: str
    key_risk: bool
    key_reasons: tuple[int, ...]
    key_reason_labels: tuple[str, ...]
    status: str
    status_label: str  # 处理情况
    sample_numbers: tuple[str, ...]


@dataclass(frozen=True)
class SourceGroup:
    """The month's entries of one source of Article 10 (every source is listed, also with none)."""

    source: int
    label: str
    clause: str  # 第十条（二）
    entries: tuple[MonthlyEntry, ...]

    @property
    def count(self) -> int:
        return len(self.entries)

    @property
    def key_count(self) -> int:
        return sum(1 for e in self.entries if e.key_risk)


@dataclass(frozen=True)
class KeyReasonCount:
    reason: int
    label: str
    count: int


@dataclass(frozen=True)
class MonthlyRiskData:
    """风险信息月报 data (Article 11): the month's entries, by source and the key ones."""

    year: int
    month: int
    lab_name: str
    cma_number: str
    entries: tuple[MonthlyEntry, ...]  # in order of receipt
    by_source: tuple[SourceGroup, ...]  # sources 1–9 in order
    key_entries: tuple[MonthlyEntry, ...]  # 重点风险信息
    by_key_reason: tuple[KeyReasonCount, ...]  # Article 12 items 1–7 in order

    @property
    def total(self) -> int:
        return len(self.entries)

    @property
    def key_total(self) -> int:
        return len(self.key_entries)

    @property
    def period(self) -> str:
        return f"{self.year}年{self.month}月"


def monthly_data(ctx: Context, year: int, month: int) -> MonthlyRiskData:
    """The month's register entries grouped as the monthly report needs them."""
    start, end = _month_range(year, month)
    with ctx.uow() as uow:
        org = organisation(uow.session)
        lab_name, cma_number = (org.name, org.cma_number or "") if org else ("", "")
        rows = list(
            uow.session.scalars(
                select(RiskInformation)
                .options(_load_options())
                .where(RiskInformation.received_date >= start, RiskInformation.received_date < end)
                .order_by(RiskInformation.received_date, RiskInformation.id)
            )
        )
        entries = []
        for n, r in enumerate(rows, start=1):
            info = _info(uow.session, r)
            d = info.data
            entries.append(
                MonthlyEntry(
                    serial=f"{year}{month:02d}-{n:03d}",
                    id=info.id,
                    received_date=r.received_date,
                    source=r.source,
                    source_label=source_label(r.source),
                    title=d.title,
                    description=d.description,
                    product=d.product,
                    region=d.region,
                    key_risk=d.key_risk,
                    key_reasons=d.key_reasons,
                    key_reason_labels=info.key_reason_labels,
                    status=d.status,
                    status_label=info.status_label,
                    sample_numbers=d.sample_numbers,
                )
            )
    groups = tuple(
        SourceGroup(src, label, source_clause(src), tuple(e for e in entries if e.source == src))
        for src, label in SOURCE_LABELS.items()
    )
    key_entries = tuple(e for e in entries if e.key_risk)
    reasons = tuple(
        KeyReasonCount(reason, label, sum(1 for e in key_entries if reason in e.key_reasons))
        for reason, label in KEY_REASON_LABELS.items()
    )
    return MonthlyRiskData(
        year=year,
        month=month,
        lab_name=lab_name,
        cma_number=cma_number,
        entries=tuple(entries),
        by_source=groups,
        key_entries=key_entries,
        by_key_reason=reasons,
    )


# ----------------------------------------------------------------------------- risk level
@dataclass(frozen=True)
class ProposalFactors:
    """The factors of ``spec/RISK.md`` as the user enters them."""

    severity: int = 1  # 危害程度 1–4
    probability: str = ">1/1000"  # of harm over the product's life
    urgency: str = "normal"  # 紧急程度
    scope: str = "single"  # 影响范围
    frequency: float = 0.0  # 发生频率: problem batches / tested batches
    duration: str = "new"  # 持续时间

    def payload(self) -> dict[str, Any]:
        return {
            "severity": self.severity,
            "probability": self.probability,
            "urgency": self.urgency,
            "scope": self.scope,
            "frequency": self.frequency,
            "duration": self.duration,
        }


@dataclass(frozen=True)
class Grade:
    """The level the model gives, with what is needed to show and store it."""

    level: str  # I..IV
    level_number: int  # 1..4 (as stored)
    numeral: str  # Ⅰ..Ⅳ
    name: str  # 特别严重…一般
    color: str  # red | orange | yellow | blue
    color_label: str  # 红色…蓝色
    notice: str  # Article 20 publication
    risk: str  # S/H/M/L
    base_level: str
    points: int
    reasons: tuple[str, ...]
    factors: dict[str, Any]  # the rule output's factors (stored with the proposal)
    model_name: str
    model_version: str

    @property
    def label(self) -> str:
        return f"{self.numeral}级（{self.name}）"


@dataclass(frozen=True)
class TaskFrequency:
    """发生频率 of a task: problem batches / batches whose initial monitoring is complete."""

    task_id: int
    tested: int
    problems: int

    @property
    def frequency(self) -> float:
        return round(self.problems / self.tested, 4) if self.tested else 0.0


@dataclass(frozen=True)
class ProposalInfo:
    id: int
    task_id: int
    task_number: str
    level_number: int
    numeral: str
    name: str
    color: str
    notice: str
    risk: str
    factors: dict[str, Any]
    model_name: str
    model_version: str
    proposed_by: str
    proposed_at: dt.datetime
    note: str

    @property
    def label(self) -> str:
        return f"{self.numeral}级（{self.name}）"


_RULE_FIELDS = ("severity", "probability", "urgency", "scope", "frequency", "duration")
#: every factor: what a person confirms before a proposal is saved
FACTORS = _RULE_FIELDS


def grade_factors(factors: ProposalFactors, model: dict[str, Any] | None = None) -> Grade:
    """The proposed level under ``model`` (default: the shipped risk model). Bad factors raise a
    ValidationError naming the field."""
    model = model or ruledata.load_risk_model()
    try:
        out = risk_command(factors.payload(), model)
    except RuleInputError as exc:
        key = (exc.field or "").split(".")[0].split("[")[0]
        raise ValidationError({key if key in _RULE_FIELDS else "factors": exc.message}) from None
    level = out["level"]
    number = LEVEL_NUMBERS[level]
    f = out["factors"]
    return Grade(
        level=level,
        level_number=number,
        numeral=LEVEL_NUMERALS[number],
        name=out["name"],
        color=out["color"],
        color_label=LEVEL_COLOR_LABELS.get(out["color"], out["color"]),
        notice=out["notice"],
        risk=f["risk"],
        base_level=f["base_level"],
        points=int(f["points"]),
        reasons=tuple(reason_zh(str(r)) for r in f.get("point_reasons", ()) or ()),
        factors=f,
        model_name=out["model"]["name"],
        model_version=out["model"]["version"],
    )


def probabilities(model: dict[str, Any] | None = None) -> tuple[str, ...]:
    """The probability classes of the model, most likely first."""
    model = model or ruledata.load_risk_model()
    return tuple(model["probabilities"])


FACTOR_CHOICES = {"urgency": URGENCY, "scope": SCOPE, "duration": DURATION}


def task_frequency(ctx: Context, task_id: int) -> TaskFrequency:
    """Problem batches / tested batches of the task (default for 发生频率)."""
    with ctx.uow() as uow:
        get_or_404(uow.session, MonitoringTask, task_id, "该任务")
        tested, problems = uow.session.execute(
            select(
                func.count(Sample.id),
                func.coalesce(func.sum(case((Sample.problems_found.is_(True), 1), else_=0)), 0),
            ).where(and_(Sample.task_id == task_id, Sample.completed_date.is_not(None)))
        ).one()
    return TaskFrequency(task_id, int(tested or 0), int(problems or 0))


def _proposal_info(session, p: RiskProposal) -> ProposalInfo:
    level_key = {v: k for k, v in LEVEL_NUMBERS.items()}[p.level]
    model = ruledata.load_risk_model()
    level_info = model["levels"].get(level_key, {})
    color = level_info.get("color", "")
    return ProposalInfo(
        id=p.id,
        task_id=p.task_id,
        task_number=p.task.number,
        level_number=p.level,
        numeral=LEVEL_NUMERALS[p.level],
        name=level_info.get("name", ""),
        color=color,
        notice=model["notices"].get(level_key, ""),
        risk=p.risk or "",
        factors=dict(p.factors or {}),
        model_name=p.model_name,
        model_version=p.model_version,
        proposed_by=_user_name(session, p.proposed_by_id),
        proposed_at=p.proposed_at,
        note=p.note or "",
    )


def save_proposal(ctx: Context, task_id: int, factors: ProposalFactors, note: str = "", *,
                  confirmed: Iterable[str] = (), sources: Mapping[str, str] | None = None) -> ProposalInfo:
    """Grade ``factors`` and record the proposal for the task (its analysis report uses the latest).

    ``confirmed`` names the factors a person has confirmed (``spec/RISK.md``: each factor is shown
    with its source and confirmed before a proposal is saved) — all six, or nothing is saved;
    ``sources`` (factor → 依据) are stored with the factors and printed in the analysis report."""
    permissions.risk_actions(ctx.user).require("propose")
    missing = [f for f in _RULE_FIELDS if f not in set(confirmed)]
    if missing:
        raise ValidationError({f: f"请确认“{FACTOR_NAMES_ZH[f]}”的取值及其依据后再保存。" for f in missing})
    grade = grade_factors(factors)
    stored = dict(grade.factors)
    stored["sources"] = {k: str(v).strip() for k, v in (sources or {}).items() if k in _RULE_FIELDS and str(v).strip()}
    stored["confirmed"] = list(_RULE_FIELDS)
    with ctx.uow() as uow:
        get_or_404(uow.session, MonitoringTask, task_id, "该任务")
        p = RiskProposal(
            task_id=task_id,
            factors=stored,
            risk=grade.risk,
            level=grade.level_number,
            model_name=grade.model_name,
            model_version=grade.model_version,
            proposed_by_id=ctx.user.id,
            proposed_at=utcnow(),
            note=note.strip() or None,
        )
        uow.session.add(p)
        uow.session.flush()
        info = _proposal_info(uow.session, p)
        uow.commit()
    return info


def list_proposals(ctx: Context, task_id: int) -> list[ProposalInfo]:
    """The task's proposals, newest first."""
    with ctx.uow() as uow:
        q = (
            select(RiskProposal)
            .options(selectinload(RiskProposal.task))
            .where(RiskProposal.task_id == task_id)
            .order_by(RiskProposal.proposed_at.desc(), RiskProposal.id.desc())
        )
        return [_proposal_info(uow.session, p) for p in uow.session.scalars(q)]


def latest_proposal(ctx: Context, task_id: int) -> ProposalInfo | None:
    found = list_proposals(ctx, task_id)
    return found[0] if found else None
