"""Tamper evidence: the audit chain, the business rows against it, and signed checkpoints.

Three checks make ``riskmon audit verify`` (and 设置 → 审计与完整性):

1. **The chain** (:func:`app.store.audit.verify_chain`): every entry's hash follows from the one
   before; an edited or deleted entry in the middle breaks it.
2. **The rows** (:func:`app.store.audit.verify_rows`): every business row is exactly what its
   log entries add up to, so a row edited, inserted or deleted behind the program's back
   (``sqlite3``, ``psql``) is named with its table, key and fields.
3. **Checkpoints**: the chain's head (sequence, hash) signed with the lab key
   (:mod:`app.services.labkey` — the key that signs the reports). Someone with write access to
   the database can delete the last entries, or rewrite the middle and recompute every hash after
   it with the public hash function; neither can be told from the chain alone. A checkpoint can:
   the chain is shorter than a signed sequence, or its hash at that sequence is not the signed
   one. Checkpoints leave the database — in every upload package's manifest (the provincial
   system keeps them) and in files made by ``audit checkpoint --export`` — so rewriting the
   checkpoints table too is caught by ``audit verify --anchor FILE``.

A checkpoint is made by hand (``riskmon audit checkpoint``, the settings page), once a day when
the key can be unlocked without asking, and when the upload worker starts a run. Before signing,
the chain since the previous checkpoint is verified: a checkpoint never blesses a broken chain.

Limits (README, "Reliability"): someone holding the database *and* the lab key's password can
forge anything after the last copy that left the lab; rows are compared with the log, so a
change made through the program by a signed-in user is recorded, not prevented.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from app.documents._io import atomic_write_bytes
from app.errors import ValidationError
from app.security import labkey as crypto
from app.services import permissions
from app.services.context import Context
from app.services.labkey import KeyLocked, signer_for
from app.store.audit import GENESIS_HASH, RowMismatch, verify_chain, verify_rows
from app.store.models import AuditCheckpoint, AuditLog, LabKey, Organisation
from app.store.queries import lab_timezone, lab_today
from app.store.types import utcnow
from app.store.uow import UnitOfWork

log = logging.getLogger(__name__)

STATEMENT_TITLE = "Riskmon audit checkpoint v1"
EXPORT_FORMAT = "riskmon-audit-checkpoints"
REASON_LABELS = {"manual": "手动", "daily": "每日自动", "upload": "上传时", "demo": "演示"}


# --------------------------------------------------------------------------------------------
# Checkpoints
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Checkpoint:
    """A signed head, as stored, exported and carried in upload manifests."""

    seq: int
    head_hash: str
    at: datetime
    key_fingerprint: str
    statement: str
    signature: bytes
    reason: str = "manual"
    actor: str = ""
    certificate: bytes | None = None  # DER; in exports, so a file can be checked on its own

    def to_json(self, *, with_certificate: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {
            "seq": self.seq,
            "hash": self.head_hash,
            "at": self.at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "key": self.key_fingerprint,
            "statement": self.statement,
            "signature": crypto.b64(self.signature),
        }
        if with_certificate and self.certificate is not None:
            out["certificate"] = crypto.b64(self.certificate)
        return out

    @classmethod
    def from_json(cls, obj: Any) -> Checkpoint:
        try:
            cert = obj.get("certificate")
            return cls(
                seq=int(obj["seq"]),
                head_hash=str(obj["hash"]),
                at=datetime.fromisoformat(str(obj["at"]).replace("Z", "+00:00")),
                key_fingerprint=str(obj["key"]),
                statement=str(obj["statement"]),
                signature=crypto.unb64(str(obj["signature"])),
                certificate=crypto.unb64(str(cert)) if cert else None,
            )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ValidationError(f"检查点记录格式不正确：{exc}") from exc

    def label(self, tz: Any = UTC) -> str:
        return f"第 {self.seq} 条（{self.at.astimezone(tz):%Y-%m-%d %H:%M}，{self.head_hash[:12]}…）"


def statement_text(lab_name: str, seq: int, head_hash: str, at: datetime, fingerprint: str) -> str:
    """The exact text a checkpoint signs (UTF-8): what, whose, which head, when, which key."""
    return (
        f"{STATEMENT_TITLE}\n"
        f"lab: {lab_name}\n"
        f"seq: {seq}\n"
        f"hash: {head_hash}\n"
        f"at: {at.astimezone(UTC).strftime('%Y-%m-%dT%H:%M:%SZ')}\n"
        f"key: {fingerprint}\n"
    )


def _parse_statement(text: str) -> dict[str, str]:
    lines = text.splitlines()
    if not lines or lines[0] != STATEMENT_TITLE:
        return {}
    out = {}
    for line in lines[1:]:
        k, sep, v = line.partition(": ")
        if sep:
            out[k] = v
    return out


def _of_row(row: AuditCheckpoint, cert: bytes | None = None) -> Checkpoint:
    return Checkpoint(row.seq, row.head_hash, row.at, row.key_fingerprint, row.statement,
                      bytes(row.signature), row.reason, row.actor, cert)


def latest(session: Any) -> Checkpoint | None:
    """The newest checkpoint, or None."""
    row = session.scalar(select(AuditCheckpoint).order_by(AuditCheckpoint.seq.desc(), AuditCheckpoint.id.desc()))
    return None if row is None else _of_row(row)


def _head(session: Any) -> tuple[int, str]:
    row = session.execute(select(AuditLog.seq, AuditLog.hash).order_by(AuditLog.seq.desc()).limit(1)).first()
    return (int(row[0]), str(row[1])) if row else (0, GENESIS_HASH)


def checkpoint_in(session: Any, signer: crypto.LabSigner, *, actor: str, reason: str) -> Checkpoint:
    """Sign the chain's current head in ``session`` (after checking the chain since the previous
    checkpoint) and store the checkpoint. The caller commits."""
    previous = latest(session)
    since = (previous.seq, previous.head_hash) if previous is not None else None
    result = verify_chain(session, since=since)
    if not result.ok:
        raise ValidationError(f"审计日志校验未通过，不能签署检查点：{result.message()}")
    seq, head_hash = _head(session)
    org = session.get(Organisation, 1)
    at = utcnow().replace(microsecond=0)
    text = statement_text(org.name if org else "", seq, head_hash, at, signer.fingerprint)
    signature = signer.sign_bytes(text.encode("utf-8"))
    session.add(AuditCheckpoint(seq=seq, head_hash=head_hash, at=at, key_fingerprint=signer.fingerprint,
                                statement=text, signature=signature, actor=actor, reason=reason))
    session.flush()
    return Checkpoint(seq, head_hash, at, signer.fingerprint, text, signature, reason, actor)


def make_checkpoint(ctx: Context, *, reason: str = "manual") -> Checkpoint:
    """签署检查点 now (the lab key must be unlocked: :class:`app.services.labkey.KeyLocked`)."""
    permissions.audit_actions(ctx.user).require("sign_checkpoint")
    with ctx.uow() as uow:
        signer = signer_for(uow.session)
        if signer is None:
            raise ValidationError("本机构还没有签章密钥：请先在“设置 → 签章密钥”中生成或导入。")
        cp = checkpoint_in(uow.session, signer, actor=ctx.user.username, reason=reason)
        uow.commit()
    return cp


def checkpoint_if_due(db: Any, *, actor: str, reason: str = "daily") -> Checkpoint | None:
    """A checkpoint when the lab key unlocks without asking and — for ``daily`` — none was made
    today (lab time) or the chain grew; ``upload`` makes one whenever the chain grew. Never
    raises: a locked key or a broken chain is logged and left for ``audit verify``."""
    try:
        with UnitOfWork(db, actor) as uow:
            previous = latest(uow.session)
            seq, _hash = _head(uow.session)
            if previous is not None and previous.seq == seq:
                return None
            if reason == "daily" and previous is not None:
                tz = lab_timezone(uow.session)
                if previous.at.astimezone(tz).date() == lab_today(uow.session):
                    return None
            signer = signer_for(uow.session)
            if signer is None:
                return None
            cp = checkpoint_in(uow.session, signer, actor=actor, reason=reason)
            uow.commit()
            return cp
    except KeyLocked:
        log.info("audit checkpoint skipped: the lab key is locked")
    except Exception:  # noqa: BLE001 - never in the way of the work; audit verify reports
        log.warning("audit checkpoint failed", exc_info=True)
    return None


def export_checkpoints(session: Any) -> bytes:
    """Every checkpoint with the certificates that signed them, as JSON: a file to keep away from
    the lab's database (``audit verify --anchor``)."""
    certs = {k.fingerprint: bytes(k.certificate) for k in session.scalars(select(LabKey))}
    rows = session.scalars(select(AuditCheckpoint).order_by(AuditCheckpoint.seq, AuditCheckpoint.id))
    org = session.get(Organisation, 1)
    doc = {
        "format": EXPORT_FORMAT,
        "version": 1,
        "lab": org.name if org else "",
        "exported_at": utcnow().strftime("%Y-%m-%dT%H:%M:%SZ"),
        "checkpoints": [_of_row(r, certs.get(r.key_fingerprint)).to_json(with_certificate=True) for r in rows],
    }
    return (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def read_anchor(data: bytes, *, source: str = "") -> list[Checkpoint]:
    """Checkpoints from an export file, or from an upload package's ``manifest.json``."""
    try:
        doc = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ValidationError(f"{source or '检查点文件'} 不是有效的 JSON：{exc}") from exc
    if isinstance(doc, dict) and doc.get("format") == EXPORT_FORMAT:
        items = doc.get("checkpoints") or []
    elif isinstance(doc, dict) and isinstance(doc.get("audit_checkpoint"), dict):
        items = [doc["audit_checkpoint"]]
    else:
        raise ValidationError(f"{source or '该文件'} 不是审计检查点导出文件，也不是带检查点的上传包清单。")
    return [Checkpoint.from_json(it) for it in items]


def manifest_checkpoint(session: Any) -> dict[str, Any] | None:
    """The latest checkpoint with its certificate, as upload manifests carry it."""
    cp = latest(session)
    if cp is None:
        return None
    cert = session.scalar(select(LabKey.certificate).where(LabKey.fingerprint == cp.key_fingerprint))
    return Checkpoint(cp.seq, cp.head_hash, cp.at, cp.key_fingerprint, cp.statement, cp.signature,
                      certificate=bytes(cert) if cert else None).to_json(with_certificate=True)


# --------------------------------------------------------------------------------------------
# Verification
# --------------------------------------------------------------------------------------------


@dataclass
class IntegrityReport:
    """What ``audit verify`` found. ``problems`` are Chinese sentences; empty means all is well."""

    entries: int = 0
    head_seq: int = 0
    head_hash: str = GENESIS_HASH
    chain_ok: bool = True
    chain_message: str = ""
    rows: list[RowMismatch] = field(default_factory=list)
    checkpoints_checked: int = 0
    anchors_checked: int = 0
    latest_checkpoint: Checkpoint | None = None
    problems: list[str] = field(default_factory=list)
    tz: Any = UTC  # the lab's time zone, for the times shown

    @property
    def ok(self) -> bool:
        return not self.problems

    def lines(self) -> list[str]:
        tz = self.tz
        out = [
            f"审计日志：共 {self.entries} 条记录；链头 第 {self.head_seq} 条，哈希 {self.head_hash}",
            "哈希链：" + ("校验通过" if self.chain_ok else self.chain_message),
            "业务数据：" + ("与审计日志一致" if not self.rows else f"{len(self.rows)} 处与审计日志不符"),
            f"已签名检查点：核对 {self.checkpoints_checked} 个"
            + (f"，最新为{self.latest_checkpoint.label(tz)}" if self.latest_checkpoint else "（尚无检查点）"),
        ]
        if self.anchors_checked:
            out.append(f"外部检查点文件：核对 {self.anchors_checked} 个")
        if self.problems:
            out.append("发现问题：")
            out.extend(f"  - {p}" for p in self.problems)
        else:
            out.append("结论：未发现篡改。请将链头（序号与哈希）或导出的检查点另行保存，以便日后核对。")
        return out


def _hash_at(session: Any, seq: int) -> str | None:
    return session.scalar(select(AuditLog.hash).where(AuditLog.seq == seq))


def _check_checkpoint(session: Any, cp: Checkpoint, certs: dict[str, bytes], count: int, tz: Any,
                      where: str) -> list[str]:
    """Problems with one checkpoint: its signature, then the chain against what it signed."""
    what = f"{where}{cp.label(tz)}"
    cert_der = cp.certificate if cp.certificate is not None else certs.get(cp.key_fingerprint)
    if cert_der is None:
        return [f"{what}：找不到签署它的证书（{cp.key_fingerprint[:16]}…），无法核对签名"]
    try:
        cert = crypto.load_cert(cert_der)
    except Exception:  # noqa: BLE001 - unreadable certificate bytes
        return [f"{what}：证书无法读取"]
    if crypto.fingerprint(cert) != cp.key_fingerprint:
        return [f"{what}：证书与检查点记录的密钥指纹不符"]
    if not crypto.verify_bytes(cert, cp.statement.encode("utf-8"), cp.signature):
        return [f"{what}：签名无效（检查点被改动或伪造）"]
    signed = _parse_statement(cp.statement)
    if signed.get("seq") != str(cp.seq) or signed.get("hash") != cp.head_hash:
        return [f"{what}：签名内容与检查点的序号或哈希不符（检查点被改动）"]
    if cp.seq > count:
        return [f"{what}：审计日志只有 {count} 条，短于已签名的第 {cp.seq} 条——有记录被删除"]
    if cp.seq == 0:
        return []
    actual = _hash_at(session, cp.seq)
    if actual != cp.head_hash:
        return [f"{what}：日志第 {cp.seq} 条的哈希与签名时不同——日志被改写并重新计算了哈希"]
    return []


def verify_integrity(db: Any, *, anchors: list[Checkpoint] | None = None, row_limit: int = 50) -> IntegrityReport:
    """The three checks (chain, rows, checkpoints) and optional external ``anchors``."""
    report = IntegrityReport()
    with UnitOfWork(db, "audit") as uow:
        s = uow.session
        tz = report.tz = lab_timezone(s)
        chain = verify_chain(s)
        report.chain_ok = chain.ok
        report.chain_message = chain.message()
        count = int(s.scalar(select(func.count()).select_from(AuditLog)) or 0)
        report.entries = count
        report.head_seq, report.head_hash = _head(s)
        if not chain.ok:
            report.problems.append(chain.message())
        report.rows = verify_rows(s, limit=row_limit)
        report.problems.extend(m.message() for m in report.rows)
        certs = {k.fingerprint: bytes(k.certificate) for k in s.scalars(select(LabKey))}
        stored = [_of_row(r) for r in s.scalars(select(AuditCheckpoint).order_by(AuditCheckpoint.seq))]
        report.latest_checkpoint = stored[-1] if stored else None
        for cp in stored:
            report.problems.extend(_check_checkpoint(s, cp, certs, count, tz, "检查点"))
        report.checkpoints_checked = len(stored)
        for cp in anchors or ():
            report.problems.extend(_check_checkpoint(s, cp, certs, count, tz, "外部检查点"))
        report.anchors_checked = len(anchors or ())
    return report


def verify_anchor_file(db: Any, path: Path) -> IntegrityReport:
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise ValidationError(f"无法读取检查点文件 {path}：{exc.strerror or exc}") from exc
    return verify_integrity(db, anchors=read_anchor(data, source=str(path)))


# --------------------------------------------------------------------------------------------
# For the settings page and the command line
# --------------------------------------------------------------------------------------------

VERIFY_ROLES = permissions.AUDIT_ROLES


@dataclass(frozen=True)
class Overview:
    """What 设置 → 审计与完整性 shows before anything is verified."""

    entries: int
    head_seq: int
    head_hash: str
    checkpoints: list[Checkpoint]
    has_key: bool
    tz: Any = UTC


def overview(ctx: Context, *, limit: int = 200) -> Overview:
    with ctx.uow() as uow:
        s = uow.session
        seq, head_hash = _head(s)
        entries = int(s.scalar(select(func.count()).select_from(AuditLog)) or 0)
        rows = s.scalars(select(AuditCheckpoint).order_by(AuditCheckpoint.seq.desc(), AuditCheckpoint.id.desc())
                         .limit(limit))
        has_key = s.scalar(select(func.count()).select_from(LabKey).where(LabKey.active.is_(True))) or 0
        return Overview(entries, seq, head_hash, [_of_row(r) for r in rows], bool(has_key), lab_timezone(s))


def verify(ctx: Context, anchor: Path | None = None) -> IntegrityReport:
    """校验: the chain, the rows, the checkpoints, and an anchor file if given."""
    permissions.audit_actions(ctx.user).require("verify")
    if anchor is not None:
        return verify_anchor_file(ctx.db, anchor)
    return verify_integrity(ctx.db)


def export_file(ctx: Context, path: Path) -> Path:
    """导出检查点: every checkpoint with its certificate, to keep outside the lab's database."""
    permissions.audit_actions(ctx.user).require("export_checkpoints")
    with ctx.uow() as uow:
        data = export_checkpoints(uow.session)
    return atomic_write_bytes(Path(path), data)
