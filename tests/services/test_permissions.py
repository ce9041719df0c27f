"""The permission model, table-driven: every action × role × state, with the expected answer and
reason written out here independently of ``app.services.permissions``."""

from __future__ import annotations

import pytest

from app.errors import PermissionDenied, ValidationError
from app.services import permissions as p
from app.services.context import ROLES, CurrentUser

ME, OTHER = 1, 2


def user(*roles: str, uid: int = ME) -> CurrentUser:
    return CurrentUser(uid, f"u{uid}", f"用户{uid}", frozenset(roles))


def only(role: str) -> str:
    return f"只有{p.ROLE_LABELS[role]}才能"


def expect(table, role, state):
    """(allowed, reason) from a spec row ``(roles, role_reason, {state: reason | None}, default)``."""
    roles, role_reason, reasons, default = table
    if role not in roles:
        return False, role_reason
    reason = reasons.get(state, default)
    return reason is None, reason or ""


# ----------------------------------------------------------------------------------- samples
DONE = "该样品已完成初次风险监测，不能重新选择判定依据。"
AFTER = {"completed", "compiled", "reviewed", "approved", "reported"}
SAMPLE_SPEC = {
    "start": (("technician",), "只有检验员才能开始检验。",
              {"registered": "样品尚未收样，请先登记收样日期。", "received": None, "testing": None}, DONE),
    "enter_result": (("technician",), "只有检验员才能录入检验结果。",
                     {"registered": "请先开始检验（确定判定依据）。", "received": "请先开始检验（确定判定依据）。",
                      "testing": None}, "该样品已完成初次风险监测；已批准的结果请用“更正”。"),
    "record_panel": (("technician",), "只有检验员才能记录专家组验证评价。", {"testing": None},
                     "只有检验中的样品才能记录专家组评价。"),
    "complete": (("technician",), "只有检验员才能确认初次风险监测完成。", {"testing": None},
                 "只有检验中的样品才能确认完成。"),
    "reopen": (("technician",), "只有检验员才能退回检验。", {"completed": None},
               "只有已完成、尚未编制报告的样品才能退回检验。"),
    "compile": (("technician",), "只有检验员才能编制报告。",
                {"completed": None,
                 "compiled": "报告已编制，正在审核或批准中；审核人退回后才能重新编制。",
                 "reviewed": "报告已编制，正在审核或批准中；审核人退回后才能重新编制。",
                 "approved": "报告已批准：结果有误时请用“更正”，更正批准后再编制替代报告。",
                 "reported": "报告已批准：结果有误时请用“更正”，更正批准后再编制替代报告。"},
                "只有已完成初次风险监测的样品才能编制报告。"),
    "mark_reported": (("technician", "reviewer", "signatory"), "只有检验员或审核人或授权签字人才能登记报送日期。",
                      dict.fromkeys(AFTER), "样品尚未完成初次风险监测。"),
    "report_hazard": (("technician", "reviewer", "signatory"), "只有检验员或审核人或授权签字人才能记录重大风险隐患。",
                      {}, None),
    "amend": (("technician",), "只有检验员才能更正检验结果。",
              {"approved": None, "reported": None},
              "只有已批准的结果才需要更正；未批准的结果可直接修改。"),
}


def test_every_sample_action_is_in_the_table():
    assert set(SAMPLE_SPEC) == set(p.SAMPLE_ACTIONS)


@pytest.mark.parametrize("action", p.SAMPLE_ACTIONS)
@pytest.mark.parametrize("status", p.SAMPLE_STATUSES)
@pytest.mark.parametrize("role", ROLES)
def test_sample_actions(role, status, action):
    # a sample whose items are all judged; an approved report exists once the report was approved
    allowed = p.sample_actions(user(role), status=status, items=2,
                               has_approved_report=status in ("approved", "reported"))
    want, reason = expect(SAMPLE_SPEC[action], role, status)
    got = allowed[action]
    assert (got.allowed, got.reason) == (want, reason), (role, status, action)


def test_sample_facts_beyond_the_status():
    tech = user("technician")
    a = p.sample_actions(tech, status="testing", items=3, open_items=("噪声", "外观"))
    assert a.reason("complete") == "以下项目尚未判定：噪声、外观。"
    assert p.sample_actions(tech, status="testing", items=0).reason("complete") == "该样品还没有检验项目。"
    # an amended sample back at 已完成 with its approved report: no return to testing, amendments allowed
    a = p.sample_actions(tech, status="completed", items=2, has_approved_report=True)
    assert "请用“更正”" in a.reason("reopen") and a.allowed("amend") and a.allowed("compile")
    a = p.sample_actions(tech, status="reviewed", items=2, has_approved_report=True)  # its replacement is signed
    assert a.reason("amend") == "替代报告正在审核或批准中：请先由审核人退回该报告，再更正结果。"
    a = p.sample_actions(tech, status="completed", items=2, has_approved_report=True, pending_amendment=True)
    assert a.reason("compile") == "该样品有结果更正待授权签字人批准：批准或退回后才能编制替代报告。"
    # the reporting date needs the completion date, not a status
    assert p.sample_actions(tech, status="testing", completed=True).allowed("mark_reported")


