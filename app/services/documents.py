"""The lab's records as documents: test reports, notices, analysis and monthly reports, the sample
ledger and the task export package.

Each public function opens one unit of work, reads with the ORM and returns the frozen data of
``app.documents.data`` (or the rendered bytes / written file); ``app.documents`` does the layout and
never touches the database. :func:`build_task_package` takes a session instead, so the approval of
a report can build the upload package in its own transaction.

Choices made here (the lab-wide settings table declares no keys for them yet):

* the period for objections or re-test applications in a notice is :data:`OBJECTION_DAYS` days
  (as in the test report's own statement: 十五日);
* a notice is issued by the lab on behalf of the task's issuing authority (委托告知, Article 18 ¶2)
  and does not itself ask for rectification feedback: that is a measure the regulator takes after
  analysis (Article 23 (一));
* the monthly report is addressed to :data:`MONTHLY_REPORTED_TO`.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session, aliased, selectinload

from app.documents.data import (
    AnalysisData,
    CountRow,
    FailedItemDetail,
    InfoSource,
    ItemLine,
    ItemProblemCount,
    Judgement,
    KeyRiskCriterion,
    LabInfo,
    LedgerRow,
    Measure,
    MonthlyData,
    NoticeData,
    OnlineShop,
    PackageAnalysis,
    PackageManifestData,
    PackageNotification,
    PackageSample,
    PackageTask,
    PartyInfo,
    PartyRole,
    PlaceType,
    RecommendedMeasure,
    RiskInfoEntry,
    RiskLevel,
    RiskProposal,
    SignOff,
    StationKind,
    TestReportData,
)
from app.errors import NotFoundError, ValidationError
from app.rules import notify as notify_rules
from app.rules import uscc as uscc_rules
from app.services._common import get_or_404
from app.services.context import Context
from app.services.reports import REPORT_STATUS_LABELS, _current_report
from app.services.sample_list import STATUS_LABELS as SAMPLE_STATUS_LABELS
from app.services.testing import basis_text, requirement_text
from app.store.models import (
    Enterprise,
    ItemResult,
    MonitoringTask,
    Notification,
    Report,
    Sample,
    Standard,
    User,
)
from app.store.models import RiskProposal as RiskProposalRow
from app.store.queries import get_setting, organisation

OBJECTION_DAYS = 15  # 异议或复检申请期限（日）
MONTHLY_REPORTED_TO = "湖北省市场监督管理局"  # 月报报送单位
NOTICE_NUMBER = "GZ-{report}-{n}"  # 告知书编号: the report number and the party's place in Article 18's order

_JUDGEMENTS = {"pass": Judgement.PASS, "fail": Judgement.FAIL, "undetermined": Judgement.NOT_JUDGED}
_SIZE_LABELS = {"large": "大型", "medium": "中型", "small": "小型", "micro": "微型"}
_SIZE_ORDER = ("large", "medium", "small", "micro", None)

#: Province-level divisions (GB/T 2260, first two digits) and Hubei's prefectures (first four).
PROVINCES = {
    "11": "北京市", "12": "天津市", "13": "河北省", "14": "山西省", "15": "内蒙古自治区", "21": "辽宁省",
    "22": "吉林省", "23": "黑龙江省", "31": "上海市", "32": "江苏省", "33": "浙江省", "34": "安徽省",
    "35": "福建省", "36": "江西省", "37": "山东省", "41": "河南省", "42": "湖北省", "43": "湖南省",
    "44": "广东省", "45": "广西壮族自治区", "46": "海南省", "50": "重庆市", "51": "四川省", "52": "贵州省",
    "53": "云南省", "54": "西藏自治区", "61": "陕西省", "62": "甘肃省", "63": "青海省", "64": "宁夏回族自治区",
    "65": "新疆维吾尔自治区", "71": "台湾省", "81": "香港特别行政区", "82": "澳门特别行政区",
}
HUBEI_PREFECTURES = {
    "4201": "武汉市", "4202": "黄石市", "4203": "十堰市", "4205": "宜昌市", "4206": "襄阳市", "4207": "鄂州市",
    "4208": "荆门市", "4209": "孝感市", "4210": "荆州市", "4211": "黄冈市", "4212": "咸宁市", "4213": "随州市",
    "4228": "恩施土家族苗族自治州", "4290": "省直辖行政单位",
}


# ----------------------------------------------------------------------------------- small helpers
def _lab(session: Session) -> LabInfo:
    org = organisation(session)
    if org is None or not org.name:
        raise ValidationError("尚未设置本机构信息（设置 → 本机构），无法出具文件。")
    return LabInfo(name=org.name, cma_number=org.cma_number or "", address=org.address or "", phone=org.phone or "")


def _tz(session: Session) -> ZoneInfo:
    try:
        return ZoneInfo(str(get_setting(session, "display_timezone") or "Asia/Shanghai"))
    except (KeyError, ValueError):
        return ZoneInfo("Asia/Shanghai")


def _local_date(ts: dt.datetime | None, tz: ZoneInfo) -> dt.date | None:
    if ts is None:
        return None
    if ts.tzinfo is None:
        ts = ts.replace(tzinfo=dt.UTC)
    return ts.astimezone(tz).date()


def _user_names(session: Session, ids: Iterable[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return {u.id: u.display_name for u in session.scalars(select(User).where(User.id.in_(wanted)))}


def out_of_province(code: str | None) -> bool:
    """A USCC whose division (characters 3–8) is outside Hubei (Article 23 (二)); False when unknown."""
    division = uscc_rules.division_of(code or "")
    return division is not None and not division.startswith(uscc_rules.HUBEI_PREFIX)


def region_name(division: str | None) -> str:
    """``武汉市`` for a Hubei division code, ``省外（广东省）`` outside Hubei, ``""`` when unknown."""
    if not division or len(division) < 2 or not division[:2].isdigit():
        return ""
    if division.startswith(uscc_rules.HUBEI_PREFIX):
        return HUBEI_PREFECTURES.get(division[:4], "湖北省")
    return f"省外（{PROVINCES.get(division[:2], '其他')}）"


def _enterprise_region(e: Enterprise | None) -> str:
    if e is None:
        return ""
    return region_name(e.region_code or (e.uscc or "")[2:8])


def _sampled_role(place: str) -> PartyRole:
    return PartyRole.SAMPLED_PRODUCER if place == "producer" else PartyRole.SAMPLED_SELLER


def _sample_parties(s: Sample) -> list[tuple[Enterprise, list[PartyRole]]]:
    """The sample's enterprises with their roles, sampled party first (one entry per enterprise)."""
    out: list[tuple[Enterprise, list[PartyRole]]] = []
    named = [(s.sampled_party, _sampled_role(s.place_type)), (s.nominal_producer, PartyRole.NOMINAL_PRODUCER)]
    if s.place_type == "e_platform":
        named.append((s.platform_operator, PartyRole.PLATFORM_OPERATOR))
    for ent, role in named:
        if ent is None:
            continue
        for known, roles in out:
            if known.id == ent.id:
                roles.append(role)
                break
        else:
            out.append((ent, [role]))
    return out


