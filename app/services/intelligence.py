"""风险研判 across rounds (Articles 12, 13): problem rates of a product category by round, per test
item, per region and per place type, with the statistics of ``spec/RULES.md`` §7, and the
key-risk candidates they suggest.

Definitions (the same as the task's analysis report, ``app.services.documents.analysis``):

* a **round** is the plan year (计划年度) of the tasks whose product category (产品类别) is the
  category; tasks without a plan year are left out;
* a sample is **tested** when its test report in force is approved, a **problem** batch when
  that sample was found to have problems (``Sample.problems_found``); per item, a result with a
  judgement is tested and a ``fail`` a problem;
* the **region** is the sampled party's city: its region code, else the division digits of its
  USCC, through ``resources/rules/hubei_divisions.json`` (``省外（…）`` outside Hubei);
* **imported history** (``history_counts``) adds earlier rounds' aggregates; a year the lab has
  approved results of in this database is taken from them, and that year's imported rows are
  left out (said in ``notes``).

Counting is done in SQL (GROUP BY) — two statements for the lab's own samples and one for the
history, whatever the number of samples — and the statistics run on the counts
(``app.rules.stats``). A finding is offered as a candidate only above the thresholds shown with
it; a person confirms a candidate into the 风险信息 register (:func:`confirm_candidate`), never
the program on its own.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import case, column, func, or_, select, table

from app.documents.excel import write_template
from app.errors import ValidationError
from app.rules.stats import DEFAULT_ALPHA, Count, cochran_armitage, compare_groups, wilson
from app.services import risk as risk_service
from app.services.context import Context
from app.services.excel_import import ImportRowsError, RowProblem, check_history_rows
from app.services.regions import HUBEI_COUNTY_CITIES, HUBEI_PREFECTURES, region_name
from app.store import risk_counts
from app.store.models import (
    HistoryCount,
    MonitoringTask,
    RiskInformation,
)
from app.store.queries import lab_today

#: RISK.md "Where the factors come from": a rising trend counts with at least 3 rounds tested and
#: 20 samples in all; a group above the rest with at least 3 problems.
MIN_ROUNDS = 3
MIN_SAMPLES = 20
MIN_PROBLEMS = 3
ALPHA = DEFAULT_ALPHA
#: Article 10 (五): information found by technical institutions
SOURCE_TECHNICAL = 5
#: Article 12 items (counted 1–7 as ``risk.KEY_REASON_LABELS``)
REASON_RISING = 1  # (一) 危害程度呈上升趋势
REASON_REGIONAL = 2  # (二) 行业性、区域性和系统性质量安全问题
REASON_CLAUSES = {REASON_RISING: "第十二条（一）", REASON_REGIONAL: "第十二条（二）"}

PLACE_LABELS = {"producer": "生产企业", "physical_seller": "实体店", "e_platform": "电商平台"}
#: the sampled party's enterprise size (企业规模), in this order; "" not recorded
SIZE_LABELS = {"large": "大型企业", "medium": "中型企业", "small": "小型企业", "micro": "微型企业", "": "规模未登记"}
UNKNOWN_REGION = "未知"
OUTSIDE = "省外"


# ----------------------------------------------------------------------------------- results
@dataclass(frozen=True)
class RoundRate:
    """One round of one series: ``problems`` of ``tested``, with the Wilson 95 % interval."""

    year: int
    tested: int
    problems: int
    source: str  # "system" (this database) | "history" (imported) | "" (no data)

    @property
    def label(self) -> str:
        return str(self.year)

    @property
    def rate(self) -> float | None:
        return self.problems / self.tested if self.tested else None

    @property
    def interval(self) -> tuple[float, float] | None:
        return wilson(self.problems, self.tested)


@dataclass(frozen=True)
class TrendFinding:
    """The Cochran–Armitage test over the rounds with samples, and what it says in words."""

    enough_data: bool
    z: float | None
    p: float | None
    rising: bool
    rounds_tested: int
    total_tested: int
    text: str  # 问题检出率连续 3 轮上升，趋势检验 p = 0.012 / 只有 1 轮数据，无法判断趋势

    @property
    def qualifies(self) -> bool:
        """A key-risk candidate under 12 (一): rising, ≥ 3 rounds tested and ≥ 20 samples."""
        return self.rising and self.rounds_tested >= MIN_ROUNDS and self.total_tested >= MIN_SAMPLES


@dataclass(frozen=True)
class Series:
    """Problem rates of the category (``item`` empty) or of one test item, by round."""

    item: str
    rounds: tuple[RoundRate, ...]
    trend: TrendFinding

    @property
    def tested(self) -> int:
        return sum(r.tested for r in self.rounds)

    @property
    def problems(self) -> int:
        return sum(r.problems for r in self.rounds)


@dataclass(frozen=True)
class GroupRate:
    """A region or place type against the rest (one-sided Fisher exact, Benjamini–Hochberg)."""

    label: str
    tested: int
    problems: int
    rest_rate: float | None
    p: float | None
    q: float | None
    above: bool

    @property
    def rate(self) -> float | None:
        return self.problems / self.tested if self.tested else None

    @property
    def interval(self) -> tuple[float, float] | None:
        return wilson(self.problems, self.tested)

    @property
    def qualifies(self) -> bool:
        """A key-risk candidate under 12 (二): above the rest with at least 3 problems."""
        return self.above and self.problems >= MIN_PROBLEMS


@dataclass(frozen=True)
class Groups:
    kind: str  # region | place | size
    groups: tuple[GroupRate, ...]
    enough_data: bool
    years: tuple[int, ...]  # the rounds pooled

    @property
    def above(self) -> tuple[GroupRate, ...]:
        return tuple(g for g in self.groups if g.above)


@dataclass(frozen=True)
class Candidate:
    """A finding offered as key risk information (重点风险信息), to be confirmed by a person."""

    key: str  # stable within a category: trend: / trend:<item> / region:<name> / place:<type> / size:<size>
    kind: str  # trend | region | place | size
    category: str
    subject: str  # the item, region or place type ("" for the category as a whole)
    reason: int  # Article 12 item (1 rising, 2 regional/industry)
    title: str
    description: str
    region: str  # for the register's 地区
    registered: bool = False  # an entry with this title is already in the register

    @property
    def clause(self) -> str:
        return REASON_CLAUSES.get(self.reason, "")

    @property
    def reason_label(self) -> str:
        return risk_service.key_reason_label(self.reason)


@dataclass(frozen=True)
class Intelligence:
    """Everything the 风险研判 view shows for one category."""

    category: str
    years: tuple[int, ...]
    overall: Series
    items: tuple[Series, ...]
    regions: Groups
    places: Groups
    candidates: tuple[Candidate, ...]
    notes: tuple[str, ...] = ()
    sizes: Groups = field(default_factory=lambda: Groups("size", (), False, ()))
    thresholds: dict[str, float] = field(default_factory=lambda: {
        "min_rounds": MIN_ROUNDS, "min_samples": MIN_SAMPLES, "min_problems": MIN_PROBLEMS, "alpha": ALPHA,
    })

    @property
    def empty(self) -> bool:
        return not self.years


# ----------------------------------------------------------------------------------- wording
def percent(rate: float | None) -> str:
    """``12.5%``; ``数据不足`` when nothing was tested (never nan or a division by zero)."""
    return "数据不足" if rate is None else f"{rate * 100:.1f}%"


def p_text(p: float | None) -> str:
    if p is None:
        return "数据不足"
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def _streak(rounds: list[RoundRate]) -> int:
    """How many of the last rounds with samples rose one after the other (3 = two rises)."""
    rates = [r.rate for r in rounds if r.tested]
    n = 1 if rates else 0
    for a, b in zip(reversed(rates[:-1]), reversed(rates[1:]), strict=True):
        if a is not None and b is not None and b > a:
            n += 1
        else:
            break
    return n


def _trend(rounds: list[RoundRate], alpha: float = ALPHA) -> TrendFinding:
    counts = [Count(r.label, r.tested, r.problems) for r in rounds]
    used = [r for r in rounds if r.tested]
    total = sum(r.tested for r in used)
    problems = sum(r.problems for r in used)
    result = cochran_armitage(counts, alpha)
    if result is None:
        if not used:
            text = "没有已检验的数据，无法判断趋势"
        elif len(used) == 1:
            text = "只有 1 轮数据，无法判断趋势"
        elif problems == 0:
            text = f"{len(used)} 轮均未检出问题，无法进行趋势检验"
        else:
            text = f"{len(used)} 轮的样品均存在问题，无法进行趋势检验"
        return TrendFinding(False, None, None, False, len(used), total, text)
    if result.rising:
        streak = _streak(used)
        head = f"问题检出率连续 {streak} 轮上升" if streak >= 3 else f"问题检出率在 {len(used)} 轮中呈上升趋势"
        text = f"{head}，趋势检验 {p_text(result.p_one_sided)}"
        short = []
        if len(used) < MIN_ROUNDS:
            short.append(f"不足 {MIN_ROUNDS} 轮")
        if total < MIN_SAMPLES:
            short.append(f"样品不足 {MIN_SAMPLES} 批次")
        if short:
            text += f"（{'、'.join(short)}，不列为候选）"
    else:
        text = f"{len(used)} 轮中未见上升趋势，趋势检验 {p_text(result.p_one_sided)}"
    return TrendFinding(True, result.z, result.p_one_sided, result.rising, len(used), total, text)


def _groups(kind: str, counts: dict[str, list[int]], years: Iterable[int], order: Callable[[str], object]) -> Groups:
    labels = sorted(counts, key=order)
    results, enough = compare_groups([Count(lb, counts[lb][0], counts[lb][1]) for lb in labels], ALPHA)
    return Groups(kind, tuple(
        GroupRate(r.count.label, r.count.tested, r.count.problems, r.rest_rate, r.p_value, r.q_value, r.above)
        for r in results
    ), enough, tuple(sorted(years)))


def _region_order(label: str) -> tuple[int, str]:
    known = list(HUBEI_PREFECTURES.values()) + list(HUBEI_COUNTY_CITIES.values())
    if label in known:
        return (0, f"{known.index(label):03d}")
    return (1 if label.startswith(OUTSIDE) else 2, label)


def _place_order(label: str) -> int:
    names = list(PLACE_LABELS.values())
    return names.index(label) if label in names else len(names)


def _size_order(label: str) -> int:
    names = list(SIZE_LABELS.values())
    return names.index(label) if label in names else len(names)


# ----------------------------------------------------------------------------------- counting
def categories(ctx: Context) -> list[str]:
    """The product categories of the lab's tasks and of its imported history."""
    with ctx.uow() as uow:
        s = uow.session
        names = set(s.scalars(select(MonitoringTask.product_category).where(
            MonitoringTask.product_category.is_not(None)).distinct()))
        names |= set(s.scalars(select(HistoryCount.category).distinct()))
    return sorted(n for n in names if n and n.strip())