# ----------------------------------------------------------------------------------- reports
def report_spec(status):
    label = p.REPORT_STATUS_LABELS[status]
    approve = f"报告当前状态为“{label}”，须先审核再批准。" if status in ("draft", "compiled") else \
        f"报告当前状态为“{label}”，不能批准。"
    return {
        "review": (("reviewer",), "只有审核人才能审核报告。", {"compiled": None}, f"报告当前状态为“{label}”，不能审核。"),
        "return": (("reviewer",), "只有审核人才能退回报告。", {"compiled": None}, f"报告当前状态为“{label}”，不能退回。"),
        "approve": (("signatory",), "只有授权签字人才能批准报告。", {"reviewed": None}, approve),
    }


@pytest.mark.parametrize("kind", ("test", "analysis"))
@pytest.mark.parametrize("action", p.REPORT_ACTIONS)
@pytest.mark.parametrize("status", p.REPORT_STATUSES)
@pytest.mark.parametrize("role", ROLES)
def test_report_actions(role, status, action, kind):
    got = p.report_actions(user(role), status=status, compiled_by_id=OTHER, kind=kind)[action]
    assert (got.allowed, got.reason) == expect(report_spec(status)[action], role, status)


@pytest.mark.parametrize(("action", "status", "reason"), [
    ("review", "compiled", "不能审核自己编制的报告。"),
    ("return", "compiled", "不能退回自己编制的报告。"),
    ("approve", "reviewed", "不能批准自己编制的报告。"),
])
def test_nobody_signs_what_they_compiled(action, status, reason):
    everyone = user(*ROLES)
    got = p.report_actions(everyone, status=status, compiled_by_id=ME)[action]
    assert (got.allowed, got.reason, got.kind) == (False, reason, "duty")
    with pytest.raises(PermissionDenied, match=reason):
        p.require(got)


def test_the_examples_of_the_issue():
    tech, sig = user("technician"), user("signatory")
    assert p.report_actions(tech, status="reviewed", compiled_by_id=OTHER).reason("approve") == "只有授权签字人才能批准报告。"
    assert p.report_actions(sig, status="reviewed", compiled_by_id=OTHER).allowed("approve")
    assert p.report_actions(sig, status="compiled", compiled_by_id=OTHER).reason("approve") == \
        "报告当前状态为“已编制”，须先审核再批准。"
    # after completion the compile button no longer says "only after completion"
    assert p.sample_actions(tech, status="compiled", items=1).reason("compile") != "只有已完成初次风险监测的样品才能编制报告。"


# ----------------------------------------------------------------------------------- amendments
@pytest.mark.parametrize("own", (False, True))
@pytest.mark.parametrize("action", p.AMENDMENT_ACTIONS)
@pytest.mark.parametrize("status", p.AMENDMENT_STATUSES)
@pytest.mark.parametrize("role", ROLES)
def test_amendment_actions(role, status, action, own):
    verb = {"approve": "批准", "refuse": "退回"}[action]
    got = p.amendment_actions(user(role), status=status, amended_by_id=ME if own else OTHER)[action]
    if role != "signatory":
        want = (False, f"只有授权签字人才能{verb}结果更正。")
    elif status != "pending":
        want = (False, f"该更正已{p.AMENDMENT_STATUS_LABELS[status]}，不能再{verb}。")
    elif own:
        want = (False, f"不能{verb}自己提出的更正：须由另一位授权签字人{verb}。")
    else:
        want = (True, "")
    assert (got.allowed, got.reason) == want


def test_an_amendment_waits_while_the_replacement_is_being_signed():
    got = p.amendment_actions(user("signatory"), status="pending", amended_by_id=OTHER, sample_status="reviewed")
    assert not got.allowed("approve") and "替代报告正在审核或批准中" in got.reason("approve")
    assert got.allowed("refuse")


# ----------------------------------------------------------------------------------- tasks and schemes
@pytest.mark.parametrize("role", ROLES)
def test_task_actions(role):
    a = p.task_actions(user(role))
    assert a.allowed("create") == a.allowed("edit") == (role in ("technician", "administrator"))
    assert a.allowed("draft_scheme") == (role == "technician")
    if role not in ("technician", "administrator"):
        assert a.reason("create") == "只有检验员或管理员才能新建监测任务。"


