"""The ORM classes of the lab's records, mapped onto the tables of ``app.store.tables``.

The schema itself (columns, constraints, indexes, the allowed values) is defined once, in
``app.store.tables``; each class here names its table (``__table__``) and adds what the ORM needs:
the column annotations for typing, relationships, deferred loading of large binary content
(attachments, report PDFs, outbox packages: loaded only when the attribute is read, so lists stay
light) and, for every mutable table, the ``version`` column as the mapper's ``version_id_col``
(optimistic concurrency: a stale write raises, see ``uow.py``). The allowed values and the
settings' defaults are re-exported here for the modules that already name them from the models.
"""

from __future__ import annotations

import datetime as _dt
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    declared_attr,
    deferred,
    relationship,
)

from app.store import tables
from app.store.tables import (  # noqa: F401 - re-exported: the allowed values and settings' defaults
    AMENDMENT_STATUSES,
    ATTACHMENT_KINDS,
    AUDIT_ACTIONS,
    AUDITED_TABLES,
    AUTHORITY_LEVELS,
    CALENDAR_KINDS,
    CLAIM_SOURCES,
    ENTERPRISE_SIZES,
    HAZARD_METHODS,
    HAZARD_STATUSES,
    IMMEDIATE_REPORT_METHODS,
    JUDGEMENTS,
    LAB_ASSET_KINDS,
    NON_BUSINESS_COLUMNS,
    NON_BUSINESS_TABLES,
    NOTIFICATION_METHODS,
    OUTBOX_KINDS,
    OUTBOX_STATES,
    PLACE_TYPES,
    REPORT_KINDS,
    REPORT_STATUSES,
    RISK_INFO_STATUSES,
    ROLES,
    SAMPLE_STATUSES,
    SCHEME_EVENT_KINDS,
    SCHEME_STANDARD_ROLES,
    SCHEME_STATUSES,
    SETTING_DEFAULTS,
    STANDARD_KINDS,
    SUBMISSION_METHODS,
    TASK_STATUSES,
    postgresql_options,
)


class Base(DeclarativeBase):
    metadata = tables.metadata


class Versioned:
    """Integer key, optimistic-lock version and creation/update timestamps (the columns are the
    table's: ``app.store.tables``)."""

    id: Mapped[int]
    version: Mapped[int]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:  # noqa: N805
        return {"version_id_col": cls.__table__.c.version}  # type: ignore[attr-defined]

    def __repr__(self) -> str:
        return f"<{type(self).__name__} id={self.id!r} v{self.version!r}>"


# --------------------------------------------------------------------------------------------
# Lab, settings, users
# --------------------------------------------------------------------------------------------


class Organisation(Versioned, Base):
    """The lab itself (检验检测机构); exactly one row, id 1."""

    __table__ = tables.organisation

    name: Mapped[str]
    cma_number: Mapped[str | None]  # CMA证书编号
    address: Mapped[str | None]
    phone: Mapped[str | None]


class Setting(Versioned, Base):
    """Lab-wide setting: key → JSON value. Missing keys take ``SETTING_DEFAULTS``."""

    __table__ = tables.settings

    key: Mapped[str]
    value: Mapped[Any]


class User(Versioned, Base):
    __table__ = tables.users

    username: Mapped[str]
    display_name: Mapped[str]
    password_hash: Mapped[str]  # argon2
    roles: Mapped[list[Any]]  # subset of ROLES
    active: Mapped[bool]
    last_login_at: Mapped[datetime | None]

    def has_role(self, role: str) -> bool:
        return role in (self.roles or [])


class Enterprise(Versioned, Base):
    """A producer, seller or platform operator (企业)."""

    __table__ = tables.enterprises

    name: Mapped[str]
    uscc: Mapped[str | None]  # 统一社会信用代码
    address: Mapped[str | None]
    contact: Mapped[str | None]
    phone: Mapped[str | None]
    region_code: Mapped[str | None]  # 行政区划代码
    size: Mapped[str | None]


# --------------------------------------------------------------------------------------------
# Tasks and schemes
# --------------------------------------------------------------------------------------------