_COUNTS = table(risk_counts.TABLE, *(column(c) for c in (*risk_counts.KEY, "tested", "problems")))


def _live_counts(session, category: str):
    """(per year/place/division/size sample counts, per year/item result counts) of the lab's
    approved samples, from the counts kept beside them (:mod:`app.store.risk_counts`): a few hundred
    rows per task, whatever the number of samples."""
    c = _COUNTS.c
    of_category = (MonitoringTask.product_category == category, MonitoringTask.plan_year.is_not(None),
                   or_(c.tested != 0, c.problems != 0))
    joined = _COUNTS.join(MonitoringTask, MonitoringTask.id == c.task_id)
    sample_rows = session.execute(
        select(MonitoringTask.plan_year, c.place_type, c.division, c.size, func.sum(c.tested), func.sum(c.problems))
        .select_from(joined).where(*of_category, c.item == "")
        .group_by(MonitoringTask.plan_year, c.place_type, c.division, c.size)
    ).all()
    item_rows = session.execute(
        select(MonitoringTask.plan_year, c.item, func.sum(c.tested), func.sum(c.problems))
        .select_from(joined).where(*of_category, c.item != "")
        .group_by(MonitoringTask.plan_year, c.item)
    ).all()
    return sample_rows, item_rows


def _history_counts(session, category: str):
    return session.execute(
        select(HistoryCount.year, HistoryCount.item, HistoryCount.region, func.sum(HistoryCount.tested),
               func.sum(HistoryCount.problems))
        .where(HistoryCount.category == category)
        .group_by(HistoryCount.year, HistoryCount.item, HistoryCount.region)
    ).all()