def scheme_spec(status):
    label = p.SCHEME_STATUS_LABELS[status]
    frozen = {"confirmed": "已确认的方案不能直接修改：请点“修订方案”生成新版本。",
              "superseded": "该版本已被新版本取代，不能再修改。"}.get(status, f"方案{label}，须审核人退回后才能修改或重新提交。")
    edit = (("technician",), "只有检验员可以拟定、修改和提交方案。", {"draft": None, "returned": None}, frozen)
    confirm_early = f"方案当前{label}：须先通过内部审核，再登记任务下达部门的确认。"
    return {
        "edit": edit,
        "submit": edit,
        "review": (("reviewer",), "只有审核人可以审核或退回方案。", {"submitted": None},
                   f"方案当前{label}，只有已提交审核的方案可以审核。"),
        "return": (("reviewer",), "只有审核人可以审核或退回方案。", {"submitted": None, "reviewed": None},
                   f"方案当前{label}，只有已提交审核或已通过内部审核、尚未确认的方案可以退回。"),
        "confirm": (ROLES, "", {"reviewed": None, "draft": confirm_early, "returned": confirm_early,
                                "submitted": confirm_early}, f"方案当前{label}，不需要再登记确认。"),
        "revise": (("technician",), "只有检验员可以修订方案。",
                   {"confirmed": None, "superseded": "该版本已被新版本取代，请修订现行版本。"},
                   "只有现行（已确认）的方案可以修订。"),
    }


@pytest.mark.parametrize("action", p.SCHEME_ACTIONS)
@pytest.mark.parametrize("status", p.SCHEME_STATUSES)
@pytest.mark.parametrize("role", ROLES)
def test_scheme_actions(role, status, action):
    got = p.scheme_actions(user(role), status=status, drafted_by_id=OTHER, submitted_by_id=OTHER)[action]
    assert (got.allowed, got.reason) == expect(scheme_spec(status)[action], role, status)


def test_scheme_duties_and_one_open_revision():
    both = user("technician", "reviewer")
    a = p.scheme_actions(both, status="submitted", drafted_by_id=ME, submitted_by_id=ME)
    assert a.reason("review") == a.reason("return") == "方案须由拟定人和提交人以外的审核人审核。"
    assert a["review"].kind == "duty"
    a = p.scheme_actions(user("technician"), status="confirmed", successor_id=9)
    assert a.reason("revise") == "该方案已有一个尚未确认的修订版本，请在修订版本上继续。"
    assert p.scheme_actions(user(), status="reviewed").reason("confirm") == "您的账号没有登记部门确认的角色。"


# ----------------------------------------------------------------------------------- upload items
UPLOAD_ROLE_REASONS = {
    "retry": (p.OPERATE_ROLES, "只有检验员或授权签字人或管理员才能重新上传。"),
    "cancel": (p.CANCEL_ROLES, "只有授权签字人或管理员才能取消上传。"),
    "export": (p.OPERATE_ROLES, "只有检验员或授权签字人或管理员才能导出手工上传包。"),
    "confirm": (p.OPERATE_ROLES, "只有检验员或授权签字人或管理员才能确认手工上传。"),
    "package": (p.OPERATE_ROLES, "只有检验员或授权签字人或管理员才能查看上传包。"),
}
UPLOAD_STATE_ALLOWED = {  # the states each action is offered in (the outbox refuses the others)
    "retry": {"failed", "cancelled"},
    "cancel": {"pending", "failed"},
    "export": {"pending", "failed", "cancelled"},
    "confirm": {"pending", "failed", "cancelled"},
    "package": set(p.UPLOAD_STATES),
}


@pytest.mark.parametrize("action", p.UPLOAD_ACTIONS)
@pytest.mark.parametrize("state", p.UPLOAD_STATES)
@pytest.mark.parametrize("role", ROLES)
def test_upload_actions(role, state, action):
    got = p.upload_actions(user(role), state=state, note="R2 已替代")[action]
    roles, role_reason = UPLOAD_ROLE_REASONS[action]
    if role not in roles:
        assert (got.allowed, got.reason, got.kind) == (False, role_reason, "role")
    elif state in UPLOAD_STATE_ALLOWED[action]:
        assert got.allowed
    else:
        assert not got.allowed and got.kind == "state"
        if state == "superseded":
            assert got.reason == "该上传项已被替代，不再上传：R2 已替代"
        else:
            assert got.reason.endswith("。")
        with pytest.raises(ValidationError):
            p.require(got)


