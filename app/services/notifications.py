"""告知: telling the parties of a problem sample (Article 18 ¶2), the letters, and their delivery.

A sample whose approved test report found problems gets one notification record per party that
``app.rules.notify`` names (the sampled producer or seller, the nominal producer and, for platform
samples, the platform operator; one record per enterprise with all its roles). The letters (告知书)
are rendered from the same data in batch into a folder; the record keeps the letter's number, when
and how it was sent, and the acknowledgement. A replacement report (amendment) needs new records:
its sample shows up again as awaiting notification.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app import clock
from app.documents._io import safe_file_name, write_files
from app.errors import NotFoundError, ValidationError
from app.services import deliverables, permissions
from app.services._common import ATTACHMENT_LIMIT, RECEIPT_TYPES, check_version, get_or_404, receipt_type  # noqa: F401
from app.services.context import Context
from app.services.documents.notices import _notice_parties, notice_number
from app.services.records import current_report as _current_report
from app.store.models import NOTIFICATION_METHODS, Attachment, MonitoringTask, Notification, Report, Sample

METHOD_LABELS = {
    "post": "邮寄",
    "email": "电子邮件",
    "hand": "直接送达",
    "platform": "通过电商平台送达",
    "other": "其他方式",
}
STATE_LABELS = {"not_sent": "未送达", "sent": "已送达", "acknowledged": "已签收"}
ROLE_LABELS = {
    "sampled_producer": "被抽样生产者",
    "sampled_seller": "被抽样销售者",
    "nominal_producer": "标称生产企业",
    "platform_operator": "电商平台经营者",
}
DELIVERY_ROLES = permissions.DELIVERY_ROLES
NOTE_MAX = 2000
#: 回执扫描件: kept as an attachment of the notice's sample (kind ``other``) named
#: ``送达回执-<record id>-<告知书编号>-<addressee>.<ext>``: the name ties it to its notification record
RECEIPT_PREFIX = "送达回执"
@dataclass(frozen=True)
class ReceiptInfo:
    """A scan of the signed receipt (回执) of a notice."""

    id: int
    filename: str
    size: int
    mime: str


@dataclass(frozen=True)
class NotificationInfo:
    id: int
    version: int
    sample_id: int
    sample_number: str
    product_name: str
    report_id: int | None
    report_number: str
    report_current: bool  # the record belongs to the sample's current report (not a replaced one)
    document_number: str  # 告知书编号
    recipient: str
    uscc: str
    roles: tuple[str, ...]
    out_of_province: bool
    confidential: bool
    sent_date: dt.date | None
    method: str
    acknowledged_date: dt.date | None
    ack_note: str
    receipts: tuple[ReceiptInfo, ...] = ()
    #: deliver / attach_receipt for the user who asked (:func:`app.services.permissions.notice_actions`)
    allowed_actions: permissions.Allowed = field(default=permissions.NONE, compare=False)

    @property
    def state(self) -> str:
        if self.acknowledged_date is not None:
            return "acknowledged"
        return "sent" if self.sent_date is not None else "not_sent"

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]

    @property
    def method_label(self) -> str:
        return METHOD_LABELS.get(self.method, self.method)

    @property
    def roles_label(self) -> str:
        return "、".join(ROLE_LABELS.get(r, r) for r in self.roles)


@dataclass(frozen=True)
class TaskNotifications:
    """The notification records of a task, and the approved problem samples that have none yet."""

    rows: tuple[NotificationInfo, ...]
    awaiting: tuple[str, ...]  # sample numbers
    #: generate for the user who asked (:func:`app.services.permissions.notice_actions`)
    allowed_actions: permissions.Allowed = field(default=permissions.NONE, compare=False)

    @property
    def not_sent(self) -> int:
        return sum(1 for r in self.rows if r.report_current and r.state == "not_sent")


@dataclass(frozen=True)
class NoticeBatch:
    """What a batch of letters left in ``folder``."""

    folder: Path
    paths: tuple[Path, ...]
    total: int

    @property
    def cancelled(self) -> bool:
        return len(self.paths) < self.total


def _receipt_prefix(notification_id: int) -> str:
    return f"{RECEIPT_PREFIX}-{notification_id}-"


def _receipts(session: Session, records: list[Notification]) -> dict[int, tuple[ReceiptInfo, ...]]:
    """The receipt scans of ``records`` (one query), by notification id."""
    if not records:
        return {}
    sample_ids = sorted({n.sample_id for n in records})
    rows = []
    for start in range(0, len(sample_ids), 500):
        rows += session.execute(
            select(Attachment.id, Attachment.sample_id, Attachment.filename, Attachment.size, Attachment.mime)
            .where(Attachment.sample_id.in_(sample_ids[start:start + 500]), Attachment.kind == "other",
                   Attachment.filename.startswith(f"{RECEIPT_PREFIX}-", autoescape=True))
            .order_by(Attachment.id)
        ).all()
    out: dict[int, tuple[ReceiptInfo, ...]] = {}
    for n in records:
        prefix = _receipt_prefix(n.id)
        out[n.id] = tuple(ReceiptInfo(a_id, name, size, mime or "") for a_id, sid, name, size, mime in rows
                          if sid == n.sample_id and name.startswith(prefix))
    return out


def _info(n: Notification, current_ids: set[int], receipts: tuple[ReceiptInfo, ...] = (),
          user: permissions.User | None = None) -> NotificationInfo:
    s = n.sample
    current = n.report_id in current_ids
    return NotificationInfo(
        id=n.id,
        version=n.version,
        sample_id=n.sample_id,
        sample_number=s.number,
        product_name=s.product_name,
        report_id=n.report_id,
        report_number=n.report.number if n.report else "",
        report_current=current,
        document_number=n.document_number or "",
        recipient=n.recipient_name,
        uscc=(n.enterprise.uscc or "") if n.enterprise else "",
        roles=tuple(str(r) for r in (n.roles or ())),
        out_of_province=bool(n.out_of_province),
        confidential=bool(n.confidential),
        sent_date=n.sent_date,
        method=n.method or "",
        acknowledged_date=n.acknowledged_date,
        ack_note=n.ack_note or "",
        receipts=receipts,
        allowed_actions=(permissions.notice_actions(user, report_current=current) if user is not None
                         else permissions.NONE),
    )


# ----------------------------------------------------------------------------------- creating the records
def _approved_current(session: Session, s: Sample) -> Report | None:
    report = _current_report(session, s.id)
    return report if report is not None and report.status == "approved" else None


def _records_for(session: Session, sample_id: int, report_id: int) -> list[Notification]:
    return list(session.scalars(
        select(Notification).where(Notification.sample_id == sample_id, Notification.report_id == report_id)
        .order_by(Notification.id)
    ))


def create_for_sample(session: Session, s: Sample) -> list[Notification]:
    """Issue the notices of the sample's current approved report when not yet issued (in
    ``session``, flushed, not committed): one record per party, each letter frozen, and queued
    for upload (:func:`app.services.deliverables.issue_notices`). Nothing for a sample without
    problems."""
    report = _approved_current(session, s)
    if report is None:
        raise ValidationError(f"样品 {s.number} 的检验报告尚未批准，不能出具告知书。")
    return deliverables.issue_notices(session, s, report)


def create_notifications(ctx: Context, sample_id: int) -> list[NotificationInfo]:
    """告知记录 of one problem sample (one per party), created once per approved report."""
    permissions.notice_actions(ctx.user).require("generate")
    with ctx.uow() as uow:
        s = get_or_404(uow.session, Sample, sample_id, "该样品")
        records = create_for_sample(uow.session, s)
        infos = [_info(n, {n.report_id} if n.report_id else set(), user=ctx.user) for n in records]
        uow.commit()
    return infos


def _task_problem_samples(session: Session, task_id: int) -> list[tuple[Sample, Report]]:
    """The task's samples whose current report is approved and found problems."""
    out = []
    samples = session.scalars(
        select(Sample).where(Sample.task_id == task_id, Sample.problems_found.is_(True),
                             Sample.completed_date.is_not(None)).order_by(Sample.number)
    )
    for s in samples:
        report = _approved_current(session, s)
        if report is not None:
            out.append((s, report))
    return out