class MonitoringTask(Versioned, Base):
    """风险监测任务 received from the organising market regulator."""

    __table__ = tables.monitoring_tasks

    number: Mapped[str]
    title: Mapped[str]
    issuing_authority: Mapped[str | None]
    #: where objections and re-test applications go (异议受理单位); by default the issuing authority
    objection_authority: Mapped[str | None]
    authority_level: Mapped[str | None]
    product_category: Mapped[str | None]
    plan_year: Mapped[int | None]
    batches_planned: Mapped[int | None]
    sampling_deadline: Mapped[date | None]
    report_deadline: Mapped[date | None]
    status: Mapped[str]
    notes: Mapped[str | None]

    schemes: Mapped[list[Scheme]] = relationship(
        back_populates="task", cascade="all, delete-orphan", order_by="Scheme.id"
    )


class Scheme(Versioned, Base):
    """风险监测方案 for one product of a task."""

    __table__ = tables.schemes

    task_id: Mapped[int]
    product: Mapped[str]
    status: Mapped[str]
    #: 版本: 1 for the first scheme; a revision of a confirmed scheme is a new row with the next number
    revision: Mapped[int]
    previous_id: Mapped[int | None]  # the version it revises
    drafted_by_id: Mapped[int | None]
    submitted_by_id: Mapped[int | None]
    submitted_at: Mapped[datetime | None]
    reviewed_by_id: Mapped[int | None]
    reviewed_at: Mapped[datetime | None]
    review_comment: Mapped[str | None]
    #: the authority's confirmation (任务下达部门确认), as recorded by a lab user
    confirmed_by_id: Mapped[int | None]
    confirmed_at: Mapped[datetime | None]
    authority_document: Mapped[str | None]  # 确认文号
    authority_date: Mapped[date | None]  # 确认日期

    task: Mapped[MonitoringTask] = relationship(back_populates="schemes")
    items: Mapped[list[SchemeItem]] = relationship(
        back_populates="scheme", cascade="all, delete-orphan", order_by="SchemeItem.seq"
    )
    standards: Mapped[list[SchemeStandard]] = relationship(
        back_populates="scheme", cascade="all, delete-orphan", order_by="SchemeStandard.seq"
    )
    events: Mapped[list[SchemeEvent]] = relationship(
        back_populates="scheme", cascade="all, delete-orphan", order_by="SchemeEvent.id"
    )
    previous: Mapped[Scheme | None] = relationship(remote_side="Scheme.id", foreign_keys="Scheme.previous_id")


class SchemeEvent(Versioned, Base):
    """One step of a scheme's history, never changed once written: a submission, a return with
    the reviewer's comment, the internal review, the authority's confirmation (document number,
    date and the file it sent, kept here), a revision, the version it replaced being superseded."""

    __table__ = tables.scheme_events

    scheme_id: Mapped[int]
    kind: Mapped[str]
    actor_id: Mapped[int | None]
    at: Mapped[datetime]
    comment: Mapped[str | None]
    document_number: Mapped[str | None]  # 确认文号
    document_date: Mapped[date | None]
    filename: Mapped[str | None]
    mime: Mapped[str | None]
    sha256: Mapped[str | None]
    size: Mapped[int | None]
    content: Mapped[bytes | None] = deferred(tables.scheme_events.c.content)

    scheme: Mapped[Scheme] = relationship(back_populates="events")


class SchemeItem(Versioned, Base):
    """A test item of a scheme."""

    __table__ = tables.scheme_items

    scheme_id: Mapped[int]
    seq: Mapped[int]
    name: Mapped[str]
    important: Mapped[bool]  # 重要性能指标
    unit: Mapped[str | None]
    notes: Mapped[str | None]
    #: 危害类别: a code of the hazard class table (``resources/rules/hazard_classes.json``), from
    #: which the risk-level proposal suggests 危害程度; set from the table when the item is added,
    #: changed by a person in the scheme; None when not classified
    hazard_class: Mapped[str | None]

    scheme: Mapped[Scheme] = relationship(back_populates="items")


class SchemeStandard(Versioned, Base):
    """A candidate standard of a scheme: a same/similar product standard or a mandatory one."""

    __table__ = tables.scheme_standards

    scheme_id: Mapped[int]
    code: Mapped[str]
    role: Mapped[str]
    seq: Mapped[int]

    scheme: Mapped[Scheme] = relationship(back_populates="standards")