def _party(ent: Enterprise, roles: Iterable[PartyRole] = ()) -> PartyInfo:
    return PartyInfo(
        name=ent.name,
        uscc=ent.uscc or "",
        address=ent.address or "",
        roles=tuple(roles),
        out_of_province=out_of_province(ent.uscc),
        contact=ent.contact or "",
        phone=ent.phone or "",
    )


def _sample_by_number(session: Session, number: str) -> Sample:
    s = session.scalar(select(Sample).where(Sample.number == number.strip()))
    if s is None:
        raise NotFoundError(f"找不到样品编号“{number}”。")
    return s


def _task_by_number(session: Session, number: str) -> MonitoringTask:
    t = session.scalar(select(MonitoringTask).where(MonitoringTask.number == number.strip()))
    if t is None:
        raise NotFoundError(f"找不到任务编号“{number}”。")
    return t


def task_id_by_number(ctx: Context, number: str) -> int:
    with ctx.uow() as uow:
        return _task_by_number(uow.session, number).id


def sample_id_by_number(ctx: Context, number: str) -> int:
    with ctx.uow() as uow:
        return _sample_by_number(uow.session, number).id


# ----------------------------------------------------------------------------------- items and conclusion
def _is_panel(r: ItemResult) -> bool:
    return (r.basis or {}).get("source") == "panel"


def _as_issued(r: ItemResult, report: Report) -> dict[str, Any] | None:
    """The result as the approved ``report`` issued it, when it was amended afterwards (the
    amendment keeps the original); None when the result is unchanged since."""
    if report.status != "approved" or report.approved_at is None:
        return None
    later = [a for a in r.amendments if a.amended_at is not None and a.amended_at > report.approved_at]
    return dict(min(later, key=lambda a: (a.amended_at, a.id)).original) if later else None


def item_line(r: ItemResult, issued: dict[str, Any] | None = None) -> ItemLine:
    """One result as the documents show it; ``issued`` overrides the value, unit and judgement with
    those of an amendment's original (see :func:`_as_issued`)."""
    issued = issued or {}
    basis = r.basis or {}
    panel = _is_panel(r)
    if "code" in basis:
        basis_code, basis_clause = str(basis["code"]), str(basis.get("clause") or "")
    elif basis and not panel:  # a claim on the label, instructions, advertising or the sample itself
        basis_code, basis_clause = basis_text(basis), ""
    else:
        basis_code, basis_clause = "", ""
    method = r.method or {}
    method_code = "" if panel else str(method.get("code") or "")
    method_clause = "" if panel else str(method.get("clause") or "")
    judgement = _JUDGEMENTS.get(issued.get("judgement", r.judgement) or "", Judgement.NOT_JUDGED)
    return ItemLine(
        item=r.item,
        requirement_text=requirement_text(r.requirement),
        result_text=issued.get("value_text", r.value_text) or "",
        unit=issued.get("unit", r.unit) or "",
        judgement=judgement,
        basis_code=basis_code,
        basis_clause=basis_clause,
        method_code=method_code,
        method_clause=method_clause,
        rule_trace=tuple(str(x) for x in (r.rule_trace or ())),
        expert_panel=panel,
        note=(issued.get("judgement_reason", r.judgement_reason) or "") if panel else "",
    )


def _quoted(names: Iterable[str]) -> str:
    return "".join(f"“{n}”" for n in names)


def conclusion_text(items: Iterable[ItemLine]) -> str:
    """检验结论 in Chinese, naming the failed items, the panel evaluations and the items not judged."""
    items = list(items)
    failed = [i.item for i in items if i.judgement is Judgement.FAIL]
    unjudged = [i.item for i in items if i.judgement is Judgement.NOT_JUDGED]
    panel = [i.item for i in items if i.expert_panel]
    if failed:
        text = f"经抽样检验，所检项目中{_quoted(failed)}不符合检验依据的要求"
        text += "，其余所检项目符合要求。" if len(failed) + len(unjudged) < len(items) else "。"
    else:
        text = "经抽样检验，所检项目符合检验依据的要求。" if len(unjudged) < len(items) else "经抽样检验，所检项目均仅提供检验数据。"
    if unjudged and len(unjudged) < len(items):
        text += f"{_quoted(unjudged)}无判定依据，仅提供检验数据，不作判定。"
    if panel:
        text += f"其中{_quoted(panel)}无法实施检验检测，由专家组验证评价（第五条）。"
    return text


def _basis_standards(session: Session, items: Iterable[ItemLine]) -> tuple[str, ...]:
    codes: list[str] = []
    for it in items:
        for code in (it.basis_code, it.method_code):
            if code and code[:1].isascii() and code not in codes and not code.startswith("专家组"):
                codes.append(code)
    if not codes:
        return ()
    titles = {s.code: s.title for s in session.scalars(select(Standard).where(Standard.code.in_(codes)))}
    return tuple(f"{c}《{titles[c]}》" if titles.get(c) else c for c in codes)


# ----------------------------------------------------------------------------------- test report
def _require_report(session: Session, s: Sample) -> Report:
    report = _current_report(session, s.id)
    if report is None:
        raise ValidationError(f"样品 {s.number} 尚未编制检验报告。")
    return report


