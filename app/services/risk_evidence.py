"""What feeds a task's risk-level proposal (Articles 12, 19): each factor of ``spec/RISK.md`` with
the value the evidence suggests and where it comes from ("Where the factors come from").

* 发生频率 — the task's problem rate (problem batches / batches with an approved test report),
  with its Wilson 95 % interval; the point estimate is the factor.
* 持续时间 — ``persistent`` when the category had problems in an earlier round (any item, or one of
  the items this task found failing — the source says which).
* 紧急程度 — ``urgent`` when a rising trend qualifies (``intelligence``: ≥ 3 rounds tested,
  ≥ 20 samples) or the register links 产品伤害信息 (Article 10 (六)) to the task's samples.
* 影响范围 — ``regional`` for a region above the rest with ≥ 3 problems; ``industry`` when several
  enterprises in three or more regions failed the same item in this task.
* 危害程度 — from the hazard class of each failed item as set in the monitoring scheme (each scheme
  item's class, defaulting from ``resources/rules/hazard_classes.json``; the table for an item the
  scheme does not list), the highest severity; a person may change the class of an item.
* 发生概率 — never suggested: a person chooses it.

Nothing here decides: the proposal dialog shows every suggestion with its source and a person
confirms each factor before :func:`app.services.risk.save_proposal` records it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session, selectinload

from app import ruledata
from app.rules.risk import FACTOR_NAMES_ZH, factor_value_zh
from app.rules.stats import wilson
from app.services import intelligence
from app.services._common import get_or_404
from app.services.context import Context
from app.services.regions import region_name
from app.services.risk import SEVERITY_LABELS, source_label
from app.store.models import (
    ItemResult,
    MonitoringTask,
    Report,
    RiskInformation,
    RiskInformationSample,
    Sample,
    SchemeItem,
)

#: the factors in the order the dialog and the report show them
FACTORS = ("severity", "probability", "urgency", "scope", "frequency", "duration")
#: Article 10 (六): 产品伤害信息
SOURCE_INJURY = 6
#: RISK.md: "several enterprises across three or more regions share the failed item"
INDUSTRY_MIN_REGIONS = 3
INDUSTRY_MIN_ENTERPRISES = 2


@dataclass(frozen=True)
class FactorEvidence:
    """One factor: the value the evidence suggests (None: a person chooses) and its source in words."""

    factor: str  # severity | probability | …
    suggested: Any  # int / str / float, or None
    source: str  # 依据, in Chinese

    @property
    def name(self) -> str:
        return FACTOR_NAMES_ZH[self.factor]

    @property
    def suggested_text(self) -> str:
        """The suggestion as a reader sees it (``紧急``, ``4（致命或可能致命…）``, ``3.3%``); ``待选择``."""
        if self.suggested is None:
            return "待选择"
        if self.factor == "severity":
            return SEVERITY_LABELS.get(int(self.suggested), str(self.suggested))
        if self.factor == "frequency":
            return f"{float(self.suggested) * 100:.1f}%"
        return factor_value_zh(self.factor, self.suggested)


@dataclass(frozen=True)
class ItemHazard:
    """A failed item of the task and its hazard class (from the table; a person may change it)."""

    item: str
    failed: int
    hazard_class: str  # code in the table, "" when not classified
    class_name: str
    severity: int | None
    #: where the class comes from: "scheme" (the item's class in the monitoring scheme its samples
    #: were tested under) or "table" (the hazard class table, for an item the scheme does not list)
    origin: str = "table"


@dataclass(frozen=True)
class ProposalEvidence:
    task_id: int
    task_number: str
    category: str
    plan_year: int | None
    tested: int  # batches with an approved test report
    problems: int
    interval: tuple[float, float] | None  # Wilson 95 % of problems / tested
    factors: tuple[FactorEvidence, ...]  # in FACTORS order
    items: tuple[ItemHazard, ...]  # the task's failed items
    hazard_classes: dict[str, tuple[str, int]]  # code → (name, severity), in the table's order
    hazard_table: str  # 名称（版本）of the hazard class table

    def get(self, factor: str) -> FactorEvidence:
        return next(f for f in self.factors if f.factor == factor)

    def severity_for(self, classes: dict[str, str]) -> FactorEvidence:
        """The severity suggestion when a person has set the class of some items (item → code)."""
        return _severity(self.items, classes, self.hazard_classes, self.hazard_table)


# ----------------------------------------------------------------------------------- hazard classes
hazard_class_of = ruledata.hazard_class_of


def _severity(items: tuple[ItemHazard, ...], chosen: dict[str, str], classes: dict[str, tuple[str, int]],
              table_name: str) -> FactorEvidence:
    if not items:
        return FactorEvidence("severity", None, "本任务没有不符合项目，危害程度请由技术人员评估后选择。")
    groups: dict[str, list[str]] = {}
    best: int | None = None
    unknown: list[str] = []
    for it in items:
        code = chosen.get(it.item, it.hazard_class)
        if code not in classes:
            unknown.append(it.item)
            continue
        mark = ("（人工选定）" if it.item in chosen and chosen[it.item] != it.hazard_class
                else "（方案）" if it.origin == "scheme" else "（危害类别表）")
        groups.setdefault(code, []).append(f"“{it.item}”{mark}")
        best = classes[code][1] if best is None else max(best, classes[code][1])
    ordered = sorted(groups.items(), key=lambda kv: -classes[kv[0]][1])
    text = "；".join(f"{'、'.join(names)}→{classes[code][0]}（{classes[code][1]}）" for code, names in ordered)
    if unknown:
        text += ("；" if text else "") + f"{'、'.join(f'“{u}”' for u in unknown)}未设危害类别，请选择类别"
    source = (f"按不符合项目的危害类别取最高者（监测方案中为各项目设定的危害类别；方案未列的项目按{table_name}）："
              f"{text}。")
    return FactorEvidence("severity", best, source)


# ----------------------------------------------------------------------------------- evidence
def _years(years) -> str:
    ys = sorted(set(years))
    return "、".join(f"{y}" for y in ys) + "年"


def evidence_in(session: Session, task: MonitoringTask) -> ProposalEvidence:
    """The evidence for ``task``'s proposal, read in an open session."""
    approved = select(Report.sample_id).where(Report.task_id == task.id, Report.kind == "test",
                                              Report.status == "approved")
    tested_cond = and_(Sample.task_id == task.id, Sample.id.in_(approved))
    problem = func.coalesce(func.sum(case((Sample.problems_found.is_(True), 1), else_=0)), 0)
    tested, problems = session.execute(select(func.count(Sample.id), problem).where(tested_cond)).one()
    tested, problems = int(tested or 0), int(problems or 0)
    interval = wilson(problems, tested)

    failed = list(session.scalars(
        select(ItemResult).join(Sample, Sample.id == ItemResult.sample_id)
        .where(tested_cond, ItemResult.judgement == "fail")
        .options(selectinload(ItemResult.sample).selectinload(Sample.nominal_producer),
                 selectinload(ItemResult.sample).selectinload(Sample.sampled_party))
        .order_by(ItemResult.item)
    ))
    by_item: dict[str, list[ItemResult]] = defaultdict(list)
    for r in failed:
        by_item[r.item].append(r)

    table = ruledata.load_hazard_classes()
    classes = {code: (c["name"], int(c["severity"])) for code, c in table["classes"].items()}
    table_name = f"{table['name']}，版本 {table['version']}" if table["version"] else table["name"]
    # the class each failed item has in the schemes its samples were tested under (the most severe,
    # where revisions differ); the table's class for an item no scheme lists
    in_scheme: dict[str, list[str]] = defaultdict(list)
    scheme_ids = {r.sample.scheme_id for r in failed if r.sample.scheme_id is not None}
    if scheme_ids:
        for name, code in session.execute(select(SchemeItem.name, SchemeItem.hazard_class).where(
                SchemeItem.scheme_id.in_(scheme_ids), SchemeItem.name.in_(list(by_item)))):
            in_scheme[name].append(code or "")
    items = []
    for item, rows in sorted(by_item.items(), key=lambda kv: (-len({r.sample_id for r in kv[1]}), kv[0])):
        if item in in_scheme:
            code = max(in_scheme[item], key=lambda c: classes.get(c, ("", 0))[1])
            origin = "scheme"
        else:
            code, origin = hazard_class_of(item, table), "table"
        name, sev = classes.get(code, ("", None))
        items.append(ItemHazard(item, len({r.sample_id for r in rows}), code, name, sev, origin))
    items_t = tuple(items)

    # 发生频率
    if tested:
        low, high = interval or (0.0, 0.0)
        freq = FactorEvidence(
            "frequency", round(problems / tested, 4),
            f"本任务问题批次 / 已批准检验报告的批次 = {problems}/{tested}（{problems / tested * 100:.1f}%），"
            f"Wilson 95% 置信区间 {low * 100:.1f}%–{high * 100:.1f}%；取点估计值。")
    else:
        freq = FactorEvidence("frequency", None, "本任务尚无已批准的检验报告，数据不足；请在有批准结果后再研判。")

    category = (task.product_category or "").strip()
    intel = intelligence.analyse_in(session, category) if category else None

    # 持续时间
    if intel is None:
        duration = FactorEvidence("duration", "new", "任务未填写产品类别，无法与往期轮次比较；默认为新发现，请确认。")
    elif task.plan_year is None:
        duration = FactorEvidence("duration", "new", "任务未填写计划年度，无法确定更早的轮次；请确认。")
    else:
        earlier = [r for r in intel.overall.rounds if r.year < task.plan_year and r.tested]
        bad = [r for r in earlier if r.problems]
        same: dict[str, list[int]] = {}
        for s in intel.items:
            if s.item in by_item:
                years = [r.year for r in s.rounds if r.year < task.plan_year and r.problems]
                if years:
                    same[s.item] = years
        if same:
            what = "；".join(f"“{item}”在{_years(ys)}" for item, ys in same.items())
            duration = FactorEvidence("duration", "persistent",
                                      f"同一项目在更早轮次也不符合：{what}（{category}，同一项目）。")
        elif bad:
            duration = FactorEvidence(
                "duration", "persistent",
                f"{category}在{_years(r.year for r in bad)}也检出问题（任一项目"
                + ("；本任务的不符合项目在往期未见）。" if by_item else "）。"))
        elif earlier:
            duration = FactorEvidence("duration", "new",
                                      f"{category}在更早的 {len(earlier)} 轮（{_years(r.year for r in earlier)}）未检出问题。")
        else:
            duration = FactorEvidence("duration", "new", f"{category}没有更早轮次的监测数据。")

    # 紧急程度
    reasons: list[str] = []
    if intel is not None:
        for s in (intel.overall, *intel.items):
            if s.trend.qualifies:
                what = f"“{s.item}”项目不合格率" if s.item else "问题检出率"
                text = s.trend.text.removeprefix("问题检出率")
                reasons.append(f"{category}{what}{text}（Cochran–Armitage 趋势检验，"
                               f"{s.trend.rounds_tested} 轮、{s.trend.total_tested} 批次）")
    injuries = session.execute(
        select(RiskInformation.title, RiskInformation.received_date, Sample.number)
        .join(RiskInformationSample, RiskInformationSample.risk_information_id == RiskInformation.id)
        .join(Sample, Sample.id == RiskInformationSample.sample_id)
        .where(Sample.task_id == task.id, RiskInformation.source == SOURCE_INJURY)
        .order_by(RiskInformation.received_date, Sample.number)
    ).all()
    for title, received, number in injuries:
        reasons.append(f"风险信息登记簿：{source_label(SOURCE_INJURY)}“{title}”（{received:%Y-%m-%d}）"
                       f"关联本任务样品 {number}")
    if reasons:
        urgency = FactorEvidence("urgency", "urgent", "；".join(reasons) + "。")
    else:
        why = "未发现符合条件的上升趋势（至少 3 轮、合计 20 批次）" if intel is not None else "任务未填写产品类别，无法做趋势检验"
        urgency = FactorEvidence("urgency", "normal", f"{why}；登记簿中没有关联本任务样品的产品伤害信息（第十条（六））。")

    # 影响范围
    industry: list[str] = []
    for item, rows in by_item.items():
        firms: dict[int, str] = {}
        for r in rows:
            ent = r.sample.nominal_producer or r.sample.sampled_party
            if ent is not None:
                firms[ent.id] = region_name(ent.region_code or (ent.uscc or "")[2:8]) or "未知"
        regions = {v for v in firms.values() if v != "未知"}
        if len(firms) >= INDUSTRY_MIN_ENTERPRISES and len(regions) >= INDUSTRY_MIN_REGIONS:
            industry.append(f"“{item}”：{len(firms)} 家企业，分布在{'、'.join(sorted(regions))}")
    regional = [g for g in intel.regions.groups if g.qualifies] if intel is not None else []
    if industry:
        scope = FactorEvidence("scope", "industry",
                               f"多家企业在 {INDUSTRY_MIN_REGIONS} 个以上地区有相同不符合项目：{'；'.join(industry)}。")
    elif regional:
        text = "；".join(
            f"{g.label} {g.problems}/{g.tested}（{intelligence.percent(g.rate)}，其他地区 "
            f"{intelligence.percent(g.rest_rate)}，{intelligence.p_text(g.q).replace('p', 'q', 1)}）" for g in regional)
        scope = FactorEvidence("scope", "regional",
                               f"{category}{_years(intel.regions.years) if intel.regions.years else ''}地区聚集："
                               f"{text}（单侧 Fisher 精确检验，Benjamini–Hochberg 校正，问题不少于 3 批次）。")
    else:
        scope = FactorEvidence("scope", "single",
                               "未发现问题检出率显著高于其他地区的地区，也没有多家企业在 3 个以上地区有相同不符合项目。")

    probability = FactorEvidence("probability", None,
                                 "由技术人员依据产品的使用方式、暴露频次和伤害情景评估后选择（系统不预设）。")
    severity = _severity(items_t, {}, classes, table_name)
    return ProposalEvidence(
        task.id, task.number, category, task.plan_year, tested, problems, interval,
        (severity, probability, urgency, scope, freq, duration), items_t, classes, table_name,
    )


def proposal_evidence(ctx: Context, task_id: int) -> ProposalEvidence:
    """The suggestions for the task's risk-level proposal, each with its source."""
    with ctx.uow() as uow:
        task = get_or_404(uow.session, MonitoringTask, task_id, "该任务")
        return evidence_in(uow.session, task)