def create_task_notifications(ctx: Context, task_id: int) -> int:
    """Create the missing records of every approved problem sample of the task; returns how many."""
    permissions.notice_actions(ctx.user).require("generate")
    with ctx.uow() as uow:
        get_or_404(uow.session, MonitoringTask, task_id, "该任务")
        count = 0
        for s, report in _task_problem_samples(uow.session, task_id):
            if not _records_for(uow.session, s.id, report.id):
                count += len(create_for_sample(uow.session, s))
        uow.commit()
    return count


# ----------------------------------------------------------------------------------- listing
def list_notifications(ctx: Context, task_id: int) -> TaskNotifications:
    """The task's notification records by sample, newest report first within a sample."""
    with ctx.uow() as uow:
        session = uow.session
        get_or_404(session, MonitoringTask, task_id, "该任务")
        pending = _task_problem_samples(session, task_id)
        current_ids = {r.id for _, r in pending}
        records = list(session.scalars(
            select(Notification).join(Sample, Sample.id == Notification.sample_id)
            .where(Sample.task_id == task_id)
            .options(selectinload(Notification.sample), selectinload(Notification.report),
                     selectinload(Notification.enterprise))
            .order_by(Sample.number, Notification.report_id.desc(), Notification.id)
        ))
        with_records = {(n.sample_id, n.report_id) for n in records}
        awaiting = tuple(s.number for s, r in pending if (s.id, r.id) not in with_records)
        scans = _receipts(session, records)
        return TaskNotifications(tuple(_info(n, current_ids, scans.get(n.id, ()), ctx.user) for n in records),
                                 awaiting, permissions.notice_actions(ctx.user))