def _quantity(s: Sample) -> str:
    def num(v) -> str:
        return format(v, "f").rstrip("0").rstrip(".") if v is not None else ""

    unit = s.quantity_unit or ""
    test_q, backup_q = num(s.test_quantity), num(s.backup_quantity)
    if not test_q and not backup_q:
        return ""
    parts = [f"检验 {test_q}{unit}" if test_q else "", f"备样 {backup_q}{unit}" if backup_q else ""]
    return "，".join(p for p in parts if p)


def _test_report(session: Session, s: Sample, report: Report) -> TestReportData:
    tz = _tz(session)
    names = _user_names(session, (report.compiled_by_id, report.reviewed_by_id, report.approved_by_id))
    items = tuple(item_line(r, _as_issued(r, report)) for r in s.results)
    if not items:
        raise ValidationError(f"样品 {s.number} 没有检验项目，不能出具检验报告。")
    parties = _sample_parties(s)
    by_id = {ent.id: _party(ent, roles) for ent, roles in parties}
    sampled = by_id.get(s.sampled_party_id) if s.sampled_party_id else None
    if sampled is None:
        raise ValidationError(f"样品 {s.number} 缺少被抽样单位。")
    nominal = None
    if s.nominal_producer_id is not None and not (s.place_type == "producer"
                                                 and s.nominal_producer_id == s.sampled_party_id):
        nominal = by_id.get(s.nominal_producer_id)
    platform = by_id.get(s.platform_operator_id) if s.place_type == "e_platform" and s.platform_operator_id else None
    online = None
    if s.place_type == "e_platform":
        online = OnlineShop(shop_name=s.shop_name or "", url=s.shop_url or "", order_number=s.order_number or "",
                            logistics_number=s.logistics_number or "")
    replaces = report.replaces.number if report.replaces is not None else ""
    reason = (report.amendment_reason or "").strip()
    if replaces and not reason:
        reason = "对原报告的检验结果进行更正。"
    remarks = ""
    if report.status != "approved":
        remarks = f"本报告尚未批准（{REPORT_STATUS_LABELS.get(report.status, report.status)}），仅供内部审核，不得对外发出。"
    task = s.task
    return TestReportData(
        report_number=report.number,
        lab=_lab(session),
        sample_number=s.number,
        product_name=s.product_name,
        place_type=PlaceType(s.place_type),
        sampled=sampled,
        items=items,
        conclusion=conclusion_text(items),
        signoff=SignOff(
            compiled_by=names.get(report.compiled_by_id or -1, ""),
            compiled_at=_local_date(report.compiled_at, tz),
            reviewed_by=names.get(report.reviewed_by_id or -1, ""),
            reviewed_at=_local_date(report.reviewed_at, tz),
            approved_by=names.get(report.approved_by_id or -1, ""),
            approved_at=_local_date(report.approved_at, tz),
        ),
        issue_date=_local_date(report.approved_at, tz) or dt.date.today(),
        task_number=task.number if task else "",
        task_title=task.title if task else "",
        task_source=(task.issuing_authority or "") if task else "",
        replaces_number=replaces,
        amendment_reason=reason if replaces else "",
        brand=s.brand or "",
        model_spec=s.model_spec or "",
        batch_number=s.batch_number or "",
        production_date=s.production_date,
        sample_quantity=_quantity(s),
        sampling_date=s.sampling_date,
        sampling_place=s.sampling_place or ("网络购买（电商平台下单）" if s.place_type == "e_platform" else ""),
        samplers=tuple(str(x) for x in (s.samplers or ())),
        received_date=s.received_date,
        test_start=s.test_started_date,
        test_end=s.completed_date,
        nominal_producer=nominal,
        platform_operator=platform,
        online_shop=online,
        basis_standards=_basis_standards(session, items),
        remarks=remarks,
    )


def test_report_data(ctx: Context, sample_id: int) -> TestReportData:
    """检验报告 of the sample's current report (the approved one, or the one being compiled)."""
    with ctx.uow() as uow:
        s = get_or_404(uow.session, Sample, sample_id, "该样品")
        return _test_report(uow.session, s, _require_report(uow.session, s))


test_report_data.__test__ = False  # type: ignore[attr-defined]  # not a pytest test


def store_report_pdf(session: Session, report: Report) -> bytes:
    """Render an approved test report and keep the PDF with it (``pdf``, ``file_sha256``), in the
    caller's transaction: the issued document is then exactly the one packages carry, and later
    packages need not render it again. Meant for the approval's transaction."""
    import hashlib

    from app.documents.test_report import render_test_report

    if report.kind != "test" or report.sample is None:
        raise ValidationError("只能保存检验报告的 PDF。")
    if report.status != "approved":
        raise ValidationError(f"报告 {report.number} 尚未批准，不能作为正式报告保存。")
    pdf = render_test_report(_test_report(session, report.sample, report))
    report.pdf = pdf
    report.file_sha256 = hashlib.sha256(pdf).hexdigest()
    session.flush()
    return pdf


def test_report_pdf(ctx: Context, sample_id: int) -> bytes:
    from app.documents.test_report import render_test_report

    return render_test_report(test_report_data(ctx, sample_id))


test_report_pdf.__test__ = False  # type: ignore[attr-defined]


# ----------------------------------------------------------------------------------- notices
def _notice_parties(s: Sample) -> list[notify_rules.Notice]:
    """Article 18 ¶2 through ``app.rules.notify``: who is told, in order, with all their roles."""
    keys = {"sampled": s.sampled_party, "nominal_producer": s.nominal_producer,
            "platform_operator": s.platform_operator}
    parties: dict[str, notify_rules.Party] = {}
    for key, _role in notify_rules.required_parties(s.place_type):
        ent = keys[key]
        if ent is None:
            raise ValidationError(f"样品 {s.number} 须告知{notify_rules.PARTY_NAMES_ZH[key]}，但抽样信息中没有该单位。")
        parties[key] = notify_rules.Party(ent.name, uscc_rules.normalize(ent.uscc or ""))
    return notify_rules.parties_to_notify(s.place_type, parties)


def notice_number(report_number: str, n: int) -> str:
    return NOTICE_NUMBER.format(report=report_number, n=n)