# --------------------------------------------------------------------------------------------
# Standards catalog (RULES.md §2)
# --------------------------------------------------------------------------------------------


class Standard(Versioned, Base):
    """One version of a standard. ``code`` carries the year (``GB/T 14561-2019``);
    ``base_code`` is the code without it (``GB/T 14561``), for version resolution."""

    __table__ = tables.standards

    code: Mapped[str]
    base_code: Mapped[str]
    title: Mapped[str | None]
    kind: Mapped[str]
    effective: Mapped[date | None]
    abolished: Mapped[date | None]

    items: Mapped[list[StandardItem]] = relationship(
        back_populates="standard", cascade="all, delete-orphan", order_by="StandardItem.id"
    )


class StandardItem(Versioned, Base):
    """What a standard requires for one item, and the test method it names."""

    __table__ = tables.standard_items

    standard_id: Mapped[int]
    item: Mapped[str]
    clause: Mapped[str | None]
    requirement: Mapped[dict[str, Any] | None]  # RULES.md §2 requirement object
    #: per-grade requirements (质量等级): {"合格品": requirement, …}; a declared grade picks its own
    grades: Mapped[dict[str, Any] | None]
    method_code: Mapped[str | None]
    method_clause: Mapped[str | None]

    standard: Mapped[Standard] = relationship(back_populates="items")


# --------------------------------------------------------------------------------------------
# Samples
# --------------------------------------------------------------------------------------------


class Sample(Versioned, Base):
    """样品: one sampled batch, from a producer, a physical seller or an e-commerce platform."""

    __table__ = tables.samples

    task_id: Mapped[int]
    #: the scheme version (方案版本) the sample was registered under and is tested under: a sample
    #: not yet tested follows a revision once it is confirmed, a tested one keeps its version
    scheme_id: Mapped[int | None]
    number: Mapped[str]  # 样品编号, from the pattern
    status: Mapped[str]

    # Where and from whom (抽样场所 / 被抽样单位)
    place_type: Mapped[str]
    sampled_party_id: Mapped[int | None]
    nominal_producer_id: Mapped[int | None]
    platform_operator_id: Mapped[int | None]
    shop_name: Mapped[str | None]  # 网店名称
    shop_url: Mapped[str | None]
    order_number: Mapped[str | None]
    logistics_number: Mapped[str | None]
    unpacking_evidence: Mapped[str | None]

    # The product as found
    product_name: Mapped[str]
    brand: Mapped[str | None]
    model_spec: Mapped[str | None]  # 规格型号
    batch_number: Mapped[str | None]
    production_date: Mapped[date | None]
    grade: Mapped[str | None]
    declared_standards: Mapped[list[Any]]  # 明示标准, as printed
    version_evidence: Mapped[dict[str, Any]]  # code → version
    published_enterprise_standard: Mapped[str | None]
    claims: Mapped[list[Any]]  # [{item, source, requirement}]

    # Sampling (抽样)
    sampling_date: Mapped[date | None]
    sampling_place: Mapped[str | None]
    samplers: Mapped[list[Any]]  # at least two names
    lot_size: Mapped[Decimal | None]  # 抽样基数
    test_quantity: Mapped[Decimal | None]  # 检验样品数量
    backup_quantity: Mapped[Decimal | None]  # 备用样品数量
    quantity_unit: Mapped[str | None]
    unit_price: Mapped[Decimal | None]
    seal_numbers: Mapped[list[Any]]  # 封条编号
    sampling_record_number: Mapped[str | None]  # 抽样单编号
    condition_on_receipt: Mapped[str | None]  # 样品状态 (收样时)
    test_category: Mapped[str]  # 检验类别

    # Progress
    received_date: Mapped[date | None]
    test_started_date: Mapped[date | None]
    completed_date: Mapped[date | None]  # 初次风险监测完成日期
    reported_date: Mapped[date | None]
    problems_found: Mapped[bool]
    major_hazard: Mapped[bool]  # 重大风险隐患
    major_hazard_note: Mapped[str | None]
    major_hazard_reported_at: Mapped[datetime | None]
    notes: Mapped[str | None]

    task: Mapped[MonitoringTask] = relationship()
    scheme: Mapped[Scheme | None] = relationship()
    sampled_party: Mapped[Enterprise | None] = relationship(foreign_keys="Sample.sampled_party_id")
    nominal_producer: Mapped[Enterprise | None] = relationship(foreign_keys="Sample.nominal_producer_id")
    platform_operator: Mapped[Enterprise | None] = relationship(foreign_keys="Sample.platform_operator_id")
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="sample", cascade="all, delete-orphan", order_by="Attachment.id"
    )
    results: Mapped[list[ItemResult]] = relationship(
        back_populates="sample", cascade="all, delete-orphan", order_by="ItemResult.seq"
    )
    panel_evaluations: Mapped[list[PanelEvaluation]] = relationship(
        back_populates="sample", cascade="all, delete-orphan", order_by="PanelEvaluation.id"
    )


