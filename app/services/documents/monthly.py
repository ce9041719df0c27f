"""风险信息月报 (Article 11)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import select

from app.documents.codec import restore
from app.documents.data import (
    CrossRound,
    InfoSource,
    KeyRiskCriterion,
    MonthlyData,
    RiskInfoEntry,
    StationKind,
)
from app.errors import ValidationError
from app.fileio import atomic_write_bytes
from app.services import risk as risk_service
from app.services.context import Context
from app.services.documents._common import (
    MONTHLY_REPORTED_TO,
    _lab,
    _local_date,
    _tz,
    _user_names,
)
from app.services.documents.cross_round import METHOD, cross_round
from app.store.models import (
    MonitoringTask,
    Report,
    RiskInformation,
    Sample,
)
from app.store.queries import lab_today

MONTHLY_NUMBER = "YB-{year:04d}-{month:02d}"  # 月报编号; a replacing report adds -2, -3 …


def check_month(year: int, month: int, today: dt.date) -> None:
    """A monthly report is made for the current month or one before it, never for one to come."""
    if not 1 <= month <= 12:
        raise ValidationError({"month": f"月份“{month}”无效，应为 1～12。"})
    if (year, month) > (today.year, today.month):
        raise ValidationError({"month": f"{year}年{month}月尚未到来，不能出具该月的风险信息月报"
                                        f"（最晚可出具本月，即{today.year}年{today.month}月）。"})


def _entries(session, year: int, month: int) -> list[RiskInfoEntry]:
    """The month's register entries in order of receipt, numbered as ``app.services.risk.monthly_data``
    numbers them, each with its 即时报送 as on record (a reported major hazard's, for its entry)."""
    start, end = risk_service._month_range(year, month)
    infos = [
        risk_service._info(session, r)
        for r in session.scalars(
            select(RiskInformation).options(risk_service._load_options())
            .where(RiskInformation.received_date >= start, RiskInformation.received_date < end)
            .order_by(RiskInformation.received_date, RiskInformation.id)
        )
    ]
    entries = []
    for n, info in enumerate(infos, start=1):
        e = info.data
        reasons = tuple(KeyRiskCriterion(r) for r in e.key_reasons if 1 <= int(r) <= 7)
        if e.key_risk and not reasons:
            reasons = (KeyRiskCriterion.OTHER,)
        handling = info.status_label + (f"（关联样品 {'、'.join(e.sample_numbers)}）" if e.sample_numbers else "")
        im = info.immediate if e.key_risk else None
        entries.append(RiskInfoEntry(
            serial=f"{year}{month:02d}-{n:03d}",
            received_date=e.received_date,
            source=InfoSource(int(e.source or 9)),
            product=e.product,
            description=f"{e.title}：{e.description}" if e.description else e.title,
            region=e.region,
            key_risk=reasons,
            handling=handling,
            reported_at=im.at if im else None,
            reported_to=im.to if im else "",
            reported_how=im.method_label if im else "",
            reported_via=im.via if im else "",
        ))
    return entries


def month_categories(session, year: int, month: int, entries: list[RiskInfoEntry] | None = None) -> list[str]:
    """The product categories of the month's work: of the tasks with a sample sampled or whose
    initial monitoring was completed in the month, and the month's register entries whose product
    is a category of the lab's tasks; in order of name."""
    from sqlalchemy import or_

    start, end = risk_service._month_range(year, month)
    names = set(session.scalars(
        select(MonitoringTask.product_category).distinct().join(Sample, Sample.task_id == MonitoringTask.id)
        .where(MonitoringTask.product_category.is_not(None),
               or_((Sample.sampling_date >= start) & (Sample.sampling_date < end),
                   (Sample.completed_date >= start) & (Sample.completed_date < end)))))
    products = {e.product.strip() for e in (entries or ()) if e.product and e.product.strip()}
    if products:
        names |= set(session.scalars(select(MonitoringTask.product_category).distinct()
                                     .where(MonitoringTask.product_category.in_(sorted(products)))))
    return sorted(n.strip() for n in names if n and n.strip())


def _cross_rounds(session, year: int, month: int, entries: list[RiskInfoEntry]) -> tuple[CrossRound, ...]:
    """跨轮次风险研判 of each category of the month's work (数据不足 where a category has no round);
    the method is printed once for the section, not per category."""
    out = []
    for name in month_categories(session, year, month, entries):
        section = cross_round(session, name, method="", empty=True)
        if section is not None:
            out.append(section)
    return tuple(out)


def compute_monthly(session, year: int, month: int, today: dt.date | None = None) -> MonthlyData:
    """The month's report as the register stands now, unsigned and marked 草稿: what compiling
    freezes. A month still to come is refused."""
    today = today or lab_today(session)
    check_month(year, month, today)
    lab = _lab(session)
    entries = _entries(session, year, month)
    key = sum(1 for e in entries if e.is_key)
    summary = (f"本月共采集风险信息{len(entries)}条，其中重点风险信息{key}条。" if entries
               else "本月未采集到产品质量安全风险信息。")
    return MonthlyData(
        year=year,
        month=month,
        lab=lab,
        station_name=f"{lab.name}风险信息监测采集站",
        entries=tuple(entries),
        issue_date=today,
        station_kind=StationKind.TECHNICAL_INSTITUTION,
        report_number=MONTHLY_NUMBER.format(year=year, month=month),
        reported_to=MONTHLY_REPORTED_TO,
        summary=summary,
        draft=True,
        cross_rounds=_cross_rounds(session, year, month, entries),
        cross_round_method=METHOD,
        cross_round_compiled=True,
    )


def monthly_from_record(session, report: Report) -> MonthlyData:
    """The monthly report ``report`` as recorded: the register frozen when it was compiled, with its
    number, 填报/审核/批准 names and dates, and 草稿 on every page until it is approved."""
    from dataclasses import replace

    if report.kind != "monthly":
        raise ValidationError("该报告不是风险信息月报。")
    try:
        data = restore(MonthlyData, report.snapshot or {})
    except (ValueError, KeyError, TypeError) as exc:
        raise ValidationError(f"风险信息月报 {report.number} 的编制数据无法读取，请重新编制。") from exc
    tz = _tz(session)
    names = _user_names(session, (report.compiled_by_id, report.reviewed_by_id, report.approved_by_id))
    issued = _local_date(report.approved_at, tz) or _local_date(report.compiled_at, tz) or data.issue_date
    return replace(
        data, report_number=report.number, issue_date=issued, draft=report.status != "approved",
        compiled_by=names.get(report.compiled_by_id or -1, ""), compiled_on=_local_date(report.compiled_at, tz),
        reviewed_by=names.get(report.reviewed_by_id or -1, ""), reviewed_on=_local_date(report.reviewed_at, tz),
        approved_by=names.get(report.approved_by_id or -1, ""), approved_on=_local_date(report.approved_at, tz),
    )


def current_monthly(session, year: int, month: int) -> Report | None:
    """The month's report in force or in progress (the newest that is not superseded)."""
    return session.scalar(
        select(Report).where(Report.kind == "monthly", Report.period == f"{year:04d}-{month:02d}",
                             Report.status != "superseded").order_by(Report.id.desc()).limit(1)
    )


def monthly_data(ctx: Context, year: int, month: int, *, today: dt.date | None = None) -> MonthlyData:
    """风险信息月报 (Article 11) of a month: its record as recorded (being compiled, reviewed or
    approved), or — before one is compiled — the register as it stands now, marked 草稿. A month
    still to come is refused."""
    with ctx.uow() as uow:
        check_month(year, month, today or lab_today(uow.session))
        report = current_monthly(uow.session, year, month)
        if report is not None and report.snapshot is not None:
            return monthly_from_record(uow.session, report)
        return compute_monthly(uow.session, year, month, today)


def _frozen(session, year: int, month: int) -> Report | None:
    report = current_monthly(session, year, month)
    if report is not None and report.status == "approved" and report.pdf is not None:
        return report
    return None


def monthly_pdf(ctx: Context, year: int, month: int) -> bytes:
    """The month's approved report as issued (its frozen PDF), or else the draft, marked 草稿."""
    # deferred: reportlab loads only when a PDF is made
    from app.documents.monthly import render_monthly

    with ctx.uow() as uow:
        report = _frozen(uow.session, year, month)
        if report is not None:
            return bytes(report.pdf)
    return render_monthly(monthly_data(ctx, year, month))


def write_monthly(ctx: Context, year: int, month: int, path: str | Path) -> Path:
    """The monthly report as ``.pdf`` or ``.xlsx`` (by the file's suffix): the frozen copy of the
    approved report, or else the draft."""
    # deferred: reportlab and openpyxl load only when the report is written
    from app.documents.monthly import write_monthly_excel, write_monthly_pdf
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".pdf", ".xlsx"):
        raise ValidationError("月报文件应以 .pdf 或 .xlsx 结尾。", field="out")
    with ctx.uow() as uow:
        report = _frozen(uow.session, year, month)
        if report is not None:
            frozen = report.pdf if suffix == ".pdf" else report.workbook
            if frozen is not None:
                return atomic_write_bytes(path, bytes(frozen))
    data = monthly_data(ctx, year, month)
    return write_monthly_pdf(data, path) if suffix == ".pdf" else write_monthly_excel(data, path)