def _add(acc: dict, key, tested, problems) -> None:
    pair = acc.setdefault(key, [0, 0])
    pair[0] += int(tested or 0)
    pair[1] += int(problems or 0)


def analyse(ctx: Context, category: str) -> Intelligence:
    """风险研判 of ``category``: rates by round (overall and per item) with the trend test, regions
    and place types against the rest, and the key-risk candidates above the thresholds."""
    category = (category or "").strip()
    if not category:
        raise ValidationError({"category": "请选择产品类别。"})
    with ctx.uow() as uow:
        return analyse_in(uow.session, category)


def analyse_in(s, category: str) -> Intelligence:
    """:func:`analyse` within an open session (the analysis report and the risk-level evidence
    read it in their own unit of work)."""
    sample_rows, item_rows = _live_counts(s, category)
    history_rows = _history_counts(s, category)
    titles = set(s.scalars(select(RiskInformation.title).where(RiskInformation.product == category)))
    task_years = set(s.scalars(select(MonitoringTask.plan_year).where(
        MonitoringTask.product_category == category, MonitoringTask.plan_year.is_not(None))))
    undated = s.scalar(select(func.count(MonitoringTask.id)).where(
        MonitoringTask.product_category == category, MonitoringTask.plan_year.is_(None))) or 0

    overall: dict[tuple[int, str], list[int]] = {}  # (year, source) → counts
    items: dict[tuple[str, int, str], list[int]] = {}
    regions: dict[str, list[int]] = {}
    places: dict[str, list[int]] = {}
    sizes: dict[str, list[int]] = {}
    live_years: set[int] = set()
    for year, place, division, size, n, k in sample_rows:
        live_years.add(int(year))
        _add(overall, (int(year), "system"), n, k)
        _add(regions, region_name(division) or UNKNOWN_REGION, n, k)
        _add(places, PLACE_LABELS.get(place, place), n, k)
        _add(sizes, SIZE_LABELS.get(size or "", size), n, k)
    for year, item, n, k in item_rows:
        _add(items, (item, int(year), "system"), n, k)
    history_years: set[int] = set()
    skipped: set[int] = set()
    for year, item, region, n, k in history_rows:
        year = int(year)
        if year in live_years:
            skipped.add(year)
            continue
        history_years.add(year)
        if item:
            _add(items, (item, year, "history"), n, k)
        else:
            _add(overall, (year, "history"), n, k)
            _add(regions, region, n, k)

    years = tuple(sorted(live_years | history_years | {y for y in task_years if y is not None}))

    def series(item: str, source: dict[tuple[int, str], list[int]]) -> Series:
        rounds = []
        for y in years:
            hit = next(((src, v) for (yy, src), v in source.items() if yy == y), None)
            rounds.append(RoundRate(y, hit[1][0], hit[1][1], hit[0]) if hit else RoundRate(y, 0, 0, ""))
        return Series(item, tuple(rounds), _trend(rounds))

    overall_series = series("", overall)
    by_item: dict[str, dict[tuple[int, str], list[int]]] = defaultdict(dict)
    for (item, year, src), v in items.items():
        by_item[item][(year, src)] = v
    item_series = tuple(sorted((series(item, v) for item, v in by_item.items()),
                               key=lambda x: (not x.trend.qualifies, -(x.problems / x.tested if x.tested else 0),
                                              x.item)))
    region_groups = _groups("region", regions, live_years | history_years, _region_order)
    place_groups = _groups("place", places, live_years, _place_order)
    size_groups = _groups("size", sizes, live_years, _size_order)

    notes = []
    if skipped:
        notes.append(f"{'、'.join(str(y) for y in sorted(skipped))} 年已有本系统的检验记录，以系统记录为准，该年度导入的往期数据未计入。")
    if undated:
        notes.append(f"有 {undated} 个该类别的任务未填写计划年度，未计入任何轮次。")
    if history_years:
        notes.append("导入的往期数据没有抽样场所类型和企业规模，这两项的比较只用本系统的记录。")

    candidates = _candidates(category, overall_series, item_series, region_groups, place_groups, titles,
                             size_groups)
    return Intelligence(category, years, overall_series, item_series, region_groups, place_groups, candidates,
                        tuple(notes), sizes=size_groups)