class Attachment(Versioned, Base):
    """A photo, unpacking record or other file of a sample; content kept in the database."""

    __table__ = tables.attachments

    sample_id: Mapped[int]
    kind: Mapped[str]
    filename: Mapped[str]
    mime: Mapped[str | None]
    sha256: Mapped[str]
    size: Mapped[int]
    content: Mapped[bytes] = deferred(tables.attachments.c.content)
    uploaded_by_id: Mapped[int | None]
    uploaded_at: Mapped[datetime]

    sample: Mapped[Sample] = relationship(back_populates="attachments")


# --------------------------------------------------------------------------------------------
# Results, amendments, expert panels
# --------------------------------------------------------------------------------------------


class ItemResult(Versioned, Base):
    """The result of one test item of a sample, with the basis chosen by Articles 16–17.

    Once the sample's report is approved a result is never edited in place: a
    ``ResultAmendment`` keeps the original, the amended values, the reason, who and when.
    """

    __table__ = tables.item_results

    sample_id: Mapped[int]
    item: Mapped[str]
    seq: Mapped[int]
    value_text: Mapped[str | None]  # as reported, exact
    value_num: Mapped[float | None]
    unit: Mapped[str | None]
    requirement: Mapped[dict[str, Any] | None]
    basis: Mapped[dict[str, Any] | None]  # RULES.md §2 basis (standard clause or claim)
    method: Mapped[dict[str, Any] | None]  # {"code", "clause"}
    rule_trace: Mapped[list[Any]]  # ["16.3", "16.1", …]
    warnings: Mapped[list[Any]]
    judgement: Mapped[str | None]
    judgement_reason: Mapped[str | None]
    tested_by_id: Mapped[int | None]
    tested_at: Mapped[datetime | None]

    sample: Mapped[Sample] = relationship(back_populates="results")
    #: every amendment asked for, whatever became of it
    amendment_requests: Mapped[list[ResultAmendment]] = relationship(
        back_populates="result", cascade="all, delete-orphan", order_by="ResultAmendment.id"
    )
    #: the amendments in effect: approved by a signatory (read only; write ``amendment_requests``)
    amendments: Mapped[list[ResultAmendment]] = relationship(
        primaryjoin="and_(ItemResult.id == ResultAmendment.result_id, ResultAmendment.status == 'approved')",
        order_by="ResultAmendment.id", viewonly=True,
    )


class ResultAmendment(Versioned, Base):
    """An amendment of an approved result (ISO/IEC 17025 7.8.8).

    Asked for by a technician (``pending``: the result is unchanged), it takes effect only when an
    authorised signatory other than the amender approves it with their password (``approved``,
    ``decided_by``/``decided_at``); a refusal keeps the request with the signatory's comment."""

    __table__ = tables.result_amendments

    result_id: Mapped[int]
    original: Mapped[dict[str, Any]]
    amended: Mapped[dict[str, Any]]
    reason: Mapped[str]
    amended_by_id: Mapped[int | None]
    amended_at: Mapped[datetime]
    status: Mapped[str]
    decided_by_id: Mapped[int | None]  # the signatory who approved or refused it
    decided_at: Mapped[datetime | None]
    decision_comment: Mapped[str | None]  # why it was refused

    result: Mapped[ItemResult] = relationship(back_populates="amendment_requests")


