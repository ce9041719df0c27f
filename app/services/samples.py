"""抽样: registering samples from producers, physical sellers and e-commerce platforms.

Validation happens before anything is written and reports every bad field at once (a form keeps
what the user typed and marks the fields). The sample number comes from the lab's pattern
(设置 → 样品编号规则) and a per-task counter, so two workstations never draw the same number.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import mimetypes
import re
import string
from dataclasses import dataclass, field, fields, replace
from decimal import Decimal, InvalidOperation
from pathlib import Path

from sqlalchemy import insert, or_, select
from sqlalchemy import inspect as sa_inspect

from app import clock
from app.errors import NotFoundError, ValidationError
from app.rules import notify as notify_rules
from app.rules import uscc as uscc_rules
from app.rules.errors import RuleInputError
from app.rules.requirements import parse_requirement
from app.rules.standards import StandardCodeError, parse_code, parse_declared
from app.services._common import ATTACHMENT_LIMIT, check_version, get_or_404
from app.services.context import Context
from app.services.tasks import UNTESTED_SAMPLE_STATUSES, sampling_scheme
from app.store import audit
from app.store.models import (
    CLAIM_SOURCES,
    PLACE_TYPES,
    Attachment,
    Enterprise,
    MonitoringTask,
    Sample,
    Scheme,
)
from app.store.queries import get_setting, lab_today
from app.store.queries import next_sequence as next_value
from app.store.types import utcnow

PLACE_LABELS = {"producer": "生产企业", "physical_seller": "实体销售者", "e_platform": "电商平台"}
#: 样品状态 at receipt (收样): the usual wordings, offered in a list; any other text may be typed
CONDITION_CHOICES = (
    "完好",
    "样品完好，包装无破损",
    "封样完好，封条无破损",
    "原包装，未开封",
    "外包装破损，样品完好",
)
#: 检验类别: risk monitoring, unless the sample is a re-test (复检) after an objection
DEFAULT_TEST_CATEGORY = "风险监测"
TEST_CATEGORIES = (DEFAULT_TEST_CATEGORY, "复检")
RECORD_NUMBER_MAX = 64
CONDITION_MAX = 300
CATEGORY_MAX = 32
#: the earliest date a form accepts (抽样、生产、收样日期): an earlier one is a typing slip
EARLIEST_DATE = dt.date(2000, 1, 1)


@dataclass(frozen=True)
class PartyInput:
    """An enterprise as typed on the sampling form."""

    name: str = ""
    uscc: str = ""
    address: str = ""
    contact: str = ""
    phone: str = ""
    size: str | None = None

    @property
    def empty(self) -> bool:
        return not (self.name.strip() or self.uscc.strip())


@dataclass(frozen=True)
class SampleInput:
    """Everything the sampling form (抽样单) holds."""

    task_id: int | None = None
    scheme_id: int | None = None
    place_type: str = "producer"
    sampled: PartyInput = field(default_factory=PartyInput)
    nominal_producer: PartyInput = field(default_factory=PartyInput)  # 标称生产企业
    platform_operator: PartyInput = field(default_factory=PartyInput)  # 电商平台经营者
    shop_name: str = ""
    shop_url: str = ""
    order_number: str = ""
    logistics_number: str = ""
    unpacking_evidence: str = ""
    product_name: str = ""
    brand: str = ""
    model_spec: str = ""
    batch_number: str = ""
    production_date: dt.date | None = None
    grade: str = ""
    declared_standards: tuple[str, ...] = ()
    published_enterprise_standard: str = ""
    claims: tuple[dict, ...] = ()
    sampling_date: dt.date | None = None
    sampling_place: str = ""
    samplers: tuple[str, ...] = ()
    lot_size: str = ""
    test_quantity: str = ""
    backup_quantity: str = ""
    quantity_unit: str = ""
    unit_price: str = ""
    seal_numbers: tuple[str, ...] = ()
    sampling_record_number: str = ""  # 抽样单编号, unique within the task
    test_category: str = DEFAULT_TEST_CATEGORY  # 检验类别
    received_date: dt.date | None = None
    condition_on_receipt: str = ""  # 样品状态, recorded at 收样
    notes: str = ""


@dataclass(frozen=True)
class SampleSummary:
    id: int
    number: str
    task_id: int
    task_number: str
    product_name: str
    place_type: str
    status: str
    sampling_date: dt.date | None
    completed_date: dt.date | None
    version: int


@dataclass(frozen=True)
class AttachmentInfo:
    id: int
    kind: str
    filename: str
    size: int
    sha256: str


@dataclass(frozen=True)
class SampleDetail:
    id: int
    number: str
    status: str
    version: int
    data: SampleInput
    task_number: str
    task_title: str
    test_started_date: dt.date | None
    completed_date: dt.date | None
    reported_date: dt.date | None
    problems_found: bool
    major_hazard: bool
    major_hazard_note: str
    major_hazard_reported_at: dt.datetime | None
    attachments: tuple[AttachmentInfo, ...]


# ----------------------------------------------------------------------------------- validation
def _decimal(text: str, field_name: str, label: str, errors: dict[str, str]) -> Decimal | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        errors[field_name] = f"{label}必须是数字。"
        return None
    if value < 0 or not value.is_finite():
        errors[field_name] = f"{label}不能为负数。"
        return None
    return value


def _check_party(party: PartyInput, key: str, label: str, errors: dict[str, str], required: bool) -> None:
    if party.empty:
        if required:
            errors[f"{key}.name"] = f"请填写{label}名称。"
        return
    if not party.name.strip():
        errors[f"{key}.name"] = f"请填写{label}名称。"
    code = party.uscc.strip()
    if not code:
        errors[f"{key}.uscc"] = f"请填写{label}的统一社会信用代码。"
        return
    result = uscc_rules.validate(code)
    if not result.valid:
        errors[f"{key}.uscc"] = f"{label}的统一社会信用代码无效：{result.reason}"


def check_uscc(code: str) -> str | None:
    """For the form's as-you-type check: None when valid, else the reason."""
    code = (code or "").strip()
    if not code:
        return None
    result = uscc_rules.validate(code)
    return None if result.valid else result.reason


