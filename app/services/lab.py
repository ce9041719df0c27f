"""The lab (检验检测机构) and the lab-wide settings."""

from __future__ import annotations

import datetime as dt
import string
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select

from app import clock
from app.errors import ValidationError
from app.rules import cma
from app.services import permissions
from app.services._common import check_version
from app.services.context import Context
from app.store.queries import get_setting, set_setting
from app.store.tables import SETTING_DEFAULTS
from app.store.tables import organisation as _ORG
from app.store.uow import CoreUnit
from app.sync.gateway import is_loopback_url


@dataclass(frozen=True)
class LabInfo:
    name: str
    cma_number: str
    address: str
    phone: str
    version: int | None


def _lab(session) -> LabInfo:
    """The lab record (``session``: a session, or a connection for what reads with Core alone)."""
    org = session.execute(select(_ORG.c.name, _ORG.c.cma_number, _ORG.c.address, _ORG.c.phone, _ORG.c.version)
                          .where(_ORG.c.id == 1)).first()
    if org is None:
        return LabInfo("", "", "", "", None)
    return LabInfo(org.name, org.cma_number or "", org.address or "", org.phone or "", org.version)


def lab_name_unchecked(db) -> str:
    with CoreUnit(db, actor="system") as unit:  # at start-up: Core alone, the ORM not loaded
        return _lab(unit.conn).name


def get_lab(ctx: Context) -> LabInfo:
    with ctx.uow() as uow:
        return _lab(uow.session)


def save_lab(ctx: Context, *, name: str, cma_number: str, address: str, phone: str, version: int | None) -> LabInfo:
    permissions.settings_actions(ctx.user).require("lab")
    errors = {}
    if not name.strip():
        errors["name"] = "请填写机构名称。"
    cma_problem = cma.problem(cma_number)
    if cma_problem:
        errors["cma_number"] = cma_problem
    if errors:
        raise ValidationError(errors)
    # deferred: the ORM classes load with the first session (app.store.db), not at start-up
    from app.store.models import Organisation

    with ctx.uow() as uow:
        org = uow.session.get(Organisation, 1)
        if org is None:
            org = Organisation(id=1, name=name.strip())
            uow.session.add(org)
        else:
            check_version(org, version, "本机构信息")
        org.name = name.strip()
        org.cma_number = cma.normalize(cma_number) or None
        org.address = address.strip() or None
        org.phone = phone.strip() or None
        uow.session.flush()
        info = _lab(uow.session)
        uow.commit()
    return info


def get_settings(ctx: Context) -> dict[str, Any]:
    with ctx.uow() as uow:
        return {key: get_setting(uow.session, key) for key in SETTING_DEFAULTS}


SAMPLE_PATTERN_FIELDS = ("task", "seq", "year", "month", "day")
REPORT_PATTERN_FIELDS = ("seq", "year", "month")
MAX_NUMBER_LENGTH = 64


def _pattern_fields(pattern: str) -> set[str] | None:
    try:
        return {name.split(".")[0].split("[")[0] for _, name, _, _ in string.Formatter().parse(pattern) if name is not None}
    except ValueError:
        return None


def check_sample_pattern(pattern: str) -> str | None:
    """None when the sample-number pattern (样品编号规则) can be used, else why not (Chinese)."""
    # deferred: the samples service (and the task services it imports) is not loaded at start-up
    from app.services.samples import preview_number

    usage = "可用 {task}（任务编号）、{seq:04d}（任务内顺序号）、{year}、{month:02d}、{day:02d}。"
    if not pattern.strip():
        return "请填写样品编号规则。" + usage
    fields = _pattern_fields(pattern)
    if fields is None or fields - set(SAMPLE_PATTERN_FIELDS) or "" in fields:
        return f"样品编号规则“{pattern}”无效：" + usage
    if "seq" not in fields or "task" not in fields:
        return "样品编号规则必须包含 {task} 和 {seq}：顺序号按任务分别计数，缺少任一项会产生重复编号。"
    try:
        sample = preview_number(pattern, task_number="HBFX-2026-DQ-01", seq=9999)
    except ValidationError as exc:
        return exc.message
    if len(sample) > MAX_NUMBER_LENGTH:
        return f"按此规则生成的样品编号超过 {MAX_NUMBER_LENGTH} 个字符。"
    return None


def preview_report_number(pattern: str, seq: int = 1, on: dt.date | None = None) -> str:
    """What the report-number pattern (报告编号规则) gives; ValidationError when it is unusable."""
    on = on or clock.today()
    problem = check_report_pattern(pattern)
    if problem:
        raise ValidationError({"report_number_pattern": problem})
    return pattern.format(year=on.year, month=on.month, seq=seq)