# ----------------------------------------------------------------------------------- candidates
def _rates_text(series: Series) -> str:
    return "；".join(f"{r.year}年 {r.problems}/{r.tested}（{percent(r.rate)}）" for r in series.rounds if r.tested)


def _years_text(years: tuple[int, ...]) -> str:
    if not years:
        return ""
    return f"{years[0]}年" if len(years) == 1 else f"{years[0]}–{years[-1]}年"


def _candidates(category: str, overall: Series, items: tuple[Series, ...], regions: Groups, places: Groups,
                titles: set[str], sizes: Groups | None = None) -> tuple[Candidate, ...]:
    out: list[Candidate] = []
    method = ("Cochran–Armitage 趋势检验（单侧，α = 0.05），"
              f"条件：至少 {MIN_ROUNDS} 轮有检验数据且合计不少于 {MIN_SAMPLES} 批次")
    for s in (overall, *items):
        if not s.trend.qualifies:
            continue
        what = f"“{s.item}”项目不合格率" if s.item else "问题检出率"
        title = f"{category}{what}呈上升趋势"
        description = (f"{category}{what}按轮次：{_rates_text(s)}。{s.trend.text}。"
                       f"依据 {method}。建议列为重点风险信息（{REASON_CLAUSES[REASON_RISING]}：危害程度呈上升趋势）。")
        out.append(Candidate(f"trend:{s.item}", "trend", category, s.item, REASON_RISING, title, description, "",
                             title in titles))
    compared = [(regions, "地区"), (places, "抽样场所")] + ([(sizes, "规模的企业")] if sizes is not None else [])
    for groups, noun in compared:
        for g in groups.groups:
            if not g.qualifies:
                continue
            title = {"region": f"{category}{g.label}问题检出率显著高于其他地区",
                     "place": f"{category}{g.label}渠道问题检出率显著高于其他渠道",
                     "size": f"{category}{g.label}问题检出率显著高于其他规模的企业"}[groups.kind]
            description = (
                f"{_years_text(groups.years)}{category}在{g.label}共检验 {g.tested} 批次，问题 {g.problems} 批次"
                f"（{percent(g.rate)}），其他{noun}合计 {percent(g.rest_rate)}；单侧 Fisher 精确检验经 "
                f"Benjamini–Hochberg 校正 {p_text(g.q).replace('p', 'q', 1)}（α = 0.05，条件：问题不少于 {MIN_PROBLEMS} 批次）。"
                f"建议列为重点风险信息（{REASON_CLAUSES[REASON_REGIONAL]}："
                f"{'区域性' if groups.kind == 'region' else '行业性'}质量安全问题）。"
            )
            out.append(Candidate(f"{groups.kind}:{g.label}", groups.kind, category, g.label, REASON_REGIONAL, title,
                                 description, g.label if groups.kind == "region" else "", title in titles))
    return tuple(out)