_REQUIREMENT_PARTS = {"op": "要求类型", "value": "限值", "low": "下限", "high": "上限", "unit": "单位", "text": "文字要求"}


def check_claims(claims) -> str | None:
    """明示质量状况: each needs an item, a known source and a valid requirement (RULES.md §2).

    None when every claim is fine, else the first problem (for the form's ``claims`` field).
    """
    for i, claim in enumerate(claims, start=1):
        if not isinstance(claim, dict):
            return f"第 {i} 条明示质量状况格式无效。"
        item = str(claim.get("item") or "").strip()
        if not item:
            return f"第 {i} 条明示质量状况缺少检验项目。"
        if claim.get("source") not in CLAIM_SOURCES:
            return f"第 {i} 条明示质量状况（{item}）的来源应为标签、说明书、宣传材料或实物之一。"
        try:
            parse_requirement(claim.get("requirement"), "requirement")
        except RuleInputError as exc:
            part = _REQUIREMENT_PARTS.get((exc.field or "").rsplit(".", 1)[-1], "要求")
            return f"第 {i} 条明示质量状况（{item}）的{part}无效：{exc.reason}"
    return None


def _required_parties(place: str) -> set[str]:
    """The parties (``sampled``, ``nominal_producer``, ``platform_operator``) a place requires."""
    if place not in PLACE_TYPES:
        return {"sampled"}
    return {key for key, _role in notify_rules.required_parties(place)}


def validate(data: SampleInput, today: dt.date | None = None) -> dict[str, str]:
    """Every problem of the form, keyed by field name; empty when it can be saved."""
    today = today or clock.today()
    errors: dict[str, str] = {}
    if data.task_id is None:
        errors["task_id"] = "请选择监测任务。"
    if data.place_type not in PLACE_TYPES:
        errors["place_type"] = "请选择抽样场所类型。"
    sampled_label = "被抽样生产企业" if data.place_type == "producer" else "被抽样销售者"
    # who must be told of problems is who must be on the form (Article 18 ¶2, app.rules.notify)
    needed = _required_parties(data.place_type)
    _check_party(data.sampled, "sampled", sampled_label, errors, required=True)
    _check_party(data.nominal_producer, "nominal_producer", "标称生产企业", errors,
                 required="nominal_producer" in needed)
    if "platform_operator" in needed:
        _check_party(data.platform_operator, "platform_operator", "电商平台经营者", errors, required=True)
    if data.place_type == "e_platform":
        if not data.shop_name.strip():
            errors["shop_name"] = "请填写网店名称。"
        if not data.shop_url.strip():
            errors["shop_url"] = "请填写网店或商品网址。"
        elif not data.shop_url.strip().lower().startswith(("http://", "https://")):
            errors["shop_url"] = "网址应以 http:// 或 https:// 开头。"
        if not data.order_number.strip():
            errors["order_number"] = "请填写订单号。"
        if not data.logistics_number.strip():
            errors["logistics_number"] = "请填写物流单号。"
    if not data.product_name.strip():
        errors["product_name"] = "请填写产品名称。"
    names = [s.strip() for s in data.samplers if s.strip()]
    if len(names) < 2:
        errors["samplers"] = "抽样人员不得少于 2 人。"
    elif len(set(names)) != len(names):
        errors["samplers"] = "抽样人员姓名重复。"
    for code in data.declared_standards:
        if not code.strip():
            continue
        try:
            parse_declared(code)  # a grade as printed is part of the declaration (RULES.md §2)
        except StandardCodeError as exc:
            errors["declared_standards"] = exc.message
            break
    claim_problem = check_claims(data.claims)
    if claim_problem:
        errors["claims"] = claim_problem
    if data.published_enterprise_standard.strip():
        try:
            parse_code(data.published_enterprise_standard)
        except StandardCodeError as exc:
            errors["published_enterprise_standard"] = exc.message
    if data.sampling_date is None:
        errors["sampling_date"] = "请填写抽样日期。"
    elif data.sampling_date > today:
        errors["sampling_date"] = "抽样日期不能晚于今天。"
    elif data.sampling_date < EARLIEST_DATE:
        errors["sampling_date"] = f"抽样日期不能早于 {EARLIEST_DATE.isoformat()}。"
    if data.production_date and data.production_date < EARLIEST_DATE:
        errors["production_date"] = f"生产日期不能早于 {EARLIEST_DATE.isoformat()}。"
    if data.production_date and data.sampling_date and data.production_date > data.sampling_date:
        errors["production_date"] = "生产日期不能晚于抽样日期。"
    if data.received_date:
        if data.sampling_date and data.received_date < data.sampling_date:
            errors["received_date"] = "收样日期不能早于抽样日期。"
        elif data.received_date > today:
            errors["received_date"] = "收样日期不能晚于今天。"
    if not data.sampling_place.strip() and data.place_type != "e_platform":
        errors["sampling_place"] = "请填写抽样地点。"
    _decimal(data.lot_size, "lot_size", "抽样基数", errors)
    test_q = _decimal(data.test_quantity, "test_quantity", "检验样品数量", errors)
    _decimal(data.backup_quantity, "backup_quantity", "备用样品数量", errors)
    _decimal(data.unit_price, "unit_price", "单价", errors)
    if test_q is not None and test_q == 0:
        errors["test_quantity"] = "检验样品数量应大于 0。"
    if len(data.sampling_record_number.strip()) > RECORD_NUMBER_MAX:
        errors["sampling_record_number"] = f"抽样单编号不能超过 {RECORD_NUMBER_MAX} 个字符。"
    if not data.test_category.strip():
        errors["test_category"] = "请填写检验类别（一般为“风险监测”）。"
    elif len(data.test_category.strip()) > CATEGORY_MAX:
        errors["test_category"] = f"检验类别不能超过 {CATEGORY_MAX} 个字符。"
    condition_problem = check_condition(data.condition_on_receipt, required=False)
    if condition_problem:
        errors["condition_on_receipt"] = condition_problem
    elif data.condition_on_receipt.strip() and data.received_date is None:
        errors["condition_on_receipt"] = "样品状态在收样时记录：请同时填写收样日期。"
    return errors