# ----------------------------------------------------------------------------------- settings
SETTINGS_ROLES = {section: ("administrator",) for section in p.SETTINGS_SECTIONS} | {
    "audit": ("administrator", "reviewer", "signatory")}


@pytest.mark.parametrize("section", p.SETTINGS_SECTIONS)
@pytest.mark.parametrize("role", ROLES)
def test_settings_sections(role, section):
    got = p.settings_actions(user(role))[section]
    assert got.allowed == (role in SETTINGS_ROLES[section])
    if not got.allowed:
        assert got.reason.startswith("只有") and got.kind == "role"
        with pytest.raises(PermissionDenied, match=got.reason):
            p.require(got)


# ----------------------------------------------------------------------------------- analysis and monthly reports
SIGN_ROLES = {"review": "reviewer", "return": "reviewer", "approve": "signatory"}
SIGN_REASONS = {"review": "只有审核人才能审核报告。", "return": "只有审核人才能退回报告。",
                "approve": "只有授权签字人才能批准报告。"}
COMPILE_REFUSAL = "分析报告 R 已审核，正等待批准；不能重新编制。"


def signing_expect(role, status, action, missing):
    """As a test report's (``report_spec``), and with no report yet refused for ``missing``."""
    if status is None:
        return (False, SIGN_REASONS[action]) if role != SIGN_ROLES[action] else (False, missing)
    return expect(report_spec(status)[action], role, status)


@pytest.mark.parametrize("blocked", (False, True))
@pytest.mark.parametrize("action", p.ANALYSIS_ACTIONS)
@pytest.mark.parametrize("status", (None, *p.REPORT_STATUSES))
@pytest.mark.parametrize("role", ROLES)
def test_analysis_report_actions(role, status, action, blocked):
    got = p.analysis_report_actions(user(role), status=status, compiled_by_id=OTHER,
                                    compile_refusal=COMPILE_REFUSAL if blocked else "")[action]
    if action == "compile":
        want = ((False, "只有检验员才能编制分析报告。") if role != "technician"
                else (False, COMPILE_REFUSAL) if blocked else (True, ""))
    else:
        want = signing_expect(role, status, action, "该任务尚未编制分析报告。")
    assert (got.allowed, got.reason) == want, (role, status, action)


@pytest.mark.parametrize("action", p.MONTHLY_ACTIONS)
@pytest.mark.parametrize("status", (None, *p.REPORT_STATUSES))
@pytest.mark.parametrize("role", ROLES)
def test_monthly_report_actions(role, status, action):
    got = p.monthly_report_actions(user(role), status=status, compiled_by_id=OTHER, number="YB-1")[action]
    if action == "compile":
        want = (True, "") if role in ("technician", "reviewer") else (False, "只有检验员或审核人才能编制风险信息月报。")
    elif action == "submit":
        if role == "administrator":
            want = (False, "只有检验员或审核人或授权签字人才能登记月报报送。")
        elif status is None:
            want = (False, "该月尚未编制风险信息月报。")
        elif status != "approved":
            want = (False, f"月报 YB-1 尚未批准（当前为“{p.REPORT_STATUS_LABELS[status]}”），批准后才能报送。")
        else:
            want = (True, "")
    else:
        want = signing_expect(role, status, action, "该月尚未编制风险信息月报。")
    assert (got.allowed, got.reason) == want, (role, status, action)


def test_nobody_signs_their_own_analysis_or_monthly_report():
    for fn in (p.analysis_report_actions, p.monthly_report_actions):
        a = fn(user("reviewer", "signatory"), status="compiled", compiled_by_id=ME)
        assert (a["review"].reason, a["review"].kind) == ("不能审核自己编制的报告。", "duty")
        a = fn(user("reviewer", "signatory"), status="reviewed", compiled_by_id=ME)
        assert (a["approve"].reason, a["approve"].kind) == ("不能批准自己编制的报告。", "duty")