class PanelEvaluation(Versioned, Base):
    """专家组验证评价 (Article 5) of an item that cannot be tested; at least three members,
    or a ``justification`` when fewer."""

    __table__ = tables.panel_evaluations

    sample_id: Mapped[int]
    item: Mapped[str]
    conclusion: Mapped[str]
    justification: Mapped[str | None]
    created_by_id: Mapped[int | None]

    sample: Mapped[Sample] = relationship(back_populates="panel_evaluations")
    members: Mapped[list[PanelMember]] = relationship(
        back_populates="evaluation", cascade="all, delete-orphan", order_by="PanelMember.seq"
    )


class PanelMember(Versioned, Base):
    __table__ = tables.panel_members

    evaluation_id: Mapped[int]
    seq: Mapped[int]
    name: Mapped[str]
    affiliation: Mapped[str | None]
    title: Mapped[str | None]  # 职称
    opinion: Mapped[str | None]

    evaluation: Mapped[PanelEvaluation] = relationship(back_populates="members")


# --------------------------------------------------------------------------------------------
# Reports and notifications
# --------------------------------------------------------------------------------------------


class Report(Versioned, Base):
    """A test report (per sample), analysis report (per task) or monthly report (per period).

    Compiled, reviewed and approved (编制/审核/批准). A corrected report ``replaces`` the earlier
    one, which becomes ``superseded``; ``amendment_reason`` says why.
    """

    __table__ = tables.reports

    kind: Mapped[str]
    sample_id: Mapped[int | None]
    task_id: Mapped[int | None]
    period: Mapped[str | None]  # monthly: "2026-03"
    number: Mapped[str]
    status: Mapped[str]
    compiled_by_id: Mapped[int | None]
    compiled_at: Mapped[datetime | None]
    reviewed_by_id: Mapped[int | None]
    reviewed_at: Mapped[datetime | None]
    approved_by_id: Mapped[int | None]
    approved_at: Mapped[datetime | None]
    replaces_id: Mapped[int | None]
    amendment_reason: Mapped[str | None]
    file_sha256: Mapped[str | None]
    pdf: Mapped[bytes | None] = deferred(tables.reports.c.pdf)
    #: analysis report: the data frozen when it was compiled (approved results, issued notices and
    #: the saved risk-level proposal), so review and approval sign exactly what was compiled
    snapshot: Mapped[dict[str, Any] | None] = deferred(tables.reports.c.snapshot)
    return_comment: Mapped[str | None]  # the reviewer's, when returned to the compiler
    #: monthly report: the Excel workbook frozen with the PDF on approval (the same data, as a table)
    workbook: Mapped[bytes | None] = deferred(tables.reports.c.workbook)
    workbook_sha256: Mapped[str | None]

    sample: Mapped[Sample | None] = relationship()
    task: Mapped[MonitoringTask | None] = relationship()
    replaces: Mapped[Report | None] = relationship(remote_side="Report.id")
    submissions: Mapped[list[ReportSubmission]] = relationship(
        back_populates="report", order_by="ReportSubmission.id"
    )


class ReportSubmission(Versioned, Base):
    """报送: an issued report went to its recipient — when, to whom, how, and the receipt (回执).

    Kept for the monthly risk-information report (Article 11: 风险信息报送实行月报制); a report may
    be sent more than once (again after a loss, or to a second authority), each a row."""

    __table__ = tables.report_submissions

    report_id: Mapped[int]
    submitted_on: Mapped[date]  # 报送日期
    recipient: Mapped[str]  # 报送对象
    method: Mapped[str]  # 报送方式
    receipt: Mapped[str | None]  # 回执: the recipient's number or a note
    note: Mapped[str | None]
    recorded_by_id: Mapped[int | None]

    report: Mapped[Report] = relationship(back_populates="submissions")