def _notices(session: Session, s: Sample, report: Report, data: TestReportData | None = None) -> list[NoticeData]:
    if report.status != "approved":
        raise ValidationError(f"样品 {s.number} 的检验报告尚未批准，不能出具告知书。")
    data = data or _test_report(session, s, report)
    if not data.problems_found:
        return []
    enterprises = {uscc_rules.normalize(ent.uscc or ""): ent for ent, _ in _sample_parties(s)}
    task = s.task
    authority = (task.issuing_authority or "") if task else ""
    lab = data.lab
    contact = "，".join(p for p in (lab.address and f"地址：{lab.address}", lab.phone and f"电话：{lab.phone}") if p)
    out: list[NoticeData] = []
    for n, party in enumerate(_notice_parties(s), 1):
        ent = enterprises.get(party.uscc)
        addressee = PartyInfo(
            name=party.name,
            uscc=party.uscc,
            address=(ent.address or "") if ent else "",
            roles=tuple(PartyRole(r) for r in party.roles),
            out_of_province=party.out_of_province,
            contact=(ent.contact or "") if ent else "",
            phone=(ent.phone or "") if ent else "",
        )
        out.append(NoticeData(
            notice_number=notice_number(report.number, n),
            addressee=addressee,
            lab=lab,
            issuer=lab.name,
            product_name=data.product_name,
            place_type=data.place_type,
            sampled=data.sampled,
            failed_items=data.failed_items,
            report_number=report.number,
            issue_date=data.issue_date,
            on_behalf_of=authority,
            task_number=data.task_number,
            task_title=data.task_title,
            brand=data.brand,
            model_spec=data.model_spec,
            batch_number=data.batch_number,
            production_date=data.production_date,
            sampling_date=data.sampling_date,
            sampling_place=data.sampling_place,
            nominal_producer=data.nominal_producer or (data.sampled if s.nominal_producer_id == s.sampled_party_id
                                                       else None),
            platform_operator=data.platform_operator,
            online_shop=data.online_shop,
            basis_standards=data.basis_standards,
            objection_days=OBJECTION_DAYS,
            objection_to=authority or lab.name,
            objection_contact=(f"可经{lab.name}转交；{contact}" if authority else contact) if contact else "",
            feedback_days=None,
            contact_person=data.signoff.compiled_by,
            contact_phone=lab.phone,
            confidential=True,  # Article 8: not to be made public without the organising regulator's consent
        ))
    return out


def notices_for_sample(ctx: Context, sample_id: int) -> list[NoticeData]:
    """告知书 of a sample whose approved report found problems: one per party (Article 18 ¶2), in the
    rules' order, each with all its roles; an empty list when no problem was found."""
    with ctx.uow() as uow:
        s = get_or_404(uow.session, Sample, sample_id, "该样品")
        return _notices(uow.session, s, _require_report(uow.session, s))


# ----------------------------------------------------------------------------------- analysis report
def _count_rows(rows: Iterable[tuple[str, int, int]]) -> tuple[CountRow, ...]:
    merged: dict[str, list[int]] = {}
    for label, batches, problem in rows:
        acc = merged.setdefault(label, [0, 0])
        acc[0] += int(batches or 0)
        acc[1] += int(problem or 0)
    return tuple(CountRow(label, b, p) for label, (b, p) in merged.items())


def _level_key(number: int) -> str:
    return {1: "I", 2: "II", 3: "III", 4: "IV"}[int(number)]


_SHOWN_FACTORS = ("severity", "probability", "urgency", "scope", "frequency", "duration", "risk", "points")


def _risk_from_factors(level: str, factors: dict[str, Any], *, model_name: str, model_version: str,
                       rationale: str) -> RiskProposal:
    shown = {k: factors[k] for k in _SHOWN_FACTORS if k in factors}
    return RiskProposal.from_rule_output({"level": level, "factors": shown}, model_name=model_name,
                                         model_version=model_version, rationale=rationale)


def _risk(session: Session, task: MonitoringTask, tested: int, problems: int) -> tuple[RiskProposal | None, bool]:
    """The latest saved proposal of the task, or one computed now from the task's frequency (the other
    factors at the model's defaults). Returns (proposal, saved)."""
    saved = session.scalar(
        select(RiskProposalRow).where(RiskProposalRow.task_id == task.id)
        .order_by(RiskProposalRow.proposed_at.desc(), RiskProposalRow.id.desc()).limit(1)
    )
    if saved is not None:
        f = dict(saved.factors or {})
        reasons = "；".join(str(x) for x in f.get("point_reasons", ()) or ())
        who = _user_names(session, (saved.proposed_by_id,)).get(saved.proposed_by_id or -1, "")
        when = _local_date(saved.proposed_at, _tz(session))
        parts = [f"等级建议由{who or '技术人员'}于{when:%Y-%m-%d}提出并保存。" if when else "等级建议已保存。"]
        if reasons:
            parts.append(f"升级因素：{reasons}。")
        if saved.note:
            parts.append(saved.note)
        return _risk_from_factors(_level_key(saved.level), f, model_name=saved.model_name,
                                  model_version=saved.model_version, rationale="".join(parts)), True
    if problems == 0:
        return None, False
    from app.services.risk import ProposalFactors, grade_factors

    defaults = ProposalFactors()
    grade = grade_factors(ProposalFactors(frequency=round(problems / tested, 4) if tested else 0.0))
    rationale = (
        f"本任务尚未保存风险预警等级建议。以上等级由系统按风险分级模型自动计算：发生频率取自本任务监测数据"
        f"（{problems}/{tested}），危害程度（{defaults.severity}）、伤害概率（{defaults.probability}）、紧急程度、"
        "影响范围和持续时间取模型默认值，仅供参考，须由技术人员评估危害后在“风险信息”中提出并保存等级建议。"
    )
    return _risk_from_factors(grade.level, grade.factors, model_name=grade.model_name,
                              model_version=grade.model_version, rationale=rationale), False


