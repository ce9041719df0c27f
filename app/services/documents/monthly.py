"""风险信息月报 (Article 11)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import select

from app.documents.data import (
    InfoSource,
    KeyRiskCriterion,
    MonthlyData,
    RiskInfoEntry,
    StationKind,
)
from app.errors import ValidationError
from app.services.context import Context
from app.services.documents._common import (
    MONTHLY_REPORTED_TO,
    _lab,
    _local_date,
    _tz,
    _user_names,
)
from app.store.models import (
    Report,
)
from app.store.queries import lab_today


def check_month(year: int, month: int, today: dt.date) -> None:
    """A monthly report is made for the current month or one before it, never for one to come."""
    if not 1 <= month <= 12:
        raise ValidationError({"month": f"月份“{month}”无效，应为 1～12。"})
    if (year, month) > (today.year, today.month):
        raise ValidationError({"month": f"{year}年{month}月尚未到来，不能出具该月的风险信息月报"
                                        f"（最晚可出具本月，即{today.year}年{today.month}月）。"})


def monthly_data(ctx: Context, year: int, month: int, *, today: dt.date | None = None) -> MonthlyData:
    """风险信息月报 (Article 11) from the risk-information register: the month's entries in order of
    receipt, numbered as ``app.services.risk.monthly_data`` numbers them. A month still to come is
    refused. The sign-off names who compiled and approved the month's report when the lab keeps one;
    otherwise the signed-in user fills it in today, and the approval is left to sign by hand."""
    from app.services import risk as risk_service
    from app.store.models import RiskInformation

    with ctx.uow() as uow:
        tz = _tz(uow.session)
        today = today or lab_today(uow.session)
        check_month(year, month, today)
        start, end = risk_service._month_range(year, month)
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
        signed = (_local_date(report.compiled_at, tz), _local_date(report.approved_at, tz)) if report else (None, None)
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
    if report is not None:
        compiled_by = names.get(report.compiled_by_id or -1, "")
        approved_by = names.get(report.approved_by_id or -1, "")
        compiled_on, approved_on = signed
    else:  # no monthly report on record: the signed-in person fills it in now (not the command line)
        compiled_by = ctx.user.display_name if ctx.user.id is not None else ""
        approved_by, compiled_on, approved_on = "", today if compiled_by else None, None
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
        report_number=report.number if report else f"YB-{year:04d}-{month:02d}",
        reported_to=MONTHLY_REPORTED_TO,
        summary=summary,
        compiled_by=compiled_by,
        approved_by=approved_by,
        compiled_on=compiled_on,
        approved_on=approved_on,
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