def confirm_candidate(ctx: Context, candidate: Candidate, *, note: str = "") -> risk_service.RiskInfo:
    """登记为重点风险信息: a person confirms ``candidate`` into the register — Article 10 (五) (found by
    a technical institution), key risk for its item of Article 12, received today (the lab's day).
    Refused when an entry with the same title is already there."""
    ctx.require("technician", "reviewer", "administrator", action="登记风险信息")
    with ctx.uow() as uow:
        exists = uow.session.scalar(select(func.count(RiskInformation.id)).where(
            RiskInformation.title == candidate.title)) or 0
        today = lab_today(uow.session)
    if exists:
        raise ValidationError({"title": f"风险信息登记簿中已有“{candidate.title}”，不再重复登记。"})
    description = candidate.description + (f"\n{note.strip()}" if note.strip() else "")
    data = risk_service.RiskInfoInput(
        received_date=today, source=SOURCE_TECHNICAL, title=candidate.title, description=description,
        product=candidate.category, region=candidate.region, key_risk=True, key_reasons=(candidate.reason,),
        status="open",
    )
    return risk_service.create_info(ctx, data, today=today)


# ----------------------------------------------------------------------------------- history
@dataclass(frozen=True)
class HistoryYear:
    """What is imported for one category and year."""

    category: str
    year: int
    rows: int
    tested: int  # batches (rows without an item)
    problems: int
    items: int  # distinct items
    source: str