def lab_date(ctx: Context) -> dt.date:
    """Today in the lab's time zone: the latest date the forms' date pickers offer."""
    with ctx.uow() as uow:
        return lab_today(uow.session)


def check_condition(text: str, *, required: bool = True) -> str | None:
    """样品状态 at receipt: None when it can be saved, else why not."""
    text = (text or "").strip()
    if not text:
        return "请选择或填写收样时的样品状态（如“样品完好，包装无破损”）。" if required else None
    if len(text) > CONDITION_MAX:
        return f"样品状态不能超过 {CONDITION_MAX} 个字符。"
    return None


def _check_record_numbers(session, task_id: int | None, wanted: list[tuple[str, int | None, str]]) -> dict[str, str]:
    """抽样单编号 unique within a task: each ``(number, own sample id or None, error key)`` already used
    by another sample of the task is refused, naming that sample."""
    numbers = sorted({n for n, _, _ in wanted if n})
    if task_id is None or not numbers:
        return {}
    taken: dict[str, tuple[int, str]] = {}
    for start in range(0, len(numbers), 500):  # a big import stays under the database's parameter limit
        for number, sid, sample_number in session.execute(
            select(Sample.sampling_record_number, Sample.id, Sample.number)
            .where(Sample.task_id == task_id, Sample.sampling_record_number.in_(numbers[start:start + 500]))
        ):
            taken[number] = (sid, sample_number)
    errors: dict[str, str] = {}
    for number, own_id, key in wanted:
        hit = taken.get(number)
        if hit is not None and hit[0] != own_id:
            errors[key] = f"抽样单编号“{number}”已用于本任务的样品 {hit[1]}，同一任务内抽样单编号不能重复。"
    return errors


def check_dates(sampling: dt.date | None, received: dt.date | None, test_started: dt.date | None,
                completed: dt.date | None) -> dict[str, str]:
    """抽样 ≤ 收样 ≤ 检验 ≤ 完成."""
    errors: dict[str, str] = {}
    chain = [
        ("sampling_date", "抽样日期", sampling),
        ("received_date", "收样日期", received),
        ("test_started_date", "检验开始日期", test_started),
        ("completed_date", "完成日期", completed),
    ]
    last_label, last = None, None
    for key, label, value in chain:
        if value is None:
            continue
        if last is not None and value < last:
            errors[key] = f"{label}不能早于{last_label}（{last.isoformat()}）。"
        last_label, last = label, value
    return errors


# ----------------------------------------------------------------------------------- writing
class EnterpriseCache(dict):
    """USCC → enterprise of the register, filled by :func:`preload_enterprises`: a code it was
    filled for and does not hold is a new enterprise (no query)."""

    def __init__(self) -> None:
        super().__init__()
        self.looked_up: set[str] = set()
        #: every enterprise the rows name is in it and flushed: samples refer to them by id
        self.by_id = False


def preload_enterprises(session, codes) -> EnterpriseCache:
    """The register's enterprises with these USCCs, read with one query per 500 codes."""
    cache = EnterpriseCache()
    wanted = sorted({uscc_rules.normalize(c) for c in codes if c and c.strip()})
    for start in range(0, len(wanted), _IN_CHUNK):
        chunk = wanted[start:start + _IN_CHUNK]
        for ent in session.scalars(select(Enterprise).where(Enterprise.uscc.in_(chunk))):
            cache[ent.uscc] = ent
        cache.looked_up.update(chunk)
    return cache


def _enterprise(session, party: PartyInput, cache: dict[str, Enterprise] | None = None) -> Enterprise | None:
    """The register's enterprise with this USCC, created or brought up to date from the form.

    ``cache`` (USCC → enterprise) spares a query per row when many samples are registered at once.
    """
    if party.empty:
        return None
    code = uscc_rules.normalize(party.uscc)
    ent = cache.get(code) if cache is not None else None
    if ent is None and not (isinstance(cache, EnterpriseCache) and code in cache.looked_up):
        ent = session.scalar(select(Enterprise).where(Enterprise.uscc == code))
    if cache is not None and ent is not None:
        cache[code] = ent
    if ent is None:
        ent = Enterprise(
            name=party.name.strip(),
            uscc=code,
            address=party.address.strip() or None,
            contact=party.contact.strip() or None,
            phone=party.phone.strip() or None,
            region_code=code[2:8],
            size=party.size,
        )
        session.add(ent)
        if cache is not None:
            cache[code] = ent
    else:
        # keep the register current with what was seen on the latest sampling form
        for attr in ("address", "contact", "phone"):
            value = getattr(party, attr).strip()
            if value and getattr(ent, attr) != value:
                setattr(ent, attr, value)
        if party.size and ent.size != party.size:
            ent.size = party.size
    return ent


def format_number(pattern: str, task: MonitoringTask, seq: int, on: dt.date) -> str:
    try:
        return pattern.format(task=task.number, seq=seq, year=on.year, month=on.month, day=on.day)
    except (KeyError, IndexError, ValueError) as exc:
        raise ValidationError(
            f"样品编号规则“{pattern}”无效：可用 {{task}}、{{seq:04d}}、{{year}}、{{month:02d}}、{{day:02d}}。"
        ) from exc


def sequence_width(pattern: str) -> int | None:
    """The digits the pattern gives the sequence (``{seq:04d}`` → 4), or None when it fixes none."""
    try:
        fields = list(string.Formatter().parse(pattern))
    except ValueError:
        return None
    for _text, name, spec, _conv in fields:
        if name == "seq":
            m = re.fullmatch(r"0?(\d+)d", spec or "")
            return int(m[1]) if m else None
    return None