def get_notification(ctx: Context, notification_id: int) -> NotificationInfo:
    with ctx.uow() as uow:
        n = get_or_404(uow.session, Notification, notification_id, "该告知记录")
        current = _current_report(uow.session, n.sample_id)
        return _info(n, {current.id} if current is not None else set(), _receipts(uow.session, [n])[n.id],
                     ctx.user)


# ----------------------------------------------------------------------------------- delivery
def record_delivery(ctx: Context, notification_id: int, version: int | None, *, sent_date: dt.date | None,
                    method: str, acknowledged_date: dt.date | None = None, ack_note: str = "",
                    today: dt.date | None = None) -> NotificationInfo:
    """送达登记: when and how the letter was sent, and when it was acknowledged (签收/回执)."""
    permissions.notice_actions(ctx.user).require("deliver")  # the user's roles; the letter's state below
    today = today or clock.today()
    errors: dict[str, str] = {}
    if method not in NOTIFICATION_METHODS:
        errors["method"] = "请选择送达方式。"
    if sent_date is None:
        errors["sent_date"] = "请填写送达日期。"
    elif sent_date > today:
        errors["sent_date"] = "送达日期不能晚于今天。"
    if acknowledged_date is not None:
        if acknowledged_date > today:
            errors["acknowledged_date"] = "签收日期不能晚于今天。"
        elif sent_date is not None and acknowledged_date < sent_date:
            errors["acknowledged_date"] = "签收日期不能早于送达日期。"
    if len(ack_note.strip()) > NOTE_MAX:
        errors["ack_note"] = f"回执说明不能超过 {NOTE_MAX} 字。"
    if errors:
        raise ValidationError(errors)
    with ctx.uow() as uow:
        n = uow.session.get(Notification, notification_id)
        check_version(n, version, "该告知记录")
        current = _current_report(uow.session, n.sample_id)
        permissions.notice_actions(ctx.user, report_current=current is not None and current.id == n.report_id
                                   ).require("deliver")
        # the user's dates are the lab's calendar dates (as ``today`` above), so the approval
        # time is read in the lab's time zone too
        approved = clock.local(n.report.approved_at).date() if n.report and n.report.approved_at else None
        if approved is not None and sent_date is not None and sent_date < approved:
            raise ValidationError({"sent_date": f"送达日期不能早于检验报告批准日期（{approved.isoformat()}）。"})
        n.sent_date = sent_date
        n.method = method
        n.acknowledged_date = acknowledged_date
        n.ack_note = ack_note.strip() or None
        uow.session.flush()
        info = _info(n, {current.id} if current is not None else set(), _receipts(uow.session, [n])[n.id],
                     ctx.user)
        uow.commit()
    return info