class Notification(Versioned, Base):
    """告知: a notice of problems found, to one recipient (Article 18 ¶2)."""

    __table__ = tables.notifications

    sample_id: Mapped[int]
    report_id: Mapped[int | None]
    enterprise_id: Mapped[int | None]
    recipient_name: Mapped[str]
    roles: Mapped[list[Any]]  # sampled_party, nominal_producer, …
    out_of_province: Mapped[bool]
    document_number: Mapped[str | None]  # 告知书文号
    confidential: Mapped[bool]
    sent_date: Mapped[date | None]
    method: Mapped[str | None]
    acknowledged_date: Mapped[date | None]
    ack_note: Mapped[str | None]
    #: the letter as issued (frozen): every later view, export or upload reads these bytes
    issued_at: Mapped[datetime | None]
    file_sha256: Mapped[str | None]
    pdf: Mapped[bytes | None] = deferred(tables.notifications.c.pdf)

    sample: Mapped[Sample] = relationship()
    report: Mapped[Report | None] = relationship()
    enterprise: Mapped[Enterprise | None] = relationship()


class PublicationConsent(Versioned, Base):
    """公开同意 (Article 8): the organising regulator agreed that the task's monitoring information
    may be made public — which authority, its document number and date, recorded by an
    administrator. Only then can a copy without 内部资料 注意保密 be exported."""

    __table__ = tables.publication_consents

    task_id: Mapped[int]
    authority: Mapped[str]
    document_number: Mapped[str]
    consent_date: Mapped[date]
    note: Mapped[str | None]
    recorded_by_id: Mapped[int | None]

    task: Mapped[MonitoringTask] = relationship()


# --------------------------------------------------------------------------------------------
# Risk analysis and risk information
# --------------------------------------------------------------------------------------------


class RiskProposal(Versioned, Base):
    """A proposed warning level for a task (Articles 19–20): level 1 = Ⅰ … 4 = Ⅳ."""

    __table__ = tables.risk_proposals

    task_id: Mapped[int]
    factors: Mapped[dict[str, Any]]
    risk: Mapped[str | None]  # matrix outcome S/H/M/L
    level: Mapped[int]
    model_name: Mapped[str]
    model_version: Mapped[str]
    proposed_by_id: Mapped[int | None]
    proposed_at: Mapped[datetime]
    note: Mapped[str | None]

    task: Mapped[MonitoringTask] = relationship()


class RiskInformation(Versioned, Base):
    """风险信息 register entry (Articles 10–12)."""

    __table__ = tables.risk_information

    received_date: Mapped[date]
    source: Mapped[int]  # Article 10 (一)…(九)
    title: Mapped[str]
    description: Mapped[str | None]
    product: Mapped[str | None]
    region: Mapped[str | None]
    key_risk: Mapped[bool]  # 重点风险信息 (Article 12)
    key_reasons: Mapped[list[Any]]
    status: Mapped[str]
    created_by_id: Mapped[int | None]
    #: 即时报送 (Article 11: 重大质量安全风险信息及时报送): when, to whom and how major information
    #: went out at once. An entry linked to a reported major hazard takes these from the hazard record.
    reported_at: Mapped[datetime | None]
    reported_to: Mapped[str | None]
    report_method: Mapped[str | None]

    sample_links: Mapped[list[RiskInformationSample]] = relationship(
        back_populates="risk_information", cascade="all, delete-orphan"
    )


class RiskInformationSample(Versioned, Base):
    """Link between a risk-information entry and a sample (a mapped class, so it is audited)."""

    __table__ = tables.risk_information_samples

    risk_information_id: Mapped[int]
    sample_id: Mapped[int]

    risk_information: Mapped[RiskInformation] = relationship(back_populates="sample_links")
    sample: Mapped[Sample] = relationship()


class HistoryCount(Versioned, Base):
    """往期监测数据: an earlier round's counts the lab imported (Articles 12, 13), for the
    product category of its tasks, one plan year and one region (the sampled party's city).

    ``item`` empty: the region's batches of the round (``problems`` = batches with any problem);
    otherwise the batches tested for that item and those that failed it. Aggregates only — the
    samples themselves were never in this database.
    """

    __table__ = tables.history_counts

    category: Mapped[str]  # 产品类别, as the tasks name it
    year: Mapped[int]  # 计划年度: the round
    item: Mapped[str]  # 检验项目; "" = all items
    region: Mapped[str]  # 武汉市 … / 省外
    tested: Mapped[int]
    problems: Mapped[int]
    source: Mapped[str | None]  # the imported file's name
    imported_by_id: Mapped[int | None]