def numbering_overflow(pattern: str, task: MonitoringTask, first: int, count: int, on: dt.date) -> tuple[int, str] | None:
    """Whether numbering ``count`` samples from sequence ``first`` runs past the pattern's digits
    (``{seq:04d}`` and sequence 10000): (the digits, the first number longer than the rest), or None."""
    width = sequence_width(pattern)
    if width is None or count < 1 or first + count - 1 < 10**width:
        return None
    return width, format_number(pattern, task, max(first, 10**width), on)


def preview_number(pattern: str, task_number: str = "HBFX-2026-01", seq: int = 1) -> str:
    """What a pattern gives, for the settings page."""
    task = MonitoringTask(number=task_number, title="")
    return format_number(pattern, task, seq, clock.today())


def _parties(data: SampleInput) -> tuple[PartyInput, PartyInput, PartyInput]:
    """The sampled party, the nominal producer and the platform operator a sample records (a
    producer sampled at its own works is its nominal producer; the operator only for a platform)."""
    nominal = data.sampled if data.nominal_producer.empty and data.place_type == "producer" else data.nominal_producer
    platform = data.platform_operator if "platform_operator" in _required_parties(data.place_type) else PartyInput()
    return data.sampled, nominal, platform


def _enterprise_id(party: PartyInput, cache: EnterpriseCache) -> int | None:
    return None if party.empty else cache[uscc_rules.normalize(party.uscc)].id


def _apply(sample: Sample, data: SampleInput, session, cache: dict[str, Enterprise] | None = None) -> None:
    sample.task_id = data.task_id  # the scheme version is set by the caller (sampling_scheme)
    sample.place_type = data.place_type
    if isinstance(cache, EnterpriseCache) and cache.by_id:  # a bulk registration (write_samples)
        sampled, nominal, platform = _parties(data)
        sample.sampled_party_id = _enterprise_id(sampled, cache)
        sample.nominal_producer_id = _enterprise_id(nominal, cache)
        sample.platform_operator_id = _enterprise_id(platform, cache)
    else:
        sample.sampled_party = _enterprise(session, data.sampled, cache)
        if data.nominal_producer.empty and data.place_type == "producer":
            sample.nominal_producer = sample.sampled_party
        else:
            sample.nominal_producer = _enterprise(session, data.nominal_producer, cache)
        sample.platform_operator = (
            _enterprise(session, data.platform_operator, cache)
            if "platform_operator" in _required_parties(data.place_type) else None
        )
    online = data.place_type == "e_platform"
    sample.shop_name = data.shop_name.strip() or None if online else None
    sample.shop_url = data.shop_url.strip() or None if online else None
    sample.order_number = data.order_number.strip() or None if online else None
    sample.logistics_number = data.logistics_number.strip() or None if online else None
    sample.unpacking_evidence = data.unpacking_evidence.strip() or None if online else None
    sample.product_name = data.product_name.strip()
    sample.brand = data.brand.strip() or None
    sample.model_spec = data.model_spec.strip() or None
    sample.batch_number = data.batch_number.strip() or None
    sample.production_date = data.production_date
    sample.grade = data.grade.strip() or None
    sample.declared_standards = [c.strip() for c in data.declared_standards if c.strip()]
    sample.published_enterprise_standard = data.published_enterprise_standard.strip() or None
    sample.claims = [dict(c) for c in data.claims]
    sample.sampling_date = data.sampling_date
    sample.sampling_place = data.sampling_place.strip() or None
    sample.samplers = [s.strip() for s in data.samplers if s.strip()]
    sample.lot_size = _decimal(data.lot_size, "", "", {})
    sample.test_quantity = _decimal(data.test_quantity, "", "", {})
    sample.backup_quantity = _decimal(data.backup_quantity, "", "", {})
    sample.quantity_unit = data.quantity_unit.strip() or None
    sample.unit_price = _decimal(data.unit_price, "", "", {})
    sample.seal_numbers = [s.strip() for s in data.seal_numbers if s.strip()]
    sample.sampling_record_number = data.sampling_record_number.strip() or None
    sample.test_category = data.test_category.strip() or DEFAULT_TEST_CATEGORY
    sample.received_date = data.received_date
    sample.condition_on_receipt = data.condition_on_receipt.strip() or None
    sample.notes = data.notes.strip() or None
    if data.received_date and sample.status == "registered":
        sample.status = "received"


def _checked_task(session, data: SampleInput) -> MonitoringTask:
    task = session.get(MonitoringTask, data.task_id)
    if task is None:
        raise ValidationError({"task_id": "所选监测任务不存在。"})
    if task.status == "closed":
        raise ValidationError({"task_id": f"任务 {task.number} 已关闭，不能再登记样品。"})
    return task


def _checked_scheme(session, task: MonitoringTask, data: SampleInput,
                    schemes: dict[tuple, Scheme] | None = None) -> Scheme:
    """The confirmed scheme version a new sample is registered under (Article 14: no sampling
    before the issuing authority confirmed the scheme); ``schemes`` caches the answer per task,
    chosen scheme and product for a batch."""
    key = (task.id, data.scheme_id, data.product_name.strip())
    if schemes is not None and key in schemes:
        return schemes[key]
    scheme = sampling_scheme(session, task, data.scheme_id, data.product_name)
    if schemes is not None:
        schemes[key] = scheme
    return scheme


def _new_sample(session, data: SampleInput, today: dt.date, *, seq: int | None = None,
                cache: dict[str, Enterprise] | None = None, pattern: str | None = None,
                schemes: dict[tuple, Scheme] | None = None) -> Sample:
    """A new sample numbered by the lab's pattern; ``seq`` when the caller drew a block of numbers."""
    task = _checked_task(session, data)
    scheme = _checked_scheme(session, task, data, schemes)
    pattern = pattern or str(get_setting(session, "sample_number_pattern"))
    if seq is None:
        seq = next_value(session, f"sample:{task.id}")
    sample = Sample(number=format_number(pattern, task, seq, data.sampling_date or today), status="registered")
    _apply(sample, data, session, cache)
    sample.scheme_id = scheme.id
    session.add(sample)
    return sample