def _measures(problem_batches: int, notices: int, referrals: dict[str, list[str]], risk: RiskProposal | None,
              standard_items: list[str], hazards: int) -> tuple[RecommendedMeasure, ...]:
    out: list[RecommendedMeasure] = []
    if problem_batches:
        out.append(RecommendedMeasure(
            Measure.WRITTEN_NOTICE,
            f"对{problem_batches}批次存在问题的产品，向被抽样单位、标称生产企业及电商平台经营者送达告知书"
            f"（共{notices}份），督促其采取有效措施消除质量安全隐患或者降低风险，并按时反馈整改落实情况。"))
    if referrals:
        where = "；".join(f"{prov}：{'、'.join(names)}" for prov, names in sorted(referrals.items()))
        count = sum(len(v) for v in referrals.values())
        out.append(RecommendedMeasure(
            Measure.CASE_REFERRAL,
            f"标称生产企业在省外的{count}家（{where}），建议作为案件线索移送企业所在地同级市场监管部门处理。"))
    level = risk.level if risk is not None else None
    if level in (RiskLevel.I, RiskLevel.II) or hazards:
        detail = f"建议发布{level.notice}，" if level in (RiskLevel.I, RiskLevel.II) else ""
        if hazards:
            detail += f"本任务有{hazards}批次发现重大质量安全风险隐患，已（应）及时上报，"
        out.append(RecommendedMeasure(Measure.REPORT_UPWARD, detail + "向上级部门报告或向同级政府有关部门通报风险监测情况。"))
    if level in (RiskLevel.I, RiskLevel.IV):
        out.append(RecommendedMeasure(Measure.PUBLIC_WARNING, f"建议发布{level.notice}，提醒消费者关注该类产品的质量安全风险。"))
    if standard_items:
        out.append(RecommendedMeasure(
            Measure.DEFECT_OR_STANDARD,
            f"{_quoted(standard_items)}缺少适用的产品标准要求（参照类似产品标准或由专家组评价），建议提出标准制修订建议。"))
    return tuple(out)


def _analysis(session: Session, task: MonitoringTask, today: dt.date | None = None) -> tuple[AnalysisData, bool]:
    tz = _tz(session)
    lab = _lab(session)
    responsible = aliased(Enterprise)
    tested_cond = and_(Sample.task_id == task.id, Sample.completed_date.is_not(None))
    problem = func.coalesce(func.sum(case((Sample.problems_found.is_(True), 1), else_=0)), 0)
    sampled, period_start, period_end = session.execute(
        select(func.count(Sample.id), func.min(Sample.sampling_date), func.max(Sample.sampling_date))
        .where(Sample.task_id == task.id)
    ).one()
    tested, problems = session.execute(select(func.count(Sample.id), problem).where(tested_cond)).one()
    tested, problems = int(tested or 0), int(problems or 0)

    place_rows = session.execute(select(Sample.place_type, func.count(Sample.id), problem).where(tested_cond)
                                 .group_by(Sample.place_type)).all()
    by_place = {p: (n, k) for p, n, k in place_rows}
    by_place_type = tuple(CountRow(PlaceType(p).label, *by_place[p]) for p in PlaceType if p.value in by_place)

    resp_join = responsible.id == func.coalesce(Sample.nominal_producer_id, Sample.sampled_party_id)
    size_rows = session.execute(
        select(responsible.size, func.count(Sample.id), problem).select_from(Sample).outerjoin(responsible, resp_join)
        .where(tested_cond).group_by(responsible.size)
    ).all()
    sizes = {sz: (n, k) for sz, n, k in size_rows}
    by_size = tuple(CountRow(_SIZE_LABELS.get(sz or "", "未登记"), *sizes[sz]) for sz in _SIZE_ORDER if sz in sizes)

    region_rows = session.execute(
        select(responsible.region_code, responsible.uscc, func.count(Sample.id), problem).select_from(Sample)
        .outerjoin(responsible, resp_join).where(tested_cond).group_by(responsible.region_code, responsible.uscc)
    ).all()
    regions = _count_rows((region_name(rc or (u or "")[2:8]) or "未知", n, k) for rc, u, n, k in region_rows)
    by_region = tuple(sorted(regions, key=lambda r: (r.label.startswith("省外"), r.label == "未知", -r.batches)))

    item_rows = session.execute(
        select(ItemResult.item, func.count(ItemResult.id),
               func.coalesce(func.sum(case((ItemResult.judgement == "fail", 1), else_=0)), 0))
        .join(Sample, Sample.id == ItemResult.sample_id)
        .where(tested_cond, ItemResult.judgement.is_not(None)).group_by(ItemResult.item)
    ).all()

    failed_rows = list(session.scalars(
        select(ItemResult).join(Sample, Sample.id == ItemResult.sample_id)
        .where(tested_cond, ItemResult.judgement == "fail")
        .options(selectinload(ItemResult.sample).selectinload(Sample.nominal_producer),
                 selectinload(ItemResult.sample).selectinload(Sample.sampled_party))
        .order_by(Sample.number, ItemResult.seq)
    ))
    basis_by_item: dict[str, Counter[str]] = defaultdict(Counter)
    failed_items: list[FailedItemDetail] = []
    report_numbers = _report_numbers(session, {r.sample_id for r in failed_rows})
    referrals: dict[str, list[str]] = defaultdict(list)
    standard_items: list[str] = []
    problem_samples: dict[int, Sample] = {}
    for r in failed_rows:
        s = r.sample
        problem_samples[s.id] = s
        line = item_line(r)
        basis_by_item[r.item][line.basis_text or "/"] += 1
        ent = s.nominal_producer or s.sampled_party
        failed_items.append(FailedItemDetail(
            sample_number=s.number, enterprise=ent.name if ent else "", item=r.item, result_text=line.result_text,
            requirement_text=line.requirement_text, unit=line.unit, basis_code=line.basis_code,
            basis_clause=line.basis_clause, region=_enterprise_region(ent), place_type=PlaceType(s.place_type),
            report_number=report_numbers.get(s.id, ""),
        ))
        trace = set(line.rule_trace)
        if (line.expert_panel or trace & {"16.2-similar", "17.2", "none"}) and r.item not in standard_items:
            standard_items.append(r.item)
    notices = 0
    for s in problem_samples.values():
        nominal = s.nominal_producer
        if nominal is not None and out_of_province(nominal.uscc):
            province = PROVINCES.get((nominal.uscc or "")[2:4], "其他省份")
            if nominal.name not in referrals[province]:
                referrals[province].append(nominal.name)
        try:
            notices += len(_notice_parties(s))
        except ValidationError:
            pass
    by_item = tuple(sorted(
        (ItemProblemCount(item, int(n), int(k), basis_by_item[item].most_common(1)[0][0] if k else "")
         for item, n, k in item_rows if int(k or 0) > 0),
        key=lambda i: (-i.failed, i.item),
    ))
    hazards = session.scalar(select(func.count(Sample.id)).where(Sample.task_id == task.id,
                                                                 Sample.major_hazard.is_(True))) or 0
    risk, saved = _risk(session, task, tested, problems)

    analysis_report = session.scalar(
        select(Report).where(Report.task_id == task.id, Report.kind == "analysis", Report.status != "superseded")
        .order_by(Report.id.desc()).limit(1)
    )
    signoff = SignOff()
    issue = today or dt.date.today()
    number = f"{task.number}-FX"
    if analysis_report is not None:
        names = _user_names(session, (analysis_report.compiled_by_id, analysis_report.reviewed_by_id,
                                      analysis_report.approved_by_id))
        number = analysis_report.number
        signoff = SignOff(
            names.get(analysis_report.compiled_by_id or -1, ""), _local_date(analysis_report.compiled_at, tz),
            names.get(analysis_report.reviewed_by_id or -1, ""), _local_date(analysis_report.reviewed_at, tz),
            names.get(analysis_report.approved_by_id or -1, ""), _local_date(analysis_report.approved_at, tz),
        )
        issue = _local_date(analysis_report.approved_at, tz) or issue

    rate = problems / tested if tested else 0.0
    authority = task.issuing_authority or "组织风险监测的市场监管部门"
    period = (f"{period_start:%Y年%m月%d日}至{period_end:%Y年%m月%d日}" if period_start and period_end else "")
    summary = (f"受{authority}委托，{lab.name}" + (f"于{period}" if period else "")
               + f"对{task.product_category or task.title}开展质量安全风险监测，共抽取样品{sampled}批次，"
               f"完成检验{tested}批次，检出存在问题的样品{problems}批次，问题检出率{rate:.1%}。")
    paragraphs: list[str] = []
    if by_item:
        top = by_item[0]
        paragraphs.append(f"不符合项目主要为{_quoted(i.item for i in by_item[:3])}，其中“{top.item}”不符合"
                          f"{top.failed}批次（检验{top.tested}批次，不符合率{top.rate:.1%}）。")
    rated = [r for r in by_place_type if r.batches]
    if len(rated) > 1 and problems:
        worst = max(rated, key=lambda r: r.rate)
        paragraphs.append(f"从抽样场所看，{worst.label}渠道问题检出率最高（{worst.problem}/{worst.batches}，"
                          f"{worst.rate:.1%}）。")
    if referrals:
        paragraphs.append(f"存在问题产品的标称生产企业中，有{sum(len(v) for v in referrals.values())}家在省外"
                          f"（{'、'.join(sorted(referrals))}）。")
    if not problems:
        paragraphs.append("本次风险监测未发现存在问题的样品。" if tested else "本任务尚无完成检验的样品。")
    measures = _measures(problems, notices, dict(referrals), risk, standard_items, int(hazards))
    return AnalysisData(
        report_number=number,
        lab=lab,
        task_number=task.number,
        task_title=task.title,
        issue_date=issue,
        issuing_authority=task.issuing_authority or "",
        product_category=task.product_category or "",
        period_start=period_start,
        period_end=period_end,
        batches_planned=int(task.batches_planned or 0),
        batches_sampled=int(sampled or 0),
        batches_tested=tested,
        problem_batches=problems,
        summary=summary,
        by_item=by_item,
        by_region=by_region,
        by_place_type=by_place_type,
        by_enterprise_size=by_size,
        failed_items=tuple(failed_items),
        analysis_paragraphs=tuple(paragraphs),
        risk=risk,
        measures=measures,
        signoff=signoff,
    ), saved