# ----------------------------------------------------------------------------------- receipt scans
def add_receipt(ctx: Context, notification_id: int, path: str | Path) -> ReceiptInfo:
    """回执扫描件: keep the scan of the signed receipt of a notice (PDF, JPEG or PNG, at most 20 MB)
    with its delivery record."""
    permissions.notice_actions(ctx.user).require("attach_receipt")  # the user's roles; the letter's state below
    path = Path(path)
    try:
        with path.open("rb") as fh:
            content = fh.read(ATTACHMENT_LIMIT + 1)
    except OSError as exc:
        raise ValidationError(f"无法读取文件 {path.name}：{exc.strerror or exc}") from exc
    if not content:
        raise ValidationError(f"文件 {path.name} 是空的。")
    if len(content) > ATTACHMENT_LIMIT:
        raise ValidationError(f"文件 {path.name} 超过 {ATTACHMENT_LIMIT // (1024 * 1024)} MB，请压缩后再添加。")
    kind = receipt_type(content)
    if kind is None:
        raise ValidationError(f"文件 {path.name} 不是 PDF、JPEG 或 PNG 文件：回执扫描件请存为这三种格式之一。")
    ext, mime = kind
    with ctx.uow() as uow:
        n = get_or_404(uow.session, Notification, notification_id, "该告知记录")
        current = _current_report(uow.session, n.sample_id)
        permissions.notice_actions(ctx.user, report_current=current is not None and current.id == n.report_id
                                   ).require("attach_receipt")
        name = safe_file_name(f"{_receipt_prefix(n.id)}{n.document_number or '告知书'}-{n.recipient_name}") + ext
        att = Attachment(sample_id=n.sample_id, kind="other", filename=name, mime=mime,
                         sha256=hashlib.sha256(content).hexdigest(), size=len(content), content=content,
                         uploaded_by_id=ctx.user.id)
        uow.session.add(att)
        uow.session.flush()
        info = ReceiptInfo(att.id, att.filename, att.size, mime)
        uow.commit()
    return info


def receipt_content(ctx: Context, attachment_id: int) -> tuple[str, bytes]:
    """The file name and bytes of a receipt scan, to open it."""
    with ctx.uow() as uow:
        att = get_or_404(uow.session, Attachment, attachment_id, "该回执扫描件")
        if att.kind != "other" or not att.filename.startswith(f"{RECEIPT_PREFIX}-"):
            raise NotFoundError("该回执扫描件不存在或已被删除。")
        return att.filename, bytes(att.content)


# ----------------------------------------------------------------------------------- the letters
def notice_pdf(ctx: Context, notification_id: int) -> bytes:
    """The letter of one record, exactly as issued (its frozen bytes)."""
    with ctx.uow() as uow:
        n = get_or_404(uow.session, Notification, notification_id, "该告知记录")
        if n.pdf is None:  # issued before letters were frozen: frozen now, once
            pdf = deliverables.frozen_notice_pdf(uow.session, n)
            uow.commit()
            return pdf
        return bytes(n.pdf)


@dataclass(frozen=True)
class PlannedNotice:
    """One letter a batch would write: for which sample, to whom, under which file name."""

    sample_id: int
    sample_number: str
    recipient: str
    roles: tuple[str, ...]
    document_number: str
    file_name: str
    issued: bool  # the notice exists already (written again as issued); else it is issued by the batch

    @property
    def roles_label(self) -> str:
        return "、".join(ROLE_LABELS.get(r, r) for r in self.roles)


@dataclass(frozen=True)
class NoticePlan:
    """The letters of the chosen samples, before anything is written."""

    task_id: int
    notices: tuple[PlannedNotice, ...]

    @property
    def sample_ids(self) -> tuple[int, ...]:
        return tuple(dict.fromkeys(n.sample_id for n in self.notices))