class DuplicateSampleError(ValidationError):
    """The task already has a sample that looks like this one (same sampled party, product, batch
    or production date and sampling date). ``existing`` is that sample's number; registering
    anyway needs a reason (``register_sample(..., duplicate_reason=…)``)."""

    def __init__(self, existing: str) -> None:
        super().__init__({"duplicate": (
            f"本任务已登记过相同的样品 {existing}（同一被抽样单位、产品名称、批号或生产日期、抽样日期），"
            "请核对是否重复登记；确属不同样品时可说明原因后仍然登记。")})
        self.existing = existing


#: the marked line that keeps why a likely duplicate was registered anyway (in the sample's notes)
DUPLICATE_NOTE = "重复登记说明："
DUPLICATE_REASON_MAX = 500


def find_duplicate(session, data: SampleInput) -> str | None:
    """The number of a sample of the same task that looks like ``data``: the same sampled party
    (USCC), product name and sampling date, and the same batch number or, where either has no
    batch number, the same production date. None when there is none or nothing tells the lot
    (neither a batch number nor a production date)."""
    batch = data.batch_number.strip()
    if data.task_id is None or data.sampling_date is None or (not batch and data.production_date is None):
        return None
    code = uscc_rules.normalize(data.sampled.uscc)
    if not code:
        return None
    lot = []
    if batch:
        lot.append(Sample.batch_number == batch)
    if data.production_date is not None:
        lot.append(Sample.production_date == data.production_date)
    candidates = session.execute(
        select(Sample.number, Sample.batch_number, Sample.production_date)
        .join(Enterprise, Enterprise.id == Sample.sampled_party_id)
        .where(Sample.task_id == data.task_id, Enterprise.uscc == code,
               Sample.product_name == data.product_name.strip(), Sample.sampling_date == data.sampling_date,
               or_(*lot))
        .order_by(Sample.number)
    )
    for number, their_batch, their_date in candidates:
        if batch and their_batch:
            if their_batch == batch:
                return number
        elif data.production_date is not None and their_date == data.production_date:
            return number
    return None


def _lot(data: SampleInput) -> tuple[tuple[int, str, str, dt.date], str, dt.date | None] | None:
    """(task, sampled party's USCC, product, sampling date), batch number, production date — or
    None when nothing tells the lot (as :func:`find_duplicate`)."""
    batch = data.batch_number.strip()
    code = uscc_rules.normalize(data.sampled.uscc)
    if data.task_id is None or data.sampling_date is None or not code or (not batch and data.production_date is None):
        return None
    return (data.task_id, code, data.product_name.strip(), data.sampling_date), batch, data.production_date


def _same_lot(batch: str, made: dt.date | None, their_batch: str | None, their_made: dt.date | None) -> bool:
    if batch and their_batch:
        return their_batch == batch
    return made is not None and their_made == made


def find_duplicates(session, rows: list[SampleInput]) -> dict[int, str]:
    """:func:`find_duplicate` for many rows at once: for each row (its index) that looks like a
    sample its task already has, that sample's number — one query per 500 sampled parties."""
    lots = {i: lot for i, data in enumerate(rows) if (lot := _lot(data)) is not None}
    if not lots:
        return {}
    tasks = sorted({key[0] for key, _b, _d in lots.values()})
    codes = sorted({key[1] for key, _b, _d in lots.values()})
    dates = [key[3] for key, _b, _d in lots.values()]
    known: dict[tuple[int, str, str, dt.date], list[tuple[str, str | None, dt.date | None]]] = {}
    for start in range(0, len(codes), _IN_CHUNK):
        for number, task_id, code, product, sampled_on, batch, made in session.execute(
            select(Sample.number, Sample.task_id, Enterprise.uscc, Sample.product_name, Sample.sampling_date,
                   Sample.batch_number, Sample.production_date)
            .join(Enterprise, Enterprise.id == Sample.sampled_party_id)
            .where(Sample.task_id.in_(tasks), Enterprise.uscc.in_(codes[start:start + _IN_CHUNK]),
                   Sample.sampling_date.between(min(dates), max(dates)))
            .order_by(Sample.number)
        ):
            known.setdefault((task_id, code, product, sampled_on), []).append((number, batch, made))
    found: dict[int, str] = {}
    for i, (key, batch, made) in lots.items():
        for number, their_batch, their_made in known.get(key, ()):
            if _same_lot(batch, made, their_batch, their_made):
                found[i] = number
                break
    return found


def duplicates_among(rows: list[SampleInput]) -> dict[int, int]:
    """Rows that look like an earlier row of the same list (the same lot, as :func:`find_duplicate`):
    index → the earlier row's index."""
    seen: dict[tuple[int, str, str, dt.date], list[tuple[int, str, dt.date | None]]] = {}
    found: dict[int, int] = {}
    for i, data in enumerate(rows):
        lot = _lot(data)
        if lot is None:
            continue
        key, batch, made = lot
        earlier = seen.setdefault(key, [])
        for j, their_batch, their_made in earlier:
            if _same_lot(batch, made, their_batch, their_made):
                found[i] = j
                break
        earlier.append((i, batch, made))
    return found


def _check_duplicate_reason(reason: str | None) -> str | None:
    if reason is None:
        return None
    reason = reason.strip()
    if not reason:
        raise ValidationError({"duplicate_reason": "请填写仍然登记的原因（为什么这不是重复登记）。"})
    if len(reason) > DUPLICATE_REASON_MAX:
        raise ValidationError({"duplicate_reason": f"原因不能超过 {DUPLICATE_REASON_MAX} 个字。"})
    return reason