class HazardReport(Versioned, Base):
    """重大质量安全风险隐患报告 (Article 18 ¶3): a major hazard found in a sample, reported at once
    to the organising authority.

    ``draft`` while it is being written; ``reported`` once it went out — uploaded (``method``
    ``upload``, with its own ``hazard`` outbox item) or told by phone or by hand (``contact_person``
    and ``reported_at``). The letter is frozen (``pdf``/``file_sha256``) when it is reported.
    ``affected_items`` are the sample's nonconforming or panel-flagged items; a hazard on a sample
    without any needs a ``reason``. ``risk_information`` is its 即时报送 entry in the register.
    """

    __table__ = tables.hazard_reports

    sample_id: Mapped[int]
    task_id: Mapped[int]
    number: Mapped[str | None]
    status: Mapped[str]
    found_by_id: Mapped[int | None]
    found_at: Mapped[datetime]  # discovery: the clock of "at once" starts here
    description: Mapped[str]
    measures: Mapped[str | None]  # 已采取的措施
    affected_items: Mapped[list[Any]]
    reason: Mapped[str | None]  # why, when no item is nonconforming
    recipient: Mapped[str | None]  # the organising authority
    method: Mapped[str | None]
    contact_person: Mapped[str | None]  # who was told (phone / by hand)
    receipt: Mapped[str | None]  # the province's number or a note
    reported_at: Mapped[datetime | None]
    reported_by_id: Mapped[int | None]
    issued_at: Mapped[datetime | None]
    file_sha256: Mapped[str | None]
    pdf: Mapped[bytes | None] = deferred(tables.hazard_reports.c.pdf)
    risk_information_id: Mapped[int | None]
    outbox_id: Mapped[int | None]
    created_by_id: Mapped[int | None]

    sample: Mapped[Sample] = relationship()
    task: Mapped[MonitoringTask] = relationship()
    risk_information: Mapped[RiskInformation | None] = relationship()
    outbox: Mapped[SyncOutbox | None] = relationship()


# --------------------------------------------------------------------------------------------
# Calendar, outbox, counters
# --------------------------------------------------------------------------------------------


class CalendarOverride(Versioned, Base):
    """A day that differs from the statutory calendar data: extra holiday or working day."""

    __table__ = tables.calendar_overrides

    date: Mapped[_dt.date]
    kind: Mapped[str]
    name: Mapped[str | None]
    source: Mapped[str | None]  # e.g. the State Council notice


class CalendarYear(Versioned, Base):
    """A year whose State Council holiday notice (放假通知) the lab entered.

    ``complete`` (通知已完整录入): the whole notice is in ``calendar_overrides``, so the year is
    announced; otherwise its entered rows override the days they name and every deadline that
    depends on the year stays provisional (``spec/RULES.md`` §1). Set by a full-notice import or
    by an administrator; changes are audited like every table.
    """

    __table__ = tables.calendar_years

    year: Mapped[int]
    complete: Mapped[bool]
    source: Mapped[str | None]  # the notice's number or the file it came from


class SyncOutbox(Versioned, Base):
    """A package waiting to go to (or gone to) the provincial information system.

    The upload unit is the approved report: one ``result`` item per approved test report, one
    ``notice`` item for notices issued after their report's approval, one ``analysis_report`` item
    per approved analysis report. An item whose report was replaced before it was sent becomes
    ``superseded`` (never sent) and ``note`` says why.
    """

    __table__ = tables.sync_outbox

    kind: Mapped[str]
    task_id: Mapped[int | None]
    report_id: Mapped[int | None]
    sample_id: Mapped[int | None]
    idempotency_key: Mapped[str]
    package: Mapped[bytes | None] = deferred(tables.sync_outbox.c.package)
    #: instead of ``package``: how to make it again from the stored documents (a few kilobytes;
    #: ``app.formats.package.PackageRecipe``), so an upload keeps no second copy of them
    recipe: Mapped[bytes | None] = deferred(tables.sync_outbox.c.recipe)
    package_ref: Mapped[str | None]
    package_sha256: Mapped[str | None]
    state: Mapped[str]
    attempts: Mapped[int]
    next_attempt_at: Mapped[datetime | None]
    last_error: Mapped[str | None]
    receipt_number: Mapped[str | None]
    accepted_at: Mapped[datetime | None]
    note: Mapped[str | None]  # e.g. why the item was superseded