def check_report_pattern(pattern: str) -> str | None:
    usage = "可用 {year}、{month:02d}、{seq:04d}（年度内顺序号）。"
    if not pattern.strip():
        return "请填写报告编号规则。" + usage
    fields = _pattern_fields(pattern)
    if fields is None or fields - set(REPORT_PATTERN_FIELDS) or "" in fields:
        return f"报告编号规则“{pattern}”无效：" + usage
    if "seq" not in fields or "year" not in fields:
        return "报告编号规则必须包含 {year} 和 {seq}：顺序号每年重新计数，缺少任一项会产生重复编号。"
    try:
        text = pattern.format(year=2026, month=12, seq=9999)
    except (KeyError, IndexError, ValueError):
        return f"报告编号规则“{pattern}”无效：" + usage
    if len(text) > MAX_NUMBER_LENGTH:
        return f"按此规则生成的报告编号超过 {MAX_NUMBER_LENGTH} 个字符。"
    return None


def provincial_url_problem(url: str) -> str | None:
    """Why ``url`` cannot be the provincial system's address (Chinese), or None. Only ``https://``
    carries the password; plain ``http://`` is for a sandbox on this machine (127.0.0.1, ::1,
    localhost) and nothing else."""
    if any(c.isspace() for c in url):
        return "省级系统地址不能包含空格。"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - a bad port raises here
    except ValueError:
        return f"省级系统地址“{url}”格式不正确，应为 https://… 。"
    scheme = parts.scheme.lower()
    if scheme not in ("https", "http") or not parts.hostname:
        return "省级系统地址应以 https:// 开头（例如 https://sjjg.example.cn/api）。"
    if scheme == "http" and not is_loopback_url(url):
        return ("省级系统地址必须使用 https://，以免密码以明文传输；只有本机的模拟环境可以使用 http://"
                "（如 http://127.0.0.1:8765）。")
    return None


def validate_settings(values: dict[str, Any]) -> dict[str, str]:
    """Every bad value, keyed by setting; empty when all can be saved."""
    errors: dict[str, str] = {}
    for key in values:
        if key not in SETTING_DEFAULTS:
            errors[key] = f"未知的设置项：{key}"
    if "sample_number_pattern" in values:
        problem = check_sample_pattern(str(values["sample_number_pattern"] or ""))
        if problem:
            errors["sample_number_pattern"] = problem
    if "report_number_pattern" in values:
        problem = check_report_pattern(str(values["report_number_pattern"] or ""))
        if problem:
            errors["report_number_pattern"] = problem
    url = str(values.get("provincial_url") or "").strip()
    if url:
        problem = provincial_url_problem(url)
        if problem:
            errors["provincial_url"] = problem
    if len(str(values.get("provincial_user") or "")) > 100:
        errors["provincial_user"] = "省级系统用户名不能超过 100 个字符。"
    if "deadline_working_days" in values:
        days = values["deadline_working_days"]
        if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= 60:
            errors["deadline_working_days"] = "报送期限应为 1～60 个工作日。"
    return errors


def save_settings(ctx: Context, values: dict[str, Any]) -> dict[str, Any]:
    """Save lab-wide settings after checking every value; returns all settings as stored."""
    permissions.settings_actions(ctx.user).require("numbering")
    clean = {k: (v.strip() if isinstance(v, str) else v) for k, v in values.items()}
    errors = validate_settings(clean)
    with ctx.uow() as uow:
        url = clean.get("provincial_url", get_setting(uow.session, "provincial_url"))
        user = clean.get("provincial_user", get_setting(uow.session, "provincial_user"))
        if str(url or "").strip() and not str(user or "").strip():
            errors.setdefault("provincial_user", "请填写省级系统用户名：填写了地址就须有用户名才能上传。")
        if errors:
            raise ValidationError(errors)
        for key, value in clean.items():
            set_setting(uow.session, key, value)
        uow.session.flush()
        out = {key: get_setting(uow.session, key) for key in SETTING_DEFAULTS}
        uow.commit()
    return out


def settings_sections(ctx: Context) -> permissions.Allowed:
    """Which settings sections the signed-in user may change (lab, marks, users, calendar,
    numbering, provincial, signing_key, audit), each with the reason when not: the settings page
    renders it, and each section's service refuses with the same words."""
    return permissions.settings_actions(ctx.user)
