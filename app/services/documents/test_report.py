"""检验报告: the data of a sample's test report, and its issued (stored) PDF."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from app.documents import test_report as report_doc  # the module: render_test_report is looked up when called
from app.documents.data import (
    AmendmentLine,
    ItemLine,
    OnlineShop,
    PanelLine,
    PanelMemberLine,
    PlaceType,
    SignOff,
    TestReportData,
)
from app.errors import ValidationError
from app.services._common import get_or_404
from app.services.context import Context
from app.services.documents._common import (
    OBJECTION_DAYS,
    _as_issued,
    _basis_standards,
    _lab,
    _local_date,
    _party,
    _sample_parties,
    _tz,
    _user_names,
    conclusion_text,
    item_line,
    objection_route,
)
from app.services.documents.issue import issue
from app.services.lab_assets import report_marks
from app.services.records import REPORT_STATUS_LABELS
from app.services.records import current_report as _current_report
from app.store.models import (
    Report,
    Sample,
)
from app.store.queries import lab_today


def _panels(s: Sample, items: tuple[ItemLine, ...], tz) -> tuple[PanelLine, ...]:
    """专家组验证评价 of the report's panel items, in the items' order (Article 5)."""
    evaluations = {p.item: p for p in s.panel_evaluations}
    out = []
    for it in items:
        ev = evaluations.get(it.item) if it.expert_panel else None
        if ev is None:
            continue
        out.append(PanelLine(
            item=it.item,
            members=tuple(PanelMemberLine(m.name, m.affiliation or "", m.title or "", m.opinion or "")
                          for m in sorted(ev.members, key=lambda m: m.seq)),
            conclusion=ev.conclusion,
            judgement=it.judgement,
            evaluated_on=_local_date(ev.created_at, tz),
            justification=ev.justification or "",
        ))
    return tuple(out)


def _amendments(session: Session, s: Sample, report: Report, items: tuple[ItemLine, ...],
                tz) -> tuple[AmendmentLine, ...]:
    """更正说明 of an amended report: each result that differs from what the replaced report issued,
    the original from the first amendment after that report's approval, the reasons, who and when."""
    previous = report.replaces
    if previous is None or previous.approved_at is None:
        return ()
    until = report.approved_at if report.status in ("approved", "superseded") else None
    stated = {it.item: it for it in items}
    windows = []
    for r in s.results:
        window = sorted((a for a in r.amendments if a.amended_at is not None and a.amended_at > previous.approved_at
                         and (until is None or a.amended_at <= until)), key=lambda a: (a.amended_at, a.id))
        if window and r.item in stated:
            windows.append((r, window))
    names = _user_names(session, (w[-1].amended_by_id for _, w in windows))
    out = []
    for r, window in windows:
        before, now = item_line(r, dict(window[0].original)), stated[r.item]
        if (before.result_text, before.unit, before.judgement) == (now.result_text, now.unit, now.judgement):
            continue  # changed and changed back
        out.append(AmendmentLine(
            item=r.item,
            original_result=before.result_text,
            amended_result=now.result_text,
            original_unit=before.unit,
            amended_unit=now.unit,
            original_judgement=before.judgement,
            amended_judgement=now.judgement,
            reason="；".join(dict.fromkeys(a.reason for a in window)),
            amended_by=names.get(window[-1].amended_by_id or -1, ""),
            amended_on=_local_date(window[-1].amended_at, tz),
        ))
    return tuple(out)


def _require_report(session: Session, s: Sample) -> Report:
    report = _current_report(session, s.id)
    if report is None:
        raise ValidationError(f"样品 {s.number} 尚未编制检验报告。")
    return report


def _num(v) -> str:
    return format(v, "f").rstrip("0").rstrip(".") if v is not None else ""


def _lot_size(s: Sample) -> str:
    """抽样基数 with its unit (``200台``)."""
    return f"{_num(s.lot_size)}{s.quantity_unit or ''}" if s.lot_size is not None else ""


def _quantity(s: Sample) -> str:
    num = _num
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
    lab = _lab(session)
    objection_to, objection_contact = objection_route(task, lab)
    # the lab's marks: the seal only on an approved report, a signature once its person signed off
    marks = report_marks(session, (report.compiled_by_id, report.reviewed_by_id, report.approved_by_id))
    approved = report.status in ("approved", "superseded")
    return TestReportData(
        report_number=report.number,
        lab=lab,
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
            compiled_signature=marks.signatures.get(report.compiled_by_id or -1),
            reviewed_signature=marks.signatures.get(report.reviewed_by_id or -1),
            approved_signature=marks.signatures.get(report.approved_by_id or -1),
        ),
        issue_date=_local_date(report.approved_at, tz) or lab_today(session),
        task_number=task.number if task else "",
        task_title=task.title if task else "",
        task_source=(task.issuing_authority or "") if task else "",
        replaces_number=replaces,
        amendment_reason=reason if replaces else "",
        amendments=_amendments(session, s, report, items, tz) if replaces else (),
        panels=_panels(s, items, tz),
        objection_days=OBJECTION_DAYS,
        objection_to=objection_to,
        objection_contact=objection_contact,
        brand=s.brand or "",
        model_spec=s.model_spec or "",
        batch_number=s.batch_number or "",
        production_date=s.production_date,
        sample_quantity=_quantity(s),
        sample_state=s.condition_on_receipt or "",
        sampling_record_number=s.sampling_record_number or "",
        test_category=s.test_category or "风险监测",
        lot_size=_lot_size(s),
        seal_numbers=tuple(str(x) for x in (s.seal_numbers or ())),
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
        cma_mark=marks.cma_mark,
        seal=marks.seal if approved else None,
    )


def test_report_data(ctx: Context, sample_id: int) -> TestReportData:
    """检验报告 of the sample's current report (the approved one, or the one being compiled)."""
    with ctx.uow() as uow:
        s = get_or_404(uow.session, Sample, sample_id, "该样品")
        return _test_report(uow.session, s, _require_report(uow.session, s))


test_report_data.__test__ = False  # type: ignore[attr-defined]  # not a pytest test


def store_report_pdf(session: Session, report: Report, signer: Any | None = None) -> bytes:
    """Render an approved test report and keep the PDF with it (``pdf``, ``file_sha256``), in the
    caller's transaction: the issued document is then exactly the one packages carry, and later
    packages need not render it again. Meant for the approval's transaction. Signed with
    ``signer`` (the lab's unlocked key), or marked 未签名 without one
    (:func:`app.services.documents.issue.issue`)."""
    import hashlib

    if report.kind != "test" or report.sample is None:
        raise ValidationError("只能保存检验报告的 PDF。")
    if report.status != "approved":
        raise ValidationError(f"报告 {report.number} 尚未批准，不能作为正式报告保存。")
    pdf = issue(_test_report(session, report.sample, report), report_doc.render_test_report, signer)
    report.pdf = pdf
    report.file_sha256 = hashlib.sha256(pdf).hexdigest()
    return pdf


def test_report_pdf(ctx: Context, sample_id: int) -> bytes:
    """The sample's current test report: as issued (its stored, signed PDF) once approved, else
    rendered now and marked as not approved."""
    with ctx.uow() as uow:
        s = get_or_404(uow.session, Sample, sample_id, "该样品")
        report = _require_report(uow.session, s)
        if report.status == "approved" and report.pdf is not None:
            return bytes(report.pdf)
    return report_doc.render_test_report(test_report_data(ctx, sample_id))


test_report_pdf.__test__ = False  # type: ignore[attr-defined]
