"""风险监测分析报告 of a task (Articles 18–20)."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session, aliased, selectinload

from app.documents.codec import restore
from app.documents.data import (
    AnalysisData,
    CountRow,
    CrossRound,
    FailedItemDetail,
    ItemProblemCount,
    Measure,
    PlaceType,
    RecommendedMeasure,
    RiskFactor,
    RiskLevel,
    RiskProposal,
    SignOff,
)
from app.documents.flow import fmt_date
from app.errors import ValidationError
from app.rules.risk import reason_zh
from app.services._common import get_or_404
from app.services.context import Context
from app.services.documents._common import (
    _SIZE_LABELS,
    _SIZE_ORDER,
    PROVINCES,
    _enterprise_region,
    _lab,
    _local_date,
    _quoted,
    _report_numbers,
    _tz,
    _user_names,
    item_line,
    out_of_province,
    region_name,
)
from app.services.documents.cross_round import cross_round
from app.services.records import approved_analysis, current_analysis
from app.store.models import (
    Enterprise,
    ItemResult,
    MonitoringTask,
    Notification,
    Report,
    Sample,
)
from app.store.models import RiskProposal as RiskProposalRow
from app.store.queries import lab_today


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
    proposal = RiskProposal.from_rule_output({"level": level, "factors": shown}, model_name=model_name,
                                             model_version=model_version, rationale=rationale)
    sources = dict(factors.get("sources") or {})
    if sources:  # the derived rows say how they were derived
        sources.setdefault("risk", "危害程度 × 发生概率（分级模型矩阵）")
        sources.setdefault("points", "紧急程度、影响范围、发生频率、持续时间按分级模型计分")
    with_sources = tuple(RiskFactor(f.name, f.value, str(sources.get(k, "")))
                         for k, f in zip(shown, proposal.factors, strict=True))
    return replace(proposal, factors=with_sources)


def _risk(session: Session, task: MonitoringTask) -> tuple[RiskProposal | None, tuple[RiskFactor, ...]]:
    """The latest saved proposal of the task, or — when there is none — no level (未研判) and the
    factors still to decide with what the evidence suggests so far. No level is ever computed from
    factors nobody chose (spec/RISK.md)."""
    saved = session.scalar(
        select(RiskProposalRow).where(RiskProposalRow.task_id == task.id)
        .order_by(RiskProposalRow.proposed_at.desc(), RiskProposalRow.id.desc()).limit(1)
    )
    if saved is not None:
        f = dict(saved.factors or {})
        reasons = "；".join(reason_zh(str(x)) for x in f.get("point_reasons", ()) or ())
        who = _user_names(session, (saved.proposed_by_id,)).get(saved.proposed_by_id or -1, "")
        when = _local_date(saved.proposed_at, _tz(session))
        parts = [f"等级建议由{who or '技术人员'}于{fmt_date(when)}提出，各分级因素经其确认后保存。" if when
                 else "等级建议已保存。"]
        if reasons:
            parts.append(f"升级因素：{reasons}。")
        if saved.note:
            parts.append(saved.note)
        return _risk_from_factors(_level_key(saved.level), f, model_name=saved.model_name,
                                  model_version=saved.model_version, rationale="".join(parts)), ()
    # deferred: risk_evidence brings openpyxl (through intelligence); needed only without a saved proposal
    from app.services.risk_evidence import evidence_in

    evidence = evidence_in(session, task)
    pending = tuple(RiskFactor(e.name, "待确认" if e.suggested is None else f"待确认（依据提示：{e.suggested_text}）",
                               e.source) for e in evidence.factors)
    return None, pending


#: how the rationale of a level computed from the model's defaults began (analysis reports compiled earlier)
_FROM_DEFAULTS = "本任务尚未保存风险预警等级建议"

def _cross_round(session: Session, task: MonitoringTask) -> CrossRound | None:
    """Rates of the task's category by round with the trend and the key-risk candidates."""
    return cross_round(session, task.product_category or "")


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
    lab = _lab(session)
    responsible = aliased(Enterprise)
    # only results a signatory approved count: samples whose test report in force is approved
    approved_ids = select(Report.sample_id).where(Report.task_id == task.id, Report.kind == "test",
                                                  Report.status == "approved")
    tested_cond = and_(Sample.task_id == task.id, Sample.id.in_(approved_ids))
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
    # letters actually issued for the reports in force (not those that would be issued)
    notices = int(session.scalar(
        select(func.count(Notification.id)).join(Report, Report.id == Notification.report_id)
        .where(Report.task_id == task.id, Report.kind == "test", Report.status == "approved")
    ) or 0)
    for s in problem_samples.values():
        nominal = s.nominal_producer
        if nominal is not None and out_of_province(nominal.uscc):
            province = PROVINCES.get((nominal.uscc or "")[2:4], "其他省份")
            if nominal.name not in referrals[province]:
                referrals[province].append(nominal.name)
    by_item = tuple(sorted(
        (ItemProblemCount(item, int(n), int(k), basis_by_item[item].most_common(1)[0][0] if k else "")
         for item, n, k in item_rows if int(k or 0) > 0),
        key=lambda i: (-i.failed, i.item),
    ))
    hazards = session.scalar(select(func.count(Sample.id)).where(Sample.task_id == task.id,
                                                                 Sample.major_hazard.is_(True))) or 0
    risk, pending = _risk(session, task)
    saved = risk is not None

    signoff = SignOff()
    issue = today or lab_today(session)
    number = f"{task.number}-FX"

    rate = problems / tested if tested else 0.0
    authority = task.issuing_authority or "组织风险监测的市场监管部门"
    period = f"{fmt_date(period_start)}至{fmt_date(period_end)}" if period_start and period_end else ""
    summary = (f"受{authority}委托，{lab.name}" + (f"于{period}" if period else "")
               + f"对{task.product_category or task.title}开展质量安全风险监测，共抽取样品{sampled}批次，"
               f"已批准检验报告{tested}批次，检出存在问题的样品{problems}批次，问题检出率{rate:.1%}。")
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
        paragraphs.append("本次风险监测未发现存在问题的样品。" if tested else "本任务尚无已批准的检验报告。")
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
        risk_pending=pending,
        cross_round=_cross_round(session, task),
        measures=measures,
        signoff=signoff,
        draft=True,
    ), saved