def _report_numbers(session: Session, sample_ids: set[int]) -> dict[int, str]:
    if not sample_ids:
        return {}
    rows = session.execute(
        select(Report.sample_id, Report.number).where(Report.sample_id.in_(sample_ids), Report.kind == "test",
                                                      Report.status != "superseded").order_by(Report.id)
    ).all()
    return {sid: number for sid, number in rows}


def analysis_data(ctx: Context, task_id: int, *, today: dt.date | None = None) -> AnalysisData:
    """风险监测分析报告 of a task. The risk level is the task's latest saved proposal; when there is
    none it is computed now from the task's problem frequency and the document says so."""
    with ctx.uow() as uow:
        task = get_or_404(uow.session, MonitoringTask, task_id, "该任务")
        return _analysis(uow.session, task, today)[0]


def analysis_pdf(ctx: Context, task_id: int) -> bytes:
    from app.documents.analysis import render_analysis

    return render_analysis(analysis_data(ctx, task_id))


# ----------------------------------------------------------------------------------- monthly report
def monthly_data(ctx: Context, year: int, month: int, *, today: dt.date | None = None) -> MonthlyData:
    """风险信息月报 (Article 11) from the risk-information register: the month's entries in order of
    receipt, numbered as ``app.services.risk.monthly_data`` numbers them."""
    from app.services import risk as risk_service
    from app.store.models import RiskInformation

    start, end = risk_service._month_range(year, month)
    with ctx.uow() as uow:
        lab = _lab(uow.session)
        # the register query of risk.monthly_data (same month range, order and serials), in this session
        infos = [
            risk_service._info(uow.session, r)
            for r in uow.session.scalars(
                select(RiskInformation).options(risk_service._load_options())
                .where(RiskInformation.received_date >= start, RiskInformation.received_date < end)
                .order_by(RiskInformation.received_date, RiskInformation.id)
            )
        ]
        report = uow.session.scalar(
            select(Report).where(Report.kind == "monthly", Report.period == f"{year:04d}-{month:02d}",
                                 Report.status != "superseded").order_by(Report.id.desc()).limit(1)
        )
        names = _user_names(uow.session, (report.compiled_by_id, report.approved_by_id)) if report else {}
    entries = []
    for n, info in enumerate(infos, start=1):
        e = info.data
        reasons = tuple(KeyRiskCriterion(r) for r in e.key_reasons if 1 <= int(r) <= 7)
        if e.key_risk and not reasons:
            reasons = (KeyRiskCriterion.OTHER,)
        handling = info.status_label + (f"（关联样品 {'、'.join(e.sample_numbers)}）" if e.sample_numbers else "")
        entries.append(RiskInfoEntry(
            serial=f"{year}{month:02d}-{n:03d}",
            received_date=e.received_date,
            source=InfoSource(int(e.source or 9)),
            product=e.product,
            description=f"{e.title}：{e.description}" if e.description else e.title,
            region=e.region,
            key_risk=reasons,
            handling=handling,
        ))
    key = sum(1 for e in entries if e.is_key)
    summary = (f"本月共采集风险信息{len(entries)}条，其中重点风险信息{key}条。" if entries
               else "本月未采集到产品质量安全风险信息。")
    return MonthlyData(
        year=year,
        month=month,
        lab=lab,
        station_name=f"{lab.name}风险信息监测采集站",
        entries=tuple(entries),
        issue_date=today or dt.date.today(),
        station_kind=StationKind.TECHNICAL_INSTITUTION,
        report_number=report.number if report else f"YB-{year:04d}-{month:02d}",
        reported_to=MONTHLY_REPORTED_TO,
        summary=summary,
        compiled_by=names.get(report.compiled_by_id or -1, "") if report else "",
        approved_by=names.get(report.approved_by_id or -1, "") if report else "",
    )