def register_sample(ctx: Context, data: SampleInput, *, today: dt.date | None = None,
                    duplicate_reason: str | None = None) -> SampleSummary:
    """Save a new sampling record; raises ValidationError with every bad field, writing nothing.

    A sample that looks like one the task already has (:func:`find_duplicate`) is refused with
    :class:`DuplicateSampleError` naming it, unless ``duplicate_reason`` says why it is another
    sample: the reason is then kept in the notes as a line "重复登记说明：…" (an empty reason is
    refused).
    """
    ctx.require("technician", action="登记样品")
    errors = validate(data, today)
    if errors:
        raise ValidationError(errors)
    reason = _check_duplicate_reason(duplicate_reason)
    with ctx.uow() as uow:
        number = data.sampling_record_number.strip()
        errors = _check_record_numbers(uow.session, data.task_id, [(number, None, "sampling_record_number")])
        if errors:
            raise ValidationError(errors)
        _checked_scheme(uow.session, _checked_task(uow.session, data), data)  # before the duplicate question
        existing = find_duplicate(uow.session, data)
        if existing is not None:
            if reason is None:
                raise DuplicateSampleError(existing)
            line = f"{DUPLICATE_NOTE}{reason}（与样品 {existing} 相似）"
            data = replace(data, notes="\n".join(p for p in (data.notes.strip(), line) if p))
        sample = _new_sample(uow.session, data, today or clock.today())
        uow.session.flush()
        summary = _summary(sample)
        uow.commit()
    return summary


def register_samples(ctx: Context, rows: list[SampleInput], *, today: dt.date | None = None,
                     progress=None) -> list[SampleSummary]:
    """Many at once (demo, tests): all or nothing; errors name the row (1-based)."""
    ctx.require("technician", action="登记样品")
    errors: dict[str, str] = {}
    for i, data in enumerate(rows, start=1):
        for key, message in validate(data, today).items():
            errors[f"row{i}.{key}"] = f"第 {i} 行：{message}"
    first_row: dict[tuple[int | None, str], int] = {}
    for i, data in enumerate(rows, start=1):
        number = data.sampling_record_number.strip()
        if not number:
            continue
        seen = first_row.setdefault((data.task_id, number), i)
        if seen != i:
            errors[f"row{i}.sampling_record_number"] = f"第 {i} 行：抽样单编号“{number}”与第 {seen} 行重复。"
    if errors:
        raise ValidationError(errors)
    today = today or clock.today()
    with ctx.uow() as uow:
        session = uow.session
        by_task: dict[int | None, list[tuple[str, int | None, str]]] = {}
        for (task_id, number), i in first_row.items():
            by_task.setdefault(task_id, []).append((number, None, str(i)))
        for task_id, wanted in by_task.items():
            for i, message in _check_record_numbers(session, task_id, wanted).items():
                errors[f"row{i}.sampling_record_number"] = f"第 {i} 行：{message}"
        if errors:
            raise ValidationError(errors)
        problems, schemes = check_schemes(session, rows)
        if problems:
            raise ValidationError({f"row{i + 1}.{key}": f"第 {i + 1} 行：{message}"
                                   for i, (key, message) in sorted(problems.items())})
        out = write_samples(session, rows, today=today, progress=progress, schemes=schemes)
        uow.commit()
    return out


#: a bulk registration flushes (and writes the audit entries of) this many new samples at a time
FLUSH_BATCH = 500
#: the most values in one ``IN (…)`` of a bulk check (well under every database's parameter limit)
_IN_CHUNK = 500


def check_schemes(session, rows: list[SampleInput]) -> tuple[dict[int, tuple[str, str]], dict[tuple, Scheme]]:
    """The task and confirmed scheme of every row (Article 14), answered once per task, chosen
    scheme and product: (row index → (field, message) for the rows refused, the schemes found)."""
    tasks: dict[int | None, MonitoringTask | ValidationError] = {}
    schemes: dict[tuple, Scheme] = {}
    refused: dict[tuple, ValidationError] = {}
    problems: dict[int, tuple[str, str]] = {}
    for i, data in enumerate(rows):
        try:
            if data.task_id not in tasks:
                try:
                    tasks[data.task_id] = _checked_task(session, data)
                except ValidationError as exc:
                    tasks[data.task_id] = exc
            task = tasks[data.task_id]
            if isinstance(task, ValidationError):
                raise task
            key = (task.id, data.scheme_id, data.product_name.strip())
            if key in refused:
                raise refused[key]
            try:
                _checked_scheme(session, task, data, schemes)
            except ValidationError as exc:
                refused[key] = exc
                raise
        except ValidationError as exc:
            problems[i] = next(iter((exc.errors or {"scheme_id": exc.message}).items()))
    return problems, schemes


def write_samples(session, rows: list[SampleInput], *, today: dt.date, progress=None, done: int = 0,
                  total: int | None = None, schemes: dict[tuple, Scheme] | None = None) -> list[SampleSummary]:
    """Register rows already checked, in the session's transaction (the caller commits): one block
    of numbers per task drawn first (the counter rows stay locked), the register's enterprises read
    in one set query, every sample added through the session — so each flush writes its audit
    entries — and flushed ``FLUSH_BATCH`` at a time, then let go of, so memory stays flat however
    long the list. ``progress(done + i, total)`` after each row."""
    total = len(rows) + done if total is None else total
    schemes = {} if schemes is None else schemes
    tasks: dict[int, MonitoringTask] = {}  # held: the session's identity map only keeps weak references
    per_task: dict[int, int] = {}
    for data in rows:
        if data.task_id not in tasks:
            tasks[data.task_id] = _checked_task(session, data)
        per_task[data.task_id] = per_task.get(data.task_id, 0) + 1
    next_seq = {task_id: next_value(session, f"sample:{task_id}", n) for task_id, n in sorted(per_task.items())}
    cache = preload_enterprises(session, [party.uscc for data in rows for party in _parties(data)])
    for data in rows:  # the register first, brought up to date row by row as single registrations do
        for party in _parties(data):
            _enterprise(session, party, cache)
    session.flush()  # the enterprises (and their audit entries); the samples then refer to them by id
    cache.by_id = True
    pattern = str(get_setting(session, "sample_number_pattern"))
    out: list[SampleSummary] = []
    batch: list[dict] = []
    conn = session.connection()
    actor = audit.actor_of(session)

    def flush() -> None:
        if not batch:
            return
        keys = set().union(*batch, _DEFAULTED)
        stamp = utcnow()
        params = [{**{k: _column_default(k) for k in keys - set(values)}, **values,
                   "version": 1, "created_at": stamp, "updated_at": stamp} for values in batch]
        # what the database fills in itself comes back with the ids: the audit entry records each
        # row as stored, as a flush through the session would (the values given, then those)
        filled = tuple(c for c in _SAMPLE_COLUMNS if c.name not in params[0] and c.name != "id"
                       and c.server_default is not None)
        # the rows come back in any order (asking SQLite for the order given makes SQLAlchemy send
        # one statement per row): each is matched to its values by its number, unique to a sample
        returned = {row[1]: row for row in conn.execute(_insert_samples(filled), params)}
        unset = {c.name: None for c in _SAMPLE_COLUMNS if c.name not in params[0]}
        entries = []
        for values in params:
            row = returned[values["number"]]
            values.update(unset, id=row[0])
            values.update(zip((c.name for c in filled), row[2:], strict=True))
            entries.append((row[0], values))
        audit.record_inserts(conn, actor, "samples", entries)
        out.extend(SampleSummary(id=v["id"], number=v["number"], task_id=v["task_id"],
                                 task_number=tasks[v["task_id"]].number, product_name=v["product_name"],
                                 place_type=v["place_type"], status=v["status"], sampling_date=v["sampling_date"],
                                 completed_date=v["completed_date"], version=v["version"]) for _id, v in entries)
        batch.clear()

    for i, data in enumerate(rows, start=1):
        batch.append(_new_sample_values(session, data, today, seq=next_seq[data.task_id], cache=cache,
                                        pattern=pattern, schemes=schemes))
        next_seq[data.task_id] += 1
        if len(batch) >= FLUSH_BATCH:
            flush()
        if progress:
            progress(done + i, total)
    flush()
    return out


