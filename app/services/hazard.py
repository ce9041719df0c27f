"""重大质量安全风险隐患 (Article 18 ¶3): a major hazard found in a sample, recorded and reported
at once to the organising authority — uploaded ahead of the queue, or told by phone or by hand.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.errors import ValidationError
from app.services._common import check_version, get_or_404
from app.services.context import Context
from app.store import audit
from app.store.models import (
    HAZARD_METHODS,
    HazardReport,
    ItemResult,
    RiskInformation,
    RiskInformationSample,
    Sample,
    User,
)
from app.store.queries import get_setting, lab_timezone, lab_today, next_sequence, organisation
from app.store.types import utcnow

if TYPE_CHECKING:  # the PDF side (reportlab) loads when a report is drawn, not with the dashboard
    from app.documents.hazard import HazardData

MIGRATED_NOTE = "迁移自原记录：只记录了上报时间，未记录方式和接收人。"
STATUS_LABELS = {"draft": "待上报", "reported": "已上报"}
ROLES = ("technician", "reviewer", "signatory")
#: the register's source for a hazard found by the lab: Article 10 (五) 技术机构发现的
RISK_SOURCE = 5
#: Article 12 item (三): 可能存在导致重大产品质量安全事故发生的
RISK_KEY_REASON = 3


def upgrade_0006(connection: Any) -> None:
    """Data step of migration 0006, in its transaction: every sample marked as a major hazard
    gets its record — reported when the sample says when it was reported, a draft otherwise."""
    from sqlalchemy.orm import sessionmaker

    factory = sessionmaker(bind=connection, autoflush=False, join_transaction_mode="rollback_only")
    audit.install(factory)
    session = factory()
    session.info["actor"] = "migration:0006"
    try:
        have = set(session.scalars(select(HazardReport.sample_id)))
        samples = session.scalars(select(Sample).where(Sample.major_hazard.is_(True)).order_by(Sample.id))
        for s in samples:
            if s.id in have:
                continue
            reported = s.major_hazard_reported_at
            items = affected_items_of(s)
            session.add(HazardReport(
                sample_id=s.id, task_id=s.task_id,
                status="reported" if reported else "draft",
                found_at=reported or s.updated_at,
                description=(s.major_hazard_note or "").strip() or "（原记录未描述）",
                affected_items=items,
                reason=None if items else "迁移前记录，未注明理由。",
                recipient=s.task.issuing_authority if s.task else None,
                reported_at=reported,
                receipt=MIGRATED_NOTE if reported else None,
            ))
        session.flush()
    finally:
        session.close()


def _requirement(r: ItemResult) -> str:
    # deferred: the testing service is not loaded at start-up (the dashboard imports this module)
    from app.services.testing import requirement_text

    return requirement_text(r.requirement)


def affected_items_of(sample: Sample) -> list[dict[str, Any]]:
    """The sample's nonconforming items, tested or found by an expert panel (``judgement`` "panel"):
    name, requirement, result (the panel's conclusion), unit."""
    panel = {p.item: p.conclusion for p in sample.panel_evaluations}
    out: list[dict[str, Any]] = []
    for r in sample.results:
        if r.judgement == "fail" or (r.judgement == "panel" and r.item in panel):
            by_panel = r.item in panel
            out.append({"item": r.item, "requirement": _requirement(r),
                        "value": (panel[r.item] if by_panel else r.value_text) or "",
                        "unit": r.unit or "", "judgement": "panel" if by_panel else "fail"})
    return out



# --------------------------------------------------------------------------------------------
# Plain data for the GUI
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HazardInput:
    """What the hazard dialog holds. ``items``: the names of the affected items chosen (the
    sample's nonconforming or panel-flagged ones); ``reason`` is needed when none is chosen.
    ``found_at``/``told_at`` are timezone-aware; ``None`` means now (or what the draft has)."""

    description: str = ""
    measures: str = ""
    items: tuple[str, ...] = ()
    reason: str = ""
    recipient: str = ""
    method: str = "upload"
    contact_person: str = ""
    receipt: str = ""
    found_at: dt.datetime | None = None
    told_at: dt.datetime | None = None


@dataclass(frozen=True)
class HazardInfo:
    id: int
    version: int
    number: str
    sample_id: int
    sample_number: str
    product_name: str
    task_number: str
    status: str
    found_by: str
    found_at: dt.datetime
    description: str
    measures: str
    items: tuple[str, ...]
    reason: str
    recipient: str
    method: str
    contact_person: str
    receipt: str
    reported_at: dt.datetime | None
    reported_by: str
    outbox_id: int | None
    outbox_state: str
    risk_information_id: int | None
    has_pdf: bool

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)

    @property
    def method_label(self) -> str:
        # deferred: app.documents.hazard brings reportlab; not loaded at start-up
        from app.documents.hazard import METHOD_LABELS

        return METHOD_LABELS.get(self.method, "")

    @property
    def reported(self) -> bool:
        return self.status == "reported"

    def summary(self, tz: Any = None) -> str:
        """One line for the banner: what was sent, to whom, how, and the receipt when known."""
        if not self.reported:
            return f"重大质量安全风险隐患待上报（{self.number}）：{self.description}"
        when = _local(self.reported_at, tz)
        how = self.method_label or "方式未记录"
        parts = [f"已于 {when} 以{how}向{self.recipient or '（接收部门未记录）'}报送重大质量安全风险隐患报告 {self.number}"]
        if self.contact_person:
            parts.append(f"接报人：{self.contact_person}")
        if self.method == "upload" and not self.receipt:
            # deferred: the outbox is not loaded at start-up (the dashboard imports this module)
            from app.sync.outbox import STATE_LABELS

            parts.append(f"上传状态：{STATE_LABELS.get(self.outbox_state, self.outbox_state or '未入队')}")
        parts.append(f"回执：{self.receipt}" if self.receipt else "回执：尚无")
        return "；".join(parts) + "。"