def monthly_pdf(ctx: Context, year: int, month: int) -> bytes:
    from app.documents.monthly import render_monthly

    return render_monthly(monthly_data(ctx, year, month))


def write_monthly(ctx: Context, year: int, month: int, path: str | Path) -> Path:
    """The monthly report as ``.pdf`` or ``.xlsx`` (by the file's suffix)."""
    from app.documents.monthly import write_monthly_excel, write_monthly_pdf

    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".pdf", ".xlsx"):
        raise ValidationError("月报文件应以 .pdf 或 .xlsx 结尾。", field="out")
    data = monthly_data(ctx, year, month)
    return write_monthly_pdf(data, path) if suffix == ".pdf" else write_monthly_excel(data, path)


# ----------------------------------------------------------------------------------- ledger (台账)
def _ledger(session: Session, task: MonitoringTask) -> list[LedgerRow]:
    from app.services.calendar import calendar_for

    samples = list(session.scalars(
        select(Sample).where(Sample.task_id == task.id).order_by(Sample.number)
        .options(selectinload(Sample.results), selectinload(Sample.sampled_party),
                 selectinload(Sample.nominal_producer), selectinload(Sample.platform_operator))
    ))
    ids = {s.id for s in samples}
    numbers = _report_numbers(session, ids)
    sent: Counter[int] = Counter()
    if ids:
        for sid, n in session.execute(
            select(Notification.sample_id, func.count(Notification.id))
            .where(Notification.sample_id.in_(ids), Notification.sent_date.is_not(None))
            .group_by(Notification.sample_id)
        ):
            sent[sid] = int(n)
    cal = calendar_for(session)
    days = int(get_setting(session, "deadline_working_days") or 5)
    rows = []
    for s in samples:
        deadline = None
        provisional = False
        if s.completed_date is not None:
            d = cal.deadline(s.completed_date, days)
            deadline, provisional = d.deadline, d.provisional
        done = s.completed_date is not None
        rows.append(LedgerRow(
            sample_number=s.number,
            task_number=task.number,
            product_name=s.product_name,
            place_type=PlaceType(s.place_type),
            sampled_name=s.sampled_party.name if s.sampled_party else "",
            sampling_date=s.sampling_date,
            brand=s.brand or "",
            model_spec=s.model_spec or "",
            batch_number=s.batch_number or "",
            sampled_uscc=(s.sampled_party.uscc or "") if s.sampled_party else "",
            nominal_producer_name=s.nominal_producer.name if s.nominal_producer else "",
            platform_operator_name=s.platform_operator.name if s.platform_operator else "",
            shop_name=s.shop_name or "",
            received_date=s.received_date,
            status=SAMPLE_STATUS_LABELS.get(s.status, s.status),
            completed_date=s.completed_date,
            deadline=deadline,
            deadline_provisional=provisional,
            reported_date=s.reported_date,
            report_number=numbers.get(s.id, ""),
            problems_found=bool(s.problems_found) if done else None,
            failed_items=tuple(r.item for r in s.results if r.judgement == "fail") if done else (),
            notified_parties=sent[s.id],
            remarks="重大质量安全风险隐患" if s.major_hazard else "",
        ))
    return rows


def ledger_rows(ctx: Context, task_id: int) -> list[LedgerRow]:
    """样品台账 of a task, in sample-number order."""
    with ctx.uow() as uow:
        return _ledger(uow.session, get_or_404(uow.session, MonitoringTask, task_id, "该任务"))


def write_ledger(ctx: Context, task_id: int, path: str | Path) -> Path:
    from app.documents.excel import write_sample_ledger

    return write_sample_ledger(ledger_rows(ctx, task_id), path)


# ----------------------------------------------------------------------------------- export package
@dataclass(frozen=True)
class PackageContents:
    """What :func:`build_task_package` put in: for messages and tests."""

    samples: tuple[str, ...]
    notices: int
    analysis: bool


def _approved_samples(session: Session, task_id: int) -> list[tuple[Sample, Report]]:
    rows = session.execute(
        select(Sample, Report).join(Report, Report.sample_id == Sample.id)
        .where(Sample.task_id == task_id, Report.kind == "test", Report.status == "approved")
        .order_by(Sample.number, Report.id)
        .options(selectinload(Sample.results), selectinload(Sample.sampled_party),
                 selectinload(Sample.nominal_producer), selectinload(Sample.platform_operator))
    ).all()
    latest: dict[int, tuple[Sample, Report]] = {}
    for s, r in rows:
        latest[s.id] = (s, r)  # ordered by report id: the newest approved report wins
    return list(latest.values())


