"""The lab (检验检测机构) and the lab-wide settings."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.errors import ValidationError
from app.services._common import check_version
from app.services.context import Context
from app.store.models import SETTING_DEFAULTS, Organisation
from app.store.queries import get_setting, set_setting
from app.store.uow import UnitOfWork


@dataclass(frozen=True)
class LabInfo:
    name: str
    cma_number: str
    address: str
    phone: str
    version: int | None


def _lab(session) -> LabInfo:
    org = session.get(Organisation, 1)
    if org is None:
        return LabInfo("", "", "", "", None)
    return LabInfo(org.name, org.cma_number or "", org.address or "", org.phone or "", org.version)


def lab_name_unchecked(db) -> str:
    with UnitOfWork(db, actor="system") as uow:
        return _lab(uow.session).name


def get_lab(ctx: Context) -> LabInfo:
    with ctx.uow() as uow:
        return _lab(uow.session)


def save_lab(ctx: Context, *, name: str, cma_number: str, address: str, phone: str, version: int | None) -> LabInfo:
    ctx.require("administrator", action="修改本机构信息")
    errors = {}
    if not name.strip():
        errors["name"] = "请填写机构名称。"
    if cma_number.strip() and not cma_number.strip().isalnum():
        errors["cma_number"] = "CMA 证书编号只能包含字母和数字。"
    if errors:
        raise ValidationError(errors)
    with ctx.uow() as uow:
        org = uow.session.get(Organisation, 1)
        if org is None:
            org = Organisation(id=1, name=name.strip())
            uow.session.add(org)
        else:
            check_version(org, version, "本机构信息")
        org.name = name.strip()
        org.cma_number = cma_number.strip() or None
        org.address = address.strip() or None
        org.phone = phone.strip() or None
        uow.session.flush()
        info = _lab(uow.session)
        uow.commit()
    return info


def get_settings(ctx: Context) -> dict[str, Any]:
    with ctx.uow() as uow:
        return {key: get_setting(uow.session, key) for key in SETTING_DEFAULTS}


def save_settings(ctx: Context, values: dict[str, Any]) -> None:
    ctx.require("administrator", action="修改系统设置")
    with ctx.uow() as uow:
        for key, value in values.items():
            set_setting(uow.session, key, value)
        uow.commit()
