"""The lab's document images (设置 → 印章与签名): the CMA mark, the lab's seal (检验检测专用章)
and the signature of each person who compiles, reviews or approves reports.

They are stored in the database (``lab_assets``), checked before anything is written (PNG or
JPEG by their first bytes, readable to the last pixel, at most 2 MB), changed by an administrator
only, and audited like every table. The test report places them where Chinese labs do: the CMA
mark at the top left of page 1, the seal over the issue date, each signature beside the typed
name; a missing one is said on the report instead of claimed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, undefer

from app.documents import images
from app.errors import NotFoundError, ValidationError
from app.services.context import Context
from app.store.models import LAB_ASSET_KINDS, LabAsset, User

KIND_LABELS = {"cma_mark": "CMA 标志", "seal": "检验检测专用章", "signature": "签名"}
#: who signs reports (编制/审核/批准) and so may have a signature image
SIGNING_ROLES = ("technician", "reviewer", "signatory")


@dataclass(frozen=True)
class AssetInfo:
    kind: str
    user_id: int | None
    media_type: str
    size: int  # bytes
    sha256: str
    updated_at: str  # ISO timestamp, for the page


@dataclass(frozen=True)
class Signer:
    """A person who may sign reports, and their signature image (if stored)."""

    user_id: int
    username: str
    display_name: str
    roles: tuple[str, ...]
    active: bool
    signature: AssetInfo | None


@dataclass(frozen=True)
class LabAssets:
    """What 设置 → 印章与签名 shows."""

    cma_mark: AssetInfo | None
    seal: AssetInfo | None
    signers: tuple[Signer, ...]


def _info(a: LabAsset) -> AssetInfo:
    return AssetInfo(a.kind, a.user_id, a.media_type, len(a.content), a.sha256,
                     a.updated_at.isoformat() if a.updated_at else "")


def _find(session: Session, kind: str, user_id: int | None, *, content: bool = False) -> LabAsset | None:
    q = select(LabAsset).where(LabAsset.kind == kind,
                               LabAsset.user_id.is_(None) if user_id is None else LabAsset.user_id == user_id)
    if content:
        q = q.options(undefer(LabAsset.content))
    return session.scalars(q.order_by(LabAsset.id)).first()


def _check_target(session: Session, kind: str, user_id: int | None) -> str:
    """The label of what is stored (``CMA 标志``, ``王建的签名``); refuses a wrong kind or person."""
    if kind not in LAB_ASSET_KINDS:
        raise ValidationError({"kind": f"未知的图片类型“{kind}”，应为 CMA 标志、检验检测专用章或签名。"})
    if kind != "signature":
        if user_id is not None:
            raise ValidationError({"user_id": f"{KIND_LABELS[kind]}属于本机构，不属于个人。"})
        return KIND_LABELS[kind]
    if user_id is None:
        raise ValidationError({"user_id": "请选择签名所属的人员。"})
    user = session.get(User, user_id)
    if user is None:
        raise NotFoundError("该用户不存在或已被删除。")
    if not any(user.has_role(r) for r in SIGNING_ROLES):
        raise ValidationError({"user_id": f"{user.display_name}不参与报告的编制、审核或批准，无需签名图片。"})
    return f"{user.display_name}的签名"


def list_assets(ctx: Context) -> LabAssets:
    """The CMA mark, the seal, and every person who signs reports with their signature (if any)."""
    with ctx.uow() as uow:
        s = uow.session
        stored = list(s.scalars(select(LabAsset).options(undefer(LabAsset.content)).order_by(LabAsset.id)))
        signatures = {a.user_id: _info(a) for a in stored if a.kind == "signature"}
        signers = tuple(
            Signer(u.id, u.username, u.display_name, tuple(r for r in u.roles or () if r in SIGNING_ROLES),
                   bool(u.active), signatures.get(u.id))
            for u in s.scalars(select(User).order_by(User.username))
            if any(u.has_role(r) for r in SIGNING_ROLES)
        )
        first = {k: next((_info(a) for a in stored if a.kind == k), None) for k in ("cma_mark", "seal")}
        return LabAssets(first["cma_mark"], first["seal"], signers)


def asset_content(ctx: Context, kind: str, user_id: int | None = None) -> bytes | None:
    """The stored image (for a preview), or ``None``."""
    with ctx.uow() as uow:
        a = _find(uow.session, kind, user_id, content=True)
        return bytes(a.content) if a is not None else None


def save_asset(ctx: Context, kind: str, content: bytes, *, user_id: int | None = None) -> AssetInfo:
    """Store or replace an image: ``kind`` is ``cma_mark``, ``seal`` or ``signature`` (of ``user_id``).
    Checked first (PNG or JPEG, readable, at most 2 MB): a refusal writes nothing."""
    ctx.require("administrator", action="更换本机构的标志、印章和签名图片")
    with ctx.uow() as uow:
        label = _check_target(uow.session, kind, user_id)
        info = images.inspect(content, label, field="content")
        asset = _find(uow.session, kind, user_id)
        if asset is None:
            asset = LabAsset(kind=kind, user_id=user_id)
            uow.session.add(asset)
        asset.media_type = info.media_type
        asset.sha256 = hashlib.sha256(content).hexdigest()
        asset.content = content
        uow.session.flush()
        out = _info(asset)
        uow.commit()
    return out


def save_asset_file(ctx: Context, kind: str, path: str | Path, *, user_id: int | None = None) -> AssetInfo:
    """:func:`save_asset` from a file the administrator chose; a file that cannot be read, or is
    far too big to be an image, is refused before it is read whole."""
    ctx.require("administrator", action="更换本机构的标志、印章和签名图片")
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > images.MAX_BYTES:
            raise ValidationError({"content": f"{path.name} 有 {size / 1024 / 1024:.1f} MB，超过 2 MB 的上限，"
                                              "请缩小后再上传。"})
        content = path.read_bytes()
    except OSError as exc:
        raise ValidationError({"content": f"无法读取文件 {path.name}：{exc.strerror or exc}"}) from exc
    return save_asset(ctx, kind, content, user_id=user_id)


def remove_asset(ctx: Context, kind: str, *, user_id: int | None = None) -> None:
    """Remove an image; reports issued later say that it is missing."""
    ctx.require("administrator", action="删除本机构的标志、印章和签名图片")
    with ctx.uow() as uow:
        if kind not in LAB_ASSET_KINDS:
            raise ValidationError({"kind": f"未知的图片类型“{kind}”。"})
        asset = _find(uow.session, kind, user_id)
        if asset is None:
            raise NotFoundError(f"{KIND_LABELS.get(kind, kind)}图片不存在或已被删除。")
        uow.session.delete(asset)
        uow.commit()


# ----------------------------------------------------------------------------------- for the documents
@dataclass(frozen=True)
class ReportMarks:
    """The images a test report carries: the CMA mark, the seal, signatures by user id."""

    cma_mark: bytes | None
    seal: bytes | None
    signatures: dict[int, bytes]


def report_marks(session: Session, signer_ids: Iterable[int | None]) -> ReportMarks:
    """The lab's marks and the signatures of ``signer_ids``, in the caller's session (one query)."""
    wanted = {i for i in signer_ids if i is not None}
    q = select(LabAsset).options(undefer(LabAsset.content)).where(
        LabAsset.kind.in_(("cma_mark", "seal")) | (LabAsset.kind == "signature") & LabAsset.user_id.in_(wanted)
    ).order_by(LabAsset.id)
    found = list(session.scalars(q))
    first = {k: next((bytes(a.content) for a in found if a.kind == k and a.user_id is None), None)
             for k in ("cma_mark", "seal")}
    return ReportMarks(first["cma_mark"], first["seal"],
                       {a.user_id: bytes(a.content) for a in found if a.kind == "signature" and a.user_id is not None})
