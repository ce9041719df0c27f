"""Who may do what, now: the one permission model of the workstation.

Every action a user can take on a sample, a report, an amendment, a task or scheme, an upload
item or a settings section is decided here, once, from three things: the user's roles, the
record's state, and separation of duties (nobody reviews or approves what they compiled, nobody
approves their own amendment). Each function returns an :class:`Allowed` mapping of action name
→ :class:`Action` (allowed, or the reason in Chinese why not).

The snapshots services hand to the GUI carry this mapping as ``allowed_actions``; widgets enable
their buttons and write their tooltips from it, and the service performing the action checks the
same function with :func:`require` — so a button and its service never disagree. Signing actions
(审核/批准) additionally re-read the signer's roles in the database (``users.signer_in``).

Pure functions: no database, no Qt. ``user`` is a :class:`~app.services.context.CurrentUser`
(anything with ``id`` and ``has(role)``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Protocol

from app.errors import PermissionDenied, ValidationError

ROLE_LABELS = {
    "technician": "检验员",
    "reviewer": "审核人",
    "signatory": "授权签字人",
    "administrator": "管理员",
}
REPORT_STATUS_LABELS = {  # as app.services.records has them (kept here so this module stays a leaf)
    "draft": "草稿",
    "compiled": "已编制",
    "reviewed": "已审核",
    "approved": "已批准",
    "superseded": "已被替代",
}
AMENDMENT_STATUS_LABELS = {"pending": "待批准", "approved": "已批准", "rejected": "已退回"}
SCHEME_STATUS_LABELS = {
    "draft": "草稿",
    "submitted": "已提交审核",
    "reviewed": "已通过内部审核",
    "returned": "已退回修改",
    "confirmed": "已经任务下达部门确认",
    "superseded": "已被新版本取代",
}

#: sample statuses, in the order of the work
SAMPLE_STATUSES = ("registered", "received", "testing", "completed", "compiled", "reviewed", "approved", "reported")
REPORT_STATUSES = ("draft", "compiled", "reviewed", "approved", "superseded")
AMENDMENT_STATUSES = ("pending", "approved", "rejected")
SCHEME_STATUSES = ("draft", "submitted", "returned", "reviewed", "confirmed", "superseded")
UPLOAD_STATES = ("pending", "sending", "failed", "cancelled", "accepted", "delivered_by_hand", "superseded")

#: an approved result is amended while its sample waits for (or has) its replacement report compiled
AMENDABLE = ("completed", "approved", "reported")
#: who reports a major hazard (Article 18 ¶3), registers the reporting date, delivers notices
HAZARD_ROLES = ("technician", "reviewer", "signatory")
REPORTED_ROLES = ("technician", "reviewer", "signatory")
#: who records and delivers 告知书 (app.services.notifications)
DELIVERY_ROLES = ("technician", "reviewer", "signatory")
#: who works with tasks and records the authority's confirmation of a scheme
TASK_ROLES = ("technician", "administrator")
CONFIRM_ROLES = ("technician", "reviewer", "signatory", "administrator")
#: upload queue (app.services.upload)
OPERATE_ROLES = ("technician", "signatory", "administrator")
CANCEL_ROLES = ("signatory", "administrator")
PASSWORD_ROLES = ("administrator",)
#: who may verify the audit log and sign or export its checkpoints
AUDIT_ROLES = ("administrator", "reviewer", "signatory")

SETTINGS_SECTIONS = ("lab", "marks", "users", "calendar", "numbering", "provincial", "signing_key", "audit")


class User(Protocol):
    id: int | None

    def has(self, role: str) -> bool: ...


# ----------------------------------------------------------------------------------- values
@dataclass(frozen=True)
class Action:
    """One action on one record for one user: allowed, or ``reason`` (Chinese) why not.

    ``kind`` says what refused it: ``"role"`` (the user's roles) and ``"duty"`` (separation of
    duties) raise :class:`PermissionDenied`, ``"state"`` (the record's state) raises
    :class:`ValidationError`."""

    name: str
    allowed: bool
    reason: str = ""
    kind: str = ""

    def __bool__(self) -> bool:
        return self.allowed


class Allowed(Mapping[str, Action]):
    """Action name → :class:`Action`; immutable. A name it does not hold is not allowed."""

    __slots__ = ("_actions",)

    def __init__(self, actions: Iterable[Action] = ()) -> None:
        self._actions = {a.name: a for a in actions}

    def __getitem__(self, name: str) -> Action:
        return self._actions[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._actions)

    def __len__(self) -> int:
        return len(self._actions)

    def __hash__(self) -> int:
        return hash(tuple(self._actions.values()))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Allowed):
            return self._actions == other._actions
        return NotImplemented

    def __repr__(self) -> str:
        return "Allowed(" + ", ".join(f"{a.name}={'yes' if a.allowed else a.reason!r}" for a in self.values()) + ")"

    def get_action(self, name: str) -> Action:
        found = self._actions.get(name)
        return found if found is not None else Action(name, False, "该操作不可用。", "state")

    def allowed(self, name: str) -> bool:
        return self.get_action(name).allowed

    def reason(self, name: str) -> str:
        """Why ``name`` is refused ("" when allowed)."""
        a = self.get_action(name)
        return "" if a.allowed else a.reason

    def require(self, name: str) -> None:
        require(self.get_action(name))


NONE = Allowed()


def require(action: Action) -> None:
    """Raise what refused ``action``: :class:`PermissionDenied` for a role or separation of
    duties, :class:`ValidationError` for the record's state; nothing when it is allowed."""
    if action.allowed:
        return
    if action.kind in ("role", "duty"):
        raise PermissionDenied(action.reason)
    raise ValidationError(action.reason)


class _Builder:
    """Decides actions one after another: the first refusal of each action is its reason."""

    def __init__(self, user: User) -> None:
        self.user = user
        self.out: list[Action] = []

    def add(self, name: str, *checks: tuple[bool, str, str]) -> None:
        """``checks``: (refused?, reason, kind) in order; the first that refuses wins."""
        for refused, reason, kind in checks:
            if refused:
                self.out.append(Action(name, False, reason, kind))
                return
        self.out.append(Action(name, True))

    def role(self, roles: Iterable[str], action: str) -> tuple[bool, str, str]:
        """Refused unless the user holds one of ``roles`` — in the words of ``Context.require``."""
        roles = tuple(roles)
        return (not any(self.user.has(r) for r in roles), role_refusal(roles, action), "role")

    def done(self) -> Allowed:
        return Allowed(self.out)


def role_refusal(roles: Iterable[str], action: str) -> str:
    names = "或".join(ROLE_LABELS.get(r, r) for r in roles)
    return f"只有{names}才能{action}。"


def _state(refused: bool, reason: str) -> tuple[bool, str, str]:
    return (refused, reason, "state")


def _duty(refused: bool, reason: str) -> tuple[bool, str, str]:
    return (refused, reason, "duty")


# ----------------------------------------------------------------------------------- samples
SAMPLE_ACTIONS = ("start", "enter_result", "record_panel", "complete", "reopen", "compile", "mark_reported",
                  "report_hazard", "amend")


def sample_actions(user: User, *, status: str, items: int = 0, open_items: Iterable[str] = (),
                   has_approved_report: bool = False, pending_amendment: bool = False,
                   completed: bool | None = None) -> Allowed:
    """The work on one sample (检验与判定): start testing (choose the bases), enter results, record an
    expert panel's evaluation, confirm initial monitoring complete, take it back to testing,
    compile its test report, register the reporting date, report a major hazard, amend an
    approved result.

    ``items``: how many test items it has; ``open_items``: those not judged yet;
    ``has_approved_report``: results were issued (changes are amendments); ``pending_amendment``:
    an amendment waits for a signatory; ``completed``: initial monitoring has a completion date
    (by default: the status is past testing)."""
    b = _Builder(user)
    open_items = tuple(open_items)
    if completed is None:
        completed = status in SAMPLE_STATUSES[3:]
    done = status not in ("registered", "received", "testing")
    b.add("start", b.role(("technician",), "开始检验"),
          _state(status == "registered", "样品尚未收样，请先登记收样日期。"),
          _state(done, "该样品已完成初次风险监测，不能重新选择判定依据。"))
    b.add("enter_result", b.role(("technician",), "录入检验结果"),
          _state(status in ("registered", "received"), "请先开始检验（确定判定依据）。"),
          _state(status != "testing", "该样品已完成初次风险监测；已批准的结果请用“更正”。"))
    b.add("record_panel", b.role(("technician",), "记录专家组验证评价"),
          _state(status != "testing", "只有检验中的样品才能记录专家组评价。"))
    b.add("complete", b.role(("technician",), "确认初次风险监测完成"),
          _state(status != "testing", "只有检验中的样品才能确认完成。"),
          _state(items == 0, "该样品还没有检验项目。"),
          _state(bool(open_items), f"以下项目尚未判定：{'、'.join(open_items)}。"))
    b.add("reopen", b.role(("technician",), "退回检验"),
          _state(status != "completed", "只有已完成、尚未编制报告的样品才能退回检验。"),
          _state(has_approved_report,
                "该样品的报告已批准：结果不能退回修改，请用“更正”（保留原结果和更正原因）。"))
    b.add("compile", b.role(("technician",), "编制报告"),
          _state(status in ("registered", "received", "testing"), "只有已完成初次风险监测的样品才能编制报告。"),
          _state(status in ("compiled", "reviewed"), "报告已编制，正在审核或批准中；审核人退回后才能重新编制。"),
          _state(status in ("approved", "reported") and pending_amendment,
                "该样品有结果更正待授权签字人批准：批准或退回后才能编制替代报告。"),
          _state(status in ("approved", "reported"),
                "报告已批准：结果有误时请用“更正”，更正批准后再编制替代报告。"),
          _state(pending_amendment, "该样品有结果更正待授权签字人批准：批准或退回后才能编制替代报告。"))
    b.add("mark_reported", b.role(REPORTED_ROLES, "登记报送日期"),
          _state(not completed, "样品尚未完成初次风险监测。"))
    b.add("report_hazard", b.role(HAZARD_ROLES, "记录重大风险隐患"))
    b.add("amend", b.role(("technician",), "更正检验结果"),
          _state(not has_approved_report, "只有已批准的结果才需要更正；未批准的结果可直接修改。"),
          _state(status not in AMENDABLE, "替代报告正在审核或批准中：请先由审核人退回该报告，再更正结果。"))
    return b.done()


BENCH_ACTIONS = ("bulk_entry",)


def bench_actions(user: User) -> Allowed:
    """检验与判定 beyond one sample: one item's results entered for many samples in a grid (批量录入);
    each entry is then checked as that sample's own ``enter_result`` (:func:`sample_actions`)."""
    b = _Builder(user)
    b.add("bulk_entry", b.role(("technician",), "批量录入检验结果"))
    return b.done()


# ----------------------------------------------------------------------------------- reports
REPORT_ACTIONS = ("review", "return", "approve")


def report_actions(user: User, *, status: str, compiled_by_id: int | None, kind: str = "test") -> Allowed:
    """审核 / 退回 / 批准 of a test report (``kind="test"``) or a task's analysis report
    (``"analysis"``): review and return by a reviewer, approval by an authorised signatory, never by
    the person who compiled it."""
    b = _Builder(user)
    label = REPORT_STATUS_LABELS.get(status, status)
    own = user.id is not None and compiled_by_id == user.id
    b.add("review", b.role(("reviewer",), "审核报告"),
          _state(status != "compiled", f"报告当前状态为“{label}”，不能审核。"),
          _duty(own, "不能审核自己编制的报告。"))
    b.add("return", b.role(("reviewer",), "退回报告"),
          _state(status != "compiled", f"报告当前状态为“{label}”，不能退回。"),
          _duty(own, "不能退回自己编制的报告。"))
    b.add("approve", b.role(("signatory",), "批准报告"),
          _state(status != "reviewed", f"报告当前状态为“{label}”，须先审核再批准。"
                if status in ("draft", "compiled") else f"报告当前状态为“{label}”，不能批准。"),
          _duty(own, "不能批准自己编制的报告。"))
    return b.done()


# ----------------------------------------------------------------------------------- analysis and monthly reports
ANALYSIS_ACTIONS = ("compile", "review", "return", "approve")
MONTHLY_ACTIONS = ("compile", "review", "return", "approve", "submit")
#: who compiles a month's 风险信息月报 and records its 报送 (app.services.monthly_reports)
MONTHLY_COMPILE_ROLES = ("technician", "reviewer")
MONTHLY_SUBMIT_ROLES = ("technician", "reviewer", "signatory")


def _signing(b: _Builder, user: User, status: str | None, compiled_by_id: int | None, kind: str,
             missing: str) -> None:
    """审核 / 退回 / 批准 of a compiled report (:func:`report_actions`), or, with no report yet
    (``status`` None), refused for ``missing`` after the role."""
    if status is not None:
        b.out += report_actions(user, status=status, compiled_by_id=compiled_by_id, kind=kind).values()
        return
    for name, roles, action in (("review", ("reviewer",), "审核报告"), ("return", ("reviewer",), "退回报告"),
                                ("approve", ("signatory",), "批准报告")):
        b.add(name, b.role(roles, action), _state(True, missing))


def analysis_report_actions(user: User, *, status: str | None, compiled_by_id: int | None = None,
                            compile_refusal: str = "") -> Allowed:
    """编制 / 审核 / 退回 / 批准 of a task's 风险监测分析报告 (Article 18 ¶1). ``status``: the report
    in force or in progress (None: none compiled yet); ``compile_refusal``: why the task cannot be
    compiled now, in Chinese ("" when it can: :mod:`app.services.analysis_reports`)."""
    b = _Builder(user)
    b.add("compile", b.role(("technician",), "编制分析报告"), _state(bool(compile_refusal), compile_refusal))
    _signing(b, user, status, compiled_by_id, "analysis", "该任务尚未编制分析报告。")
    return b.done()


def monthly_report_actions(user: User, *, status: str | None, compiled_by_id: int | None = None,
                           compile_refusal: str = "", number: str = "") -> Allowed:
    """编制 / 审核 / 退回 / 批准 / 报送 of a month's 风险信息月报 (Article 11): compiled by a technician
    or reviewer, signed like a test report, its 报送 recorded once it is approved."""
    b = _Builder(user)
    b.add("compile", b.role(MONTHLY_COMPILE_ROLES, "编制风险信息月报"),
          _state(bool(compile_refusal), compile_refusal))
    _signing(b, user, status, compiled_by_id, "monthly", "该月尚未编制风险信息月报。")
    label = REPORT_STATUS_LABELS.get(status or "", status or "")
    b.add("submit", b.role(MONTHLY_SUBMIT_ROLES, "登记月报报送"),
          _state(status is None, "该月尚未编制风险信息月报。"),
          _state(status != "approved", f"月报{f' {number} ' if number else ''}尚未批准（当前为“{label}”），批准后才能报送。"))
    return b.done()


# ----------------------------------------------------------------------------------- registers and the catalog
RISK_ACTIONS = ("record", "update", "delete", "propose", "import_history", "delete_history")
#: who keeps the risk-information register (风险信息, Article 10) and imports earlier rounds' data
RISK_ROLES = ("technician", "reviewer", "administrator")
PROPOSE_ROLES = ("technician", "reviewer")


def risk_actions(user: User) -> Allowed:
    """The risk pages: record an entry of the register (风险信息), change one, delete one, propose a
    task's warning level (风险预警等级建议, Articles 19–20), import or delete earlier rounds' data."""
    b = _Builder(user)
    b.add("record", b.role(RISK_ROLES, "登记风险信息"))
    b.add("update", b.role(RISK_ROLES, "修改风险信息"))
    b.add("delete", b.role(("administrator",), "删除风险信息"))
    b.add("propose", b.role(PROPOSE_ROLES, "提出风险预警等级建议"))
    b.add("import_history", b.role(RISK_ROLES, "导入往期监测数据"))
    b.add("delete_history", b.role(("administrator",), "删除往期监测数据"))
    return b.done()


CATALOG_ACTIONS = ("edit", "import", "delete")
CATALOG_ROLES = ("technician", "administrator")


def catalog_actions(user: User) -> Allowed:
    """The standards catalog (标准库): add, version and edit standards, import them, delete one."""
    b = _Builder(user)
    b.add("edit", b.role(CATALOG_ROLES, "维护标准库"))
    b.add("import", b.role(CATALOG_ROLES, "导入标准库"))
    b.add("delete", b.role(("administrator",), "删除标准"))
    return b.done()


PUBLICATION_ACTIONS = ("record_consent",)


def publication_actions(user: User) -> Allowed:
    """Article 8: recording the organising regulator's consent to publication of a task's results."""
    b = _Builder(user)
    b.add("record_consent", b.role(("administrator",), "登记公开同意"))
    return b.done()


AMENDMENT_ACTIONS = ("approve", "refuse")


def amendment_actions(user: User, *, status: str, amended_by_id: int | None, sample_status: str = "completed") -> Allowed:
    """批准 / 退回 of a pending result amendment, by an authorised signatory other than the amender."""
    b = _Builder(user)
    label = AMENDMENT_STATUS_LABELS.get(status, status)
    own = user.id is not None and amended_by_id == user.id
    b.add("approve", b.role(("signatory",), "批准结果更正"),
          _state(status != "pending", f"该更正已{label}，不能再批准。"),
          _duty(own, "不能批准自己提出的更正：须由另一位授权签字人批准。"),
          _state(sample_status not in AMENDABLE, "替代报告正在审核或批准中：请先由审核人退回该报告，再批准更正。"))
    b.add("refuse", b.role(("signatory",), "退回结果更正"),
          _state(status != "pending", f"该更正已{label}，不能再退回。"),
          _duty(own, "不能退回自己提出的更正：须由另一位授权签字人退回。"))
    return b.done()


# ----------------------------------------------------------------------------------- tasks and schemes
TASK_ACTIONS = ("create", "edit", "draft_scheme")


def task_actions(user: User) -> Allowed:
    """新建 / 修改 a monitoring task, 拟定 a scheme for it."""
    b = _Builder(user)
    b.add("create", b.role(TASK_ROLES, "新建监测任务"))
    b.add("edit", b.role(TASK_ROLES, "修改监测任务"))
    b.add("draft_scheme", b.role(("technician",), "拟定监测方案"))
    return b.done()


SCHEME_ACTIONS = ("edit", "submit", "review", "return", "confirm", "revise")


def scheme_actions(user: User, *, status: str, drafted_by_id: int | None = None,
                   submitted_by_id: int | None = None, successor_id: int | None = None) -> Allowed:
    """The scheme's lifecycle (Article 14): edit and submit the draft, internal review or return
    (by a reviewer who neither drafted nor submitted it), record the authority's confirmation,
    revise the confirmed version in force (one open revision at a time)."""
    b = _Builder(user)
    label = SCHEME_STATUS_LABELS.get(status, status)
    tech = (not user.has("technician"), "只有检验员可以拟定、修改和提交方案。", "role")
    if status in ("confirmed", "superseded"):
        frozen = ("已确认的方案不能直接修改：请点“修订方案”生成新版本。" if status == "confirmed"
                  else "该版本已被新版本取代，不能再修改。")
    else:
        frozen = f"方案{label}，须审核人退回后才能修改或重新提交。"
    for name in ("edit", "submit"):
        b.add(name, tech, _state(status not in ("draft", "returned"), frozen))
    reviewer = (not user.has("reviewer"), "只有审核人可以审核或退回方案。", "role")
    own = user.id is not None and user.id in {drafted_by_id, submitted_by_id}
    b.add("review", reviewer, _duty(own, "方案须由拟定人和提交人以外的审核人审核。"),
          _state(status != "submitted", f"方案当前{label}，只有已提交审核的方案可以审核。"))
    b.add("return", reviewer, _duty(own, "方案须由拟定人和提交人以外的审核人审核。"),
          _state(status not in ("submitted", "reviewed"),
                f"方案当前{label}，只有已提交审核或已通过内部审核、尚未确认的方案可以退回。"))
    b.add("confirm", (not any(user.has(r) for r in CONFIRM_ROLES), "您的账号没有登记部门确认的角色。", "role"),
          _state(status in ("draft", "returned", "submitted"),
                f"方案当前{label}：须先通过内部审核，再登记任务下达部门的确认。"),
          _state(status != "reviewed", f"方案当前{label}，不需要再登记确认。"))
    b.add("revise", (not user.has("technician"), "只有检验员可以修订方案。", "role"),
          _state(status == "superseded", "该版本已被新版本取代，请修订现行版本。"),
          _state(status != "confirmed", "只有现行（已确认）的方案可以修订。"),
          _state(successor_id is not None, "该方案已有一个尚未确认的修订版本，请在修订版本上继续。"))
    return b.done()


# ----------------------------------------------------------------------------------- upload items
UPLOAD_ACTIONS = ("retry", "cancel", "export", "confirm", "package")


def upload_actions(user: User, *, state: str, note: str = "") -> Allowed:
    """One item of the upload queue (上报同步): send again, cancel, export for upload by hand,
    confirm an upload by hand, keep a copy of the package."""
    b = _Builder(user)
    superseded = _state(state == "superseded", "该上传项已被替代，不再上传" + (f"：{note}" if note else "。"))
    sending = state == "sending"
    finished = state in ("accepted", "delivered_by_hand")
    b.add("retry", b.role(OPERATE_ROLES, "重新上传"),
          _state(sending, "该上传正在进行中，请稍后再试。"),
          _state(finished, "该上传已完成，不需要重试。"), superseded,
          _state(state == "pending", "该上传正在排队，程序会自动上传。"))
    b.add("cancel", b.role(CANCEL_ROLES, "取消上传"),
          _state(sending, "该上传正在进行中，无法取消；请等待结果后再操作。"),
          _state(finished, "该上传已被省级系统接收，不能取消。"), superseded,
          _state(state == "cancelled", "该上传已取消。"))
    b.add("export", b.role(OPERATE_ROLES, "导出手工上传包"),
          _state(sending, "该上传正在进行中，请等待结果后再导出。"),
          _state(finished, "该上传已完成，不需要再导出。"), superseded)
    b.add("confirm", b.role(OPERATE_ROLES, "确认手工上传"),
          _state(sending, "该上传正在通过网络进行中，请等待结果后再确认。"),
          _state(state == "accepted", "该上传已被省级系统在线接收，无需手工确认。"),
          _state(state == "delivered_by_hand", "该上传已确认手工上传。"), superseded)
    b.add("package", b.role(OPERATE_ROLES, "查看上传包"))
    return b.done()


def upload_queue_actions(user: User) -> Allowed:
    """What the upload page offers beyond one item: send the queue now, save or delete the password."""
    b = _Builder(user)
    b.add("send", b.role(OPERATE_ROLES, "上传到省级系统"))
    b.add("save_password", b.role(PASSWORD_ROLES, "保存省级系统密码"))
    b.add("delete_password", b.role(PASSWORD_ROLES, "删除保存的省级系统密码"))
    return b.done()


# ----------------------------------------------------------------------------------- notices
NOTICE_ACTIONS = ("generate", "deliver", "attach_receipt")


def notice_actions(user: User, *, report_current: bool = True) -> Allowed:
    """告知书 (Article 18 ¶2): issue them (create the records of a task's approved problem samples and
    write the letters), record a letter's delivery (送达登记), keep the scan of its receipt (回执).
    ``report_current``: the letter belongs to its sample's current report — one of a replaced report
    stays as it was issued, and the replacement's letters are delivered instead."""
    b = _Builder(user)
    replaced = _state(not report_current, "该告知书依据的检验报告已被替代：请出具并登记替代报告的告知书。")
    b.add("generate", b.role(DELIVERY_ROLES, "出具告知书"))
    b.add("deliver", b.role(DELIVERY_ROLES, "登记告知书送达情况"), replaced)
    b.add("attach_receipt", b.role(DELIVERY_ROLES, "添加送达回执扫描件"), replaced)
    return b.done()


# ----------------------------------------------------------------------------------- signing key and audit log
SIGNING_KEY_ACTIONS = ("generate", "import")


def signing_key_actions(user: User) -> Allowed:
    """设置 → 签章密钥: generate the lab's signing key, import a certificate issued for it. (Unlocking
    the key on a workstation needs its password, not a role.)"""
    b = _Builder(user)
    b.add("generate", b.role(("administrator",), "生成签章密钥"))
    b.add("import", b.role(("administrator",), "导入签章证书"))
    return b.done()


AUDIT_ACTIONS = ("verify", "sign_checkpoint", "export_checkpoints")


def audit_actions(user: User) -> Allowed:
    """设置 → 审计与完整性: verify the audit log (also against an exported file), sign a checkpoint of
    its head with the lab key, export the checkpoints to keep outside the database."""
    b = _Builder(user)
    b.add("verify", b.role(AUDIT_ROLES, "校验审计日志"))
    b.add("sign_checkpoint", b.role(AUDIT_ROLES, "签署审计检查点"))
    b.add("export_checkpoints", b.role(AUDIT_ROLES, "导出审计检查点"))
    return b.done()


# ----------------------------------------------------------------------------------- settings
def settings_actions(user: User) -> Allowed:
    """Each settings section → whether the user may change it (the audit section: verify the log
    and sign or export its checkpoints). Anyone signed in may read every section."""
    b = _Builder(user)
    b.add("lab", b.role(("administrator",), "修改本机构信息"))
    b.add("marks", b.role(("administrator",), "更换本机构的标志、印章和签名图片"))
    b.add("users", b.role(("administrator",), "管理用户"))
    b.add("calendar", b.role(("administrator",), "修改工作日历"))
    b.add("numbering", b.role(("administrator",), "修改系统设置"))
    b.add("provincial", b.role(PASSWORD_ROLES, "保存省级系统密码"))
    b.out.append(replace(signing_key_actions(user)["generate"], name="signing_key"))
    b.out.append(replace(audit_actions(user)["verify"], name="audit"))
    return b.done()