@dataclass(frozen=True)
class HistoryImport:
    rows: int
    categories: tuple[str, ...]
    years: tuple[int, ...]


def history_template(path: str | Path) -> Path:
    """The Excel template of the history import (往期监测数据)."""
    return write_template("history", path)


def region_names() -> tuple[str, ...]:
    """The region names a history row may give: Hubei's cities and ``省外``."""
    return (*HUBEI_PREFECTURES.values(), *HUBEI_COUNTY_CITIES.values(), OUTSIDE)


def normalise_region(text: str) -> str | None:
    """``襄阳`` → ``襄阳市``; ``恩施州`` → ``恩施土家族苗族自治州``; None when it is no known region."""
    text = (text or "").strip()
    names = region_names()
    if text in names:
        return text
    if text.startswith(OUTSIDE):
        return OUTSIDE
    for name in names:
        short = name[:2]
        if text in (short, short + "州", short + "市"):
            return name
    return None


def import_history(ctx: Context, path: str | Path, *, today: dt.date | None = None) -> HistoryImport:
    """Import earlier rounds' counts from the template, all or nothing: ``ImportRowsError`` lists
    every bad row (unknown category or region, a year the database already has, problems above
    tested …) and nothing is written."""
    ctx.require("technician", "reviewer", "administrator", action="导入往期监测数据")
    path = Path(path)
    with ctx.uow() as uow:
        today = today or lab_today(uow.session)
    rows, problems = check_history_rows(path, last_year=today.year)
    with ctx.uow() as uow:
        s = uow.session
        known = set(s.scalars(select(MonitoringTask.product_category).where(
            MonitoringTask.product_category.is_not(None)).distinct()))
        wanted = sorted({r.category for r in rows})
        live = {(c, int(y)) for c, y in s.execute(
            select(MonitoringTask.product_category, MonitoringTask.plan_year).where(
                MonitoringTask.product_category.in_(wanted), MonitoringTask.plan_year.is_not(None))).all()}
        existing = {(c, int(y)) for c, y in s.execute(
            select(HistoryCount.category, HistoryCount.year).where(HistoryCount.category.in_(wanted)).distinct()).all()}
        regions = {}
        for r in rows:
            if r.category not in known:
                problems.append(RowProblem(r.row, "产品类别", f"“{r.category}”不是本机构任何监测任务的产品类别"
                                                            "（请与任务的产品类别一致）"))
            elif (r.category, r.year) in live:
                problems.append(RowProblem(r.row, "年度", f"{r.category} {r.year} 年已有本系统的监测任务，以系统记录为准，"
                                                         "不能导入"))
            elif (r.category, r.year) in existing:
                problems.append(RowProblem(r.row, "年度", f"{r.category} {r.year} 年的往期数据已导入过；"
                                                         "如需更正，请先删除该年度的数据"))
            region = normalise_region(r.region)
            if region is None:
                problems.append(RowProblem(r.row, "地区", f"“{r.region}”不是湖北省的市（州），省外企业请填“省外”"))
            regions[r.row] = region
        seen: dict[tuple[str, int, str, str], int] = {}
        for r in rows:  # the same region written two ways (襄阳 / 襄阳市)
            key = (r.category, r.year, r.item, regions[r.row] or r.region)
            if key in seen and regions[r.row] != r.region:
                problems.append(RowProblem(r.row, "地区", f"与第{seen[key]}行是同一地区（{regions[r.row]}）"))
            seen.setdefault(key, r.row)
        if problems:
            raise ImportRowsError(sorted(problems, key=lambda p: p.row))
        for r in rows:
            s.add(HistoryCount(category=r.category, year=r.year, item=r.item, region=regions[r.row] or r.region,
                               tested=r.tested, problems=r.problems, source=path.name[:255],
                               imported_by_id=ctx.user.id))
        uow.commit()
    return HistoryImport(len(rows), tuple(wanted), tuple(sorted({r.year for r in rows})))