_SAMPLE_COLUMNS = tuple(Sample.__table__.c)
#: the columns with a Python default: given their value explicitly (the audit entry records it)
_DEFAULTED = frozenset(c.name for c in _SAMPLE_COLUMNS if c.default is not None)
_SAMPLE_ATTRIBUTES = {prop.key: prop.columns[0].name for prop in sa_inspect(Sample).column_attrs}
_INSERTS: dict[tuple, object] = {}


def _insert_samples(filled: tuple) -> object:
    """An INSERT of many samples, a batch of rows per statement, returning each one's id, number
    and the columns in ``filled`` (those the database fills in)."""
    if filled not in _INSERTS:
        c = Sample.__table__.c
        _INSERTS[filled] = insert(Sample.__table__).returning(c.id, c.number, *filled)
    return _INSERTS[filled]


class _NewSample:
    """What :func:`_apply` writes a new sample's values into when the caller inserts them itself
    (plain attributes: no session, no instrumentation)."""

    def __init__(self, number: str) -> None:
        self.number = number
        self.status = "registered"


def _new_sample_values(session, data: SampleInput, today: dt.date, *, seq: int, cache: EnterpriseCache,
                       pattern: str, schemes: dict[tuple, Scheme]) -> dict:
    """Column name → value of a new sample, as :func:`_new_sample` makes it (a bulk registration:
    the parties are known by id)."""
    task = _checked_task(session, data)
    scheme = _checked_scheme(session, task, data, schemes)
    sample = _NewSample(format_number(pattern, task, seq, data.sampling_date or today))
    _apply(sample, data, session, cache)  # type: ignore[arg-type]
    sample.scheme_id = scheme.id
    return {_SAMPLE_ATTRIBUTES[k]: v for k, v in vars(sample).items()}


def _column_default(name: str):
    """The value the ORM would insert for a column a sample was not given: its Python default."""
    default = Sample.__table__.c[name].default
    if default is None:
        return None
    if default.is_callable:
        return default.arg(None)
    return default.arg


def update_sample(ctx: Context, sample_id: int, version: int, data: SampleInput,
                  *, today: dt.date | None = None) -> SampleSummary:
    ctx.require("technician", action="修改抽样信息")
    errors = validate(data, today)
    if errors:
        raise ValidationError(errors)
    with ctx.uow() as uow:
        sample = uow.session.get(Sample, sample_id)
        check_version(sample, version, "该样品")
        if sample.status in ("compiled", "reviewed", "approved", "reported"):
            raise ValidationError("报告已编制，抽样信息不能再修改；如需更正请走报告更正流程。")
        if data.task_id != sample.task_id:
            raise ValidationError({"task_id": "样品登记后不能改到其他任务。"})
        errors = _check_record_numbers(uow.session, sample.task_id,
                                       [(data.sampling_record_number.strip(), sample.id, "sampling_record_number")])
        if errors:
            raise ValidationError(errors)
        if data.scheme_id is not None and data.scheme_id != sample.scheme_id:
            if sample.status not in UNTESTED_SAMPLE_STATUSES:
                raise ValidationError({"scheme_id": "样品已开始检验，不能再更换方案。"})
            sample.scheme_id = sampling_scheme(uow.session, sample.task, data.scheme_id, data.product_name).id
        _apply(sample, data, uow.session)
        errors = check_dates(sample.sampling_date, sample.received_date, sample.test_started_date,
                             sample.completed_date)
        if errors:
            raise ValidationError(errors)
        uow.session.flush()
        summary = _summary(sample)
        uow.commit()
    return summary


def receive_sample(ctx: Context, sample_id: int, version: int, received: dt.date, condition: str) -> SampleSummary:
    """收样: the day the sample arrived and its condition then (样品状态, e.g. 样品完好，包装无破损)."""
    return receive_samples(ctx, [(sample_id, version)], received, condition)[0]