# ----------------------------------------------------------------------------------- registers, catalog, publication
USER_ONLY = {
    (p.risk_actions, "record"): (("technician", "reviewer", "administrator"), "登记风险信息"),
    (p.risk_actions, "update"): (("technician", "reviewer", "administrator"), "修改风险信息"),
    (p.risk_actions, "delete"): (("administrator",), "删除风险信息"),
    (p.risk_actions, "propose"): (("technician", "reviewer"), "提出风险预警等级建议"),
    (p.risk_actions, "import_history"): (("technician", "reviewer", "administrator"), "导入往期监测数据"),
    (p.risk_actions, "delete_history"): (("administrator",), "删除往期监测数据"),
    (p.catalog_actions, "edit"): (("technician", "administrator"), "维护标准库"),
    (p.catalog_actions, "import"): (("technician", "administrator"), "导入标准库"),
    (p.catalog_actions, "delete"): (("administrator",), "删除标准"),
    (p.publication_actions, "record_consent"): (("administrator",), "登记公开同意"),
    (p.bench_actions, "bulk_entry"): (("technician",), "批量录入检验结果"),
    (p.notice_actions, "generate"): (("technician", "reviewer", "signatory"), "出具告知书"),
    (p.notice_actions, "deliver"): (("technician", "reviewer", "signatory"), "登记告知书送达情况"),
    (p.notice_actions, "attach_receipt"): (("technician", "reviewer", "signatory"), "添加送达回执扫描件"),
    (p.signing_key_actions, "generate"): (("administrator",), "生成签章密钥"),
    (p.signing_key_actions, "import"): (("administrator",), "导入签章证书"),
    (p.audit_actions, "verify"): (("administrator", "reviewer", "signatory"), "校验审计日志"),
    (p.audit_actions, "sign_checkpoint"): (("administrator", "reviewer", "signatory"), "签署审计检查点"),
    (p.audit_actions, "export_checkpoints"): (("administrator", "reviewer", "signatory"), "导出审计检查点"),
}


def test_every_user_only_action_is_in_the_table():
    for fn, names in ((p.risk_actions, p.RISK_ACTIONS), (p.catalog_actions, p.CATALOG_ACTIONS),
                      (p.publication_actions, p.PUBLICATION_ACTIONS), (p.bench_actions, p.BENCH_ACTIONS),
                      (p.notice_actions, p.NOTICE_ACTIONS), (p.signing_key_actions, p.SIGNING_KEY_ACTIONS),
                      (p.audit_actions, p.AUDIT_ACTIONS)):
        assert list(fn(user(*ROLES))) == list(names)
        assert {a for f, a in USER_ONLY if f is fn} == set(names)


@pytest.mark.parametrize("entry", list(USER_ONLY), ids=lambda e: f"{e[0].__name__}.{e[1]}")
@pytest.mark.parametrize("role", ROLES)
def test_user_only_actions(role, entry):
    fn, action = entry
    roles, words = USER_ONLY[entry]
    got = fn(user(role))[action]
    names = "或".join(p.ROLE_LABELS[r] for r in roles)
    assert (got.allowed, got.reason) == ((True, "") if role in roles else (False, f"只有{names}才能{words}。"))


REPLACED = "该告知书依据的检验报告已被替代：请出具并登记替代报告的告知书。"


@pytest.mark.parametrize("current", [True, False])
@pytest.mark.parametrize("action", p.NOTICE_ACTIONS)
@pytest.mark.parametrize("role", ROLES)
def test_notice_actions_of_a_replaced_report(role, action, current):
    """A letter of a replaced report is neither delivered nor given a receipt: the replacement's
    letters are; issuing letters does not depend on one letter."""
    got = p.notice_actions(user(role), report_current=current)[action]
    if role == "administrator":
        assert (got.allowed, got.kind) == (False, "role")
    elif action != "generate" and not current:
        assert (got.allowed, got.reason, got.kind) == (False, REPLACED, "state")
    else:
        assert (got.allowed, got.reason) == (True, "")


@pytest.mark.parametrize("role", ROLES)
def test_the_settings_sections_of_the_key_and_the_audit_log_are_their_entities(role):
    u = user(role)
    section = p.settings_actions(u)
    key, audit = p.signing_key_actions(u)["generate"], p.audit_actions(u)["verify"]
    assert (section["signing_key"].allowed, section["signing_key"].reason) == (key.allowed, key.reason)
    assert (section["audit"].allowed, section["audit"].reason) == (audit.allowed, audit.reason)


# ----------------------------------------------------------------------------------- the mapping
def test_allowed_mapping():
    a = p.report_actions(user("reviewer"), status="compiled", compiled_by_id=OTHER)
    assert list(a) == list(p.REPORT_ACTIONS) and a.allowed("review") and a.reason("review") == ""
    assert not a.allowed("nonexistent") and a.reason("nonexistent")
    assert not p.NONE.allowed("review") and len(p.NONE) == 0
    assert a == p.report_actions(user("reviewer"), status="compiled", compiled_by_id=OTHER) and hash(a)
    with pytest.raises(ValidationError, match="不能批准"):
        p.report_actions(user("signatory"), status="approved", compiled_by_id=OTHER).require("approve")
    a.require("review")  # allowed: nothing raised