class LabAsset(Versioned, Base):
    """An image the lab's documents carry: the CMA mark, the lab's seal (检验检测专用章) or a
    signatory's signature (``user_id``). Checked for type and size when stored."""

    __table__ = tables.lab_assets

    kind: Mapped[str]
    user_id: Mapped[int | None]
    media_type: Mapped[str]  # image/png | image/jpeg
    sha256: Mapped[str]
    content: Mapped[bytes] = deferred(tables.lab_assets.c.content)


class LabKey(Versioned, Base):
    """The lab's signing key: a certificate and its private key as PKCS#12, encrypted with a
    password that is never stored here (the OS keyring, or asked once per session). One key is
    active; earlier ones stay so that what they signed can still be verified."""

    __table__ = tables.lab_keys

    fingerprint: Mapped[str]  # SHA-256 of the certificate
    subject: Mapped[str]
    certificate: Mapped[bytes]  # DER
    pkcs12: Mapped[bytes] = deferred(tables.lab_keys.c.pkcs12)  # encrypted
    not_before: Mapped[datetime]
    not_after: Mapped[datetime]
    self_signed: Mapped[bool]
    demo: Mapped[bool]  # 演示: not for real reports
    active: Mapped[bool]
    created_by_id: Mapped[int | None]


class SampleNumberCounter(Versioned, Base):
    """Next sequence value per scope (e.g. a task number); versioned, so two workstations that
    draw the same value conflict instead of duplicating a number. See ``sequences.py``."""

    __table__ = tables.sample_number_counters

    scope: Mapped[str]
    next_value: Mapped[int]


class LoginThrottle(Versioned, Base):
    """Failed sign-ins per user name, so that a second workstation sees the same delay.

    After :data:`app.services.users.THROTTLE_FREE_FAILURES` failures in a row, each further
    failure pushes ``locked_until`` out (5 s, 10 s, 20 s … up to 15 min); a successful sign-in
    or an administrator's unlock clears the row. Changes are audited like every table, but the
    counters are not business records (``audit verify`` does not compare them).
    """

    __table__ = tables.login_throttle

    username: Mapped[str]
    failures: Mapped[int]
    last_failure_at: Mapped[datetime | None]
    locked_until: Mapped[datetime | None]


# --------------------------------------------------------------------------------------------
# Audit log
# --------------------------------------------------------------------------------------------


class AuditCheckpoint(Base):
    """The audit chain's head, signed with the lab key (``riskmon audit checkpoint``).

    ``statement`` is the exact text signed (lab, sequence, hash, time, key fingerprint);
    ``signature`` is the lab key's RSA signature of it. Copies leave the database in every
    upload package's manifest and in ``audit checkpoint --export`` files, so a rewrite of the
    chain after a checkpoint shows, even if this table is rewritten too.
    """

    __table__ = tables.audit_checkpoints

    id: Mapped[int]
    seq: Mapped[int]
    head_hash: Mapped[str]
    at: Mapped[datetime]
    key_fingerprint: Mapped[str]
    statement: Mapped[str]
    signature: Mapped[bytes]
    actor: Mapped[str]
    reason: Mapped[str]  # manual | daily | upload | demo

# --------------------------------------------------------------------------------------------
# Audit log
# --------------------------------------------------------------------------------------------


class AuditLog(Base):
    """Append-only, hash-chained record of every change (see ``audit.py``).

    ``hash = sha256(prev_hash + canonical JSON of the entry)``; ``seq`` is contiguous from 1.
    """

    __table__ = tables.audit_log

    seq: Mapped[int]
    at: Mapped[datetime]
    actor: Mapped[str]
    action: Mapped[str]
    table_name: Mapped[str]
    row_id: Mapped[int]
    before: Mapped[dict[str, Any] | None]
    after: Mapped[dict[str, Any] | None]
    prev_hash: Mapped[str]
    hash: Mapped[str]