def receive_samples(ctx: Context, rows: list[tuple[int, int]], received: dt.date,
                    condition: str) -> list[SampleSummary]:
    """收样 of several samples that arrived together, all or none: each ``(id, version)`` gets the
    date and the condition; a problem with any of them (named by its number) writes nothing."""
    ctx.require("technician", action="收样")
    problem = check_condition(condition)
    if problem:
        raise ValidationError({"condition_on_receipt": problem})
    with ctx.uow() as uow:
        if received > lab_today(uow.session):
            raise ValidationError({"received_date": "收样日期不能晚于今天。"})
        found = []
        errors: dict[str, str] = {}
        for sample_id, version in rows:
            sample = uow.session.get(Sample, sample_id)
            check_version(sample, version, "该样品")
            problems = check_dates(sample.sampling_date, received, sample.test_started_date, sample.completed_date)
            if problems:
                message = next(iter(problems.values()))
                errors["received_date"] = (errors.get("received_date", "") + ("\n" if errors else "")
                                           + (f"样品 {sample.number}：{message}" if len(rows) > 1 else message))
            found.append(sample)
        if errors:
            raise ValidationError(errors)
        for sample in found:
            sample.received_date = received
            sample.condition_on_receipt = condition.strip()
            if sample.status == "registered":
                sample.status = "received"
        uow.session.flush()
        out = [_summary(s) for s in found]
        uow.commit()
    return out


# ----------------------------------------------------------------------------------- attachments
def add_attachment(ctx: Context, sample_id: int, path: Path, kind: str = "photo") -> AttachmentInfo:
    ctx.require("technician", action="添加附件")
    path = Path(path)
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise ValidationError(f"无法读取文件 {path.name}：{exc.strerror or exc}") from exc
    if len(content) > ATTACHMENT_LIMIT:
        raise ValidationError(f"文件 {path.name} 超过 20 MB，请压缩后再添加。")
    if kind not in ("photo", "unpacking", "other"):
        raise ValidationError("未知的附件类型。")
    with ctx.uow() as uow:
        get_or_404(uow.session, Sample, sample_id, "该样品")
        att = Attachment(
            sample_id=sample_id,
            kind=kind,
            filename=path.name,
            mime=mimetypes.guess_type(path.name)[0],
            sha256=hashlib.sha256(content).hexdigest(),
            size=len(content),
            content=content,
            uploaded_by_id=ctx.user.id,
        )
        uow.session.add(att)
        uow.session.flush()
        info = AttachmentInfo(att.id, att.kind, att.filename, att.size, att.sha256)
        uow.commit()
    return info


def attachment_content(ctx: Context, attachment_id: int) -> tuple[str, bytes]:
    with ctx.uow() as uow:
        att = get_or_404(uow.session, Attachment, attachment_id, "该附件")
        return att.filename, att.content


def remove_attachment(ctx: Context, attachment_id: int) -> None:
    ctx.require("technician", action="删除附件")
    with ctx.uow() as uow:
        att = get_or_404(uow.session, Attachment, attachment_id, "该附件")
        if att.sample.status in ("approved", "reported"):
            raise ValidationError("报告已批准，附件不能删除。")
        uow.session.delete(att)
        uow.commit()


# ----------------------------------------------------------------------------------- reading
def _summary(s: Sample) -> SampleSummary:
    return SampleSummary(
        id=s.id,
        number=s.number,
        task_id=s.task_id,
        task_number=s.task.number if s.task else "",
        product_name=s.product_name,
        place_type=s.place_type,
        status=s.status,
        sampling_date=s.sampling_date,
        completed_date=s.completed_date,
        version=s.version,
    )


def _party(e: Enterprise | None) -> PartyInput:
    if e is None:
        return PartyInput()
    return PartyInput(e.name, e.uscc or "", e.address or "", e.contact or "", e.phone or "", e.size)


def _as_text(value) -> str:
    return "" if value is None else format(value, "f").rstrip("0").rstrip(".") if isinstance(value, Decimal) else str(value)


def get_sample(ctx: Context, sample_id: int) -> SampleDetail:
    with ctx.uow() as uow:
        s = uow.session.get(Sample, sample_id)
        if s is None:
            raise NotFoundError("该样品不存在或已被删除。")
        data = SampleInput(
            task_id=s.task_id,
            scheme_id=s.scheme_id,
            place_type=s.place_type,
            sampled=_party(s.sampled_party),
            nominal_producer=_party(s.nominal_producer),
            platform_operator=_party(s.platform_operator),
            shop_name=s.shop_name or "",
            shop_url=s.shop_url or "",
            order_number=s.order_number or "",
            logistics_number=s.logistics_number or "",
            unpacking_evidence=s.unpacking_evidence or "",
            product_name=s.product_name,
            brand=s.brand or "",
            model_spec=s.model_spec or "",
            batch_number=s.batch_number or "",
            production_date=s.production_date,
            grade=s.grade or "",
            declared_standards=tuple(s.declared_standards or ()),
            published_enterprise_standard=s.published_enterprise_standard or "",
            claims=tuple(s.claims or ()),
            sampling_date=s.sampling_date,
            sampling_place=s.sampling_place or "",
            samplers=tuple(s.samplers or ()),
            lot_size=_as_text(s.lot_size),
            test_quantity=_as_text(s.test_quantity),
            backup_quantity=_as_text(s.backup_quantity),
            quantity_unit=s.quantity_unit or "",
            unit_price=_as_text(s.unit_price),
            seal_numbers=tuple(s.seal_numbers or ()),
            sampling_record_number=s.sampling_record_number or "",
            test_category=s.test_category or DEFAULT_TEST_CATEGORY,
            received_date=s.received_date,
            condition_on_receipt=s.condition_on_receipt or "",
            notes=s.notes or "",
        )
        return SampleDetail(
            id=s.id,
            number=s.number,
            status=s.status,
            version=s.version,
            data=data,
            task_number=s.task.number,
            task_title=s.task.title,
            test_started_date=s.test_started_date,
            completed_date=s.completed_date,
            reported_date=s.reported_date,
            problems_found=bool(s.problems_found),
            major_hazard=bool(s.major_hazard),
            major_hazard_note=s.major_hazard_note or "",
            major_hazard_reported_at=s.major_hazard_reported_at,
            attachments=tuple(
                AttachmentInfo(a.id, a.kind, a.filename, a.size, a.sha256) for a in s.attachments
            ),
        )


def copy_input(detail: SampleDetail, **changes) -> SampleInput:
    """A form's data for "register another like this one"."""
    return replace(detail.data, **changes)


FIELD_NAMES = tuple(f.name for f in fields(SampleInput))