def _file_name(number: str, recipient: str) -> str:
    return safe_file_name(f"{number}-{recipient}") + ".pdf"


def _chosen(session: Session, task_id: int, sample_ids: Iterable[int] | None) -> list[tuple[Sample, Report]]:
    """The task's approved problem samples, or only ``sample_ids`` of them; a chosen sample that has
    nothing to notify is refused by name."""
    get_or_404(session, MonitoringTask, task_id, "该任务")
    candidates = _task_problem_samples(session, task_id)
    if sample_ids is None:
        if not candidates:
            raise ValidationError("该任务没有需要告知的样品（已批准且发现问题的样品）。")
        return candidates
    wanted = list(dict.fromkeys(int(i) for i in sample_ids))
    if not wanted:
        raise ValidationError("请先选择要出具告知书的样品。")
    by_id = {s.id: (s, r) for s, r in candidates}
    refused = []
    for sid in wanted:
        if sid not in by_id:
            s = session.get(Sample, sid)
            if s is None or s.task_id != task_id:
                raise NotFoundError("所选样品不属于该任务。")
            refused.append(s.number)
    if refused:
        raise ValidationError(f"样品 {'、'.join(refused)} 的检验报告尚未批准或未发现问题，没有需要告知的单位。")
    return [by_id[sid] for sid in sorted(wanted, key=lambda i: by_id[i][0].number)]


def plan_notices(ctx: Context, task_id: int, sample_ids: Iterable[int] | None = None) -> NoticePlan:
    """The letters :func:`generate_notices` would write for ``sample_ids`` (all of the task's
    approved problem samples when None): sample, addressee, roles, file name — nothing is written."""
    permissions.notice_actions(ctx.user).require("generate")
    with ctx.uow() as uow:
        planned: list[PlannedNotice] = []
        for s, report in _chosen(uow.session, task_id, sample_ids):
            records = _records_for(uow.session, s.id, report.id)
            if records:
                planned += [PlannedNotice(s.id, s.number, n.recipient_name, tuple(n.roles or ()),
                                          n.document_number or str(n.id),
                                          _file_name(n.document_number or str(n.id), n.recipient_name), True)
                            for n in records]
            else:
                planned += [PlannedNotice(s.id, s.number, p.name, tuple(p.roles), notice_number(report.number, i),
                                          _file_name(notice_number(report.number, i), p.name), False)
                            for i, p in enumerate(_notice_parties(s), 1)]
    return NoticePlan(task_id, tuple(planned))


def generate_notices(ctx: Context, task_id: int, folder: str | Path, *,
                     sample_ids: Iterable[int] | None = None,
                     progress: Callable[[int, int], None] | None = None,
                     cancelled: Callable[[], bool] | None = None) -> NoticeBatch:
    """Create the missing records, then write the current letters of ``sample_ids`` (every approved
    problem sample of the task when None) into ``folder`` — what :func:`plan_notices` listed.

    ``progress(done, total)`` follows each file; the batch stops before the next file when
    ``cancelled()`` (or ``progress.cancelled``) is true, keeping the files already written (each
    complete). File names are ``<告知书编号>-<addressee>.pdf``.
    """
    permissions.notice_actions(ctx.user).require("generate")
    with ctx.uow() as uow:
        notices: list[tuple[str, bytes]] = []
        for s, _report in _chosen(uow.session, task_id, sample_ids):
            for n in create_for_sample(uow.session, s):
                name = _file_name(n.document_number or str(n.id), n.recipient_name)
                notices.append((name, deliverables.frozen_notice_pdf(uow.session, n)))
        uow.commit()
    if not notices:
        raise ValidationError("所选样品没有需要告知的单位。")

    def stop() -> bool:
        return bool((cancelled is not None and cancelled()) or getattr(progress, "cancelled", False))

    def report_progress(done: int, total: int) -> None:
        if progress is not None and not stop():
            progress(done, total)

    try:
        paths = write_files(notices, folder, progress=report_progress, cancelled=stop)
    except OSError as exc:
        raise ValidationError(f"无法写入文件夹 {folder}：{exc.strerror or exc}") from exc
    return NoticeBatch(Path(folder), tuple(paths), len(notices))
