"""告知书 (Article 18 ¶2): the letters of a sample whose approved report found problems."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.documents.data import (
    NoticeData,
    PartyInfo,
    PartyRole,
    TestReportData,
)
from app.errors import ValidationError
from app.rules import notify as notify_rules
from app.rules import uscc as uscc_rules
from app.services._common import get_or_404
from app.services.context import Context
from app.services.documents._common import (
    NOTICE_NUMBER,
    _sample_parties,
)
from app.services.documents.test_report import _require_report, _test_report
from app.store.models import (
    Notification,
    Report,
    Sample,
)


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


def _replaced_notices(session: Session, report: Report) -> dict[tuple[str, str], str]:
    """The latest notice issued to each party for a report ``report`` replaces (directly or further
    back), by ``("uscc", USCC)`` and by ``("name", name)``: the notice a re-issued one replaces."""
    found: dict[tuple[str, str], str] = {}
    previous = report.replaces
    seen: set[int] = set()
    while previous is not None and previous.id not in seen:
        seen.add(previous.id)
        rows = session.scalars(select(Notification).where(Notification.report_id == previous.id)
                               .order_by(Notification.id.desc())).all()
        for n in rows:
            if not n.document_number:
                continue
            uscc = uscc_rules.normalize(n.enterprise.uscc or "") if n.enterprise is not None else ""
            if uscc:
                found.setdefault(("uscc", uscc), n.document_number)
            found.setdefault(("name", n.recipient_name), n.document_number)
        previous = previous.replaces
    return found


def _notices(session: Session, s: Sample, report: Report, data: TestReportData | None = None, *,
             issued_on: dt.date | None = None, check_status: bool = True) -> list[NoticeData]:
    """The letters of ``report`` as they would be issued now (``issued_on``: the date they carry,
    by default the report's approval date)."""
    if check_status and report.status != "approved":
        raise ValidationError(f"样品 {s.number} 的检验报告尚未批准，不能出具告知书。")
    data = data or _test_report(session, s, report)
    if not data.problems_found:
        return []
    enterprises = {uscc_rules.normalize(ent.uscc or ""): ent for ent, _ in _sample_parties(s)}
    task = s.task
    authority = (task.issuing_authority or "") if task else ""
    lab = data.lab
    replaced = _replaced_notices(session, report) if report.replaces is not None else {}
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
            issue_date=issued_on or data.issue_date,
            on_behalf_of=authority,
            task_number=data.task_number,
            task_title=data.task_title,
            brand=data.brand,
            model_spec=data.model_spec,
            batch_number=data.batch_number,
            production_date=data.production_date,
            sampling_date=data.sampling_date,
            sampling_place=data.sampling_place,
            sampling_record_number=data.sampling_record_number,
            nominal_producer=data.nominal_producer or (data.sampled if s.nominal_producer_id == s.sampled_party_id
                                                       else None),
            platform_operator=data.platform_operator,
            online_shop=data.online_shop,
            basis_standards=data.basis_standards,
            # the route of the report's declaration, in the same words (``app.documents.wording``)
            objection_days=data.objection_days,
            objection_to=data.objection_to,
            objection_contact=data.objection_contact,
            replaces_notice=(party.uscc and replaced.get(("uscc", party.uscc))) or replaced.get(("name", party.name), ""),
            replaces_report=data.replaces_number,
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