def package_parts(session: Session, task_id: int, *, include_analysis: bool | None = None
                  ) -> tuple[PackageManifestData, dict[str, bytes], PackageContents]:
    """The manifest data and files of a task's export package (``docs/package-format.md``).

    Approved samples only, each with its test report PDF (the stored one when the approval kept
    it) and its notices; the analysis report goes in when the task has a saved risk-level
    proposal (an automatic grade is not uploaded), or as ``include_analysis`` says.
    ``created_at`` is the latest approval, so the same records give the same manifest.
    """
    from app.documents.analysis import render_analysis
    from app.documents.notice import render_notice
    from app.documents.package import safe_file_name
    from app.documents.test_report import render_test_report

    task = get_or_404(session, MonitoringTask, task_id, "该任务")
    approved = _approved_samples(session, task.id)
    if not approved:
        raise ValidationError(f"任务 {task.number} 还没有已批准的检验报告，无法生成导出包。")
    files: dict[str, bytes] = {}
    samples: list[PackageSample] = []
    notifications: list[PackageNotification] = []
    n_notices = 0
    stamps: list[dt.datetime] = []
    for s, report in approved:
        data = _test_report(session, s, report)
        report_file = f"reports/{safe_file_name(report.number)}.pdf"
        stored = report.pdf
        files[report_file] = bytes(stored) if stored else render_test_report(data)
        samples.append(PackageSample.from_report(data, report_file))
        if report.approved_at is not None:
            stamps.append(report.approved_at)
        for n, notice in enumerate(_notices(session, s, report, data), 1):
            name = f"notices/{safe_file_name(s.number)}-{n}.pdf"
            files[name] = render_notice(notice)
            notifications.append(PackageNotification.from_notice(notice, s.number, name))
            n_notices += 1
    analysis = None
    if include_analysis is None:
        include_analysis = session.scalar(
            select(RiskProposalRow.id).where(RiskProposalRow.task_id == task.id).limit(1)) is not None
    if include_analysis:
        data_a, _saved = _analysis(session, task)
        name = f"analysis/{safe_file_name(task.number)}-分析报告.pdf"
        files[name] = render_analysis(data_a)
        risk = data_a.risk
        analysis = PackageAnalysis(name, risk.level if risk else None, risk.model_name if risk else "",
                                   risk.model_version if risk else "")
    created = max(stamps) if stamps else None
    if created is not None and created.tzinfo is None:
        created = created.replace(tzinfo=dt.UTC)
    manifest = PackageManifestData(
        lab=_lab(session),
        task=PackageTask(task.number, task.title, task.issuing_authority or "", task.product_category or "",
                         task.plan_year),
        samples=tuple(samples),
        notifications=tuple(notifications),
        analysis=analysis,
        created_at=created,
    )
    return manifest, files, PackageContents(tuple(s.sample_number for s in samples), n_notices, analysis is not None)


def build_task_package(session: Session, task_id: int, *, include_analysis: bool | None = None) -> bytes:
    """The task's export package as bytes, read through ``session`` (usable inside another unit of
    work, e.g. the approval that queues the package for upload)."""
    from app.documents.package import package_bytes

    manifest, files, _ = package_parts(session, task_id, include_analysis=include_analysis)
    return package_bytes(manifest, files)


@dataclass(frozen=True)
class PackageExport:
    path: Path
    contents: PackageContents


def export_task_package(ctx: Context, task_id: int, folder: str | Path, *,
                        include_analysis: bool | None = None) -> PackageExport:
    """Write ``<task number>.zip`` into ``folder`` (atomically) and return where and what."""
    from app.documents.package import build_package, safe_file_name

    with ctx.uow() as uow:
        task = get_or_404(uow.session, MonitoringTask, task_id, "该任务")
        number = task.number
        manifest, files, contents = package_parts(uow.session, task_id, include_analysis=include_analysis)
    out = Path(folder) / f"{safe_file_name(number)}.zip"
    try:
        build_package(manifest, files, out)
    except OSError as exc:
        raise ValidationError(f"无法写入导出包 {out}：{exc.strerror or exc}") from exc
    return PackageExport(out, contents)


# ----------------------------------------------------------------------------------- the reports page
@dataclass(frozen=True)
class SampleReportRow:
    """One sample of a task as the reports page lists it."""

    sample_id: int
    sample_number: str
    product_name: str
    place_type: str
    status: str
    status_label: str
    report_id: int | None
    report_number: str
    report_status: str
    report_status_label: str
    problems_found: bool
    completed_date: dt.date | None

    @property
    def has_report(self) -> bool:
        return self.report_id is not None

    @property
    def approved(self) -> bool:
        return self.report_status == "approved"


def task_report_rows(ctx: Context, task_id: int) -> list[SampleReportRow]:
    """The task's samples with their current test report (number and status), in number order."""
    with ctx.uow() as uow:
        get_or_404(uow.session, MonitoringTask, task_id, "该任务")
        samples = list(uow.session.execute(
            select(Sample.id, Sample.number, Sample.product_name, Sample.place_type, Sample.status,
                   Sample.problems_found, Sample.completed_date)
            .where(Sample.task_id == task_id).order_by(Sample.number)
        ).all())
        reports: dict[int, tuple[int, str, str]] = {}
        if samples:
            for sid, rid, number, status in uow.session.execute(
                select(Report.sample_id, Report.id, Report.number, Report.status)
                .join(Sample, Sample.id == Report.sample_id)
                .where(Sample.task_id == task_id, Report.kind == "test", Report.status != "superseded")
                .order_by(Report.id)
            ):
                reports[sid] = (rid, number, status)
    out = []
    for sid, number, product, place, status, problems, completed in samples:
        rid, rnumber, rstatus = reports.get(sid, (None, "", ""))
        out.append(SampleReportRow(
            sample_id=sid, sample_number=number, product_name=product, place_type=place, status=status,
            status_label=SAMPLE_STATUS_LABELS.get(status, status), report_id=rid, report_number=rnumber,
            report_status=rstatus, report_status_label=REPORT_STATUS_LABELS.get(rstatus, ""),
            problems_found=bool(problems) and completed is not None, completed_date=completed,
        ))
    return out
