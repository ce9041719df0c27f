"""跨轮次风险研判 in the reports (Articles 12, 13): the section the task's analysis report and the
monthly risk-information report both carry — per product category the problem rates by round
with their Wilson intervals, the trend test in words, the items with problems, the key-risk
candidates found — and the one paragraph stating the method. One builder for both reports; the
counting and the statistics are :mod:`app.services.intelligence`'s.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.documents.data import CrossRound, ItemTrend, RoundRate

#: the method, stated once in each report (RULES.md §7; the thresholds of ``intelligence``)
METHOD = (
    "研判方法：轮次为同一产品类别各计划年度的监测任务（含导入的往期汇总数据）；每轮问题检出率为问题批次除以检验批次"
    "（本系统以检验报告已批准的样品计），并给出 Wilson 95% 置信区间；检出率是否随轮次上升采用 Cochran–Armitage "
    "趋势检验（单侧，α = 0.05），至少 3 轮有检验数据且合计不少于 20 批次方列为候选；地区、抽样场所、企业规模与其余合计的"
    "比较采用单侧 Fisher 精确检验，并以 Benjamini–Hochberg 方法校正多重比较（q < 0.05 且问题不少于 3 批次方列为候选）。"
    "候选须经技术人员确认后方登记为重点风险信息。"
)
#: the trend line of a category with no round at all
NO_ROUNDS = "数据不足：该类别没有已批准的检验结果，也没有导入的往期数据，无法进行跨轮次研判"
_SOURCES = {"system": "本系统", "history": "往期导入"}


def cross_round(session: Session, category: str, *, method: str = METHOD,
                empty: bool = False) -> CrossRound | None:
    """The cross-round section of ``category`` as the reports print it. A category with no round:
    None, or — ``empty`` — a section that says 数据不足 (the monthly report names every category
    of the month's work)."""
    # deferred: app.services.intelligence brings openpyxl (its history import)
    from app.services import intelligence

    category = (category or "").strip()
    if not category:
        return None
    intel = intelligence.analyse_in(session, category)
    if intel.empty:
        return CrossRound(category, (), NO_ROUNDS, method=method) if empty else None
    rounds = []
    for r in intel.overall.rounds:
        low, high = r.interval or (None, None)
        rounds.append(RoundRate(f"{r.year}年", r.tested, r.problems, low, high, _SOURCES.get(r.source, "")))
    items = tuple(
        ItemTrend(s.item, tuple(f"{r.problems}/{r.tested}" if r.tested else "/" for r in s.rounds), s.trend.text)
        for s in intel.items if s.problems
    )
    candidates = tuple(f"{c.title}（{c.clause}{'，已登记' if c.registered else ''}）：{c.description}"
                       for c in intel.candidates)
    return CrossRound(category, tuple(rounds), intel.overall.trend.text, items, candidates, method, intel.notes)