def compute_analysis(session: Session, task: MonitoringTask, today: dt.date | None = None) -> AnalysisData:
    """The analysis as it stands now: approved results, issued notices, the saved proposal."""
    return _analysis(session, task, today)[0]


def analysis_from_record(session: Session, report: Report) -> AnalysisData:
    """The analysis report ``report`` as recorded: the data frozen when it was compiled, with its
    number, 编制/审核/批准 names and dates, and the 草稿 marking until it is approved."""
    if report.kind != "analysis" or report.task is None:
        raise ValidationError("该报告不是任务分析报告。")
    try:
        data = restore(AnalysisData, report.snapshot or {})
    except (ValueError, KeyError, TypeError) as exc:
        raise ValidationError(f"分析报告 {report.number} 的编制数据无法读取，请重新编制。") from exc
    tz = _tz(session)
    names = _user_names(session, (report.compiled_by_id, report.reviewed_by_id, report.approved_by_id))
    signoff = SignOff(
        names.get(report.compiled_by_id or -1, ""), _local_date(report.compiled_at, tz),
        names.get(report.reviewed_by_id or -1, ""), _local_date(report.reviewed_at, tz),
        names.get(report.approved_by_id or -1, ""), _local_date(report.approved_at, tz),
    )
    issue = _local_date(report.approved_at, tz) or _local_date(report.compiled_at, tz) or data.issue_date
    if report.status not in ("approved", "superseded") and data.risk is not None \
            and data.risk.rationale.startswith(_FROM_DEFAULTS):
        # compiled before levels came only from confirmed factors, not issued: no level from defaults
        data = replace(data, risk=None, risk_pending=_risk(session, report.task)[1])
    return replace(data, report_number=report.number, signoff=signoff, issue_date=issue,
                   draft=report.status != "approved")


def analysis_data(ctx: Context, task_id: int, *, today: dt.date | None = None) -> AnalysisData:
    """风险监测分析报告 of a task: the current record (being compiled, reviewed or approved) as
    recorded, or — before one is compiled — the analysis as it stands now, marked 草稿. The risk
    level is the task's latest saved proposal; when there is none the level is 未研判 and the
    factors still to decide are listed with the evidence so far (never a level from defaults)."""
    with ctx.uow() as uow:
        task = get_or_404(uow.session, MonitoringTask, task_id, "该任务")
        report = current_analysis(uow.session, task.id)
        if report is not None and report.snapshot is not None:
            return analysis_from_record(uow.session, report)
        return _analysis(uow.session, task, today)[0]


def analysis_pdf(ctx: Context, task_id: int) -> bytes:
    """The approved analysis report as issued (its frozen PDF), or else the current draft, marked
    草稿 on every page."""
    # deferred: reportlab loads only when a PDF is made
    from app.documents.analysis import render_analysis

    with ctx.uow() as uow:
        task = get_or_404(uow.session, MonitoringTask, task_id, "该任务")
        current = current_analysis(uow.session, task.id)
        approved = approved_analysis(uow.session, task.id)
        if approved is not None and approved.pdf is not None and (current is None or current.id == approved.id):
            return bytes(approved.pdf)
    return render_analysis(analysis_data(ctx, task_id))


def report_pdf(ctx: Context, report_id: int) -> bytes:
    """One analysis report of the history: frozen bytes when approved, else rendered as recorded."""
    # deferred: reportlab loads only when a PDF is made
    from app.documents.analysis import render_analysis

    with ctx.uow() as uow:
        report = get_or_404(uow.session, Report, report_id, "该报告")
        if report.pdf is not None and report.status in ("approved", "superseded"):
            return bytes(report.pdf)
        data = analysis_from_record(uow.session, report)
    return render_analysis(data)