def list_history(ctx: Context, category: str | None = None) -> list[HistoryYear]:
    """The imported years, by category and year."""
    total = func.coalesce(func.sum(case((HistoryCount.item == "", HistoryCount.tested), else_=0)), 0)
    bad = func.coalesce(func.sum(case((HistoryCount.item == "", HistoryCount.problems), else_=0)), 0)
    q = (select(HistoryCount.category, HistoryCount.year, func.count(HistoryCount.id), total, bad,
                func.count(func.distinct(case((HistoryCount.item != "", HistoryCount.item)))),
                func.max(HistoryCount.source))
         .group_by(HistoryCount.category, HistoryCount.year)
         .order_by(HistoryCount.category, HistoryCount.year))
    if category:
        q = q.where(HistoryCount.category == category)
    with ctx.uow() as uow:
        return [HistoryYear(c, int(y), int(n), int(t), int(p), int(i), src or "")
                for c, y, n, t, p, i, src in uow.session.execute(q).all()]


def delete_history(ctx: Context, category: str, year: int) -> int:
    """Delete the imported rows of one category and year (each deletion audited); the count."""
    ctx.require("administrator", action="删除往期监测数据")
    with ctx.uow() as uow:
        rows = list(uow.session.scalars(select(HistoryCount).where(HistoryCount.category == category,
                                                                   HistoryCount.year == year)))
        if not rows:
            raise ValidationError(f"没有 {category} {year} 年的往期数据。")
        for r in rows:
            uow.session.delete(r)
        uow.commit()
    return len(rows)


__all__ = [
    "ALPHA", "MIN_PROBLEMS", "MIN_ROUNDS", "MIN_SAMPLES", "Candidate", "GroupRate", "Groups", "HistoryImport",
    "HistoryYear", "Intelligence", "RoundRate", "Series", "TrendFinding", "analyse", "categories",
    "analyse_in", "confirm_candidate", "delete_history", "history_template", "import_history", "list_history",
    "normalise_region", "percent", "p_text", "region_names",
]