@dataclass(frozen=True)
class CandidateItem:
    item: str
    requirement: str
    value: str
    unit: str
    judgement: str


@dataclass(frozen=True)
class HazardForm:
    """What the dialog starts from."""

    sample_id: int
    sample_version: int
    sample_number: str
    product_name: str
    task_number: str
    recipient: str  # the task's issuing authority (the organising authority)
    candidates: tuple[CandidateItem, ...]
    draft: HazardInfo | None
    reported: tuple[HazardInfo, ...]
    contact_phone: str
    timezone: str = "Asia/Shanghai"  # the lab's: the dialog's times are read in it

    @property
    def reason_required(self) -> bool:
        return not self.candidates


def _local(ts: dt.datetime | None, tz: Any) -> str:
    if ts is None:
        return "/"
    if ts.tzinfo is None:
        ts = ts.replace(tzinfo=dt.UTC)
    return (ts.astimezone(tz) if tz else ts).strftime("%Y-%m-%d %H:%M")


def _names(session: Session, ids: list[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return {u.id: u.display_name for u in session.scalars(select(User).where(User.id.in_(wanted)))}


def _receipt(h: HazardReport) -> str:
    if h.receipt:
        return h.receipt
    if h.outbox is not None and h.outbox.receipt_number:
        return h.outbox.receipt_number
    return ""


def _info(session: Session, h: HazardReport) -> HazardInfo:
    names = _names(session, [h.found_by_id, h.reported_by_id])
    return HazardInfo(
        id=h.id, version=h.version, number=h.number or "", sample_id=h.sample_id,
        sample_number=h.sample.number, product_name=h.sample.product_name,
        task_number=h.task.number if h.task else "", status=h.status,
        found_by=names.get(h.found_by_id or -1, ""), found_at=h.found_at, description=h.description,
        measures=h.measures or "", items=tuple(i.get("item", "") for i in (h.affected_items or [])),
        reason=h.reason or "", recipient=h.recipient or "", method=h.method or "",
        contact_person=h.contact_person or "", receipt=_receipt(h), reported_at=h.reported_at,
        reported_by=names.get(h.reported_by_id or -1, ""), outbox_id=h.outbox_id,
        outbox_state=h.outbox.state if h.outbox is not None else "",
        risk_information_id=h.risk_information_id, has_pdf=h.file_sha256 is not None,
    )


def _sample(session: Session, sample_id: int) -> Sample:
    s = session.scalar(select(Sample).where(Sample.id == sample_id)
                       .options(selectinload(Sample.results), selectinload(Sample.panel_evaluations)))
    if s is None:
        raise ValidationError("该样品不存在或已被删除。")
    return s


def _hazards(session: Session, sample_id: int) -> list[HazardReport]:
    return list(session.scalars(select(HazardReport).where(HazardReport.sample_id == sample_id)
                                .order_by(HazardReport.id)))


def hazard_form(ctx: Context, sample_id: int) -> HazardForm:
    """The sample, its candidate items, the default recipient and its hazard records."""
    with ctx.uow() as uow:
        s = _sample(uow.session, sample_id)
        records = _hazards(uow.session, sample_id)
        draft = next((h for h in records if h.status == "draft"), None)
        org = organisation(uow.session)
        return HazardForm(
            sample_id=s.id, sample_version=s.version, sample_number=s.number, product_name=s.product_name,
            task_number=s.task.number if s.task else "",
            recipient=(s.task.issuing_authority or "") if s.task else "",
            candidates=tuple(CandidateItem(i["item"], i.get("requirement", ""), i.get("value", ""),
                                           i.get("unit", ""), i.get("judgement", ""))
                             for i in affected_items_of(s)),
            draft=_info(uow.session, draft) if draft else None,
            reported=tuple(_info(uow.session, h) for h in records if h.status == "reported"),
            contact_phone=(org.phone or "") if org else "",
            timezone=str(get_setting(uow.session, "display_timezone") or "Asia/Shanghai"),
        )


def sample_hazards(ctx: Context, sample_id: int) -> list[HazardInfo]:
    with ctx.uow() as uow:
        return [_info(uow.session, h) for h in _hazards(uow.session, sample_id)]


def get_hazard(ctx: Context, hazard_id: int) -> HazardInfo:
    with ctx.uow() as uow:
        return _info(uow.session, get_or_404(uow.session, HazardReport, hazard_id, "该重大风险隐患记录"))


def hazard_banner(session: Session, sample_id: int) -> str:
    """The latest hazard record of the sample in one line (the testing page's banner), or ``""``."""
    records = _hazards(session, sample_id)
    if not records:
        return ""
    draft = next((h for h in records if h.status == "draft"), None)
    latest = draft or records[-1]
    return _info(session, latest).summary(lab_timezone(session))


def hazard_pdf(ctx: Context, hazard_id: int) -> bytes:
    """The report as it was issued (frozen)."""
    with ctx.uow() as uow:
        h = get_or_404(uow.session, HazardReport, hazard_id, "该重大风险隐患记录")
        if h.pdf is None:
            raise ValidationError(f"重大风险隐患记录 {h.number or h.id} 尚未上报，没有出具的报告。")
        return bytes(h.pdf)


# --------------------------------------------------------------------------------------------
# Recording and reporting
# --------------------------------------------------------------------------------------------


def _validate(s: Sample, data: HazardInput, *, reporting: bool, now: dt.datetime) -> dict[str, str]:
    problems: dict[str, str] = {}
    if not data.description.strip():
        problems["description"] = "请描述发现的重大质量安全风险隐患。"
    names = {i["item"] for i in affected_items_of(s)}
    unknown = [i for i in data.items if i not in names]
    if unknown:
        problems["items"] = f"以下项目不是该样品的不符合或专家组评价项目：{'、'.join(unknown)}。"
    if not data.items and not data.reason.strip():
        problems["reason"] = ("该样品没有选定不符合或专家组评价的项目：请说明判定为重大质量安全风险隐患的理由。"
                              if names else
                              "该样品的检验项目均未判定为不符合，也没有专家组评价：请说明判定为重大质量安全风险隐患的理由。")
    if data.method not in HAZARD_METHODS:
        problems["method"] = "请选择报告方式：上传省级系统、电话或当面/书面送达。"
    slack = dt.timedelta(minutes=5)
    if data.found_at is not None and data.found_at > now + slack:
        problems["found_at"] = "发现时间不能晚于现在。"
    if reporting:
        if not (data.recipient.strip() or (s.task.issuing_authority if s.task else "")):
            problems["recipient"] = "请填写接收报告的市场监管部门（组织风险监测的部门）。"
        if data.method in ("phone", "hand") and not data.contact_person.strip():
            problems["contact_person"] = "电话或当面/书面报告时，请填写接报人（被告知的人）。"
        if data.told_at is not None:
            if data.told_at > now + slack:
                problems["told_at"] = "报告时间不能晚于现在。"
            elif data.found_at is not None and data.told_at < data.found_at:
                problems["told_at"] = "报告时间不能早于发现时间。"
    return problems


def _apply(session: Session, ctx: Context, s: Sample, h: HazardReport, data: HazardInput, now: dt.datetime) -> None:
    chosen = [i for i in affected_items_of(s) if i["item"] in set(data.items)]
    h.description = data.description.strip()
    h.measures = data.measures.strip() or None
    h.affected_items = chosen
    h.reason = data.reason.strip() or None
    h.recipient = data.recipient.strip() or ((s.task.issuing_authority or None) if s.task else None)
    h.method = data.method
    h.contact_person = data.contact_person.strip() or None
    if data.found_at is not None:
        h.found_at = data.found_at
    elif h.found_at is None:
        h.found_at = now
    # the sample's own columns stay in step with the record (older views and exports read them)
    s.major_hazard = True
    s.major_hazard_note = h.description


def _new(session: Session, ctx: Context, s: Sample, now: dt.datetime) -> HazardReport:
    year = now.astimezone(lab_timezone(session)).year
    seq = next_sequence(session, f"hazard-{year}")
    h = HazardReport(sample_id=s.id, task_id=s.task_id, number=f"{year}-YH-{seq:04d}", status="draft",
                     found_by_id=ctx.user.id, created_by_id=ctx.user.id, affected_items=[])
    session.add(h)
    return h


def _load(session: Session, s: Sample, hazard_id: int | None, version: int | None) -> HazardReport | None:
    if hazard_id is None:
        return None
    h = session.get(HazardReport, hazard_id)
    check_version(h, version, "该重大风险隐患记录")
    assert h is not None
    if h.sample_id != s.id:
        raise ValidationError("该重大风险隐患记录不属于这个样品。")
    if h.status != "draft":
        raise ValidationError(f"重大风险隐患报告 {h.number} 已上报，不能再修改。")
    return h


def save_hazard(ctx: Context, sample_id: int, data: HazardInput, *, hazard_id: int | None = None,
                version: int | None = None) -> HazardInfo:
    """Record a hazard found (a draft, not reported yet): the dashboard's clock starts at
    ``found_at`` and runs until it is reported."""
    ctx.require(*ROLES, action="记录重大风险隐患")
    now = utcnow()
    with ctx.uow() as uow:
        s = _sample(uow.session, sample_id)
        problems = _validate(s, data, reporting=False, now=now)
        if problems:
            raise ValidationError(problems)
        h = _load(uow.session, s, hazard_id, version) or _new(uow.session, ctx, s, now)
        _apply(uow.session, ctx, s, h, data, now)
        uow.session.flush()
        info = _info(uow.session, h)
        uow.commit()
        return info


def _document(session: Session, h: HazardReport, *, reporter: str, draft: bool = False,
              issued: dt.datetime | None = None) -> HazardData:
    # deferred: reportlab and the documents services load when a hazard report is made, not at start-up
    from app.documents.hazard import HazardData, HazardItem
    from app.services.documents._common import _lab

    tz = lab_timezone(session)
    s = h.sample
    names = _names(session, [h.found_by_id])
    when = issued or utcnow()
    items = tuple(HazardItem(i.get("item", ""), i.get("requirement", ""), i.get("value", ""), i.get("unit", ""),
                             i.get("judgement", "")) for i in (h.affected_items or []))
    found = h.found_at if h.found_at.tzinfo else h.found_at.replace(tzinfo=dt.UTC)
    lab = _lab(session)
    return HazardData(
        number=h.number or "", lab=lab, recipient=h.recipient or "", sample_number=s.number,
        product_name=s.product_name, description=h.description, found_by=names.get(h.found_by_id or -1, ""),
        found_at=found.astimezone(tz), issue_date=when.astimezone(tz).date(),
        task_number=s.task.number if s.task else "", task_title=s.task.title if s.task else "",
        brand=s.brand or "", model_spec=s.model_spec or "", batch_number=s.batch_number or "",
        production_date=s.production_date, sampling_date=s.sampling_date,
        sampled=s.sampled_party.name if s.sampled_party else "",
        nominal_producer=s.nominal_producer.name if s.nominal_producer else "",
        items=items, reason=h.reason or "", measures=h.measures or "", reported_by=reporter,
        method=h.method or "", contact_person=h.contact_person or "", contact_phone=lab.phone, draft=draft,
    )


def preview_hazard(ctx: Context, sample_id: int, data: HazardInput, *, hazard_id: int | None = None) -> bytes:
    """The report as it would be issued, marked 预览; nothing is written."""
    # deferred: reportlab loads only when a PDF is made
    from app.documents.hazard import render_hazard

    now = utcnow()
    with ctx.uow() as uow:
        s = _sample(uow.session, sample_id)
        problems = _validate(s, data, reporting=True, now=now)
        if problems:
            raise ValidationError(problems)
        with uow.session.no_autoflush:
            existing = uow.session.get(HazardReport, hazard_id) if hazard_id is not None else None
            h = HazardReport(sample=s, task=s.task, number=(existing.number if existing else "（上报时编号）"),
                             found_by_id=existing.found_by_id if existing else ctx.user.id,
                             found_at=existing.found_at if existing else now, affected_items=[])
            _apply(uow.session, ctx, s, h, data, now)
            doc = _document(uow.session, h, reporter=ctx.user.display_name, draft=True)
        return render_hazard(doc)  # the unit of work is not committed: nothing of the preview stays


def _package(session: Session, h: HazardReport, pdf: bytes) -> Any:
    # deferred: the dashboard imports this module at start-up; these load when a hazard report is made
    from app.documents.data import PackageManifestData
    from app.services.deliverables import _built
    from app.services.documents._common import _lab
    from app.services.documents.package import aware, package_task

    name = f"hazard/{h.number}-重大质量安全风险隐患报告.pdf"
    stamp = "%Y-%m-%dT%H:%M:%SZ"
    reported = aware(h.reported_at)
    found = aware(h.found_at)
    assert reported is not None and found is not None
    manifest = PackageManifestData(
        lab=_lab(session), task=package_task(h.task), samples=(), created_at=reported, package_kind="hazard",
        hazard={
            "number": h.number, "sample_number": h.sample.number, "product_name": h.sample.product_name,
            "recipient": h.recipient or "", "description": h.description, "measures": h.measures or "",
            "reason": h.reason or "", "method": h.method,
            "found_at": found.astimezone(dt.UTC).strftime(stamp),
            "reported_at": reported.astimezone(dt.UTC).strftime(stamp),
            "items": [dict(i) for i in (h.affected_items or [])], "file": name,
        },
    )
    return _built(session, manifest, {name: (pdf, "hazard", h.id)})


def _register(session: Session, ctx: Context, h: HazardReport) -> RiskInformation:
    """The hazard's 即时报送 entry in the risk register (Articles 10–12): found by the lab, key
    (Article 12 (三)), reported."""
    s = h.sample
    items = "、".join(i.get("item", "") for i in (h.affected_items or []))
    info = RiskInformation(
        received_date=lab_today(session), source=RISK_SOURCE,
        title=f"重大质量安全风险隐患：{s.product_name}（样品 {s.number}）"[:300],
        description=h.description + (f"（涉及项目：{items}）" if items else ""),
        product=s.product_name, key_risk=True, key_reasons=[RISK_KEY_REASON], status="reported",
        created_by_id=ctx.user.id,
    )
    session.add(info)
    session.flush()
    session.add(RiskInformationSample(risk_information_id=info.id, sample_id=s.id))
    return info


def report_hazard(ctx: Context, sample_id: int, data: HazardInput, *, hazard_id: int | None = None,
                  version: int | None = None) -> HazardInfo:
    """重大质量安全风险隐患 reported at once (Article 18 ¶3), in one transaction: the record (a new
    one, or the draft ``hazard_id``), its report frozen and signed, its 即时报送 entry in the risk
    register and — for ``upload`` — its ``hazard`` outbox item, which goes ahead of the queue.
    By phone or by hand the record says who was told and when."""
    # deferred: the dashboard imports this module at start-up; these load when a hazard report is made
    from app.documents.hazard import render_hazard
    from app.services.deliverables import _signer, lab_key
    from app.services.documents.issue import issue
    from app.sync import outbox

    ctx.require(*ROLES, action="上报重大风险隐患")
    now = utcnow()
    with ctx.uow() as uow:
        session = uow.session
        s = _sample(session, sample_id)
        problems = _validate(s, data, reporting=True, now=now)
        if problems:
            raise ValidationError(problems)
        h = _load(session, s, hazard_id, version) or _new(session, ctx, s, now)
        _apply(session, ctx, s, h, data, now)
        h.status = "reported"
        h.reported_at = data.told_at if data.method != "upload" and data.told_at is not None else now
        h.reported_by_id = ctx.user.id
        h.receipt = data.receipt.strip() or None
        session.flush()
        signer = _signer(session)
        pdf = issue(_document(session, h, reporter=ctx.user.display_name, issued=now), render_hazard, signer)
        h.pdf = pdf
        h.file_sha256 = hashlib.sha256(pdf).hexdigest()
        h.issued_at = now
        h.risk_information_id = _register(session, ctx, h).id
        session.flush()
        if h.method == "upload":
            built = _package(session, h, pdf)
            item = outbox.enqueue(session, "hazard", package=built.package, recipe=built.recipe, task_id=h.task_id,
                                  sample_id=s.id, ref_id=h.id, lab=lab_key(session))
            h.outbox_id = item.id
        s.major_hazard_reported_at = h.reported_at
        session.flush()
        info = _info(session, h)
        uow.commit()
        return info


def record_receipt(ctx: Context, hazard_id: int, version: int, receipt: str) -> HazardInfo:
    """The province's receipt number, or a note of the acknowledgement, once known."""
    ctx.require(*ROLES, action="登记重大风险隐患报告回执")
    if not receipt.strip():
        raise ValidationError({"receipt": "请填写回执编号或说明。"})
    with ctx.uow() as uow:
        h = uow.session.get(HazardReport, hazard_id)
        check_version(h, version, "该重大风险隐患记录")
        assert h is not None
        if h.status != "reported":
            raise ValidationError("尚未上报的重大风险隐患不能登记回执。")
        h.receipt = receipt.strip()
        uow.session.flush()
        info = _info(uow.session, h)
        uow.commit()
        return info


def delete_draft(ctx: Context, hazard_id: int, version: int) -> None:
    """Withdraw a hazard recorded by mistake, before it was reported."""
    ctx.require(*ROLES, action="撤销重大风险隐患记录")
    with ctx.uow() as uow:
        h = uow.session.get(HazardReport, hazard_id)
        check_version(h, version, "该重大风险隐患记录")
        assert h is not None
        if h.status != "draft":
            raise ValidationError(f"重大风险隐患报告 {h.number} 已上报，不能撤销。")
        s = h.sample
        uow.session.delete(h)
        uow.session.flush()
        if not _hazards(uow.session, s.id):
            s.major_hazard = False
            s.major_hazard_note = None
        uow.commit()


# --------------------------------------------------------------------------------------------
# Dashboard
# --------------------------------------------------------------------------------------------


__all__ = ["HazardForm", "HazardInfo", "HazardInput", "get_hazard", "hazard_form",
           "hazard_pdf", "preview_hazard", "record_receipt", "report_hazard",
           "sample_hazards", "save_hazard"]
